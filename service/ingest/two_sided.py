"""Two-sided tables (收支总表, 财政拨款收支总表): income on the left, expenditure on the right.

Each side becomes its own row set. Expenditure lines numbered 一、…三十四、 (or （一）… under
一、本年支出) are the 功能分类 classes 201…234: the template numbers class 2NN as NN.
"""

from __future__ import annotations

import re

from service.ingest.cells import chinese_ordinal, looks_like_amount, normalise
from service.ingest.layouts import Layout
from service.ingest.model import Row, Table
from service.ingest.rows import (
    EXPENDITURE_KEYWORDS,
    FUND_KEYWORDS,
    Context,
    fill_amounts,
    fit,
    new_table,
    resolve_columns,
)
from service.ingest.sections import Line, Section

_TOP = re.compile(r"^([一二三四五六七八九十]+)、")
_SUB = re.compile(r"^\(([一二三四五六七八九十]+)\)")
_OF_WHICH = re.compile(r"^其中[:：]")
_HEADER_WORDS = {"收入", "支出", "项目", "金额", "合计", "小计", "", "其中:财政拨款"}


def build_two_sided(layout: Layout, section: Section, ctx: Context) -> list[Table]:
    """The two tables of a two-sided section (收入 on the left, 支出 on the right), read side by side;
    InputError when the header has no 支出 side.
    """
    first = section.body[0].cells
    try:
        split = next(i for i, cell in enumerate(first) if i and normalise(cell).startswith("支出"))
    except StopIteration:
        raise ctx.error(
            "garbled-header",
            "two-sided table has no 支出 side",
            section.body[0].number,
            "a first header line like 收入 … 支出 …",
        ) from None

    def is_data(cells: list[str]) -> bool:
        labels = {normalise(cells[0]), normalise(cells[split]) if len(cells) > split else ""}
        return any(looks_like_amount(c) for c in cells) or not labels <= _HEADER_WORDS

    start = next((i for i, line in enumerate(section.body) if is_data(line.cells)), None)
    header = section.body[: start if start is not None else len(section.body)]
    data = section.body[len(header) :]
    left_header = "".join(normalise("".join(ln.cells[:split])) for ln in header)
    right_header = "".join(normalise("".join(ln.cells[split:])) for ln in header)
    left_cols = resolve_columns(layout.columns, left_header, ctx, section.body[0].number)
    right_cols = resolve_columns(layout.right_columns, right_header, ctx, section.body[0].number)
    income = new_table(
        layout,
        layout.resources[0],
        section,
        ctx.unit,
        left_cols[1:],
        ["source_line", "row_type", "item", "item_code"],
    )
    expenditure = new_table(
        layout,
        layout.resources[1],
        section,
        ctx.unit,
        right_cols[1:],
        ["source_line", "row_type", "item", "item_code", "functional_class"],
    )
    left_lines = [(line, line.cells[:split]) for line in data]
    right_lines = [(line, line.cells[split:]) for line in data]
    _side(left_lines, left_cols, income, ctx, _income_code)
    _side(right_lines, right_cols, expenditure, ctx, _expenditure_code)
    for table in (income, expenditure):
        if not any(row["row_type"] == "total" for row in table.rows):
            last = data[-1].number if data else section.title.number
            raise ctx.error(
                "table-cut-off",
                f"{table.title} has no 合计/总计 row",
                last,
                "the table to end with its totals (收入总计 / 支出总计)",
            )
    return [income, expenditure]


def _side(
    lines: list[tuple[Line, list[str]]], columns: list, table: Table, ctx: Context, classify
) -> None:
    grouped = any(_SUB.match(normalise(cells[0])) for _, cells in lines if cells)
    group: str | None = None
    for line, raw in lines:
        cells = fit(raw, len(columns), ctx, line)
        label = cells[0].strip()
        if not label:
            if any(c.strip() for c in cells[1:]):
                raise ctx.error(
                    "missing-label",
                    "amount without an item label",
                    line.number,
                    "an item label in the 项目 column",
                )
            continue
        total = side_total(normalise(label))
        if total:
            row_type, code = total  # a side's 合计/总计: the same on both sides
        else:
            row_type, code, group = classify(normalise(label), grouped, group)
        row: Row = {
            "source_line": line.number,
            "row_type": row_type,
            "item": label,
            "item_code": code,
        }
        if "functional_class" in table.fields:
            row["functional_class"] = code if code and code.isdigit() else None
        fill_amounts(row, cells[1:], columns[1:], ctx, line)
        table.rows.append(row)


def _fund(label: str) -> str | None:
    return next((code for word, code in FUND_KEYWORDS if word in label), None)


def side_total(label: str) -> tuple[str, str] | None:
    """(row type, item code) of a side's 总计 or 合计 line (本年合计 is the current year's), the
    same on both sides of a 收支总表, text or PDF; None for any other line."""
    if "总计" in label:
        return "total", "grand-total"
    if "合计" in label:
        return "total", "current-year-total" if "本年" in label else "total"
    return None


def _income_code(
    label: str, grouped: bool, group: str | None
) -> tuple[str, str | None, str | None]:
    top = _TOP.match(label)
    if grouped and top:
        group = "carry-over" if "结转" in label else "current-year"
        return "subtotal", group, group
    if "上年结转" in label and not grouped:
        return "item", "carry-over", group
    fund = _fund(label)
    if fund and group == "carry-over":
        fund = f"carry-over-{fund}"
    row_type = "of-which" if _OF_WHICH.match(label) else "item"
    return row_type, fund, group


def _expenditure_code(
    label: str, grouped: bool, group: str | None
) -> tuple[str, str | None, str | None]:
    if "结转结余" in label:
        return "item", "year-end-carry-over", group
    top, sub = _TOP.match(label), _SUB.match(label)
    if grouped and top:
        return "subtotal", "current-year", "current-year"
    ordinal_text = sub if grouped else top
    if ordinal_text:
        ordinal = chinese_ordinal(ordinal_text.group(1))
        if ordinal:
            return "item", str(200 + ordinal), group
    named = next((code for word, code in EXPENDITURE_KEYWORDS if word in label), None)
    row_type = "of-which" if _OF_WHICH.match(label) else "item"
    return row_type, named, group
