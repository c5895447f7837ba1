"""One error shape for every endpoint: RFC 9457 problem details as application/problem+json;
a browser (which prefers text/html) gets the same problem as a page in the site's layout."""

from __future__ import annotations

import json as plain_json
import socket
from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from service.errors import Refusal

PROBLEM = "application/problem+json"
GUNICORN_KINDS = {  # the statuses gunicorn answers itself, before the app sees a request
    400: "bad-request",
    403: "forbidden",
    414: "uri-too-long",
    417: "expectation-failed",
    431: "request-header-fields-too-large",
    500: "internal-error",
    501: "not-implemented",
}


def positive(args: Any, name: str, default: int, maximum: int) -> int:
    """An integer query parameter from 1 to maximum (default when absent); anything else is
    a 400 that names the parameter and the range."""
    raw = args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise Refusal(400, "bad-parameter", f"{name} must be an integer from 1 to {maximum}")
    return int(raw)


def problem(status: int, kind: str, title: str, detail: str) -> Response:
    """An RFC 9457 problem document, whoever asked."""
    return refused(Refusal(status, kind, detail), title)


def refused(refusal: Refusal, title: str | None = None) -> Response:
    """A Refusal as its problem document (problem+json), with Retry-After when a 503 is
    worth retrying."""
    body = {**refusal.to_problem(request.path), "title": title or refusal.title}
    response = Response(
        json.dumps(body, ensure_ascii=False), status=refusal.status, mimetype=PROBLEM
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-store"
    if refusal.retry_after:
        response.headers["Retry-After"] = str(refusal.retry_after)
    return response


MACHINE_SUFFIXES = (".json", ".jsonld", ".ttl", ".nt", ".rdf")


def wants_html() -> bool:
    """Whether the client prefers a page to a problem document: a browser's Accept puts
    text/html above */*; curl, fetch() and API clients get problem+json. API paths and
    machine formats always get problem+json."""
    if request.path.startswith("/api/") or request.path.endswith(MACHINE_SUFFIXES):
        return False
    accept = request.accept_mimetypes
    return accept.quality("text/html") > accept.quality(PROBLEM)


def error_page(status: int, kind: str, title: str, detail: str) -> Response:
    """The problem as a page people read (Chinese first), still with its type and status."""
    from flask import render_template

    try:
        body = render_template("error.html", status=status, kind=kind, title=title, detail=detail)
    except Exception:  # a page that cannot be drawn must not hide the error
        return problem(status, kind, title, detail)
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    return response


def answer(status: int, kind: str, title: str, detail: str) -> Response:
    """problem+json, or the error page for a browser."""
    response = (error_page if wants_html() else problem)(status, kind, title, detail)
    response.vary.add("Accept")
    return response


def register(app: Flask) -> None:
    """Every error in the one shape: Refusals raised on purpose, werkzeug's HTTP errors
    (routing, methods, body size) and anything unexpected (a 500 that says nothing more)."""

    @app.errorhandler(Refusal)
    def refusal(error: Refusal) -> Response:
        response = answer(error.status, error.kind, error.title, error.detail)
        if error.retry_after:
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        kind = (error.name or "error").lower().replace(" ", "-")
        response = answer(error.code or 500, kind, error.name or "Error", error.description or "")
        if error.code == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unhandled error")
        return answer(
            500,
            "internal-error",
            "Internal Server Error",
            "the server failed to answer this request",
        )


def gunicorn_problem(sock: socket.socket, status: int, reason: str, detail: str) -> None:
    """gunicorn's util.write_error, answering problem+json instead of an HTML page."""
    from gunicorn import util

    body = plain_json.dumps(
        {
            "type": f"https://w3id.org/budgetpub/errors/{GUNICORN_KINDS.get(status, 'error')}",
            "title": reason,
            "status": status,
            "detail": detail[:300],
            "instance": "",
        },
        ensure_ascii=False,
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: {PROBLEM}\r\nAccess-Control-Allow-Origin: *\r\n"
        f"Cache-Control: no-store\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def answer_gunicorn_errors_as_problems() -> None:
    """Make gunicorn's own refusals (request line or headers too long, a malformed request)
    problem details, in this process: `budgetpub serve`'s worker does it on import and
    create_app does it under any gunicorn (`gunicorn 'service:create_app()'`, a sync worker)."""
    from gunicorn import util

    util.write_error = gunicorn_problem
