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
    SUMMARY_EXPENDITURE_COLUMNS,
    SUMMARY_INCOME_COLUMNS,
    THREE_PUBLIC_COLUMNS,
    amount,
)
from service.ingest.layout_columns_pdf import (
    ECONOMIC_LEADING,
    ECONOMIC_SPENDING_COLUMNS,
    FUND_COLUMNS,
    MEETING_TRAINING_COLUMNS,
    PERFORMANCE_BUDGET_COLUMNS,
    PERFORMANCE_TARGET_COLUMNS,
    REGIONAL_FUNCTIONAL_COLUMNS,
)
from service.ingest.layout_identities import (
    ECONOMIC_SPENDING_IDENTITIES,
    FUND_IDENTITIES,
    INCOME_IDENTITIES,
    MEETING_TRAINING_IDENTITIES,
)
from service.ingest.layout_kind import BASIC, FISCAL, GPB, PROJECT, THREE_PUBLIC, Layout

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
FISCAL_APPROPRIATION_BASIC = Layout(
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
# the kinds the national template lists beyond its core, as regions print them
GENERAL_BUDGET_ECONOMIC = Layout(
    "general_budget_economic",
    "一般公共预算支出表（按经济分类）",
    "General public budget expenditure by economic classification",
    "pdf",
    tuple(ECONOMIC_SPENDING_COLUMNS),
    fund_source="general-public-budget",
    resources=("general_budget_economic_expenditure",),
    identities=ECONOMIC_SPENDING_IDENTITIES,
    implied=(GPB,),
    family="economic",
)
GENERAL_BUDGET_PROJECT_ECONOMIC = Layout(
    "general_budget_project_economic",
    "一般公共预算项目支出表（按经济分类）",
    "General public budget project expenditure by economic classification",
    "pdf",
    (*ECONOMIC_LEADING, amount("total", "项目支出", expenditure_type="project")),
    fund_source="general-public-budget",
    resources=("general_budget_project_economic_expenditure",),
    implied=(GPB, PROJECT),
    family="economic",
)
BASIC_EXPENDITURE = Layout(
    "basic_expenditure",
    "基本支出预算表",
    "Basic expenditure by economic classification and fund source",
    "pdf",
    (
        *ECONOMIC_LEADING,
        amount("total", "合计", expenditure_type="basic", fund_source="all"),
        amount("personnel", "人员经费", expenditure_type="personnel"),
        amount("public", "公用经费", expenditure_type="public"),
        *FUND_COLUMNS,
    ),
    resources=("basic_expenditure",),
    identities=FUND_IDENTITIES,
    implied=(BASIC,),
    family="economic",
)
OPERATING_COSTS = Layout(
    "operating_costs",
    "机关运行经费支出表",
    "Institutional running costs by economic classification",
    "pdf",
    (*ECONOMIC_LEADING, amount("total", "机关运行经费", expenditure_type="public")),
    fund_source="general-public-budget",
    resources=("operating_costs",),
    implied=(GPB, ("expense", "operating-costs")),
    family="economic",
)
# 一般公共预算基本支出表 by function (西安 表7): 功能分类 rows, 人员经费 and 公用经费 across
GENERAL_BUDGET_BASIC_BY_FUNCTION = Layout(
    "general_budget_basic_by_function",
    "一般公共预算基本支出表（按功能分类）",
    "General public budget basic expenditure by functional classification",
    "pdf",
    (
        amount("total", "合计", expenditure_type="basic"),
        amount("basic_personnel", "人员经费", expenditure_type="personnel"),
        amount("basic_public", "公用经费", expenditure_type="public"),
    ),
    fund_source="general-public-budget",
    resources=("general_budget_basic_by_function",),
    identities=(("total", ("basic_personnel", "basic_public")),),
    catalogue="general_budget_basic",
    implied=(GPB, BASIC),
    family="functional",
)
MEETING_TRAINING = Layout(
    "meeting_training",
    "会议费、培训费支出表",
    "'Three public' expenses, meeting and training expenses",
    "pdf",
    tuple(MEETING_TRAINING_COLUMNS),
    fund_source="general-public-budget",
    resources=("meeting_training_expenses",),
    identities=MEETING_TRAINING_IDENTITIES,
    implied=(GPB, FISCAL),
    family="by_unit",
    also=("vertical",),
    read_for=("three_public",),
)
# 政府性基金收支表 (西安 表9): the fund's income left, its spending right, as a 收支总表 prints them
GOVERNMENT_FUND_SUMMARY = Layout(
    "government_fund_summary",
    "政府性基金收支表",
    "Government fund income and expenditure",
    "pdf",
    tuple(SUMMARY_INCOME_COLUMNS),
    tuple(SUMMARY_EXPENDITURE_COLUMNS),
    fund_source="government-fund",
    resources=("summary_government_fund_income", "summary_government_fund_expenditure"),
    catalogue="government_fund_expenditure",
    family="two_sided",
)
# tables of records (service.ingest.pdf.records): a row per purchase, service or project
_RECORD_AMOUNTS = (amount("total", "合计", fund_source="all"), *FUND_COLUMNS)
GOVERNMENT_PROCUREMENT = Layout(
    "government_procurement",
    "政府采购预算明细表",
    "Government procurement budget",
    "pdf",
    _RECORD_AMOUNTS,
    resources=("government_procurement",),
    identities=FUND_IDENTITIES,
    implied=(("procurement", "procurement"),),
    family="functional",
    also=("records",),
)
PURCHASED_SERVICES = Layout(
    "purchased_services",
    "政府购买服务预算明细表",
    "Government-purchased services",
    "pdf",
    _RECORD_AMOUNTS,
    resources=("purchased_services",),
    identities=FUND_IDENTITIES,
    family="records",
)
CARRY_OVER_EXPENDITURE = Layout(
    "carry_over_expenditure",
    "财政拨款上年结转资金支出表",
    "Expenditure of funds carried over from the previous year",
    "pdf",
    _RECORD_AMOUNTS,
    fund_source="carry-over",
    resources=("carry_over_expenditure",),
    identities=FUND_IDENTITIES,
    family="functional",
    also=("records",),
)
# 绩效目标 tables: forms (pdf/forms.py), else lists of projects with their goals (records)
PROJECT_TARGETS = Layout(
    "project_targets",
    "项目支出绩效目标表",
    "Project performance targets: each project's funds and goal, each indicator and its target",
    "pdf",
    tuple(PERFORMANCE_BUDGET_COLUMNS),
    resources=("project_performance_budgets", "project_performance_targets"),
    extra_columns=PERFORMANCE_TARGET_COLUMNS,
    catalogue="project_performance",
    family="form",
    repeated=True,
)
PROJECT_GOALS = Layout(
    "project_goals",
    "项目支出绩效表",
    "Projects with their amounts and performance goals",
    "pdf",
    _RECORD_AMOUNTS,
    resources=("project_performance_goals",),
    identities=FUND_IDENTITIES,
    catalogue="project_performance",
    family="records",
)
DEPARTMENT_TARGETS = Layout(
    "department_targets",
    "部门整体支出绩效目标表",
    "Department-wide performance targets: its funds and goal, each indicator and its target",
    "pdf",
    tuple(PERFORMANCE_BUDGET_COLUMNS),
    resources=("department_performance_budgets", "department_performance_targets"),
    extra_columns=PERFORMANCE_TARGET_COLUMNS,
    catalogue="department_performance",
    family="form",
    repeated=True,
)
PDF_LAYOUTS: tuple[Layout, ...] = (
    INCOME_BY_FUNCTION_NATIONAL,
    INCOME_BY_FUNCTION,
    THREE_PUBLIC_OPERATING,
    FISCAL_APPROPRIATION_EXPENDITURE,
    FISCAL_APPROPRIATION_BASIC,
    GENERAL_BUDGET_ECONOMIC,
    GENERAL_BUDGET_PROJECT_ECONOMIC,
    BASIC_EXPENDITURE,
    OPERATING_COSTS,
    MEETING_TRAINING,
    GENERAL_BUDGET_BASIC_BY_FUNCTION,
    GOVERNMENT_FUND_SUMMARY,
    GOVERNMENT_PROCUREMENT,
    PURCHASED_SERVICES,
    CARRY_OVER_EXPENDITURE,
    PROJECT_TARGETS,
    PROJECT_GOALS,
    DEPARTMENT_TARGETS,
)
