"""The words of table headers, each declared once with the dimension value it stands for.

A printed column is a path of header words (上年结转·一般公共预算, 基本支出·人员经费,
“三公”经费·公务用车购置及运行费·小计). Every word a region prints means one thing wherever it
stands, so the meaning of a column is the combination of its words (service.ingest.grammar).
Adding a region's spelling is a word here; a dimension value no layout knows is a new column.

Dimensions:
- fund: where the money comes from (the facts' fund_source codes);
- spending: what kind of spending (basic/project, 人员/公用, their economic parts);
- expense: the 三公 items, 会议费/培训费 and 机关运行经费;
- procurement: 政府采购 and its 中小企业 reservations;
- period: this year (current, the default), carried over from last year, another year;
- measure: what the figure is when it is not the budget (执行数, 增减, 增长率).
Totals (合计/小计/总计) and words that only say "an amount" (预算数, 金额) add nothing: a
total is the total of the group its path names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A header word (in any of its spellings) and the dimension values it stands for."""

    words: tuple[str, ...]
    means: tuple[tuple[str, str], ...]


def _term(words: str, **means: str) -> Term:
    return Term(tuple(words.split()), tuple(sorted(means.items())))


TERMS: tuple[Term, ...] = (
    # fund sources
    _term(
        "一般公共预算 一般公共预算拨款 一般公共预算拨款收入 一般公共预算收入 一般公共预算资金"
        " 一般公共预算财政拨款 公共财政预算 公共财政拨款",
        fund="general-public-budget",
    ),
    _term(
        "政府性基金 政府性基金预算 政府性基金预算拨款 政府性基金预算拨款收入 政府性基金收入"
        " 政府性基金预算资金 政府基金",
        fund="government-fund",
    ),
    _term(
        "国有资本经营 国有资本经营预算 国有资本经营预算拨款 国有资本经营预算拨款收入"
        " 国有资本经营收入 国有资本",
        fund="state-capital",
    ),
    _term("财政拨款 财政拨款收入 本级财政拨款 财政拨款资金 预算拨款", fund="fiscal-appropriation"),
    _term("经费拨款", fund="funding-appropriation"),
    _term(
        "财政专户 财政专户管理资金 财政专户管理资金收入 专户资金 专户管理资金 财政专户拨款"
        " 财政专户拨款收入 财政专户管理事业收入 财政专户管理收入",
        fund="fiscal-special-account",
    ),
    _term("教育收费 纳入财政专户管理的教育收费", fund="education-fees"),
    _term("其他专户收入 其他专户收入拨款 其他专户资金", fund="other-special-account"),
    _term("事业收入 事业收入资金", fund="business-income"),
    _term(
        "事业单位经营收入 经营收入 事业单位经营服务收入 经营服务收入",
        fund="business-operating-income",
    ),
    _term("上级补助收入 上级补助", fund="superior-subsidy"),
    _term("附属单位上缴收入 附属单位上缴", fund="subordinate-remittance"),
    _term("其他收入 其它收入", fund="other-income"),
    _term("单位资金", fund="unit-funds"),
    _term("其他资金 其他资金收入", fund="other-funds"),
    _term("非财政拨款 非财政拨款收入", fund="non-fiscal"),
    _term("使用非财政拨款结余 非财政拨款结余", fund="non-fiscal-balance"),
    _term("用事业基金弥补收支差额 用事业基金弥补", fund="business-fund"),
    _term("单位预留机动经费 预留机动经费", fund="unit-reserve"),
    _term("专项资金列入部门预算项目 专项资金列入部门预算的项目", fund="special-funds-in-budget"),
    # a carry-over of appropriations is both: the fund and the period
    _term(
        "财政拨款结转结余 财政拨款结转 财政拨款结余 上年财政拨款结转",
        fund="fiscal-appropriation",
        period="carry-over",
    ),
    # spending types
    _term("基本支出 基本支出合计", spending="basic"),
    _term("人员经费 人员支出 人员经费支出 人员类", spending="personnel"),
    _term("公用经费 公用支出 公用经费支出 日常公用 日常公用经费 日常公用支出", spending="public"),
    _term("工资福利 工资福利支出", spending="wages"),
    _term("对个人和家庭的补助 对个人和家庭补助 对个人和家庭的补助支出", spending="household"),
    _term("商品和服务支出 商品服务支出", spending="goods-services"),
    _term("资本性支出", spending="capital"),
    _term("项目支出 项目支出总数 专项业务经费 项目经费 项目支出合计", spending="project"),
    _term("其他运转类 运转类 其他运转类项目", spending="project-operating"),
    _term("特定目标类 特定目标类项目", spending="project-specific"),
    _term("扣除基建 扣除基建项目后预算数 扣除基建项目后", spending="project-excluding-capital"),
    _term("事业单位经营支出 经营支出", spending="business-operating"),
    _term("上缴上级支出 上缴上级", spending="remittance"),
    _term("对附属单位补助支出 对附属单位补助 附属单位补助 对下级单位补助", spending="subsidy"),
    _term("结转下年 年末结转 年终结转", spending="carry-forward"),
    # the 三公 items and their neighbours
    _term("三公 三公经费 三公经费合计", expense="three-public"),
    _term("因公出国 因公出国(境)费 因公出国(境) 因公出国(境)经费 出国费", expense="overseas"),
    _term(
        "公务用车 公务用车费 公务用车购置及运行 公务用车购置及运行费 公务用车购置及运行维护费"
        " 公务用车购置和运行维护费 公务用车购置和运行费 购置及运行费",
        expense="vehicles",
    ),
    _term("公务用车购置 公务用车购置费 购置费 购置 车辆购置费", expense="vehicle-purchase"),
    _term(
        "公务用车运行 公务用车运行费 公务用车运行维护费 运行维护费 运行费 运行 运维费",
        expense="vehicle-operation",
    ),
    _term("公务接待 公务接待费", expense="reception"),
    _term("会议费", expense="meeting"),
    _term("行政经费", expense="administrative"),
    _term("培训费", expense="training"),
    _term("机关运行经费 机关运行经费预算数", expense="operating-costs"),
    # government procurement
    _term("政府采购 政府采购项目 政府采购预算", procurement="procurement"),
    _term("中小企业 预留给中小企业", procurement="sme"),
    _term("小型、微型 小型微型 小微 小微企业", procurement="small-micro"),
    # period: this year, last year's carry-over
    _term(
        "本年 当年 本年收入 本年支出 本年预算 本年预算数 当年预算 编制预算 本年拨款 当年财政拨款"
        " 年初预算 部门预算",
        period="current",
    ),
    _term(
        "上年结转 上年结转结余 上年结余 结转结余 结余结转 上年结转资金 以前年度结转 结转",
        period="carry-over",
    ),
    _term("上年预算 上年预算数 上年", period="prior-year"),
    # measure: figures that are not this budget's amounts
    _term("执行数 预计执行数 决算数", measure="executed"),
    _term("增减 增减额 比上年增减 增减变化 增减额度", measure="change"),
    _term("增长率 增减率 增幅 增减幅度 %", measure="rate"),
)

