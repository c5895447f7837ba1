"""The audit on real disclosures of other regions: what their two-sided tables and long columns
add up to, with figures read off the PDFs (tests/fixtures/real, see its README)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from service.audit import run_audit
from service.audit.checks import Check, rounding_tolerance
from service.ingest import read_document
from service.ingest.model import Document, Table
from tests.test_real_documents import BEIJING, CHONGQING, HANGZHOU, source


@pytest.fixture(scope="module")
def audited() -> dict[str, tuple[Document, dict[str, Check]]]:
    found = {}
    for slug in (BEIJING, CHONGQING, HANGZHOU):
        document = read_document(source(slug))
        found[slug] = document, {check.id: check for check in run_audit(document)}
    return found


def test_carry_over_breakdown_is_not_part_of_the_current_year(
    audited: dict[str, tuple[Document, dict[str, Check]]],
) -> None:
    """北京 预算04表: 本年收入合计 32,365.090089 = 一般公共预算资金 alone; the 上年结转结余 block
    (436.84655) and its own 一、一般公共预算拨款 line below it are not current-year income."""
    _, checks = audited[BEIJING]
    current = checks["fiscal_summary_income:current-year"]
    assert current.status == "pass"
    assert Decimal(current.expected) == Decimal("323650900.890000")
    grand = checks["fiscal_summary_income:grand-total"]
    assert grand.status == "pass"
    assert Decimal(grand.expected) == Decimal("328019366.390000")  # 32,801.936639 万元


def test_a_side_without_current_year_total_adds_up_to_its_grand_total(
    audited: dict[str, tuple[Document, dict[str, Check]]],
) -> None:
    """杭州 表4 prints 一、财政拨款 5,753.07 and 二、上年结转结余 (blank) with no 本年合计 line:
    收入总计 5,753.07 is their sum, not a failure to find 本年合计."""
    _, checks = audited[HANGZHOU]
    assert "fiscal_summary_income:current-year" not in checks
    grand = checks["fiscal_summary_income:grand-total"]
    assert (grand.status, grand.expected, grand.found) == ("pass", "57530700.00", "57530700.00")
    assert checks["fiscal_summary:balance"].status == "pass"


def test_one_unit_off_in_a_two_part_total_is_rounding(
    audited: dict[str, tuple[Document, dict[str, Check]]],
) -> None:
    """重庆 表四: 收入总计 18,417.70 against 本年收入合计 + 上年结转结余 = 18,417.71."""
    _, checks = audited[CHONGQING]
    grand = checks["fiscal_summary_income:grand-total"]
    assert grand.status == "rounding"
    assert Decimal(grand.expected) - Decimal(grand.found) == Decimal(100)  # 0.01 万元


def test_rounding_tolerance_grows_with_the_parts_printed() -> None:
    """n rounded parts and a rounded total differ by at most (n + 1) / 2 units of the last digit."""
    table = _table("万元", 2)
    assert rounding_tolerance(table) == Decimal(100)
    assert rounding_tolerance(table, 2) == Decimal(100)
    assert rounding_tolerance(table, 3) == Decimal(200)
    assert rounding_tolerance(table, 20) == Decimal(1000)
    assert rounding_tolerance(_table("元", 0), 5) == 3
    assert rounding_tolerance(_table("元", None), 5) == 0  # decimals unknown: exact sums only


def _table(unit: str, decimals: int | None) -> Table:
    return Table("t", "t", "t", 1, None, unit, [], decimals=decimals)
