"""python -m bench lean: issue 15's targets, measured on this machine and written to BENCHMARKS.md.

For each corpus profile (service/synthetic/profiles.py: *realistic*, sized like real
disclosures, and *heavy*, the stress corpus) of BUDGETPUB_BENCH_DOCUMENTS documents (1,000):
- cold `budgetpub ingest` + `budgetpub build`, with the build's stages (conversion to RDF,
  store load) in wall and CPU seconds and triples per second per core;
- the store's own bulk load of the very dumps that build loaded, in the same run, into a
  fresh store (what the build's store stage cannot beat);
- store triples per published amount: every triple less the vocabulary's, divided by the
  rows of every facts.csv;
- one document changed: `budgetpub ingest` + `budgetpub build` again while `budgetpub serve`
  runs, and the time from the start of that ingest until the server answers with the new
  figures (its aggregate API, whose index swaps in with the store, in the same folder);
and the real PDFs beside the repository (../shared/sources/real): ingest in seconds per page.
Never part of the test suite.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

from bench.__main__ import ROOT
from bench.corpus import Results, machine, start
from bench.corpus import cli_timed as cli
from bench.sections import write_section
from service.net import free_port, stop

DOCUMENTS = int(os.environ.get("BUDGETPUB_BENCH_DOCUMENTS", "1000"))
PROFILES = tuple(os.environ.get("BUDGETPUB_BENCH_PROFILES", "realistic,heavy").split(","))
REAL = ROOT.parent / "shared" / "sources" / "real"
CORES = os.cpu_count() or 1
SECTION = "## Issue 15: lean and fast"


def build_stages(output: str) -> dict[str, float]:
    """The build's summary line: triples, and each stage's wall and CPU seconds."""
    line = next(x for x in output.splitlines() if " packages (" in x)
    found = re.search(
        r"(\d+) triples, RDF in ([\d.]+) s \(([\d.]+) CPU s\), store load ([\d.]+) s "
        r"\(([\d.]+) CPU s\), indexes ([\d.]+) CPU s",
        line,
    )
    if found is None:
        raise RuntimeError(f"no build summary in {line!r}")
    keys = ("triples", "rdf", "rdf_cpu", "load", "load_cpu", "index_cpu")
    return dict(zip(keys, map(float, found.groups()), strict=True))


def bulk_load(rdf: Path, folder: Path) -> tuple[float, float, float, int]:
    """(load s, its CPU s, optimize s, triples): the build's dumps into a fresh store, the way
    the build loads them (every dump, one stream per core), then compacted as it does."""
    from pyoxigraph import Store

    from service.store import load_ntriples_all

    store = Store(str(folder))
    dumps = sorted(rdf.glob("*.nt"))
    cpu, started = time.process_time(), time.perf_counter()
    load_ntriples_all(store, dumps)
    load, load_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    store.optimize()
    optimize = time.perf_counter() - started
    count = len(store)
    del store
    return load, load_cpu, optimize, count


def published_amounts(packages: Path) -> int:
    """Rows of every department package's facts.csv: one per published amount."""
    total = 0
    for facts in packages.glob("*/data/facts.csv"):
        if not facts.parent.parent.name.startswith(("_", ".")):
            with facts.open(encoding="utf-8") as handle:
                total += sum(1 for _ in handle) - 1
    return total


def per_core(triples: float, cpu: float) -> str:
    return f"{triples / cpu / 1000:.0f}k triples/s per core" if cpu else "-"


