"""Errors as data: every problem names its type, what happened and where.

Modelled on frictionless-py, where an error is a record first and an exception second, so
the reader, the CLI's summary, the package writer, the tests and the HTTP problem documents
all read the same fields:

- `InputError`: a document that cannot be read (type, message, file, line, expected);
- `PackageError` (and `PackageClash`): a package that cannot be written or converted;
- `Problem`: any of them, or an unexpected failure, as the record an ingest outcome keeps;
- `Refusal`: a request the service refuses (HTTP status, type, detail), which the web layer
  answers as an RFC 9457 problem document and the query processes send back as data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from http import HTTPStatus
from typing import Any

STATUS_TITLES = {499: "Client Closed Request"}  # statuses the standard library does not name


@dataclass
class Problem:
    """One error as a record: its type (a slug), what happened, and where (file, line)."""

    type: str
    message: str
    file: str | None = None
    line: int | None = None
    expected: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else self.file
        tail = f" (expected {self.expected})" if self.expected else ""
        return f"{where}: {self.message}{tail}" if where else f"{self.message}{tail}"

    def to_dict(self) -> dict[str, Any]:
        """The problem as data (type, message, file, line, expected), as outcomes and reports write
        it.
        """
        return asdict(self)

    @classmethod
    def of(cls, error: BaseException, file: str) -> Problem:
        """The record of an error met while ingesting `file`: an InputError's or a
        PackageError's own fields, else the kind of failure, so the summary can count them."""
        if isinstance(error, InputError):
            return cls(error.type, error.message, error.file, error.line, error.expected)
        if isinstance(error, PackageError):
            return cls(error.type, error.message, error.file, error.line, error.expected)
        if isinstance(error, MemoryError):
            return cls(
                "out-of-memory", "the document needs more memory than there is to read it", file
            )
        return cls("reader-failed", f"could not be read ({type(error).__name__}: {error})", file)


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
        return str(Problem(self.type, self.message, self.file, self.line, self.expected))

    def to_dict(self) -> dict[str, Any]:
        """The error as data (type, message, file, line, expected)."""
        return asdict(self)


class PackageError(Exception):
    """A data package that failed validation or references unknown codes: what is wrong and,
    where known, the file and line; its text is the Problem's ("file:line: message")."""

    type = "package-invalid"

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        expected: str | None = None,
    ) -> None:
        self.message, self.file, self.line, self.expected = message, file, line, expected
        super().__init__(str(Problem(self.type, message, file, line, expected)))


class PackageClash(PackageError):
    """Another document's package already has this name: never replaced."""

    type = "package-clash"


@dataclass
class Refusal(Exception):
    """A request refused on purpose: the HTTP status, a short type slug (`kind`, the last
    segment of the problem type IRI), a detail for people, and for a 503 worth retrying,
    after how many seconds. Plain data, so query processes can send it back as is."""

    status: int
    kind: str
    detail: str
    retry_after: int | None = None

    def __post_init__(self) -> None:
        super().__init__(self.detail)

    @property
    def title(self) -> str:
        """The problem's title: the status's reason phrase (`Not Found`)."""
        if self.status in STATUS_TITLES:
            return STATUS_TITLES[self.status]
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Error"

    def to_problem(self, instance: str) -> dict[str, Any]:
        """The RFC 9457 problem document's members."""
        return {
            "type": f"https://w3id.org/budgetpub/errors/{self.kind}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
        }
