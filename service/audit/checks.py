"""A check is data: id, status, expected, found, where. Statuses: pass, warn, fail."""

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
    status: str  # pass | warn | fail
    expected: str | None
    found: str | None
    table: str | None
    line: int | None
    message: str

    def to_dict(self) -> dict[str, Any]:
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
    expected: Decimal | None,
    found: Decimal | None,
    table: str | None,
    line: int | None,
    what: str,
    *,
    status_if_wrong: str = "fail",
) -> Check | None:
    """Equal (blank = 0) passes; both blank is no check at all."""
    if expected is None and found is None:
        return None
    want, got = expected or ZERO, found or ZERO
    ok = want == got
    message = f"{what}: expected {wan(expected)}, found {wan(found)}"
    if not ok:
        message += f" (difference {wan(got - want)})"
    return Check(
        check_id,
        "pass" if ok else status_if_wrong,
        _text(expected),
        _text(found),
        table,
        line,
        message,
    )


def rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def column(rows: list[Row], name: str) -> list[Decimal | None]:
    return [row.get(name) for row in rows]
