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
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.errors import PackageError
from service.package.writer import LICENSE, swap_into_place, validation_errors
from service.templates import COMBINED

PREFIX = "_combined-"
ALL_DEPARTMENTS = "全部部门"
NOT_COMBINED = {  # code lists (per-package, linked by foreign keys) and the cube itself
    "facts",
    "functional_classification",
    "economic_classification_departmental",
    "economic_classification_government",
    "projects",
}
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
class Member:
    slug: str
    path: Path
    meta: dict[str, Any]
    sha256: str


@dataclass
class CombineResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def members_by_year(root: Path) -> dict[int, list[Member]]:
    """Every department package under root (not staging, not combined), by fiscal year."""
    years: dict[int, list[Member]] = {}
    for descriptor in sorted(root.glob("*/datapackage.json")):
        name = descriptor.parent.name
        if name.startswith((".", "_")):
            continue
        data = descriptor.read_bytes()
        meta = json.loads(data)
        member = Member(name, descriptor.parent, meta, hashlib.sha256(data).hexdigest())
        years.setdefault(int(meta["fiscalYear"]), []).append(member)
    return years


def fingerprint(members: list[Member]) -> str:
    """The members' descriptors and this module's code: either changing rewrites the year."""
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    lines = code + "\n"
    lines += "".join(f"{m.slug} {m.sha256}\n" for m in sorted(members, key=lambda m: m.slug))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def combine(root: Path, *, validate: bool | str = True) -> CombineResult:
    """Bring every year's combined package up to date with the department packages."""
    result = CombineResult()
    years = members_by_year(root)
    for year, members in sorted(years.items()):
        slug = combined_slug(year)
        digest = fingerprint(members)
        if _recorded_fingerprint(root / slug) == digest:
            result.unchanged.append(slug)
            continue
        write_combined(root, year, members, digest, validate=validate)
        result.written.append(slug)
    for stale in sorted(root.glob(f"{PREFIX}*")):
        if stale.is_dir() and stale.name.removeprefix(PREFIX) not in {str(y) for y in years}:
            shutil.rmtree(stale)
            result.removed.append(stale.name)
    return result


def _recorded_fingerprint(path: Path) -> str | None:
    try:
        meta = json.loads((path / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta.get("combinedFrom", {}).get("fingerprint")


def _table_kinds(members: list[Member]) -> dict[str, list[tuple[Member, dict[str, Any]]]]:
    kinds: dict[str, list[tuple[Member, dict[str, Any]]]] = {}
    for member in members:
        printed = {
            t["resource"] for t in member.meta.get("tables", []) if t["read"] == "as-printed"
        }
        for resource in member.meta["resources"]:
            if resource["name"] in printed:
                continue  # kept as printed: its columns are its own, not the kind's
            if resource.get("format") == "csv" and resource["name"] not in NOT_COMBINED:
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
        position = {name: index for index, name in enumerate(header)}
        department = member.meta.get("department", "")
        return [
            [member.slug, department, *(row[position[n]] if n in position else "" for n in names)]
            for row in reader
        ]


def write_combined(
    root: Path, year: int, members: list[Member], digest: str, *, validate: bool | str = True
) -> Path:
    """Write into a temporary folder, validate, rename into place (as write_package does)."""
    slug = combined_slug(year)
    members = sorted(members, key=lambda m: m.slug)
    staging = Path(tempfile.mkdtemp(prefix=f".{slug}.", dir=root))
    try:
        (staging / "data").mkdir()
        resources = []
        for name, found in _table_kinds(members).items():
            schema = combined_schema([resource for _, resource in found])
            names = [f["name"] for f in schema["fields"][len(LEADING) :]]
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow([f["name"] for f in schema["fields"]])
            for member, resource in found:
                writer.writerows(_rows(member, resource, names))
            data = buffer.getvalue().encode("utf-8")
            (staging / "data" / f"{name}.csv").write_bytes(data)
            first = found[0][1]
            resources.append(
                {
                    "name": name,
                    "type": "table",
                    "path": f"data/{name}.csv",
                    "scheme": "file",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
                    "title": f"{year}年全部部门·{_plain_title(first['title'])}",
                    "description": f"Every department's rows of this table, {year}: "
                    f"{len(found)} departments. Sum `item` rows only (see row_type).",
                    "dialect": {"csv": {"delimiter": ",", "lineTerminator": "\r\n"}},
                    "schema": schema,
                }
            )
        meta = _descriptor(slug, year, members, digest, resources)
        (staging / "datapackage.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        if validate:
            from service.package.schemacheck import schema_errors

            check = schema_errors if validate == "schema" else validation_errors
            errors = check(staging / "datapackage.json")
            if errors:
                raise PackageError(f"combined package {slug} is invalid: " + "; ".join(errors[:5]))
        swap_into_place(staging, root / slug)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return root / slug


def _plain_title(title: str) -> str:
    """收支总表 titles carry the year ("2024年部门收支预算总表"); the combined title says it once."""
    head, sep, tail = title.partition("年")
    return tail if sep and head.isdigit() else title


def _descriptor(
    slug: str, year: int, members: list[Member], digest: str, resources: list[dict[str, Any]]
) -> dict[str, Any]:
    audit = {
        status: sum(int(m.meta.get("audit", {}).get(status, 0)) for m in members)
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
        "sources": [{"title": m.meta.get("title", m.slug)} for m in members],
        "countryCode": "CN",
        "fiscalYear": year,
        "fiscalPeriod": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "department": ALL_DEPARTMENTS,
        "publishedUnit": "元",
        "template": COMBINED,
        "audit": audit,
        "combinedFrom": {
            "fingerprint": digest,
            "packages": [
                {"name": m.slug, "department": m.meta.get("department", ""), "sha256": m.sha256}
                for m in members
            ],
        },
        "resources": resources,
    }
