"""Corpus benchmarks on 1,000 synthetic documents, written to BENCHMARKS.md with the machine.

ingest + build (the CLI, as `make run` runs it), a rebuild after one document changed, the
memory of a gunicorn worker with 1 and with 1,000 documents, SPARQL and aggregate latency,
and wrk with 100 connections for 2 minutes. Never part of the test suite.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench.__main__ import ROOT
from service.net import stop, wait_until_answers

DOCUMENTS = int(os.environ.get("BUDGETPUB_BENCH_DOCUMENTS", "1000"))
WRK_SECONDS = int(os.environ.get("BUDGETPUB_BENCH_WRK_SECONDS", "120"))
QUERY = """PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
SELECT ?year (SUM(?amount) AS ?total) (COUNT(?obs) AS ?n) WHERE {
  ?table bp:tableKind "three_public_expenses" .
  ?obs qb:dataSet ?table ; bp:sourceColumn "total" ; bp:fiscalYear ?year ;
       bp:rowType <https://w3id.org/budgetpub/code/row-type/item> ; bp:amount ?amount .
} GROUP BY ?year ORDER BY ?year"""
AGGREGATE = "api/3/cubes/expenditure/aggregate?drilldown=functional_class&cut=year:2024"


def machine() -> list[str]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return [
        f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='minutes')}",
        f"- cores: {os.cpu_count()} ({cpu})",
        f"- memory: {memory / 1024 / 1024:.1f} GiB",
        f"- Python {platform.python_version()} on {platform.platform()}",
    ]


def cli(*args: str) -> tuple[float, str]:
    """(wall seconds, stdout) of a budgetpub run."""
    seconds, _, stdout = cli_timed(*args)
    return seconds, stdout


def cli_timed(*args: str) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the command and its children, stdout) of a budgetpub run
    (exit 0 or 1: a failed document is a result; anything else raises)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if run.returncode not in (0, 1):
        raise RuntimeError(run.stdout[-2000:] + run.stderr[-2000:])
    return seconds, cpu, run.stdout


def ingest(root: Path) -> tuple[float, str]:
    """`budgetpub ingest` of the corpus's documents into its packages."""
    return cli("ingest", str(root / "docs"), "--out", str(root / "packages"), "-q")


def build(packages: Path, var: Path, base: str) -> tuple[float, str]:
    return cli("build", "--packages", str(packages), "--out", str(var), "--base-url", base)


def built_line(output: str) -> str:
    """The build's summary: packages, triples, RDF and store seconds."""
    return next(line for line in output.splitlines() if " packages (" in line)


def last_line(output: str, start: str) -> str:
    return next((line for line in reversed(output.splitlines()) if line.startswith(start)), "")


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    """VmRSS, or RssAnon (heap) / RssFile (mapped store files, reclaimable page cache)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    """Children of every thread (a threaded worker starts its query processes from threads)."""
    return sorted(
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    )


def query_processes(worker: int) -> list[int]:
    """A worker's query processes (service/query/child.py), not the catalog's passing
    renderers, which exit when their pages are written."""
    found = []
    for child in children(worker):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"service.query.child" in command:
            found.append(child)
    return found


def gunicorn(serve: int) -> int:
    """The gunicorn master: `budgetpub serve` itself (it execs gunicorn), or its child when it
    runs a store process beside it."""
    if b"gunicorn" in Path(f"/proc/{serve}/cmdline").read_bytes():
        return serve
    for child in children(serve):
        if b"gunicorn" in Path(f"/proc/{child}/cmdline").read_bytes():
            return child
    raise RuntimeError("no gunicorn under budgetpub serve")


def workers(master: int) -> list[int]:
    return children(master)


def get(url: str) -> float:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{url}: {error}") from error
    return (time.perf_counter() - started) * 1000


class Results(list):
    """The table's rows, each printed as it is measured (a run that stops keeps them)."""

    def append(self, row: str) -> None:
        print(row, flush=True)
        super().append(row)


def warm(base: str, slug: str) -> list[str]:
    """The requests a visitor makes: the same on both corpora, several times for both workers."""
    urls = [
        f"{base}healthz",
        f"{base}",
        f"{base}dataset/{slug}",
        f"{base}dataset/{slug}.jsonld",
        f"{base}dataset/{slug}/table/expenditure",
        f"{base}datapackages/{slug}/data/expenditure.csv",
        f"{base}catalog.ttl",
        f"{base}sparql?" + urllib.parse.urlencode({"query": QUERY}),
        f"{base}{AGGREGATE}",
    ]
    for round_ in range(6):
        for url in urls:
            try:
                took = get(url)
            except OSError as error:  # a refused connection may pass; an HTTP error may not
                print(f"warm-up: {url[:100]} failed: {error}", flush=True)
                continue
            if round_ in (0, 5):
                print(f"warm-up {round_}: {took:8.0f} ms  {url[len(base) :][:90]}", flush=True)
    return urls


