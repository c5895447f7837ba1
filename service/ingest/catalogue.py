"""The catalogue of table kinds: what a printed table is, whatever a region calls it.

Every region prints the national template's tables under its own label (表1, 表一, 预算01表,
公开01表, 公开表1, 部门公开表1, (预算表2)), prefix (部门, 单位, 预算单位, 市级部门, 部门综合预算)
and suffix (总表, 预算表, 情况表, 总体情况表, 明细表, （按功能分类科目）). A kind is declared
once here by the words its title must hold (all), may hold (any: at least one) and must not
hold (none); the first declaration that matches wins, so the specific kinds come first.
Adding a region's spelling means adding words here, never code elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.ingest.cells import normalise


@dataclass(frozen=True)
class TableKind:
    kind: str
    title_zh: str  # the national template's name for it
    title_en: str
    all_words: tuple[str, ...]
    any_words: tuple[str, ...] = ()
    none_words: tuple[str, ...] = ()
    core: bool = False  # one of the tables every disclosure publishes

    def matches(self, key: str) -> bool:
        """Whether a table's normalised title `key` has this kind's words (all of all_words, one of
        any_words, none of none_words).
        """
        return (
            all(word in key for word in self.all_words)
            and (not self.any_words or any(word in key for word in self.any_words))
            and not any(word in key for word in self.none_words)
        )


_PERF = ("绩效",)
KINDS: tuple[TableKind, ...] = (
    TableKind(
        "department_performance",
        "部门整体支出绩效目标表",
        "Department-wide performance targets",
        ("绩效",),
        ("整体",),
    ),
    TableKind(
        "project_performance",
        "项目支出绩效目标表",
        "Project performance targets",
        ("绩效",),
        ("项目", "专项", "资金", "目标表", "绩效表"),
    ),
    TableKind(
        "three_public",
        "一般公共预算“三公”经费支出表",
        "'Three public' expenses (overseas travel, vehicles, official reception)",
        ("三公",),
        core=True,
    ),
    TableKind(
        "meeting_training",
        "会议费、培训费支出表",
        "Meeting and training expenses",
        (),
        ("会议费", "培训费"),
        _PERF,
    ),
    TableKind(
        "operating_expenses",
        "行政（事业）单位机构运转经费预算表",
        "Institutional operating expenses",
        ("运转经费",),
        (),
        _PERF,
    ),
    TableKind(
        "operating_costs",
        "机关运行经费支出表",
        "Institutional running costs",
        ("机关运行经费",),
        (),
        _PERF,
    ),
    TableKind(
        "government_procurement",
        "政府采购预算明细表",
        "Government procurement budget",
        ("采购",),
        (),
        _PERF,
    ),
    TableKind(
        "purchased_services",
        "政府购买服务预算明细表",
        "Government-purchased services",
        ("购买服务",),
        (),
        _PERF,
    ),
    TableKind(
        "carry_over_expenditure",
        "财政拨款上年结转资金支出表",
        "Expenditure of funds carried over from the previous year",
        ("结转",),
        ("结转资金", "结转支出", "上年结转资金"),
        ("收支", "收入"),
    ),
    TableKind(
        "government_fund_expenditure",
        "政府性基金预算支出表",
        "Government fund expenditure",
        ("政府性基金",),
        ("支出", "收支"),
    ),
    TableKind(
        "state_capital_expenditure",
        "国有资本经营预算支出表",
        "State capital operating budget expenditure",
        ("国有资本经营",),
        ("支出", "收支"),
    ),
    TableKind(
        "fiscal_summary",
        "财政拨款收支总表",
        "Fiscal appropriation income and expenditure summary",
        ("财政拨款", "收支"),
        core=True,
    ),
    TableKind(
        "summary",
        "部门收支总表",
        "Income and expenditure summary",
        ("收支",),
        ("总表", "总体情况", "预算表", "情况表"),
        core=True,
    ),
    TableKind(
        "income",
        "部门收入总表",
        "Income by source",
        ("收入",),
        ("总表", "总体情况", "预算表", "情况表"),
        ("支出",),
        core=True,
    ),
    TableKind(
        "general_budget_basic",
        "一般公共预算基本支出表",
        "General public budget basic expenditure by economic classification",
        ("一般公共预算", "基本支出"),
        core=True,
    ),
    TableKind(
        "general_budget_project_economic",
        "一般公共预算项目支出表（按经济分类）",
        "General public budget project expenditure by economic classification",
        ("一般公共预算", "项目支出"),
    ),
    TableKind(
        "general_budget_economic",
        "一般公共预算支出表（按经济分类）",
        "General public budget expenditure by economic classification",
        ("一般公共预算", "支出", "经济"),
    ),
    TableKind(
        "general_budget_expenditure",
        "一般公共预算支出表",
        "General public budget expenditure by function",
        ("一般公共预算", "支出"),
        core=True,
    ),
    TableKind(
        "fiscal_appropriation_basic",
        "财政拨款基本支出表",
        "Fiscal appropriation basic expenditure by economic classification",
        ("财政拨款", "基本支出"),
    ),
    TableKind(
        "fiscal_appropriation_expenditure",
        "财政拨款支出表",
        "Fiscal appropriation expenditure by function",
        ("财政拨款", "支出"),
    ),
    TableKind(
        "basic_expenditure",
        "基本支出预算表",
        "Basic expenditure",
        ("基本支出",),
    ),
    TableKind(
        "project_expenditure",
        "项目支出预算表",
        "Project expenditure",
        (),
        ("项目支出", "专项业务经费", "项目预算"),
    ),
    TableKind(
        "economic_summary",
        "支出经济分类汇总表",
        "Expenditure by economic classification, by fund source",
        ("支出", "经济分类"),
    ),
    TableKind(
        "expenditure",
        "部门支出总表",
        "Expenditure by function, basic and project",
        ("支出",),
        ("总表", "总体情况", "预算表", "情况表"),
        core=True,
    ),
)
BY_KIND = {kind.kind: kind for kind in KINDS}
CORE = tuple(kind.kind for kind in KINDS if kind.core)

# a label's number: digits or Chinese numerals, never both (表1一般… is 表1 + 一般…), and a
# Chinese number stops before the words a title starts with (表一一般… is 表一 + 一般…)
_NUMERAL = r"(?:[0-9０-９]+|(?:(?!一般|三公)[一二三四五六七八九十])+)(?:-\d+)?"
LABEL = re.compile(
    rf"^[(（]?(?:部门|单位)?(?:公开|预算)?表\s*{_NUMERAL}[)）]?(?=$|[:：.、\s]|[^\d])"
    rf"|^[(（]?(?:预算|公开|部门公开)\s*{_NUMERAL}\s*表[)）]?"
    rf"|[(（](?:预算|公开)?表\s*{_NUMERAL}[)）]$"
)
_YEAR = re.compile(r"(\d{4})年度?")
_ORDINAL = re.compile(r"^(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)")
_QUOTES = re.compile(r"[“”\"‘’'「」]")


@dataclass(frozen=True)
class Title:
    """A printed table title read apart: label, year, the words left, and the kind."""

    text: str  # as printed (normalised)
    label: str | None
    year: int | None
    key: str  # what is left for matching
    kind: TableKind | None


def read_title(text: str) -> Title:
    """Split a title into its label, year and core words, and recognise its kind."""
    clean = _QUOTES.sub("", normalise(text))
    label_match = LABEL.search(clean)
    label = label_match.group(0).strip("()（）:：.、 ") if label_match else None
    key = LABEL.sub("", clean, count=1) if label_match else clean
    key = _ORDINAL.sub("", key.strip(":：.、 "))
    year_match = _YEAR.search(key)
    year = int(year_match.group(1)) if year_match else None
    return Title(clean, label, year, key, recognise(key))


def recognise(key: str) -> TableKind | None:
    """The kind of table a normalised title names (the first in the catalogue that matches), or None
    for a title that names no table.
    """
    if "表" not in key:
        return None
    return next((kind for kind in KINDS if kind.matches(key)), None)


def is_label(text: str) -> bool:
    """A line that is a label alone (表1, 表十二, 公开01表, 预算表12), printed above its title."""
    clean = normalise(text)
    found = LABEL.match(clean)
    return bool(found) and len(clean) - len(found.group(0)) <= 1
