"""Search over the rows of every table in the corpus (/search?q=): the matching rows with
their department, year, table and main amount, facets with counts (year, region, department,
table, row type), pages of 50, and the whole result as CSV or xlsx. The index is the build's
search.sqlite (service/query/search_index.py)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, g, render_template, request

from service.corpus.coverage import sentence
from service.errors import Refusal
from service.query import search_index
from service.web import coverage, sheets
from service.web.attachments import add_export_routes, send, with_filter
from service.web.errors import positive
from service.web.facets import Facet, link
from service.web.http import conditional
from service.web.pages_common import ROW_TYPE_LABELS, grouped, in_unit
from service.web.site import site

bp = Blueprint("search", __name__)
PAGE_SIZE = 50
MAX_QUERY = 100
FACETS = [
    ("year", "年度 Year"),
    ("region", "地区 Region"),
    ("department", "部门 Department"),
    ("table", "表 Table"),
    ("row_type", "行类型 Row type"),
]


_opened: dict[Path, sqlite3.Connection] = {}


def index() -> sqlite3.Connection | None:
    """The current build's search index (None: the build has none). The file never changes
    once renamed in, so one connection per build serves every request of the process."""
    if "search_index" not in g:
        path = search_index.index_path(Path(current_app.config["DATA_DIR"]))
        if path is not None and path not in _opened:
            for old in list(_opened):
                _opened.pop(old).close()
            _opened[path] = search_index.connect(path)
        g.search_index = _opened.get(path) if path else None
    return g.search_index


def query_of(args: Any) -> str:
    """The search words from the request's `q`, spaces collapsed; a Refusal (400) when too long
    or holding control characters."""
    query = " ".join(args.get("q", "").split())
    if len(query) > MAX_QUERY or any(ord(ch) < 32 for ch in query):
        raise Refusal(400, "bad-parameter", f"q must be at most {MAX_QUERY} characters of text")
    return query


def chosen_of(args: Any) -> dict[str, str]:
    """The facet values the request chooses (year, region…), by facet name."""
    return {name: args[name] for name, _ in FACETS if args.get(name)}


def amount(row: sqlite3.Row) -> dict[str, str]:
    """The row's main amount as the document printed it, with exact yuan on hover."""
    raw = row["amount"]
    if not raw:
        return {"text": "", "title": "", "value": ""}
    try:
        number = Decimal(raw)
    except ArithmeticError:
        return {"text": raw, "title": "", "value": raw}
    if row["yuan"]:
        unit = row["unit"] or "元"
        return {
            "text": f"{in_unit(number, unit)} {unit}",
            "title": f"{grouped(number)} 元",
            "value": raw,
        }
    places = 0 if number == number.to_integral() else 2
    return {"text": f"{grouped(number, places)} {row['unit']}".strip(), "title": "", "value": raw}


def shown_row(row: sqlite3.Row) -> dict[str, Any]:
    """An index row as the search page and the home page show it: its dataset, table link (to
    the printed line), code, name, row type and amount."""
    anchor = f"#line-{row['line']}" if row["line"] else ""
    return {
        "dataset": row["slug"],
        "dataset_title": row["dataset_title"],
        "department": row["department"],
        "year": row["year"],
        "table": row["title"],
        "href": f"/dataset/{row['slug']}/table/{row['resource']}{anchor}",
        "code": row["code"],
        "name": row["name"],
        "row_type": ROW_TYPE_LABELS.get(row["row_type"], row["row_type"]),
        "amount": amount(row),
    }


def facets(db: sqlite3.Connection, query: str, chosen: dict[str, str]) -> list[Facet]:
    """The search page's facets: per dimension, up to 30 values over the rows the other choices
    keep, each with its count and a link that chooses or clears it."""
    found = []
    base = {"q": query, **chosen}
    for name, title in FACETS:
        facet = Facet(name, title, chosen.get(name))
        for value, label, count in search_index.facet(db, name, query, chosen)[:30]:
            selected = value == chosen.get(name)
            facet.values.append(
                {
                    "value": value,
                    "label": ROW_TYPE_LABELS.get(label, label) if name == "row_type" else label,
                    "count": count,
                    "selected": selected,
                    "href": link("/search", base, **{name: None if selected else value}),
                }
            )
        if facet.values:
            found.append(facet)
    return found


def preview(query: str, limit: int = 10) -> dict[str, Any] | None:
    """The first matching rows and which datasets hold them, for the home page."""
    db = index()
    if db is None or not query:
        return None
    return {
        "rows": [shown_row(r) for r in search_index.rows(db, query, {}, limit=limit)],
        "total": search_index.count(db, query, {}),
        "datasets": search_index.datasets_holding(db, query),
    }


