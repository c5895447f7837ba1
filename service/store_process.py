"""One store process for every worker (`budgetpub serve --store-process`).

With the embedded store each gunicorn worker, and each worker's query process, opens the
build's RocksDB itself, and RocksDB keeps what it has read: on 27.6M triples a worker grew by
a third (BENCHMARKS.md). This process answers the SPARQL 1.1 Protocol's query operation on
loopback for every worker, which use it as a shared store.

It runs no query itself: its few query processes do (service/query/runner.py, the same
as a worker's with an embedded build), each opening the current build read-only and
following DIR/store across builds with no gap. So the store process enforces what the
workers do, for anyone on loopback: the guard judges every query, a query stops at its time
limit (the smaller of --timeout and the client's Budgetpub-Timeout) and its row cap (of
--max-rows and Budgetpub-Max-Rows; Budgetpub-Truncated says so), a client that hangs up has
its query killed, each query process has its memory cap and no network, and the slots bound
how many run at once. Once its port is bound the process itself shuts off the network too
(service/sandbox.py). Errors are problem details, which RemoteStore passes on.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from service import sandbox
from service.net import free_port, stop, wait_until_answers
from service.query.runner import Backend, QueryRunner, every_form
from service.query.safety import Refusal
from service.query.slots import Slots, default_directory
from service.store import open_store

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
MAX_LENGTH = 1_000_000  # the workers' page queries name up to 2,000 IRIs (~160 KB)
FORMATS = every_form("json", "nt")  # what RemoteStore asks for


def _number(text: str | None, ceiling: float) -> float:
    """A client's limit, never above ours: one that is not a positive number (-1, 0, nan,
    which would switch the row cap off) is ours."""
    try:
        value = float(text) if text else ceiling
    except ValueError:
        return ceiling
    return min(ceiling, value) if value > 0 else ceiling


def handler_for(runner: QueryRunner) -> type[BaseHTTPRequestHandler]:
    """The request handler class bound to `runner`: GET and POST of the SPARQL protocol's query
    operation, each run by the runner, its refusals answered as problem documents."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path, _, query_string = self.path.partition("?")
            self._run(path, urllib.parse.parse_qs(query_string).get("query", []))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > 4 * MAX_LENGTH:
                self._problem(Refusal(413, "query-too-long", "the body is too long"))
                return
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if kind == SPARQL_QUERY:
                queries = [body]
            elif kind == FORM:
                queries = urllib.parse.parse_qs(body).get("query", [])
            else:
                detail = f"expected {FORM} or {SPARQL_QUERY}"
                self._problem(Refusal(415, "unsupported-media-type", detail))
                return
            self._run(self.path.partition("?")[0], queries)

        def _run(self, path: str, queries: list[str]) -> None:
            if path != "/query":
                self._problem(Refusal(404, "not-found", "queries go to /query"))
                return
            if len(queries) != 1:
                self._problem(Refusal(400, "missing-query", "expected exactly one query"))
                return
            try:
                answer = runner.run(
                    queries[0],
                    FORMATS,
                    MAX_LENGTH,
                    timeout=_number(self.headers.get("Budgetpub-Timeout"), runner.timeout),
                    max_rows=int(_number(self.headers.get("Budgetpub-Max-Rows"), runner.max_rows)),
                    watch=self.connection,
                )
            except Refusal as refusal:
                if refusal.status == 499:  # the client hung up: nobody to answer
                    self.close_connection = True
                    return
                self._problem(refusal)
                return
            headers = {"Budgetpub-Truncated": str(answer.rows)} if answer.truncated else {}
            self._send(200, answer.media_type, answer.body, headers)

        def _problem(self, refusal: Refusal) -> None:
            body = {
                "type": f"https://w3id.org/budgetpub/errors/{refusal.kind}",
                "title": refusal.kind.replace("-", " ").title(),
                "status": refusal.status,
                "detail": refusal.detail,
            }
            headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else {}
            data = json.dumps(body, ensure_ascii=False).encode()
            self._send(refusal.status, "application/problem+json", data, headers)

        def _send(self, status: int, media_type: str, data: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the workers log the requests that matter

    return Handler


def make_server(
    data_dir: Path,
    host: str,
    port: int,
    timeout: float = 30.0,
    max_rows: int = 1_000_000,
    slots: int | None = None,
    max_memory_mb: int = 2048,
) -> ThreadingHTTPServer:
    """The server, once the build's store opens (a missing or corrupt store fails here,
    before anyone is told the address). Slots: cores + 2 by default, so the workers' pages
    find a query process while their public queries (bounded to cores) fill the rest."""
    open_store(data_dir)
    backend = Backend(data_dir=str(data_dir), max_memory_mb=max_memory_mb)
    identity = f"store-process {os.path.realpath(data_dir)} {os.getpid()}"
    limits = Slots(default_directory(identity), slots or (os.cpu_count() or 2) + 2, 64)
    runner = QueryRunner(backend, timeout, max_rows, limits)
    runner.prewarm(2)  # /healthz and the pages' first queries find one ready
    server = ThreadingHTTPServer((host, port), handler_for(runner))
    server.daemon_threads = True
    server.runner = runner  # type: ignore[attr-defined]
    return server


def start(
    data_dir: Path, port: int, wait: float = 120.0, options: tuple[str, ...] = ()
) -> subprocess.Popen[bytes]:
    """The store process on 127.0.0.1:port, once it answers; a clear error if it cannot (the
    process says why on the shared stderr, as gunicorn's workers do)."""
    command = [sys.executable, "-m", "service.store_process", "--data", str(data_dir)]
    process = subprocess.Popen([*command, "--port", str(port), *options])
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
    """`python -m service.store_process`: bind the port, open the store, confine the process to
    that port and serve until interrupted; 0, or 2 when it cannot start."""
    parser = argparse.ArgumentParser(prog="python -m service.store_process")
    parser.add_argument("--data", required=True, help="the folder `budgetpub build` wrote")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds a query may run")
    parser.add_argument("--max-rows", type=int, default=1_000_000, help="rows an answer may hold")
    parser.add_argument("--slots", type=int, default=None, help="queries at once (cores + 2)")
    parser.add_argument(
        "--max-memory",
        type=int,
        default=int(os.environ.get("BUDGETPUB_SPARQL_MAX_MEMORY", "2048")),
        help="MiB a query process may use",
    )
    args = parser.parse_args(argv)
    try:
        server = make_server(
            Path(args.data),
            args.host,
            args.port,
            args.timeout,
            args.max_rows,
            args.slots,
            args.max_memory,
        )
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
        server.runner.stop()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
