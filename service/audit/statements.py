"""What the document states against what its tables hold: narrative figures and targets."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from service.audit.checks import Check, rounded, total, wan
from service.ingest.cells import UNIT_FACTORS, looks_like_amount, parse_amount
from service.ingest.model import Document, NarrativeFigure
from service.templates import template

# subject keyword → (table, row selector, column); first match wins, so specific before general
SUBJECTS: tuple[tuple[str, str, str, str], ...] = (
    ("收支预算总计", "summary_income", "grand-total", "amount"),
    ("收入总计", "summary_income", "grand-total", "amount"),
    ("支出总计", "summary_expenditure", "grand-total", "amount"),
    ("收入合计", "summary_income", "current-year-total", "amount"),
    ("支出合计", "summary_expenditure", "current-year-total", "amount"),
    ("一般公共预算拨款收入", "summary_income", "general-public-budget", "amount"),
    ("一般公共预算收支预算", "fiscal_summary_expenditure", "current-year", "general_public_budget"),
    ("一般公共预算基本支出", "general_budget_basic_expenditure", "total", "total"),
    ("一般公共预算支出", "general_budget_expenditure", "total", "total"),
    ("人员经费", "general_budget_basic_expenditure", "total", "personnel"),
    ("公用经费", "general_budget_basic_expenditure", "total", "public"),
    ("因公出国", "three_public_expenses", "total", "overseas_travel"),
    ("公务接待", "three_public_expenses", "total", "official_reception"),
    ("公务用车购置及运行", "three_public_expenses", "total", "vehicles_total"),
    ("公务用车购置费", "three_public_expenses", "total", "vehicle_purchase"),
    ("公务用车运行", "three_public_expenses", "total", "vehicle_operation"),
    ("三公", "three_public_expenses", "total", "total"),
    ("机构运转经费", "operating_expenses", "total", "total"),
    ("涉及预算拨款", "project_expenditure", "total", "total"),
    ("基本支出", "expenditure", "total", "basic_total"),
    ("项目支出", "expenditure", "total", "project_total"),
)


def table_value(
    document: Document, figure: NarrativeFigure
) -> tuple[Decimal | None, str, int | None] | None:
    """The table figure a narrative figure speaks of: (value, resource, line), or None when the
    document prints no table or column to hold it to.
    """
    for keyword, resource, selector, column in SUBJECTS:
        if keyword not in figure.subject:
            continue
        if "一般公共预算" in figure.sentence and resource == "expenditure":
            resource = "general_budget_expenditure"
        table = document.tables.get(resource)
        if table is None or column not in table.fields:
            return None  # the document prints no such table or column: nothing to hold it to
        if selector == "total":
            row = table.first("total")
            if row is None and not table.items():
                return Decimal(0), resource, table.line  # a table published empty states zero
        else:
            row = next((r for r in table.rows if r.get("item_code") == selector), None)
        if row is None:
            return None
        return row.get(column), resource, row["source_line"]
    return None


def narrative(document: Document) -> Iterator[Check | None]:
    """Checks that hold the figures the prose states (amounts, shares, growth) to the tables, for
    the kinds of figure the document's template supports.
    """
    declared = template(document.template)  # which checks its prose supports
    kinds = declared.narrative_checks
    by_line: dict[int, list[NarrativeFigure]] = {}
    for figure in document.figures:
        by_line.setdefault(figure.line, []).append(figure)
    for figure in document.figures:
        where = f"narrative:{figure.line}:{figure.subject}"
        if figure.kind not in kinds:
            continue
        if figure.kind == "amount":
            found = table_value(document, figure)
            if found is None:
                continue
            value, resource, _ = found
            stated = figure.value * UNIT_FACTORS[figure.unit]
            check = _stated(f"{where}:amount", stated, value, resource, figure)
            if check.status == "fail":
                check.status = declared.narrative_mismatch
            yield check
        elif figure.kind == "count" and "涉及预算拨款" in figure.subject:
            projects = document.tables.get("project_expenditure")
            if projects is not None:
                count = Decimal(len(projects.items()))
                ok = count == figure.value
                yield Check(
                    f"{where}:count",
                    "pass" if ok else "fail",
                    f"{count}",  # expected: what the table lists; found: what the text states
                    f"{figure.value}",
                    "project_expenditure",
                    figure.line,
                    f"项目个数: the text states {figure.value}, the table lists {count}",
                )
        elif figure.kind == "share":
            yield _share(where, figure, by_line[figure.line])
        elif figure.kind == "growth":
            change = next((f for f in by_line[figure.line] if f.kind == "change"), None)
            if change is not None and change.implied_prior:
                computed = rounded(change.value / change.implied_prior * 100, _places(figure.value))
                said = f"增长 {figure.value}% stated; {change.value}/{change.implied_prior} "
                said += f"= {computed}%"
                yield _percentage(f"{where}:growth", figure, computed, said)


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _stated(
    check_id: str, stated: Decimal, value: Decimal | None, resource: str, figure: NarrativeFigure
) -> Check:
    """Exact, or equal at the precision the text states (148.5 for 148.53) — that passes."""
    table_value = value if value is not None else Decimal(0)
    factor = UNIT_FACTORS[figure.unit]
    ok = (
        stated == table_value
        or rounded(table_value / factor, _places(figure.value)) == figure.value
    )
    return Check(
        check_id,
        "pass" if ok else "fail",
        f"{table_value:f}",
        f"{stated:f}",
        resource,
        figure.line,
        f"text states {figure.subject} {figure.value}{figure.unit}; "
        f"table {resource} has {wan(table_value)}",
    )


def _share(where: str, figure: NarrativeFigure, same_line: list[NarrativeFigure]) -> Check | None:
    amounts = [f for f in same_line if f.kind == "amount"]
    part = next((f for f in amounts if f.subject == figure.subject), None)
    whole = amounts[0] if amounts else None
    if part is None or whole is None or part is whole or not whole.value:
        return None
    computed = rounded(part.value / whole.value * 100, _places(figure.value))
    said = f"{part.subject} {part.value} / {whole.subject} {whole.value} = "
    said += f"{computed}%, text states {figure.value}%"
    return _percentage(f"{where}:share", figure, computed, said)


def _percentage(check_id: str, figure: NarrativeFigure, computed: Decimal, message: str) -> Check:
    """A percentage the text states held to the one computed from the figures it names, rounded
    as the text rounds it. As in every narrative check, `found` is what the text states and
    `expected` what the figures give (the pages show them as printed and should-be)."""
    status = "pass" if computed == figure.value else "fail"
    return Check(check_id, status, f"{computed}", f"{figure.value}", None, figure.line, message)


def performance(document: Document) -> Iterator[Check | None]:
    """Performance tables against the project table: amounts to 0.1 万元, cost caps to 0.01."""
    projects = document.tables.get("project_expenditure")
    perf = document.tables.get("project_performance")
    if projects is None or perf is None:
        return
    amounts = {r["project_code"]: r for r in projects.items() if r.get("project_code")}
    for row in projects.items():
        if not row.get("project_code"):
            yield Check(
                f"performance:unlinked:{row['source_line']}",
                "warn",
                "a project code",
                None,
                "project_expenditure",
                row["source_line"],
                f"project {row['project_name']!r} has no row in the performance table",
            )
    wan_factor = UNIT_FACTORS["万元"]
    for row in perf.items():
        code = row["project_code"]
        project = amounts.get(code)
        if project is None:
            yield Check(
                f"performance:unknown-project:{code}",
                "warn",
                "a project-table row",
                None,
                "project_performance",
                row["source_line"],
                f"performance target for {row['project_name']!r} has no project row",
            )
            continue
        stated = row.get("total")
        places = _places((stated or Decimal(0)) / wan_factor)
        expected = rounded((project.get("total") or Decimal(0)) / wan_factor, places) * wan_factor
        ok = stated == expected
        yield Check(
            f"performance:project-amount:{code}",
            "pass" if ok else "fail",
            f"{project.get('total') or Decimal(0):f}",  # a blank 合计 compares as 0
            f"{stated:f}" if stated is not None else None,
            "project_performance",
            row["source_line"],
            f"{row['project_name']}: 绩效目标表 {wan(stated)} vs 项目支出表 "
            f"{wan(project.get('total'))} (rounded to {places} places)",
        )
    for indicator in document.indicators:
        if indicator.category != "cost" or indicator.value is None:
            continue
        if indicator.operator not in ("≤", "<", "=") or indicator.unit not in ("元", "万元"):
            continue
        project = amounts.get(indicator.project_code or "")
        if project is None or project.get("total") is None:
            continue
        cap = indicator.value * UNIT_FACTORS[indicator.unit]
        budget = project["total"]
        ok = rounded(cap / wan_factor, 2) * wan_factor == budget
        yield Check(
            f"performance:cost-cap:{indicator.project_code}",
            "pass" if ok else "warn",
            f"{budget:f}",
            f"{cap:f}",
            "project_performance_indicators",
            indicator.line,
            f"{project['project_name']}: cost cap {indicator.value_text} vs budget {wan(budget)}",
        )
    yield from _department_budget(document)


def _department_budget(document: Document) -> Iterator[Check | None]:
    stated = document.performance_budget
    spend = document.tables.get("expenditure")
    total_row = spend.first("total") if spend else None
    if not stated or total_row is None:
        return
    targets = (
        ("预算总额", "total"),
        ("政府预算资金", "total"),
        ("基本支出", "basic_total"),
        ("项目支出", "project_total"),
    )
    for line, label, text in stated:
        column = next((c for key, c in targets if key in label), None)
        if column is None or not looks_like_amount(text):  # 1,234.56 is one; 一百万 is not
            continue
        stated_wan = parse_amount(text) or Decimal(0)
        value = stated_wan * UNIT_FACTORS["万元"]
        table_value = total_row.get(column) or Decimal(0)
        places = _places(stated_wan)
        ok = rounded(table_value / UNIT_FACTORS["万元"], places) == stated_wan
        yield Check(
            f"performance:department-budget:{column}:{line}",
            "pass" if ok else "fail",
            f"{table_value:f}",
            f"{value:f}",
            "department_performance_indicators",
            line,
            f"整体绩效目标表 {label} {text}万元 vs 部门支出预算表 {wan(table_value)}",
        )


__all__ = ["narrative", "performance", "total"]
