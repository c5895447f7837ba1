"""Each data package as one zip, written once and served as a file (issue 24, M3).

A zip made per request held the whole archive in the web worker's memory and its CPU
for seconds (a 120 MB source: 4.4 s and an 88 MB body, /healthz p99 4.4 s with two such
clients). The build writes every package's archive under DATA_DIR/archives; the web
serves that file, streamed by the server. An archive is current while its mtime is the
newest mtime in its package folder (set so when written), so a package changed after
the build gets a new archive on its first request, written aside and renamed in.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

STORED = {".pdf", ".zip", ".xlsx", ".gz", ".png", ".jpg"}  # packed already: not deflated again


def archive_path(data_dir: Path, slug: str) -> Path:
    """Where a package's archive lives."""
    return data_dir / "archives" / f"{slug}.zip"


def newest(folder: Path) -> float:
    """The newest mtime in a package folder, its subfolders included (a file removed
    changes its folder's)."""
    return max([folder.stat().st_mtime, *(p.stat().st_mtime for p in folder.rglob("*"))])


def current(folder: Path, data_dir: Path) -> tuple[Path, float]:
    """The package's archive (written now if missing or stale) and the mtime it stands for."""
    target = archive_path(data_dir, folder.name)
    stamp = newest(folder)
    try:
        if target.stat().st_mtime == stamp:
            return target, stamp
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{folder.name}-", suffix=".zip", dir=target.parent)
    os.close(handle)
    written = Path(name)
    try:
        with zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for file in sorted(p for p in folder.rglob("*") if p.is_file()):
                packed = zipfile.ZIP_STORED if file.suffix.lower() in STORED else None
                relative = file.relative_to(folder).as_posix()
                archive.write(file, f"{folder.name}/{relative}", compress_type=packed)
        os.utime(written, (stamp, stamp))
        os.replace(written, target)
    except BaseException:
        written.unlink(missing_ok=True)
        raise
    return target, stamp


def write_archives(packages: list[Path], data_dir: Path) -> int:
    """Every package's archive made current; returns how many were written."""
    written = 0
    for folder in packages:
        before = archive_path(data_dir, folder.name)
        mtime = before.stat().st_mtime if before.exists() else None
        written += current(folder, data_dir)[1] != mtime
    return written
