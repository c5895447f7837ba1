"""What every page needs: where an IRI is served, published tables read with their schema,
and money shown exactly in the unit the department published it in.

Amounts in the packages are CNY yuan; the documents print 万元 (or 元). Pages show the published
unit, derived with Decimal.scaleb, which moves the decimal point and never rounds.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pyoxigraph import Literal, NamedNode

from service.errors import Refusal
from service.rdf.terms import PREFIXES
from service.vocab import CODE
from service.web.iri_description import ONTOLOGY
from service.web.site import site

PRINTED_COLUMN = re.compile(r"c\d+")  # a column of a table kept as printed: c01, c02…
# Powers of ten from yuan to each unit a document may print.
UNIT_EXPONENT = {"元": 0, "千元": 3, "万元": 4, "百万元": 6, "亿元": 8}
ROW_TYPE_LABELS = {
    "total": "合计 total",
    "subtotal": "小计 subtotal",
    "department": "部门 department",
    "unit": "单位 unit",
    "item": "明细 item",
    "of-which": "其中 of which",
}
# Columns that hold a classification code → the code list their values belong to.
CODE_SCHEMES = {
    "functional": "functional",
    "economic_departmental": "economic-departmental",
    "economic_government": "economic-government",
}
CODE_SUFFIXES = ("_code", "_class", "_subclass")
# Columns that name a row, in order of preference (the tables differ).
NAME_FIELDS = ("name", "item", "project_name", "economic_departmental_name", "subject", "term")
# Columns of words that deserve room (Chinese wraps after every character otherwise).
WIDE_FIELDS = {
    *NAME_FIELDS,
    *("level3", "sentence", "definition", "content", "task", "description"),
    *("department", "unit_name", "project_unit"),
}


def local_url(iri: str) -> str | None:
    """Where the service answers for an IRI, or None for IRIs of other sites."""
    base = site().base_url
    if iri.startswith(base):
        return "/" + iri[len(base) :]
    if iri.startswith(str(CODE)):
        return "/code/" + iri[len(str(CODE)) :]
    if iri.startswith(ONTOLOGY):
        return "/def" + iri[len(ONTOLOGY) :]
    return None


def segment_under(iri: str, path: str) -> str | None:
    """The one path segment after the service's `path` (e.g. "dataset/") in an IRI, decoded:
    the slug or name a page is for; None when the IRI is not one such."""
    prefix = site().base_url + path
    if not iri.startswith(prefix):
        return None
    rest = iri[len(prefix) :]
    return unquote(rest) if rest and "/" not in rest else None


def short(iri: str) -> str:
    """A prefixed name where a known prefix fits: readable in tables of triples."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def term(value: Any) -> dict[str, Any]:
    """An RDF term as the templates show it: link, literal with language, or blank node."""
    if isinstance(value, NamedNode):
        return {
            "kind": "iri",
            "iri": value.value,
            "href": local_url(value.value) or value.value,
            "text": short(value.value),
        }
    if isinstance(value, Literal):
        return {
            "kind": "literal",
            "text": value.value,
            "language": value.language,
            "datatype": short(value.datatype.value) if value.datatype else None,
        }
    return {"kind": "blank", "text": str(value)}


# --- money ---------------------------------------------------------------------------------


def exact(value: Decimal, places: int = 2) -> str:
    """Plain notation with at least `places` decimals and every significant digit kept."""
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -places:
        normalized = normalized.quantize(Decimal(1).scaleb(-places))  # only adds zeros
    return format(normalized, "f")


def grouped(value: Decimal, places: int = 2) -> str:
    """exact() with thousands separators, for people: 189767551 → 189,767,551.00."""
    whole, _, fraction = exact(value, places).partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    text = sign + f"{int(digits):,}" if digits else whole
    return f"{text}.{fraction}" if fraction else text


def group_text(text: str) -> str:
    """A number as printed, its decimals kept as they are, with thousands separators."""
    number = decimal_or_none(text)
    if number is None:
        return text
    _, _, fraction = text.strip().partition(".")
    return grouped(number, len(fraction))


def in_unit(yuan: Decimal, unit: str | None) -> str:
    """An amount in yuan shown in a published unit: 1485300.00 → 148.53 (万元),
    189767551 → 189,767,551.00 (元). Exact: Decimal.scaleb never rounds."""
    return grouped(yuan.scaleb(-UNIT_EXPONENT.get(unit or "元", 0)))


def decimal_or_none(text: str) -> Decimal | None:
    """A CSV cell as a Decimal, or None when it is blank or no number."""
    if text is None or text.strip() == "":
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


# --- published tables ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One field of a Table Schema, with what a page needs to show its cells."""

    name: str
    title: str
    type: str
    unit: str | None  # published unit of an amount column, None for other columns
    scheme: str | None  # code list of a classification-code column
    description: str = ""
    yuan: bool = False  # the CSV holds yuan (converted); else the number as printed

    @property
    def numeric(self) -> bool:
        """Whether the column holds numbers."""
        return self.type in ("number", "integer")

    @property
    def wide(self) -> bool:
        """Whether the column is shown wide (long names)."""
        return self.name in WIDE_FIELDS

    @property
    def heading(self) -> str:
        """The column's title with its unit, as a heading."""
        return f"{self.title}（{self.unit}）" if self.unit else self.title


