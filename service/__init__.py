"""budgetpub: government budget disclosures as open data.

`create_app` is the Flask application factory (gunicorn runs `service:create_app()`).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

__version__ = "0.1.0"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from service.rdf.terms import base_url
    from service.web import catalog, downloads, errors, http, linked, meta, site

    app = Flask(__name__)
    app.config.from_mapping(
        DATA_DIR=os.environ.get("BUDGETPUB_DATA", "var"),
        PACKAGES_DIR=os.environ.get("BUDGETPUB_PACKAGES", "datapackages"),
        BASE_URL=base_url(),
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    errors.register(app)
    http.init_app(app)
    site.init_app(app)
    from service.web import pages  # noqa: F401  (registers the HTML views)

    for blueprint in (meta.bp, catalog.bp, downloads.bp, linked.bp):
        app.register_blueprint(blueprint)
    return app
