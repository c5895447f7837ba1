"""`budgetpub inspect FILE [--table N]`: what the reader recognised on each page, and why.

The tool a person uses to add a region: page by page, whether it is a cover, a contents page,
prose, a table's first page or a continuation; for each table its number, kind and label,
whether it was typed or kept as printed (and every reason why, by code), its unit, rows and
figures read. `--table N` prints each column of table N: its header path and the dimension
values its words mean and the field it is, or why it is none (the words the header grammar
does not know): what to declare in service/ingest/header_terms.py for a new region.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from service.ingest import read_document
from service.ingest.grammar import meaning
from service.ingest.model import Document, Table


def figures(table: Table) -> int:
    """How many figures a table holds (its amounts, source lines left out)."""
    return sum(
        1
        for row in table.rows
        for name, value in row.items()
        if isinstance(value, Decimal) and name != "source_line"
    )


def table_line(table: Table, number: int) -> str:
    """One table described in a line: its number, title, kind, resource, typed or kept as
    printed (and every reason's code), pages, unit, rows and figures.
    """
    kind = table.recognised or (table.kind if table.kind != "generic" else None)
    why = (
        ", ".join(dict.fromkeys(reason.code for reason in table.reasons)) or "not in the catalogue"
    )
    read = f"kept as printed ({why})" if table.kind == "generic" else "typed"
    pages = (
        f"pages {table.pages[0]}-{table.pages[-1]}"
        if len(table.pages) > 1
        else (f"page {table.pages[0]}" if table.pages else "text")
    )
    return (
        f"    table {number}: {table.title} [{kind or 'not in the catalogue'}] → "
        f"{table.resource}: {read}; {pages}; unit {table.unit or '?'}; "
        f"{len(table.rows)} rows, {figures(table)} figures"
    )


def inspect_lines(document: Document) -> list[str]:
    """The report as lines of text."""
    lines = [
        f"{document.file}",
        f"  {document.department} · {document.fiscal_year} · {document.document_kind} budget · "
        f"template {document.template} · unit {document.unit}",
    ]
    numbers = {id(table): n for n, table in enumerate(document.tables.values(), start=1)}
    tables_by_page: dict[int, list[Table]] = {}
    for table in document.tables.values():
        if table.pages:
            tables_by_page.setdefault(table.pages[0], []).append(table)
    for page in document.pages:
        part = f" ({page.part})" if page.part else ""
        lines.append(f"  page {page.number}{part}: {page.role} — {page.why}")
        for table in tables_by_page.get(page.number, []):
            lines.append(table_line(table, numbers[id(table)]))
            lines += [f"      reason {reason.text()}" for reason in table.reasons]
    if not document.pages:  # a text document: its tables by line
        for table in document.tables.values():
            lines.append(table_line(table, numbers[id(table)]))
    typed = sum(1 for t in document.tables.values() if t.kind != "generic")
    lines.append(
        f"  {len(document.tables)} tables: {typed} typed, {len(document.tables) - typed} kept "
        f"as printed; {sum(figures(t) for t in document.tables.values())} figures; "
        f"{len(document.warnings)} warnings"
    )
    for warning in document.warnings:
        if warning.type != "generic-table":
            lines.append(f"  warning {warning.type}: {warning.message}")
    return lines


def column_lines(document: Document, number: int) -> list[str]:
    """Each column of table `number` (as `inspect` numbers them): its header path → the
    dimension values and the field it was read as, or the words the grammar does not know."""
    tables = list(document.tables.values())
    if not 1 <= number <= len(tables):
        return [f"no table {number}: the document has {len(tables)}"]
    table = tables[number - 1]
    lines = [table_line(table, number)]
    if table.header:
        lines += [f"      column {r.index + 1}: {r.line()}" for r in table.header]
    else:  # kept as printed: what each printed column's words mean
        for index, column in enumerate(table.columns, start=1):
            read = meaning(column["title"].split("·"), document.fiscal_year)
            dims = ", ".join(f"{d}={v}" for d, v in sorted(read.values)) or "a total"
            said = f"unknown words: {'·'.join(read.unknown)}" if read.unknown else dims
            lines.append(f"      column {index}: {column['title']} → {said}")
    lines += [f"      reason {reason.text()}" for reason in table.reasons]
    return lines


def inspect(path: Path, table: int | None = None) -> list[str]:
    """What `budgetpub inspect` prints for the document at `path`: its tables and what the reader
    made of them, line by line; with `table`, that table's columns.
    """
    document = read_document(path)
    return column_lines(document, table) if table else inspect_lines(document)
