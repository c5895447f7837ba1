"""The failing checks of a corpus, each with the figures as printed: the list the corpus report
ends with, so that every failure is looked at (the publisher's own, with its page, or the
reader's to fix)."""

from __future__ import annotations

from service.audit.checks import Check


def failing(checks: list[Check]) -> list[str]:
    """One line per failing check: its id, where it is and its message (expected and found,
    in 万元 as the document prints them)."""
    return [
        f"`{check.id}` ({check.table or '–'}, line {check.line or '–'}): {check.message}"
        for check in checks
        if check.status == "fail"
    ]


def section(by_document: list[tuple[str, list[str]]]) -> list[str]:
    """The report's closing section: every failing check, document by document."""
    count = sum(len(lines) for _, lines in by_document)
    lines = ["", f"Failing checks: {count}, each with the figures as printed.", ""]
    for name, found in by_document:
        if found:
            lines.append(f"- **{name}** ({len(found)})")
            lines += [f"  - {line}" for line in found]
    return lines
