"""The columns of the kinds read from PDFs only (service.ingest.layouts_pdf): tables by
economic class, the funds a table may split its amounts by, 会议费·培训费 with the 三公, and the
绩效目标 forms. Their titles are in the header grammar's words (service.ingest.header_terms), so
each means what a printed header of the same words means.
"""

from __future__ import annotations

from service.ingest.layout_columns import BASIC_COLUMNS, THREE_PUBLIC_ITEMS, Column, amount

# columns regions print beside the template's in function tables (Guangdong, Zhejiang, Beijing…)
REGIONAL_FUNCTIONAL_COLUMNS = (
    amount("basic_personnel", "基本支出·人员经费", expenditure_type="personnel"),
    amount("basic_public", "基本支出·公用经费", expenditure_type="public"),
    amount(
        "project_excluding_capital",
        "项目支出·其中：扣除基建项目后预算数",
        expenditure_type="project",
    ),
    amount(
        "business_operating_expenditure",
        "事业单位经营支出",
        expenditure_type="business-operating",
    ),
    amount("remittance_to_superior", "上缴上级支出", expenditure_type="remittance"),
    amount("subsidy_to_subordinates", "对附属单位补助支出", expenditure_type="subsidy"),
    amount("carry_forward", "结转下年", expenditure_type="carry-forward"),
    amount("procurement_total", "政府采购项目·小计"),
    amount("procurement_sme", "政府采购项目·其中：预留给中小企业的项目资金规模"),
    amount("procurement_small_micro", "政府采购项目·其中：预留给小型、微型企业的项目资金规模"),
)

# columns regions print beside the 三公 expenses (Jiangsu, Shanghai); another year's columns
# (烟台: 2025年预算数 | 2026年预算数) are variants of these (service.ingest.fields)
REGIONAL_THREE_PUBLIC_COLUMNS = (
    amount("administrative_costs", "行政经费", in_cube=False),  # 广州 表8, beside the 三公
    amount("meeting_fees", "会议费"),
    amount("training_fees", "培训费"),
    amount("operating_costs", "机关运行经费", expenditure_type="public"),
)


# the 经济分类 code and name columns every table by economic class leads with
ECONOMIC_LEADING = BASIC_COLUMNS[:4]

# 一般公共预算支出表 by economic class (福建 八、, 广州 表7): basic and project spending by class
ECONOMIC_SPENDING_COLUMNS = [
    *ECONOMIC_LEADING,
    amount("total", "合计", expenditure_type="all"),
    amount("basic_total", "基本支出", expenditure_type="basic"),
    amount("personnel", "人员经费", expenditure_type="personnel"),
    amount("public", "公用经费", expenditure_type="public"),
    amount("project_total", "项目支出", expenditure_type="project"),
]

# the funds a table by economic class may split its amounts by (深圳 表4 基本支出总表)
FUND_COLUMNS = (
    amount("fiscal_appropriation", "财政拨款", fund_source="fiscal-appropriation"),
    amount("general_public_budget", "财政拨款·一般公共预算", fund_source="general-public-budget"),
    amount("government_fund", "财政拨款·政府性基金", fund_source="government-fund"),
    amount("state_capital", "财政拨款·国有资本经营预算", fund_source="state-capital"),
    amount("fiscal_special_account", "财政专户管理资金", fund_source="fiscal-special-account"),
    amount("unit_funds", "单位资金", fund_source="unit-funds"),
    amount("business_income", "单位资金·事业收入", fund_source="business-income"),
    amount(
        "business_operating_income",
        "单位资金·事业单位经营收入",
        fund_source="business-operating-income",
    ),
    amount("superior_subsidy", "单位资金·上级补助收入", fund_source="superior-subsidy"),
    amount(
        "subordinate_remittance", "单位资金·附属单位上缴收入", fund_source="subordinate-remittance"
    ),
    amount("other_income", "单位资金·其他收入", fund_source="other-income"),
    amount("other_funds", "其他资金", fund_source="other-funds"),
    amount("non_fiscal_balance", "使用非财政拨款结余", fund_source="non-fiscal-balance"),
    amount("carry_over", "上年结转", fund_source="carry-over"),
)
# columns regions print beside the template's in the 收入总表 (西安: 部门预算 | 用事业基金弥补收支差额)
REGIONAL_INCOME_COLUMNS = (
    amount("business_fund", "用事业基金弥补收支差额", fund_source="business-fund"),
    amount("non_fiscal_balance", "使用非财政拨款结余", fund_source="non-fiscal-balance"),
)

# 会议费、培训费 with the 三公 (西安 表13): their total is all three, the 三公 a part
MEETING_TRAINING_COLUMNS = [
    amount("total", "合计", expenditure_type="all"),
    amount("three_public_total", "“三公”经费·小计"),
    *THREE_PUBLIC_ITEMS,
    amount("meeting_fees", "会议费"),
    amount("training_fees", "培训费"),
]

# 绩效目标 forms read from PDFs (service.ingest.pdf.forms): each project's funds and goal, and
# each indicator with its target parsed
PERFORMANCE_BUDGET_COLUMNS = [
    Column("project_name", "项目名称", "text"),
    Column("department_name", "主管部门", "text"),
    Column("unit_name", "实施单位", "text"),
    Column("goal", "绩效目标", "text"),
    amount("total", "资金总额", expenditure_type="project", fund_source="all"),
    amount("fiscal_appropriation", "财政拨款", fund_source="fiscal-appropriation"),
    amount("other_funds", "其他资金", fund_source="other-funds"),
]
PERFORMANCE_TARGET_COLUMNS = (
    Column("level1", "一级指标", "text"),
    Column("level2", "二级指标", "text"),
    Column("level3", "三级指标", "text"),
    Column("nature", "指标性质", "text"),
    Column("value_text", "指标值", "text", description="The target as printed."),
    Column("operator", "运算符", "text", description="≥ ≤ < > or =; blank when qualitative."),
    Column("value", "目标值", "number", description="The target's number, exact.", in_cube=False),
    Column("measure_unit", "计量单位", "text"),
    Column("qualitative", "定性目标", "text", description="A target in words (提升, 及时…)."),
)
