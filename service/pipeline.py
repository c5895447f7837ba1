"""One document through the ingest stages: read → audit → package. Plain functions, data in/out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from service.audit import Check, run_audit, summary
from service.errors import InputError, PackageClash, PackageError
from service.ingest import read_document
from service.ingest.model import Document, ReaderWarning
from service.package.writer import write_package


@dataclass
class Outcome:
    file: str
    package: Path | None = None
    tables: int = 0
    rows: int = 0
    checks: list[Check] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def counts(self) -> dict[str, int]:
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
    """Never raises for a bad document: the error is in the outcome and nothing is written."""
    outcome = Outcome(str(path))
    try:
        try:
            _ingest(read_document(path), outcome, out_root, validate)
        except (PackageError, ArithmeticError, LookupError, ValueError, TypeError) as error:
            if not _is_pdf(path) or isinstance(error, PackageClash):
                raise
            # a typed reading that cannot be packaged: publish every table as printed instead
            document = read_document(path, typed=False)
            document.warnings.append(
                ReaderWarning("typed-reading-failed", f"tables kept as printed because {error}")
            )
            _ingest(document, outcome, out_root, validate)
    except (InputError, PackageError) as error:
        outcome.error = str(error)
    except MemoryError:
        outcome.error = f"{path}: the document needs more memory than there is to read it"
    except Exception as error:  # a reader bug on one document must not stop the others
        outcome.error = f"{path}: could not be read ({type(error).__name__}: {error})"
    return outcome