@dataclass
class Table:
    """A CSV resource read whole: small (the largest seed table has under 400 rows)."""

    name: str
    title: str
    path: str
    columns: list[Column]
    rows: list[dict[str, str]] = field(default_factory=list)
    unit: str | None = None

    def cell(self, row: dict[str, str], column: Column, in_yuan: bool = False) -> dict[str, Any]:
        """A cell as shown: amounts in the published unit, codes linked to their concept."""
        raw = row.get(column.name, "")
        shown: dict[str, Any] = {
            "text": raw,
            "numeric": column.numeric,
            "wide": column.wide,
            "href": None,
        }
        if raw == "":
            return shown
        if column.yuan:
            amount = decimal_or_none(raw)
            if amount is not None:
                shown["text"] = in_unit(amount, column.unit if not in_yuan else "元")
                shown["title"] = f"{grouped(amount)} 元"
                shown["value"] = raw
        elif column.numeric and PRINTED_COLUMN.fullmatch(column.name):  # as printed
            shown["text"] = group_text(raw)
            shown["value"] = raw
        elif column.scheme:
            shown["href"] = f"/code/{column.scheme}/{raw}"
        elif column.name == "project_code":
            shown["href"] = f"/project/{raw}"
        elif column.name == "row_type":
            shown["text"] = ROW_TYPE_LABELS.get(raw, raw)
        return shown

    def row_name(self, row: dict[str, str]) -> str:
        """A row's name (the first name field it fills), or ""."""
        return next((row[name] for name in NAME_FIELDS if row.get(name)), "")


def column_for(field_: dict[str, Any]) -> Column:
    """A page column from a Table Schema field: its code list, published unit and whether it is in
    yuan.
    """
    name = field_["name"]
    scheme = None
    for prefix, code_list in CODE_SCHEMES.items():
        if name.startswith(prefix + "_") and name.endswith(CODE_SUFFIXES):
            scheme = code_list
    unit = field_.get("publishedUnit") if field_.get("type") == "number" else None
    yuan = field_.get("type") == "number" and field_.get("unit") == "CNY"
    return Column(
        yuan=yuan,
        name=name,
        title=field_.get("title") or name,
        type=field_.get("type", "string"),
        unit=unit,
        scheme=scheme,
        description=field_.get("description", ""),
    )


@lru_cache(maxsize=256)
def _read_rows(path: str, modified_ns: int) -> tuple[dict[str, str], ...]:
    with open(path, encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def csv_resources(descriptor: dict[str, Any]) -> list[dict[str, Any]]:
    """A package's CSV resources."""
    return [r for r in descriptor.get("resources", []) if r.get("format") == "csv"]


def read_table(slug: str, resource: dict[str, Any]) -> Table:
    """The rows of a resource, cached until its file changes (a new ingest)."""
    path = site().packages_dir / slug / resource["path"]
    rows = _read_rows(str(path), path.stat().st_mtime_ns) if path.is_file() else ()
    return Table(
        name=resource["name"],
        title=resource.get("title") or resource["name"],
        path=resource["path"],
        columns=[column_for(f) for f in resource.get("schema", {}).get("fields", [])],
        rows=list(rows),
        unit=resource.get("publishedUnit"),
    )


def package(slug: str) -> dict[str, Any]:
    """A package's descriptor; 404 (unknown-dataset) when the build has no such package."""
    descriptor = site().descriptor(slug)
    if descriptor is None:
        raise Refusal(404, "unknown-dataset", f"no data package named {slug!r}")
    return descriptor


def resource_named(descriptor: dict[str, Any], name: str) -> dict[str, Any] | None:
    """A package's CSV resource of `name`, or None."""
    return next((r for r in csv_resources(descriptor) if r["name"] == name), None)


@lru_cache(maxsize=64)
def _read_json(path: str, modified_ns: int) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def checks(slug: str) -> list[dict[str, Any]]:
    """The package's audit records (checks.json); empty when the package has none."""
    path = site().packages_dir / slug / "checks.json"
    if not path.is_file():
        return []
    return list(_read_json(str(path), path.stat().st_mtime_ns))


def downloads(slug: str, name: str) -> list[dict[str, str]]:
    """Every download of one table, in the order a journalist would want them."""
    stem = f"/datapackages/{slug}/data/{name}"
    return [
        {"href": f"{stem}.csv", "label": "CSV", "hint": "UTF-8, RFC 4180"},
        {"href": f"{stem}.excel.csv", "label": "Excel CSV", "hint": "带 BOM 与中文列名"},
        {"href": f"{stem}.xlsx", "label": "Excel (.xlsx)", "hint": "xlsx"},
    ]
