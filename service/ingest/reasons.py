"""Why a printed table is not read typed: reasons as records, every one at once.

A reason has a code (the corpus report counts them: the list of what a new region needs), the
printed column it is about (its header path), the field it would have been, and the page. The
reader collects every reason of a table before it gives up on it, so a table that fails for two
columns says both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    code: str  # e.g. unknown-column, two-columns-one-field, no-code-column, not-an-amount
    message: str
    column: str | None = None  # the header path, parts joined by ·
    field: str | None = None
    page: int | None = None

    def text(self) -> str:
        """The reason in a line: its code, then what and where."""
        where = f" (page {self.page})" if self.page else ""
        return f"{self.code}: {self.message}{where}"


class NotTyped(Exception):
    """Why a printed table stays as printed: one or more Reasons."""

    def __init__(self, *reasons: Reason | str, code: str = "other", page: int | None = None):
        self.reasons: list[Reason] = [
            r if isinstance(r, Reason) else Reason(code, r, page=page) for r in reasons
        ]
        super().__init__("; ".join(r.message for r in self.reasons))

    @classmethod
    def of(cls, reasons: list[Reason]) -> NotTyped:
        """The exception for a list of reasons (at least one)."""
        return cls(*reasons)


def check(reasons: list[Reason]) -> None:
    """Raise NotTyped with every reason collected so far, if there is any."""
    if reasons:
        raise NotTyped.of(reasons)
