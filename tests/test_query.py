"""SPARQL 1.1 Protocol and the aggregate API, the same tests against the embedded store, a
real `oxigraph serve` and a private Virtuoso (tests/conftest.py) on loopback; safety (read-only, no outbound requests, time limit)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib

from service.net import free_port, wait_until_answers
from service.query.backend import load_remote
from tests.conftest import PACKAGES, ROOT, SEED_SLUG

SEED_CUT = f"dataset:{SEED_SLUG}"
BP = (
    "PREFIX bp: <https://w3id.org/budgetpub/def#>\nPREFIX qb: <http://purl.org/linked-data/cube#>\n"
)
SEED_BY_CLASS = (
    BP
    + f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?class (SUM(?amount) AS ?total) WHERE {{
  ?obs qb:dataSet <http://127.0.0.1:8000/dataset/{SEED_SLUG}/table/expenditure> ;
       bp:sourceColumn "total" ; bp:rowType <https://w3id.org/budgetpub/code/row-type/item> ;
       bp:functionalClassification/skos:notation ?code ; bp:amount ?amount .
  BIND(SUBSTR(?code, 1, 3) AS ?class)
}} GROUP BY ?class ORDER BY ?class"""
)
GOLDEN = {"201": "1295700", "208": "78200", "210": "43700", "221": "67700"}  # 万元 × 10000


def oxigraph_binary() -> str | None:
    return shutil.which("oxigraph") or (
        str(Path(sys.executable).parent / "oxigraph")
        if (Path(sys.executable).parent / "oxigraph").exists()
        else None
    )


def require_oxigraph() -> str:
    """The `oxigraph` server binary. Without it a test is skipped, except under CI=true, where
    it fails: .ci/run installs it, and a missing server must not pass silently."""
    binary = oxigraph_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide oxigraph (pip package `oxigraph`, make install-test)")
        pytest.skip("no oxigraph server binary here (make install-test installs it)")
    return binary


