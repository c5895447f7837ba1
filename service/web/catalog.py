"""The harvestable DCAT-AP catalog, paged with Hydra: served, and cached (what a page says
is web/catalog_pages.py).

Reading a page's triples costs 1.5–2 s warm, more when the store's blocks are cold: Oxigraph
decodes every IRI and literal of the page. So pages are rendered once into
DATA_DIR/cache/catalog (or BUDGETPUB_CATALOG_CACHE), a folder a build, shared by every worker
and kept across restarts, gzipped (~45 MB for 1,000 packages; served as is to clients that
accept gzip, unzipped in ~50 ms for others); the first worker to see a new build renders
every page in a child process (its memory leaves with it), so harvesters paging through the
catalog find every page ready. A page's file is named by what it is made of (its datasets'
loaded keys and the few triples they share, catalog_pages.page_sources), so a page of a new
build whose datasets did not change is the earlier build's file, hard-linked, with its ETag.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pyoxigraph
from flask import Blueprint, Flask, Response, current_app, request
from pyoxigraph import Triple

from service.dumps import write_atomic
from service.errors import Refusal
from service.vocab import VOCAB_DIR
from service.web import catalog_pages, jsonld_compactor, linked, negotiation
from service.web.catalog_pages import (
    DEFAULT_PAGE_SIZE,
    page_sources,
    page_triples,
    render_page,
)
from service.web.errors import positive
from service.web.http import conditional
from service.web.negotiation import negotiate
from service.web.site import Site, site

bp = Blueprint("catalog", __name__)
log = logging.getLogger(__name__)
MAX_PAGE_SIZE = 1000
RDF_ONLY = ("ttl", "jsonld", "rdf", "nt")
KEEP_BUILDS = 2  # cached pages kept for the current build and the one before


# --- rendered once per build -----------------------------------------------------------


@lru_cache(maxsize=1)
def _code_version() -> str:
    """Cached pages are the work of this code, the context and the serialisers: a change of
    any of them renders again."""
    digest = hashlib.sha256(pyoxigraph.__version__.encode())
    code = (
        Path(__file__),
        Path(catalog_pages.__file__),
        Path(negotiation.__file__),
        Path(jsonld_compactor.__file__),
    )
    for path in (*code, VOCAB_DIR / "context.jsonld"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _page_name(
    here: Site,
    slugs: tuple[str, ...],
    extension: str,
    page: int,
    size: int,
    directory: Path | None = None,
) -> str:
    """A page's file: named by what it is made of (page_sources) when the build says what
    it loaded, so a page no dataset of which changed keeps its name, and its file, from one
    build to the next; else by the build's listing."""
    key = _page_key(here, slugs, page, size, directory)
    if key is not None:
        return f"catalog-{key}.{extension}.gz"
    listing = hashlib.sha256("\n".join((here.base_url, _code_version(), *slugs)).encode())
    return f"catalog-{listing.hexdigest()[:16]}-{size}-{page}.{extension}.gz"


_keys_lock = threading.Lock()
_keys: dict[tuple[str, str, int, int, int], str] = {}  # (build, base, page, size, total) → key
CONTENT_NAMED = re.compile(r"catalog-[0-9a-f]{32}\.[a-z]+\.gz")
KEYS_FILE = "keys.json"  # in a build's folder of pages: the keys worked out for it so far


def _page_key(
    here: Site, slugs: tuple[str, ...], page: int, size: int, directory: Path | None
) -> str | None:
    """The page's content key: worked out once a build (~0.3 s a page of 100 at 1,000
    packages), kept in the process and in the build's folder of pages for other workers."""
    loaded = here.loaded()
    if not loaded:
        return None
    cached = (here.version(), here.base_url, page, size, len(slugs))
    with _keys_lock:
        if cached in _keys:
            return _keys[cached]
    known = _read_keys(directory)
    entry = f"{here.base_url} {page} {size} {len(slugs)}"
    key = known.get(entry)
    if key is None:
        chosen = slugs[(page - 1) * size : page * size]
        sources = page_sources(here.store(), here.base_url, chosen, page == 1, loaded)
        made = "\n".join((here.base_url, _code_version(), entry, sources))
        key = hashlib.sha256(made.encode()).hexdigest()[:32]
        if directory is not None:
            _write_keys(directory, {**known, entry: key})
    with _keys_lock:
        if len(_keys) > 4096:
            _keys.clear()
        _keys[cached] = key
    return key


def _read_keys(directory: Path | None) -> dict[str, str]:
    try:
        return json.loads((directory / KEYS_FILE).read_text("utf-8")) if directory else {}
    except (OSError, ValueError):
        return {}


def _write_keys(directory: Path, keys: dict[str, str]) -> None:
    """Written whole or not at all; two workers writing at once lose one's key at worst,
    worked out again when asked for."""
    with contextlib.suppress(OSError):
        write_atomic(directory / KEYS_FILE, json.dumps(keys, sort_keys=True).encode())


