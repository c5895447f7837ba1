"""The aggregate API's facts, precomputed at build time in SQLite (stdlib sqlite3).

At 28M triples a SPARQL aggregate joins a dozen patterns per fact and takes seconds, behind
the query runner's lock. Here every fact is one row with each cube dimension as a plain
column, so an aggregate is one indexed GROUP BY (tens of ms over ~100k facts) that needs
neither the store nor the runner. Labels are in the file too: a request asks nothing else.
The leaves of an analysis data set are rows twice: in their table's cube and in their
analysis kind's (cubes.kind 'analysis'), cubes that add up without a cut.

The file is written beside the store in its build folder (stores/<build>/facts.sqlite), so
the symlink swap that moves the service to a new store moves it to the new index as well.
Amounts are INTEGER units of 0.0001 yuan: sums are exact, and SQLite's integer sum() raises
on overflow rather than turning to floats (so never total() or avg()).

Packages are read by facts_source.py (~4 s of CPU for 1,000); a rebuild copies the rows of the
packages whose files did not change from the previous build's index (~4 s for 1,000).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from service.query.cubes import DIMENSIONS, Groups, cube_kind
from service.query.facts_source import SCALE

FILENAME = "facts.sqlite"
FORMAT = "4"  # bump when the schema changes: an index of another format is not reused

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE cubes (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
  tables INTEGER NOT NULL, kind TEXT NOT NULL) STRICT;
CREATE TABLE datasets (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE,
  department TEXT NOT NULL, key TEXT NOT NULL) STRICT;
CREATE TABLE dataset_tables (ds INTEGER NOT NULL, cube TEXT NOT NULL, title TEXT NOT NULL,
  PRIMARY KEY (ds, cube)) STRICT, WITHOUT ROWID;
CREATE TABLE dataset_labels (ds INTEGER NOT NULL, scheme TEXT NOT NULL, key TEXT NOT NULL,
  label TEXT NOT NULL, PRIMARY KEY (ds, scheme, key)) STRICT, WITHOUT ROWID;
CREATE TABLE labels (scheme TEXT NOT NULL, key TEXT NOT NULL, label TEXT NOT NULL,
  PRIMARY KEY (scheme, key)) STRICT, WITHOUT ROWID;
CREATE TABLE facts (cube INTEGER NOT NULL, ds INTEGER NOT NULL, year TEXT NOT NULL,
  functional TEXT NOT NULL, economic TEXT NOT NULL, economic_government TEXT NOT NULL,
  expenditure_type TEXT NOT NULL, fund_source TEXT NOT NULL, row_type TEXT NOT NULL,
  operation_character TEXT NOT NULL, project TEXT NOT NULL, col TEXT NOT NULL,
  amount INTEGER NOT NULL, line INTEGER NOT NULL, obs TEXT NOT NULL) STRICT;
"""
COPIED = """year, functional, economic, economic_government, expenditure_type, fund_source,
  row_type, operation_character, project, col, amount, line, obs"""  # facts after cube, ds
# Made after the rows are in (one sort, not a b-tree kept up to date). The first serves the
# default cut (item rows, main column) with or without a year, and holds what the common
# drilldowns need (classifications, dataset, amount: twice as fast as reading the rows); the
# second serves a cut by dataset or department and the facts' default order: datasets are
# numbered in the order of their IRIs, so (ds, obs) sorts as the observation IRIs do.
INDEXES = """
CREATE INDEX facts_cut ON facts (cube, row_type, col, year, functional, economic, ds, amount);
CREATE INDEX facts_obs ON facts (cube, ds, obs);
CREATE TABLE shapes AS SELECT DISTINCT cube, col, row_type FROM facts;
ANALYZE main;
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


# --- writing ---------------------------------------------------------------------------------


def decimal_text(value: int | None) -> str:
    """Units back to the canonical decimal (no trailing zeros), as the store writes sums."""
    amount = Decimal(value or 0).scaleb(-SCALE).normalize()
    return f"{amount:f}"


# --- reading ---------------------------------------------------------------------------------


def index_path(data_dir: Path) -> Path | None:
    """The current build's index (DATA_DIR/store → stores/<build>), if that build has one."""
    path = (data_dir / "store").resolve() / FILENAME
    return path if path.is_file() else None


def connect(path: Path) -> sqlite3.Connection:
    """Read-only: the file never changes once renamed in (a new build writes a new one).
    A 256 KiB page cache, not SQLite's 2 MiB, for each worker thread's connection: the OS
    keeps the file's pages anyway (five drilldowns on the 1,000-document index took the same
    time, 11-132 ms, and the process 1-3 MiB less)."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    db.execute("PRAGMA query_only = ON")
    db.execute("PRAGMA cache_size = -256")
    return db


def readable(db: sqlite3.Connection) -> None:
    """sqlite3.DatabaseError unless every table gives a row (cheap: one page each). A file
    overwritten or cut short fails here, not in the middle of an answer."""
    for table in ("meta", "cubes", "datasets", "labels", "facts", "shapes"):
        db.execute(f"SELECT * FROM {table} LIMIT 1").fetchall()


def cube_list(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every table kind and analysis kind with a title and how many datasets publish it."""
    rows = db.execute("SELECT name, title, tables, kind FROM cubes ORDER BY name")
    return [{"name": n, "title": t, "tables": c, "kind": k} for n, t, c, k in rows]


