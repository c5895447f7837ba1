"""One error shape: every error a client can provoke is an RFC 9457 problem document, from
Flask's routing, the service's own checks, the SPARQL parsers and gunicorn itself (under a
plain `gunicorn 'service:create_app()'` as under `budgetpub serve`)."""

from __future__ import annotations

import json
import socket
from urllib.parse import quote, urlsplit

import pytest

from tests.conftest import SEED_SLUG

FIELDS = {"type", "title", "status", "detail", "instance"}


def assert_problem(status: int, content_type: str, body: bytes, expected: int) -> dict:
    assert status == expected, body[:300]
    assert content_type.split(";")[0] == "application/problem+json", content_type
    problem = json.loads(body)
    assert set(problem) == FIELDS and problem["status"] == expected
    assert problem["type"].startswith("https://w3id.org/budgetpub/errors/")
    return problem


@pytest.mark.parametrize(
    ("method", "path", "headers", "data", "status", "kind"),
    [
        ("GET", "/dataset/no-such", {}, None, 404, "unknown-iri"),
        ("GET", f"/dataset/{SEED_SLUG}.docx", {}, None, 404, "unknown-iri"),
        ("GET", "/def.docx", {}, None, 404, "unknown-format"),
        ("GET", f"/dataset/{SEED_SLUG}", {"Accept": "image/png"}, None, 406, "not-acceptable"),
        ("POST", "/catalog", {}, None, 405, "method-not-allowed"),
        ("DELETE", "/sparql", {}, None, 405, "method-not-allowed"),
        ("GET", "/catalog.ttl?page=abc", {}, None, 400, "bad-parameter"),
        ("GET", "/sparql", {"Accept": "application/json"}, None, 400, "missing-query"),
        ("POST", "/sparql", {"Content-Type": "text/plain"}, b"ASK {}", 415, None),
        ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"x" * 2**21, 413, None),
        ("GET", "/sparql?query=SELEC", {}, None, 400, "malformed-query"),
        ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=x:", {}, None, 403, "from-forbidden"),
        ("GET", "/api/3/cubes/nope/facts", {}, None, 404, "unknown-cube"),
        ("GET", "/api/3/cubes/expenditure/facts?pagesize=0", {}, None, 400, "bad-parameter"),
        ("GET", "/api/3/cubes/expenditure/facts?format=xml", {}, None, 406, "not-acceptable"),
        ("GET", "/datapackages/nobody.zip", {}, None, 404, None),
        ("GET", "/static/none.css", {}, None, 404, None),
    ],
)
def test_client_errors_are_problem_documents(
    client, method: str, path: str, headers: dict, data: bytes | None, status: int, kind: str
) -> None:
    response = client.open(path, method=method, headers=headers, data=data)
    problem = assert_problem(response.status_code, response.content_type, response.data, status)
    if kind:
        assert problem["type"].endswith(f"/{kind}"), problem
    assert problem["instance"] == urlsplit(path).path
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("SELECT * WHERE { ?s foo:bar ?o }", "the prefix foo: is not declared"),
        ("PREFIX a: <x:> SELECT * WHERE { ?s a:b ?o . ?s zz:q ?o }", "prefix zz: is not"),
        ('SELECT * WHERE { ?s ?p "1"^^xsd:int }', "the prefix xsd: is not declared"),
        ("SELECT * WHERE { ?s :p ?o }", "the prefix : is not declared"),
        (
            "SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s",
            "SPARQL error at line 1, column 41: the SELECT contains a variable that is unbound",
        ),
    ],
)
def test_query_errors_say_what_is_wrong_in_words(client, query: str, detail: str) -> None:
    """Not Oxigraph's grammar dump (character classes such as '\\u{00B7}')."""
    response = client.get(f"/sparql?query={quote(query)}", headers={"Accept": "application/json"})
    problem = assert_problem(response.status_code, response.content_type, response.data, 400)
    assert detail in problem["detail"]
    assert "\\u{" not in problem["detail"] and len(problem["detail"]) < 300


def raw(base: str, request: bytes) -> tuple[int, str, bytes]:
    """Send bytes as they are (no client library would send these) → status, type, body."""
    address = urlsplit(base)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), fields.get("Content-Type", ""), body


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 20000 + b"\r\n\r\n", 431),
        (b"G@T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 400),
        (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400),
    ],
)
def test_gunicorns_own_refusals_are_problem_documents(
    live_server: str, request_bytes: bytes, status: int
) -> None:
    """live_server is a plain `gunicorn 'service:create_app()'` (sync workers): create_app
    makes gunicorn's error pages problem details there too."""
    found, content_type, body = raw(live_server, request_bytes)
    assert_problem(found, content_type, body, status)
