"""The harvestable DCAT-AP catalog, paged with Hydra (old PagedCollection terms, which
ckanext-dcat reads, and the current PartialCollectionView terms)."""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, Response, request
from pyoxigraph import Literal, NamedNode, Triple

from service.rdf.terms import DCAT, DCT, HYDRA, RDF, XSD
from service.web.describe import subject_triples
from service.web.errors import ApiError
from service.web.formats import FORMATS, negotiate
from service.web.http import conditional
from service.web.site import site

bp = Blueprint("catalog", __name__)
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
RDF_ONLY = ("ttl", "jsonld", "rdf", "nt")


def positive(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ApiError(400, "bad-parameter", f"{name} must be an integer from 1 to {maximum}")
    return int(raw)


def _closure(store, roots: list[NamedNode], base: str) -> list[Triple]:
    """Datasets with what DCAT-AP needs of them: distributions, checksums, period, publisher,
    landing page, and the shared nodes (license, media types) they point to."""
    triples: list[Triple] = []
    seen: set[str] = set()
    queue = list(roots)
    while queue:
        node = queue.pop()
        if node.value in seen:
            continue
        seen.add(node.value)
        own = subject_triples(store, node.value)
        triples.extend(own)
        for triple in own:
            target = triple.object
            if not isinstance(target, NamedNode) or target.value in seen:
                continue
            if triple.predicate in (DCAT.dataset, DCT.isPartOf) or "/table/" in target.value:
                continue
            follow = (
                not target.value.startswith(base)
                or target.value == base
                or "/distribution/" in target.value
                or target.value.endswith(("/period", "/checksum", ".html"))
                or "/organization/" in target.value
                or target.value.endswith("publisher")
            )
            if follow and not target.value.startswith("https://w3id.org/budgetpub/"):
                queue.append(target)
    return triples


@bp.get("/catalog")
@bp.get("/catalog.<extension>")
def catalog(extension: str | None = None) -> Response:
    chosen = negotiate(extension, request.accept_mimetypes, allowed=("html", *RDF_ONLY))
    page = positive("page", 1, 1_000_000)
    size = positive("pagesize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    here = site()
    if chosen.extension == "html":
        from service.web.pages import home_page

        body = home_page(request.args)
        return conditional(
            Response(body, mimetype="text/html"), tag_source=body.encode(), vary_accept=True
        )
    slugs = sorted(here.packages())
    pages = max(1, -(-len(slugs) // size))
    if page > pages:
        raise ApiError(404, "no-such-page", f"the catalog has {pages} page(s) of {size}")
    body = _page(here.version(), here.base_url, chosen.extension, page, size, tuple(slugs))
    response = Response(body, mimetype=chosen.media_type)
    return conditional(response, tag_source=body, modified=here.modified(), vary_accept=True)


@lru_cache(maxsize=16)
def _page(
    version: str, base: str, extension: str, page: int, size: int, slugs: tuple[str, ...]
) -> bytes:
    """One catalog page, rendered once per build: harvesters ask for the same pages often."""
    pages = max(1, -(-len(slugs) // size))
    chosen_slugs = slugs[(page - 1) * size : page * size]
    catalog_node = NamedNode(f"{base}catalog")
    store = site().store()
    triples = [t for t in subject_triples(store, catalog_node.value) if t.predicate != DCAT.dataset]
    datasets = [NamedNode(f"{base}dataset/{slug}") for slug in chosen_slugs]
    triples += [Triple(catalog_node, DCAT.dataset, node) for node in datasets]
    triples += _closure(store, [catalog_node, *datasets], base)
    triples += _hydra(catalog_node, extension, page, pages, size, len(slugs))
    unique = list(dict.fromkeys(triples))
    return FORMATS[extension].render(unique, base)  # type: ignore[misc]


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