def percentiles(times: list[float]) -> str:
    times = sorted(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return f"p50 {statistics.median(times):.0f} ms, p99 {p99:.0f} ms (n={len(times)})"


def wrk_mixed(base: str, urls: list[str], seconds: int, connections: int = 100) -> dict[str, str]:
    """wrk cycling over the visitor's requests; socket errors and non-2xx/3xx both counted."""
    paths = [u.removeprefix(base.rstrip("/")) for u in urls]
    script = "\n".join(
        [
            "local paths = {" + ",".join(f'"{p}"' for p in paths) + "}",
            "local i = 0",
            "request = function()",
            "  i = i % #paths + 1",
            "  return wrk.format('GET', paths[i])",
            "end",
        ]
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency"]
    output = subprocess.run(
        [*command, "-s", handle.name, base], capture_output=True, text=True, check=True
    ).stdout
    os.unlink(handle.name)
    found = {"requests": re.search(r"(\d+) requests in", output).group(1)}  # type: ignore[union-attr]
    found["rps"] = re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)  # type: ignore[union-attr]
    for percent in ("50", "99"):
        match = re.search(rf"\s{percent}(?:\.000)?%\s+([\d.]+\w+)", output)
        found[f"p{percent}"] = match.group(1) if match else "?"
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    found["non2xx"] = non2xx.group(1) if non2xx else "0"
    found["socket"] = str(sum(int(g) for g in socket.groups())) if socket else "0"
    return found


def serve_and_measure(
    base: str,
    var: Path,
    packages: Path,
    slug: str,
    results: list[str],
    label: str,
    latency: bool,
    load: bool,
    store_process: bool = False,
) -> tuple[int, int]:
    """(the largest worker's RSS, the largest worker's with its query process), in KiB."""
    port = int(base.rstrip("/").rsplit(":", 1)[1])
    server = start(var, packages, base, port, store_process)
    try:
        urls = warm(base, slug)
        master = gunicorn(server.pid)
        pids = workers(master)
        store_pid = next((c for c in children(server.pid) if c != master), None)
        store_pid = store_pid if store_process else None
        rss = [rss_kib(pid) for pid in pids]
        anon = [rss_kib(pid, "RssAnon") for pid in pids]
        mapped = [rss_kib(pid, "RssFile") for pid in pids]
        runners = [rss_kib(child) for pid in pids for child in query_processes(pid)]
        with_runner = [rss_kib(pid) + sum(map(rss_kib, query_processes(pid))) for pid in pids]
        results.append(
            f"| worker RSS after warm-up, {label} | {', '.join(f'{r / 1024:.0f}' for r in rss)} MiB "
            f"(heap {', '.join(f'{r / 1024:.0f}' for r in anon)}; files "
            f"{', '.join(f'{r / 1024:.0f}' for r in mapped)}); each worker's query process "
            f"{', '.join(f'{r / 1024:.0f}' for r in runners) or '-'} MiB | /proc/PID/status |"
        )
        if store_pid:
            results.append(
                f"| the store process's RSS after warm-up, {label} | "
                f"{rss_kib(store_pid) / 1024:.0f} MiB | one for every worker |"
            )
        if latency:
            sparql = [get(urls[7]) for _ in range(30)]
            aggregate = [get(urls[8]) for _ in range(30)]
            results.append(
                f"| /sparql GROUP BY/SUM, {label} | {percentiles(sparql)} | HTTP, sequential |"
            )
            results.append(
                f"| aggregate API drilldown, {label} | {percentiles(aggregate)} | HTTP, sequential |"
            )
        if load and shutil.which("wrk"):
            found = wrk_mixed(base, urls, WRK_SECONDS)
            results.append(
                f"| wrk 100 connections {WRK_SECONDS} s, {label} (9 URLs in turn) | "
                f"{found['requests']} requests, {float(found['rps']):.0f} req/s, p50 {found['p50']}, "
                f"p99 {found['p99']}, non-2xx/3xx {found['non2xx']}, socket errors {found['socket']} | "
                f"`wrk -t1 -c100 -d{WRK_SECONDS}s --timeout 30s --latency -s mix.lua` |"
            )
            rss_after = [rss_kib(pid) for pid in workers(master)]
            results.append(
                f"| worker RSS after the load, {label} | "
                f"{', '.join(f'{r / 1024:.0f}' for r in rss_after)} MiB | |"
            )
        return max(rss), max(with_runner)
    finally:
        stop(server, 30)


def growth(one: tuple[int, int], many: tuple[int, int], how: str) -> list[str]:
    """Rows: the worker's growth (the target), and with its query process counted in."""
    worker = 100 * (many[0] - one[0]) / one[0]
    both = 100 * (many[1] - one[1]) / one[1]
    return [
        f"| worker memory growth 1 → {DOCUMENTS} documents, {how} | **{worker:+.1f} %** | "
        "target ≤ 10 % |",
        f"| the same, the worker and its query process together | {both:+.1f} % | |",
    ]


def start(
    var: Path,
    packages: Path,
    base: str,
    port: int,
    store_process: bool = False,
    *,
    settings: dict[str, str] | None = None,
    wait: float = 120,
) -> subprocess.Popen[bytes]:
    """`budgetpub serve` (2 gevent workers) on our corpus, as `make run` starts it, or with
    `--store-process` (one store process that every worker queries); `settings` are more
    BUDGETPUB_* variables (e.g. a store URL), `wait` how long it may take to answer."""
    env = {k: v for k, v in os.environ.items() if k != "BUDGETPUB_STORE_URL"}
    env["BUDGETPUB_BASE_URL"] = base
    env |= settings or {}
    command = ["serve", "--port", str(port), "--workers", "2"]
    command += ["--data", str(var), "--packages", str(packages)]
    command += ["--store-process"] if store_process else []
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_answers(f"{base}healthz", wait, server)
    except RuntimeError:
        server.kill()
        raise
    return server


def bench_corpus() -> None:
    from service.net import free_port
    from service.synthetic import generate

    results: list[str] = Results()
    base_one, base_many = (f"http://127.0.0.1:{free_port()}/" for _ in range(2))
    with tempfile.TemporaryDirectory(dir=os.environ.get("BUDGETPUB_BENCH_DIR")) as folder:
        root = Path(folder)
        from service.synthetic import generate_corpus

        started = time.perf_counter()
        documents = generate_corpus(
            DOCUMENTS, root / "docs", error_share=0.05, seed=2024, years=(2023, 2024)
        )
        print(
            f"corpus: {len(documents)} documents generated in {time.perf_counter() - started:.0f} s"
        )
        ingest_s, out = ingest(root)
        ingest_summary = last_line(out, "summary:")
        print(f"ingest: {ingest_s:.1f} s\n  {ingest_summary}")
        build_s, out = build(root / "packages", root / "var", base_many)
        built = built_line(out)
        print(f"build: {build_s:.1f} s\n  {built}")
        results.append(
            f"| ingest {DOCUMENTS} documents (`budgetpub ingest DIR -q`, 2 years, schema check) "
            f"| {ingest_s:.1f} s | {ingest_summary} |"
        )
        results.append(f"| build (`budgetpub build`) | {build_s:.1f} s | {built} |")
        results.append(
            f"| ingest + build, {DOCUMENTS} documents | **{ingest_s + build_s:.1f} s** | target ≤ 60 s |"
        )
        triples = int(re.search(r"(\d+) triples", built).group(1)) if "triples" in built else 0  # type: ignore[union-attr]
        changed = documents[0]
        text = generate(99_999, year=2024, rows_per_table=20).text
        changed.write_text(text, encoding="utf-8")
        again_i, out_i = ingest(root)
        again_b, out_b = build(root / "packages", root / "var", base_many)
        results.append(
            f"| one document changed: ingest + build again | {again_i:.1f} s + {again_b:.1f} s | "
            f"{last_line(out_i, 'summary:')}; " + built_line(out_b) + " |"
        )
        slug = sorted(
            p.name for p in (root / "packages").iterdir() if not p.name.startswith(("_", "."))
        )[1]
        # the 1-document corpus is the very package the visitor reads in the 1,000: the growth
        # is what the corpus's size costs, not what a larger dataset page costs
        one_packages = root / "one-package"
        shutil.copytree(root / "packages" / slug, one_packages / slug)
        build(one_packages, root / "one-var", base_one)
        one = serve_and_measure(
            base_one,
            root / "one-var",
            one_packages,
            slug,
            results,
            "1 document",
            latency=False,
            load=False,
        )
        many = serve_and_measure(
            base_many,
            root / "var",
            root / "packages",
            slug,
            results,
            f"{DOCUMENTS} documents ({triples:,} triples)",
            latency=True,
            load=True,
        )
        results.extend(growth(one, many, "embedded store (`make run`)"))
        shared = []  # the same, with the workers on one store process instead
        for base, var, packages, slug_, label in (  # the base each store's IRIs were minted with
            (base_one, root / "one-var", one_packages, slug, "1 document"),
            (base_many, root / "var", root / "packages", slug, f"{DOCUMENTS} documents"),
        ):
            shared.append(
                serve_and_measure(
                    base,
                    var,
                    packages,
                    slug_,
                    results,
                    f"{label}, one store process (`budgetpub serve --store-process`)",
                    latency=label != "1 document",
                    load=label != "1 document",
                    store_process=True,
                )
            )
        results.extend(growth(*shared, "one store process (`serve --store-process`)"))
    lines = [
        "# Benchmarks",
        "",
        "Written by `python -m bench corpus` (bench/corpus.py); the other benchmarks "
        "(`make bench`) print to the terminal.",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        f"## Corpus of {DOCUMENTS} synthetic documents",
        "",
        "| what | measured | how / target |",
        "| --- | --- | --- |",
        *results,
        "",
    ]
    path = ROOT / "BENCHMARKS.md"
    kept = ""  # bench/security.py's section stays
    if path.is_file() and "\n## Under hostile load" in (old := path.read_text(encoding="utf-8")):
        kept = old[old.index("\n## Under hostile load") :]
        kept = kept[: kept.find("\n## ", 1)] if "\n## " in kept[1:] else kept
    path.write_text("\n".join(lines) + kept, encoding="utf-8")
    print("\n".join(lines))
