"""The catalog at scale: pages found with a few queries whatever their size, rendered once per
build into a cache every worker shares (with a gzip copy), JSON-LD compacted without pyld but
expanding to the same triples; and the home page in pages of 50 that keep the filters."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store, Triple, parse

from service import create_app
from service.rdf.terms import DCAT
from service.web import catalog, catalog_pages, jsonld_compactor
from service.web.iri_description import subject_triples
from tests.conftest import PACKAGES, ROOT, SEED_SLUG

BASE = "http://127.0.0.1:8000/"
CONTEXT = json.loads((ROOT / "vocab" / "context.jsonld").read_text("utf-8"))


def expanded(document: bytes) -> set[Triple]:
    """The triples pyld, the reference processor, reads from a document using our context."""
    from pyld import jsonld

    def loader(url: str, options=None) -> dict:
        assert url == f"{BASE}context.jsonld"
        return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}

    nquads = jsonld.to_rdf(
        json.loads(document), {"format": "application/n-quads", "documentLoader": loader}
    )
    return {q.triple for q in parse(nquads.encode(), format=RdfFormat.N_QUADS)}


def ground(triples: set[Triple]) -> set[tuple[str, ...]]:
    """Triples with blank nodes named by what they say, to compare two sets of them."""
    return {
        tuple("_:" if isinstance(t, BlankNode) else str(t) for t in triple) for triple in triples
    }


# --- JSON-LD -------------------------------------------------------------------------------

N = "http://example.org/"
BP = "https://w3id.org/budgetpub/def#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def tricky_triples() -> list[Triple]:
    """Every way a value can (or cannot) fit a term of the context."""
    s, other = NamedNode(f"{N}s"), NamedNode(f"{N}other")
    blank = BlankNode("b1")
    title, amount = NamedNode(f"{DCT}title"), NamedNode(f"{BP}amount")
    return [
        Triple(s, RDF_TYPE, NamedNode("http://www.w3.org/ns/dcat#Dataset")),
        Triple(s, RDF_TYPE, NamedNode(f"{N}NoTermClass")),
        Triple(s, title, Literal("预算", language="zh")),
        Triple(s, title, Literal("Budget", language="en")),
        Triple(s, title, Literal("Budget, again", language="en")),
        Triple(s, title, Literal("no language")),
        Triple(s, amount, Literal("1485300.00", datatype=NamedNode(f"{XSD}decimal"))),
        Triple(s, amount, Literal("7", datatype=NamedNode(f"{XSD}integer"))),
        Triple(s, amount, other),  # an IRI where the term wants a decimal
        Triple(s, NamedNode(f"{BP}fiscalYear"), Literal("2024", datatype=NamedNode(f"{XSD}gYear"))),
        Triple(s, NamedNode(f"{DCT}license"), NamedNode("https://creativecommons.org/by/4.0/")),
        Triple(s, NamedNode(f"{DCT}license"), Literal("a string where an IRI is expected")),
        Triple(s, NamedNode(f"{DCT}publisher"), blank),
        Triple(s, NamedNode(f"{N}unknown"), Literal('quotes " and \\ and\nnew lines')),
        Triple(s, NamedNode(f"{N}unknown"), NamedNode("https://w3id.org/budgetpub/code///odd")),
        Triple(s, NamedNode(f"{N}unknown"), NamedNode(f"{BP}project")),  # a term's IRI as data
        Triple(s, NamedNode(f"{BP}sourceLine"), Literal("12", datatype=NamedNode(f"{XSD}integer"))),
        Triple(
            s, NamedNode(f"{BP}sourceLine"), Literal("1.2E1", datatype=NamedNode(f"{XSD}double"))
        ),
        Triple(s, NamedNode(f"{XSD}string"), Literal("x", datatype=NamedNode(f"{XSD}string"))),
        Triple(blank, NamedNode("http://xmlns.com/foaf/0.1/name"), Literal("某某局")),
        Triple(other, NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal("x")),
    ]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's JSON-LD parser
def test_compacted_jsonld_expands_to_exactly_its_triples() -> None:
    triples = tricky_triples()
    document = jsonld_compactor.render_jsonld(triples, BASE)
    assert json.loads(document)["@context"] == f"{BASE}context.jsonld"
    assert ground(expanded(document)) == ground(set(triples))
    text = document.decode()
    assert '"printedAmount": "1485300.00"' in text  # the context's terms are used where they fit
    assert '"title": {"zh": "预算", "en": ["Budget", "Budget, again"]}' in text
    assert '"dct:title": "no language"' in text
    assert '"type": ["Dataset", "http://example.org/NoTermClass"]' in text
    # rdflib, as harvesters use it, reads the same
    parsed = rdflib.Graph().parse(
        data=json.dumps({**json.loads(document), "@context": CONTEXT["@context"]}),
        format="json-ld",
    )
    assert len(parsed) == len(triples)


@pytest.mark.parametrize("count", [0, 1])
def test_small_documents(count: int) -> None:
    triples = tricky_triples()[:count]
    document = jsonld_compactor.render_jsonld(triples, BASE)
    assert ground(expanded(document)) == ground(set(triples))


def test_our_context_is_compacted_without_pyld() -> None:
    """A feature added to vocab/context.jsonld that the compactor does not handle would send
    every JSON-LD rendering back to pyld (~30x slower): teach the compactor first."""
    assert jsonld_compactor.compactor() is not None


def test_a_context_the_compactor_does_not_know_falls_back_to_pyld() -> None:
    with pytest.raises(jsonld_compactor.Unsupported):
        jsonld_compactor.Compactor({"@vocab": "http://example.org/", "x": "http://example.org/x"})
    with pytest.raises(jsonld_compactor.Unsupported):
        jsonld_compactor.Compactor({"list": {"@id": "http://example.org/l", "@container": "@list"}})


# --- catalog pages -------------------------------------------------------------------------


@pytest.fixture
def fresh_app(built_var: Path, tmp_path: Path):
    """The session build, with a catalog cache of its own."""
    return create_app(
        {
            "DATA_DIR": str(built_var),
            "PACKAGES_DIR": str(PACKAGES),
            "BASE_URL": BASE,
            "TESTING": True,
            "CATALOG_CACHE": str(tmp_path / "cache"),
        }
    )


def old_closure(store, roots: list[NamedNode], base: str) -> list[Triple]:
    """The catalog as it was first served (one subject_triples lookup per node), without the
    budget vocabulary's links and the catalog's dcat:dataset links, as pages now are."""
    catalog_node = roots[0]
    triples: list[Triple] = []
    seen: set[str] = set()
    queue = list(roots)
    while queue:
        node = queue.pop()
        if node.value in seen:
            continue
        seen.add(node.value)
        own = [
            t
            for t in subject_triples(store, node.value)
            if not t.predicate.value.startswith(catalog_pages.BUDGET_TERMS)
            and not (t.subject == catalog_node and t.predicate.value.endswith("#dataset"))
        ]
        triples.extend(own)
        for triple in own:
            target = triple.object
            if isinstance(target, NamedNode) and catalog_pages.catalog_follows(
                triple.predicate, target.value, base
            ):
                queue.append(target)
    return triples


def test_a_page_says_what_per_node_lookups_said(fresh_app) -> None:
    with fresh_app.app_context():
        here = catalog.site()
        slugs = tuple(sorted(here.packages()))
        store = here.store()
        new = set(catalog.page_triples(store, BASE, slugs))
        datasets = [NamedNode(f"{BASE}dataset/{slug}") for slug in slugs]
        catalog_node = NamedNode(f"{BASE}catalog")
        old = set(old_closure(store, [catalog_node, *datasets], BASE))
    assert new == old | {Triple(catalog_node, DCAT.dataset, d) for d in datasets}
    assert len(new) > 100
    sizes = [t.object for t in new if t.predicate.value.endswith("#byteSize")]
    assert sizes and all(s.datatype.value.endswith("#nonNegativeInteger") for s in sizes)


def test_every_format_of_a_page_says_the_same(fresh_app) -> None:
    client = fresh_app.test_client()
    turtle = client.get("/catalog.ttl").data
    reference = {q.triple for q in parse(turtle, format=RdfFormat.TURTLE, base_iri=BASE)}
    same_links = {  # the Hydra links name the format they are in
        "nt": ".nt?",
        "rdf": ".rdf?",
        "jsonld": ".jsonld?",
    }
    for extension, link in same_links.items():
        body = client.get(f"/catalog.{extension}").data
        if extension == "jsonld":
            found = expanded(body)
        else:
            rdf_format = RdfFormat.N_TRIPLES if extension == "nt" else RdfFormat.RDF_XML
            found = {q.triple for q in parse(body, format=rdf_format, base_iri=BASE)}
        as_turtle = {s.replace(link, ".ttl?") for triple in found for s in [str(triple)]}
        assert as_turtle == {str(t) for t in reference}, extension


class CountingStore:
    """A store that counts what is asked of it; its queries see the union of its graphs, as
    the service's do."""

    def __init__(self, store: Store):
        self.store = store
        self.queries = 0

    def query(self, query: str, **options):
        self.queries += 1
        return self.store.query(query, use_default_graph_as_union=True, **options)

    def quads_for_pattern(self, *pattern):
        raise AssertionError("a page is read with queries, not per-node lookups")


