"""Each document read in a process of its own, at most `jobs` at once (issue 24, H1).

A reader can end its process, not just raise: PDFium aborts (SIGABRT) when it runs out of
memory under the ingest's cap, and a library can crash outright. In a shared pool that ends
every document in flight and the run with them (BrokenProcessPool, no summary, the culprit
unnamed). Here a process holds one document: when it dies, that document fails, named with
the signal, and the next document gets a fresh process; one that runs past its time limit
is killed the same way. Processes are forked, so what the parent imported is there already.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from service.errors import Problem
from service.pipeline import Outcome

DOCUMENT_SECONDS = 300.0  # a 10,000-page PDF reads in about 50 s


def preload() -> None:
    """The PDF libraries imported once here, before any process is forked, so each document's
    process has them already (a pool's workers imported them once for many documents)."""
    import pdfminer.pdfparser  # noqa: F401
    import pdfplumber  # noqa: F401
    import pypdfium2  # noqa: F401


def document_seconds() -> float:
    """The time one document may take: BUDGETPUB_INGEST_SECONDS, else DOCUMENT_SECONDS."""
    try:
        return float(os.environ.get("BUDGETPUB_INGEST_SECONDS") or DOCUMENT_SECONDS)
    except ValueError:
        return DOCUMENT_SECONDS


def _child(work: Callable[[Path], Any], path: Path, sink: Connection) -> None:
    """Reads one document and sends what came of it (the reader keeps its errors as data)."""
    try:
        result: Any = work(path)
    except BaseException as error:  # whatever it was, it is this document's
        result = Outcome(str(path), error=Problem.of(error, str(path)))
    sink.send(result)
    sink.close()


def _died(path: Path, code: int | None) -> Outcome:
    """The outcome of a document whose process ended without an answer."""
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        why = f"the reading process was killed by {name}"
        if -code == signal.SIGABRT:
            why += " (PDFium aborts when a document needs more memory than the ingest's cap)"
    else:
        why = f"the reading process ended without an answer (exit status {code})"
    return Outcome(str(path), error=Problem("reader-crashed", why, str(path)))


def run_each(
    todo: list[tuple[int, Path]],
    work: Callable[[Path], Any],
    jobs: int,
    done: Callable[[int, Any], None],
    seconds: float | None = None,
) -> None:
    """work(path) for each (index, path) in a forked process of its own, `jobs` at once;
    done(index, result) as each ends, a crash or a timeout being that document's Outcome."""
    limit = document_seconds() if seconds is None else seconds
    if todo:
        preload()
    context = multiprocessing.get_context("fork")
    pending = list(todo)
    running: dict[Any, tuple[int, Path, Any, Connection, float]] = {}
    while pending or running:
        while pending and len(running) < jobs:
            index, path = pending.pop(0)
            source, sink = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(work, path, sink), daemon=True)
            process.start()
            sink.close()
            running[source] = (index, path, process, source, time.monotonic() + limit)
        now = time.monotonic()
        wait_for = max(0.0, min(entry[4] for entry in running.values()) - now)
        ready = wait([*running, *(entry[2].sentinel for entry in running.values())], wait_for)
        for key, (index, path, process, source, deadline) in list(running.items()):
            result: Any = None
            if source in ready or process.sentinel in ready:
                try:
                    result = source.recv()  # the answer comes before the process ends
                except (EOFError, OSError):
                    process.join()
                    result = _died(path, process.exitcode)
            elif time.monotonic() >= deadline:
                process.kill()
                result = Outcome(
                    str(path),
                    error=Problem(
                        "document-timeout",
                        f"reading took longer than {limit:g} s and was stopped "
                        "(BUDGETPUB_INGEST_SECONDS sets the limit)",
                        str(path),
                    ),
                )
            else:
                continue
            process.join()
            source.close()
            del running[key]
            done(index, result)
