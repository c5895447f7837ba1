"""Rows of the Shanghai tables, from ruled grids that may run over several pages.

Columns are placed by their header labels (the Shanghai 三公 table orders them differently from
the national one), a repeated header on a continuation page is dropped after checking it is the
same header, and each row names the text line it was read from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from service.errors import InputError
from service.ingest.cells import looks_like_amount, normalise, parse_amount, to_yuan
from service.ingest.layouts import layout_by_kind
from service.ingest.model import Row, Table
from service.ingest.pdf.pages import Grid, Piece, TextLine
from service.ingest.pdf.shanghai_layout import LABELS
from service.ingest.rows import FUNCTIONAL_LEADING, FUND_KEYWORDS, functional_row

_DIGITS = re.compile(r"^\d+$")
_TOP = re.compile(r"^[一二三四五六七八九十]+、")
_SUB = re.compile(r"^\d+[.．、]")
_YEAR = re.compile(r"^\d{4}年度?")
_TOTAL_WORDS = ("合计", "总计")


@dataclass
class TableSection:
    """One template table: its title line, frame (部门, 单位) and its grids, page by page."""

    kind: str
    builder: str  # the layout's family
    resources: tuple[str, ...]
    title: TextLine
    department: str | None = None
    unit: str = "元"
    pieces: list[Piece] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    closed: bool = False  # its 合计/总计 row has been seen

    @property
    def pages(self) -> list[int]:
        """The page numbers the table is printed on, its title's page included."""
        return sorted({piece.page.number for piece in self.pieces} | {self.title.page})


def first_data_row(grid: Grid) -> int:
    """Header rows hold labels only: no amount, no code, no ordinal, no 合计 in the first cell."""
    for index, row in enumerate(grid.texts):
        cells = [normalise(cell or "") for cell in row]
        first = next((c for c in cells if c), "")
        if any(looks_like_amount(c) for c in cells) or _DIGITS.match(first):
            return index
        labels = [c for c in cells if c and not looks_like_amount(c)]
        if first in (*_TOTAL_WORDS, "无") and len(labels) == 1:
            return index  # a 合计 row (blank in an empty table), or 无
        if _TOP.match(first) or not first:
            return index
    return len(grid.texts)


