"""The published tables as printed: a qb:DataSet per table, a qb:Observation per cell.

A cell's dimensions are its printed row (bp:sourceLine) and column (bp:sourceColumn), with
the department, year, budget phase and revenue or expenditure attached to its table
(bp:dsd-budget); it states the codes its row prints and nothing else, no placeholder codes.
Sums belong to the analysis data sets (analysis.py), whose observations point back here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from pyoxigraph import NamedNode

from service.rdf.source import PackageData, Row
from service.rdf.terms import (
    BP,
    DCT,
    PROV,
    QB,
    RDF,
    RDFS,
    SDMX_ATTRIBUTE,
    YUAN,
    Minter,
    Statement,
    concept,
    decimal,
    integer,
    text,
    year,
    zh,
)

KEY_FIELDS = (
    "unit_code",
    "functional_code",
    "economic_departmental_code",
    "economic_government_code",
    "project_code",
    "item_code",
)
NON_TABLES = {
    "facts",
    "analysis",
    "functional_classification",
    "economic_classification_departmental",
    "economic_classification_government",
    "projects",
    "narrative_figures",
    "glossary",
    "department_performance_indicators",
    "department_tasks",
    "project_performance_indicators",
    "department_performance_budget",
}


LABEL_FIELDS = ("unit_name", "project_name", "name", "item", "economic_departmental_name")


@lru_cache(maxsize=65536)
def _label_key(label: str) -> str:
    """A printed row label as a key segment: its pinyin, at most 60 characters."""
    from service.package.writer import slugify

    return slugify(label)[:60].rstrip("-")


def row_keys(rows: list[Row]) -> dict[str, str]:
    """source_line → a key from what the row prints, never from where the reader met it:
    its codes (item-2010301, unit-015, total-grand-total), else its printed label in pinyin
    (of-which-qi-zhong-ren-yuan-jing-fei), else its row type; a key printed again in the
    same table takes its ordinal among the rows of that key (item-2010301-2). Keys stay
    when the reader or the PDF back end numbers the lines otherwise."""
    keys: dict[str, str] = {}
    seen: dict[str, int] = {}
    used: set[str] = set()
    for row in rows:
        kind = row.get("row_type", "row")
        parts = [row[f] for f in KEY_FIELDS if row.get(f)]
        if not parts:
            label = next((str(row[f]) for f in LABEL_FIELDS if row.get(f)), "")
            parts = [_label_key(label)] if label and _label_key(label) else []
        key = "-".join([kind, *parts])
        seen[key] = seen.get(key, 0) + 1
        found = key if seen[key] == 1 else f"{key}-{seen[key]}"
        while found in used:  # a label that ends like an ordinal: the next one free
            seen[key] += 1
            found = f"{key}-{seen[key]}"
        used.add(found)
        keys[row["source_line"]] = found
    return keys


def printed_tables(descriptor: dict) -> set[str]:
    """Resources kept as printed (no coded dimensions): described as files, never as cubes."""
    return {t["resource"] for t in descriptor.get("tables", []) if t.get("read") == "as-printed"}


def cube_tables(descriptor: dict) -> list[str]:
    """The CSV resources that are tables of the cube, in descriptor order."""
    printed = printed_tables(descriptor)
    return [
        r["name"]
        for r in descriptor["resources"]
        if r.get("format") == "csv" and r["name"] not in NON_TABLES and r["name"] not in printed
    ]


def table_datasets(data: PackageData, minter: Minter, document: NamedNode) -> Iterator[Statement]:
    """Each typed table of a package as a Data Cube data set: its label, description, the
    dimensions fixed for the whole table, its unit and where it was printed."""
    slug = data.slug
    dataset = minter.dataset(slug)
    unit = data.descriptor.get("publishedUnit", "万元")
    kinds = set(cube_tables(data.descriptor))
    meta = data.descriptor
    direction = {name: "expenditure" for name in kinds}  # revenue or expenditure: its facts'
    for fact in data.tables.get("facts", []):
        direction[fact["table"]] = fact["operation_character"]
    for resource in data.descriptor["resources"]:
        name = resource["name"]
        if name not in kinds:
            continue
        node = minter.table(slug, name)
        yield (node, RDF.type, QB.DataSet)
        yield (node, RDF.type, BP.BudgetTable)
        yield (node, QB.structure, BP["dsd-budget"])
        yield (node, RDFS.label, zh(resource["title"]))
        yield (node, DCT.title, zh(resource["title"]))
        yield (node, DCT.description, text(resource["description"], "en"))
        yield (node, BP.tableKind, text(name))
        # the table's own dimensions (qb:componentAttachment qb:DataSet in bp:dsd-budget)
        yield (node, BP.department, minter.organization(meta["department"]))
        yield (node, BP.fiscalYear, year(meta["fiscalYear"]))
        yield (node, BP.budgetPhase, concept("budget-phase", "approved"))
        yield (node, BP.operationCharacter, concept("operation-character", direction[name]))
        yield (node, SDMX_ATTRIBUTE.unitMeasure, YUAN)  # amounts are yuan …
        yield (node, SDMX_ATTRIBUTE.unitMult, integer(0))
        yield (node, BP.sourceUnit, text(resource.get("publishedUnit", unit)))  # … always
        yield (node, DCT.isPartOf, dataset)
        yield (node, PROV.wasDerivedFrom, document)
        if resource.get("sourceLine"):
            yield (node, BP.sourceLine, integer(resource["sourceLine"]))
        for note in resource.get("notes", []):
            yield (node, RDFS.comment, zh(note))
        yield (dataset, BP.table, node)


# a cell's codes: (facts.csv column, property, scheme), stated only where its row prints one
CODES = (
    ("functional_code", BP.functionalClassification, "functional"),
    ("economic_departmental_code", BP.economicClassificationDepartmental, "economic-departmental"),
    ("economic_government_code", BP.economicClassificationGovernment, "economic-government"),
    ("expenditure_type", BP.expenditureType, "expenditure-type"),
    ("fund_source", BP.fundSource, "fund-source"),
)


# The SDMX way to mark a total (SDMX Guidelines for the Creation and Management of Code
# Lists: the reserved code _T, Total): a total row's value in each classification its table's
# other rows print is that list's total concept, `_T`, or `all` where the list had one.
TOTAL_CODE = {
    "functional": "_T",
    "economic-departmental": "_T",
    "economic-government": "_T",
    "expenditure-type": "all",
    "fund-source": "all",
}


def summed_over(facts: Iterable[Row]) -> dict[str, set[str]]:
    """table → the code fields (facts.csv columns) its rows other than totals print: the
    classifications its total rows add up, stated on them as the list's total concept."""
    fields = [field for field, _, _ in CODES]
    found: dict[str, set[str]] = {}
    for fact in facts:
        if fact["row_type"] != "total":
            found.setdefault(fact["table"], set()).update([f for f in fields if fact.get(f)])
    return found


