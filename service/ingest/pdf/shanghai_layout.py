"""The Shanghai version of the template: its table titles, and how its header labels map to fields.

Field names are the seed's wherever a column means the same thing, so packages from two
provinces combine; the tables whose columns differ have their own kinds, declared with every
other kind in service.ingest.layouts.
"""

from __future__ import annotations

# title (year, 部门/单位 and quotes removed) → the layout it fills (service.ingest.layouts:
# its resources, and its family, which says how the table is built)
TITLES: dict[str, str] = {
    "财务收支预算总表": "summary",
    "收入预算总表": "income_by_function",
    "支出预算总表": "expenditure",
    "财政拨款收支预算总表": "fiscal_summary",
    "一般公共预算支出功能分类预算表": "general_budget_expenditure",
    "政府性基金预算支出功能分类预算表": "government_fund_expenditure",
    "国有资本经营预算支出功能分类预算表": "state_capital_expenditure",
    "一般公共预算基本支出部门预算经济分类预算表": "general_budget_basic",
    "三公经费和机关运行经费预算表": "three_public_operating",
}
MANDATORY = (
    "summary",
    "income_by_function",
    "expenditure",
    "fiscal_summary",
    "general_budget_expenditure",
    "general_budget_basic",
    "three_public_operating",
)

# header label (the lowest header cell above a column, normalised) → field, per table kind
_FUNCTIONAL_CODES = {"类": "class", "款": "subclass", "项": "item"}
_SPENDING = {"合计": "total", "基本支出": "basic_total", "项目支出": "project_total"}
LABELS: dict[str, dict[str, str]] = {
    "income_by_function": {
        **_FUNCTIONAL_CODES,
        "功能分类科目名称": "name",
        "合计": "total",
        "财政拨款收入": "fiscal_appropriation",
        "事业收入": "business_income",
        "事业单位经营收入": "business_operating_income",
        "其他收入": "other_income",
    },
    "expenditure": {**_FUNCTIONAL_CODES, "功能分类科目名称": "name", **_SPENDING},
    "general_budget_basic": {
        "类": "class",
        "款": "subclass",
        "经济分类科目名称": "name",
        "合计": "total",
        "人员经费": "personnel",
        "公用经费": "public",
    },
    "three_public_operating": {
        "合计": "total",
        "因公出国(境)费": "overseas_travel",
        "公务接待费": "official_reception",
        "小计": "vehicles_total",
        "购置费": "vehicle_purchase",
        "运行费": "vehicle_operation",
        "机关运行经费预算数": "operating_costs",
    },
    "summary": {"项目": "item", "预算数": "amount"},
    "fiscal_summary": {
        "项目": "item",
        "预算数": "amount",
        "合计": "total",
        "一般公共预算": "general_public_budget",
        "政府性基金预算": "government_fund",
        "国有资本经营预算": "state_capital",
    },
}
for _kind in ("general_budget_expenditure", "government_fund_expenditure"):
    LABELS[_kind] = LABELS["expenditure"]
LABELS["state_capital_expenditure"] = LABELS["expenditure"]