def start_oxigraph(
    binary: str, location: Path, command: str = "serve"
) -> tuple[subprocess.Popen[bytes], str]:
    """A real `oxigraph serve` (or serve-read-only) on loopback, once it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [binary, command, "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_answers(f"{url}/query?query=ASK%7B%7D", 20, process)
    return process, url


@pytest.fixture(scope="session")
def remote_store(built_var: Path, tmp_path_factory: pytest.TempPathFactory):
    """A real Oxigraph server: the one .ci/run started, or one started here."""
    url = os.environ.get("BUDGETPUB_TEST_STORE_URL")
    process = None
    if not url:
        process, url = start_oxigraph(require_oxigraph(), tmp_path_factory.mktemp("oxigraph"))
    load_remote(url, sorted((built_var / "rdf").glob("*.nt")))
    yield url
    if process is not None:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session", params=["embedded", "remote", "virtuoso"])
def backend_app(request, built_var: Path):
    from service import create_app

    config = {
        "DATA_DIR": str(built_var),
        "PACKAGES_DIR": str(PACKAGES),
        "BASE_URL": "http://127.0.0.1:8000/",
        "TESTING": True,
    }
    if request.param == "remote":
        config["STORE_URL"] = request.getfixturevalue("remote_store")
    if request.param == "virtuoso":  # the same tests against Virtuoso, scoped to its graph
        config["STORE_URL"] = request.getfixturevalue("virtuoso").store_url()
    app = create_app(config)
    yield app
    runner = app.extensions.get("budgetpub-runner")
    if runner is not None:
        runner.stop()


@pytest.fixture
def qclient(backend_app):
    return backend_app.test_client()


def problem(response, status: int, kind: str) -> None:
    assert response.status_code == status, response.data[:300]
    body = response.get_json(force=True)
    assert body["type"].endswith(f"/{kind}") and body["status"] == status


def totals(response) -> dict[str, str]:
    data = json.loads(response.data)
    return {b["class"]["value"]: b["total"]["value"] for b in data["results"]["bindings"]}


def test_select_json_get_and_post(qclient) -> None:
    by_get = qclient.get("/sparql", query_string={"query": SEED_BY_CLASS})
    assert by_get.mimetype == "application/sparql-results+json"
    assert {k: Decimal(v) for k, v in totals(by_get).items()} == {
        k: Decimal(v) for k, v in GOLDEN.items()
    }
    by_form = qclient.post("/sparql", data={"query": SEED_BY_CLASS})
    by_body = qclient.post(
        "/sparql", data=SEED_BY_CLASS.encode(), content_type="application/sparql-query"
    )
    assert totals(by_form) == totals(by_get) == totals(by_body)


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+json", "application/sparql-results+json"),
    ],
)
def test_select_formats_by_accept(qclient, accept: str, media: str) -> None:
    response = qclient.get(
        "/sparql", query_string={"query": SEED_BY_CLASS}, headers={"Accept": accept}
    )
    assert response.mimetype == media
    text = response.data.decode()
    assert "201" in text and "1295700" in text


def test_csv_is_properly_quoted_and_tsv_typed(qclient) -> None:
    query = 'SELECT ?x ?y WHERE { BIND("a,b \\"quoted\\"" AS ?x) BIND(<http://e.org/t> AS ?y) }'
    response = qclient.get("/sparql", query_string={"query": query, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows == [["x", "y"], ['a,b "quoted"', "http://e.org/t"]]
    assert response.data.endswith(b"\r\n")
    tsv = qclient.get("/sparql", query_string={"query": query, "format": "tsv"}).data.decode()
    assert tsv.splitlines() == ["?x\t?y", '"a,b \\"quoted\\""\t<http://e.org/t>']


def test_ask_construct_describe(qclient) -> None:
    ask = qclient.get("/sparql", query_string={"query": BP + "ASK { ?o bp:amount 1485300.00 }"})
    assert ask.get_json(force=True) == {"head": {}, "boolean": True}
    construct = qclient.get(
        "/sparql",
        query_string={
            "query": BP
            + (
                f"CONSTRUCT {{ ?t bp:tableKind ?k }} WHERE {{ ?t bp:tableKind ?k "
                f'FILTER(CONTAINS(STR(?t), "{SEED_SLUG}")) }}'
            )
        },
        headers={"Accept": "text/turtle"},
    )
    assert construct.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=construct.data, format="turtle")
    assert len(graph) == 15  # the seed's 15 published tables
    as_jsonld = qclient.get(
        "/sparql",
        query_string={
            "query": BP + ("CONSTRUCT { ?t bp:tableKind ?k } WHERE { ?t bp:tableKind ?k } LIMIT 3"),
            "format": "jsonld",
        },
    )
    assert as_jsonld.mimetype == "application/ld+json" and json.loads(as_jsonld.data)
    describe = qclient.get(
        "/sparql",
        query_string={
            "query": f"DESCRIBE <http://127.0.0.1:8000/dataset/{SEED_SLUG}>",
            "format": "nt",
        },
    )
    assert describe.mimetype == "application/n-triples" and b"dcat#Dataset" in describe.data
    problem(
        qclient.get("/sparql", query_string={"query": "ASK {}", "format": "csv"}),
        406,
        "not-acceptable",
    )


def test_malformed_query_is_400(qclient) -> None:
    problem(
        qclient.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p }"}),
        400,
        "malformed-query",
    )
    problem(qclient.get("/sparql"), 400, "missing-query")
    problem(
        qclient.post("/sparql", data=b"x", content_type="image/png"), 415, "unsupported-media-type"
    )


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("INSERT DATA { <http://e.org/a> <http://e.org/b> <http://e.org/c> }", "update-forbidden"),
        ("DELETE WHERE { ?s ?p ?o }", "update-forbidden"),
        ("DROP ALL", "update-forbidden"),
        ("LOAD <http://127.0.0.1:9/data.ttl>", "update-forbidden"),
        (
            "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
            "service-forbidden",
        ),
        ("SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }", "from-forbidden"),
        (
            "SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
            "from-forbidden",
        ),
    ],
)
def test_refused_before_execution(qclient, query: str, kind: str) -> None:
    problem(qclient.get("/sparql", query_string={"query": query}), 403, kind)
    problem(qclient.post("/sparql", data={"query": query}), 403, kind)


def test_update_endpoints_and_dataset_parameters_refused(qclient) -> None:
    problem(qclient.post("/sparql", data={"update": "DROP ALL"}), 403, "update-forbidden")
    problem(
        qclient.post("/sparql", data=b"DROP ALL", content_type="application/sparql-update"),
        403,
        "update-forbidden",
    )
    problem(
        qclient.get(
            "/sparql", query_string={"query": "ASK {}", "default-graph-uri": "http://127.0.0.1:9/g"}
        ),
        403,
        "from-forbidden",
    )


def test_no_outbound_connection_is_ever_made(qclient) -> None:
    """SERVICE, FROM and LOAD aimed at a listener on loopback: the listener sees nobody."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(1.5)
        target = f"http://127.0.0.1:{listener.getsockname()[1]}"
        for query in (
            f"SELECT * WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE SILENT <{target}/x> {{ ?s ?p ?o }} }}",
            f"SELECT * FROM <{target}/g> WHERE {{ ?s ?p ?o }}",
            f"LOAD <{target}/data.ttl>",
            "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
        ):
            response = qclient.get(
                "/sparql", query_string={"query": query, "default-graph-uri": f"{target}/g"}
            )
            assert 400 <= response.status_code < 500
        with pytest.raises(TimeoutError):
            listener.accept()


