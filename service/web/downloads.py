"""Files for journalists and harvesters: the package as published, Excel-ready CSV, xlsx, zip.

Only files inside a known package folder are served (werkzeug's safe_join refuses `..`,
absolute paths and drive letters), so nothing outside the published folders is reachable.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, request, send_file, stream_with_context
from werkzeug.security import safe_join

from service import archives
from service.errors import Refusal
from service.web import sheets
from service.web.attachments import xlsx_response
from service.web.http import conditional, etag_for
from service.web.site import site

bp = Blueprint("downloads", __name__)


def _package(slug: str) -> tuple[Path, dict[str, Any]]:
    here = site()
    descriptor = here.descriptor(slug)
    if descriptor is None:
        raise Refusal(404, "unknown-dataset", f"no data package named {slug!r}")
    return here.packages_dir / slug, descriptor


def _resource(descriptor: dict[str, Any], name: str) -> dict[str, Any]:
    resource = next((r for r in descriptor["resources"] if r["name"] == name), None)
    if resource is None or resource.get("format") != "csv":
        raise Refusal(404, "unknown-table", f"package {descriptor['name']!r} has no table {name!r}")
    return resource


STREAM_ABOVE = 4 * 1024 * 1024  # bytes: smaller files are sent whole so they can be gzipped


def _file_response(path: Path, mimetype: str, disposition: str | None) -> Response:
    stat = path.stat()
    tag = f"{path}:{stat.st_size}:{stat.st_mtime_ns}"
    if request.if_none_match:  # revalidation answered from the file's stat alone
        current = etag_for(tag)
        if request.if_none_match.contains(current) or request.if_none_match.star_tag:
            response = Response(status=304)
            response.set_etag(current)
            response.last_modified = stat.st_mtime
            return response
    if stat.st_size <= STREAM_ABOVE:
        response = Response(path.read_bytes(), mimetype=mimetype)
    else:  # large tables stream from disk
        response = send_file(path, mimetype=mimetype, conditional=False, etag=False)
    if disposition:
        response.headers["Content-Disposition"] = disposition
    return conditional(response, tag_source=tag, modified=stat.st_mtime)


@bp.get("/datapackages/<slug>/<path:path>")
def package_file(slug: str, path: str) -> Response:
    """GET /datapackages/<slug>/<path>: one file of a data package, with its media type; 404 for a
    file it does not have.
    """
    folder, descriptor = _package(slug)
    target = safe_join(str(folder), path)
    if target is None or not Path(target).is_file():
        raise Refusal(404, "unknown-file", f"package {slug!r} has no file {path!r}")
    resource = next((r for r in descriptor["resources"] if r.get("path") == path), None)
    if path == "datapackage.json":
        return _file_response(Path(target), "application/json", None)
    mimetype = (resource or {}).get("mediatype", "application/octet-stream")
    name = Path(path).name
    suffix = Path(path).suffix.lstrip(".")
    disposition = sheets.attachment(
        table_filename(descriptor, resource, suffix) if resource else name, f"{slug}_{name}"
    )
    return _file_response(Path(target), mimetype, disposition)


@bp.get("/datapackages/<slug>/data/<name>.excel.csv")
def excel_csv(slug: str, name: str) -> Response:
    """UTF-8 with BOM, Chinese column titles with their unit, codes kept as text."""
    folder, descriptor = _package(slug)
    resource = _resource(descriptor, name)
    path = folder / resource["path"]
    columns = sheets.resource_columns(resource)
    response = Response(
        stream_with_context(sheets.csv_chunks(columns, _records(path), excel=True)),
        mimetype="text/csv",
    )
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = sheets.attachment(
        table_filename(descriptor, resource, "csv"), f"{slug}_{name}.excel.csv"
    )
    stat = path.stat()
    return conditional(
        response, tag_source=f"excel2:{path}:{stat.st_mtime_ns}", modified=stat.st_mtime
    )


@bp.get("/datapackages/<slug>/data/<name>.xlsx")
def xlsx(slug: str, name: str) -> Response:
    """One header row (titles with units), frozen, filtered; a first sheet saying what it is."""
    folder, descriptor = _package(slug)
    resource = _resource(descriptor, name)
    path = folder / resource["path"]
    stat = path.stat()
    tag = f"xlsx2:{path}:{stat.st_mtime_ns}"
    current = conditional(Response(mimetype=sheets.XLSX), tag_source=tag, modified=stat.st_mtime)
    if current.status_code == 304:  # the client's copy is current: nothing to write
        return current
    columns, info = sheets.resource_columns(resource), about(descriptor, resource)
    response = xlsx_response(lambda t: sheets.write_xlsx(t, columns, _records(path), info))
    response.headers["Content-Disposition"] = sheets.attachment(
        table_filename(descriptor, resource, "xlsx"), f"{slug}_{name}.xlsx"
    )
    return conditional(response, tag_source=tag, modified=stat.st_mtime)


def _records(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        yield from reader


SIDES = {"_income": "收入", "_expenditure": "支出"}


def table_title(descriptor: dict[str, Any], resource: dict[str, Any]) -> str:
    """The table's printed title, told apart from another resource printed under the same
    title (the two sides of a 收支总表 are two resources: 收入 and 支出)."""
    title = resource.get("title") or resource["name"]
    twins = [
        r
        for r in descriptor.get("resources", [])
        if r is not resource and (r.get("title") or r["name"]) == title
    ]
    if not twins:
        return title
    side = next((zh for end, zh in SIDES.items() if resource["name"].endswith(end)), None)
    return f"{title}（{side or resource['name']}）"


def table_filename(descriptor: dict[str, Any], resource: dict[str, Any], extension: str) -> str:
    """Department, year and table: several departments' downloads never collide."""
    year = str(descriptor.get("fiscalYear", ""))
    title = table_title(descriptor, resource)
    if year and title.startswith(f"{year}年"):
        title = title[len(year) + 1 :]
    department = descriptor.get("department", "")
    parts = [p for p in (department, f"{year}年" if year else "", title) if p]
    return sheets.safe_name("_".join(parts)) + f".{extension}"


