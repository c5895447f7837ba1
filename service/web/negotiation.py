"""Content negotiation for linked data: a suffix or Accept picks one of the registry's formats
(service/formats.py), and a graph is rendered in it (JSON-LD by service/web/jsonld_compactor.py, the
others by Oxigraph)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pyoxigraph import Triple, serialize
from werkzeug.datastructures import MIMEAccept

from service.errors import Refusal
from service.formats import FORMATS, LINKED_FORMATS, Format, media_types
from service.rdf.terms import PREFIXES
from service.web.jsonld_compactor import render_jsonld

LINKED = tuple(f.name for f in FORMATS.values() if f in LINKED_FORMATS)  # registry order


def render(chosen: Format, triples: list[Triple], base: str) -> bytes:
    """A graph in a graph format; Turtle and RDF/XML with the site's prefixes."""
    if chosen.name == "jsonld":
        return render_jsonld(triples, base)
    assert chosen.rdf_format is not None, chosen.name  # html is drawn by the pages
    if chosen.prefixes:
        return serialize(triples, format=chosen.rdf_format, prefixes={**PREFIXES, "site": base})
    return serialize(triples, format=chosen.rdf_format)


def plain_accept(accept: Any) -> MIMEAccept:
    """The client's Accept without media type parameters: `text/turtle; charset=utf-8` or
    JSON-LD's `profile=…compacted` must match what is offered (werkzeug matches parameters
    exactly). A JSON-LD profile is a preference (JSON-LD 1.1 §9): the answer is compacted."""
    return MIMEAccept([(value.split(";", 1)[0].strip(), quality) for value, quality in accept])


def negotiate(extension: str | None, accept: Any, allowed: Iterable[str] | None = None) -> Format:
    """The format an extension names, else the best match for Accept, else 406: every
    Accept header gets a representation or a problem document."""
    names = list(allowed or LINKED)
    if extension:
        if extension not in names:
            raise Refusal(
                404,
                "unknown-format",
                f"no .{extension} rendering here; try " + ", ".join(f".{n}" for n in names),
            )
        return FORMATS[extension]
    by_type = media_types(tuple(FORMATS[n] for n in names))
    if not accept or not list(accept.values()):
        return FORMATS[names[0]]
    best = plain_accept(accept).best_match(list(by_type))
    if best is None:
        raise Refusal(
            406,
            "not-acceptable",
            "none of "
            + ", ".join(FORMATS[n].media_type for n in names)
            + " is acceptable to this client",
        )
    return by_type[best]


def split_extension(path: str) -> tuple[str, str | None]:
    """A linked-data path and the format suffix it ends with, if any (`…/x.ttl`)."""
    stem, dot, extension = path.rpartition(".")
    if dot and extension in LINKED and "/" not in extension:
        return stem, extension
    return path, None
