"""budgetpub build: every data package → RDF dumps under DIR/rdf and an Oxigraph store.

A package that fails verification stops its own conversion with a message; the others are
still converted and dumped, but the store is swapped only when every package converted,
so the previous store stays in place after a bad build.

When few packages changed, the new store starts as a copy of the previous one (hard links)
and only their own triples are replaced (convert.py splits each package's own triples from
what packages share); otherwise every dump is bulk-loaded afresh.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, Store, Triple, parse

from service import store as stores
from service.archives import write_archives
from service.build_overlap import Indexes, Preload, converted_dirs, write_indexes
from service.corpus.convert import Converted, convert_packages
from service.corpus.copies import copies
from service.dumps import dump
from service.errors import PackageError, Problem
from service.query import facts_index
from service.rdf import catalog_triples
from service.rdf.released import release_dates
from service.rdf.series import Yearly, combined_dataset, series
from service.rdf.terms import Minter, base_url, organization_collisions
from service.vocab import VOCAB_DIR


@dataclass
class BuildResult:
    built: list[str] = field(default_factory=list)
    converted: list[str] = field(default_factory=list)  # packages converted this time
    reused: list[str] = field(default_factory=list)  # packages whose dumps were unchanged
    problems: dict[str, Problem] = field(default_factory=dict)  # why each package failed
    triples: int = 0
    rdf_seconds: float = 0.0
    load_seconds: float = 0.0
    rdf_cpu: float = 0.0  # CPU seconds of the conversion: this thread and the workers
    load_cpu: float = 0.0  # of the store's load and compaction (the rest of this process)
    index_cpu: float = 0.0  # of the facts and search indexes (a process of their own)
    store: Path | None = None
    replaced: int | None = (
        None  # packages replaced in a copy of the previous store; None: full load
    )
    kept: bool = False  # nothing changed: the previous store is still the store
    copies: dict[str, str] = field(default_factory=dict)  # a copy's slug → the original's

    @property
    def ok(self) -> bool:
        """Whether every package was converted."""
        return not self.problems

    @property
    def failed(self) -> dict[str, str]:
        """Each failed package's problem as the build prints it (its message, with where)."""
        return {slug: str(problem) for slug, problem in self.problems.items()}


def vocabulary_triples() -> list[Triple]:
    """The triples of every Turtle file of the vocabulary (vocab/), which each build loads beside
    the packages.
    """
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
    minter = Minter(base or base_url())
    rdf_dir = out / "rdf"
    rdf_dir.mkdir(parents=True, exist_ok=True)
    local = load and not store_url
    previous = stores.current(out) if local else None
    every = package_dirs(packages)
    copied = copies(every)  # one dataset per document: a second copy is named, not published
    published = [p for p in every if p.name not in copied]
    indexes = Indexes(out, published, minter.base, previous) if local else None
    preload = Preload.if_cold(out, previous) if local else None
    try:
        result = _build(
            packages, published, out, minter, rdf_dir, preload, indexes, load, store_url, jobs
        )
        result.copies = copied
    except BaseException:
        for started in (preload, indexes):
            if started is not None:
                started.discard()
        raise
    if indexes is not None:
        indexes.discard()  # when not placed in the new build (a failure, or nothing changed)
    if result.ok:  # each package's zip, served as a file (service/archives.py)
        write_archives(package_dirs(packages), out)
    return result


