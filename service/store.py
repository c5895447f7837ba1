"""The triple store: an on-disk Oxigraph built in a new folder and swapped in atomically.

DIR/store is a symlink to DIR/stores/<build>; replacing a symlink is one rename, so a
running service sees either the old store or the new one, never a half-built one. The
previous build is kept so readers that still have it open keep working.
"""

from __future__ import annotations

import io
import json
import os
import queue
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store

from service.query.backend import BUILD

KEEP_BUILDS = 2


def new_path(root: Path) -> Path:
    """A fresh folder name for a build under DIR/stores (not created: a backup wants none)."""
    stores = root / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    return stores / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"


def current(root: Path) -> Path | None:
    """The build DIR/store points at, if there is one."""
    link = root / "store"
    return link.resolve() if link.is_dir() else None


class _Handed(io.RawIOBase):
    """Files read as one stream in the order they are handed over (a queue; None ends it),
    so a bulk load can start before the last file is written."""

    def __init__(self, files: queue.SimpleQueue[Path | None]):
        self._files = files
        self._handle: io.BufferedReader | None = None
        self.ended = False  # the end was handed over

    def readable(self) -> bool:
        """Always: the stream is for reading (io's protocol asks)."""
        return True

    def readinto(self, buffer: Any) -> int:
        """The next bytes of the file being read, or of the next one handed over (waiting for
        it); 0 once the end was handed over."""
        while not self.ended:
            if self._handle is None:
                path = self._files.get()
                if path is None:
                    self.ended = True
                    break
                self._handle = path.open("rb")
            count = self._handle.readinto(buffer)
            if count:
                return count
            self._handle.close()
            self._handle = None
        return 0

    def close(self) -> None:
        """Close the file being read, then the stream."""
        if self._handle is not None:
            self._handle.close()
        super().close()


class StreamingLoad:
    """Bulk loads, one per core, fed with dumps as they are written: the store loads while
    the packages are still being converted (a cold build's two stages overlap; the loader
    alone keeps about one core busy). Files go to the stream with the fewest bytes so far."""

    def __init__(self, store: Store, streams: int | None = None):
        wanted = streams or int(os.environ.get("BUDGETPUB_LOAD_STREAMS", "0")) or os.cpu_count()
        self._queues: list[queue.SimpleQueue[Path | None]] = [
            queue.SimpleQueue() for _ in range(max(1, wanted or 1))
        ]
        self._sizes = [0] * len(self._queues)
        self._errors: list[BaseException] = []
        self._spent: dict[int, float] = {}  # CPU seconds of each ended loader thread
        self._threads = [
            threading.Thread(target=self._load, args=(store, files), daemon=True)
            for files in self._queues
        ]
        for thread in self._threads:
            thread.start()

    def _load(self, store: Store, files: queue.SimpleQueue[Path | None]) -> None:
        handed = _Handed(files)
        try:
            with io.BufferedReader(handed, 1 << 20) as stream:
                store.bulk_load(input=stream, format=RdfFormat.N_TRIPLES, lenient=True)
        except BaseException as error:  # re-raised by finish(), in the caller's thread
            self._errors.append(error)
            while not handed.ended and files.get() is not None:  # let finish() go on
                pass
        finally:
            self._spent[threading.get_ident()] = time.thread_time()

    @property
    def cpu(self) -> float:
        """CPU seconds the loader threads have spent so far (read from any thread)."""
        total = 0.0
        for thread in self._threads:
            if thread.ident in self._spent:
                total += self._spent[thread.ident]
            elif thread.ident is not None:
                try:
                    total += time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
                except OSError:  # it ended just now: its time is in _spent
                    total += self._spent.get(thread.ident, 0.0)
        return total

    def add(self, path: Path) -> None:
        """Load this dump too (it must not change any more)."""
        lightest = self._sizes.index(min(self._sizes))
        self._sizes[lightest] += path.stat().st_size
        self._queues[lightest].put(path)

    def finish(self) -> None:
        """Wait for every dump handed over to be loaded; the first loader's error, if any."""
        for files in self._queues:
            files.put(None)
        for thread in self._threads:
            thread.join()
        if self._errors:
            raise self._errors[0]


