"""HTTP manners for every response: validators and 304s, CORS, caching, gzip."""

from __future__ import annotations

import hashlib

from flask import Flask, Response, request


def etag_for(tag_source: str | bytes) -> str:
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


def init_app(app: Flask) -> None:
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

    @app.after_request
    def manners(response: Response) -> Response:
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        response.headers.setdefault("Access-Control-Expose-Headers", "ETag, Last-Modified, Link")
        if request.method == "GET" and response.status_code < 400:
            response.headers.setdefault("Cache-Control", "public, max-age=300")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