class Reader:
    """Reads one section's rows; errors name the file, the page and the extracted-text line."""

    def __init__(self, file: str, section: TableSection):
        self.file = file
        self.section = section

    def error(self, type_: str, message: str, line: TextLine | None, expected: str) -> InputError:
        """An InputError at `line` (or the table's title), naming the page and the table."""
        page = line.page if line else self.section.title.page
        return InputError(
            type_,
            f"page {page}, table {self.section.title.text!r}: {message}",
            self.file,
            line.number if line else self.section.title.number,
            expected,
        )

    def amount(self, cell: str, line: TextLine, column: str) -> object:
        """A printed amount cell parsed and converted to yuan from the table's unit, a parse error
        placed at `line`.
        """
        try:
            value = parse_amount(cell, file=self.file, line=line.number, column=column)
        except InputError as error:
            raise self.error(error.type, error.message, line, error.expected or "") from None
        return to_yuan(value, self.section.unit)

    def mapping(self, piece: Piece) -> list[str | None]:
        """The field each grid column of `piece` holds (None for a column it does not keep), found
        from the header cells above its data by the template's labels.
        """
        labels = LABELS[self.section.kind]
        grid = piece.grid
        width = max(len(row) for row in grid.texts)
        fields: list[str | None] = []
        split = None
        for column in range(width):
            path = [_YEAR.sub("", p) for p in grid.path(range(piece.first_data), column)]
            if not path:
                fields.append(None)
                continue
            if split is None and column and "支出" in path[0]:
                split = column
            name = labels.get(path[-1])
            if name is None:
                raise self.error(
                    "unknown-column",
                    f"column {column + 1} is headed {'/'.join(path)!r}, not a column of the "
                    "Shanghai template",
                    self.section.title,
                    "one of " + ", ".join(labels),
                )
            side = "" if self.section.builder != "two_sided" else ("R:" if split else "L:")
            fields.append(side + name)
        return fields

    def rows(self) -> Iterator[tuple[TextLine, dict[str, str]]]:
        """Data rows of every piece as {field: cell text}, repeated headers dropped.

        Cells are placed by position under the header's columns, not by index: a continuation
        page may rule fewer columns (a lone 合计 row merges the code and name cells).
        """
        reference: list[tuple[float, str | None]] | None = None
        for piece in self.section.pieces:
            if piece.first_data:
                found = list(zip(piece.grid.column_centres(), self.mapping(piece), strict=True))
                if reference is not None and [f for _, f in found] != [f for _, f in reference]:
                    raise self.error(
                        "garbled-header",
                        f"the header repeated on page {piece.page.number} differs from the first",
                        self.section.title,
                        "the same columns on every page of a table",
                    )
                reference = found
            if reference is None:
                raise self.error(
                    "garbled-header", "table has no header", self.section.title, "a header row"
                )
            for index in range(piece.first_data, len(piece.grid.texts)):
                cells = self._place(piece, index, reference)
                if not any(cells.values()):
                    continue
                line = piece.page.line_for(piece.grid.row_boxes[index])
                if line is None:
                    raise self.error(
                        "unplaced-row", "a table row with no text line", None, "text in each row"
                    )
                yield line, cells

    def _place(
        self, piece: Piece, index: int, reference: list[tuple[float, str | None]]
    ) -> dict[str, str]:
        cells: dict[str, str] = {}
        row = zip(piece.grid.boxes[index], piece.grid.texts[index], strict=True)
        for box, text in row:
            if box is None:
                continue
            covered = [name for centre, name in reference if box[0] - 1 <= centre <= box[2] + 1]
            clean = (text or "").replace("\n", "").strip()
            if not covered:
                if clean:
                    line = piece.page.line_for(piece.grid.row_boxes[index])
                    raise self.error(
                        "unexpected-cell",
                        f"value {clean!r} on page {piece.page.number} under no header column",
                        line,
                        "values under the table's columns",
                    )
                continue
            if covered[0]:
                cells[covered[0]] = clean
        return cells

    def table(self, resource: str, leading: list[str], present: set[str]) -> Table:
        """An empty table of the section's kind with `leading` fields and the amount columns
        `present` in the grid.
        """
        layout = layout_by_kind(self.section.kind)
        columns = [*layout.columns, *layout.right_columns]
        amounts = [c.name for c in columns if c.kind == "amount" and c.name in present]
        amounts = list(dict.fromkeys(amounts))
        return Table(
            resource=resource,
            kind=self.section.kind,
            title=normalise(self.section.title.text),
            line=self.section.title.number,
            department=self.section.department,
            unit=self.section.unit,
            fields=leading + amounts,
            notes=list(self.section.notes),
            pages=self.section.pages,
        )

    def fill(self, row: Row, cells: dict[str, str], line: TextLine, table: Table) -> None:
        """The amount fields of `table` that `row` lacks filled from a data line's cells."""
        for name in table.fields[len(row) :]:
            row[name] = self.amount(cells.get(name, ""), line, name)


def _codes(reader: Reader, line: TextLine, cells: dict[str, str], parts: tuple[str, ...]) -> str:
    pieces = [normalise(cells.get(p, "")) for p in parts]
    code = "".join(pieces)
    if code and (not _DIGITS.match(code) or any(not a and b for a, b in pairwise(pieces))):
        raise reader.error(
            "invalid-code", f"classification code {' '.join(pieces)!r}", line, "e.g. 201 05 06"
        )
    return code


def build_functional(reader: Reader) -> list[Table]:
    """功能分类 tables: 类 and 款 rows are subtotals, 项 rows the items, 合计 the total."""
    rows = list(reader.rows())
    present = {name for _, cells in rows for name in cells} or set(
        LABELS[reader.section.kind].values()
    )
    table = reader.table(reader.section.resources[0], list(FUNCTIONAL_LEADING), present)
    for line, cells in rows:
        first = normalise(cells.get("class", ""))
        if first in _TOTAL_WORDS:
            code, row_type = "", "total"
        elif first == "无":
            continue
        else:
            code = _codes(reader, line, cells, ("class", "subclass", "item"))
            lengths = {3: "subtotal", 5: "subtotal", 7: "item"}
            if len(code) not in lengths:
                raise reader.error(
                    "invalid-code", f"functional code {code!r}", line, "类 (3), 款 (+2), 项 (+2)"
                )
            row_type = lengths[len(code)]
        name = cells.get("name") or None if row_type != "total" else None
        row = functional_row(line.number, row_type, None, code, name)
        reader.fill(row, cells, line, table)
        blank = all(row.get(name) is None for name in table.fields[7:])
        if row_type == "total" and not table.rows and blank:
            continue  # an empty table's blank 合计: the resource stays empty, with its note
        table.rows.append(row)
    return [table]


