"""Package → RDF dumps, reusing the dumps of packages that did not change, on every core.

Next to rdf/<slug>.nt the build records rdf/<slug>.json: the sha256 of the package's
datapackage.json (which holds the sha256 of every file), the base IRI and the converter's
own fingerprint. A later build reuses the dumps when all three match and the files still
have the hashes the descriptor gives; anything else is converted again.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from service.errors import PackageError

RECORD_VERSION = 1


@dataclass(frozen=True)
class Converted:
    slug: str
    nt: Path
    triples: int
    department: str
    fiscal_year: int
    reused: bool


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
    from service.rdf.source import _hashes_match

    slug = package.name
    try:
        record = json.loads(_record_path(rdf_dir, slug).read_text(encoding="utf-8"))
        descriptor = (package / "datapackage.json").read_bytes()
    except (OSError, ValueError):
        return None
    nt, ttl = rdf_dir / f"{slug}.nt", rdf_dir / f"{slug}.ttl"
    if (
        record.get("descriptor_sha256") != hashlib.sha256(descriptor).hexdigest()
        or record.get("base") != base
        or record.get("converter") != converter_fingerprint()
        or not nt.is_file()
        or not ttl.is_file()
        or nt.stat().st_size != record.get("nt_bytes")
        or not _hashes_match(package, json.loads(descriptor))
    ):
        return None
    return Converted(
        slug, nt, int(record["triples"]), record["department"], int(record["fiscalYear"]), True
    )


def convert_one(package: Path, rdf_dir: Path, base: str) -> Converted:
    """Convert and dump one package, then record what the dumps were made from."""
    from service.build import dump, write_atomic
    from service.rdf import load_package, package_triples
    from service.rdf.terms import Minter

    descriptor = (package / "datapackage.json").read_bytes()
    data = load_package(package)
    if data.slug != package.name:
        raise PackageError(f"{package}: descriptor name {data.slug!r} is not the folder name")
    triples = package_triples(data, Minter(base))
    nt = dump(rdf_dir, data.slug, triples)
    record = {
        "descriptor_sha256": hashlib.sha256(descriptor).hexdigest(),
        "base": base,
        "converter": converter_fingerprint(),
        "triples": len(triples),
        "nt_bytes": nt.stat().st_size,
        "department": data.descriptor["department"],
        "fiscalYear": int(data.descriptor["fiscalYear"]),
    }
    write_atomic(_record_path(rdf_dir, data.slug), json.dumps(record, ensure_ascii=False).encode())
    return Converted(data.slug, nt, len(triples), record["department"], record["fiscalYear"], False)


def _convert_or_error(package: Path, rdf_dir: Path, base: str) -> Converted | str:
    try:
        return convert_one(package, rdf_dir, base)
    except PackageError as error:
        return str(error)


def convert_packages(
    packages: list[Path], rdf_dir: Path, base: str, *, jobs: int | None = None
) -> tuple[list[Converted], dict[str, str]]:
    """(converted or reused, in package order; failures by folder name)."""
    results: dict[Path, Converted | str] = {}
    todo = []
    for package in packages:
        previous = reusable(package, rdf_dir, base)
        if previous is not None:
            results[package] = previous
        else:
            todo.append(package)
    jobs = max(1, jobs or os.cpu_count() or 1)
    if jobs == 1 or len(todo) <= 1:
        for package in todo:
            results[package] = _convert_or_error(package, rdf_dir, base)
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
            done = pool.map(_convert_or_error, todo, [rdf_dir] * len(todo), [base] * len(todo))
            results.update(zip(todo, done, strict=True))
    converted = [r for p in packages if isinstance(r := results[p], Converted)]
    failed = {p.name: r for p in packages if isinstance(r := results[p], str)}
    return converted, failed
