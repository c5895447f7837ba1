"""Pages for people: Chinese first with English labels, server-rendered, no JavaScript needed.

Specific pages (dataset, table, concept and code list, vocabulary) live in pages_*.py and
register themselves with linked.html_view when imported here; anything else gets the generic
resource page, a readable table of the IRI's triples.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import render_template
from pyoxigraph import Literal, NamedNode, Triple

from service.web import pages_concept, pages_dataset, pages_table, pages_vocab  # noqa: F401
from service.web.errors import ApiError, positive
from service.web.pages_common import local_url, short, term
from service.web.site import site

__all__ = ["home_page", "local_url", "resource_page", "short", "term"]
HOME_PAGE_SIZE = 50


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


def matches(package: Any, query: str) -> bool:
    """Search by name: the title, department or slug, ignoring case (pinyin slugs, English)."""
    wanted = query.casefold()
    return any(
        wanted in text.casefold() for text in (package.title, package.department, package.slug)
    )


def home_page(args: Any) -> str:
    """One page of HOME_PAGE_SIZE datasets (newest year first), the filters kept in the
    links to the other pages; the page's size does not grow with the catalog."""
    packages = list(site().packages().values())
    years = sorted({p.fiscal_year for p in packages}, reverse=True)
    departments = sorted({p.department for p in packages})
    year = args.get("year", "")
    department = args.get("department", "")
    query = args.get("q", "").strip()
    number = positive(args, "page", 1, 1_000_000) if args.get("page") else 1  # a blank form field
    chosen = [
        p
        for p in packages
        if (not year or str(p.fiscal_year) == year)
        and (not department or p.department == department)
        and (not query or matches(p, query))
    ]
    pages = max(1, -(-len(chosen) // HOME_PAGE_SIZE))
    if number > pages:
        raise ApiError(404, "no-such-page", f"the list has {pages} page(s) of {HOME_PAGE_SIZE}")
    chosen.sort(key=lambda p: (-p.fiscal_year, p.department, p.slug))
    start = (number - 1) * HOME_PAGE_SIZE
    filters = {"year": year, "department": department, "q": query}

    def link(target: int) -> str:
        kept = {name: value for name, value in filters.items() if value}
        if target > 1:
            kept["page"] = str(target)
        return "/?" + urlencode(kept) if kept else "/"

    return render_template(
        "home.html",
        packages=chosen[start : start + HOME_PAGE_SIZE],
        years=years,
        departments=departments,
        year=year,
        department=department,
        query=query,
        total=len(packages),
        matched=len(chosen),
        filtered=bool(year or department or query),
        page=number,
        pages=pages,
        first=start + 1,
        last=min(start + HOME_PAGE_SIZE, len(chosen)),
        previous_url=link(number - 1) if number > 1 else None,
        next_url=link(number + 1) if number < pages else None,
        first_url=link(1),
        last_url=link(pages),
    )
