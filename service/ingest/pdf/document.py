"""read_pdf: one disclosure published as one or more PDF files → one Document.

The templates are tried in order: the Shanghai district template, read strictly (every page
placed, every table typed), then the national reader that reads any region's layout and keeps
what it cannot type as printed tables. A file that is not a readable PDF, or a PDF whose pages
have no text (a scan), is an InputError naming the file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from contextlib import ExitStack, suppress
from decimal import Decimal
from typing import Any, TypeVar

from service.errors import InputError
from service.ingest.catalogue import read_title
from service.ingest.model import Document, Listed, PageSummary, Part, ReaderWarning
from service.ingest.pdf.generic import generic_table
from service.ingest.pdf.national import read_national
from service.ingest.pdf.pages import Grid, Page, Piece, open_pdf, read_pages
from service.ingest.pdf.reader import read_shanghai
from service.ingest.pdf.segment import Printed, Segmented, figure_cells, segment

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
T = TypeVar("T")


def document_sha256(parts: list[Part]) -> str:
    """One file: its own sha256. Several: the sha256 of their names and hashes, in order."""
    if len(parts) == 1:
        return parts[0].sha256
    listing = "".join(f"{part.name}\0{part.sha256}\n" for part in parts)
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def make_part(name: str, data: bytes) -> Part:
    """One part of a document: its name, bytes and their SHA-256."""
    return Part(name, data, hashlib.sha256(data).hexdigest())


def read_pdf(parts: list[Part], file: str, *, typed: bool | frozenset[str] = True) -> Document:
    """A PDF document (one or more parts) read into a Document, typed by its template's layouts
    unless `typed` is false; any failure of the PDF library becomes an InputError
    (unreadable-pdf).
    """
    return _unless_broken(
        lambda: _read(parts, file, typed),
        "the PDF could not be read",
        file,
        "a PDF whose pages' text and tables can be extracted",
    )


def _unless_broken(read: Callable[[], T], what: str, file: str, expected: str) -> T:
    """`read()`, or an unreadable-pdf InputError when the PDF library fails in it: pdfminer
    raises many kinds, late, on broken fonts and content streams (an InputError passes)."""
    try:
        return read()
    except InputError:
        raise
    except Exception as error:
        raise InputError(
            "unreadable-pdf", f"{what} ({type(error).__name__}: {error})", file, None, expected
        ) from None


def _read(parts: list[Part], file: str, typed: bool | frozenset[str]) -> Document:
    with ExitStack() as stack:
        pages: list[Page] = []
        part_of: dict[int, str] = {}
        pdfs = []
        for part in parts:
            where = f"{file}/{part.name}" if len(parts) > 1 else file
            pdf = stack.enter_context(open_pdf(part.data, where))
            pdfs.append(pdf)
            _renumber(
                pages, _pages(pdf, part.data, where), part_of, part.name if len(parts) > 1 else None
            )
        found = segment(pages)
        created = _created_year(pdfs[0]) if pdfs else None
        document = None
        if len(parts) == 1 and typed is True:  # not the Shanghai template: the national one
            with suppress(InputError):
                document = read_shanghai(pages, parts[0].data, file)
        if document is None:
            document = read_national(
                pages,
                file,
                document_sha256(parts),
                parts if len(parts) > 1 else [],
                part_of,
                found,
                typed=typed,
                created=created,
            )
        keep_every_figure(document, found)
        document.listed = listed_tables(pages)
        for table in document.tables.values():  # a template reader's tables, by catalogue kind
            if table.recognised is None and (kind := read_title(table.title).kind):
                table.recognised = kind.kind
        if not document.pages:  # a template reader that places pages itself says less
            document.pages = [
                PageSummary(role.number, role.role, role.why, part_of.get(role.number))
                for role in found.roles
            ]
        return document


def _created_year(pdf: Any) -> int | None:
    """The year in the PDF's CreationDate (D:20260227…), else its ModDate."""
    metadata = getattr(pdf, "metadata", None) or {}
    for key in ("CreationDate", "ModDate"):
        found = re.match(r"^(?:D:)?(20\d{2})", str(metadata.get(key) or ""))
        if found:
            return int(found.group(1))
    return None


