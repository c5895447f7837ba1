"""Checks for the Shanghai version of the template: what its tables and narrative add.

The tables' totals, subtotals and cross-table figures go through the common checks; here are
the identities of tables only this template has (收入预算总表 by function, 财政拨款收入 and its
其中 lines), the per-项 explanations (amount, planned amount, change against the prior year's
executed amount), the 编制说明 and 三公 figures the common subjects do not name, and the
机构设置 counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from service.audit.checks import Check, compare, rounded, total, wan
from service.audit.statements import table_value
from service.ingest.cells import UNIT_FACTORS
from service.ingest.model import Document, NarrativeFigure, Row, Table

WAN = UNIT_FACTORS["万元"]
_THREE = "three_public_expenses"
# subject ending (or, for 三公, containing) → table, row selector, column; first match wins
SUBJECTS: tuple[tuple[str, str, str, str], ...] = (
    ("国有资本经营预算拨款支出预算", "fiscal_summary_expenditure", "grand-total", "state_capital"),
    ("政府性基金拨款支出预算", "fiscal_summary_expenditure", "grand-total", "government_fund"),
    (
        "一般公共预算拨款支出预算",
        "fiscal_summary_expenditure",
        "grand-total",
        "general_public_budget",
    ),
    ("财政拨款支出预算", "fiscal_summary_expenditure", "grand-total", "total"),
    ("支出预算", "summary_expenditure", "grand-total", "amount"),
    ("财政拨款收入", "summary_income", "fiscal-appropriation", "amount"),
    ("事业单位经营收入", "summary_income", "business-operating-income", "amount"),
    ("事业收入", "summary_income", "business-income", "amount"),
    ("其他收入", "summary_income", "other-income", "amount"),
    ("收入预算", "summary_income", "grand-total", "amount"),
)
THREE_PUBLIC: tuple[tuple[str, str], ...] = (
    ("机关运行经费", "operating_costs"),
    ("因公出国", "overseas_travel"),
    ("公务接待", "official_reception"),
    ("购置及运行", "vehicles_total"),
    ("购置费", "vehicle_purchase"),
    ("运行费", "vehicle_operation"),
    ("三公", "total"),
)


def template_checks(document: Document) -> Iterator[Check | None]:
    """The checks the Shanghai district template's own statements and tables allow."""
    yield from _income_rows(document.tables.get("income"))
    yield from _fiscal_appropriation(document.tables.get("summary_income"))
    yield from _items(document)
    yield from _stated(document)
    yield from _units(document)


def _income_rows(table: Table | None) -> Iterator[Check | None]:
    parts = ("fiscal_appropriation", "business_income", "business_operating_income", "other_income")
    for row in table.rows if table is not None and table.kind == "income_by_function" else []:
        yield compare(
            f"row-sum:income:{row['source_line']}:total",
            row.get("total"),
            total(row.get(p) for p in parts),
            "income",
            row["source_line"],
            f"{table.title} line {row['source_line']}: total = {' + '.join(parts)}",
        )


def _fiscal_appropriation(table: Table | None) -> Iterator[Check | None]:
    """一、财政拨款收入 = its 其中 lines 1. 一般公共预算 + 2. 政府性基金 + 3. 国有资本经营预算."""
    rows = table.rows if table is not None else []
    for index, row in enumerate(rows):
        if row["row_type"] != "item":
            continue
        parts = []
        for other in rows[index + 1 :]:
            if other["row_type"] != "of-which":
                break
            parts.append(other)
        if parts:
            yield compare(
                f"summary_income:of-which:{row['source_line']}",
                row.get("amount"),
                total(p.get("amount") for p in parts),
                "summary_income",
                row["source_line"],
                f"{row['item']} = Σ 其中 lines",
            )


def _function_row(document: Document, subject: str) -> Row | None:
    """The 一般公共预算 row a per-项 explanation names, by its codes or by its three names."""
    table = document.tables.get("general_budget_expenditure")
    if table is None:
        return None
    path, _, codes = subject.partition(" ")
    if codes:
        return next((r for r in table.items() if r["functional_code"] == codes), None)
    names = path.split("/")
    code = ""
    for depth, name in enumerate(names):
        length = 3 + 2 * depth
        row = next(
            (
                r
                for r in table.rows
                if r.get("functional_code")
                and len(r["functional_code"]) == length
                and r["functional_code"].startswith(code)
                and r.get("name") == name
            ),
            None,
        )
        if row is None:
            return None
        code = row["functional_code"]
    return row