def synthetic_catalog(datasets: int, distributions: int) -> Store:
    """A catalog shaped like the build's, without building anything."""
    store = Store()
    dcat, dct = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
    spdx = "http://spdx.org/rdf/terms#"
    catalog_node = NamedNode(f"{BASE}catalog")
    license_node = NamedNode("https://creativecommons.org/licenses/by/4.0/")
    quads = [
        Quad(catalog_node, RDF_TYPE, NamedNode(f"{dcat}Catalog")),
        Quad(catalog_node, NamedNode(f"{dct}publisher"), NamedNode(f"{BASE}publisher")),
        Quad(
            NamedNode(f"{BASE}publisher"), NamedNode("http://xmlns.com/foaf/0.1/name"), Literal("p")
        ),
        Quad(license_node, RDF_TYPE, NamedNode(f"{dct}LicenseDocument")),
    ]
    for d in range(datasets):
        dataset = NamedNode(f"{BASE}dataset/d{d:04}")
        graph = NamedNode(f"{BASE}graph/d{d:04}")  # one named graph per package
        quads.append(Quad(catalog_node, NamedNode(f"{dcat}dataset"), dataset))
        # what packages share comes with each of them: the same triple in many graphs
        quads.append(Quad(license_node, RDF_TYPE, NamedNode(f"{dct}LicenseDocument"), graph))
        quads.append(Quad(dataset, RDF_TYPE, NamedNode(f"{dcat}Dataset"), graph))
        quads.append(
            Quad(dataset, NamedNode(f"{dct}temporal"), NamedNode(f"{dataset.value}/period"), graph)
        )
        quads.append(
            Quad(
                NamedNode(f"{dataset.value}/period"),
                NamedNode(f"{dcat}startDate"),
                Literal("2024-01-01"),
                graph,
            )
        )
        quads.append(
            Quad(dataset, NamedNode(f"{BP}table"), NamedNode(f"{dataset.value}/table/t"), graph)
        )
        quads.append(
            Quad(
                NamedNode(f"{dataset.value}/table/t"),
                RDF_TYPE,
                NamedNode(f"{BP}BudgetTable"),
                graph,
            )
        )
        for k in range(distributions):
            distribution = NamedNode(f"{dataset.value}/distribution/t{k}")
            checksum = NamedNode(f"{distribution.value}/checksum")
            quads += [
                Quad(dataset, NamedNode(f"{dcat}distribution"), distribution, graph),
                Quad(distribution, NamedNode(f"{dct}license"), license_node, graph),
                Quad(
                    distribution,
                    NamedNode(f"{dcat}byteSize"),
                    Literal("10", datatype=NamedNode(f"{XSD}nonNegativeInteger")),
                    graph,
                ),
                Quad(distribution, NamedNode(f"{spdx}checksum"), checksum, graph),
                Quad(checksum, NamedNode(f"{spdx}checksumValue"), Literal(f"{d}-{k}"), graph),
            ]
    store.extend(quads)
    return store


