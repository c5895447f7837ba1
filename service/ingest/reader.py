"""read_document: one disclosure document in, one Document (or one InputError) out."""

from __future__ import annotations

import hashlib
import stat
from collections import Counter
from pathlib import Path

from service.errors import InputError
from service.ingest import narrative as narr
from service.ingest import performance, rows, two_sided
from service.ingest.cells import normalise
from service.ingest.layouts import LAYOUTS
from service.ingest.model import Document, Indicator
from service.ingest.sections import Section, find_sections

BUILDERS = {
    "functional": rows.build_functional,
    "coded": rows.build_coded,
    "economic": rows.build_economic,
    "economic_split": rows.build_economic_split,
    "flat": rows.build_flat,
    "operating": rows.build_operating,
    "projects": rows.build_projects,
    "two_sided": two_sided.build_two_sided,
}


def decode(data: bytes, file: str) -> str:
    """UTF-8 (with or without BOM) or GB18030; an empty or binary file is an input error."""
    if not data.strip():
        raise InputError("empty-file", "the file is empty", file, None, "a budget disclosure text")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its byte-order mark
        try:
            return data.decode("utf-16").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096]:
        raise InputError(
            "binary-file", "the file is binary, not text", file, None, "UTF-8 or GB18030 text"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and _looks_big5(data):
            raise InputError(
                "unsupported-encoding",
                "the text is Big5 (traditional Chinese), not GB18030 or UTF-8",
                file,
                None,
                "UTF-8 or GB18030 text (convert a Big5 file with iconv -f BIG5 -t UTF-8)",
            )
        controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n\f")
        if controls > 8:
            break
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise InputError(
        "binary-file", "the file is not readable text", file, None, "UTF-8 or GB18030 text"
    )


MAX_BYTES = 200 * 1024 * 1024  # a disclosure is a few MB; anything larger is not one


def _looks_big5(data: bytes) -> bool:
    """Big5 bytes often decode as GB18030 too, into rare characters; chardet tells them apart."""
    import chardet

    guess = chardet.detect(data[:65536])
    return (guess.get("encoding") or "").lower() == "big5" and (guess.get("confidence") or 0) > 0.7


def read_document(path: str | Path, *, typed: bool | frozenset[str] = True) -> Document:
    """A file, or a folder whose files are the parts of one document (说明 + 报表).

    typed=False keeps every PDF table as printed; a set of resource names keeps those tables
    alone as printed: the fallback when a typed table cannot be packaged, so the document's
    figures are still published and its other tables stay typed."""
    path = Path(path)
    if path.is_dir():
        return _read_parts(path, typed)
    data = read_file(path)
    if data.lstrip()[:5] == b"%PDF-":  # by content, whatever the extension
        from service.ingest.pdf.document import make_part, read_pdf

        return read_pdf([make_part(path.name, data)], str(path), typed=typed)
    return read_text(data, str(path))


def read_file(path: Path) -> bytes:
    """A regular file's bytes; a FIFO, device or huge file is an error, never a hang."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                "not-a-file", "not a regular file", str(path), None, "a PDF or text file"
            )
        if info.st_size > MAX_BYTES:
            raise InputError(
                "file-too-large",
                f"{info.st_size} bytes",
                str(path),
                None,
                f"a document of at most {MAX_BYTES // 2**20} MB",
            )
        return path.read_bytes()
    except OSError as error:
        raise InputError("unreadable-file", error.strerror or str(error), str(path)) from None


def _read_parts(folder: Path, typed: bool | frozenset[str] = True) -> Document:
    from service.ingest.pdf.document import make_part, read_pdf

    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    parts = [make_part(p.name, read_file(p)) for p in files]
    pdfs = [part for part in parts if part.data.lstrip()[:5] == b"%PDF-"]
    if not pdfs:
        raise InputError(
            "no-parts",
            "a document folder with no PDF file",
            str(folder),
            None,
            "the PDF files of one document (e.g. 1-说明.pdf, 2-报表.pdf)",
        )
    return read_pdf(pdfs, str(folder), typed=typed)


def read_text(data: bytes, file: str = "<memory>") -> Document:
    """A text document (its bytes, `file` naming it in errors) read into a Document: department,
    year, unit, narrative, its tables typed by their layouts; InputError when it is not one.
    """
    text = decode(data, file)
    lines = text.split("\n")
    narrative_lines, sections = find_sections(lines, file)
    _check_sections(sections, file, lines)
    department = _department(sections, file)
    fiscal_year = _year(sections, narrative_lines, file)
    unit = Counter(s.unit for s in sections if s.unit).most_common(1)
    doc_unit = unit[0][0] if unit else "万元"
    paras = narr.paragraphs(narrative_lines)
    duties, structure = narr.responsibilities(paras)
    title = next((ln.text.strip() for ln in narrative_lines if ln.text.strip()), "") or department
    document = Document(
        file=file,
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        title=title,
        department=department,
        fiscal_year=fiscal_year,
        unit=doc_unit,
        responsibilities=duties,
        structure=structure,
        figures=narr.figures(paras),
        glossary=narr.glossary(paras),
    )
    indicators: list[Indicator] = []
    for section in sections:
        ctx = rows.Context(file, section, section.unit or doc_unit)
        layout = section.layout
        if layout.parser == "project_performance":
            built = performance.build_project_performance(layout, section, ctx, indicators)
        elif layout.parser == "department_performance":
            built, facts = performance.build_department_performance(
                layout, section, ctx, indicators
            )
            document.goals = facts["goals"]
            document.tasks = built[0].rows
            document.performance_budget = facts["budget"]
        else:
            built = BUILDERS[layout.parser](layout, section, ctx)
        for table in built:
            document.tables[table.resource] = table
    document.indicators = indicators
    _link_projects(document)
    return document


def _check_sections(sections: list[Section], file: str, lines: list[str]) -> None:
    if sections:
        _check_last_row(sections[-1], file)
    seen: dict[str, Section] = {}
    for section in sections:
        kind = section.layout.kind
        if kind in seen:
            raise InputError(
                "duplicate-table",
                f"table {section.title.text!r} appears twice (first at line "
                f"{seen[kind].title.number})",
                file,
                section.title.number,
                "each template table once",
            )
        seen[kind] = section
    for layout in LAYOUTS:
        if layout.mandatory and layout.kind not in seen:
            raise InputError(
                "missing-table",
                f"mandatory table {layout.title_zh!r} not found",
                file,
                len(lines),
                f"a title line such as {layout.title_zh!r} followed by 部门名称",
            )


def _check_last_row(section: Section, file: str) -> None:
    """A document that stops mid-row: its last row is narrower than the table's header."""
    tabbed = [line for line in section.body if "\t" in line.text]
    if len(tabbed) < 2:
        return
    width = len(tabbed[0].cells)
    last = tabbed[-1]
    if len(last.cells) < width:
        raise InputError(
            "table-cut-off",
            f"table {section.title.text!r} ends in a row of {len(last.cells)} cells",
            file,
            last.number,
            f"{width} cells like the table's header: the document is cut off",
        )


def _department(sections: list[Section], file: str) -> str:
    names = Counter(s.department for s in sections if s.department)
    if not names:
        raise InputError(
            "missing-department",
            "no table names its 部门名称",
            file,
            None,
            "a line 部门名称：… under each table title",
        )
    return names.most_common(1)[0][0]


def _year(sections: list[Section], narrative_lines: list, file: str) -> int:
    years = Counter(s.year for s in sections if s.year)
    if years:
        return years.most_common(1)[0][0]
    year = narr.document_year(narrative_lines)
    if year is None:
        raise InputError(
            "missing-year",
            "no fiscal year in the titles",
            file,
            1,
            "a title such as 2024年部门收支预算表",
        )
    return year


def _link_projects(document: Document) -> None:
    """Give each project-table row the code its performance table publishes for that name."""
    projects = document.tables.get("project_expenditure")
    perf = document.tables.get("project_performance")
    if not projects or not perf:
        return
    codes = {normalise(r["project_name"] or ""): r["project_code"] for r in perf.items()}
    for row in projects.items():
        row["project_code"] = codes.get(normalise(row["project_name"]))
