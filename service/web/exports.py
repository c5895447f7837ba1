"""Export any view people see: a table filtered by its facets, the list of datasets, a
search, an aggregate; all rows (not the page shown), as CSV (field names, for programs),
Excel CSV (Chinese titles with units, codes kept as text) or xlsx, streamed, with the
selection in the file name."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Response, request

from service.web import sheets
from service.web.api_index import index_failed
from service.web.attachments import add_export_routes, send, with_filter
from service.web.downloads import about, table_filename
from service.web.facets import filter_words

bp = Blueprint("exports", __name__)
bp.register_error_handler(sqlite3.DatabaseError, index_failed)  # as the API's own routes


def _table(slug: str, name: str, form: str) -> Response:
    from service.web.pages_table import view

    shown = view(slug, name, request.args)
    resource: dict[str, Any] = shown["resource"]
    descriptor = shown["descriptor"]
    columns = sheets.resource_columns(resource)
    rows = ([row.get(c.name, "") for c in columns] for row in shown["rows"])
    stem = table_filename(descriptor, resource, "x")[: -len(".x")]
    words = filter_words(shown["chosen"])
    info = [*about(descriptor, resource)]
    if words:
        info.insert(1, ("筛选 Filter", words))
    return send(
        columns,
        rows,
        with_filter(stem, shown["chosen"]),
        f"{slug}_{name}" + (f"_{words}" if words else ""),
        form,
        info,
    )


add_export_routes(bp, "/export/table/<slug>/<name>", _table)


DATASET_COLUMNS = [  # name, title, kind
    sheets.SheetColumn(*spec)
    for spec in (
        ("dataset", "数据集"), ("title", "标题"), ("department", "部门"),
        ("year", "年度", "integer"), ("region", "地区"), ("kind", "文件类型"),
        ("checks_pass", "审核·通过", "integer"), ("checks_rounding", "审核·尾差", "integer"),
        ("checks_warn", "审核·警告", "integer"), ("checks_fail", "审核·不符", "integer"),
        ("url", "网址"), ("zip", "数据包下载"),
    )
]  # fmt: skip


def _datasets(form: str) -> Response:
    """The list of datasets as the home page shows it (its facets and search), every page."""
    from service.web.pages import home_view
    from service.web.site import site

    view = home_view(request.args)
    base = site().base_url
    rows = (
        [
            p.slug, p.title, p.department if p.kind != "合并" else "", str(p.fiscal_year),
            p.region, p.kind,
            *(str(p.audit.get(k, 0)) if p.kind != "合并" else "" for k in (
                "pass", "rounding", "warn", "fail")),
            f"{base}dataset/{p.slug}", f"{base}datapackages/{p.slug}.zip",
        ]
        for p in view["packages"]
    )  # fmt: skip
    words = dict(view["kept"])
    info = [("数据集列表 Datasets", f"{len(view['packages'])} / {view['total']}")]
    info += [(k, v) for k, v in words.items()]
    return send(DATASET_COLUMNS, rows, with_filter("数据集", words), "datasets", form, info)


add_export_routes(bp, "/export/datasets", _datasets)


def _aggregate(name: str, form: str) -> Response:
    """An aggregate of the API (its drilldown, cut and order) with every cell, not a page."""
    from service.errors import Refusal
    from service.query import cubes
    from service.web import api

    cube = api.cube_for(name)
    try:
        dims = cubes.drilldowns(request.args.get("drilldown"))
        order = cubes.parse_order(request.args.get("order"), {*dims, *cubes.AGGREGATES})
    except cubes.BadRequest as error:
        raise Refusal(400, "bad-parameter", str(error)) from None
    cuts = api.cuts_for(cube)
    columns: list[sheets.SheetColumn] = []
    for dim in dims:
        title = cubes.DIMENSIONS[dim].title.split(" ")[0]
        columns.append(
            sheets.SheetColumn(dim, f"{title}代码" if cubes.DIMENSIONS[dim].labelled else title)
        )
        if cubes.DIMENSIONS[dim].labelled:
            columns.append(sheets.SheetColumn(f"{dim}.label", f"{title}名称"))
    columns += [
        sheets.SheetColumn("amount.sum", "金额合计（元）", "number", "Exact sum, CNY yuan."),
        sheets.SheetColumn("_count", "事实数", "integer", "Facts summed."),
    ]

    def cells() -> Iterable[list[str]]:
        offset, size = 0, api.MAX_PAGE_SIZE
        while True:
            groups = api.aggregate_page(name, dims, cuts, order, size, offset)
            names = {
                d: api.labels_for(d, [r.get(f"{d}_key") or "" for r in groups.rows]) for d in dims
            }
            for row in groups.rows:
                record = []
                for dim in dims:
                    key = row.get(f"{dim}_key") or ""
                    record.append(key)
                    if cubes.DIMENSIONS[dim].labelled:
                        record.append(names[dim].get(key, ""))
                record += [api.money(row.get("sum")) or "0.00", str(int(row.get("count", 0)))]
                yield record
            offset += size
            if offset >= groups.cells:
                return

    chosen = {k: request.args[k] for k in ("drilldown", "cut") if request.args.get(k)}
    info = [
        ("汇总 Aggregate", f"{name}: {cube.get('title', '')}"),
        ("下钻 Drilldown", ", ".join(dims) or "—"),
        ("筛选 Cut", "|".join(f"{k}:{';'.join(v)}" for k, v in cuts.items())),
        (
            "说明 Note",
            "金额为精确的元；默认只加总明细行的主列 · exact yuan; the default cut sums item rows' main column",
        ),
    ]
    return send(
        columns, cells(), with_filter(f"汇总_{name}", chosen), f"aggregate_{name}", form, info
    )


add_export_routes(bp, "/export/aggregate/<name>", _aggregate)


CODE_COLUMNS = [  # name, title (unit said where there is one), kind
    sheets.SheetColumn(*spec)
    for spec in (
        ("dataset", "数据集"), ("dataset_title", "数据集标题"), ("table", "表"),
        ("table_title", "表名"), ("line", "行号", "integer"), ("name", "科目名称"),
        ("code", "科目代码"), ("column", "列"), ("column_title", "列名"), ("row_type", "行类型"),
        ("amount", "金额（元）", "number"), ("published", "金额（公布单位）", "number"),
        ("unit", "公布单位"),
    )
]  # fmt: skip


def _code(scheme: str, notation: str, form: str) -> Response:
    """Every amount a code page lists (the code and its narrower codes, every dataset), not
    the first page of them."""
    from service.errors import Refusal
    from service.web.linked import iri_for, triples_for
    from service.web.pages_common import exact
    from service.web.pages_concept import amounts, is_concept

    iri = iri_for(f"code/{scheme}/{notation}")
    if not is_concept(iri) or not triples_for(iri):
        raise Refusal(404, "not-found", f"no code {scheme}/{notation}")
    found = amounts(iri)
    rows = (
        [
            a.dataset, a.dataset_title, a.table, a.table_title, a.line, a.name, a.notation,
            a.column, a.column_title, a.row_type, exact(a.yuan), a.shown.replace(",", ""), a.unit,
        ]
        for a in found
    )  # fmt: skip
    info = [("科目 Code", f"{scheme} {notation}"), ("金额 Amounts", str(len(found)))]
    return send(
        CODE_COLUMNS, rows, f"科目_{scheme}_{notation}", f"code_{scheme}_{notation}", form, info
    )


add_export_routes(bp, "/export/code/<scheme>/<notation>", _code)


# --- OpenAPI: the exports are CSV endpoints too --------------------------------------------


def openapi_paths() -> dict[str, Any]:
    """The exports' paths for /openapi.json (create_app adds them)."""
    from service.web.openapi import PROBLEM, export_operation, path_parameter

    paths: dict[str, Any] = {}

    csv_content = {"text/csv": {"schema": {"type": "string"}}}
    xlsx_content = {sheets.XLSX: {"schema": {"type": "string", "format": "binary"}}}
    table = [
        path_parameter("slug", "Dataset (package) name"),
        path_parameter("name", "Table (resource) name"),
    ]
    facets = [
        {"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
        for n in ("row_type", "functional_class", "economic_class", "department", "sort", "order")
    ]
    for suffix, summary, content in (
        ("csv", "A table's view (facets, order) as CSV, field names", csv_content),
        (
            "excel.csv",
            "A table's view as CSV for Excel: BOM, Chinese titles with units",
            csv_content,
        ),
        ("xlsx", "A table's view as xlsx", xlsx_content),
    ):
        paths[f"/export/table/{{slug}}/{{name}}.{suffix}"] = export_operation(
            summary, content, table + facets, {"400": PROBLEM}
        )
        paths[f"/export/aggregate/{{name}}.{suffix}"] = export_operation(
            f"Every cell of an aggregate (drilldown, cut, order as the API), as {suffix}",
            content,
            [
                path_parameter("name", "Cube (table kind)"),
                *(
                    {"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
                    for n in ("drilldown", "cut", "order")
                ),
            ],
            {"400": PROBLEM},
        )
        paths[f"/export/code/{{scheme}}/{{notation}}.{suffix}"] = export_operation(
            f"Every amount under a code and its narrower codes, every dataset, as {suffix}",
            content,
            [
                path_parameter("scheme", "Code list (functional, economic-government, …)"),
                path_parameter("notation", "The code (2010301)"),
            ],
            {"404": PROBLEM},
        )
        paths[f"/export/datasets.{suffix}"] = export_operation(
            f"The list of datasets (home page facets and search), every page, as {suffix}",
            content,
            [
                {"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
                for n in ("year", "region", "department", "kind", "status", "q")
            ],
            {"400": PROBLEM},
        )
    return paths
