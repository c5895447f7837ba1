"""Security and reliability of the query side (issue 12), tried as an attacker would: a TCP
listener on loopback catches any outbound connection, and it must catch none.

Real servers throughout: gunicorn on loopback serving a build (embedded), `budgetpub serve
--store-process`, the store process on its own port, and the query process itself with the
guard left out (the sandbox alone must hold)."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.errors import Refusal
from service.query.runner import Backend, QueryRunner, every_form
from service.query.safety import check


class Listener:
    """A TCP listener on loopback that counts whoever connects (and what they sent)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.socket.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.caught: list[bytes] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._done.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.caught.append(connection.recv(200))
                except OSError:
                    self.caught.append(b"")

    def close(self) -> list[bytes]:
        time.sleep(0.5)  # a connection made at the last moment still counts
        self._done.set()
        self._thread.join()
        self.socket.close()
        return self.caught


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


# Ways to reach the network past a guard. {t} is the listener's URL.
DISGUISES = [
    # the parser differential: rdflib expanded \u everywhere, Oxigraph only in strings
    'SELECT * WHERE { BIND("\\u0022 AS ?a) } #" AS ?b) SERVICE <{t}/x> { ?s ?p ?o } }',
    'SELECT * WHERE { BIND("\\U00000022 AS ?a) } #" AS ?b) SERVICE <{t}/x> { ?s ?p ?o } }',
    'ASK { BIND("\\u0022 AS ?a) } #" AS ?b) SERVICE <{t}/x> { ?s ?p ?o } }',
    'CONSTRUCT { ?s ?p ?o } WHERE { BIND("\\u0022 AS ?a) } #" AS ?b) SERVICE <{t}/x> '
    "{ ?s ?p ?o } }",
    "SELECT * WHERE { BIND('\\u0027 AS ?a) } #' AS ?b) SERVICE <{t}/x> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND('''\\u0027\\u0027\\u0027 AS ?a) } #''' AS ?b) "
    "SERVICE <{t}/x> { ?s ?p ?o } }",
    # an escape that spells another escape (rdflib expanded twice)
    'SELECT * WHERE { BIND("\\u005Cu0022 AS ?a) } #" AS ?b) SERVICE <{t}/x> { ?s ?p ?o } }',
    # rdflib's loose reading: \U with 4 digits, \u with 8
    'SELECT * WHERE { BIND("\\U0022 AS ?a) } #" AS ?b) SERVICE <{t}/x> { ?s ?p ?o } }',
    'SELECT * WHERE { BIND("\\u00000022 AS ?a) } #" AS ?b) SERVICE <{t}/x> { ?s ?p ?o } }',
    # the keyword itself escaped, cased, commented, glued, silent, by variable or prefix
    "SELECT * WHERE { \\u0053ERVICE <{t}/x> { ?s ?p ?o } }",
    "SELECT * WHERE { SeRvIcE <{t}/x> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE#c\n<{t}/x> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE<{t}/x> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <{t}/x> { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?e { <{t}/x> } SERVICE ?e { ?s ?p ?o } }",
    "PREFIX r: <{t}/> SELECT * WHERE { SERVICE r:x { ?s ?p ?o } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE <{t}/x> { ?s ?p ?o } } } }",
    "SELECT * WHERE { OPTIONAL { SERVICE <{t}/x> { ?s ?p ?o } } }",
    "SELECT * WHERE { FILTER EXISTS { SERVICE <{t}/x> { ?s ?p ?o } } }",
    "SELECT * WHERE { { } UNION { SERVICE <{t}/x> { ?s ?p ?o } } }",
    "DESCRIBE ?s WHERE { SERVICE <{t}/x> { ?s ?p ?o } }",
    # issue 24: a comment ended by a bare CR (Oxigraph) and not (rdflib), bare or escaped,
    # then SERVICE glued to a prefix of any characters, after a number; and FROM alike
    "PREFIX ab: <{t}/> SELECT * WHERE { #\rSERVICEab:x { ?s ?p ?o }\n}",
    "PREFIX ab: <{t}/> SELECT * WHERE { #\\u000DSERVICEab:x { ?s ?p ?o }\n}",
    "PREFIX ab: <{t}/> SELECT * WHERE { #\\U0000000dSERVICEab:x { ?s ?p ?o }\n}",
    "PREFIX ab: <{t}/> SELECT * WHERE { ?s ?p ?o SERVICEab:x { ?s ?p ?o } }",
    "PREFIX €: <{t}/> SELECT * WHERE { #\rSERVICE€:x { ?s ?p ?o }\n}",
    "PREFIX a·b: <{t}/> SELECT * WHERE { #\rSERVICEa·b:x { ?s ?p ?o }\n}",
    "PREFIX 、: <{t}/> SELECT * WHERE { #\rSERVICE、:x { ?s ?p ?o }\n}",
    "PREFIX \u200c: <{t}/> SELECT * WHERE { #\rSERVICE\u200c:x { ?s ?p ?o }\n}",
    "PREFIX : <{t}/> SELECT * WHERE { #\rSERVICE:x { ?s ?p ?o }\n}",
    "PREFIX ab: <{t}/> SELECT * WHERE { ?s ?p 1 #\rSERVICEab:x { ?s ?p ?o }\n}",
    "PREFIX ab: <{t}/> SELECT * WHERE { ?s ?p true #\r\nSERVICE SILENTab:x { ?s ?p ?o }\n}",
    "PREFIX ab: <{t}/> SELECT * #\rFROMab:g WHERE { ?s ?p ?o }",
    # FROM, plain and through the same differential
    "SELECT * FROM <{t}/g> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <{t}/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    'SELECT ("\\u0022 AS ?a) FROM <{t}/g> WHERE { } #" AS ?b) WHERE { }',
    # updates and LOAD
    "LOAD <{t}/data.ttl>",
    'INSERT DATA { <{t}/a> <{t}/b> "\\u0022" }',
]


