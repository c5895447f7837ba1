"""OpenBudgets.eu-compatible by test (issue 14, decision 4).

An OpenBudgets.eu (OBEU) consumer reads a data set as OBEU's own tools do
(openbudgets/preprocessing_dm, outlier_dm): `?observation obeu-measure:amount ?amount`, the
year, budget phase and operation character attached to the data set
(`qb:dataSet/obeu-dimension:fiscalYear`), one data set at a time, summed. On the analysis
data sets that query gets the published totals, with OBEU's own code list values and year
IRIs. The data structures pass OBEU's integrity constraints (openbudgets/data-model,
integrity-constraints/: missing mandatory components, missing currency, abstract
properties), restated here, and the vocabulary lets no RDFS reasoner turn a published
cell into an OBEU amount.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pyoxigraph import Store

from service.build import package_dirs
from service.package.fiscal import fiscal_model
from tests.conftest import PACKAGES

BASE = "http://127.0.0.1:8000/"
PREFIXES = """PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX obeu-attribute: <http://data.openbudgets.eu/ontology/dsd/attribute/>
PREFIX obeu-dimension: <http://data.openbudgets.eu/ontology/dsd/dimension/>
PREFIX obeu-measure: <http://data.openbudgets.eu/ontology/dsd/measure/>
"""
APPROVED = "http://data.openbudgets.eu/resource/codelist/budget-phase/approved"
OPERATION = "http://data.openbudgets.eu/resource/codelist/operation-character/"
YEAR = "http://reference.data.gov.uk/id/year/"
# golden: the published totals (yuan) of the committed documents, read off their tables
GOLDEN = {
    ("luoyang-sfq-zwfwzx-2024-budget", "expenditure-by-function"): ("2024", "1485300.00"),
    ("luoyang-sfq-zwfwzx-2024-budget", "revenue-by-source"): ("2024", "1485300.00"),
    ("shanghai-putuo-wanli-2025-dept-budget", "expenditure-by-function"): ("2025", "189767551"),
    ("shanghai-putuo-wanli-2025-dept-budget", "revenue-by-source"): ("2025", "189767551"),
    ("shanghai-putuo-wanli-2025-dept-budget", "three-public-expenses"): ("2025", "379100.00"),
}


@pytest.fixture(scope="module")
def store(dumps_store: Store) -> Store:
    """The committed packages' build (conftest's, at the same base IRI) as RDF."""
    return dumps_store


def _analyses(store: Store) -> list[str]:
    rows = store.query(PREFIXES + "SELECT ?ds WHERE { ?ds a bp:AnalysisDataSet } ORDER BY ?ds")
    return [row["ds"].value for row in rows]


# as OBEU's data-mining tools ask one data set for its amounts (preprocessing_dm)
OBEU_QUERY = (
    PREFIXES
    + """SELECT ?year ?budgetPhase ?operation (SUM(?amount) AS ?total) WHERE {
  ?observation qb:dataSet <%s> ; obeu-measure:amount ?amount .
  ?observation qb:dataSet/obeu-dimension:fiscalYear ?year .
  ?observation qb:dataSet/obeu-dimension:budgetPhase ?budgetPhase .
  ?observation qb:dataSet/obeu-dimension:operationCharacter ?operation .
} GROUP BY ?year ?budgetPhase ?operation"""
)


def test_obeu_query_gets_the_published_totals(store: Store) -> None:
    analyses = _analyses(store)
    assert len(analyses) >= 12  # 4 documents, 3 or 4 analyses each
    golden = 0
    for dataset in analyses:
        rows = list(store.query(OBEU_QUERY % dataset))
        assert len(rows) == 1, dataset  # one year, one phase, one direction per data set
        row = rows[0]
        printed = next(
            iter(
                store.query(
                    PREFIXES + f"SELECT ?a WHERE {{ <{dataset}> bp:publishedTotal/bp:amount ?a }}"
                )
            )
        )["a"].value
        assert Decimal(row["total"].value) == Decimal(printed), dataset
        assert row["budgetPhase"].value == APPROVED
        assert row["year"].value.startswith(YEAR)
        slug, _, name = dataset.removeprefix(f"{BASE}dataset/").partition("/analysis/")
        direction = "revenue" if name.startswith("revenue") else "expenditure"
        assert row["operation"].value == OPERATION + direction
        if (slug, name) in GOLDEN:
            year, total = GOLDEN[slug, name]
            assert (row["year"].value, Decimal(row["total"].value)) == (YEAR + year, Decimal(total))
            golden += 1
    assert golden == len(GOLDEN)


def test_obeu_integrity_constraints(store: Store) -> None:
    """OBEU's constraints on a data structure: the mandatory components (directly or by a
    sub-property), the currency attribute, and no abstract classification used directly."""
    structures = "?ds a bp:AnalysisDataSet ; qb:structure ?dsd ."
    missing = store.query(
        PREFIXES
        + f"""SELECT DISTINCT ?dsd ?required WHERE {{ {structures}
      VALUES ?required {{ obeu-attribute:currency obeu-dimension:fiscalPeriod
        obeu-dimension:operationCharacter obeu-dimension:organization obeu-measure:amount }}
      FILTER NOT EXISTS {{
        ?dsd qb:component/qb:componentProperty/rdfs:subPropertyOf* ?required }} }}"""
    )
    assert [(r["dsd"].value, r["required"].value) for r in missing] == []
    abstract = store.query(
        PREFIXES
        + f"""SELECT DISTINCT ?dsd ?p WHERE {{ {structures}
      VALUES ?p {{ obeu-dimension:administrativeClassification obeu-dimension:classification
        obeu-dimension:economicClassification obeu-dimension:functionalClassification
        obeu-dimension:programmeClassification }}
      ?dsd qb:component/(qb:dimension|qb:componentProperty) ?p }}"""
    )
    assert list(abstract) == []
    # qb:componentProperty is what OBEU's constraints follow: every component says it
    bare = store.query(
        PREFIXES
        + f"""SELECT ?c WHERE {{ {structures} ?dsd qb:component ?c .
        FILTER NOT EXISTS {{ ?c qb:componentProperty ?p }} }}"""
    )
    assert list(bare) == []


def test_no_reasoner_makes_a_published_cell_an_obeu_amount(store: Store) -> None:
    """Only analysis observations are OBEU amounts, also after RDFS inference: no property of
    a published cell is a sub-property of obeu-measure:amount, one economic classification
    is OBEU's, and no datatype property sits under an OBEU object property."""
    under_amount = store.query(
        PREFIXES
        + "SELECT ?p WHERE { ?p rdfs:subPropertyOf+ obeu-measure:amount . FILTER(?p != obeu-measure:amount) }"
    )
    assert list(under_amount) == []
    economic = store.query(
        PREFIXES + "SELECT ?p WHERE { ?p rdfs:subPropertyOf obeu-dimension:economicClassification }"
    )
    assert [r["p"].value for r in economic] == [
        "https://w3id.org/budgetpub/def#economicClassificationDepartmental"
    ]
    mixed = store.query(
        PREFIXES
        + """SELECT ?p ?q WHERE { ?p a owl:DatatypeProperty ; rdfs:subPropertyOf ?q .
        ?q rdfs:range ?range . FILTER(STRSTARTS(STR(?q), "http://data.openbudgets.eu/"))
        FILTER(!STRSTARTS(STR(?range), "http://www.w3.org/2001/XMLSchema#")) }"""
    )
    assert [(r["p"].value, r["q"].value) for r in mixed] == []


def test_fiscal_data_package_model_says_phase_and_direction() -> None:
    """The model's measures are the analysis data sets of the approved budget: each says
    `phase: approved` and its own `direction` (revenue-by-source is revenue), over the
    analysis resource, in the model and in every committed package (issue 27, 1)."""
    models = [fiscal_model()] + [
        json.loads((package / "datapackage.json").read_text("utf-8"))["model"]
        for package in package_dirs(PACKAGES)
    ]
    assert len(models) == 5
    for model in models:
        directions = {n: m["direction"] for n, m in model["measures"].items()}
        assert directions["revenue_by_source"] == "revenue"
        assert directions["expenditure_by_function"] == "expenditure"
        for measure in model["measures"].values():
            assert measure["phase"] == "approved" and measure["resource"] == "analysis"
        assert "direction" in model["dimensions"]
