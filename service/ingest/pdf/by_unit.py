"""收入总表 and the 三公 table as regions print them: amounts by fund or by expense across,
one row per department and unit (or a single row), 合计 on top.

The columns are known by the header grammar (pdf/header.py); the leading columns name the
unit (单位名称, 单位代码 / 部门代码). A 3-digit code is the department, a longer one its unit.
Rows by function code are the functional reading's, a 三公 printed as a list the vertical
one's (the reading says so and the next is tried).
"""

from __future__ import annotations

import re
from collections import Counter

from service.ingest.cells import is_blank, normalise, to_yuan
from service.ingest.fields import field_set, variant_identities
from service.ingest.grammar import Meaning, item_label, meaning
from service.ingest.layout_columns import Column
from service.ingest.layouts import Layout
from service.ingest.model import Row, Table
from service.ingest.pdf.columns import header_parts
from service.ingest.pdf.generic import raw_rows
from service.ingest.pdf.header import ColumnRead, header_paths, read_amounts
from service.ingest.pdf.segment import Printed
from service.ingest.pdf.typed import amount_text, decimals
from service.ingest.reasons import NotTyped, check

_NAME = re.compile(r"单位名称|部门名称|预算单位|^单位$|^部门$|名称")
_CODE = re.compile(r"单位代码|部门代码|单位编码|部门编码|^代码$|^编码$")
_TOTAL = ("合计", "总计")
_SERIAL = re.compile(r"序号|行次|栏次|编号")


def by_unit_table(printed: Printed, unit: str, year: int, layout: Layout) -> Table:
    """The typed table, or NotTyped saying every reason why it stays as printed.

    A unit printed on several rows, each qualified by a leading column (年度: 2025年 | 2026年 |
    增减变化金额), is one typed row: each cell means its column's words and its row's."""
    resource, layout_kind = layout.resources[0], layout.kind
    if unit not in ("万元", "元"):
        raise NotTyped(f"amounts in {unit or 'an unknown unit'}", code="unit")
    titles, raw = raw_rows(printed)
    order = [c.name for c in (*layout.columns, *layout.extra_columns)]
    name_col = code_col = qualifier_col = None
    candidates: list[tuple[int, tuple[str, ...]]] = []
    reads: list[ColumnRead] = []
    for index, path in enumerate(header_paths(titles)):
        parts = header_parts("·".join(path))
        values = [cells[index] for _, _, cells in raw if not is_blank(cells[index])]
        leaf = parts[-1] if parts else ""
        if not parts and not values:
            continue
        if _SERIAL.fullmatch(leaf):
            reads.append(ColumnRead(index, path, "serial"))
        elif _CODE.search(leaf) and code_col is None:
            code_col = index
            reads.append(ColumnRead(index, path, "unit-code"))
        elif _NAME.search(leaf) and name_col is None and not _numbers(values):
            name_col = index
            reads.append(ColumnRead(index, path, "unit-name"))
        elif leaf in ("类", "款", "项") or "科目" in leaf:
            raise NotTyped("rows by function code, not by unit", code="rows-by-function")
        elif qualifier_col is None and _qualifies(leaf, values, year):
            qualifier_col = index
            reads.append(ColumnRead(index, path, "row-qualifier"))
        else:
            candidates.append((index, path))
    if name_col is not None and _items(layout, [cells[name_col] for _, _, cells in raw], year):
        raise NotTyped("the rows are the kind's items, not units", code="rows-by-item")
    qualifiers = sorted(
        {cells[qualifier_col] for _, _, cells in raw} if qualifier_col is not None else {""},
        key=lambda text: bool(text) and _other(meaning([text], year)),
    )  # this year's rows first: the header is read as theirs
    by_qualifier: dict[str, dict[int, Column]] = {}
    reasons = []
    for text in qualifiers:
        qualifier = meaning([text], year) if text else None
        columns, more, found = read_amounts(candidates, layout_kind, year, qualifier=qualifier)
        by_qualifier[text] = columns
        reasons += found
        if text == qualifiers[0]:
            reads += more
    check(reasons)
    every = [c for columns in by_qualifier.values() for c in columns.values()]
    if not every:
        raise NotTyped("no amount column", code="no-amount-column")
    own = {c.name: c for c in every if c.name not in order}
    order += list(own)
    fields = sorted({c.name for c in every}, key=order.index)
    table = printed.new_table(
        resource,
        layout_kind,
        unit,
        ["source_line", "row_type", "unit_code", "name", *fields],
        decimals=decimals([cells[i] for _, _, cells in raw for i, _ in candidates]),
    )
    table.own_columns = list(own.values())
    table.identities = variant_identities(layout, set(fields), table.own_columns)
    table.header = sorted(reads, key=lambda r: r.index)
    row: Row | None = None
    for piece, index, cells in raw:
        line = piece.page.line_for(piece.grid.row_boxes[index])
        if line is None:
            raise NotTyped("a row with no text line", code="no-line", page=piece.page.number)
        name = cells[name_col].strip() if name_col is not None else ""
        code = normalise(cells[code_col]) if code_col is not None else ""
        if code and not code.isdigit():
            name, code = name or cells[code_col], ""
        label = normalise(name) + code
        amounts = by_qualifier[cells[qualifier_col] if qualifier_col is not None else ""]
        if not label and not any(not is_blank(cells[i]) for i in amounts):
            continue
        if row is not None and not label and qualifier_col is not None:
            pass  # the unit's next qualified row
        else:
            if any(word in label for word in _TOTAL) or (not label and len(raw) == 1):
                row_type = "total"
            elif not label:
                raise NotTyped(
                    "amounts with no unit named", code="row-without-name", page=piece.page.number
                )
            else:
                row_type = "department" if 0 < len(code) <= 3 else "unit"
            row = {
                "source_line": line.number,
                "row_type": row_type,
                "unit_code": code or None,
                "name": name or None if row_type != "total" else None,
            }
            table.rows.append(row)
        for column, field in amounts.items():
            if field.name in row:
                raise NotTyped(
                    f"two cells of one row read as {field.name}",
                    code="two-cells-one-field",
                    page=piece.page.number,
                )
            text = cells[column]
            row[field.name] = (
                None if is_blank(text) else to_yuan(amount_text(text, piece.page.number), unit)
            )
    _department_row(table, fields)
    _check(table)
    return table