def load_ntriples_all(store: Store, paths: list[Path], streams: int | None = None) -> None:
    """Bulk loads over every dump, one per core, run at once: a bulk load over many files is
    2.4x faster than one per file (the loader sorts and writes its files once), and two loads
    side by side on 2 cores take ~300k triples/s against ~190k for one (pyoxigraph lets go of
    the GIL while it loads). Largest dumps first, each to the lightest stream."""
    loader = StreamingLoad(store, streams)
    for path in sorted(paths, key=lambda p: p.stat().st_size, reverse=True):
        loader.add(path)
    loader.finish()


def stamp(store: Store, catalog: NamedNode, build: str) -> None:
    """`<catalog> bp:build "<build folder>"`, the store's only stamp: what a worker reading
    the store through a SPARQL server looks up to know which build it holds (web/site.py)."""
    term = NamedNode(BUILD)
    for quad in list(store.quads_for_pattern(None, term, None)):
        store.remove(quad)
    store.add(Quad(catalog, term, Literal(build)))


def swap_in(root: Path, built: Path) -> None:
    """Point DIR/store at the new build in one rename; prune builds older than the last two."""
    link = root / "store"
    if link.exists() and not link.is_symlink():  # a store from before symlinks: set it aside
        link.rename(root / "stores" / f"legacy-{time.monotonic_ns()}")
    temporary = root / f".store-{os.getpid()}.link"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(built.relative_to(root), temporary)
    os.replace(temporary, link)
    builds = sorted(
        (p for p in (root / "stores").iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime
    )
    for old in builds[:-KEEP_BUILDS]:
        if old.resolve() != built.resolve():
            shutil.rmtree(old, ignore_errors=True)


FACTS = "budgetpub.json"  # beside RocksDB's own files, which it ignores


def write_facts(path: Path, **facts: int | str) -> None:
    """Facts about a build (its triple count) that readers must not recompute per request."""
    (path / FACTS).write_text(json.dumps(facts), encoding="utf-8")


def read_facts(root: Path) -> dict[str, int | str]:
    """The facts write_facts kept beside the current build (its triple count…); empty when
    there is no build or no such file."""
    try:
        return json.loads(((root / "store").resolve() / FACTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


LOADED = "loaded.json"  # package slug → what its triples were loaded from (Converted.key)


def write_loaded(path: Path, own: list[Path], keys: dict[str, str], common: list[Path]) -> None:
    """Keep, beside a build, the dumps it was loaded from (hard links: no copy, and a later
    build that rewrites a dump gets a new file), so the next build knows what to take out."""
    for kind, paths in (("own", own), ("common", common)):
        folder = path / "dumps" / kind
        folder.mkdir(parents=True)
        for dump in paths:
            try:
                os.link(dump, folder / dump.name)
            except OSError:  # another file system
                shutil.copyfile(dump, folder / dump.name)
    (path / LOADED).write_text(json.dumps(keys, sort_keys=True), encoding="utf-8")


def read_loaded(path: Path) -> dict[str, str]:
    """What a build holds; empty when unknown (then the next build loads everything)."""
    try:
        return json.loads((path / LOADED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def discard(path: Path) -> None:
    """Delete a build's folder (an unfinished or superseded build), ignoring what is already gone."""
    shutil.rmtree(path, ignore_errors=True)


def open_store(root: Path) -> Store:
    """Read-only view of the current build; a clear error when there is none."""
    link = root / "store"
    if not link.exists():
        raise FileNotFoundError(f"no store at {link}: run `budgetpub build --out {root}` first")
    return Store.read_only(str(link.resolve()))
