"""DCAT as portals read it: the catalog published by a configured organisation with a contact
point, each dataset by its department, release dates that move only when a package changes,
the Excel CSV, xlsx and zip as distributions whose download URLs answer with their media
types, literals tagged with their language, combined datasets as compilations; and still
zero DCAT-AP 3.0.1 SHACL violations (pyshacl, the official shapes)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCTERMS, FOAF, RDF

from service.build import build, combined_dirs, package_dirs
from tests.conformance import validate_dcat
from tests.conftest import PACKAGES, SEED_SLUG, STANDARDS

BASE = "http://127.0.0.1:8000/"
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")  # an open namespace: DCAT 3 terms too
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IANA = "https://www.iana.org/assignments/media-types/"
NEW_YEAR = datetime(2026, 1, 1, tzinfo=UTC)
CJK = re.compile(r"[\u3400-\u9fff]")


def configured(env: pytest.MonkeyPatch) -> None:
    env.setenv("BUDGETPUB_PUBLISHER_NAME", "Open Budget Lab 开放预算实验室")
    env.setenv("BUDGETPUB_PUBLISHER_URL", "https://budget.example.org/about")
    env.setenv("BUDGETPUB_PUBLISHER_EMAIL", "data@budget.example.org")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Packages (a copy) and a build of them, by a publisher configured as a deployment
    configures it."""
    root = tmp_path_factory.mktemp("dcat")
    packages = root / "packages"
    for folder in (*package_dirs(PACKAGES), *combined_dirs(PACKAGES)):
        shutil.copytree(folder, packages / folder.name)
    with pytest.MonkeyPatch.context() as env:
        configured(env)
        env.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
        assert build(packages, root / "var", BASE).ok
    return packages, root / "var"


@pytest.fixture(scope="module")
def catalog(published: tuple[Path, Path]) -> rdflib.Graph:
    """The whole catalog as a harvester pages through it, over the service."""
    from service import create_app

    packages, var = published
    app = create_app(
        {"DATA_DIR": str(var), "PACKAGES_DIR": str(packages), "BASE_URL": BASE, "TESTING": True}
    )
    graph = rdflib.Graph()
    graph.parse(data=app.test_client().get("/catalog.ttl").data, format="turtle")
    return graph


def test_the_catalog_has_no_dcat_ap_violations(catalog: rdflib.Graph) -> None:
    conforms, report = validate_dcat(catalog, STANDARDS)
    assert conforms, report


