"""Tables are found whole (issue 26, item 4): a title under the table above starts a new table,
a title wrapped over two lines is one title, a grid ruled over two tables is cut at the
second's title. Minimal pages built in memory (tests/grids.py)."""

from __future__ import annotations

from service.ingest.pdf.pages import Page
from service.ingest.pdf.segment import repair_ordinal, segment
from tests.grids import grid, number_lines, text

SPENDING = [
    ["科目编码", "科目名称", "合计"],
    ["合计", "", "5.00"],
    ["2010301", "行政运行", "5.00"],
]


def test_an_unrecognised_title_under_a_table_starts_another_table() -> None:
    page = Page(1)
    text(page, "表5 一般公共预算支出表", 10)
    text(page, "单位：万元", 30)
    grid(page, SPENDING, 50)
    text(page, "部门预算项目明细表（本部门自定）", 130)  # a title the catalogue does not know
    grid(page, [["项目", "类别", "金额"], ["甲项目", "运转类", "5.00"]], 150)
    found = segment(number_lines([page]))
    assert len(found.tables) == 2
    assert found.tables[0].kind == "general_budget_expenditure"
    assert len(found.tables[0].pieces) == 1


def test_a_note_under_a_table_does_not_cut_it() -> None:
    page = Page(1)
    text(page, "表5 一般公共预算支出表", 10)
    grid(page, SPENDING, 50)
    text(page, "注：本表不含上年结转。", 130)
    grid(page, [["2010302", "一般行政管理事务", "1.00"]], 150)
    found = segment(number_lines([page]))
    assert len(found.tables) == 1
    assert len(found.tables[0].pieces) == 2


def test_a_title_wrapped_onto_a_bracketed_line_is_one_title() -> None:
    page = Page(1)
    text(page, "表8 一般公共预算支出表", 10)
    text(page, "（按经济分类科目）", 30)
    grid(page, [["科目编码", "科目名称", "合计"], ["301", "工资福利支出", "5.00"]], 60)
    found = segment(number_lines([page]))
    assert found.tables[0].kind == "general_budget_economic"


def test_a_grid_ruled_over_two_tables_is_cut_at_the_second_title() -> None:
    page = Page(1)
    text(page, "预算07表 政府性基金预算支出表", 10)
    grid(
        page,
        [
            ["科目编码", "科目名称", "合计"],
            ["合计", "", "5.00"],
            ["2120801", "征地和拆迁补偿支出", "5.00"],
            ["预算08表 国有资本经营预算支出表", "", ""],
            ["科目编码", "科目名称", "合计"],
            ["合计", "", ""],
        ],
        40,
    )
    found = segment(number_lines([page]))
    assert [t.kind for t in found.tables] == [
        "government_fund_expenditure",
        "state_capital_expenditure",
    ]
    assert found.tables[1].label == "预算08表"


def test_a_contents_grid_of_titles_is_not_cut() -> None:
    page = Page(1)
    text(page, "目录", 10)
    grid(
        page,
        [
            ["表号", "名称"],
            ["表1", "收支总表"],
            ["表2", "收入总表"],
            ["表3", "支出总表"],
            ["表4", "财政拨款收支总表"],
        ],
        40,
    )
    assert len(segment(number_lines([page])).tables) <= 1


def test_an_ordinal_whose_punctuation_was_placed_apart_is_put_back() -> None:
    """重庆 经信委's PDF places 、 and （ ） apart from the ordinal they belong to."""
    assert repair_ordinal("一 本年收入、") == "一、本年收入"
    assert repair_ordinal("二 政府性基金预算资金( )") == "（二）政府性基金预算资金"
    assert repair_ordinal("一、本年收入") == "一、本年收入"
    assert repair_ordinal("行政运行") == "行政运行"
