"""The OpenAPI 3 description of every route: files, linked data, pages for people and the
query endpoints (service/web/api_openapi.py adds the aggregate API and /sparql). Integer
parameters are integers; answers that are JSON have schemas the tests hold responses to
(openapi-spec-validator checks the document, openapi-schema-validator the answers)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from service.formats import GRAPH_FORMATS, LINKED_FORMATS

PROBLEM = {
    "description": "Problem details (RFC 9457)",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
TEXT = {"schema": {"type": "string"}}
HTML = {"text/html": TEXT}
CSV = {"text/csv": TEXT}
XLSX = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": TEXT}
RDF_CONTENT = {  # JSON-LD is an object, the other graph formats text
    f.media_type: {"schema": {"type": "object"}} if f.name == "jsonld" else TEXT
    for f in GRAPH_FORMATS
}


def operation(
    summary: str,
    content: dict[str, Any],
    parameters: list[dict[str, Any]] | None = None,
    errors: tuple[int, ...] = (404,),
    headers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A GET: 200 with the content, 304 on revalidation, problem details for the errors."""
    ok: dict[str, Any] = {"description": "OK", "content": content}
    if headers:
        ok["headers"] = headers
    responses: dict[str, Any] = {"200": ok, "304": {"description": "Not modified"}}
    responses.update({str(status): PROBLEM for status in errors})
    return {"get": {"summary": summary, "parameters": parameters or [], "responses": responses}}


