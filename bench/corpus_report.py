"""python -m bench.corpus_report [CORPUS_DIR]: how budgetpub reads a corpus of real disclosures.

Every document of the corpus (a PDF or text file, or a sub-folder whose files are the parts
of one document) is read, audited and written as a package into a temporary folder, one after
the other in this one process (what `budgetpub ingest --jobs 1` does), and measured: written or
not, seconds (read + audit + package), pages, tables typed and kept as printed, which of the 7
core tables were recognised, figures captured by tools/figures_captured.py (the evaluation's
measure: every number of the PDFs' ruled tables found in some CSV of the package) and the
audit's counts. Then the totals, and how long each PDF of 50 pages or more takes to read on
one core.

CORPUS_DIR defaults to ../shared/sources/real, else tests/fixtures/real. Prints Markdown.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench import failing_checks
from bench.__main__ import ROOT

DEFAULT_CORPORA = (
    ROOT.parent / "shared" / "sources" / "real",
    ROOT / "tests" / "fixtures" / "real",
)
STATUSES = ("pass", "rounding", "warn", "fail")
ONE_CORE_RUNS = 3
LONG_PDF = 50  # pages: the target is a 50-page PDF read in <= 5 s on one core


@dataclass
class Measured:
    name: str
    written: bool = False
    error: str = ""
    seconds: float = 0.0
    pages: int = 0
    typed: int = 0
    as_printed: int = 0
    core: list[str] = field(default_factory=list)
    captured: int = 0
    figures: int = 0
    audit: dict[str, int] = field(default_factory=dict)
    printed_kinds: set[str] = field(default_factory=set)  # catalogue kinds the document prints
    typed_kinds: set[str] = field(default_factory=set)  # … and reads typed
    catalogued: int = 0  # printed tables of a catalogued kind
    catalogued_typed: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # why tables stay as printed
    failing: list[str] = field(default_factory=list)  # every failing check, as it says it


def documents(corpus: Path) -> list[Path]:
    """Each file (.pdf, .txt) and each sub-folder holding a PDF: one document each."""

    def is_document(path: Path) -> bool:
        if path.name.startswith("."):
            return False
        if path.is_dir():
            return any(path.glob("*.pdf"))
        return path.is_file() and path.suffix.lower() in (".pdf", ".txt")

    return [path for path in sorted(corpus.iterdir()) if is_document(path)]


def pdf_files(document: Path) -> list[Path]:
    if document.is_dir():
        return sorted(p for p in document.iterdir() if p.suffix.lower() == ".pdf")
    return [document] if document.suffix.lower() == ".pdf" else []


def figures_captured(pdfs: list[Path], package: Path) -> tuple[int, int]:
    """tools/figures_captured.py's own count, N of M, as it prints it."""
    from tools import figures_captured as tool

    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        tool.main([str(p) for p in pdfs], str(package))
    found = re.search(r"figures captured (\d+)/(\d+)\s*$", said.getvalue())
    if not found:
        raise RuntimeError(f"figures_captured said: {said.getvalue()!r}")
    return int(found[1]), int(found[2])


def measure(document: Path, out: Path, validate: bool | str) -> Measured:
    from service.audit import run_audit, summary
    from service.errors import InputError, PackageError
    from service.ingest import read_document
    from service.ingest.catalogue import CORE
    from service.package.writer import write_package

    result = Measured(document.name)
    started = time.perf_counter()
    try:
        read = read_document(document)
        checks = run_audit(read)
        package = write_package(read, checks, out, validate=validate)
    except (InputError, PackageError) as error:
        result.seconds = time.perf_counter() - started
        result.error = str(error)
        return result
    result.seconds = time.perf_counter() - started
    result.written = True
    result.pages = len(read.pages)
    result.typed = sum(1 for t in read.tables.values() if t.kind != "generic")
    result.as_printed = sum(1 for t in read.tables.values() if t.kind == "generic")
    recognised = {t.recognised for t in read.tables.values()}
    result.core = [kind for kind in CORE if kind in recognised]
    result.audit = summary(checks)
    count_kinds(result, read)
    result.failing = failing_checks.failing(checks)
    pdfs = pdf_files(document)
    if pdfs:
        result.captured, result.figures = figures_captured(pdfs, package)
    return result