def about(descriptor: dict[str, Any], resource: dict[str, Any]) -> list[tuple[str, str]]:
    """What the first sheet of an xlsx says about its table."""
    here = site()
    slug = descriptor["name"]
    units = {
        f.get("publishedUnit")
        for f in resource.get("schema", {}).get("fields", [])
        if f.get("publishedUnit")
    } | ({resource["publishedUnit"]} if resource.get("publishedUnit") else set())
    typed = not resource["name"].startswith("table_")
    if typed and any(f.get("unit") == "CNY" for f in resource["schema"]["fields"]):
        unit = "元 yuan（金额已由文件所印单位换算为元 · converted from the printed unit"
        unit += f" {'、'.join(sorted(u for u in units if u))}）" if units else "）"
    else:
        unit = (
            resource.get("publishedUnit") or "见表头 see the column titles"
        ) + "（按原表 as printed）"
    sources = "; ".join(s.get("title", "") for s in descriptor.get("sources", []))
    licenses = descriptor.get("licenses") or [{}]
    return [
        ("表 Table", table_title(descriptor, resource)),
        ("部门 Department", descriptor.get("department", "")),
        ("年度 Fiscal year", str(descriptor.get("fiscalYear", ""))),
        ("金额单位 Unit", unit),
        ("来源 Source", sources),
        ("数据集 Dataset", f"{here.base_url}dataset/{slug}"),
        ("本表 This table", f"{here.base_url}datapackages/{slug}/{resource['path']}"),
        ("许可 License", licenses[0].get("title") or licenses[0].get("name", "")),
        ("说明 Note", resource.get("description", "")),
    ]


@bp.get("/datapackages/<slug>.zip")
def package_zip(slug: str) -> Response:
    """GET /datapackages/<slug>.zip: a whole data package as a zip archive, the file the
    build wrote (service/archives.py), streamed; written here once if the package changed."""
    folder, descriptor = _package(slug)
    try:
        path, newest = archives.current(folder, site().data_dir)
    except OSError:  # a data folder the service may not write to
        path, newest = archives.current(folder, Path(tempfile.gettempdir()) / "budgetpub")
    response = send_file(path, mimetype="application/zip", etag=False, conditional=False)
    response.headers["Content-Disposition"] = sheets.attachment(
        f"{descriptor['title']}.zip", f"{slug}.zip"
    )
    return conditional(response, tag_source=f"zip:{slug}:{newest}", modified=newest)
