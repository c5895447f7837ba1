"""Errors as data: every problem names its type, file, line and what was expected.

Modelled on frictionless-py, where an error is a record first and an exception second,
so the CLI, the package writer and the tests can all read the same fields.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class InputError(Exception):
    """A document that cannot be read as the template: nothing is written for it."""

    type: str
    message: str
    file: str = "<memory>"
    line: int | None = None
    expected: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        tail = f" (expected {self.expected})" if self.expected else ""
        return f"{where}: {self.message}{tail}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class PackageError(Exception):
    """A data package that failed validation or references unknown codes."""


class PackageClash(PackageError):
    """Another document's package already has this name: never replaced."""