def test_the_catalog_is_published_by_the_configured_organisation(catalog: rdflib.Graph) -> None:
    node = rdflib.URIRef(f"{BASE}catalog")
    publisher = catalog.value(node, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Organization) in catalog
    assert str(catalog.value(publisher, FOAF.name)) == "Open Budget Lab 开放预算实验室"
    assert str(catalog.value(publisher, FOAF.homepage)) == "https://budget.example.org/about"
    assert str(catalog.value(publisher, FOAF.mbox)) == "mailto:data@budget.example.org"
    assert "budgetpub" not in str(catalog.value(publisher, FOAF.name))  # not the software
    contact = catalog.value(node, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in catalog
    assert str(catalog.value(contact, VCARD.hasEmail)) == "mailto:data@budget.example.org"
    assert str(catalog.value(contact, VCARD.fn)) == "Open Budget Lab 开放预算实验室"


def test_each_dataset_is_published_by_its_department(catalog: rdflib.Graph) -> None:
    for folder in package_dirs(PACKAGES):
        meta = json.loads((folder / "datapackage.json").read_text("utf-8"))
        dataset = rdflib.URIRef(f"{BASE}dataset/{folder.name}")
        department = catalog.value(dataset, DCTERMS.publisher)
        assert (department, RDF.type, FOAF.Organization) in catalog
        assert str(catalog.value(department, FOAF.name)) == meta["department"]
        assert catalog.value(dataset, DCAT.contactPoint) is not None


def test_issued_and_modified_on_the_catalog_and_every_dataset(catalog: rdflib.Graph) -> None:
    subjects = [rdflib.URIRef(f"{BASE}catalog")]
    subjects += list(catalog.objects(subjects[0], DCAT.dataset))
    assert len(subjects) == 1 + len(package_dirs(PACKAGES)) + len(combined_dirs(PACKAGES))
    for subject in subjects:
        for term in (DCTERMS.issued, DCTERMS.modified):
            value = catalog.value(subject, term)
            assert value.datatype == rdflib.XSD.dateTime, (subject, term)
            assert value.toPython() == NEW_YEAR, (subject, term)


def test_dates_move_only_for_the_package_that_changed(published, monkeypatch) -> None:
    packages, var = published
    changed = packages / SEED_SLUG / "datapackage.json"
    meta = json.loads(changed.read_text("utf-8"))
    store = (var / "store").resolve()
    configured(monkeypatch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # a day later
    try:
        assert build(packages, var, BASE).kept  # nothing changed: the store is kept
        assert (var / "store").resolve() == store
        changed.write_text(json.dumps({**meta, "title": meta["title"] + "（修订）"}), "utf-8")
        assert build(packages, var, BASE).ok
        dates = json.loads((var / "rdf" / "released.json").read_text("utf-8"))
        assert dates[SEED_SLUG]["issued"] == "2026-01-01T00:00:00Z"
        assert dates[SEED_SLUG]["modified"] == "2026-01-02T00:00:00Z"
        others = [d for slug, d in dates.items() if slug != SEED_SLUG]
        assert others and all(d["modified"] == "2026-01-01T00:00:00Z" for d in others)
    finally:
        changed.write_text(json.dumps(meta, ensure_ascii=False, indent=2), "utf-8")
        assert build(packages, var, BASE).ok


def test_excel_csv_xlsx_and_zip_are_distributions_that_answer(published, catalog) -> None:
    from service import create_app

    packages, var = published
    client = create_app(
        {"DATA_DIR": str(var), "PACKAGES_DIR": str(packages), "BASE_URL": BASE, "TESTING": True}
    ).test_client()
    dataset = rdflib.URIRef(f"{BASE}dataset/{SEED_SLUG}")
    by_url = {
        str(catalog.value(d, DCAT.downloadURL)): str(catalog.value(d, DCAT.mediaType))
        for d in catalog.objects(dataset, DCAT.distribution)
    }
    expected = {
        f"{BASE}datapackages/{SEED_SLUG}.zip": "application/zip",
        f"{BASE}datapackages/{SEED_SLUG}/data/expenditure.excel.csv": "text/csv",
        f"{BASE}datapackages/{SEED_SLUG}/data/expenditure.xlsx": XLSX,
        f"{BASE}datapackages/{SEED_SLUG}/data/expenditure.csv": "text/csv",
    }
    for url, media in expected.items():
        assert by_url[url] == IANA + media, url
    tables = [r for r in _meta(SEED_SLUG)["resources"] if r.get("format") == "csv"]
    assert len(by_url) == 1 + len(_meta(SEED_SLUG)["resources"]) + 2 * len(tables) + 1
    for url, media in by_url.items():
        response = client.get(url.removeprefix(BASE[:-1]))
        assert response.status_code == 200, url
        assert response.mimetype == media.removeprefix(IANA), url


def _meta(slug: str) -> dict:
    return json.loads((PACKAGES / slug / "datapackage.json").read_text("utf-8"))


def test_literals_are_tagged_with_their_language(catalog: rdflib.Graph) -> None:
    checked = 0
    for _, predicate, literal in catalog:
        if not isinstance(literal, rdflib.Literal) or literal.datatype:
            continue
        checked += 1
        if literal.language == "en":  # English words (naming a department in Chinese)
            assert re.match(r"[A-Za-z]+\b", literal), (predicate, literal)
        if literal.language == "zh":
            assert CJK.search(literal), (predicate, literal)
    keywords = {(str(k), k.language) for k in catalog.objects(None, DCAT.keyword)}
    assert ("budget", "en") in keywords and ("China", "en") in keywords
    assert ("部门预算", "zh") in keywords and ("2024", None) in keywords
    assert checked > 500


def test_combined_datasets_are_compilations_of_the_departments(catalog: rdflib.Graph) -> None:
    site = rdflib.URIRef(f"{BASE}publisher")
    for folder in combined_dirs(PACKAGES):
        meta = json.loads((folder / "datapackage.json").read_text("utf-8"))
        node = rdflib.URIRef(f"{BASE}dataset/{folder.name}")
        parts = {str(p) for p in catalog.objects(node, DCTERMS.hasPart)}
        members = {f"{BASE}dataset/{m['name']}" for m in meta["combinedFrom"]["packages"]}
        assert parts == members and parts
        assert catalog.value(node, DCTERMS.publisher) == site  # compiled by the site
        assert catalog.value(node, DCAT.inSeries) is None
        keywords = {str(k) for k in catalog.objects(node, DCAT.keyword)}
        assert {"汇编", "compilation"} <= keywords and "全部部门" not in keywords


def test_a_changed_dataset_renders_its_catalog_page_and_the_first_again_and_no_other(
    published, monkeypatch, tmp_path
) -> None:
    """One package changes: its catalog page (and the first, which carries the catalog's
    dates) is rendered for the new build; every other page is the earlier build's file,
    linked, not rendered or written again, and still says what a fresh rendering says."""
    import gzip

    from service import create_app
    from service.web import catalog as catalog_web
    from service.web import catalog_pages
    from service.web.site import site

    packages, var = published
    configured(monkeypatch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767398400")  # later than any build before
    for module in (catalog_web, catalog_pages):
        monkeypatch.setattr(module, "DEFAULT_PAGE_SIZE", 2)
    cache = tmp_path / "cache"
    config = {"DATA_DIR": str(var), "PACKAGES_DIR": str(packages), "BASE_URL": BASE}
    app = create_app({**config, "TESTING": True, "CATALOG_CACHE": str(cache)})
    slugs = sorted(
        [p.name for p in package_dirs(packages)] + [p.name for p in combined_dirs(packages)]
    )
    pages = -(-len(slugs) // 2)
    assert pages >= 3, slugs
    assert catalog_web.warm(app) == 4 * pages
    before = {p.name: p.stat().st_ino for p in cache.rglob("catalog-*.gz")}
    client = app.test_client()
    tags = {n: client.get(f"/catalog.ttl?page={n}").headers["ETag"] for n in range(1, pages + 1)}
    changed = packages / SEED_SLUG / "datapackage.json"
    meta = json.loads(changed.read_text("utf-8"))
    try:
        changed.write_text(json.dumps({**meta, "title": meta["title"] + "（修订）"}), "utf-8")
        assert build(packages, var, BASE).ok
        its_page = slugs.index(SEED_SLUG) // 2 + 1
        assert catalog_web.warm(app) == 4 * len({1, its_page})
        with app.app_context():
            here = site()
            folder = next(p for p in cache.iterdir() if p.name == here.version())
            kept = 0
            for path in sorted(folder.glob("catalog-*.gz")):
                page = next(
                    n for n in range(1, pages + 1)
                    for ext in catalog_web.RDF_ONLY
                    if catalog_web._page_name(here, tuple(slugs), ext, n, 2) == path.name
                )  # fmt: skip
                extension = path.name.split(".")[1]
                if page in (1, its_page):
                    assert path.name not in before
                else:
                    assert before[path.name] == path.stat().st_ino  # the same file, linked
                    kept += 1
                chosen = tuple(slugs[(page - 1) * 2 : page * 2])
                fresh = catalog_pages.render_page(
                    catalog_pages.page_triples(here.store(), BASE, chosen, page == 1),
                    BASE, extension, page, 2, len(slugs),
                )  # fmt: skip
                assert gzip.decompress(path.read_bytes()) == fresh, path.name
            assert kept == 4 * (pages - len({1, its_page}))
        for page, tag in tags.items():  # harvesters asking again get 304 for what is unchanged
            asked = client.get(f"/catalog.ttl?page={page}", headers={"If-None-Match": tag})
            assert asked.status_code == (200 if page in (1, its_page) else 304), page

        def unread(*args, **kwargs):
            raise AssertionError("another worker takes the keys from the build's folder")

        monkeypatch.setattr(catalog_web, "page_sources", unread)
        catalog_web._keys.clear()  # as in another process
        other = create_app({**config, "TESTING": True, "CATALOG_CACHE": str(cache)})
        for page in range(1, pages + 1):
            assert other.test_client().get(f"/catalog.ttl?page={page}").status_code == 200
    finally:
        changed.write_text(json.dumps(meta, ensure_ascii=False, indent=2), "utf-8")
        assert build(packages, var, BASE).ok