@bp.get("/search")
def search() -> Response:
    """The search page (/search?q=…&facet=…): a page of matching rows, the facets and the exports;
    503 without a search index, 404 past the last page."""
    query = query_of(request.args)
    chosen = chosen_of(request.args)
    number = positive(request.args, "page", 1, 1_000_000) if request.args.get("page") else 1
    db = index()
    if db is None:
        raise Refusal(503, "no-search-index", "this build has no search index: run budgetpub build")
    total = search_index.count(db, query, chosen) if query or chosen else 0
    pages = max(1, -(-total // PAGE_SIZE))
    if number > pages:
        raise Refusal(404, "no-such-page", f"the search has {pages} page(s) of {PAGE_SIZE}")
    found = (
        [
            shown_row(r)
            for r in search_index.rows(
                db, query, chosen, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
            )
        ]
        if total
        else []
    )
    base = {"q": query, **chosen}
    exports = [
        {"href": link(f"/export/search.{ext}", base), "label": label, "hint": hint}
        for ext, label, hint in (
            ("csv", "CSV", "UTF-8"),
            ("excel.csv", "Excel CSV", "带 BOM 与中文列名"),
            ("xlsx", "xlsx", "Excel"),
        )
    ]
    body = render_template(
        "search.html",
        query=query,
        chosen=chosen,
        rows=found,
        total=total,
        facets=facets(db, query, chosen) if query or chosen else [],
        page=number,
        pages=pages,
        previous_url=link("/search", base, page=str(number - 1)) if number > 1 else None,
        next_url=link("/search", base, page=str(number + 1)) if number < pages else None,
        exports=exports,
        clear_url=link("/search", {"q": query}),
        coverage=table_coverage(chosen),
    )
    return conditional(
        Response(body, mimetype="text/html"),
        tag_source=body.encode(),
        modified=site().modified(),
    )


EVERY_TABLE = (
    "全部文件的全部表格（按类型读取的与按原样保留的）· every table of every document, typed or "
    "kept as printed"
)


def table_coverage(chosen: dict[str, str]) -> dict[str, Any] | None:
    """With a table chosen: which documents (of the year and department chosen) have that
    table typed, and why the others do not; None when every table is searched."""
    if not chosen.get("table"):
        return None
    return coverage.of_view(
        chosen["table"],
        [chosen["year"]] if chosen.get("year") else None,
        [chosen["department"]] if chosen.get("department") else None,
    )


EXPORT_COLUMNS = [
    sheets.SheetColumn("dataset", "数据集"),
    sheets.SheetColumn("department", "部门"),
    sheets.SheetColumn("year", "年度", "integer"),
    sheets.SheetColumn("region", "地区"),
    sheets.SheetColumn("table", "表"),
    sheets.SheetColumn("table_title", "表名"),
    sheets.SheetColumn("source_line", "来源行号", "integer"),
    sheets.SheetColumn("row_type", "行类型"),
    sheets.SheetColumn("code", "编码"),
    sheets.SheetColumn("name", "名称"),
    sheets.SheetColumn("amount", "金额", "number", "Main amount of the row, in amount_unit."),
    sheets.SheetColumn("amount_unit", "金额单位", description="元 when converted, else as printed"),
]


def _export(form: str) -> Response:
    query = query_of(request.args)
    chosen = chosen_of(request.args)
    db = index()
    if db is None:
        raise Refusal(503, "no-search-index", "this build has no search index: run budgetpub build")
    if not query and not chosen:
        raise Refusal(400, "missing-query", "give q= (words to search for) or a facet")

    def records() -> Any:
        for r in search_index.rows(db, query, chosen):
            yield [
                r["slug"], r["department"], str(r["year"]), r["region"], r["resource"],
                r["title"], r["line"], r["row_type"], r["code"], r["name"], r["amount"],
                "元" if r["yuan"] else r["unit"],
            ]  # fmt: skip

    words = {"q": query, **chosen} if query else chosen
    found = table_coverage(chosen)
    info = [
        ("搜索 Search", query),
        ("筛选 Filter", ", ".join(f"{k}={v}" for k, v in chosen.items())),
        ("覆盖 Coverage", sentence(found) if found else EVERY_TABLE),
    ]
    return send(
        EXPORT_COLUMNS,
        records(),
        with_filter("搜索", words),
        "search",
        form,
        info,
    )


add_export_routes(bp, "/export/search", _export)


def openapi_paths() -> dict[str, Any]:
    """The search export's paths for /openapi.json (create_app adds them)."""
    from service.web.openapi import PROBLEM, export_operation

    paths: dict[str, Any] = {}

    query = [
        {"name": n, "in": "query", "required": n == "q", "schema": {"type": "string"}}
        for n in ("q", *(name for name, _ in FACETS))
    ]
    for suffix, media in (("csv", "text/csv"), ("excel.csv", "text/csv"), ("xlsx", sheets.XLSX)):
        paths[f"/export/search.{suffix}"] = export_operation(
            f"Every row of every table matching a search, as {suffix}",
            {media: {"schema": {"type": "string"}}},
            query,
            {"400": PROBLEM, "503": PROBLEM},
        )
    return paths