def served_after_change(root: Path, base: str, results: Results) -> None:
    """Change one document while the server runs; time until it answers with the new figures."""
    from service.synthetic import generate

    manifest = json.loads((root / "docs" / "manifest.json").read_text(encoding="utf-8"))
    number = len(manifest) // 2  # the same department (generate_corpus: number // years)
    entry = manifest[number]
    document = generate(
        987_654,
        department_index=number // 2,
        year=int(entry["truth"]["fiscal_year"]),
        rows_per_table=12,
    )
    (root / "docs" / entry["file"]).write_text(document.text, encoding="utf-8")
    slug = Path(entry["file"]).stem
    total: Decimal = document.truth["totals"]["expenditure"]  # yuan, exact
    aggregate = f"{base}api/3/cubes/expenditure/aggregate?" + urllib.parse.urlencode(
        {"cut": f"dataset:{slug}"}
    )
    server = start(root / "var", root / "packages", base, urllib.parse.urlsplit(base).port or 80)
    try:
        _sum(f"{base}healthz")  # a first request: the server renders the catalog's pages
        before = _catalog_pages(root / "var", time.perf_counter() + 300)
        started = time.perf_counter()
        ingest_s, _, out_i = cli(
            "ingest", str(root / "docs"), "--out", str(root / "packages"), "-q"
        )
        build_s, _, out_b = cli(*_build_args(root, base))
        served = None
        while time.perf_counter() - started < 120:
            if _sum(aggregate) == total:
                served = time.perf_counter() - started
                break
            time.sleep(0.05)
        results.append(
            f"| one document changed while serving: ingest + build | {ingest_s:.1f} s + "
            f"{build_s:.1f} s | {_last(out_i, 'summary:')}; {_built(out_b)} |"
        )
        results.append(
            "| one document changed: its new total served (from the start of ingest) | "
            + (f"**{served:.1f} s**" if served is not None else "not within 120 s")
            + f" | the aggregate API's expenditure total for `{slug}` = {total} yuan; "
            "target ≤ 5 s |"
        )
        _sum(f"{base}healthz")  # the new build's pages, in the background
        after = _catalog_pages(root / "var", time.perf_counter() + 300)
        kept = sum(1 for name, inode in after.items() if before.get(name) == inode)
        results.append(
            "| one document changed: the catalog's pages for the new build | "
            f"{len(after) - kept} rendered, {kept} kept | files (4 formats a page of 100 "
            f"datasets) of the earlier build linked, not rendered again; before the change "
            f"{len(before)} |"
        )
    finally:
        stop(server, 30)


