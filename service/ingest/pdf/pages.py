"""A PDF as numbered text lines and ruled grids: the only module that talks to pdfplumber.

pdfplumber's text lines and table finder read each page's objects; PDFium gives them
(pdfium_page), as pdfminer would, for every page it can, and pdfminer parses the rest.

Line numbers run through the whole document's extracted text (page 1's lines first), so every
row and figure names one line of Document.text, and every error can also name its page.
Grids (ruled tables) are extracted only for the pages that hold template tables: it is the
slow part, and narrative pages need none.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from service.errors import InputError
from service.ingest.cells import normalise
from service.ingest.pdf.pdfium_page import use_pdfium

Box = tuple[float, float, float, float]  # x0, top, x1, bottom
_NUMBER_TOKEN = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+\.\d+$|^-?\d+$")


@dataclass
class TextLine:
    number: int  # 1-based line of the document's extracted text
    page: int
    text: str
    top: float
    bottom: float

    @property
    def key(self) -> str:
        """The line's text normalised, as titles are matched."""
        return normalise(self.text)


@dataclass
class Grid:
    """One ruled table on one page: cell texts and boxes, row by row (None = merged away)."""

    page: int
    texts: list[list[str | None]]
    boxes: list[list[Box | None]]
    row_boxes: list[Box]
    bbox: Box

    def column_centres(self) -> list[float]:
        """The horizontal centre of each column, taken from its narrowest cell (a spanning cell
        would move it).
        """
        width = max(len(row) for row in self.boxes)
        centres: list[float] = []
        for j in range(width):
            spans = [row[j] for row in self.boxes if j < len(row) and row[j] is not None]
            narrowest = min(spans, key=lambda b: b[2] - b[0]) if spans else (0, 0, 0, 0)
            centres.append((narrowest[0] + narrowest[2]) / 2)
        return centres

    def path(self, rows: range, column: int) -> list[str]:
        """Header texts above a column, top to bottom, merged cells included."""
        centre = self.column_centres()[column]
        found = []
        for i in rows:
            for box, text in zip(self.boxes[i], self.texts[i], strict=True):
                if box is not None and box[0] <= centre <= box[2] and text:
                    found.append(normalise(text))
        return found


@dataclass
class Page:
    number: int
    lines: list[TextLine] = field(default_factory=list)
    handle: Any = None  # the pdfplumber page, for grids on demand
    found_grids: list[Grid] | None = None  # grids already read (by a parallel reader)

    def grids(self) -> list[Grid]:
        """The page's ruled tables, found once on first use (finding them is the slow part of
        reading a page).
        """
        if self.found_grids is None:
            self.found_grids = page_grids(self.handle, self.number)
        return self.found_grids

    def line_for(self, box: Box) -> TextLine | None:
        """The text line a table row was read from: the one nearest the row's middle."""
        middle = (box[1] + box[3]) / 2
        inside = [ln for ln in self.lines if box[1] - 1 <= (ln.top + ln.bottom) / 2 <= box[3] + 1]
        if not inside:
            return None
        return min(inside, key=lambda ln: abs((ln.top + ln.bottom) / 2 - middle))

    def text_after(self, bottom: float) -> list[TextLine]:
        """The page's text lines at or below `bottom`."""
        return [line for line in self.lines if line.top >= bottom - 1]


@dataclass
class Piece:
    """A table's grid on one page: the rows from `first_data` on are data, the rows above its
    (possibly repeated) header."""

    page: Page
    grid: Grid
    first_data: int


def page_grids(handle: Any, number: int) -> list[Grid]:
    """The ruled tables pdfplumber finds on a page: each cell's text and box, and each row's box."""
    found = []
    for table in handle.find_tables():
        texts = table.extract()
        boxes = [list(row.cells) for row in table.rows]
        rows = [_row_box(row.bbox, row.cells) for row in table.rows]
        found.append(Grid(number, texts, boxes, rows, table.bbox))
    return found


