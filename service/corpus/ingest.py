"""Ingest many documents at once: one process per core, unchanged documents skipped.

A document whose package already exists with the same source sha256 is not read again
(unless forced), so re-running after one document changed redoes that document only.
Results come back in input order whatever order the workers finish in. Each document is
read in a process of its own (service/corpus/workers.py): one that crashes it or runs past
its time limit fails alone, named with the reason.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from service.corpus.workers import run_each
from service.errors import Problem
from service.package.writer import slugify
from service.pipeline import Outcome, ingest_file


@dataclass
class Skipped:
    """A document whose package is already up to date."""

    file: str
    package: Path
    ok: bool = True


Result = Outcome | Skipped


def package_slug(path: Path) -> str:
    """The name of the package a document file or folder is written to."""
    return slugify(path.name if path.is_dir() else path.stem)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes (hex), read in blocks: what tells whether a source changed."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_sha256(path: Path) -> str:
    """A document in several files: the sha256 over its PDF parts' names and hashes."""
    parts = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    listing = "".join(
        f"{p.name}\0{sha256_file(p)}\n"
        for p in parts
        if p.read_bytes()[:1024].lstrip()[:5] == b"%PDF-"
    )
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def is_current(path: Path, out: Path) -> bool:
    """The package for this document exists and archives exactly these bytes."""
    descriptor = out / package_slug(path) / "datapackage.json"
    try:
        meta = json.loads(descriptor.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if path.is_dir():
        return meta.get("documentSha256") == folder_sha256(path)
    source = next(
        (r for r in meta.get("resources", []) if r.get("name") == "source_document"), None
    )
    return bool(source) and source.get("hash") == f"sha256:{sha256_file(path)}"


def archives_the_same_bytes(path: Path, out: Path) -> bool:
    """Whether the package for this document file holds a copy of exactly these bytes (what
    is_current asks, without parsing the descriptor: a package is written whole, its
    archived copy and its descriptor together), so a thousand unchanged documents are checked
    in the parent in a fraction of a second."""
    slug = package_slug(path)
    archived = out / slug / "source" / path.name
    try:
        if not (out / slug / "datapackage.json").is_file() or (
            archived.stat().st_size != path.stat().st_size
        ):
            return False
        return archived.read_bytes() == path.read_bytes()
    except OSError:
        return False


def _one(path: Path, *, out: Path, validate: bool | str, force: bool) -> Result:
    if not force and is_current(path, out):
        return Skipped(str(path), out / package_slug(path))
    return ingest_file(path, out, validate=validate)


def duplicate_slugs(files: list[Path]) -> dict[Path, Path]:
    """Documents that would write the same package as an earlier one: file → the earlier."""
    first: dict[str, Path] = {}
    clashes: dict[Path, Path] = {}
    for path in files:
        slug = package_slug(path)
        if slug in first:
            clashes[path] = first[slug]
        else:
            first.setdefault(slug, path)
    return clashes


def ingest_many(
    files: list[Path],
    out: Path,
    *,
    jobs: int | None = None,
    validate: bool | str = True,
    force: bool = False,
    advance: Callable[[], None] | None = None,
) -> list[Result]:
    """Ingest every file into out; jobs > 1 uses that many processes (default: every core)."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    out.mkdir(parents=True, exist_ok=True)
    clashes = duplicate_slugs(files)
    results: dict[int, Result] = {}
    todo: list[tuple[int, Path]] = []
    for index, path in enumerate(files):
        if path in clashes:
            results[index] = Outcome(
                str(path),
                error=Problem(
                    "package-clash",
                    f"same package name {package_slug(path)!r} as {clashes[path]}",
                    str(path),
                ),
            )
        elif not force and path.is_file() and archives_the_same_bytes(path, out):
            results[index] = Skipped(str(path), out / package_slug(path))
        else:
            todo.append((index, path))
    tick = advance or (lambda: None)
    for _ in range(len(files) - len(todo)):
        tick()

    def finished(index: int, result: Result) -> None:
        results[index] = result
        tick()

    # each document in a process of its own, even one: a reader that crashes its process
    # or runs too long costs that document, named, and the others are written
    run_each(todo, partial(_one, out=out, validate=validate, force=force), jobs, finished)
    return [results[index] for index in range(len(files))]
