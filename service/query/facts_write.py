"""Writing the facts index (facts_index.py reads it): afresh, or updated from the last build's.

Datasets are numbered in the order of their IRIs, GAP apart, so that (ds, obs) sorts as the
observation IRIs do and a package that comes later can take a number between its
neighbours. When at least half of the packages are unchanged since the previous build's
index, that file is copied and only the changed, new and gone packages' rows are taken out
and put in, with the tables that summarise them (cubes, labels, shapes) made again from
what it then holds: a changed document costs its own rows, not the corpus's. Otherwise the
index is written afresh, copying unchanged packages' rows in runs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from service import vocab
from service.query.cubes import DIMENSIONS, cube_kind
from service.query.facts_index import COPIED, FORMAT, INDEXES, SCHEMA
from service.query.facts_source import ROW_WIDTH, PackageFacts, package_facts, package_key
from service.query.sqlite_file import update_atomically, write_atomically

GAP = 1 << 20  # between two datasets' numbers: room for a million packages that come later


def write_afresh(
    ordered: list[Path], keys: dict[str, str], path: Path, base: str, previous: Path | None
) -> int:
    """Write the index of every package's facts to `path` (a temporary file renamed into
    place, so readers never see half an index and a failure leaves none); returns the rows.
    `ordered` are the packages in the order of their IRIs, `keys` their package_key.
    A package whose amounts are not exact to 10^-4 yuan stops it with a PackageError. The
    rows of a package whose files did not change since `previous` (an earlier build's
    index) are copied from it rather than read again."""
    return write_atomically(
        path, SCHEMA, lambda db: _fill(db, ordered, keys, base, _earlier(db, previous))
    )


def _earlier(db: sqlite3.Connection, previous: Path | None) -> dict[str, tuple[int, str]]:
    """slug → (number, key) of the packages in an earlier index of this format, attached as
    `prev`; none when there is no such index or it cannot be read (then all are read)."""
    if previous is None or not previous.is_file():
        return {}
    try:
        db.execute("ATTACH DATABASE ? AS prev", (f"{previous.resolve().as_uri()}?mode=ro",))
        if db.execute("SELECT value FROM prev.meta WHERE key = 'format'").fetchone() != (FORMAT,):
            return {}
        return {s: (ds, k) for ds, s, k in db.execute("SELECT id, slug, key FROM prev.datasets")}
    except sqlite3.Error:
        return {}


def _fill(
    db: sqlite3.Connection,
    packages: list[Path],
    keys: dict[str, str],
    base: str,
    earlier: dict[str, tuple[int, str]],
) -> int:
    db.execute("BEGIN")
    cubes: dict[str, tuple[int, list[str]]] = {}
    labels: dict[tuple[str, str], str] = {}
    total = reused = 0
    run: list[tuple[int, int]] = []  # (old, new) numbers of unchanged packages in a row
    if earlier:
        db.execute("CREATE TEMP TABLE run (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)")
        db.execute("CREATE TEMP TABLE cube_numbers (old INTEGER PRIMARY KEY, new INTEGER)")
    for ds, package in enumerate(packages, start=1):
        ds *= GAP
        key = keys[package.name]
        old, old_key = earlier.get(package.name, (0, ""))
        found = _copied(db, old) if old_key == key else package_facts(package)
        db.execute(
            "INSERT INTO datasets VALUES (?, ?, ?, ?)", (ds, found.slug, found.department, key)
        )
        for cube, title in found.tables:
            cubes.setdefault(cube, (len(cubes) + 1, []))[1].append(title)
        db.executemany(
            "INSERT INTO dataset_tables VALUES (?, ?, ?)", [(ds, *t) for t in found.tables]
        )
        for scheme, code, label in found.labels:  # the first package to name it wins
            labels.setdefault((scheme, code), label)
        db.executemany(
            "INSERT OR IGNORE INTO dataset_labels VALUES (?, ?, ?, ?)",
            [(ds, *label) for label in found.labels],
        )
        if old_key == key:
            reused += 1
            run.append((old, ds))
        else:
            total += _copy_run(db, run, cubes)
            run = []
            db.executemany(
                f"INSERT INTO facts VALUES ({', '.join('?' * 15)})",
                _numbered(found.rows, {name: cubes[name][0] for name, _ in found.tables}, ds),
            )
            total += len(found.rows)
    total += _copy_run(db, run, cubes)
    db.executemany("INSERT INTO labels VALUES (?, ?, ?)", [(*k, v) for k, v in labels.items()])
    _vocabulary_labels(db, "INSERT OR IGNORE")
    db.executemany(
        "INSERT INTO cubes VALUES (?, ?, ?, ?, ?)",
        [
            (i, name, min(titles), len(titles), cube_kind(name))
            for name, (i, titles) in cubes.items()
        ],
    )
    meta = {"base": base, "format": FORMAT, "rows": total, "reused": reused}
    db.executemany("INSERT INTO meta VALUES (?, ?)", [(k, str(v)) for k, v in meta.items()])
    for statement in filter(str.strip, INDEXES.split(";")):
        db.execute(statement)
    db.execute("COMMIT")
    return total


def _numbered(
    rows: list[tuple[Any, ...]], cubes: dict[str, int], ds: int
) -> Iterator[tuple[Any, ...]]:
    """A package's facts rows as the table takes them, its cube's and its own number first
    in place of the cube's name: put together column by column in C (~10^6 rows a corpus)."""
    columns = [map(itemgetter(i), rows) for i in range(1, ROW_WIDTH)]
    return zip(
        map(cubes.__getitem__, map(itemgetter(0), rows)),
        repeat(ds, len(rows)),
        *columns,
        strict=True,
    )


