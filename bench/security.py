"""Under hostile load (issue 12): while 20 clients keep sending runaway SPARQL queries, how
fast do /healthz and a CSV download answer? `budgetpub serve` with 2 workers on the
committed packages, embedded and with --store-process; the section "Under hostile load" of
BENCHMARKS.md is written anew (the rest of the file is kept).

Each runaway query is a three-way cross product (it would run for minutes): the service
stops it at its 10 s limit, keeps the queue at 32 and refuses the rest at once. Latencies
are measured by one client per URL, one request after another, for the whole run.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from bench.__main__ import ROOT
from bench.sections import write_section
from service.net import free_port, stop, wait_until_answers

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CLIENTS = 20
SECONDS = 30
QUIET_SECONDS = 10
SECTION = "## Under hostile load"


def _serve(var: Path, port: int, store_process: bool) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "BUDGETPUB_STORE_URL"}
    env["BUDGETPUB_CATALOG_WARM"] = "0"
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port)]
    command += ["--workers", "2", "--data", str(var), "--packages", str(ROOT / "datapackages")]
    command += ["--store-process"] if store_process else []
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_until_answers(f"http://127.0.0.1:{port}/healthz", 120, process)
    return process


def _fetch(url: str, timeout: float = 60) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _poll(url: str, until: float, times: list[float], errors: list[int]) -> None:
    while time.monotonic() < until:
        started = time.perf_counter()
        status, _ = _fetch(url)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            errors.append(status)


def _runaway(base: str, until: float, outcomes: Counter[str], longest: list[float]) -> None:
    url = f"{base}sparql?" + urllib.parse.urlencode({"query": RUNAWAY})
    while time.monotonic() < until:
        started = time.monotonic()
        status, body = _fetch(url)
        longest.append(time.monotonic() - started)
        try:
            kind = json.loads(body)["type"].rsplit("/", 1)[-1]
        except (ValueError, KeyError):
            kind = "?"
        outcomes[f"{status} {kind}"] += 1


def _percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms (n={len(ordered)})"


def _measure(base: str, runaway: bool, seconds: int) -> dict[str, object]:
    until = time.monotonic() + seconds
    paths = {"/healthz": "healthz", "CSV": f"datapackages/{_slug()}/data/expenditure.csv"}
    times: dict[str, list[float]] = {name: [] for name in paths}
    errors: dict[str, list[int]] = {name: [] for name in paths}
    outcomes: Counter[str] = Counter()
    longest: list[float] = []
    threads = [
        threading.Thread(target=_poll, args=(base + path, until, times[name], errors[name]))
        for name, path in paths.items()
    ]
    if runaway:
        threads += [
            threading.Thread(target=_runaway, args=(base, until, outcomes, longest))
            for _ in range(CLIENTS)
        ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"times": times, "errors": errors, "outcomes": outcomes, "longest": longest}


def _slug() -> str:
    return sorted(p.parent.name for p in (ROOT / "datapackages").glob("*/datapackage.json"))[0]


def bench_security() -> None:
    from service.build import build

    rows: list[str] = []
    with tempfile.TemporaryDirectory() as out:
        var = Path(out) / "var"
        build(ROOT / "datapackages", var, "http://127.0.0.1:8000/")
        for store_process in (False, True):
            label = "serve --store-process" if store_process else "serve (embedded store)"
            port = free_port()
            server = _serve(var, port, store_process)
            base = f"http://127.0.0.1:{port}/"
            try:
                quiet = _measure(base, False, QUIET_SECONDS)
                loaded = _measure(base, True, SECONDS)
            finally:
                stop(server)
            for name in ("/healthz", "CSV"):
                for what, found in (("quiet", quiet), (f"{CLIENTS} runaway queries", loaded)):
                    line = (
                        f"| {name}, `{label}`, {what} | {_percentiles(found['times'][name])} | "  # type: ignore[index]
                        f"non-200: {len(found['errors'][name])} |"  # type: ignore[index]
                    )
                    rows.append(line)
                    print(line)
            outcomes = ", ".join(f"{n} × {k}" for k, n in sorted(loaded["outcomes"].items()))  # type: ignore[attr-defined]
            longest = max(loaded["longest"], default=0.0)  # type: ignore[type-var]
            line = (
                f"| the runaway queries' answers, `{label}` | {outcomes}; longest wait "
                f"{longest:.1f} s | limit 10 s, {os.cpu_count()} slots, queue 32 |"
            )
            rows.append(line)
            print(line)
    _write(rows)


def _write(rows: list[str]) -> None:
    """Replace (or add) this section of BENCHMARKS.md, keeping the rest of the file."""
    section = [
        SECTION,
        "",
        f"Written by `python -m bench security` (bench/security.py) on "
        f"{time.strftime('%Y-%m-%dT%H:%M%z')}, {os.cpu_count()} cores (load average "
        f"{os.getloadavg()[1]:.1f} over the last 5 minutes, the bench's own included): "
        "`budgetpub serve`, "
        f"2 workers, the committed packages; {CLIENTS} clients send a runaway query (a "
        f"three-way cross product) one after another for {SECONDS} s, while one client per "
        "URL requests /healthz and a CSV download one after another. Target: p99 ≤ 100 ms.",
        "",
        "| what | measured | |",
        "| --- | --- | --- |",
        *rows,
        "",
    ]
    write_section(ROOT / "BENCHMARKS.md", SECTION, section)