def export_operation(
    summary: str,
    content: dict[str, Any],
    parameters: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """operation() as the modules that register their own paths call it (exports, search,
    corpus downloads): 404 and 406 problems, and the extra responses they give."""
    found = operation(summary, content, parameters, (404, 406))
    found["get"]["responses"].update(extra or {})
    return found


def _parameter(where: str, name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI parameter in the path (required) or the query (optional)."""
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": {"type": "string", **schema},
    }


def path_parameter(name: str, description: str, **schema: Any) -> dict[str, Any]:
    """An OpenAPI path parameter (a string unless `schema` says otherwise)."""
    return _parameter("path", name, description, schema)


def query_parameter(name: str, description: str, **schema: Any) -> dict[str, Any]:
    """An optional OpenAPI query parameter (a string unless `schema` says otherwise)."""
    return _parameter("query", name, description, schema)


def integer(name: str, description: str, maximum: int | None = None) -> dict[str, Any]:
    """An optional positive integer query parameter, up to `maximum` if given."""
    bounds = {"minimum": 1, **({"maximum": maximum} if maximum else {})}
    return query_parameter(name, description, type="integer", **bounds)


SLUG = path_parameter("slug", "Data package name, e.g. luoyang-sfq-zwfwzx-2024-budget")
TABLE = path_parameter("name", "Table (resource) name, e.g. expenditure")
FORMAT = path_parameter("format", "The representation", enum=[f.name for f in LINKED_FORMATS])
PAGE = integer("page", "Page number, from 1")


def _linked(path: str, summary: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    """A linked-data IRI: by Accept, and the same by a suffix."""
    content = {**RDF_CONTENT, **HTML}
    return {
        path: operation(f"{summary} (Accept picks the format)", content, parameters, (404, 406)),
        f"{path}.{{format}}": operation(
            f"{summary} in the format its suffix names", content, [*parameters, FORMAT]
        ),
    }


def linked_paths() -> dict[str, Any]:
    """The linked-data paths (datasets, tables, observations, departments, code lists, the
    vocabulary), each with its formats.
    """
    scheme = path_parameter("scheme", "Code list, e.g. functional, economic-departmental")
    paths: dict[str, Any] = {}
    for path, summary, parameters in (
        ("/dataset/{slug}", "A dataset (dcat:Dataset) and what it holds", [SLUG]),
        ("/dataset/{slug}/table/{name}/obs/{observation}", "One published amount", [
            SLUG, TABLE, path_parameter("observation", "row and column, e.g. item-2010301/total")
        ]),
        ("/organization/{department}", "A department", [
            path_parameter("department", "The department's name, percent-encoded")
        ]),
        ("/project/{code}", "A project with its performance targets", [
            path_parameter("code", "Project code, e.g. 41039524000000012827")
        ]),
        ("/code/{scheme}", "A code list (skos:ConceptScheme)", [scheme]),
        ("/code/{scheme}/{code}", "A classification code and every amount under it", [
            scheme, path_parameter("code", "The code, e.g. 2010301")
        ]),
        ("/def", "The budget vocabulary", []),
    ):  # fmt: skip
        paths.update(_linked(path, summary, parameters))
    paths["/dataset/{slug}/table/{name}"] = operation(
        "A table: its page for people (sortable, amounts as published), or its qb:DataSet",
        {**HTML, **RDF_CONTENT},
        [
            SLUG,
            TABLE,
            query_parameter("sort", "A column to sort by"),
            query_parameter("order", "asc or desc", enum=["asc", "desc"]),
            query_parameter("amounts", "yuan: exact amounts in yuan", enum=["yuan"]),
        ],
        (404, 406),
    )
    paths["/dataset/{slug}/table/{name}.{format}"] = operation(
        "A table (qb:DataSet) with its observations", RDF_CONTENT, [SLUG, TABLE, FORMAT]
    )
    return paths


def catalog_paths() -> dict[str, Any]:
    """The paths of the home page and the DCAT catalog."""
    paging = [PAGE, integer("pagesize", "Datasets a page", 1000)]
    return {
        "/": operation(
            "The home page: the datasets, 50 a page, filtered (RDF clients are sent to /catalog)",
            HTML,
            [
                PAGE,
                query_parameter("q", "Search words"),
                query_parameter("year", "Fiscal year"),
                query_parameter("department", "Department"),
            ],
            (400, 404),
        ),
        "/catalog": operation(
            "The DCAT-AP 3 catalog, paged with Hydra (Accept picks the format)",
            {**RDF_CONTENT, **HTML},
            paging,
            (400, 404, 406),
        ),
        "/catalog.{format}": operation(
            "The DCAT-AP 3 catalog in the format its suffix names",
            {**RDF_CONTENT, **HTML},
            [FORMAT, *paging],
            (400, 404),
        ),
    }


def file_paths() -> dict[str, Any]:
    """The packages' files; the exports and corpus downloads register their own paths."""
    table = [SLUG, TABLE]
    paths: dict[str, Any] = {
        "/datapackages/{slug}/datapackage.json": operation(
            "Frictionless data package descriptor",
            {"application/json": {"schema": {"type": "object"}}},
            [SLUG],
        ),
        "/datapackages/{slug}/{path}": operation(
            "Any file of a package as published (data/*.csv, checks.json, source/…)",
            {"application/octet-stream": TEXT, **CSV, "application/json": TEXT},
            [SLUG, path_parameter("path", "The file's path in the package")],
        ),
        "/datapackages/{slug}/data/{name}.csv": operation(
            "A table as CSV (UTF-8, RFC 4180)", CSV, table
        ),
        "/datapackages/{slug}/data/{name}.excel.csv": operation(
            "A table for Excel: UTF-8 with BOM, Chinese column titles", CSV, table
        ),
        "/datapackages/{slug}/data/{name}.xlsx": operation("A table as xlsx", XLSX, table),
        "/datapackages/{slug}.zip": operation(
            "The whole package as a zip", {"application/zip": TEXT}, [SLUG]
        ),
        "/downloads": operation("Every table kind across departments and years", HTML),
        "/search": operation(
            "Search over rows and datasets",
            HTML,
            [query_parameter("q", "Words, a code or a name"), PAGE],
            (400, 404),
        ),
        "/static/{filename}": operation(
            "The site's own scripts, styles and fonts",
            {"application/octet-stream": TEXT},
            [path_parameter("filename", "A file")],
        ),
    }
    return paths


SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
        },
        "required": ["type", "title", "status", "detail", "instance"],
        "additionalProperties": False,
    },
    "Health": {
        "type": "object",
        "properties": {
            "status": {"type": "string", "enum": ["ok", "empty", "degraded"]},
            "packages": {"type": "integer", "minimum": 0},
            "store": {"type": "string"},
            "triples": {"type": "integer", "nullable": True},
            "facts_index": {"type": "string"},
        },
        "required": ["status", "packages", "store", "triples"],
    },
}


def init_app(app: Flask, paths: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Keep the paths and schemas the other surfaces describe (the query API, the exports,
    search, the downloads), which create_app gathers, for /openapi.json."""
    app.extensions["budgetpub-openapi"] = (paths, schemas)


def openapi_document(
    base_url: str, extra_paths: dict[str, Any], extra_schemas: dict[str, Any]
) -> dict[str, Any]:
    """The whole description: this module's paths and schemas, and the others' extras."""
    paths: dict[str, Any] = {
        "/healthz": operation(
            "Health of the service and its store",
            {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}},
            errors=(503,),
        ),
        "/openapi.json": operation(
            "This description", {"application/json": {"schema": {"type": "object"}}}
        ),
        "/context.jsonld": operation(
            "The JSON-LD @context of every JSON-LD document",
            {"application/ld+json": {"schema": {"type": "object"}}},
        ),
        **catalog_paths(),
        **file_paths(),
        **linked_paths(),
    }
    paths.update(extra_paths)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "budgetpub",
            "version": "1.0.0",
            "description": "Open data from Chinese department budgets (部门预算公开): "
            "packages, CSV, linked data and queries. Every error is an RFC 9457 problem "
            "document; every response allows any origin (CORS).",
        },
        "servers": [{"url": base_url.rstrip("/")}],
        "paths": paths,
        "components": {"schemas": {**SCHEMAS, **extra_schemas}},
    }
