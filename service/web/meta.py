"""Service metadata: health, the OpenAPI description, the JSON-LD context."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from service.vocab import VOCAB_DIR
from service.web.api_index import facts_index_state
from service.web.http import conditional
from service.web.openapi import openapi_document
from service.web.site import site

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """Cheap enough to poll: an O(1) question to the store, and the count the build recorded."""
    here = site()
    answers = bool(here.store().query("ASK { ?s ?p ?o }"))
    facts = facts_index_state()
    found = {
        "status": "ok" if answers else "empty",
        "packages": len(here.packages()),
        "store": here.version(),
        "triples": here.triples(),
    }
    if facts is not None:  # a build's facts index: a broken one is a broken build
        found["facts_index"] = facts
        if facts != "ok":
            found["status"] = "degraded"
    response = jsonify(found)
    response.status_code = 503 if found["status"] == "degraded" else 200
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/openapi.json")
def openapi() -> Response:
    """GET /openapi.json: the service's OpenAPI description."""
    paths, schemas = current_app.extensions["budgetpub-openapi"]
    body = openapi_document(site().base_url, paths, schemas)
    response = jsonify(body)
    return conditional(response, vary_accept=False)


@bp.get("/context.jsonld")
def context() -> Response:
    """GET /context.jsonld: the JSON-LD context of the vocabulary."""
    data = (VOCAB_DIR / "context.jsonld").read_bytes()
    return conditional(Response(data, mimetype="application/ld+json"), tag_source=data)
