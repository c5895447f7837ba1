"""Query benchmarks on a corpus of at least 1M triples made with the synthetic generator:
GROUP BY / SUM through /sparql, the same query on rdflib's in-memory engine, and the
aggregate API."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.__main__ import report, timed

QUERY = """PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?class (SUM(?amount) AS ?total) (COUNT(?obs) AS ?n) WHERE {
  ?table bp:tableKind "expenditure" .
  ?obs qb:dataSet ?table ; bp:sourceColumn "total" ;
       bp:rowType <https://w3id.org/budgetpub/code/row-type/item> ;
       bp:functionalClassification ?f ; bp:amount ?amount .
  ?f skos:notation ?code .
  BIND(SUBSTR(?code, 1, 3) AS ?class)
} GROUP BY ?class ORDER BY ?class"""
TARGET_TRIPLES = 1_000_000


def make_corpus(root: Path) -> int:
    """Synthetic documents → packages → build, until the store holds ≥ 1M triples."""
    from service.build import build
    from service.pipeline import ingest_file
    from service.synthetic import generate_corpus

    documents = generate_corpus(17, root / "docs", error_share=0.0, seed=7, max_rows=200)
    for path in documents:
        outcome = ingest_file(path, root / "packages", validate=False)
        assert outcome.ok, outcome.error
    result = build(root / "packages", root / "var")
    assert result.ok, result.failed
    return result.triples


def bench_query() -> None:
    import rdflib

    from service import create_app
    from service.store import open_store

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        started = time.perf_counter()
        make_corpus(root)
        store = open_store(root / "var")
        triples = len(store)
        print(
            f"{'query corpus':<40} {triples:,} triples in the store "
            f"(made in {time.perf_counter() - started:.0f} s)"
        )
        assert triples >= TARGET_TRIPLES, triples
        app = create_app({"DATA_DIR": str(root / "var"), "PACKAGES_DIR": str(root / "packages")})
        client = app.test_client()

        def sparql() -> None:
            response = client.get("/sparql", query_string={"query": QUERY})
            assert response.status_code == 200

        sparql()
        sparql_times = timed(sparql, 30)
        report("/sparql GROUP BY/SUM (1M+ triples)", sparql_times, "p50 <= 200 ms")

        def aggregate() -> None:
            response = client.get("/api/3/cubes/expenditure/aggregate?drilldown=functional_class")
            assert response.status_code == 200

        aggregate()
        report("aggregate API drilldown (1M+ triples)", timed(aggregate, 30), "p50 <= 300 ms")
        app.extensions["budgetpub-runner"].stop()

        graph = rdflib.Graph()
        started = time.perf_counter()
        for path in sorted((root / "var" / "rdf").glob("*.nt")):
            graph.parse(path, format="nt")
        print(
            f"{'rdflib: parse the same dumps':<40} {len(graph):,} triples in "
            f"{time.perf_counter() - started:.0f} s"
        )
        rdflib_times = timed(lambda: list(graph.query(QUERY)), 3)
        report("rdflib in-memory: same query", rdflib_times, "")
        ratio = statistics.median(rdflib_times) / statistics.median(sparql_times)
        print(f"{'ratio rdflib / /sparql (p50)':<40} {ratio:,.0f}x   target >= 30x")
