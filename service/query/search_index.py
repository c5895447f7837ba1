"""Search over the rows of every published table: SQLite FTS5 beside the facts index.

Every row of every department's tables (typed or kept as printed, the narrative's figures and
the glossary; not the code lists or the cube, which repeat them) is one document: its
department, table, code, name and every text cell. Chinese has no spaces between words, so
the FTS5 `trigram` tokenizer indexes every three characters: a query of three or more
characters (行政运行, 2010301, 公务接待) is a substring match through the index; a shorter one
(教育) is a LIKE over the rows, which is a scan but of one small table.

Written at build time into the build folder (stores/<build>/search.sqlite), so it swaps in
with the store; the rows of packages whose descriptor did not change are copied from the
previous build's index.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from service.query.sqlite_file import update_atomically, write_atomically

FILENAME = "search.sqlite"
FORMAT = "1"
SKIPPED = {
    "facts",
    "analysis",
    "functional_classification",
    "economic_classification_departmental",
    "economic_classification_government",
    "projects",
}
CODES = ("functional_code", "economic_departmental_code", "economic_government_code")
CODES_ALSO = ("project_code", "item_code")
NAMES = ("name", "item", "project_name", "economic_departmental_name", "subject", "term")
MAIN_AMOUNTS = ("total", "amount", "value")
REGION = re.compile(r"^(.{2,8}?(?:自治区|特别行政区|省|市))")
KINDS = {"department": "部门", "unit": "单位", "summary": "汇总"}

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE datasets (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, key TEXT NOT NULL,
  title TEXT NOT NULL, department TEXT NOT NULL, year INTEGER NOT NULL, region TEXT NOT NULL,
  kind TEXT NOT NULL) STRICT;
CREATE TABLE rows (id INTEGER PRIMARY KEY, ds INTEGER NOT NULL, resource TEXT NOT NULL,
  title TEXT NOT NULL, line TEXT NOT NULL, row_type TEXT NOT NULL, code TEXT NOT NULL,
  name TEXT NOT NULL, amount TEXT NOT NULL, unit TEXT NOT NULL, yuan INTEGER NOT NULL,
  text TEXT NOT NULL) STRICT;
CREATE VIRTUAL TABLE rows_fts USING fts5(text, content='rows', content_rowid='id',
  tokenize='trigram');
"""
COPIED = "resource, title, line, row_type, code, name, amount, unit, yuan, text"


def region_of(descriptor: dict[str, Any]) -> str:
    """The region a package names, else the place its department's name starts with
    (上海市普陀区… → 上海市, 洛阳市… → 洛阳市)."""
    if descriptor.get("region"):
        return str(descriptor["region"])
    found = REGION.match(descriptor.get("department", ""))
    return found.group(1) if found else ""


def kind_of(descriptor: dict[str, Any]) -> str:
    """The kind of document a descriptor is (部门, 单位 or 汇总), as the search shows it."""
    return KINDS.get(descriptor.get("documentKind", "department"), "部门")


CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()  # new code: rows read again


def descriptor_key(package: Path) -> str:
    """What a package's rows are made from: its descriptor (which holds every file's hash)
    and this module's code."""
    return hashlib.sha256(
        (FORMAT + CODE).encode() + (package / "datapackage.json").read_bytes()
    ).hexdigest()


def _rows(package: Path, descriptor: dict[str, Any], ds: int) -> Iterator[tuple[Any, ...]]:
    """The rows table's rows (after their id) of dataset number `ds`."""
    department = descriptor.get("department", "")
    for resource in descriptor.get("resources", []):
        if resource.get("format") != "csv" or resource["name"] in SKIPPED:
            continue
        path = package / resource["path"]
        if not path.is_file():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                continue
            make = _Columns(resource, header, department, ds)
            width = len(header)
            for values in reader:
                if not values:  # a blank line: csv.DictReader skips it
                    continue
                if len(values) != width:  # as csv.DictReader: a missing cell is None
                    values = values[:width] + [None] * (width - len(values))
                values.append("")
                yield make.row(values)


