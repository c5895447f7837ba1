"""budgetpub build: every data package → RDF dumps under DIR/rdf and an Oxigraph store.

A package that fails verification stops its own conversion with a message; the others are
still converted and dumped, but the store is swapped only when every package converted,
so the previous store stays in place after a bad build.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import RdfFormat, Triple, parse, serialize

from service import store as stores
from service.errors import PackageError
from service.rdf import catalog_triples
from service.rdf.series import Yearly, combined_dataset, series
from service.rdf.terms import PREFIXES, Minter, base_url
from service.vocab import VOCAB_DIR


@dataclass
class BuildResult:
    built: list[str] = field(default_factory=list)
    converted: list[str] = field(default_factory=list)  # packages converted this time
    reused: list[str] = field(default_factory=list)  # packages whose dumps were unchanged
    failed: dict[str, str] = field(default_factory=dict)
    triples: int = 0
    rdf_seconds: float = 0.0
    load_seconds: float = 0.0
    store: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


def write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def dump(rdf_dir: Path, name: str, triples: list[Triple]) -> Path:
    """N-Triples (what the store loads) and Turtle (what people read), each written atomically."""
    nt = rdf_dir / f"{name}.nt"
    write_atomic(nt, serialize(triples, format=RdfFormat.N_TRIPLES))
    write_atomic(
        rdf_dir / f"{name}.ttl", serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIXES)
    )
    return nt


def vocabulary_triples() -> list[Triple]:
    triples: list[Triple] = []
    for path in sorted(VOCAB_DIR.rglob("*.ttl")):
        with path.open("rb") as handle:
            triples.extend(q.triple for q in parse(handle, format=RdfFormat.TURTLE))
    return triples


def package_dirs(root: Path) -> list[Path]:
    """Department packages: not staging folders (.x) nor derived ones (_combined-<year>)."""
    return sorted(
        p.parent
        for p in root.glob("*/datapackage.json")
        if not p.parent.name.startswith((".", "_"))
    )


def combined_dirs(root: Path) -> list[Path]:
    """The combined yearly packages (service/corpus/combine.py): in the catalog, not the cube."""
    return sorted(p.parent for p in root.glob("_combined-*/datapackage.json"))


def build(
    packages: Path,
    out: Path,
    base: str | None = None,
    *,
    load: bool = True,
    store_url: str | None = None,
    jobs: int | None = 1,
) -> BuildResult:
    """Unchanged packages keep their dumps (service/corpus/convert.py); the catalog, the
    series and the store are made again from every dump."""
    from service.corpus.convert import convert_packages

    minter = Minter(base or base_url())
    rdf_dir = out / "rdf"
    rdf_dir.mkdir(parents=True, exist_ok=True)
    result = BuildResult()
    dumps: dict[str, Path] = {}
    started = time.perf_counter()
    converted, result.failed = convert_packages(
        package_dirs(packages), rdf_dir, minter.base, jobs=jobs
    )
    for done in converted:
        dumps[done.slug] = done.nt
        result.built.append(done.slug)
        (result.reused if done.reused else result.converted).append(done.slug)
        result.triples += done.triples
    combined = []
    for path in combined_dirs(packages):
        try:
            triples = combined_triples(path, minter)
        except PackageError as error:
            result.failed[path.name] = str(error)
            continue
        dumps[path.name] = dump(rdf_dir, path.name, triples)
        combined.append(path.name)
        result.triples += len(triples)
    catalog = catalog_triples(minter, result.built + combined)
    catalog += series(minter, (Yearly(c.slug, c.department, c.fiscal_year) for c in converted))
    dumps["catalog"] = dump(rdf_dir, "catalog", catalog)
    vocabulary = vocabulary_triples()
    dumps["vocab"] = dump(rdf_dir, "vocab", vocabulary)
    result.triples += len(catalog) + len(vocabulary)
    result.rdf_seconds = time.perf_counter() - started
    if load and result.ok:
        started = time.perf_counter()
        if store_url:  # a shared store: replaced in one Graph Store Protocol request
            from service.query.backend import load_remote

            load_remote(store_url, list(dumps.values()))
        else:
            result.store = load_store(out, dumps)
        result.load_seconds = time.perf_counter() - started
    return result


def combined_triples(path: Path, minter: Minter) -> list[Triple]:
    """DCAT only: its rows are already in the cube through the departments' packages."""
    import json

    from service.rdf.source import PackageData, _hashes_match

    descriptor = json.loads((path / "datapackage.json").read_text(encoding="utf-8"))
    if not _hashes_match(path, descriptor):
        raise PackageError(f"{path}: files differ from their hashes: run `budgetpub ingest` again")
    return list(combined_dataset(PackageData(path, descriptor), minter))


def load_store(out: Path, dumps: dict[str, Path]) -> Path:
    path, store = stores.new_store(out)
    try:
        stores.load_ntriples_all(store, list(dumps.values()))
        store.flush()
        store.optimize()  # compact the bulk-loaded files: queries on 1M triples run ~1.7x faster
        stores.write_facts(path, triples=len(store))  # what /healthz reports, counted once
        del store
        stores.swap_in(out, path)
    except BaseException:
        stores.discard(path)
        raise
    return path
