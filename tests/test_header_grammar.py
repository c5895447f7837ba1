"""The column side of the reader on minimal printed tables (tests/grids.py): each rule of the
header grammar and each reading family shown by the smallest table that has its pattern."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from service.ingest import grammar, header_terms
from service.ingest.header_terms import Term
from service.ingest.layout_columns_pdf import REGIONAL_THREE_PUBLIC_COLUMNS
from service.ingest.layouts import layout_by_kind
from service.ingest.model import Document
from service.ingest.pdf.by_unit import by_unit_table
from service.ingest.pdf.forms import form_tables
from service.ingest.pdf.national import typed_readings
from service.ingest.pdf.records import records_table
from service.ingest.pdf.typed import typed_table
from service.ingest.pdf.vertical import vertical_table
from service.ingest.reasons import NotTyped
from tests.conftest import ROOT
from tests.grids import printed

W = Decimal(10000)  # 1 万元 in yuan


def _document() -> Document:
    return Document(
        file="t", sha256="", text="", title="", department="", fiscal_year=2026, unit="万元"
    )


def test_a_three_public_list_reads_each_cell_by_its_row_and_column() -> None:
    """广州 表8: the 三公 items down, the funds across; 行政经费, printed above them, is a
    column of its own, out of the 三公 cube."""
    table = vertical_table(
        printed(
            "表8 财政拨款安排的三公经费预算表",
            [
                ["项目", "合计", "一般公共预算", "政府性基金预算"],
                ["行政经费", "839.21", "839.21", "0.00"],
                ["“三公”经费", "19.86", "19.86", "0.00"],
                ["其中：（一）因公出国（境）支出", "5.00", "5.00", "0.00"],
                ["（二）公务用车购置及运行维护支出", "6.70", "6.70", "0.00"],
                ["1.公务用车购置费", "0.00", "0.00", "0.00"],
                ["2.公务用车运行维护费", "6.70", "6.70", "0.00"],
                ["（三）公务接待费支出", "8.16", "8.16", "0.00"],
            ],
        ),
        "万元",
        2026,
        layout_by_kind("three_public"),
    )
    (row,) = table.rows
    assert row["total"] == Decimal("19.86") * W
    assert row["vehicle_operation"] == Decimal("6.70") * W
    assert row["official_reception_general_public_budget"] == Decimal("8.16") * W
    assert row["total_government_fund"] == 0
    declared = {c.name: c for c in REGIONAL_THREE_PUBLIC_COLUMNS}
    administrative = declared["administrative_costs"]  # a regional column the grammar declares
    assert row["administrative_costs"] == Decimal("839.21") * W and not administrative.in_cube


def test_rows_qualified_by_a_year_column_are_one_row() -> None:
    """深圳 表9: a unit printed on three rows, 2025年 | 2026年 | 增减变化金额."""
    table = by_unit_table(
        printed(
            "表9 财政拨款三公经费支出表",
            [
                ["预算单位", "年度", "总计", "因公出国(境)费", "公务接待费"],
                ["某某局", "2025年", "37.77", "17.88", "19.89"],
                ["", "2026年", "43.79", "36.14", "7.65"],
                ["", "增减变化金额", "6.02", "18.26", "-12.24"],
            ],
        ),
        "万元",
        2026,
        layout_by_kind("three_public"),
    )
    (row,) = table.rows
    assert row["row_type"] == "total"  # one unit named, no 合计: its row is the table's
    assert (row["total"], row["prior_year_total"], row["change_total"]) == (
        Decimal("43.79") * W,
        Decimal("37.77") * W,
        Decimal("6.02") * W,
    )
    prior = next(c for c in table.own_columns if c.name == "prior_year_overseas_travel")
    assert not prior.in_cube


def test_carry_over_groups_in_a_function_table() -> None:
    """本年 and 上年结转 groups: the current group's 合计 is current_total, the identities are
    the kind's in each group and total = current + carry-over."""
    table = typed_table(
        printed(
            "表3 部门支出总表",
            [
                ["科目编码", "科目名称", "合计", "本年", "本年", "本年", "上年结转", "上年结转"],
                [
                    "科目编码",
                    "科目名称",
                    "合计",
                    "小计",
                    "基本支出",
                    "项目支出",
                    "基本支出",
                    "项目支出",
                ],
                ["201", "一般公共服务支出", "130.00", "100.00", "60.00", "40.00", "10.00", "20.00"],
                ["20101", "人大事务", "130.00", "100.00", "60.00", "40.00", "10.00", "20.00"],
            ],
        ),
        "万元",
        2026,
        [],
        layout_by_kind("expenditure"),
    )
    assert table.fields[-6:] == [
        "total",
        "basic_total",
        "project_total",
        "current_total",
        "carry_over_basic_total",
        "carry_over_project_total",
    ]
    identities = dict(table.identities or ())
    assert identities["total"] == ("current_total", "carry_over_total")
    assert table.rows[0]["carry_over_project_total"] == Decimal("20.00") * W


