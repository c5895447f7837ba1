"""The national reader's typed readings by layout family (Layout.family): which function
reads a printed table of that family into the layout's resources."""

from __future__ import annotations

from collections.abc import Callable

from service.ingest.layouts import Layout
from service.ingest.model import ReaderWarning, Table
from service.ingest.pdf.by_unit import by_unit_table
from service.ingest.pdf.forms import form_tables
from service.ingest.pdf.records import records_table
from service.ingest.pdf.segment import Printed
from service.ingest.pdf.two_sided import two_sided_tables
from service.ingest.pdf.typed import typed_table
from service.ingest.pdf.vertical import vertical_table

Reader = Callable[[Printed, str, int, list[ReaderWarning], Layout], list[Table]]


def _one(printed: Printed, unit: str, year: int, warnings: list[ReaderWarning], layout: Layout):
    return [typed_table(printed, unit, year, warnings, layout)]


READERS: dict[str, Reader] = {
    "two_sided": lambda printed, unit, year, _, layout: two_sided_tables(
        printed, unit, year, layout
    ),
    "by_unit": lambda printed, unit, year, _, layout: [by_unit_table(printed, unit, year, layout)],
    "vertical": lambda printed, unit, year, _, layout: [
        vertical_table(printed, unit, year, layout)
    ],
    "records": lambda printed, unit, year, _, layout: [records_table(printed, unit, year, layout)],
    "form": lambda printed, unit, _year, _, layout: form_tables(printed, unit, layout),
    "functional": _one,
    "economic": _one,
}
