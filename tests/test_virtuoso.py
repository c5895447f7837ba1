"""Virtuoso as the shared store, beyond the shared-store tests it also runs
(tests/test_query.py): every query sees the build's graph only, an answer Virtuoso cut at its
time limit is refused as the embedded store's time limit is, its own functions that reach
the network are never reachable through the service, and a new build is noticed by its
stamp. A real private Virtuoso on loopback (the `virtuoso` fixture, tests/conftest.py)."""

from __future__ import annotations

import contextlib
import socket
import time
from pathlib import Path

import pytest

from service.query.backend import RemoteError, RemoteStore
from tests.conftest import DECOY_GRAPH, PACKAGES

BUILD_GRAPH = "https://w3id.org/budgetpub/graph/build"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def app_for(built_var: Path, store_url: str, **settings):
    from service import create_app

    return create_app(
        {
            "DATA_DIR": str(built_var),
            "PACKAGES_DIR": str(PACKAGES),
            "BASE_URL": "http://127.0.0.1:8000/",
            "STORE_URL": store_url,
            "TESTING": True,
            **settings,
        }
    )


def stop_runner(app) -> None:
    runner = app.extensions.get("budgetpub-runner")  # started by the first /sparql query
    if runner is not None:
        runner.stop()


def bindings(response) -> list[dict[str, str]]:
    body = response.get_json(force=True)
    return [{k: v["value"] for k, v in row.items()} for row in body["results"]["bindings"]]


def test_every_query_sees_the_build_graph_only(built_var: Path, virtuoso) -> None:
    """Virtuoso holds its system graphs and the decoy beside the build; none is seen."""
    unscoped = RemoteStore(virtuoso.endpoint)
    graphs = {
        row["g"].value for row in unscoped.query("SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")
    }
    assert {BUILD_GRAPH, DECOY_GRAPH} <= graphs and len(graphs) > 2  # system graphs too
    app = app_for(built_var, virtuoso.store_url())
    client = app.test_client()
    try:
        seen = client.get(
            "/sparql", query_string={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"}
        )
        assert bindings(seen) == [{"g": BUILD_GRAPH}]
        decoy = f"ASK {{ <{DECOY_GRAPH}#s> ?p ?o }}"
        assert client.get("/sparql", query_string={"query": decoy}).get_json(force=True) == {
            "head": {},
            "boolean": False,
        }
        assert unscoped.query(decoy)  # it is there, outside the graph
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        (row,) = bindings(client.get("/sparql", query_string={"query": count}))
        assert int(row["n"]) == len(RemoteStore(virtuoso.store_url()))
        assert int(row["n"]) < int(next(iter(unscoped.query(count)))["n"].value)
    finally:
        stop_runner(app)


def test_an_answer_cut_at_virtuosos_time_limit_is_refused(virtuoso) -> None:
    """Virtuoso answers 200 with what it had when its anytime timeout strikes (an empty
    count here), saying so only in X-SQL-State: RemoteStore refuses it as a timeout."""
    store = RemoteStore(virtuoso.store_url())
    store.limits(1.5, 100)
    started = time.monotonic()
    with pytest.raises(RemoteError) as refused:
        store.query(SLOW)
    assert time.monotonic() - started < 2.5  # Virtuoso answered, before our own wait ran out
    assert (refused.value.status, refused.value.kind) == (503, "query-timeout")
    assert "1.5 s" in refused.value.detail and "S1TAT" in str(refused.value)
    store.limits(None, None)
    assert store.query("ASK { ?s ?p ?o }")  # and it answers the next query


def test_the_service_answers_as_at_its_own_time_limit(built_var: Path, virtuoso) -> None:
    app = app_for(built_var, virtuoso.store_url(), SPARQL_TIMEOUT=3.0)
    client = app.test_client()
    try:
        client.get("/sparql", query_string={"query": "ASK {}"})  # the query process is up
        slow = client.get("/sparql", query_string={"query": SLOW})
        assert slow.status_code == 503, slow.data[:300]
        assert slow.get_json(force=True)["type"].endswith("/query-timeout")
        assert slow.headers["Retry-After"] == "3"
        after = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert after.get_json(force=True)["boolean"] is True
    finally:
        stop_runner(app)


def test_virtuosos_own_outbound_functions_are_not_reachable(built_var: Path, virtuoso) -> None:
    """<bif:http_get> makes Virtuoso fetch a URL from an anonymous query; through the
    service it, its spellings and LOAD are refused, and the listener sees nobody."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(3)
        target = f"http://127.0.0.1:{listener.getsockname()[1]}/x"
        fetch = f'SELECT (<bif:http_get>("{target}") AS ?x) WHERE {{}}'
        app = app_for(built_var, virtuoso.store_url())
        client = app.test_client()
        try:
            for query in (
                fetch,
                f'PREFIX b: <BIF:> SELECT (b:http_get("{target}") AS ?x) WHERE {{}}',
                f'SELECT (<\\u0062if:http_get>("{target}") AS ?x) WHERE {{}}',
                f'SELECT (<sql:DB.DBA.RDF_SPONGE_UP>("{target}") AS ?x) WHERE {{}}',
                f"LOAD <{target}>",
                f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
            ):
                refused = client.get("/sparql", query_string={"query": query})
                assert refused.status_code == 403, (query, refused.data[:300])
            with pytest.raises(TimeoutError):
                listener.accept()
        finally:
            stop_runner(app)
        # the same query sent to Virtuoso itself does connect: the guard is what stops it
        with contextlib.suppress(RemoteError):  # it waits for an answer we never send
            RemoteStore(virtuoso.store_url(), timeout=2).query(fetch)
        connection, _ = listener.accept()
        connection.close()


def test_updates_are_refused_by_virtuoso_itself_too(virtuoso) -> None:
    """Behind the guard, Virtuoso's anonymous SPARQL user may not write."""
    store = RemoteStore(virtuoso.store_url())
    with pytest.raises(RemoteError) as refused:
        store.query(f"INSERT DATA {{ GRAPH <{BUILD_GRAPH}> {{ <urn:a> <urn:b> <urn:c> }} }}")
    assert refused.value.status == 500  # "SR186:SECURITY: No permission to execute …"
    assert not store.query("ASK { <urn:a> ?p ?o }")


def test_a_new_build_loaded_into_virtuoso_is_noticed_by_its_stamp(
    built_var: Path, virtuoso, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Virtuoso.load leaves `<catalog> bp:build "id"` in the graph, as load_remote does; the
    service looks that one triple up and moves to the new build. Loading replaces the graph."""
    from service.web import site

    dumps = sorted((built_var / "rdf").glob("*.nt"))
    catalog = "http://127.0.0.1:8000/catalog"
    store = RemoteStore(virtuoso.store_url())
    before = len(store)
    virtuoso.load(dumps, stamp=(catalog, "virtuoso-1"))
    assert store.build() == "virtuoso-1" and len(store) == before + 1  # replaced, not added
    monkeypatch.setattr(site, "REMOTE_RECHECK", 0.0)
    app = app_for(built_var, virtuoso.store_url())
    client = app.test_client()
    try:
        etag = client.get("/catalog.ttl").headers["ETag"]
        virtuoso.load(dumps, stamp=(catalog, "virtuoso-2"))
        assert store.build() == "virtuoso-2" and len(store) == before + 1
        assert client.get("/catalog.ttl").headers["ETag"] != etag
    finally:
        stop_runner(app)
