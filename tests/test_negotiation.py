"""Content negotiation: every Accept header a client may send, on every route, gets a
representation or a 406 problem document, never a 500; and what an Accept header brings is
what the suffix brings: the same graph, holding the IRI's own triples."""

from __future__ import annotations

import json
import re

import pytest
import rdflib
from rdflib.compare import isomorphic

from tests.conftest import ROOT, SEED_SLUG

DATASET = f"/dataset/{SEED_SLUG}"
TABLE = f"{DATASET}/table/expenditure"
BASE = "http://127.0.0.1:8000/"
# a department by its readable key (its name in pinyin), never its percent-encoded name
ORGANIZATION = (
    "/organization/410300-luo-yang-shi-cheng-xiang-yi-ti-hua-shi-fan-qu-zheng-wu-fu-wu-zhong-xin"
)
OLD_ORGANIZATION = (  # the IRI it had before: answered 301 with the new one
    "/organization/%E6%B4%9B%E9%98%B3%E5%B8%82%E5%9F%8E%E4%B9%A1%E4%B8%80%E4%BD%93%E5%8C%96"
    "%E7%A4%BA%E8%8C%83%E5%8C%BA%E6%94%BF%E5%8A%A1%E6%9C%8D%E5%8A%A1%E4%B8%AD%E5%BF%83"
)
# IRIs the service answers with content negotiation, and the IRI each one is about
LINKED = {
    DATASET: f"{BASE}dataset/{SEED_SLUG}",
    TABLE: f"{BASE}dataset/{SEED_SLUG}/table/expenditure",
    f"{TABLE}/obs/item-2010301/total": f"{BASE}dataset/{SEED_SLUG}/table/expenditure/obs/"
    "item-2010301/total",
    ORGANIZATION: f"{BASE}{ORGANIZATION[1:]}",
    "/project/41039524000000012827": f"{BASE}project/41039524000000012827",
    "/code/functional/2010301": "https://w3id.org/budgetpub/code/functional/2010301",
    "/code/functional": "https://w3id.org/budgetpub/code/functional",
    "/def": "https://w3id.org/budgetpub/def",
    "/catalog": f"{BASE}catalog",
    f"{DATASET}/check/performance/cost-cap/41039524000000012827": f"{BASE}dataset/"
    f"{SEED_SLUG}/check/performance/cost-cap/41039524000000012827",
}
# the Accept headers clients send → the suffix whose representation answers (None: HTML)
RDF_ACCEPT = {
    "application/ld+json": "jsonld",
    'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"': "jsonld",
    "application/ld+json;profile=http://www.w3.org/ns/json-ld#expanded": "jsonld",
    "application/json": "jsonld",
    "application/json, text/javascript, */*; q=0.01": "jsonld",  # jQuery's getJSON
    "text/turtle": "ttl",
    "text/turtle; charset=utf-8": "ttl",
    "application/x-turtle": "ttl",
    "text/n3": "ttl",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/rdf+xml": "rdf",
    "application/xml": "rdf",
    "text/xml": "rdf",
    "text/turtle;q=0.9, application/ld+json": "jsonld",
    "application/rdf+xml;q=0.5, text/turtle;q=0.8": "ttl",
}
HTML_ACCEPT = [
    "text/html",
    "application/xhtml+xml",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8",  # Chromium
    "*/*",
    "",
    "text/*",
]
REFUSED_ACCEPT = ["image/png", "text/csv", "application/pdf", "application/sparql-results+json"]
MALFORMED_ACCEPT = [";;;,,q=abc/", "text", "*/html", "application/json;q=x", "\u00e9/\u00e9"]
MEDIA = {
    "jsonld": "application/ld+json",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}
