"""The OpenAPI 3 description of every JSON and CSV endpoint (other blueprints add theirs)."""

from __future__ import annotations

from typing import Any

PROBLEM = {
    "description": "Problem details (RFC 9457)",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
EXTRA_PATHS: dict[str, dict[str, Any]] = {}  # registered by other surfaces (query endpoints)


def _get(
    summary: str,
    content: dict[str, Any],
    parameters: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": content},
        "304": {"description": "Not modified"},
        "404": PROBLEM,
        "406": PROBLEM,
    }
    responses.update(extra or {})
    return {"get": {"summary": summary, "parameters": parameters or [], "responses": responses}}


def _path(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
    }


RDF_CONTENT = {
    m: {"schema": {"type": "string"}}
    for m in ("text/turtle", "application/n-triples", "application/rdf+xml")
}
RDF_CONTENT["application/ld+json"] = {"schema": {"type": "object"}}
SLUG = _path("slug", "Data package name, e.g. luoyang-sfq-zwfwzx-2024-budget")
TABLE = _path("name", "Table (resource) name, e.g. expenditure")


def openapi_document(base_url: str) -> dict[str, Any]:
    csv = {"text/csv": {"schema": {"type": "string"}}}
    paths: dict[str, Any] = {
        "/healthz": _get(
            "Health of the service and its store",
            {"application/json": {"schema": {"type": "object"}}},
        ),
        "/openapi.json": _get(
            "This description", {"application/json": {"schema": {"type": "object"}}}
        ),
        "/context.jsonld": _get(
            "The JSON-LD @context of every JSON-LD document",
            {"application/ld+json": {"schema": {"type": "object"}}},
        ),
        "/catalog.jsonld": _get(
            "DCAT-AP catalog, paged with Hydra",
            RDF_CONTENT,
            [
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {
                    "name": "pagesize",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                },
            ],
            {"400": PROBLEM},
        ),
        "/datapackages/{slug}/datapackage.json": _get(
            "Frictionless data package descriptor",
            {"application/json": {"schema": {"type": "object"}}},
            [SLUG],
        ),
        "/datapackages/{slug}/data/{name}.csv": _get(
            "A table as CSV (UTF-8, RFC 4180)", csv, [SLUG, TABLE]
        ),
        "/datapackages/{slug}/data/{name}.excel.csv": _get(
            "A table for Excel: UTF-8 with BOM, Chinese column titles", csv, [SLUG, TABLE]
        ),
        "/datapackages/{slug}/checks.json": _get(
            "The arithmetic audit of the document",
            {"application/json": {"schema": {"type": "array"}}},
            [SLUG],
        ),
        "/dataset/{slug}.jsonld": _get(
            "A dataset as JSON-LD (also .ttl .nt .rdf, or Accept)", RDF_CONTENT, [SLUG]
        ),
        "/dataset/{slug}/table/{name}.jsonld": _get(
            "A table (qb:DataSet) with its observations", RDF_CONTENT, [SLUG, TABLE]
        ),
    }
    paths.update(EXTRA_PATHS)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "budgetpub",
            "version": "1.0.0",
            "description": "Open data from Chinese department budgets (部门预算公开): "
            "packages, CSV, linked data and queries.",
        },
        "servers": [{"url": base_url.rstrip("/")}],
        "paths": paths,
        "components": {
            "schemas": {
                "Problem": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "instance": {"type": "string"},
                    },
                    "required": ["type", "title", "status"],
                }
            }
        },
    }