def keep_every_figure(document: Document, found: Segmented) -> None:
    """Any printed table holding a figure no resource holds is kept as printed, and said.

    The typed readers hold what their tables mean; this makes sure that what they do not
    read (a table the template does not place, a figure in a narrative page's grid) still
    reaches the package, each value as published or in yuan. It goes grid by grid, so a
    grid that does not line up with the rest of its table still keeps every cell."""
    names = set(document.tables)
    for attempt in range(2):  # the whole table first; then, for what is still missing, its grids
        held = held_values(document)
        for printed in found.tables:
            pieces = [p for p in printed.pieces if _missing(p.grid, held)]
            if not pieces:
                continue
            for part in [printed] if attempt == 0 else [_single(printed, p) for p in pieces]:
                _keep(document, part, names, _missing_of(part, held))


def _missing(grid: Grid, held: set[Decimal]) -> list[str]:
    return [value for value in figure_cells(grid) if not _held(value, held)]


def _missing_of(printed: Printed, held: set[Decimal]) -> list[str]:
    return [value for piece in printed.pieces for value in _missing(piece.grid, held)]


def _single(printed: Printed, piece: Piece) -> Printed:
    return Printed(printed.title, printed.caption, [piece], printed.unit, printed.department)


def _keep(document: Document, printed: Printed, names: set[str], missing: list[str]) -> None:
    base = f"table_p{printed.pages[0]}"
    resource, number = base, 1
    while resource in names:
        number += 1
        resource = f"{base}_{number}"
    names.add(resource)
    document.tables[resource] = generic_table(printed, resource, printed.unit)
    document.warnings.append(
        ReaderWarning(
            "unread-figures",
            f"{printed.name!r} on pages {printed.pages}: {len(missing)} figures no typed "
            f"table holds (first {missing[0]}), kept as printed in resource {resource!r}",
            printed.pages,
            resource,
        )
    )


_LEADER = re.compile(r"[.…·．\s]{3,}\d*$|\s\d{1,3}$")


def listed_tables(pages: list[Page]) -> list[Listed]:
    """The tables a 目录 (or 报表目录) page lists, in order, with the ones it calls empty."""
    found: list[Listed] = []
    for page in pages:
        if not any("目录" in line.key for line in page.lines[:3]):
            continue
        for line in page.lines:
            text = _LEADER.sub("", line.text.strip())
            title = read_title(text)
            if title.kind is None or (not title.label and "表" not in title.key[-4:]):
                continue
            empty = bool(re.search(r"表\S*\s+是(?:\s|$)|不涉及|无此", text))
            if all(item.kind != title.kind.kind or item.title != title.text for item in found):
                found.append(Listed(title.kind.kind, title.text, page.number, empty))
    return found


def held_values(document: Document) -> set[Decimal]:
    """Every figure the document's tables hold, normalised: what the reader's checks look for the
    prose's figures in.
    """
    values: set[Decimal] = set()
    for table in document.tables.values():
        for row in table.rows:
            for value in row.values():
                if isinstance(value, Decimal):
                    values.add(value.normalize())
                elif isinstance(value, str):
                    bare = value.replace(",", "").strip()
                    if _NUMBER.match(bare):
                        values.add(Decimal(bare).normalize())
    return values


def _held(value: str, held: set[Decimal]) -> bool:
    number = Decimal(value)
    return number.normalize() in held or (number * 10000).normalize() in held


def _pages(pdf: object, data: bytes, where: str) -> list[Page]:
    """Every page's lines; a PDF that opens but breaks in extraction is named, not a crash."""
    return _unless_broken(
        lambda: read_pages(pdf, data),
        "the PDF's text could not be extracted",
        where,
        "a PDF whose pages' text can be extracted",
    )


def _renumber(
    pages: list[Page], new: list[Page], part_of: dict[int, str], part: str | None
) -> None:
    """Pages and lines numbered through every part of the document, part 1 first."""
    page_offset = len(pages)
    line_offset = sum(len(page.lines) for page in pages)
    for page in new:
        local = page.number
        page.number += page_offset
        for line in page.lines:
            line.page = page.number
            line.number += line_offset
        for grid in page.found_grids or []:
            grid.page = page.number
        if part:
            part_of[page.number] = f"{part} p.{local}"
        pages.append(page)
