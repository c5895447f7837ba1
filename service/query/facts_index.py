"""The aggregate API's facts, precomputed at build time in SQLite (stdlib sqlite3).

At 28M triples a SPARQL aggregate joins a dozen patterns per fact and takes seconds, behind
the query runner's lock. Here every fact is one row with each cube dimension as a plain
column, so an aggregate is one indexed GROUP BY (tens of ms over ~100k facts) that needs
neither the store nor the runner. Labels are in the file too: a request asks nothing else.

The file is written beside the store in its build folder (stores/<build>/facts.sqlite), so
the symlink swap that moves the service to a new store moves it to the new index as well.
Amounts are INTEGER units of 0.0001 yuan: sums are exact, and SQLite's integer sum() raises
on overflow rather than turning to floats (so never total() or avg()).
"""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from service import vocab
from service.errors import PackageError
from service.query.cubes import DIMENSIONS, Groups
from service.rdf.cube import NON_TABLES, row_keys

FILENAME = "facts.sqlite"
SCALE = 4  # amounts are stored in units of 10^-4 yuan
MAX_UNITS = 2**63 - 1
FORMAT = "2"  # bump when the schema changes

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE cubes (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
  tables INTEGER NOT NULL) STRICT;
CREATE TABLE datasets (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE,
  department TEXT NOT NULL) STRICT;
CREATE TABLE labels (scheme TEXT NOT NULL, key TEXT NOT NULL, label TEXT NOT NULL,
  PRIMARY KEY (scheme, key)) STRICT, WITHOUT ROWID;
CREATE TABLE facts (cube INTEGER NOT NULL, ds INTEGER NOT NULL, year TEXT NOT NULL,
  functional TEXT NOT NULL, economic TEXT NOT NULL, economic_government TEXT NOT NULL,
  expenditure_type TEXT NOT NULL, fund_source TEXT NOT NULL, row_type TEXT NOT NULL,
  operation_character TEXT NOT NULL, project TEXT NOT NULL, col TEXT NOT NULL,
  amount INTEGER NOT NULL, line INTEGER NOT NULL, obs TEXT NOT NULL) STRICT;
