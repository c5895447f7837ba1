"""Security and reliability under hostile load (issue 12, items 3-6, 8 and the web parts of
11), against `budgetpub serve` itself: real gunicorn workers on loopback, real query
processes. Bounds here are correctness bounds with wide margins (answered within the time
limit, not after several); speed targets are in `make bench`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from service.net import free_port, wait_until_answers
from tests.conftest import PACKAGES, ROOT, SEED_SLUG

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CSV = f"datapackages/{SEED_SLUG}/data/expenditure.csv"


@contextmanager
def serving(data: Path, workers: int = 2, **settings: str) -> Iterator[str]:
    """`budgetpub serve` on a free port with BUDGETPUB_* settings; its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "BUDGETPUB_STORE_URL"}
    env.update({f"BUDGETPUB_{k.upper()}": v for k, v in settings.items()})
    env["BUDGETPUB_CATALOG_WARM"] = "0"
    env["BUDGETPUB_SPARQL_SLOTS_DIR"] = str(data.parent / f"slots-{port}")
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port)]
    command += ["--data", str(data), "--packages", str(PACKAGES), "--workers", str(workers)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/context.jsonld", 60, process)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(url: str, timeout: float = 60, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def sparql(base: str, query: str, timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    url = f"{base}sparql?" + urllib.parse.urlencode({"query": query})
    return get(url, timeout, Accept="application/sparql-results+json")


def kind(body: bytes) -> str:
    return json.loads(body)["type"].rsplit("/", 1)[-1]


class Poller:
    """Polls URLs one after another in the background; each request's latency in ms."""

    def __init__(self, base: str, paths: list[str]):
        self.base, self.paths = base, paths
        self.times: dict[str, list[float]] = {path: [] for path in paths}
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for path in self.paths:
                started = time.perf_counter()
                status, _, _ = get(self.base + path, timeout=30)
                self.times[path].append((time.perf_counter() - started) * 1000)
                if status != 200:
                    self.failures.append(f"{path}: {status}")
            time.sleep(0.05)

    def __enter__(self) -> Poller:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def worst(self, path: str) -> float:
        return max(self.times[path])


def _sixteen_at_once(base: str, start: int) -> dict[int, tuple[int, bytes]]:
    """16 different valid queries sent at once: number → (status, body)."""
    results: dict[int, tuple[int, bytes]] = {}

    def ask(number: int) -> None:
        query = (
            "PREFIX bp: <https://w3id.org/budgetpub/def#> "
            f"SELECT (COUNT(?o) + {number} AS ?n) WHERE {{ ?o bp:amount ?a "
            f'FILTER(STR(?a) != "{start}-{number}") }}'
        )
        status, _, body = sparql(base, query)
        results[number] = (status, body)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_sixteen_concurrent_queries_on_a_fresh_server_are_all_answered(built_var: Path) -> None:
    """The guard's parser is not thread-safe; it now runs in the query processes, one query
    at a time each. Two fresh starts, 16 different valid queries at once: all 200, right.
    Correctness, not speed: the time limit is wide (60 s), so a loaded machine's queue of 16
    queries on 2 cores is not taken for a failure (the speed targets are in `make bench`)."""
    for start in range(2):
        with serving(built_var, sparql_timeout="60") as base:
            results = _sixteen_at_once(base, start)
            assert sorted(status for status, _ in results.values()) == [200] * 16
            counts = {
                n: int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) - n
                for n, (_, body) in results.items()
            }
            assert len(set(counts.values())) == 1 and counts[0] > 1000  # the same count


def test_a_slow_parse_stops_at_the_limit_and_the_service_keeps_answering(
    built_var: Path,
) -> None:
    """A 19 KB FILTER(?x IN (1,1,…)) takes rdflib ~11 s to parse. The parse runs in the
    query process, under the limit: 503 at 3 s, and /healthz answers all along."""
    slow = "SELECT * WHERE { ?s ?p ?x FILTER(?x IN (" + ",".join(["1"] * 9700) + ")) }"
    with serving(built_var, sparql_timeout="3") as base:
        with Poller(base, ["healthz"]) as poller:
            time.sleep(0.3)
            started = time.monotonic()
            status, headers, body = sparql(base, slow)
            took = time.monotonic() - started
            time.sleep(0.3)
        assert (status, kind(body)) == (503, "query-timeout")
        assert headers["Retry-After"] == "3"
        assert 2.5 < took < 8
        assert poller.failures == [] and len(poller.times["healthz"]) >= 10
        assert poller.worst("healthz") < 1000  # never stalled behind the parse
        assert sparql(base, "ASK { ?s ?p ?o }")[0] == 200


