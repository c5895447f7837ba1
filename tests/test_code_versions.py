"""The classifications' code lists by year (service/rdf/versions.py, issue 14 decision 7): a
version per fiscal year of the build, each the codes that year's documents print, linked to
the year before (prov:wasRevisionOf) and after (dct:isReplacedBy)."""

from __future__ import annotations

import csv
import json

import pytest
from pyoxigraph import NamedNode, Store

from service.rdf.versions import VERSIONED
from tests.conftest import PACKAGES

CODE = "https://w3id.org/budgetpub/code/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
FILES = {
    "functional": "functional_classification",
    "economic-departmental": "economic_classification_departmental",
    "economic-government": "economic_classification_government",
}


def _printed() -> dict[tuple[str, int], set[str]]:
    """(scheme, year) → the codes the committed documents of that year print, from their
    code list CSVs."""
    found: dict[tuple[str, int], set[str]] = {}
    for package in sorted(p for p in PACKAGES.iterdir() if not p.name.startswith((".", "_"))):
        year = json.loads((package / "datapackage.json").read_text())["fiscalYear"]
        for scheme, name in FILES.items():
            path = package / "data" / f"{name}.csv"
            with path.open(encoding="utf-8", newline="") as handle:
                codes = {row["code"] for row in csv.DictReader(handle)} if path.exists() else set()
            found.setdefault((scheme, year), set()).update(codes)
    return found


def _objects(store: Store, subject: str, predicate: str) -> set[str]:
    found = store.quads_for_pattern(NamedNode(subject), NamedNode(predicate), None)
    return {quad.object.value for quad in found}


def test_the_committed_documents_span_four_years() -> None:
    assert {year for _, year in _printed()} == {2023, 2024, 2025, 2026}
    assert set(VERSIONED) == set(FILES)


@pytest.mark.parametrize("scheme", VERSIONED)
def test_a_version_per_year_linked_to_the_years_around(dumps_store: Store, scheme: str) -> None:
    years = [2023, 2024, 2025, 2026]
    node = f"{CODE}{scheme}"
    version = {year: f"{node}/version/{year}" for year in years}
    assert _objects(dumps_store, node, f"{DCT}hasVersion") == set(version.values())
    for index, year in enumerate(years):
        before = years[index - 1] if index else None
        after = years[index + 1] if index + 1 < len(years) else None
        here = version[year]
        assert _objects(dumps_store, here, f"{DCT}isVersionOf") == {node}
        assert _objects(dumps_store, here, f"{PROV}wasRevisionOf") == (
            {version[before]} if before else set()
        )
        assert _objects(dumps_store, here, f"{DCT}isReplacedBy") == (
            {version[after]} if after else set()
        )
        labels = {
            q.object.language: q.object.value
            for q in dumps_store.quads_for_pattern(
                NamedNode(here), NamedNode(f"{SKOS}prefLabel"), None
            )
        }
        assert labels.keys() == {"zh", "en"} and str(year) in labels["zh"]


@pytest.mark.parametrize("scheme", VERSIONED)
def test_a_version_holds_the_codes_its_years_documents_print(
    dumps_store: Store, scheme: str
) -> None:
    printed = _printed()
    for year in (2023, 2024, 2025, 2026):
        members = _objects(dumps_store, f"{CODE}{scheme}/version/{year}", f"{SKOS}member")
        assert members == {f"{CODE}{scheme}/{code}" for code in printed[(scheme, year)]}
        for member in members:  # each a concept of the scheme itself: one IRI across years
            assert f"{CODE}{scheme}" in _objects(dumps_store, member, f"{SKOS}inScheme")
    if scheme == "functional":  # 万里街道 printed other codes in 2023 than in 2025
        assert printed[(scheme, 2023)] ^ printed[(scheme, 2025)]


def test_a_version_dereferences(client) -> None:
    import rdflib

    response = client.get("/code/functional/version/2025.ttl")
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    here = rdflib.URIRef(f"{CODE}functional/version/2025")
    assert graph.value(here, rdflib.URIRef(f"{PROV}wasRevisionOf")) == rdflib.URIRef(
        f"{CODE}functional/version/2024"
    )
