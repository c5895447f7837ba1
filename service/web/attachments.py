"""A view as a file to download: CSV (or CSV for Excel) streamed as it is written, or xlsx,
with a file name that says the selection. The exports, search and corpus downloads send
their files through here."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from flask import Blueprint, Response, request, stream_with_context

from service.errors import Refusal
from service.web import sheets
from service.web.facets import filter_words


def send(
    columns: Sequence[sheets.SheetColumn],
    rows: Iterable[Sequence[str]],
    filename: str,
    ascii_name: str,
    form: str,
    info: Sequence[tuple[str, str]] = (),
) -> Response:
    """One view as a file: CSV streamed as it is written; xlsx written to a temporary file
    (write-only, constant memory) and streamed from it."""
    if form == "xlsx":
        response = xlsx_response(lambda target: sheets.write_xlsx(target, columns, rows, info))
        extension = "xlsx"
    else:
        excel = form == "excel.csv"
        response = Response(
            stream_with_context(sheets.csv_chunks(columns, rows, excel=excel)),
            mimetype="text/csv",
        )
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        extension = "csv"
    suffix = "excel.csv" if form == "excel.csv" else extension
    response.headers["Content-Disposition"] = sheets.attachment(
        f"{filename}.{extension}", f"{ascii_name}.{suffix}"
    )
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def xlsx_response(write: Callable[[Path], object]) -> Response:
    """An xlsx answer: the workbook written by write(path) to a temporary file, which is
    removed from the folder as soon as it is open (the open handle keeps its bytes until
    the response is closed), so no file outlives its request whether or not the body is
    ever read. A HEAD request writes nothing: it has no body."""
    if request.method == "HEAD":  # no length either: it is known only once written
        return Response(iter(()), mimetype=sheets.XLSX)
    target = sheets.temporary_xlsx()
    try:
        write(target)
        handle, size = sheets.opened_and_removed(target)
    except sheets.TooManyRows as error:
        raise Refusal(
            413,
            "export-too-large",
            f"an xlsx holds at most {error.args[0]} rows here: download the CSV (or the CSV "
            "for Excel), which streams every row",
        ) from None
    finally:
        target.unlink(missing_ok=True)
    response = Response(iter(lambda: handle.read(65536), b""), mimetype=sheets.XLSX)
    response.call_on_close(handle.close)
    response.headers["Content-Length"] = str(size)
    return response


def with_filter(stem: str, chosen: dict[str, str]) -> str:
    """A file name: the stem and the facets chosen, safe on every file system."""
    words = filter_words(chosen)
    return sheets.safe_name(f"{stem}_{words}" if words else stem)


EXPORT_FORMATS = ("csv", "excel.csv", "xlsx")  # field names; Chinese titles for Excel; xlsx


def add_export_routes(bp: Blueprint, rule: str, view: Callable[..., Response]) -> None:
    """`rule`.csv, `rule`.excel.csv and `rule`.xlsx, each calling view(…, form=…): one view
    gives a view's rows in the three files people download."""
    for form in EXPORT_FORMATS:
        endpoint = f"{view.__name__.strip('_')}_{form.replace('.', '_')}"
        bp.add_url_rule(f"{rule}.{form}", endpoint, functools.partial(view, form=form))
