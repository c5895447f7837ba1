"""write_package: a document becomes datapackages/<slug>/, validated, or nothing at all.

Files are written into a temporary folder beside the target and renamed into place only
after Frictionless validation passes, so a failed document never leaves a partial package.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from service.audit import Check, summary
from service.errors import PackageClash, PackageError
from service.ingest.model import Document
from service.package import coverage
from service.package.fiscal import fiscal_model
from service.package.resources import all_resources
from service.package.schemacheck import schema_errors

LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
KIND_TITLES = {"department": "部门预算", "unit": "单位预算", "consolidated": "部门预算（汇总）"}


def slugify(name: str) -> str:
    """An ASCII slug; Chinese in the name is spelled in pinyin (上海万里 → shang-hai-wan-li)."""
    if re.search(r"[\u3400-\u9fff]", name):
        from pypinyin import lazy_pinyin

        name = "-".join(lazy_pinyin(name))
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "document"


def identity(meta: dict[str, Any]) -> tuple[Any, ...]:
    """What a package is the package of: the department, the year and the kind of budget."""
    return (meta.get("department"), meta.get("fiscalYear"), meta.get("documentKind", "department"))


def _refuse_clash(final: Path, document: Document) -> None:
    """Another document's package under the same name is an error, never an overwrite."""
    try:
        meta = json.loads((final / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    theirs = identity(meta)
    ours = (document.department, document.fiscal_year, document.document_kind)
    if theirs != ours:
        raise PackageClash(
            f"{document.file}: package name {final.name!r} is taken by {theirs[0]} "
            f"{theirs[1]} ({theirs[2]}) in {final.parent}; this document is {ours[0]} "
            f"{ours[1]} ({ours[2]}): rename the file so the two packages differ"
        )


def cell(value: Any) -> str:
    """A value as a CSV cell: blank for None, a Decimal in plain notation (never 1E+4)."""
    if value.__class__ is str:  # most cells: checked first
        return value
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def csv_text(fields: list[str], rows: list[dict[str, Any]]) -> str:
    """RFC 4180: CRLF line ends, quotes only where needed, UTF-8 without BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([cell(row.get(name)) for name in fields])
    return buffer.getvalue()


def descriptor(
    document: Document,
    checks: list[Check],
    slug: str,
    resources: list[dict[str, Any]],
    source_name: str,
    hashes: dict[str, str],
    source_format: str = "txt",
) -> dict[str, Any]:
    """The datapackage.json descriptor: the document's metadata, each resource with its path,
    sha256 and schema, the audit summary, the source document and the Fiscal Data Package model."""
    year = document.fiscal_year
    counts = summary(checks)
    described = []
    for resource in resources:
        entry = {
            "name": resource["name"],
            "type": "table",
            "path": f"data/{resource['name']}.csv",
            "scheme": "file",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "hash": f"sha256:{hashes[resource['name']]}",
            "title": resource["title"],
            "description": resource["description"],
            "dialect": {"csv": {"delimiter": ",", "lineTerminator": "\r\n"}},
            "schema": resource["schema"],
        }
        for extra in ("publishedUnit", "sourceLine", "notes", "analyses"):
            if resource.get(extra):
                entry[extra] = resource[extra]
        if "analysesNotMade" in resource:  # said even when empty: every analysis was made
            entry["analysesNotMade"] = resource["analysesNotMade"]
        described.append(entry)
    described.append(
        {
            "name": "checks",
            "type": "json",
            "path": "checks.json",
            "scheme": "file",
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
            "hash": f"sha256:{hashes['checks']}",
            "title": "算术审核",
            "description": "The arithmetic audit: every check with "
            "id, status (pass/warn/fail), expected, found and where.",
        }
    )
    source: dict[str, Any] = {
        "name": "source_document",
        "type": "text",
        "path": f"source/{source_name}",
        "scheme": "file",
        "format": "txt",
        "mediatype": "text/plain",
        "encoding": "utf-8",
        "hash": f"sha256:{document.sha256}",
        "title": document.title,
        "description": "The disclosure document as published, archived unchanged.",
    }
    if source_format == "pdf":  # a published PDF is archived as a file, not as text
        source.update(type="file", format="pdf", mediatype="application/pdf")
        del source["encoding"]
    if document.parts:
        source["description"] = (
            f"Part 1 of {len(document.parts)} of the document as published; the document's "
            "hash is over every part's name and sha256 (see sourceParts)."
        )
        source["hash"] = f"sha256:{document.parts[0].sha256}"
    described.append(source)
    for number, part in enumerate(document.parts[1:], start=2):
        described.append(
            {
                "name": f"source_part_{number}",
                "type": "file",
                "path": f"source/{part.name}",
                "scheme": "file",
                "format": "pdf",
                "mediatype": "application/pdf",
                "hash": f"sha256:{part.sha256}",
                "title": f"{document.title} ({part.name})",
                "description": f"Part {number} of {len(document.parts)} of the document.",
            }
        )
    return {
        "name": slug,
        "title": f"{document.department} {year}年{KIND_TITLES[document.document_kind]}",
        "description": (
            f"{document.department}{year}年部门预算公开：收支总表、收入、支出、财政拨款、"
            "一般公共预算、三公经费、项目支出与绩效目标等表格的开放数据。 "
            f"Department budget {year} of {document.department}: every published "
            "table as typed CSV, exact amounts in CNY yuan, with the arithmetic audit."
        ),
        "version": "1.0.0",
        "licenses": [LICENSE],
        "keywords": ["部门预算", "预算公开", "budget", "China", str(year), document.department],
        "contributors": [
            {"title": document.department, "role": "publisher"},
            {"title": "budgetpub", "role": "wrangler"},
        ],
        "sources": [{"title": document.title, "path": f"source/{source_name}"}],
        "countryCode": "CN",
        "fiscalYear": year,
        "fiscalPeriod": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "department": document.department,
        "publishedUnit": document.unit,
        "template": document.template,
        "documentKind": document.document_kind,
        "documentSha256": document.sha256,
        **(
            {
                "sourceParts": [
                    {"path": f"source/{p.name}", "sha256": p.sha256} for p in document.parts
                ]
            }
            if document.parts
            else {}
        ),
        "tables": coverage.printed_tables(document),
        **({"contents": coverage.contents(document)} if document.listed else {}),
        "responsibilities": document.responsibilities,
        "structure": document.structure,
        "goals": document.goals,
        **(
            {"projectDescriptions": document.project_descriptions}
            if document.project_descriptions
            else {}
        ),
        "audit": {"path": "checks.json", **counts},
        "model": fiscal_model(),
        "resources": described,
    }


def pretty_json(value: Any) -> bytes:
    """JSON as people read it (2-space indent, UTF-8, a final newline), byte for byte what
    json.dumps(indent=2, ensure_ascii=False) writes, from orjson's C encoder: the standard
    library's indented encoder is pure Python, a fifth of a document's ingest time."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def write_package(
    document: Document,
    checks: list[Check],
    out_root: Path,
    slug: str | None = None,
    *,
    validate: bool | str = True,
) -> Path:
    """Write, validate, then rename into place; on any failure nothing is left behind.

    validate: True runs Frictionless; "schema" the fast equivalent (package/schemacheck.py)
    that corpus runs use; False nothing (benchmarks of the writer alone)."""
    path = Path(document.file)
    slug = slug or slugify(path.name if document.parts else path.stem)
    out_root.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out_root)
    final = out_root / slug
    staging = Path(tempfile.mkdtemp(prefix=f".{slug}.", dir=out_root))
    try:
        source_name = Path(document.file).name if document.file != "<memory>" else f"{slug}.txt"
        if document.parts:
            source_name = document.parts[0].name
        resources = all_resources(document)
        (staging / "data").mkdir()
        (staging / "source").mkdir()
        hashes: dict[str, str] = {}
        for resource in resources:
            fields = [f["name"] for f in resource["schema"]["fields"]]
            data = csv_text(fields, resource["rows"]).encode("utf-8")
            (staging / "data" / f"{resource['name']}.csv").write_bytes(data)
            hashes[resource["name"]] = hashlib.sha256(data).hexdigest()
        if document.parts:  # a document in several files: every part archived
            for part in document.parts:
                (staging / "source" / part.name).write_bytes(part.data)
            original = document.parts[0].data
        else:
            original = _original_bytes(document)
            (staging / "source" / source_name).write_bytes(original)
        source_format = "pdf" if original.lstrip()[:5] == b"%PDF-" else "txt"
        audit = pretty_json([c.to_dict() for c in checks])
        (staging / "checks.json").write_bytes(audit)
        hashes["checks"] = hashlib.sha256(audit).hexdigest()
        meta = descriptor(document, checks, slug, resources, source_name, hashes, source_format)
        (staging / "datapackage.json").write_bytes(pretty_json(meta))
        if validate:
            check = schema_errors if validate == "schema" else validation_errors
            errors = check(staging / "datapackage.json")
            if errors:
                raise PackageError(
                    f"{document.file}: package {slug} is invalid: " + "; ".join(errors[:5])
                )
        _refuse_clash(final, document)
        swap_into_place(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


STALE_AFTER = 3600  # seconds: a staging folder this old belongs to a run that was killed
_SWEPT: set[Path] = set()  # folders this process has swept


def remove_stale_staging(out_root: Path) -> None:
    """Staging folders left by a run killed mid-write (kill -9) are removed, not kept forever:
    once per folder a process (a corpus's worker writes hundreds of packages in one)."""
    folder = out_root.resolve()
    if folder in _SWEPT:
        return
    _SWEPT.add(folder)
    now = time.time()
    for path in out_root.glob(".*.*"):
        try:
            if path.is_dir() and now - path.stat().st_mtime > STALE_AFTER:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue


def _original_bytes(document: Document) -> bytes:
    """The document exactly as published (the descriptor's sha256 is of these bytes)."""
    path = Path(document.file)
    if path.is_file():
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() == document.sha256:
            return data
        raise PackageError(f"{document.file}: the file changed while it was being ingested")
    return document.text.encode("utf-8")


def swap_into_place(staging: Path, final: Path) -> None:
    """Make a staged folder public (mkdtemp makes it 0700) and rename it into place."""
    for path in (staging, *staging.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
    _swap(staging, final)


def _swap(staging: Path, final: Path) -> None:
    """Replace final with staging; the old package is removed only once the new one is in."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        final.rename(old)
    staging.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def validation_errors(path: Path) -> list[str]:
    """Frictionless validation of the whole package, foreign keys included."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(path)).validate()
    if report.valid:
        return []
    messages = [f"{e.type}: {e.message}" for e in report.errors]
    for task in report.tasks:
        messages += [f"{task.name}: {e.type}: {e.message}" for e in task.errors]
    return messages
