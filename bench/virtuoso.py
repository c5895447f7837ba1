"""/sparql GROUP BY latency with Virtuoso as the shared store beside the embedded store, on
the corpus of bench/corpus.py (BUDGETPUB_BENCH_DOCUMENTS synthetic documents, 1,000 by
default, of the BUDGETPUB_BENCH_PROFILE profile: "realistic", sized like real disclosures,
by default, or "heavy", service/synthetic/profiles.py): ingest, build, bulk-load the build
into a private Virtuoso (service/virtuoso.py), then `budgetpub serve` twice on the same
build, embedded and with BUDGETPUB_STORE_URL on Virtuoso, and the same queries over HTTP,
sequentially. Prints rows for BENCHMARKS.md.

BUDGETPUB_BENCH_CORPUS=DIR keeps the corpus, its packages and its build in DIR and uses them
again on the next run (Virtuoso is loaded afresh each time): for trying Virtuoso's settings
without building again; BUDGETPUB_BENCH_STORES=virtuoso asks Virtuoso alone."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from bench.corpus import (
    DOCUMENTS,
    Results,
    build,
    built_line,
    ingest,
    last_line,
    percentiles,
    start,
)
from bench.corpus import QUERY as THREE_PUBLIC
from bench.query import QUERY as BY_CLASS
from service.net import free_port, stop

# every observation of the store, grouped: the query the figures were for
EVERY_OBSERVATION = """PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
SELECT ?kind (SUM(?amount) AS ?total) (COUNT(?obs) AS ?n) WHERE {
  ?obs qb:dataSet ?table ; bp:amount ?amount . ?table bp:tableKind ?kind .
} GROUP BY ?kind ORDER BY ?kind"""
# the same, sorted on the kind's string: Virtuoso 7.2 sorts a string it keeps in RDF_OBJ by
# that row's id, not by the string (the order it loaded them), so `ORDER BY ?kind` is not
# code-point order there; `STR(?kind)` is, on both stores (a simple literal's order is its
# string's: the same query meaning)
EVERY_OBSERVATION_STR = EVERY_OBSERVATION.replace("ORDER BY ?kind", "ORDER BY STR(?kind)")
QUERIES = {
    "every observation by table kind": EVERY_OBSERVATION,
    "every observation by table kind, ORDER BY STR(?kind)": EVERY_OBSERVATION_STR,
    "expenditure by functional class (bench/query.py)": BY_CLASS,
    "三公 by year (bench/corpus.py)": THREE_PUBLIC,
}
REPEAT = int(os.environ.get("BUDGETPUB_BENCH_REPEAT", "30"))
BUFFERS = int(os.environ.get("BUDGETPUB_BENCH_VIRTUOSO_BUFFERS", "340000"))  # ~2.7 GB
PROFILE = os.environ.get("BUDGETPUB_BENCH_PROFILE", "realistic")
KEEP = os.environ.get("BUDGETPUB_BENCH_CORPUS")
# the stores asked, both by default; "virtuoso" alone when trying its settings
STORES = os.environ.get("BUDGETPUB_BENCH_STORES", "embedded,virtuoso").split(",")
TIMEOUT = "120"  # seconds a query may take: the embedded store's GROUP BY must finish


def serve(var: Path, packages: Path, base: str, store_url: str | None) -> subprocess.Popen:
    """`budgetpub serve` on the build, its queries on `store_url` (else the embedded store)."""
    settings = {"BUDGETPUB_SPARQL_TIMEOUT": TIMEOUT}
    if store_url:
        settings["BUDGETPUB_STORE_URL"] = store_url
    port = urllib.parse.urlsplit(base).port or 80
    return start(var, packages, base, port, settings=settings, wait=180)


def measure(base: str, label: str, results: Results, answers: dict[str, bytes]) -> None:
    """Each query: warm-up twice (both workers), then REPEAT timed GETs."""
    for name, query in QUERIES.items():
        url = f"{base}sparql?" + urllib.parse.urlencode({"query": query, "format": "csv"})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=300) as response:
                body = response.read()
        except urllib.error.HTTPError as error:  # the store could not answer in the limit
            seconds = time.perf_counter() - started
            results.append(
                f"| /sparql GROUP BY, {name}, {label} | **HTTP {error.code}** after {seconds:.0f} s "
                f"(time limit {TIMEOUT} s) | no answer |"
            )
            continue
        first = time.perf_counter() - started
        reference = answers.setdefault(name, body) is body  # the first store asked: the reference
        same = (
            "the reference answer (the first store asked)"
            if reference
            else "same answer as embedded"
            if answers[name] == body
            else "same rows, ANOTHER ORDER"
            if sorted(answers[name].splitlines()) == sorted(body.splitlines())
            else "ANSWER DIFFERS"
        )
        # a query of many seconds is timed fewer times (once for a minute or more): the run
        # has to end; its first answer counts as the warm-up
        repeat = REPEAT if first < 5 else max(1, min(REPEAT, int(120 / first)))
        runs = [timed(url) for _ in range(repeat)]
        times = [t for t in runs if t is not None]
        refused = f", {len(runs) - len(times)} of {len(runs)} refused at the time limit" * (
            len(times) < len(runs)
        )
        shown = percentiles(times) if times else "no answer in the time limit"
        load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
        results.append(f"| /sparql GROUP BY, {name}, {label} | {shown}{refused} | {same}; {load} |")


def timed(url: str) -> float | None:
    """Milliseconds for one GET, waiting as long as the service's own time limit allows;
    None when the service answered 503 at its time limit."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=int(TIMEOUT) + 60) as response:
            response.read()
    except urllib.error.HTTPError as error:
        if error.code != 503:
            raise
        return None
    return (time.perf_counter() - started) * 1000


