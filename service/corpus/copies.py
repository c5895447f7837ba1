"""One dataset per document, whatever its file name: a second copy is reported, not published.

The same PDF saved under two names is read into two packages (their folders are named for
the files). Published twice, it would be two datasets of one budget and double every sum
across the corpus (上海市文物保护研究中心 2026: 2 × 13,616,271 in OBEU's totals). A package is
a copy when an earlier package (by name) holds the same document, by its sha256
(`documentSha256`, over every part of a document in several files); the build, the combined
years and the site publish the first and name the others as copies of it.
"""

from __future__ import annotations

import re
from pathlib import Path

# the descriptor writes documentSha256 before its tables and resources: the head is enough
_SHA = re.compile(rb'"documentSha256":\s*"([0-9a-f]{64})"')
HEAD = 16 * 1024


def document_sha256(package: Path) -> str | None:
    """The sha256 of the document a package was read from, as its descriptor states it."""
    try:
        with (package / "datapackage.json").open("rb") as handle:
            found = _SHA.search(handle.read(HEAD))
    except OSError:
        return None
    return found.group(1).decode() if found else None


def copies(packages: list[Path]) -> dict[str, str]:
    """slug → the slug of the package it is a copy of (the first, by name, of the same
    document)."""
    first: dict[str, str] = {}
    found: dict[str, str] = {}
    for package in sorted(packages):
        digest = document_sha256(package)
        if digest is None:
            continue
        if digest in first:
            found[package.name] = first[digest]
        else:
            first[digest] = package.name
    return found
