"""A PDF's pages cut into printed tables: each ruled grid placed under its title or as the
continuation of the table before it, whatever the region's layout.

A title is what is printed above a grid (or in its first rows, as Beijing prints it): a label
(表1, 预算01表…), a title the catalogue recognises, or both. A grid with no title continues
the open table when it follows on the next page; otherwise it is a table of its own, untitled,
so that no ruled figure is left out. Running headers and page numbers are never titles.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from service.ingest.catalogue import Title, is_label, read_title
from service.ingest.cells import looks_like_amount, normalise
from service.ingest.model import Table
from service.ingest.pdf.pages import Grid, Page, Piece, TextLine

UNITS = ("万元", "千元", "元")
_FRAME = re.compile(
    r"(?:(?P<who>部门名称|单位名称|编制单位|编制部门|预算单位|部门\(单位\)|部门|单位)[:：]"
    r"(?P<dept>.*?))?(?:金额|计量)?单位[:：](?P<unit>万元|千元|元)"
)
_WHO = re.compile(
    r"^(?:部门名称|单位名称|编制单位|编制部门|预算单位|部门\(单位\)|部门|单位)[:：](?P<dept>.+)$"
)
_PAGE_NUMBER = re.compile(r"^[-—–_\s]*(?:第)?\d{1,3}(?:页)?[-—–_\s]*$|^\d+/\d+$")
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_NOTE = re.compile(r"^(?:注|备注|说明)\d*[:：]")
_SEQUENCE_HEAD = {"**", "*", "栏次", "序号", "行次", "栏"}
_FIGURE = re.compile(r"^-?\d+(\.\d+)?$")
# a contents entry: an ordinal or label, a short title, maybe dot leaders and a page number
_ENTRY = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+部分"
    r"|[^。，,]{0,6}表\s*\d+).{0,40}$"
)


@dataclass
class Printed:
    """One table as printed, over one or more pages."""

    title: Title | None
    caption: list[TextLine]
    pieces: list[Piece] = field(default_factory=list)
    unit: str | None = None
    department: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def pages(self) -> list[int]:
        """The page numbers the table is printed on."""
        return sorted({piece.page.number for piece in self.pieces})

    @property
    def kind(self) -> str | None:
        """The kind of table its title names, or None."""
        return self.title.kind.kind if self.title and self.title.kind else None

    @property
    def label(self) -> str | None:
        """The label its title prints (e.g. 表1), or None."""
        return self.title.label if self.title else None

    @property
    def name(self) -> str:
        """The title as printed, or where the table is when it has none."""
        if self.title is not None and self.title.key:
            return self.title.text
        return f"第{self.pages[0]}页表格" if self.pieces else "表格"

    @property
    def first_line(self) -> TextLine | None:
        """The caption's last line (the one nearest the grid), or None."""
        return self.caption[-1] if self.caption else None

    def new_table(
        self, resource: str, kind: str, unit: str, fields: list[str], **more: Any
    ) -> Table:
        """An empty Table read from this printed one: its title, line, department, notes,
        label, pages and recognised kind as printed; `more` sets the rest (columns, decimals)."""
        return Table(
            resource=resource,
            kind=kind,
            title=self.name,
            line=self.first_line.number if self.first_line else 0,
            department=self.department,
            unit=unit,
            fields=fields,
            notes=list(self.notes),
            label=self.label,
            pages=self.pages,
            recognised=self.kind,
            **more,
        )


@dataclass
class PageRole:
    """What a page is, for `budgetpub inspect` and the warnings: and why."""

    number: int
    role: str  # cover | contents | table | continuation | prose | blank
    why: str
    tables: list[Printed] = field(default_factory=list)


@dataclass
class Segmented:
    tables: list[Printed]
    roles: list[PageRole]
    repeated: set[str]  # running headers and footers


def frame_of(text: str) -> tuple[str | None, str | None]:
    """(department, unit) named by a line such as 单位名称：… 单位：万元."""
    key = normalise(text)
    found = _FRAME.search(key)
    if found:
        dept = (found["dept"] or "").strip() or None
        return dept, found["unit"]
    who = _WHO.match(key)
    if who and len(who["dept"]) <= 40:
        return who["dept"], None
    return None, None


def is_frame(text: str) -> bool:
    """Whether a text line is part of a page's frame (a running header or footer)."""
    return frame_of(text) != (None, None)


