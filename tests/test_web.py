"""The publishing service through Flask's test client: every route and format, HTTP manners,
the one error shape, and what harvesters and JSON-LD clients need."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
import rdflib
from rdflib.compare import isomorphic

from tests.conftest import ROOT, SEED_SLUG, STANDARDS, dump_graph, dumps

DATASET = f"/dataset/{SEED_SLUG}"
TABLE = f"{DATASET}/table/expenditure"
CSV = f"/datapackages/{SEED_SLUG}/data/expenditure.csv"
BASE = "http://127.0.0.1:8000/"
RDFLIB = {"jsonld": "json-ld", "ttl": "turtle", "nt": "nt", "rdf": "xml"}


def problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert set(body) == {"type", "title", "status", "detail", "instance"}
    assert body["status"] == status
    return body


def graph(response, extension: str) -> rdflib.Graph:
    parsed = rdflib.Graph()
    data = response.data
    if extension == "jsonld":  # the context is ours: give it inline instead of fetching it
        document = json.loads(data)
        document["@context"] = json.loads((ROOT / "vocab" / "context.jsonld").read_text("utf-8"))[
            "@context"
        ]
        data = json.dumps(document).encode()
    parsed.parse(data=data, format=RDFLIB[extension], publicID=BASE)
    return parsed


def test_health(client) -> None:
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["packages"] >= 1 and body["triples"] > 10000


def test_observation_says_what_the_table_says(client) -> None:
    g = graph(client.get(f"{TABLE}/obs/item-2010301/total.ttl"), "ttl")
    obs = rdflib.URIRef(f"{BASE}{TABLE[1:]}/obs/item-2010301/total")
    bp = rdflib.Namespace("https://w3id.org/budgetpub/def#")
    assert g.value(obs, bp.amount).toPython() == Decimal("885200.00")
    assert str(g.value(obs, bp.functionalClassification)).endswith("/functional/2010301")
    assert g.value(obs, bp.sourceLine).toPython() == 238


def test_jsonld_uses_the_published_context(client) -> None:
    response = client.get(f"{DATASET}.jsonld")
    document = json.loads(response.data)
    assert document["@context"] == f"{BASE}context.jsonld"
    dataset = next(n for n in document["@graph"] if n["id"] == f"{BASE}{DATASET[1:]}")
    assert dataset["type"] == "Dataset"
    assert dataset["fiscalYear"] == "2024"  # a term of the context, typed xsd:gYear there
    assert dataset["identifier"] == SEED_SLUG
    context = client.get("/context.jsonld")
    assert context.mimetype == "application/ld+json"
    assert "amount" in context.get_json(force=True)["@context"]


def test_jsonld_expands_to_the_same_triples_as_turtle(client) -> None:
    """pyld, the reference JSON-LD processor, expands every document to the Turtle's triples."""
    from pyld import jsonld

    context = json.loads((ROOT / "vocab" / "context.jsonld").read_text("utf-8"))

    def loader(url: str, options=None) -> dict:
        assert url == f"{BASE}context.jsonld"
        return {"contextUrl": None, "documentUrl": url, "document": context}

    for path in (DATASET, TABLE, "/project/41039524000000012827", "/code/functional/201", "/def"):
        document = json.loads(client.get(f"{path}.jsonld").data)
        nquads = jsonld.to_rdf(
            document, {"format": "application/n-quads", "documentLoader": loader}
        )
        from_jsonld = rdflib.Graph().parse(data=nquads, format="nt")
        from_turtle = graph(client.get(f"{path}.ttl"), "ttl")
        assert len(from_turtle) > 0
        assert isomorphic(from_jsonld, from_turtle), path


def test_unknown_iris_and_formats(client) -> None:
    problem(client.get("/dataset/no-such-dataset"), 404)
    problem(client.get(f"{DATASET}/table/no-such-table.ttl"), 404)
    problem(client.get(f"{DATASET}.docx"), 404)
    problem(client.get(DATASET, headers={"Accept": "image/png"}), 406)
    problem(client.get(f"/datapackages/{SEED_SLUG}/data/nothing.csv"), 404)
    problem(client.get(f"/datapackages/{SEED_SLUG}/data/nothing.xlsx"), 404)
    problem(client.get("/datapackages/nobody.zip"), 404)
    problem(client.post("/healthz"), 405)


def test_malformed_requests_get_4xx_not_500(client) -> None:
    assert client.get(DATASET, headers={"Accept": ";;;,,q=abc/"}).status_code < 500
    assert client.get(CSV, headers={"If-None-Match": 'W/"unterminated'}).status_code in (200, 304)
    assert client.get(CSV, headers={"If-Modified-Since": "yesterday-ish"}).status_code == 200
    problem(client.get("/catalog.ttl?page=0"), 400)
    problem(client.get("/catalog.ttl?page=abc"), 400)
    problem(client.get("/catalog.ttl?pagesize=100000"), 400)
    problem(client.get("/catalog.ttl?page=99"), 404)