def observations(data: PackageData, minter: Minter) -> Iterator[Statement]:
    """A cell per published amount: its printed row and column, amount and row type, and
    the codes its row prints (no placeholder for what it does not); a total row's cells the
    total concept of each classification the table's other rows print (TOTAL_CODE)."""
    slug = data.slug
    kinds = set(cube_tables(data.descriptor))
    keys = {name: row_keys(rows) for name, rows in data.tables.items() if name in kinds}
    department = data.descriptor["department"]
    totals = summed_over(data.tables.get("facts", []))
    for fact in data.tables.get("facts", []):
        table = fact["table"]
        key = keys.get(table, {}).get(fact["source_line"], f"line{fact['source_line']}")
        node = minter.observation(slug, table, key, fact["column"])
        yield (node, RDF.type, QB.Observation)
        yield (node, QB.dataSet, minter.table(slug, table))
        yield (node, BP.sourceLine, integer(fact["source_line"]))
        yield (node, BP.sourceColumn, text(fact["column"]))
        yield (node, BP.amount, decimal(fact["printed_amount"]))
        yield (node, BP.rowType, concept("row-type", fact["row_type"]))
        if fact.get("unit_code") and fact["row_type"] == "unit":  # a unit's own row
            yield (node, BP.unit, minter.unit(department, fact["unit_code"]))
        for field, prop, scheme in CODES:
            if fact.get(field):
                yield (node, prop, concept(scheme, fact[field]))
            elif fact["row_type"] == "total" and field in totals.get(table, ()):
                yield (node, prop, concept(scheme, TOTAL_CODE[scheme]))
        if fact.get("project_code"):
            yield (node, BP.project, minter.project(fact["project_code"]))
