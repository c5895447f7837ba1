"""One document must never end a run (issue 24, H1): a decompression bomb behind a filter
chain goes to pdfminer (a MemoryError, that document's error) instead of aborting PDFium;
a reading process that dies or runs past its time limit costs its document alone, named
with the reason, and every other document is written, the combined packages too."""

from __future__ import annotations

import faulthandler
import os
import shutil
import signal
import subprocess
import sys
import time
import zlib
from functools import cache
from pathlib import Path

from service.corpus.workers import run_each
from service.pipeline import Outcome
from tests.conftest import ROOT, SEED

SFJ = ROOT / "sources" / "shanghai-putuo-sfj-2026-dept-budget.pdf"


@cache
def _deflated(size: int, times: int) -> bytes:
    """`size` spaces deflated `times` times over, never held whole."""
    packer = zlib.compressobj(9)
    block = b" " * (1 << 20)
    data = b"".join(packer.compress(block) for _ in range(size >> 20)) + packer.flush()
    for _ in range(times - 1):
        data = zlib.compress(data, 9)
    return data


def bomb_pdf(path: Path, size: int = 1500 << 20) -> Path:
    """A one-page PDF whose content stream decodes to `size` bytes (1.5 GB) through
    `[/FlateDecode /FlateDecode]`."""
    data = _deflated(size, 2)
    head = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
        b"4 0 obj<</Length "
        + str(len(data)).encode()
        + b"/Filter[/FlateDecode /FlateDecode]>>stream\n"
    )
    path.write_bytes(head + data + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n")
    return path


def test_a_filter_chain_is_decoded_whole_under_the_budget(tmp_path: Path) -> None:
    """`[/FlateDecode /FlateDecode]` (a few KB) is a bomb; one Flate, an ASCIIHex in front
    and an honest PDF are judged as before."""
    import pdfplumber

    from service.ingest.pdf.pdfium_page import _inflates_too_far

    nested = bomb_pdf(tmp_path / "nested.pdf", 100 << 20)
    assert nested.stat().st_size < 20_000
    hexed = tmp_path / "hexed.pdf"
    data = _deflated(100 << 20, 1).hex().encode() + b">"
    hexed.write_bytes(
        nested.read_bytes().split(b"4 0 obj")[0]
        + b"4 0 obj<</Length "
        + str(len(data)).encode()
        + b"/Filter[/ASCIIHexDecode/FlateDecode]>>stream\n"
        + data
        + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n"
    )
    for path, expected in ((nested, True), (hexed, True), (SFJ, False)):
        with pdfplumber.open(path) as pdf:
            assert _inflates_too_far(pdf.doc) is expected, path.name


def _ingest(corpus: Path, out: Path, *options: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", "ingest", str(corpus), "--out", str(out), *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=600,
    )


def test_a_nested_bomb_fails_alone_and_the_others_are_written(tmp_path: Path) -> None:
    """The review's run: the 8.9 KB PDF among good documents under a 1 GiB cap, two at once;
    then alone (a single-document run died of SIGABRT and printed nothing)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    bomb_pdf(corpus / "bomb.pdf")
    shutil.copy(SFJ, corpus / "sfj.pdf")
    shutil.copy(SEED, corpus / SEED.name)
    result = _ingest(corpus, tmp_path / "o", "--jobs", "2", BUDGETPUB_INGEST_MEMORY=str(2**30))
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "summary: 3 documents (2 written, 0 unchanged, 1 failed)" in result.stdout
    failed = [line for line in result.stdout.splitlines() if "bomb.pdf" in line]
    assert failed and "FAILED" in failed[0], result.stdout
    assert (tmp_path / "o" / "sfj" / "datapackage.json").is_file()
    assert (tmp_path / "o" / SEED.stem / "datapackage.json").is_file()
    assert "combined " in result.stdout
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(corpus / "bomb.pdf", alone / "bomb.pdf")
    result = _ingest(alone, tmp_path / "o2", BUDGETPUB_INGEST_MEMORY=str(2**30))
    assert result.returncode == 1 and result.returncode != -signal.SIGABRT
    assert "FAILED" in result.stdout and "summary: 1 documents" in result.stdout


def _work(path: Path) -> Outcome:
    """A reader as the worst documents make it: one aborts its process, one hangs."""
    if path.name == "abort":
        faulthandler.disable()  # pytest's, inherited: it would print the stack on stderr
        os.abort()
    if path.name == "hang":
        time.sleep(60)
    return Outcome(str(path), tables=int(path.name))


def test_a_dead_or_stuck_process_costs_its_document_only() -> None:
    """Real processes: SIGABRT and a hang are that document's outcome, named with the reason;
    the documents after them still get processes of their own and come back."""
    names = ["1", "abort", "2", "hang", "3", "4", "abort", "5"]
    results: dict[int, Outcome] = {}
    started = time.monotonic()
    run_each(list(enumerate(map(Path, names))), _work, 2, results.__setitem__, seconds=3)
    assert time.monotonic() - started < 30
    assert sorted(results) == list(range(len(names)))
    for index, name in enumerate(names):
        outcome = results[index]
        if name == "abort":
            assert outcome.error.type == "reader-crashed" and "SIGABRT" in outcome.error.message
        elif name == "hang":
            assert outcome.error.type == "document-timeout" and "3 s" in outcome.error.message
        else:
            assert outcome.ok and outcome.tables == int(name)


def test_a_document_past_its_time_limit_is_named(tmp_path: Path) -> None:
    """BUDGETPUB_INGEST_SECONDS: a PDF that reads for longer is stopped, said why."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SFJ, corpus / "sfj.pdf")
    result = _ingest(corpus, tmp_path / "o", BUDGETPUB_INGEST_SECONDS="0.2")
    assert result.returncode == 1, result.stderr[-2000:]
    assert "took longer than 0.2 s" in result.stdout
    assert not (tmp_path / "o" / "sfj").exists()
