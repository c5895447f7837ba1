"""One store process for every worker (`budgetpub serve --store-process`).

With the embedded store each gunicorn worker, and each worker's query process, opens the
build's RocksDB itself, and RocksDB keeps what it has read: on 27.6M triples a worker grew by
a third (BENCHMARKS.md). This process opens the current build once, read-only, and answers the
SPARQL 1.1 Protocol's query operation on loopback; the workers use it as a shared store.

It follows DIR/store as a worker does: when `budgetpub build` swaps a new build in, the next
query opens it (queries already running finish on the old one), so the swap has no gap, and
the build's stamp tells the workers which facts index and count go with it. Queries only:
the store is opened read-only, and there is no update or Graph Store operation.

Anyone on loopback can reach the port, so the guard (service/query/safety.py) judges every
query here too, and once the port is bound the process shuts itself off from the network
(service/sandbox.py): a SERVICE that got past the guard would find no network.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pyoxigraph import QueryResultsFormat, QueryTriples, RdfFormat, Store

from service import sandbox
from service.net import free_port, stop, wait_until_answers
from service.query.safety import Refusal, check
from service.store import open_store

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"


class CurrentBuild:
    """The store DIR/store points at, reopened when the link changes."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._target: str | None = None
        self._store: Store | None = None

    def store(self) -> Store:
        target = os.readlink(self.data_dir / "store")
        if target != self._target or self._store is None:
            with self._lock:
                if target != self._target or self._store is None:
                    self._store = open_store(self.data_dir)
                    self._target = target
        return self._store


GUARD = threading.Lock()  # rdflib's parser is not thread-safe
MAX_LENGTH = 200_000  # the aggregate API's own queries come here too, and may be long


def answer(store: Store, query: str) -> tuple[str, bytes]:
    """(media type, body): graphs as N-Triples, solutions and booleans as SPARQL JSON, the
    formats service/query/backend.py's RemoteStore asks for. The guard judges every query
    here too: anyone on loopback can reach this port, not only the workers."""
    with GUARD:
        judged = check(query, MAX_LENGTH)
    result = store.query(judged.text)
    if isinstance(result, QueryTriples):
        return "application/n-triples", result.serialize(format=RdfFormat.N_TRIPLES)
    return "application/sparql-results+json", result.serialize(format=QueryResultsFormat.JSON)


def handler_for(build: CurrentBuild) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path, _, query_string = self.path.partition("?")
            self._run(path, urllib.parse.parse_qs(query_string).get("query", []))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if kind == SPARQL_QUERY:
                queries = [body]
            elif kind == FORM:
                queries = urllib.parse.parse_qs(body).get("query", [])
            else:
                self._send(415, "text/plain", f"expected {FORM} or {SPARQL_QUERY}\n".encode())
                return
            self._run(self.path.partition("?")[0], queries)

        def _run(self, path: str, queries: list[str]) -> None:
            if path != "/query":
                self._send(404, "text/plain", b"queries go to /query\n")
            elif len(queries) != 1:
                self._send(400, "text/plain", b"expected exactly one query parameter\n")
            else:
                try:
                    media_type, data = answer(build.store(), queries[0])
                except Refusal as refusal:
                    self._send(refusal.status, "text/plain", f"{refusal.detail}\n".encode())
                except SyntaxError as error:
                    self._send(400, "text/plain", f"{error}\n".encode())
                except (OSError, ValueError) as error:  # no store, or a failing evaluation
                    self._send(500, "text/plain", f"{error}\n".encode())
                else:
                    self._send(200, media_type, data)

        def _send(self, status: int, media_type: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the workers log the requests that matter

    return Handler


def make_server(data_dir: Path, host: str, port: int) -> ThreadingHTTPServer:
    build = CurrentBuild(data_dir)
    build.store()  # a missing or corrupt store fails here, before anyone is told the address
    server = ThreadingHTTPServer((host, port), handler_for(build))
    server.daemon_threads = True
    return server


def start(data_dir: Path, port: int, wait: float = 120.0) -> subprocess.Popen[bytes]:
    """The store process on 127.0.0.1:port, once it answers; a clear error if it cannot (the
    process says why on the shared stderr, as gunicorn's workers do)."""
    command = [sys.executable, "-m", "service.store_process", "--data", str(data_dir)]
    process = subprocess.Popen([*command, "--port", str(port)])
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", wait, process)
    except RuntimeError as error:
        process.kill()
        raise RuntimeError(f"the store process: {error}") from None
    return process


def run_beside(data_dir: Path, command: list[str]) -> int:
    """Run the web command (gunicorn) with its workers on one store process: started first,
    started again on the same address if it dies, stopped when the web command ends. SIGTERM,
    SIGINT and SIGHUP are passed to the web command."""
    port = free_port()
    store = start(data_dir, port)
    web = subprocess.Popen(
        command, env={**os.environ, "BUDGETPUB_STORE_URL": f"http://127.0.0.1:{port}"}
    )
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda number, _frame: web.send_signal(number))
    try:
        while web.poll() is None:
            if store.poll() is not None:
                print("store process ended: starting it again", file=sys.stderr, flush=True)
                store = start(data_dir, port)
            time.sleep(0.5)
    finally:
        stop(store)
    return web.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.store_process")
    parser.add_argument("--data", required=True, help="the folder `budgetpub build` wrote")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    try:
        server = make_server(Path(args.data), args.host, args.port)
    except Exception as error:
        print(f"store process: {error}", file=sys.stderr)
        return 2
    try:  # the socket is bound and the store open: from here on, no network but the port's
        sandbox.confine()
    except OSError as error:
        if sandbox.required():
            print(f"store process: no network sandbox: {error}", file=sys.stderr)
            return 2
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