def _copy_run(
    db: sqlite3.Connection, run: list[tuple[int, int]], cubes: dict[str, tuple[int, list[str]]]
) -> int:
    """Copy the facts of a run of unchanged packages from the earlier index in one statement,
    each under its new number and its cubes' new numbers, in the order they were in."""
    if not run:
        return 0
    db.execute("DELETE FROM temp.run")
    db.executemany("INSERT INTO temp.run VALUES (?, ?)", run)
    db.execute("DELETE FROM temp.cube_numbers")
    db.executemany(
        "INSERT INTO temp.cube_numbers SELECT id, ? FROM prev.cubes WHERE name = ?",
        [(number, name) for name, (number, _) in cubes.items()],
    )
    return db.execute(
        f"INSERT INTO facts SELECT c.new, r.new, {COPIED} FROM prev.facts f "
        "JOIN temp.run r ON r.old = f.ds JOIN temp.cube_numbers c ON c.old = f.cube "
        "ORDER BY r.new, f.rowid"
    ).rowcount


def _copied(db: sqlite3.Connection, old: int) -> PackageFacts:
    """A package as the earlier index has it (its facts are copied by the caller)."""
    slug, department = db.execute(
        "SELECT slug, department FROM prev.datasets WHERE id = ?", (old,)
    ).fetchone()
    tables = db.execute("SELECT cube, title FROM prev.dataset_tables WHERE ds = ?", (old,))
    labels = db.execute("SELECT scheme, key, label FROM prev.dataset_labels WHERE ds = ?", (old,))
    return PackageFacts(slug, department, tables.fetchall(), labels.fetchall(), [])


def write_index(
    packages: Iterable[Path], path: Path, base: str, previous: Path | None = None
) -> int:
    """The index of every package at `path`: the previous one updated when at least half of
    the packages are unchanged in it and there is room to number the new ones in order, else
    written afresh (write_afresh). Returns the rows."""
    ordered = sorted(packages, key=_order)
    keys = {package.name: package_key(package) for package in ordered}
    earlier = _earlier_numbers(previous, base)
    unchanged = {slug for slug, key in keys.items() if earlier.get(slug, (0, ""))[1] == key}
    if previous is not None and len(unchanged) * 2 >= len(keys) > 0:
        numbers = _numbers(ordered, {slug: earlier[slug][0] for slug in unchanged})
        if numbers is not None:
            gone = [ds for slug, (ds, _) in earlier.items() if slug not in unchanged]
            return update_atomically(
                path,
                previous,
                lambda db: _update(
                    db, [p for p in ordered if p.name not in unchanged], numbers, gone, keys
                ),
            )
    return write_afresh(ordered, keys, path, base, previous)


def _order(package: Path) -> str:
    return package.name + "/"  # the order of the dataset IRIs


def _earlier_numbers(previous: Path | None, base: str) -> dict[str, tuple[int, str]]:
    """slug → (number, key) in an earlier index of this format and base; empty if none."""
    if previous is None or not previous.is_file():
        return {}
    try:
        with sqlite3.connect(f"{previous.resolve().as_uri()}?mode=ro", uri=True) as db:
            meta = dict(db.execute("SELECT key, value FROM meta"))
            if meta.get("format") != FORMAT or meta.get("base") != base:
                return {}
            return {s: (ds, k) for ds, s, k in db.execute("SELECT id, slug, key FROM datasets")}
    except sqlite3.Error:
        return {}


