"""The audit as linked data a journalist can query (vocab/audit.ttl).

Each check that did not simply pass (fail, warn, rounding) is a W3C EARL assertion about the
published cell it tests (else its table, else the data set), with its outcome, the figures it
compared in yuan and its message; the passes are counted per check family on the data set
(W3C DQV). checks.json keeps every check: a pass is one number among hundreds, and as
triples it was most of a package's audit for nothing a reader asks.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from urllib.parse import quote

from pyoxigraph import NamedNode

from service.rdf.cube import cube_tables, row_keys
from service.rdf.source import PackageData
from service.rdf.terms import (
    BP,
    DCT,
    DQV,
    EARL,
    RDF,
    RDFS,
    SDMX_ATTRIBUTE,
    YUAN,
    Minter,
    Statement,
    decimal,
    integer,
    text,
)

# a warning is a question the audit cannot settle; a rounding difference passes
OUTCOME = {"fail": EARL.failed, "warn": EARL.cantTell, "rounding": EARL.passed}


def family(check_id: str) -> str:
    """The rule a check applies: the first part of its id (subtotal, narrative, cross…)."""
    return check_id.split(":", 1)[0]


def audit(data: PackageData, minter: Minter) -> Iterator[Statement]:
    """The package's audit as triples: an EARL assertion per check that did not simply pass, and
    per check family the count of passes on the data set (DQV)."""
    dataset = minter.dataset(data.slug)
    passed: Counter[str] = Counter()
    for check, key in check_keys(data):
        if key is None:
            passed[family(check["id"])] += 1
        else:
            node = minter.node(f"dataset/{data.slug}/check/{key}")
            yield from _assertion(data, minter, check, node)
    for name, count in sorted(passed.items()):
        node = minter.node(f"dataset/{data.slug}/quality/{name}")
        yield (dataset, DQV.hasQualityMeasurement, node)
        yield (node, RDF.type, DQV.QualityMeasurement)
        yield (node, DQV.computedOn, dataset)
        yield (node, DQV.isMeasurementOf, BP.passedChecks)
        yield (node, BP.checkFamily, _family(minter, name))
        yield (node, DQV.value, integer(count))
    for name in sorted({family(c["id"]) for c in data.checks}):
        yield (_family(minter, name), RDF.type, BP.CheckFamily)
        yield (_family(minter, name), RDFS.label, text(name))


def check_keys(data: PackageData) -> Iterator[tuple[dict, str | None]]:
    """Each check with its key under dataset/<slug>/check/, None for a pass (counted per
    family, not minted); the same rule twice on one cell is told apart by order (-2)."""
    used: Counter[str] = Counter()
    for check in data.checks:
        if check["status"] == "pass":
            yield check, None
            continue
        key = check_key(data, check)
        used[key] += 1
        yield check, key if used[key] == 1 else f"{key}-{used[key]}"


def moved_checks(data: PackageData) -> dict[str, str]:
    """check id → the path (under the base) that now answers for the IRI the check had
    before decision 6, dataset/<slug>/check/<its id, percent-encoded>: its own readable IRI,
    or for a pass (a node each then, a count now) its family's count of passes."""
    moved: dict[str, str] = {}
    for check, key in check_keys(data):
        name = f"check/{key}" if key else f"quality/{family(check['id'])}"
        moved.setdefault(check["id"], f"dataset/{data.slug}/{name}")
    return moved


def _family(minter: Minter, name: str) -> NamedNode:
    return minter.node(f"audit/{name}")


def check_key(data: PackageData, check: dict) -> str:
    """A check's readable key under its data set: its family, then the cell it tests (table,
    row key, column) or the rest of its id; never a line number (a printed row is named by
    its codes, as its cell is) nor long or Chinese text (a short hash of the id instead)."""
    name = family(check["id"])
    cell = _cell(data, check)
    if cell:
        return "/".join((name, *(quote(part, safe="-_.") for part in cell)))
    line = str((check.get("where") or {}).get("line") or "")
    rest = [part for part in check["id"].split(":")[1:] if part != line]
    if rest and all(re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", part) for part in rest):
        return "/".join((name, *rest))
    return f"{name}/{hashlib.sha256(check['id'].encode('utf-8')).hexdigest()[:10]}"


def _assertion(
    data: PackageData, minter: Minter, check: dict, node: NamedNode
) -> Iterator[Statement]:
    result = NamedNode(f"{node.value}#result")
    yield (minter.dataset(data.slug), BP.auditCheck, node)
    yield (node, RDF.type, BP.AuditCheck)
    yield (node, RDF.type, EARL.Assertion)
    yield (node, EARL.assertedBy, BP.auditor)
    yield (node, EARL.mode, EARL.automatic)
    yield (node, EARL.test, _family(minter, family(check["id"])))
    yield (node, EARL.subject, _subject(data, minter, check))
    yield (node, EARL.result, result)
    yield (result, RDF.type, EARL.TestResult)
    yield (result, EARL.outcome, OUTCOME[check["status"]])
    yield (result, DCT.description, text(check["message"]))
    yield (node, BP.checkId, text(check["id"]))
    yield (node, BP.status, text(check["status"]))
    yield (node, BP.message, text(check["message"]))
    amounts = False
    for field, prop, words in (
        ("expected", BP.expected, BP.expectedText),
        ("found", BP.found, BP.foundText),
    ):
        value = check.get(field)
        if value is not None:
            try:
                yield (node, prop, decimal(value))
                amounts = True
            except ArithmeticError:  # a table or a row, not an amount: said in words
                yield (node, words, text(str(value)))
    if amounts:  # the figures compared are yuan, whatever unit the table printed
        yield (node, SDMX_ATTRIBUTE.unitMeasure, YUAN)
    where = check.get("where") or {}
    if where.get("table") in set(cube_tables(data.descriptor)):
        yield (node, BP.checkedTable, minter.table(data.slug, where["table"]))
    if where.get("line"):
        yield (node, BP.sourceLine, integer(where["line"]))


def _cell(data: PackageData, check: dict) -> tuple[str, str, str] | None:
    """(table, row key, column) of the published cell a check tests: its table, line and
    the column its id names; None when it tests no one cell."""
    where = check.get("where") or {}
    table, line = where.get("table"), str(where.get("line") or "")
    if table not in set(cube_tables(data.descriptor)):
        return None
    parts = set(check["id"].split(":")[1:])
    columns = [
        f["column"]
        for f in data.tables.get("facts", [])
        if f["table"] == table and f["source_line"] == line and f["column"] in parts
    ]
    if len(columns) != 1:
        return None
    return table, row_keys(data.tables.get(table, [])).get(line, f"line{line}"), columns[0]


def _subject(data: PackageData, minter: Minter, check: dict) -> NamedNode:
    """The published cell a check tests, else its table, else the data set."""
    cell = _cell(data, check)
    if cell:
        return minter.observation(data.slug, *cell)
    table = (check.get("where") or {}).get("table")
    if table in set(cube_tables(data.descriptor)):
        return minter.table(data.slug, table)
    return minter.dataset(data.slug)
