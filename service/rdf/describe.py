"""Everything around the cube: the department, the source document, projects and their
performance targets, the narrative figures, the glossary and the codes seen (the audit:
audit.py)."""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import NamedNode

from service import vocab
from service.rdf.source import PackageData
from service.rdf.terms import (
    BP,
    DCT,
    FOAF,
    ORG,
    PROV,
    RDF,
    RDFS,
    SKOS,
    Minter,
    Statement,
    concept,
    decimal,
    integer,
    text,
    year,
    zh,
)
from service.rdf.versions import version_node

SCHEME_OF = {
    "functional_classification": "functional",
    "economic_classification_departmental": "economic-departmental",
    "economic_classification_government": "economic-government",
}
GLOSSARY_MATCH = {
    "基本支出": ("expenditure-type", "basic"),
    "项目支出": ("expenditure-type", "project"),
    "财政拨款收入": ("fund-source", "fiscal-appropriation"),
    "财政专户管理资金": ("fund-source", "fiscal-special-account"),
    "事业收入": ("fund-source", "business-income"),
    "事业单位经营收入": ("fund-source", "business-operating-income"),
    "其他收入": ("fund-source", "other-income"),
    "用事业基金弥补收支差额": ("fund-source", "business-fund"),
}
PROJECT_TYPES = {"其他运转类": "operating", "特定目标类": "specific"}


def organizations(data: PackageData, minter: Minter) -> Iterator[Statement]:
    """The department (org:Organization) and each budget unit it lists in any table
    (org:OrganizationalUnit, by unit code)."""
    department = data.descriptor["department"]
    org = minter.organization(department)
    yield (org, RDF.type, ORG.Organization)
    yield (org, RDF.type, FOAF.Agent)
    yield (org, RDFS.label, zh(department))
    yield (org, SKOS.prefLabel, zh(department))
    yield (org, FOAF.name, zh(department))
    seen: set[str] = set()
    for rows in data.tables.values():
        for row in rows:
            code = row.get("unit_code")
            if not code or row.get("row_type") not in ("department", "unit") or code in seen:
                continue
            seen.add(code)
            if row["row_type"] == "department":
                yield (org, BP.unitCode, text(code))
                continue
            unit = minter.unit(department, code)
            yield (unit, RDF.type, ORG.OrganizationalUnit)
            yield (unit, ORG.unitOf, org)
            yield (org, ORG.hasUnit, unit)
            yield (unit, BP.unitCode, text(code))
            yield (unit, RDFS.label, zh(row.get("name") or code))


def document_node(data: PackageData, minter: Minter) -> tuple[NamedNode, list[Statement]]:
    """The source document's node (the archived file) and its triples: type, title, publisher,
    year and sha256, which every table and dataset derives from."""
    source = data.resource("source_document") or {}
    node = minter.download(data.slug, source.get("path", "source"))  # the archived file itself
    org = minter.organization(data.descriptor["department"])
    triples = [
        (node, RDF.type, BP.BudgetDocument),
        (node, RDF.type, FOAF.Document),
        (node, RDF.type, PROV.Entity),
        (node, DCT.title, zh(source.get("title", data.descriptor["title"]))),
        (node, DCT.publisher, org),
        (node, BP.fiscalYear, year(data.descriptor["fiscalYear"])),
    ]
    if source.get("hash"):
        triples.append((node, BP.sha256, text(source["hash"].removeprefix("sha256:"))))
    return node, triples


def projects(data: PackageData, minter: Minter) -> Iterator[Statement]:
    """The projects (code, name, type) and the performance indicators of the projects and of the
    department."""
    org = minter.organization(data.descriptor["department"])
    dataset = minter.dataset(data.slug)
    for row in data.tables.get("projects", []):
        node = minter.project(row["code"])
        yield (node, RDF.type, BP.Project)
        yield (node, BP.projectCode, text(row["code"]))
        yield (node, RDFS.label, zh(row["name"]))
        yield (node, BP.department, org)
        yield (node, DCT.isReferencedBy, dataset)
        if row.get("type"):
            yield (node, BP.projectType, zh(row["type"]))
            yield (
                node,
                BP.expenditureType,
                concept("expenditure-type", PROJECT_TYPES.get(row["type"], "project")),
            )
    for row in data.tables.get("project_performance_indicators", []):
        node = minter.indicator(data.slug, row["source_line"], row["category"])
        yield (minter.project(row["project_code"]), BP.performanceIndicator, node)
        yield from _indicator(node, row)
    for row in data.tables.get("department_performance_indicators", []):
        node = minter.indicator(data.slug, row["source_line"], None)
        yield (dataset, BP.performanceIndicator, node)
        yield from _indicator(node, row)