RDFLIB = {"jsonld": "json-ld", "ttl": "turtle", "nt": "nt", "rdf": "xml"}
# every other route, with a value for each of its variables
OTHER_ROUTES = [
    "/",
    "/healthz",
    "/openapi.json",
    "/context.jsonld",
    "/sparql",
    "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
    "/sparql?query=CONSTRUCT%7B%3Fs%20%3Fp%20%3Fo%7DWHERE%7B%3Fs%20%3Fp%20%3Fo%7DLIMIT%201",
    "/api/3/cubes",
    "/api/3/cubes/expenditure/model",
    "/api/3/cubes/expenditure/aggregate?drilldown=functional_class",
    "/api/3/cubes/expenditure/members/functional_class",
    "/api/3/cubes/expenditure/facts",
    f"/datapackages/{SEED_SLUG}/datapackage.json",
    f"/datapackages/{SEED_SLUG}/data/expenditure.csv",
    f"/datapackages/{SEED_SLUG}/data/expenditure.excel.csv",
    f"/datapackages/{SEED_SLUG}/data/expenditure.xlsx",
    f"/datapackages/{SEED_SLUG}.zip",
]


def parsed(data: bytes, extension: str) -> rdflib.Graph:
    if extension == "jsonld":  # the context is ours: give it inline instead of fetching it
        document = json.loads(data)
        context = json.loads((ROOT / "vocab" / "context.jsonld").read_text("utf-8"))
        document["@context"] = context["@context"]
        data = json.dumps(document).encode()
    return rdflib.Graph().parse(data=data, format=RDFLIB[extension], publicID=BASE)


def same_pages(graph: rdflib.Graph) -> rdflib.Graph:
    """The graph with the catalog's Hydra page IRIs (catalog.ttl?page=1…) format-free."""

    def plain(term):
        if isinstance(term, rdflib.URIRef):
            return rdflib.URIRef(re.sub(r"/catalog\.(ttl|jsonld|nt|rdf)\?", "/catalog.X?", term))
        return term

    found = rdflib.Graph()
    for triple in graph:
        found.add(tuple(plain(term) for term in triple))
    return found


def assert_problem(response, status: int) -> None:
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == "application/problem+json"
    body = json.loads(response.data)
    assert set(body) == {"type", "title", "status", "detail", "instance"}
    assert body["status"] == status


@pytest.fixture(scope="module")
def by_suffix(app) -> dict[tuple[str, str], rdflib.Graph]:
    """Each linked IRI's graph in each format, fetched by its suffix."""
    client = app.test_client()
    found = {}
    for path in LINKED:
        for extension in MEDIA:
            response = client.get(f"{path}.{extension}")
            assert response.status_code == 200, (path, extension)
            found[path, extension] = parsed(response.data, extension)
    return found


@pytest.mark.parametrize("path", list(LINKED))
def test_each_accept_header_brings_the_suffix_graph(client, by_suffix, path: str) -> None:
    iri = rdflib.URIRef(LINKED[path])
    for accept, extension in RDF_ACCEPT.items():
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 200, (accept, response.data[:300])
        assert response.mimetype == MEDIA[extension], accept
        assert "Accept" in response.headers["Vary"]
        graph = parsed(response.data, extension)
        assert isomorphic(graph, by_suffix[path, extension]), accept
        own = set(graph.predicate_objects(iri))
        assert len(own) >= 2, (accept, iri)  # the IRI's own triples, not just a mention
        assert (iri, rdflib.RDF.type, None) in graph, (accept, iri)
    # the four suffixes say the same thing (the catalog's page links keep their format)
    graphs = [same_pages(by_suffix[path, e]) for e in MEDIA]
    assert all(isomorphic(graphs[0], other) for other in graphs[1:]), path


@pytest.mark.parametrize("path", list(LINKED))
def test_browsers_get_the_page_and_others_a_406(client, path: str) -> None:
    for accept in HTML_ACCEPT:
        response = client.get(path, headers={"Accept": accept} if accept else {})
        assert response.status_code == 200, (accept, response.data[:300])
        assert response.mimetype == "text/html", accept
    for accept in REFUSED_ACCEPT:
        assert_problem(client.get(path, headers={"Accept": accept}), 406)
    for accept in MALFORMED_ACCEPT:
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code in (200, 406), (accept, response.status_code)
        if response.status_code == 406:
            assert_problem(response, 406)