"""
# Made after the rows are in (one sort, not a b-tree kept up to date). The first serves the
# default cut (item rows, main column) with or without a year, the second a cut by dataset
# or department, the last the facts' default order: datasets are numbered in the order of
# their IRIs, so (ds, obs) sorts as the observation IRIs do.
INDEXES = """
CREATE INDEX facts_cut ON facts (cube, row_type, col, year);
CREATE INDEX facts_obs ON facts (cube, ds, obs);
CREATE TABLE shapes AS SELECT DISTINCT cube, col, row_type FROM facts;
ANALYZE;
"""
# dimension → SQL expression of its key; "" is the not-applicable group, as in the SPARQL
COLUMNS = {
    "year": "f.year",
    "department": "d.department",
    "dataset": "d.slug",
    "functional": "f.functional",
    "economic": "f.economic",
    "economic_government": "f.economic_government",
    "expenditure_type": "f.expenditure_type",
    "fund_source": "f.fund_source",
    "row_type": "f.row_type",
    "operation_character": "f.operation_character",
    "project": "f.project",
    "column": "f.col",
}
# a class or subclass is the first digits of its classification's code, as in cubes.py
CODED = {d.prop: COLUMNS[d.name] for d in DIMENSIONS.values() if d.prop and not d.length}
KEYS = {
    name: f"substr({CODED[d.prop]}, 1, {d.length})" if d.length else COLUMNS[name]
    for name, d in DIMENSIONS.items()
}
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
AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]{1,4})?")


# --- writing ---------------------------------------------------------------------------------


def units(text: str, where: str) -> int:
    """An amount as an exact integer of 10^-4 yuan, or a PackageError naming file and line."""
    if AMOUNT.fullmatch(text) and len(text) < 15:  # the usual 1485300.00, without Decimal
        whole, _, fraction = text.partition(".")
        return int(whole + fraction.ljust(SCALE, "0"))
    try:
        amount = Decimal(text)
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


def decimal_text(value: int | None) -> str:
    """Units back to the canonical decimal (no trailing zeros), as the store writes sums."""
    amount = Decimal(value or 0).scaleb(-SCALE).normalize()
    return f"{amount:f}"


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
    tables: list[tuple[str, str]]  # (cube, title)
    labels: list[tuple[str, str, str]]  # (scheme, code, zh label) of its own codes
    rows: list[tuple[Any, ...]]  # a facts row, with the cube's name where its id goes


def package_facts(package: Path) -> PackageFacts:
    """Read one package: its descriptor, code lists, tables (for the observations' row keys,
    as service.rdf.cube mints them) and facts.csv, every amount checked exact."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    slug, department = str(descriptor["name"]), str(descriptor["department"])
    if slug != package.name:
        raise PackageError(f"{package}: descriptor name {slug!r} is not the folder name")
    resources = {r["name"]: r for r in descriptor["resources"] if r.get("format") == "csv"}
    kinds = {name: r for name, r in resources.items() if name not in NON_TABLES}
    found = PackageFacts(
        slug, department, [(n, str(r.get("title", n))) for n, r in kinds.items()], [], []
    )
    for name, scheme in CODE_LISTS.items():
        known = vocab.labels(scheme) if scheme != "project" else {}
        for _, row in _csv(package / resources[name]["path"]) if name in resources else ():
            if row["code"] not in known:
                found.labels.append((scheme, row["code"], row.get("name") or row["code"]))
    keys = {n: row_keys([row for _, row in _csv(package / r["path"])]) for n, r in kinds.items()}
    facts_csv = package / resources["facts"]["path"]
    with facts_csv.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)  # tuples, not dicts: ~10^6 rows a corpus
        header = next(reader, [])
        try:
            at = [header.index(n) for n in ("table", "source_line", "fiscal_year", "column")]
            codes = [header.index(n) for n in FACT_FIELDS]
            amount = header.index("amount")
        except ValueError as error:
            raise PackageError(f"{facts_csv}:1: {error}") from None
        for values in reader:
            table, number, year, column = (values[i] for i in at)
            if table not in kinds:  # as in the store: only facts of a table have a tableKind
                continue
            found.rows.append(
                (
                    table,
                    year if year.isdigit() and year[0] != "0" else str(int(year)),
                    *(values[i] for i in codes),
                    column,
                    units(values[amount], f"{facts_csv}:{reader.line_num}"),
                    int(number),
                    # the observation's IRI after .../table/<cube>/obs/, as Minter mints it
                    f"{_segment(keys[table].get(number, f'line{number}'))}/{column}",
                )
            )
    return found


def write_index(packages: Iterable[Path], path: Path, base: str, *, jobs: int | None = None) -> int:
    """Write the index of every package's facts to `path` (a temporary file renamed into
    place, so readers never see half an index and a failure leaves none); returns the rows.
    A package whose amounts are not exact to 10^-4 yuan stops it with a PackageError."""
    ordered = sorted(packages, key=lambda p: p.name + "/")  # the order of the dataset IRIs
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    total = 0
    try:
        db = sqlite3.connect(temporary, isolation_level=None)
        try:
            db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
            db.execute("BEGIN")
            cubes: dict[str, tuple[int, list[str]]] = {}
            labels: dict[tuple[str, str], str] = {}
            for ds, found in enumerate(map(package_facts, ordered), start=1):
                db.execute(
                    "INSERT INTO datasets VALUES (?, ?, ?)", (ds, found.slug, found.department)
                )
                for cube, title in found.tables:
                    cubes.setdefault(cube, (len(cubes) + 1, []))[1].append(title)
                for scheme, code, label in found.labels:  # the first package to name it wins
                    labels.setdefault((scheme, code), label)
                db.executemany(
                    f"INSERT INTO facts VALUES ({', '.join('?' * 15)})",
                    [(cubes[row[0]][0], ds, *row[1:]) for row in found.rows],
                )
                total += len(found.rows)
            for scheme in {d.scheme for d in DIMENSIONS.values() if d.scheme}:
                for code, names in vocab.labels(scheme).items():
                    if "zh" in names:
                        labels.setdefault((scheme, code), names["zh"])
            db.executemany(
                "INSERT INTO labels VALUES (?, ?, ?)", [(*k, v) for k, v in labels.items()]
            )
            db.executemany(
                "INSERT INTO cubes VALUES (?, ?, ?, ?)",
                [(i, name, min(titles), len(titles)) for name, (i, titles) in cubes.items()],
            )
            meta = {"base": base, "format": FORMAT, "rows": str(total)}
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            for statement in filter(str.strip, INDEXES.split(";")):
                db.execute(statement)
            db.execute("COMMIT")
        finally:
            db.close()
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return total


