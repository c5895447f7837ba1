"""The aggregate API (OpenSpending babbage style) for people who do not write SPARQL:
/api/3/cubes, …/model, …/aggregate, …/members/<dimension>, …/facts; JSON or CSV.
Amounts are exact decimals, given as strings so no client turns them into floats.

Answers come from the build's facts index (service/query/facts_index.py, SQLite beside the
store) when the service serves a local build that has one, else from SPARQL through the
query runner (a shared remote store, or a build from before the index): same answers."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from decimal import Decimal
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, jsonify, request

from service.query import cubes, facts_index
from service.query.runner import every_form
from service.query.safety import Refusal
from service.web.api_index import index, index_failed, opened
from service.web.api_openapi import document
from service.web.errors import ApiError, positive
from service.web.site import site
from service.web.sparql import runner

bp = Blueprint("api", __name__, url_prefix="/api/3")
bp.register_error_handler(sqlite3.DatabaseError, index_failed)
MAX_PAGE_SIZE = 10000
API_QUERY_LENGTH = 1_000_000  # the API's own queries: long cut lists make long queries
CACHED_PAGE_SIZE = 1000  # aggregates answered from the index are kept up to this page size


def select(query: str) -> list[dict[str, str]]:
    """Run a SELECT through the query runner (time limit, either backend) → plain rows."""
    try:
        answer = runner().run(query, every_form("json", "nt"), max_length=API_QUERY_LENGTH)
    except Refusal as refusal:
        raise ApiError(refusal.status, refusal.kind, refusal.detail) from None
    data = json.loads(answer.body)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def money(value: str | None) -> str | None:
    if value is None:
        return None
    amount = Decimal(value)
    cents = amount.quantize(Decimal("0.01"))
    return f"{cents if cents == amount else amount:f}"


def _labels(dimension: str, keys: list[str]) -> dict[str, str]:
    if not cubes.DIMENSIONS[dimension].labelled or not keys:
        return {}
    if (db := index()) is not None:
        return facts_index.labels(db, dimension, keys)
    query = cubes.labels_query(dimension, keys)
    return {r["key"]: r["label"] for r in select(query)} if query else {}


def _groups(
    name: str,
    dims: list[str],
    cuts: dict[str, list[str]],
    order: list[tuple[str, str]],
    limit: int,
    offset: int,
) -> cubes.Groups:
    """One page of an aggregate, the number of groups and the exact sum of all of them."""
    found = opened()
    if found is not None and limit <= CACHED_PAGE_SIZE:
        frozen = tuple((k, tuple(v)) for k, v in cuts.items())
        return _kept(str(found[0]), name, tuple(dims), frozen, tuple(order), limit, offset)
    if found is not None:
        return facts_index.aggregate(found[1], name, dims, cuts, order, limit, offset)
    groups = select(cubes.aggregate_query(name, dims, cuts, order))
    total = sum((Decimal(g["sum"]) for g in groups if g.get("sum")), Decimal(0))
    return cubes.Groups(
        groups[offset : offset + limit],
        len(groups),
        str(total),
        sum(int(g.get("count", 0)) for g in groups),
    )


@lru_cache(maxsize=128)
def _kept(
    path: str,
    name: str,
    dims: tuple[str, ...],
    cuts: tuple[tuple[str, tuple[str, ...]], ...],
    order: tuple[tuple[str, str], ...],
    limit: int,
    offset: int,
) -> cubes.Groups:
    """An index never changes once written (a new build writes a new file, so its path is
    part of the key): the same aggregate asked again is a lookup, not a GROUP BY."""
    db = index()
    assert db is not None
    cut = {k: list(v) for k, v in cuts}
    return facts_index.aggregate(db, name, list(dims), cut, list(order), limit, offset)


def _members(
    name: str, dimension: str, cuts: dict[str, list[str]], direction: str, limit: int, offset: int
) -> list[dict[str, Any]]:
    """A page of a dimension's keys with their counts."""
    if (db := index()) is not None:
        return facts_index.members(db, name, dimension, cuts, direction, limit, offset)
    return select(cubes.members_query(name, dimension, cuts, direction, limit, offset))


