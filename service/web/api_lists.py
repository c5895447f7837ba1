"""The aggregate API's lists: a cube's facts and a dimension's members. Each page says how
many there are in all and links to its neighbours (JSON `links`, `Link` headers), codes come
with their labels, and `format=csv&pagesize=all` streams every fact of a cut.

Answers come from the facts index when the build has one, else from SPARQL: the same rows
in the same order, labels included."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, request

from service.errors import Refusal
from service.query import cube_sparql, cubes, facts_index
from service.web.api import (
    MAX_PAGE_SIZE,
    cube_for,
    cuts_for,
    labels_for,
    money,
    respond,
    select,
)
from service.web.api_index import index, index_failed, opened
from service.web.api_paging import Paging, links, paging, streamed_csv, with_links

bp = Blueprint("api_lists", __name__, url_prefix="/api/3")
bp.register_error_handler(sqlite3.DatabaseError, index_failed)
LABELLED = [name for name, d in cubes.DIMENSIONS.items() if d.labelled]
FACT_FIELDS = [
    "id",
    *(f for n in cubes.DIMENSIONS for f in ([n, f"{n}.label"] if n in LABELLED else [n])),
    "amount",
    "source_line",
]


def _cut_text(cuts: dict[str, list[str]]) -> list[str]:
    return [f"{k}:{';'.join(v)}" for k, v in cuts.items()]


def _payload(data: list[dict[str, Any]], paged: Paging, total: int, **more: Any) -> dict:
    size = paged.size or total
    return {
        "status": "ok",
        "data": data,
        "total": total,
        "page": paged.page,
        "pagesize": size,
        "pages": max(1, -(-total // size)) if size else 1,
        **more,
    }


# --- facts ------------------------------------------------------------------------------


def _fact_count(name: str, cuts: dict[str, list[str]]) -> int:
    if (db := index()) is not None:
        return facts_index.count(db, name, cuts)
    return int(select(cube_sparql.count_query(name, cuts))[0]["n"])


def _fact_rows(
    name: str, cuts: dict[str, list[str]], order: list[tuple[str, str]], limit: int, offset: int
) -> list[dict[str, Any]]:
    """A page of facts: obs, every {dim}_key, amount, line."""
    if (db := index()) is not None:
        return list(facts_index.facts(db, name, cuts, order, limit, offset))
    return select(cube_sparql.facts_query(name, cuts, order, limit, offset))


def _every_fact(
    name: str, cuts: dict[str, list[str]], order: list[tuple[str, str]]
) -> Iterator[dict[str, Any]]:
    """Every fact of a cut, read as it is written out: one cursor of its own on the index
    (the worker's shared connection serves other requests meanwhile), else SPARQL pages."""
    found = opened()
    if found is not None:
        db = facts_index.connect(found[0])
        try:
            yield from facts_index.facts(db, name, cuts, order, None, 0)
        finally:
            db.close()
        return
    size = min(MAX_PAGE_SIZE, int(current_app.config["SPARQL_MAX_ROWS"]))
    offset = 0
    while True:
        rows = select(cube_sparql.facts_query(name, cuts, order, size, offset))
        yield from rows
        if len(rows) < size:
            return
        offset += size


def _facts_out(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as the API gives them: each code followed by its label."""
    names = {d: labels_for(d, [r.get(f"{d}_key") or "" for r in rows]) for d in LABELLED}
    out = []
    for row in rows:
        fact: dict[str, Any] = {"id": row["id"]}
        for dim in cubes.DIMENSIONS:
            key = row.get(f"{dim}_key")
            fact[dim] = key
            if dim in names:
                fact[f"{dim}.label"] = names[dim].get(key or "")
        fact["amount"] = money(row["amount"])
        fact["source_line"] = int(row["line"])
        out.append(fact)
    return out


@bp.get("/cubes/<name>/facts")
def facts(name: str) -> Response:
    """GET /cubes/<name>/facts: a cube's observations with their keys, labels, amount and source
    line, cut, ordered and paged.
    """
    cube = cube_for(name)
    paged = paging(MAX_PAGE_SIZE, allow_all=True)
    try:
        order = cubes.parse_order(request.args.get("order"), set(cubes.DIMENSIONS))
    except cubes.BadRequest as error:
        raise Refusal(400, "bad-parameter", str(error)) from None
    cuts = cuts_for(cube)
    total = _fact_count(name, cuts)
    found = links(paged, total)
    if paged.size is None:  # format=csv&pagesize=all
        rows = _every_fact(name, cuts, order)
        response = streamed_csv(FACT_FIELDS, rows, _facts_out, f"{name}-facts.csv")
        return with_links(response, found, total)
    data = _facts_out(_fact_rows(name, cuts, order, paged.size, paged.offset))
    more = {"cut": _cut_text(cuts), "order": [f"{n}:{d}" for n, d in order], "links": found}
    response = respond(_payload(data, paged, total, **more), data, FACT_FIELDS)
    return with_links(response, found, total)


# --- members ----------------------------------------------------------------------------


def _member_rows(
    name: str, dimension: str, cuts: dict[str, list[str]], direction: str, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of a dimension's keys with their counts, and how many keys there are."""
    if (db := index()) is not None:
        rows = facts_index.members(db, name, dimension, cuts, direction, limit, offset)
        return rows, facts_index.member_count(db, name, dimension, cuts)
    rows = select(cube_sparql.members_query(name, dimension, cuts, direction, limit, offset))
    return rows, int(select(cube_sparql.member_count_query(name, dimension, cuts))[0]["n"])


@bp.get("/cubes/<name>/members/<dimension>")
def members(name: str, dimension: str) -> Response:
    """GET /cubes/<name>/members/<dimension>: a dimension's keys in a cube with their labels and
    counts, cut and paged.
    """
    if dimension not in cubes.DIMENSIONS:
        raise Refusal(404, "unknown-dimension", f"no dimension {dimension!r}")
    cube = cube_for(name)
    paged = paging(MAX_PAGE_SIZE)
    size = paged.size or MAX_PAGE_SIZE
    direction = request.args.get("order", "asc").rpartition(":")[2] or "asc"
    if direction not in ("asc", "desc"):
        raise Refusal(400, "bad-parameter", "order is asc or desc")
    cuts = {k: v for k, v in cuts_for(cube).items() if k != dimension}
    rows, total = _member_rows(name, dimension, cuts, direction, size, paged.offset)
    names = labels_for(dimension, [r.get(f"{dimension}_key") or "" for r in rows])
    data = [
        {
            dimension: r.get(f"{dimension}_key"),
            f"{dimension}.label": names.get(r.get(f"{dimension}_key", "")),
            "_count": int(r["count"]),
        }
        for r in rows
    ]
    found = links(paged, total)
    payload = _payload(data, paged, total, cut=_cut_text(cuts), links=found)
    fields = [dimension, f"{dimension}.label", "_count"]
    return with_links(respond(payload, data, fields), found, total)
