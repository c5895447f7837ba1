"""收支总表 and 财政拨款收支总表 as printed by any region: income left, expenditure right.

Each side is found by its header (收入… / 支出…): one 项目 column and its amount columns. An
income line is named by its fund source (一般公共预算拨款收入 → general-public-budget), an
expenditure line by the 功能分类 class its words name (一、教育支出 → 205, by the vocabulary's
class names, since regions number the lines differently), totals by 合计/总计.
"""

from __future__ import annotations

import re
from functools import cache

from service import vocab
from service.ingest.cells import is_blank, normalise, to_yuan
from service.ingest.layout_columns import Column
from service.ingest.layouts import Layout
from service.ingest.model import Row, Table
from service.ingest.pdf.generic import raw_rows
from service.ingest.pdf.header import ColumnRead, header_paths, read_amounts
from service.ingest.pdf.segment import Printed
from service.ingest.pdf.typed import amount_text, decimals
from service.ingest.reasons import NotTyped, Reason, check
from service.ingest.rows import EXPENDITURE_KEYWORDS, FUND_KEYWORDS
from service.ingest.two_sided import side_total

_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.、．])"
)
_OF_WHICH = re.compile(r"^其中[:：]|^\d+[.、．]")
_UNIT = re.compile(r"[(（](万元|元)[)）]$")


def two_sided_tables(printed: Printed, unit: str, year: int, layout: Layout) -> list[Table]:
    """The income and expenditure tables of a printed 收支总表, or NotTyped."""
    kind, (left_name, right_name) = layout.kind, layout.resources
    if unit not in ("万元", "元"):
        raise NotTyped(f"amounts in {unit or 'an unknown unit'}", code="unit")
    titles, raw = raw_rows(printed)
    (left, left_fields), (right, right_fields), reads = _sides(header_paths(titles), kind, year)
    income = printed.new_table(
        left_name, kind, unit, ["source_line", "row_type", "item", "item_code"]
    )
    spend = printed.new_table(
        right_name,
        kind,
        unit,
        ["source_line", "row_type", "item", "item_code", "functional_class"],
    )
    for table, fields, columns in (
        (income, left_fields, layout.columns),
        (spend, right_fields, layout.right_columns),
    ):
        table.fields += [column.name for _, column in fields]
        declared = {c.name for c in (*columns, *layout.extra_columns)}
        table.own_columns = [c for _, c in fields if c.name not in declared]
        table.header = reads
    printed_amounts: list[str] = []
    sides = (
        (left, left_fields, income, _income),
        (right, right_fields, spend, _expenditure),
    )
    for item_column, fields, table, classify in sides:
        lines = []
        for piece, index, cells in raw:
            label = cells[item_column].strip()
            amounts = [(column.name, cells[i]) for i, column in fields]
            printed_amounts += [text for _, text in amounts if not is_blank(text)]
            if not normalise(label):
                if any(not is_blank(text) for _, text in amounts):
                    raise NotTyped(
                        "an amount with no 项目", code="row-without-name", page=piece.page.number
                    )
                continue
            line = piece.page.line_for(piece.grid.row_boxes[index])
            if line is None:
                raise NotTyped("a row with no text line", code="no-line", page=piece.page.number)
            lines.append((line.number, label, amounts, piece.page.number))
        kinds = classify_side([normalise(label) for _, label, _, _ in lines], classify)
        for (number, label, amounts, page), (row_type, code) in zip(lines, kinds, strict=True):
            row: Row = {"source_line": number, "row_type": row_type, "item": label}
            row["item_code"] = code
            if table is spend:
                row["functional_class"] = code if code and code.isdigit() else None
            for name, text in amounts:
                row[name] = None if is_blank(text) else to_yuan(amount_text(text, page), unit)
            table.rows.append(row)
    for table in (income, spend):
        if len({row["source_line"] for row in table.rows}) != len(table.rows):
            raise NotTyped("two rows on one text line", code="two-rows-one-line")
        if not any(row["row_type"] == "total" for row in table.rows):
            raise NotTyped(f"{table.resource} has no 合计/总计 row", code="no-total-row")
        table.decimals = decimals(printed_amounts)
    return [income, spend]


Side = tuple[int, list[tuple[int, Column]]]  # the 项目 column, and each amount column's Column