def _indicator(node: NamedNode, row: dict[str, str]) -> Iterator[Statement]:
    yield (node, RDF.type, BP.PerformanceIndicator)
    for field, prop in (
        ("level1", BP.indicatorLevel1),
        ("level2", BP.indicatorLevel2),
        ("level3", BP.indicatorLevel3),
    ):
        if row.get(field):
            yield (node, prop, zh(row[field]))
    yield (node, RDFS.label, zh(row["level3"]))
    yield (node, BP.targetText, zh(row["value_text"]))
    if row.get("operator"):
        yield (node, BP.operator, text(row["operator"]))
    if row.get("value"):
        yield (node, BP.targetValue, decimal(row["value"]))
    if row.get("unit"):
        yield (node, BP.targetUnit, text(row["unit"]))
    if row.get("qualitative"):
        yield (node, BP.qualitativeTarget, zh(row["qualitative"]))
    yield (node, BP.sourceLine, integer(row["source_line"]))


def narrative(data: PackageData, minter: Minter) -> Iterator[Statement]:
    """The narrative: the department's responsibilities and each figure stated in the text, with
    its value, unit, kind, sentence and line."""
    dataset = minter.dataset(data.slug)
    for duty in data.descriptor.get("responsibilities", []):
        yield (dataset, BP.responsibility, zh(duty))
    for row in data.tables.get("narrative_figures", []):
        node = minter.figure(data.slug, row["source_line"], row["position"])
        yield (dataset, BP.narrativeFigure, node)
        yield (node, RDF.type, BP.NarrativeFigure)
        yield (node, RDFS.label, zh(f"{row['subject']} {row['value']}{row['unit']}"))
        yield (node, BP.statedValue, decimal(row["value"]))
        if row.get("unit"):
            yield (node, BP.statedUnit, text(row["unit"]))
        yield (node, BP.figureKind, text(row["kind"]))
        yield (node, BP.sentence, zh(row["sentence"]))
        yield (node, BP.sourceLine, integer(row["source_line"]))
        if row.get("implied_prior"):
            yield (node, BP.impliedPriorValue, decimal(row["implied_prior"]))
        if row.get("compared_year"):
            yield (node, BP.comparedYear, year(row["compared_year"]))


def glossary(data: PackageData, minter: Minter) -> Iterator[Statement]:
    """The document's glossary as SKOS concepts defined by its dataset, each matched
    (skos:closeMatch) to the vocabulary's concept where there is one."""
    dataset = minter.dataset(data.slug)
    for row in data.tables.get("glossary", []):
        node = minter.glossary(data.slug, row["source_line"])
        yield (node, RDF.type, SKOS.Concept)
        yield (node, SKOS.prefLabel, zh(row["term"]))
        yield (node, SKOS.definition, zh(row["definition"]))
        yield (node, RDFS.isDefinedBy, dataset)
        yield (node, BP.sourceLine, integer(row["source_line"]))
        match = GLOSSARY_MATCH.get(row["term"])
        if match:  # the document's definition stays on its glossary entry, never on the
            # shared concept every document uses
            yield (node, SKOS.closeMatch, concept(*match))


def codes(data: PackageData, minter: Minter) -> Iterator[Statement]:
    """Every code a document uses says so (dct:isReferencedBy its data set); a code the
    vocabulary does not list yet (项 codes, rare 款) enters its scheme with the label the
    document prints, placed under its parent code."""
    dataset = minter.dataset(data.slug)
    for resource, scheme in SCHEME_OF.items():
        known = vocab.labels(scheme)
        version = version_node(scheme, data.descriptor["fiscalYear"])  # its year's code list
        for row in data.tables.get(resource, []):
            code = row["code"]
            node = concept(scheme, code)
            yield (node, DCT.isReferencedBy, dataset)
            yield (version, SKOS.member, node)
            if code in known:
                continue
            scheme_node = NamedNode(f"{vocab.CODE}{scheme}")
            yield (node, RDF.type, SKOS.Concept)
            yield (node, SKOS.inScheme, scheme_node)
            yield (node, SKOS.notation, text(code))
            yield (node, SKOS.prefLabel, zh(row.get("name") or code))
            if row.get("name_en"):  # no English is made up: a code without one has none
                yield (node, SKOS.prefLabel, text(row["name_en"], "en"))
            if row.get("parent_code"):
                yield (node, SKOS.broader, concept(scheme, row["parent_code"]))
            else:
                yield (node, SKOS.topConceptOf, scheme_node)