# words that only say "an amount" or "the total of the group above"
TOTAL_WORDS: tuple[str, ...] = tuple(
    [
        "合计",
        "总计",
        "小计",
        "共计",
        "金额",
        "预算",
        "预算数",
        "预算金额",
        "预算额",
        "数额",
        "支出总计",
        "收入总计",
        "收支总计",
        "支出合计",
        "收入合计",
        "总额",
        "资金总额",
        "合计数",
    ]
)
# words that say nothing about a column (column numbers, 其中, filler)
FILLER: tuple[str, ...] = tuple(
    [
        "其中",
        "栏次",
        "**",
        "*",
        "行次",
        "序号",
        "经费",
        "费",
        "支出",
        "收入",
        "资金",
        "数",
        "项目",
        "科目",
        "的",
        "和",
        "及",
        "、",
        ":",
        "(",
        ")",
        "年",
        "万元",
        "元",
    ]
)

# the expenditure type (vocab/codelists/expenditure-type.ttl) a spending value is counted as in
# the cube, where a column is qualified by it (a table that splits another kind's columns by it)
SPENDING_TYPES: dict[str, str] = {
    "basic": "basic",
    "personnel": "personnel",
    "public": "public",
    "wages": "personnel",
    "household": "personnel",
    "goods-services": "public",
    "capital": "public",
    "project": "project",
    "project-operating": "operating",
    "project-specific": "specific",
    "project-excluding-capital": "project",
    "business-operating": "business-operating",
    "remittance": "remittance",
    "subsidy": "subsidy",
    "carry-forward": "carry-forward",
}