class _Columns:
    """Where a resource's row finds what a search row takes (its code, name, main amount and
    the words of its text), read from its header once rather than looked up cell by cell: a
    row as csv.DictReader gives it, with the cells of a header name's last column."""

    def __init__(self, resource: dict[str, Any], header: list[str], department: str, ds: int):
        at = {name: i for i, name in enumerate(header)}
        fields = resource.get("schema", {}).get("fields", [])
        numbers = [f["name"] for f in fields if f.get("type") == "number"]
        texts = [f["name"] for f in fields if f.get("type") == "string"]
        converted = {f["name"] for f in fields if f.get("unit") == "CNY"}
        self.ds, self.name = ds, resource["name"]
        self.title = resource.get("title") or resource["name"]
        self.codes = [at[c] for c in CODES if c in at]
        self.texts = [at[t] for t in texts if t in at]
        self.names = (
            self.texts
            if resource["name"].startswith("table_")
            else [at[n] for n in NAMES if n in at]
        )
        # the main amount: the first of MAIN_AMOUNTS, else of the number columns, printed
        mains = [m for m in MAIN_AMOUNTS if m in numbers and m in at] + [
            m for m in numbers if m in at
        ]
        self.mains = [at[m] for m in mains]
        # a column named "": DictReader's row takes it as no main amount
        self.yuan = {at[m]: int(m in converted) if m else None for m in mains}
        self.words = [at[c] for c in (*CODES, *CODES_ALSO) if c in at]
        missing = len(header)  # the "" row() finds after a row's cells
        self.line, self.row_type, self.project, self.unit = (
            at.get(n, missing) for n in ("source_line", "row_type", "project_code", "unit")
        )
        self.published = resource.get("publishedUnit")
        self.lead = [w for w in (department, self.title) if w]

    def row(self, values: list[Any]) -> tuple[Any, ...]:
        """The search row of one CSV row: its cells in header order, then "" (what a column
        the resource lacks reads as); the first printed of each kind found in C (map, filter)
        rather than a generator a cell (~4 * 10^5 rows a corpus)."""
        cell = values.__getitem__
        code = next(filter(None, map(cell, self.codes)), "")
        main = next(filter(cell, self.mains), None)
        amount, yuan = (values[main], self.yuan[main]) if main is not None else ("", 0)
        if yuan is None:
            amount, yuan = "", 0
        words = list(filter(None, map(cell, self.words)))
        words += [text for text in filter(None, map(cell, self.texts)) if text not in words]
        return (
            self.ds,
            self.name,
            self.title,
            values[self.line],
            values[self.row_type],
            code or values[self.project],
            next(filter(None, map(cell, self.names)), ""),
            amount,
            self.published or _money_unit(values[self.unit]),
            yuan,
            " ".join(self.lead + words),
        )


def _money_unit(unit: str) -> str:
    return unit if unit in ("元", "千元", "万元", "亿元") else ""


def write_index(packages: Iterable[Path], path: Path, previous: Path | None = None) -> int:
    """Write the index of every package's rows to `path` (a temporary file renamed in);
    returns the rows. When an earlier build's index (`previous`) holds at least half of the
    packages unchanged, it is copied and only the others' rows are taken out and put in
    (the FTS index with them); else it is written afresh, copying unchanged packages' rows."""
    ordered = sorted(packages)
    keys = {package.name: descriptor_key(package) for package in ordered}
    earlier = _earlier_keys(previous)
    kept = sum(1 for slug, key in keys.items() if earlier.get(slug) == key)
    if previous is not None and earlier and kept * 2 >= len(keys):
        return update_atomically(path, previous, lambda db: _update(db, ordered, keys))
    return write_atomically(path, SCHEMA, lambda db: _fill(db, ordered, keys, previous))


def _earlier_keys(previous: Path | None) -> dict[str, str]:
    """slug → key of an earlier index of this format; empty when there is none to update."""
    if previous is None or not previous.is_file():
        return {}
    try:
        with sqlite3.connect(f"file:{previous}?mode=ro", uri=True) as db:
            if db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone() != (FORMAT,):
                return {}
            return dict(db.execute("SELECT slug, key FROM datasets"))
    except sqlite3.Error:
        return {}


