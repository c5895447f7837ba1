"""The dataset page: what a journalist needs on one page — what the budget is, every table
with a preview, every download, whether the arithmetic holds, and the performance targets —
plus a schema.org Dataset block so search engines index it as a dataset."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import render_template
from markupsafe import Markup
from pyoxigraph import NamedNode, Triple

from service.formats import GRAPH_FORMATS
from service.web.charts import functional_tree, headline
from service.web.pages_audit import audit
from service.web.pages_combined import combined_page, is_combined
from service.web.pages_common import (
    csv_resources,
    decimal_or_none,
    in_unit,
    local_url,
    package,
    read_table,
    segment_under,
)
from service.web.pages_present import table_summary
from service.web.site import site

BP_TABLE = "https://w3id.org/budgetpub/def#table"
DCT_PUBLISHER = "http://purl.org/dc/terms/publisher"
CATEGORY_LABELS = {
    "cost": "成本 cost",
    "output": "产出 output",
    "benefit": "效益 benefit",
    "satisfaction": "满意度 satisfaction",
}
RDF_FORMATS = [(f.name, f.label, f.media_type) for f in GRAPH_FORMATS]


def _dataset_slug(iri: str) -> str | None:
    return segment_under(iri, "dataset/")


def is_dataset(iri: str) -> bool:
    """Whether an IRI is a dataset's (the dataset page draws it)."""
    return _dataset_slug(iri) is not None


def objects(triples: list[Triple], subject: str, predicate: str) -> list[str]:
    """The objects of `subject`'s `predicate` among `triples`."""
    return [
        t.object.value
        for t in triples
        if t.subject.value == subject and t.predicate.value == predicate
    ]


# --- performance targets -------------------------------------------------------------------


def _rows(slug: str, descriptor: dict[str, Any], name: str) -> list[dict[str, str]]:
    resource = next((r for r in csv_resources(descriptor) if r["name"] == name), None)
    return read_table(slug, resource).rows if resource else []


def _project_amounts(slug: str, descriptor: dict[str, Any], table: str) -> dict[str, Decimal]:
    """Project code → its 合计 in one table (item rows only)."""
    found = {}
    for row in _rows(slug, descriptor, table):
        amount = decimal_or_none(row.get("total", ""))
        if row.get("row_type") == "item" and row.get("project_code") and amount is not None:
            found[row["project_code"]] = amount
    return found


def _target(row: dict[str, str]) -> dict[str, str]:
    return {
        "indicator": row.get("level3", ""),
        "operator": row.get("operator", ""),
        "value": row.get("value", ""),
        "unit": row.get("unit", ""),
        "qualitative": row.get("qualitative", ""),
        "published": row.get("value_text", ""),
    }


def performance(slug: str, descriptor: dict[str, Any], problems: list[dict]) -> dict[str, Any]:
    """Project indicators under their project (with its budget), department indicators, tasks."""
    unit = descriptor.get("publishedUnit", "万元")
    budgets = _project_amounts(slug, descriptor, "project_expenditure")
    stated = _project_amounts(slug, descriptor, "project_performance")
    indicators: dict[str, list[dict[str, str]]] = {}
    for row in _rows(slug, descriptor, "project_performance_indicators"):
        target = _target(row)
        target["category"] = CATEGORY_LABELS.get(row.get("category", ""), row.get("category", ""))
        target["level1"] = row.get("level1", "")
        indicators.setdefault(row.get("project_code", ""), []).append(target)
    projects = []
    for row in _rows(slug, descriptor, "projects"):
        code = row.get("code", "")
        budget, target_budget = budgets.get(code), stated.get(code)
        projects.append(
            {
                "code": code,
                "name": row.get("name", ""),
                "type": row.get("type", ""),
                "budget": in_unit(budget, unit) if budget is not None else "",
                "target_budget": (
                    in_unit(target_budget, unit)
                    if target_budget is not None and target_budget != budget
                    else ""
                ),
                "indicators": indicators.get(code, []),
                "warnings": [p for p in problems if p["id"].endswith(f":{code}")],
            }
        )
    department = []
    for row in _rows(slug, descriptor, "department_performance_indicators"):
        target = _target(row)
        target.update(
            level1=row.get("level1", ""),
            level2=row.get("level2", ""),
            description=row.get("description", ""),
        )
        department.append(target)
    return {
        "unit": unit,
        "projects": projects,
        "department": department,
        "tasks": _rows(slug, descriptor, "department_tasks"),
    }


# --- tables and downloads ------------------------------------------------------------------


def tables(slug: str, descriptor: dict[str, Any], pages: set[str]) -> list[dict[str, Any]]:
    """Every CSV resource with its first rows; the published tables have a page of their own."""
    shown = []
    for resource in csv_resources(descriptor):
        table = read_table(slug, resource)
        shown.append(
            {
                **table_summary(slug, table),
                "description": resource.get("description", ""),
                "unit": table.unit,
                "printed": table.name.startswith("table_"),
                "page": f"/dataset/{slug}/table/{table.name}" if table.name in pages else None,
            }
        )
    return shown


