"""A printed table kept as printed: its header, its rows, every cell, nothing interpreted.

This is how a table the catalogue does not know (or a known table whose columns the typed
reading could not place) still reaches the package: each column titled by its header cells,
a column whose every filled cell is a number typed as a number (written without thousands
separators, every published digit kept, in the table's published unit), the rest as text.
"""

from __future__ import annotations

import re
from decimal import Decimal

from service.ingest.cells import is_blank, normalise
from service.ingest.model import Row, Table
from service.ingest.pdf.pages import Grid, Piece
from service.ingest.pdf.segment import Printed

_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")


def clean(text: str | None) -> str:
    """A cell's text with the line breaks of wrapped cells removed."""
    return re.sub(r"\s*\n\s*", "", text or "").strip()


def _number(text: str) -> str | None:
    bare = text.replace(",", "").replace(" ", "")
    return bare if _NUMBER.match(bare) else None


def header_titles(piece: Piece) -> list[str]:
    """Each column's title: the header cells above it, top to bottom, joined by · (a cell
    repeated down a merged column once; a 小计 under its group and the group's are both kept)."""
    grid = piece.grid
    width = max(len(row) for row in grid.texts)
    titles = []
    for column in range(width):
        path: list[str] = []
        for text in grid.path(range(piece.first_data), column):
            if text and (not path or path[-1] != text):
                path.append(text)
        titles.append("·".join(path) or f"{BLANK_PREFIX}{column + 1}列")
    return titles


BLANK_PREFIX = "第"  # a column with no header cell is titled by its position: 第3列


def place_cells(grid: Grid, index: int, centres: list[float], width: int) -> list[str]:
    """A row's cells under the reference columns: by index when the widths agree, else by
    where each cell sits (a continuation page may rule fewer columns)."""
    texts = grid.texts[index]
    if len(texts) == width:
        return [clean(t) for t in texts]
    cells = [""] * width
    for box, text in zip(grid.boxes[index], texts, strict=True):
        if box is None or not clean(text):
            continue
        covered = [j for j, c in enumerate(centres) if box[0] - 1 <= c <= box[2] + 1]
        if not covered:
            middle = (box[0] + box[2]) / 2
            covered = [min(range(width), key=lambda j: abs(centres[j] - middle))]
        free = [j for j in covered if not cells[j]]
        if not free:  # the column is taken: the nearest empty one keeps the cell apart
            free = sorted(
                (j for j in range(width) if not cells[j]), key=lambda j: abs(j - covered[0])
            )
        if free:
            cells[free[0]] = clean(text)
        else:
            cells[covered[0]] += " " + clean(text)
    return cells


def raw_rows(printed: Printed) -> tuple[list[str], list[tuple[Piece, int, list[str]]]]:
    """The header titles and every data row (piece, row index, cells) of a printed table."""
    first = printed.pieces[0]
    titles = header_titles(first)
    width = len(titles)
    centres = first.grid.column_centres()
    rows = []
    for piece in printed.pieces:
        for index in range(piece.first_data, len(piece.grid.texts)):
            cells = place_cells(piece.grid, index, centres, width)
            if any(cells):
                rows.append((piece, index, cells))
    return titles, rows


def generic_table(printed: Printed, resource: str, unit: str | None) -> Table:
    """The table as printed, one CSV column per printed column."""
    titles, rows = raw_rows(printed)
    names = [f"c{j + 1:02d}" for j in range(len(titles))]
    numeric = [_numeric(titles[j], [cells[j] for _, _, cells in rows]) for j in range(len(titles))]
    columns = [
        {
            "name": name,
            "title": title + (f"（{unit}）" if unit and is_number else ""),
            "type": "number" if is_number else "string",
        }
        for name, title, is_number in zip(names, titles, numeric, strict=True)
    ]
    fields = ["row", "source_page", "source_line", *names]
    table = printed.new_table(resource, "generic", unit or "", fields, columns=columns)
    for number, (piece, index, cells) in enumerate(rows, start=1):
        line = piece.page.line_for(piece.grid.row_boxes[index])
        row: Row = {
            "row": number,
            "source_page": piece.page.number,
            "source_line": line.number if line else None,
        }
        for name, text, is_number in zip(names, cells, numeric, strict=True):
            if is_number:
                bare = _number(text)
                row[name] = Decimal(bare) if bare is not None else None
            else:
                row[name] = normalise(text) if _looks_code(text) else (text or None)
        table.rows.append(row)
    return table


_CODE_HEADER = re.compile(r"编码|代码|编号|科目|序号|^类|^款|^项")
_MONEY_HEADER = re.compile(r"合计|总计|金额|预算|数|支出|收入|经费|费|资金|拨款|小计")


def _numeric(title: str, cells: list[str]) -> bool:
    """Amounts, not codes: every filled cell a number, and a money header or a number
    printed as an amount (a decimal point or thousands separator) somewhere in the column."""
    filled = [c for c in cells if not is_blank(c)]
    if not filled or not all(_number(c) for c in filled):
        return False
    if _CODE_HEADER.search(title) and not _MONEY_HEADER.search(title):
        return False
    return bool(_MONEY_HEADER.search(title)) or any("." in c or "," in c for c in filled)


def _looks_code(text: str) -> bool:
    return bool(re.fullmatch(r"[\d\s]+", text or ""))
