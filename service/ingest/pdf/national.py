"""read_national: any region's PDF disclosure of the national template → one Document.

Pages are cut into printed tables (segment.py); a table of a kind the typed readers know
becomes that kind's resource (typed.py), every other table is kept as printed (generic.py)
and named in a warning, so no ruled figure is lost. The department, the year and whether this
is a department, unit or consolidated budget come from the tables' frames and the cover.
"""

from __future__ import annotations

import os
import re
from collections import Counter

from service.errors import InputError
from service.ingest import narrative as narr
from service.ingest.catalogue import BY_KIND
from service.ingest.cells import normalise
from service.ingest.layouts import readings
from service.ingest.model import Document, PageSummary, Part, ReaderWarning, Table
from service.ingest.pdf.generic import generic_table
from service.ingest.pdf.header import printed_warning
from service.ingest.pdf.pages import Page, TextLine
from service.ingest.pdf.readings import READERS
from service.ingest.pdf.segment import Printed, Segmented, figure_cells, segment
from service.ingest.reasons import NotTyped, Reason
from service.ingest.sections import Line
from service.templates import NATIONAL

# BUDGETPUB_STRICT=1 (the tests): a typed reading that fails with a programming error raises;
# otherwise that one table is kept as printed, saying so, and the document is still written
STRICT = os.environ.get("BUDGETPUB_STRICT") == "1"
_ORG_END = (
    r"(?:局|委员会|委|办公厅|办公室|中心|厅|院|所|会|部|处|站|队|馆|室|署|社|校|园|团|基地|政府"
    r"|集团|公司|学校|医院|协会)"
)
_ORG = re.compile(rf"^(?P<org>[\u4e00-\u9fff()（）]{{1,40}}{_ORG_END}(?:\((?:本级|汇总)\))?)")
_YEAR = re.compile(r"(20\d{2})\s*年")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")  # 9,483.72 万元 in the prose
_YEAR_OF = re.compile(r"\d{4}\s*年度?(?:部门|单位)?(?:综合)?预算|[(（]\d{4}\s*年度[)）]")
_CHINESE_YEAR = re.compile(r"([二〇零一三四五六七八九]{4})\s*年")  # 二〇二六年
_PAGE_NUMBER = re.compile(r"^[-—–_\s]*(?:第)?\d{1,3}(?:页)?[-—–_\s]*$")


def read_national(
    pages: list[Page],
    file: str,
    sha256: str,
    parts: list[Part],
    part_of: dict[int, str],
    found: Segmented | None = None,
    *,
    typed: bool | frozenset[str] = True,
    created: int | None = None,
) -> Document:
    """Every ruled table of the document, typed where the catalogue knows its columns."""
    found = found or segment(pages)
    if not any(page.lines for page in pages):
        raise _no_tables(pages, file)
    unit = _document_unit(found.tables)
    department = _department(found.tables, pages, file)
    year = _year(found.tables, pages, file, created)
    prose = [Line(ln.number, _THOUSANDS.sub("", ln.text)) for ln in _prose_lines(pages, found)]
    paras = narr.paragraphs(prose)
    duties, structure = narr.responsibilities(paras)
    document = Document(
        file=file,
        sha256=sha256,
        text="\n".join(line.text for page in pages for line in page.lines) + "\n",
        title=_title(pages, department, year),
        department=department,
        fiscal_year=year,
        unit=unit,
        template=NATIONAL,
        document_kind=_document_kind(pages, found.tables),
        parts=parts,
        responsibilities=duties,
        structure=structure,
        figures=narr.figures(paras),
        glossary=narr.glossary(paras),
    )
    names: Counter[str] = Counter()
    for printed in found.tables:
        if not _worth_keeping(printed):
            continue
        table_unit = printed.unit or (
            unit if printed.kind and "performance" not in printed.kind else None
        )
        try:
            if typed is False:
                raise NotTyped("typed readings turned off", code="typed-off")
            read = typed_readings(printed, printed.unit or unit, year, document)
            refused = typed if isinstance(typed, frozenset) else frozenset()
            invalid = [t.resource for t in read if t.resource in refused]
            if invalid:
                raise NotTyped(f"{invalid[0]} failed the package's validation", code="invalid")
        except NotTyped as failure:
            reasons = failure.reasons
        except (ArithmeticError, LookupError, ValueError) as error:
            if STRICT:  # the tests: a reader bug fails them, never becomes a warning
                raise
            reasons = [Reason("reader-error", f"{type(error).__name__}: {error}")]
        else:
            for table in read:
                _add(document, table)
                warning = printed_warning(table.header, table.title, table.pages, table.resource)
                if warning and table is read[0]:
                    document.warnings.append(warning)
            continue
        table = _generic(printed, names, table_unit)
        table.reasons = reasons
        document.tables[table.resource] = table
        document.warnings.append(_kept_as_printed(printed, table, reasons))
    if created and year == created and not _printed_year(found.tables, pages, file):
        document.warnings.append(
            ReaderWarning(
                "year-from-pdf-date",
                f"no year is printed: fiscal year {year} is the year the PDF was made",
            )
        )
    if not found.tables:
        document.warnings.append(
            ReaderWarning(
                "no-ruled-table",
                f"no ruled table on any of the {len(pages)} pages: only the text is kept",
            )
        )
    document.pages = [
        PageSummary(role.number, role.role, role.why, part_of.get(role.number))
        for role in found.roles
    ]
    return document


