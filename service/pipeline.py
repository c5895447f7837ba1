"""One document through the ingest stages: read → audit → package. Plain functions, data in/out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from service.audit import Check, run_audit, summary
from service.errors import PackageClash, PackageError, Problem
from service.ingest import read_document
from service.ingest.model import Document, ReaderWarning
from service.package.writer import write_package


@dataclass
class Outcome:
    """What became of one document: its package, tables, rows and audit, or the error (as
    data: type, message, where) that kept it from being written."""

    file: str
    package: Path | None = None
    tables: int = 0
    rows: int = 0
    checks: list[Check] = field(default_factory=list)
    error: Problem | None = None

    @property
    def ok(self) -> bool:
        """Whether the package was written (warnings and failing checks allowed)."""
        return self.error is None

    def counts(self) -> dict[str, int]:
        """The audit's checks counted by status (pass, rounding, warn, fail)."""
        return summary(self.checks)


def _ingest(document: Document, outcome: Outcome, out_root: Path, validate: bool | str) -> None:
    outcome.checks = run_audit(document)
    outcome.tables = len(document.tables)
    outcome.rows = sum(len(t.rows) for t in document.tables.values())
    outcome.package = write_package(document, outcome.checks, out_root, validate=validate)


def _is_pdf(path: Path) -> bool:
    if path.is_dir():
        return True
    with path.open("rb") as handle:
        return handle.read(1024).lstrip()[:5] == b"%PDF-"


def ingest_file(path: Path, out_root: Path, *, validate: bool | str = True) -> Outcome:
    """Read, audit and package one document. Never raises for a bad document: the error is
    in the outcome, as data, and nothing is written."""
    outcome = Outcome(str(path))
    try:
        document = read_document(path)
        invalid: frozenset[str] = frozenset()
        for _ in range(FALLBACKS):
            try:
                _ingest(document, outcome, out_root, validate)
                break
            except PackageError as error:
                named = invalid_resources(str(error), document)
                if not _is_pdf(path) or isinstance(error, PackageClash) or not named - invalid:
                    raise
                # a typed table the package refuses: that table alone kept as printed
                invalid |= named
                document = read_document(path, typed=invalid)
                document.warnings.append(
                    ReaderWarning(
                        "typed-reading-failed",
                        f"tables {sorted(invalid)} kept as printed because {error}",
                    )
                )
        else:
            _ingest(document, outcome, out_root, validate)
    except Exception as error:  # one document's error, even a reader bug, stops no other
        outcome.error = Problem.of(error, str(path))
    return outcome


FALLBACKS = 3  # a package refused again names more tables: each round keeps more as printed


def invalid_resources(message: str, document: Document) -> frozenset[str]:
    """The typed resources a package validation's message names (schema check: `name:2: …`,
    Frictionless: `name: type-error: …`)."""
    named = set(re.findall(r"(?:^|; |: )([a-z][a-z0-9_]*):", message))
    return frozenset(
        name
        for name in named
        if name in document.tables and document.tables[name].kind != "generic"
    )