FIRST_OF_ISSUE_24 = DISGUISES.index(
    "PREFIX ab: <{t}/> SELECT * WHERE { #\rSERVICEab:x { ?s ?p ?o }\n}"
)


def _disguises(target: str, start: int = 0) -> list[str]:
    return [query.replace("{t}", target) for query in DISGUISES[start:]]


def _ask(base: str, query: str, how: str, accept: str = "application/json") -> int:
    """The status /sparql answers a query sent by GET, form POST or sparql-query POST."""
    url, data, headers = f"{base}sparql", None, {"Accept": accept}
    if how == "get":
        url += "?" + urllib.parse.urlencode({"query": query})
    elif how == "form":
        data = urllib.parse.urlencode({"query": query}).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    else:
        data = query.encode()
        headers["Content-Type"] = "application/sparql-query"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_guard_judges_the_text_that_runs() -> None:
    """Escapes are expanded once, by the spec, and the expanded text is what runs."""
    judged = check('SELECT ?a WHERE { BIND("caf\\u00E9 \\U0001F600" AS ?a) }', 1000)
    assert judged.form == "select"
    assert judged.text == 'SELECT ?a WHERE { BIND("café 😀" AS ?a) }'
    for query, kind in (
        ('SELECT * WHERE { BIND("\\u0022" AS ?a) }', "malformed-query"),  # """ per the spec
        ('SELECT * WHERE { BIND("\\u005Cu0041" AS ?a) }', "malformed-query"),
        ('SELECT * WHERE { BIND("\\uD800" AS ?a) }', "malformed-query"),
        ('SELECT * WHERE { BIND("SERVICE <http://x/>" AS ?a) }', "service-forbidden"),
        ("SELECT * WHERE { ?s ?p ?o } #FROM <http://x/>", "from-forbidden"),
    ):
        with pytest.raises(Refusal) as refused:
            check(query, 1000)
        assert refused.value.kind == kind, query
    # issue 24: each line break and prefix disguise is a 403 of the guard's own
    for query in _disguises("http://127.0.0.1:9", FIRST_OF_ISSUE_24)[:12]:
        with pytest.raises(Refusal) as refused:
            check(query, 1000)
        assert refused.value.status == 403, query
    with pytest.raises(Refusal) as refused:  # Virtuoso's function IRI spelt through a prefix
        check('PREFIX b: <bi> SELECT * WHERE { BIND(b:f:http_get("http://x/") AS ?x) }', 1000)
    assert refused.value.kind == "service-forbidden"
    # names that only contain the words are no keywords
    for query in (
        "PREFIX ex: <http://x/> SELECT ?from ?service WHERE { ?from ex:service ?myservice }",
        "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:from ?o ; <http://x/service> ?x }",
        'SELECT * WHERE { ?s ?p "public services, from 2024" }',
    ):
        assert check(query, 1000).form == "select"
    # but `service:` is SERVICE and the default prefix to Oxigraph, wherever it stands
    with pytest.raises(Refusal):
        check("PREFIX service: <http://x/> SELECT * WHERE { ?s service:p ?o }", 1000)


