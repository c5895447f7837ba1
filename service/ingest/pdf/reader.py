"""read_shanghai: a published PDF in the Shanghai district template → one Document, or an error.

Every page must be placed: as a table of the template (its title page or a continuation of a
table that has not reached its 合计), or as a narrative section under a known heading. A page
that cannot be placed fails the whole document, naming the pages and what is on them, so a PDF
in an unknown layout never becomes a silent partial package.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from service.errors import InputError
from service.ingest.cells import normalise
from service.ingest.layouts import layout_by_kind
from service.ingest.model import Document
from service.ingest.pdf.narrative import Block, read_narrative
from service.ingest.pdf.pages import Page, Piece, TextLine, looks_tabular
from service.ingest.pdf.shanghai_layout import MANDATORY, TITLES
from service.ingest.pdf.tables import (
    BUILDERS,
    Reader,
    TableSection,
    assign_classes,
    first_data_row,
)
from service.templates import SHANGHAI

_YEAR = re.compile(r"^(\d{4})年度?")
_FRAME = re.compile(
    r"编制(?:部门|单位)[:：]\s*(?P<dept>.+?)\s*(?:金额)?单位[:：]\s*(?P<unit>万元|元)"
)
_HEADINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"区级(部门|单位)预算$|^预算主管部门", "cover"),
        (r"^目录$", "contents"),
        (r"主要职能$", "duties"),
        (r"机构设置$", "structure"),
        (r"^名词解释$", "glossary"),
        (r"预算编制说明$", "explanation"),
        (r"^其他相关情况说明$", "other"),
        (r"项目经费情况说明$", "project"),
        (r"绩效目标(填报)?表$", "performance"),
    )
)


def title_of(line: TextLine) -> tuple[str, str, int | None] | None:
    """The template table a line is the title of, tolerant of year, 部门/单位 and quotes."""
    key = normalise(line.text)
    year_match = _YEAR.match(key)
    key = _YEAR.sub("", key)
    key = re.sub(r"^(部门|单位)", "", key)
    key = re.sub(r"[“”\"‘’']", "", key)
    found = TITLES.get(key)
    if found is None:
        return None
    return key, found, int(year_match.group(1)) if year_match else None


def _heading(page: Page) -> str | None:
    for line in page.lines[:2]:
        for pattern, name in _HEADINGS:
            if pattern.search(line.key):
                return name
    return None


class _Placer:
    """Walks the pages in order and places each one."""

    def __init__(self, file: str):
        self.file = file
        self.sections: list[TableSection] = []
        self.blocks: list[Block] = []
        self.years: Counter[int] = Counter()
        self.unplaced: list[str] = []
        self.open_table: TableSection | None = None
        self.open_block: Block | None = None

    def place(self, page: Page) -> None:
        """A page placed: it starts a table (a title in its first lines), continues the open one, or
        starts or continues a text block.
        """
        title = next((t for ln in page.lines[:3] if (t := title_of(ln))), None)
        if title is not None:
            self._start_table(page, title)
            return
        heading = _heading(page)
        if heading is not None:
            self.open_table = None
            self.open_block = Block(heading, page.lines[0], page.lines[1:])
            self.blocks.append(self.open_block)
        elif not page.lines:
            return  # a blank page
        elif self.open_table is not None and not self.open_table.closed:
            self._add_grids(self.open_table, page)
        elif self.open_block is not None and not self._tabular(page, self.open_block):
            self.open_block.lines += page.lines
        else:
            self._unplaced(page, "a page under no known heading")

    def _tabular(self, page: Page, block: Block) -> bool:
        return block.name != "performance" and any(looks_tabular(ln) for ln in page.lines)

    def _unplaced(self, page: Page, why: str) -> None:
        first = page.lines[0].text if page.lines else ""
        self.unplaced.append(f"page {page.number} ({why}: {first[:40]!r})")

    def _start_table(self, page: Page, title: tuple) -> None:
        _key, kind, year = title
        line = next(ln for ln in page.lines if title_of(ln))
        layout = layout_by_kind(kind)
        section = TableSection(kind, layout.family, layout.resources, line)
        if year:
            self.years[year] += 1
        frame = next((m for ln in page.lines[:6] if (m := _FRAME.search(ln.text))), None)
        if frame is None:
            raise InputError(
                "missing-unit",
                f"page {page.number}: table {line.text!r} names no 编制部门 and 单位",
                self.file,
                line.number,
                "a line 编制部门：… 单位：元 under the title",
            )
        section.department = normalise(frame["dept"])
        section.unit = frame["unit"]
        self.sections.append(section)
        self.open_table, self.open_block = section, None
        self._add_grids(section, page)

    def _add_grids(self, section: TableSection, page: Page) -> None:
        grids = [g for g in page.grids() if any(any(cell for cell in row) for row in g.texts)]
        if len(grids) != 1:
            what = "no ruled table" if not grids else f"{len(grids)} ruled tables"
            self._unplaced(page, f"{what} where table {section.title.text!r} should be")
            section.closed = True
            return
        grid = grids[0]
        section.pieces.append(Piece(page, grid, first_data_row(grid)))
        for row in grid.texts:
            first = normalise(next((c for c in row if c), "") or "")
            if "合计" in first or "总计" in first:
                section.closed = True
        if section.builder == "by_unit":  # the 三公 table: one row
            section.closed = True
        for line in page.text_after(grid.bbox[3]):
            if re.match(r"^(注|备注|说明)[:：]", line.key):
                section.notes.append(line.text)
            elif section.notes:
                section.notes[-1] += line.text


def read_shanghai(pages: list[Page], data: bytes, file: str) -> Document:
    """The Shanghai district template, read strictly: every page placed, every table typed."""
    placer = _Placer(file)
    for page in pages:
        placer.place(page)
    _check(placer, pages, file)
    tables = {}
    for section in placer.sections:
        for table in BUILDERS[section.builder](Reader(file, section)):
            tables[table.resource] = table
    assign_classes(tables)
    department = Counter(s.department for s in placer.sections if s.department).most_common(1)
    dept = department[0][0] if department else ""
    narrative = read_narrative(placer.blocks, dept)
    cover = [ln.text for page in pages[:1] for ln in page.lines]
    units = Counter(s.unit for s in placer.sections).most_common(1)
    return Document(
        file=file,
        sha256=hashlib.sha256(data).hexdigest(),
        text="\n".join(line.text for page in pages for line in page.lines) + "\n",
        title=normalise(cover[0]) if cover else dept,
        department=dept,
        fiscal_year=placer.years.most_common(1)[0][0],
        unit=units[0][0] if units else "元",
        responsibilities=narrative.duties,
        structure=narrative.structure,
        figures=narrative.figures,
        glossary=narrative.glossary,
        tables=tables,
        template=SHANGHAI,
        project_descriptions=narrative.projects,
    )


def _check(placer: _Placer, pages: list[Page], file: str) -> None:
    """Refuse a document with pages or tables the template does not explain."""
    if not placer.sections:
        tabular = [p.number for p in pages if any(looks_tabular(ln) for ln in p.lines)]
        raise InputError(
            "unknown-layout",
            "no table of the Shanghai department-budget template found"
            + (f"; pages {tabular} hold tables it could not place" if tabular else ""),
            file,
            None,
            "titles such as 2023年部门财务收支预算总表 followed by 编制部门 and 单位",
        )
    if placer.unplaced:
        raise InputError(
            "unknown-layout",
            "could not place " + "; ".join(placer.unplaced),
            file,
            None,
            "the Shanghai template: its 9 tables, each followed by its continuation pages, "
            "and narrative sections under their headings",
        )
    seen: dict[str, TableSection] = {}
    for section in placer.sections:
        if section.kind in seen:
            raise InputError(
                "duplicate-table",
                f"page {section.title.page}: table {section.title.text!r} appears twice "
                f"(first on page {seen[section.kind].title.page})",
                file,
                section.title.number,
                "each template table once",
            )
        seen[section.kind] = section
        if not section.closed:
            raise InputError(
                "table-cut-off",
                f"pages {section.pages}: table {section.title.text!r} ends without its 合计",
                file,
                section.title.number,
                "the table to end with its 合计/总计 row",
            )
    missing = [name for name, kind in TITLES.items() if kind in MANDATORY and kind not in seen]
    if missing:
        raise InputError(
            "missing-table",
            f"mandatory tables not found: {', '.join(missing)}",
            file,
            None,
            "every table of the Shanghai template",
        )
    if not placer.years:
        raise InputError("missing-year", "no fiscal year in the titles", file, None, "2023年…")
