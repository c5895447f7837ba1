"""Header words to fields (service/ingest/pdf/columns.py), on column titles as real documents
print them (the title is the header path, top to bottom, joined by ·)."""

from __future__ import annotations

import pytest

from service.ingest.layouts import layout_by_kind
from service.ingest.pdf import by_unit, typed
from service.ingest.pdf.columns import FUNCTIONAL, INCOME, THREE_PUBLIC, Rule, field_for

CASES = [  # (rules, title as printed, field)
    # 湖州 表02 收入预算总表
    (INCOME, "本年收入·小计·2（万元）", "current_total"),
    (INCOME, "上年结转结余·专户资金结转结余·16", "carry_over_fiscal_special_account"),
    (INCOME, "上年结转结余·单位资金结转结余·17", "carry_over_unit_funds"),
    (INCOME, "本年收入·财政专户管理资金·6", "fiscal_special_account"),
    # 烟台 公开表2 and 长沙: the 收入总表 by function code
    (INCOME, "财政拨款收入·小计（万元）", "fiscal_appropriation"),
    (INCOME, "本级财政拨款·金额·2（万元）", "fiscal_appropriation"),
    (INCOME, "本级财政拨款·其中:经费拨款·3（万元）", "funding_appropriation"),
    (INCOME, "其它收入·7", "other_income"),
    (INCOME, "使用非财政拨款结余", "non_fiscal_balance"),
    # 烟台 公开表7: last year's 三公 and this year's side by side
    (THREE_PUBLIC, "2026年预算数·合计（万元）", "total"),
    (THREE_PUBLIC, "2025年预算数·合计（万元）", "prior_year_total"),
    (THREE_PUBLIC, "2025年预算数·因公出国(境)经费（万元）", "prior_year_overseas_travel"),
    (
        THREE_PUBLIC,
        "2025年预算数·公务用车购置及运行维护费·小计（万元）",
        "prior_year_vehicles_total",
    ),
    (THREE_PUBLIC, "2025年预算数·公务接待费（万元）", "prior_year_official_reception"),
    (
        THREE_PUBLIC,
        "2026年预算数·公务用车购置及运行维护费·公务用车运行维护费（万元）",
        "vehicle_operation",
    ),
    # 上海 市级 单位预算: 机关运行经费 is not a vehicle's 运行费
    (THREE_PUBLIC, "机关运行经费预算数（万元）", "operating_costs"),
    (THREE_PUBLIC, "“三公”经费预算数·公务用车购置及运行费·运行费（万元）", "vehicle_operation"),
]


@pytest.mark.parametrize(("rules", "title", "field"), CASES)
def test_header_words_name_the_field(rules: tuple[Rule, ...], title: str, field: str) -> None:
    assert field_for(title, rules, 2026) == field


def test_a_lone_prior_year_column_of_a_function_table() -> None:
    """重庆 表五 prints one 2025年预算数 column beside this year's."""
    assert field_for("2025年预算数", FUNCTIONAL, 2026) == "prior_year_total"
    assert field_for("2025年·基本支出", FUNCTIONAL, 2026) == "prior_year_basic_total"


def _declared(layout_kind: str) -> set[str]:
    layout = layout_by_kind(layout_kind)
    return {c.name for c in (*layout.columns, *layout.right_columns, *layout.extra_columns)}


def test_every_rule_names_a_column_its_layout_declares() -> None:
    """The header rules and the layouts' columns are one vocabulary of fields: a rule naming a
    field its layout does not declare would type a column no schema, fact or check knows."""
    uses = [(shape.rules, shape.layout) for shape in typed.SHAPES.values()]
    uses.append((typed.INCOME_BY_FUNCTION.rules, typed.INCOME_BY_FUNCTION.layout))
    uses += [(rules, layout) for _, layout, rules in by_unit.SHAPES.values()]
    for rules, layout in uses:
        missing = {rule.field for rule in rules} - _declared(layout)
        if layout == "income":  # the by-function reading's own columns (烟台, 长沙)
            missing -= _declared(typed.INCOME_BY_FUNCTION.layout)
        assert not missing, (layout, missing)