def _update(db: sqlite3.Connection, packages: list[Path], keys: dict[str, str]) -> int:
    """Take out the rows of packages that changed or left, and put in those of packages that
    changed or came, in the copy of an earlier index that `db` is."""
    db.execute("BEGIN")
    for number, slug, key in db.execute("SELECT id, slug, key FROM datasets").fetchall():
        if keys.get(slug) == key:
            continue
        db.execute(
            "INSERT INTO rows_fts(rows_fts, rowid, text) "
            "SELECT 'delete', id, text FROM rows WHERE ds = ?",
            (number,),
        )
        db.execute("DELETE FROM rows WHERE ds = ?", (number,))
        db.execute("DELETE FROM datasets WHERE id = ?", (number,))
    present = {slug for (slug,) in db.execute("SELECT slug FROM datasets")}
    for package in packages:
        if package.name not in present:
            _insert(db, package, keys[package.name])
    db.execute("COMMIT")
    return int(db.execute("SELECT count(*) FROM rows").fetchone()[0])


def _insert(db: sqlite3.Connection, package: Path, key: str) -> None:
    """A package's dataset row, its rows (read from its files) and their FTS entries, in an
    index being updated; the rows come after every other (rows() orders by dataset)."""
    descriptor = orjson.loads((package / "datapackage.json").read_bytes())
    number = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM datasets").fetchone()[0])
    _dataset_row(db, number, package, key, descriptor)
    first = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM rows").fetchone()[0])
    db.executemany(
        f"INSERT INTO rows (ds, {COPIED}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _rows(package, descriptor, number),
    )
    db.execute(
        "INSERT INTO rows_fts(rowid, text) SELECT id, text FROM rows WHERE id >= ?", (first,)
    )


def _dataset_row(
    db: sqlite3.Connection, number: int, package: Path, key: str, descriptor: dict[str, Any]
) -> None:
    """A package's row of the datasets table: what the search shows and its facets cut by."""
    db.execute(
        "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            number,
            package.name,
            key,
            descriptor.get("title", package.name),
            descriptor.get("department", ""),
            int(descriptor.get("fiscalYear") or 0),
            region_of(descriptor),
            kind_of(descriptor),
        ),
    )


def _fill(
    db: sqlite3.Connection, packages: list[Path], keys: dict[str, str], previous: Path | None
) -> int:
    earlier: dict[str, int] = {}
    if previous is not None and previous.is_file():
        try:
            db.execute("ATTACH DATABASE ? AS old", (f"file:{previous}?mode=ro",))
            earlier = dict(db.execute("SELECT key, id FROM old.datasets"))
        except sqlite3.DatabaseError:
            earlier = {}
    db.execute("BEGIN")
    db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
    for number, package in enumerate(packages, start=1):
        descriptor = orjson.loads((package / "datapackage.json").read_bytes())
        key = keys[package.name]
        _dataset_row(db, number, package, key, descriptor)
        if key in earlier:
            db.execute(
                f"INSERT INTO rows (ds, {COPIED}) SELECT ?, {COPIED} FROM old.rows WHERE ds = ?",
                (number, earlier[key]),
            )
        else:
            db.executemany(
                f"INSERT INTO rows (ds, {COPIED}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _rows(package, descriptor, number),
            )
    # the rebuild merges its segments as it goes: with 64 MB of page cache it reads them back
    # from memory, not the file (~5% of its CPU); with a 64 MB pending-terms hash (FTS5's
    # 'hashsize', 1 MB by default) it writes fewer, larger segments to merge (5.0 → 2.9 s at
    # 1,000 packages; the same matches, the shadow tables laid out otherwise)
    db.execute("PRAGMA cache_size = -65536")
    db.execute("INSERT INTO rows_fts(rows_fts, rank) VALUES ('hashsize', 67108864)")
    db.execute("INSERT INTO rows_fts(rows_fts) VALUES ('rebuild')")
    db.execute("CREATE INDEX rows_ds ON rows (ds)")
    db.execute("COMMIT")
    if earlier:
        db.execute("DETACH DATABASE old")
    return int(db.execute("SELECT count(*) FROM rows").fetchone()[0])