def test_time_limit_stops_the_query_and_the_service_goes_on(built_var: Path) -> None:
    from service import create_app

    app = create_app(
        {
            "DATA_DIR": str(built_var),
            "PACKAGES_DIR": str(PACKAGES),
            "SPARQL_TIMEOUT": 3.0,  # a fresh query process answers well within it, loaded or not
            "TESTING": True,
        }
    )
    client = app.test_client()
    client.get("/sparql", query_string={"query": "ASK {}"})  # the query process is up
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    problem(client.get("/sparql", query_string={"query": slow}), 503, "query-timeout")
    assert 3 <= time.monotonic() - started < 10
    after = client.get("/sparql", query_string={"query": SEED_BY_CLASS})
    assert after.status_code == 200 and totals(after)["201"] == "1295700"
    app.extensions["budgetpub-runner"].stop()


def test_row_and_length_caps(built_var: Path) -> None:
    from service import create_app

    app = create_app(
        {
            "DATA_DIR": str(built_var),
            "PACKAGES_DIR": str(PACKAGES),
            "SPARQL_MAX_ROWS": 5,
            "SPARQL_MAX_LENGTH": 200,
            "TESTING": True,
        }
    )
    client = app.test_client()
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    body = response.get_json(force=True)
    assert len(body["results"]["bindings"]) == 5 and body["truncated"] is True
    assert response.headers["Budgetpub-Truncated"] == "5"
    small = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
    assert "Budgetpub-Truncated" not in small.headers
    problem(
        client.get("/sparql", query_string={"query": "ASK {}" + " " * 300}), 413, "query-too-long"
    )
    app.extensions["budgetpub-runner"].stop()


