"""OpenBudgets.eu meanings (issue 27, finding 2): each analysis means, in OBEU's own terms,
exactly what it holds.

(a) revenue-by-source is this year's revenue: 上年结转结余 (money held, not revenue) is no
    leaf, and the data set adds up to 本年收入合计 where the table prints it.
(b) The 三公 data set is a memorandum part of expenditure: its items are no OBEU economic
    classification, so a query by economic class (following rdfs:subPropertyOf, as a
    reasoner would) gets the economic data set's published total, 三公 not counted twice.
(c) An economic data set that covers part of the expenditure (一般公共预算 basic expenditure)
    says so in the title OBEU tools show.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import Store

from service.build import package_dirs
from tests.conftest import PACKAGES, load_dumps
from tests.test_analysis import DIFFERENCES

PREFIXES = """PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX obeu-measure: <http://data.openbudgets.eu/ontology/dsd/measure/>
PREFIX obeu-dimension: <http://data.openbudgets.eu/ontology/dsd/dimension/>
"""
CARRY_OVER = ("carry-over", "year-end-carry-over")


@pytest.fixture(scope="module")
def store(real_site: Path) -> Store:
    """The committed and the real documents' build, with the vocabulary, in one store."""
    loaded = Store()
    load_dumps(loaded, sorted((real_site / "var" / "rdf").glob("*.nt")))
    return loaded


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_revenue_is_this_years_revenue(real_packages: list[Path]) -> None:
    checked = 0
    for package in [*package_dirs(PACKAGES), *real_packages]:
        descriptor = json.loads((package / "datapackage.json").read_text("utf-8"))
        facts = next(r for r in descriptor["resources"] if r["name"] == "facts")
        entry = next((a for a in facts["analyses"] if a["name"] == "revenue-by-source"), None)
        if entry is None:
            continue
        rows = {r["source_line"]: r for r in _csv(package / "data" / f"{entry['table']}.csv")}
        leaves = [
            f for f in _csv(package / "data" / "facts.csv") if f["analysis"] == "revenue-by-source"
        ]
        codes = {rows[f["source_line"]].get("item_code", "") for f in leaves}
        assert not [c for c in codes if c.startswith(CARRY_OVER)], package.name
        printed = {r.get("item_code") for r in rows.values()}
        if "current-year-total" in printed:
            total = rows[str(entry["total"]["line"])]
            assert total["item_code"] == "current-year-total", package.name
            checked += 1
    assert checked >= 4  # 北京审计局 prints 上年结转结余 4,719,637.43 beside 本年收入合计


OBEU_BY_ECONOMIC_CLASS = (
    PREFIXES
    + """SELECT ?org ?year (SUM(?amount) AS ?sum) WHERE {
  ?p rdfs:subPropertyOf* obeu-dimension:economicClassification .
  ?obs ?p ?code ; obeu-measure:amount ?amount ; qb:dataSet ?ds .
  ?ds obeu-dimension:organization ?org ; obeu-dimension:fiscalYear ?year ;
      obeu-dimension:operationCharacter ?operation .
  FILTER(STRENDS(STR(?operation), "expenditure"))
} GROUP BY ?org ?year"""
)
ECONOMIC_TOTALS = (
    PREFIXES
    + """SELECT ?ds ?org ?year ?total WHERE {
  ?ds bp:analysisKind <https://w3id.org/budgetpub/code/analysis/expenditure-by-economic-class> ;
      obeu-dimension:organization ?org ; obeu-dimension:fiscalYear ?year ;
      bp:publishedTotal/bp:amount ?total .
}"""
)


def test_obeu_economic_query_counts_three_public_once(store: Store) -> None:
    sums = {(r["org"].value, r["year"].value): Decimal(r["sum"].value) for r in store.query(
        OBEU_BY_ECONOMIC_CLASS
    )}  # fmt: skip
    totals = {}  # the printed total, less what the document's own rows fall short by
    for r in store.query(ECONOMIC_TOTALS):
        slug = r["ds"].value.split("/dataset/")[1].split("/")[0]
        short = Decimal(DIFFERENCES.get((slug, "expenditure-by-economic-class"), "0"))
        totals[(r["org"].value, r["year"].value)] = Decimal(r["total"].value) - short
    assert len(totals) >= 5
    for key, total in totals.items():
        assert sums.get(key) == total, key
    # an organisation with 三公 and no economic data set gets no economic amount at all
    assert set(sums) <= set(totals)
    three = store.query(
        PREFIXES
        + """ASK { ?ds bp:analysisKind
          <https://w3id.org/budgetpub/code/analysis/three-public-expenses> .
          ?obs qb:dataSet ?ds ; bp:economicClassificationDepartmental ?c }"""
    )
    assert not three


def test_partial_economic_data_set_says_its_scope(store: Store) -> None:
    rows = list(
        store.query(
            PREFIXES
            + """SELECT ?ds ?title WHERE {
      ?ds bp:analysisKind
        <https://w3id.org/budgetpub/code/analysis/expenditure-by-economic-class> ;
        bp:expenditureType <https://w3id.org/budgetpub/code/expenditure-type/basic> ;
        dct:title ?title . FILTER(LANG(?title) = "zh") }"""
        )
    )
    assert rows
    for row in rows:
        assert "基本支出" in row["title"].value, row["ds"].value
