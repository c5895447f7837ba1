"""`budgetpub ingest` for one document or thousands: progress, per-document lines, summary.

Small runs print every document as before; large ones print only the documents that failed,
so the summary stays readable. Which validation ran is always said, never implied.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from service.corpus.combine import combine
from service.corpus.ingest import Result, Skipped, ingest_many
from service.errors import PackageError
from service.pipeline import Outcome

PER_DOCUMENT_UP_TO = 50  # documents; above this only failures are listed
FRICTIONLESS_UP_TO = 20  # documents; above this `auto` uses the fast schema check


@dataclass
class Summary:
    """What an ingest run did, counted: documents by fate, failures by error type, and the
    tables, rows, warnings and failing checks of the packages written."""

    documents: int = 0
    written: int = 0
    unchanged: int = 0
    failed: int = 0
    tables: int = 0
    rows: int = 0
    warnings: int = 0
    failing_checks: int = 0
    failure_types: Counter[str] = field(default_factory=Counter)

    def add(self, result: Result) -> None:
        """One document's result counted (written, unchanged or failed, and its tables, rows and
        checks).
        """
        self.documents += 1
        if isinstance(result, Skipped):
            self.unchanged += 1
        elif result.error is not None:
            self.failed += 1
            self.failure_types[result.error.type] += 1
        else:
            self.written += 1
            self.tables += result.tables
            self.rows += result.rows
            counts = result.counts()
            self.warnings += counts["warn"]
            self.failing_checks += counts["fail"]

    def line(self) -> str:
        """The summary line the CLI prints under the outcomes."""
        return (
            f"summary: {self.documents} documents ({self.written} written, "
            f"{self.unchanged} unchanged, {self.failed} failed), {self.tables} tables, "
            f"{self.rows} rows, {self.warnings} warnings, {self.failing_checks} failing checks"
        )


def validation_mode(requested: str, documents: int) -> bool | str:
    """How packages are validated: with frictionless (True) when asked or, for `auto`, for a few
    documents; else against the schemas alone ("schema").
    """
    if requested == "frictionless" or (requested == "auto" and documents <= FRICTIONLESS_UP_TO):
        return True
    return "schema"


MEMORY_CAP = 4 * 2**30  # bytes of address space an ingest process may use


@contextmanager
def capped_memory(limit: int = MEMORY_CAP) -> Iterator[None]:
    """Bound what one document can take (a small PDF can inflate streams to gigabytes):
    past the cap reading fails with MemoryError, which is that document's error. The cap
    holds while documents are read (worker processes inherit it) and is lifted after."""
    import os
    import resource

    limit = int(os.environ.get("BUDGETPUB_INGEST_MEMORY", limit))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    lower = soft == resource.RLIM_INFINITY or soft > limit
    if lower:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        if lower:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def run_ingest(
    files: list[Path],
    out: Path,
    *,
    jobs: int | None,
    verbose: bool,
    quiet: bool,
    force: bool,
    validate: str,
    combined: bool,
    print_outcome: Callable[[Outcome, bool], None],
) -> int:
    """Ingest `files` into packages under `out` in parallel, printing each outcome with
    `print_outcome` and a summary (failures counted by type); the exit status (1 when any
    failed).
    """
    mode = validation_mode(validate, len(files))
    bar = _progress(len(files), quiet)
    try:
        with capped_memory():
            results = ingest_many(files, out, jobs=jobs, validate=mode, force=force, advance=bar)
    finally:
        bar.close()  # type: ignore[attr-defined]
    summary = Summary()
    listed = verbose or len(files) <= PER_DOCUMENT_UP_TO
    for result in results:
        summary.add(result)
        if isinstance(result, Skipped):
            if listed and not quiet:
                print(f"unchanged {result.file} → {result.package}")
        elif not result.ok or (listed and not quiet):
            print_outcome(result, verbose)
    print(summary.line())  # one count: a document is written, unchanged or failed
    if summary.failure_types:
        print(
            "failed: " + ", ".join(f"{n} {kind}" for kind, n in summary.failure_types.most_common())
        )
    print(
        "validated with: "
        + (
            "Frictionless"
            if mode is True
            else "the schema check (package/schemacheck.py; --validate frictionless for the full one)"
        )
    )
    status = 1 if summary.failed else 0
    if combined:
        try:
            made = combine(out, validate=mode)
        except (PackageError, OSError, ValueError, KeyError) as error:
            print(f"FAILED combined packages\n  {error}")
            return 1
        for slug in made.written:
            print(f"combined {out / slug}")
        for slug in made.removed:
            print(f"removed {out / slug} (no package of that year left)")
    return status


class _NoBar:
    def __call__(self) -> None:
        pass

    def close(self) -> None:
        """Nothing to close."""
        pass


def _progress(total: int, quiet: bool) -> Callable[[], None]:
    """tqdm on stderr when it is a terminal; nothing in pipes, logs and tests."""
    if quiet or total <= 1 or not sys.stderr.isatty():
        return _NoBar()
    from tqdm import tqdm

    bar = tqdm(total=total, file=sys.stderr, unit="doc", desc="ingest")

    class _Bar:
        def __call__(self) -> None:
            bar.update(1)

        def close(self) -> None:
            bar.close()

    return _Bar()
