"""The template's tables, one declaration per kind: resources, columns, row identities.

Every reader, the package writer (schemas, facts) and the audit read these declarations; a
table kind a region adds is a Layout here (its columns in service.ingest.layout_columns, its
title words in service.ingest.catalogue, which both the text and the PDF readers recognise
titles by), not code in each stage. Positions come from the template, not from the header lines, because PDF
extraction shifts merged header cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from service.ingest.layout_columns import (
    BASIC_COLUMNS,
    BUSINESS_INCOME,
    BUSINESS_OPERATING_INCOME,
    ECONOMIC_SUMMARY_COLUMNS,
    EXPENDITURE_COLUMNS,
    FISCAL_EXPENDITURE_COLUMNS,
    FISCAL_INCOME_COLUMNS,
    INCOME_COLUMNS,
    OPERATING_COLUMNS,
    OTHER_INCOME,
    PROJECT_COLUMNS,
    PROJECT_PERFORMANCE_COLUMNS,
    REGIONAL_FUNCTIONAL_COLUMNS,
    REGIONAL_THREE_PUBLIC_COLUMNS,
    SUMMARY_EXPENDITURE_COLUMNS,
    SUMMARY_INCOME_COLUMNS,
    THREE_PUBLIC_COLUMNS,
    Column,
    amount,
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
    Identity,
)

__all__ = ["LAYOUTS", "TEXT_LAYOUTS", "Column", "Layout", "amount", "layout_by_kind"]


_GPB = ("fund", "general-public-budget")
_FISCAL = ("fund", "fiscal-appropriation")
_BASIC = ("spending", "basic")
_THREE_PUBLIC = (("expense", "three-public"), _GPB, _FISCAL)


@dataclass(frozen=True)
class Layout:
    """A table kind of the template: its resources, columns and row identities.

    Its title is not declared here: the catalogue (service.ingest.catalogue) holds every kind's
    title words, for the text and the PDF readers alike, and `catalogue` links the two.
    """

    kind: str
    title_zh: str
    title_en: str
    parser: str  # name of the row builder in service.ingest.rows ("pdf": read from PDFs only)
    columns: tuple[Column, ...] = ()
    right_columns: tuple[Column, ...] = ()  # the expenditure side of a two-sided table
    mandatory: bool = False
    fund_source: str = "all"  # fund source every amount of the table belongs to
    resources: tuple[str, ...] = field(default=())
    # columns other regions print in this kind of table (read from PDFs, never from text)
    extra_columns: tuple[Column, ...] = field(default=())
    identities: tuple[Identity, ...] = field(default=())  # hold in every resource's rows
    # the catalogue kind whose title words name this table, where it is not `kind`; the
    # layouts of one catalogue kind are told apart by their header (income by unit or by
    # function code), which only the PDF readers see
    catalogue: str = ""
    # dimension values every column of the kind has (service.ingest.header_terms), which its
    # headers may print or not: 一般公共预算 in a 一般公共预算支出表, 三公 in the 三公 table
    implied: tuple[tuple[str, str], ...] = field(default=())
    # how a PDF prints it, which says which reader reads it (service.ingest.pdf.readings):
    # two_sided (收入 left, 支出 right), by_unit (a row per unit, amounts across), functional
    # (功能分类 rows), economic (经济分类 rows); "" for a kind no PDF reader types
    family: str = ""
    also: tuple[str, ...] = ()  # other families regions print it in (三公 as a vertical list)
    national: bool = True  # read by the national reader (False: by its own template's only)

    @property
    def title_kind(self) -> str:
        """The catalogue kind whose title words name this table."""
        return self.catalogue or self.kind


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
        implied=(_GPB,),
        family="functional",
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
        implied=(_GPB, _BASIC),
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
        implied=_THREE_PUBLIC,
        family="by_unit",
        also=("vertical",),
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

_FUNCTIONAL_KINDS = (
    "expenditure",
    "general_budget_expenditure",
    "government_fund_expenditure",
    "state_capital_expenditure",
)
LAYOUTS = tuple(
    replace(layout, extra_columns=REGIONAL_FUNCTIONAL_COLUMNS)
    if layout.kind in _FUNCTIONAL_KINDS
    else replace(layout, extra_columns=REGIONAL_THREE_PUBLIC_COLUMNS)
    if layout.kind == "three_public"
    else layout
    for layout in LAYOUTS
)


def layout_by_kind(kind: str) -> Layout:
    """The layout declared for a kind of table."""
    return next(layout for layout in LAYOUTS if layout.kind == kind)


def readings(title_kind: str) -> tuple[tuple[Layout, str], ...]:
    """The (layout, family) readings the national PDF reader tries, in order, for a table whose
    title names the catalogue kind `title_kind` (收入总表: by unit, then by function code)."""
    return tuple(
        (layout, family)
        for layout in LAYOUTS
        if layout.title_kind == title_kind and layout.family and layout.national
        for family in (layout.family, *layout.also)
    )


# Tables of other provinces' templates (the Shanghai district template's own kinds): known by
# kind to the PDF readers, the package writer and the audit, never read from text (parser "pdf").

INCOME_BY_FUNCTION = Layout(
    "income_by_function",
    "收入预算总表",
    "Income budget by functional classification",
    "pdf",
    (
        amount("total", "合计", fund_source="all"),
        amount("fiscal_appropriation", "财政拨款收入", fund_source="fiscal-appropriation"),
        BUSINESS_INCOME,
        BUSINESS_OPERATING_INCOME,
        OTHER_INCOME,
    ),
    resources=("income",),
    catalogue="income",
    family="functional",
    national=False,
)
THREE_PUBLIC_OPERATING = Layout(
    "three_public_operating",
    "“三公”经费和机关运行经费预算表",
    "'Three public' expenses and institutional running costs",
    "pdf",
    (
        *THREE_PUBLIC_COLUMNS,
        amount("operating_costs", "机关运行经费预算数", "机关运行经费", expenditure_type="public"),
    ),
    fund_source="general-public-budget",
    resources=("three_public_expenses",),
    catalogue="three_public",
    implied=_THREE_PUBLIC,
    family="by_unit",
    national=False,
)
FISCAL_APPROPRIATION_EXPENDITURE = Layout(
    "fiscal_appropriation_expenditure",
    "财政拨款支出表",
    "Fiscal appropriation expenditure by function",
    "pdf",
    tuple(EXPENDITURE_COLUMNS),
    fund_source="fiscal-appropriation",
    resources=("fiscal_appropriation_expenditure",),
    extra_columns=REGIONAL_FUNCTIONAL_COLUMNS,
    implied=(_FISCAL,),
    family="functional",
)
FISCAL_APPROPRIATION_BASIC = Layout(
    "fiscal_appropriation_basic",
    "财政拨款基本支出表",
    "Fiscal appropriation basic expenditure by economic classification",
    "pdf",
    tuple(BASIC_COLUMNS),
    fund_source="fiscal-appropriation",
    resources=("fiscal_appropriation_basic",),
    implied=(_FISCAL, _BASIC),
    family="economic",
)
# The national 收入总表 as many regions print it (烟台, 长沙): the funds across and 功能分类
# rows down, where the template's 收入总表 has a row per unit. 财政拨款 here is every
# appropriation (一般公共预算 + 政府性基金 + 国有资本), not the 其中 of the by-unit table.
INCOME_BY_FUNCTION_NATIONAL = Layout(
    "income_by_function_national",
    "部门收入总表（按功能分类科目）",
    "Department income by functional classification",
    "pdf",
    (
        amount("total", "合计", fund_source="all"),
        amount("current_total", "本年收入·合计", "本年收入", fund_source="current-year"),
        amount("fiscal_appropriation", "财政拨款收入", fund_source="fiscal-appropriation"),
        amount(
            "funding_appropriation",
            "财政拨款·其中：经费拨款",
            "经费拨款",
            fund_source="general-public-budget",
        ),
        *(
            column
            for column in INCOME_COLUMNS
            if column.kind == "amount"
            and column.name not in ("total", "current_total", "fiscal_appropriation")
        ),
        amount("non_fiscal_balance", "使用非财政拨款结余", fund_source="unit-funds"),
    ),
    resources=("income_by_function",),
    identities=(
        ("total", ("current_total", "non_fiscal_balance", "carry_over_total")),
        (
            "current_total",
            (
                "fiscal_appropriation",
                "fiscal_special_account",
                "business_income",
                "business_operating_income",
                "superior_subsidy",
                "subordinate_remittance",
                "other_income",
            ),
        ),
        ("fiscal_appropriation", ("general_public_budget", "government_fund", "state_capital")),
        INCOME_IDENTITIES[2],  # the carry-over's parts
    ),
    catalogue="income",
    family="functional",
)
OTHER_TEMPLATE_LAYOUTS: tuple[Layout, ...] = (
    INCOME_BY_FUNCTION_NATIONAL,
    INCOME_BY_FUNCTION,
    THREE_PUBLIC_OPERATING,
    FISCAL_APPROPRIATION_EXPENDITURE,
    FISCAL_APPROPRIATION_BASIC,
)

LAYOUTS = LAYOUTS + OTHER_TEMPLATE_LAYOUTS


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
