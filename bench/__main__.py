"""python -m bench [NAME...]: run benchmarks and print what was measured on this machine."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "sources" / "luoyang-sfq-zwfwzx-2024-budget.txt"


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: list[float], target: str) -> None:
    times.sort()
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"{name:<40} p50 {p50:8.1f} ms   p99 {p99:8.1f} ms   n={len(times):<4} target {target}")


def _ingest_times(path: Path, out: Path, runs: int) -> list[float]:
    """How long reading, auditing and packaging the document at `path` into `out` takes, `runs`
    times (ms)."""
    from service.audit import run_audit
    from service.ingest import read_document
    from service.package.writer import write_package

    def ingest() -> None:
        doc = read_document(path)
        write_package(doc, run_audit(doc), out, validate=False)

    return timed(ingest, runs)


def bench_ingest() -> None:
    from service.audit import run_audit
    from service.ingest import read_document
    from service.package.writer import validation_errors

    read_document(SEED)  # warm imports and the vocabulary cache
    report("ingest seed: read", timed(lambda: read_document(SEED), 50), "")
    document = read_document(SEED)
    report("ingest seed: audit", timed(lambda: run_audit(document), 50), "")
    with tempfile.TemporaryDirectory() as out:
        report("ingest seed: read+audit+package", _ingest_times(SEED, Path(out), 30), "<= 200 ms")
        package = next(Path(out).iterdir()) / "datapackage.json"
        report(
            "frictionless validate (seed package)",
            timed(lambda: validation_errors(package), 5),
            "(not part of the target)",
        )


def _rdf() -> None:
    from bench.rdf import bench_rdf

    bench_rdf()


def _fuzz() -> None:
    from bench.fuzz import bench_fuzz

    bench_fuzz()  # at least 5 minutes (BUDGETPUB_FUZZ_SECONDS)


def bench_pdf() -> None:
    from service.ingest import read_document

    pdf = ROOT / "sources" / "shanghai-putuo-wanli-2023-dept-budget.pdf"  # 35 pages
    read_document(pdf)  # warm imports
    report("ingest 35-page PDF: read", timed(lambda: read_document(pdf), 5), "")
    with tempfile.TemporaryDirectory() as out:
        times = _ingest_times(pdf, Path(out), 5)
        report("ingest 35-page PDF: read+audit+package", times, "<= 3000 ms")


def _http() -> None:
    from bench.http import bench_http

    bench_http()


def _query() -> None:
    from bench.query import bench_query

    bench_query()


def _security() -> None:
    from bench.security import bench_security

    bench_security()  # ~2 minutes; writes its section of BENCHMARKS.md


def _probes() -> None:
    from bench.probes import bench_probes

    bench_probes()  # issue 24's review probes in three store modes; writes BENCHMARKS.md


def _corpus() -> None:
    from bench.corpus import bench_corpus

    bench_corpus()  # 1,000 documents; writes BENCHMARKS.md


def _virtuoso() -> None:
    from bench.virtuoso import bench_virtuoso

    bench_virtuoso()  # the corpus again, served embedded and from a private Virtuoso


def _lean() -> None:
    from bench.lean import bench_lean

    bench_lean()  # issue 15: realistic and heavy corpora of 1,000 documents (~30 minutes)


def _pdf_backends() -> None:
    from bench.pdf_backends import DEFAULT, main

    main(sorted(DEFAULT))  # the real corpus beside the repository, when there is one


BENCHMARKS: dict[str, Callable[[], None]] = {
    "ingest": bench_ingest,
    "query": _query,
    "http": _http,
    "security": _security,
    "probes": _probes,
    "rdf": _rdf,
    "pdf": bench_pdf,
    "fuzz": _fuzz,
    "corpus": _corpus,
    "virtuoso": _virtuoso,
    "pdf-backends": _pdf_backends,
    "lean": _lean,
}


def main(names: list[str]) -> None:
    print(
        f"machine: {platform.machine()} {platform.processor() or ''} cores={os.cpu_count()} "
        f"python={platform.python_version()}"
    )
    for name in names or list(BENCHMARKS):
        BENCHMARKS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
