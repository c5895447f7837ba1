"""Analysis data sets: the leaf amounts of one question, whose plain SUM is the published total.

The package says which facts are the leaves of which analysis (facts.csv `analysis`, and the
facts resource's `analyses` list with the published total); here each becomes a qb:DataSet
in OpenBudgets.eu's terms (vocab/analysis.ttl): the department, year, budget phase and
operation character attached to the data set with OpenBudgets.eu's own values, one
observation per leaf with obeu-measure:amount, its classification codes, and
prov:wasDerivedFrom the published cell it repeats.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pyoxigraph import NamedNode

from service import vocab
from service.package.analysis import BY_NAME
from service.package.writer import slugify
from service.rdf.cube import cube_tables, row_keys
from service.rdf.source import PackageData, Row
from service.rdf.terms import (
    BP,
    CODE,
    DCT,
    OBEU_ATTRIBUTE,
    OBEU_CODELIST,
    OBEU_DIMENSION,
    OBEU_MEASURE,
    ORG,
    PROV,
    QB,
    RDF,
    RDFS,
    SDMX_ATTRIBUTE,
    YEAR,
    YUAN,
    Minter,
    Statement,
    concept,
    decimal,
    integer,
    text,
    zh,
)


@dataclass(frozen=True)
class Dimension:
    prop: NamedNode
    field: str  # the facts.csv column its code is in
    scheme: str


BY_FIELD = {
    d.field: d
    for d in (
        Dimension(BP.functionalClassification, "functional_code", "functional"),
        Dimension(
            BP.economicClassificationDepartmental,
            "economic_departmental_code",
            "economic-departmental",
        ),
        Dimension(BP.expenditureType, "expenditure_type", "expenditure-type"),
        Dimension(BP.fundSource, "fund_source", "fund-source"),
    )
}
# what a whole data set covers (all funds, basic expenditure…), as the structures
# bp:dsd-<kind> in vocab/analysis.ttl attach them to the data set; each observation has
# the codes its kind names (service/package/analysis.py), the dimensions of its own
SCOPE: dict[str, tuple[str, ...]] = {
    "expenditure-by-function": ("fund_source",),
    "expenditure-by-economic-class": ("fund_source", "expenditure_type"),
    "revenue-by-source": (),
    "three-public-expenses": ("fund_source",),
}
OPERATION = {"expenditure": "expenditure", "revenue": "revenue"}
# a kind whose codes are stated with a property of its own: 三公 is a memorandum part of
# expenditure, so its items are no OBEU economic classification (never counted twice)
OWN = {
    "three-public-expenses": {
        "economic_departmental_code": Dimension(
            BP.threePublicItem, "economic_departmental_code", "economic-departmental"
        )
    }
}


def analysis_datasets(data: PackageData, minter: Minter) -> Iterator[Statement]:
    """The analysis data sets of a package (the facts of one analysis, without double counting)
    as Data Cube data sets whose observations repeat the published cells."""
    leaves: dict[str, list[Row]] = {}
    for fact in data.tables.get("facts", []):
        if fact.get("analysis"):
            leaves.setdefault(fact["analysis"], []).append(fact)
    for name, entry in published(data.descriptor).items():
        if leaves.get(name):
            keys = row_keys(data.tables[entry["table"]])  # the keys of its own table only
            yield from _dataset(data, minter, entry, leaves[name], keys)


def published(descriptor: dict) -> dict[str, dict]:
    """name → entry of the analyses the descriptor lists (facts resource `analyses`) that
    become data sets (a known kind over a table of the cube), each with its leaves in facts.csv
    `analysis`: the store's and the facts index's analysis cubes are these, and only these."""
    tables = set(cube_tables(descriptor))
    facts = next((r for r in descriptor["resources"] if r["name"] == "facts"), {})
    return {
        entry["name"]: entry
        for entry in facts.get("analyses", [])
        if entry["name"] in SCOPE and entry["table"] in tables
    }


def _dataset(
    data: PackageData, minter: Minter, entry: dict, leaves: list[Row], keys: dict[str, str]
) -> Iterator[Statement]:
    slug, name, table = data.slug, entry["name"], entry["table"]
    node = minter.analysis(slug, name)
    dataset = minter.dataset(slug)
    department = data.descriptor["department"]
    by_unit = any(fact["row_type"] == "unit" for fact in leaves)
    own = [OWN.get(name, {}).get(field) or BY_FIELD[field] for field in BY_NAME[name].codes]
    scope = [BY_FIELD[field] for field in SCOPE[name]]
    year = YEAR[str(data.descriptor["fiscalYear"])]
    names = vocab.labels("analysis").get(name, {})
    covered = {d.scheme: min({f.get(d.field) or "all" for f in leaves}) for d in scope}
    part = {s: c for s, c in covered.items() if c != "all"}
    yield (dataset, BP.analysis, node)
    yield (node, RDF.type, QB.DataSet)
    yield (node, RDF.type, BP.AnalysisDataSet)
    yield (node, QB.structure, BP[f"dsd-{name}" + ("-by-unit" if by_unit else "")])
    yield (node, BP.analysisKind, CODE[f"analysis/{name}"])
    for language, label in sorted(names.items()):
        yield (node, RDFS.label, text(label, language))
        # what OBEU tools show of a data set is its title: a part of the budget says which
        words = [vocab.labels(s).get(c, {}).get(language, c) for s, c in sorted(part.items())]
        shown = (
            f"{label}（{'、'.join(words)}）"
            if language == "zh"
            else f"{label} ({', '.join(words)})"
        )
        yield (node, DCT.title, text(shown if part else label, language))
    if part:
        yield (
            node,
            DCT.description,
            text(
                "Covers only part of the department's expenditure ("
                + ", ".join(f"{s} {c}" for s, c in sorted(part.items()))
                + "): not its total expenditure.",
                "en",
            ),
        )
    yield (node, DCT.isPartOf, dataset)
    yield (node, PROV.wasDerivedFrom, minter.table(slug, table))
    yield (node, OBEU_DIMENSION.organization, minter.organization(department))
    yield (node, OBEU_DIMENSION.fiscalYear, year)
    yield (node, OBEU_DIMENSION.budgetPhase, OBEU_CODELIST["budget-phase/approved"])
    yield (
        node,
        OBEU_DIMENSION.operationCharacter,
        OBEU_CODELIST[f"operation-character/{OPERATION[entry['operationCharacter']]}"],
    )
    for dimension in scope:  # what the whole data set covers (all funds, basic expenditure…)
        values = {fact.get(dimension.field) or "all" for fact in leaves}
        yield (node, dimension.prop, concept(dimension.scheme, min(values)))
    # the year and currency IRIs are their owners' (data.gov.uk's intervals, the EU's currency
    # authority): used, never described here
    yield (node, OBEU_ATTRIBUTE.currency, YUAN)
    yield (node, SDMX_ATTRIBUTE.unitMeasure, YUAN)
    yield (node, SDMX_ATTRIBUTE.unitMult, integer(0))
    total = entry.get("total")
    if total and str(total["line"]) in keys:
        cell = minter.observation(slug, table, keys[str(total["line"])], total["column"])
        yield (node, BP.publishedTotal, cell)
    units: dict[NamedNode, str] = {}
    rows = {row["source_line"]: row for row in data.tables.get(table, [])}
    for fact in leaves:
        key = keys.get(fact["source_line"], f"line{fact['source_line']}")
        obs = minter.analysis_observation(slug, name, key, fact["column"])
        yield (obs, RDF.type, QB.Observation)
        yield (obs, QB.dataSet, node)
        for dimension in own:
            yield (obs, dimension.prop, concept(dimension.scheme, fact.get(dimension.field)))
        if by_unit:
            row = rows.get(fact["source_line"], {})
            unit = _unit(minter, department, row, fact)
            units.setdefault(unit, row.get("name") or fact.get("unit_code") or department)
            yield (obs, BP.unit, unit)
        yield (obs, OBEU_MEASURE.amount, decimal(fact["printed_amount"]))
        yield (obs, PROV.wasDerivedFrom, minter.observation(slug, table, key, fact["column"]))
    org = minter.organization(department)
    for unit, label in units.items():
        if unit != org:
            yield (unit, RDF.type, ORG.OrganizationalUnit)
            yield (unit, ORG.unitOf, org)
            yield (unit, RDFS.label, zh(label))


def _unit(minter: Minter, department: str, row: Row, fact: Row) -> NamedNode:
    """The unit a leaf row is of: by its code, else by its printed name."""
    if fact.get("unit_code"):
        return minter.unit(department, fact["unit_code"])
    if row.get("name"):
        return NamedNode(f"{minter.organization(department).value}/unit/{slugify(row['name'])}")
    return minter.organization(department)