def typed_readings(printed: Printed, unit: str, year: int, document: Document) -> list[Table]:
    """The typed tables of a printed table: of its kind's readings (service.ingest.layouts.
    readings), the first that understands every column, else the first that reads it with some
    columns kept as printed; or NotTyped with every reason the first one gave."""
    layouts = readings(printed.kind or "")
    if not layouts:
        raise NotTyped("no typed reading for this kind", code="no-reading")
    failed: list[NotTyped] = []
    fits: list[list[Table]] = []
    for layout, family in layouts:
        if layout.resources[0] in document.tables and not layout.repeated:
            failed.append(NotTyped(f"a second {layout.kind} table", code="second-table"))
            continue
        try:
            read = READERS[family](printed, unit, year, document.warnings, layout)
        except NotTyped as reason:
            failed.append(reason)
            continue
        if not any(table.rows for table in read) and not _leading(read) and _one_column(read):
            failed.append(NotTyped("no rows, no leading column", code="fragment"))
            continue  # a column spilled onto a page of its own, not an empty table
        if not _printed_columns(read):
            return read
        fits.append(read)
    if fits:
        return min(fits, key=_printed_columns)
    own = [failure for failure in failed if not _other_family(failure)]
    raise own[0] if own else failed[-1]


def _leading(read: list[Table]) -> bool:
    """Whether a reading found the columns a table's rows are named by (codes, names, items)."""
    return any(c.role not in ("amount", "printed", "blank") for t in read for c in t.header)


def _one_column(read: list[Table]) -> bool:
    """Whether a reading placed a single amount column (a column spilled onto its own page)."""
    return sum(1 for t in read for c in t.header if c.role in ("amount", "printed")) <= 1


def _printed_columns(read: list[Table]) -> int:
    """How many columns of a reading the header grammar could not place."""
    return sum(1 for table in read for column in table.header if column.role == "printed")


_OTHER_FAMILY = ("rows-by-function", "rows-by-unit", "rows-by-item")


def _add(document: Document, table: Table) -> None:
    """A typed table into the document; one more table of a kind printed once per project
    (a 绩效目标表 a page) adds its rows to the first's resource."""
    first = document.tables.get(table.resource)
    if first is None:
        document.tables[table.resource] = table
        return
    if first.fields != table.fields:
        raise ValueError(f"{table.resource}: a repeated table with other fields")
    first.rows += table.rows
    first.pages = sorted({*first.pages, *table.pages})


def _other_family(failure: NotTyped) -> bool:
    """A reading that failed because the table's rows are another reading's (by function)."""
    return any(r.code in _OTHER_FAMILY for r in failure.reasons)


def _prose_lines(pages: list[Page], found: Segmented) -> list[TextLine]:
    """The narrative: every line of the prose pages (not contents, covers or table pages)."""
    prose = {role.number for role in found.roles if role.role == "prose"}
    return [
        line
        for page in pages
        if page.number in prose
        for line in page.lines
        if not _PAGE_NUMBER.match(line.key) and re.sub(r"\d+", "#", line.key) not in found.repeated
    ]


def _worth_keeping(printed: Printed) -> bool:
    """A titled table always; an untitled grid when it holds a figure or real rows."""
    if printed.title is not None:
        return True
    grids = [piece.grid for piece in printed.pieces]
    if any(figure_cells(grid) for grid in grids):
        return True
    return any(len(g.texts) >= 2 and max(len(r) for r in g.texts) >= 2 for g in grids)


def _generic(printed: Printed, names: Counter[str], unit: str | None) -> Table:
    base = f"table_{printed.kind}" if printed.kind else f"table_p{printed.pages[0]}"
    names[base] += 1
    resource = base if names[base] == 1 else f"{base}_{names[base]}"
    return generic_table(printed, resource, unit)