def _catalog_pages(var: Path, deadline: float) -> dict[str, int]:
    """The current build's rendered catalog pages (name → inode), once every page of every
    format is there (or at the deadline)."""
    from service.web.catalog import RDF_ONLY
    from service.web.catalog_pages import DEFAULT_PAGE_SIZE

    datasets = sum(1 for _ in (var.parent / "packages").glob("[!.]*/datapackage.json"))
    wanted = len(RDF_ONLY) * -(-datasets // DEFAULT_PAGE_SIZE)
    folder = var / "cache" / "catalog" / (var / "store").resolve().name
    found: dict[str, int] = {}
    while time.perf_counter() < deadline:
        found = {p.name: p.stat().st_ino for p in folder.glob("catalog-*.gz")}
        if len(found) >= wanted:
            break
        time.sleep(0.5)
    return found


def _sum(url: str) -> Decimal | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body = json.loads(response.read())
    except OSError:
        return None
    return Decimal(str(body.get("summary", {}).get("amount.sum", "0")))


def _build_args(root: Path, base: str) -> list[str]:
    packages, var = str(root / "packages"), str(root / "var")
    return ["build", "--packages", packages, "--out", var, "--base-url", base]


def _last(output: str, start_: str) -> str:
    return next((x for x in reversed(output.splitlines()) if x.startswith(start_)), "")


def _built(output: str) -> str:
    return next((x for x in output.splitlines() if " packages (" in x), "")


def profile_run(profile: str, results: Results) -> None:
    from service.synthetic import generate_corpus
    from service.synthetic.profiles import spread

    base = f"http://127.0.0.1:{free_port()}/"
    with tempfile.TemporaryDirectory(dir=os.environ.get("BUDGETPUB_BENCH_DIR")) as folder:
        root = Path(folder)
        generate_corpus(
            DOCUMENTS, root / "docs", error_share=0.05, seed=2024, years=(2023, 2024),
            profile=profile,
        )  # fmt: skip
        manifest = json.loads((root / "docs" / "manifest.json").read_text(encoding="utf-8"))
        figures = [entry["figures"] for entry in manifest]
        label = f"{profile}, {DOCUMENTS} documents ({spread(figures)})"
        ingest_s, ingest_cpu, out_i = cli(
            "ingest", str(root / "docs"), "--out", str(root / "packages"), "-q"
        )
        build_s, build_cpu, out_b = cli(*_build_args(root, base))
        stages = build_stages(out_b)
        triples = stages["triples"]
        load, load_cpu, optimize, loaded = bulk_load(root / "var" / "rdf", root / "bulk")
        shutil.rmtree(root / "bulk")
        vocabulary = sum(1 for _ in (root / "var" / "rdf" / "vocab.nt").open("rb"))
        amounts = published_amounts(root / "packages")
        results.append(f"| **{label}** | | |")
        results.append(
            f"| cold ingest (`budgetpub ingest DIR -q`) | {ingest_s:.1f} s ({ingest_cpu:.0f} CPU s)"
            f" | {_last(out_i, 'summary:')} |"
        )
        results.append(
            f"| cold build (`budgetpub build`) | {build_s:.1f} s ({build_cpu:.0f} CPU s) | "
            f"RDF {stages['rdf']:.1f} s ({stages['rdf_cpu']:.0f} CPU s, "
            f"{per_core(triples, stages['rdf_cpu'])}); store {stages['load']:.1f} s more "
            f"({stages['load_cpu']:.0f} CPU s since the build began, "
            f"{per_core(triples, stages['load_cpu'])}); indexes {stages['index_cpu']:.0f} CPU s |"
        )
        results.append(
            f"| cold ingest + build | **{ingest_s + build_s:.1f} s** | target ≤ 60 s on "
            f"{CORES} cores; {(ingest_s + build_s) / (load + optimize):.2f}× the store's own "
            "load of the same dumps (target ≤ 1.5×) |"
        )
        results.append(
            f"| the store's own bulk load of the same dumps, fresh store | {load:.1f} s load "
            f"({load_cpu:.0f} CPU s, {per_core(loaded, load_cpu)}) + {optimize:.1f} s "
            f"compaction | {loaded:,} triples |"
        )
        results.append(
            f"| store triples per published amount | **{(triples - vocabulary) / amounts:.2f}** "
            f"| ({triples:,.0f} − {vocabulary:,} vocabulary) / {amounts:,} facts.csv rows; "
            "target ≤ 16 |"
        )
        served_after_change(root, base, results)


def real_pdfs(results: Results) -> None:
    """The real disclosures beside the repository, ingested on every core."""
    documents = [p for p in sorted(REAL.iterdir()) if p.suffix == ".pdf" or p.is_dir()]
    pages = sum(_pages(p) for p in documents)
    with tempfile.TemporaryDirectory() as out:
        wall, cpu, output = cli("ingest", str(REAL), "--out", out, "-q")
    results.append(
        f"| real PDFs: ingest of {len(documents)} disclosures, {pages} pages "
        f"(`budgetpub ingest ../shared/sources/real`) | {wall:.1f} s, **{wall / pages:.2f} s a "
        f"page** on {CORES} cores ({cpu / pages:.2f} CPU s a page) | {_last(output, 'summary:')} |"
    )


def _pages(path: Path) -> int:
    import pypdfium2

    files = sorted(path.glob("*.pdf")) if path.is_dir() else [path]
    count = 0
    for file in files:
        document = pypdfium2.PdfDocument(str(file))
        count += len(document)
        document.close()
    return count


def bench_lean() -> None:
    results: list[str] = Results()
    load_average = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    for profile in PROFILES:
        profile_run(profile, results)
    if REAL.is_dir():
        real_pdfs(results)
    lines = [
        SECTION,
        "",
        "Written by `python -m bench lean` (bench/lean.py) and pasted here as it printed.",
        "",
        *machine(),
        f"- load average (1, 5, 15 min) at the start: {load_average}",
        "",
        "| what | measured | how / target |",
        "| --- | --- | --- |",
        *results,
        "",
    ]
    write_section(ROOT / "BENCHMARKS.md", SECTION, lines)
