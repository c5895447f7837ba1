"""Checks inside one table: columns against their total row, rows against their parts."""

from __future__ import annotations

from collections.abc import Iterator

from service.audit.checks import Check, compare, rounding_tolerance, total
from service.ingest.model import Row, Table

_BASIC_PARTS = ("basic_personnel", "basic_public")
_EXPENDITURE_IDENTITIES = (
    (
        "total",
        (
            "basic_total",
            "project_total",
            "business_operating_expenditure",
            "remittance_to_superior",
            "subsidy_to_subordinates",
        ),
    ),
    ("basic_total", _BASIC_PARTS),
    (
        "basic_total",
        (
            "basic_personnel_wages",
            "basic_personnel_household",
            "basic_public_goods_services",
            "basic_public_capital",
        ),
    ),
    ("project_total", ("project_operating", "project_specific")),
)
ROW_IDENTITIES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "expenditure": _EXPENDITURE_IDENTITIES,
    "general_budget_expenditure": _EXPENDITURE_IDENTITIES,
    "government_fund_expenditure": _EXPENDITURE_IDENTITIES,
    "state_capital_expenditure": _EXPENDITURE_IDENTITIES,
    "income": (
        ("total", ("current_total", "carry_over_total")),
        (
            "current_total",
            (
                "general_public_budget",
                "government_fund",
                "state_capital",
                "fiscal_special_account",
                "business_income",
                "business_operating_income",
                "superior_subsidy",
                "subordinate_remittance",
                "other_income",
            ),
        ),
        (
            "carry_over_total",
            (
                "carry_over_general_public_budget",
                "carry_over_government_fund",
                "carry_over_state_capital",
                "carry_over_fiscal_special_account",
                "carry_over_unit_funds",
            ),
        ),
    ),
    "general_budget_basic_expenditure": (("total", ("personnel", "public")),),
    "economic_classification_summary": (
        (
            "total",
            (
                "general_public_budget",
                "government_fund",
                "state_capital",
                "carry_over",
                "fiscal_special_account",
                "business_income",
                "superior_subsidy",
                "subordinate_remittance",
                "business_operating_income",
                "other_income",
            ),
        ),
    ),
    "three_public_expenses": (
        ("total", ("overseas_travel", "vehicles_total", "official_reception")),
        ("vehicles_total", ("vehicle_purchase", "vehicle_operation")),
    ),
    "operating_expenses": (
        (
            "total",
            (
                "general_public_budget_total",
                "government_fund_total",
                "state_capital",
                "fiscal_special_account",
                "unit_funds_total",
                "carry_over_fiscal",
                "carry_over_fiscal_special_account",
                "carry_over_unit_funds",
            ),
        ),
        (
            "general_public_budget_total",
            (
                "fiscal_appropriation",
                "administrative_fees",
                "special_revenue",
                "state_asset_income",
                "other_general_public_budget",
                "general_bonds",
            ),
        ),
        ("government_fund_total", ("government_fund_budget", "special_bonds")),
    ),
    "project_expenditure": (
        (
            "total",
            (
                "general_public_budget",
                "government_fund",
                "state_capital",
                "carry_over_general_public_budget",
                "carry_over_government_fund",
                "carry_over_state_capital",
                "fiscal_special_account",
                "unit_funds",
            ),
        ),
    ),
    "project_performance": (
        ("total", ("government_budget", "fiscal_special_account", "unit_funds")),
    ),
    "fiscal_summary_expenditure": (
        ("total", ("general_public_budget", "government_fund", "state_capital")),
    ),
}
CODE_FIELDS = ("functional_code", "economic_departmental_code")


def leaves(table: Table) -> list[Row]:
    """The rows a total adds up: items, else units, else departments."""
    for row_type in ("item", "unit", "department"):
        rows = [row for row in table.rows if row["row_type"] == row_type]
        if rows:
            return rows
    return []


def check_table(table: Table) -> Iterator[Check | None]:
    """Every check of one table; None where a column is blank on both sides (no check)."""
    if table.resource.startswith(("summary_", "fiscal_summary_")):
        yield from _row_identities(table)
        return
    yield from _column_totals(table)
    yield from _subtotals(table)
    yield from _row_identities(table)


def _column_totals(table: Table) -> Iterator[Check | None]:
    total_row = table.first("total")
    if total_row is None:
        return
    parts = leaves(table)
    if not parts and len(table.rows) == 1:
        return  # a one-row table (Shanghai's 三公) is its own total: nothing to add up
    departments = [row for row in table.rows if row["row_type"] == "department"]
    for name in _amount_columns(table):
        yield compare(
            f"table-total:{table.resource}:{name}",
            total_row.get(name),
            total(row.get(name) for row in parts),
            table.resource,
            total_row["source_line"],
            f"{table.title} {name} 合计 = Σ rows",
            tolerance=rounding_tolerance(table),
        )
        for dept in departments if parts and parts[0]["row_type"] != "department" else []:
            yield compare(
                f"department-total:{table.resource}:{dept.get('unit_code')}:{name}",
                total_row.get(name),
                dept.get(name),
                table.resource,
                dept["source_line"],
                f"{table.title} {name} department row = 合计",
            )


def _subtotals(table: Table) -> Iterator[Check | None]:
    key = next((f for f in CODE_FIELDS if f in table.fields), None)
    if key is None:
        return
    items = table.items()
    for row in table.rows:
        if row["row_type"] != "subtotal" or not row.get(key):
            continue
        code = row[key]
        children = [item for item in items if item[key] and item[key].startswith(code)]
        for name in _amount_columns(table):
            yield compare(
                f"subtotal:{table.resource}:{code}:{name}",
                row.get(name),
                total(child.get(name) for child in children),
                table.resource,
                row["source_line"],
                f"{table.title} {code} subtotal {name} = Σ items",
                tolerance=rounding_tolerance(table),
            )


def _expand(table: Table, parts: tuple[str, ...], depth: int = 0) -> list[str]:
    """The printed columns that make up `parts`: a part the table does not print stands for
    its own parts (本年收入 for its funds, 基本支出 for 人员经费 and 公用经费) when the table
    prints every one of them; else it is left out, as a blank column is."""
    found: list[str] = []
    for part in parts:
        if part in table.fields:
            found.append(part)
        elif depth < 3:
            found += _complete(table, part, depth)
    return found


def _complete(table: Table, part: str, depth: int) -> list[str]:
    for target, own in [*ROW_IDENTITIES.get(table.resource, ()), ("basic_total", _BASIC_PARTS)]:
        if target != part:
            continue
        inner = [p if p in table.fields else _complete(table, p, depth + 1) for p in own]
        if all(inner):
            return [q for p in inner for q in ([p] if isinstance(p, str) else p)]
    return []


def _row_identities(table: Table) -> Iterator[Check | None]:
    for row in table.rows:
        for target, parts in ROW_IDENTITIES.get(table.resource, ()):
            present = _expand(table, parts)
            if target not in table.fields or not present:
                continue
            if row.get(target) is None and all(row.get(p) is None for p in present):
                continue
            yield compare(
                f"row-sum:{table.resource}:{row['source_line']}:{target}",
                row.get(target),
                total(row.get(p) for p in present),
                table.resource,
                row["source_line"],
                f"{table.title} line {row['source_line']}: {target} = {' + '.join(present)}",
                tolerance=rounding_tolerance(table),
            )


def _amount_columns(table: Table) -> list[str]:
    skip = {"source_line"}
    return [
        name
        for name in table.fields
        if name not in skip and any(hasattr(row.get(name), "as_tuple") for row in table.rows)
    ]
