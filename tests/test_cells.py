"""Cell and indicator-value parsers: exact decimals, blank ≠ 0, targets split correctly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.errors import InputError
from service.ingest.cells import chinese_ordinal, parse_amount, to_yuan
from service.ingest.targets import parse_target


def test_blank_is_not_zero() -> None:
    assert parse_amount("") is None
    assert parse_amount("  ") is None
    assert parse_amount("-") is None
    assert parse_amount("0") == Decimal("0")
    assert parse_amount("0.00") == Decimal("0.00")


def test_amounts_are_exact_and_normalised_to_yuan() -> None:
    assert parse_amount("148.53") == Decimal("148.53")
    assert parse_amount("1,234,567.89") == Decimal("1234567.89")
    assert to_yuan(Decimal("148.53"), "万元") == Decimal("1485300.00")
    assert to_yuan(Decimal("0.01"), "万元") == Decimal("100.00")
    assert to_yuan(Decimal("12.34"), "元") == Decimal("12.34")
    # binary floats would get this wrong: 0.1 + 0.2 万元 is exactly 3000 yuan
    assert to_yuan(parse_amount("0.1"), "万元") + to_yuan(parse_amount("0.2"), "万元") == 3000


def test_non_number_names_file_line_and_expectation() -> None:
    with pytest.raises(InputError) as raised:
        parse_amount("12.3万", file="doc.txt", line=42, column="合计")
    error = raised.value
    assert (error.type, error.file, error.line) == ("invalid-amount", "doc.txt", 42)
    assert "合计" in error.message and error.expected
    assert str(error).startswith("doc.txt:42: ")


@pytest.mark.parametrize(
    ("text", "value"),
    [("一", 1), ("九", 9), ("十", 10), ("十九", 19), ("二十", 20), ("三十四", 34), ("甲", None)],
)
def test_chinese_ordinals(text: str, value: int | None) -> None:
    assert chinese_ordinal(text) == value


@pytest.mark.parametrize(
    ("text", "operator", "value", "unit", "qualitative"),
    [
        ("≤195000元", "≤", Decimal("195000"), "元", None),
        ("≥90%", "≥", Decimal("90"), "%", None),
        ("365天", "=", Decimal("365"), "天", None),
        ("<10名", "<", Decimal("10"), "名", None),
        ("12个月", "=", Decimal("12"), "个月", None),
        ("≤24小时", "≤", Decimal("24"), "小时", None),
        ("＜5个", "<", Decimal("5"), "个", None),
        ("不低于95%", "≥", Decimal("95"), "%", None),
        ("提升", None, None, None, "提升"),
        ("明显", None, None, None, "明显"),
        ("及时", None, None, None, "及时"),
    ],
)
def test_indicator_values(text, operator, value, unit, qualitative) -> None:
    target = parse_target(text)
    assert (target.operator, target.value, target.unit, target.qualitative) == (
        operator,
        value,
        unit,
        qualitative,
    )


amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)


@given(amounts)
def test_amount_round_trip(value: Decimal) -> None:
    assert parse_amount(f"{value:f}") == value
    assert parse_amount(f"{value:,f}") == value


@given(
    st.sampled_from(["≤", "≥", "<", ">", "="]), amounts, st.sampled_from(["元", "%", "天", "个"])
)
def test_target_round_trip(operator: str, value: Decimal, unit: str) -> None:
    target = parse_target(f"{operator}{value:f}{unit}")
    assert (target.operator, target.value, target.unit) == (operator, value, unit)


@given(st.text(alphabet="提升明显及时良好健全合规", min_size=1, max_size=8))
def test_words_stay_qualitative(text: str) -> None:
    target = parse_target(text)
    assert target.qualitative == text and target.value is None


@given(st.text(max_size=30))
def test_parse_amount_only_raises_input_error(text: str) -> None:
    try:
        value = parse_amount(text)
    except InputError as error:
        assert error.type == "invalid-amount"
    else:
        assert value is None or isinstance(value, Decimal)
