"""The columns the template's tables publish: names, titles, header keywords and facets.

Each table kind (service.ingest.layouts) lists its columns in template order with a header
keyword. A keyword that is missing from an optional column's header drops that column (a
政府性基金 table has no 特定目标类); a missing required keyword means the header is garbled.
The facets say how an amount in the column is classified when the table becomes a cube.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    kind: str = "amount"  # amount | code | text
    keyword: str | None = None  # header text that proves the column is there
    optional: bool = False
    description: str = ""
    # facts: how an amount in this column is classified when the table becomes a cube
    expenditure_type: str | None = None
    fund_source: str | None = None
    economic_class: str | None = None
    in_cube: bool = True  # False: not an amount of the document's year (a prior-year column)
    part_of: str | None = None  # a generated column: the column it is one part of


def amount(name: str, title: str, keyword: str | None = None, **facets: str | bool) -> Column:
    """An amount column: its field name, its title and the keyword that finds it in a header (the
    title by default), with its facets.
    """
    return Column(name, title, "amount", keyword or title, **facets)  # type: ignore[arg-type]


# the income columns printed alike wherever a table splits income by source (部门收入预算表,
# 支出经济分类汇总表, the Shanghai template's 收入预算总表)
BUSINESS_INCOME = amount("business_income", "事业收入", fund_source="business-income")
BUSINESS_OPERATING_INCOME = amount(
    "business_operating_income", "事业单位经营收入", fund_source="business-operating-income"
)
SUPERIOR_SUBSIDY = amount("superior_subsidy", "上级补助收入", fund_source="superior-subsidy")
SUBORDINATE_REMITTANCE = amount(
    "subordinate_remittance", "附属单位上缴收入", fund_source="subordinate-remittance"
)
OTHER_INCOME = amount("other_income", "其他收入", fund_source="other-income")


# 部门支出预算表 and its siblings: 功能分类 rows split into 类/款/项, basic and project spending.
EXPENDITURE_COLUMNS = [
    Column("functional_class", "类", "code", "类"),
    Column("functional_subclass", "款", "code", "款"),
    Column("functional_item", "项", "code", "项"),
    Column("unit_code", "单位代码", "code", "单位代码"),
    Column("name", "单位（科目名称）", "text", "科目名称"),
    amount("total", "合计", expenditure_type="all"),
    amount("basic_total", "基本支出", expenditure_type="basic"),
    amount(
        "basic_personnel_wages",
        "人员经费·工资福利支出",
        "工资福利支出",
        expenditure_type="personnel",
        economic_class="301",
    ),
    amount(
        "basic_personnel_household",
        "人员经费·对个人和家庭的补助",
        "对个人和家庭的补助",
        expenditure_type="personnel",
        economic_class="303",
    ),
    amount(
        "basic_public_goods_services",
        "公用经费·商品和服务支出",
        "商品和服务支出",
        expenditure_type="public",
        economic_class="302",
    ),
    amount(
        "basic_public_capital",
        "公用经费·资本性支出",
        "资本性支出",
        expenditure_type="public",
        economic_class="310",
    ),
    amount("project_total", "项目支出", expenditure_type="project"),
    amount("project_operating", "项目支出·其他运转类", "其他运转类", expenditure_type="operating"),
    amount(
        "project_specific",
        "项目支出·特定目标类",
        "特定目标类",
        optional=True,
        expenditure_type="specific",
    ),
]

# the appropriations as the 收入, 经济分类汇总 and 财政拨款收支 tables print them alike
APPROPRIATION_COLUMNS = (
    amount(
        "general_public_budget",
        "一般公共预算·小计",
        "一般公共预算",
        fund_source="general-public-budget",
    ),
    amount(
        "fiscal_appropriation",
        "一般公共预算·其中：财政拨款",
        "财政拨款",
        fund_source="fiscal-appropriation",
    ),
    amount("government_fund", "政府性基金", fund_source="government-fund"),
    amount("state_capital", "国有资本经营预算", fund_source="state-capital"),
)

INCOME_COLUMNS = [
    Column("unit_code", "部门（单位）代码", "code", "代码"),
    Column("name", "部门（单位）名称", "text", "名称"),
    amount("total", "总计", fund_source="all"),
    amount("current_total", "本年收入·合计", "本年收入", fund_source="current-year"),
    *APPROPRIATION_COLUMNS,
    amount(
        "fiscal_special_account",
        "财政专户管理资金收入",
        "财政专户管理资金",
        fund_source="fiscal-special-account",
    ),
    BUSINESS_INCOME,
    BUSINESS_OPERATING_INCOME,
    SUPERIOR_SUBSIDY,
    SUBORDINATE_REMITTANCE,
    OTHER_INCOME,
    amount("carry_over_total", "上年结转结余·合计", "上年结转", fund_source="carry-over"),
    amount(
        "carry_over_general_public_budget",
        "上年结转结余·一般公共预算",
        "一般公共预算",
        fund_source="carry-over-general-public-budget",
    ),
    amount(
        "carry_over_government_fund",
        "上年结转结余·政府性基金",
        "政府性基金",
        fund_source="carry-over-government-fund",
    ),
    amount(
        "carry_over_state_capital",
        "上年结转结余·国有资本经营预算",
        "国有资本经营预算",
        fund_source="carry-over-state-capital",
    ),
    amount(
        "carry_over_fiscal_special_account",
        "上年结转结余·财政专户管理资金",
        "财政专户管理资金",
        fund_source="carry-over-fiscal-special-account",
    ),
    amount(
        "carry_over_unit_funds",
        "上年结转结余·单位资金",
        "单位资金",
        fund_source="carry-over-unit-funds",
    ),
]

BASIC_COLUMNS = [
    Column("economic_departmental_code", "部门预算支出经济分类科目编码", "code", "科目编码"),
    Column("economic_departmental_name", "部门预算支出经济分类科目名称", "text", "科目名称"),
    Column("economic_government_code", "政府预算支出经济分类科目编码", "code", "政府预算"),
    Column("economic_government_name", "政府预算支出经济分类科目名称", "text", "科目名称"),
    amount("total", "合计", expenditure_type="basic"),
    amount("personnel", "人员经费", expenditure_type="personnel"),
    amount("public", "公用经费", expenditure_type="public"),
]

ECONOMIC_SUMMARY_COLUMNS = [
    Column("economic_departmental_class", "部门预算经济分类·类", "code", "部门预算经济分类"),
    Column("economic_departmental_subclass", "部门预算经济分类·款", "code", "款"),
    Column("economic_departmental_name", "部门预算经济分类·科目名称", "text", "科目名称"),
    Column("economic_government_class", "政府预算经济分类·类", "code", "政府预算经济分类"),
    Column("economic_government_subclass", "政府预算经济分类·款", "code", "款"),
    Column("economic_government_name", "政府预算经济分类·科目名称", "text", "科目名称"),
    amount("total", "总计", fund_source="all"),
    *APPROPRIATION_COLUMNS,
    amount("carry_over", "上年结转结余", "上年结转", fund_source="carry-over"),
    amount(
        "fiscal_special_account",
        "财政专户管理资金收入",
        "财政专户管理资金",
        fund_source="fiscal-special-account",
    ),
    BUSINESS_INCOME,
    SUPERIOR_SUBSIDY,
    SUBORDINATE_REMITTANCE,
    BUSINESS_OPERATING_INCOME,
    OTHER_INCOME,
]


THREE_PUBLIC_ITEMS = [
    amount("overseas_travel", "因公出国（境）费", "因公出国"),
    amount("vehicles_total", "公务用车购置及运行费·小计", "公务用车购置及运行费"),
    amount("vehicle_purchase", "公务用车购置费", "公务用车购置费"),
    amount("vehicle_operation", "公务用车运行费", "公务用车运行"),
    amount("official_reception", "公务接待费", "公务接待费"),
]
THREE_PUBLIC_COLUMNS = [
    amount("total", "“三公”经费合计", "合计", expenditure_type="all"),
    *THREE_PUBLIC_ITEMS,
]

OPERATING_COLUMNS = [
    Column("economic_departmental_code", "单位代码（经济分类科目编码）", "code", "单位代码"),
    Column("name", "单位（科目名称）", "text", "科目名称"),
    Column("category", "项目类别", "text", "项目类别"),
    amount("total", "合计", fund_source="all"),
    amount(
        "general_public_budget_total",
        "一般公共预算资金·小计",
        "一般公共预算资金",
        fund_source="general-public-budget",
    ),
    amount(
        "fiscal_appropriation",
        "一般公共预算资金·财政拨款",
        "财政拨款",
        fund_source="fiscal-appropriation",
    ),
    amount(
        "administrative_fees",
        "纳入预算管理的行政事业性收费",
        "行政事业性收费",
        fund_source="administrative-fees",
    ),
    amount("special_revenue", "专项收入", fund_source="special-revenue"),
    amount(
        "state_asset_income",
        "国有资产资源有偿使用收入",
        "国有资产资源有偿使用收入",
        fund_source="state-asset-income",
    ),
    amount(
        "other_general_public_budget", "其他一般公共预算资金", fund_source="other-general-budget"
    ),
    amount("general_bonds", "一般债券", fund_source="general-bonds"),
    amount(
        "government_fund_total",
        "政府性基金预算资金·小计",
        "政府性基金预算资金",
        fund_source="government-fund",
    ),
    amount("government_fund_budget", "政府基金预算资金", fund_source="government-fund-budget"),
    amount("special_bonds", "专项债券", fund_source="special-bonds"),
    amount("state_capital", "国有资本经营预算", "国有", fund_source="state-capital"),
    amount(
        "fiscal_special_account",
        "财政专户管理资金收入",
        "专户管理",
        fund_source="fiscal-special-account",
    ),
    amount("unit_funds_total", "单位资金·小计", "单位资金", fund_source="unit-funds"),
    amount("business_income", "事业收入资金", "事业收入", fund_source="business-income"),
    amount("superior_subsidy", "上级补助收入资金", "上级补助收入", fund_source="superior-subsidy"),
    amount(
        "subordinate_remittance",
        "附属单位上缴收入资金",
        "附属单位上缴收入",
        fund_source="subordinate-remittance",
    ),
    amount(
        "business_operating_income",
        "事业单位经营收入资金",
        "事业单位经营收入",
        fund_source="business-operating-income",
    ),
    amount("other_income", "其他收入资金", "其他收入", fund_source="other-income"),
    amount(
        "general_transfer",
        "一般性转移支付资金",
        "一般性转移支付",
        optional=True,
        fund_source="general-transfer",
    ),
    amount(
        "carry_over_fiscal", "财政性资金结余结转", "财政性资金结余结转", fund_source="carry-over"
    ),
    amount(
        "carry_over_fiscal_special_account",
        "财政专户管理资金收入结余结转",
        "专户管理资金收入余结转",
        fund_source="carry-over-fiscal-special-account",
    ),
    amount(
        "carry_over_unit_funds",
        "单位资金结余结转",
        "单位金余结转",
        fund_source="carry-over-unit-funds",
    ),
]

PROJECT_COLUMNS = [
    Column("project_type", "类型", "text", "类型"),
    Column("project_name", "项目名称", "text", "项目名称"),
    Column("project_unit", "项目单位", "text", "项目单位"),
    amount("total", "合计", expenditure_type="project", fund_source="all"),
    amount(
        "general_public_budget",
        "本年拨款·一般公共预算",
        "本年拨款",
        fund_source="general-public-budget",
    ),
    amount(
        "government_fund",
        "本年拨款·政府性基金预算",
        "政府性基金预算",
        fund_source="government-fund",
    ),
    amount(
        "state_capital",
        "本年拨款·国有资本经营预算",
        "国有资本经营预算",
        fund_source="state-capital",
    ),
    amount(
        "carry_over_general_public_budget",
        "财政拨款结转结余·一般公共预算",
        "结转结余",
        fund_source="carry-over-general-public-budget",
    ),
    amount(
        "carry_over_government_fund",
        "财政拨款结转结余·政府性基金预算",
        "政府性基金预算",
        fund_source="carry-over-government-fund",
    ),
    amount(
        "carry_over_state_capital",
        "财政拨款结转结余·国有资本经营预算",
        "国有资本经营预算",
        fund_source="carry-over-state-capital",
    ),
    amount("fiscal_special_account", "财政专户管理资金", fund_source="fiscal-special-account"),
    amount("unit_funds", "单位资金", fund_source="unit-funds"),
]

PROJECT_PERFORMANCE_COLUMNS = [
    Column("project_code", "单位编码（项目编码）", "code", "编码"),
    Column("project_name", "项目单位（项目名称）", "text", "项目名称"),
    Column("project_type", "项目分类", "text", "项目分类"),
    amount("total", "项目金额·资金总额", "资金总额", expenditure_type="project", fund_source="all"),
    amount(
        "government_budget",
        "项目金额·政府预算资金",
        "政府预算资金",
        fund_source="government-budget",
    ),
    amount(
        "fiscal_special_account",
        "项目金额·财政专户管理资金",
        "财政专户管理资金",
        fund_source="fiscal-special-account",
    ),
    amount("unit_funds", "项目金额·单位资金", "单位资金", fund_source="unit-funds"),
    Column("cost_indicator", "成本指标·三级指标", "text", "成本指标"),
    Column("cost_value", "成本指标·指标值", "text", "指标值"),
    Column("output_indicator", "产出指标·三级指标", "text", "产出指标"),
    Column("output_value", "产出指标·指标值", "text", "指标值"),
    Column("benefit_indicator", "效益指标·三级指标", "text", "效益指标"),
    Column("benefit_value", "效益指标·指标值", "text", "指标值"),
    Column("satisfaction_indicator", "满意度指标·三级指标", "text", "满意度指标"),
    Column("satisfaction_value", "满意度指标·指标值", "text", "指标值"),
]

SUMMARY_INCOME_COLUMNS = [
    Column("item", "收入·项目", "text", "收入"),
    amount("amount", "收入·金额", "金额"),
]
SUMMARY_EXPENDITURE_COLUMNS = [
    Column("item", "支出·项目", "text", "支出"),
    amount("amount", "支出·金额", "金额"),
]
FISCAL_INCOME_COLUMNS = SUMMARY_INCOME_COLUMNS
FISCAL_EXPENDITURE_COLUMNS = [
    Column("item", "支出·项目", "text", "支出"),
    amount("total", "合计", fund_source="all"),
    *APPROPRIATION_COLUMNS,
]
