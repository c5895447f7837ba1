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
    """The income and expenditure tables of a printed 收支总表, or NotTyped.

    The expenditure side may print several (项目, 金额) pairs, one per classification (西安:
    功能分类 | 部门预算经济分类 | 政府预算经济分类, by class): the first is the expenditure side,
    each other one a table of its own named by its classification."""
    kind, (left_name, right_name) = layout.kind, layout.resources
    if unit not in ("万元", "元"):
        raise NotTyped(f"amounts in {unit or 'an unknown unit'}", code="unit")
    titles, raw = raw_rows(printed)
    left, rights, reads = _sides(header_paths(titles), kind, year)
    income = printed.new_table(
        left_name, kind, unit, ["source_line", "row_type", "item", "item_code"]
    )
    sides = [(left, income, _income, layout.columns)]
    for number, (right, label) in enumerate(rights):
        name = right_name if number == 0 else f"{right_name}_{_classification(label, number)}"
        spend = printed.new_table(
            name, kind, unit, ["source_line", "row_type", "item", "item_code", "functional_class"]
        )
        sides.append((right, spend, _expenditure, layout.right_columns))
    printed_amounts: list[str] = []
    for (item_column, fields), table, classify, columns in sides:
        table.fields += [column.name for _, column in fields]
        declared = {c.name for c in (*columns, *layout.extra_columns)}
        table.own_columns = [c for _, c in fields if c.name not in declared]
        table.header = reads
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
            if classify is _expenditure:
                row["functional_class"] = code if code and code.isdigit() else None
            for name, text in amounts:
                row[name] = None if is_blank(text) else to_yuan(amount_text(text, page), unit)
            table.rows.append(row)
    tables = [table for _, table, _, _ in sides]
    for table in tables:
        if len({row["source_line"] for row in table.rows}) != len(table.rows):
            raise NotTyped("two rows on one text line", code="two-rows-one-line")
        has_total = any(row["row_type"] == "total" for row in table.rows)
        if not has_total and table in tables[:2]:  # the income side and the first expenditure
            raise NotTyped(f"{table.resource} has no 合计/总计 row", code="no-total-row")
        table.decimals = decimals(printed_amounts)
    return tables


Side = tuple[int, list[tuple[int, Column]]]  # the 项目 column, and each amount column's Column
_SERIAL = re.compile(r"序号|行次|栏次")
_ITEM = re.compile(r"^项\s*目$|科目")


def _classification(label: str, number: int) -> str:
    """A resource suffix for a further pair of the expenditure side, from its 项目 header."""
    if "经济" in label:
        return "government_economic" if "政府" in label else "economic"
    return f"part{number + 1}"


def _sides(
    paths: list[tuple[str, ...]], kind: str, year: int
) -> tuple[Side, list[tuple[Side, str]], list[ColumnRead]]:
    """(项目 column, [(column, Column)]) for the income side, each (项目, amounts) pair of the
    expenditure side with its 项目 header, and what each printed column was read as; NotTyped
    with every reason a side cannot be read."""
    sides: dict[str, list[tuple[int, tuple[str, ...]]]] = {"收入": [], "支出": []}
    reasons: list[Reason] = []
    reads: list[ColumnRead] = []
    for index, path in enumerate(paths):
        parts = [_UNIT.sub("", p) for p in path]
        head = parts[0] if parts else ""
        side = "收入" if "收入" in head else "支出" if "支出" in head else None
        if side is None:
            if head and not _SERIAL.fullmatch(normalise(head)):  # 序号 numbers the lines
                reasons.append(Reason("column-on-no-side", "a column on neither side", head))
            continue  # an empty margin column
        sides[side].append((index, tuple(parts[1:])))
    found: dict[str, list[tuple[Side, str]]] = {}
    for side, columns in sides.items():
        items = [i for i, rest in columns if rest and _ITEM.search(normalise(rest[-1]))]
        if not items or (side == "收入" and len(items) != 1):
            reasons.append(
                Reason("item-columns", f"{len(items)} 项目 columns on the {side} side", side)
            )
            continue
        found[side] = []
        for number, item in enumerate(items):
            end = items[number + 1] if number + 1 < len(items) else None
            amounts = [(i, rest) for i, rest in columns if item < i and (end is None or i < end)]
            label = "·".join(next(rest for i, rest in columns if i == item))
            if not amounts:
                reasons.append(Reason("no-amount-column", f"no amount column after {label}"))
                continue
            right = "right" if side == "支出" else ""
            fields, read, more = read_amounts(amounts, kind, year, right)
            reasons += more
            reads += [ColumnRead(item, (side, label), "item"), *read]
            found[side].append(((item, sorted(fields.items())), label))
    check(reasons)
    return found["收入"][0][0], found["支出"], sorted(reads, key=lambda r: r.index)


_GROUP = re.compile(r"^[一二三四五六七八九十]+、")
_CURRENT_GROUP = re.compile(r"本年收入|本年支出|部门预算$")  # 一、部门预算 (西安): this year's
_MEMBER = re.compile(r"^[(（][一二三四五六七八九十]+[)）]")


def classify_side(labels: list[str], classify) -> list[tuple[str, str | None]]:
    """Row type and code of each line of one side.

    Grouped sides (一、本年收入 over （一）…（三）) make the 一、 lines subtotals of their
    members; on an ungrouped side, lines under a 功能分类 class that are not classes
    themselves (its 款 and 项, printed as a breakdown) are of-which lines, never summed."""
    grouped = any(_GROUP.match(label) and _CURRENT_GROUP.search(label) for label in labels)
    numbered = not grouped and any(_GROUP.match(label) for label in labels)
    found: list[tuple[str, str | None]] = []
    group: str | None = None
    in_class: str | None = None
    under_top = False  # below a 一、 line: unnumbered lines are its breakdown
    for label in labels:
        total = side_total(label)
        if total:
            found.append(total)
            in_class, under_top = None, False  # lines below 本年收入合计 are items of the 总计
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
            if _GROUP.match(label) or code == "carry-over":
                under_top = True  # lines under 一、 or under 上年结转 are its breakdown
            elif under_top and row_type == "item":
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
    _nested(labels, found)
    if not any(code == "grand-total" for _, code in found):  # 收入合计 with no 总计 below it
        last = max((i for i, (kind, _) in enumerate(found) if kind == "total"), default=None)
        if last is not None:
            found[last] = ("total", "grand-total")
    return found


_DEPTHS = (  # ordinal styles, outermost first: 一、 > （一） > 1、 > （1）
    re.compile(r"^[一二三四五六七八九十]+、"),
    re.compile(r"^[(（][一二三四五六七八九十]+[)）]"),
    re.compile(r"^\d+[.、．]"),
    re.compile(r"^[(（]\d+[)）]"),
)


def _depth(label: str) -> int | None:
    return next((d for d, pattern in enumerate(_DEPTHS) if pattern.match(label)), None)


def _nested(labels: list[str], found: list[tuple[str, str | None]]) -> None:
    """Items printed under an item of an outer ordinal style (1、财政拨款 over (1)一般公共预算
    拨款…) are its breakdown: of-which lines, never summed with it."""
    for i, label in enumerate(labels):
        depth = _depth(label)
        if depth is None or found[i][0] != "item":
            continue
        for j in range(i + 1, len(labels)):
            inner = _depth(labels[j])
            if inner is None or inner <= depth:
                if inner is not None or found[j][0] == "total":
                    break
                continue  # 其中… lines inside the breakdown
            if found[j][0] == "item":
                found[j] = ("of-which", found[j][1])


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
