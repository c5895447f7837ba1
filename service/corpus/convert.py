"""Package → RDF dumps, reusing the dumps of packages that did not change, on every core.

A package's triples go to two N-Triples dumps: rdf/<slug>.nt holds what is the package's own
(its dataset, tables, observations, checks...: subjects under dataset/<slug> or
datapackages/<slug>), which no other dump says; rdf/<slug>.common.nt holds what other
packages may say too (organisations, projects, concepts). The store can then take one
package's own triples out and put the new ones in without touching the others (build.py).

Next to the dumps the build records rdf/<slug>.json: the sha256 of the package's
datapackage.json (which holds the sha256 of every file), the base IRI and the converter's
own fingerprint. A later build reuses the dumps when all three match and the files still
have the hashes the descriptor gives; anything else is converted again.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from service.errors import PackageError, Problem

if TYPE_CHECKING:
    from pyoxigraph import Literal, NamedNode

    from service.rdf.terms import Statement

RECORD_VERSION = 4  # 4: no Turtle dump per package (nothing read it)


@dataclass(frozen=True)
class Converted:
    slug: str
    nt: Path  # the package's own triples
    common: Path  # its triples about shared nodes
    triples: int  # its own, distinct
    department: str
    fiscal_year: int
    reused: bool
    key: str  # what the dumps were made from: equal keys, equal dumps
    cpu: float = 0.0  # CPU seconds its conversion took, in the thread that converted it
    pid: int = 0  # the process that converted it (0: reused)


@lru_cache(maxsize=1)
def converter_fingerprint() -> str:
    """The RDF code and the vocabulary: a change to either makes every dump stale."""
    from service.vocab import VOCAB_DIR

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(str(RECORD_VERSION).encode())
    for path in sorted([*(root / "rdf").glob("*.py"), *VOCAB_DIR.rglob("*.ttl")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _record_path(rdf_dir: Path, slug: str) -> Path:
    return rdf_dir / f"{slug}.json"


def reusable(package: Path, rdf_dir: Path, base: str) -> Converted | None:
    """The previous dumps of this package, when nothing they depend on changed."""
    from service.rdf.source import files_match_hashes

    slug = package.name
    try:
        record = json.loads(_record_path(rdf_dir, slug).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    nt, common = (rdf_dir / f"{slug}{suffix}" for suffix in DUMP_SUFFIXES)
    if (
        record.get("base") != base
        or record.get("converter") != converter_fingerprint()
        or _size(nt) != record.get("nt_bytes")
        or _size(common) != record.get("common_bytes")
    ):
        return None
    if record.get("stamps") != file_stamps(package, record.get("stamps")):
        try:  # touched or rewritten: the hashes decide
            descriptor = (package / "datapackage.json").read_bytes()
        except OSError:
            return None
        if record.get("descriptor_sha256") != hashlib.sha256(descriptor).hexdigest():
            return None  # changed (or broken: converting it again says how)
        if not files_match_hashes(package, json.loads(descriptor)):
            return None
    return Converted(
        slug,
        nt,
        common,
        int(record["triples"]),
        record["department"],
        int(record["fiscalYear"]),
        True,
        _key(record),
    )


DUMP_SUFFIXES = (".nt", ".common.nt")


def file_stamps(package: Path, files: dict[str, list[int]] | None) -> dict[str, list[int]]:
    """Size, modification time and inode of the descriptor and every file a record names:
    when all three are what they were at conversion, the files are the ones converted (every
    write renames a new file in), so a thousand unchanged packages need no hashing."""
    stamps = {}
    for name in files or {}:
        try:
            stat = (package / name).stat()
        except OSError:
            continue
        stamps[name] = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
    return stamps


def _size(path: Path) -> int | None:
    return path.stat().st_size if path.is_file() else None


def _key(record: dict) -> str:
    return f"{record['descriptor_sha256']} {record['converter']} {record['base']}"


def owned_prefixes(slug: str, base: str) -> tuple[bytes, ...]:
    """How an N-Triples line about the package's own nodes starts: its dataset IRI as the
    subject, or an IRI under it (a line's subject is the IRI between its first < and >)."""
    dataset = f"<{base}dataset/{slug}"
    return tuple(
        prefix.encode() for prefix in (f"{dataset}>", f"{dataset}/", f"<{base}datapackages/{slug}/")
    )


class _Forms(dict):
    """term → its N-Triples form (str() of a pyoxigraph term) in UTF-8, made once per distinct
    term: a package's statements name the same predicates, classes and codes thousands of
    times, and lines joined as bytes need no encoding of a whole dump (Chinese in it makes
    that char by char)."""

    def __missing__(self, term: NamedNode | Literal) -> bytes:
        form = self[term] = str(term).encode()
        return form


def split_ntriples(
    statements: Iterable[Statement], slug: str, base: str
) -> tuple[list[bytes], list[bytes]]:
    """(the package's own N-Triples lines, its lines about shared nodes), each distinct, in
    order: each line written from its terms' str(), which is what the N-Triples serializer
    writes, without making a pyoxigraph Triple of it (Statement). A node's statements come
    one after another, and its IRI says whose they are."""
    forms = _Forms()
    own = owned_prefixes(slug, base)
    mine: dict[bytes, None] = {}  # ordered and distinct
    shared: dict[bytes, None] = {}
    for subject, group in groupby(statements, itemgetter(0)):
        head = forms[subject]
        lines = mine if head.startswith(own) else shared
        for _, predicate, value in group:
            lines[b" ".join((head, forms[predicate], forms[value], b".\n"))] = None
    return list(mine), list(shared)


@contextlib.contextmanager
def paused_cycle_collection() -> Iterator[None]:
    """The cycle collector paused while a package is converted: its rows and triples (~10⁴
    of each, pyoxigraph's terms included) are tracked objects, and a collection every 700 of
    them walks them all again, a fifth of the conversion's CPU for nothing (they make no
    cycles; whatever does is collected once the collector runs again)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def convert_one(package: Path, rdf_dir: Path, base: str) -> Converted:
    """Convert and dump one package, then record what the dumps were made from."""
    with paused_cycle_collection():  # resumed once the conversion's objects are freed, or
        return _convert(package, rdf_dir, base)  # its first collection would walk them all


def _convert(package: Path, rdf_dir: Path, base: str) -> Converted:
    from service.dumps import write_atomic
    from service.rdf import load_package, package_statements
    from service.rdf.source import parse_descriptor
    from service.rdf.terms import Minter

    cpu = time.thread_time()
    descriptor = (package / "datapackage.json").read_bytes()
    parsed = parse_descriptor(descriptor, package / "datapackage.json")  # once: loaded from it
    stamps = file_stamps(package, dict.fromkeys(_files(parsed)))
    data = load_package(package, parsed)
    if data.slug != package.name:
        raise PackageError(f"descriptor name {data.slug!r} is not the folder name", str(package))
    mine, shared = split_ntriples(package_statements(data, Minter(base)), data.slug, base)
    nt, common = (rdf_dir / f"{data.slug}{suffix}" for suffix in DUMP_SUFFIXES)
    write_atomic(nt, b"".join(mine))
    write_atomic(common, b"".join(shared))
    record = {
        "descriptor_sha256": hashlib.sha256(descriptor).hexdigest(),
        "base": base,
        "converter": converter_fingerprint(),
        "triples": len(mine),
        "nt_bytes": nt.stat().st_size,
        "common_bytes": common.stat().st_size,
        "department": data.descriptor["department"],
        "fiscalYear": int(data.descriptor["fiscalYear"]),
        "stamps": stamps,
    }
    write_atomic(_record_path(rdf_dir, data.slug), json.dumps(record, ensure_ascii=False).encode())
    return Converted(
        data.slug,
        nt,
        common,
        len(mine),
        record["department"],
        record["fiscalYear"],
        False,
        _key(record),
        time.thread_time() - cpu,
        os.getpid(),
    )


def _files(descriptor: dict) -> list[str]:
    """The descriptor and the files it lists, relative to the package."""
    return ["datapackage.json", *(r["path"] for r in descriptor["resources"] if r.get("path"))]


def _convert_or_error(package: Path, rdf_dir: Path, base: str) -> Converted | Problem:
    try:
        return convert_one(package, rdf_dir, base)
    except PackageError as error:
        return Problem.of(error, str(package))


def convert_packages(
    packages: list[Path],
    rdf_dir: Path,
    base: str,
    *,
    jobs: int | None = None,
    ready: Callable[[Converted], None] | None = None,
) -> tuple[list[Converted], dict[str, Problem]]:
    """(converted or reused, in package order; failures by folder name, each a Problem).
    `ready` is told of each package's dumps as soon as they are there (a store can load
    them while the others are converted)."""
    results: dict[Path, Converted | Problem] = {}
    tell = ready or (lambda _: None)
    todo = []
    for package in packages:
        previous = reusable(package, rdf_dir, base)
        if previous is not None:
            results[package] = previous
            tell(previous)
        else:
            todo.append(package)
    jobs = max(1, jobs or os.cpu_count() or 1)
    with contextlib.ExitStack() as stack:
        done: Iterable[Converted | Problem]
        if jobs == 1 or len(todo) <= 1:
            done = (_convert_or_error(package, rdf_dir, base) for package in todo)
        else:
            context = multiprocessing.get_context("forkserver")  # a store may be loading
            pool = ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context)
            stack.enter_context(pool)
            rest = [rdf_dir] * len(todo), [base] * len(todo)
            done = pool.map(_convert_or_error, todo, *rest, chunksize=4)
        for package, result in zip(todo, done, strict=True):
            results[package] = result
            if isinstance(result, Converted):
                tell(result)
    converted = [r for p in packages if isinstance(r := results[p], Converted)]
    failed = {p.name: r for p in packages if isinstance(r := results[p], Problem)}
    return converted, failed