def _items(document: Document) -> Iterator[Check | None]:
    by_item: dict[str, list[NarrativeFigure]] = {}
    for figure in document.figures:
        if "/" in figure.subject:
            by_item.setdefault(figure.subject.split("·")[0], []).append(figure)
    for figures in by_item.values():
        amount = next((f for f in figures if f.kind == "amount" and "·" not in f.subject), None)
        if amount is None:
            continue
        line = amount.line
        where = f"narrative:{line}:{amount.subject}"
        row = _function_row(document, amount.subject)
        if row is None:
            yield Check(
                f"{where}:row",
                "warn",
                "a 项 row of the 一般公共预算支出功能分类预算表",
                None,
                "narrative_figures",
                line,
                f"the text explains {amount.subject}, which no row of the table names",
            )
        else:
            yield _agrees(f"{where}:amount", amount, row.get("total"), row["source_line"])
        planned = next((f for f in figures if f.subject.endswith("预算安排")), None)
        if planned is not None:
            yield compare(
                f"{where}:planned",
                amount.value * WAN,
                planned.value * WAN,
                "narrative_figures",
                line,
                f"{amount.subject}: 预算安排 stated again in the same paragraph",
            )
        growth = next((f for f in figures if f.kind == "growth"), None)
        if growth is not None and growth.implied_prior is not None:
            exact = row.get("total") / WAN if row and row.get("total") is not None else None
            yield _growth(where, [amount.value] + ([exact] if exact is not None else []), growth)


def _growth(where: str, values: list[Decimal], growth: NarrativeFigure) -> Check:
    """The stated change against the one computed from the stated amount or the table's exact
    one (departments use either); the prior year's executed amount is only known to 0.01万元,
    so one unit in the stated change's last place passes."""
    prior = growth.implied_prior or Decimal(0)
    exponent = growth.value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    value = values[0]
    if prior:
        candidates = [rounded((v - prior) / prior * 100, places) for v in values]
        near = [c for c in candidates if abs(c - growth.value) <= Decimal(1).scaleb(-places)]
        computed = near[0] if near else candidates[0]
        ok = bool(near)
    else:  # a new item: the template states +100%
        computed, ok = Decimal(100), growth.value == 100
    return Check(
        f"{where}:growth",
        "pass" if ok else "fail",
        f"{computed}",
        f"{growth.value}",
        "narrative_figures",
        growth.line,
        f"{growth.subject}: {value}万元 against {growth.compared_year} executed {prior}万元 "
        f"is {computed}%, the text states {growth.value}%",
    )


def _agrees(check_id: str, figure: NarrativeFigure, value: Decimal | None, line: int) -> Check:
    """Equal at the precision the text states (148.5万元 for 1485300 元) passes."""
    found = value or Decimal(0)
    exponent = figure.value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    factor = UNIT_FACTORS[figure.unit]
    ok = rounded(found / factor, places) == figure.value
    return Check(
        check_id,
        "pass" if ok else "fail",
        f"{found:f}",
        f"{figure.value * factor:f}",
        None,
        figure.line,
        f"text (line {figure.line}) states {figure.subject} {figure.value}{figure.unit}; "
        f"the table (line {line}) has {wan(found)}",
    )


def _lookup(document: Document, subject: str) -> tuple[Decimal | None, int] | None:
    for ending, resource, selector, column in SUBJECTS:
        if subject.endswith(ending):
            table = document.tables.get(resource)
            row = (
                next((r for r in table.rows if r.get("item_code") == selector), None)
                if table
                else None
            )
            return (row.get(column), row["source_line"]) if row else None
    for keyword, column in THREE_PUBLIC:
        if keyword in subject:
            table = document.tables.get(_THREE)
            row = table.first("total") if table else None
            return (row.get(column), row["source_line"]) if row else None
    return None


def _stated(document: Document) -> Iterator[Check | None]:
    for figure in document.figures:
        if figure.kind != "amount" or "/" in figure.subject or figure.unit != "万元":
            continue
        if table_value(document, figure) is not None:
            continue  # the common narrative check holds it against the table
        found = _lookup(document, figure.subject)
        if found is not None:
            yield _agrees(f"narrative:{figure.line}:{figure.subject}:amount", figure, *found)


def _units(document: Document) -> Iterator[Check | None]:
    """机构设置: the units listed = 本部 + 下属 units = 行政 + 参公 + 事业 units."""
    counts = {f.subject: f for f in document.figures if f.kind == "count" and f.unit == "家"}
    listed = counts.get("列出的预算单位")
    if listed is None:
        return
    if "下属预算单位" in counts:
        yield _count(
            "structure:units-listed", counts["下属预算单位"].value + 1, listed, "本部 + 下属"
        )
    kinds = [counts[k].value for k in ("行政单位", "参公单位", "事业单位") if k in counts]
    if kinds:
        yield _count(
            "structure:units-by-kind", sum(kinds, Decimal(0)), listed, "行政 + 参公 + 事业"
        )


def _count(check_id: str, expected: Decimal, listed: NarrativeFigure, what: str) -> Check:
    ok = expected == listed.value
    return Check(
        check_id,
        "pass" if ok else "fail",
        f"{expected}",
        f"{listed.value}",
        None,
        listed.line,
        f"机构设置 lists {listed.value} units; {what} = {expected}",
    )
