"""The corpus report lists every failing check with its figures (bench/failing_checks.py)."""

from __future__ import annotations

from bench.failing_checks import failing, section
from service.audit.checks import Check


def test_every_failing_check_is_listed_with_its_figures() -> None:
    checks = [
        Check("a", "pass", "1", "1", "t", 1, "fine"),
        Check("b", "fail", "2", "1", "t", 3, "合计 = Σ rows: expected 2万元, found 1万元"),
    ]
    lines = failing(checks)
    assert lines == ["`b` (t, line 3): 合计 = Σ rows: expected 2万元, found 1万元"]
    text = "\n".join(section([("doc.pdf", lines), ("other.pdf", [])]))
    assert "Failing checks: 1" in text and "**doc.pdf** (1)" in text and "other.pdf" not in text
