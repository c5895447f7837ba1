"""When each dataset was issued and last modified, as harvesters read dct:issued and
dct:modified: a package's first build in this build folder, and the build at which its
descriptor (so its data: every file's hash is in it) last changed.

A data package carries no such dates (its bytes stay the same however often it is built), so
the build keeps a small ledger beside the dumps, DIR/rdf/released.json: slug → descriptor
sha256, issued, modified. An unchanged package keeps its dates, so a build of unchanged
packages says the same catalog and keeps its store. SOURCE_DATE_EPOCH (reproducible builds)
sets the clock.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

LEDGER = "released.json"


@dataclass(frozen=True)
class Released:
    issued: str  # xsd:dateTime, UTC
    modified: str


def now() -> str:
    """The build's clock as xsd:dateTime in UTC: SOURCE_DATE_EPOCH when set (reproducible
    builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def descriptor_sha256(package: Path) -> str:
    """The sha256 of a package's datapackage.json, which changes whenever any of its files does."""
    return hashlib.sha256((package / "datapackage.json").read_bytes()).hexdigest()


def release_dates(rdf_dir: Path, packages: dict[str, Path]) -> dict[str, Released]:
    """Each package's dates, the ledger brought up to date (written only when it changed)."""
    path = rdf_dir / LEDGER
    try:
        ledger = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        ledger = {}
    stamp = now()
    fresh: dict[str, dict[str, str]] = {}
    for slug, package in sorted(packages.items()):
        digest = descriptor_sha256(package)
        known = ledger.get(slug) or {}
        issued = known.get("issued") or stamp
        modified = known.get("modified") if known.get("sha256") == digest else stamp
        fresh[slug] = {"sha256": digest, "issued": issued, "modified": modified or stamp}
    if fresh != ledger:
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(fresh, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)
    return {slug: Released(d["issued"], d["modified"]) for slug, d in fresh.items()}
