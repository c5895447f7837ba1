"""What the reader could not fully place, as checks: a warning is said, never silent."""

from __future__ import annotations

from collections.abc import Iterator

from service.audit.checks import Check
from service.ingest.model import Document


def reader_checks(document: Document) -> Iterator[Check]:
    """One warn check per reader warning: a table kept as printed, a repaired code…"""
    for warning in document.warnings:
        yield Check(
            f"reader:{warning.type}:{warning.table or ','.join(map(str, warning.pages))}",
            "warn",
            None,
            None,
            warning.table,
            None,
            warning.message,
        )
