"""A combined year (datapackages/_combined-<year>): every department's rows of each table
kind in one file. Its page says what it is and is not: it holds no audit of its own (each
row's department package does: listed here with its counts), it is no department, and its
tables are read from its CSVs (they are not in the store: the cube would count them twice).
"""

from __future__ import annotations

from typing import Any

from flask import render_template

from service.corpus.combine import PREFIX
from service.web.pages_common import csv_resources, read_table
from service.web.pages_present import table_summary
from service.web.site import organization_path, site


def is_combined(slug: str) -> bool:
    """Whether a package's name is a combined year's."""
    return slug.startswith(PREFIX)


def members(descriptor: dict[str, Any]) -> list[dict[str, Any]]:
    """The department packages the year combines, each with its own audit counts."""
    known = site().packages()
    found = []
    for member in (descriptor.get("combinedFrom") or {}).get("packages", []):
        summary = known.get(member["name"])
        audit = summary.audit if summary else {}
        found.append(
            {
                "slug": member["name"],
                "department": member.get("department", ""),
                "organization": organization_path(member.get("department", "")),
                "title": summary.title if summary else member["name"],
                "audit": {k: audit.get(k, 0) for k in ("pass", "rounding", "warn", "fail")},
                "known": summary is not None,
            }
        )
    return found


def combined_page(slug: str, iri: str, descriptor: dict[str, Any]) -> str:
    """The page of a combined year's package: each of its tables with its rows and departments."""
    tables = [
        {
            **table_summary(slug, table),
            "departments": len({row.get("department") for row in table.rows}),
            "page": f"/dataset/{slug}/table/{table.name}",
            "corpus": f"/downloads#{table.name}",
        }
        for table in (read_table(slug, resource) for resource in csv_resources(descriptor))
    ]
    listed = members(descriptor)
    return render_template(
        "combined.html",
        slug=slug,
        iri=iri,
        d=descriptor,
        members=listed,
        totals={
            key: sum(m["audit"][key] for m in listed)
            for key in ("pass", "rounding", "warn", "fail")
        },
        tables=tables,
    )
