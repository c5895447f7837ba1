"""One store process for every worker: service/store_process.py and `serve --store-process`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pyoxigraph import Store

from service.build import build
from service.net import free_port, wait_until_answers
from service.query.backend import RemoteError, RemoteStore
from service.store import open_store
from service.store_process import make_server
from tests.conftest import PACKAGES, ROOT, SEED_SLUG

BASE = "http://127.0.0.1:8000/"
COUNT_AMOUNTS = """PREFIX bp: <https://w3id.org/budgetpub/def#>
SELECT (COUNT(*) AS ?n) (SUM(?a) AS ?total) WHERE { ?o bp:amount ?a }"""


@contextmanager
def serving(data_dir: Path) -> Iterator[str]:
    server = make_server(data_dir, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        server.runner.stop()  # type: ignore[attr-defined]


def test_it_answers_as_the_embedded_store_does(built_var: Path) -> None:
    embedded = open_store(built_var)
    with serving(built_var) as url:
        remote = RemoteStore(url)
        here, there = (
            next(iter(embedded.query(COUNT_AMOUNTS))),
            next(iter(remote.query(COUNT_AMOUNTS))),
        )
        assert (there["n"], there["total"]) == (here["n"], here["total"])
        assert int(there["n"].value) > 1000
        dataset = f"<{BASE}dataset/{SEED_SLUG}>"
        graph = f"CONSTRUCT {{ {dataset} ?p ?o }} WHERE {{ {dataset} ?p ?o }}"
        assert set(remote.query(graph)) == set(embedded.query(graph)) != set()
        assert remote.query("ASK { ?s ?p ?o }")
        assert remote.build() == (built_var / "store").resolve().name  # the build's stamp
        with pytest.raises(RemoteError, match="400"):
            remote.query("SELECT ?x WHERE {")
        with pytest.raises(RemoteError, match="403"):  # queries only: no update (the guard)
            remote.query("DELETE WHERE { ?s ?p ?o }")
        assert len(remote) == len(embedded)


def test_it_moves_to_a_new_build_without_a_restart(tmp_path: Path) -> None:
    packages, var = tmp_path / "packages", tmp_path / "var"
    shutil.copytree(PACKAGES / SEED_SLUG, packages / SEED_SLUG)
    first = build(packages, var, BASE)
    with serving(var) as url:
        remote = RemoteStore(url)
        assert remote.build() == first.store.name
        # a build that changed (here: every IRI) is a new folder, swapped in while it serves
        second = build(packages, var, BASE.replace(":8000/", ":8001/"))
        assert second.store != first.store
        assert remote.build() == second.store.name
        assert len(remote) == second.triples == len(Store.read_only(str(second.store)))


@contextmanager
def serve_store_process(data: Path, workers: int) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`budgetpub serve --store-process` on a free port, once it answers; stopped with
    SIGTERM, which must end it cleanly."""
    port = free_port()
    command = [sys.executable, "-m", "service.cli", "serve", "--store-process", "--port", str(port)]
    command += ["--data", str(data), "--packages", str(PACKAGES), "--workers", str(workers)]
    env = {k: v for k, v in os.environ.items() if k != "BUDGETPUB_STORE_URL"}
    serve = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/healthz", 60, serve)
        yield serve, port
    finally:
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=60) == 0


def test_serve_runs_every_worker_on_one_store_process(built_var: Path) -> None:
    """`budgetpub serve --store-process`: the workers read the store through it (their
    /healthz names the stamped build and its recorded count), and stopping serve stops it."""
    with serve_store_process(built_var, workers=2) as (serve, port):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            health = json.load(r)
        folder = (built_var / "store").resolve().name
        assert health == {
            "facts_index": "ok",
            "packages": len([p for p in PACKAGES.glob("*/datapackage.json")]),
            "status": "ok",
            "store": f"remote-{folder}",
            "triples": json.loads((built_var / "store" / "budgetpub.json").read_text())["triples"],
        }
        stores = _store_processes(serve.pid)
        assert len(stores) == 1 and len(_children(serve.pid)) == 2  # the store process, gunicorn
        path = "/api/3/cubes/expenditure/aggregate?drilldown=functional_class"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
            assert r.headers["Budgetpub-Store"] == folder  # the facts index of that build
    assert not Path(f"/proc/{stores[0]}").exists() or _zombie(stores[0])


def test_serve_starts_the_store_process_again_if_it_dies(built_var: Path) -> None:
    with serve_store_process(built_var, workers=1) as (serve, port):
        first = _store_processes(serve.pid)
        os.kill(first[0], signal.SIGKILL)
        again: list[int] = []
        deadline = time.monotonic() + 60
        while not again and time.monotonic() < deadline:
            time.sleep(0.2)
            again = [pid for pid in _store_processes(serve.pid) if pid != first[0]]
        assert again, "no new store process"
        wait_until_answers(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", 60)


def test_serve_says_so_when_there_is_no_store(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "service.cli", "serve", "--store-process"]
    command += ["--data", str(tmp_path / "nothing"), "--port", str(free_port())]
    env = {k: v for k, v in os.environ.items() if k != "BUDGETPUB_STORE_URL"}
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "no store at" in run.stderr


def _children(pid: int) -> list[int]:
    return [
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]


def _store_processes(pid: int) -> list[int]:
    return [child for child in _children(pid) if b"service.store_process" in _command(child)]


def _command(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # ended meanwhile
        return b""


def _zombie(pid: int) -> bool:
    return "Z" in Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