def _row_box(bbox: Box, cells: list[Box | None]) -> Box:
    """A row's own height: a cell merged down over later rows (a margin column running the
    whole table) would otherwise stretch the row over them, and its text line with it."""
    spans = sorted(((c[1], c[3]) for c in cells if c is not None), key=lambda s: s[1] - s[0])
    if not spans:
        return bbox
    top, bottom = spans[len(spans) // 2] if len(spans) > 2 else spans[0]
    return (bbox[0], top, bbox[2], bottom)


def open_pdf(data: bytes, file: str) -> Any:
    """A broken PDF is a binary file we cannot read, as for the text reader."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        if not pdf.pages:
            raise ValueError("no pages")
    except Exception as error:  # pdfminer raises many kinds; all mean the same here
        causes = [error, *getattr(error, "args", ())]  # pdfplumber wraps pdfminer's error
        if any("Password" in type(c).__name__ for c in causes) or "encrypt" in repr(error).lower():
            raise InputError(
                "encrypted-pdf",
                "the PDF is encrypted with a password, so its text cannot be read",
                file,
                None,
                "the PDF as published without a user password",
            ) from None
        raise InputError(
            "binary-file",
            f"a PDF that cannot be read ({type(error).__name__}: {error or 'no detail'})",
            file,
            None,
            "a text-based PDF, or UTF-8 or GB18030 text",
        ) from None
    return pdf


PARALLEL_FROM = 8  # pages: below this, starting a second process costs more than it saves


def read_pages(pdf: Any, data: bytes | None = None) -> list[Page]:
    """Every page's text lines, numbered through the document.

    PDFium reads the pages' objects where it can (pdfium_page): a 50-page PDF in about a
    second. pdfminer's page parsing of the others is then most of the ingest time, so with many
    of them, the bytes at hand and a second core, the pages are read in two forked processes
    (grids of tabular pages too)."""
    if data is None:
        data = pdf.stream.getvalue() if hasattr(pdf.stream, "getvalue") else None
    given = use_pdfium(pdf.pages, data) if data is not None else 0
    if data is not None and len(pdf.pages) - given >= PARALLEL_FROM and _may_fork():
        pages = _read_in_parallel(data, len(pdf.pages))
    else:
        pages = [
            _read_page(handle, index, grids=False)
            for index, handle in enumerate(pdf.pages, start=1)
        ]
        for page, handle in zip(pages, pdf.pages, strict=True):
            page.handle = handle
    number = 0
    for page in pages:  # numbered through the document, page 1's lines first
        for line in page.lines:
            number += 1
            line.number = number
    return pages


def _read_page(handle: Any, index: int, *, grids: bool) -> Page:
    page = Page(index)
    for raw in handle.extract_text_lines(return_chars=False):
        text = raw["text"].strip()
        if text:
            page.lines.append(TextLine(0, index, text, raw["top"], raw["bottom"]))
    if grids:  # every page: a table's page may hold no number (an empty 政府性基金 table)
        page.found_grids = page_grids(handle, index)
    return page


def _may_fork() -> bool:
    """Fork only where it is safe and useful: two cores, one thread, not inside a worker."""
    import multiprocessing
    import os
    import threading

    return (
        (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
        and "fork" in multiprocessing.get_all_start_methods()
    )


def _read_chunk(job: tuple[bytes, list[int]]) -> list[Page]:
    import pdfplumber

    data, indices = job
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        handles = [pdf.pages[i - 1] for i in indices]
        use_pdfium(handles, data, indices)
        return [
            _read_page(handle, i, grids=True) for handle, i in zip(handles, indices, strict=True)
        ]


def _read_in_parallel(data: bytes, count: int) -> list[Page]:
    import multiprocessing

    jobs = [(data, list(range(start, count + 1, 2))) for start in (1, 2)]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        chunks = pool.map(_read_chunk, jobs)
    return sorted((page for chunk in chunks for page in chunk), key=lambda p: p.number)


def looks_tabular(line: TextLine) -> bool:
    """A text line of a table: three or more bare numbers (narrative numbers carry units)."""
    tokens = line.text.split()
    return sum(1 for token in tokens if _NUMBER_TOKEN.match(token)) >= 3
