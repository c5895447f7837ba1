"""The aggregate API in /openapi.json: its paths and parameters, added to the document
service/web/openapi.py serves."""

from __future__ import annotations

from typing import Any

from service.query import cubes
from service.web.openapi import EXTRA_PATHS


def _query_parameters(max_page_size: int, *names: str) -> list[dict[str, Any]]:
    described = {
        "drilldown": "Dimensions to group by, separated by |",
        "cut": "Filters dimension:value (values separated by ;), joined by |",
        "order": "dimension:asc|amount.sum:desc",
        "page": "Page number from 1",
        "pagesize": f"Rows per page, at most {max_page_size}",
        "format": "json (default) or csv",
    }
    return [
        {
            "name": n,
            "in": "query",
            "required": False,
            "description": described[n],
            "schema": {"type": "string"},
        }
        for n in names
    ]


def document(max_page_size: int) -> None:
    json_or_csv = {
        "application/json": {"schema": {"type": "object"}},
        "text/csv": {"schema": {"type": "string"}},
    }
    cube = {
        "name": "name",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "Cube: a table kind across datasets, e.g. expenditure",
    }
    problem = {
        "description": "Problem details",
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }

    def get(summary: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "get": {
                "summary": summary,
                "parameters": parameters,
                "responses": {
                    "200": {"description": "OK", "content": json_or_csv},
                    "400": problem,
                    "404": problem,
                    "503": problem,
                },
            }
        }

    EXTRA_PATHS.update(
        {
            "/api/3/cubes": get("List the cubes", []),
            "/api/3/cubes/{name}/model": get(
                "A cube's dimensions, measures and default cut", [cube]
            ),
            "/api/3/cubes/{name}/aggregate": get(
                "Sum and count, drilled down and cut",
                [
                    cube,
                    *_query_parameters(
                        max_page_size, "drilldown", "cut", "order", "page", "pagesize", "format"
                    ),
                ],
            ),
            "/api/3/cubes/{name}/members/{dimension}": get(
                "Distinct values of a dimension",
                [
                    cube,
                    {
                        "name": "dimension",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": list(cubes.DIMENSIONS)},
                    },
                    *_query_parameters(max_page_size, "cut", "order", "page", "pagesize", "format"),
                ],
            ),
            "/api/3/cubes/{name}/facts": get(
                "Individual facts",
                [
                    cube,
                    *_query_parameters(max_page_size, "cut", "order", "page", "pagesize", "format"),
                ],
            ),
            "/sparql": {
                "get": {
                    "summary": "SPARQL 1.1 query (read-only)",
                    "parameters": [
                        {
                            "name": "query",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "format",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "enum": [
                                    "json",
                                    "xml",
                                    "csv",
                                    "tsv",
                                    "ttl",
                                    "nt",
                                    "jsonld",
                                    "rdf",
                                    "html",
                                ],
                            },
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "Results",
                            "content": {
                                m: {"schema": {"type": "string"}}
                                for m in (
                                    "application/sparql-results+json",
                                    "application/sparql-results+xml",
                                    "text/csv",
                                    "text/tab-separated-values",
                                    "text/turtle",
                                    "application/n-triples",
                                    "application/ld+json",
                                )
                            },
                        },
                        "400": problem,
                        "403": problem,
                        "406": problem,
                        "413": problem,
                        "503": problem,
                    },
                },
                "post": {
                    "summary": "SPARQL 1.1 query by POST (form or application/sparql-query)",
                    "requestBody": {
                        "content": {
                            "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
                            "application/sparql-query": {"schema": {"type": "string"}},
                        }
                    },
                    "responses": {
                        "200": {"description": "Results"},
                        "400": problem,
                        "403": problem,
                    },
                },
            },
        }
    )