def test_a_column_of_unknown_words_keeps_the_table_typed() -> None:
    columns = [["科目编码", "科目名称", "合计", "基本支出", "项目支出", "某某专项资金"]]
    table = typed_table(
        printed(
            "表5 一般公共预算支出表",
            [*columns, ["2010101", "行政运行", "11.00", "10.00", "1.00", "3.00"]],
        ),
        "万元",
        2026,
        [],
        layout_by_kind("general_budget_expenditure"),
    )
    read = {r.name: r for r in table.header if r.name}
    assert read["printed_06"].role == "printed" and read["printed_06"].why == "某某专项资金"
    assert table.rows[0]["printed_06"] == Decimal("3.00") * W
    assert table.rows[0]["basic_total"] == Decimal("10.00") * W


def test_a_subtotal_with_nothing_above_it_is_its_siblings_group_total() -> None:
    """A header whose 公务用车 cell did not span its columns: the 小计 beside 购置费 and 运行费
    is theirs, not a second 合计."""
    table = by_unit_table(
        printed(
            "三公经费预算表",
            [
                ["单位名称", "合计", "因公出国(境)费", "小计", "购置费", "运行费", "公务接待费"],
                ["合计", "6.00", "1.00", "3.00", "1.00", "2.00", "2.00"],
            ],
        ),
        "万元",
        2026,
        layout_by_kind("three_public"),
    )
    assert table.rows[0]["vehicles_total"] == Decimal("3.00") * W


def test_a_new_spelling_is_a_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    """A column variant no region has printed yet is one more header word, no reader code."""
    rows = [
        ["单位名称", "合计", "因公出国(境)费", "公务车辆养护费", "公务接待费"],
        ["合计", "6.00", "1.00", "3.00", "2.00"],
    ]

    def read() -> set[str]:
        table = by_unit_table(
            printed("三公经费预算表", rows), "万元", 2026, layout_by_kind("three_public")
        )
        return set(table.fields)

    assert "printed_04" in read()
    terms = (*header_terms.TERMS, Term(("公务车辆养护费",), (("expense", "vehicle-operation"),)))
    monkeypatch.setattr(header_terms, "TERMS", terms)
    monkeypatch.setattr(grammar, "TERMS", terms)
    grammar._words.cache_clear()
    grammar._longest.cache_clear()
    try:
        assert "vehicle_operation" in read()
    finally:
        monkeypatch.undo()
        grammar._words.cache_clear()
        grammar._longest.cache_clear()


def test_records_and_their_subtotals() -> None:
    """苏州 公开13表: 货物 and the unit above their purchases are subtotals; text columns by role."""
    table = records_table(
        printed(
            "公开13表 政府采购支出表",
            [
                ["采购品目大类", "采购品目名称", "采购组织形式", "一般公共预算资金", "总计"],
                ["合计", "", "", "7.00", "7.00"],
                ["货物", "", "", "7.00", "7.00"],
                ["某某局", "", "", "7.00", "7.00"],
                ["", "打印机", "分散采购", "2.00", "2.00"],
                ["", "空调机", "分散采购", "5.00", "5.00"],
            ],
        ),
        "万元",
        2026,
        layout_by_kind("government_procurement"),
    )
    assert [r["row_type"] for r in table.rows] == ["total", "subtotal", "subtotal", "item", "item"]
    assert table.rows[3]["procurement_method"] == "分散采购"
    assert table.rows[3]["general_public_budget"] == Decimal("2.00") * W


