"""Paging of the aggregate API's lists (facts, members, aggregate cells): where a page
stands in the whole (total, pages), links to the pages around it (in the JSON and as
RFC 8288 Link headers, as the catalog's Hydra view gives them), and CSV exports that stream
every row (`format=csv&pagesize=all`) instead of stopping at a page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Response, request, stream_with_context

from service.errors import Refusal
from service.web.errors import positive
from service.web.site import site

DEFAULT_PAGE_SIZE = 100
ALL = "all"  # pagesize=all: every row, for CSV exports
STREAM_CHUNK = 2000  # rows written (and labelled) at a time while streaming


@dataclass(frozen=True)
class Paging:
    """The page asked for; size None is every row at once (a streamed CSV)."""

    page: int
    size: int | None

    @property
    def offset(self) -> int:
        """How many rows come before the page."""
        return (self.page - 1) * (self.size or 0)


def paging(maximum: int, *, allow_all: bool = False) -> Paging:
    """page and pagesize from the query string: integers, or pagesize=all for CSV."""
    args = request.args
    if args.get("pagesize") == ALL:
        if not (allow_all and args.get("format") == "csv"):
            raise Refusal(
                400,
                "bad-parameter",
                f"pagesize=all is for format=csv exports; JSON pages hold up to {maximum} rows",
            )
        if args.get("page") not in (None, "1"):
            raise Refusal(400, "bad-parameter", "pagesize=all is one page: page=1")
        return Paging(1, None)
    return Paging(
        positive(args, "page", 1, 10**6),
        positive(args, "pagesize", DEFAULT_PAGE_SIZE, maximum),
    )


def page_url(page: int, size: int | str) -> str:
    """This request's URL (at the published base) for another page, other parameters kept."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "pagesize")]
    query = urlencode([*args, ("page", str(page)), ("pagesize", str(size))])
    return f"{site().base_url}{request.path.lstrip('/')}?{query}"


def links(paged: Paging, total: int) -> dict[str, str]:
    """self, first, last and, where they exist, prev and next."""
    if paged.size is None:
        return {"self": page_url(1, ALL)}
    pages = max(1, -(-total // paged.size))
    found = {
        "self": page_url(paged.page, paged.size),
        "first": page_url(1, paged.size),
        "last": page_url(pages, paged.size),
    }
    if paged.page > 1:
        found["prev"] = page_url(min(paged.page - 1, pages), paged.size)
    if paged.page < pages:
        found["next"] = page_url(paged.page + 1, paged.size)
    return found


LINK_LIMIT = 8192  # characters: past this the links are in the JSON answer only


def with_links(response: Response, found: dict[str, str], total: int) -> Response:
    """Link (RFC 8288) and X-Total-Count headers: what a CSV client has instead of the JSON."""
    link = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in found.items())
    if len(link) <= LINK_LIMIT:  # a long cut list, five times over, makes a header proxies drop
        response.headers["Link"] = link
    response.headers["X-Total-Count"] = str(total)
    return response


def csv_text(fields: list[str], rows: Iterable[dict[str, Any]], header: bool = True) -> str:
    """`rows` as CSV text (CRLF lines, None as empty), with a header line of `fields` unless
    `header` is false.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(fields)
    for row in rows:
        writer.writerow(["" if row.get(f) is None else row[f] for f in fields])
    return buffer.getvalue()


def streamed_csv(
    fields: list[str],
    rows: Iterator[dict[str, Any]],
    finish: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    filename: str,
) -> Response:
    """Every row as CSV, written STREAM_CHUNK rows at a time (finish labels a chunk), so an
    export of a whole cube never sits in memory."""

    def generate() -> Iterator[str]:
        yield csv_text(fields, [])
        chunk: list[dict[str, Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == STREAM_CHUNK:
                yield csv_text(fields, finish(chunk), header=False)
                chunk = []
        if chunk:
            yield csv_text(fields, finish(chunk), header=False)

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
