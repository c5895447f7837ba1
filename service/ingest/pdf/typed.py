"""Printed tables of known kinds read into the typed resources the audit and the cube use.

A table is typed only when every column is understood (columns.py) and every figure it
prints lands in a typed cell; otherwise it stays as printed (generic.py) and a warning says
why. Codes are read in every printed form: split 类/款/项 columns (201 08 01), one joined
column (2010801), joined to the name ([2010801]行政运行, 2010801-行政运行, 2010801 行政运行), and a
款/项 segment that lost its leading zero (301 2 under 301 is 30102, with a warning).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from service.ingest.cells import is_blank, normalise, to_yuan
from service.ingest.layouts import layout_by_kind
from service.ingest.model import ReaderWarning, Row, Table
from service.ingest.pdf.columns import ECONOMIC, FUNCTIONAL, INCOME, Rule, field_for, header_parts
from service.ingest.pdf.generic import raw_rows
from service.ingest.pdf.segment import Printed
from service.ingest.row_codes import identity, with_codes
from service.ingest.rows import FUNCTIONAL_LEADING, functional_row

_CODE_NAME = re.compile(
    r"^[\[【(（]?(?P<code>\d{3}(?:\s?\d{1,2}){0,2})[\]】)）]?\s*[-—－.、:：\s]?\s*(?P<name>\D.*)?$"
)
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
_TOTAL_WORDS = ("合计", "总计")


class NotTyped(Exception):
    """Why a printed table stays as printed."""


@dataclass(frozen=True)
class Shape:
    """How a kind's printed table is read: its family, resource and the Layout it fills."""

    family: str  # functional | economic
    resource: str
    layout: str  # the Layout kind whose columns (and regional extras) describe the fields
    rules: tuple[Rule, ...]


SHAPES: dict[str, Shape] = {
    "expenditure": Shape("functional", "expenditure", "expenditure", FUNCTIONAL),
    "general_budget_expenditure": Shape(
        "functional", "general_budget_expenditure", "general_budget_expenditure", FUNCTIONAL
    ),
    "government_fund_expenditure": Shape(
        "functional", "government_fund_expenditure", "government_fund_expenditure", FUNCTIONAL
    ),
    "state_capital_expenditure": Shape(
        "functional", "state_capital_expenditure", "state_capital_expenditure", FUNCTIONAL
    ),
    "fiscal_appropriation_expenditure": Shape(
        "functional",
        "fiscal_appropriation_expenditure",
        "fiscal_appropriation_expenditure",
        FUNCTIONAL,
    ),
    "general_budget_basic": Shape(
        "economic", "general_budget_basic_expenditure", "general_budget_basic", ECONOMIC
    ),
    "fiscal_appropriation_basic": Shape(
        "economic", "fiscal_appropriation_basic", "fiscal_appropriation_basic", ECONOMIC
    ),
}
# 收入总表 by function code (烟台, 长沙): the funds across, 功能分类 rows down
INCOME_BY_FUNCTION = Shape(
    "functional", "income_by_function", "income_by_function_national", INCOME
)


@dataclass
class Columns:
    """Which printed column is which: codes, name, amounts (field by column index)."""

    split: list[int] = field(default_factory=list)  # 类, 款, 项 columns
    code: int | None = None
    name: int | None = None
    joined: int | None = None  # code and name in one cell
    amounts: dict[int, str] = field(default_factory=dict)


def typed_table(
    printed: Printed,
    unit: str,
    year: int,
    warnings: list[ReaderWarning],
    shape: Shape | None = None,
) -> Table:
    """The typed table for a printed table of a known kind (read as `shape`, else as its kind
    is), or NotTyped saying why."""
    shape = shape or SHAPES.get(printed.kind or "")
    if shape is None:
        raise NotTyped("no typed reading for this kind")
    if unit not in ("万元", "元"):
        raise NotTyped(f"amounts in {unit or 'an unknown unit'}")
    titles, raw = raw_rows(printed)
    where = (shape.resource, printed.name, printed.pages)
    titles, raw, finish = with_codes(titles, raw, shape.family, where, warnings)
    columns = _columns(titles, raw, shape, year)
    layout = layout_by_kind(shape.layout)
    order = [c.name for c in (*layout.columns, *layout.right_columns, *layout.extra_columns)]
    unknown = sorted(set(columns.amounts.values()) - set(order))
    if unknown:  # e.g. last year's 基本支出 beside this year's, which the kind does not declare
        raise NotTyped(f"a column read as {unknown[0]}, which this kind of table does not have")
    amounts = sorted(set(columns.amounts.values()), key=order.index)
    leading = _leading(shape)
    table = printed.new_table(shape.resource, shape.layout, unit, leading + amounts)
    rows = []
    previous: list[str] = []  # the last row's 类/款/项, for rows that print only their own part
    for piece, index, cells in raw:
        line = piece.page.line_for(piece.grid.row_boxes[index])
        if line is None:
            raise NotTyped(f"a row on page {piece.page.number} with no text line")
        row = _row(shape, columns, cells, line.number, piece.page.number, warnings, table, previous)
        if row is None:
            continue
        for column, name in columns.amounts.items():
            text = cells[column]
            value = None if is_blank(text) else amount_text(text)
            if name in row and row[name] is not None and value is not None:
                raise NotTyped(f"two columns read as {name}")
            row[name] = to_yuan(value, unit) if value is not None else row.get(name)
        rows.append(row)
    _row_types(rows, _code_field(shape))
    table.decimals = decimals([cells[i] for _, _, cells in raw for i in columns.amounts])
    table.rows = rows
    finish(table)
    codes = Counter(identity(row, _code_field(shape)) for row in rows if row[_code_field(shape)])
    twice = [code for code, count in codes.items() if count > 1]
    if twice:
        raise NotTyped(f"code {twice[0]} on {codes[twice[0]]} rows (rows by unit or project)")
    if len({row["source_line"] for row in rows}) != len(rows):
        raise NotTyped("two rows on one text line")
    _check_every_figure(raw, columns, rows, unit)
    return table


