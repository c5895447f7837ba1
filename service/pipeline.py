"""One document through the ingest stages: read → audit → package. Plain functions, data in/out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from service.audit import Check, run_audit, summary
from service.errors import InputError, PackageError
from service.ingest import read_document
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


def ingest_file(path: Path, out_root: Path, *, validate: bool | str = True) -> Outcome:
    """Never raises for a bad document: the error is in the outcome and nothing is written."""
    outcome = Outcome(str(path))
    try:
        document = read_document(path)
        outcome.checks = run_audit(document)
        outcome.tables = len(document.tables)
        outcome.rows = sum(len(t.rows) for t in document.tables.values())
        outcome.package = write_package(document, outcome.checks, out_root, validate=validate)
    except (InputError, PackageError) as error:
        outcome.error = str(error)
    except MemoryError:
        outcome.error = f"{path}: the document needs more memory than there is to read it"
    except Exception as error:  # a reader bug on one document must not stop the others
        outcome.error = f"{path}: could not be read ({type(error).__name__}: {error})"
    return outcome
