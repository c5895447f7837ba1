"""The build's facts index as the aggregate API opens it: one read-only connection per OS
thread, reopened when a build is swapped in; and what happens when it is unreadable (the
API answers by SPARQL, /healthz says degraded)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

from flask import Response, current_app, g

from service.query import facts_index
from service.web.errors import problem
from service.web.site import site

# per OS thread (a gthread's, or a gevent worker's one thread; threading.local would be one
# per greenlet, so one per request): (thread, DATA_DIR) → (index path, its connection)
_opened_indexes: dict[tuple[int, Path], tuple[Path, sqlite3.Connection]] = {}
_unreadable: dict[Path, str] = {}  # index files found broken: the API answers by SPARQL
log = logging.getLogger(__name__)


def opened() -> tuple[Path, sqlite3.Connection] | None:
    """The served build's facts index, reopened when a build is swapped in; None when the
    build has no index, FACTS_INDEX is off, or the service reads a shared store that holds
    another build than the local folder's (its stamp names the folder: build.load_shared).
    Looked up once a request."""
    if "facts_index" in g:
        return g.facts_index
    config = current_app.config
    g.facts_index = None
    if not config.get("FACTS_INDEX", True):
        return None
    data_dir = Path(config["DATA_DIR"])
    path = facts_index.index_path(data_dir)
    if config.get("STORE_URL") and (
        path is None or site().version() != f"remote-{path.parent.name}"
    ):
        return None
    key = (threading.get_native_id(), data_dir)
    opened = _opened_indexes
    if key in opened and opened[key][0] != path:
        opened.pop(key)[1].close()
    if path is not None and path in _unreadable:
        return None
    if path is not None and key not in opened:
        try:
            db = facts_index.connect(path)
            facts_index.readable(db)
        except sqlite3.DatabaseError as error:
            _broken(path, error)
            return None
        opened[key] = (path, db)
    g.facts_index = opened.get(key)
    return g.facts_index


def _broken(path: Path, error: Exception) -> None:
    """Note an unreadable index: /healthz says so, and the API answers by SPARQL."""
    _unreadable[path] = str(error)
    log.error("facts index %s is unreadable (%s): the API answers from the store", path, error)
    for key in [k for k, (p, _) in _opened_indexes.items() if p == path]:
        _opened_indexes.pop(key)[1].close()


def facts_index_state() -> str | None:
    """For /healthz: "ok", "unreadable", or None when the build has no index to use."""
    path = facts_index.index_path(Path(current_app.config["DATA_DIR"]))
    if opened() is not None:
        return "ok"
    return "unreadable" if path is not None and path in _unreadable else None


# what SQLite says of a statement too big for it: the request's fault, not the file's
_TOO_BIG = ("too many", "too big", "too large", "too deep", "too complex")


def index_failed(error: sqlite3.DatabaseError) -> Response:
    """The index failed under a request. Only a file that no longer reads (checked on a
    connection of its own) is marked broken, 503 now and SPARQL from the next request on:
    a request's own failure (a statement past SQLite's limits) must never take the index
    away from every other request of this worker, nor fail /healthz."""
    found = g.get("facts_index")
    if found is not None and not _still_readable(found[0]):
        _broken(found[0], error)
        response = problem(
            503,
            "facts-index-unreadable",
            "Facts Index Unreadable",
            "the build's facts index cannot be read: answers come from the store from now on",
        )
        response.headers["Retry-After"] = "1"
        return response
    log.warning("a request failed on the facts index, which still reads: %s", error)
    if any(words in str(error).lower() for words in _TOO_BIG):
        return problem(
            400,
            "request-too-large",
            "Request Too Large",
            f"this request is too large for the index to answer ({error}): ask for less",
        )
    response = problem(503, "facts-index-busy", "Facts Index Busy", "try again in a moment")
    response.headers["Retry-After"] = "1"
    return response


def _still_readable(path: Path) -> bool:
    """Whether the index file still reads, on a fresh connection."""
    try:
        db = facts_index.connect(path)
    except sqlite3.DatabaseError:
        return False
    try:
        facts_index.readable(db)
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        db.close()


def index() -> sqlite3.Connection | None:
    """The current build's facts index, or None when the build has none (queries then go to the
    store).
    """
    found = opened()
    return found[1] if found else None
