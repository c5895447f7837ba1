"""The built graph says only what the vocabulary allows: every bp: property's domain and range
hold on the data (closed world: a subject or object has the class stated), every literal
has the datatype, or the language tag, its property's range gives, and each package's JSON-LD
reads back, through pyld, as the same graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store, Triple, parse

from service.build import build, package_dirs
from service.web.jsonld_compactor import compactor, context, pyld_compacted, render_jsonld
from tests.conftest import PACKAGES, dumps, load_dumps

BASE = "http://127.0.0.1:8000/"
PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX org: <http://www.w3.org/ns/org#>
"""
# axioms of external vocabularies the build relies on (they are not loaded)
EXTERNAL = """INSERT DATA {
  org:OrganizationalUnit rdfs:subClassOf org:Organization .
}"""


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> Store:
    """Every dump of the committed packages with the vocabulary, in one store."""
    out = tmp_path_factory.mktemp("model")
    assert build(PACKAGES, out, BASE, load=False).ok
    store = Store()
    load_dumps(store, sorted((out / "rdf").glob("*.nt")))
    store.update(PREFIXES + EXTERNAL)
    return store


def _rows(store: Store, query: str) -> list[tuple[str, ...]]:
    return [tuple(str(term) for term in row) for row in store.query(PREFIXES + query)]


def test_every_subject_is_in_its_property_domain(graph: Store) -> None:
    wrong = _rows(
        graph,
        """SELECT DISTINCT ?p ?domain (SAMPLE(?s) AS ?example) WHERE {
          ?p rdfs:domain ?domain . ?s ?p ?o .
          FILTER(STRSTARTS(STR(?p), "https://w3id.org/budgetpub/def#"))
          FILTER NOT EXISTS { ?s rdf:type/rdfs:subClassOf* ?domain }
        } GROUP BY ?p ?domain""",
    )
    assert wrong == []


def test_every_object_is_in_its_property_range(graph: Store) -> None:
    wrong = _rows(
        graph,
        """SELECT DISTINCT ?p ?range (SAMPLE(?o) AS ?example) WHERE {
          ?p rdfs:range ?range . ?s ?p ?o .
          FILTER(STRSTARTS(STR(?p), "https://w3id.org/budgetpub/def#"))
          FILTER(
            IF(STRSTARTS(STR(?range), STR(xsd:)) || ?range = rdf:langString,
               !isLiteral(?o) || DATATYPE(?o) != ?range,
            IF(?range = rdfs:Literal, !isLiteral(?o),
               isLiteral(?o) || NOT EXISTS { ?o rdf:type/rdfs:subClassOf* ?range })))
        } GROUP BY ?p ?range""",
    )
    assert wrong == []


def test_plain_strings_are_not_tagged(graph: Store) -> None:
    """Codes, units and identifiers (range xsd:string) carry no language tag; English
    text is never tagged @zh."""
    tagged = _rows(
        graph,
        """SELECT DISTINCT ?p (SAMPLE(?o) AS ?example) WHERE {
          ?s ?p ?o . FILTER(isLiteral(?o) && LANG(?o) = "zh")
          FILTER(!REGEX(STR(?o), "[\\u3400-\\u9fff]"))
        } GROUP BY ?p""",
    )
    assert tagged == []


def test_vocabulary_dump_is_in_the_graph(graph: Store) -> None:
    assert graph.query(
        PREFIXES + "ASK { <https://w3id.org/budgetpub/def#amount> rdfs:range xsd:decimal }"
    )


# ----------------------------------------------------------------- JSON-LD round trip


def _context_loader(url: str, options: dict | None = None) -> dict:
    """pyld resolves only the published context, from vocab/ (no network)."""
    assert url.endswith("/context.jsonld"), url
    return {"contextUrl": None, "documentUrl": url, "document": context()}


def _triples_of(package: str, rdf: Path) -> list[Triple]:
    found: list[Triple] = []
    for path in dumps(rdf, package):
        with path.open("rb") as handle:
            found.extend(q.triple for q in parse(handle, format=RdfFormat.N_TRIPLES))
    return found


def _through_pyld(document: bytes) -> set[str]:
    """A JSON-LD document expanded by pyld to N-Quads: the graph a consumer reads."""
    from pyld import jsonld

    nquads = jsonld.to_rdf(
        json.loads(document),
        {"format": "application/n-quads", "documentLoader": _context_loader},
    )
    return {str(q.triple) for q in parse(nquads.encode(), format=RdfFormat.N_QUADS)}


@pytest.fixture(scope="module")
def rdf_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("jsonld")
    assert build(PACKAGES, out, BASE, load=False).ok
    return out / "rdf"


@pytest.mark.parametrize("package", [p.name for p in package_dirs(PACKAGES)])
def test_every_package_round_trips_through_pyld(rdf_dir: Path, package: str) -> None:
    """The JSON-LD the service serves (compacted with /context.jsonld), expanded by pyld,
    is the package's graph again: codes, language maps, decimals and all."""
    triples = _triples_of(package, rdf_dir)
    assert len(triples) > 1000
    assert compactor() is not None  # the service compacts directly, without pyld
    served = render_jsonld(triples, BASE)
    assert _through_pyld(served) == {str(t) for t in triples}
    document = json.loads(served)
    nodes = {node["id"]: node for node in document["@graph"]}
    codes = {
        n["functionalClassification"] for n in nodes.values() if "functionalClassification" in n
    }
    assert any(c.isdigit() and len(c) == 7 for c in codes), codes  # bare: 2010301, no IRI
    labelled = next(n for n in nodes.values() if isinstance(n.get("label"), dict))
    assert "zh" in labelled["label"]


def test_pyld_compacts_to_the_same_graph(rdf_dir: Path) -> None:
    """pyld's own compaction with the context (what the service falls back to) round-trips
    as well, and writes codes as bare codes too."""
    package = package_dirs(PACKAGES)[0].name
    triples = _triples_of(package, rdf_dir)
    compacted = pyld_compacted(triples, BASE)
    assert _through_pyld(compacted) == {str(t) for t in triples}
    assert '"rowType": "item"' in compacted.decode()