def package_downloads(slug: str, descriptor: dict[str, Any]) -> list[dict[str, str]]:
    """The whole package, its descriptor, the source document and the dataset's RDF."""
    found = [
        {"href": f"/datapackages/{slug}.zip", "label": "整个数据包 Whole package (.zip)"},
        {
            "href": f"/datapackages/{slug}/datapackage.json",
            "label": "数据包描述 Descriptor (datapackage.json)",
        },
    ]
    for resource in descriptor.get("resources", []):
        if resource.get("format") not in ("csv",) and resource.get("path"):
            label = resource.get("title") or resource["name"]
            found.append({"href": f"/datapackages/{slug}/{resource['path']}", "label": label})
    for extension, label, _media_type in RDF_FORMATS:
        found.append(
            {"href": f"/dataset/{slug}.{extension}", "label": f"RDF {label} (.{extension})"}
        )
    return found


# --- schema.org ----------------------------------------------------------------------------


def schema_org(
    slug: str, descriptor: dict[str, Any], iri: str, publisher: str | None
) -> dict[str, Any]:
    """A schema.org Dataset (what Google Dataset Search reads), download URLs absolute."""
    base = site().base_url
    period = descriptor.get("fiscalPeriod") or {}
    licenses = descriptor.get("licenses") or []
    organization: dict[str, Any] = {
        "@type": "GovernmentOrganization",
        "name": descriptor.get("department", ""),
    }
    if publisher:
        organization["@id"] = publisher
        organization["url"] = publisher
    distribution: list[dict[str, Any]] = [
        {
            "@type": "DataDownload",
            "name": "整个数据包 Whole data package",
            "contentUrl": f"{base}datapackages/{slug}.zip",
            "encodingFormat": "application/zip",
        },
        {
            "@type": "DataDownload",
            "name": "datapackage.json",
            "contentUrl": f"{base}datapackages/{slug}/datapackage.json",
            "encodingFormat": "application/json",
        },
    ]
    for resource in csv_resources(descriptor):
        distribution.append(
            {
                "@type": "DataDownload",
                "name": resource.get("title") or resource["name"],
                "contentUrl": f"{base}datapackages/{slug}/{resource['path']}",
                "encodingFormat": "text/csv",
            }
        )
    for extension, _label, media_type in RDF_FORMATS:
        distribution.append(
            {
                "@type": "DataDownload",
                "name": f"RDF ({extension})",
                "contentUrl": f"{base}dataset/{slug}.{extension}",
                "encodingFormat": media_type,
            }
        )
    document: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": iri,
        "url": iri,
        "identifier": slug,
        "name": descriptor.get("title", slug),
        "description": descriptor.get("description", ""),
        "inLanguage": "zh-CN",
        "isAccessibleForFree": True,
        "keywords": descriptor.get("keywords", []),
        "publisher": organization,
        "creator": organization,
        "distribution": distribution,
    }
    if period.get("start") and period.get("end"):
        document["temporalCoverage"] = f"{period['start']}/{period['end']}"
    elif descriptor.get("fiscalYear"):
        document["temporalCoverage"] = str(descriptor["fiscalYear"])
    if licenses:
        document["license"] = licenses[0].get("path") or licenses[0].get("name")
    if descriptor.get("version"):
        document["version"] = descriptor["version"]
    return document


def script_json(document: dict[str, Any]) -> Markup:
    """JSON safe inside <script>: <, > and & escaped, so data can never close the element."""
    text = json.dumps(document, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def dataset_page(iri: str, triples: list[Triple]) -> str:
    """The page of a dataset: what it is, its publisher, its tables, downloads and checks."""
    slug = _dataset_slug(iri)
    assert slug is not None
    descriptor = package(slug)
    pages = {value.rsplit("/", 1)[-1] for value in objects(triples, iri, BP_TABLE)}
    publishers = [
        t.object.value
        for t in triples
        if t.subject.value == iri
        and t.predicate.value == DCT_PUBLISHER
        and isinstance(t.object, NamedNode)
    ]
    publisher = publishers[0] if publishers else None
    if is_combined(slug):
        return combined_page(slug, iri, descriptor)
    found = audit(slug, pages, descriptor)
    shown = tables(slug, descriptor, pages)
    tree = functional_tree(slug, descriptor)
    return render_template(
        "dataset.html",
        slug=slug,
        iri=iri,
        d=descriptor,
        publisher_href=local_url(publisher) if publisher else None,
        audit=found,
        published=[t for t in shown if t["page"]],
        supporting=[t for t in shown if not t["page"]],
        downloads=package_downloads(slug, descriptor),
        performance=performance(slug, descriptor, found["problems"]),
        schema_org=script_json(schema_org(slug, descriptor, iri, publisher)),
        rdf_formats=RDF_FORMATS,
        headline=headline(slug, descriptor),
        tree=tree,
        tree_json=script_json(tree) if tree else None,
    )
