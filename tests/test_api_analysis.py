"""The aggregate API's analysis cubes (one per analysis kind, service/rdf/analysis.py): their
plain sum, uncut, is each document's published total, from the facts index and from SPARQL
alike, and their facts are the analysis observations the store holds."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from service.build import package_dirs
from tests.conftest import PACKAGES
from tests.test_facts_index import both_answers, index_app, indexed_var, sparql_app  # noqa: F401

ANALYSIS_KINDS = (
    "expenditure-by-function",
    "expenditure-by-economic-class",
    "revenue-by-source",
    "three-public-expenses",
)


def _published_totals() -> list[tuple[str, str, int, Decimal]]:
    """(analysis, package, year, the published total cell) of every committed package's
    analysis data sets, read from the table CSV the descriptor names, not from facts.csv."""
    found = []
    for package in package_dirs(PACKAGES):
        descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
        facts = next(r for r in descriptor["resources"] if r["name"] == "facts")
        for entry in facts.get("analyses", []):
            total = entry["total"]
            path = package / "data" / f"{total['table']}.csv"
            with path.open(encoding="utf-8", newline="") as handle:
                row = next(
                    r for r in csv.DictReader(handle) if r["source_line"] == str(total["line"])
                )
            found.append(
                (
                    entry["name"],
                    package.name,
                    descriptor["fiscalYear"],
                    Decimal(row[total["column"]]),
                )
            )
    return found


TOTALS = _published_totals()


def _get(app, url: str, **query: str) -> dict:
    response = app.test_client().get(url, query_string=query)
    assert response.status_code == 200, response.data[:300]
    return response.get_json()


def test_every_committed_package_has_its_analyses() -> None:
    assert {name for name, *_ in TOTALS} == set(ANALYSIS_KINDS)
    assert len(TOTALS) == 15  # 4 documents × 4 analyses, but Luoyang prints no 三公 table


@pytest.mark.parametrize(("name", "slug", "year", "published"), TOTALS)
@pytest.mark.parametrize("backend", ["index", "sparql"])
def test_analysis_cube_sums_to_the_published_total(
    index_app,  # noqa: F811
    sparql_app,  # noqa: F811
    backend: str,
    name: str,
    slug: str,
    year: int,
    published: Decimal,
) -> None:
    """Uncut but for the year: the summary, and the groups by class added up, are the
    document's published total, from either source."""
    app = index_app if backend == "index" else sparql_app
    drill = "functional_class" if name == "expenditure-by-function" else "dataset"
    body = _get(
        app,
        f"/api/3/cubes/{name}/aggregate",
        drilldown=f"{drill}|dataset",
        cut=f"year:{year}|dataset:{slug}",
    )
    assert body["cut"] == [f"year:{year}", f"dataset:{slug}"]  # no default cut added
    assert Decimal(body["summary"]["amount.sum"]) == published
    assert sum(Decimal(c["amount.sum"]) for c in body["cells"]) == published


def test_golden_figures(index_app) -> None:  # noqa: F811
    """The issue's example (2025, class 201: 3,296,600 published, 23,076,200 summed naively
    over the published cells) and the document totals, printed in the PDFs."""
    url = "/api/3/cubes/expenditure-by-function/aggregate"
    body = _get(index_app, url, drilldown="functional_class", cut="year:2025")
    assert body["summary"]["amount.sum"] == "189767551.00"
    assert {c["functional_class"]: c["amount.sum"] for c in body["cells"]}["201"] == "3296600.00"
    by_type = _get(index_app, url, drilldown="expenditure_type", cut="year:2025")["cells"]
    assert {c["expenditure_type"]: c["amount.sum"] for c in by_type} == {
        "basic": "101341746.00",
        "project": "88425805.00",
    }
    luoyang = _get(index_app, url, drilldown="functional_class", cut="year:2024")
    assert luoyang["summary"] == {"amount.sum": "1485300.00", "_count": 6}
    naive = _get(
        index_app,
        "/api/3/cubes/expenditure/aggregate",
        cut="year:2025|functional_class:201|row_type:item;subtotal;total|column:"
        "total;basic_total;project_total",
    )
    assert Decimal(naive["summary"]["amount.sum"]) > Decimal("3296600")  # what it fixes


SAME = [
    "/api/3/cubes/expenditure-by-function/aggregate?drilldown=functional_class|expenditure_type",
    "/api/3/cubes/expenditure-by-function/aggregate?drilldown=functional_class&cut=year:2024",
    "/api/3/cubes/expenditure-by-economic-class/aggregate?drilldown=economic_class|dataset",
    "/api/3/cubes/revenue-by-source/aggregate?drilldown=fund_source&order=amount.sum:desc",
    "/api/3/cubes/three-public-expenses/aggregate?drilldown=column|year",
    "/api/3/cubes/revenue-by-source/members/fund_source",
    "/api/3/cubes/revenue-by-source/facts",
    "/api/3/cubes/expenditure-by-economic-class/facts?cut=year:2025&pagesize=7&page=2",
    "/api/3/cubes/three-public-expenses/facts?format=csv&pagesize=all",
    "/api/3/cubes/revenue-by-source/model",
    # a total row's classification is SDMX's total code, _T, in either source (service.rdf.cube)
    "/api/3/cubes/expenditure/aggregate?drilldown=functional|dataset&cut=row_type:total",
    "/api/3/cubes/general_budget_basic_expenditure/aggregate?drilldown=economic"
    "|economic_government|row_type&cut=row_type:total;item",
    "/api/3/cubes/project_expenditure/aggregate?drilldown=expenditure_type&cut=row_type:total",
]


def test_a_total_row_is_the_total_code(index_app) -> None:  # noqa: F811
    body = _get(
        index_app,
        "/api/3/cubes/expenditure/aggregate",
        drilldown="functional",
        cut="row_type:total|dataset:shanghai-putuo-wanli-2025-dept-budget",
    )
    assert [(c["functional"], c["functional.label"], c["amount.sum"]) for c in body["cells"]] == [
        ("_T", "合计", "189767551.00")
    ]


@pytest.mark.parametrize("url", SAME)
def test_index_answers_as_sparql_does(index_app, sparql_app, url: str) -> None:  # noqa: F811
    answers = both_answers(index_app, sparql_app, url)
    assert answers[0] == answers[1]
    assert answers[0][0] == 200


def test_facts_are_the_analysis_observations(index_app, indexed_var: Path) -> None:  # noqa: F811
    """Each fact's id is an analysis observation of the build (not the published cell), and
    the model says what the cube answers."""
    from pyoxigraph import NamedNode, Store

    body = _get(index_app, "/api/3/cubes/revenue-by-source/facts", pagesize="1000")
    ids = [fact["id"] for fact in body["data"]]
    assert body["total"] == len(ids) == len(set(ids)) > 0
    assert all("/analysis/revenue-by-source/obs/" in i for i in ids)
    store = Store.read_only(str((indexed_var / "store").resolve()))
    kind = NamedNode("http://purl.org/linked-data/cube#dataSet")
    assert all(next(store.quads_for_pattern(NamedNode(i), kind, None), None) for i in ids)
    model = _get(index_app, "/api/3/cubes/revenue-by-source/model")["model"]
    assert model["kind"] == "analysis"
    assert model["question"].startswith("Where does this year's money come from")