def _other(read: Meaning) -> bool:
    """A qualifier of another year or measure than this budget's."""
    return read.year is not None or any(d == "measure" for d, _ in read.values)


def _qualifies(leaf: str, values: list[str], year: int) -> bool:
    """A leading column whose cells say which year or measure a row is (年度: 2025年, 2026年,
    增减变化金额), not what it is of."""
    if _numbers(values) or not values:
        return False
    reads = [meaning([value], year) for value in values]
    return leaf in ("年度", "年份") or (
        all(
            not read.unknown and {d for d, _ in read.values} <= {"period", "measure"}
            for read in reads
        )
        and any(read.year or read.values for read in reads)
    )


def _department_row(table: Table, fields: list[str]) -> None:
    """Units named without codes: the first row that repeats the 合计 is the department's; a
    table that names one unit and prints no 合计 (深圳: 预算单位 | 收入总计 …) has that row as
    its total."""
    total = table.first("total")
    if total is None and len(table.rows) == 1:
        table.rows[0]["row_type"] = "total"
        return
    rows = [row for row in table.rows if row["row_type"] == "unit"]
    if total is None or len(rows) < 2 or rows[0]["unit_code"]:
        return
    if all(rows[0].get(f) == total.get(f) for f in fields):
        rows[0]["row_type"] = "department"


def _items(layout: Layout, labels: list[str], year: int) -> bool:
    """Whether most row labels name the kind's own items (因公出国, 公务接待): a list, not rows
    by unit."""
    dimensions = {d for key in field_set(layout.kind).by_meaning for d, _ in key}
    named = [label for label in labels if normalise(label)]
    own = [
        label
        for label in named
        if dimensions & {d for d, _ in meaning([item_label(label)], year).values}
    ]
    return len(own) >= 2 and len(own) >= len(named) // 2


def _numbers(values: list[str]) -> bool:
    return bool(values) and all(re.fullmatch(r"-?[\d,]+(\.\d+)?", v.strip()) for v in values)


def _check(table: Table) -> None:
    lines = Counter(row["source_line"] for row in table.rows)
    if any(count > 1 for count in lines.values()):
        raise NotTyped("two rows on one text line", code="two-rows-one-line")
    if sum(row["row_type"] == "total" for row in table.rows) > 1:
        raise NotTyped("two 合计 rows (another year's, or a vertical list)", code="two-totals")
