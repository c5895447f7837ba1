"""The template's tables, one declaration per kind: resources, columns, row identities.

Every reader, the package writer (schemas, facts) and the audit read these declarations; a
table kind a region adds is a Layout here (its columns in service.ingest.layout_columns, its
title words in service.ingest.catalogue, which both the text and the PDF readers recognise
titles by), not code in each stage. Positions come from the template, not from the header lines, because PDF
extraction shifts merged header cells.
"""

from __future__ import annotations

from service.ingest.layout_columns import (
    BASIC_COLUMNS,
    ECONOMIC_SUMMARY_COLUMNS,
    EXPENDITURE_COLUMNS,
    FISCAL_EXPENDITURE_COLUMNS,
    FISCAL_INCOME_COLUMNS,
    INCOME_COLUMNS,
    OPERATING_COLUMNS,
    PROJECT_COLUMNS,
    PROJECT_PERFORMANCE_COLUMNS,
    SUMMARY_EXPENDITURE_COLUMNS,
    SUMMARY_INCOME_COLUMNS,
    THREE_PUBLIC_COLUMNS,
    Column,
    amount,
)
from service.ingest.layout_columns_pdf import (
    FUND_COLUMNS,
    REGIONAL_FUNCTIONAL_COLUMNS,
    REGIONAL_INCOME_COLUMNS,
    REGIONAL_THREE_PUBLIC_COLUMNS,
)
from service.ingest.layout_identities import (
    BASIC_IDENTITIES,
    ECONOMIC_SUMMARY_IDENTITIES,
    EXPENDITURE_IDENTITIES,
    FISCAL_EXPENDITURE_IDENTITIES,
    INCOME_IDENTITIES,
    OPERATING_IDENTITIES,
    PROJECT_IDENTITIES,
    PROJECT_PERFORMANCE_IDENTITIES,
    THREE_PUBLIC_IDENTITIES,
)
from service.ingest.layout_kind import BASIC, GPB, THREE_PUBLIC, Layout
from service.ingest.layouts_pdf import PDF_LAYOUTS

_PROJECT_FIELDS = {column.name for column in PROJECT_COLUMNS}

