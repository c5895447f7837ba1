"""What a printed column means, from its header words: declarations, not code.

A region prints the same column under its own words (合计 / 总计 / 小计 / 支出总计; 人员经费 /
人员支出 / 人员经费支出; 公用经费 / 日常公用支出). Each rule below names a field and the words
its header's last cell must hold, optionally with words the header above it must (or must not)
hold. The first rule that matches wins. A column no rule names keeps its table as printed.

Why these rules are not Column.keyword (service.ingest.layout_columns): the two answer
different questions. A keyword proves that a column of the seed template is present somewhere
in a text table's joined header, whose columns stand where the template puts them; it is the
template's exact words, one per column. A rule says which field one printed column is, from
its own header path, in whatever order a region prints them: it needs synonyms, the cell above
(合计 under 基本支出 is basic_total, under 项目支出 project_total), exact matches and an order
of precedence, and a region's word may mean a coarser field than the template's (工资福利 is
basic_personnel here, where the seed's 工资福利支出 column is basic_personnel_wages). Deriving
one from the other would lose one of the two meanings. What keeps them one declaration is the
field names: every rule names a column its layouts declare (tests/test_column_rules.py), so
the schemas, facts and audit of a typed PDF table are the layout's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    field: str
    leaf: tuple[str, ...]  # the last header cell holds one of these
    above: tuple[str, ...] = ()  # a header cell above holds one of these
    not_above: tuple[str, ...] = ()
    exact: bool = False  # the last cell is exactly one of the words


_TOTAL = ("合计", "总计", "小计", "支出总计", "预算", "预算数", "金额", "本年预算数", "预算金额")
_PROCUREMENT = ("政府采购",)

FUNCTIONAL: tuple[Rule, ...] = (
    Rule("procurement_small_micro", ("小型、微型", "小微"), _PROCUREMENT),
    Rule("procurement_sme", ("中小企业",), _PROCUREMENT),
    Rule("procurement_total", _TOTAL, _PROCUREMENT, exact=True),
    Rule("basic_personnel", ("人员经费", "人员支出", "工资福利")),
    Rule("basic_public", ("公用经费", "日常公用", "公用支出")),
    Rule("basic_total", _TOTAL, ("基本支出",), exact=True),
    Rule("basic_total", ("基本支出",)),
    Rule("project_excluding_capital", ("扣除基建",)),
    Rule("project_total", (*_TOTAL, "项目支出总数"), ("项目支出",), exact=True),
    Rule("project_total", ("项目支出总数",)),
    Rule("project_total", ("项目支出", "专项业务经费")),
    Rule("business_operating_expenditure", ("事业单位经营支出", "经营支出")),
    Rule("remittance_to_superior", ("上缴上级",)),
    Rule("subsidy_to_subordinates", ("对附属单位补助", "附属单位补助")),
    Rule("carry_forward", ("结转下年",)),
    Rule("total", _TOTAL, exact=True),
)

ECONOMIC: tuple[Rule, ...] = (
    Rule("personnel", ("人员经费", "人员支出", "人员类")),
    Rule("public", ("公用经费", "日常公用", "公用支出")),
    Rule("total", (*_TOTAL, "基本支出"), exact=True),
)

_CARRY = ("上年结转",)
INCOME: tuple[Rule, ...] = (
    Rule("carry_over_general_public_budget", ("一般公共预算",), _CARRY),
    Rule("carry_over_government_fund", ("政府性基金",), _CARRY),
    Rule("carry_over_state_capital", ("国有资本",), _CARRY),
    Rule("carry_over_fiscal_special_account", ("财政专户", "专户资金"), _CARRY),
    Rule("carry_over_unit_funds", ("单位资金",), _CARRY),
    Rule("carry_over_total", _TOTAL, _CARRY, exact=True),
    Rule("carry_over_total", ("上年结转",)),
    Rule("current_total", _TOTAL, ("本年收入",), exact=True),
    Rule("fiscal_appropriation", ("财政拨款", "财政拨款收入", "本级财政拨款"), exact=True),
    Rule("fiscal_appropriation", _TOTAL, ("财政拨款",), exact=True),  # 财政拨款收入·小计
    Rule("funding_appropriation", ("经费拨款",)),  # 湖南: 本级财政拨款·其中：经费拨款
    Rule("general_public_budget", ("一般公共预算",)),
    Rule("government_fund", ("政府性基金",)),
    Rule("state_capital", ("国有资本",)),
    Rule("fiscal_special_account", ("财政专户",)),
    Rule("business_operating_income", ("事业单位经营",)),
    Rule("business_income", ("事业收入",)),
    Rule("superior_subsidy", ("上级补助",)),
    Rule("subordinate_remittance", ("附属单位上缴",)),
    Rule("other_income", ("其他收入", "其它收入")),
    Rule("non_fiscal_balance", ("非财政拨款结余",)),
    Rule("total", (*_TOTAL, "收入总计"), exact=True),
)

THREE_PUBLIC: tuple[Rule, ...] = (
    Rule("vehicles_total", ("购置及运行",)),
    Rule("vehicles_total", _TOTAL, ("公务用车",), exact=True),
    Rule("operating_costs", ("机关运行经费",)),  # before 运行: 机关运行经费 is no vehicle cost
    Rule("vehicle_purchase", ("购置",)),
    Rule("vehicle_operation", ("运行",)),
    Rule("overseas_travel", ("因公出国",)),
    Rule("official_reception", ("公务接待",)),
    Rule("meeting_fees", ("会议费",)),
    Rule("training_fees", ("培训费",)),
    Rule("total", _TOTAL, exact=True),
    Rule("total", ("三公",)),
)

_YEAR = re.compile(r"(20\d{2})年")
_NOISE = re.compile(r"^(其中[:：]?|\d+|栏次|\*+)$")
_UNIT_SUFFIX = re.compile(r"[(（](万元|元|千元)[)）]$")


def header_parts(title: str) -> list[str]:
    """A generic column title (上·下, unit suffix, column number) as its meaningful parts."""
    parts = [_UNIT_SUFFIX.sub("", p) for p in title.split("·")]
    parts = [re.sub(r"^其中[:：]?", "", p) for p in parts]
    return [p for p in parts if p and not _NOISE.match(p)]


def field_for(title: str, rules: tuple[Rule, ...], year: int | None) -> str | None:
    """The field a column's header names, or None."""
    parts = header_parts(title)
    if not parts:
        return None
    years = {int(y) for part in parts for y in _YEAR.findall(part)}
    if year and years and year not in years:  # another year's column: prior_year_<its field>
        dated = [p for p in parts if _YEAR.search(p)]
        field = _by_rules([p for p in parts if p not in dated] or parts, rules)
        return f"prior_year_{field}" if field and field != "total" else "prior_year_total"
    return _by_rules(parts, rules)


def _by_rules(parts: list[str], rules: tuple[Rule, ...]) -> str | None:
    leaf, above = parts[-1], parts[:-1]
    for rule in rules:
        held = leaf in rule.leaf if rule.exact else any(w in leaf for w in rule.leaf)
        if not held:
            continue
        if rule.above and not any(w in part for w in rule.above for part in above):
            continue
        if any(w in part for w in rule.not_above for part in above):
            continue
        return rule.field
    return None
