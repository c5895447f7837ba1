"""The RDF Data Cube: a qb:DataSet per table, a qb:Observation per published amount."""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import NamedNode, Triple

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


def row_keys(rows: list[Row]) -> dict[str, str]:
    """source_line → a key from the row's codes (total, unit-015, 2010301…), unique per table."""
    keys: dict[str, str] = {}
    used: set[str] = set()
    for row in rows:
        parts = [row[f] for f in KEY_FIELDS if row.get(f)]
        key = (
            "-".join([row.get("row_type", "row"), *parts]) if parts else row.get("row_type", "row")
        )
        if key in used:
            key = f"{key}-line{row['source_line']}"
        used.add(key)
        keys[row["source_line"]] = key
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


def organization_for(
    minter: Minter, department: str, unit_code: str | None, row_type: str
) -> NamedNode:
    if unit_code and row_type == "unit":
        return minter.unit(department, unit_code)
    return minter.organization(department)


def table_datasets(data: PackageData, minter: Minter, document: NamedNode) -> Iterator[Triple]:
    slug = data.slug
    dataset = minter.dataset(slug)
    unit = data.descriptor.get("publishedUnit", "万元")
    kinds = set(cube_tables(data.descriptor))
    for resource in data.descriptor["resources"]:
        name = resource["name"]
        if name not in kinds:
            continue
        node = minter.table(slug, name)
        yield Triple(node, RDF.type, QB.DataSet)
        yield Triple(node, RDF.type, BP.BudgetTable)
        yield Triple(node, QB.structure, BP["dsd-budget"])
        yield Triple(node, RDFS.label, zh(resource["title"]))
        yield Triple(node, DCT.title, zh(resource["title"]))
        yield Triple(node, DCT.description, text(resource["description"], "en"))
        yield Triple(node, BP.tableKind, text(name))
        yield Triple(node, SDMX_ATTRIBUTE.unitMeasure, YUAN)  # amounts are yuan …
        yield Triple(node, SDMX_ATTRIBUTE.unitMult, integer(0))
        yield Triple(node, BP.sourceUnit, text(resource.get("publishedUnit", unit)))  # … always
        yield Triple(node, DCT.isPartOf, dataset)
        yield Triple(node, PROV.wasDerivedFrom, document)
        if resource.get("sourceLine"):
            yield Triple(node, BP.sourceLine, integer(resource["sourceLine"]))
        for note in resource.get("notes", []):
            yield Triple(node, RDFS.comment, zh(note))
        yield Triple(dataset, BP.table, node)


def observations(data: PackageData, minter: Minter) -> Iterator[Triple]:
    slug = data.slug
    kinds = set(cube_tables(data.descriptor))
    keys = {name: row_keys(rows) for name, rows in data.tables.items() if name in kinds}
    phase = concept("budget-phase", "approved")
    for fact in data.tables.get("facts", []):
        table = fact["table"]
        key = keys.get(table, {}).get(fact["source_line"], f"line{fact['source_line']}")
        node = minter.observation(slug, table, key, fact["column"])
        project = fact.get("project_code")
        yield Triple(node, RDF.type, QB.Observation)
        yield Triple(node, QB.dataSet, minter.table(slug, table))
        yield Triple(
            node,
            BP.department,
            organization_for(minter, fact["department"], fact.get("unit_code"), fact["row_type"]),
        )
        yield Triple(node, BP.fiscalYear, year(fact["fiscal_year"]))
        yield Triple(node, BP.budgetPhase, phase)
        yield Triple(
            node, BP.operationCharacter, concept("operation-character", fact["operation_character"])
        )
        yield Triple(node, BP.rowType, concept("row-type", fact["row_type"]))
        yield Triple(
            node, BP.functionalClassification, concept("functional", fact.get("functional_code"))
        )
        yield Triple(
            node,
            BP.economicClassificationDepartmental,
            concept("economic-departmental", fact.get("economic_departmental_code")),
        )
        yield Triple(
            node,
            BP.economicClassificationGovernment,
            concept("economic-government", fact.get("economic_government_code")),
        )
        yield Triple(
            node, BP.expenditureType, concept("expenditure-type", fact.get("expenditure_type"))
        )
        yield Triple(node, BP.fundSource, concept("fund-source", fact.get("fund_source")))
        yield Triple(node, BP.project, minter.project(project) if project else BP.noProject)
        yield Triple(node, BP.amount, decimal(fact["amount"]))
        yield Triple(node, BP.sourceLine, integer(fact["source_line"]))
        yield Triple(node, BP.sourceColumn, text(fact["column"]))
