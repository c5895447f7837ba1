"""One declaration of title words: the catalogue names every table, for text and PDF alike.

Issue 13's design: a table kind's title words are declared once (service.ingest.catalogue),
and the text reader, the PDF readers and the layouts (service.ingest.layouts) derive from it.
These tests pin that: every layout's own printed title, in the spellings regions use, is
recognised by the catalogue as the layout's catalogue kind; the text reader fills that very
layout; and each PDF reader's kind → layout link stays inside the declared catalogue kind.
"""

from __future__ import annotations

import pytest

from service.ingest.catalogue import BY_KIND, read_title
from service.ingest.layouts import LAYOUTS, TEXT_LAYOUTS, Layout, layout_by_kind, readings
from service.ingest.pdf import shanghai_layout
from service.ingest.sections import match_layout

# how regions print a title around the template's words: year, prefix, label before or after
SPELLINGS = (
    "{}",
    "2026年{}",
    "2026年度{}",
    "单位{}",
    "表1 {}",
    "表一：2026年{}",
    "预算01表 {}",
    "公开表3 2026年{}",
    "{}(预算表2)",
)


def _spellings(layout: Layout) -> list[str]:
    return [spelling.format(layout.title_zh) for spelling in SPELLINGS]


def test_every_layout_names_a_catalogue_kind() -> None:
    for layout in LAYOUTS:
        assert layout.title_kind in BY_KIND, layout.kind


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.kind)
def test_the_catalogue_recognises_each_layouts_title(layout: Layout) -> None:
    for text in _spellings(layout):
        title = read_title(text)
        assert title.kind is not None, text
        assert title.kind.kind == layout.title_kind, text


@pytest.mark.parametrize("layout", list(TEXT_LAYOUTS.values()), ids=lambda layout: layout.kind)
def test_the_text_reader_fills_the_layout_the_catalogue_names(layout: Layout) -> None:
    for text in _spellings(layout):
        found = match_layout(text)
        assert found is not None, text
        assert found[0] is layout, text
    assert match_layout(f"2024年{layout.title_zh}") == (layout, 2024)


def test_every_text_layout_is_reachable() -> None:
    """Each layout with a text row builder is the text layout of its catalogue kind."""
    text = [layout for layout in LAYOUTS if layout.parser != "pdf"]
    assert sorted(layout.kind for layout in text) == sorted(
        layout.kind for layout in TEXT_LAYOUTS.values()
    )


@pytest.mark.parametrize(
    "line",
    [
        "一、部门收支预算表",  # contents entries
        "十一、行政（事业）单位机构运转经费预算表",
        "1.部门收支预算表",
        "2024年1.部门收支预算表",
        "备注：区政务服务中心2024年无一般公共预算“三公”经费预算拨款安排的支出，故此表无数据。",
        "详见部门收支预算表。",  # a sentence that mentions a table
        "部门收支预算表\t100.00\t200.00",  # a table row
        "本表反映部门收支预算表" + "的情况" * 20,  # over 60 characters
        "附件：2024年洛阳市城乡一体化示范区政务服务中心部门 预算表",  # the annex heading
        "附件：2024年部门收支预算表",
        "政府采购预算明细表",  # a catalogue kind with no text layout
        "部门预算",  # no table at all
    ],
)
def test_the_text_reader_refuses_what_is_no_title(line: str) -> None:
    assert match_layout(line) is None


def test_regional_spellings_reach_text_layouts() -> None:
    """The text reader knows what the catalogue knows, not one spelling per kind."""
    assert match_layout("2026年部门收支总体情况表")[0].kind == "summary"  # type: ignore[index]
    assert match_layout("表3 部门支出总表")[0].kind == "expenditure"  # type: ignore[index]
    assert match_layout("单位项目支出预算表")[0].kind == "projects"  # type: ignore[index]


def test_the_pdf_readers_stay_inside_the_declared_kind() -> None:
    """Every PDF reader's link from a recognised catalogue kind to a layout (by header shape, or
    the Shanghai template's titles) goes to a layout declared for that catalogue kind."""
    kinds = {layout.title_kind for layout in LAYOUTS}
    links = [(kind, layout.kind) for kind in kinds for layout, _ in readings(kind)]
    links += [
        (read_title(title).kind.kind, kind)  # type: ignore[union-attr]
        for title, kind in shanghai_layout.TITLES.items()
    ]
    for catalogue_kind, layout_kind in links:
        layout = layout_by_kind(layout_kind)
        assert catalogue_kind in (layout.title_kind, *layout.read_for), layout_kind
    # and every layout only the PDF readers fill is reached by one of them
    reached = {layout_kind for _, layout_kind in links}
    assert {layout.kind for layout in LAYOUTS if layout.parser == "pdf"} <= reached