def test_queued_runaway_queries_end_within_one_limit_and_a_full_queue_refuses_at_once(
    built_var: Path,
) -> None:
    """One slot, two places in the queue, a 4 s limit, six runaway queries at once: one runs
    and two wait, and all three end at the limit (not 4, 8, 12 s); three are refused at
    once with Retry-After. Downloads and /healthz answer all along."""
    with serving(built_var, sparql_timeout="4", sparql_slots="1", sparql_queue="2") as base:
        outcomes: list[tuple[float, int, str, str | None]] = []
        lock = threading.Lock()

        def run(number: int) -> None:
            started = time.monotonic()
            status, headers, body = sparql(base, RUNAWAY + f" LIMIT {number + 1}")
            with lock:
                outcomes.append(
                    (time.monotonic() - started, status, kind(body), headers.get("Retry-After"))
                )

        with Poller(base, ["healthz", CSV]) as poller:
            threads = [threading.Thread(target=run, args=(n,)) for n in range(6)]
            for thread in threads:
                thread.start()
                time.sleep(0.05)
            for thread in threads:
                thread.join()
        refused = [o for o in outcomes if o[2] == "too-many-queries"]
        stopped = [o for o in outcomes if o[2] == "query-timeout"]
        assert len(refused) == 3 and len(stopped) == 3, outcomes
        assert all(status == 503 and retry == "4" for _, status, _, retry in outcomes)
        assert all(took < 2 for took, *_ in refused)
        assert all(3.5 < took < 8 for took, *_ in stopped)
        assert poller.failures == []
        assert poller.worst("healthz") < 1000 and poller.worst(CSV) < 1000
        assert sparql(base, "ASK { ?s ?p ?o }")[0] == 200


def test_a_query_over_its_memory_is_stopped_and_the_service_goes_on(built_var: Path) -> None:
    """GROUP_CONCAT over a cross product grew a query process to 3.4 GB in 10 s. With a
    1 GiB cap the process dies at the cap: 503 query-memory, before the time limit (which
    is long, so that a loaded machine reaching the cap slowly still shows the cap)."""
    hungry = "SELECT (GROUP_CONCAT(STR(?o)) AS ?x) WHERE { ?a ?b ?c . ?d ?e ?o }"
    with serving(built_var, sparql_timeout="120", sparql_max_memory="1024") as base:
        started = time.monotonic()
        status, headers, body = sparql(base, hungry, timeout=150)
        assert (status, kind(body)) == (503, "query-memory"), body
        assert "1024 MiB" in json.loads(body)["detail"]
        assert time.monotonic() - started < 120
        assert headers["Retry-After"] == "120"  # the time limit: when a retry may fit
        assert sparql(base, "ASK { ?s ?p ?o }")[0] == 200


def _slowloris(base: str, clients: int) -> list[socket.socket]:
    """Connections that have begun a request and will send its headers a byte at a time."""
    port = int(base.rsplit(":", 1)[1].strip("/"))
    sockets = []
    for _ in range(clients):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        sockets.append(connection)
    return sockets


def test_slow_clients_do_not_hold_the_workers(built_var: Path) -> None:
    """16 connections each sending a header byte every 2 s (more than a threaded worker's
    threads): /healthz keeps answering, p99 <= 100 ms."""
    with serving(built_var) as base:
        sockets = _slowloris(base, 16)
        try:
            with Poller(base, ["healthz"]) as poller:
                deadline = time.monotonic() + 8
                while time.monotonic() < deadline:
                    for connection in sockets:
                        connection.sendall(b"X")
                    time.sleep(2)
            times = sorted(poller.times["healthz"])
            assert poller.failures == [] and len(times) >= 20
            assert times[min(len(times) - 1, int(len(times) * 0.99))] <= 100, times[-5:]
        finally:
            for connection in sockets:
                connection.close()


