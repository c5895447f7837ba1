"""Formatting shared by the narrative and the tables: amounts, shares, tab rows, keyed lines."""

from __future__ import annotations

from decimal import Decimal

from service.synthetic.budget import WAN, ZERO, in_wan

Lines = list[tuple[str | None, str]]
CENT = Decimal("0.01")


def cell(value: Decimal, unit: str, *, zero: str = "") -> str:
    """An amount in the published unit with two decimals; zero prints as `zero` (blank)."""
    if not value:
        return zero
    return f"{(value / (WAN if unit == '万元' else 1)).quantize(CENT):f}"


def wan(value: Decimal, places: int = 2) -> str:
    """An amount in yuan printed in 万元 (two decimals unless `places` says otherwise)."""
    return f"{in_wan(value, places):f}"


def pct(part: Decimal, whole: Decimal) -> Decimal:
    """A share as the text states it: from the stated (rounded) figures, two decimals."""
    return (part / whole * 100).quantize(CENT) if whole else ZERO


def row(cells: list[str], width: int) -> str:
    """A table line: `cells` padded or cut to `width`, tab-separated."""
    return "\t".join((cells + [""] * width)[:width])


class Writer:
    def __init__(self) -> None:
        self.lines: Lines = []

    def add(self, text: str, key: str | None = None) -> None:
        """One line of the document, with the key seeded errors find it by."""
        self.lines.append((key, text))

    def para(self, text: str, key: str | None = None) -> None:
        """A paragraph and the blank line the extraction leaves after it."""
        self.add(text, key)
        self.add("")