def cube_shape(db: sqlite3.Connection, cube: str) -> tuple[str, set[str], set[str]] | None:
    """A cube's title and the columns and row types its facts have (None: no such cube)."""
    found = db.execute("SELECT id, title FROM cubes WHERE name = ?", (cube,)).fetchone()
    if found is None:
        return None
    shape = db.execute("SELECT col, row_type FROM shapes WHERE cube = ?", (found[0],)).fetchall()
    return found[1], {c for c, _ in shape}, {r for _, r in shape}


def _from(names: Iterable[str]) -> str:
    """The facts, joined to their datasets only when a key is the dataset's or department
    (a third of an aggregate's time otherwise); CROSS JOIN keeps facts first (the cuts')."""
    joined = {"dataset", "department"} & set(names)
    return "facts AS f" + (" CROSS JOIN datasets AS d ON d.id = f.ds" if joined else "")


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
            f"SELECT sum(f.amount), count(*) FROM {_from(dims)} WHERE {where}", values
        ).fetchone()
        rows = [{"sum": decimal_text(total), "count": count}][offset : offset + limit]
        return Groups(rows, 1, decimal_text(total), count)
    alias = {"amount.sum": "s", "_count": "c"} | {d: f"k{i}" for i, d in enumerate(dims)}
    sort = [f"{alias[n]} {d.upper()}" for n, d in order]
    sort += [f"k{i} ASC" for i, d in enumerate(dims) if d not in dict(order)]  # ties: stable
    group = ", ".join(f"k{i}" for i in range(len(dims)))
    found = db.execute(
        f"SELECT {', '.join(keys)}, sum(f.amount) AS s, count(*) AS c, count(*) OVER (), "
        f"sum(sum(f.amount)) OVER (), sum(count(*)) OVER () FROM {_from(dims)} WHERE {where} "
        f"GROUP BY {group} ORDER BY {', '.join(sort)} LIMIT ? OFFSET ?",
        [*values, limit, offset],
    ).fetchall()
    if found:
        cells, total, count = found[0][-3:]
    else:  # a page past the end still says how many groups there are and their sum
        cells, total, count = db.execute(
            f"SELECT count(*), sum(s), sum(c) FROM (SELECT sum(f.amount) AS s, count(*) AS c "
            f"FROM {_from(dims)} WHERE {where} GROUP BY {', '.join(KEYS[d] for d in dims)})",
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
    """A dimension's keys in a cube with how many facts each, cut, ordered and paged, from the facts
    index (the answer members_query gives, without the store).
    """
    where, values = _where(cube, cuts)
    rows = db.execute(
        f"SELECT {KEYS[dimension]} AS k, count(*) FROM {_from([dimension])} WHERE {where} "
        f"GROUP BY k ORDER BY k {direction.upper()} LIMIT ? OFFSET ?",
        [*values, limit, offset],
    )
    return [{f"{dimension}_key": _key(dimension, k), "count": c} for k, c in rows]


def facts(
    db: sqlite3.Connection,
    cube: str,
    cuts: dict[str, list[str]],
    order: list[tuple[str, str]],
    limit: int | None,
    offset: int,
) -> Iterator[dict[str, Any]]:
    """Facts in the order asked for, then by observation IRI (the default order), read as
    they are iterated; limit None is every one (a streamed export)."""
    where, values = _where(cube, cuts)
    base = db.execute("SELECT value FROM meta WHERE key = 'base'").fetchone()[0]
    kind = cube_kind(cube)
    sort = [f"{KEYS[n]} {d.upper()}" for n, d in order]
    names = list(DIMENSIONS)
    slug = names.index("dataset") + 1
    found = db.execute(
        f"SELECT f.obs, {', '.join(KEYS[n] for n in names)}, f.amount, f.line FROM {_from(names)} "
        f"WHERE {where} ORDER BY {', '.join([*sort, 'f.ds', 'f.obs'])} LIMIT ? OFFSET ?",
        [*values, -1 if limit is None else limit, offset],
    )
    for row in found:
        yield {
            "id": f"{base}dataset/{row[slug]}/{kind}/{cube}/obs/{row[0]}",
            **{f"{n}_key": _key(n, row[i + 1]) for i, n in enumerate(names)},
            "amount": decimal_text(row[-2]),
            "line": row[-1],
        }


def count(db: sqlite3.Connection, cube: str, cuts: dict[str, list[str]]) -> int:
    """How many facts a cut holds (the facts API's total)."""
    where, values = _where(cube, cuts)
    return db.execute(f"SELECT count(*) FROM {_from([])} WHERE {where}", values).fetchone()[0]


def member_count(
    db: sqlite3.Connection, cube: str, dimension: str, cuts: dict[str, list[str]]
) -> int:
    """How many keys a dimension has under a cut (the members list's total)."""
    where, values = _where(cube, cuts)
    groups = f"SELECT 1 FROM {_from([dimension])} WHERE {where} GROUP BY {KEYS[dimension]}"
    return db.execute(f"SELECT count(*) FROM ({groups})", values).fetchone()[0]


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
