"""Files for spreadsheets: the Excel CSV and the xlsx of any rows, written the same way for a
package's table, a filtered view, a search, an aggregate or a corpus-wide table.

A spreadsheet guesses a CSV cell's type: `015` becomes 15, a 20-digit project code becomes
4.1039524E+19, `2023-01-01` a date. Excel and LibreOffice both read `="015"` as a formula
whose value is the text 015, so every text cell a spreadsheet would take for a number or a
date (and every cell that would start a formula) is written that way; amounts stay plain
numbers. Column titles say the unit, since the CSV holds yuan where the document printed 万元.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Text a spreadsheet would turn into a number, a date, a time, a percentage or a boolean.
COERCIBLE = re.compile(
    r"^\s*[-+(]?[\d.,\s]*\d[\d.,\s]*[)%]?\s*$"  # 015, 4.1e19 without the e, (1,234), 15%
    r"|^\s*[-+]?\d+(\.\d*)?[eE][-+]?\d+\s*$"  # 1E5
    r"|^\s*\d{1,4}[-/.年]\d{1,2}([-/.月]\d{1,4}日?)?\s*$"  # 2023-01-01, 1/2, 2023年1月
    r"|^\s*\d{1,2}:\d{2}(:\d{2})?\s*$"  # 10:30
    r"|^(?i:true|false)$"
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXCEL_TEXT_LIMIT = 255  # characters a formula's string constant may hold in Excel


@dataclass(frozen=True, slots=True)
class SheetColumn:
    """One column of a file: its field name, its title with the unit, and its kind."""

    name: str
    title: str
    kind: str = "text"  # text | number | integer
    description: str = ""

    @property
    def numeric(self) -> bool:
        """Whether the column holds numbers."""
        return self.kind in ("number", "integer")


def unit_title(title: str, unit: str | None) -> str:
    """合计 + 元 → 合计（元）; a title that already says its unit is left alone."""
    if not unit or title.endswith(f"（{unit}）") or title.endswith(f"({unit})"):
        return title
    return f"{title}（{unit}）"


def field_unit(field: dict[str, Any], resource: dict[str, Any]) -> str | None:
    """The unit a field's numbers are in, in the file: yuan for amounts the package
    converted (unit CNY), the published unit for a table kept as printed, else none."""
    if field.get("type") != "number":
        return None
    if field.get("unit") == "CNY":
        return "元"
    if resource.get("name", "").startswith("table_"):
        return resource.get("publishedUnit")
    return None


def resource_columns(resource: dict[str, Any]) -> list[SheetColumn]:
    """The columns of a package's CSV resource, titled in Chinese with their unit."""
    columns = []
    for field in resource.get("schema", {}).get("fields", []):
        kind = field.get("type", "string")
        columns.append(
            SheetColumn(
                name=field["name"],
                title=unit_title(field.get("title") or field["name"], field_unit(field, resource)),
                kind=kind if kind in ("number", "integer") else "text",
                description=field.get("description", ""),
            )
        )
    return columns


# --- CSV -----------------------------------------------------------------------------------


def excel_text(value: str) -> str:
    """A text cell as a spreadsheet must read it: unchanged unless it would be taken for a
    number, a date or a formula; then ="…" (or a leading apostrophe when too long for that)."""
    if value == "":
        return value
    risky = value.startswith(FORMULA_START)
    if COERCIBLE.match(value) or risky:
        if len(value) <= EXCEL_TEXT_LIMIT and "\n" not in value:
            return '="' + value.replace('"', '""') + '"'
        if risky:
            return "'" + value
    return value


