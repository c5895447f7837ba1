"""Table kinds and layouts other regions print, read from PDFs only (parser "pdf"): the
Shanghai district template's own kinds, the 收入总表 by function code, the 财政拨款 tables, and
the kinds the national template lists beyond its core (经济分类, 机关运行经费, …).
"""

from __future__ import annotations

from service.ingest.layout_columns import (
    BASIC_COLUMNS,
    BUSINESS_INCOME,
    BUSINESS_OPERATING_INCOME,
    EXPENDITURE_COLUMNS,
    INCOME_COLUMNS,
    OTHER_INCOME,
    REGIONAL_FUNCTIONAL_COLUMNS,
    THREE_PUBLIC_COLUMNS,
    amount,
)
from service.ingest.layout_identities import INCOME_IDENTITIES
from service.ingest.layout_kind import BASIC, FISCAL, THREE_PUBLIC, Layout

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
    implied=THREE_PUBLIC,
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
    implied=(FISCAL,),
    family="functional",
)
FISCAL_APPROPRIATIONBASIC = Layout(
    "fiscal_appropriation_basic",
    "财政拨款基本支出表",
    "Fiscal appropriation basic expenditure by economic classification",
    "pdf",
    tuple(BASIC_COLUMNS),
    fund_source="fiscal-appropriation",
    resources=("fiscal_appropriation_basic",),
    implied=(FISCAL, BASIC),
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
PDF_LAYOUTS: tuple[Layout, ...] = (
    INCOME_BY_FUNCTION_NATIONAL,
    INCOME_BY_FUNCTION,
    THREE_PUBLIC_OPERATING,
    FISCAL_APPROPRIATION_EXPENDITURE,
    FISCAL_APPROPRIATIONBASIC,
)