def _build(
    packages: Path,
    published: list[Path],
    out: Path,
    minter: Minter,
    rdf_dir: Path,
    preload: Preload | None,
    indexes: Indexes | None,
    load: bool,
    store_url: str | None,
    jobs: int | None,
) -> BuildResult:
    result = BuildResult()
    started, cpu, this_thread = time.perf_counter(), cpu_seconds(), time.thread_time()
    converted, result.problems = convert_packages(
        published,
        rdf_dir,
        minter.base,
        jobs=jobs,
        ready=preload.ready if preload is not None else None,
    )
    common = [done.common for done in converted]  # what packages may share, and the rest
    for key, names in organization_collisions(c.department for c in converted).items():
        # two governments under one IRI would merge their publishers and series: stop
        result.problems[f"organization/{key}"] = Problem.of(
            PackageError(f"organisation key {key!r} would name {' and '.join(names)}"), key
        )
    for done in converted:
        result.built.append(done.slug)
        (result.reused if done.reused else result.converted).append(done.slug)
    combined = []
    for path in combined_dirs(packages):
        try:
            triples = combined_triples(path, minter)
        except PackageError as error:
            result.problems[path.name] = Problem.of(error, str(path))
            continue
        common.append(dump(rdf_dir, path.name, triples))
        combined.append(path.name)
    listed = {slug: packages / slug for slug in result.built + combined}
    catalog = catalog_triples(minter, result.built + combined, release_dates(rdf_dir, listed))
    catalog += series(minter, (Yearly(c.slug, c.department, c.fiscal_year) for c in converted))
    common.append(dump(rdf_dir, "catalog", catalog))
    common.append(dump(rdf_dir, "vocab", vocabulary_triples()))
    if preload is not None:  # the combined packages', the catalog's and the vocabulary's
        for path in common[len(converted) :]:
            preload.loader.add(path)
    shared = read_lines(common)
    result.triples = sum(done.triples for done in converted) + len(shared)
    result.rdf_seconds = time.perf_counter() - started
    # the RDF stage's CPU: this thread's (the conversion too, when it ran here) and the
    # workers'; the rest of this process's (the store's threads, its own and Oxigraph's) is
    # the store's, counted with the load
    here = time.thread_time() - this_thread
    pid = os.getpid()
    workers = sum(done.cpu for done in converted if done.pid not in (0, pid))
    result.rdf_cpu = here + workers
    if preload is not None and not (load and result.ok):
        preload.discard()
    if load and result.ok:
        started = time.perf_counter()
        if store_url:  # a shared store: replaced in one Graph Store Protocol request
            result.store = load_shared(
                out, store_url, converted, common, packages, minter, result.triples + 1
            )
        else:
            before = stores.current(out)
            result.store, result.replaced = load_store(
                out, converted, common, shared, packages, minter.base, preload, indexes
            )
            result.kept = result.store == before
        result.load_seconds = time.perf_counter() - started
        result.load_cpu = cpu_seconds() - cpu - here  # since the build began, but the RDF's
        result.index_cpu = indexes.cpu if indexes is not None else 0.0
        result.triples += 1  # the stamp: `<catalog> bp:build "<build folder>"`
    return result


def cpu_seconds() -> float:
    """User and system time of this process (every thread) and of its ended children (the
    conversion's workers): what a stage cost on all cores together."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def read_lines(paths: list[Path]) -> set[bytes]:
    """Dumps as one set of N-Triples lines: packages say the same things about shared nodes.
    One serializer writes every dump, so equal triples are equal lines, and a set of lines
    is ten times quicker to read than one of parsed triples (a thousand dumps in ~0.2 s)."""
    lines: set[bytes] = set()
    for path in paths:
        with path.open("rb") as handle:
            lines.update(line for line in handle if line.strip())
    return lines


def triples_of(lines: set[bytes]) -> list[Triple]:
    """N-Triples lines as triples (for the few a store must take out or put in)."""
    return [q.triple for q in parse(b"".join(sorted(lines)), format=RdfFormat.N_TRIPLES)]


def combined_triples(path: Path, minter: Minter) -> list[Triple]:
    """DCAT only: its rows are already in the cube through the departments' packages."""
    import json

    from service.rdf.source import PackageData, files_match_hashes

    descriptor = json.loads((path / "datapackage.json").read_text(encoding="utf-8"))
    if not files_match_hashes(path, descriptor):
        raise PackageError(
            "files differ from their hashes: run `budgetpub ingest` again", str(path)
        )
    return list(combined_dataset(PackageData(path, descriptor), minter))