@pytest.mark.parametrize(
    "path",
    [
        "/datapackages/../pyproject.toml",
        f"/datapackages/{SEED_SLUG}/../../pyproject.toml",
        f"/datapackages/{SEED_SLUG}/%2e%2e/%2e%2e/pyproject.toml",
        f"/datapackages/{SEED_SLUG}/..%2f..%2fpyproject.toml",
        "/static/../../pyproject.toml",
        f"/datapackages/{SEED_SLUG}//etc/passwd",
        "/datapackages/%2e%2e/service/__init__.py",
    ],
)
def test_no_file_outside_the_published_folders(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert b"[project]" not in response.data and b"root:" not in response.data


def test_csv_download(client) -> None:
    """The file name says department, year and table (quoted for RFC 5987), with an ASCII
    fallback that is the package and table; the bytes are the published file."""
    from urllib.parse import unquote

    response = client.get(CSV)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(
        f"attachment; filename=\"{SEED_SLUG}_expenditure.csv\"; filename*=UTF-8''"
    )
    assert unquote(disposition.split("UTF-8''")[1]) == (
        "洛阳市城乡一体化示范区政务服务中心_2024年_部门支出预算表.csv"
    )
    assert (
        response.data
        == (ROOT / "datapackages" / SEED_SLUG / "data" / "expenditure.csv").read_bytes()
    )
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))
    assert rows[0]["total"] == "1485300.00"


def test_two_sides_of_a_summary_download_under_two_names(client) -> None:
    from urllib.parse import unquote

    names = {
        unquote(
            client.get(f"/datapackages/{SEED_SLUG}/data/{name}.xlsx")
            .headers["Content-Disposition"]
            .split("UTF-8''")[1]
        )
        for name in ("summary_income", "summary_expenditure")
    }
    assert names == {
        "洛阳市城乡一体化示范区政务服务中心_2024年_部门收支预算表（收入）.xlsx",
        "洛阳市城乡一体化示范区政务服务中心_2024年_部门收支预算表（支出）.xlsx",
    }


def test_excel_csv_has_bom_titles_with_units_and_codes_as_text(client) -> None:
    response = client.get(f"/datapackages/{SEED_SLUG}/data/expenditure.excel.csv")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff来源行号,行类型,单位代码,功能分类科目编码")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert "合计（元）" in rows[0] and "基本支出（元）" in rows[0]
    assert rows[1][:2] == ["236", "total"] and "1485300.00" in rows[1]
    department = next(r for r in rows if r[1] == "department")
    assert department[2] == '="015"'  # the unit code stays 015 in a spreadsheet
    assert text.count("\r\n") == len(rows)
    income = client.get(f"/datapackages/{SEED_SLUG}/data/summary_income.excel.csv")
    assert "收入·金额（元）" in income.data.decode("utf-8").splitlines()[0]


def test_xlsx_keeps_exact_amounts(client) -> None:
    from openpyxl import load_workbook

    response = client.get(f"/datapackages/{SEED_SLUG}/data/expenditure.xlsx")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    sheet_xml = archive.read("xl/worksheets/sheet2.xml").decode()  # sheet1 is 说明 About
    import re

    written = {Decimal(v) for v in re.findall(r't="n"[^>]*><v>([^<]+)</v>', sheet_xml)}
    with (ROOT / "datapackages" / SEED_SLUG / "data" / "expenditure.csv").open(
        encoding="utf-8"
    ) as f:
        published = {
            Decimal(v)
            for row in csv.DictReader(f)
            for k, v in row.items()
            if v
            and k
            not in (
                "source_line",
                "unit_code",
                "functional_code",
                "functional_class",
                "functional_subclass",
                "row_type",
                "name",
            )
        }
    assert published <= written  # every amount's exact decimal text is in the sheet
    assert "<v>1485300</v>" in sheet_xml
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["说明 About", "数据 Data"] and book.active.title == "数据 Data"
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("来源行号", "行类型", "单位代码") and "合计（元）" in rows[0]
    assert rows[1][1] == "total"  # one header row, then the data
    about = dict(row[:2] for row in book["说明 About"].iter_rows(values_only=True) if row[0])
    assert about["部门 Department"] == "洛阳市城乡一体化示范区政务服务中心"
    assert about["年度 Fiscal year"] == "2024"
    assert about["金额单位 Unit"].startswith("元")


def test_zip_holds_the_whole_package(client) -> None:
    response = client.get(f"/datapackages/{SEED_SLUG}.zip")
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert f"{SEED_SLUG}/datapackage.json" in names
    assert f"{SEED_SLUG}/data/facts.csv" in names
    assert f"{SEED_SLUG}/source/{SEED_SLUG}.txt" in names


