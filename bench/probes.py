"""The security review's probes (issue 24), bounded and on loopback only: every SPARQL
disguise of tests/test_security.py and the calls out of the differential corpus
(tests/test_parser_differential.py), sent to `budgetpub serve` embedded, with
--store-process, and in front of a real `oxigraph serve` (which has no sandbox of ours);
then a 255 KB cut and `?status=foo`. A listener on loopback counts outbound connections.
The section "Security probes" of BENCHMARKS.md is written anew.

What must hold: 0 connections, every probe refused by the guard itself (403, or 400 for a
malformed one; a 503 would be the sandbox catching what the guard let through), /healthz
200 after everything.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from bench.__main__ import ROOT
from bench.sections import write_section
from service.net import free_port, stop, wait_until_answers

SECTION = "## Security probes"
EVERY = 6  # of the corpus's calls out, every sixth (about 320 a mode)


class _Listener:
    """Counts whoever connects to it on loopback."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.caught = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.done.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.caught += 1
            connection.close()

    def close(self) -> int:
        time.sleep(0.5)
        self.done.set()
        self.thread.join()
        self.socket.close()
        return self.caught


def _get(url: str, timeout: float = 60) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _post(url: str, query: str) -> int:
    data = urllib.parse.urlencode({"query": query}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data=data, headers=headers), timeout=60
        ) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _queries(target: str) -> list[str]:
    from tests.test_parser_differential import corpus
    from tests.test_security import DISGUISES

    calls = [query for query, calls_out in corpus(target) if calls_out][::EVERY]
    return [query.replace("{t}", target) for query in DISGUISES] + calls


def _serve(var: Path, extra: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers"]
    command += ["2", "--data", str(var), "--packages", str(ROOT / "datapackages"), *extra]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_until_answers(f"http://127.0.0.1:{port}/healthz", 120, process)
    return process, f"http://127.0.0.1:{port}/"


def _probe(base: str, label: str) -> str:
    listener = _Listener()
    statuses = Counter(_post(f"{base}sparql", q) for q in _queries(listener.url))
    huge = _get(f"{base}api/3/cubes/expenditure/aggregate?cut=dataset:" + ";" * 255_000)
    facet = _get(f"{base}?status=foo")
    health = _get(f"{base}healthz")
    caught = listener.close()
    shown = ", ".join(f"{n} × {status}" for status, n in sorted(statuses.items()))
    return (
        f"| {label} | {sum(statuses.values())}: {shown} | {caught} | {huge} | {facet} | {health} |"
    )


def bench_probes() -> None:
    from service.build import build
    from service.query.backend import load_remote

    env = {k: v for k, v in os.environ.items() if k != "BUDGETPUB_STORE_URL"}
    env["BUDGETPUB_CATALOG_WARM"] = "0"
    rows = []
    with tempfile.TemporaryDirectory() as out:
        var = Path(out) / "var"
        build(ROOT / "datapackages", var, "http://127.0.0.1:8000/")
        oxigraph_port = free_port()
        binary = str(Path(sys.executable).with_name("oxigraph"))
        where = ["--location", str(Path(out) / "oxigraph"), "--bind", f"127.0.0.1:{oxigraph_port}"]
        oxigraph = subprocess.Popen(
            [binary, "serve", *where],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        store = f"http://127.0.0.1:{oxigraph_port}"
        try:
            wait_until_answers(f"{store}/query?query=ASK%7B%7D", 30, oxigraph)
            load_remote(store, sorted((var / "rdf").glob("*.nt")))
            for label, extra, more in (
                ("embedded store", [], {}),
                ("--store-process", ["--store-process"], {}),
                ("remote `oxigraph serve`", [], {"BUDGETPUB_STORE_URL": store}),
            ):
                server, base = _serve(var, extra, {**env, **more})
                try:
                    rows.append(_probe(base, label))
                finally:
                    stop(server)
                print(rows[-1])
        finally:
            stop(oxigraph)
    _write(rows)


def _write(rows: list[str]) -> None:
    """Replace (or add) this section of BENCHMARKS.md, keeping the rest of the file."""
    section = [
        SECTION,
        "",
        f"Written by `python -m bench probes` (bench/probes.py) on "
        f"{time.strftime('%Y-%m-%dT%H:%M%z')}, {os.cpu_count()} cores: the SPARQL disguises "
        "and the differential corpus's calls out, by form POST to /sparql, a listener on "
        "loopback counting connections; then a 255 KB cut (must be 400), `/?status=foo` "
        "(200) and /healthz (200). Every probe must be a 4xx (403 for a call out, 400 for a "
        "malformed disguise), none a 5xx (the sandbox catching what the guard let through) "
        "or a 2xx, with 0 connections.",
        "",
        "| store | SPARQL probes: statuses | connections | huge cut | ?status=foo | /healthz |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
    ]
    write_section(ROOT / "BENCHMARKS.md", SECTION, section)
