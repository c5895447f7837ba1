"""A fast check of a written package against its own Table Schemas, for corpus runs.

Frictionless validation costs ~0.5 s per package, ten times what reading, auditing and
writing a document cost, so a 1,000-document run would spend most of its time in it. This
check covers what Frictionless checks on the data budgetpub writes — header against the
fields, row width, types (integer, number, string), required, enum, pattern, minimum,
unique, primary keys, foreign keys (to other resources and to the resource itself) and each
file's sha256 — in plain Python. It is at least as strict as Frictionless on these points
(tests/test_corpus.py checks both agree on good and broken packages); the descriptor's own
structure comes from the same code Frictionless validates in the test suite.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import orjson

INTEGER = re.compile(r"[+-]?\d+")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
MAX_ERRORS = 20


def schema_errors(descriptor_path: Path) -> list[str]:
    """Every way the package's files disagree with its descriptor; [] when they agree."""
    root = descriptor_path.parent
    try:
        meta = orjson.loads(descriptor_path.read_bytes())
    except (OSError, ValueError) as error:
        return [f"descriptor: {error}"]
    errors: list[str] = []
    tables: dict[str, tuple[list[str], list[list[str]]]] = {}
    for resource in meta.get("resources", []):
        path = root / resource["path"]
        try:
            data = path.read_bytes()
        except OSError as error:
            errors.append(f"{resource['name']}: {error}")
            continue
        expected = str(resource.get("hash", "")).removeprefix("sha256:")
        if expected and hashlib.sha256(data).hexdigest() != expected:
            errors.append(f"{resource['name']}: hash-count: sha256 differs from the descriptor")
        if "schema" not in resource:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            errors.append(f"{resource['name']}: encoding-error: {error}")
            continue
        records = list(csv.reader(io.StringIO(text, newline="")))
        header, rows = (records[0], records[1:]) if records else ([], [])
        tables[resource["name"]] = (header, rows)
        errors += _table_errors(resource["name"], resource["schema"], header, rows)
        if len(errors) >= MAX_ERRORS:
            return errors
    for resource in meta.get("resources", []):
        if resource["name"] in tables:
            errors += _foreign_key_errors(resource, tables)
    return errors[:MAX_ERRORS]


def _table_errors(
    name: str, schema: dict[str, Any], header: list[str], rows: list[list[str]]
) -> list[str]:
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    if header != names:
        return [f"{name}: label-error: header {header} is not the fields {names}"]
    missing = set(schema.get("missingValues", [""]))
    primary = [names.index(k) for k in schema.get("primaryKey", [])]
    checks = [_field_check(f, index in primary) for index, f in enumerate(fields)]
    unique = [i for i, f in enumerate(fields) if f.get("constraints", {}).get("unique")]
    if _all_valid(rows, len(names), checks, missing, primary, unique):
        return []
    seen_keys: set[tuple[str, ...]] = set()
    seen_unique: dict[int, set[str]] = {i: set() for i in unique}
    errors: list[str] = []
    for number, row in enumerate(rows, start=2):
        if len(row) != len(names):
            errors.append(f"{name}:{number}: row has {len(row)} cells for {len(names)} fields")
            continue
        for index, value in enumerate(row):
            problem = checks[index](None if value in missing else value)
            if problem:
                errors.append(f"{name}:{number}: {names[index]}: {problem}")
        if primary:
            key = tuple(row[i] for i in primary)
            if key in seen_keys:
                errors.append(f"{name}:{number}: primary-key-error: {key} is repeated")
            seen_keys.add(key)
        for index in unique:
            value = row[index]
            if value not in missing:
                if value in seen_unique[index]:
                    errors.append(f"{name}:{number}: unique-error: {names[index]} {value!r}")
                seen_unique[index].add(value)
        if len(errors) >= MAX_ERRORS:
            break
    return errors


def _all_valid(
    rows: list[list[str]],
    width: int,
    checks: list[Any],
    missing: set[str],
    primary: list[int],
    unique: list[int],
) -> bool:
    """Whether the rows break no rule, checking each column's distinct values once: codes,
    names and years repeat down a column, so this is most of a table's cells skipped. Any
    doubt and the caller goes row by row, which names every error's row."""
    if any(len(row) != width for row in rows):
        return False
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in checks]
    for check, column in zip(checks, columns, strict=True):
        if any(check(None if value in missing else value) for value in set(column)):
            return False
    if primary and len(set(zip(*(columns[i] for i in primary), strict=True))) != len(rows):
        return False
    for index in unique:
        present = [value for value in columns[index] if value not in missing]
        if len(set(present)) != len(present):
            return False
    return True


def _field_check(field: dict[str, Any], in_primary_key: bool) -> Any:
    """One closure per field, so the per-cell work is a few comparisons."""
    kind = field["type"]
    constraints = field.get("constraints", {})
    required = bool(constraints.get("required")) or in_primary_key
    enum = set(map(str, constraints["enum"])) if "enum" in constraints else None
    pattern = re.compile(constraints["pattern"]) if "pattern" in constraints else None
    minimum = Decimal(str(constraints["minimum"])) if "minimum" in constraints else None
    if kind not in ("string", "integer", "number"):
        raise ValueError(f"field {field['name']}: type {kind} is not checked here")

    def check(value: str | None) -> str | None:
        if value is None:
            return "constraint-error: required" if required else None
        if kind == "integer" and not INTEGER.fullmatch(value):
            return f"type-error: {value!r} is not an integer"
        if kind == "number" and not NUMBER.fullmatch(value):
            return f"type-error: {value!r} is not a number"
        if enum is not None and value not in enum:
            return f"constraint-error: {value!r} is not in the enum"
        if pattern is not None and not pattern.fullmatch(value):
            return f"constraint-error: {value!r} does not match {pattern.pattern}"
        if minimum is not None:
            try:
                if Decimal(value) < minimum:
                    return f"constraint-error: {value} < minimum {minimum}"
            except InvalidOperation:
                return f"type-error: {value!r}"
        return None

    return check


def _foreign_key_errors(
    resource: dict[str, Any], tables: dict[str, tuple[list[str], list[list[str]]]]
) -> list[str]:
    errors: list[str] = []
    header, rows = tables[resource["name"]]
    for key in resource["schema"].get("foreignKeys", []):
        target_name = key["reference"]["resource"] or resource["name"]
        if target_name not in tables:
            errors.append(f"{resource['name']}: foreign-key-error: no resource {target_name}")
            continue
        target_header, target_rows = tables[target_name]
        target = [target_header.index(f) for f in key["reference"]["fields"]]
        known = {tuple(row[i] for i in target) for row in target_rows}
        own = [header.index(f) for f in key["fields"]]
        if all(len(row) == len(header) for row in rows) and _references_known(rows, own, known):
            continue  # every reference resolves: no row to name
        for number, row in enumerate(rows, start=2):
            values = tuple(row[i] for i in own)
            if any(v == "" for v in values):
                continue
            if values not in known:
                errors.append(
                    f"{resource['name']}:{number}: foreign-key-error: {values} not in {target_name}"
                )
    return errors


def _references_known(rows: list[list[str]], own: list[int], known: set[tuple[str, ...]]) -> bool:
    """Whether each distinct reference (blank parts skipped, as the row loop does) is known."""
    values = {tuple(row[i] for i in own) for row in rows}
    return all(v in known or "" in v for v in values)
