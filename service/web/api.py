"""The aggregate API (OpenSpending babbage style) for people who do not write SPARQL:
/api/3/cubes, …/model, …/aggregate, …/members/<dimension>, …/facts; JSON or CSV.
Amounts are exact decimals, given as strings so no client turns them into floats.

Answers come from the build's facts index (service/query/facts_index.py, SQLite beside the
store) when the service serves a local build that has one, else from SPARQL through the
query runner (a shared remote store, or a build from before the index): same answers."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, jsonify, request

from service import vocab
from service.errors import Refusal
from service.package.coverage import kind_title
from service.query import cube_sparql, cubes, facts_index
from service.query.runner import every_form
from service.web import coverage
from service.web.api_index import index, index_failed, opened
from service.web.api_paging import csv_text, links, paging, with_links
from service.web.negotiation import plain_accept
from service.web.site import site
from service.web.sparql import runner

bp = Blueprint("api", __name__, url_prefix="/api/3")
bp.register_error_handler(sqlite3.DatabaseError, index_failed)
MAX_PAGE_SIZE = 10000
API_QUERY_LENGTH = 1_000_000  # the API's own queries: long cut lists make long queries
CACHED_PAGE_SIZE = 1000  # aggregates answered from the index are kept up to this page size


def select(query: str) -> list[dict[str, str]]:
    """Run a SELECT through the query runner (time limit, either backend) → plain rows."""
    answer = runner().run(query, every_form("json", "nt"), max_length=API_QUERY_LENGTH)
    data = json.loads(answer.body)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def money(value: str | None) -> str | None:
    """An amount as the API prints it: with two decimals when it has cents at most, else exactly
    (None stays None).
    """
    if value is None:
        return None
    amount = Decimal(value)
    cents = amount.quantize(Decimal("0.01"))
    return f"{cents if cents == amount else amount:f}"


def labels_for(dimension: str, keys: list[str]) -> dict[str, str]:
    """The labels of a dimension's keys (none for an unlabelled dimension), from the facts index
    when there is one, else from the store.
    """
    if not cubes.DIMENSIONS[dimension].labelled or not keys:
        return {}
    if (db := index()) is not None:
        return facts_index.labels(db, dimension, keys)
    query = cube_sparql.labels_query(dimension, keys)
    return {r["key"]: r["label"] for r in select(query)} if query else {}


def aggregate_page(
    name: str,
    dims: list[str],
    cuts: dict[str, list[str]],
    order: list[tuple[str, str]],
    limit: int,
    offset: int,
) -> cubes.Groups:
    """One page of an aggregate, the number of groups and the exact sum of all of them: from
    the cached facts index when the build has one, else by SPARQL (the API and the exports)."""
    found = opened()
    if found is not None and limit <= CACHED_PAGE_SIZE:
        frozen = tuple((k, tuple(v)) for k, v in cuts.items())
        return _kept(str(found[0]), name, tuple(dims), frozen, tuple(order), limit, offset)
    if found is not None:
        return facts_index.aggregate(found[1], name, dims, cuts, order, limit, offset)
    groups = select(cube_sparql.aggregate_query(name, dims, cuts, order))
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


def cube_for(name: str) -> dict[str, Any]:
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
        found = facts_index.cube_list(db)
    else:
        found = [
            {
                "name": r["kind"],
                "title": r.get("label"),
                "tables": int(r["tables"]),
                "kind": r["type"],
            }
            for r in select(cube_sparql.cubes_query())
        ]
    return [
        {
            **cube,
            "title": cube_title(cube["name"], cube.get("title")),
            **_question(cube["name"]),
            **_covers(cube["name"]),
        }
        for cube in found
    ]


def _covers(name: str) -> dict[str, Any]:
    """How many served documents a cube covers, of how many (its model lists them)."""
    found = coverage.of_view(name)
    return {"coverage": {k: found[k] for k in ("covered", "documents")}}


def _question(name: str) -> dict[str, str]:
    """What an analysis cube answers (its kind's definition in vocab/codelists/analysis.ttl)."""
    if cubes.cube_kind(name) != "analysis":
        return {}
    return {"question": vocab.definitions("analysis").get(name, {}).get("en", "")}


def cube_title(name: str, title: str | None) -> str:
    """A cube's title for every year and document: its analysis's label, its table kind's
    catalogue title, else the title it was stored with (issue 27, 12)."""
    if cubes.cube_kind(name) == "analysis":
        return vocab.label("analysis", name) or title or name
    return kind_title(name) or title or name


def _model(name: str, title: str | None, columns: set[str], rows: set[str]) -> dict[str, Any]:
    return {
        "name": name,
        "title": cube_title(name, title),
        "kind": cubes.cube_kind(name),
        **_question(name),
        "columns": sorted(columns),
        "default_cut": cubes.default_cuts(name, columns, rows),
    }


def _unknown(name: str) -> Refusal:
    return Refusal(404, "unknown-cube", f"no cube {name!r}; see /api/3/cubes")


@lru_cache(maxsize=64)
def _cube_model(version: str, name: str) -> dict[str, Any]:
    """From the store: a few seconds at 28M triples, so kept until the next build."""
    known = {row["kind"]: row for row in select(cube_sparql.cubes_query())}
    if name not in known:
        raise _unknown(name)
    shape = select(cube_sparql.shape_query(name))
    columns = {row["column"] for row in shape}
    rows = {row["row"] for row in shape}
    return _model(name, known[name].get("label"), columns, rows)


def cuts_for(cube: dict[str, Any]) -> dict[str, list[str]]:
    """The request's cut= parameter over the cube's default cut: {dimension: keys}; a bad cut is
    refused (400 bad-cut).
    """
    try:
        cuts = cubes.parse_cuts(request.args.get("cut"))
    except cubes.BadRequest as error:
        raise Refusal(400, "bad-cut", str(error)) from None
    return {**{k: v for k, v in cube["default_cut"].items() if k not in cuts}, **cuts}


def output_format() -> str:
    """json or csv: the format parameter, else what Accept prefers (JSON when it is all
    the same to the client); 406 when the client takes neither."""
    wanted = request.args.get("format")
    if wanted is not None:
        if wanted not in ("json", "csv"):
            raise Refusal(406, "not-acceptable", "format is json or csv")
        return wanted
    accept = plain_accept(request.accept_mimetypes)
    if not list(accept.values()):
        return "json"
    best = accept.best_match(["application/json", "text/csv"])
    if best is None:
        raise Refusal(406, "not-acceptable", "the API answers application/json or text/csv")
    return "csv" if best == "text/csv" else "json"


def respond(payload: dict[str, Any], rows: list[dict[str, Any]], fields: list[str]) -> Response:
    """An API answer: `rows` as CSV (`fields` the columns) when CSV is asked for, else `payload` as
    JSON naming the build it came from.
    """
    if output_format() == "csv":
        response = Response(csv_text(fields, rows), mimetype="text/csv")
    else:
        response = jsonify(payload)
        found = opened()  # the build the answer is from
        response.headers["Budgetpub-Store"] = found[0].parent.name if found else site().version()
    response.vary.add("Accept")
    return response


@bp.get("/cubes")
def list_cubes() -> Response:
    """GET /cubes: every cube (kind of table) with its label and table count."""
    return jsonify({"status": "ok", "data": _cube_list()})


@bp.get("/cubes/<name>/model")
def model(name: str) -> Response:
    """GET /cubes/<name>/model: a cube's dimensions, measures and aggregates (Babbage's model)."""
    cube = cube_for(name)
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
                "kind": cube["kind"],
                **{k: cube[k] for k in ("question",) if k in cube},
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
            "coverage": coverage.of_view(name),
        }
    )


@bp.get("/cubes/<name>/aggregate")
def aggregate(name: str) -> Response:
    """GET /cubes/<name>/aggregate: a cube's amounts summed by the drilldown dimensions, cut,
    ordered and paged.
    """
    cube = cube_for(name)
    paged = paging(MAX_PAGE_SIZE)
    page, size = paged.page, paged.size or MAX_PAGE_SIZE
    try:
        dims = cubes.drilldowns(request.args.get("drilldown"))
        order = cubes.parse_order(request.args.get("order"), {*dims, *cubes.AGGREGATES})
    except cubes.BadRequest as error:
        raise Refusal(400, "bad-parameter", str(error)) from None
    cuts = cuts_for(cube)
    groups = aggregate_page(name, dims, cuts, order, size, (page - 1) * size)
    rows = groups.rows
    names = {dim: labels_for(dim, [r.get(f"{dim}_key") or "" for r in rows]) for dim in dims}
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
    found = links(paged, groups.cells)
    response = respond(
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
            "links": found,
            "coverage": coverage.of_view(
                name, cuts.get("year"), cuts.get("department"), cuts.get("dataset")
            ),
        },
        cells,
        [*fields, "amount.sum", "_count"],
    )
    return with_links(response, found, groups.cells)
