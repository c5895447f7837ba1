"""One package per fiscal year with every department's rows: what journalists download.

DIR/_combined-<year>/ holds one resource per table kind (收支总表, 支出, 三公经费, 项目支出 …):
each department's rows under two leading columns, `dataset` (the department's package) and
`department`. Amounts stay exact decimals in yuan, as in the packages they come from. The
leading underscore keeps these packages out of `package_dirs()`, so the build never counts
a department twice in the cube; it describes them in the DCAT catalog as datasets of their
own. A year is rewritten only when one of its packages changed (the descriptor records the
sha256 of every member's datapackage.json).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.corpus.coverage import standing, view_coverage
from service.corpus.members import Member, members_by_year
from service.errors import PackageError
from service.package.writer import LICENSE, pretty_json, swap_into_place, validation_errors
from service.templates import COMBINED

PREFIX = "_combined-"
ALL_DEPARTMENTS = "全部部门"
LEADING = [
    {
        "name": "dataset",
        "title": "数据集",
        "type": "string",
        "description": "Name of the department's own data package (datapackages/<dataset>/).",
        "constraints": {"required": True},
    },
    {
        "name": "department",
        "title": "部门",
        "type": "string",
        "description": "Department that published the budget.",
        "constraints": {"required": True},
    },
]


def combined_slug(year: int) -> str:
    """The name of the package that combines every document of `year`."""
    return f"{PREFIX}{year}"


def is_combined(name: str) -> bool:
    """Whether a package's name is that of a combined year's package."""
    return name.startswith(PREFIX)


@dataclass
class CombineResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def code_fingerprint() -> str:
    """This module's code and the members' (what a combined package is made with)."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(Path(__file__).with_name("members.py").read_bytes())
    digest.update(Path(__file__).with_name("coverage.py").read_bytes())
    return digest.hexdigest()


def fingerprint(members: list[Member]) -> str:
    """The members' descriptors and the code: either changing rewrites the year."""
    lines = code_fingerprint() + "\n"
    lines += "".join(f"{m.slug} {m.sha256}\n" for m in sorted(members, key=lambda m: m.slug))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def combine(root: Path, *, validate: bool | str = True) -> CombineResult:
    """Bring every year's combined package up to date with the department packages."""
    result = CombineResult()
    years = members_by_year(root)
    todo: list[tuple[int, list[Member], str]] = []
    for year, members in sorted(years.items()):
        slug, digest = combined_slug(year), fingerprint(members)
        if _recorded_fingerprint(root / slug) == digest:
            result.unchanged.append(slug)
        else:
            todo.append((year, members, digest))
    _write_years(root, todo, validate)
    result.written += [combined_slug(year) for year, _, _ in todo]
    for stale in sorted(root.glob(f"{PREFIX}*")):
        if stale.is_dir() and stale.name.removeprefix(PREFIX) not in {str(y) for y in years}:
            shutil.rmtree(stale)
            result.removed.append(stale.name)
    return result


def _write_years(
    root: Path, todo: list[tuple[int, list[Member], str]], validate: bool | str
) -> None:
    """Write each year's package; years are independent, so a cold run of several years
    writes them side by side, one process a core (a year of a thousand documents is seconds
    of CSV). The first error stops the run, as the loop would."""
    jobs = min(len(todo), os.cpu_count() or 1)
    if jobs <= 1:
        for year, members, digest in todo:
            write_combined(root, year, members, digest, validate=validate)
        return
    with ProcessPoolExecutor(jobs) as pool:
        futures = [
            pool.submit(write_combined, root, year, members, digest, validate=validate)
            for year, members, digest in todo
        ]
        for future in futures:
            future.result()