__all__ = ["LAYOUTS", "TEXT_LAYOUTS", "Column", "Layout", "amount", "layout_by_kind"]


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "summary",
        "部门收支预算总表",
        "Department income and expenditure summary",
        "two_sided",
        tuple(SUMMARY_INCOME_COLUMNS),
        tuple(SUMMARY_EXPENDITURE_COLUMNS),
        True,
        resources=("summary_income", "summary_expenditure"),
        family="two_sided",
    ),
    Layout(
        "income",
        "部门收入预算表",
        "Department income budget",
        "coded",
        tuple(INCOME_COLUMNS),
        mandatory=True,
        resources=("income",),
        identities=INCOME_IDENTITIES,
        extra_columns=REGIONAL_INCOME_COLUMNS,
        family="by_unit",
    ),
    Layout(
        "expenditure",
        "部门支出预算表",
        "Department expenditure budget",
        "functional",
        tuple(EXPENDITURE_COLUMNS),
        mandatory=True,
        resources=("expenditure",),
        identities=EXPENDITURE_IDENTITIES,
        family="functional",
        extra_columns=REGIONAL_FUNCTIONAL_COLUMNS,
    ),
    Layout(
        "fiscal_summary",
        "财政拨款收支预算表",
        "Fiscal appropriation income and expenditure",
        "two_sided",
        tuple(FISCAL_INCOME_COLUMNS),
        tuple(FISCAL_EXPENDITURE_COLUMNS),
        True,
        resources=("fiscal_summary_income", "fiscal_summary_expenditure"),
        identities=FISCAL_EXPENDITURE_IDENTITIES,
        family="two_sided",
    ),
    Layout(
        "general_budget_expenditure",
        "一般公共预算支出预算表",
        "General public budget expenditure",
        "functional",
        tuple(EXPENDITURE_COLUMNS),
        mandatory=True,
        fund_source="general-public-budget",
        resources=("general_budget_expenditure",),
        identities=EXPENDITURE_IDENTITIES,
        implied=(GPB,),
        family="functional",
        extra_columns=REGIONAL_FUNCTIONAL_COLUMNS,
    ),
    Layout(
        "general_budget_basic",
        "一般公共预算基本支出预算表",
        "General public budget basic expenditure by economic classification",
        "economic",
        tuple(BASIC_COLUMNS),
        mandatory=True,
        fund_source="general-public-budget",
        resources=("general_budget_basic_expenditure",),
        identities=BASIC_IDENTITIES,
        implied=(GPB, BASIC),
        family="economic",
    ),
    Layout(
        "economic_summary",
        "支出经济分类汇总表",
        "Expenditure by economic classification",
        "economic_split",
        tuple(ECONOMIC_SUMMARY_COLUMNS),
        resources=("economic_classification_summary",),
        identities=ECONOMIC_SUMMARY_IDENTITIES,
    ),
    Layout(
        "three_public",
        "一般公共预算“三公”经费预算表",
        "General public budget 'three public' expenses",
        "flat",
        tuple(THREE_PUBLIC_COLUMNS),
        mandatory=True,
        fund_source="general-public-budget",
        resources=("three_public_expenses",),
        identities=THREE_PUBLIC_IDENTITIES,
        implied=THREE_PUBLIC,
        family="by_unit",
        also=("vertical",),
        extra_columns=REGIONAL_THREE_PUBLIC_COLUMNS,
    ),
    Layout(
        "government_fund_expenditure",
        "政府性基金支出预算表",
        "Government fund expenditure",
        "functional",
        tuple(EXPENDITURE_COLUMNS),
        fund_source="government-fund",
        resources=("government_fund_expenditure",),
        identities=EXPENDITURE_IDENTITIES,
        implied=(("fund", "government-fund"),),
        family="functional",
        extra_columns=REGIONAL_FUNCTIONAL_COLUMNS,
    ),
    Layout(
        "state_capital_expenditure",
        "国有资本经营支出预算表",
        "State capital operating budget expenditure",
        "functional",
        tuple(EXPENDITURE_COLUMNS),
        fund_source="state-capital",
        resources=("state_capital_expenditure",),
        identities=EXPENDITURE_IDENTITIES,
        implied=(("fund", "state-capital"),),
        family="functional",
        extra_columns=REGIONAL_FUNCTIONAL_COLUMNS,
    ),
    Layout(
        "operating_expenses",
        "行政（事业）单位机构运转经费预算表",
        "Institutional operating expenses",
        "operating",
        tuple(OPERATING_COLUMNS),
        resources=("operating_expenses",),
        identities=OPERATING_IDENTITIES,
    ),
    Layout(
        "projects",
        "项目支出预算表",
        "Project expenditure",
        "projects",
        tuple(PROJECT_COLUMNS),
        resources=("project_expenditure",),
        identities=PROJECT_IDENTITIES,
        catalogue="project_expenditure",
        extra_columns=tuple(c for c in FUND_COLUMNS if c.name not in _PROJECT_FIELDS),
        family="records",
    ),
    Layout(
        "department_performance",
        "部门（单位）整体绩效目标表",
        "Department performance targets",
        "department_performance",
        resources=("department_performance_indicators", "department_tasks"),
    ),
    Layout(
        "project_performance",
        "部门预算项目绩效目标表",
        "Project performance targets",
        "project_performance",
        tuple(PROJECT_PERFORMANCE_COLUMNS),
        resources=("project_performance", "project_performance_indicators"),
        identities=PROJECT_PERFORMANCE_IDENTITIES,
    ),
)


def layout_by_kind(kind: str) -> Layout:
    """The layout declared for a kind of table."""
    return next(layout for layout in LAYOUTS if layout.kind == kind)


def readings(title_kind: str) -> tuple[tuple[Layout, str], ...]:
    """The (layout, family) readings the national PDF reader tries, in order, for a table whose
    title names the catalogue kind `title_kind` (收入总表: by unit, then by function code)."""
    own = [layout for layout in LAYOUTS if layout.title_kind == title_kind]
    other = [layout for layout in LAYOUTS if title_kind in layout.read_for]
    return tuple(
        (layout, family)
        for layout in (*own, *other)
        if layout.family and layout.national
        for family in (layout.family, *layout.also)
    )


LAYOUTS = LAYOUTS + PDF_LAYOUTS


def _text_layouts() -> dict[str, Layout]:
    """Catalogue kind → the layout a text document's table of that kind fills: the one with a
    text row builder (the others of a kind differ by header, which only PDFs are read by)."""
    found: dict[str, Layout] = {}
    for layout in LAYOUTS:
        if layout.parser != "pdf":
            if layout.title_kind in found:  # a declaration error: say it at import
                raise ValueError(f"two text layouts of catalogue kind {layout.title_kind}")
            found[layout.title_kind] = layout
    return found


TEXT_LAYOUTS = _text_layouts()
