"""RDF benchmarks: the seed's RDF build, and store load throughput on a large N-Triples file."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.__main__ import ROOT, report, timed


def bench_rdf() -> None:
    from pyoxigraph import Store

    from service.build import build, package_dirs
    from service.rdf import load_package, package_triples
    from service.rdf.terms import Minter
    from service.store import load_ntriples_all

    seed = package_dirs(ROOT / "datapackages")[0]
    minter = Minter("http://127.0.0.1:8000/")

    def convert() -> int:
        return len(package_triples(load_package(seed), minter))

    convert()
    report("rdf: seed package → triples", timed(convert, 20), "<= 500 ms")
    with tempfile.TemporaryDirectory() as out:
        report(
            "rdf: build (dumps + store) seed", timed(lambda: build(seed.parent, Path(out)), 5), ""
        )
        nt = (Path(out) / "rdf" / f"{seed.name}.nt").read_text("utf-8")
        dumps = []
        for index in range(60):  # the seed's graph under 60 distinct dataset IRIs, 60 dumps
            dump = Path(out) / f"copy{index}.nt"
            dump.write_text(nt.replace(seed.name, f"{seed.name}-copy{index}"), "utf-8")
            dumps.append(dump)
        store = Store(str(Path(out) / "bench-store"))
        start = time.perf_counter()
        load_ntriples_all(store, dumps)  # what the build does
        store.flush()
        seconds = time.perf_counter() - start
        count = len(store)
        print(
            f"{'store: bulk load N-Triples':<40} {count} triples in {seconds:.2f} s = "
            f"{count / seconds:,.0f} triples/s   target >= 200,000 triples/s"
        )
