"""The facts API does not truncate silently: a page says the total and links to the next
(JSON and Link headers), codes carry labels, and a CSV export streams every fact of a cut,
read here by a real HTTP client from a real gunicorn. Totals are counted from the packages'
own facts.csv files, not from the API."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
from decimal import Decimal

import pytest

from service.build import package_dirs
from tests.conftest import PACKAGES, SEED_SLUG
from tests.test_facts_index import index_app, indexed_var, sparql_app  # noqa: F401

FACTS = "/api/3/cubes/expenditure/facts"
SEED_DEPARTMENT = "洛阳市城乡一体化示范区政务服务中心"
LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


def published(table: str, **wanted: str) -> list[dict[str, str]]:
    """The committed packages' facts of one table kind that match the given columns."""
    found = []
    for package in package_dirs(PACKAGES):
        with (package / "data" / "facts.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["table"] == table and all(row[k] == v for k, v in wanted.items()):
                    found.append(row)
    return found


def link_header(value: str) -> dict[str, str]:
    return {rel: url for url, rel in LINK.findall(value)}


def local(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000")


@pytest.fixture(params=["index", "sparql"])
def api(request, index_app, sparql_app):  # noqa: F811
    """The facts index and SPARQL answer the same."""
    return (index_app if request.param == "index" else sparql_app).test_client()


def test_a_page_says_the_total_and_where_the_others_are(api) -> None:
    expected = published("expenditure", row_type="item", column="total")
    response = api.get(f"{FACTS}?pagesize=7&page=2")
    body = response.get_json()
    assert body["total"] == len(expected) == int(response.headers["X-Total-Count"])
    assert body["pages"] == -(-len(expected) // 7) and body["page"] == 2
    assert len(body["data"]) == 7
    assert link_header(response.headers["Link"]) == body["links"]
    assert local(body["links"]["prev"]) == f"{FACTS}?page=1&pagesize=7"
    assert local(body["links"]["next"]) == f"{FACTS}?page=3&pagesize=7"
    assert local(body["links"]["last"]) == f"{FACTS}?page={body['pages']}&pagesize=7"


def test_following_next_gives_every_fact_once(api) -> None:
    kinds = ("item", "total", "subtotal")
    expected = [
        r
        for r in published("expenditure", column="total", department=SEED_DEPARTMENT)
        if r["row_type"] in kinds
    ]
    url = f"{FACTS}?cut=dataset:{SEED_SLUG}|row_type:{';'.join(kinds)}&pagesize=9"
    seen: list[dict] = []
    while url:
        body = api.get(url).get_json()
        seen.extend(body["data"])
        url = local(body["links"]["next"]) if "next" in body["links"] else ""
    assert len(seen) == len({f["id"] for f in seen}) == body["total"] == len(expected)
    assert sorted((f["source_line"], Decimal(f["amount"])) for f in seen) == sorted(
        (int(r["source_line"]), Decimal(r["printed_amount"])) for r in expected
    )


def test_codes_come_with_their_labels(api) -> None:
    cut = f"dataset:{SEED_SLUG}|functional:2010301"
    fact = api.get(f"{FACTS}?cut={cut}").get_json()["data"][0]
    assert fact["functional"] == "2010301" and fact["functional.label"] == "行政运行"
    assert fact["functional_class.label"] == "一般公共服务支出"
    assert fact["row_type.label"] == "明细" and fact["amount"] == "885200.00"
    members = api.get("/api/3/cubes/expenditure/members/functional_class?pagesize=2").get_json()
    assert members["total"] == len({r["functional_code"][:3] for r in _items()})
    assert "next" in members["links"] and members["data"][0]["functional_class.label"]


def _items() -> list[dict[str, str]]:
    return published("expenditure", row_type="item", column="total")


def test_aggregate_pages_link_too(api) -> None:
    response = api.get("/api/3/cubes/expenditure/aggregate?drilldown=functional&pagesize=5")
    body = response.get_json()
    assert body["total_cell_count"] == len({r["functional_code"] for r in _items()})
    assert link_header(response.headers["Link"]) == body["links"] and "next" in body["links"]


def test_csv_pages_have_link_headers_and_accept_picks_csv(api) -> None:
    response = api.get(f"{FACTS}?pagesize=5", headers={"Accept": "text/csv"})
    assert response.mimetype == "text/csv"
    assert "next" in link_header(response.headers["Link"])
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))
    assert len(rows) == 5 and rows[0]["functional.label"]
    assert api.get(FACTS, headers={"Accept": "text/turtle"}).status_code == 406


def test_pagesize_all_is_for_csv_exports(api) -> None:
    for url in (f"{FACTS}?pagesize=all", f"{FACTS}?pagesize=all&format=csv&page=2"):
        response = api.get(url)
        assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_a_streamed_export_writes_every_chunk_once(api, monkeypatch) -> None:
    from service.web import api_paging

    monkeypatch.setattr(api_paging, "STREAM_CHUNK", 7)  # many chunks of a small cube
    response = api.get(f"{FACTS}?format=csv&pagesize=all")
    text = response.data.decode("utf-8")
    assert text.count("id,year,department") == 1
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(_items()) == int(response.headers["X-Total-Count"])
    assert len({r["id"] for r in rows}) == len(rows)


def test_every_fact_streams_from_a_real_server(live_server: str) -> None:
    """urllib against gunicorn: chunked (no Content-Length), every fact of every table kind
    of every package once, amounts exact, the same rows as the JSON pages."""
    everything = "row_type:item;total;subtotal;unit;department;of-which|column:total"
    url = f"{live_server}api/3/cubes/expenditure/facts?format=csv&pagesize=all&cut={everything}"
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.headers.get("Content-Length") is None  # streamed
        assert response.headers["Transfer-Encoding"] == "chunked"
        total = int(response.headers["X-Total-Count"])
        rows = list(csv.DictReader(io.TextIOWrapper(response, encoding="utf-8", newline="")))
    expected = published("expenditure", column="total")
    assert len(rows) == total == len(expected)
    assert sorted(Decimal(r["amount"]) for r in rows) == sorted(
        Decimal(r["printed_amount"]) for r in expected
    )
    paged = []
    page_url = url.replace("format=csv&pagesize=all", "pagesize=50")
    while page_url:
        with urllib.request.urlopen(page_url, timeout=30) as response:
            body = json.load(response)
        paged.extend(body["data"])
        page_url = body["links"].get("next", "")
    assert [r["id"] for r in rows] == [f["id"] for f in paged]