def _kept_as_printed(printed: Printed, table: Table, reasons: list[Reason]) -> ReaderWarning:
    kind = BY_KIND.get(printed.kind or "")
    what = f"a {kind.kind} table ({kind.title_zh})" if kind else "a table not in the catalogue"
    return ReaderWarning(
        "generic-table",
        f"{printed.name!r} on pages {printed.pages}: {what}, kept as printed "
        f"in resource {table.resource!r} ({'; '.join(r.text() for r in reasons)})",
        printed.pages,
        table.resource,
    )


def _document_unit(tables: list[Printed]) -> str:
    units = Counter(t.unit for t in tables if t.unit and t.kind != "three_public")
    return units.most_common(1)[0][0] if units else "万元"


def _department(tables: list[Printed], pages: list[Page], file: str) -> str:
    """The frames' 部门名称 where printed; else the organisation the cover names."""
    named = Counter(normalise(t.department) for t in tables if t.department)
    if named:
        return named.most_common(1)[0][0]
    for page in pages[:3]:
        cover = "".join(ln.key for ln in page.lines[:8])
        cover = _YEAR.sub("", re.sub(r"(20\d{2})年度", r"\1年", cover))
        org = _org(re.split(r"部门(?:综合)?预算|单位预算|(?:综合)?预算|决算", cover)[0])
        if org:
            return org
    labelled = Counter(  # a 部门名称 line anywhere (北京's 报表 print it once, in 预算13表)
        _org(m.group(1))
        for page in pages
        for ln in page.lines
        if (m := re.match(r"^(?:部门|单位|预算单位|主管部门)(?:名称)?[:：]?(\S{4,40})$", ln.key))
    )
    labelled.pop(None, None)
    if labelled:
        return str(labelled.most_common(1)[0][0])
    stem = re.sub(r"[-_].*$", "", file.rsplit("/", 1)[-1])
    return stem or file


def _org(text: str | None) -> str | None:
    """The longest organisation name a text starts with (…局, …中心, …办公室(本级))."""
    if not text:
        return None
    found = _ORG.match(normalise(text))
    return found["org"] if found else None


def _year(tables: list[Printed], pages: list[Page], file: str, created: int | None) -> int:
    """The year the titles print; else the cover's; else the year the PDF was made (a budget
    is published early in its own year); else a budget year in the text or the file name."""
    years = Counter(t.title.year for t in tables if t.title and t.title.year)
    if years:
        return years.most_common(1)[0][0]
    texts = (
        " ".join(ln.key for page in pages[:3] for ln in page.lines[:12]),  # the cover first
        " ".join(ln.key for page in pages for ln in page.lines if _YEAR_OF.search(ln.key)),
        file.rsplit("/", 1)[-1].replace("年", "年 ") + "年",
    )
    for number, text in enumerate(texts):
        if number == 1 and created:
            return created  # the PDF's date before years quoted in the text (2023年档案…)
        text = _CHINESE_YEAR.sub(lambda m: _arabic_year(m.group(1)) + "年", text)
        found = Counter(int(y) for y in _YEAR.findall(text) if 2000 <= int(y) <= 2100)
        if found:
            return found.most_common(1)[0][0]
    raise InputError(
        "missing-year",
        "no fiscal year in the table titles, the text, the file name or the PDF's dates",
        file,
        None,
        "a title or cover such as 2026年部门预算",
    )


def _printed_year(tables: list[Printed], pages: list[Page], file: str) -> bool:
    try:
        _year(tables, pages, file, None)
    except InputError:
        return False
    return True


def _arabic_year(text: str) -> str:
    return "".join(str("〇一二三四五六七八九".index(ch if ch != "零" else "〇")) for ch in text)


def _title(pages: list[Page], department: str, year: int) -> str:
    """The cover's heading (the lines above a 目录 on the same page), else a plain title."""
    first = pages[0].lines[:4] if pages else []
    cut = next((i for i, ln in enumerate(first) if "目录" in ln.key), len(first))
    cover = "".join(ln.key for ln in first[:cut])
    if department in cover and str(year) in cover and len(cover) <= 60:
        return cover
    return f"{department}{year}年预算"


def _document_kind(pages: list[Page], tables: list[Printed]) -> str:
    head = " ".join(ln.key for page in pages[:2] for ln in page.lines[:10])
    titles = " ".join(t.name for t in tables)
    if "汇总" in head:
        return "consolidated"
    if "单位预算" in head or "预算单位" in titles:
        return "unit"
    return "department"


def _no_tables(pages: list[Page], file: str) -> InputError:
    if not any(page.lines for page in pages):
        return InputError(
            "no-text-layer",
            f"none of the {len(pages)} pages has a text layer: a scanned PDF",
            file,
            None,
            "a PDF with text (run OCR on a scan first)",
        )
    return InputError(
        "no-tables",
        f"no ruled table on any of the {len(pages)} pages",
        file,
        None,
        "the budget tables of a disclosure (收支总表, 收入, 支出…)",
    )
