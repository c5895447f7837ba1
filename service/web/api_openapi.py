"""The aggregate API and /sparql in /openapi.json: paths, typed parameters (integers as
integers, pagesize=all for CSV exports) and the schemas of the JSON answers, added to the
document service/web/openapi.py serves."""

from __future__ import annotations

from typing import Any

from service.formats import FORMATS
from service.package.analysis import BY_NAME as ANALYSES
from service.query import cubes
from service.web.openapi import (
    CSV,
    PAGE,
    PROBLEM,
    integer,
    operation,
    path_parameter,
    query_parameter,
)

SPARQL_MEDIA = tuple(f.media_type for f in FORMATS.values())  # every form, every format
NULLABLE_TEXT = {"type": "string", "nullable": True}
LINKS = {
    "type": "object",
    "properties": {rel: {"type": "string"} for rel in ("self", "first", "last", "prev", "next")},
    "required": ["self"],
}
PAGING = {
    "total": {"type": "integer", "minimum": 0},
    "page": {"type": "integer", "minimum": 1},
    "pagesize": {"type": "integer", "minimum": 0},
    "pages": {"type": "integer", "minimum": 1},
    "links": {"$ref": "#/components/schemas/Links"},
    "cut": {"type": "array", "items": {"type": "string"}},
}
PAGE_HEADERS = {
    "Link": {"description": "RFC 8288 links to the pages around", "schema": {"type": "string"}},
    "X-Total-Count": {"description": "How many rows in all", "schema": {"type": "integer"}},
}


def _labelled(names: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in names:
        fields[name] = NULLABLE_TEXT
        if cubes.DIMENSIONS[name].labelled:
            fields[f"{name}.label"] = NULLABLE_TEXT
    return fields


def schemas() -> dict[str, Any]:
    """The JSON schemas of the cube API's answers (fact, member, cell, cube), for /openapi.json."""
    dims = list(cubes.DIMENSIONS)
    fact = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            **_labelled(dims),
            "amount": {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"},
            "source_line": {"type": "integer", "minimum": 1},
        },
        "required": ["id", *dims, "amount", "source_line"],
    }
    listing = {"status": {"type": "string", "enum": ["ok"]}, **PAGING}
    return {
        "Links": LINKS,
        "Fact": fact,
        "Facts": {
            "type": "object",
            "properties": {
                **listing,
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/Fact"}},
                "order": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["status", "data", "total", "page", "pagesize", "pages", "links"],
        },
        "Members": {
            "type": "object",
            "properties": {
                **listing,
                "data": {"type": "array", "items": {"type": "object"}},
            },
            "required": ["status", "data", "total", "page", "pagesize", "pages", "links"],
        },
        "Aggregate": {
            "type": "object",
            "properties": {
                "status": {"type": "string", "enum": ["ok"]},
                "cells": {"type": "array", "items": {"type": "object"}},
                "summary": {
                    "type": "object",
                    "properties": {
                        "amount.sum": {"type": "string"},
                        "_count": {"type": "integer", "minimum": 0},
                    },
                },
                "total_cell_count": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "pagesize": {"type": "integer", "minimum": 1},
                "drilldown": {"type": "array", "items": {"type": "string"}},
                "cut": {"type": "array", "items": {"type": "string"}},
                "order": {"type": "array", "items": {"type": "string"}},
                "links": {"$ref": "#/components/schemas/Links"},
            },
            "required": ["status", "cells", "summary", "total_cell_count", "links"],
        },
        "Cubes": {
            "type": "object",
            "properties": {
                "status": {"type": "string"},
                "data": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "title": NULLABLE_TEXT,
                            "tables": {"type": "integer", "minimum": 0},
                            "kind": {"type": "string", "enum": ["table", "analysis"]},
                            "question": {"type": "string"},  # an analysis cube's
                        },
                        "required": ["name", "tables", "kind"],
                    },
                },
            },
            "required": ["status", "data"],
        },
        "SparqlResults": {  # SPARQL 1.1 Query Results JSON Format
            "type": "object",
            "properties": {
                "head": {"type": "object"},
                "results": {
                    "type": "object",
                    "properties": {"bindings": {"type": "array", "items": {"type": "object"}}},
                    "required": ["bindings"],
                },
                "boolean": {"type": "boolean"},
            },
            "required": ["head"],
        },
        "Model": {
            "type": "object",
            "properties": {
                "status": {"type": "string"},
                "name": {"type": "string"},
                "model": {
                    "type": "object",
                    "properties": {
                        "title": {"type": "string"},
                        "kind": {"type": "string", "enum": ["table", "analysis"]},
                        "question": {"type": "string"},
                        "default_cut": {"type": "string"},
                    },
                    "required": ["title", "kind", "default_cut"],
                },
            },
            "required": ["status", "name", "model"],
        },
    }