def _recorded_fingerprint(path: Path) -> str | None:
    try:
        meta = json.loads((path / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta.get("combinedFrom", {}).get("fingerprint")


def _table_kinds(members: list[Member]) -> dict[str, list[tuple[Member, dict[str, Any]]]]:
    kinds: dict[str, list[tuple[Member, dict[str, Any]]]] = {}
    for member in members:
        for resource in member.info["kinds"]:
            kinds.setdefault(resource["name"], []).append((member, resource))
    return kinds


def combined_schema(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """The members' fields in first-seen order (the seed template's order when all share it),
    after `dataset` and `department`; units are yuan whatever each department published in."""
    fields: dict[str, dict[str, Any]] = {}
    for resource in resources:
        for spec in resource["schema"]["fields"]:
            name = spec["name"]
            if name in ("dataset", "department"):  # the leading columns say it already
                continue
            if name not in fields:
                fields[name] = _combined_field(spec)
                continue
            known = fields[name]
            if known["type"] != spec["type"]:  # templates disagree: keep the text as published
                known.update(type="string", constraints={})
            elif "enum" in spec.get("constraints", {}) and "enum" in known["constraints"]:
                enum = known["constraints"]["enum"]
                enum += [v for v in spec["constraints"]["enum"] if v not in enum]
    primary = resources[0]["schema"].get("primaryKey", [])
    return {
        "fields": [*LEADING, *fields.values()],
        "primaryKey": ["dataset", *primary],
        "missingValues": [""],
    }


def _combined_field(spec: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in spec.items() if k != "publishedUnit"}
    constraints = {k: v for k, v in spec.get("constraints", {}).items() if k != "unique"}
    if "enum" in constraints:
        constraints["enum"] = list(constraints["enum"])
    out["constraints"] = constraints
    if spec.get("unit") == "CNY":
        out["description"] = (
            f"{spec.get('title', spec['name'])}. CNY yuan, exact decimal (each department's "
            "published unit is in its own package). Blank means the cell was blank, not zero."
        )
    return out


def _rows(member: Member, resource: dict[str, Any], names: list[str]) -> list[list[str]]:
    with (member.path / resource["path"]).open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        leading = [member.slug, member.info["department"]]
        if header == names:  # the usual case: the member has every column, in order
            return [leading + row for row in reader]
        position = {name: index for index, name in enumerate(header)}
        picked = [position.get(name) for name in names]
        return [leading + ["" if i is None else row[i] for i in picked] for row in reader]


def write_combined(
    root: Path, year: int, members: list[Member], digest: str, *, validate: bool | str = True
) -> Path:
    """Write into a temporary folder, validate, rename into place (as write_package does).
    The rows of members unchanged since the year was last written are taken from its CSVs
    (same schema, same bytes), and only the rows read again are validated then."""
    slug = combined_slug(year)
    members = sorted(members, key=lambda m: m.slug)
    recorded, earlier = _earlier(root / slug)
    staging = Path(tempfile.mkdtemp(prefix=f".{slug}.", dir=root))
    fresh: dict[str, list[list[str]]] = {}  # kind → the rows read from the members again
    standings = [standing(m.info["standing"]) for m in members]
    try:
        (staging / "data").mkdir()
        resources = []
        for name, found in _table_kinds(members).items():
            schema = combined_schema([resource for _, resource in found])
            names = [f["name"] for f in schema["fields"][len(LEADING) :]]
            kept: dict[str, list[list[str]]] = {}
            if earlier.get(name, {}).get("schema") == schema:
                same = {m.slug for m, _ in found if recorded.get(m.slug) == m.sha256}
                kept = _rows_of(root / slug / earlier[name]["path"], same)
            else:
                fresh[name] = []  # a new or changed schema: the whole table is checked
            table: list[list[str]] = []
            for member, resource in found:
                rows = kept.get(member.slug)
                if rows is None:
                    rows = _rows(member, resource, names)
                    fresh.setdefault(name, []).extend(rows)
                table.extend(rows)
            data = _csv_bytes(schema, table)
            (staging / "data" / f"{name}.csv").write_bytes(data)
            resource = _resource(name, year, found, schema, data)
            resource["coverage"] = view_coverage(name, standings)
            resources.append(resource)
        meta = _descriptor(slug, year, members, digest, resources)
        (staging / "datapackage.json").write_bytes(pretty_json(meta))
        if validate:
            _validate(staging, meta, fresh if len(earlier) else None, validate)
        swap_into_place(staging, root / slug)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return root / slug


def _csv_bytes(schema: dict[str, Any], rows: list[list[str]]) -> bytes:
    """A combined table's CSV: its schema's field names, then the rows (CRLF, UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f["name"] for f in schema["fields"]])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _resource(
    name: str, year: int, found: list[tuple[Member, dict[str, Any]]], schema: dict, data: bytes
) -> dict[str, Any]:
    return {
        "name": name,
        "type": "table",
        "path": f"data/{name}.csv",
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "title": f"{year}年全部部门·{_plain_title(found[0][1]['title'])}",
        "description": f"Every department's rows of this table, {year}: "
        f"{len(found)} departments. Sum `item` rows only (see row_type). `coverage` lists "
        "the departments whose table of this kind is missing, and why.",
        "dialect": {"csv": {"delimiter": ",", "lineTerminator": "\r\n"}},
        "schema": schema,
    }


def _earlier(path: Path) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """(member → the sha256 it had, resource name → resource) of the year's package as it
    was last written; empty when there is none or other code wrote it."""
    try:
        meta = json.loads((path / "datapackage.json").read_text(encoding="utf-8"))
        if meta["combinedFrom"].get("code") != code_fingerprint():
            return {}, {}  # written by other code: its rows may differ, read them all again
        recorded = {p["name"]: p["sha256"] for p in meta["combinedFrom"]["packages"]}
        return recorded, {r["name"]: r for r in meta["resources"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}, {}


def _rows_of(path: Path, members: set[str]) -> dict[str, list[list[str]]]:
    """The rows of a combined CSV that belong to `members` (its first column), by member."""
    rows: dict[str, list[list[str]]] = {}
    if not members:
        return rows
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for row in reader:
            if row and row[0] in members:
                rows.setdefault(row[0], []).append(row)
    return rows


def _validate(
    staging: Path, meta: dict[str, Any], fresh: dict[str, list[list[str]]] | None, how: bool | str
) -> None:
    """The whole package, or (`fresh`: when the year was written before) only the rows read
    again, in a package of their own beside it: the kept rows passed under the same schema,
    and a key cannot repeat across members (`dataset` leads every key)."""
    from service.package.schemacheck import schema_errors

    check = schema_errors if how == "schema" else validation_errors
    target = staging
    if fresh is not None:
        target = staging / ".fresh"
        (target / "data").mkdir(parents=True)
        resources = []
        for resource in meta["resources"]:
            rows = fresh.get(resource["name"])
            if rows is None:
                continue
            data = _csv_bytes(resource["schema"], rows)
            (target / resource["path"]).write_bytes(data)
            resources.append({**resource, "hash": f"sha256:{hashlib.sha256(data).hexdigest()}"})
        if not resources:
            shutil.rmtree(target, ignore_errors=True)
            return
        checked = {**meta, "resources": resources}
        (target / "datapackage.json").write_text(json.dumps(checked, ensure_ascii=False))
    try:
        errors = (
            check(target / "datapackage.json") if (target / "datapackage.json").exists() else []
        )
    finally:
        if fresh is not None:
            shutil.rmtree(target, ignore_errors=True)
    if errors:
        raise PackageError(f"combined package {meta['name']} is invalid: " + "; ".join(errors[:5]))


def _title(member: Member) -> str:
    return member.slug if member.info["title"] is None else member.info["title"]


def _plain_title(title: str) -> str:
    """收支总表 titles carry the year ("2024年部门收支预算总表"); the combined title says it once."""
    head, sep, tail = title.partition("年")
    return tail if sep and head.isdigit() else title


def _descriptor(
    slug: str, year: int, members: list[Member], digest: str, resources: list[dict[str, Any]]
) -> dict[str, Any]:
    audit = {
        status: sum(int(m.info["audit"].get(status, 0)) for m in members)
        for status in ("pass", "rounding", "warn", "fail")
    }
    return {
        "name": slug,
        "title": f"{year}年部门预算·全部部门合并 All departments {year}",
        "description": (
            f"{year}年{len(members)}个部门预算公开的全部表格，每类表一个 CSV，按部门逐行合并。 "
            f"Every table of the {len(members)} department budgets of {year}, one CSV per "
            "table kind with every department's rows; exact amounts in CNY yuan. Each row "
            "names its department's own package (`dataset`), which holds the audit."
        ),
        "version": "1.0.0",
        "licenses": [LICENSE],
        "keywords": ["部门预算", "预算公开", "budget", "China", str(year), ALL_DEPARTMENTS],
        "contributors": [{"title": "budgetpub", "role": "wrangler"}],
        "sources": [{"title": _title(m)} for m in members],
        "countryCode": "CN",
        "fiscalYear": year,
        "fiscalPeriod": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "department": ALL_DEPARTMENTS,
        "publishedUnit": "元",
        "template": COMBINED,
        "audit": audit,
        "combinedFrom": {
            "fingerprint": digest,
            "code": code_fingerprint(),
            "packages": [
                {"name": m.slug, "department": m.info["department"], "sha256": m.sha256}
                for m in members
            ],
        },
        "resources": resources,
    }