def _facts(
    name: str, cuts: dict[str, list[str]], order: list[tuple[str, str]], limit: int, offset: int
) -> list[dict[str, Any]]:
    """A page of facts: obs, every {dim}_key, amount, line."""
    if (db := index()) is not None:
        return facts_index.facts(db, name, cuts, order, limit, offset)
    return select(cubes.facts_query(name, cuts, order, limit, offset))


def _page() -> tuple[int, int]:
    args = request.args
    return positive(args, "page", 1, 10**6), positive(args, "pagesize", 100, MAX_PAGE_SIZE)


def _cube(name: str) -> dict[str, Any]:
    """A cube's title, columns and default cut (404 for a cube no dataset has)."""
    if (db := index()) is not None:  # a few rows of the index: not worth a cache
        shape = facts_index.cube_shape(db, name)
        if shape is None:
            raise _unknown(name)
        return _model(name, *shape)
    return _cube_model(site().version(), name)


def _cube_list() -> list[dict[str, Any]]:
    """name, title and number of tables of every cube."""
    if (db := index()) is not None:
        return facts_index.cube_list(db)
    rows = select(cubes.cubes_query())
    return [{"name": r["kind"], "title": r.get("label"), "tables": int(r["tables"])} for r in rows]


def _model(name: str, title: str | None, columns: set[str], rows: set[str]) -> dict[str, Any]:
    return {
        "name": name,
        "title": title or name,
        "columns": sorted(columns),
        "default_cut": cubes.default_cuts(columns, rows),
    }


def _unknown(name: str) -> ApiError:
    return ApiError(404, "unknown-cube", f"no cube {name!r}; see /api/3/cubes")


@lru_cache(maxsize=64)
def _cube_model(version: str, name: str) -> dict[str, Any]:
    """From the store: a few seconds at 28M triples, so kept until the next build."""
    known = {row["kind"]: row for row in select(cubes.cubes_query())}
    if name not in known:
        raise _unknown(name)
    shape = select(cubes.shape_query(name))
    columns = {row["column"] for row in shape}
    rows = {row["row"] for row in shape}
    return _model(name, known[name].get("label"), columns, rows)


def _cuts(cube: dict[str, Any]) -> dict[str, list[str]]:
    try:
        cuts = cubes.parse_cuts(request.args.get("cut"))
    except cubes.BadRequest as error:
        raise ApiError(400, "bad-cut", str(error)) from None
    return {**{k: v for k, v in cube["default_cut"].items() if k not in cuts}, **cuts}


def _listing(
    data: list[dict[str, Any]],
    fields: list[str],
    page: int,
    size: int,
    cuts: dict[str, list[str]],
) -> Response:
    """A page of members or facts, as JSON or CSV."""
    cut = [f"{k}:{';'.join(v)}" for k, v in cuts.items()]
    payload = {"status": "ok", "data": data, "page": page, "pagesize": size, "cut": cut}
    return _respond(payload, data, fields)


def _respond(payload: dict[str, Any], rows: list[dict[str, Any]], fields: list[str]) -> Response:
    if request.args.get("format") == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(fields)
        for row in rows:
            writer.writerow(["" if row.get(f) is None else row[f] for f in fields])
        return Response(buffer.getvalue(), mimetype="text/csv")
    if request.args.get("format") not in (None, "json"):
        raise ApiError(406, "not-acceptable", "format is json or csv")
    response = jsonify(payload)
    found = opened()  # the build the answer is from
    response.headers["Budgetpub-Store"] = found[0].parent.name if found else site().version()
    return response


@bp.get("/cubes")
def list_cubes() -> Response:
    return jsonify({"status": "ok", "data": _cube_list()})


@bp.get("/cubes/<name>/model")
def model(name: str) -> Response:
    cube = _cube(name)
    dimensions = {
        d.name: {
            "label": d.title,
            "dimensionType": d.kind,
            "key_ref": d.name,
            "label_ref": f"{d.name}.label" if d.labelled else d.name,
        }
        for d in cubes.DIMENSIONS.values()
    }
    return jsonify(
        {
            "status": "ok",
            "name": name,
            "model": {
                "title": cube["title"],
                "dimensions": dimensions,
                "measures": {"amount": {"label": "金额（元） Amount, CNY", "currency": "CNY"}},
                "aggregates": {
                    "amount.sum": {"measure": "amount", "function": "sum"},
                    "_count": {"function": "count"},
                },
                "columns": cube["columns"],
                "default_cut": "|".join(
                    f"{k}:{';'.join(v)}" for k, v in cube["default_cut"].items()
                ),
            },
        }
    )


