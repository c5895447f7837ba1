"""Queries run in query processes (service/query/child.py), so a query past its time limit
or its memory is stopped for real (the process is killed, or dies at its cap) while the web
worker goes on answering other requests.

A query first takes one of the machine's slots (service/query/slots.py: a bounded queue in
front, 503 with Retry-After when it is full), then an idle query process of its worker, or
a new one (fresh interpreters, so no forked copy of an open store; a worker keeps up to two
idle); its time limit counts from its arrival, waiting included. The guard's
parse happens in the query process, under that limit: nothing slow runs in the worker.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from service.errors import Refusal
from service.formats import GRAPH_FORMS, QUERY_FORMS
from service.query.child import receive, send
from service.query.slots import Slots, default_directory

IDLE = 2  # query processes a runner keeps waiting
# refusals after which a query process is not used again: one that met its memory cap failed
# to start threads and died in Rust ("PyObject pointer is null") on its next query
SPENT = ("query-memory", "query-crashed")
Formats = dict[str, "str | tuple[int, str, str]"]  # per form: a format, or why none


@dataclass(frozen=True)
class Backend:
    """Which store the query processes use: an embedded build folder or a remote endpoint;
    and the memory cap of each (MiB, 0 for none)."""

    data_dir: str | None = None
    remote_url: str | None = None
    max_memory_mb: int = 0


@dataclass
class Answer:
    form: str
    media_type: str
    body: bytes
    truncated: bool
    rows: int


class _Process:
    """One query process: its pipes, and its stderr in a file read when it dies."""

    def __init__(self, backend: Backend):
        self.log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed in kill)
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "service.query.child", json.dumps(asdict(backend))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
        )

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.popen.poll() is None

    def kill(self) -> str:
        """Kill it (if it still runs) and close its pipes; what it wrote to stderr (the last
        4 KB), also passed on to ours."""
        if self.alive():
            self.popen.kill()
        self.popen.wait(timeout=10)
        if self.log.closed:
            return ""
        self.log.seek(0, os.SEEK_END)
        self.log.seek(max(0, self.log.tell() - 4096))
        said = self.log.read().decode("utf-8", errors="replace")
        if said.strip():
            print(f"query process {self.popen.pid}: {said.strip()}", file=sys.stderr, flush=True)
        for stream in (self.popen.stdin, self.popen.stdout, self.log):
            if stream is not None:
                stream.close()
        return said


def _gone(peer: socket.socket) -> bool:
    """Whether the client closed its side (a readable socket with nothing to read)."""
    try:
        return peer.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


class QueryRunner:
    def __init__(
        self,
        backend: Backend,
        timeout: float,
        max_rows: int,
        slots: Slots | None = None,
    ):
        self.backend = backend
        self.timeout = timeout
        self.max_rows = max_rows
        identity = backend.data_dir and os.path.realpath(backend.data_dir)
        self.slots = slots or Slots(
            default_directory(identity or backend.remote_url or "default"),
            os.cpu_count() or 2,
            32,
        )
        self._lock = threading.Lock()
        self._idle: list[_Process] = []

    @property
    def idle_process(self) -> subprocess.Popen[bytes] | None:
        """An idle query process, if any (tests look at its /proc entry)."""
        return self._idle[-1].popen if self._idle else None

    def _take(self) -> _Process:
        """The longest idle process (a successor just started may still be importing)."""
        with self._lock:
            while self._idle:
                process = self._idle.pop(0)
                if process.alive():
                    return process
                process.kill()
        return _Process(self.backend)

    def _give(self, process: _Process) -> None:
        """Keep it for the next query, up to IDLE per runner (each may hold the store's
        caches: on a many-core machine, slots × workers of them would be too many)."""
        with self._lock:
            if len(self._idle) < min(self.slots.slots, IDLE):
                self._idle.append(process)
                return
        process.kill()

    def _replace(self, process: _Process) -> None:
        """Kill a process that ran over, and start its successor now, so the next query
        does not wait for an interpreter to start."""
        process.kill()
        self._give(_Process(self.backend))

    def prewarm(self, count: int) -> None:
        """Start query processes now, so the first queries find them ready."""
        for _ in range(count):
            self._give(_Process(self.backend))

    def stop(self) -> None:
        """The idle query processes killed (at shutdown); busy ones finish their query first."""
        with self._lock:
            idle, self._idle = self._idle, []
        for process in idle:
            process.kill()

    def run(
        self,
        query: str,
        formats: Formats,
        max_length: int,
        timeout: float | None = None,
        max_rows: int | None = None,
        watch: socket.socket | None = None,
    ) -> Answer:
        """The answer in the format chosen for the query's form, or a Refusal. `watch`: the
        client's socket; if the client hangs up, the query is stopped."""
        limit = timeout or self.timeout
        deadline = time.monotonic() + limit
        with self.slots.hold(deadline, limit):
            process = self._take()
            request = {
                "query": query,
                "formats": formats,
                "max_length": max_length,
                "max_rows": max_rows or self.max_rows,
                "seconds": max(0.1, deadline - time.monotonic()),
            }
            try:
                reply = self._ask(process, request, deadline, limit, watch)
            except BaseException:
                self._replace(process)
                raise
            if reply[0] == "refused" and reply[2] in SPENT:
                self._replace(process)  # it met its memory cap: its next thread may not start
            else:
                self._give(process)
        if reply[0] == "refused":
            _, status, kind, detail = reply
            raise Refusal(status, kind, detail, retry_after=_retry(status, limit))
        _, form, media_type, body, truncated, rows = reply
        return Answer(form, media_type, body, truncated, rows)

    def _ask(
        self,
        process: _Process,
        request: dict[str, Any],
        deadline: float,
        limit: float,
        watch: socket.socket | None,
    ) -> tuple:
        popen = process.popen
        assert popen.stdin is not None and popen.stdout is not None
        try:
            send(popen.stdin, request)
            waiting = [popen.stdout] + ([watch] if watch is not None else [])
            while True:
                left = deadline - time.monotonic()
                ready = select.select(waiting, [], [], max(0.0, left))[0] if left > 0 else []
                if popen.stdout in ready:
                    return receive(popen.stdout)
                if watch is not None and watch in ready:
                    if _gone(watch):
                        raise Refusal(499, "client-gone", "the client hung up")
                    waiting.remove(watch)  # more from the client: not ours to read now
                    continue
                if not ready:
                    raise Refusal(
                        503,
                        "query-timeout",
                        f"the query ran longer than the {limit:g} s limit and was stopped",
                        retry_after=_retry(503, limit),
                    )
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            said = process.kill()
            if "memory allocation" in said or "MemoryError" in said:
                memory = self.backend.max_memory_mb
                raise Refusal(
                    503,
                    "query-memory",
                    f"the query needed more than the {memory} MiB a query may use, and was stopped",
                    retry_after=_retry(503, limit),
                ) from None
            raise Refusal(  # killed (by the kernel, an operator) or crashed: try again
                503,
                "query-crashed",
                "the query process ended unexpectedly; a new one answers the next query",
                retry_after=_retry(503, limit),
            ) from None


def _retry(status: int, limit: float) -> int | None:
    return max(1, math.ceil(limit)) if status == 503 else None


def runner_for(config: Any) -> QueryRunner:
    """A runner from an app's config (SPARQL_* settings)."""
    backend = Backend(
        data_dir=config["DATA_DIR"],
        remote_url=config.get("STORE_URL"),
        max_memory_mb=int(config["SPARQL_MAX_MEMORY"]),
    )
    identity = config.get("STORE_URL") or os.path.realpath(config["DATA_DIR"])
    slots = Slots(
        Path(config.get("SPARQL_SLOTS_DIR") or default_directory(identity)),
        int(config["SPARQL_SLOTS"]),
        int(config["SPARQL_QUEUE"]),
    )
    return QueryRunner(
        backend, float(config["SPARQL_TIMEOUT"]), int(config["SPARQL_MAX_ROWS"]), slots
    )


def every_form(result_format: str, graph_format: str) -> Formats:
    """The same formats whatever the form (the API and the store process)."""
    return {form: graph_format if form in GRAPH_FORMS else result_format for form in QUERY_FORMS}