def _seed_build(tmp_path: Path) -> Path:
    """A build of the seed package of our own, to break."""
    from service.build import build

    packages = tmp_path / "packages"
    packages.mkdir()
    (packages / SEED_SLUG).symlink_to(PACKAGES / SEED_SLUG)
    assert build(packages, tmp_path / "var", "http://127.0.0.1:8000/").ok
    return tmp_path / "var"


def test_gunicorn_refusals_body_limit_head_long_gets_and_deep_nesting(built_var: Path) -> None:
    """Item 11, the web parts: gunicorn's own refusals are problem details; a GET carries
    the longest query the endpoint takes; bodies are capped; HEAD /sparql works; deep but
    valid nesting parses, and deeper is a plain 400."""
    with serving(built_var) as base:
        longest = 'SELECT ?x WHERE { BIND("' + "一" * 19960 + '" AS ?x) }'
        assert len(longest) <= 20000
        status, _, body = sparql(base, longest)
        assert (
            status == 200 and len(json.loads(body)["results"]["bindings"][0]["x"]["value"]) == 19960
        )
        for status_wanted, url, headers in (
            (414, f"{base}sparql?query=" + "x" * 300_000, {}),
            (431, f"{base}healthz", {"X-Big": "y" * 20_000}),
        ):
            status, headers_got, body = get(url, **headers)
            assert status == status_wanted
            assert headers_got["Content-Type"] == "application/problem+json"
            assert json.loads(body)["status"] == status_wanted
        port = int(base.rsplit(":", 1)[1].strip("/"))
        with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
            client.sendall(  # announces 2 MiB and is refused before sending it all
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query"
                + f"\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n".encode()
                + b"ASK {} #"
                + b"x" * 65536
            )
            answer = client.recv(65536).decode("latin-1")
        assert answer.startswith("HTTP/1.1 413 ") and "application/problem+json" in answer
        head = urllib.request.Request(f"{base}sparql?query=ASK%7B%7D", method="HEAD")
        with urllib.request.urlopen(head, timeout=30) as response:
            assert response.status == 200 and response.read() == b""
        deep = "SELECT * WHERE { FILTER(" + "(" * 500 + "true" + ")" * 500 + ") }"
        status, _, body = sparql(base, deep)
        assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 1
        deeper = "SELECT * WHERE { FILTER(" + "(" * 5000 + "true" + ")" * 5000 + ") }"
        status, _, body = sparql(base, deeper)
        assert (status, kind(body)) == (400, "query-too-deep")
        assert "recursion" not in body.decode()


def test_a_deleted_store_is_a_503_that_names_no_path(tmp_path: Path) -> None:
    """The store deleted under a running server: queries answer 503 store-unavailable, and
    no answer gives the server's filesystem paths."""
    var = _seed_build(tmp_path)
    with serving(var) as base:
        shutil.rmtree(var / "stores")
        answers = [
            sparql(base, "ASK { ?s ?p ?o }"),
            get(f"{base}api/3/cubes/expenditure/aggregate?drilldown=functional_class"),
        ]
        assert [(status, kind(body)) for status, _, body in answers] == [
            (503, "store-unavailable")
        ] * 2
        assert all(str(tmp_path) not in body.decode() for _, _, body in answers)


def test_a_corrupt_facts_index_is_reported_and_the_api_answers_from_the_store(
    tmp_path: Path,
) -> None:
    """facts.sqlite overwritten: /healthz says degraded (503) instead of ok, and the
    aggregate API answers from the store, the same sums, instead of a 500."""
    var = _seed_build(tmp_path)
    path = (var / "store").resolve() / "facts.sqlite"
    path.write_bytes(b"not a database " * 4096)
    with serving(var) as base:
        status, _, body = get(f"{base}healthz")
        health = json.loads(body)
        assert (status, health["status"], health["facts_index"]) == (503, "degraded", "unreadable")
        status, _, body = get(
            f"{base}api/3/cubes/expenditure/aggregate?drilldown=functional_class"
            f"&cut=dataset:{SEED_SLUG}"
        )
        assert status == 200
        assert json.loads(body)["summary"] == {"amount.sum": "1485300.00", "_count": 6}
