"""Pages for people: Chinese first with English labels, server-rendered, no JavaScript needed.

Specific pages (dataset, table, concept and code list, department, vocabulary) live in
pages_*.py; `html_pages()` lists them for create_app, which hands them to linked.init_app.
Anything else gets the generic resource page, a readable table of the IRI's triples.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import render_template
from pyoxigraph import Literal, NamedNode, Triple

from service.errors import Refusal
from service.web import (
    pages_concept,
    pages_dataset,
    pages_department,
    pages_table,
    pages_vocab,
)
from service.web.errors import positive
from service.web.facets import Dimension, apply, selections
from service.web.linked import Pages
from service.web.pages_audit import STATUS_LABELS
from service.web.pages_common import local_url, short, term
from service.web.pages_search import preview
from service.web.pages_table import exports
from service.web.site import PackageSummary, site

__all__ = ["home_page", "local_url", "resource_page", "short", "term"]
HOME_PAGE_SIZE = 50


def html_pages() -> Pages:
    """The pages linked data is drawn with: the page of each kind of resource, by the test
    its IRI passes (the first match draws it), the generic page and the home page."""
    views = [
        (pages_dataset.is_dataset, pages_dataset.dataset_page),
        (pages_concept.is_concept, pages_concept.concept_page),
        (pages_concept.is_scheme, pages_concept.scheme_page),
        (pages_department.is_department, pages_department.department_page),
        (pages_table.is_table, pages_table.table_page),
        (pages_vocab.is_vocabulary, pages_vocab.vocabulary_page),
    ]
    return Pages(views, resource_page, home_page)


def resource_page(iri: str, triples: list[Triple]) -> str:
    """The generic page of a resource no kind of page draws: its own triples, and the other subjects
    its description holds.
    """
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


def audit_status(package: PackageSummary) -> str | None:
    """The worst status of a package's checks (none for a combined year: it has no audit)."""
    if package.kind == "合并":
        return None
    return next((s for s in ("fail", "warn", "rounding") if package.audit.get(s)), "pass")


STATUS_RANK = {"fail": 0, "warn": 1, "rounding": 2, "pass": 3}
DIMENSIONS: list[Dimension[PackageSummary]] = [
    Dimension("year", "年度 Year", lambda p: str(p.fiscal_year), order="value-desc"),
    Dimension("region", "地区 Region", lambda p: p.region or None),
    Dimension(
        "department", "部门 Department", lambda p: p.department if p.kind != "合并" else None
    ),
    Dimension("kind", "文件类型 Document kind", lambda p: p.kind),
    Dimension(
        "status",
        "审核 Audit",
        audit_status,
        lambda s: STATUS_LABELS.get(s, s),
        rank=lambda s: STATUS_RANK.get(s, len(STATUS_RANK)),  # ?status=foo: last, not a 500
    ),
]
FILTERS = ("year", "region", "department", "kind", "status", "q")


def home_view(args: Any) -> dict[str, Any]:
    """The datasets a home page view lists (every page of it), with its facets and, for a
    search, the rows that match: shared by the page and its export."""
    packages = list(site().packages().values())
    query = args.get("q", "").strip()
    chosen = selections(args, DIMENSIONS)
    found = preview(query) if query else None
    holding = found["datasets"] if found else {}
    searched = [p for p in packages if not query or matches(p, query) or p.slug in holding]
    kept = {k: v for k, v in ((name, args.get(name, "")) for name in FILTERS) if v}
    if query:
        kept["q"] = query
    chosen_list, facets = apply(searched, DIMENSIONS, chosen, "/", kept)
    chosen_list.sort(key=lambda p: (p.kind == "合并", -p.fiscal_year, p.department, p.slug))
    return {
        "packages": chosen_list,
        "total": len(packages),
        "facets": facets,
        "query": query,
        "chosen": chosen,
        "kept": kept,
        "found": found,
        "holding": holding,
    }


def home_page(args: Any) -> str:
    """One page of HOME_PAGE_SIZE datasets (newest year first, combined years last), the
    filters kept in the links to the other pages; the page's size does not grow with the
    catalog. A search also lists the first rows that match, across the corpus."""
    number = positive(args, "page", 1, 1_000_000) if args.get("page") else 1  # a blank form field
    view = home_view(args)
    chosen = view["packages"]
    pages = max(1, -(-len(chosen) // HOME_PAGE_SIZE))
    if number > pages:
        raise Refusal(404, "no-such-page", f"the list has {pages} page(s) of {HOME_PAGE_SIZE}")
    start = (number - 1) * HOME_PAGE_SIZE
    filters = view["kept"]

    def link(target: int) -> str:
        kept = dict(filters)
        if target > 1:
            kept["page"] = str(target)
        return "/?" + urlencode(kept) if kept else "/"

    return render_template(
        "home.html",
        packages=chosen[start : start + HOME_PAGE_SIZE],
        facets=view["facets"],
        chosen=view["chosen"],
        query=view["query"],
        found=view["found"] if number == 1 else None,
        holding=view["holding"],
        total=view["total"],
        matched=len(chosen),
        filtered=bool(filters),
        page=number,
        pages=pages,
        first=start + 1,
        last=min(start + HOME_PAGE_SIZE, len(chosen)),
        previous_url=link(number - 1) if number > 1 else None,
        next_url=link(number + 1) if number < pages else None,
        first_url=link(1),
        last_url=link(pages),
        exports=exports("/export/datasets", filters),
        search_url="/search?" + urlencode({"q": view["query"]}),
    )