def build_economic(reader: Reader) -> list[Table]:
    """部门预算经济分类 tables: 类 rows are subtotals of their 款 items."""
    rows = list(reader.rows())
    leading = [
        "source_line",
        "row_type",
        "economic_departmental_code",
        "economic_departmental_class",
        "economic_departmental_name",
    ]
    table = reader.table(reader.section.resources[0], leading, {"total", "personnel", "public"})
    for line, cells in rows:
        first = normalise(cells.get("class", ""))
        if first in _TOTAL_WORDS:
            code, row_type = "", "total"
        else:
            code = _codes(reader, line, cells, ("class", "subclass"))
            if len(code) not in (3, 5):
                raise reader.error("invalid-code", f"economic code {code!r}", line, "301 or 301 01")
            row_type = "item" if len(code) == 5 else "subtotal"
        row: Row = {
            "source_line": line.number,
            "row_type": row_type,
            "economic_departmental_code": code or None,
            "economic_departmental_class": code[:3] or None,
            "economic_departmental_name": cells.get("name") or None,
        }
        reader.fill(row, cells, line, table)
        table.rows.append(row)
    return [table]


def build_flat(reader: Reader) -> list[Table]:
    """The 三公 table: one row of amounts, the department's total (in 万元 in this template)."""
    rows = list(reader.rows())
    present = set(LABELS[reader.section.kind].values())
    table = reader.table(
        reader.section.resources[0], ["source_line", "row_type", "unit_code", "name"], present
    )
    for line, cells in rows:
        row: Row = {
            "source_line": line.number,
            "row_type": "total",
            "unit_code": None,
            "name": None,
        }
        reader.fill(row, cells, line, table)
        table.rows.append(row)
    if len(table.rows) > 1:
        raise reader.error(
            "unexpected-row", f"{len(table.rows)} rows of amounts", None, "one row of amounts"
        )
    return [table]


def _income_code(label: str) -> tuple[str, str | None]:
    if any(word in label for word in _TOTAL_WORDS):
        return "total", "grand-total"
    fund = next((code for word, code in FUND_KEYWORDS if word in label), None)
    return ("of-which" if _SUB.match(label) else "item"), fund


def build_two_sided(reader: Reader) -> list[Table]:
    """收支总表: income left, expenditure right, each its own row set; 1./2./3. lines are 其中."""
    rows = list(reader.rows())
    right = {name[2:] for _, cells in rows for name in cells if name.startswith("R:")}
    income = reader.table(
        reader.section.resources[0], ["source_line", "row_type", "item", "item_code"], {"amount"}
    )
    spend = reader.table(
        reader.section.resources[1],
        ["source_line", "row_type", "item", "item_code", "functional_class"],
        right - {"item"},
    )
    for line, cells in rows:
        for side, table in (("L:", income), ("R:", spend)):
            own = {k[2:]: v for k, v in cells.items() if k.startswith(side)}
            label = normalise(own.get("item", ""))
            if not label:
                if any(own.values()):
                    raise reader.error(
                        "missing-label", "amount without an item label", line, "a 项目 label"
                    )
                continue
            if side == "L:":
                row_type, code = _income_code(label)
                row: Row = {"source_line": line.number, "row_type": row_type}
                row.update(item=own["item"], item_code=code)
            else:
                total = any(word in label for word in _TOTAL_WORDS)
                row = {"source_line": line.number, "row_type": "total" if total else "item"}
                row.update(item=own["item"], item_code="grand-total" if total else None)
                row["functional_class"] = None
            reader.fill(row, own, line, table)
            table.rows.append(row)
    for table in (income, spend):
        if not any(row["row_type"] == "total" for row in table.rows):
            raise reader.error(
                "table-cut-off", f"{table.resource} has no 总计 row", None, "收入总计 and 支出总计"
            )
    return [income, spend]


BUILDERS = {  # by Layout.family
    "functional": build_functional,
    "economic": build_economic,
    "by_unit": build_flat,
    "two_sided": build_two_sided,
}


def assign_classes(tables: dict[str, Table]) -> None:
    """Expenditure lines of the 收支总表 name their 功能分类 class: 一、公共安全支出 → 204.

    The Shanghai template numbers these lines in order (一、二、…), not by class, so the class
    comes from the names of the 类 rows of the document's own function tables.
    """
    classes: dict[str, str] = {}
    for table in tables.values():
        for row in table.rows:
            code = row.get("functional_code")
            if code and len(code) == 3 and row.get("name"):
                classes.setdefault(normalise(row["name"]), code)
    for resource in ("summary_expenditure", "fiscal_summary_expenditure"):
        for row in tables[resource].rows if resource in tables else []:
            if row["row_type"] == "item":
                code = classes.get(_TOP.sub("", normalise(row["item"])))
                row["item_code"] = row["functional_class"] = code
