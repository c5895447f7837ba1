"""Checks across tables: the two-sided summaries, the same figure in several tables,
the narrative's figures, and the performance targets against the project table."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from service.audit.checks import ZERO, Check, compare, count, rounding_tolerance, total
from service.ingest.model import Document, Row, Table


def _by_code(table: Table | None, code: str) -> Row | None:
    if table is None:
        return None
    return next((row for row in table.rows if row.get("item_code") == code), None)


def _get(row: Row | None, name: str) -> Decimal | None:
    return None if row is None else row.get(name)


def _line(row: Row | None) -> int | None:
    return None if row is None else row["source_line"]


def _current_total(table: Table) -> Row | None:
    """本年合计; a table with neither it nor carry-over lines (Shanghai's) has only its 总计."""
    row = _by_code(table, "current-year-total")
    carry = ("carry-over", "year-end-carry-over", "current-year")
    if row is None and not any(r.get("item_code") in carry for r in table.rows):
        row = _by_code(table, "grand-total")
    return row


def two_sided(document: Document) -> Iterator[Check | None]:
    """收支总表 and 财政拨款收支总表: each side adds up and the two sides balance."""
    for prefix, amount in (("summary", "amount"), ("fiscal_summary", "total")):
        income = document.tables.get(f"{prefix}_income")
        spend = document.tables.get(f"{prefix}_expenditure")
        if income is None or spend is None:
            continue
        for table, field in ((income, "amount"), (spend, amount)):
            yield from _side(
                table, field, "carry-over" if table is income else "year-end-carry-over"
            )
        income_grand = _by_code(income, "grand-total") or _by_code(income, "total")
        spend_grand = _by_code(spend, "grand-total") or _by_code(spend, "total")
        yield compare(
            f"{prefix}:balance",
            _get(income_grand, "amount"),
            _get(spend_grand, amount),
            spend.resource,
            _line(spend_grand),
            "收入总计 = 支出总计",
        )


def _side(table: Table, field: str, carry_code: str) -> Iterator[Check | None]:
    """One side: its groups or its 本年合计 add up, and 总计 = 本年合计 + 结转结余. A side that
    prints no 本年合计 line (一、财政拨款 and 二、上年结转结余 as its items) adds up to 总计."""
    grouped = any(row["row_type"] == "subtotal" for row in table.rows)
    current = _by_code(table, "current-year") if grouped else _current_total(table)
    carry = _by_code(table, carry_code)
    grand = _by_code(table, "grand-total") or _by_code(table, "total")
    if grouped:
        for group in [row for row in table.rows if row["row_type"] == "subtotal"]:
            values = [r.get(field) for r in _members(table, group)]
            yield compare(
                f"{table.resource}:group:{group['item_code']}",
                group.get(field),
                total(values),
                table.resource,
                group["source_line"],
                f"{group['item']} = Σ items",
                tolerance=rounding_tolerance(table, count(values)),
            )
    elif current is not None:
        values = [r.get(field) for r in _current_items(table, current, carry)]
        yield compare(
            f"{table.resource}:current-year",
            _get(current, field),
            total(values),
            table.resource,
            _line(current),
            f"{table.title} 本年合计 = Σ items",
            tolerance=rounding_tolerance(table, count(values)),
        )
    if current is None and not grouped:
        values = [r.get(field) for r in table.rows if r["row_type"] == "item"]
        what = f"{table.title} 总计 = Σ items"
    else:
        values = [_get(current, field), *_beyond_current(table, current, grand, carry, field)]
        what = (
            "支出合计 = 本年支出 + 年终结转结余"
            if grouped and carry_code == "year-end-carry-over"
            else f"{table.title} 总计 = 本年合计 + 结转结余"
        )
    yield compare(
        f"{table.resource}:grand-total",
        _get(grand, field),
        total(values),
        table.resource,
        _line(grand),
        what,
        tolerance=rounding_tolerance(table, count(values)),
    )


def _beyond_current(
    table: Table, current: Row | None, grand: Row | None, carry: Row | None, field: str
) -> list[Decimal | None]:
    """What 总计 adds to 本年合计: the carry-over, or, where the items add up above 本年合计,
    every line printed between it and 总计 (上级补助收入, 使用非财政拨款结余, 上年结转…)."""
    rows = table.rows
    if current is None or current not in rows or current["row_type"] == "subtotal":
        return [_get(carry, field)]
    at = rows.index(current)
    end = rows.index(grand) if grand in rows else len(rows)
    if not any(r["row_type"] == "item" for r in rows[:at]):
        return [_get(carry, field)]
    found = []
    for row in rows[at + 1 : end]:
        if row["row_type"] == "item":
            found.append(row.get(field))
        if row is carry:
            break  # the lines under 上年结转结余 are its breakdown (北京: 一、一般公共预算拨款 …)
    return found


def _current_items(table: Table, current: Row, carry: Row | None) -> list[Row]:
    """The items 本年合计 adds up: those printed above it, or, when it heads the side (一、本年
    支出合计 first), those below it, up to the carry-over line; a carry-over's own breakdown
    (上年结转结余 → 一、一般公共预算拨款 …) is never among them."""
    rows = table.rows
    at = rows.index(current)
    above = [r for r in rows[:at] if r["row_type"] == "item" and r is not carry]
    if above and (carry is None or rows.index(carry) > at):
        return above
    found = []
    for row in rows[at + 1 :]:
        if row is carry or row["row_type"] in ("total", "subtotal"):
            break
        if row["row_type"] == "item":
            found.append(row)
    return found or above


def _members(table: Table, group: Row) -> list[Row]:
    """Items listed under a group header (一、本年收入 → （一）…（三）) until the next group."""
    rows = table.rows
    start = rows.index(group) + 1
    members = []
    for row in rows[start:]:
        if (
            row["row_type"] in ("subtotal", "total")
            or row.get("item_code") == "year-end-carry-over"
        ):
            break
        if row["row_type"] == "item":
            members.append(row)
    return members


def _table_total(
    document: Document, resource: str, field: str
) -> tuple[Decimal | None, int | None, bool]:
    table = document.tables.get(resource)
    if table is None:
        return None, None, False
    row = table.first("total")
    if row is None:
        return (ZERO if not table.rows else None), table.line, True
    return row.get(field), row["source_line"], True


def _by_function(
    document: Document, summary: str, column: str, detail: str, check: str, what: str, of: str
) -> Iterator[Check | None]:
    """Each functional class line of a summary table against Σ its rows in a detail table."""
    lines, rows = document.tables.get(summary), document.tables.get(detail)
    if lines is None or rows is None or column not in lines.fields:
        return
    for line in lines.rows:
        code = line.get("functional_class")
        if not code:
            continue
        items = [r for r in rows.items() if r["functional_class"] == code]
        yield compare(
            f"cross:{check}:{code}",
            line.get(column),
            total(r.get("total") for r in items),
            summary,
            line["source_line"],
            f"{what} {line['item']} = Σ {code} rows of {of}",
            tolerance=rounding_tolerance(rows, count(r.get("total") for r in items)),
        )


def cross_tables(document: Document) -> Iterator[Check | None]:
    """Checks that hold one table's figures to another's (the summary tables' totals by function
    against the expenditure tables, and the like), one for each pair the document prints.
    """
    yield from _by_function(
        document,
        "summary_expenditure",
        "amount",
        "expenditure",
        "summary-function",
        "收支总表",
        "部门支出预算表",
    )
    yield from _by_function(
        document,
        "fiscal_summary_expenditure",
        "general_public_budget",
        "general_budget_expenditure",
        "fiscal-function",
        "财政拨款收支总表",
        "一般公共预算支出表",
    )
    pairs = [
        ("cross:income-total", ("summary_income", "grand"), ("income", "total")),
        ("cross:expenditure-total", ("summary_expenditure", "current"), ("expenditure", "total")),
        (
            "cross:projects-total",
            ("expenditure", "project_total"),
            ("project_expenditure", "total"),
        ),
        (
            "cross:basic-total",
            ("general_budget_expenditure", "basic_total"),
            ("general_budget_basic_expenditure", "total"),
        ),
        (
            "cross:economic-total",
            ("expenditure", "total"),
            ("economic_classification_summary", "total"),
        ),
        (
            "cross:operating-public",
            ("general_budget_basic_expenditure", "public"),
            ("operating_expenses", "total"),
        ),
        ("cross:project-performance-total", ("project_expenditure", "total"), None),
    ]
    for check_id, (left_table, left_field), right in pairs:
        if right is None:
            continue
        left = _summary_value(document, left_table, left_field)
        right_value, right_line, exists = _table_total(document, *right)
        if left is None or not exists:
            continue
        status = "warn" if check_id == "cross:operating-public" else "fail"
        yield compare(
            check_id,
            left[0],
            right_value,
            right[0],
            right_line,
            f"{left_table}.{left_field} = {right[0]}.{right[1]}",
            status_if_wrong=status,
            # two totals, each rounded on its own table (烟台 1,704.11 beside 1,704.12)
            tolerance=rounding_tolerance(document.tables.get(right[0]), 1),
        )
    gbe_total = _table_total(document, "general_budget_expenditure", "basic_personnel_wages")
    basic_personnel = _table_total(document, "general_budget_basic_expenditure", "personnel")
    gbe = document.tables.get("general_budget_expenditure")
    if gbe_total[2] and basic_personnel[2] and gbe and "basic_personnel_wages" in gbe.fields:
        household = _table_total(
            document, "general_budget_expenditure", "basic_personnel_household"
        )
        yield compare(
            "cross:basic-personnel",
            total([gbe_total[0], household[0]]),
            basic_personnel[0],
            "general_budget_basic_expenditure",
            basic_personnel[1],
            "一般公共预算支出表 人员经费 = 基本支出表 人员经费",
        )
    yield from _economic_items(document)


def _summary_value(
    document: Document, resource: str, field: str
) -> tuple[Decimal | None, int | None] | None:
    table = document.tables.get(resource)
    if table is None:
        return None
    if field in ("grand", "current"):
        row = _by_code(table, "grand-total") if field == "grand" else _current_total(table)
        return _get(row, "amount"), _line(row)
    if field not in table.fields:
        return (
            None  # the table does not print that column (江苏 2017's 一般公共预算支出表: 金额 only)
        )
    row = table.first("total")
    return (_get(row, field), _line(row)) if row else None


def _economic_items(document: Document) -> Iterator[Check | None]:
    """支出经济分类汇总表's 301 items equal the basic-expenditure table's."""
    basic = document.tables.get("general_budget_basic_expenditure")
    summary = document.tables.get("economic_classification_summary")
    if basic is None or summary is None:
        return
    in_summary = {r["economic_departmental_code"]: r for r in summary.items()}
    for row in basic.items():
        code = row["economic_departmental_code"]
        if not code.startswith("301"):
            continue
        other = in_summary.get(code)
        yield compare(
            f"cross:economic-301:{code}",
            row.get("total"),
            _get(other, "total"),
            "economic_classification_summary",
            _line(other) or row["source_line"],
            f"{code} {row['economic_departmental_name']}: 基本支出表 = 支出经济分类汇总表",
        )
