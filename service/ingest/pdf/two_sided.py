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
from service.ingest.model import Row, Table
from service.ingest.pdf.generic import raw_rows
from service.ingest.pdf.segment import Printed
from service.ingest.pdf.typed import NotTyped, amount_text, decimals
from service.ingest.rows import EXPENDITURE_KEYWORDS, FUND_KEYWORDS
from service.ingest.two_sided import side_total

_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.、．])"
)
_OF_WHICH = re.compile(r"^其中[:：]|^\d+[.、．]")
_AMOUNT = ("预算数", "预算", "本年预算", "金额", "合计", "预算金额")
# right-side amount columns of a 财政拨款收支总表 (leaf words → field)
_FISCAL_RIGHT = (
    ("general_public_budget", ("一般公共预算",)),
    ("government_fund", ("政府性基金",)),
    ("state_capital", ("国有资本经营",)),
    ("total", ("合计", "总计", "小计", "预算数", "预算", "金额")),
)
RESOURCES = {
    "summary": ("summary", "summary_income", "summary_expenditure"),
    "fiscal_summary": ("fiscal_summary", "fiscal_summary_income", "fiscal_summary_expenditure"),
}


def two_sided_tables(printed: Printed, unit: str, year: int) -> list[Table]:
    """The income and expenditure tables of a printed 收支总表, or NotTyped."""
    kind, left_name, right_name = RESOURCES[printed.kind or ""]
    if unit not in ("万元", "元"):
        raise NotTyped(f"amounts in {unit or 'an unknown unit'}")
    titles, raw = raw_rows(printed)
    left, right = _sides(titles, kind, year)
    income = printed.new_table(
        left_name, kind, unit, ["source_line", "row_type", "item", "item_code"]
    )
    spend = printed.new_table(
        right_name,
        kind,
        unit,
        ["source_line", "row_type", "item", "item_code", "functional_class"],
    )
    income.fields += [name for name, _ in left[1]]
    spend.fields += [name for name, _ in right[1]]
    printed_amounts: list[str] = []
    for side, table, classify in ((left, income, _income), (right, spend, _expenditure)):
        lines = []
        for piece, index, cells in raw:
            label = cells[side[0]].strip()
            amounts = [(name, cells[i]) for name, i in side[1]]
            printed_amounts += [text for _, text in amounts if not is_blank(text)]
            if not normalise(label):
                if any(not is_blank(text) for _, text in amounts):
                    raise NotTyped(f"an amount with no 项目 on page {piece.page.number}")
                continue
            line = piece.page.line_for(piece.grid.row_boxes[index])
            if line is None:
                raise NotTyped(f"a row on page {piece.page.number} with no text line")
            lines.append((line.number, label, amounts))
        kinds = classify_side([normalise(label) for _, label, _ in lines], classify)
        for (number, label, amounts), (row_type, code) in zip(lines, kinds, strict=True):
            row: Row = {"source_line": number, "row_type": row_type, "item": label}
            row["item_code"] = code
            if table is spend:
                row["functional_class"] = code if code and code.isdigit() else None
            for name, text in amounts:
                row[name] = None if is_blank(text) else to_yuan(amount_text(text), unit)
            table.rows.append(row)
    for table in (income, spend):
        if len({row["source_line"] for row in table.rows}) != len(table.rows):
            raise NotTyped("two rows on one text line")
        if not any(row["row_type"] == "total" for row in table.rows):
            raise NotTyped(f"{table.resource} has no 合计/总计 row")
        table.decimals = decimals(printed_amounts)
    return [income, spend]


def _sides(
    titles: list[str], kind: str, year: int
) -> tuple[tuple[int, list[tuple[str, int]]], tuple[int, list[tuple[str, int]]]]:
    """(项目 column, [(field, column)]) for the income side and the expenditure side."""
    sides: dict[str, list[tuple[int, list[str]]]] = {"收入": [], "支出": []}
    for index, title in enumerate(titles):
        parts = [re.sub(r"[(（](万元|元)[)）]$", "", p) for p in title.split("·")]
        head = parts[0]
        side = "收入" if "收入" in head else "支出" if "支出" in head else None
        if side is None:
            if head.startswith("第") and head.endswith("列"):
                continue  # an empty margin column
            raise NotTyped(f"column {title!r} on neither side")
        sides[side].append((index, parts[1:]))
    found = []
    for side, columns in sides.items():
        items = [i for i, rest in columns if rest and rest[-1] in ("项目", "项 目")]
        if len(items) != 1:
            raise NotTyped(f"{len(items)} 项目 columns on the {side} side")
        amounts = [(i, rest) for i, rest in columns if i != items[0]]
        fields = _amount_fields(amounts, kind, side, year)
        found.append((items[0], fields))
    return found[0], found[1]


def _amount_fields(
    columns: list[tuple[int, list[str]]], kind: str, side: str, year: int
) -> list[tuple[str, int]]:
    if not columns:
        raise NotTyped(f"no amount column on the {side} side")
    years = [int(y) for _, rest in columns for y in re.findall(r"(20\d{2})年", "".join(rest))]
    if any(y != year for y in years):
        raise NotTyped("another year's column")
    if len(columns) == 1 and (kind == "summary" or side == "收入"):
        index, rest = columns[0]
        leaf = re.sub(r"^\d{4}年", "", rest[-1]) if rest else ""
        if leaf not in _AMOUNT:
            raise NotTyped(f"amount column {'·'.join(rest)!r}")
        return [("amount", index)]
    if kind == "summary" or side == "收入":
        raise NotTyped(f"{len(columns)} amount columns on the {side} side")
    fields = []
    for index, rest in columns:
        leaf = rest[-1] if rest else ""
        name = next((n for n, words in _FISCAL_RIGHT if any(w in leaf for w in words)), None)
        if name is None or name in (f for f, _ in fields):
            raise NotTyped(f"amount column {'·'.join(rest)!r}")
        fields.append((name, index))
    return fields


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