def running_lines(pages: list[Page]) -> set[str]:
    """Lines printed on many pages (running headers, footers), digits aside."""
    counts: Counter[str] = Counter()
    for page in pages:
        edge = page.lines[:2] + page.lines[-2:]
        counts.update(
            {
                re.sub(r"\d+", "#", ln.key)
                for ln in edge
                if not is_label(ln.text)
                and read_title(ln.text).kind is None
                and not is_frame(ln.text)
            }
        )
    floor = max(3, len(pages) // 3)
    return {key for key, count in counts.items() if count >= floor and key}


def _noise(line: TextLine, repeated: set[str]) -> bool:
    return bool(_PAGE_NUMBER.match(line.key)) or re.sub(r"\d+", "#", line.key) in repeated


def _inside(line: TextLine, grids: list[Grid]) -> bool:
    middle = (line.top + line.bottom) / 2
    return any(grid.bbox[1] - 1 <= middle <= grid.bbox[3] + 1 for grid in grids)


def first_data_row(grid: Grid) -> int:
    """Header rows hold labels: no amount, code or 合计 yet (a 1 2 3 column-number row too)."""
    for index, row in enumerate(grid.texts):
        cells = [normalise(cell or "") for cell in row]
        filled = [c for c in cells if c]
        if not filled:
            continue
        if filled[0] in _SEQUENCE_HEAD or _numbering(filled):
            continue
        first = filled[0]
        if any(looks_like_amount(c) and not _small_int(c) for c in filled):
            return index
        if first in ("合计", "总计", "无") and all(
            looks_like_amount(c) or c in ("-", "—") for c in filled[1:]
        ):
            return index  # a total row (an empty table's has only its label)
        if re.match(r"^\[?\d{3,}(?!\d*年)", first):
            return index
        if re.match(r"^[一二三四五六七八九十]+、|^\d+[.、．]", first):
            return index
    return len(grid.texts)


def _small_int(cell: str) -> bool:
    return bool(re.fullmatch(r"\d{1,2}", cell))


def _numbering(filled: list[str]) -> bool:
    """A column-number row: 1 2 3 … (or 栏次 1 2 3)."""
    numbers = [c for c in filled if c.isdigit()]
    return (
        len(numbers) >= 3
        and len(numbers) >= len(filled) - 1
        and numbers[:2]
        in (
            ["1", "2"],
            ["0", "1"],
        )
    )


def _caption_row(cells: list[str]) -> bool:
    """A grid row that is really the table's title, label or unit line (Beijing)."""
    filled = [normalise(c) for c in cells if c and c.strip()]
    if not filled:
        return True
    if len(filled) > 2:
        return False
    return all(
        is_frame(c) or is_label(c) or read_title(c).kind is not None or read_title(c).label
        for c in filled
    )


_ORDINAL_COMMA = re.compile(r"^([一二三四五六七八九十]+)\s+(\S.*?)\s*、$", re.S)
_ORDINAL_BRACKETS = re.compile(r"^([一二三四五六七八九十]+)\s+(\S.*?)\s*[(（]\s*[)）]$", re.S)


def repair_ordinal(text: str | None) -> str | None:
    """A row label whose ordinal's punctuation the PDF placed apart (一 本年收入、 for 一、本年收入;
    一 一般公共预算资金( ) for （一）一般公共预算资金) put back together."""
    if not text:
        return text
    if found := _ORDINAL_COMMA.match(text.strip()):
        return f"{found[1]}、{found[2]}"
    if found := _ORDINAL_BRACKETS.match(text.strip()):
        return f"（{found[1]}）{found[2]}"
    return text


def _repaired(grid: Grid) -> Grid:
    grid.texts = [[repair_ordinal(cell) for cell in row] for row in grid.texts]
    return grid


def _title_row(cells: list[str | None]) -> bool:
    """A grid row that prints another table's title (a label or a catalogued title alone)."""
    filled = [normalise(c) for c in cells if c and c.strip()]
    if not filled or len(filled) > 2 or not _caption_row([c or "" for c in cells]):
        return False
    return any(is_label(c) or read_title(c).kind is not None for c in filled)


def split_at_titles(grid: Grid) -> list[Grid]:
    """A grid ruled over two tables (the second's title printed in a row of its own, mid-grid)
    cut at each such row; the title row starts the lower part, whose caption it becomes."""
    cuts = [
        i
        for i in range(2, len(grid.texts))
        if _title_row(grid.texts[i])
        and any(looks_like_amount(c or "") for c in grid.texts[i - 1])  # figures above it
    ]
    if len(cuts) > 2:
        return [grid]  # a list of titles (a 目录 ruled as a grid), not tables
    parts = []
    for start, end in zip([0, *cuts], [*cuts, len(grid.texts)], strict=True):
        top, bottom = grid.row_boxes[start][1], grid.row_boxes[end - 1][3]
        parts.append(
            Grid(
                grid.page,
                grid.texts[start:end],
                grid.boxes[start:end],
                grid.row_boxes[start:end],
                (grid.bbox[0], top, grid.bbox[2], bottom),
            )
        )
    return parts


def _strip_grid(page: Page, grid: Grid) -> tuple[Grid, list[TextLine]]:
    """Move leading title rows out of a grid into caption lines."""
    count = 0
    captions: list[TextLine] = []
    while count < min(4, len(grid.texts) - 1) and _caption_row(
        [c or "" for c in grid.texts[count]]
    ):
        line = page.line_for(grid.row_boxes[count])
        if line is not None and any(c for c in grid.texts[count]):
            captions.append(line)
        count += 1
    if not count:
        return grid, []
    trimmed = Grid(
        grid.page,
        grid.texts[count:],
        grid.boxes[count:],
        grid.row_boxes[count:],
        (grid.bbox[0], grid.row_boxes[count][1], grid.bbox[2], grid.bbox[3]),
    )
    return trimmed, captions


def _caption(lines: list[TextLine]) -> tuple[Title | None, str | None, str | None]:
    """Title, department and unit from the lines printed above a grid."""
    dept = unit = None
    title_lines: list[str] = []
    for line in lines:
        d, u = frame_of(line.text)
        if d or u:
            dept, unit = d or dept, u or unit
            continue
        if _PART.match(line.key):
            continue
        title_lines.append(line.key)
    if not title_lines:
        return None, dept, unit
    found = [i for i, t in enumerate(title_lines) if read_title(t).kind is not None]
    best = read_title(title_lines[found[-1]]) if found else None
    if found and found[-1] > 0 and re.match(r"^[)）、,，\]]|^.{0,6}$", title_lines[found[-1]]):
        best = read_title("".join(title_lines[found[-1] - 1 : found[-1] + 1]))  # wrapped title
    elif found and found[-1] + 1 < len(title_lines):
        best = _wrapped_on(best, title_lines[found[-1]], title_lines[found[-1] + 1])
    joined = read_title("".join(title_lines[-3:]))
    label = next((read_title(t).label for t in title_lines if read_title(t).label), None)
    title = best or joined
    if title.kind is None and label is None:
        return None, dept, unit
    if label and not title.label:
        title = Title(f"{label} {title.text}", label, title.year, title.key, title.kind)
    return title, dept, unit


def _wrapped_on(best: Title | None, line: str, after: str) -> Title | None:
    """A title wrapped onto the next line (一般公共预算支出表 / （按经济分类科目）) is one title:
    the two lines read together when the second is no title or label of its own."""
    alone = read_title(after)
    if (
        alone.label
        or (alone.kind is not None and len(after) > 6)
        or not after.startswith(("(", "（", "[", "【"))
    ):
        return best
    joined = read_title(line + after)
    return joined if joined.kind is not None else best


def _titled(caption: list[TextLine]) -> bool:
    """Whether caption lines print a title of some table: a line that is not the frame (单位：),
    a note or a part heading."""
    return any(
        not is_frame(line.text) and not _NOTE.match(line.key) and not _PART.match(line.key)
        for line in caption
    )


def _above(page: Page, grids: list[Grid], top: float, floor: float, repeated: set[str]):
    """Caption lines between the previous grid (floor) and this grid's top, nearest last."""
    lines = [
        ln
        for ln in page.lines
        if floor - 1 <= ln.top and ln.bottom <= top + 1 and not _inside(ln, grids)
    ]
    lines = [ln for ln in lines if not _noise(ln, repeated)]
    kept: list[TextLine] = []
    for line in reversed(lines[-6:]):
        if line.key.endswith("。") or (len(line.key) > 45 and not is_frame(line.text)):
            break
        kept.insert(0, line)
    return kept


class Segmenter:
    """Walks the pages in order, placing each grid."""

    def __init__(self, pages: list[Page]):
        self.pages = pages
        self.repeated = running_lines(pages)
        self.tables: list[Printed] = []
        self.roles: list[PageRole] = []
        self.open: Printed | None = None

    def run(self) -> Segmented:
        """Every page segmented: the printed tables, each page's role and the lines repeated on
        every page.
        """
        for page in self.pages:
            self.page(page)
        return Segmented(self.tables, self.roles, self.repeated)

    def page(self, page: Page) -> None:
        """One page segmented: its role, and each of its grids placed with its caption in a printed
        table (a new one or the one it continues).
        """
        raw = [
            part
            for g in page.grids()
            if any(any(c for c in row) for row in g.texts)
            for part in split_at_titles(_repaired(g))
        ]
        role = PageRole(page.number, *self._role(page, bool(raw)))
        self.roles.append(role)
        floor = 0.0
        for grid in sorted(raw, key=lambda g: g.bbox[1]):
            caption = _above(page, raw, grid.bbox[1], floor, self.repeated)
            grid, inner = _strip_grid(page, grid)
            table = self._place(page, grid, caption + inner)
            if table not in role.tables:
                role.tables.append(table)
            floor = grid.bbox[3]
            self._notes(page, table, grid, raw)
        if role.tables:
            starts = [t for t in role.tables if t.pieces and t.pieces[0].page is page]
            role.role = "table" if starts else "continuation"
            role.why = "; ".join(
                f"{t.label or ''} {t.name} ({t.kind or 'not in the catalogue'})".strip()
                for t in role.tables
            )
        elif role.role != "blank":
            self.open = None  # prose between two grids ends the table

    def _role(self, page: Page, has_grid: bool) -> tuple[str, str]:
        text = [ln for ln in page.lines if not _noise(ln, self.repeated)]
        if not text and not has_grid:
            return "blank", "no text"
        head = "".join(ln.key for ln in text[:3])
        if "目录" in head:
            return "contents", "目录 heading"
        after_contents = bool(self.roles) and self.roles[-1].role == "contents"
        if after_contents and not has_grid and text and all(_ENTRY.match(ln.key) for ln in text):
            return "contents", "the 目录 continued (entries only)"
        if page.number <= 2 and len(text) <= 8 and not has_grid:
            return "cover", f"{len(text)} short lines on page {page.number}"
        return "prose", "text with no ruled table"

    def _place(self, page: Page, grid: Grid, caption: list[TextLine]) -> Printed:
        title, dept, unit = _caption(caption)
        open_ = self.open
        follows = open_ is not None and open_.pieces[-1].page.number in (
            page.number,
            page.number - 1,
        )
        width = max(len(row) for row in grid.texts)
        same_page = open_ is not None and open_.pieces[-1].page.number == page.number
        untitled_below = same_page and title is None and _titled(caption)
        if (
            follows
            and open_ is not None
            and not untitled_below  # a title under the table above: another table
            and self._continues(open_, title, width, same_page)
        ):
            table = open_
            if unit and not table.unit:
                table.unit = unit
        else:
            table = Printed(title, caption, unit=unit, department=dept)
            self.tables.append(table)
        table.pieces.append(Piece(page, grid, first_data_row(grid)))
        self.open = table
        return table

    @staticmethod
    def _continues(open_: Printed, title: Title | None, width: int, same_page: bool) -> bool:
        first = max(len(row) for row in open_.pieces[0].grid.texts)
        if abs(first - width) > max(2, first // 2):
            return False
        if title is None:
            return not same_page or first == width  # two grids on a page are two tables
        if open_.title is None:
            return False
        if title.label and open_.title.label:
            return normalise(title.label) == normalise(open_.title.label)
        return title.key == open_.title.key

    def _notes(self, page: Page, table: Printed, grid: Grid, grids: list[Grid]) -> None:
        below = [g.bbox[1] for g in grids if g.bbox[1] > grid.bbox[3]]
        limit = min(below) if below else float("inf")
        for line in page.text_after(grid.bbox[3]):
            if line.top >= limit or _noise(line, self.repeated):
                break
            if _NOTE.match(line.key):
                table.notes.append(line.text)
            elif table.notes and not is_frame(line.text) and read_title(line.text).kind is None:
                table.notes[-1] += line.text
            else:
                break


def segment(pages: list[Page]) -> Segmented:
    """The printed tables of a PDF's pages, each with its caption and pieces, and what each page
    holds: the reader's view of a document before it is typed.
    """
    return Segmenter(pages).run()


def figure_cells(grid: Grid) -> list[str]:
    """The grid's figures as the project's capture measure counts them (not 1-3 digit codes)."""
    found = []
    for row in grid.texts:
        for cell in row:
            text = (cell or "").strip().replace(",", "")
            if _FIGURE.match(text) and not re.fullmatch(r"\d{1,3}", text):
                found.append(text)
    return found