def _sides(
    paths: list[tuple[str, ...]], kind: str, year: int
) -> tuple[Side, Side, list[ColumnRead]]:
    """(项目 column, [(column, Column)]) for the income side and the expenditure side, and what
    each printed column was read as; NotTyped with every reason a side cannot be read."""
    sides: dict[str, list[tuple[int, tuple[str, ...]]]] = {"收入": [], "支出": []}
    reasons: list[Reason] = []
    reads: list[ColumnRead] = []
    for index, path in enumerate(paths):
        parts = [_UNIT.sub("", p) for p in path]
        head = parts[0] if parts else ""
        side = "收入" if "收入" in head else "支出" if "支出" in head else None
        if side is None:
            if head:
                reasons.append(Reason("column-on-no-side", "a column on neither side", head))
            continue  # an empty margin column
        sides[side].append((index, tuple(parts[1:])))
    found: list[Side] = []
    for side, columns in sides.items():
        items = [i for i, rest in columns if rest and normalise(rest[-1]) == "项目"]
        if len(items) != 1:
            reasons.append(
                Reason("item-columns", f"{len(items)} 项目 columns on the {side} side", side)
            )
            continue
        amounts = [(i, rest) for i, rest in columns if i != items[0]]
        if not amounts:
            reasons.append(Reason("no-amount-column", f"no amount column on the {side} side"))
            continue
        fields, read, more = read_amounts(amounts, kind, year, "right" if side == "支出" else "")
        reasons += more
        reads += [ColumnRead(items[0], (side, "项目"), "item"), *read]
        found.append((items[0], sorted(fields.items())))
    check(reasons)
    return found[0], found[1], sorted(reads, key=lambda r: r.index)


_GROUP = re.compile(r"^[一二三四五六七八九十]+、")
_MEMBER = re.compile(r"^[(（][一二三四五六七八九十]+[)）]")


def classify_side(labels: list[str], classify) -> list[tuple[str, str | None]]:
    """Row type and code of each line of one side.

    Grouped sides (一、本年收入 over （一）…（三）) make the 一、 lines subtotals of their
    members; on an ungrouped side, lines under a 功能分类 class that are not classes
    themselves (its 款 and 项, printed as a breakdown) are of-which lines, never summed."""
    grouped = any(
        _GROUP.match(label) and ("本年收入" in label or "本年支出" in label) for label in labels
    )
    numbered = not grouped and any(_GROUP.match(label) for label in labels)
    found: list[tuple[str, str | None]] = []
    group: str | None = None
    in_class: str | None = None
    under_top = False  # below a 一、 line: unnumbered lines are its breakdown
    for label in labels:
        total = side_total(label)
        if total:
            found.append(total)
            in_class = None
            continue
        if grouped and _GROUP.match(label):
            if "结转" in label and classify is _expenditure:
                found.append(("item", "year-end-carry-over"))
                continue
            group = "carry-over" if "结转" in label else "current-year"
            found.append(("subtotal", group))
            continue
        row_type, code = classify(label)
        if grouped and row_type == "of-which" and not label.startswith("其中"):
            row_type = "item"  # 1、2、… members of 一、本年收入 are its items
        if numbered and classify is _income:
            if _GROUP.match(label):
                under_top = True
            elif under_top and row_type == "item" and code != "carry-over":
                row_type = "of-which"
        if classify is _income and group == "carry-over" and code and code != "carry-over":
            code = f"carry-over-{code}"
        if classify is _expenditure and code and code.isdigit():
            if code == in_class:
                row_type = "of-which"  # the class printed again as its own 款 or 项
            in_class = code
        elif _GROUP.match(label):
            in_class = None  # 二十四、对附属单位补助支出: a line of its own, not a class's part
        elif in_class and row_type == "item" and code is None:
            row_type = "of-which"
        found.append((row_type, code))
    if not any(code == "grand-total" for _, code in found):  # 收入合计 with no 总计 below it
        last = max((i for i, (kind, _) in enumerate(found) if kind == "total"), default=None)
        if last is not None:
            found[last] = ("total", "grand-total")
    return found


def _income(label: str) -> tuple[str, str | None]:
    total = side_total(label)
    if total:
        return total
    row_type = "of-which" if _OF_WHICH.match(label) else "item"
    if "结转" in label and ("上年" in label or "结余" in label):
        return row_type, "carry-over"
    fund = next((code for word, code in FUND_KEYWORDS if word in label), None)
    if fund is None and "预算拨款" in label:  # Guangdong's 一、预算拨款: the 财政拨款 line
        fund = "fiscal-appropriation"
    return row_type, fund


def _expenditure(label: str) -> tuple[str, str | None]:
    total = side_total(label)
    if total:
        return total
    if ("结转" in label and "下年" in label) or "年终结转" in label or "年末结转" in label:
        return "item", "year-end-carry-over"
    name = _ORDINAL.sub("", label)
    code = class_codes().get(name)
    if code:
        return "item", code
    named = next((code for word, code in EXPENDITURE_KEYWORDS if word in name), None)
    return ("of-which" if _OF_WHICH.match(label) else "item"), named


@cache
def class_codes() -> dict[str, str]:
    """功能分类 class names (一般公共服务支出 …) → their 3-digit codes, from the vocabulary."""
    return {
        normalise(labels["zh"]): code
        for code, labels in vocab.labels("functional").items()
        if len(code) == 3 and "zh" in labels
    }
