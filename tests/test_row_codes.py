"""Row identities from every printed form (issue 26, item 2): names without codes get their
codes from the code lists, within the hierarchy the row order shows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from service.audit import cross
from service.audit.tables import check_table
from service.ingest.code_names import code_names, name_key
from service.ingest.model import Document
from service.ingest.pdf.two_sided import two_sided_tables
from service.ingest.pdf.typed import NotTyped, reading_of, typed_table
from tests.grids import printed


def test_names_coded_within_the_hierarchy_the_rows_show() -> None:
    """办公设备购置 is 30902 under 资本性支出（基本建设） and 31002 under 资本性支出."""
    coded = code_names(
        ["合计", "资本性支出（基本建设）", "办公设备购置", "资本性支出", "办公设备购置"], "economic"
    )
    assert coded.codes == [None, "309", "30902", "310", "31002"]
    assert coded.scheme == "economic-departmental"
    assert not coded.notes


def test_a_name_the_hierarchy_cannot_tell_apart_is_left_uncoded_and_said() -> None:
    coded = code_names(["办公设备购置"], "economic")
    assert coded.codes == [None]
    assert "30902" in coded.notes[0] and "31002" in coded.notes[0]


def test_the_classification_that_knows_the_names_is_chosen() -> None:
    """Government economic names (机关工资福利支出…) are coded in that list, not the
    departmental one."""
    coded = code_names(["机关工资福利支出", "工资奖金津补贴", "社会保障缴费"], "economic")
    assert coded.scheme == "economic-government"
    assert coded.codes == ["501", "50101", "50102"]


def test_names_compare_without_width_spaces_or_quotes() -> None:
    assert name_key("维修 (护) 费") == name_key("维修（护）费")


def test_a_child_of_an_unknown_name_is_not_guessed_under_the_row_above() -> None:
    """A 款 the list does not know: the 项 under it are coded only when their name is unique."""
    coded = code_names(["一般公共服务支出", "某某事务", "办公设备购置"], "functional")
    assert coded.codes[0] == "201"
    assert coded.codes[1] is None and coded.codes[2] is None


def test_a_names_only_functional_table_is_read_typed_with_codes() -> None:
    """杭州 prints 功能分类科目名称 and the amounts, with no code column at all."""
    table = printed(
        "表5 2026年一般公共预算支出表",
        [
            ["功能分类科目名称", "合计", "基本支出", "项目支出"],
            ["合计", "30.00", "20.00", "10.00"],
            ["一般公共服务支出", "30.00", "20.00", "10.00"],
            ["政府办公厅（室）及相关机构事务", "30.00", "20.00", "10.00"],
            ["行政运行", "20.00", "20.00", ""],
            ["一般行政管理事务", "10.00", "", "10.00"],
        ],
    )
    warnings: list = []
    read = typed_table(table, "万元", 2026, warnings)
    assert [row["functional_code"] for row in read.rows] == [
        None,
        "201",
        "20103",
        "2010301",
        "2010302",
    ]
    assert [row["row_type"] for row in read.rows] == [
        "total",
        "subtotal",
        "subtotal",
        "item",
        "item",
    ]
    assert read.rows[3]["name"] == "行政运行"
    assert read.rows[3]["total"] == Decimal("200000.00")
    assert [w.type for w in warnings] == ["codes-from-names"]


def test_a_names_only_economic_table_is_read_typed_with_codes() -> None:
    table = printed(
        "表6 2026年一般公共预算基本支出表",
        [
            ["经济分类科目名称", "合计", "人员经费", "日常公用支出"],
            ["**", "1", "2", "3"],
            ["合计", "3.00", "1.00", "2.00"],
            ["工资福利支出", "1.00", "1.00", ""],
            ["基本工资", "1.00", "1.00", ""],
            ["商品和服务支出", "2.00", "", "2.00"],
            ["维修(护)费", "2.00", "", "2.00"],
        ],
    )
    read = typed_table(table, "万元", 2026, [])
    codes = [row["economic_departmental_code"] for row in read.rows]
    assert codes == [None, "301", "30101", "302", "30213"]


def test_a_table_that_prints_codes_is_left_as_it_is() -> None:
    table = printed(
        "表5 2026年一般公共预算支出表",
        [
            ["科目编码", "科目名称", "合计"],
            ["合计", "", "20.00"],
            ["2010301", "行政运行", "20.00"],
        ],
    )
    warnings: list = []
    read = typed_table(table, "万元", 2026, warnings)
    assert [row["functional_code"] for row in read.rows] == [None, "2010301"]
    assert not warnings


def test_a_lone_unit_row_above_the_codes_is_the_total() -> None:
    """深圳 prints the department's row (预算单位 filled, no code) where others print 合计."""
    table = printed(
        "表7 一般公共预算支出表(按功能分类)",
        [
            ["预算单位", "科目编码", "科目名称", "支出总计", "基本支出", "项目支出"],
            ["深圳市某局", "", "", "30.00", "20.00", "10.00"],
            ["", "201", "一般公共服务支出", "30.00", "20.00", "10.00"],
            ["", "20103", "政府办公厅（室）及相关机构事务", "30.00", "20.00", "10.00"],
            ["", "2010301", "行政运行", "20.00", "20.00", "0.00"],
            ["", "2010302", "一般行政管理事务", "10.00", "0.00", "10.00"],
        ],
    )
    read = typed_table(table, "万元", 2026, [])
    assert [row["row_type"] for row in read.rows] == [
        "total",
        "subtotal",
        "subtotal",
        "item",
        "item",
    ]
    assert read.rows[0]["total"] == Decimal("300000.00")