# a value and the value it is a part of: a deeper word of a path refines the one above it
PARENTS: dict[tuple[str, str], str] = {
    ("fund", "special-funds-in-budget"): "general-public-budget",
    ("fund", "education-fees"): "fiscal-special-account",
    ("fund", "other-special-account"): "fiscal-special-account",
    ("spending", "personnel"): "basic",
    ("spending", "public"): "basic",
    ("spending", "wages"): "personnel",
    ("spending", "household"): "personnel",
    ("spending", "goods-services"): "public",
    ("spending", "capital"): "public",
    ("spending", "project-operating"): "project",
    ("spending", "project-specific"): "project",
    ("spending", "project-excluding-capital"): "project",
    ("expense", "overseas"): "three-public",
    ("expense", "vehicles"): "three-public",
    ("expense", "reception"): "three-public",
    ("expense", "vehicle-purchase"): "vehicles",
    ("expense", "vehicle-operation"): "vehicles",
    ("procurement", "sme"): "procurement",
    ("procurement", "small-micro"): "sme",
}

# the roles of the text columns of a table of records (a project, a purchase): the words of a
# header's last cell (regular expressions) → the field; the first that matches wins
TEXT_ROLES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("项目名称", "^项目$", "专项名称", "预算项目", "支出项目类别", "^单位\\(项目\\)名称$"),
        "project_name",
    ),
    (("项目类别", "项目类型", "^类型$", "支出类型"), "project_type"),
    (("单位编码", "单位代码", "部门编码", "部门代码"), "unit_number"),
    (("单位名称", "预算单位", "资金使用单位", "^单位$", "项目单位", "主管部门"), "unit_name"),
    (("项目编码", "项目编号", "项目代码"), "project_number"),
    (("采购品目", "采购目录", "品目", "采购项目"), "procurement_item"),
    (("采购组织形式", "采购方式", "组织形式"), "procurement_method"),
    (("规格", "型号"), "specification"),
    (("数量",), "quantity"),
    (("计量单位",), "measure_unit"),
    (("采购时间", "实施时间"), "procurement_time"),
    (("资金性质", "资金来源"), "fund_text"),
    (("目录", "一级", "二级", "三级"), "catalogue_level"),
    (("科目编码", "科目代码", "^类$", "^款$", "^项$"), "classification_code"),
    (("科目名称", "科目"), "classification_name"),
    (("绩效目标", "项目简介", "项目概述", "说明", "备注", "内容", "用途", "依据"), "description"),
    (("序号", "行次"), "serial"),
)

# the labels of a 绩效目标 form (regular expressions on a cell, its colon and a trailing (万元)
# taken off) → what the value beside them is; skip: a group label with no value of its own
FORM_LABELS: tuple[tuple[str, str], ...] = (
    (r"项目名称(?:及编码)?|项目", "project_name"),
    (r"主管部门(?:及代码)?|部门名称|预算部门|单位名称|部门\(单位\)名称", "department_name"),
    (r"(?:项目)?实施单位", "unit_name"),
    (
        r"(?:实施期|年度预算|年度|当年)?资金总额|项目总额|当年预算|项目金额|预算金额|年度预算数"
        r"|资金总额合计|部门预算总额|预算总额|预算支出总额",
        "total",
    ),
    (r"财政拨款|财政资金|财政性资金|一般公共预算", "fiscal_appropriation"),
    (r"其他资金|非财政拨款", "other_funds"),
    (
        r"年度(?:绩效)?目标|总体目标|(?:项目)?(?:实施期)?(?:总体)?目标|当年绩效目标|绩效目标"
        r"|项目概况|年度履职目标|年度主要任务|部门职责|项目(?:实施)?内容",
        "goal",
    ),
    (
        r"专项资金情况|项目资金|资金金额|资金情况|绩效目标指标|绩效指标|年度绩效指标|预算情况",
        "skip",
    ),
)
# the header of an indicator block: a cell's words (regular expressions) → the field
INDICATOR_HEADERS: tuple[tuple[str, str], ...] = (
    (r"一级指标", "level1"),
    (r"二级指标", "level2"),
    (r"三级指标|指标内容|指标名称|绩效指标名称|绩效指标", "level3"),
    (r"(?:绩效)?指标性质", "nature"),
    (r"(?:本年|年度)?(?:绩效)?(?:指标值|目标值)(?:\(.*\))?|指标值", "value_text"),
    (r"(?:绩效)?(?:度量|计量)单位", "measure_unit"),
)
