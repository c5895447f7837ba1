"""Analysis datasets: for each question a document answers, its leaf amounts, and only those.

A published table holds totals, subtotals, "of which" lines and columns that contain other
columns, and the same money appears in several tables; summing a table, let alone the
document, counts it many times. An analysis dataset takes one table (the first of its
sources the document has), its leaf rows (items, else units, else the table's one total
row) and a set of its columns that add up to the table's main column, so that the naive sum
of its amounts is the published total, the cell it names. Facts carry the name of the
analysis dataset they belong to (facts.csv `analysis`); a fact belongs to one at most.

Which columns add up to which is what the audit checks row by row (ROW_IDENTITIES): a part
the table does not print stands for its own printed parts, and one it does not print at all
is taken as nothing, as a blank column is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from service import vocab
from service.audit.tables import ROW_IDENTITIES
from service.package import coverage

Row = dict[str, Any]


@dataclass(frozen=True)
class Source:
    """A table an analysis can be drawn from, its main column and how far to split it."""

    resource: str
    column: str = "total"
    split: str = "parts"  # parts: the main column's own parts; leaves: every printed leaf;
    # none: the main column alone
    excluded: tuple[str, ...] = ()  # item codes (or their prefixes, ending "-") left out
    total: str | None = None  # the item code of the total they add up to, where printed


@dataclass(frozen=True)
class Analysis:
    """One kind (its concept in vocab/codelists/analysis.ttl says what question it answers)."""

    name: str
    operation: str  # expenditure | revenue
    sources: tuple[Source, ...]
    codes: tuple[str, ...]  # the facts.csv codes every leaf has: the data set's dimensions


CARRY_OVER = ("carry-over", "carry-over-", "year-end-carry-over")
ANALYSES: tuple[Analysis, ...] = (
    Analysis(
        "expenditure-by-function",
        "expenditure",
        (Source("expenditure"), Source("general_budget_expenditure")),
        ("functional_code", "expenditure_type"),
    ),
    Analysis(
        "expenditure-by-economic-class",
        "expenditure",
        (
            Source("economic_classification_summary", split="none"),
            Source("general_budget_basic_expenditure", split="none"),
        ),
        ("economic_departmental_code",),
    ),
    Analysis(
        "revenue-by-source",
        "revenue",
        (
            # 上年结转结余 is money the department holds, not revenue of the year (OBEU's
            # operation-character/revenue): the data set is this year's revenue, adding up
            # to 本年收入合计 where the table prints it
            Source(
                "summary_income",
                "amount",
                "none",
                excluded=CARRY_OVER,
                total="current-year-total",
            ),
            Source("income", split="leaves"),
        ),
        ("fund_source",),
    ),
    Analysis(
        "three-public-expenses",
        "expenditure",
        (Source("three_public_expenses", split="leaves"),),
        ("economic_departmental_code",),
    ),
)
BY_NAME = {a.name: a for a in ANALYSES}
_BASIC_PARTS = (("basic_total", ("basic_personnel", "basic_public")),)


@dataclass(frozen=True)
class Selection:
    """What one analysis dataset of a document is made of."""

    analysis: Analysis
    source: Source
    columns: tuple[str, ...]  # the printed columns that add up to the main column
    lines: frozenset[int]  # the leaf rows
    total_line: int | None  # the row of the published total (in source.column)


def _alternatives(resource: str, column: str) -> list[tuple[str, ...]]:
    return [
        parts
        for target, parts in (*ROW_IDENTITIES.get(resource, ()), *_BASIC_PARTS)
        if target == column
    ]


def _printed_parts(resource: str, fields: Sequence[str], column: str, fine: bool) -> list[str]:
    """The printed columns that make up `column`, first split that prints any of them."""
    for parts in _alternatives(resource, column):
        found: list[str] = []
        for part in parts:
            if part in fields:
                inner = _printed_parts(resource, fields, part, fine) if fine else []
                found += inner or [part]
            else:
                found += _printed_parts(resource, fields, part, fine=True)
        if found:
            return found
    return []


def split_columns(resource: str, fields: Sequence[str], column: str, split: str) -> list[str]:
    """The columns an analysis sums: parts of the main column (or the column itself)."""
    if column not in fields:
        return []
    if split == "none":
        return [column]
    return _printed_parts(resource, fields, column, fine=split == "leaves") or [column]


def excluded(row: Row, codes: Sequence[str]) -> bool:
    """Whether a row's item code is one of `codes` (a code ending "-" is a prefix)."""
    code = str(row.get("item_code") or "")
    return any(code.startswith(c) if c.endswith("-") else code == c for c in codes)


def leaf_rows(rows: Sequence[Row], leave_out: Sequence[str] = ()) -> list[Row]:
    """Items, else units, else departments, else the table's one total row; without the
    rows whose item code is left out."""
    for kind in ("item", "unit", "department"):
        found = [r for r in rows if r.get("row_type") == kind and not excluded(r, leave_out)]
        if found:
            return found
    totals = [row for row in rows if row.get("row_type") == "total"]
    return totals if len(totals) == 1 else []


