"""Header words to fields (service/ingest/header_terms.py, grammar.py, fields.py), on column
headers as real documents print them (the header path, top to bottom, joined by ·)."""

from __future__ import annotations

import pytest

from service import vocab
from service.ingest.fields import column_for, context_of, field_set, resolve, variant_identities
from service.ingest.grammar import meaning
from service.ingest.header_terms import SPENDING_TYPES, TERMS
from service.ingest.layouts import LAYOUTS, layout_by_kind

CASES = [  # (layout, header as printed, field)
    # 湖州 表02 收入预算总表
    ("income", "本年收入·小计·2（万元）", "current_total"),
    ("income", "上年结转结余·专户资金结转结余·16", "carry_over_fiscal_special_account"),
    ("income", "上年结转结余·单位资金结转结余·17", "carry_over_unit_funds"),
    ("income", "本年收入·财政专户管理资金·6", "fiscal_special_account"),
    # 北京 预算02表: 资金 after every fund
    ("income", "本年收入·一般公共预算资金", "general_public_budget"),
    ("income", "上年结转结余·政府性基金预算资金", "carry_over_government_fund"),
    # 广州 表2: a group word the grammar does not know above funds it knows
    ("income", "其他资金收入·事业单位经营收入", "business_operating_income"),
    # 烟台 公开表2 and 长沙: the 收入总表 by function code
    ("income_by_function_national", "财政拨款收入·小计（万元）", "fiscal_appropriation"),
    ("income_by_function_national", "本级财政拨款·金额·2（万元）", "fiscal_appropriation"),
    (
        "income_by_function_national",
        "本级财政拨款·其中:经费拨款·3（万元）",
        "funding_appropriation",
    ),
    ("income_by_function_national", "其它收入·7", "other_income"),
    ("income_by_function_national", "使用非财政拨款结余", "non_fiscal_balance"),
    # 烟台 公开表7: last year's 三公 and this year's side by side
    ("three_public", "2026年预算数·合计（万元）", "total"),
    ("three_public", "2025年预算数·合计（万元）", "prior_year_total"),
    ("three_public", "2025年预算数·因公出国(境)经费（万元）", "prior_year_overseas_travel"),
    (
        "three_public",
        "2025年预算数·公务用车购置及运行维护费·小计（万元）",
        "prior_year_vehicles_total",
    ),
    ("three_public", "2025年预算数·公务接待费（万元）", "prior_year_official_reception"),
    (
        "three_public",
        "2026年预算数·公务用车购置及运行维护费·公务用车运行维护费（万元）",
        "vehicle_operation",
    ),
    ("three_public", "“三公”经费合计", "total"),
    # 上海 市级 单位预算: 机关运行经费 is not a vehicle's 运行费
    ("three_public", "机关运行经费预算数（万元）", "operating_costs"),
    ("three_public", "“三公”经费预算数·公务用车购置及运行费·运行费（万元）", "vehicle_operation"),
    # function tables: the group above a total names it
    ("expenditure", "基本支出·小计", "basic_total"),
    ("expenditure", "基本支出·人员经费", "basic_personnel"),
    ("expenditure", "人员经费·工资福利支出", "basic_personnel_wages"),
    ("expenditure", "项目支出·其中：扣除基建项目后预算数", "project_excluding_capital"),
    ("expenditure", "其中·对附属单位补助支出", "subsidy_to_subordinates"),
    ("general_budget_expenditure", "一般公共预算支出·合计", "total"),
    ("general_budget_basic", "基本支出·合计", "total"),
    ("general_budget_basic", "日常公用经费", "public"),
    ("fiscal_summary", "支出·政府性基金预算", "government_fund"),
]


@pytest.mark.parametrize(("layout", "title", "field"), CASES)
def test_header_words_name_the_field(layout: str, title: str, field: str) -> None:
    side = "right" if layout_by_kind(layout).right_columns else ""
    found = column_for(field_set(layout, side), meaning(title.split("·"), 2026))
    assert found is not None and found.name == field


def test_a_lone_prior_year_column_of_a_function_table() -> None:
    """重庆 表五 prints one 2025年预算数 column beside this year's."""
    fields = field_set("expenditure")
    assert column_for(fields, meaning(["2025年预算数"], 2026)).name == "prior_year_total"
    prior = column_for(fields, meaning(["2025年", "基本支出"], 2026))
    assert prior.name == "prior_year_basic_total" and not prior.in_cube


