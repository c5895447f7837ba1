"""A published table laid out as people read the printed one: the item (code and name,
indented by its level: 类, 款, 项) first, then the amounts, with the technical columns
(source line, row type, unit code, class and subclass) last and secondary, hidden on a
phone. A table kept as printed keeps its printed column order.

Amounts are shown in the document's unit with thousands separators; `in_yuan` shows the
exact yuan instead (one click away on the table page, a hover away everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.web.pages_common import NAME_FIELDS, Column, Table, downloads

# The code that names a row, in order of preference.
LABEL_CODES = (
    "functional_code",
    "economic_departmental_code",
    "economic_government_code",
    "project_code",
)
TECHNICAL = {
    *("source_line", "row_type", "unit_code", "row", "source_page", "item_code", "dataset"),
}
BOLD_ROWS = {"total", "subtotal", "department", "unit"}


def technical(column: Column) -> bool:
    """Whether a column is technical (shown last): source lines, row types, derived classes."""
    return column.name in TECHNICAL or column.name.endswith(("_class", "_subclass"))


PREVIEW_ROWS = 5  # rows of each table a package's page shows


@dataclass
class Layout:
    """Which columns a table page shows where."""

    code: Column | None
    name: Column | None
    main: list[Column] = field(default_factory=list)  # other text, then amounts
    tech: list[Column] = field(default_factory=list)

    @property
    def label(self) -> bool:
        """Whether rows have a label (a code or a name) shown first."""
        return self.code is not None or self.name is not None

    @property
    def label_sort(self) -> str | None:
        """The column the label sorts by, or None."""
        chosen = self.code or self.name
        return chosen.name if chosen else None

    @property
    def width(self) -> int:
        """How many columns the page shows."""
        return int(self.label) + len(self.main) + len(self.tech)


def layout(table: Table) -> Layout:
    """The item first (typed tables), amounts after the other words, technical columns last;
    a table kept as printed keeps its columns where they were printed."""
    by_name = {c.name: c for c in table.columns}
    printed = table.name.startswith("table_")
    code = None if printed else next((by_name[n] for n in LABEL_CODES if n in by_name), None)
    name = None if printed else next((by_name[n] for n in NAME_FIELDS if n in by_name), None)
    rest = [c for c in table.columns if c is not code and c is not name]
    main = [c for c in rest if not technical(c)]
    if not printed:
        main = [c for c in main if not c.numeric] + [c for c in main if c.numeric]
    return Layout(code=code, name=name, main=main, tech=[c for c in rest if technical(c)])


def level(row: dict[str, str], chosen: Layout) -> int:
    """How deep a row sits: 类 0, 款 1, 项 2 by its code's length (3, 5, 7 digits)."""
    if chosen.code is None or row.get("row_type") in ("total", "department", "unit"):
        return 0
    code = row.get(chosen.code.name, "")
    if not code.isdigit() or chosen.code.name == "project_code":
        return 1 if row.get("row_type") == "item" and code else 0
    return max(0, (len(code) - 3 + 1) // 2)


def heading(column: Column, in_yuan: bool) -> str:
    """A column's heading, amounts in yuan when `in_yuan` (else in their published unit)."""
    if column.yuan:
        return f"{column.title}（{'元' if in_yuan else column.unit or '元'}）"
    return column.heading


def present(table: Table, rows: list[dict[str, str]], in_yuan: bool = False) -> dict[str, Any]:
    """Headers and rows of a table for the templates."""
    chosen = layout(table)
    shown = [present_row(table, chosen, row, in_yuan) for row in rows]
    coded = [r["label"]["level"] for r in shown if r["label"] and r["label"]["code"]]
    base = min(coded, default=0)  # a table that prints only 项 rows starts at the margin
    for row in shown:
        if row["label"] and row["label"]["code"]:
            row["label"]["level"] -= base
    return {
        "layout": chosen,
        "headers": {
            "main": [{"column": c, "text": heading(c, in_yuan)} for c in chosen.main],
            "tech": [{"column": c, "text": heading(c, in_yuan)} for c in chosen.tech],
        },
        "rows": shown,
    }


def present_row(table: Table, chosen: Layout, row: dict[str, str], in_yuan: bool) -> dict[str, Any]:
    """One row as the table page shows it: its label (code, name, level) and its cells in the
    layout's order.
    """
    label = None
    if chosen.label:
        code = table.cell(row, chosen.code) if chosen.code else None
        label = {
            "code": code if code and code["text"] else None,
            "name": row.get(chosen.name.name, "") if chosen.name else "",
            "level": level(row, chosen),
        }
    return {
        "line": row.get("source_line", ""),
        "row_type": row.get("row_type", ""),
        "bold": row.get("row_type", "") in BOLD_ROWS,
        "label": label,
        "cells": [table.cell(row, c, in_yuan) for c in chosen.main],
        "tech": [table.cell(row, c, in_yuan) for c in chosen.tech],
    }


def table_summary(slug: str, table: Table) -> dict[str, Any]:
    """What a package's page shows of each of its tables: name, title, how many rows, the first
    PREVIEW_ROWS of them presented, and its downloads."""
    return {
        "name": table.name,
        "title": table.title,
        "count": len(table.rows),
        "preview": present(table, table.rows[:PREVIEW_ROWS]),
        "downloads": downloads(slug, table.name),
    }