@bp.get("/cubes/<name>/aggregate")
def aggregate(name: str) -> Response:
    cube = _cube(name)
    page, size = _page()
    try:
        dims = cubes.drilldowns(request.args.get("drilldown"))
        order = cubes.parse_order(request.args.get("order"), {*dims, *cubes.AGGREGATES})
    except cubes.BadRequest as error:
        raise ApiError(400, "bad-parameter", str(error)) from None
    cuts = _cuts(cube)
    groups = _groups(name, dims, cuts, order, size, (page - 1) * size)
    rows = groups.rows
    names = {dim: _labels(dim, [r.get(f"{dim}_key") or "" for r in rows]) for dim in dims}
    cells = []
    for row in rows:
        cell: dict[str, Any] = {}
        for dim in dims:
            cell[dim] = row.get(f"{dim}_key") or None
            if cubes.DIMENSIONS[dim].labelled:
                cell[f"{dim}.label"] = names[dim].get(cell[dim] or "")
        cell["amount.sum"] = money(row.get("sum")) or "0.00"
        cell["_count"] = int(row.get("count", 0))
        cells.append(cell)
    fields = [f for d in dims for f in ([d, f"{d}.label"] if cubes.DIMENSIONS[d].labelled else [d])]
    return _respond(
        {
            "status": "ok",
            "cells": cells,
            "summary": {"amount.sum": money(groups.total), "_count": groups.count},
            "total_cell_count": groups.cells,
            "page": page,
            "pagesize": size,
            "drilldown": dims,
            "cut": [f"{k}:{';'.join(v)}" for k, v in cuts.items()],
            "order": [f"{n}:{d}" for n, d in order],
            "aggregates": list(cubes.AGGREGATES),
        },
        cells,
        [*fields, "amount.sum", "_count"],
    )


@bp.get("/cubes/<name>/members/<dimension>")
def members(name: str, dimension: str) -> Response:
    if dimension not in cubes.DIMENSIONS:
        raise ApiError(404, "unknown-dimension", f"no dimension {dimension!r}")
    cube = _cube(name)
    page, size = _page()
    direction = request.args.get("order", "asc").rpartition(":")[2] or "asc"
    if direction not in ("asc", "desc"):
        raise ApiError(400, "bad-parameter", "order is asc or desc")
    cuts = {k: v for k, v in _cuts(cube).items() if k != dimension}
    rows = _members(name, dimension, cuts, direction, size, (page - 1) * size)
    names = _labels(dimension, [r.get(f"{dimension}_key") or "" for r in rows])
    data = [
        {
            dimension: r.get(f"{dimension}_key"),
            f"{dimension}.label": names.get(r.get(f"{dimension}_key", "")),
            "_count": int(r["count"]),
        }
        for r in rows
    ]
    return _listing(data, [dimension, f"{dimension}.label", "_count"], page, size, cuts)


@bp.get("/cubes/<name>/facts")
def facts(name: str) -> Response:
    cube = _cube(name)
    page, size = _page()
    try:
        order = cubes.parse_order(request.args.get("order"), set(cubes.DIMENSIONS))
    except cubes.BadRequest as error:
        raise ApiError(400, "bad-parameter", str(error)) from None
    cuts = _cuts(cube)
    rows = _facts(name, cuts, order, size, (page - 1) * size)
    data = [
        {
            "id": r["obs"],
            **{d: r.get(f"{d}_key") for d in cubes.DIMENSIONS},
            "amount": money(r["amount"]),
            "source_line": int(r["line"]),
        }
        for r in rows
    ]
    fields = ["id", *cubes.DIMENSIONS, "amount", "source_line"]
    return _listing(data, fields, page, size, cuts)


document(MAX_PAGE_SIZE)
