"""A table of records: one row per project, purchase, service or unit, its text columns (name,
type, purpose, 规格型号…) as printed and its amounts typed by the header grammar.

This is how the kinds that list things rather than classify money are read (政府采购,
项目支出, 政府购买服务, 上年结转资金): amount columns are found by their cells (numbers) and
their header words (service.ingest.grammar), text columns by the role their header words
declare (service.ingest.header_terms.TEXT_ROLES), or kept as printed text columns. A row whose
amounts are the sum of the rows after it (a unit above its projects, 货物 above its items) is
their subtotal; 合计/总计 is the total.
"""

from __future__ import annotations

import re
from decimal import Decimal

from service.ingest.cells import is_blank, normalise, to_yuan
from service.ingest.fields import variant_identities
from service.ingest.header_terms import TEXT_ROLES
from service.ingest.layout_columns import Column
from service.ingest.layouts import Layout
from service.ingest.model import Row, Table
from service.ingest.pdf.generic import raw_rows
from service.ingest.pdf.header import ColumnRead, header_paths, names_amount, read_amounts
from service.ingest.pdf.segment import Printed
from service.ingest.pdf.typed import amount_text, decimals
from service.ingest.reasons import NotTyped, check

_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
_TOTAL = ("合计", "总计")


def records_table(printed: Printed, unit: str, year: int, layout: Layout) -> Table:
    """The typed table of records, or NotTyped saying every reason why not."""
    if unit not in ("万元", "元"):
        raise NotTyped(f"amounts in {unit or 'an unknown unit'}", code="unit")
    titles, raw = raw_rows(printed)
    paths = header_paths(titles)
    texts: dict[int, Column] = {}
    candidates: list[tuple[int, tuple[str, ...]]] = []
    reads: list[ColumnRead] = []
    for index, path in enumerate(paths):
        values = [cells[index] for _, _, cells in raw if not is_blank(cells[index])]
        if not path and not values:
            continue
        role = text_role(path)
        if role is None and (_amounts(values) or (not values and names_amount(path, year))):
            candidates.append((index, path))
            continue
        column = _text_column(role, path, index, texts)
        texts[index] = column
        reads.append(ColumnRead(index, path, "text", name=column.name))
    if not candidates:
        raise NotTyped("no amount column", code="no-amount-column")
    amounts, more, reasons = read_amounts(candidates, layout.kind, year)
    check(reasons)
    declared = [c.name for c in (*layout.columns, *layout.extra_columns)]
    own = [c for c in (*texts.values(), *amounts.values()) if c.name not in declared]
    names = [c.name for c in amounts.values()]
    order = declared + [c.name for c in own]
    fields = ["source_line", "row_type", *texts_in_order(texts), *sorted(names, key=order.index)]
    table = printed.new_table(
        layout.resources[0],
        layout.kind,
        unit,
        fields,
        decimals=decimals([cells[i] for _, _, cells in raw for i in amounts]),
    )
    table.own_columns = own
    table.identities = variant_identities(layout, set(names), own)
    table.header = sorted(reads + more, key=lambda r: r.index)
    for piece, index, cells in raw:
        line = piece.page.line_for(piece.grid.row_boxes[index])
        if line is None:
            raise NotTyped("a row with no text line", code="no-line", page=piece.page.number)
        label = next((normalise(cells[i]) for i in texts if normalise(cells[i])), "")
        row: Row = {"source_line": line.number, "row_type": _row_type(label)}
        for column, text in texts.items():
            row[text.name] = cells[column].strip() or None
        for column, field in amounts.items():
            value = cells[column]
            row[field.name] = (
                None if is_blank(value) else to_yuan(amount_text(value, piece.page.number), unit)
            )
        table.rows.append(row)
    if len({row["source_line"] for row in table.rows}) != len(table.rows):
        raise NotTyped("two rows on one text line", code="two-rows-one-line")
    step = to_yuan(Decimal(1).scaleb(-(table.decimals or 0)), unit) / 2
    subtotals(table.rows, _main(names), texts_in_order(texts), step)
    return table


def text_role(path: tuple[str, ...]) -> str | None:
    """The field a text column is by its header's last words (项目名称 → project_name), or None
    when the header names no text role."""
    leaf = normalise(path[-1]) if path else ""
    for words, field in TEXT_ROLES:
        if any(re.search(word, leaf) for word in words):
            return field
    return None


def texts_in_order(texts: dict[int, Column]) -> list[str]:
    """The text fields in printed order."""
    return [texts[index].name for index in sorted(texts)]


def _text_column(role: str | None, path: tuple[str, ...], index: int, taken: dict) -> Column:
    name = role or f"text_{index + 1:02d}"
    if name in {c.name for c in taken.values()}:
        name = f"{name}_{index + 1:02d}"
    return Column(name, "·".join(path) or f"第{index + 1}列", "text")


def _amounts(values: list[str]) -> bool:
    """Every filled cell is a number printed as an amount (a code column is text)."""
    bare = [v.replace(",", "").replace(" ", "") for v in values]
    return bool(bare) and all(_NUMBER.match(v) for v in bare)


def _row_type(label: str) -> str:
    return "total" if any(word in label for word in _TOTAL) else "item"


def _main(names: list[str]) -> str | None:
    return "total" if "total" in names else (names[0] if names else None)


def subtotals(rows: list[Row], main: str | None, texts: list[str], step: Decimal) -> None:
    """Rows whose `main` amount is the sum of the rows right after them (a unit above its
    projects, 货物 above its purchases), within what rounding explains (`step`, half the last
    printed digit, per row added), and that print less about themselves than those rows do
    (or whose code begins theirs: 117 above 117001), are their subtotal."""
    if main is None:
        return
    items = [row for row in rows if row["row_type"] == "item"]
    for position in range(len(items) - 1, -1, -1):  # the innermost groups first
        row = items[position]
        stated = row.get(main)
        if not stated:
            continue
        total = Decimal(0)
        children: list[Row] = []
        for later in items[position + 1 :]:
            if later["row_type"] == "subtotal":
                continue  # a group inside this one: its rows are counted
            total += later.get(main) or 0
            children.append(later)
            if abs(total - stated) <= step * len(children):
                if _heads(row, children, texts):
                    row["row_type"] = "subtotal"
                break
            if abs(total) > abs(stated) + step * len(children):
                break


def _heads(row: Row, children: list[Row], texts: list[str]) -> bool:
    """Whether a row reads as the heading of `children`: it prints fewer of the text columns
    than the fullest of them, or its code (117) begins the first one's (117001)."""
    if _filled(row, texts) < max(_filled(child, texts) for child in children):
        return True
    own = {name for name in texts if row.get(name)}
    theirs = {name for child in children for name in texts if child.get(name)}
    if own - theirs and theirs - own:  # a unit's code above projects' descriptions
        return True
    first = children[0]
    return any(
        (code := str(row.get(name) or "")).isdigit()
        and str(first.get(name) or "").startswith(code)
        and len(str(first.get(name))) > len(code)
        for name in texts
    )


def _filled(row: Row, texts: list[str]) -> int:
    return sum(1 for name in texts if row.get(name))
