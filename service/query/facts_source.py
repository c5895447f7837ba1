"""A department package read for the facts index (facts_index.py): its cube tables, the
labels of its own codes, and every fact as a row, each amount checked exact to 10^-4 yuan.

Observations are named as service.rdf.cube names them (row keys from the tables' codes), so
the index's facts carry the same IRIs as the store's. A package's key is a hash of the files
it is read from and of the code that reads them: an index can take over the rows of a
package whose key did not change from the previous build's.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import compress, count
from operator import itemgetter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson

from service import vocab
from service.errors import PackageError
from service.rdf.analysis import published
from service.rdf.cube import CODES, TOTAL_CODE, cube_tables, row_keys

SCALE = 4  # amounts are stored in units of 10^-4 yuan
MAX_UNITS = 2**63 - 1
FACT_FIELDS = (  # facts.csv columns of the stored codes, in the order of the table
    "functional_code",
    "economic_departmental_code",
    "economic_government_code",
    "expenditure_type",
    "fund_source",
    "row_type",
    "operation_character",
    "project_code",
)
CODE_LISTS = {  # a package's own code lists → scheme (codes the vocabulary lacks)
    "functional_classification": "functional",
    "economic_classification_departmental": "economic-departmental",
    "economic_classification_government": "economic-government",
    "projects": "project",
}
ROW_WIDTH = 2 + len(FACT_FIELDS) + 4  # a PackageFacts row: table, year, codes, column… obs
AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]{1,4})?")


def units(text: str, where: str) -> int:
    """An amount as an exact integer of 10^-4 yuan, or a PackageError naming file and line."""
    if AMOUNT.fullmatch(text) and len(text) < 15:  # the usual 1485300.00, without Decimal
        whole, _, fraction = text.partition(".")
        return int(whole + fraction.ljust(SCALE, "0"))
    try:  # Decimal also takes " 1_000 ", which a CSV number is not
        amount = Decimal("NaN" if "_" in text or text != text.strip() else text)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise PackageError(f"{where}: amount {text!r} is not a number")
    sign, digits, exponent = amount.as_tuple()
    value = int("".join(map(str, digits)) or "0")
    shift = int(exponent) + SCALE
    if shift < 0 and value % 10**-shift:
        raise PackageError(f"{where}: amount {text!r} has more than {SCALE} decimal places")
    value = value * 10**shift if shift >= 0 else value // 10**-shift
    if value > MAX_UNITS:
        raise PackageError(f"{where}: amount {text!r} is too large for the facts index")
    return -value if sign else value


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """The code that turns a package into rows (this module, the index's, the row keys) and
    the vocabulary (which codes a package must label itself): a change makes every key new."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    code = [Path(__file__), Path(__file__).with_name("facts_index.py")]
    code += [root / "rdf" / "cube.py", root / "rdf" / "analysis.py"]
    for path in [*code, *sorted(vocab.VOCAB_DIR.rglob("*.ttl"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def package_key(package: Path) -> str:
    """What a package's rows are made from: its descriptor (which holds every file's sha256)
    and the code, and each data file as it sits on disk (size, modification time, inode): a
    file rewritten in any way, even with a hash its descriptor does not state, makes a new
    key, and a thousand unchanged packages cost a few stats each, not a hash of every file."""
    digest = hashlib.sha256(fingerprint().encode())
    digest.update((package / "datapackage.json").read_bytes())
    for path in sorted((package / "data").iterdir()):
        stat = path.stat()
        digest.update(f"\0{path.name} {stat.st_size} {stat.st_mtime_ns} {stat.st_ino}".encode())
    return digest.hexdigest()


def _csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of a CSV file: the line where the row ends, for error messages."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        for values in reader:
            yield reader.line_num, dict(zip(header, values, strict=False))


@lru_cache(maxsize=65536)
def _segment(key: str) -> str:
    return quote(key, safe="-_.")


@dataclass
class PackageFacts:
    """What one package gives the index."""

    slug: str
    department: str
    tables: list[tuple[str, str]]  # (cube, title): its tables', then its analyses'
    labels: list[tuple[str, str, str]]  # (scheme, code, zh label) of its own codes
    rows: list[tuple[Any, ...]]  # a facts row, with the cube's name where its id goes


def package_facts(package: Path) -> PackageFacts:
    """Read one package: its tables' facts, then each analysis data set's leaves again as
    the facts of its analysis cube (named as service.rdf.analysis names them: the same key
    and column under .../analysis/<name>/obs/), so that a cube's plain sum never counts one
    amount twice."""
    descriptor = orjson.loads((package / "datapackage.json").read_bytes())
    wanted = published(descriptor)
    found, leaves = _table_facts(package, descriptor, wanted)
    for name, entry in wanted.items():
        if name in leaves:
            found.tables.append((name, str(entry.get("title") or name)))
            found.rows.extend([(name, *found.rows[n][1:]) for n in leaves[name]])
    return found


def _table_facts(
    package: Path, descriptor: dict, wanted: dict[str, dict]
) -> tuple[PackageFacts, dict[str, list[int]]]:
    """Read one package: its descriptor, code lists, tables (for the observations' row keys,
    as service.rdf.cube mints them) and facts.csv, every amount checked exact; with the
    facts that are leaves of each `wanted` analysis (facts.csv `analysis`), by position."""
    slug, department = str(descriptor["name"]), str(descriptor["department"])
    if slug != package.name:
        raise PackageError(f"{package}: descriptor name {slug!r} is not the folder name")
    resources = {r["name"]: r for r in descriptor["resources"] if r.get("format") == "csv"}
    kinds = {name: resources[name] for name in cube_tables(descriptor)}
    titles = [(n, str(r.get("title", n))) for n, r in kinds.items()]
    found = PackageFacts(slug, department, titles, [], [])
    for name, scheme in CODE_LISTS.items():
        known = vocab.labels(scheme) if scheme != "project" else {}
        for _, row in _csv(package / resources[name]["path"]) if name in resources else ():
            if row["code"] not in known:
                found.labels.append((scheme, row["code"], row.get("name") or row["code"]))
    segments = _Segments()
    for name, resource in kinds.items():
        _segments(package / resource["path"], name, segments)
    if "facts" not in resources:
        raise PackageError(f"{package}: no facts resource (data/facts.csv)")
    rows, leaves = _facts(package / resources["facts"]["path"], kinds, segments, wanted)
    _mark_totals(rows)
    found.rows.extend(rows)
    return found, leaves


class _Segments(dict[tuple[str, str], str]):
    """(table, source_line) → the IRI segment of its observations after .../obs/, from the
    row keys of the table's codes (service.rdf.cube.row_keys); line<n> for a line its table
    does not print, as Minter mints them."""

    def __missing__(self, key: tuple[str, str]) -> str:
        return _segment(f"line{key[1]}")


def _segments(table: Path, name: str, into: _Segments) -> None:
    with table.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        keys = row_keys([dict(zip(header, values, strict=False)) for values in reader])
    into.update(((name, line), _segment(key)) for line, key in keys.items())


FACTS_AT = ("table", "source_line", "fiscal_year", "column", *FACT_FIELDS, "printed_amount")


def _facts(
    facts_csv: Path, kinds: dict[str, Any], segments: _Segments, wanted: dict[str, Any]
) -> tuple[list[tuple[Any, ...]], dict[str, list[int]]]:
    """facts.csv's facts of the package's tables (as in the store: only facts of a table
    have a tableKind), every amount checked exact, with where the leaves of each `wanted`
    analysis are among them: read column by column in C (~10^6 rows a corpus); when a line
    is bad, facts.csv is read again row by row for the error that names it (_first_error)."""
    with facts_csv.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)  # tuples, not dicts
        header = next(reader, [])
        try:
            at = [header.index(n) for n in FACTS_AT]
            of = header.index("analysis") if "analysis" in header else None
        except ValueError as error:
            raise PackageError(f"{facts_csv}:1: {error}") from None
        lines = list(reader)
    try:
        return _columns(lines, len(header), at, of, kinds, segments, wanted)
    except (PackageError, ValueError):
        _first_error(facts_csv, kinds)
        raise


def _columns(
    lines: list[list[str]],
    width: int,
    at: list[int],
    of: int | None,
    kinds: dict[str, Any],
    segments: _Segments,
    wanted: dict[str, Any],
) -> tuple[list[tuple[Any, ...]], dict[str, list[int]]]:
    table_at, number_at, year_at, column_at, *codes, amount_at = at
    if set(map(len, lines)) - {width}:
        raise PackageError("a line has another number of fields")
    lines = list(compress(lines, map(kinds.__contains__, map(itemgetter(table_at), lines))))
    if not lines:
        return [], {}
    columns = list(zip(*lines, strict=True))
    tables, numbers, years = columns[table_at], columns[number_at], columns[year_at]
    if not all(map(str.isdigit, numbers)) or not all(map(str.isdigit, years)):
        raise PackageError("a line's source_line or fiscal_year is not a number")
    if set(map(len, years)) != {4}:
        raise PackageError("a line's fiscal_year is not a year")
    amounts = {text: units(text, "") for text in set(columns[amount_at])}  # repeated
    observations = map(segments.__getitem__, zip(tables, numbers, strict=True))
    rows = list(
        zip(
            tables,
            years,
            *(columns[i] for i in codes),
            columns[column_at],
            map(amounts.__getitem__, columns[amount_at]),
            map(int, numbers),
            map("{}/{}".format, observations, columns[column_at]),
            strict=True,
        )
    )
    leaves: dict[str, list[int]] = {}
    if of is not None:
        names = columns[of]
        for n in compress(count(), map(wanted.__contains__, names)):
            leaves.setdefault(names[n], []).append(n)
    return rows, leaves


def _first_error(facts_csv: Path, kinds: dict[str, Any]) -> None:
    """Raise the error of facts.csv's first bad line, read row by row (csv.reader counts the
    lines); return when none is."""
    with facts_csv.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        table, line, year, amount = (
            header.index(n) for n in ("table", "source_line", "fiscal_year", "printed_amount")
        )
        for values in reader:
            where = f"{facts_csv}:{reader.line_num}"
            if len(values) != len(header):
                raise PackageError(f"{where}: {len(values)} fields, expected {len(header)}")
            if values[table] not in kinds:
                continue
            number, fiscal_year = values[line], values[year]
            if not (number.isdigit() and fiscal_year.isdigit() and len(fiscal_year) == 4):
                raise PackageError(f"{where}: source_line {number!r}, fiscal_year {fiscal_year!r}")
            units(values[amount], where)
            int(number)


# a row's code columns: where each facts.csv field of service.rdf.cube.CODES is in a row
_CODE_AT = {field: 2 + FACT_FIELDS.index(field) for field, _, _ in CODES}
_SCHEME = {field: scheme for field, _, scheme in CODES}
_ROW_TYPE = 2 + FACT_FIELDS.index("row_type")


def _mark_totals(rows: list[tuple[Any, ...]]) -> None:
    """A total row's code, in each classification its table's other rows print, is the
    list's total concept, as service.rdf.cube states it (summed_over, TOTAL_CODE): which
    classifications a table prints is read from the distinct (table, row type, codes
    printed or not) of its rows, column by column in C (~10^6 rows a corpus)."""
    fields = list(_CODE_AT.items())
    shapes = set(
        zip(
            map(itemgetter(0), rows),
            map(itemgetter(_ROW_TYPE), rows),
            *(map(bool, map(itemgetter(i), rows)) for _, i in fields),
            strict=True,
        )
    )
    printed: dict[str, set[str]] = {}
    for table, row_type, *shown in shapes:
        if row_type != "total":
            printed.setdefault(table, set()).update(
                f for (f, _), s in zip(fields, shown, strict=True) if s
            )
    for n, row in enumerate(rows):
        if row[_ROW_TYPE] == "total":
            values = list(row)
            for field, i in fields:
                if not row[i] and field in printed.get(row[0], ()):
                    values[i] = TOTAL_CODE[_SCHEME[field]]
            rows[n] = tuple(values)
