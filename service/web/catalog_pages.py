"""What a page of the harvestable DCAT-AP catalog says: its datasets with what DCAT-AP needs
of them, and the Hydra paging links (old PagedCollection terms, which ckanext-dcat reads, and
the current PartialCollectionView terms). web/catalog.py serves and caches the pages.

A page of 100 datasets is ~45k triples (each dataset's DCAT triples, its distributions and
checksums, periods, publishers, series and the shared nodes they point to; the budget
vocabulary's links to tables, checks and figures are read and left out), found a hop at a
time from the datasets: in the embedded store by direct lookups in every graph (~20% faster
than a query naming the hop's nodes), in a shared store by one SPARQL query a hop (5–7 a
page instead of ~6,000 requests).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from pyoxigraph import Literal, NamedNode, Store, Triple

from service.formats import FORMATS
from service.rdf.terms import DCAT, DCT, HYDRA, RDF, XSD
from service.web.iri_description import BYTE_SIZE, NON_NEGATIVE
from service.web.negotiation import render

DEFAULT_PAGE_SIZE = 100
VALUES_PER_QUERY = 2000  # subjects named in one query's VALUES


def catalog_follows(predicate: NamedNode, target: str, base: str) -> bool:
    """Whether the catalog describes the node a dataset (or a node it reaches) points to."""
    if predicate in (DCAT.dataset, DCT.isPartOf) or "/table/" in target:
        return False
    if target.startswith("https://w3id.org/budgetpub/"):
        return False
    return (
        not target.startswith(base)
        or target == base
        or "/distribution/" in target
        or target.endswith(("/period", "/checksum", ".html"))
        or "/organization/" in target
        or target.endswith(("/publisher", "/publisher/contact"))
    )


def _described(store, nodes: list[NamedNode]) -> Iterator[Triple]:
    """Every triple about the nodes, in every graph (a triple in two graphs comes twice),
    with dcat:byteSize typed as the build wrote it (the store keeps integer subtypes as
    xsd:integer; iri_description.subject_triples restores it the same way)."""
    if isinstance(store, Store):
        found = (q.triple for node in nodes for q in store.quads_for_pattern(node, None, None))
    else:  # a shared store: one query for many nodes
        found = (
            triple
            for start in range(0, len(nodes), VALUES_PER_QUERY)
            for triple in store.query(_describe_query(nodes[start : start + VALUES_PER_QUERY]))
        )
    for triple in found:
        if triple.predicate == BYTE_SIZE and isinstance(triple.object, Literal):
            triple = Triple(
                triple.subject,
                triple.predicate,
                Literal(triple.object.value, datatype=NON_NEGATIVE),
            )
        yield triple


def _describe_query(nodes: list[NamedNode]) -> str:
    values = " ".join(str(node) for node in nodes)
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"


BUDGET_TERMS = "https://w3id.org/budgetpub/def#"


def _closure(store, roots: list[NamedNode], base: str, stop: tuple[str, ...] = ()) -> list[Triple]:
    """Datasets with what DCAT-AP needs of them: distributions, checksums, period, publisher,
    landing page, and the shared nodes (license, media types) they point to; found a hop at
    a time, never into nodes whose IRI starts with one of `stop`. The budget vocabulary's own
    links (a dataset's tables, checks, figures and indicators: two thirds of a page) are left
    to the dataset's IRI: harvesters read DCAT."""
    triples: list[Triple] = []
    seen: set[str] = set()
    hop = roots
    while hop:
        fresh = [node for node in dict.fromkeys(hop) if node.value not in seen]
        seen.update(node.value for node in fresh)
        hop = []
        for triple in _described(store, fresh):
            if triple.predicate.value.startswith(BUDGET_TERMS):
                continue
            triples.append(triple)
            target = triple.object
            if (
                isinstance(target, NamedNode)
                and target.value not in seen
                and catalog_follows(triple.predicate, target.value, base)
                and not target.value.startswith(stop)
            ):
                hop.append(target)
    return triples


# the catalog's own dates change with any dataset: said on its first page only, so that a
# changed dataset changes its own page and the first, not every page
FIRST_PAGE_ONLY = (DCT.issued, DCT.modified)


def page_triples(
    store, base: str, slugs: tuple[str, ...], first: bool = True, stop: tuple[str, ...] = ()
) -> list[Triple]:
    """The catalog's own triples with the page's datasets (its dcat:dataset links to the
    other pages' datasets are on those pages; its dates on the first page), each once."""
    catalog_node = NamedNode(f"{base}catalog")
    datasets = [NamedNode(f"{base}dataset/{slug}") for slug in slugs]
    triples = [Triple(catalog_node, DCAT.dataset, node) for node in datasets]
    triples += (
        t
        for t in _closure(store, [catalog_node, *datasets], base, stop)
        if t.subject != catalog_node
        or (t.predicate != DCAT.dataset and (first or t.predicate not in FIRST_PAGE_ONLY))
    )
    return list(dict.fromkeys(triples))


def page_sources(
    store, base: str, slugs: tuple[str, ...], first: bool, loaded: dict[str, str]
) -> str:
    """A digest of what a page is made of, read without the bulk of it: the page's triples
    short of the nodes each dataset alone owns (its distributions, checksums, period: the
    IRIs under its own), which stand as the key its build loaded them under (`loaded`, the
    dump's descriptor hash and converter). A dataset the build did not load on its own (a
    combined year's) is read whole. Equal digests, equal pages."""
    own = tuple(
        f"{base}{folder}/{slug}/"
        for slug in slugs
        if slug in loaded
        for folder in ("dataset", "datapackages")
    )
    digest = hashlib.sha256()
    for line in sorted(str(t) for t in page_triples(store, base, slugs, first, own)):
        digest.update(line.encode("utf-8") + b"\n")
    for slug in slugs:
        digest.update(f"{slug} {loaded.get(slug, '')}\n".encode())
    return digest.hexdigest()


def _hydra(
    catalog: NamedNode, extension: str, page: int, pages: int, size: int, total: int
) -> list[Triple]:
    def link(number: int) -> NamedNode:
        query = f"?page={number}" + (f"&pagesize={size}" if size != DEFAULT_PAGE_SIZE else "")
        return NamedNode(f"{catalog.value}.{extension}{query}")

    view = link(page)
    integer = XSD.integer
    triples = [
        Triple(catalog, HYDRA.view, view),
        Triple(catalog, HYDRA.totalItems, Literal(str(total), datatype=integer)),
        Triple(view, RDF.type, HYDRA.PartialCollectionView),
        Triple(view, RDF.type, HYDRA.PagedCollection),
        Triple(view, HYDRA.totalItems, Literal(str(total), datatype=integer)),
        Triple(view, HYDRA.itemsPerPage, Literal(str(size), datatype=integer)),
        Triple(view, HYDRA.first, link(1)),
        Triple(view, HYDRA.firstPage, link(1)),
        Triple(view, HYDRA.last, link(pages)),
        Triple(view, HYDRA.lastPage, link(pages)),
    ]
    if page < pages:
        triples += [
            Triple(view, HYDRA.next, link(page + 1)),
            Triple(view, HYDRA.nextPage, link(page + 1)),
        ]
    if page > 1:
        triples += [
            Triple(view, HYDRA.previous, link(page - 1)),
            Triple(view, HYDRA.previousPage, link(page - 1)),
        ]
    return triples


def render_page(
    triples: list[Triple], base: str, extension: str, page: int, size: int, total: int
) -> bytes:
    """One page of the catalog: its triples with Hydra's paging links, in the format of `extension`."""
    pages = max(1, -(-total // size))
    hydra = _hydra(NamedNode(f"{base}catalog"), extension, page, pages, size, total)
    return render(FORMATS[extension], triples + hydra, base)
