"""budgetpub: government budget disclosures as open data.

`create_app` is the Flask application factory (gunicorn runs `service:create_app()`): it
reads the configuration once (environment variables, then `test_config`) and wires every
surface explicitly: error handlers, the site, the SPARQL endpoint, the blueprints, the HTML
page of each kind of resource and the paths each surface adds to /openapi.json.

Layout: one module owns each concept, and imports run one way (ingest → package → rdf →
store → web).

- `errors.py`: every error as data: InputError, PackageError, Problem (an outcome's error),
  Refusal (a refused request: status, type, detail).
- `formats.py`: every output format once: name, media types, what it carries.
- `ingest/`, `audit/`, `templates.py`: reading a document and checking its arithmetic
  (`ingest/layouts.py`: every kind of table's layout; `ingest/pdf/shanghai_layout.py`: the
  Shanghai template's titles and header labels); `pipeline.py` runs one document through
  read → audit → package; `corpus/` many of them (parallel ingest, combined years, conversion
  for the build); `synthetic/` generates documents with known errors (`synthetic/names.py`:
  the names and codes they draw from).
- `package/`: the Frictionless data packages; `rdf/`, `vocab.py`: their RDF and the
  vocabulary; `dumps.py`: the RDF dumps; `build.py`: dumps, store and indexes of a build;
  `store*.py`: the store.
- `query/`: queries in their own processes (runner, child, safety guard, slots), the
  results writers, the facts and search indexes and the aggregate cubes.
- `web/`: the HTTP surfaces: `errors.py` (problem documents), `negotiation.py` and
  `jsonld_compactor.py` (linked-data formats), `linked.py` (every IRI), `iri_description.py`
  (what the store says about one), `pages*.py` (pages for people), `catalog*.py` (DCAT),
  `sparql.py`, `api*.py`, `exports.py`, `downloads.py`, `openapi.py` and `api_openapi.py`
  (the description).
- `cli.py`: `budgetpub` ingest, inspect, build, serve.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from flask import Flask

__version__ = "0.1.0"


def configuration() -> dict[str, Any]:
    """The service's settings from the environment (BUDGETPUB_*), with their defaults."""
    from service.rdf.terms import base_url

    env = os.environ.get
    return {
        "DATA_DIR": env("BUDGETPUB_DATA", "var"),
        "PACKAGES_DIR": env("BUDGETPUB_PACKAGES", "datapackages"),
        "BASE_URL": base_url(),
        "STORE_URL": env("BUDGETPUB_STORE_URL") or None,
        "SPARQL_TIMEOUT": float(env("BUDGETPUB_SPARQL_TIMEOUT", "10")),
        "SPARQL_MAX_ROWS": int(env("BUDGETPUB_SPARQL_MAX_ROWS", "10000")),
        "SPARQL_MAX_LENGTH": int(env("BUDGETPUB_SPARQL_MAX_LENGTH", "20000")),
        "SPARQL_MAX_MEMORY": int(env("BUDGETPUB_SPARQL_MAX_MEMORY", "2048")),
        "SPARQL_SLOTS": int(env("BUDGETPUB_SPARQL_SLOTS", str(os.cpu_count() or 2))),
        "SPARQL_QUEUE": int(env("BUDGETPUB_SPARQL_QUEUE", "32")),
        "SPARQL_SLOTS_DIR": env("BUDGETPUB_SPARQL_SLOTS_DIR") or None,
        "CATALOG_CACHE": env("BUDGETPUB_CATALOG_CACHE") or None,
        "CATALOG_WARM": None,  # None: on unless BUDGETPUB_CATALOG_WARM=0 or TESTING
        "MAX_CONTENT_LENGTH": 1024 * 1024,  # request bodies: a 20,000-character query < 80 KB
        "JSON_AS_ASCII": False,
    }


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The WSGI application: `test_config` overrides the environment's settings."""
    from service.web import (
        api,
        api_lists,
        api_openapi,
        catalog,
        corpus_downloads,
        downloads,
        errors,
        exports,
        http,
        linked,
        meta,
        openapi,
        pages,
        pages_search,
        pages_table,
        site,
        sparql,
    )

    app = Flask(__name__)
    app.config.from_mapping(configuration())
    if test_config:
        app.config.update(test_config)
    if app.config["CATALOG_WARM"] is None:
        warm = os.environ.get("BUDGETPUB_CATALOG_WARM", "1") != "0"
        app.config["CATALOG_WARM"] = warm and not app.testing
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    errors.register(app)
    if "gunicorn" in sys.modules:  # served by gunicorn: its own errors in the one shape too
        errors.answer_gunicorn_errors_as_problems()
    http.init_app(app)
    site.init_app(app)
    sparql.init_app(app)
    for blueprint in (
        meta.bp,
        api.bp,
        api_lists.bp,
        catalog.bp,
        downloads.bp,
        pages_table.bp,
        pages_search.bp,
        corpus_downloads.bp,
        exports.bp,
    ):
        app.register_blueprint(blueprint)
    linked.init_app(app, pages.html_pages())  # last: its /<path:path> takes what is left
    openapi.init_app(
        app,
        paths={
            **api_openapi.api_paths(api.MAX_PAGE_SIZE),
            **exports.openapi_paths(),
            **pages_search.openapi_paths(),
            **corpus_downloads.openapi_paths(),
        },
        schemas=api_openapi.schemas(),
    )
    return app
