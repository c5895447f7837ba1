"""What a table kind is (Layout): its resources, columns, row identities and how PDFs print it.

The declarations themselves are in service.ingest.layouts (the template's kinds) and
service.ingest.layouts_pdf (the kinds and layouts other regions print, read from PDFs only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service.ingest.layout_columns import Column
from service.ingest.layout_identities import Identity

# dimension values (service.ingest.header_terms) a kind's columns may leave unsaid
GPB = ("fund", "general-public-budget")
FISCAL = ("fund", "fiscal-appropriation")
BASIC = ("spending", "basic")
PROJECT = ("spending", "project")
THREE_PUBLIC = (("expense", "three-public"), GPB, FISCAL)


@dataclass(frozen=True)
class Layout:
    """A table kind of the template: its resources, columns and row identities.

    Its title is not declared here: the catalogue (service.ingest.catalogue) holds every kind's
    title words, for the text and the PDF readers alike, and `catalogue` links the two.
    """

    kind: str
    title_zh: str
    title_en: str
    parser: str  # name of the row builder in service.ingest.rows ("pdf": read from PDFs only)
    columns: tuple[Column, ...] = ()
    right_columns: tuple[Column, ...] = ()  # the expenditure side of a two-sided table
    mandatory: bool = False
    fund_source: str = "all"  # fund source every amount of the table belongs to
    resources: tuple[str, ...] = field(default=())
    # columns other regions print in this kind of table (read from PDFs, never from text)
    extra_columns: tuple[Column, ...] = field(default=())
    identities: tuple[Identity, ...] = field(default=())  # hold in every resource's rows
    # the catalogue kind whose title words name this table, where it is not `kind`; the
    # layouts of one catalogue kind are told apart by their header (income by unit or by
    # function code), which only the PDF readers see
    catalogue: str = ""
    # dimension values every column of the kind has (service.ingest.header_terms), which its
    # headers may print or not: 一般公共预算 in a 一般公共预算支出表, 三公 in the 三公 table
    implied: tuple[tuple[str, str], ...] = field(default=())
    # how a PDF prints it, which says which reader reads it (service.ingest.pdf.readings):
    # two_sided (收入 left, 支出 right), by_unit (a row per unit, amounts across), functional
    # (功能分类 rows), economic (经济分类 rows); "" for a kind no PDF reader types
    family: str = ""
    also: tuple[str, ...] = ()  # other families regions print it in (三公 as a vertical list)
    national: bool = True  # read by the national reader (False: by its own template's only)
    repeated: bool = False  # printed once per project: every printed table's rows one resource
    # other catalogue kinds whose titles may name a table of this layout (a 三公 table that
    # prints 会议费 and 培训费 inside its 合计), tried after their own
    read_for: tuple[str, ...] = ()

    @property
    def title_kind(self) -> str:
        """The catalogue kind whose title words name this table."""
        return self.catalogue or self.kind