def index_path(data_dir: Path) -> Path | None:
    """The current build's search index file under `data_dir`, None when the build has none."""
    path = (data_dir / "store").resolve() / FILENAME
    return path if path.is_file() else None


def connect(path: Path) -> sqlite3.Connection:
    """Read-only; the file never changes once renamed in."""
    db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    db.row_factory = sqlite3.Row
    return db


# dimension → (SQL of its value, SQL of its label); rows r joined to datasets d
DIMENSIONS = {
    "year": ("CAST(d.year AS TEXT)", "CAST(d.year AS TEXT)"),
    "region": ("d.region", "d.region"),
    "department": ("d.department", "d.department"),
    "table": ("r.resource", "min(r.title)"),
    "row_type": ("r.row_type", "r.row_type"),
}
FROM = "FROM rows r JOIN datasets d ON d.id = r.ds"


def where(query: str, chosen: dict[str, str], skip: str | None = None) -> tuple[str, list]:
    """The WHERE clause of rows holding every word of the query (case-insensitive) and the
    chosen facet values: words of three characters or more through the trigram index, a
    shorter word by LIKE over the rows."""
    clauses: list[str] = []
    params: list[Any] = []
    long = [w for w in query.split() if len(w) >= 3]
    short = [w for w in query.split() if len(w) < 3]
    if long:
        clauses.append("r.id IN (SELECT rowid FROM rows_fts WHERE rows_fts MATCH ?)")
        params.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long))
    for word in short:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append("r.text LIKE ? ESCAPE '\\'")
        params.append(f"%{escaped}%")
    for name, value in chosen.items():
        if name != skip and name in DIMENSIONS:
            clauses.append(f"{DIMENSIONS[name][0]} = ?")
            params.append(value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def count(db: sqlite3.Connection, query: str, chosen: dict[str, str]) -> int:
    """How many rows match the query and the chosen facet values (the search's total)."""
    sql, params = where(query, chosen)
    return int(db.execute(f"SELECT count(*) {FROM}{sql}", params).fetchone()[0])


def facet(
    db: sqlite3.Connection, name: str, query: str, chosen: dict[str, str]
) -> list[tuple[str, str, int]]:
    """(value, label, rows) of one dimension over the rows the other selections keep."""
    value, label = DIMENSIONS[name]
    sql, params = where(query, chosen, skip=name)
    return [
        (str(v), str(lab), int(n))
        for v, lab, n in db.execute(
            f"SELECT {value}, {label}, count(*) {FROM}{sql} GROUP BY 1 ORDER BY 3 DESC, 1",
            params,
        )
        if v not in (None, "")
    ]


COLUMNS = """d.slug, d.title AS dataset_title, d.department, d.year, d.region, r.resource,
  r.title, r.line, r.row_type, r.code, r.name, r.amount, r.unit, r.yuan"""


def rows(
    db: sqlite3.Connection,
    query: str,
    chosen: dict[str, str],
    limit: int | None = None,
    offset: int = 0,
) -> Iterator[sqlite3.Row]:
    """The matching rows in corpus order (dataset, table, line): by dataset name, then as
    each package lists them (an updated index puts a changed package's rows last)."""
    sql, params = where(query, chosen)
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    yield from db.execute(f"SELECT {COLUMNS} {FROM}{sql} ORDER BY d.slug, r.id{page}", params)


def datasets_holding(db: sqlite3.Connection, query: str) -> dict[str, int]:
    """slug → how many of its rows match."""
    sql, params = where(query, {})
    return {
        slug: int(n)
        for slug, n in db.execute(f"SELECT d.slug, count(*) {FROM}{sql} GROUP BY d.slug", params)
    }
