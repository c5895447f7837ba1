"""The query process: `python -m service.query.child CONFIG`, one query at a time over its
stdin/stdout (length-prefixed pickles), started and killed by service/query/runner.py.

Everything that can take long or take much happens here, where the parent's clock and the
kernel's limits apply: the guard's parse (a 20 KB query can take rdflib 20 s), the query,
the serialisation. Before reading a query the process
- shuts itself off from the network when it evaluates queries itself (an embedded build;
  service/sandbox.py), and
- caps its address space (RLIMIT_AS): a query that wants more fails here, not the machine,
- and lowers its CPU priority (nice 10): the web workers come first.
The guard runs on a thread with a large stack, so deep but valid nesting parses (rdflib
recurses ~70 frames a level), and deeper nesting is a clear 400.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import resource
import struct
import sys
import threading
from pathlib import Path
from typing import IO, Any

from service.errors import Refusal
from service.formats import FORMATS, GRAPH_FORMS, sparql_default
from service.query.safety import check

STACK = 256 * 1024 * 1024  # the query thread's stack: rdflib's parser recurses deeply
RECURSION = 100_000


def send(stream: IO[bytes], message: Any) -> None:
    """A message written to a query process's pipe: pickled, behind its length."""
    data = pickle.dumps(message)
    stream.write(struct.pack("!I", len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    """The next message from a query process's pipe; EOFError when the pipe closed mid-message."""
    header = stream.read(4)
    if len(header) < 4:
        raise EOFError
    (size,) = struct.unpack("!I", header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def store_for(config: dict[str, Any], cache: dict[str, Any]) -> Any:
    """The store this process queries: the remote store, or the current build opened read-only
    (again when a new build was swapped in); `cache` keeps it between queries. A store that
    cannot be opened is refused (503 store-unavailable).
    """
    if config.get("remote_url"):
        if "store" not in cache:
            from service.query.backend import RemoteStore

            cache["store"] = RemoteStore(config["remote_url"])
        return cache["store"]
    from pyoxigraph import Store

    link = Path(config.get("data_dir") or "var") / "store"
    target = str(link.resolve())
    if cache.get("target") != target:  # a new build was swapped in
        try:
            cache["store"] = Store.read_only(target)
        except OSError as error:  # said on stderr (the log), never to the client: a path
            print(f"query process: cannot open the store: {error}", file=sys.stderr, flush=True)
            raise Refusal(503, "store-unavailable", "the store cannot be opened") from None
        cache["target"] = target
    return cache["store"]


def execute(store: Any, query: str, form: str, result_format: str, max_rows: int) -> tuple:
    """(media type, body, truncated, rows) of the query in the format."""
    from pyoxigraph import serialize

    from service.query import results

    answer = store.query(query)
    capped = bool(getattr(store, "truncated", False))  # a store process stopped at its cap
    media_type = FORMATS[result_format].media_type
    if form == "ask":
        return media_type, results.boolean(bool(answer), result_format), False, 1
    if form in GRAPH_FORMS:
        triples = []
        for triple in answer:
            if len(triples) == max_rows:
                capped = True
                break
            triples.append(triple)
        body = serialize(triples, format=FORMATS[result_format].rdf_format)
        return media_type, body, capped, len(triples)
    variables = [v.value for v in answer.variables]
    rows = []
    for solution in answer:
        if len(rows) == max_rows:
            capped = True
            break
        rows.append([solution[v] for v in variables])
    body = results.solutions(variables, rows, result_format, capped)
    return media_type, body, capped, len(rows)


_CHARACTER_CLASS = re.compile(r"\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\]")
_POSITION = re.compile(r"^error at (\d+):(\d+): ")


def readable(message: str) -> str:
    """Oxigraph's syntax error without its grammar's character classes: "error at 1:41:
    expected one of "$", "(", IF, The SELECT contains a variable that is unbound, ['0' ..=
    '9' | …]" becomes "SPARQL error at line 1, column 41: the SELECT contains a
    variable that is unbound". What the parser said in words comes first, then the tokens."""
    position = _POSITION.match(message)
    if not position:
        return message[:500]
    rest = _CHARACTER_CLASS.sub("", message[position.end() :])
    rest = rest.removeprefix("expected one of ").removeprefix("expected ")
    items = [i.strip() for i in rest.replace("\n", " ").split(", ") if i.strip()]
    words = [i for i in items if " " in i]  # the parser's own messages
    tokens = [i for i in items if " " not in i]
    said = "; ".join(w[0].lower() + w[1:] for w in words)
    if not said:
        shown = ", ".join(tokens[:12]) + (" …" if len(tokens) > 12 else "")
        said = f"expected {shown}" if shown else "unexpected input"
    line, column = position.groups()
    return f"SPARQL error at line {line}, column {column}: {said}"


def answer(config: dict[str, Any], cache: dict[str, Any], request: dict[str, Any]) -> tuple:
    """One request → ("ok", form, media type, body, truncated, rows) or ("refused", status,
    kind, detail)."""
    from service.query.backend import RemoteError

    try:
        judged = check(request["query"], request["max_length"])
        chosen = request["formats"][judged.form]
        if not isinstance(chosen, str):  # the client accepts no format this form has
            return ("refused", *chosen)
        if chosen == "html":  # the page shows a table or Turtle
            chosen = sparql_default(judged.form)
        store = store_for(config, cache)
        if config.get("remote_url"):
            store.limits(request.get("seconds"), request["max_rows"])
        found = execute(store, judged.text, judged.form, chosen, request["max_rows"])
        return ("ok", judged.form, *found)
    except Refusal as refusal:
        return ("refused", refusal.status, refusal.kind, refusal.detail)
    except RemoteError as error:
        if error.kind:  # the store process refused or stopped it: say what it said
            return ("refused", error.status, error.kind, error.detail)
        return ("refused", 502, "store-unavailable", str(error))
    except SyntaxError as error:
        return ("refused", 400, "query-error", readable(str(error)))
    except RecursionError:
        return ("refused", 400, "query-too-deep", "the query nests deeper than this reads")
    except MemoryError:
        return ("refused", 503, "query-memory", "the query needed more memory than allowed")
    except OSError as error:  # the store failed under the query: logged, no path to the client
        print(f"query process: the store failed: {error}", file=sys.stderr, flush=True)
        return ("refused", 503, "store-unavailable", "the store failed while answering")
    except Exception as error:
        return ("refused", 400, "query-error", f"{type(error).__name__}: {error}")


def confine(config: dict[str, Any]) -> str | None:
    """With an embedded build Oxigraph evaluates the queries here, so this process gets no
    network (service/sandbox.py). With a remote store it must reach the store, and the store
    evaluates: our store process is sandboxed itself, another server relies on the guard.
    Returns why queries cannot run, if the sandbox is required and could not be installed."""
    os.nice(10)  # below the web workers: a runaway query must not slow the pages down
    memory = int(config.get("max_memory_mb") or 0)
    if memory > 0:
        limit = memory * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if config.get("remote_url"):
        return None
    from service import sandbox

    try:
        sandbox.confine()
    except OSError as error:
        if sandbox.required():
            return f"the query process could not shut itself off from the network: {error}"
    return None


def _on_big_stack(config: dict[str, Any], cache: dict[str, Any], request: dict[str, Any]) -> tuple:
    """answer() on a thread whose stack is STACK bytes (the main thread's is fixed at 8 MB)."""
    reply: list[tuple] = []
    worker = threading.Thread(target=lambda: reply.append(answer(config, cache, request)))
    try:
        worker.start()
    except RuntimeError:  # "can't start new thread": this process is spent (the runner
        # starts another for the next query)
        return ("refused", 503, "query-memory", "the query process is out of memory")
    worker.join()
    return reply[0] if reply else ("refused", 503, "query-crashed", "the query gave no answer")


def serve(config: dict[str, Any]) -> None:
    """The loop: one query at a time, the answer (or refusal) sent whole."""
    import rdflib.plugins.sparql.parser  # noqa: F401  (imported now, not in the first query)

    cache: dict[str, Any] = {}
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    unsafe = confine(config)
    while True:
        try:
            request = receive(source)
        except EOFError:
            return
        if unsafe:
            send(sink, ("refused", 503, "sandbox-unavailable", unsafe))
            continue
        send(sink, _on_big_stack(config, cache, request))


if __name__ == "__main__":
    sys.setrecursionlimit(RECURSION)
    threading.stack_size(STACK)
    serve(json.loads(sys.argv[1]))