def _numbers(ordered: list[Path], kept: dict[str, int]) -> dict[str, int] | None:
    """Every package's number: a kept package keeps its own, the others are spread between
    their kept neighbours (GAP after the last); None when two neighbours leave no room."""
    numbers: dict[str, int] = {}
    pending: list[str] = []
    low = 0
    for slug in [p.name for p in ordered] + [None]:  # type: ignore[list-item]
        if slug is not None and slug not in kept:
            pending.append(slug)
            continue
        high = kept[slug] if slug is not None else low + (len(pending) + 1) * GAP
        step = (high - low) // (len(pending) + 1)
        if pending and step < 1:
            return None
        for index, new in enumerate(pending, start=1):
            numbers[new] = low + index * step
        pending = []
        if slug is not None:
            numbers[slug] = low = kept[slug]
    return numbers


def _update(
    db: sqlite3.Connection,
    changed: list[Path],
    numbers: dict[str, int],
    gone: list[int],
    keys: dict[str, str],
) -> int:
    """In the copy of an earlier index that `db` is: take out the packages that changed or
    left, put in those that changed or came, and make the summaries again."""
    db.execute("BEGIN")
    for ds in gone:
        db.execute("DELETE FROM facts WHERE cube IN (SELECT id FROM cubes) AND ds = ?", (ds,))
        for table, column in (
            ("dataset_tables", "ds"),
            ("dataset_labels", "ds"),
            ("datasets", "id"),
        ):
            db.execute(f"DELETE FROM {table} WHERE {column} = ?", (ds,))
    cubes = dict(db.execute("SELECT name, id FROM cubes"))
    for package in changed:
        found, ds = package_facts(package), numbers[package.name]
        db.execute(
            "INSERT INTO datasets VALUES (?, ?, ?, ?)",
            (ds, found.slug, found.department, keys[package.name]),
        )
        for cube, title in found.tables:
            if cube not in cubes:
                cubes[cube] = max(cubes.values(), default=0) + 1
                db.execute(
                    "INSERT INTO cubes VALUES (?, ?, ?, 0, ?)",
                    (cubes[cube], cube, title, cube_kind(cube)),
                )
            db.execute("INSERT INTO dataset_tables VALUES (?, ?, ?)", (ds, cube, title))
        db.executemany(
            "INSERT OR IGNORE INTO dataset_labels VALUES (?, ?, ?, ?)",
            [(ds, *label) for label in found.labels],
        )
        db.executemany(
            f"INSERT INTO facts VALUES ({', '.join('?' * 15)})",
            _numbered(found.rows, cubes, ds),
        )
    for statement in filter(str.strip, SUMMARIES.split(";")):  # executescript would commit
        db.execute(statement)
    _vocabulary_labels(db, "INSERT OR IGNORE")
    total = int(db.execute("SELECT count(*) FROM facts").fetchone()[0])
    db.executemany(
        "UPDATE meta SET value = ? WHERE key = ?",
        [(str(total), "rows"), (str(len(numbers) - len(changed)), "reused")],
    )
    db.execute("COMMIT")
    return total


# what _fill makes as it goes, made again from the rows an update leaves
SUMMARIES = """
CREATE TEMP TABLE cube_tables AS
  SELECT cube, min(title) AS title, count(*) AS tables FROM dataset_tables GROUP BY cube;
DELETE FROM cubes WHERE name NOT IN (SELECT cube FROM temp.cube_tables);
UPDATE cubes SET title = t.title, tables = t.tables FROM temp.cube_tables AS t
  WHERE t.cube = cubes.name;
DROP TABLE temp.cube_tables;
DELETE FROM labels;
INSERT INTO labels SELECT l.scheme, l.key, l.label FROM dataset_labels AS l
  JOIN (SELECT scheme, key, min(ds) AS ds FROM dataset_labels GROUP BY scheme, key) AS m
  ON m.scheme = l.scheme AND m.key = l.key AND m.ds = l.ds;
DELETE FROM shapes;
INSERT INTO shapes SELECT DISTINCT cube, col, row_type FROM facts;
"""


def _vocabulary_labels(db: sqlite3.Connection, insert: str) -> None:
    """The code lists' zh labels, for the codes no package labels itself."""
    rows = [
        (scheme, code, names["zh"])
        for scheme in sorted({d.scheme for d in DIMENSIONS.values() if d.scheme})
        for code, names in vocab.labels(scheme).items()
        if "zh" in names
    ]
    db.executemany(f"{insert} INTO labels VALUES (?, ?, ?)", rows)
