"""Output formats as a small registry (Datasette style): extension ↔ media type ↔ renderer."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from pyoxigraph import RdfFormat, Triple, serialize

from service.rdf.terms import PREFIXES
from service.vocab import VOCAB_DIR
from service.web.errors import ApiError


@dataclass(frozen=True)
class Format:
    extension: str
    media_type: str
    render: Callable[[list[Triple], str], bytes] | None  # None: rendered by the HTML pages


def _oxigraph(
    rdf_format: RdfFormat, prefixes: bool = False
) -> Callable[[list[Triple], str], bytes]:
    def render(triples: list[Triple], base: str) -> bytes:
        if prefixes:
            return serialize(triples, format=rdf_format, prefixes={**PREFIXES, "site": base})
        return serialize(triples, format=rdf_format)

    return render


@cache
def context() -> dict[str, Any]:
    return json.loads((VOCAB_DIR / "context.jsonld").read_text(encoding="utf-8"))


def render_jsonld(triples: list[Triple], base: str) -> bytes:
    """Compacted with the published @context, which the document then refers to by URL."""
    from pyld import jsonld

    expanded = json.loads(serialize(triples, format=RdfFormat.JSON_LD))
    compacted = jsonld.compact(expanded, context(), options={"documentLoader": _no_fetch})
    compacted["@context"] = f"{base}context.jsonld"
    return json.dumps(compacted, ensure_ascii=False, indent=1).encode("utf-8")


def _no_fetch(url: str, options: dict | None = None) -> dict:
    """The service never fetches anything: only its own context resolves."""
    raise ApiError(500, "remote-context", f"refusing to fetch {url}")


FORMATS: dict[str, Format] = {
    "html": Format("html", "text/html", None),
    "jsonld": Format("jsonld", "application/ld+json", render_jsonld),
    "ttl": Format("ttl", "text/turtle", _oxigraph(RdfFormat.TURTLE, prefixes=True)),
    "nt": Format("nt", "application/n-triples", _oxigraph(RdfFormat.N_TRIPLES)),
    "rdf": Format("rdf", "application/rdf+xml", _oxigraph(RdfFormat.RDF_XML, prefixes=True)),
}
ALIASES = {
    "application/json": "jsonld",
    "application/xml": "rdf",
    "text/plain": "nt",
    "application/x-turtle": "ttl",
    "application/xhtml+xml": "html",
}


def negotiate(extension: str | None, accept: Any, allowed: Iterable[str] | None = None) -> Format:
    """The format an extension names, else the best match for Accept, else 406."""
    names = list(allowed or FORMATS)
    if extension:
        if extension not in names:
            raise ApiError(
                404,
                "unknown-format",
                f"no .{extension} rendering here; try " + ", ".join(f".{n}" for n in names),
            )
        return FORMATS[extension]
    offered = [FORMATS[n].media_type for n in names]
    offered += [alias for alias, name in ALIASES.items() if name in names]
    if not accept or not list(accept.values()):
        return FORMATS[names[0]]
    best = accept.best_match(offered)
    if best is None:
        raise ApiError(
            406,
            "not-acceptable",
            "none of "
            + ", ".join(FORMATS[n].media_type for n in names)
            + " is acceptable to this client",
        )
    return FORMATS[ALIASES.get(best, next(n for n in names if FORMATS[n].media_type == best))]


def split_extension(path: str) -> tuple[str, str | None]:
    stem, dot, extension = path.rpartition(".")
    if dot and extension in FORMATS and "/" not in extension:
        return stem, extension
    return path, None