def load_store(
    out: Path,
    converted: list[Converted],
    common: list[Path],
    shared: set[bytes],
    packages: Path,
    base: str,
    preload: Preload | None = None,
    indexes: Indexes | None = None,
) -> tuple[Path, int | None]:
    """A new store swapped in. When at most half of the packages changed, it starts as a copy
    of the previous one (hard links: it costs nothing) and only their own triples are taken
    out and put in again, with the shared ones brought to what the dumps now say; else every
    dump is bulk-loaded. The aggregate API's facts index is written beside it, so both swap
    in together; the store is stamped with the build folder's name, as a shared store is, so
    it can also be served by `oxigraph serve-read-only` to every worker (BUDGETPUB_STORE_URL)
    with this folder's index. Returns the store and how many packages were replaced (None: all)."""
    previous = stores.current(out)
    loaded = stores.read_loaded(previous) if previous else {}
    keys = {done.slug: done.key for done in converted}
    changed = [done for done in converted if loaded.get(done.slug) != done.key]
    stale = [slug for slug in loaded if keys.get(slug) != loaded[slug]]
    if previous is not None and loaded == keys and _same_shared(previous, shared):
        return previous, 0  # nothing changed: the store (its ETags, its cached pages) is kept
    incremental = previous is not None and bool(loaded) and len(stale) <= len(converted) // 2
    path = preload.path if preload is not None else stores.new_path(out)
    try:
        if incremental:
            Store.read_only(str(previous)).backup(str(path))
            store = Store(str(path))
            for slug in stale:
                _take_out(store, previous / "dumps" / "own" / f"{slug}.nt")
            stores.load_ntriples_all(store, [done.nt for done in changed])
            was = read_lines(sorted((previous / "dumps" / "common").glob("*.nt")))
            for triple in triples_of(was - shared):
                store.remove(Quad(triple.subject, triple.predicate, triple.object))
            store.extend(Quad(t.subject, t.predicate, t.object) for t in triples_of(shared - was))
        elif preload is not None:  # every dump was handed to it as it was written
            store = preload.loaded()
            store.optimize()
        else:
            path.mkdir()
            store = Store(str(path))
            stores.load_ntriples_all(store, [done.nt for done in converted] + common)
            store.optimize()  # compact the bulk-loaded files: queries on 1M triples run ~1.7x faster
        stores.stamp(store, Minter(base).catalog(), path.name)
        store.flush()
        del store
        if indexes is not None:
            indexes.place(path)
        else:
            write_indexes(path, previous, converted_dirs(packages, converted), base)
        triples = sum(done.triples for done in converted) + len(shared) + 1  # and the stamp
        stores.write_facts(path, triples=triples, base=base)  # /healthz; `serve` checks the base
        stores.write_loaded(path, [done.nt for done in converted], keys, common)
        stores.swap_in(out, path)
    except BaseException:
        stores.discard(path)
        raise
    return path, len({*stale, *(done.slug for done in changed)}) if incremental else None


def _same_shared(previous: Path, shared: set[bytes]) -> bool:
    """Whether a build holds these shared triples (catalog, series, vocabulary…) and has
    its facts index: then a build of unchanged packages has nothing to do."""
    if not (previous / facts_index.FILENAME).is_file():
        return False
    return read_lines(sorted((previous / "dumps" / "common").glob("*.nt"))) == shared


def load_shared(
    out: Path,
    store_url: str,
    converted: list[Converted],
    common: list[Path],
    packages: Path,
    minter: Minter,
    triples: int,
) -> Path:
    """Load a shared store, stamped with the name of a local build folder that holds the
    facts index for the same packages and the store's triple count (with the stamp): workers
    that have this folder as their DATA_DIR answer the aggregate API from it, and /healthz
    with the count, while the shared store holds this build (web/api.py, web/site.py)."""
    from service.query.backend import load_remote

    path = stores.new_path(out)
    path.mkdir()
    previous = stores.current(out)
    try:
        write_indexes(path, previous, converted_dirs(packages, converted), minter.base)
        load_remote(
            store_url, [done.nt for done in converted] + common, (minter.catalog().value, path.name)
        )
        stores.write_facts(path, triples=triples, base=minter.base)  # /healthz while stamps match
        stores.swap_in(out, path)
    except BaseException:
        stores.discard(path)
        raise
    return path


def _take_out(store: Store, dump: Path, batch: int = 20_000) -> None:
    """Delete a package's own triples, listed in the dump they were loaded from (N-Triples
    lines are SPARQL triples; the package has no blank nodes, which DELETE DATA refuses)."""
    with dump.open(encoding="utf-8") as lines:
        chunk: list[str] = []
        for line in lines:
            if line.strip():
                chunk.append(line)
            if len(chunk) == batch:
                store.update("DELETE DATA {\n" + "".join(chunk) + "}")
                chunk = []
        if chunk:
            store.update("DELETE DATA {\n" + "".join(chunk) + "}")
