"""What the combined yearly packages need to know of each department package, kept between runs.

Combining a year reads every member's descriptor for its table kinds and their schemas: with
a thousand packages that is seconds of JSON for one changed document. The little the combine
uses (year, department, title, audit counts, each combinable resource's path, title and
schema) is kept in DIR/.combine-members.json under the sha256 of the descriptor it was read
from, so an unchanged package is one file read and hash, and a changed one is parsed again.
The file is a cache: a missing, unreadable or foreign one is read again from the packages.
The leading dot keeps it out of every package listing and off the web.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from service.corpus.copies import copies
from service.dumps import write_atomic

CACHE = ".combine-members.json"
CACHE_FORMAT = "4"
NOT_COMBINED = {  # code lists (per-package, linked by foreign keys) and the cube itself
    "facts",
    "analysis",
    "functional_classification",
    "economic_classification_departmental",
    "economic_classification_government",
    "projects",
}


@dataclass
class Member:
    slug: str
    path: Path
    info: dict[str, Any]  # fiscalYear, department, title, audit, kinds (name → resource)
    sha256: str


def member_info(meta: dict[str, Any]) -> dict[str, Any]:
    """What combining needs of a descriptor: its resources that are tables of a kind (not kept
    as printed, whose columns are their own; not code lists nor the cube), in its order."""
    printed = {t["resource"] for t in meta.get("tables", []) if t["read"] == "as-printed"}
    kinds = [
        {
            **{key: resource[key] for key in ("name", "path", "title", "schema")},
            "schemaKey": _schema_key(resource["schema"]),
        }
        for resource in meta["resources"]
        if resource["name"] not in printed
        and resource.get("format") == "csv"
        and resource["name"] not in NOT_COMBINED
    ]
    return {
        "fiscalYear": int(meta["fiscalYear"]),
        "department": meta.get("department", ""),
        "title": meta.get("title"),
        "audit": meta.get("audit", {}),
        "kinds": kinds,
        "standing": standing_info(meta),
    }


def standing_info(meta: dict[str, Any]) -> dict[str, Any]:
    """What the combined year's coverage needs of a member (service.corpus.coverage): the
    descriptor's tables, contents and analyses, without its resources."""
    facts = next((r for r in meta["resources"] if r.get("name") == "facts"), {})
    return {
        "name": meta["name"],
        "department": meta.get("department", ""),
        "fiscalYear": meta["fiscalYear"],
        "tables": meta.get("tables", []),
        "contents": meta.get("contents", []),
        "resources": [
            {
                "name": "facts",
                "analyses": [{"name": a["name"]} for a in facts.get("analyses", [])],
                "analysesNotMade": facts.get("analysesNotMade", []),
            },
            *(
                {"name": r["name"], "format": "csv"}
                for r in meta["resources"]
                if r.get("format") == "csv" and r["name"] != "facts"
            ),
        ],
    }


def _schema_key(schema: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(schema, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def members_by_year(root: Path) -> dict[int, list[Member]]:
    """Every department package under root (not staging, not combined), by fiscal year; the
    descriptors whose hash the cache knows are not parsed again."""
    known = _read_cache(root)
    seen: dict[str, dict[str, Any]] = {}
    years: dict[int, list[Member]] = {}
    copied = copies([d.parent for d in root.glob("*/datapackage.json")])
    for descriptor in sorted(root.glob("*/datapackage.json")):
        name = descriptor.parent.name
        if name.startswith((".", "_")) or name in copied:  # a second copy: not twice
            continue
        data = descriptor.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        entry = known.get(name)
        info = (
            entry["info"]
            if entry and entry["sha256"] == sha256
            else member_info(orjson.loads(data))
        )
        seen[name] = {"sha256": sha256, "info": info}
        member = Member(name, descriptor.parent, info, sha256)
        years.setdefault(info["fiscalYear"], []).append(member)
    if seen != known:
        _write_cache(root, seen)
    return years


def _read_cache(root: Path) -> dict[str, dict[str, Any]]:
    """slug → {sha256, info} with each schema in place; empty when there is no usable cache."""
    try:
        cache = orjson.loads((root / CACHE).read_bytes())
        if cache.get("format") != CACHE_FORMAT:
            return {}
        schemas = cache["schemas"]
        for entry in cache["members"].values():
            for kind in entry["info"]["kinds"]:
                kind["schema"] = schemas[kind["schemaKey"]]
        return cache["members"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _write_cache(root: Path, members: dict[str, dict[str, Any]]) -> None:
    """The members with each distinct schema once (a thousand packages share a few dozen)."""
    schemas: dict[str, Any] = {}
    stored: dict[str, Any] = {}
    for slug, entry in members.items():
        kinds = []
        for kind in entry["info"]["kinds"]:
            schemas.setdefault(kind["schemaKey"], kind["schema"])
            kinds.append({key: value for key, value in kind.items() if key != "schema"})
        stored[slug] = {"sha256": entry["sha256"], "info": {**entry["info"], "kinds": kinds}}
    cache = {"format": CACHE_FORMAT, "schemas": schemas, "members": stored}
    write_atomic(root / CACHE, orjson.dumps(cache))
