"""A table printed as a list: its items down (因公出国 / 公务用车 / 公务接待), its columns across
(合计 | 一般公共预算 | 政府性基金, or 2026年预算数 | 2025年预算数 | 增减).

Each cell means what its row label and its column header say together, read by the one
header grammar: (因公出国, 一般公共预算) is overseas_travel of the 一般公共预算, (公务接待费,
2025年) last year's official_reception. The typed table has the one row of the department's
amounts, every cell a field of it; a row label the grammar does not know is a printed column.
"""

from __future__ import annotations

import re

from service.ingest.cells import is_blank, normalise, to_yuan
from service.ingest.fields import column_for, context_of, field_set, resolve, variant_identities
from service.ingest.grammar import combine, item_label, meaning
from service.ingest.layout_columns import Column
from service.ingest.layouts import Layout
from service.ingest.model import Row, Table
from service.ingest.pdf.generic import raw_rows
from service.ingest.pdf.header import ColumnRead, header_paths
from service.ingest.pdf.segment import Printed
from service.ingest.pdf.typed import amount_text, decimals
from service.ingest.reasons import NotTyped, Reason, check

_ITEM_HEADER = re.compile(r"项目|科目|名称|内容|^$")


def vertical_table(printed: Printed, unit: str, year: int, layout: Layout) -> Table:
    """The one-row typed table of a table printed as a list of the kind's items, or NotTyped."""
    if unit not in ("万元", "元"):
        raise NotTyped(f"amounts in {unit or 'an unknown unit'}", code="unit")
    titles, raw = raw_rows(printed)
    paths = header_paths(titles)
    label = next((i for i, p in enumerate(paths) if _ITEM_HEADER.search(normalise("".join(p)))), 0)
    amounts = [
        (i, path) for i, path in enumerate(paths) if i != label and (path or _filled(raw, i))
    ]
    fields = field_set(layout.kind)
    dimensions = {d for key in fields.by_meaning for d, _ in key}
    items = [(piece, index, cells) for piece, index, cells in raw if normalise(cells[label])]
    own_items = [
        row
        for row in items
        if dimensions & {d for d, _ in meaning([item_label(row[2][label])], year).values}
    ]
    if len(own_items) < max(2, len(items) // 2):
        raise NotTyped("the rows are not the kind's items", code="rows-by-unit")
    headers = [meaning(path, year) for _, path in amounts]
    contexts = [c for _, c in resolve(fields, headers, context_of(headers))]
    found: dict[str, Column] = {}
    reasons: list[Reason] = []
    row: Row = {"row_type": "total", "unit_code": None, "name": None}
    for piece, index, cells in items:
        line = piece.page.line_for(piece.grid.row_boxes[index])
        if line is None:
            raise NotTyped("a row with no text line", code="no-line", page=piece.page.number)
        row.setdefault("source_line", line.number)
        text = item_label(cells[label])
        for (column, path), context in zip(amounts, contexts, strict=True):
            read = combine(meaning([text], year), meaning(path, year))
            field = column_for(fields, read, context) or _printed(text, path, line.number, column)
            if field.name in found:
                reasons.append(
                    Reason(
                        "two-cells-one-field",
                        f"{cells[label]!r} × {'·'.join(path)!r} read as {field.name} again",
                        "·".join(path),
                        field.name,
                        piece.page.number,
                    )
                )
                continue
            found[field.name] = field
            value = cells[column]
            row[field.name] = (
                None if is_blank(value) else to_yuan(amount_text(value, piece.page.number), unit)
            )
    check(reasons)
    declared = [c.name for c in (*layout.columns, *layout.extra_columns)]
    own = [c for name, c in found.items() if name not in declared]
    names = sorted(found, key=lambda n: declared.index(n) if n in declared else len(declared))
    table = printed.new_table(
        layout.resources[0],
        layout.kind,
        unit,
        ["source_line", "row_type", "unit_code", "name", *names],
        decimals=decimals([cells[i] for _, _, cells in items for i, _ in amounts]),
    )
    table.own_columns = own
    table.identities = variant_identities(layout, set(names), own)
    table.header = [
        ColumnRead(label, paths[label], "item"),
        *(ColumnRead(i, path, "amount", meaning(path, year).dimensions()) for i, path in amounts),
        *(
            ColumnRead(label, (c.title,), "printed", name=c.name, why=c.title)
            for c in own
            if c.name.startswith("printed_")
        ),
    ]
    table.rows = [row]
    return table


def _filled(raw: list, column: int) -> bool:
    return any(not is_blank(cells[column]) for _, _, cells in raw)


def _printed(label: str, path: tuple[str, ...], line: int, column: int) -> Column:
    """A cell whose row label the grammar does not know: a printed column of its own."""
    return Column(
        f"printed_line{line}_c{column + 1:02d}",
        "·".join((label, *path)),
        in_cube=False,
        description="A printed row whose label the reader does not know, as a column.",
    )
