"""Stores the service can query: the embedded Oxigraph, or any SPARQL 1.1 endpoint by URL.

RemoteStore answers the few calls the service makes of a pyoxigraph Store (query,
quads_for_pattern, len) over the SPARQL 1.1 Protocol, so the rest of the code does not care
which one it has. Loading a remote store uses the Graph Store Protocol (PUT replaces the
default graph in one request).

A store URL may scope every query to a graph with the protocol's own parameters
(`…/sparql?default-graph-uri=G&named-graph-uri=G`, service/virtuoso.py), which RemoteStore
sends with each query: Virtuoso holds its system graphs beside ours. Virtuoso cuts a query
at the time asked (its `timeout` parameter, "anytime" queries) and answers 200 with what it
had, saying so only in its headers (X-SQL-State: S1TAT); such an answer is refused as the
embedded store's time limit is (503 query-timeout), never passed on as if whole.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pyoxigraph import (
    DefaultGraph,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    parse,
    parse_query_results,
)

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/plain;q=0.5"
# a graph answer is asked for as N-Triples alone: Virtuoso answers a CONSTRUCT with SPARQL
# results (?s ?p ?o) when those come first in Accept
GRAPH_ACCEPT = "application/n-triples, text/plain;q=0.5"
_IRI = re.compile(r"<[^<>\s]*>")
_COMMENT = re.compile(r"#[^\n\r]*")
_FORM = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:\-])", re.IGNORECASE)


def query_form(query: str) -> str:
    """select, ask, construct or describe: the first form keyword after the prologue (whose
    IRIs and comments are set aside first; a prologue holds nothing else)."""
    found = _FORM.search(_COMMENT.sub(" ", _IRI.sub(" ", query)))
    return found.group(1).lower() if found else "select"


class RemoteError(Exception):
    """The remote store could not answer (down, slow, or it refused the query). When it said
    why as problem details (our store process does), status, kind and detail say it."""

    def __init__(self, message: str, status: int = 502, kind: str = "", detail: str = ""):
        super().__init__(message)
        self.status, self.kind, self.detail = status, kind, detail


def _refusal(url: str, error: urllib.error.HTTPError) -> RemoteError:
    """An HTTP error as a RemoteError, with the problem details a store process sends."""
    try:
        body = (
            json.loads(error.read(65536)) if "json" in (error.headers["Content-Type"] or "") else {}
        )
    except (OSError, ValueError):
        body = {}
    kind = str(body.get("type", "")).rsplit("/", 1)[-1] if isinstance(body, dict) else ""
    detail = str(body.get("detail", "")) if kind else ""
    if not kind and error.code == 400:  # the store read the query as wrong: the client's 400
        try:
            said = error.read(4096).decode("utf-8", "replace").strip()
        except OSError:
            said = ""
        from service.query.child import readable

        kind, detail = "query-error", readable(said) if said else "the store refused the query"
    return RemoteError(f"{url}: {error}", error.code, kind, detail)


SCOPE = ("default-graph-uri", "named-graph-uri")
# the share of the time limit asked of Virtuoso: its anytime queries stop up to about twice
# the time asked, and the answer must be back before our own limit
ANYTIME_SHARE = 1 / 3


def scope(url: str) -> list[tuple[str, str]]:
    """The graph parameters a store URL carries, sent with every query."""
    query = urllib.parse.urlsplit(url).query
    return [(k, v) for k, v in urllib.parse.parse_qsl(query) if k in SCOPE]


def endpoints(url: str) -> tuple[str, str]:
    """(query endpoint, graph store endpoint) for a store URL: an Oxigraph server's base URL
    gives /query and /store; a URL that already ends in /query or /sparql is used as is.
    Its query string (the graph scope) is not part of either."""
    base = urllib.parse.urlsplit(url)._replace(query="", fragment="").geturl().rstrip("/")
    if base.endswith(("/query", "/sparql")):
        return base, base.rsplit("/", 1)[0] + "/data"
    return f"{base}/query", f"{base}/store"


class RemoteStore:
    def __init__(self, url: str, timeout: float = 30.0):
        self.query_url = endpoints(url)[0]
        self.scope = scope(url)
        self.timeout = timeout
        self.seconds: float | None = None  # limits asked of a store process (limits())
        self.max_rows: int | None = None
        self.truncated = False  # whether the last answer was cut at the row cap

    def limits(self, seconds: float | None, max_rows: int | None) -> None:
        """The time and rows the next queries may take: sent to the store, which enforces
        them (service/store_process.py; other servers ignore the headers)."""
        self.seconds, self.max_rows = seconds, max_rows

    def _post(self, query: str, timeout: float | None = None) -> tuple[str, bytes]:
        fields = [("query", query), *self.scope]
        graph = query_form(query) in ("construct", "describe")
        accept = GRAPH_ACCEPT if graph else ACCEPT
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        if self.seconds:
            headers["Budgetpub-Timeout"] = f"{self.seconds:.3f}"
            fields.append(("timeout", str(max(100, int(self.seconds * 1000 * ANYTIME_SHARE)))))
        body = urllib.parse.urlencode(fields).encode()
        if self.max_rows:
            headers["Budgetpub-Max-Rows"] = str(self.max_rows)
        request = urllib.request.Request(self.query_url, data=body, method="POST", headers=headers)
        wait = timeout or (self.seconds + 1 if self.seconds else self.timeout)
        try:
            with urllib.request.urlopen(request, timeout=wait) as response:
                self._whole(response.status, response.headers)
                self.truncated = response.headers.get("Budgetpub-Truncated") is not None
                return response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as error:
            raise _refusal(self.query_url, error) from error
        except OSError as error:
            raise RemoteError(f"{self.query_url}: {error}") from error

    def _whole(self, status: int, headers: Any) -> None:
        """Refuse an answer Virtuoso cut short: X-SQL-State (S1TAT: its anytime timeout) or
        206 Partial Content (what later versions send), whatever the body holds."""
        state = headers.get("X-SQL-State")
        if state is None and status != 206:
            return
        said = str(headers.get("X-SQL-Message") or "")[:300]
        if state == "S1TAT" or "timeout" in said.lower():
            limit = f"the {self.seconds:g} s limit" if self.seconds else "the store's time limit"
            detail = f"the query ran longer than {limit} and was stopped"
            raise RemoteError(f"{self.query_url}: {state} {said}", 503, "query-timeout", detail)
        detail = f"the store answered only in part ({state or status}: {said})"
        raise RemoteError(f"{self.query_url}: {detail}", 502, "store-incomplete", detail)

    def query(self, query: str, *, timeout: float | None = None, **_: Any) -> Any:
        """A query sent to the remote store: SELECT and ASK answers as Oxigraph's query results,
        graph answers as a list of triples (what the embedded store gives, so callers see one
        interface).
        """
        content_type, data = self._post(query, timeout)
        if content_type == "application/sparql-results+json":
            return parse_query_results(data, format=QueryResultsFormat.JSON)
        return [quad.triple for quad in parse(data, format=RdfFormat.N_TRIPLES)]

    def quads_for_pattern(
        self, subject: Any = None, predicate: Any = None, obj: Any = None, graph: Any = None
    ) -> Iterator[Quad]:
        """The default graph's triples matching a pattern (None is a wildcard)."""
        terms = [
            str(t) if t is not None else f"?{v}"
            for t, v in ((subject, "s"), (predicate, "p"), (obj, "o"))
        ]
        pattern = " ".join(terms)
        for triple in self.query(f"CONSTRUCT {{ {pattern} }} WHERE {{ {pattern} }}"):
            yield Quad(triple.subject, triple.predicate, triple.object, DefaultGraph())

    def build(self) -> str | None:
        """The stamp load_remote left, if any: one index lookup."""
        query = f"SELECT ?build WHERE {{ ?catalog <{BUILD}> ?build }} LIMIT 1"
        return next((row["build"].value for row in self.query(query)), None)

    def __len__(self) -> int:
        """COUNT(*): a full scan on the server (75 s at 27.6M triples), for tests and tools."""
        solutions = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(next(iter(solutions))["n"].value)

    def __bool__(self) -> bool:
        """A store is a store: without this, `store or ...` would call __len__ and count the
        whole remote store (it did, every 5 s in every worker, and saturated the server)."""
        return True


BUILD = "https://w3id.org/budgetpub/def#build"


def load_remote(
    url: str, dumps: list[Path], stamp: tuple[str, str] | None = None, timeout: float = 600.0
) -> None:
    """Replace the remote default graph with the dumps: one Graph Store Protocol PUT. The
    stamp, (catalog IRI, build id), is added as `<catalog> bp:build "id"`: one triple the
    service can look up to notice a new build, where counting the store takes seconds."""
    _, gsp = endpoints(url)
    data = b"".join(path.read_bytes() for path in dumps)
    if stamp:
        data += f'<{stamp[0]}> <{BUILD}> "{stamp[1]}" .\n'.encode()
    request = urllib.request.Request(
        f"{gsp}?default", data=data, method="PUT", headers={"Content-Type": "application/n-triples"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if response.status not in (200, 201, 204):
                raise RemoteError(f"{gsp}: HTTP {response.status}")
    except OSError as error:
        raise RemoteError(f"{gsp}: {error}") from error
