"""Downloads across the corpus: for each table kind, one file of every department and every
year (/downloads/<kind>.csv, .excel.csv, .xlsx), with `dataset`, `department` and `year`
columns, made from the combined years (datapackages/_combined-<year>/) and streamed.
Columns are the union of the years' columns, in the order they first appear."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, jsonify, render_template

from service.corpus.combine import PREFIX
from service.corpus.coverage import sentence
from service.errors import Refusal
from service.web import coverage, sheets
from service.web.attachments import send
from service.web.http import conditional
from service.web.site import site

bp = Blueprint("corpus_downloads", __name__)
YEAR = {"name": "year", "title": "年度", "type": "integer", "description": "Fiscal year."}


def kinds() -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """Table kind → (year, combined resource) for every combined year that has it."""
    found: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for slug, summary in sorted(site().packages().items()):
        if not slug.startswith(PREFIX):
            continue
        descriptor = site().descriptor(slug) or {}
        for resource in descriptor.get("resources", []):
            if resource.get("format") == "csv":
                found.setdefault(resource["name"], []).append((summary.fiscal_year, resource))
    return found


def _fields(parts: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    fields: dict[str, dict[str, Any]] = {}
    for _, resource in parts:
        for field in resource.get("schema", {}).get("fields", []):
            fields.setdefault(field["name"], field)
    ordered = list(fields.values())
    leading = [f for f in ordered if f["name"] in ("dataset", "department")]
    return [*leading, YEAR, *(f for f in ordered if f["name"] not in ("dataset", "department"))]


def _title(kind: str, parts: list[tuple[int, dict[str, Any]]]) -> str:
    """The kind's title without a year: 2025年全部部门·部门支出预算总表 → 部门支出预算总表."""
    title = parts[-1][1].get("title") or kind
    return title.split("·", 1)[-1] if "·" in title else title


def _rows(
    kind: str, parts: list[tuple[int, dict[str, Any]]], names: list[str]
) -> Iterator[list[str]]:
    root = site().packages_dir
    for year, resource in sorted(parts, key=lambda p: p[0]):
        path = root / f"{PREFIX}{year}" / resource["path"]
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                row["year"] = str(year)
                yield [row.get(name, "") for name in names]


@bp.get("/downloads")
def page() -> Response:
    """GET /downloads: each kind of table of every document, with links to its combined files."""
    found = kinds()
    titles = {kind: _title(kind, parts) for kind, parts in found.items()}
    twins = {t for t in titles.values() if list(titles.values()).count(t) > 1}
    for kind, title in titles.items():
        if title in twins:
            side = (
                "收入"
                if kind.endswith("_income")
                else "支出"
                if kind.endswith("_expenditure")
                else kind
            )
            titles[kind] = f"{title}（{side}）"
    listed = [
        {
            "kind": kind,
            "title": titles[kind],
            "years": sorted(year for year, _ in parts),
            "rows": sum(_count(year, resource) for year, resource in parts),
            "coverage": coverage.of_view(kind),
        }
        for kind, parts in sorted(found.items())
    ]
    body = render_template("downloads.html", kinds=listed)
    return conditional(
        Response(body, mimetype="text/html"), tag_source=body.encode(), modified=site().modified()
    )


def _count(year: int, resource: dict[str, Any]) -> int:
    path = site().packages_dir / f"{PREFIX}{year}" / resource["path"]
    return _rows_in(str(path), path.stat().st_mtime_ns) if path.is_file() else 0


@lru_cache(maxsize=512)
def _rows_in(path: str, modified_ns: int) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def _download(kind: str, form: str) -> Response:
    parts = kinds().get(kind)
    if not parts:
        raise Refusal(404, "unknown-table-kind", f"no combined table of kind {kind!r}")
    fields = _fields(parts)
    resource = {"name": kind, "schema": {"fields": fields}}
    columns = sheets.resource_columns(resource)
    names = [f["name"] for f in fields]
    years = sorted(year for year, _ in parts)
    title = _title(kind, parts)
    info = [
        ("表 Table", f"{title}（全部部门、全部年度 every department, every year）"),
        ("年度 Years", "、".join(map(str, years))),
        (
            "金额单位 Unit",
            "元 yuan（各部门所印单位见其数据集 · each department's printed unit is on its dataset）",
        ),
        ("说明 Note", "只加总 row_type = item 的行 · sum item rows only"),
        ("覆盖 Coverage", sentence(coverage.of_view(kind))),
        ("来源 Source", f"{site().base_url}downloads"),
    ]
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    response = send(
        columns, _rows(kind, parts, names), sheets.safe_name(f"全部部门_{span}_{title}"),
        f"all_{kind}_{span}", form, info,
    )  # fmt: skip
    response.headers["Link"] = (
        f'</downloads/{kind}.coverage.json>; rel="describedby"; type="application/json"'
    )
    return response


@bp.get("/downloads/<name>.coverage.json")
def kind_coverage(name: str) -> Response:
    """GET /downloads/<name>.coverage.json: which departments and years the combined file of
    a table kind holds, and each one it leaves out with the reason."""
    if name not in kinds():
        raise Refusal(404, "unknown-table-kind", f"no combined table of kind {name!r}")
    return jsonify({"status": "ok", "coverage": coverage.of_view(name)})


@bp.get("/downloads/<name>.csv")
def kind_csv(name: str) -> Response:
    """GET /downloads/<name>.csv: every document's tables of one kind in one CSV file."""
    return _download(name, "csv")


@bp.get("/downloads/<name>.excel.csv")
def kind_excel(name: str) -> Response:
    """GET /downloads/<name>.excel.csv: the same CSV for Excel (a BOM, column titles, codes kept as
    text).
    """
    return _download(name, "excel.csv")


@bp.get("/downloads/<name>.xlsx")
def kind_xlsx(name: str) -> Response:
    """GET /downloads/<name>.xlsx: every document's tables of one kind as an Excel workbook."""
    return _download(name, "xlsx")


def openapi_paths() -> dict[str, Any]:
    """The downloads' paths for /openapi.json (create_app adds them)."""
    from service.web.openapi import PROBLEM, export_operation, path_parameter

    paths: dict[str, Any] = {}

    for suffix, media in (("csv", "text/csv"), ("excel.csv", "text/csv"), ("xlsx", sheets.XLSX)):
        paths[f"/downloads/{{name}}.{suffix}"] = export_operation(
            f"One table kind, every department and every year, as {suffix}",
            {media: {"schema": {"type": "string"}}},
            [
                path_parameter(
                    "name", "Table kind (resource name): expenditure, three_public_expenses…"
                )
            ],
            {"404": PROBLEM},
        )
    paths["/downloads/{name}.coverage.json"] = export_operation(
        "Which departments and years a table kind's combined file holds, and why it leaves "
        "out each other one",
        {"application/json": {"schema": {"type": "object"}}},
        [path_parameter("name", "Table kind (resource name): three_public_expenses…")],
        {"404": PROBLEM},
    )
    return paths
