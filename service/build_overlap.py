"""What a build does beside converting packages: the store's load and the indexes.

A cold build loads the store while the packages are still being converted (Preload), and
every build writes the aggregate API's facts index and the search index in a process of its
own from the start (Indexes): they read the packages, not the store, so on two cores the
conversion, the load and the indexes share the machine instead of waiting for each other.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Store

from service import store as stores
from service.corpus.convert import Converted
from service.query import facts_index, facts_write, search_index

FORKSERVER = "forkserver"  # never fork a process whose store threads are running


@dataclass
class Preload:
    """A cold build's store, bulk-loaded while the packages are still being converted (the
    loader keeps about one core busy, the converters the rest)."""

    path: Path
    store: Store | None
    loader: stores.StreamingLoad

    @classmethod
    def if_cold(cls, out: Path, previous: Path | None) -> Preload | None:
        """One when there is no previous store (`previous`, the current build) to update, so
        the whole store is loaded."""
        if previous is not None and stores.read_loaded(previous):
            return None
        path = stores.new_path(out)
        path.mkdir()
        store = Store(str(path))
        return cls(path, store, stores.StreamingLoad(store))

    def ready(self, done: Converted) -> None:
        """A package's dumps are written: load them."""
        self.loader.add(done.nt)
        self.loader.add(done.common)

    def loaded(self) -> Store:
        """The store once every dump handed over is in (the caller holds it from then on)."""
        self.loader.finish()
        store, self.store = self.store, None
        if store is None:
            raise RuntimeError("the preloaded store was already taken")
        return store

    def discard(self) -> None:
        """Not swapped in (a package failed, or the build stopped): its folder goes."""
        with contextlib.suppress(Exception):  # the build's own error is the one to report
            self.loader.finish()
        self.store = None
        stores.discard(self.path)


class Indexes:
    """The facts and search indexes, written by a process of their own into a staging folder
    while the build goes on, then moved into the build folder (place) or dropped (discard)."""

    def __init__(self, out: Path, packages: list[Path], base: str, previous: Path | None):
        out.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=".indexes-", dir=out))
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context(FORKSERVER))
        self._written = self._pool.submit(write_indexes, self.staging, previous, packages, base)
        self._done = False
        self.cpu = 0.0

    def place(self, path: Path) -> None:
        """Wait for both and move them into `path` (their PackageError, if a package's facts
        are not exact); `cpu` is then the CPU seconds they took."""
        try:
            self.cpu = self._written.result()
        finally:
            self._pool.shutdown()
        for name in (facts_index.FILENAME, search_index.FILENAME):
            os.replace(self.staging / name, path / name)
        shutil.rmtree(self.staging, ignore_errors=True)
        self._done = True

    def discard(self) -> None:
        """Not placed (the build failed, or nothing changed): wait for the process (it writes
        nowhere else) and drop its work; nothing once placed."""
        if self._done:
            return
        self._done = True
        self._written.cancel()
        with contextlib.suppress(Exception):
            self._written.result()
        self._pool.shutdown()
        shutil.rmtree(self.staging, ignore_errors=True)


def write_indexes(path: Path, previous: Path | None, packages: list[Path], base: str) -> float:
    """The aggregate API's index and the pages' search index in a folder; rows of packages
    unchanged since the previous build are copied from (or kept in) its indexes. Returns the
    CPU seconds it took (its process is not the build's child)."""
    cpu = time.process_time()
    facts_write.write_index(
        packages,
        path / facts_index.FILENAME,
        base,
        previous=previous / facts_index.FILENAME if previous else None,
    )
    search_index.write_index(
        packages,
        path / search_index.FILENAME,
        previous=previous / search_index.FILENAME if previous else None,
    )
    return time.process_time() - cpu


def converted_dirs(packages: Path, converted: list[Converted]) -> list[Path]:
    return [packages / done.slug for done in converted]
