"""Files for journalists and harvesters: the package as published, Excel-ready CSV, xlsx, zip.

Only files inside a known package folder are served (werkzeug's safe_join refuses `..`,
absolute paths and drive letters), so nothing outside the published folders is reachable.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, request, send_file, stream_with_context
from werkzeug.security import safe_join

from service.web.errors import ApiError
from service.web.http import conditional, etag_for
from service.web.site import site

bp = Blueprint("downloads", __name__)


def attachment(filename: str, ascii_name: str) -> str:
    """RFC 6266 / 5987: an ASCII fallback and the Chinese title for clients that read it."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _package(slug: str) -> tuple[Path, dict[str, Any]]:
    here = site()
    descriptor = here.descriptor(slug)
    if descriptor is None:
        raise ApiError(404, "unknown-dataset", f"no data package named {slug!r}")
    return here.packages_dir / slug, descriptor


def _resource(descriptor: dict[str, Any], name: str) -> dict[str, Any]:
    resource = next((r for r in descriptor["resources"] if r["name"] == name), None)
    if resource is None or resource.get("format") != "csv":
        raise ApiError(
            404, "unknown-table", f"package {descriptor['name']!r} has no table {name!r}"
        )
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
    folder, descriptor = _package(slug)
    target = safe_join(str(folder), path)
    if target is None or not Path(target).is_file():
        raise ApiError(404, "unknown-file", f"package {slug!r} has no file {path!r}")
    resource = next((r for r in descriptor["resources"] if r.get("path") == path), None)
    if path == "datapackage.json":
        return _file_response(Path(target), "application/json", None)
    mimetype = (resource or {}).get("mediatype", "application/octet-stream")
    name = Path(path).name
    title = (resource or {}).get("title")
    suffix = Path(path).suffix
    disposition = attachment(f"{title}{suffix}" if title else name, name)
    return _file_response(Path(target), mimetype, disposition)


@bp.get("/datapackages/<slug>/data/<name>.excel.csv")
def excel_csv(slug: str, name: str) -> Response:
    """UTF-8 with BOM and the Chinese column titles: what Excel opens correctly."""
    folder, descriptor = _package(slug)
    resource = _resource(descriptor, name)
    titles = [field.get("title") or field["name"] for field in resource["schema"]["fields"]]
    path = folder / resource["path"]

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(titles)
        yield "\ufeff" + buffer.getvalue()
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            for record in reader:
                buffer.seek(0)
                buffer.truncate()
                writer.writerow(record)
                yield buffer.getvalue()

    response = Response(stream_with_context(rows()), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = attachment(f"{resource['title']}.csv", f"{name}.csv")
    stat = path.stat()
    return conditional(
        response, tag_source=f"excel:{path}:{stat.st_mtime_ns}", modified=stat.st_mtime
    )


@bp.get("/datapackages/<slug>/data/<name>.xlsx")
def xlsx(slug: str, name: str) -> Response:
    """Amounts go in as Decimal: openpyxl writes their exact text into the sheet XML."""
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    folder, descriptor = _package(slug)
    resource = _resource(descriptor, name)
    fields = resource["schema"]["fields"]
    path = folder / resource["path"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=name[:31])
    sheet.append([field.get("title") or field["name"] for field in fields])
    sheet.append([field["name"] for field in fields])
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            row = []
            for field in fields:
                cell = WriteOnlyCell(sheet, _cell(record[field["name"]], field["type"], Decimal))
                if field["type"] == "number":
                    cell.number_format = "#,##0.00"
                row.append(cell)
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = Response(
        buffer.getvalue(),
        mimetype=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )
    response.headers["Content-Disposition"] = attachment(
        f"{resource['title']}.xlsx", f"{name}.xlsx"
    )
    stat = path.stat()
    return conditional(
        response, tag_source=f"xlsx:{path}:{stat.st_mtime_ns}", modified=stat.st_mtime
    )


def _cell(value: str, type_: str, decimal: type) -> Any:
    if value == "":
        return None
    if type_ == "number":
        return decimal(value)
    if type_ == "integer":
        return int(value)
    return value


@bp.get("/datapackages/<slug>.zip")
def package_zip(slug: str) -> Response:
    folder, descriptor = _package(slug)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(file, f"{slug}/{file.relative_to(folder).as_posix()}")
    response = Response(buffer.getvalue(), mimetype="application/zip")
    response.headers["Content-Disposition"] = attachment(
        f"{descriptor['title']}.zip", f"{slug}.zip"
    )
    newest = max(p.stat().st_mtime for p in folder.rglob("*") if p.is_file())
    return conditional(response, tag_source=f"zip:{slug}:{newest}", modified=newest)
