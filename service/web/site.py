"""Shared resources of the web app: the store and the package index (init_app, flaskr style).

The store is opened read-only and reopened when `budgetpub build` swaps a new one in (the
symlink DIR/store changes target), so a running service moves to new data atomically.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from pyoxigraph import Store

from service.corpus.copies import copies
from service.errors import Refusal
from service.query import search_index
from service.query.backend import RemoteStore
from service.rdf.terms import organization_key
from service.store import open_store, read_facts, read_loaded

REMOTE_RECHECK = 5.0  # seconds between looks at whether a shared store changed
UNSTAMPED = "unstamped"  # a shared store not loaded by `budgetpub build --store`: no build id,
# and it is not counted either (COUNT(*) over tens of millions of triples takes a minute)


@dataclass(frozen=True, slots=True)
class PackageSummary:
    """What the home page and the catalog need about a package, kept in memory."""

    slug: str
    title: str
    department: str
    fiscal_year: int
    description: str
    audit: dict[str, Any]
    template: str
    modified: float
    region: str = ""
    kind: str = "部门"  # 部门 / 单位 / 汇总, or 合并 for a combined year

    @property
    def organization(self) -> str:
        """The path of the department's page, its organisation IRI's."""
        return organization_path(self.department)


def organization_path(department: str) -> str:
    """/organization/<key>: a department by its readable key (rdf.terms.organization_key)."""
    return f"/organization/{organization_key(department)}"


class Site:
    def __init__(
        self, data_dir: Path, packages_dir: Path, base_url: str, store_url: str | None = None
    ):
        self.data_dir = data_dir.resolve()
        self.packages_dir = packages_dir.resolve()
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.store_url = store_url
        self._lock = threading.Lock()
        self._store: Store | RemoteStore | None = None
        self._target: str | None = None
        self._checked = 0.0
        self._packages: dict[str, PackageSummary] = {}
        self.copies: dict[str, str] = {}  # a copy's slug → the original's (not served)
        self._summaries: dict[str, tuple[tuple[int, int, int], PackageSummary]] = {}
        self.refresh()

    # --- the store -----------------------------------------------------------------------
    def _current_target(self) -> str:
        if self.store_url:  # a shared store: its build stamp, looked up every few seconds
            if self._store is None or time.monotonic() - self._checked > REMOTE_RECHECK:
                self._checked = time.monotonic()
                store = self._store if self._store is not None else RemoteStore(self.store_url)
                return f"remote-{store.build() or UNSTAMPED}"
            return self._target or ""
        link = self.data_dir / "store"
        return os.readlink(link) if link.is_symlink() else str(link.resolve())

    def store(self) -> Store:
        """The current build, reopened when a new build was swapped in."""
        target = self._current_target()
        if target != self._target or self._store is None:
            with self._lock:
                if target != self._target or self._store is None:
                    try:
                        self._store = (
                            RemoteStore(self.store_url)
                            if self.store_url
                            else open_store(self.data_dir)
                        )
                    except OSError:  # deleted or unreadable under us: retry, no path said
                        raise Refusal(
                            503, "store-unavailable", "the store cannot be opened", 10
                        ) from None
                    self._target = target
                    self._load_packages()
                    self.version.cache_clear()
                    self._loaded.cache_clear()
        return self._store

    def refresh(self) -> None:
        """The current build opened now rather than at the first request. A worker that boots
        while the store is gone (deleted, or between a failed build and the next) still boots
        and answers 503 until a build is swapped in: gunicorn halts the whole server when a
        worker fails to boot. `budgetpub serve` checks the store before it starts."""
        try:
            self.store()
        except Refusal:
            self._store = None

    @lru_cache(maxsize=1)  # noqa: B019 - one Site per app, cleared on every swap
    def version(self) -> str:
        """Changes with every build: part of every ETag of data from the store."""
        return Path(self._target or "").name if not self.store_url else (self._target or "")

    def loaded(self) -> dict[str, str]:
        """package → the key its dump was loaded under (descriptor hash, converter, base),
        as the embedded build recorded it; empty for a shared store (not known here)."""
        if self.store_url:
            return {}
        self.store()
        return self._loaded()

    @lru_cache(maxsize=1)  # noqa: B019 - one Site per app, cleared on every swap
    def _loaded(self) -> dict[str, str]:
        return read_loaded(self.data_dir / (self._target or "store"))

    def triples(self) -> int | None:
        """The store's size as its build recorded it; never counted (COUNT(*) over 27M
        triples took 75 s and held a shared store's cores). A shared store's count is known
        when its stamp names the local build folder (`build --store`, or an embedded build
        served by `oxigraph serve-read-only`); otherwise None."""
        self.store()
        local = self.data_dir.joinpath("store").resolve().name
        if self.store_url and self._target != f"remote-{local}":
            return None
        count = read_facts(self.data_dir).get("triples")
        return int(count) if count is not None else None

    def modified(self) -> float:
        """When the data last changed: the store's build, or the newest package with a remote store."""
        if self.store_url:
            return max((p.modified for p in self._packages.values()), default=0.0)
        return (self.data_dir / "store").resolve().stat().st_mtime

    # --- packages ------------------------------------------------------------------------
    def _load_packages(self) -> None:
        """The packages' summaries; a descriptor whose file is the one summarised before (same
        size, time and inode: packages are written whole and renamed in) is not read again,
        so a new build with one changed package of 1,000 is served at once, not after
        seconds of JSON."""
        found: dict[str, PackageSummary] = {}
        seen: dict[str, tuple[tuple[int, int, int], PackageSummary]] = {}
        self.copies = copies([d.parent for d in self.packages_dir.glob("*/datapackage.json")])
        for descriptor in sorted(self.packages_dir.glob("*/datapackage.json")):
            if descriptor.parent.name.startswith(".") or descriptor.parent.name in self.copies:
                continue  # a second copy of a document is published once, as the first
            stat = descriptor.stat()
            stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
            before = self._summaries.get(str(descriptor))
            if before is not None and before[0] == stamp:
                found[before[1].slug] = before[1]
                seen[str(descriptor)] = before
                continue
            meta = json.loads(descriptor.read_text(encoding="utf-8"))
            found[meta["name"]] = PackageSummary(
                slug=meta["name"],
                title=meta.get("title", meta["name"]),
                department=meta.get("department", ""),
                fiscal_year=int(meta.get("fiscalYear", 0)),
                description=meta.get("description", ""),
                audit=meta.get("audit", {}),
                template=meta.get("template", ""),
                modified=descriptor.stat().st_mtime,
                region=search_index.region_of(meta) if "combinedFrom" not in meta else "",
                kind=search_index.kind_of(meta) if "combinedFrom" not in meta else "合并",
            )
            seen[str(descriptor)] = (stamp, found[meta["name"]])
        self._packages = found
        self._summaries = seen

    def packages(self) -> dict[str, PackageSummary]:
        """The build's packages by name, summarised."""
        self.store()
        return self._packages

    def descriptor(self, slug: str) -> dict[str, Any] | None:
        """A package's datapackage.json, or None when the build has no such package."""
        if slug not in self.packages():
            return None
        return _read_descriptor(
            str(self.packages_dir / slug / "datapackage.json"), self._packages[slug].modified
        )


@lru_cache(maxsize=64)
def _read_descriptor(path: str, modified: float) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def init_app(app: Flask) -> None:
    """Open the store at start: a missing or corrupt store is a clear error, not a crash loop."""
    app.extensions["budgetpub"] = Site(
        Path(app.config["DATA_DIR"]),
        Path(app.config["PACKAGES_DIR"]),
        app.config["BASE_URL"],
        app.config.get("STORE_URL"),
    )


def site() -> Site:
    """The application's Site: the data it serves."""
    return current_app.extensions["budgetpub"]