# --- reading ---------------------------------------------------------------------------------


def index_path(data_dir: Path) -> Path | None:
    """The current build's index (DATA_DIR/store → stores/<build>), if that build has one."""
    path = (data_dir / "store").resolve() / FILENAME
    return path if path.is_file() else None


def connect(path: Path) -> sqlite3.Connection:
    """Read-only: the file never changes once renamed in (a new build writes a new one)."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    db.execute("PRAGMA query_only = ON")
    return db


def cube_list(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every table kind with a title and how many datasets publish it."""
    rows = db.execute("SELECT name, title, tables FROM cubes ORDER BY name")
    return [{"name": n, "title": t, "tables": c} for n, t, c in rows]


def cube_shape(db: sqlite3.Connection, cube: str) -> tuple[str, set[str], set[str]] | None:
    """A cube's title and the columns and row types its facts have (None: no such cube)."""
    found = db.execute("SELECT id, title FROM cubes WHERE name = ?", (cube,)).fetchone()
    if found is None:
        return None
    shape = db.execute("SELECT col, row_type FROM shapes WHERE cube = ?", (found[0],)).fetchall()
    return found[1], {c for c, _ in shape}, {r for _, r in shape}


FROM = "facts AS f CROSS JOIN datasets AS d ON d.id = f.ds"  # facts first: the cuts' indexes


def _where(cube: str, cuts: dict[str, list[str]]) -> tuple[str, list[str]]:
    """WHERE on the indexed columns; a dataset or department cut becomes their numbers."""
    clauses, values = ["f.cube = (SELECT id FROM cubes WHERE name = ?)"], [cube]
    by_dataset = "dataset" in cuts or "department" in cuts
    for name, wanted in cuts.items():
        marks = ", ".join("?" * len(wanted))
        if name in ("dataset", "department"):
            column = "slug" if name == "dataset" else name
            clauses.append(f"f.ds IN (SELECT id FROM datasets WHERE {column} IN ({marks}))")
        else:  # a few datasets are fewer facts than any row type: "+" keeps the planner off
            clauses.append(f"{'+' if by_dataset else ''}{KEYS[name]} IN ({marks})")
        values.extend(wanted)
    return " AND ".join(clauses), values


def _key(name: str, value: str) -> str | None:
    """The SPARQL answer's key: no project is unbound (None), other not-applicables are ""."""
    return None if name == "project" and not value else value