def count_kinds(result: Measured, read: object) -> None:
    """Which catalogued kinds a document prints and reads typed, its printed tables of them
    (the two sides of a 收支总表, or the 绩效目标表 of many projects, counted once each), and
    every reason a table stayed as printed, by code."""
    printed: dict[tuple[str, int], bool] = {}
    for table in read.tables.values():  # type: ignore[attr-defined]
        if not table.recognised:
            continue
        typed = table.kind != "generic"
        result.printed_kinds.add(table.recognised)
        if typed:
            result.typed_kinds.add(table.recognised)
        key = (table.title, table.pages[0] if table.pages else table.line)
        printed[key] = printed.get(key, False) or typed
        result.reasons.update(reason.code for reason in table.reasons)
    result.catalogued = len(printed)
    result.catalogued_typed = sum(printed.values())


def one_core(pdf: Path, runs: int = ONE_CORE_RUNS) -> tuple[int, list[float], str]:
    """read_document on one PDF in a fresh process pinned to one CPU (sched_setaffinity, as
    `taskset -c N` does), imports warmed first; its page count and each run's seconds."""
    code = f"""
import os, sys, time
cpu = min(os.sched_getaffinity(0))
os.sched_setaffinity(0, {{cpu}})
from service.ingest import read_document
import pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    pages = len(pdf.pages)
times = []
for _ in range({runs}):
    started = time.perf_counter()
    read_document(sys.argv[1])
    times.append(time.perf_counter() - started)
print(pages, cpu, *times)
"""
    done = subprocess.run(
        [sys.executable, "-c", code, str(pdf)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    pages, cpu, *times = done.stdout.split()
    return int(pages), [float(t) for t in times], cpu


def long_pdfs(corpus: Path, pages_from: int = LONG_PDF) -> list[tuple[Path, int]]:
    """The corpus's PDFs of at least 50 pages, longest first (else its longest PDF)."""
    import pdfplumber

    def pages(path: Path) -> int:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages)

    counted = sorted(
        ((p, pages(p)) for d in documents(corpus) for p in pdf_files(d)),
        key=lambda found: (-found[1], found[0].name),
    )
    long = [(path, count) for path, count in counted if count >= pages_from]
    return long or counted[:1]


def load() -> str:
    """The machine's load: on a shared machine the seconds above include waiting for a core."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f} %" if whole else "–"


def report(corpus: Path) -> list[str]:
    from bench.corpus import machine
    from service.corpus.run import validation_mode
    from service.ingest.catalogue import CORE

    found = documents(corpus)
    validate = validation_mode("auto", len(found))
    import service.ingest.pdf.document  # noqa: F401 (imports warmed before the first timing)

    lines = [
        f"Corpus: `{corpus}` ({len(found)} documents), read one after the other in one process "
        f"(`python -m bench.corpus_report`, validation: "
        f"{'Frictionless' if validate is True else 'the schema check'}).",
        "",
        *machine(),
        f"- load average (1, 5, 15 min) at the start: {load()}",
        "",
        "| document | written | s | pages | typed | as printed | core tables | figures captured"
        " | pass | rounding | warn | fail |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    results = []
    with tempfile.TemporaryDirectory(prefix="corpus-report.") as out:
        for document in found:
            result = measure(document, Path(out), validate)
            results.append(result)
            lines.append(row(result, CORE))
            print(lines[-1], file=sys.stderr, flush=True)
    written = [r for r in results if r.written]
    captured = sum(r.captured for r in written)
    figures = sum(r.figures for r in written)
    audit = {s: sum(r.audit.get(s, 0) for r in written) for s in STATUSES}
    core_found = sum(len(r.core) for r in written)
    worst = min(
        (r for r in written if r.figures), key=lambda r: r.captured / r.figures, default=None
    )
    lines.append(
        f"| **total** | {len(written)}/{len(results)} | {sum(r.seconds for r in results):.1f} "
        f"| {sum(r.pages for r in written)} | {sum(r.typed for r in written)} "
        f"| {sum(r.as_printed for r in written)} | {core_found}/{len(CORE) * len(written)} "
        f"| {captured}/{figures} ({percent(captured, figures)}) | "
        + " | ".join(str(audit[s]) for s in STATUSES)
        + " |"
    )
    lines += ["", *summary_lines(results, worst, CORE)]
    lines += ["", *kind_lines(written, CORE)]
    lines.append(f"- load average at the end of the corpus run: {load()}")
    lines += failing_checks.section([(r.name, r.failing) for r in written])
    lines += [
        "",
        f"One core: `read_document` on every PDF of at least {LONG_PDF} pages (else the longest), "
        "each in a fresh process pinned to one CPU with `os.sched_setaffinity` (what `taskset -c "
        "N` does; the reader's two forked page readers inherit it and share that CPU), imports "
        f"warmed, {ONE_CORE_RUNS} runs; target: a 50-page PDF read in ≤ 5 s on one core.",
        "",
        "| PDF | pages | CPU | median s | runs (s) | ≤ 5 s |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for pdf, _ in long_pdfs(corpus):
        pages, times, cpu = one_core(pdf)
        median = statistics.median(times)
        lines.append(
            f"| {pdf.name} | {pages} | {cpu} | {median:.2f} | "
            f"{', '.join(f'{t:.2f}' for t in times)} | {'yes' if median <= 5 else '**no**'} |"
        )
        print(lines[-1], file=sys.stderr, flush=True)
    lines.append("")
    lines.append(f"- load average at the end: {load()}")
    return lines


def row(result: Measured, core: tuple[str, ...]) -> str:
    if not result.written:
        return (
            f"| {result.name} | **no**: {result.error[:160]} | {result.seconds:.1f} "
            "| | | | | | | | | |"
        )
    missing = [kind for kind in core if kind not in result.core]
    core_text = f"{len(result.core)}/{len(core)}" + (
        f" (not: {', '.join(missing)})" if missing else ""
    )
    figures = (
        f"{result.captured}/{result.figures}"
        + (
            f" ({percent(result.captured, result.figures)})"
            if result.captured < result.figures
            else ""
        )
        if result.figures
        else "–"
    )
    return (
        f"| {result.name} | yes | {result.seconds:.1f} | {result.pages} | {result.typed} "
        f"| {result.as_printed} | {core_text} | {figures} | "
        + " | ".join(str(result.audit.get(s, 0)) for s in STATUSES)
        + " |"
    )


def summary_lines(
    results: list[Measured], worst: Measured | None, core: tuple[str, ...]
) -> list[str]:
    written = [r for r in results if r.written]
    full = [r for r in written if r.figures and r.captured == r.figures]
    all_core = [r for r in written if len(r.core) == len(core)]
    measured = [r for r in written if r.figures]
    at_99 = [r for r in measured if r.captured >= 0.99 * r.figures]
    lines = [
        f"- documents written: {len(written)} of {len(results)}",
        f"- every figure captured: {len(full)} of {len(measured)} documents; at least 99 %: "
        f"{len(at_99)} of {len(measured)}"
        + (
            f"; the lowest share: {worst.name} {worst.captured}/{worst.figures} "
            f"({percent(worst.captured, worst.figures)})"
            if worst and worst.captured < worst.figures
            else ""
        ),
        f"- all 7 core tables recognised: {len(all_core)} of {len(written)} documents",
        "- seconds per document (read + audit + package with its validation, one process): median "
        + f"{statistics.median(r.seconds for r in written):.2f}, max "
        f"{max(r.seconds for r in written):.2f}"
        if written
        else "- no document written",
    ]
    return lines


def kind_lines(written: list[Measured], core: tuple[str, ...]) -> list[str]:
    """Per catalogue kind, the documents that print it and read it typed; the catalogued tables
    typed; every reason a table stayed as printed, by code (a new region's to-do list)."""
    from service.ingest.catalogue import KINDS

    tables = sum(r.catalogued for r in written)
    typed = sum(r.catalogued_typed for r in written)
    lines = [
        f"Catalogued tables read typed: {typed} of {tables} ({percent(typed, tables)}).",
        "",
        "| kind | core | documents printing it | read typed | share |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for kind in KINDS:
        printing = [r for r in written if kind.kind in r.printed_kinds]
        if not printing:
            continue
        done = [r for r in printing if kind.kind in r.typed_kinds]
        lines.append(
            f"| {kind.kind} ({kind.title_zh}) | {'yes' if kind.kind in core else ''} "
            f"| {len(printing)} | {len(done)} | {percent(len(done), len(printing))} |"
        )
    reasons = sum((r.reasons for r in written), Counter())
    lines += ["", "| reason (code) | tables |", "| --- | ---: |"]
    lines += [f"| {code} | {count} |" for code, count in reasons.most_common()]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", help="folder of documents (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.corpus:
        corpus = Path(args.corpus)
    else:
        corpus = next((c for c in DEFAULT_CORPORA if c.is_dir()), DEFAULT_CORPORA[-1])
    if not corpus.is_dir():
        print(f"no corpus folder {corpus}", file=sys.stderr)
        return 2
    for line in report(corpus.resolve()):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