def test_several_unit_rows_are_not_taken_for_a_total() -> None:
    table = printed(
        "表7 一般公共预算支出表(按功能分类)",
        [
            ["预算单位", "科目编码", "科目名称", "支出总计"],
            ["某局", "", "", "30.00"],
            ["某局（本级）", "", "", "30.00"],
            ["", "2010301", "行政运行", "30.00"],
        ],
    )
    with pytest.raises(NotTyped):
        typed_table(table, "万元", 2026, [])


def test_a_second_classification_on_the_row_is_kept_as_its_own_fields() -> None:
    """烟台 prints 类/款 twice per row: 部门预算经济分类, then 政府预算经济分类; a departmental
    class printed once under each government class is two rows, told apart by the pair."""
    table = printed(
        "公开表6 一般公共预算基本支出情况表",
        [
            [
                "科目编码",
                "",
                "部门预算支出经济分类科目名称",
                "科目编码",
                "",
                "政府预算支出经济分类科目名称",
                "基本支出",
            ],
            ["类", "款", "", "类", "款", "", "小计"],
            ["", "", "合计", "", "", "", "6.00"],
            ["301", "", "工资福利支出", "501", "", "机关工资福利支出", "4.00"],
            ["301", "01", "基本工资", "501", "01", "工资奖金津补贴", "4.00"],
            ["301", "", "工资福利支出", "505", "", "对事业单位经常性补助", "2.00"],
            ["301", "01", "基本工资", "505", "01", "工资福利支出", "2.00"],
        ],
    )
    read = typed_table(table, "万元", 2026, [])
    pairs = [(r["economic_departmental_code"], r["economic_government_code"]) for r in read.rows]
    assert pairs == [
        (None, None),
        ("301", "501"),
        ("30101", "50101"),
        ("301", "505"),
        ("30101", "50501"),
    ]
    assert read.rows[2]["economic_government_name"] == "工资奖金津补贴"
    assert (
        read.fields.index("economic_government_code")
        == read.fields.index("economic_departmental_name") + 1
    )
    checks = [c for c in check_table(read) if c is not None]
    assert checks and all(c.status == "pass" for c in checks)


def test_joined_code_name_cells_of_two_classifications() -> None:
    """北京 prints 政府支出经济分类科目 and 部门支出经济分类科目 as code-name cells."""
    table = printed(
        "预算06表 一般公共预算基本支出表",
        [
            ["政府支出经济分类科目", "部门支出经济分类科目", "合计"],
            ["50101-工资奖金津补贴", "30101-基本工资", "3.000000"],
            ["50101-工资奖金津补贴", "30102-津贴补贴", "1.000000"],
            ["", "合 计", "4.000000"],
        ],
    )
    read = typed_table(table, "万元", 2026, [])
    assert [r["economic_departmental_code"] for r in read.rows] == ["30101", "30102", None]
    assert [r["economic_government_code"] for r in read.rows] == ["50101", "50101", None]


def test_a_column_the_table_does_not_print_is_no_cross_check() -> None:
    """江苏 2017 prints its 一般公共预算支出表 with one 金额 column: no 基本支出 to compare."""
    spending = typed_table(
        printed(
            "八、一般公共预算支出预算表",
            [
                ["功能科目代码", "功能科目名称", "金额"],
                ["合计", "", "5.00"],
                ["2010301", "行政运行", "5.00"],
            ],
        ),
        "万元",
        2017,
        [],
    )
    basic = typed_table(
        printed(
            "九、一般公共预算基本支出预算表",
            [["科目编码", "科目名称", "金额"], ["合计", "", "3.00"], ["30101", "基本工资", "3.00"]],
        ),
        "万元",
        2017,
        [],
    )
    document = Document("x.pdf", "0", "", "x", "某局", 2017, "万元")
    document.tables = {spending.resource: spending, basic.resource: basic}
    assert not [c for c in cross.cross_tables(document) if c and c.id == "cross:basic-total"]


