"""The container's entry point (docker-entrypoint.sh, issue 24, M6): one document that
cannot be read (a scanned PDF) must not stop the container. The documents read are
published, and the log says which one was not and why."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from service.net import free_port, wait_until_answers
from tests.conftest import ROOT, SEED, SEED_SLUG

SCANNED = (  # one page, no text layer: what a scan without OCR is to the reader
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n"
)


def test_an_unreadable_document_does_not_stop_the_container(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(SEED, sources)
    (sources / "scanned.pdf").write_bytes(SCANNED)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUDGETPUB_")}
    env |= {
        "PATH": f"{Path(sys.executable).parent}:{env['PATH']}",  # this venv's budgetpub
        "BUDGETPUB_BASE_URL": f"http://127.0.0.1:{port}/",
        "BUDGETPUB_DATA": str(tmp_path / "var"),
        "BUDGETPUB_PACKAGES": str(tmp_path / "datapackages"),
        "BUDGETPUB_SOURCES": str(sources),
    }
    log_path = tmp_path / "entrypoint.log"
    serving = ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["sh", str(ROOT / "docker-entrypoint.sh"), *serving],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_answers(f"http://127.0.0.1:{port}/healthz", 180, process)
            url = f"http://127.0.0.1:{port}/dataset/{SEED_SLUG}"
            with urllib.request.urlopen(url, timeout=30) as response:
                assert response.status == 200
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    said = log_path.read_text("utf-8", "replace")
    assert "FAILED" in said and "scanned.pdf" in said and "no-text-layer" in said, said
    assert "publishing the others" in said
