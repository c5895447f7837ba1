"""`budgetpub inspect FILE`: what the reader recognised on each page, and why.

The tool a person uses to add a region: page by page, whether it is a cover, a contents page,
prose, a table's first page or a continuation; for each table its kind and label, whether it
was typed or kept as printed (and why), its unit, rows and figures read.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from service.ingest import read_document
from service.ingest.model import Document, Table


def figures(table: Table) -> int:
    """How many figures a table holds (its amounts, source lines left out)."""
    return sum(
        1
        for row in table.rows
        for name, value in row.items()
        if isinstance(value, Decimal) and name != "source_line"
    )


def table_line(table: Table, why: str | None) -> str:
    """One table described in a line: title, kind, resource, typed or kept as printed (and why),
    pages, unit, rows and figures.
    """
    kind = table.recognised or (table.kind if table.kind != "generic" else None)
    read = f"kept as printed ({why})" if table.kind == "generic" else "typed"
    pages = (
        f"pages {table.pages[0]}-{table.pages[-1]}"
        if len(table.pages) > 1
        else (f"page {table.pages[0]}" if table.pages else "text")
    )
    return (
        f"    {table.title} [{kind or 'not in the catalogue'}] → "
        f"{table.resource}: {read}; {pages}; unit {table.unit or '?'}; "
        f"{len(table.rows)} rows, {figures(table)} figures"
    )


def inspect_lines(document: Document) -> list[str]:
    """The report as lines of text."""
    why = {w.table: w.message.rsplit("(", 1)[-1].rstrip(")") for w in document.warnings if w.table}
    lines = [
        f"{document.file}",
        f"  {document.department} · {document.fiscal_year} · {document.document_kind} budget · "
        f"template {document.template} · unit {document.unit}",
    ]
    tables_by_page: dict[int, list[Table]] = {}
    for table in document.tables.values():
        if table.pages:
            tables_by_page.setdefault(table.pages[0], []).append(table)
    for page in document.pages:
        part = f" ({page.part})" if page.part else ""
        lines.append(f"  page {page.number}{part}: {page.role} — {page.why}")
        for table in tables_by_page.get(page.number, []):
            lines.append(table_line(table, why.get(table.resource)))
    if not document.pages:  # a text document: its tables by line
        for table in document.tables.values():
            lines.append(table_line(table, why.get(table.resource)))
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


def inspect(path: Path) -> list[str]:
    """What `budgetpub inspect` prints for the document at `path`: its tables and what the reader
    made of them, line by line.
    """
    return inspect_lines(read_document(path))