def _leading(shape: Shape) -> list[str]:
    if shape.family == "functional":
        return list(FUNCTIONAL_LEADING)
    return [
        "source_line",
        "row_type",
        "economic_departmental_code",
        "economic_departmental_class",
        "economic_departmental_name",
    ]


def _code_field(shape: Shape) -> str:
    return "functional_code" if shape.family == "functional" else "economic_departmental_code"


def _columns(titles: list[str], raw: list, shape: Shape, year: int) -> Columns:
    found = Columns()
    for index, title in enumerate(titles):
        values = [cells[index] for _, _, cells in raw if not is_blank(cells[index])]
        if not values and not header_parts(title):
            continue  # an empty margin column
        parts = header_parts(title)
        leaf = parts[-1] if parts else ""
        if re.search(r"序号|预算单位|单位名称|单位编码|单位代码", leaf) and not _numbers(values):
            if len({normalise(v) for v in values}) > 1 and "序号" not in leaf:
                raise NotTyped(f"rows by unit ({leaf})")
            continue
        if leaf in ("类", "款", "项") or (
            values
            and all(re.fullmatch(r"\d{1,3}", normalise(v)) for v in values)
            and len(found.split) < 3
            and not _money(leaf)
        ):
            found.split.append(index)
            continue
        if (
            values
            and sum(bool(_CODE_NAME.match(normalise(v))) for v in values) >= len(values) * 0.6
            and any(
                _CODE_NAME.match(normalise(v))["name"]
                for v in values
                if _CODE_NAME.match(normalise(v))
            )
            and not _numbers(values)
        ):
            if found.joined is not None or found.code is not None:
                raise NotTyped("two code columns (function and economic classification)")
            found.joined = index
            continue
        if re.search(r"编码|代码", leaf) or (
            values
            and all(re.fullmatch(r"\d{3,7}", normalise(v)) for v in values)
            and not _money(leaf)
        ):
            if found.joined is not None or found.code is not None:
                raise NotTyped("two code columns (function and economic classification)")
            found.code = index
            continue
        if re.search(r"名称|科目|项目$|^项目", leaf) and not _numbers(values):
            found.name = index
            continue
        if not values and not _money(leaf):
            continue
        name = field_for(title, shape.rules, year)
        if name is None:
            raise NotTyped(f"column {title!r} is not one the reader knows")
        if name in found.amounts.values():
            raise NotTyped(f"two columns read as {name} ({title!r})")
        found.amounts[index] = name
    if not found.amounts:
        raise NotTyped("no amount column")
    if not (found.split or found.code is not None or found.joined is not None):
        raise NotTyped("no classification code column")
    return found


def _money(leaf: str) -> bool:
    return bool(re.search(r"合计|总计|小计|支出|经费|预算|金额|数$", leaf))


def _numbers(values: list[str]) -> bool:
    filled = [v for v in values if not is_blank(v)]
    return bool(filled) and all(_NUMBER.match(v.replace(",", "")) for v in filled)


def decimals(texts: list[str]) -> int | None:
    """The most digits printed after the point in the table's amounts."""
    found = [len(t.rsplit(".", 1)[1]) if "." in t else 0 for t in texts if not is_blank(t)]
    return max(found) if found else None


def amount_text(text: str) -> Decimal:
    """A printed amount as a Decimal (separators and spaces dropped); NotTyped when it is none."""
    bare = text.replace(",", "").replace(" ", "")
    if not _NUMBER.match(bare):
        raise NotTyped(f"{text!r} is not an amount")
    return Decimal(bare)


