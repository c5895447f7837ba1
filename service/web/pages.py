"""Pages for people: Chinese first with English labels, server-rendered, no JavaScript needed.

Specific pages (dataset, table, concept, vocabulary) register themselves with
linked.html_view; anything else gets the generic resource page.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from pyoxigraph import Literal, NamedNode, Triple

from service.rdf.terms import PREFIXES
from service.vocab import CODE
from service.web.describe import ONTOLOGY
from service.web.site import site


def local_url(iri: str) -> str | None:
    """Where the service answers for an IRI, or None for IRIs of other sites."""
    base = site().base_url
    if iri.startswith(base):
        return "/" + iri[len(base) :]
    if iri.startswith(str(CODE)):
        return "/code/" + iri[len(str(CODE)) :]
    if iri.startswith(ONTOLOGY):
        return "/def" + iri[len(ONTOLOGY) :]
    return None


def short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def term(value: Any) -> dict[str, Any]:
    if isinstance(value, NamedNode):
        return {
            "kind": "iri",
            "iri": value.value,
            "href": local_url(value.value) or value.value,
            "text": short(value.value),
        }
    if isinstance(value, Literal):
        return {
            "kind": "literal",
            "text": value.value,
            "language": value.language,
            "datatype": short(value.datatype.value) if value.datatype else None,
        }
    return {"kind": "blank", "text": str(value)}


def resource_page(iri: str, triples: list[Triple]) -> str:
    own = [t for t in triples if isinstance(t.subject, NamedNode) and t.subject.value == iri]
    labels = [
        t.object.value
        for t in own
        if isinstance(t.object, Literal)
        and short(t.predicate.value) in ("rdfs:label", "skos:prefLabel", "dct:title")
    ]
    rows = [{"predicate": term(t.predicate), "object": term(t.object)} for t in own]
    others = sorted({t.subject.value for t in triples if t.subject.value != iri})
    return render_template(
        "resource.html",
        iri=iri,
        title=labels[0] if labels else short(iri),
        rows=rows,
        others=[term(NamedNode(o)) for o in others[:500]],
        more=max(0, len(others) - 500),
    )


def home_page(args: Any) -> str:
    packages = list(site().packages().values())
    years = sorted({p.fiscal_year for p in packages}, reverse=True)
    departments = sorted({p.department for p in packages})
    year = args.get("year", "")
    department = args.get("department", "")
    query = args.get("q", "").strip()
    chosen = [
        p
        for p in packages
        if (not year or str(p.fiscal_year) == year)
        and (not department or p.department == department)
        and (not query or query in p.title or query in p.department)
    ]
    chosen.sort(key=lambda p: (-p.fiscal_year, p.department))
    return render_template(
        "home.html",
        packages=chosen,
        years=years,
        departments=departments,
        year=year,
        department=department,
        query=query,
        total=len(packages),
    )
