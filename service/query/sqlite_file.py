"""An SQLite index written as a whole: built in a temporary file beside its place and renamed
in, so a reader never opens half an index and a failure leaves the old one (or none)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

FAST_WRITE = "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"  # the rename is the commit


def write_atomically(path: Path, schema: str, fill: Callable[[sqlite3.Connection], int]) -> int:
    """Create `schema` in a new database, let `fill` write its rows (returning how many), and
    put the file at `path`, readable by every worker; returns what `fill` returned."""
    return _written(path, None, FAST_WRITE + schema, fill)


def update_atomically(
    path: Path, previous: Path, update: Callable[[sqlite3.Connection], int]
) -> int:
    """A copy of `previous` (an earlier build's index, which stays as it is) changed by
    `update` and put at `path`: what one changed package costs is its own rows, not the
    corpus's."""
    return _written(path, previous, FAST_WRITE, update)


def _written(
    path: Path, previous: Path | None, script: str, fill: Callable[[sqlite3.Connection], int]
) -> int:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        if previous is not None:
            shutil.copyfile(previous, temporary)
        db = sqlite3.connect(Path(temporary).as_uri(), uri=True, isolation_level=None)
        try:
            db.executescript(script)
            total = fill(db)
        finally:
            db.close()
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return total
