"""RDF dumps as the build writes them: N-Triples (what the store loads) and Turtle (what
people read), each written atomically. Used by the build (service/build.py) and the package
converter (service/corpus/convert.py), so neither imports the other for them."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pyoxigraph import RdfFormat, Triple, serialize

from service.rdf.terms import PREFIXES


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it, renamed into place."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def dump_ntriples(path: Path, triples: list[Triple]) -> Path:
    """N-Triples: what the store loads, written atomically."""
    write_atomic(path, serialize(triples, format=RdfFormat.N_TRIPLES))
    return path


def dump_turtle(path: Path, triples: list[Triple]) -> Path:
    """Turtle: what people read, written atomically."""
    write_atomic(path, serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIXES))
    return path


def dump(rdf_dir: Path, name: str, triples: list[Triple]) -> Path:
    """Turtle and N-Triples dumps of `name` in rdf_dir; the N-Triples path, which is loaded."""
    dump_turtle(rdf_dir / f"{name}.ttl", triples)
    return dump_ntriples(rdf_dir / f"{name}.nt", triples)