def aggregate(
    db: sqlite3.Connection,
    cube: str,
    dims: list[str],
    cuts: dict[str, list[str]],
    order: list[tuple[str, str]],
    limit: int,
    offset: int,
) -> Groups:
    """One page of groups with the count of groups and the exact summary of all of them."""
    where, values = _where(cube, cuts)
    keys = [f"{KEYS[d]} AS k{i}" for i, d in enumerate(dims)]
    if not dims:  # no GROUP BY: one group, even of no facts (sum 0), as in SPARQL
        total, count = db.execute(
            f"SELECT sum(f.amount), count(*) FROM {FROM} WHERE {where}", values
        ).fetchone()
        rows = [{"sum": decimal_text(total), "count": count}][offset : offset + limit]
        return Groups(rows, 1, decimal_text(total), count)
    alias = {"amount.sum": "s", "_count": "c"} | {d: f"k{i}" for i, d in enumerate(dims)}
    sort = [f"{alias[n]} {d.upper()}" for n, d in order]
    sort += [f"k{i} ASC" for i, d in enumerate(dims) if d not in dict(order)]  # ties: stable
    group = ", ".join(f"k{i}" for i in range(len(dims)))
    found = db.execute(
        f"SELECT {', '.join(keys)}, sum(f.amount) AS s, count(*) AS c, count(*) OVER (), "
        f"sum(sum(f.amount)) OVER (), sum(count(*)) OVER () FROM {FROM} WHERE {where} "
        f"GROUP BY {group} ORDER BY {', '.join(sort)} LIMIT ? OFFSET ?",
        [*values, limit, offset],
    ).fetchall()
    if found:
        cells, total, count = found[0][-3:]
    else:  # a page past the end still says how many groups there are and their sum
        cells, total, count = db.execute(
            f"SELECT count(*), sum(s), sum(c) FROM (SELECT sum(f.amount) AS s, count(*) AS c "
            f"FROM {FROM} WHERE {where} GROUP BY {', '.join(KEYS[d] for d in dims)})",
            values,
        ).fetchone()
    rows = [
        {
            **{f"{d}_key": _key(d, row[i]) for i, d in enumerate(dims)},
            "sum": decimal_text(row[len(dims)]),
            "count": row[len(dims) + 1],
        }
        for row in found
    ]
    return Groups(rows, cells, decimal_text(total) if cells else "0", count or 0)


def members(
    db: sqlite3.Connection,
    cube: str,
    dimension: str,
    cuts: dict[str, list[str]],
    direction: str,
    limit: int,
    offset: int,
) -> list[dict[str, Any]]:
    where, values = _where(cube, cuts)
    rows = db.execute(
        f"SELECT {KEYS[dimension]} AS k, count(*) FROM {FROM} WHERE {where} "
        f"GROUP BY k ORDER BY k {direction.upper()} LIMIT ? OFFSET ?",
        [*values, limit, offset],
    )
    return [{f"{dimension}_key": _key(dimension, k), "count": c} for k, c in rows]


def facts(
    db: sqlite3.Connection,
    cube: str,
    cuts: dict[str, list[str]],
    order: list[tuple[str, str]],
    limit: int,
    offset: int,
) -> list[dict[str, Any]]:
    """Facts in the order asked for, then by observation IRI (the default order)."""
    where, values = _where(cube, cuts)
    base = db.execute("SELECT value FROM meta WHERE key = 'base'").fetchone()[0]
    sort = [f"{KEYS[n]} {d.upper()}" for n, d in order]
    names = list(DIMENSIONS)
    slug = names.index("dataset") + 1
    found = db.execute(
        f"SELECT f.obs, {', '.join(KEYS[n] for n in names)}, f.amount, f.line FROM {FROM} "
        f"WHERE {where} ORDER BY {', '.join([*sort, 'f.ds', 'f.obs'])} LIMIT ? OFFSET ?",
        [*values, limit, offset],
    )
    return [
        {
            "obs": f"{base}dataset/{row[slug]}/table/{cube}/obs/{row[0]}",
            **{f"{n}_key": _key(n, row[i + 1]) for i, n in enumerate(names)},
            "amount": decimal_text(row[-2]),
            "line": row[-1],
        }
        for row in found
    ]


def labels(db: sqlite3.Connection, dimension: str, keys: list[str]) -> dict[str, str]:
    """zh labels of the keys one page returned, read from the index (no store query)."""
    dim = DIMENSIONS[dimension]
    scheme = "project" if dimension == "project" else dim.scheme
    wanted = sorted({k for k in keys if k})
    if scheme is None or not wanted:
        return {}
    rows = db.execute(
        f"SELECT key, label FROM labels WHERE scheme = ? AND key IN "
        f"({', '.join('?' * len(wanted))})",
        [scheme, *wanted],
    )
    return dict(rows.fetchall())