def test_lines_below_the_current_year_total_are_items_of_the_grand_total() -> None:
    """烟台 prints 上级补助收入 and 使用非财政拨款结余 between 本年收入合计 and 收入总计:
    items the 总计 adds, not a breakdown of 一、财政拨款收入; the lines under 上年结转 are its
    own breakdown."""
    table = printed(
        "公开表1 收支总体情况表",
        [
            ["收入", "收入", "支出", "支出"],
            ["项目", "预算数", "项目", "预算数"],
            ["一、财政拨款收入", "100.00", "一、一般公共服务支出", "160.00"],
            ["一般公共预算收入", "100.00", "", ""],
            ["五、其他收入", "", "", ""],
            ["本年收入合计", "100.00", "本年支出合计", "160.00"],
            ["上级补助收入", "60.00", "", ""],
            ["使用非财政拨款结余", "", "", ""],
            ["上年结转", "", "结转下年", ""],
            ["一般公共预算", "", "", ""],
            ["收入总计", "160.00", "支出总计", "160.00"],
        ],
    )
    income, spending = two_sided_tables(
        table, "万元", 2026, reading_of(table.kind or "", ("two_sided",))
    )
    kinds = {row["item"]: (row["row_type"], row["item_code"]) for row in income.rows}
    assert kinds["上级补助收入"] == ("item", "superior-subsidy")
    assert kinds["使用非财政拨款结余"] == ("item", "business-fund")
    assert kinds["一般公共预算"][0] == "of-which"
    document = Document("x.pdf", "0", "", "x", "某局", 2026, "万元")
    document.tables = {income.resource: income, spending.resource: spending}
    checks = {c.id: c.status for c in cross.two_sided(document) if c is not None}
    assert checks["summary_income:grand-total"] == "pass"


def test_the_breakdown_under_the_carry_over_is_not_added_twice() -> None:
    """北京 prints 上年结转结余 and then its own 一、一般公共预算拨款 … lines above 收入总计."""
    table = printed(
        "预算04表 财政拨款收支总表",
        [
            ["收入", "收入", "支出", "支出"],
            ["项目", "预算数", "项目", "预算数"],
            ["一、一般公共预算资金", "10.00", "一、一般公共服务支出", "40.00"],
            ["本年收入合计", "10.00", "本年支出合计", "40.00"],
            ["上年结转结余", "30.00", "年终结转结余", ""],
            ["一、一般公共预算拨款", "30.00", "", ""],
            ["收入总计", "40.00", "支出总计", "40.00"],
        ],
    )
    income, spending = two_sided_tables(
        table, "万元", 2026, reading_of(table.kind or "", ("two_sided",))
    )
    document = Document("x.pdf", "0", "", "x", "某局", 2026, "万元")
    document.tables = {income.resource: income, spending.resource: spending}
    checks = {c.id: c.status for c in cross.two_sided(document) if c is not None}
    assert checks["fiscal_summary_income:grand-total"] == "pass"


def test_two_totals_one_unit_apart_are_rounding_not_failure() -> None:
    """烟台 统计局: 公开表5 基本支出 合计 1,704.11 beside 公开表6 合计 1,704.12."""
    spending = typed_table(
        printed(
            "公开表5 一般公共预算支出情况表",
            [
                ["科目编码", "科目名称", "合计", "基本支出"],
                ["合计", "", "1,704.11", "1,704.11"],
                ["2010301", "行政运行", "1,704.11", "1,704.11"],
            ],
        ),
        "万元",
        2026,
        [],
    )
    basic = typed_table(
        printed(
            "公开表6 一般公共预算基本支出情况表",
            [
                ["科目编码", "科目名称", "合计"],
                ["合计", "", "1,704.12"],
                ["30101", "基本工资", "1,704.12"],
            ],
        ),
        "万元",
        2026,
        [],
    )
    document = Document("x.pdf", "0", "", "x", "某局", 2026, "万元")
    document.tables = {spending.resource: spending, basic.resource: basic}
    found = [c for c in cross.cross_tables(document) if c and c.id == "cross:basic-total"]
    assert [c.status for c in found] == ["rounding"]