def test_carry_over_groups_are_variants_with_their_identities() -> None:
    """A 支出总表 printing 本年 and 上年结转 groups: the variants and identities come from the
    kind's, never declared twice (total = current + carry-over; each group adds up alike)."""
    paths = [["合计"], ["本年", "合计"], ["本年", "基本支出"], ["本年", "项目支出"]]
    paths += [["上年结转", "合计"], ["上年结转", "基本支出"], ["上年结转", "项目支出"]]
    reads = [meaning(p, 2026) for p in paths]
    context = context_of(reads)
    names = [column_for(field_set("expenditure"), r, context).name for r in reads]
    assert names == [
        "total",
        "current_total",
        "basic_total",
        "project_total",
        "carry_over_total",
        "carry_over_basic_total",
        "carry_over_project_total",
    ]
    identities = dict(variant_identities(layout_by_kind("expenditure"), set(names)) or ())
    assert identities["total"] == ("current_total", "carry_over_total")
    assert identities["current_total"][:2] == ("basic_total", "project_total")
    assert identities["carry_over_total"][:2] == (
        "carry_over_basic_total",
        "carry_over_project_total",
    )


def test_a_dimension_the_columns_split_is_not_implied() -> None:
    """合计 | 一般公共预算 | 政府性基金 in a 三公 table: 一般公共预算 is a part, not the table's."""
    reads = [meaning([p], 2026) for p in ("合计", "一般公共预算", "政府性基金预算")]
    fields = field_set("three_public")
    found = [column for column, _ in resolve(fields, reads, context_of(reads))]
    assert found[0].name == "total"
    part = found[1]
    # of the kind's own dimension: a column beside the kind's, not a part it adds up from
    assert (part.name, part.part_of, part.fund_source) == (
        "total_general_public_budget",
        None,
        "general-public-budget",
    )
    alone = column_for(fields, meaning(["一般公共预算", "合计"], 2026))
    assert alone.name == "total"  # the kind's own fund, printed over its 合计


def test_a_part_of_a_declared_value() -> None:
    """广州 表2 splits 财政专户 into 教育收费 and 其他专户收入: parts of fiscal_special_account."""
    found = column_for(field_set("income"), meaning(["财政专户拨款收入", "教育收费"], 2026))
    assert (found.name, found.part_of) == (
        "fiscal_special_account_education_fees",
        "fiscal_special_account",
    )


def test_unknown_words_are_not_guessed() -> None:
    assert column_for(field_set("expenditure"), meaning(["某某专项", "合计"], 2026)) is None
    assert meaning(["某某专项", "合计"], 2026).unknown == ("某某专项",)


def test_every_layout_reads_its_own_titles() -> None:
    """The layouts' columns and the header words are one vocabulary: every amount column of a
    layout the PDF readers fill means, by its own title, a meaning no other column has."""
    for layout in LAYOUTS:
        if not layout.family:
            continue
        for side in ("", "right") if layout.right_columns else ("",):
            fields = field_set(layout.kind, side)
            for key, column in fields.by_meaning.items():
                assert column_for(fields, meaning(column.title.split("·"), None)) == column, key


def test_every_declared_value_the_cube_counts_is_a_code_of_the_vocabulary() -> None:
    """A fund a header word names becomes a fact's fund_source, a spending value its
    expenditure_type: each is a code of vocab/codelists, or the build refuses the package."""
    funds = set(vocab.labels("fund-source"))
    declared = {value for term in TERMS for dimension, value in term.means if dimension == "fund"}
    assert declared <= funds, declared - funds
    assert set(SPENDING_TYPES.values()) <= set(vocab.labels("expenditure-type"))
    spending = {v for term in TERMS for d, v in term.means if d == "spending"}
    assert spending <= set(SPENDING_TYPES), spending - set(SPENDING_TYPES)
    for layout in LAYOUTS:
        for column in (*layout.columns, *layout.right_columns, *layout.extra_columns):
            assert column.fund_source in (None, *funds), (layout.kind, column.name)
