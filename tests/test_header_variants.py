"""Real tables of the corpus's layout families, their headers rewritten the way other regions
print them, must stay typed with the same figures and codes (a property test, hypothesis).

The tables are tests/fixtures/tables/real_tables.json: header paths and rows of typed tables of
the eight vendored documents (tests/fixtures/real, their licence note in its README), as the
reader sees them. Each example rewrites one table: header words swapped for other spellings the
grammar declares for the same meaning, totals spelled another way, a column of unknown words
added, an empty margin column, two columns of one group swapped, a code column split from or
joined to its name column.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.ingest.cells import normalise
from service.ingest.grammar import clean_part
from service.ingest.header_terms import TERMS, TOTAL_WORDS
from service.ingest.model import Document, Table
from service.ingest.pdf.national import typed_readings
from tests.grids import printed

TABLES = json.loads(
    (Path(__file__).parent / "fixtures" / "tables" / "real_tables.json").read_text("utf-8")
)
_SPELLINGS = {normalise(w): [normalise(x) for x in t.words] for t in TERMS for w in t.words}
_TOTALS = ("合计", "总计", "小计")
_NOISE = re.compile(r"^(?:\d+|\*+|栏次)$")


def _paths(table: dict[str, Any]) -> list[list[str]]:
    """Each column's header parts, column numbers dropped (第3列 is a blank header)."""
    return [
        []
        if re.fullmatch(r"第\d+列", title)
        else [p for p in title.split("·") if not _NOISE.match(p)]
        for title in table["paths"]
    ]


def _grid(paths: list[list[str]], rows: list[list[str]]) -> list[list[str]]:
    """Header rows from the paths (a short path's last cell repeated down, as a merged cell
    reads), then the data rows."""
    depth = max((len(p) for p in paths), default=1) or 1
    header = [[(p[min(k, len(p) - 1)] if p else "") for p in paths] for k in range(depth)]
    return [*header, *rows]


def _read(table: dict[str, Any], paths: list[list[str]], rows: list[list[str]]) -> list[Table]:
    document = Document("t", "", "", "", "", table["year"], table["unit"])
    made = printed(table["title"], _grid(paths, rows), unit=table["unit"])
    return typed_readings(made, table["unit"], table["year"], document)


def _figures(tables: list[Table]) -> list[list[tuple[str, Any]]]:
    """Each row's typed cells but the printed columns and source lines: its codes and figures."""
    return [
        sorted(
            (name, value)
            for name, value in row.items()
            if name not in ("source_line", "position") and not name.startswith("printed_")
        )
        for table in tables
        for row in table.rows
    ]


@st.composite
def variants(draw: st.DrawFn) -> tuple[dict[str, Any], list[list[str]], list[list[str]]]:
    table = draw(st.sampled_from(TABLES))
    paths = [list(p) for p in _paths(table)]
    rows = [list(r) for r in table["rows"]]
    two_sided = table["kind"] in ("summary", "fiscal_summary")
    for path in paths:  # other spellings of the same words
        for k, part in enumerate(path):
            key = normalise(clean_part(part))
            if key in _TOTALS and draw(st.booleans()):
                path[k] = draw(st.sampled_from(_TOTALS))
            elif key in _SPELLINGS and key not in TOTAL_WORDS and draw(st.booleans()):
                path[k] = draw(st.sampled_from(_SPELLINGS[key]))
    if not two_sided and draw(st.booleans()):  # two columns of one group the other way round
        pairs = [
            j
            for j in range(len(paths) - 1)
            if paths[j][:-1]
            and paths[j][:-1] == paths[j + 1][:-1]
            and _amounts(rows, j)
            and _amounts(rows, j + 1)
            and not {normalise(paths[j][-1]), normalise(paths[j + 1][-1])} & set(TOTAL_WORDS)
        ]
        if pairs:
            j = draw(st.sampled_from(pairs))
            paths[j], paths[j + 1] = paths[j + 1], paths[j]
            for row in rows:
                row[j], row[j + 1] = row[j + 1], row[j]
    if draw(st.booleans()):
        paths, rows = _codes_other_way(paths, rows)
    if not two_sided and draw(st.booleans()):  # a column of words no declaration has
        paths.append(["某某特别事项"])
        for row in rows:
            row.append("1.00")
    if draw(st.booleans()):  # an empty margin column
        paths.append([])
        for row in rows:
            row.append("")
    return table, paths, rows


def _amounts(rows: list[list[str]], column: int) -> bool:
    """A column of amounts (a decimal point in every filled cell), not codes."""
    cells = [row[column] for row in rows if row[column]]
    return bool(cells) and all("." in cell for cell in cells)


_JOINED = re.compile(r"^[\[【]?(\d{3,7})[\]】]?\s*[-—－]?\s*([\u4e00-\u9fff].*)$")


def _codes_other_way(
    paths: list[list[str]], rows: list[list[str]]
) -> tuple[list[list[str]], list[list[str]]]:
    """A code printed with its name in one cell split into a 科目编码 and a 科目名称 column, or
    a 科目编码 column beside its 科目名称 joined into one 科目 column (2010101 行政运行)."""
    for j in range(len(paths)):
        cells = [row[j] for row in rows if row[j]]
        if cells and sum(bool(_JOINED.match(c)) for c in cells) >= 0.8 * len(cells):
            split = [_JOINED.match(row[j]) for row in rows]
            paths = [*paths[:j], ["科目编码"], ["科目名称"], *paths[j + 1 :]]
            rows = [
                [*row[:j], m[1] if m else "", m[2] if m else row[j], *row[j + 1 :]]
                for row, m in zip(rows, split, strict=True)
            ]
            return paths, rows
        last = normalise(paths[j][-1]) if paths[j] else ""
        following = normalise(paths[j + 1][-1]) if j + 1 < len(paths) and paths[j + 1] else ""
        if (
            re.search("编码|代码", last)
            and "名称" in following
            and cells
            and all(c.isdigit() for c in cells)
        ):
            paths = [*paths[:j], ["科目"], *paths[j + 2 :]]
            rows = [
                [*row[:j], " ".join(c for c in row[j : j + 2] if c), *row[j + 2 :]] for row in rows
            ]
            return paths, rows
    return paths, rows


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(variants())
def test_other_regions_spellings_read_the_same(variant: tuple) -> None:
    table, paths, rows = variant
    expected = _figures(_read(table, _paths(table), table["rows"]))
    assert _figures(_read(table, paths, rows)) == expected


def test_every_fixture_table_reads_typed_as_it_is() -> None:
    for table in TABLES:
        read = _read(table, _paths(table), table["rows"])
        assert read and all(t.rows for t in read), table["title"]
        assert any(isinstance(v, Decimal) for t in read for r in t.rows for v in r.values())
