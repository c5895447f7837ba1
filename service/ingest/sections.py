"""Split a document into its narrative and its table sections, and read each section's frame.

A table section is: title line, 部门名称, 单位, header lines, rows and notes (注/备注). A
title is recognised by the catalogue's title words (service.ingest.catalogue), the same
declaration the PDF readers go by, and filled by the layout linked to that catalogue kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from service.errors import InputError
from service.ingest.catalogue import read_title
from service.ingest.cells import normalise
from service.ingest.layouts import TEXT_LAYOUTS, Layout

_DEPARTMENT = re.compile(r"^部门(?:\(单位\))?名称[:：]?(.*)$")
_UNIT = re.compile(r"^(?:金额)?单位[:：](万元|元)$")
_NOTE = re.compile(r"^(?:备注|注|附注|说明|备 注)[:：]")
_YEAR_PREFIX = re.compile(r"^\d{4}年度?")
_ORDINAL_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[.、])")  # 一、… 1.… (contents)
_ANNEX = re.compile(r"^附件")  # 附件：2024年…部门预算表: the heading of the tables' annex
_TITLE_END = re.compile(r"表(?:\([^()]*\))?$")  # …表, …表(2024年度), …表(按功能分类科目)
MAX_TITLE = 60  # characters: a longer line is a sentence, never a title


def match_layout(line: str) -> tuple[Layout, int | None] | None:
    """The layout whose title this line is, with the year it carries, or None.

    The catalogue says which kind of table a title names; this refuses only what is no title
    in a text document although it holds a kind's words: a table row (tab-separated), a
    sentence (over MAX_TITLE characters, or not ending in 表: 备注：…故此表无数据。), a
    contents entry (一、部门收支预算表) and the annex heading (附件：…部门预算表).
    """
    if "\t" in line or len(line) > MAX_TITLE:
        return None
    key = _YEAR_PREFIX.sub("", normalise(line))
    if _ORDINAL_PREFIX.match(key) or _ANNEX.match(key):
        return None
    title = read_title(line)
    if title.kind is None or not _TITLE_END.search(title.key):
        return None
    layout = TEXT_LAYOUTS.get(title.kind.kind)
    return (layout, title.year) if layout else None


@dataclass
class Line:
    number: int  # 1-based line number in the file
    text: str

    @property
    def cells(self) -> list[str]:
        """The line's tab-separated cells, stripped."""
        return [cell.strip() for cell in self.text.split("\t")]


@dataclass
class Section:
    layout: Layout
    year: int | None
    title: Line
    department: str | None = None
    unit: str | None = None
    body: list[Line] = field(default_factory=list)  # header and data lines, in order
    notes: list[str] = field(default_factory=list)
    end: int = 0  # last line number of the section


def find_sections(lines: list[str], file: str) -> tuple[list[Line], list[Section]]:
    """The narrative lines before the first table, and every table section found by its title."""
    starts: list[tuple[int, Layout, int | None]] = []
    for index, text in enumerate(lines):
        found = match_layout(text)
        if found and _frame_follows(lines, index):
            starts.append((index, found[0], found[1]))
    narrative_end = starts[0][0] if starts else len(lines)
    narrative = [Line(i + 1, t) for i, t in enumerate(lines[:narrative_end])]
    sections = []
    for position, (index, layout, year) in enumerate(starts):
        stop = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        sections.append(_read_section(layout, year, lines, index, stop, file))
    return narrative, sections


def _frame_follows(lines: list[str], index: int) -> bool:
    """A title is a table's only when a 部门名称 or 单位 line follows within a few lines."""
    seen = 0
    for text in lines[index + 1 :]:
        if not text.strip():
            continue
        key = normalise(text.split("\t")[0])
        if _DEPARTMENT.match(key) or _UNIT.match(key):
            return True
        seen += 1
        if seen >= 3:
            return False
    return False


def _read_section(
    layout: Layout, year: int | None, lines: list[str], start: int, stop: int, file: str
) -> Section:
    section = Section(layout, year, Line(start + 1, lines[start].strip()), end=stop)
    for index in range(start + 1, stop):
        text = lines[index].rstrip("\r")
        if not text.strip():
            continue
        line = Line(index + 1, text)
        first = normalise(line.cells[0])
        department = _DEPARTMENT.match(first)
        if department and section.department is None and not section.body:
            name = department.group(1) or _first_text(line.cells[1:])
            if _DEPARTMENT.match(normalise(name or "")):
                name = _first_text(line.cells[2:])
            section.department = normalise(name or "") or None
            continue
        unit = _UNIT.match(normalise(text))
        if unit and section.unit is None and not section.body:
            section.unit = unit.group(1)
            continue
        if "\t" not in text and _NOTE.match(normalise(text)):
            section.notes.append(text.strip())
            continue
        if "\t" not in text and section.notes:
            section.notes[-1] += text.strip()  # a note wrapped over lines
            continue
        section.body.append(line)
    if not section.body:
        raise InputError(
            "table-cut-off",
            f"table {section.title.text!r} has no header",
            file,
            section.title.number,
            "header lines and rows after 部门名称 and 单位",
        )
    return section


def _first_text(cells: list[str]) -> str | None:
    return next((cell for cell in cells if cell.strip()), None)