def bench_virtuoso() -> None:
    from service import virtuoso

    if not virtuoso.available():
        print("virtuoso: not installed (apt-get install virtuoso-opensource); skipped")
        return
    results = Results()
    base = f"http://127.0.0.1:{free_port()}/"
    with contextlib.ExitStack() as stack:
        if KEEP:
            root = Path(KEEP)
            root.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(root / "virtuoso", ignore_errors=True)  # a new database each run
            kept = root / "base-url"  # the build's IRIs are on the base it was built for
            base = kept.read_text() if kept.exists() else base
            kept.write_text(base)
        else:
            folder = os.environ.get("BUDGETPUB_BENCH_DIR")
            root = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=folder)))
        if (root / "var" / "rdf").exists():
            results.append(f"| build, {DOCUMENTS} documents ({PROFILE}) | kept from {root} | |")
        else:
            seconds, out = build_corpus(root, base)
            built = built_line(out)
            results.append(
                f"| build, {DOCUMENTS} documents ({PROFILE}: {corpus_size(root)}) "
                f"| {seconds:.1f} s | {built} |"
            )
        dumps = sorted((root / "var" / "rdf").glob("*.nt"))
        instance = virtuoso.start(root / "virtuoso", buffers=BUFFERS)
        try:
            started = time.perf_counter()
            instance.load(dumps, loaders=2)
            took = time.perf_counter() - started
            triples = len(virtuoso_store(instance))
            results.append(
                f"| Virtuoso bulk load ({len(dumps)} dumps, 2 rdf_loader_run, "
                f"NumberOfBuffers {BUFFERS}, ThreadsPerQuery {virtuoso.THREADS}) | {took:.1f} s "
                f"| {triples:,} triples in the graph |"
            )
            answers: dict[str, bytes] = {}
            for label, store_url in (
                ("embedded store", None),
                ("Virtuoso", instance.store_url()),
            ):
                if label.split()[0].lower() not in STORES:
                    continue
                server = serve(root / "var", root / "packages", base, store_url)
                try:
                    measure(base, f"{DOCUMENTS} documents, {label}", results, answers)
                finally:
                    stop(server, 30)
        finally:
            instance.stop()
    print("\n".join(results))


def build_corpus(root: Path, base: str) -> tuple[float, str]:
    """The benchmark corpus generated in `root`, ingested and built: the build's seconds and
    output (the ingest's summary is printed)."""
    from service.synthetic import generate_corpus

    generate_corpus(
        DOCUMENTS,
        root / "docs",
        error_share=0.05,
        seed=2024,
        years=(2023, 2024),
        profile=PROFILE,
    )
    print(f"corpus: {PROFILE} profile, {corpus_size(root)}", flush=True)
    seconds, out = ingest(root)
    print(f"ingest {seconds:.1f} s: {last_line(out, 'summary:')}", flush=True)
    return build(root / "packages", root / "var", base)


def virtuoso_store(instance: Any) -> Any:
    from service.query.backend import RemoteStore

    return RemoteStore(instance.store_url(), timeout=600)


def corpus_size(root: Path) -> str:
    """The generated corpus's spread of figures a document (its manifest), for the output."""
    from service.synthetic.profiles import spread

    manifest = json.loads((root / "docs" / "manifest.json").read_text(encoding="utf-8"))
    return spread([entry["figures"] for entry in manifest])