def csv_chunks(
    columns: Sequence[SheetColumn], rows: Iterable[Sequence[str]], *, excel: bool
) -> Iterator[bytes]:
    """The file as it is written: titles (Chinese with units for Excel, field names for
    plain CSV), then every row; chunks of ~64 KB so a large export streams."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # an Excel file's titles are text as its cells are (a printed header may read "=…")
    writer.writerow([excel_text(c.title) if excel else c.name for c in columns])
    texts = [not c.numeric for c in columns]
    first = True
    for row in rows:
        if excel:
            row = [excel_text(v) if text else v for v, text in zip(row, texts, strict=True)]
        writer.writerow(row)
        if buffer.tell() > 65536:
            yield _encoded(buffer, excel and first)
            first = False
    yield _encoded(buffer, excel and first)


def _encoded(buffer: io.StringIO, bom: bool) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return (("\ufeff" if bom else "") + text).encode("utf-8")


# --- xlsx ----------------------------------------------------------------------------------


def _number(value: str, kind: str) -> Any:
    if value == "":
        return None
    try:
        return int(value) if kind == "integer" else Decimal(value)
    except (ValueError, InvalidOperation):
        return value  # a cell the schema calls a number but that is not one stays as text


def _width(title: str, samples: Iterable[str]) -> float:
    """Wide enough for the title and the longest of the first rows (CJK counts double)."""

    def size(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    longest = max([size(title), *(size(s) for s in samples)], default=8)
    return float(min(max(longest + 2, 8), 60))


MAX_XLSX_ROWS = 100_000  # a workbook is written whole in the web worker: more is the CSV's


class TooManyRows(ValueError):
    """A workbook past MAX_XLSX_ROWS: the CSV, streamed as written, is the file for it."""


def write_xlsx(
    target: Path,
    columns: Sequence[SheetColumn],
    rows: Iterable[Sequence[str]],
    about: Sequence[tuple[str, str]],
    sheet_name: str = "数据 Data",
) -> int:
    """An xlsx with a first sheet saying what the data is (title, department, year, unit,
    source, and each column) and the data sheet, opened first: one header row, frozen,
    with an autofilter and widths from the content. Returns the data rows written.
    Amounts go in as Decimal (openpyxl writes their exact text); text stays text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    info = book.create_sheet("说明 About")
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 80
    info.column_dimensions["C"].width = 60
    bold = Font(bold=True)
    for label, value in about:
        head = _text_cell(info, label)
        head.font = bold
        info.append([head, _text_cell(info, value)])
    info.append([])
    info.append([_text_cell(info, "列 Columns"), None])
    for column in columns:
        info.append(
            [
                _text_cell(info, column.title),
                _text_cell(info, column.name),
                _text_cell(info, column.description),
            ]
        )

    sheet = book.create_sheet(sheet_name[:31])
    buffered = iter(rows)
    first = [list(r) for _, r in zip(range(200), buffered, strict=False)]
    for index, column in enumerate(columns, start=1):
        width = _width(column.title, (r[index - 1] for r in first)) + (3 if column.numeric else 0)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:  # a kept-as-printed table's titles are the document's text
        cell = _text_cell(sheet, column.title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in _chain(first, buffered):
        if count == MAX_XLSX_ROWS:
            _discard(book)
            raise TooManyRows(MAX_XLSX_ROWS)
        cells = []
        for value, column in zip(row, columns, strict=True):
            if column.numeric:
                cell = WriteOnlyCell(sheet, _number(value, column.kind))
                if column.kind == "number":
                    cell.number_format = "#,##0.00##"
            else:
                cell = _text_cell(sheet, value)
            cells.append(cell)
        sheet.append(cells)
        count += 1
    last = get_column_letter(max(1, len(columns)))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    book.active = 1
    book.save(target)
    return count


def _discard(book: Any) -> None:
    """A write-only workbook given up before saving: openpyxl's own temporary files, one a
    sheet, are removed here (saving would have removed them)."""
    for sheet in book.worksheets:
        with contextlib.suppress(Exception):  # the sheet's XML finished, as saving would
            sheet.close()
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            with contextlib.suppress(OSError, ValueError, KeyError):
                writer.cleanup()


def _text_cell(sheet: Any, value: str) -> Any:
    """A text cell that stays text: openpyxl would otherwise take `=…` for a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value if value != "" else None)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _chain(first: list[list[str]], rest: Iterator[Sequence[str]]) -> Iterator[Sequence[str]]:
    yield from first
    yield from rest


def opened_and_removed(path: Path) -> tuple[BinaryIO, int]:
    """A written workbook opened for reading, and its size, the file already removed from
    its folder: the open handle alone keeps the bytes, until it is closed."""
    handle = path.open("rb")
    try:
        return handle, os.fstat(handle.fileno()).st_size
    finally:
        path.unlink(missing_ok=True)


def temporary_xlsx() -> Path:
    """A new empty temporary file for a workbook (the caller removes it)."""
    handle, name = tempfile.mkstemp(prefix="budgetpub-", suffix=".xlsx")
    os.close(handle)
    return Path(name)


# --- names ---------------------------------------------------------------------------------

UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_name(text: str) -> str:
    """A file name every system accepts: no path separators, reserved or control characters."""
    return UNSAFE.sub("_", text).strip(" ._")[:150] or "download"


def attachment(filename: str, ascii_name: str) -> str:
    """RFC 6266 / 5987: an ASCII fallback and the Chinese name for clients that read it."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(safe_name(filename))}"
