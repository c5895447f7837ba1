"""What a read document is: plain data the later stages (audit, package, rdf) take in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.ingest.layout_columns import Column
    from service.ingest.layout_identities import Identity
    from service.ingest.pdf.header import ColumnRead
    from service.ingest.reasons import Reason

Row = dict[str, Any]


@dataclass
class Table:
    """One published table (or one side of a two-sided table) as rows of typed cells."""

    resource: str  # package resource name, e.g. "expenditure"
    kind: str  # template table kind, e.g. "expenditure"
    title: str  # title as published
    line: int  # line of the title
    department: str | None
    unit: str  # published unit: 万元 or 元
    fields: list[str]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # a table kept as printed (kind "generic"): its columns' names, titles and types
    columns: list[dict[str, str]] = field(default_factory=list)
    label: str | None = None  # the printed label: 表1, 预算01表, 公开表1…
    pages: list[int] = field(default_factory=list)  # pages of a PDF it was read from
    recognised: str | None = None  # the catalogue kind its title names, if any
    decimals: int | None = None  # digits printed after the point: the audit's rounding unit
    # columns this table prints beyond its kind's declared ones: variants (上年结转·基本支出,
    # another year's) generated from the kind's, and printed columns of unknown words
    own_columns: list[Column] = field(default_factory=list)
    # its row identities where they are not its kind's (a table with variant columns)
    identities: tuple[Identity, ...] | None = None
    header: list[ColumnRead] = field(default_factory=list)  # what each printed column is
    reasons: list[Reason] = field(default_factory=list)  # kept as printed: why, every reason

    def items(self) -> list[Row]:
        """The table's item rows (totals and headings left out)."""
        return [row for row in self.rows if row.get("row_type") == "item"]

    def first(self, row_type: str) -> Row | None:
        """The table's first row of `row_type` (e.g. "total"), or None."""
        return next((row for row in self.rows if row.get("row_type") == row_type), None)


@dataclass
class NarrativeFigure:
    """A figure stated in the text, e.g. 基本支出 107.48 万元 or 占 72.36%."""

    line: int
    subject: str  # what the figure is about, as stated (收入总计, 基本支出, …)
    kind: str  # amount | share | change | growth | count
    value: Decimal
    unit: str  # 万元, 元, %, 个
    sentence: str
    compared_year: int | None = None
    implied_prior: Decimal | None = None  # prior-year amount implied by a change


@dataclass
class Indicator:
    """A performance indicator with its levels and its target parsed."""

    line: int
    scope: str  # department | project
    level1: str | None
    level2: str | None
    level3: str
    value_text: str
    operator: str | None
    value: Decimal | None
    unit: str | None
    qualitative: str | None
    description: str | None = None
    project_code: str | None = None
    category: str | None = None  # cost | output | benefit | satisfaction


@dataclass
class Document:
    """Everything read from one disclosure document."""

    file: str
    sha256: str
    text: str
    title: str
    department: str
    fiscal_year: int
    unit: str
    responsibilities: list[str] = field(default_factory=list)
    structure: str | None = None  # 预算单位构成情况
    figures: list[NarrativeFigure] = field(default_factory=list)
    glossary: list[tuple[int, str, str]] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    goals: str | None = None  # 年度履职目标
    # the 预算情况 block of the department performance table: (line, item, amount in 万元)
    performance_budget: list[tuple[int, str, str]] = field(default_factory=list)
    tasks: list[Row] = field(default_factory=list)  # 年度主要任务
    template: str = "cn-department-budget-14"  # service.templates: the template followed
    project_descriptions: list[dict[str, str]] = field(default_factory=list)  # 项目经费情况说明
    document_kind: str = "department"  # department 部门预算 | unit 单位预算 | consolidated 汇总
    parts: list[Part] = field(default_factory=list)  # the files of a document published in several
    warnings: list[ReaderWarning] = field(default_factory=list)
    pages: list[PageSummary] = field(default_factory=list)  # what each PDF page was read as
    listed: list[Listed] = field(default_factory=list)  # the tables the document's 目录 names

    def __post_init__(self) -> None:
        """The names shown everywhere hold no display-spoofing characters (issue 24): an
        RTL override or a zero-width character would make one department look like another."""
        self.department = without_spoofing(self.department)
        self.title = without_spoofing(self.title)


# bidirectional overrides and isolates, marks, zero-width characters, the BOM
_SPOOFING = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def without_spoofing(text: str) -> str:
    """`text` without the characters that change how it displays but not what it says."""
    return _SPOOFING.sub("", text)


@dataclass
class Listed:
    """A table the document's own contents (目录) lists, and whether it says it is empty."""

    kind: str
    title: str
    page: int
    empty: bool = False  # 是否空表: 是, or 不涉及/无


@dataclass
class Part:
    """One file of a document published in several (附件1 说明 + 附件2 报表)."""

    name: str
    data: bytes
    sha256: str


@dataclass
class ReaderWarning:
    """Something the reader kept but could not fully place: said, never silent."""

    type: str  # generic-table | unplaced-page | dropped-zero | missing-table | …
    message: str
    pages: list[int] = field(default_factory=list)
    table: str | None = None


@dataclass
class PageSummary:
    number: int
    role: str  # cover | contents | table | continuation | prose | blank
    why: str
    part: str | None = None
