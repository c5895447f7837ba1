"""Minimal printed tables for the reader's tests: pages of text lines and ruled grids built in
memory, the shapes the PDF reader sees, so each rule is shown by the smallest table that has
its pattern (no PDF, no real document)."""

from __future__ import annotations

from service.ingest.catalogue import read_title
from service.ingest.pdf.pages import Grid, Page, Piece, TextLine
from service.ingest.pdf.segment import Printed, first_data_row

ROW = 20.0  # the height of a row, and of a text line
COLUMN = 90.0  # the width of a column


def grid(page: Page, rows: list[list[str]], top: float) -> Grid:
    """A ruled grid of `rows` at `top` on `page`, each row also a text line of the page."""
    texts: list[list[str | None]] = [list(row) for row in rows]
    boxes = []
    row_boxes = []
    width = max(len(row) for row in rows)
    for index, row in enumerate(rows):
        y0 = top + index * ROW
        boxes.append(
            [(j * COLUMN, y0, (j + 1) * COLUMN, y0 + ROW) for j in range(len(row))]  # type: ignore[misc]
        )
        row_boxes.append((0.0, y0, width * COLUMN, y0 + ROW))
        text = " ".join(cell for cell in row if cell)
        if text:
            page.lines.append(TextLine(0, page.number, text, y0 + 4, y0 + ROW - 4))
    made = Grid(
        page.number, texts, boxes, row_boxes, (0.0, top, width * COLUMN, top + len(rows) * ROW)
    )
    page.found_grids = [*(page.found_grids or []), made]
    return made


def text(page: Page, line: str, top: float) -> None:
    """A text line (a title, a unit line, a note) at `top` on `page`."""
    page.lines.append(TextLine(0, page.number, line, top, top + ROW - 8))


def number_lines(pages: list[Page]) -> list[Page]:
    """Lines sorted top to bottom on each page and numbered through the document."""
    number = 0
    for page in pages:
        page.lines.sort(key=lambda line: line.top)
        for line in page.lines:
            number += 1
            line.number = number
    return pages


def printed(title: str, rows: list[list[str]], unit: str = "万元") -> Printed:
    """One printed table on one page: `title` above, a grid of `rows` (header rows first)."""
    page = Page(1)
    text(page, title, 20)
    made = grid(page, rows, 60)
    number_lines([page])
    return Printed(read_title(title), [], [Piece(page, made, first_data_row(made))], unit=unit)