@pytest.mark.parametrize("datasets", [10, 300])
def test_a_page_takes_the_same_few_queries_whatever_its_size(datasets: int) -> None:
    store = synthetic_catalog(datasets, 25)
    counting = CountingStore(store)
    slugs = tuple(f"d{d:04}" for d in range(datasets))
    triples = catalog.page_triples(counting, BASE, slugs)
    # one query a hop (catalog and datasets, distributions, checksums…), one more for each
    # further VALUES_PER_QUERY distributions and checksums: never one a node
    assert counting.queries <= 6 + 2 * (datasets * 25 // catalog_pages.VALUES_PER_QUERY)
    subjects = {t.subject.value for t in triples}
    assert f"{BASE}dataset/d0000/distribution/t24/checksum" in subjects
    assert f"{BASE}dataset/d0000/period" in subjects
    assert f"{BASE}dataset/d0000/table/t" not in subjects  # tables are not the catalog's
    assert len(triples) == len(set(triples))
    local = catalog.page_triples(store, BASE, slugs)  # the embedded store: direct lookups
    assert set(local) == set(triples) and len(local) == len(triples)
    per_node = old_closure(
        store,
        [NamedNode(f"{BASE}catalog")] + [NamedNode(f"{BASE}dataset/{s}") for s in slugs],
        BASE,
    )
    assert set(triples) == set(per_node) | {
        Triple(NamedNode(f"{BASE}catalog"), NamedNode("http://www.w3.org/ns/dcat#dataset"), n)
        for n in (NamedNode(f"{BASE}dataset/{s}") for s in slugs)
    }


def test_pages_are_rendered_once_per_build_and_shared(fresh_app, monkeypatch, tmp_path) -> None:
    client = fresh_app.test_client()
    first = client.get("/catalog.ttl")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, max-age=300"
    cached = [p.name for p in (tmp_path / "cache").rglob("catalog-*")]
    assert len(cached) == 1 and cached[0].endswith(".ttl.gz")  # kept gzipped

    def no_store(*args, **kwargs):
        raise AssertionError("the page should come from the cache")

    monkeypatch.setattr(catalog, "page_triples", no_store)
    again = create_app(dict(fresh_app.config)).test_client()  # another worker, or a restart
    second = again.get("/catalog.ttl")
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]

    zipped = again.get("/catalog.ttl", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == first.data
    assert zipped.headers["ETag"] != first.headers["ETag"]
    assert "Accept-Encoding" in zipped.headers["Vary"]
    unchanged = again.get("/catalog.ttl", headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304


def test_warming_renders_every_page_in_every_format_once(fresh_app, tmp_path) -> None:
    assert catalog.warm(fresh_app) == len(catalog.RDF_ONLY)  # the packages fit on one page
    assert catalog.warm(fresh_app) == 0
    names = {p.name.split(".", 1)[1] for p in (tmp_path / "cache").rglob("catalog-*")}
    assert names == {"ttl.gz", "jsonld.gz", "rdf.gz", "nt.gz"}


def test_a_worker_warms_the_pages_of_a_build_on_its_first_request(fresh_app, tmp_path) -> None:
    import threading

    fresh_app.config["CATALOG_WARM"] = True
    assert fresh_app.test_client().get("/healthz").status_code == 200
    for thread in threading.enumerate():
        if thread.name == "catalog-warm":
            thread.join(timeout=60)
    assert len(list((tmp_path / "cache").rglob("catalog-*.gz"))) == len(catalog.RDF_ONLY)
    fresh_app.test_client().get("/healthz")  # the same build: not warmed again
    assert not [t for t in threading.enumerate() if t.name == "catalog-warm"]


def test_pages_are_kept_in_memory_when_the_cache_cannot_be_written(built_var, tmp_path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    app = create_app(
        {
            "DATA_DIR": str(built_var),
            "PACKAGES_DIR": str(PACKAGES),
            "BASE_URL": BASE,
            "TESTING": True,
            "CATALOG_CACHE": str(blocked / "cache"),
        }
    )
    response = app.test_client().get("/catalog.nt")
    assert response.status_code == 200
    assert f"<{BASE}dataset/".encode() in response.data


def test_only_the_default_page_size_is_kept_on_disk(fresh_app, tmp_path) -> None:
    """Any other size is rendered in memory, as before: the disk holds one set a build."""
    client = fresh_app.test_client()
    small = client.get("/catalog.ttl?pagesize=1")
    assert small.status_code == 200 and b"pagesize\\=1" in small.data  # Turtle escapes it
    assert not list((tmp_path / "cache").rglob("catalog-*"))
    client.get("/catalog.ttl")
    assert [p.name for p in (tmp_path / "cache").rglob("catalog-*.ttl.gz")]


# --- the home page in pages ----------------------------------------------------------------

DEPARTMENTS = ["甲局", "乙局", "丙局"]


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory):
    """121 packages (the seed and 120 descriptors) in 3 departments and 2 years, served over
    the seed's build: the home page lists what the package folder holds."""
    from service.build import build

    root = tmp_path_factory.mktemp("many")
    packages = root / "datapackages"
    shutil.copytree(PACKAGES / SEED_SLUG, packages / SEED_SLUG)
    assert build(packages, root / "var", BASE).ok
    for n in range(120):
        slug = f"dept{n % 3}-{2023 + n % 2}-{n:03}"
        (packages / slug).mkdir()
        (packages / slug / "datapackage.json").write_text(
            json.dumps(
                {
                    "name": slug,
                    "title": f"{DEPARTMENTS[n % 3]} {2023 + n % 2}年部门预算 第{n:03}号",
                    "department": DEPARTMENTS[n % 3],
                    "fiscalYear": 2023 + n % 2,
                    "description": "",
                    "audit": {"pass": n, "warn": 0, "fail": 0},
                    "resources": [],
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    app = create_app(
        {
            "DATA_DIR": str(root / "var"),
            "PACKAGES_DIR": str(packages),
            "BASE_URL": BASE,
            "TESTING": True,
        }
    )
    descriptors = [
        json.loads(p.read_text("utf-8")) for p in sorted(packages.glob("*/datapackage.json"))
    ]
    order = [
        d["name"]
        for d in sorted(
            descriptors, key=lambda d: (-int(d["fiscalYear"]), d.get("department", ""), d["name"])
        )
    ]
    return app.test_client(), order


def listed(html: str) -> list[str]:
    return re.findall(r'<a class="title" href="/dataset/([^"]+)">', html)


def count(html: str) -> str:
    return re.sub(r"\s+", " ", re.search(r'<p class="count">(.*?)</p>', html, re.S)[1])


def pager(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="pager".*?</nav>', html, re.S)
    if nav is None:
        return {}
    return {
        rel: href.replace("&amp;", "&")
        for href, rel in re.findall(r'href="([^"]+)" rel="(\w+)"', nav[0])
    }


def test_home_shows_50_at_a_time_in_order(many) -> None:
    client, order = many
    assert len(order) == 121
    seen: list[str] = []
    for number in (1, 2, 3):
        html = client.get("/" if number == 1 else f"/?page={number}").data.decode()
        seen += listed(html)
        if number == 1:
            assert listed(html) == order[:50]
            assert count(html) == "121 / 121 个数据集 datasets · 第 1–50 个 showing 1–50"
            assert pager(html) == {"next": "/?page=2", "last": "/?page=3"}
            assert '<link rel="next" href="/?page=2">' in html
        if number == 2:
            assert count(html).endswith("第 51–100 个 showing 51–100")
            assert pager(html) == {
                "first": "/",
                "prev": "/",
                "next": "/?page=3",
                "last": "/?page=3",
            }
            assert "第 2 / 3 页 Page 2 of 3" in html
        if number == 3:
            assert listed(html) == order[100:]  # the last 21
            assert count(html).endswith("第 101–121 个 showing 101–121")
            assert pager(html) == {"first": "/", "prev": "/?page=2"}
    assert seen == order  # every package once, none twice


def test_home_pages_keep_the_filters(many) -> None:
    client, order = many
    # 2023: the 60 descriptors with an even n (the seed is 2024)
    html = client.get("/?year=2023&page=2").data.decode()
    in_2023 = [slug for slug in order if "-2023-" in slug]
    assert len(in_2023) == 60
    assert listed(html) == in_2023[50:]
    assert count(html) == "60 / 121 个数据集 datasets · 第 51–60 个 showing 51–60"
    assert pager(html) == {"first": "/?year=2023", "prev": "/?year=2023"}
    assert '<input type="hidden" name="year" value="2023">' in html  # the form keeps it

    html = client.get("/?year=2024&department=乙局&q=部门预算").data.decode()
    chosen = [s for s in order if s.startswith("dept1-2024-")]
    assert listed(html) == chosen and len(chosen) == 20
    assert pager(html) == {}  # one page: no pager

    html = client.get("/?q=部门预算").data.decode()  # every package's title says it
    assert count(html) == "121 / 121 个数据集 datasets · 第 1–50 个 showing 1–50"
    assert pager(html)["next"] == "/?q=%E9%83%A8%E9%97%A8%E9%A2%84%E7%AE%97&page=2"
    second = client.get(pager(html)["next"]).data.decode()
    assert listed(second) == order[50:100]
    # the form starts again at page 1: it carries the filters, not the page
    assert 'name="page"' not in second


def test_home_page_numbers_are_checked(many) -> None:
    client, _ = many
    for bad in ("0", "x", "-1", "1.5"):
        response = client.get(f"/?page={bad}")
        assert response.status_code == 400, bad
        assert response.mimetype == "application/problem+json"
    beyond = client.get("/?page=4")
    assert beyond.status_code == 404
    assert "3 page(s)" in beyond.get_json(force=True)["detail"]
    assert client.get("/?year=1999&page=1").status_code == 200  # nothing matches: one page


def test_a_page_links_its_own_datasets_and_says_dcat_not_budget_terms(fresh_app) -> None:
    client = fresh_app.test_client()
    body = client.get("/catalog.nt?page=2&pagesize=1").data
    triples = {q.triple for q in parse(body, format=RdfFormat.N_TRIPLES)}
    catalog_node = NamedNode(f"{BASE}catalog")
    linked = [
        t.object for t in triples if t.subject == catalog_node and t.predicate == DCAT.dataset
    ]
    second = sorted(fresh_app.extensions["budgetpub"].packages())[1]
    assert linked == [NamedNode(f"{BASE}dataset/{second}")]
    assert not [t for t in triples if t.predicate.value.startswith(catalog_pages.BUDGET_TERMS)]
    assert any(t.predicate == DCAT.distribution for t in triples)


def test_a_page_rendered_in_a_child_process_is_the_page_the_worker_renders(
    fresh_app, monkeypatch, tmp_path
) -> None:
    """Outside tests a worker has pages rendered by a child (its heap stays small): the same
    bytes, and the worker reads no triples itself."""
    in_worker = fresh_app.test_client().get("/catalog.ttl?pagesize=1&page=2").data
    child = create_app(
        {**fresh_app.config, "CATALOG_CHILD": True, "CATALOG_CACHE": str(tmp_path / "c2")}
    )

    def no_store(*args, **kwargs):
        raise AssertionError("the worker should not read the page's triples")

    monkeypatch.setattr(catalog, "page_triples", no_store)
    client = child.test_client()
    assert client.get("/catalog.ttl?pagesize=1&page=2").data == in_worker
    cached = client.get("/catalog.nt")  # the default size: written to the cache by the worker
    assert cached.status_code == 200 and f"<{BASE}dataset/".encode() in cached.data
    assert [p.name.split(".", 1)[1] for p in (tmp_path / "c2").rglob("catalog-*")] == ["nt.gz"]