def test_etag_last_modified_and_304(client) -> None:
    for path in (
        CSV,
        f"{DATASET}.jsonld",
        "/catalog.ttl",
        f"/datapackages/{SEED_SLUG}/datapackage.json",
    ):
        first = client.get(path)
        assert first.headers.get("ETag") and first.headers.get("Last-Modified"), path
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", path
        since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304, path


def test_gzip_cors_and_cache_control(client) -> None:
    response = client.get(CSV, headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"
    import gzip

    assert gzip.decompress(response.data).startswith(b"source_line,")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age" in response.headers["Cache-Control"]
    assert client.get(f"{DATASET}.ttl").headers["Access-Control-Allow-Origin"] == "*"


def test_openapi_covers_every_json_and_csv_endpoint(client, app) -> None:
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = set(spec["paths"])
    for rule in app.url_map.iter_rules():
        path = rule.rule
        if path.endswith((".csv", ".json", ".jsonld")) or path in ("/healthz",):
            openapi_path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", path)  # <x> and <int:x>
            assert openapi_path in documented, path


def test_catalog_is_dcat_ap_valid_and_paged(client) -> None:
    from tests.conformance import validate_dcat

    response = client.get("/catalog.ttl")
    data = graph(response, "ttl")
    conforms, report = validate_dcat(data, STANDARDS)
    assert conforms, report
    hydra = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    catalog = rdflib.URIRef(f"{BASE}catalog")
    datasets = set(data.objects(catalog, dcat.dataset))
    assert rdflib.URIRef(f"{BASE}dataset/{SEED_SLUG}") in datasets
    view = data.value(catalog, hydra.view)
    assert (view, rdflib.RDF.type, hydra.PagedCollection) in data
    packages = {p.parent.name for p in (ROOT / "datapackages").glob("*/datapackage.json")}
    assert len(packages) <= 100  # one page of the default size holds them all
    assert data.value(view, hydra.totalItems).toPython() == len(packages)
    assert data.value(catalog, hydra.totalItems).toPython() == len(packages)
    assert {str(d).rpartition("/")[2] for d in datasets} == packages
    downloads = {str(u) for u in data.objects(None, dcat.downloadURL)}
    assert f"{BASE}datapackages/{SEED_SLUG}/data/expenditure.csv" in downloads
    assert f"{BASE}datapackages/{SEED_SLUG}/datapackage.json" in downloads


def test_catalog_pages_link_to_each_other(client) -> None:
    hydra = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
    first = graph(client.get("/catalog.ttl?pagesize=1"), "ttl")
    total = int(first.value(rdflib.URIRef(f"{BASE}catalog"), hydra.totalItems))
    view = first.value(rdflib.URIRef(f"{BASE}catalog"), hydra.view)
    if total == 1:
        assert first.value(view, hydra.next) is None
        assert str(first.value(view, hydra.last)).endswith("page=1&pagesize=1")
        return
    following = first.value(view, hydra.next)
    assert first.value(view, hydra.nextPage) == following
    assert str(following).endswith("catalog.ttl?page=2&pagesize=1")


def test_real_client_harvests_the_catalog_and_every_download(live_server: str) -> None:
    """rdflib reads the catalog over HTTP and every download URL answers 200 on a real server."""
    import urllib.request

    catalog = rdflib.Graph()
    catalog.parse(f"{live_server}catalog.ttl", format="turtle")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    urls = sorted({str(u) for u in catalog.objects(None, dcat.downloadURL)})
    assert len(urls) >= 25
    for url in urls:
        assert url.startswith(live_server)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200, url
            assert response.read(), url
    dataset = rdflib.Graph()
    dataset.parse(f"{live_server}dataset/{SEED_SLUG}", format="json-ld")
    assert len(dataset) > 100


def test_every_minted_iri_dereferences(client, built_var) -> None:
    """Every subject IRI the build minted for the seed (and every concept and vocabulary
    term it uses) answers 200 with triples about it."""
    from urllib.parse import urlsplit

    minted = dump_graph(*dumps(built_var / "rdf", SEED_SLUG))
    subjects = {str(s) for s in minted.subjects() if isinstance(s, rdflib.URIRef)}
    concepts = {
        str(o) for o in minted.objects() if str(o).startswith("https://w3id.org/budgetpub/code/")
    }
    assert len(subjects) > 500
    for iri in sorted(subjects | concepts):
        if iri.startswith(BASE):
            path = urlsplit(iri).path
        else:
            path = "/code/" + iri.removeprefix("https://w3id.org/budgetpub/code/")
        response = client.get(path, headers={"Accept": "application/n-triples"})
        assert response.status_code == 200, iri
        if "/datapackages/" not in iri:  # those IRIs are the files themselves
            assert f"<{iri}>".encode() in response.data or iri.endswith(".html"), iri
    terms = {
        str(p) for p in minted.predicates() if str(p).startswith("https://w3id.org/budgetpub/def#")
    }
    vocabulary = client.get("/def", headers={"Accept": "application/n-triples"}).data.decode()
    assert all(f"<{term}>" in vocabulary for term in terms)
