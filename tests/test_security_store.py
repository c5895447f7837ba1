"""Security of the store process (`budgetpub serve --store-process`, issue 12, items 1
and 7), which anyone on loopback can reach: no disguise gets a connection out of it, the
kernel reports its sandbox, and it stops runaway, oversized and abandoned queries itself."""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_security import Listener, _ask, _disguises, _seccomp
from tests.test_store_process import serve_store_process


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


def test_no_disguise_reaches_the_network_through_the_store_process(
    built_var: Path, listener: Listener
) -> None:
    """`serve --store-process`: through the workers, and straight to the store process's
    port, which anyone on loopback can reach."""
    with serve_store_process(built_var, workers=1) as (serve, port):
        base = f"http://127.0.0.1:{port}/"
        store = _store_url(serve.pid)
        statuses = {}
        for query in _disguises(listener.url):
            statuses[(query, "web")] = _ask(base, query, "form")
            request = urllib.request.Request(
                f"{store}/query",
                data=urllib.parse.urlencode({"query": query}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    statuses[(query, "store")] = response.status
            except urllib.error.HTTPError as error:
                statuses[(query, "store")] = error.code
        assert listener.close() == []
        assert {k: v for k, v in statuses.items() if not 400 <= v < 500} == {}
        assert _ask(base, "ASK { ?s ?p ?o }", "get") == 200


def _store_url(serve_pid: int) -> str:
    """The store process's address, from its command line (a child of serve)."""
    for child in Path(f"/proc/{serve_pid}/task/{serve_pid}/children").read_text().split():
        arguments = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        if b"service.store_process" in arguments:
            return f"http://127.0.0.1:{arguments[arguments.index(b'--port') + 1].decode()}"
    raise AssertionError("no store process")


def test_the_store_process_cannot_connect(built_var: Path) -> None:
    """The store process runs sandboxed: the kernel reports its seccomp filter."""
    with serve_store_process(built_var, workers=1) as (serve, _port):
        store = _store_url(serve.pid)
        pid = next(
            int(child)
            for child in Path(f"/proc/{serve.pid}/task/{serve.pid}/children").read_text().split()
            if b"service.store_process" in Path(f"/proc/{child}/cmdline").read_bytes()
        )
        assert _seccomp(pid) == ("2", "1")
        with urllib.request.urlopen(f"{store}/query?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D") as r:
            assert b"true" in r.read()


def _query_processes(pid: int) -> list[int]:
    """The store process's query processes (service/query/child.py)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                if b"service.query.child" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(int(child))
            except OSError:
                continue
    return sorted(found)


def _busy(pid: int) -> float:
    """CPU seconds a process has used (utime + stime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_the_store_process_stops_runaway_queries_caps_rows_and_drops_abandoned_ones(
    built_var: Path,
) -> None:
    """Straight to the store process's port: a runaway query ends at its 3 s limit (503);
    an answer stops at the row cap and says so; a query whose client hangs up is killed
    within seconds (it ran on for minutes at 198 % CPU)."""
    from service.net import free_port, stop
    from service.store_process import start

    port = free_port()
    store = start(built_var, port, options=("--timeout", "3", "--max-rows", "5"))
    url = f"http://127.0.0.1:{port}/query"
    try:
        started = time.monotonic()
        status, headers, body = _post(url, RUNAWAY)
        assert (status, json.loads(body)["type"].rsplit("/", 1)[-1]) == (503, "query-timeout")
        assert 2.5 < time.monotonic() - started < 8 and headers["Retry-After"] == "3"
        status, headers, body = _post(url, "SELECT * WHERE { ?s ?p ?o }")
        assert status == 200 and headers["Budgetpub-Truncated"] == "5"
        assert len(json.loads(body)["results"]["bindings"]) == 5
        status, headers, body = _post(url, "SELECT * WHERE { ?s ?p ?o }", **{"Max-Rows": "2"})
        assert len(json.loads(body)["results"]["bindings"]) == 2
        idle = set(_query_processes(store.pid))
        with socket.create_connection(("127.0.0.1", port)) as client:
            data = urllib.parse.urlencode({"query": RUNAWAY}).encode()
            client.sendall(
                b"POST /query HTTP/1.1\r\nHost: x\r\nBudgetpub-Timeout: 60\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                + f"Content-Length: {len(data)}\r\n\r\n".encode()
                + data
            )
            busy = _running(store.pid, within=15)  # on a loaded machine it starts late
        assert len(busy) == 1, (busy, idle)  # ran, then its client hung up
        deadline = time.monotonic() + 10
        while Path(f"/proc/{busy[0]}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Path(f"/proc/{busy[0]}").exists() or b"Z" in _state(busy[0])
        assert _post(url, "ASK { ?s ?p ?o }")[0] == 200
    finally:
        stop(store)


def _running(parent: int, within: float) -> list[int]:
    """The query processes that burn 0.3 s of CPU after they are first seen, waiting for one
    at most `within` seconds."""
    first: dict[int, float] = {}
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = {pid: _busy(pid) for pid in _query_processes(parent)}
        for pid, cpu in now.items():
            first.setdefault(pid, cpu)
        busy = [pid for pid, cpu in now.items() if cpu - first[pid] > 0.3]
        if busy:
            return busy
    return []


def _state(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return b"Z"


def _post(url: str, query: str, **limits: str) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    headers.update({f"Budgetpub-{name}": value for name, value in limits.items()})
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
