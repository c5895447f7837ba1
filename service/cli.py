"""budgetpub command line: ingest documents into packages, build RDF and the store, serve."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.pipeline import Outcome


def _print_outcome(outcome: Outcome, verbose: bool) -> None:
    if outcome.error is not None:
        print(f"FAILED {outcome.file}\n  {outcome.error} [{outcome.error.type}]")
        return
    counts = outcome.counts()
    print(
        f"ok {outcome.file} → {outcome.package}\n  {outcome.tables} tables, {outcome.rows} rows; "
        f"audit: {counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail"
    )
    for check in outcome.checks:
        if check.status != "pass" or verbose:
            where = f"{check.table or ''}:{check.line or ''}"
            print(f"  [{check.status}] {check.id} ({where}) {check.message}")


def cmd_ingest(args: argparse.Namespace) -> int:
    """`budgetpub ingest`: the documents found under the named files and folders read, audited and
    packaged; the exit status.
    """
    from service.corpus.documents import find_documents

    found = find_documents([Path(name) for name in args.files])
    for path, why in found.skipped:
        print(f"skipped {path}: {why}", file=sys.stderr)
    files = found.documents
    if not files:
        print("no documents given", file=sys.stderr)
        return 2
    from service.corpus.run import run_ingest

    return run_ingest(
        files,
        Path(args.out),
        jobs=args.jobs,
        verbose=args.verbose,
        quiet=args.quiet,
        force=args.force,
        validate=args.validate,
        combined=args.combined,
        print_outcome=_print_outcome,
    )


def cmd_inspect(args: argparse.Namespace) -> int:
    """`budgetpub inspect`: what the reader makes of each named document, printed; 1 if one could
    not be read.
    """
    from service.errors import InputError
    from service.inspect import inspect

    status = 0
    for name in args.files:
        try:
            print("\n".join(inspect(Path(name), args.table)))
        except InputError as error:
            print(f"FAILED {error}", file=sys.stderr)
            status = 1
    return status


def cmd_build(args: argparse.Namespace) -> int:
    """`budgetpub build`: the packages converted into the RDF dumps, the store and the indexes; 1 on
    failure, the previous store kept.
    """
    from service.build import build
    from service.query.backend import RemoteError

    try:
        result = build(
            Path(args.packages), Path(args.out), args.base_url, store_url=args.store, jobs=args.jobs
        )
    except RemoteError as error:
        print(f"FAILED to load the remote store: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # e.g. the disk is full: nothing was swapped in
        print(f"FAILED: {error}\nthe previous store stays in place", file=sys.stderr)
        return 1
    for slug in result.converted if len(result.built) <= 50 else []:
        print(f"ok {slug}")
    for slug, problem in result.problems.items():
        print(f"FAILED {slug}\n  {problem}")
    for slug, original in result.copies.items():
        print(f"copy {slug}: the same document as {original}, published once (as {original})")
    print(
        f"{len(result.built)} packages ({len(result.converted)} converted, "
        f"{len(result.reused)} unchanged), {result.triples} triples, RDF in "
        f"{result.rdf_seconds:.2f} s ({result.rdf_cpu:.1f} CPU s), store load "
        f"{result.load_seconds:.2f} s ({result.load_cpu:.1f} CPU s), indexes "
        f"{result.index_cpu:.1f} CPU s"
        + (
            " (nothing changed: the store is kept)"
            if result.kept
            else f" ({result.replaced} package{'' if result.replaced == 1 else 's'} replaced in a"
            " copy of the previous store)"
            if result.replaced is not None
            else ""
        )
    )
    if result.problems:
        print("the previous store stays in place")
        return 1
    print(
        f"store: {args.store}"
        if args.store
        else f"store: {Path(args.out) / 'store'} -> {result.store}"
    )
    return 0


def _no_control_socket() -> list[str]:
    """gunicorn 24+ opens a control socket at ~/.gunicorn/gunicorn.ctl, one path for every
    instance a user runs (issue 24): two services would share it. None is opened here."""
    from gunicorn.config import KNOWN_SETTINGS

    known = {name for setting in KNOWN_SETTINGS for name in setting.cli or ()}
    return ["--no-control-socket"] if "--no-control-socket" in known else []


def cmd_serve(args: argparse.Namespace) -> int:
    """Check the store, then hand the process to gunicorn (no crash loop on a missing store)."""
    import os

    from service.net import address_taken, base_note
    from service.store import open_store, read_facts

    data = Path(args.data)
    taken = address_taken(args.host, args.port)
    if taken:  # gunicorn would retry five times and then fail
        print(
            f"cannot serve: {taken} (is another budgetpub serve running? --port chooses "
            "another; with make: make run PORT=…)",
            file=sys.stderr,
        )
        return 2
    remote = os.environ.get("BUDGETPUB_STORE_URL")
    if remote and args.store_process:
        print("cannot serve: --store-process and BUDGETPUB_STORE_URL: choose one", file=sys.stderr)
        return 2
    try:
        if remote:
            from service.query.backend import RemoteStore

            RemoteStore(remote).query("ASK { ?s ?p ?o }")  # answers, and cheaply
        else:
            open_store(data)
    except Exception as error:  # a missing or corrupt store: say so once, do not crash-loop
        print(f"cannot serve: {error}", file=sys.stderr)
        return 2
    from service.web.worker import REQUEST_LINE

    built = read_facts(data).get("base")
    note, warned = base_note(str(built) if built else None, args.host, args.port)
    print(f"budgetpub: {note}", file=sys.stderr if warned else sys.stdout, flush=True)
    # the folders reach the factory as its configuration, not through our environment
    config = {"DATA_DIR": str(data), "PACKAGES_DIR": str(args.packages)}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "service.web.worker.Worker",  # gevent: slow clients cost a greenlet, not a thread
        "--worker-connections",
        str(args.connections),
        "--limit-request-line",
        str(REQUEST_LINE),
        "--keep-alive",
        "5",
        "--access-logfile",
        "-",
        "--timeout",
        str(args.timeout),
        *_no_control_socket(),
        f"service:create_app({config!r})",
    ]
    if args.store_process:  # one store process for every worker (service/store_process.py)
        from service.store_process import run_beside

        try:
            return run_beside(data, command)
        except RuntimeError as error:
            print(f"cannot serve: {error}", file=sys.stderr)
            return 2
    os.execv(sys.executable, command)
    return 0  # pragma: no cover - execv does not return


def parser() -> argparse.ArgumentParser:
    """The command line: one sub-command for each of ingest, inspect, build and serve, each naming
    its handler.
    """
    root = argparse.ArgumentParser(prog="budgetpub", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser("ingest", help="read documents, audit them, write data packages")
    ingest.add_argument("files", nargs="+", help="document files or folders of them")
    ingest.add_argument("--out", default="datapackages", help="folder for the packages")
    ingest.add_argument("-v", "--verbose", action="store_true", help="print every check")
    ingest.add_argument(
        "-j", "--jobs", type=int, default=None, help="processes (default: every core)"
    )
    ingest.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no ok lines")
    ingest.add_argument(
        "--force", action="store_true", help="re-read documents whose package is up to date"
    )
    ingest.add_argument(
        "--validate",
        choices=("auto", "frictionless", "schema"),
        default="auto",
        help="Frictionless (~0.5 s a package), the fast schema check, or auto: "
        "Frictionless up to 20 documents, the schema check above",
    )
    ingest.add_argument(
        "--no-combined",
        dest="combined",
        action="store_false",
        help="do not write the combined package per fiscal year (_combined-<year>/)",
    )
    ingest.set_defaults(handler=cmd_ingest)
    inspect = commands.add_parser(
        "inspect", help="print what the reader recognises on each page of a document, and why"
    )
    inspect.add_argument("files", nargs="+", help="documents (a PDF, a text, or a folder of parts)")
    inspect.add_argument(
        "--table",
        type=int,
        help="print each column of table N (as numbered): header path → meaning, or why not",
    )
    inspect.set_defaults(handler=cmd_inspect)
    build = commands.add_parser("build", help="turn the data packages into RDF and a store")
    build.add_argument("--out", default="var", help="folder for rdf/ and store/ (default var)")
    build.add_argument("--packages", default="datapackages", help="folder of data packages")
    build.add_argument(
        "--base-url",
        default=None,
        help="base IRI (default $BUDGETPUB_BASE_URL or http://127.0.0.1:8000/)",
    )
    build.add_argument(
        "--store",
        default=None,
        metavar="URL",
        help="load a remote SPARQL store (e.g. an oxigraph server's base URL) "
        "with the Graph Store Protocol instead of the embedded store",
    )
    build.add_argument(
        "-j", "--jobs", type=int, default=None, help="processes (default: every core)"
    )
    build.set_defaults(handler=cmd_build)
    serve = commands.add_parser("serve", help="serve the data under gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--data", default="var", help="folder that `build` wrote (default var)")
    serve.add_argument("--packages", default="datapackages", help="folder of data packages")
    serve.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    serve.add_argument(
        "--connections",
        type=int,
        default=1000,
        help="connections a worker serves at once (gevent: a slow client holds one, not a thread)",
    )
    serve.add_argument("--timeout", type=int, default=60, help="gunicorn worker timeout, s")
    serve.add_argument(
        "--store-process",
        action="store_true",
        help="open the store once, in one process every worker queries, instead of in each "
        "worker (memory: a worker no longer grows with the store)",
    )
    serve.set_defaults(handler=cmd_serve)
    return root


def main(argv: list[str] | None = None) -> int:
    """The `budgetpub` entry point: `argv` (default: sys.argv) parsed and handed to its command; the
    exit status.
    """
    args = parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
