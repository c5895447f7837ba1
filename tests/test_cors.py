"""Cross-origin use: every endpoint answers a CORS preflight, and a page on another origin,
in a real browser (Debian Chromium driven by Playwright), can POST a query to /sparql, read
a dataset as Turtle with its ETag, and read a problem document."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from service.net import free_port
from tests.conftest import ROOT, SEED_SLUG

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
ENDPOINTS = [
    "/sparql",
    "/catalog.ttl",
    f"/dataset/{SEED_SLUG}",
    "/code/functional/2010301",
    "/def",
    "/api/3/cubes/expenditure/facts",
    "/api/3/cubes/expenditure/aggregate",
    f"/datapackages/{SEED_SLUG}/data/expenditure.csv",
    f"/datapackages/{SEED_SLUG}/data/expenditure.xlsx",
    f"/datapackages/{SEED_SLUG}.zip",
    "/openapi.json",
    "/healthz",
    "/",
]


def preflight(client, path: str, method: str, headers: str) -> object:
    return client.options(
        path,
        headers={
            "Origin": "http://elsewhere.example",
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


@pytest.mark.parametrize("path", ENDPOINTS)
def test_every_endpoint_answers_a_preflight(client, path: str) -> None:
    method = "POST" if path == "/sparql" else "GET"
    response = preflight(client, path, method, "content-type, if-none-match")
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    allowed = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert {method, "OPTIONS"} <= allowed
    assert response.headers["Access-Control-Allow-Headers"] == "content-type, if-none-match"
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert response.headers["Allow"] == response.headers["Access-Control-Allow-Methods"]


def test_a_preflight_allows_what_it_may(client) -> None:
    response = preflight(client, "/healthz", "GET", "")
    assert "POST" not in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
    odd = preflight(client, "/sparql", "POST", "content-type; <script>")  # not a header list
    assert odd.headers["Access-Control-Allow-Headers"].startswith("Accept, ")
    private = client.options(
        "/sparql",
        headers={
            "Origin": "https://public.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    assert private.headers["Access-Control-Allow-Private-Network"] == "true"
    plain = client.options("/sparql")  # not a preflight: the methods only
    assert plain.status_code == 204 and "POST" in plain.headers["Allow"]
    assert "Access-Control-Allow-Methods" not in plain.headers


PAGE = b"""<!doctype html><meta charset="utf-8"><title>elsewhere</title><p>another origin</p>"""


@pytest.fixture(scope="module")
def other_origin() -> Iterator[str]:
    """A page on another origin (another port of localhost) for the browser to run in."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()


SCRIPT = """async ([base, query, slug]) => {
  const sparql = await fetch(base + "sparql", {
    method: "POST",
    headers: {"Content-Type": "application/sparql-query",
              "Accept": "application/sparql-results+json"},
    body: query,
  });
  const dataset = await fetch(base + "dataset/" + slug, {headers: {"Accept": "text/turtle"}});
  const missing = await fetch(base + "dataset/no-such-dataset", {
    headers: {"Accept": "application/json", "If-None-Match": '"x"'}});
  return {
    sparql: {status: sparql.status, type: sparql.headers.get("Content-Type"),
             store: sparql.headers.get("Budgetpub-Store"), body: await sparql.json()},
    dataset: {status: dataset.status, type: dataset.headers.get("Content-Type"),
              etag: dataset.headers.get("ETag"), text: await dataset.text()},
    missing: {status: missing.status, type: missing.headers.get("Content-Type"),
              body: await missing.json()},
  };
}"""


def run_in_browser(server: str, origin: str) -> tuple[dict, list[str]]:
    """SCRIPT run by Chromium in a page of origin against server → what it read, console."""
    from playwright.sync_api import sync_playwright

    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://www.w3.org/ns/dcat#Dataset> }"
    console: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()
            page.on("console", lambda message: console.append(message.text))
            page.goto(origin)
            assert page.evaluate("location.origin") != server.rstrip("/")
            return page.evaluate(SCRIPT, [server, query, SEED_SLUG]), console
        finally:
            browser.close()


@pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="Debian chromium is not installed at /usr/bin/chromium (.ci/run installs it)",
)
def test_a_page_on_another_origin_queries_the_service(live_server: str, other_origin: str) -> None:
    found, console = run_in_browser(live_server, other_origin)
    assert not [line for line in console if "CORS" in line], console
    sparql = found["sparql"]
    assert sparql["status"] == 200, found
    assert sparql["type"].startswith("application/sparql-results+json")
    assert sparql["store"]  # an exposed header the script can read
    count = int(sparql["body"]["results"]["bindings"][0]["n"]["value"])
    assert count == len(list((ROOT / "datapackages").glob("*/datapackage.json")))
    dataset = found["dataset"]
    assert dataset["status"] == 200 and dataset["type"].startswith("text/turtle")
    assert dataset["etag"]  # exposed
    assert "洛阳市城乡一体化示范区政务服务中心 2024年部门预算" in dataset["text"]
    missing = found["missing"]
    assert missing["status"] == 404
    assert missing["type"] == "application/problem+json"
    assert missing["body"]["status"] == 404 and missing["body"]["type"].endswith("/unknown-iri")
