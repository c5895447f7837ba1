"""HTTP manners for every response: validators and 304s, CORS, caching, gzip."""

from __future__ import annotations

import hashlib
import re

from flask import Flask, Response, request
from flask.globals import request_ctx

# headers a script on another origin may read (the CORS safelist has none of these)
EXPOSED = (
    "ETag, Last-Modified, Link, Location, Content-Disposition, Retry-After, Warning, X-Total-Count, "
    "Budgetpub-Truncated, Budgetpub-Store"
)
# what a preflight allows when it names no headers: what clients of this API send
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since, Range"
HEADER_LIST = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*")


def etag_for(tag_source: str | bytes) -> str:
    """The ETag of a response's content (or of what stands for it): a short SHA-256."""
    data = tag_source.encode() if isinstance(tag_source, str) else tag_source
    return hashlib.sha256(data).hexdigest()[:32]


def conditional(
    response: Response,
    *,
    tag_source: str | bytes | None = None,
    modified: float | None = None,
    vary_accept: bool = False,
) -> Response:
    """Add ETag / Last-Modified and answer 304 when the client's copy is current."""
    if tag_source is not None:
        response.set_etag(etag_for(tag_source))
    elif not response.direct_passthrough:
        response.add_etag()
    if modified is not None:
        response.last_modified = modified
    if vary_accept:
        response.vary.add("Accept")
    return response.make_conditional(request)


def options() -> Response:
    """OPTIONS on any path: the methods it allows, and a CORS preflight's answer.

    Everything here is public and read-only and no request carries credentials, so any
    origin may send any header it asks for (a browser's fetch POST of application/sparql-query
    to /sparql needs Content-Type allowed). A private-network preflight (Chromium, a public
    page asking a service on a private address) is allowed too."""
    found = request_ctx.url_adapter.allowed_methods() if request_ctx.url_adapter else []
    methods = ", ".join(sorted(found or ("GET", "HEAD", "OPTIONS")))
    response = Response(status=204)
    response.headers["Allow"] = methods
    if request.headers.get("Access-Control-Request-Method"):
        response.headers["Access-Control-Allow-Methods"] = methods
        asked = request.headers.get("Access-Control-Request-Headers", "").strip()
        response.headers["Access-Control-Allow-Headers"] = (
            asked if asked and HEADER_LIST.fullmatch(asked) else ALLOWED_HEADERS
        )
        response.headers["Access-Control-Max-Age"] = "86400"
        if request.headers.get("Access-Control-Request-Private-Network") == "true":
            response.headers["Access-Control-Allow-Private-Network"] = "true"
        response.vary.update(("Access-Control-Request-Method", "Access-Control-Request-Headers"))
    return response


def init_app(app: Flask) -> None:
    """HTTP behaviour every answer shares: compression of the text formats, CORS (preflights
    answered), caching of successful GETs and nosniff.
    """
    from flask_compress import Compress

    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "text/csv",
            "text/turtle",
            "text/plain",
            "application/json",
            "application/ld+json",
            "application/n-triples",
            "application/rdf+xml",
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/tab-separated-values",
            "application/problem+json",
            "application/javascript",
        ],
    )
    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)

    @app.before_request
    def preflight() -> Response | None:
        return options() if request.method == "OPTIONS" else None

    @app.after_request
    def manners(response: Response) -> Response:
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        response.headers.setdefault("Access-Control-Expose-Headers", EXPOSED)
        if request.method == "GET" and response.status_code < 400:
            response.headers.setdefault("Cache-Control", "public, max-age=300")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
