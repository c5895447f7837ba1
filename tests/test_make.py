"""`make run` as a user runs it: a taken port is said at once, before anything is built; a
second run redoes nothing (no install, no document read again, the store kept) and serves
IRIs minted for the port it was given."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from service.net import free_port, wait_until_answers
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="no make here")


def environment() -> dict[str, str]:
    """The user's environment: no BUDGETPUB_* settings, no make of ours around it."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("BUDGETPUB_", "MAKE"))}


def test_a_taken_port_is_said_before_anything_is_done(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        started = time.monotonic()
        done = subprocess.run(
            ["make", "--no-print-directory", "run", f"PORT={port}", f"DATA={tmp_path / 'var'}"],
            cwd=ROOT,
            env=environment(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode != 0
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert f"make run PORT={port + 1}" in done.stderr
    assert time.monotonic() - started < 5
    assert not (tmp_path / "var").exists()  # nothing installed, ingested or built
    assert "budgetpub" not in done.stdout


def run_until_serving(port: int, data: Path, log: Path) -> tuple[str, str, float]:
    """`make run` until it answers: its output, the catalog it served, and the seconds it
    took to answer; then it is stopped."""
    base = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}", f"DATA={data}"],
            cwd=ROOT,
            env=environment(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make, budgetpub serve and gunicorn: one group to stop
        )
        try:
            wait_until_answers(f"{base}healthz", 120, process)
            seconds = time.monotonic() - started
            with urllib.request.urlopen(f"{base}catalog.nt", timeout=30) as response:
                catalog = response.read().decode("utf-8")
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    return log.read_text("utf-8", "replace"), catalog, seconds


def test_a_second_run_redoes_nothing_and_mints_for_its_port(tmp_path: Path) -> None:
    port = free_port()
    data = tmp_path / "var"
    first, catalog, _ = run_until_serving(port, data, tmp_path / "first.log")
    assert "converted" in first, first
    assert f"<http://127.0.0.1:{port}/dataset/" in catalog  # BUDGETPUB_BASE_URL follows PORT=
    store = (data / "store").resolve()
    second, catalog, seconds = run_until_serving(port, data, tmp_path / "second.log")
    assert "pip install" not in second, second  # the virtualenv is current
    documents = len([p for p in (ROOT / "sources").iterdir() if p.suffix in (".txt", ".pdf")])
    assert f"(0 written, {documents} unchanged, 0 failed)" in second, second  # none read again
    assert "nothing changed: the store is kept" in second, second
    assert (data / "store").resolve() == store
    assert f"<http://127.0.0.1:{port}/dataset/" in catalog
    assert seconds < 30, seconds
