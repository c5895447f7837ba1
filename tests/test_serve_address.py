"""`budgetpub serve` says, at start, which base IRI its build minted against the address it
listens on: a build for port 8000 served on port 8101 links every JSON-LD context and
download URL to port 8000, and a user must hear it before following a dead link."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from service.net import base_note, free_port, wait_until_answers
from tests.conftest import PACKAGES


def test_a_build_for_another_loopback_port_is_a_warning() -> None:
    note, warned = base_note("http://127.0.0.1:8000/", "127.0.0.1", 8101)
    assert warned
    assert "serving http://127.0.0.1:8101/" in note
    assert "under http://127.0.0.1:8000/" in note
    assert "BUDGETPUB_BASE_URL=http://127.0.0.1:8101/ budgetpub build" in note


def test_the_build_address_or_a_publisher_domain_is_no_warning() -> None:
    assert base_note("http://127.0.0.1:8101/", "127.0.0.1", 8101)[1] is False
    assert base_note("http://127.0.0.1:8000/", "0.0.0.0", 8000)[1] is False  # every interface
    note, warned = base_note("https://budget.example.org/", "0.0.0.0", 8000)
    assert not warned  # a proxy in front: said, not warned about
    assert "minted under https://budget.example.org/" in note
    assert base_note("http://localhost:8000/", "127.0.0.1", 9000)[1] is True


def test_serve_says_it_at_start(built_var: Path) -> None:
    """The session's build was made for http://127.0.0.1:8000/; served on another port, the
    real command prints the warning to stderr before gunicorn starts."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUDGETPUB_")}
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", "1"]
    command += ["--data", str(built_var), "--packages", str(PACKAGES)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/healthz", 60, process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    said = stderr.decode("utf-8", "replace")
    assert f"warning: serving http://127.0.0.1:{port}/, but the build minted" in said, said[-2000:]
    assert "under http://127.0.0.1:8000/" in said