def test_a_performance_form() -> None:
    budgets, targets = form_tables(
        printed(
            "科普活动项目绩效目标表",
            [
                ["项目名称", "科普活动项目", "", "", ""],
                ["主管部门", "某某局", "", "实施单位", "某某局"],
                ["专项资金情况（万元）", "资金总额", "", "80.00", ""],
                ["", "财政拨款", "", "80.00", ""],
                ["年度目标", "开展科普活动20场", "", "", ""],
                ["绩效目标指标", "一级指标", "二级指标", "三级指标", "指标值"],
                ["", "成本指标", "经济成本指标", "活动经费总额", "≤80万元"],
                ["", "产出指标", "数量指标", "活动次数", "≥20场"],
                ["", "", "质量指标", "活动合格率", "100%"],
            ],
            unit="",
        ),
        "万元",
        layout_by_kind("project_targets"),
    )
    (project,) = budgets.rows
    assert (project["project_name"], project["total"], project["goal"]) == (
        "科普活动项目",
        Decimal("80.00") * W,
        "开展科普活动20场",
    )
    assert [(t["level1"], t["level2"], t["operator"], t["value"]) for t in targets.rows] == [
        ("成本指标", "经济成本指标", "≤", Decimal("80")),
        ("产出指标", "数量指标", "≥", Decimal("20")),
        ("产出指标", "质量指标", "=", Decimal("100")),
    ]


def test_every_reason_at_once() -> None:
    """A table that cannot be typed says every reason, each a record with its code."""
    with pytest.raises(NotTyped) as raised:
        typed_table(
            printed(
                "表5 一般公共预算支出表",
                [["名称", "合计", "合计"], ["某项未列名支出", "1.00", "1.00"]],
            ),
            "万元",
            2026,
            [],
            layout_by_kind("general_budget_expenditure"),
        )
    codes = {reason.code for reason in raised.value.reasons}
    assert codes == {"two-columns-one-field", "no-code-column"}


def test_the_readings_of_a_kind_are_tried_in_order() -> None:
    """A 三公 table printed as a list is read by the list reading once the by-unit one says its
    rows are the kind's items."""
    table = printed(
        "一般公共预算三公经费支出预算表",
        [["项目", "预算数"], ["合计", "5.00"], ["因公出国(境)费", "0.00"], ["公务接待费", "5.00"]],
    )
    (read,) = typed_readings(table, "万元", 2026, _document())
    assert read.rows[0]["official_reception"] == Decimal("5.00") * W


def test_a_typed_table_the_package_refuses_alone_is_kept_as_printed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The package validation names a typed table: that table alone is read again as printed,
    the others stay typed, and a programming error is no fallback (it fails)."""
    from service import pipeline
    from service.errors import PackageError

    real = pipeline.write_package
    calls: list[set[str]] = []

    def refuse_once(document: Document, *args: object, **kwargs: object) -> Path:
        calls.append(set(document.tables))
        if len(calls) == 1:
            raise PackageError("x: package y is invalid: three_public_expenses:2: total: bad")
        return real(document, *args, **kwargs)

    monkeypatch.setattr(pipeline, "write_package", refuse_once)
    source = (
        ROOT / "tests" / "fixtures" / "real" / "guangdong-guangzhou-tongjiju-2026-dept-budget.pdf"
    )
    outcome = pipeline.ingest_file(source, tmp_path, validate="schema")
    assert outcome.ok
    assert "three_public_expenses" in calls[0] and "three_public_expenses" not in calls[1]
    assert {"income", "expenditure", "table_three_public"} <= calls[1]

    def broken(document: Document, *args: object, **kwargs: object) -> Path:
        raise TypeError("a bug")

    monkeypatch.setattr(pipeline, "write_package", broken)
    assert "TypeError" in str(pipeline.ingest_file(source, tmp_path, validate="schema").error)
