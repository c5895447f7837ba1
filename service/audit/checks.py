"""A check is data: id, status, expected, found, where.

Statuses: pass; rounding (off by no more than printing rounded amounts can explain: one unit of
the last published digit for a sum of one or two amounts, (n + 1) / 2 units for n); warn; fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from service.ingest.cells import UNIT_FACTORS
from service.ingest.model import Row

ZERO = Decimal(0)


@dataclass
class Check:
    id: str
    status: str  # pass | rounding | warn | fail
    expected: str | None
    found: str | None
    table: str | None
    line: int | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        """The check as the audit resource writes it: its id, status, expected and found values,
        where (table, line) and message.
        """
        return {
            "id": self.id,
            "status": self.status,
            "expected": self.expected,
            "found": self.found,
            "where": {"table": self.table, "line": self.line},
            "message": self.message,
        }


def total(values: Iterable[Decimal | None]) -> Decimal:
    """Exact sum; blank cells count as nothing."""
    return sum((v for v in values if v is not None), ZERO)


def wan(value: Decimal | None) -> str:
    """Yuan → 万元 text for messages people read."""
    if value is None:
        return "空"
    return f"{(value / UNIT_FACTORS['万元']).normalize():f}万元"


def compare(
    check_id: str,
    printed: Decimal | None,
    should: Decimal | None,
    table: str | None,
    line: int | None,
    what: str,
    *,
    status_if_wrong: str = "fail",
    tolerance: Decimal = ZERO,
) -> Check | None:
    """The figure checked as printed (a total row, a summary line: the check's `found`)
    against what the other figures give for it (the sum of its parts, the table it must
    agree with: its `expected`), one meaning in every check, checks.json, the RDF
    (bp:expected, bp:found) and the pages; the difference is found − expected. Equal (blank
    = 0) passes; within the published rounding is `rounding`; both blank is no check."""
    expected, found = should, printed
    if expected is None and found is None:
        return None
    want, got = expected or ZERO, found or ZERO
    ok = want == got
    message = f"{what}: expected {wan(expected)}, found {wan(found)}"
    if not ok:
        message += f" (difference {wan(got - want)})"
    status = "pass" if ok else status_if_wrong
    if not ok and tolerance and abs(got - want) <= tolerance:
        status = "rounding"
        message += f" within the published rounding ({wan(tolerance)})"
    return Check(
        check_id,
        status,
        _text(expected),
        _text(found),
        table,
        line,
        message,
    )


def rounding_tolerance(table: object, parts: int = 1) -> Decimal:
    """What printing rounded amounts can explain, in yuan: each of `parts` printed amounts and
    the printed total are off by at most half a unit of the last printed digit, so their
    difference by at most (parts + 1) / 2 units – one unit (0.01 万元 → 100) for one or two
    parts, more for a long column."""
    decimals = getattr(table, "decimals", None)
    unit = getattr(table, "unit", "")
    if decimals is None or unit not in UNIT_FACTORS:
        return ZERO
    units = max(1, (parts + 1) // 2)
    return Decimal(units).scaleb(-decimals) * UNIT_FACTORS[unit]


def count(values: Iterable[Decimal | None]) -> int:
    """How many printed (non-blank) amounts a sum adds."""
    return sum(1 for v in values if v is not None)


def rounded(value: Decimal, places: int) -> Decimal:
    """`value` rounded half up to `places` decimal places, as the documents round."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def column(rows: list[Row], name: str) -> list[Decimal | None]:
    """One column of `rows` (None where a row has no such value)."""
    return [row.get(name) for row in rows]
