"""Queries run in a child process, so a query past its time limit is stopped for real
(the child is killed) while the web worker goes on answering other requests.

One child per web worker, a fresh interpreter (`python -m service.query.runner`, so no forked
copy of an open store), started on first use; it speaks length-prefixed pickles over its
stdin/stdout. Requests in a worker are served one at a time, guarded by a lock.
"""

from __future__ import annotations

import json
import pickle
import select
import struct
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from service.query.safety import Refusal

GRAPH_MEDIA = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}


ERROR_STATUS = {"query-error": 400, "sandbox-unavailable": 503}


@dataclass(frozen=True)
class Backend:
    """Which store the child opens: an embedded build folder or a remote endpoint."""

    data_dir: str | None = None
    remote_url: str | None = None


@dataclass
class Answer:
    media_type: str
    body: bytes
    truncated: bool
    rows: int


class QueryRunner:
    def __init__(self, backend: Backend, timeout: float, max_rows: int):
        self.backend = backend
        self.timeout = timeout
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "service.query.runner", json.dumps(asdict(self.backend))],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        return self._process

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=5)
        self._process = None

    def run(
        self, query: str, form: str, result_format: str, timeout: float | None = None
    ) -> Answer:
        limit = timeout or self.timeout
        with self._lock:
            process = self._start()
            assert process.stdin is not None and process.stdout is not None
            try:
                _send(process.stdin, (query, form, result_format, self.max_rows))
                ready, _, _ = select.select([process.stdout], [], [], limit)
                if not ready:
                    self.stop()
                    raise Refusal(
                        503,
                        "query-timeout",
                        f"the query ran longer than the {limit:g} s limit and was stopped",
                    )
                status, *payload = _receive(process.stdout)
            except (OSError, EOFError, pickle.UnpicklingError):
                self.stop()
                raise Refusal(
                    500, "query-crashed", "the query process ended unexpectedly"
                ) from None
        if status == "error":
            kind, detail = payload
            raise Refusal(ERROR_STATUS.get(kind, 502), kind, detail)
        media_type, body, truncated, rows = payload
        return Answer(media_type, body, truncated, rows)


def _send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message)
    stream.write(struct.pack("!I", len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(4)
    if len(header) < 4:
        raise EOFError
    (size,) = struct.unpack("!I", header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


# --- the child process ---------------------------------------------------------------------


def _open(backend: Backend, cache: dict[str, Any]) -> Any:
    if backend.remote_url:
        if "store" not in cache:
            from service.query.backend import RemoteStore

            cache["store"] = RemoteStore(backend.remote_url)
        return cache["store"]
    from pyoxigraph import Store

    link = Path(backend.data_dir or "var") / "store"
    target = str(link.resolve())
    if cache.get("target") != target:  # a new build was swapped in
        cache["store"] = Store.read_only(target)
        cache["target"] = target
    return cache["store"]


def execute(store: Any, query: str, form: str, result_format: str, max_rows: int) -> tuple:
    from pyoxigraph import RdfFormat, serialize

    from service.query import results

    answer = store.query(query)
    if form == "ask":
        return results.MEDIA[result_format], results.boolean(bool(answer), result_format), False, 1
    if form in ("construct", "describe"):
        triples = []
        for triple in answer:
            if len(triples) == max_rows:
                return (*_graph(triples, result_format, serialize, RdfFormat), True, len(triples))
            triples.append(triple)
        return (*_graph(triples, result_format, serialize, RdfFormat), False, len(triples))
    variables = [v.value for v in answer.variables]
    rows = []
    truncated = False
    for solution in answer:
        if len(rows) == max_rows:
            truncated = True
            break
        rows.append([solution[v] for v in variables])
    body = results.solutions(variables, rows, result_format, truncated)
    return results.MEDIA[result_format], body, truncated, len(rows)


def _graph(triples: list, result_format: str, serialize: Any, rdf_format: Any) -> tuple:
    formats = {
        "ttl": rdf_format.TURTLE,
        "nt": rdf_format.N_TRIPLES,
        "jsonld": rdf_format.JSON_LD,
        "rdf": rdf_format.RDF_XML,
    }
    return GRAPH_MEDIA[result_format], serialize(triples, format=formats[result_format])


def _confine(backend: Backend) -> str | None:
    """With an embedded build Oxigraph evaluates the queries here, so this process gets no
    network (service/sandbox.py). With a remote store it must reach the store, and the store
    evaluates: our store process is sandboxed itself, another server relies on the guard.
    Returns why queries cannot run, if the sandbox is required and could not be installed."""
    if backend.remote_url:
        return None
    from service import sandbox

    try:
        sandbox.confine()
    except OSError as error:
        if sandbox.required():
            return f"the query process could not shut itself off from the network: {error}"
    return None


def serve(backend: Backend) -> None:
    """Child loop: one query at a time over stdin/stdout, the answer (or error) sent whole."""
    cache: dict[str, Any] = {}
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    unsafe = _confine(backend)
    while True:
        try:
            query, form, result_format, max_rows = _receive(source)
        except EOFError:
            return
        if unsafe:
            _send(sink, ("error", "sandbox-unavailable", unsafe))
            continue
        try:
            store = _open(backend, cache)
            _send(sink, ("ok", *execute(store, query, form, result_format, max_rows)))
        except SyntaxError as error:
            _send(sink, ("error", "query-error", str(error)))
        except Exception as error:
            kind = "store-unavailable" if "RemoteError" in type(error).__name__ else "query-error"
            _send(sink, ("error", kind, f"{type(error).__name__}: {error}"))


if __name__ == "__main__":
    serve(Backend(**json.loads(sys.argv[1])))
