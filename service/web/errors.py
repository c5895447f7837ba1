"""One error shape for every endpoint: RFC 9457 problem details as application/problem+json."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

PROBLEM = "application/problem+json"


class ApiError(HTTPException):
    """An error a handler raises on purpose, with a short type slug and a message for people."""

    def __init__(self, status: int, kind: str, detail: str):
        super().__init__(description=detail)
        self.code = status
        self.kind = kind


def positive(args: Any, name: str, default: int, maximum: int) -> int:
    """An integer query parameter from 1 to maximum (default when absent); anything else is
    a 400 that names the parameter and the range."""
    raw = args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ApiError(400, "bad-parameter", f"{name} must be an integer from 1 to {maximum}")
    return int(raw)


def problem(status: int, kind: str, title: str, detail: str) -> Response:
    body = {
        "type": f"https://w3id.org/budgetpub/errors/{kind}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        kind = getattr(error, "kind", None) or (error.name or "error").lower().replace(" ", "-")
        response = problem(error.code or 500, kind, error.name or "Error", error.description or "")
        if error.code == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unhandled error")
        return problem(
            500,
            "internal-error",
            "Internal Server Error",
            "the server failed to answer this request",
        )
