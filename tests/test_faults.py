"""Faults with real processes: a rebuild under traffic, a missing or corrupt store, a worker
killed under load, and the disk filling up during a build.

The full disk is simulated with RLIMIT_FSIZE in the `budgetpub build` child (SIGXFSZ
ignored), so any write past the limit fails with EFBIG exactly as ENOSPC would fail it:
first while the RDF dumps are written, then inside Oxigraph's bulk loader.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.build import build
from service.net import free_port, stop
from service.store import open_store
from tests.conftest import PACKAGES, ROOT, SEED_SLUG, started

SECOND = "shanghai-putuo-sfj-2026-dept-budget"


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "service.cli", *args]


def cli_paths(*, data: Path, packages: Path) -> list[str]:
    return ["--data", str(data), "--packages", str(packages)]


def serve(data: Path, packages: Path, workers: int = 2) -> tuple[subprocess.Popen[bytes], str]:
    """`budgetpub serve` as `make run` starts it (it execs gunicorn: the pid is the master)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "BUDGETPUB_BASE_URL": base}
    command = cli("serve", "--port", str(port), "--workers", str(workers))
    command += cli_paths(data=data, packages=packages)
    return started(command, env, base, stderr=subprocess.DEVNULL), base


def health(base: str) -> dict[str, object]:
    with urllib.request.urlopen(base + "healthz", timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def one_package(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    packages, var = tmp_path / "packages", tmp_path / "var"
    shutil.copytree(PACKAGES / SEED_SLUG, packages / SEED_SLUG)
    assert build(packages, var).ok
    yield packages, var


class Client(threading.Thread):
    """Requests /healthz one after another until stopped; keeps every answer and failure."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base = base
        self.answers: list[tuple[int, int]] = []  # (triples, packages)
        self.failures: list[str] = []
        self.running = True

    def run(self) -> None:
        while self.running:
            try:
                body = health(self.base)
                self.answers.append((int(body["triples"]), int(body["packages"])))  # type: ignore[call-overload]
            except (OSError, ValueError, http.client.HTTPException) as error:
                self.failures.append(repr(error))


def test_rebuild_under_traffic_fails_nothing_and_switches_at_once(
    one_package: tuple[Path, Path],
) -> None:
    packages, var = one_package
    old_triples = len(open_store(var))
    server, base = serve(var, packages)
    client = Client(base)
    try:
        client.start()
        time.sleep(0.5)
        shutil.copytree(PACKAGES / SECOND, packages / SECOND)
        result = build(packages, var)  # a second build, swapped in while the client runs
        assert result.ok and result.converted == [SECOND] and result.reused == [SEED_SLUG]
        new_triples = len(open_store(var))
        time.sleep(0.5)
    finally:
        client.running = False
        client.join(timeout=15)
        stop(server)
    assert client.failures == []
    assert new_triples > old_triples
    seen = [
        answer
        for index, answer in enumerate(client.answers)
        if answer not in client.answers[:index]
    ]
    assert seen == [(old_triples, 1), (new_triples, 2)]  # nothing in between, store and index agree
    switch = client.answers.index((new_triples, 2))
    assert all(answer == (new_triples, 2) for answer in client.answers[switch:])  # never back
    assert len(client.answers) > 20


def _serve_once(data: Path) -> subprocess.CompletedProcess[str]:
    """`budgetpub serve` on `data`, expected to stop at once: its status and what it said."""
    command = cli("serve", "--data", str(data), "--port", str(free_port()))
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_missing_store_is_a_clear_error_at_start(tmp_path: Path) -> None:
    begun = time.monotonic()
    run = _serve_once(tmp_path / "none")
    assert run.returncode == 2
    assert f"no store at {tmp_path / 'none' / 'store'}" in run.stderr
    assert "budgetpub build" in run.stderr
    assert time.monotonic() - begun < 30  # one try, no restart loop


@pytest.mark.parametrize("garbage", ["random bytes", "empty folder"])
def test_corrupt_store_is_a_clear_error_at_start(tmp_path: Path, garbage: str) -> None:
    store = tmp_path / "var" / "stores" / "broken"
    store.mkdir(parents=True)
    if garbage == "random bytes":
        for name in ("CURRENT", "MANIFEST-000005", "000010.sst"):
            (store / name).write_bytes(os.urandom(4096))
    os.symlink("stores/broken", tmp_path / "var" / "store")
    run = _serve_once(tmp_path / "var")
    assert run.returncode == 2
    assert run.stderr.startswith("cannot serve: ")
    assert "Corruption" in run.stderr or "No such file" in run.stderr
    assert "Traceback" not in run.stderr


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def test_killed_worker_the_others_keep_serving(one_package: tuple[Path, Path]) -> None:
    packages, var = one_package
    server, base = serve(var, packages, workers=2)
    clients = [Client(base) for _ in range(4)]
    try:
        before = _workers(server.pid)
        assert len(before) == 2
        for client in clients:
            client.start()
        time.sleep(1.0)
        answered_before = sum(len(c.answers) for c in clients)
        os.kill(before[0], signal.SIGKILL)
        time.sleep(2.0)
        after = _workers(server.pid)
        assert health(base)["status"] == "ok"
    finally:
        for client in clients:
            client.running = False
        for client in clients:
            client.join(timeout=15)
        stop(server)
    failures = sum(len(c.failures) for c in clients)
    answered = sum(len(c.answers) for c in clients)
    print(f"\nworker SIGKILL under load: {failures} failed of {answered + failures} requests")
    assert answered_before > 10 and answered - answered_before > 10  # served after the kill
    assert failures <= len(clients)  # at most the killed worker's in-flight requests
    assert len(after) == 2 and before[0] not in after  # gunicorn replaced it


def _limited(limit: int) -> None:
    """Child side: writes beyond `limit` bytes fail with EFBIG instead of killing the child."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize("where", ["rdf dumps", "store load"])
def test_disk_full_during_build_leaves_the_previous_build(
    one_package: tuple[Path, Path], where: str
) -> None:
    packages, var = one_package
    before = (var / "store").resolve()
    triples = len(open_store(var))
    shutil.copytree(PACKAGES / SECOND, packages / SECOND)
    if where == "store load":  # the dumps are there; the store's files are what cannot grow
        assert build(packages, var, load=False).ok
        (before / "loaded.json").unlink()  # a full bulk load: the largest files a build writes
        limit = 250_000  # above what a build rewrites first, below Oxigraph's sorted files
    else:
        limit = 1_000_000  # below the new package's N-Triples dump (2.3 MB)
    rdf_before = {p.name: p.read_bytes() for p in (var / "rdf").iterdir()}
    run = subprocess.run(
        cli("build", "--packages", str(packages), "--out", str(var)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: _limited(limit),
        env={**os.environ, "BUDGETPUB_LOAD_STREAMS": "1"},  # one loader: its files are the largest
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "File too large" in run.stderr and "previous store stays in place" in run.stderr
    assert (var / "store").resolve() == before
    assert [p.name for p in (var / "stores").iterdir()] == [before.name]  # no half store left
    assert len(open_store(var)) == triples
    leftovers = [p.name for p in (var / "rdf").iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no temporary dump left behind
    for path in (var / "rdf").iterdir():  # every dump is a whole old one or a whole new one
        if path.name in rdf_before and path.suffix == ".nt":
            assert path.read_bytes().endswith(b" .\n")
    assert not (var / "rdf" / f"{SECOND}.json").exists() or where == "store load"
    server, base = serve(var, packages)
    try:
        assert health(base)["triples"] == triples  # the previous build is what is served
    finally:
        stop(server)
    assert build(packages, var).converted == ([] if where == "store load" else [SECOND])


def test_a_cold_build_with_a_bad_package_leaves_no_store(tmp_path: Path) -> None:
    """A cold build loads the store while it converts; one package failing must still leave
    no store and no half-loaded build folder, and the next good build loads everything."""
    packages, var = tmp_path / "packages", tmp_path / "var"
    for slug in (SEED_SLUG, SECOND):
        shutil.copytree(PACKAGES / slug, packages / slug)
    facts = packages / SECOND / "data" / "facts.csv"
    good = facts.read_bytes()
    lines = good.decode("utf-8").split("\r\n" if b"\r\n" in good else "\n")
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("functional_code")] = "2999999"  # a code no list knows
    facts.write_bytes(good.replace(lines[1].encode(), ",".join(row).encode(), 1))
    result = build(packages, var, "http://127.0.0.1:8000/")
    assert not result.ok and list(result.problems) == [SECOND]
    assert "2999999" in str(result.problems[SECOND])
    assert not (var / "store").exists()
    assert list((var / "stores").iterdir()) == []  # the preloaded folder is gone
    facts.write_bytes(good)
    again = build(packages, var, "http://127.0.0.1:8000/")
    assert again.ok and again.replaced is None
    assert len(open_store(var)) == again.triples


def test_a_killed_runs_staging_folder_is_swept_and_a_running_ones_kept(tmp_path: Path) -> None:
    """A run killed mid-write (kill -9) leaves its staging folder: the next run that writes
    into the folder removes it once it is an hour old, and leaves a young one (another run's,
    still writing) alone."""
    from service.pipeline import ingest_file

    out = tmp_path / "packages"
    old, young = out / f".{SEED_SLUG}.abc123", out / f".{SEED_SLUG}.def456"
    for folder in (old, young):
        (folder / "data").mkdir(parents=True)
    hour_ago = time.time() - 3601
    os.utime(old, (hour_ago, hour_ago))
    outcome = ingest_file(ROOT / "sources" / f"{SEED_SLUG}.txt", out, validate="schema")
    assert outcome.error is None
    assert not old.exists() and young.is_dir()
    assert (out / SEED_SLUG / "datapackage.json").is_file()


def test_a_broken_descriptor_is_that_packages_problem_naming_its_file(tmp_path: Path) -> None:
    """A datapackage.json cut short (a copy interrupted): the build names the file and what is
    wrong with it as that package's problem, and converts the others."""
    packages, var = tmp_path / "packages", tmp_path / "var"
    for slug in (SEED_SLUG, SECOND):
        shutil.copytree(PACKAGES / slug, packages / slug)
    descriptor = packages / SECOND / "datapackage.json"
    descriptor.write_bytes(descriptor.read_bytes()[:500])
    result = build(packages, var, "http://127.0.0.1:8000/")
    assert not result.ok and list(result.problems) == [SECOND]
    problem = str(result.problems[SECOND])
    assert "cannot read the descriptor" in problem and "datapackage.json" in problem
    assert result.converted == [SEED_SLUG]
