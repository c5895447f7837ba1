"""The arithmetic audit: does the published budget add up? Checks are data (see checks.py)."""

from __future__ import annotations

from collections import Counter

from service.audit import cross, shanghai, statements
from service.audit.checks import Check
from service.audit.completeness import completeness_checks
from service.audit.reader import reader_checks
from service.audit.tables import check_table
from service.ingest.model import Document
from service.templates import template

STATUSES = ("pass", "rounding", "warn", "fail")
# extra check families a template may declare (service.templates)
EXTRA_CHECKS = {"shanghai": shanghai.template_checks}


def run_audit(document: Document) -> list[Check]:
    """Every check of a read document (each table's own arithmetic, the two sides, tables against
    each other, the prose's figures, what its template adds, the reader's and the contents'
    checks), the ones that do not apply left out: what the package's audit resource and the CLI
    report.
    """
    found: list[Check | None] = []
    for table in document.tables.values():
        found.extend(check_table(table))
    found.extend(cross.two_sided(document))
    found.extend(cross.cross_tables(document))
    found.extend(statements.narrative(document))
    found.extend(statements.performance(document))
    for family in template(document.template).extra_checks:
        found.extend(EXTRA_CHECKS[family](document))
    found.extend(reader_checks(document))
    found.extend(completeness_checks(document))
    checks = [check for check in found if check is not None]
    seen: Counter[str] = Counter()
    for check in checks:  # ids stay unique when a document states the same figure twice
        seen[check.id] += 1
        if seen[check.id] > 1:
            check.id = f"{check.id}#{seen[check.id]}"
    return checks


def summary(checks: list[Check]) -> dict[str, int]:
    """How many checks ended in each status (pass, warn, fail, …), every status named even when none
    did.
    """
    counts = Counter(check.status for check in checks)
    return {status: counts.get(status, 0) for status in STATUSES}


__all__ = ["Check", "run_audit", "summary"]