@pytest.mark.parametrize("path", OTHER_ROUTES)
def test_no_accept_header_breaks_any_other_route(client, path: str) -> None:
    """A representation (the route's own, or the one the client asked for) or a 406 problem:
    never a 500. /sparql without a query is the page for browsers and a 400 for others."""
    accepts = [*RDF_ACCEPT, *HTML_ACCEPT, *REFUSED_ACCEPT, *MALFORMED_ACCEPT]
    for accept in accepts:
        response = client.get(path, headers={"Accept": accept} if accept else {})
        status = response.status_code
        assert status < 500, (accept, status, response.data[:300])
        if status >= 400:
            assert response.mimetype == "application/problem+json", accept
            assert status in (400, 406), (accept, status)


def test_the_home_page_redirects_rdf_clients_to_the_catalog(client) -> None:
    for accept, extension in RDF_ACCEPT.items():
        response = client.get("/", headers={"Accept": accept})
        assert response.status_code == 303, accept
        assert response.headers["Location"].endswith(f"/catalog.{extension}"), accept


def test_an_old_organisation_iri_moves_to_its_readable_key(app) -> None:
    """The percent-encoded full name of the department answers 301 with its new IRI, in
    every format (the suffix kept), so links made before keep working."""
    client = app.test_client()
    for suffix in ("", ".ttl"):
        response = client.get(OLD_ORGANIZATION + suffix)
        assert response.status_code == 301
        assert response.headers["Location"].endswith(ORGANIZATION + suffix)
    assert client.get(ORGANIZATION, headers={"Accept": "text/html"}).status_code == 200
    assert client.get("/organization/no-such-department.ttl").status_code == 404
    # the pinyin-only key of before the division's code led it (issue 27, 4) moves too
    pinyin = "/organization/" + ORGANIZATION.split("/organization/")[1].split("-", 1)[1]
    response = client.get(pinyin)
    assert response.status_code == 301 and response.headers["Location"].endswith(ORGANIZATION)


def test_an_old_check_iri_moves_to_its_readable_one(app) -> None:
    """Every check's IRI of the first scheme, the whole id percent-encoded (Minter.check of
    commit 15b2fc6: dataset/<slug>/check/quote(id, safe="")), answers 301: a check that did
    not pass at its readable IRI, a pass at its family's count of passes; each target
    answers, and no readable IRI is taken for an old one."""
    from urllib.parse import quote

    client = app.test_client()
    seen: dict[str, int] = {}
    packages = (ROOT / "datapackages").iterdir()  # not _combined-*, nor the members cache
    for package in sorted(p for p in packages if p.is_dir() and p.name[0] not in "_."):
        checks = json.loads((package / "checks.json").read_text(encoding="utf-8"))
        for check in checks:
            old = f"/dataset/{package.name}/check/{quote(check['id'], safe='')}"
            response = client.get(old)
            assert response.status_code == 301, old
            moved = response.headers["Location"]
            kind = "quality" if check["status"] == "pass" else "check"
            assert moved.startswith(f"/dataset/{package.name}/{kind}/"), (old, moved)
            assert "%" not in moved and ":" not in moved and len(moved) < 120, moved
            seen[moved] = seen.get(moved, 0) + 1
    for moved in seen:
        assert client.get(moved, headers={"Accept": "text/turtle"}).status_code == 200, moved
    failing = [m for m in seen if "/check/" in m]
    assert sum(seen.values()) == 1984  # every check of the 4 packages, passes included
    assert len(failing) == 18 and all(seen[m] == 1 for m in failing)  # one old IRI each
    narrative = f"/dataset/{SEED_SLUG}/check/" + quote("narrative:42:x/y:amount", safe="")
    assert client.get(narrative).status_code == 404  # no such check: not moved anywhere
    assert (
        client.get(f"{DATASET}/check/performance/cost-cap/41039524000000012827.ttl").status_code
        == 200
    )
