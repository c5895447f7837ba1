"""budgetpub: government budget disclosures as open data.

`create_app` is the Flask application factory (gunicorn runs `service:create_app()`).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from flask import Flask

__version__ = "0.1.0"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from service.rdf.terms import base_url
    from service.web import (
        api,
        catalog,
        downloads,
        errors,
        exports,
        http,
        linked,
        meta,
        site,
        sparql,
    )

    app = Flask(__name__)
    app.config.from_mapping(
        DATA_DIR=os.environ.get("BUDGETPUB_DATA", "var"),
        PACKAGES_DIR=os.environ.get("BUDGETPUB_PACKAGES", "datapackages"),
        BASE_URL=base_url(),
        STORE_URL=os.environ.get("BUDGETPUB_STORE_URL") or None,
        SPARQL_TIMEOUT=float(os.environ.get("BUDGETPUB_SPARQL_TIMEOUT", "10")),
        SPARQL_MAX_ROWS=int(os.environ.get("BUDGETPUB_SPARQL_MAX_ROWS", "10000")),
        SPARQL_MAX_LENGTH=int(os.environ.get("BUDGETPUB_SPARQL_MAX_LENGTH", "20000")),
        SPARQL_MAX_MEMORY=int(os.environ.get("BUDGETPUB_SPARQL_MAX_MEMORY", "2048")),
        SPARQL_SLOTS=int(os.environ.get("BUDGETPUB_SPARQL_SLOTS", str(os.cpu_count() or 2))),
        SPARQL_QUEUE=int(os.environ.get("BUDGETPUB_SPARQL_QUEUE", "32")),
        SPARQL_SLOTS_DIR=os.environ.get("BUDGETPUB_SPARQL_SLOTS_DIR") or None,
        MAX_CONTENT_LENGTH=1024 * 1024,  # request bodies: a 20,000-character query is < 80 KB
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    errors.register(app)
    if "gunicorn" in sys.modules:  # served by gunicorn: its own errors in the one shape too
        errors.answer_gunicorn_errors_as_problems()
    http.init_app(app)
    site.init_app(app)
    from service.web import (
        corpus_downloads,
        pages,  # noqa: F401  (registers the HTML views)
        pages_search,
        pages_table,
    )

    sparql.init_app(app)
    for blueprint in (
        meta.bp,
        api.bp,
        catalog.bp,
        downloads.bp,
        pages_table.bp,
        pages_search.bp,
        corpus_downloads.bp,
        exports.bp,
        linked.bp,
    ):
        app.register_blueprint(blueprint)
    return app
