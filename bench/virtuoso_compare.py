"""python -m bench.virtuoso_compare [DIR]: the same whole-store GROUP BY asked of the embedded
store and of a private Virtuoso holding the same build, straight on the stores (no service),
printed row by row, to see where their answers differ.

DIR keeps the 1,000-document corpus, its packages and its build between runs (default: a
temporary folder); Virtuoso is loaded afresh each time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench.virtuoso import BUFFERS, EVERY_OBSERVATION, build_corpus, virtuoso_store


def compare(root: Path) -> None:
    """Build the corpus in `root` if it is not there, load Virtuoso, ask both, print both."""
    from service import virtuoso
    from service.store import open_store

    if not (root / "var" / "rdf").exists():
        print(f"build {build_corpus(root, 'http://127.0.0.1:8000/')[0]:.1f} s", flush=True)
    instance = virtuoso.start(root / "virtuoso", buffers=BUFFERS)
    try:
        instance.load(sorted((root / "var" / "rdf").glob("*.nt")), loaders=2)
        for label, store in (
            ("virtuoso", virtuoso_store(instance)),
            ("embedded", open_store(root / "var")),
        ):
            started = time.perf_counter()
            rows = list(store.query(EVERY_OBSERVATION))
            print(f"{label}: {time.perf_counter() - started:.2f} s, {len(store):,} triples")
            for row in rows:
                print(" ", " | ".join(str(value) for value in row))
    finally:
        instance.stop()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        compare(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as folder:
            compare(Path(folder))