def test_no_disguise_reaches_the_network_through_the_service(
    live_server: str, listener: Listener
) -> None:
    """Every disguise, by GET, form POST and application/sparql-query, as JSON and HTML: all
    refused, and the listener catches nobody."""
    statuses = {}
    for query in _disguises(listener.url):
        for how in ("get", "form", "direct"):
            statuses[(query, how)] = _ask(live_server, query, how)
        statuses[(query, "html")] = _ask(live_server, query, "get", "text/html")
    assert listener.close() == []
    assert {k: v for k, v in statuses.items() if not 400 <= v < 500} == {}
    assert _ask(live_server, "ASK { ?s ?p ?o }", "get") == 200  # and the endpoint still works


def _seccomp(pid: int) -> tuple[str, str]:
    status = dict(
        line.split(":\t", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return status["Seccomp"].strip(), status["NoNewPrivs"].strip()


SANDBOXED_SERVICE = """
import sys
from service.query.child import confine, execute, store_for
config = {"data_dir": sys.argv[1], "max_memory_mb": 2048}
assert confine(config) is None
store = store_for(config, {})
for query in sys.argv[2:]:
    try:
        print(execute(store, query, "select", "json", 10)[1].decode().replace(" ", ""))
    except OSError as error:
        print(type(error).__name__, error)
"""


def test_the_query_process_cannot_connect_even_without_the_guard(
    built_var: Path, listener: Listener
) -> None:
    """The guard left out: SERVICE handed straight to Oxigraph in a process confined as the
    query process confines itself. Oxigraph tries, the kernel says no, the listener catches
    nobody. And the runner's own query processes carry the filter."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    run = subprocess.run(
        [
            sys.executable,
            "-c",
            SANDBOXED_SERVICE,
            str(built_var),
            f"SELECT * WHERE {{ SERVICE <{listener.url}/x> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}/x> {{ ?s ?p ?o }} }}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "PermissionError Operation not permitted (os error 1)"
    assert '"bindings":[{}]' in lines[1]  # SILENT: the failed call is one empty solution
    assert listener.close() == []
    runner = QueryRunner(Backend(data_dir=str(built_var)), timeout=30, max_rows=10)
    try:
        assert runner.run("ASK { ?s ?p ?o }", every_form("json", "nt"), 1000).body
        assert runner.idle_process is not None
        assert _seccomp(runner.idle_process.pid) == ("2", "1")  # filter mode, no new privileges
    finally:
        runner.stop()


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `oxigraph serve` holding the seed's build: a store with no sandbox of ours,
    as another shared store would be (BUDGETPUB_STORE_URL)."""
    from service.build import build
    from service.query.backend import load_remote
    from tests.conftest import PACKAGES, SEED_SLUG
    from tests.test_query import require_oxigraph, start_oxigraph

    binary = require_oxigraph()
    packages = tmp_path_factory.mktemp("packages")
    (packages / SEED_SLUG).symlink_to(PACKAGES / SEED_SLUG)
    var = tmp_path_factory.mktemp("var")
    assert build(packages, var, "http://127.0.0.1:8000/").ok
    process, url = start_oxigraph(binary, tmp_path_factory.mktemp("oxigraph"))
    load_remote(url, sorted((var / "rdf").glob("*.nt")))
    yield url
    process.terminate()
    process.wait(timeout=10)


INJECTIONS = [  # each cut value closes the term it was pasted into and adds a SERVICE
    "functional:201> } SERVICE <{t}/x> { ?s ?p ?o } VALUES ?z { <x",
    "economic_government:x> } SERVICE <{t}/x> { ?s ?p ?o } VALUES ?z { <x",
    "row_type:item> } SERVICE <{t}/x> { ?s ?p ?o } VALUES ?z { <x",
    'department:x"@zh } SERVICE <{t}/x> { ?s ?p ?o } VALUES ?z { "x',
    'dataset:x" } SERVICE <{t}/x> { ?s ?p ?o } VALUES ?z { "x',
    'year:2024"^^xsd:gYear } SERVICE <{t}/x> { ?s ?p ?o } VALUES ?z { "x',
    'project:x\\" } SERVICE <{t}/x> { ?s ?p ?o } VALUES ?z { "x',
    'functional_class:201") } SERVICE <{t}/x> { ?s ?p ?o } FILTER("1" IN ("1',
]


def test_aggregate_api_cuts_cannot_inject(
    built_var: Path, oxigraph_server: str, listener: Listener
) -> None:
    """The aggregate API on SPARQL (no facts index, a store with no sandbox): a cut that
    tries to close its term and add a SERVICE is refused (400, or 403 by the guard, which
    the API's queries pass too) or stays a value; nobody
    connects, and honest cuts still answer."""
    from service import create_app
    from tests.conftest import PACKAGES, SEED_SLUG

    app = create_app(
        {
            "DATA_DIR": str(built_var),
            "PACKAGES_DIR": str(PACKAGES),
            "STORE_URL": oxigraph_server,
            "FACTS_INDEX": False,
            "TESTING": True,
        }
    )
    client = app.test_client()
    try:
        statuses, found = {}, {}
        for cut in INJECTIONS:
            cut = cut.replace("{t}", listener.url)
            for path in ("aggregate", "facts", "members/project"):
                response = client.get(
                    f"/api/3/cubes/expenditure/{path}",
                    query_string={"cut": cut, "drilldown": "functional_class"},
                )
                statuses[(cut, path)] = response.status_code
                if response.status_code == 200:  # a value that matches nothing
                    body = response.get_json()
                    found[(cut, path)] = body.get("cells", body.get("data", []))
        assert listener.close() == []
        assert {k: v for k, v in statuses.items() if v not in (200, 400, 403)} == {}
        assert {k: v for k, v in found.items() if v} == {}
        assert statuses[(INJECTIONS[0].replace("{t}", listener.url), "facts")] == 400
        honest = client.get(
            "/api/3/cubes/expenditure/aggregate",
            query_string={"drilldown": "functional_class", "cut": f"dataset:{SEED_SLUG}"},
        ).get_json()
        assert honest["summary"] == {"amount.sum": "1485300.00", "_count": 6}
        coded = client.get(
            "/api/3/cubes/expenditure/aggregate",
            query_string={"cut": f"dataset:{SEED_SLUG}|functional_class:201|row_type:item"},
        ).get_json()
        assert coded["summary"] == {"amount.sum": "1295700.00", "_count": 2}
    finally:
        if "budgetpub-runner" in app.extensions:
            app.extensions["budgetpub-runner"].stop()


def test_no_disguise_reaches_the_network_through_a_remote_oxigraph(
    built_var: Path, oxigraph_server: str, listener: Listener
) -> None:
    """The review's setting: the store is a real `oxigraph serve`, which has no sandbox of
    ours and calls whatever SERVICE it reads. Every disguise is refused before it gets
    there, issue 24's with the guard's own 403, and the listener catches nobody."""
    from service import create_app
    from tests.conftest import PACKAGES

    app = create_app(
        {
            "DATA_DIR": str(built_var),
            "PACKAGES_DIR": str(PACKAGES),
            "STORE_URL": oxigraph_server,
            "TESTING": True,
        }
    )
    client = app.test_client()
    try:
        statuses = {}
        for number, query in enumerate(_disguises(listener.url)):
            response = client.post("/sparql", data={"query": query})
            statuses[query] = response.status_code
            if number >= FIRST_OF_ISSUE_24 and query.startswith("PREFIX"):
                assert response.status_code == 403, (query, response.get_data(as_text=True))
        assert listener.close() == []
        assert {k: v for k, v in statuses.items() if not 400 <= v < 500} == {}
        assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200
        # a query rdflib reads and the store refuses is the client's 400, not a 502
        wrong = client.post("/sparql", data={"query": "SELECT ?o WHERE { ?s ?p ?o } GROUP BY ?s"})
        assert wrong.status_code == 400 and "unbound" in wrong.get_json()["detail"]
    finally:
        if "budgetpub-runner" in app.extensions:
            app.extensions["budgetpub-runner"].stop()
