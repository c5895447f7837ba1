"""One registry of the formats the service writes (Datasette style): each format's name (the
suffix of a linked-data IRI and the value of `format=`), its media type, the other media types
clients send for it, and what it carries. Content negotiation (service/web/negotiation.py),
the SPARQL endpoint (service/web/sparql.py), the query processes (service/query/child.py)
and the OpenAPI description all read this table, so a format is declared once.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import RdfFormat

PAGE, GRAPH, RESULTS = "page", "graph", "results"


@dataclass(frozen=True)
class Format:
    """A format: `kind` says what it can carry (a page for people, an RDF graph, SPARQL
    results); `aliases` are media types clients send meaning it (JSON-LD is JSON, RDF/XML is
    XML…); `spellings` other values of `format=`; `rdf_format` how Oxigraph writes a graph
    in it; `prefixes` whether a graph is written with the site's prefixes; `boolean`
    whether it can say an ASK's yes or no."""

    name: str
    media_type: str
    kind: str
    label: str
    aliases: tuple[str, ...] = ()
    spellings: tuple[str, ...] = ()
    rdf_format: RdfFormat | None = None
    prefixes: bool = False
    boolean: bool = True


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("html", "text/html", PAGE, "HTML", aliases=("application/xhtml+xml",)),
        Format(
            "jsonld",
            "application/ld+json",
            GRAPH,
            "JSON-LD",
            aliases=("application/json",),
            spellings=("json-ld",),
            rdf_format=RdfFormat.JSON_LD,
        ),
        Format(
            "ttl",
            "text/turtle",
            GRAPH,
            "Turtle",
            aliases=("application/x-turtle", "text/n3"),  # Turtle is N3
            spellings=("turtle",),
            rdf_format=RdfFormat.TURTLE,
            prefixes=True,
        ),
        Format(
            "nt",
            "application/n-triples",
            GRAPH,
            "N-Triples",
            aliases=("text/plain",),
            spellings=("ntriples", "n-triples"),
            rdf_format=RdfFormat.N_TRIPLES,
        ),
        Format(
            "rdf",
            "application/rdf+xml",
            GRAPH,
            "RDF/XML",
            aliases=("application/xml", "text/xml"),
            spellings=("rdfxml", "xml-rdf"),
            rdf_format=RdfFormat.RDF_XML,
            prefixes=True,
        ),
        Format(
            "json",
            "application/sparql-results+json",
            RESULTS,
            "SPARQL JSON",
            aliases=("application/json",),
        ),
        Format(
            "xml",
            "application/sparql-results+xml",
            RESULTS,
            "SPARQL XML",
            aliases=("application/xml",),
        ),
        Format("csv", "text/csv", RESULTS, "CSV", boolean=False),
        Format("tsv", "text/tab-separated-values", RESULTS, "TSV", boolean=False),
    )
}
GRAPH_FORMATS = tuple(f for f in FORMATS.values() if f.kind == GRAPH)
LINKED_FORMATS = (*GRAPH_FORMATS, FORMATS["html"])  # what an IRI dereferences to
SPARQL_DEFAULTS = {GRAPH: "ttl", RESULTS: "json"}  # when the client names nothing
QUERY_FORMS = ("select", "ask", "construct", "describe")
GRAPH_FORMS = ("construct", "describe")


def of_kind(kind: str) -> tuple[Format, ...]:
    """The formats that carry `kind`, in the registry's order."""
    return tuple(f for f in FORMATS.values() if f.kind == kind)


def for_form(form: str) -> tuple[Format, ...]:
    """What a SPARQL query form can be answered in: its kind's formats, its default first,
    then the query page (html)."""
    kind = GRAPH if form in GRAPH_FORMS else RESULTS
    found = [f for f in of_kind(kind) if form != "ask" or f.boolean]
    found.sort(key=lambda f: f.name != sparql_default(form))
    return (*found, FORMATS["html"])


def sparql_default(form: str) -> str:
    """The format a query form is answered in when the client names none (the query page
    shows a table or Turtle)."""
    return SPARQL_DEFAULTS[GRAPH if form in GRAPH_FORMS else RESULTS]


def media_types(formats: tuple[Format, ...]) -> dict[str, Format]:
    """Media type a client may send → the format it gets, among `formats`: each one's own
    type first, then the aliases no earlier format claimed."""
    found: dict[str, Format] = {}
    for f in formats:
        found.setdefault(f.media_type, f)
    for f in formats:
        for alias in f.aliases:
            found.setdefault(alias, f)
    return found


def named(name: str) -> Format | None:
    """The format a `format=` value names: its name or one of its spellings."""
    if name in FORMATS:
        return FORMATS[name]
    return next((f for f in FORMATS.values() if name in f.spellings), None)
