"""Each printed column of a table: its header path, and the field it is by the header grammar.

The path is every header cell above the column, top to bottom (a cell repeated down a merged
column once). Amount columns get their field from their meaning (service.ingest.grammar, then
service.ingest.fields): a 小计 with nothing above it is the total of the group its siblings
name; a column whose words the grammar does not know stays in the typed table as a printed
column (its header as its title, out of the cube) with a warning, instead of keeping the whole
table as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from service.ingest.cells import normalise
from service.ingest.fields import Context, FieldSet, column_for, context_of, field_set, resolve
from service.ingest.grammar import Meaning, combine, meaning
from service.ingest.header_terms import PARENTS
from service.ingest.layout_columns import Column
from service.ingest.model import ReaderWarning
from service.ingest.pdf.generic import BLANK_PREFIX
from service.ingest.reasons import Reason


@dataclass
class ColumnRead:
    """What the reader made of one printed column."""

    index: int
    path: tuple[str, ...]
    role: str  # amount | printed | code | split | joined | name | unit | serial | blank | …
    values: dict[str, str] = field(default_factory=dict)  # its dimension values
    name: str | None = None  # the field it is read as
    why: str = ""  # for a printed (unknown) column: the words not known

    def line(self) -> str:
        """The column in a line: path → field and dimension values, or why not."""
        path = "·".join(self.path) or "(blank header)"
        if self.role in ("amount", "printed"):
            dims = ", ".join(f"{d}={v}" for d, v in sorted(self.values.items()))
            said = f"{self.name}" + (f" [{dims}]" if dims else "")
            return f"{path} → {said}" + (f" (unknown: {self.why})" if self.why else "")
        return f"{path} → {self.role}"


def header_paths(titles: list[str]) -> list[tuple[str, ...]]:
    """Each column's header path from its title (generic.header_titles: cells joined by ·);
    a column with no header cell (titled 第3列) has an empty path."""
    return [() if _BLANK.fullmatch(title) else tuple(title.split("·")) for title in titles]


_BLANK = re.compile(rf"{BLANK_PREFIX}\d+列")


def names_amount(path: tuple[str, ...], year: int | None) -> bool:
    """Whether a header names an amount by the grammar's words (an empty 政府性基金 column)."""
    read = meaning(path, year)
    return bool(read.values) and not read.unknown


def read_amounts(
    columns: list[tuple[int, tuple[str, ...]]],
    layout_kind: str,
    year: int | None,
    side: str = "",
    qualifier: Meaning | None = None,
) -> tuple[dict[int, Column], list[ColumnRead], list[Reason]]:
    """The field of each amount column (index, header path) of a table of `layout_kind`, in
    rows whose leading cell qualifies them (`qualifier`: a row of 2025年) if any.

    Returns the columns by index (a layout's column, a generated variant, or a printed column
    for words the grammar does not know), what each was read as, and the reasons the table
    cannot be typed (two columns of one field)."""
    fields = field_set(layout_kind, side)
    read = {index: meaning(path, year) for index, path in columns}
    if qualifier is not None:
        read = {index: combine(qualifier, found) for index, found in read.items()}
    context = context_of(list(read.values()))
    resolved = dict(zip(read, resolve(fields, list(read.values()), context), strict=True))
    found: dict[int, Column] = {}
    reads: list[ColumnRead] = []
    reasons: list[Reason] = []
    for index, path in columns:
        column = resolved[index][0]
        if column is not None and column.name in {c.name for c in found.values()}:
            column = _sibling_total(fields, columns, read, index, context, found) or column
        if column is None:
            unknown = read[index].unknown or tuple(path) or ("(blank header)",)
            column = Column(
                f"printed_{index + 1:02d}",
                "·".join(path) or f"第{index + 1}列",
                in_cube=False,
                description="A printed column whose header words the reader does not know.",
            )
            reads.append(
                ColumnRead(
                    index, path, "printed", read[index].dimensions(), column.name, "·".join(unknown)
                )
            )
        else:
            reads.append(ColumnRead(index, path, "amount", read[index].dimensions(), column.name))
        if column.name in {c.name for c in found.values()}:
            first = next(i for i, c in found.items() if c.name == column.name)
            reasons.append(
                Reason(
                    "two-columns-one-field",
                    f"columns {first + 1} and {index + 1} both read as {column.name}",
                    "·".join(path),
                    column.name,
                )
            )
        found[index] = column
    return found, reads, reasons


def _sibling_total(
    fields: FieldSet,
    columns: list[tuple[int, tuple[str, ...]]],
    read: dict[int, Meaning],
    index: int,
    context: Context,
    found: dict[int, Column],
) -> Column | None:
    """A total word whose path names no group (小计 printed without the 公务用车 above it) is the
    total of the group its next siblings belong to: the value their values are parts of."""
    position = [i for i, _ in columns].index(index)
    after = [read[i] for i, _ in columns[position + 1 :]]
    mine = read[index]
    for dimension in {d for m in after for d, _ in m.values}:
        parents: list[str] = []
        for later in after:
            value = later.get(dimension)
            parent = PARENTS.get((dimension, value)) if value else None
            if parent is None or (parents and parent != parents[0]):
                break
            parents.append(parent)
        if len(parents) >= 2:
            grouped = Meaning(mine.values | {(dimension, parents[0])}, mine.year)
            column = column_for(fields, grouped, context)
            if column is not None and column.name not in {c.name for c in found.values()}:
                return column
    return None


def printed_warning(reads: list[ColumnRead], title: str, pages: list[int], resource: str):
    """The warning for the printed columns of a typed table, or None when there is none."""
    printed = [r for r in reads if r.role == "printed"]
    if not printed:
        return None
    said = "; ".join(f"column {r.index + 1} {'·'.join(r.path) or '(blank)'}" for r in printed)
    return ReaderWarning(
        "unknown-column",
        f"{title!r} on pages {pages}: {len(printed)} column(s) whose header words the reader "
        f"does not know, published as printed columns of the typed table ({said})",
        pages,
        resource,
    )


def leaf(path: tuple[str, ...]) -> str:
    """The lowest header cell of a column, normalised (empty for a blank header)."""
    return normalise(path[-1]) if path else ""