def _row(
    shape: Shape,
    columns: Columns,
    cells: list[str],
    line: int,
    page: int,
    warnings: list[ReaderWarning],
    table: Table,
    previous: list[str],
) -> Row | None:
    code, name = code_and_name(columns, cells, page, warnings, table, previous)
    leading = [columns.code, columns.joined, columns.name, *columns.split]
    label = normalise(" ".join(cells[i] for i in leading if i is not None))
    if not code and any(word in label for word in _TOTAL_WORDS):
        row_type, code = "total", ""
    elif not code:
        if any(not is_blank(cells[i]) for i in columns.amounts):
            raise NotTyped(f"amounts on page {page} in a row with no code ({name!r})")
        return None  # a wrapped name line: the name stays with its row's cell
    else:
        row_type = "item"
    if shape.family == "functional":
        if len(code) not in (0, 3, 5, 7):
            raise NotTyped(f"functional code {code!r} on page {page}")
        return functional_row(line, row_type, None, code, name if row_type != "total" else None)
    if len(code) not in (0, 3, 5):
        raise NotTyped(f"economic code {code!r} on page {page}")
    return {
        "source_line": line,
        "row_type": row_type,
        "economic_departmental_code": code or None,
        "economic_departmental_class": code[:3] or None,
        "economic_departmental_name": name if row_type != "total" else None,
    }


def code_and_name(
    columns: Columns,
    cells: list[str],
    page: int,
    warnings: list[ReaderWarning],
    table: Table,
    previous: list[str],
) -> tuple[str, str | None]:
    """A row's classification code and name from its cells, however the table prints them: joined in
    one cell, a code column, or 类/款/项 columns (a level left blank taken from the row above, kept
    in `previous`).
    """
    name = cells[columns.name] if columns.name is not None else None
    if columns.joined is not None:
        text = normalise(cells[columns.joined])
        found = _CODE_NAME.match(text)
        if found:
            return re.sub(r"\s", "", found["code"]), (found["name"] or name or "").strip() or None
        return "", cells[columns.joined] or name
    if columns.code is not None:
        raw = cells[columns.code]
        found = _CODE_NAME.match(normalise(raw)) if raw else None
        if found and found["name"] and not name:
            return found["code"], found["name"]
        return split_code(raw.split(), page, warnings, table), name
    pieces = [normalise(cells[i]) for i in columns.split]
    if any(pieces) and not pieces[0]:  # 款/项 rows that leave the 类 (and 款) to the row above
        depth = next(i for i, p in enumerate(pieces) if p)
        if len(previous) >= depth:
            pieces = previous[:depth] + pieces[depth:]
    if any(pieces):
        previous[:] = [p for p in pieces if p]
    return split_code(pieces, page, warnings, table), name


def split_code(pieces: list[str], page: int, warnings: list[ReaderWarning], table: Table) -> str:
    """类 款 项 joined; a 款/项 of one digit lost its leading zero (301 2 → 30102)."""
    pieces = [normalise(p) for p in pieces if p and p.strip()]
    if not pieces or not all(p.isdigit() for p in pieces):
        return "".join(pieces) if all(p.isdigit() for p in pieces) else ""
    if len(pieces) == 1:
        return pieces[0]
    fixed = [pieces[0]] + [p.zfill(2) if len(p) == 1 else p for p in pieces[1:]]
    if fixed != pieces:
        warnings.append(
            ReaderWarning(
                "dropped-zero",
                f"page {page}, table {table.title!r}: code {' '.join(pieces)!r} read as "
                f"{''.join(fixed)} (a 款/项 segment printed without its leading zero)",
                [page],
                table.resource,
            )
        )
    return "".join(fixed)


def _row_types(rows: list[Row], key: str) -> None:
    """A coded row with deeper rows under it is a subtotal; the deepest rows are items."""
    codes = [row[key] for row in rows if row[key]]
    for row in rows:
        code = row[key]
        if code and any(other != code and other.startswith(code) for other in codes):
            row["row_type"] = "subtotal"


def _check_every_figure(raw: list, columns: Columns, rows: list[Row], unit: str) -> None:
    """Every number printed in an amount column is in a typed cell: else stay as printed."""
    printed = Counter(
        to_yuan(amount_text(cells[i]), unit)
        for _, _, cells in raw
        for i in columns.amounts
        if not is_blank(cells[i])
    )
    typed = Counter(
        row[name]
        for row in rows
        for name in set(columns.amounts.values())
        if row.get(name) is not None
    )
    if printed != typed:
        raise NotTyped("some printed amounts would not reach a typed cell")