def _from_earlier_build(path: Path) -> bool:
    """The same page (same name: same content) rendered for an earlier build, linked into this
    build's folder rather than rendered and written again; whether one was found. Only a
    name made from its content says so (one made from the listing is the same for two builds
    of the same packages)."""
    if not CONTENT_NAMED.fullmatch(path.name):
        return False
    for other in path.parent.parent.iterdir():
        earlier = other / path.name
        if other == path.parent or not earlier.is_file():
            continue
        try:
            os.link(earlier, path)
        except FileExistsError:
            return True
        except OSError:
            continue
        return True
    return False


def _cache_root(app: Flask) -> Path:
    configured = app.config.get("CATALOG_CACHE")
    return Path(configured) if configured else Path(app.config["DATA_DIR"]) / "cache" / "catalog"


def _build_dir(app: Flask, version: str) -> Path | None:
    """The build's folder of rendered pages, made on first use (older builds' pruned); None
    when it cannot be written (pages are then kept in memory)."""
    root = _cache_root(app)
    directory = root / (re.sub(r"[^A-Za-z0-9._-]", "_", version) or "build")
    if directory.is_dir():
        return directory
    try:
        directory.mkdir(parents=True, exist_ok=True)
        builds = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
        for old in builds[:-KEEP_BUILDS]:
            if old != directory:
                shutil.rmtree(old, ignore_errors=True)
    except OSError as error:
        log.warning("catalog pages kept in memory: cannot write %s (%s)", root, error)
        return None
    return directory


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One renderer per page across threads and workers (flock on a file beside it). Waits
    by polling: a blocking flock would stall a gevent worker's every request."""
    with open(path.with_name(f".{path.name}.lock"), "w") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write(path: Path, body: bytes) -> None:
    """The page gzipped (a 30 MB page is 1.2 MB: ~45 MB a build on disk), written aside and
    renamed into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_bytes(gzip.compress(body, 6))
    os.replace(temporary, path)


def _cached(
    here: Site, app: Flask, extension: str, page: int, size: int, slugs: tuple[str, ...]
) -> Path | bytes:
    """The rendered page: its file in the build's cache (rendered now if need be), or bytes
    for other page sizes (the disk holds one set of pages a build, not one a page size) and
    when the cache cannot be written."""
    version = here.version()
    directory = _build_dir(app, version) if size == DEFAULT_PAGE_SIZE else None
    if directory is None:
        return _in_memory(version, here.base_url, extension, page, size, slugs)
    path = directory / _page_name(here, slugs, extension, page, size, directory)
    if path.is_file():
        return path
    try:
        with _locked(path):
            if not path.is_file() and not _from_earlier_build(path):
                _write(path, render_listing(here, app, extension, page, size, slugs))
        return path
    except OSError as error:
        log.warning("catalog page kept in memory: cannot write %s (%s)", path, error)
        return _in_memory(version, here.base_url, extension, page, size, slugs)


@lru_cache(maxsize=16)
def _in_memory(
    version: str, base: str, extension: str, page: int, size: int, slugs: tuple[str, ...]
) -> bytes:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return render_listing(site(), app, extension, page, size, slugs)


def render_listing(
    here: Site, app: Flask, extension: str, page: int, size: int, slugs: tuple[str, ...]
) -> bytes:
    """A page rendered in a child process (config CATALOG_CHILD; on unless testing): at 1,000
    packages a worker that rendered a cold page in its own heap stayed at 273 MiB against 105
    for one that did not; a child gives the memory back on exit. The child renders the same
    build or says it cannot (exit 3: a newer build came), and the worker then renders it."""
    version = here.version()
    wanted = app.config.get("CATALOG_CHILD")
    if wanted if wanted is not None else not app.testing:
        config = json.dumps(_child_config(app))
        command = [sys.executable, "-m", "service.web.catalog_child", config]
        command += [extension, str(page), str(size), version]
        try:
            run = subprocess.run(command, capture_output=True, check=False)
        except OSError as error:
            log.warning("catalog: page rendered in the worker: no child (%s)", error)
        else:
            if run.returncode == 0:
                return run.stdout
            if run.returncode != CHILD_OTHER_BUILD:
                raise RuntimeError(f"catalog page {page}: {run.stderr.decode(errors='replace')}")
    chosen = slugs[(page - 1) * size : page * size]
    triples = page_triples(here.store(), here.base_url, chosen, page == 1)
    return render_page(triples, here.base_url, extension, page, size, len(slugs))


CHILD_OTHER_BUILD = 3


# --- every page of a new build, in the background ----------------------------------------

_warming_lock = threading.Lock()
_warmed: set[tuple[str, str]] = set()  # (cache, build) this process warmed or is warming


def warm(app: Flask) -> int:
    """Render every default-size page of the current build in every format that is not in
    the cache yet (the page's triples read once for its four formats). Returns how many."""
    with app.app_context():
        here = site()
        here.store()  # a build swapped in since this process last looked: that one
        version = here.version()
        directory = _build_dir(app, version)
        if directory is None:
            return 0
        slugs = tuple(sorted(here.packages()))
        pages = max(1, -(-len(slugs) // DEFAULT_PAGE_SIZE))
        rendered = 0
        for page in range(1, pages + 1):
            here.store()
            if here.version() != version:  # a newer build came: its own warming renders it
                break
            triples: list[Triple] | None = None
            for extension in RDF_ONLY:
                path = directory / _page_name(
                    here, slugs, extension, page, DEFAULT_PAGE_SIZE, directory
                )
                if path.is_file():
                    continue
                with _locked(path):
                    if path.is_file() or _from_earlier_build(path):
                        continue
                    if triples is None:
                        chosen = slugs[(page - 1) * DEFAULT_PAGE_SIZE : page * DEFAULT_PAGE_SIZE]
                        triples = page_triples(here.store(), here.base_url, chosen, page == 1)
                    body = render_page(
                        triples, here.base_url, extension, page, DEFAULT_PAGE_SIZE, len(slugs)
                    )
                    _write(path, body)
                    rendered += 1
        return rendered


WARM_CONFIG = ("DATA_DIR", "PACKAGES_DIR", "BASE_URL", "STORE_URL", "CATALOG_CACHE")


def _child_config(app: Flask) -> dict[str, str | None]:
    """What a child needs to open the same site as this worker."""
    config = {name: app.config.get(name) for name in WARM_CONFIG}
    config["CATALOG_CACHE"] = str(_cache_root(app))
    return config


def _warm_quietly(app: Flask, version: str) -> None:
    """warm() in a child process (`python -m service.web.catalog CONFIG`): rendering 40 pages
    leaves ~65 MiB in a worker's heap at 1,000 packages, which a child gives back on exit."""
    try:
        run = subprocess.run(
            [sys.executable, "-m", "service.web.catalog_child", json.dumps(_child_config(app))],
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode:
            log.error("catalog: rendering the pages of build %s failed: %s", version, run.stderr)
        else:
            log.info("catalog: %s page renderings made for build %s", run.stdout.strip(), version)
    except OSError:  # a background nicety: requests render what they need themselves
        log.exception("catalog: rendering the pages of build %s failed", version)


@bp.before_app_request
def _start_warming() -> None:
    """On a worker's first request, and on the first after each new build, render the
    catalog's pages in a background thread (config CATALOG_WARM, which create_app sets)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("CATALOG_WARM"):
        return
    try:
        here = site()
        here.store()  # notices a swapped-in build
        version = here.version()
    except Exception:  # the request itself will say what is wrong
        return
    key = (str(_cache_root(app)), version)
    if key in _warmed:
        return
    with _warming_lock:
        if key in _warmed:
            return
        _warmed.add(key)
    threading.Thread(
        target=_warm_quietly, args=(app, version), name="catalog-warm", daemon=True
    ).start()


# --- the route ---------------------------------------------------------------------------


@bp.get("/catalog")
@bp.get("/catalog.<extension>")
def catalog(extension: str | None = None) -> Response:
    """GET /catalog: the DCAT catalog, paged, in the negotiated RDF format (the home page for HTML)."""
    chosen = negotiate(extension, request.accept_mimetypes, allowed=("html", *RDF_ONLY))
    page = positive(request.args, "page", 1, 1_000_000)
    size = positive(request.args, "pagesize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    here = site()
    if chosen.name == "html":
        body = linked.pages().home(request.args)
        return conditional(
            Response(body, mimetype="text/html"), tag_source=body.encode(), vary_accept=True
        )
    slugs = tuple(sorted(here.packages()))
    pages = max(1, -(-len(slugs) // size))
    if page > pages:
        raise Refusal(404, "no-such-page", f"the catalog has {pages} page(s) of {size}")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    rendered = _cached(here, app, chosen.name, page, size, slugs)
    if isinstance(rendered, bytes):
        response = Response(rendered, mimetype=chosen.media_type)
        return conditional(
            response, tag_source=rendered, modified=here.modified(), vary_accept=True
        )
    # a content-named page keeps its ETag across builds that leave it as it was
    tag = (
        rendered.name
        if CONTENT_NAMED.fullmatch(rendered.name)
        else f"{here.version()} {rendered.name}"
    )
    try:
        zipped = rendered.read_bytes()
    except OSError:  # pruned meanwhile by a newer build's first request
        body = _in_memory(here.version(), here.base_url, chosen.name, page, size, slugs)
        response = Response(body, mimetype=chosen.media_type)
        return conditional(response, tag_source=body, modified=here.modified(), vary_accept=True)
    if request.accept_encodings["gzip"] > 0:
        response = Response(zipped, mimetype=chosen.media_type)
        response.headers["Content-Encoding"] = "gzip"  # as stored: not compressed again
    else:  # ~50 ms for the largest page
        response = Response(gzip.decompress(zipped), mimetype=chosen.media_type)
        tag += " identity"
    return conditional(response, tag_source=tag, modified=here.modified(), vary_accept=True)