def _json_or_csv(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}, **CSV}


def api_paths(max_page_size: int) -> dict[str, Any]:
    """The aggregate API's and /sparql's paths (create_app adds them to /openapi.json)."""
    cube = path_parameter(
        "name",
        "Cube: an analysis kind, whose leaf amounts add up to each document's published "
        f"total with no cut ({', '.join(ANALYSES)}), or a table kind as published, cut by "
        "default to its item rows and main column (expenditure, summary_income, …)",
    )
    drilldown = query_parameter("drilldown", "Dimensions to group by, separated by |")
    cut = query_parameter("cut", "Filters dimension:value (values separated by ;), joined by |")
    order = query_parameter("order", "dimension:asc|amount.sum:desc")
    output = query_parameter("format", "json (default, or by Accept) or csv", enum=["json", "csv"])
    size = integer("pagesize", f"Rows per page, at most {max_page_size}", max_page_size)
    size_or_all = {
        **size,
        "description": f"Rows per page, at most {max_page_size}; all (with format=csv): "
        "every row, streamed",
        "schema": {
            "oneOf": [
                {"type": "integer", "minimum": 1, "maximum": max_page_size},
                {"type": "string", "enum": ["all"]},
            ]
        },
    }
    errors = (400, 404, 406, 503)
    dimension = path_parameter("dimension", "A dimension", enum=list(cubes.DIMENSIONS))
    return {
        "/api/3/cubes": operation(
            "List the cubes",
            {"application/json": {"schema": {"$ref": "#/components/schemas/Cubes"}}},
            errors=(503,),
        ),
        "/api/3/cubes/{name}/model": operation(
            "A cube's dimensions, measures and default cut",
            {"application/json": {"schema": {"$ref": "#/components/schemas/Model"}}},
            [cube],
            (404, 503),
        ),
        "/api/3/cubes/{name}/aggregate": operation(
            "Sum and count, drilled down and cut; paged with links",
            _json_or_csv("Aggregate"),
            [cube, drilldown, cut, order, PAGE, size, output],
            errors,
            PAGE_HEADERS,
        ),
        "/api/3/cubes/{name}/members/{dimension}": operation(
            "The values of a dimension with their labels and counts; paged with a total",
            _json_or_csv("Members"),
            [
                cube,
                dimension,
                cut,
                query_parameter("order", "asc or desc", enum=["asc", "desc"]),
                PAGE,
                size,
                output,
            ],
            errors,
            PAGE_HEADERS,
        ),
        "/api/3/cubes/{name}/facts": operation(
            "Individual facts with labels; paged with a total and links, or every fact "
            "as streamed CSV (format=csv&pagesize=all)",
            _json_or_csv("Facts"),
            [cube, cut, order, PAGE, size_or_all, output],
            errors,
            PAGE_HEADERS,
        ),
        "/sparql": _sparql(),
    }


def _sparql() -> dict[str, Any]:
    query = {**query_parameter("query", "A SPARQL 1.1 query (read-only)"), "required": False}
    form = query_parameter(
        "format",
        "The result format (else Accept)",
        enum=["json", "xml", "csv", "tsv", "ttl", "nt", "jsonld", "rdf", "html"],
    )
    results = {
        "description": "Results (cut at the row limit: Budgetpub-Truncated says so)",
        "content": {
            **{m: {"schema": {"type": "string"}} for m in SPARQL_MEDIA},
            "application/sparql-results+json": {
                "schema": {"$ref": "#/components/schemas/SparqlResults"}
            },
        },
    }
    refusals = {str(s): PROBLEM for s in (400, 403, 406, 413, 415, 503)}
    return {
        "get": {
            "summary": "SPARQL 1.1 query; without a query, the query page",
            "parameters": [query, form],
            "responses": {"200": results, **refusals},
        },
        "post": {
            "summary": "SPARQL 1.1 query by POST (form or application/sparql-query)",
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": {"query": {"type": "string"}},
                            "required": ["query"],
                        }
                    },
                    "application/sparql-query": {"schema": {"type": "string"}},
                },
            },
            "responses": {"200": results, **refusals},
        },
    }