def test_query_page_for_people(qclient) -> None:
    page = qclient.get("/sparql", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html" and "按功能分类汇总支出".encode() in page.data
    results = qclient.get("/sparql", query_string={"query": SEED_BY_CLASS, "format": "html"})
    assert b"<table" in results.data and b"1295700" in results.data


# --- the aggregate API ------------------------------------------------------------------------


def test_cubes_and_model(qclient) -> None:
    cubes = {c["name"]: c for c in qclient.get("/api/3/cubes").get_json()["data"]}
    assert {"expenditure", "general_budget_basic_expenditure", "project_expenditure"} <= set(cubes)
    model = qclient.get("/api/3/cubes/expenditure/model").get_json()["model"]
    assert {"functional_class", "department", "year", "project"} <= set(model["dimensions"])
    assert model["default_cut"] == "column:total|row_type:item"


def by_class(qclient, **more: str):
    """The expenditure cube's amounts by functional class, cut to the seed; `more` parameters."""
    return qclient.get(
        "/api/3/cubes/expenditure/aggregate",
        query_string={"drilldown": "functional_class", "cut": SEED_CUT, **more},
    )


def test_aggregate_is_exact_and_matches_the_csv(qclient) -> None:
    response = by_class(qclient, order="functional_class:asc")
    body = response.get_json()
    cells = {c["functional_class"]: c for c in body["cells"]}
    assert {k: c["amount.sum"] for k, c in cells.items()} == {
        k: f"{v}.00" for k, v in GOLDEN.items()
    }
    assert cells["201"]["functional_class.label"] == "一般公共服务支出"
    assert cells["201"]["_count"] == 2
    assert body["summary"] == {"amount.sum": "1485300.00", "_count": 6}
    assert body["total_cell_count"] == 4
    with (PACKAGES / SEED_SLUG / "data" / "expenditure.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["row_type"] == "total"]
    assert body["summary"]["amount.sum"] == rows[0]["total"]


def test_aggregate_csv_paging_ordering(qclient) -> None:
    response = by_class(qclient, order="amount.sum:desc", format="csv", pagesize="2", page="1")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert [(r["functional_class"], r["amount.sum"]) for r in rows] == [
        ("201", "1295700.00"),
        ("208", "78200.00"),
    ]
    second = by_class(qclient, order="amount.sum:desc", pagesize="2", page="2").get_json()
    assert [c["functional_class"] for c in second["cells"]] == ["221", "210"]


def test_cut_by_department_and_column(qclient) -> None:
    body = qclient.get(
        "/api/3/cubes/expenditure/aggregate",
        query_string={
            "drilldown": "department|year",
            "cut": f"functional_class:201|{SEED_CUT}|column:basic_total",
        },
    ).get_json()
    assert body["cells"] == [
        {
            "department": "洛阳市城乡一体化示范区政务服务中心",
            "year": "2024",
            "amount.sum": "885200.00",
            "_count": 1,
        }
    ]


def test_members_and_facts(qclient) -> None:
    members = qclient.get(
        "/api/3/cubes/expenditure/members/functional_class", query_string={"cut": SEED_CUT}
    ).get_json()["data"]
    assert [m["functional_class"] for m in members] == ["201", "208", "210", "221"]
    facts = qclient.get(
        "/api/3/cubes/project_expenditure/facts",
        query_string={"cut": SEED_CUT, "order": "project:asc"},
    ).get_json()["data"]
    assert len(facts) == 6
    assert {f["project"]: f["amount"] for f in facts}["41039524000000012827"] == "81700.00"
    assert all(f["source_line"] >= 423 for f in facts)


def test_api_errors(qclient) -> None:
    problem(qclient.get("/api/3/cubes/nothing/aggregate"), 404, "unknown-cube")
    problem(qclient.get("/api/3/cubes/expenditure/aggregate?drilldown=nope"), 400, "bad-parameter")
    problem(qclient.get("/api/3/cubes/expenditure/aggregate?cut=year"), 400, "bad-cut")
    problem(
        qclient.get("/api/3/cubes/expenditure/aggregate?order=amount.sum:sideways"),
        400,
        "bad-parameter",
    )
    problem(qclient.get("/api/3/cubes/expenditure/aggregate?pagesize=0"), 400, "bad-parameter")
    problem(qclient.get("/api/3/cubes/expenditure/members/nope"), 404, "unknown-dimension")
    problem(qclient.get("/api/3/cubes/expenditure/aggregate?format=xml"), 406, "not-acceptable")


def test_openapi_describes_the_query_endpoints(qclient) -> None:
    paths = qclient.get("/openapi.json").get_json()["paths"]
    assert {
        "/sparql",
        "/api/3/cubes",
        "/api/3/cubes/{name}/aggregate",
        "/api/3/cubes/{name}/members/{dimension}",
        "/api/3/cubes/{name}/facts",
    } <= set(paths)


def test_both_backends_answer_the_same(built_var: Path, remote_store: str) -> None:
    from service import create_app

    answers = []
    for store_url in (None, remote_store):
        app = create_app(
            {
                "DATA_DIR": str(built_var),
                "PACKAGES_DIR": str(PACKAGES),
                "STORE_URL": store_url,
                "TESTING": True,
            }
        )
        client = app.test_client()
        answers.append(
            (
                client.get(
                    "/api/3/cubes/expenditure/aggregate?drilldown=department|functional_class"
                    "&order=department:asc|functional_class:asc"
                ).get_json()["cells"],
                totals(client.get("/sparql", query_string={"query": SEED_BY_CLASS})),
            )
        )
        app.extensions["budgetpub-runner"].stop()
    assert answers[0] == answers[1]
    assert ROOT.exists()


def test_the_service_notices_a_new_build_of_a_shared_store_by_its_stamp(
    built_var: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """load_remote leaves `<catalog> bp:build "id"`; the service looks that one triple up
    (counting a large store would take seconds) and moves to the new build."""
    from service import create_app
    from service.query.backend import RemoteStore
    from service.web import site

    binary = require_oxigraph()
    process, url = start_oxigraph(binary, tmp_path / "store")
    try:
        catalog = "http://127.0.0.1:8000/catalog"
        dumps = sorted((built_var / "rdf").glob("*.nt"))
        load_remote(url, dumps, (catalog, "build-1"))
        assert RemoteStore(url).build() == "build-1"
        monkeypatch.setattr(site, "REMOTE_RECHECK", 0.0)
        app = create_app(
            {
                "DATA_DIR": str(built_var),
                "PACKAGES_DIR": str(PACKAGES),
                "BASE_URL": "http://127.0.0.1:8000/",
                "STORE_URL": url,
                "TESTING": True,
            }
        )
        asked: list[str] = []  # every query the service sends, passed on to the server
        send = RemoteStore.query
        monkeypatch.setattr(
            RemoteStore, "query", lambda self, q, **kw: asked.append(q) or send(self, q, **kw)
        )
        client = app.test_client()
        first = client.get("/healthz").get_json()
        assert first["status"] == "ok" and first["triples"] is None  # no local build: not counted
        etag = client.get("/catalog.ttl").headers["ETag"]
        load_remote(url, dumps, (catalog, "build-2"))
        assert client.get("/catalog.ttl").headers["ETag"] != etag
        assert asked and not [q for q in asked if "COUNT(" in q]  # the store is never counted
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_build_into_a_shared_store_keeps_its_facts_index_for_the_aggregate_api(
    tmp_path: Path,
) -> None:
    """`build --store URL` stamps the store with the local build folder holding the facts
    index; workers on that folder answer aggregates from it, the same as SPARQL answers."""
    from service import create_app
    from service.build import build
    from service.query.backend import RemoteStore

    binary = require_oxigraph()
    process, url = start_oxigraph(binary, tmp_path / "store")
    try:
        out = tmp_path / "var"
        result = build(PACKAGES, out, "http://127.0.0.1:8000/", store_url=url)
        assert result.ok and result.store == (out / "store").resolve()
        assert RemoteStore(url).build() == result.store.name
        config = {
            "DATA_DIR": str(out),
            "PACKAGES_DIR": str(PACKAGES),
            "BASE_URL": "http://127.0.0.1:8000/",
            "STORE_URL": url,
            "TESTING": True,
        }
        path = "/api/3/cubes/expenditure/aggregate?drilldown=functional_class"
        client = create_app(config).test_client()
        assert client.get("/healthz").get_json()["triples"] == len(RemoteStore(url))  # recorded
        indexed = client.get(path)
        assert indexed.headers["Budgetpub-Store"] == result.store.name  # the index answered
        sparql = create_app({**config, "FACTS_INDEX": False}).test_client().get(path)
        assert sparql.headers["Budgetpub-Store"] == f"remote-{result.store.name}"
        assert indexed.get_json()["cells"] == sparql.get_json()["cells"]
        assert indexed.get_json()["summary"]["amount.sum"] == "452513704.44"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_an_embedded_build_served_read_only_to_every_worker(tmp_path: Path) -> None:
    """One store process for all workers: `oxigraph serve-read-only` on the folder an
    embedded build wrote. The build stamped it, so workers on that folder use its facts
    index and its recorded count, and answer as the embedded store does."""
    from service import create_app
    from service.build import build

    binary = require_oxigraph()
    out = tmp_path / "var"
    result = build(PACKAGES, out, "http://127.0.0.1:8000/")
    assert result.ok
    process, url = start_oxigraph(binary, result.store, "serve-read-only")
    try:
        config = {
            "DATA_DIR": str(out),
            "PACKAGES_DIR": str(PACKAGES),
            "BASE_URL": "http://127.0.0.1:8000/",
            "TESTING": True,
        }
        embedded = create_app(config).test_client()
        shared = create_app({**config, "STORE_URL": url}).test_client()
        health = shared.get("/healthz").get_json()
        assert health["triples"] == result.triples == embedded.get("/healthz").get_json()["triples"]
        path = "/api/3/cubes/expenditure/aggregate?drilldown=functional_class"
        answer = shared.get(path)
        assert answer.headers["Budgetpub-Store"] == result.store.name  # the index answered
        assert answer.get_json()["cells"] == embedded.get(path).get_json()["cells"]
        page = f"/dataset/{SEED_SLUG}.nt"
        assert shared.get(page).data == embedded.get(page).data
    finally:
        process.terminate()
        process.wait(timeout=10)
