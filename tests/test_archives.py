"""Whole-package zips (issue 24, M3): written by the build, served as files. A zip made
per request held the archive in the worker's memory and its CPU for seconds; now a request
streams the file the build wrote, and a package changed since gets its archive once."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

from service.archives import archive_path, newest
from service.build import build
from tests.conftest import PACKAGES, SEED_SLUG


def _names(data: bytes) -> set[str]:
    return set(zipfile.ZipFile(io.BytesIO(data)).namelist())


def test_the_build_writes_each_archive_and_the_web_sends_that_file(built_var: Path, app) -> None:
    folder = PACKAGES / SEED_SLUG
    archive = archive_path(built_var, SEED_SLUG)
    assert archive.is_file() and archive.stat().st_mtime == newest(folder)
    before = archive.stat()
    response = app.test_client().get(f"/datapackages/{SEED_SLUG}.zip")
    assert response.status_code == 200 and response.is_streamed  # a file, not a buffer
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert _names(response.get_data()) == {f"{SEED_SLUG}/{name}" for name in files}
    after = archive.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # not redone


def test_a_package_changed_after_the_build_gets_a_new_archive_once(tmp_path: Path) -> None:
    from service import create_app

    packages = tmp_path / "datapackages"
    shutil.copytree(PACKAGES / SEED_SLUG, packages / SEED_SLUG)
    var = tmp_path / "var"
    assert build(packages, var, "http://127.0.0.1:8000/").ok
    archive = archive_path(var, SEED_SLUG)
    built = archive.stat().st_mtime
    note = packages / SEED_SLUG / "NOTE.txt"
    note.write_text("added after the build", encoding="utf-8")
    os.utime(note, (built + 10, built + 10))
    client = create_app(
        {"DATA_DIR": str(var), "PACKAGES_DIR": str(packages), "TESTING": True}
    ).test_client()
    first = client.get(f"/datapackages/{SEED_SLUG}.zip")
    assert f"{SEED_SLUG}/NOTE.txt" in _names(first.get_data())
    rewritten = archive.stat()
    assert rewritten.st_mtime == newest(packages / SEED_SLUG) > built
    again = client.get(
        f"/datapackages/{SEED_SLUG}.zip", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert archive.stat().st_mtime_ns == rewritten.st_mtime_ns
