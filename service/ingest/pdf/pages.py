"""A PDF as numbered text lines and ruled grids: the only module that talks to pdfplumber.

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

    def grids(self) -> list[Grid]:
        found = []
        for table in self.handle.find_tables():
            texts = table.extract()
            boxes = [list(row.cells) for row in table.rows]
            found.append(
                Grid(self.number, texts, boxes, [row.bbox for row in table.rows], table.bbox)
            )
        return found

    def line_for(self, box: Box) -> TextLine | None:
        """The text line a table row was read from: the one nearest the row's middle."""
        middle = (box[1] + box[3]) / 2
        inside = [ln for ln in self.lines if box[1] - 1 <= (ln.top + ln.bottom) / 2 <= box[3] + 1]
        if not inside:
            return None
        return min(inside, key=lambda ln: abs((ln.top + ln.bottom) / 2 - middle))

    def text_after(self, bottom: float) -> list[TextLine]:
        return [line for line in self.lines if line.top >= bottom - 1]


def is_pdf(data: bytes) -> bool:
    """Recognised by content: a PDF starts with %PDF (a few bytes of junk are allowed)."""
    return b"%PDF-" in data[:1024]


def open_pdf(data: bytes, file: str) -> Any:
    """A broken PDF is a binary file we cannot read, as for the text reader."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        if not pdf.pages:
            raise ValueError("no pages")
    except Exception as error:  # pdfminer raises many kinds; all mean the same here
        raise InputError(
            "binary-file",
            f"a PDF that cannot be read ({type(error).__name__}: {error})",
            file,
            None,
            "a text-based PDF, or UTF-8 or GB18030 text",
        ) from None
    return pdf


def read_pages(pdf: Any) -> list[Page]:
    """Every page's text lines, numbered through the document."""
    pages = []
    number = 0
    for index, handle in enumerate(pdf.pages, start=1):
        page = Page(index, handle=handle)
        for raw in handle.extract_text_lines(return_chars=False):
            text = raw["text"].strip()
            if not text:
                continue
            number += 1
            page.lines.append(TextLine(number, index, text, raw["top"], raw["bottom"]))
        pages.append(page)
    return pages


def looks_tabular(line: TextLine) -> bool:
    """A text line of a table: three or more bare numbers (narrative numbers carry units)."""
    tokens = line.text.split()
    return sum(1 for token in tokens if _NUMBER_TOKEN.match(token)) >= 3
