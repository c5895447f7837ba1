"""收入总表 and the 三公 table as regions print them: amounts by fund or by expense across,
one row per department and unit (or a single row), 合计 on top.

The columns are known by their header words (columns.py rules); the leading columns name the
unit (单位名称, 单位代码 / 部门代码). A 3-digit code is the department, a longer one its unit.
Anything else (income by function code, another year's columns, a vertical 三公 list) stays
as printed.
"""

from __future__ import annotations

import re
from collections import Counter

from service.ingest.cells import is_blank, normalise, to_yuan
from service.ingest.layouts import layout_by_kind
from service.ingest.model import Row, Table
from service.ingest.pdf.columns import INCOME, THREE_PUBLIC, Rule, field_for, header_parts
from service.ingest.pdf.generic import raw_rows
from service.ingest.pdf.segment import Printed
from service.ingest.pdf.typed import NotTyped, amount_text, decimals

SHAPES: dict[str, tuple[str, str, tuple[Rule, ...]]] = {  # kind → (resource, layout, rules)
    "income": ("income", "income", INCOME),
    "three_public": ("three_public_expenses", "three_public", THREE_PUBLIC),
}
_NAME = re.compile(r"单位名称|部门名称|预算单位|^单位$|^部门$|名称")
_CODE = re.compile(r"单位代码|部门代码|单位编码|部门编码|^代码$|^编码$")
_TOTAL = ("合计", "总计")


class ByFunction(NotTyped):
    """The table's rows are 功能分类 codes, not units: a typed reading by function reads it."""


def by_unit_table(printed: Printed, unit: str, year: int) -> Table:
    """The typed table, or NotTyped saying why it stays as printed."""
    resource, layout_kind, rules = SHAPES[printed.kind or ""]
    if unit not in ("万元", "元"):
        raise NotTyped(f"amounts in {unit or 'an unknown unit'}")
    titles, raw = raw_rows(printed)
    layout = layout_by_kind(layout_kind)
    order = [c.name for c in (*layout.columns, *layout.extra_columns)]
    known = {name for name in order if name not in ("unit_code", "name")}
    name_col = code_col = None
    amounts: dict[int, str] = {}
    for index, title in enumerate(titles):
        parts = header_parts(title)
        values = [cells[index] for _, _, cells in raw if not is_blank(cells[index])]
        leaf = parts[-1] if parts else ""
        if not parts and not values:
            continue
        if _CODE.search(leaf) and code_col is None:
            code_col = index
        elif _NAME.search(leaf) and name_col is None and not _numbers(values):
            name_col = index
        elif leaf in ("类", "款", "项") or "科目" in leaf:
            raise ByFunction("rows by function code, not by unit")
        else:
            field = field_for(title, rules, year)
            if field is None or field not in known:
                raise NotTyped(f"column {title!r} is not one the reader knows")
            if field in amounts.values():
                raise NotTyped(f"two columns read as {field} ({title!r})")
            amounts[index] = field
    if not amounts:
        raise NotTyped("no amount column")
    fields = sorted(set(amounts.values()), key=order.index)
    table = printed.new_table(
        resource,
        layout_kind,
        unit,
        ["source_line", "row_type", "unit_code", "name", *fields],
        decimals=decimals([cells[i] for _, _, cells in raw for i in amounts]),
    )
    for piece, index, cells in raw:
        line = piece.page.line_for(piece.grid.row_boxes[index])
        if line is None:
            raise NotTyped(f"a row on page {piece.page.number} with no text line")
        name = cells[name_col].strip() if name_col is not None else ""
        code = normalise(cells[code_col]) if code_col is not None else ""
        if code and not code.isdigit():
            name, code = name or cells[code_col], ""
        label = normalise(name) + code
        if not label and not any(not is_blank(cells[i]) for i in amounts):
            continue
        if any(word in label for word in _TOTAL) or (not label and len(raw) == 1):
            row_type = "total"
        elif not label:
            raise NotTyped(f"amounts with no unit named on page {piece.page.number}")
        else:
            row_type = "department" if 0 < len(code) <= 3 else "unit"
        row: Row = {
            "source_line": line.number,
            "row_type": row_type,
            "unit_code": code or None,
            "name": name or None if row_type != "total" else None,
        }
        for column, field in amounts.items():
            text = cells[column]
            row[field] = None if is_blank(text) else to_yuan(amount_text(text), unit)
        table.rows.append(row)
    _department_row(table, fields)
    _check(table)
    return table


def _department_row(table: Table, fields: list[str]) -> None:
    """Units named without codes: the first row that repeats the 合计 is the department's."""
    total = table.first("total")
    rows = [row for row in table.rows if row["row_type"] == "unit"]
    if total is None or len(rows) < 2 or rows[0]["unit_code"]:
        return
    if all(rows[0].get(f) == total.get(f) for f in fields):
        rows[0]["row_type"] = "department"


def _numbers(values: list[str]) -> bool:
    return bool(values) and all(re.fullmatch(r"-?[\d,]+(\.\d+)?", v.strip()) for v in values)


def _check(table: Table) -> None:
    lines = Counter(row["source_line"] for row in table.rows)
    if any(count > 1 for count in lines.values()):
        raise NotTyped("two rows on one text line")
    if sum(row["row_type"] == "total" for row in table.rows) > 1:
        raise NotTyped("two 合计 rows (another year's, or a vertical list)")
