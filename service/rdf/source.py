"""Read a data package back for conversion, trusting it only once it is verified.

Each resource's sha256 in the descriptor is checked; a package whose files changed since
they were validated is validated again with Frictionless before it is converted. Codes the
facts use must be in the package's code lists or the vocabulary.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from service import vocab
from service.errors import PackageError

Row = dict[str, str]
CODE_LISTS = {
    "functional_code": "functional_classification",
    "economic_departmental_code": "economic_classification_departmental",
    "economic_government_code": "economic_classification_government",
    "project_code": "projects",
}
SCHEME_FIELDS = {
    "fund_source": "fund-source",
    "expenditure_type": "expenditure-type",
    "row_type": "row-type",
    "operation_character": "operation-character",
}


@dataclass
class PackageData:
    path: Path
    descriptor: dict[str, Any]
    tables: dict[str, list[Row]] = field(default_factory=dict)
    checks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """The package's name, which every IRI under its dataset uses."""
        return str(self.descriptor["name"])

    def resource(self, name: str) -> dict[str, Any] | None:
        """The descriptor's entry for resource `name`, or None when the package has none."""
        return next((r for r in self.descriptor["resources"] if r["name"] == name), None)


def read_csv(path: Path) -> list[Row]:
    """A CSV file's rows as dicts of strings, as the converter reads them."""
    with path.open(encoding="utf-8", newline="") as handle:
        return csv_rows(handle)


def csv_rows(lines: Iterable[str]) -> list[Row]:
    """CSV text's rows as dicts: csv.DictReader's rows (blank lines skipped), each made by one
    zip where it has as many fields as the header (DictReader's own loop costs twice as much
    on a package's facts)."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return []
    width = len(header)
    return [
        dict(zip(header, row, strict=True)) if len(row) == width else _uneven(header, row)
        for row in reader
        if row
    ]


def _uneven(header: list[str], row: list[str]) -> Row:
    """A row longer or shorter than the header, as csv.DictReader gives it: missing fields
    None, extra fields a list under the key None."""
    found: dict = dict(zip(header, row, strict=False))
    if len(row) > len(header):
        found[None] = row[len(header) :]
    else:
        found.update(dict.fromkeys(header[len(row) :]))
    return found


def load_package(path: Path, descriptor: dict[str, Any] | None = None) -> PackageData:
    """A package's descriptor, tables and checks, ready to convert: validated again with
    Frictionless if a file's hash changed, and every code the facts use known (PackageError).
    A caller that has parsed datapackage.json already passes it (a descriptor is ~1 ms of
    JSON); JSON is parsed by orjson, whose values are the standard library's."""
    descriptor_path = path / "datapackage.json"
    if descriptor is None:
        try:
            descriptor = parse_descriptor(descriptor_path.read_bytes(), descriptor_path)
        except OSError as error:
            raise PackageError(
                f"cannot read the descriptor: {error}", str(descriptor_path)
            ) from error
    data = PackageData(path, descriptor)
    verified = dict(_verified(path, descriptor))  # the bytes hashed are the bytes parsed
    if None in verified.values():
        verified = {}
        from service.package.writer import validation_errors

        errors = validation_errors(descriptor_path)
        if errors:
            raise PackageError(
                "fails Frictionless validation: " + "; ".join(errors[:3]), str(descriptor_path)
            )
    for resource in descriptor["resources"]:
        if resource.get("format") == "csv":
            content = verified.get(resource["path"])
            data.tables[resource["name"]] = (
                read_csv(path / resource["path"])
                if content is None
                else csv_rows(io.StringIO(content.decode("utf-8"), newline=""))
            )
    checks = path / "checks.json"
    if checks.exists():
        data.checks = orjson.loads(checks.read_bytes())
    _check_codes(data)
    return data


def parse_descriptor(data: bytes, where: Path) -> dict[str, Any]:
    """datapackage.json's bytes as a dict (orjson: the standard library's values), or a
    PackageError naming the file and what is wrong with it."""
    try:
        descriptor = orjson.loads(data)
    except ValueError as error:
        raise PackageError(f"cannot read the descriptor: {error}", str(where)) from error
    if not isinstance(descriptor, dict):
        raise PackageError("cannot read the descriptor: not a JSON object", str(where))
    return descriptor


def files_match_hashes(path: Path, descriptor: dict[str, Any]) -> bool:
    """Whether every resource of the package at `path` is a file whose sha256 is the one its
    descriptor states: a package unchanged since it was validated and written needs no second
    validation (load_package) and its previous dumps still hold (build, corpus/convert)."""
    return all(content is not None for _, content in _verified(path, descriptor))


def _verified(path: Path, descriptor: dict[str, Any]) -> Iterator[tuple[str, bytes | None]]:
    """Each resource's path and bytes; None for the bytes of one that is no file or whose
    sha256 is not the one its descriptor states."""
    for resource in descriptor.get("resources", []):
        name = resource.get("path", "")
        expected = str(resource.get("hash", "")).removeprefix("sha256:")
        file = path / name
        if not expected or not file.is_file():
            yield name, None
            continue
        content = file.read_bytes()
        yield name, content if hashlib.sha256(content).hexdigest() == expected else None


def _check_codes(data: PackageData) -> None:
    """An unknown code stops this package's conversion: name the file, line and code."""
    known = {
        field_: {row["code"] for row in data.tables.get(resource, [])}
        for field_, resource in CODE_LISTS.items()
    }
    fields = (*known.items(), *((f, vocab.labels(scheme)) for f, scheme in SCHEME_FIELDS.items()))
    facts = data.tables.get("facts", [])
    if all(({fact.get(f) for fact in facts} - {None, ""}).issubset(codes) for f, codes in fields):
        return  # each column's distinct codes known: no need to look for the first unknown
    for number, fact in enumerate(facts, start=2):
        for field_, codes in fields:
            value = fact.get(field_)
            if value and value not in codes:
                raise PackageError(
                    f"unknown {field_} {value!r}",
                    str(data.path / "data" / "facts.csv"),
                    number,
                    f"a code from {CODE_LISTS.get(field_) or SCHEME_FIELDS[field_]}",
                )