def total_row(rows: Sequence[Row], source: Source | None = None) -> Row | None:
    """The row of the table's published total: the source's own total where printed (本年
    收入合计), else its grand total where it prints several; None when the rows left out
    hold an amount and no printed total leaves them out too."""
    if source is not None and source.total:
        own = [row for row in rows if row.get("item_code") == source.total]
        if own:
            return own[-1]
        left = [r for r in rows if excluded(r, source.excluded) and r.get(source.column)]
        if any(r[source.column] != 0 for r in left):
            return None
    totals = [row for row in rows if row.get("row_type") == "total"]
    grand = [row for row in totals if row.get("item_code") == "grand-total"]
    if grand or totals:
        return (grand or totals)[-1]
    departments = [row for row in rows if row.get("row_type") == "department"]
    return departments[0] if len(departments) == 1 else None


def select(tables: dict[str, tuple[Sequence[str], Sequence[Row]]]) -> list[Selection]:
    """The analysis datasets of a document, from its typed tables: resource → (fields,
    rows). An analysis takes the first of its sources with leaf amounts."""
    chosen: list[Selection] = []
    for analysis in ANALYSES:
        for source in analysis.sources:
            if source.resource not in tables:
                continue
            fields, rows = tables[source.resource]
            columns = split_columns(source.resource, fields, source.column, source.split)
            leaves = leaf_rows(rows, source.excluded)
            if not columns or not any(_has(row, columns) for row in leaves):
                continue
            total = total_row(rows, source)
            chosen.append(
                Selection(
                    analysis,
                    source,
                    tuple(columns),
                    frozenset(int(row["source_line"]) for row in leaves),
                    int(total["source_line"]) if total is not None else None,
                )
            )
            break
    return chosen


def _has(row: Row, columns: Iterable[str]) -> bool:
    return any(row.get(column) not in (None, "") for column in columns)


def coded(selections: Sequence[Selection], facts: Sequence[Row]) -> list[Selection]:
    """The selections whose every leaf has the codes its data set is classified by (an
    analysis with a leaf it cannot classify is left out whole: a part would not add up)."""
    leaves = membership(selections)
    missing = {
        leaves[key]
        for fact in facts
        if (key := (fact["table"], int(fact["source_line"]), fact["column"])) in leaves
        and not all(fact.get(code) for code in BY_NAME[leaves[key]].codes)
    }
    return [s for s in selections if s.analysis.name not in missing]


def membership(selections: Sequence[Selection]) -> dict[tuple[str, int, str], str]:
    """(table, line, column) → analysis name, for every leaf cell of every selection."""
    found: dict[tuple[str, int, str], str] = {}
    for selection in selections:
        for line in selection.lines:
            for column in selection.columns:
                found[(selection.source.resource, line, column)] = selection.analysis.name
    return found


def describe(selections: Sequence[Selection]) -> list[dict[str, Any]]:
    """The analysis datasets as the descriptor lists them: what each answers, where its
    amounts come from, and the published total their sum equals."""
    return [
        {
            "name": s.analysis.name,
            "title": vocab.label("analysis", s.analysis.name) or s.analysis.name,
            "question": vocab.definitions("analysis")[s.analysis.name]["en"],
            "operationCharacter": s.analysis.operation,
            "table": s.source.resource,
            "columns": list(s.columns),
            "total": (
                {"table": s.source.resource, "line": s.total_line, "column": s.source.column}
                if s.total_line is not None
                else None
            ),
        }
        for s in selections
    ]


def not_made(
    selected: Sequence[Selection],
    made: Sequence[Selection],
    tables: Sequence[dict[str, Any]],
    contents: Sequence[dict[str, Any]] = (),
) -> list[dict[str, Any]]:
    """Each analysis the document does not have, with why (service.package.coverage):
    `selected` are the selections before leaves without codes ruled some out, `made` those
    kept, `tables` and `contents` the descriptor's."""
    kept = {s.analysis.name for s in made}
    chosen = {s.analysis.name: s for s in selected}
    found = []
    for analysis in ANALYSES:
        if analysis.name in kept:
            continue
        resources = [source.resource for source in analysis.sources]
        typed = [t for t in tables if t["resource"] in resources and t.get("read") == "typed"]
        if analysis.name in chosen:
            source = chosen[analysis.name].source.resource
            codes = ", ".join(analysis.codes)
            gap = coverage.entry(
                analysis.name,
                "uncoded-leaves",
                f"{source}: a leaf row has no {codes}",
                [t for t in typed if t["resource"] == source],
            )
        else:
            gap = coverage.gap(analysis.name, resources, tables, contents) or coverage.entry(
                analysis.name,
                "no-leaf-amounts",
                f"no leaf row of {', '.join(t['resource'] for t in typed)} has an amount",
                typed,
            )
        gap["title"] = vocab.label("analysis", analysis.name) or analysis.name
        found.append(gap)
    return found
