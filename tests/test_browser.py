"""End to end in a real browser: `budgetpub serve` (gunicorn) on loopback, headless Debian
Chromium driven by Playwright, JavaScript switched off to prove the site needs none.

A journalist's path: home → the dataset → a table → sort it → download its CSV. The browser
must fetch nothing from any other host, and every response must succeed.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.build import build
from service.net import free_port, stop, wait_until_answers
from tests.conftest import ROOT, SEED_SLUG

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TITLE = "洛阳市城乡一体化示范区政务服务中心 2024年部门预算"
TABLE_TITLE = "2024年部门支出预算表"

pytestmark = pytest.mark.skipif(  # never under CI=true: .ci/run installs it
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium; "
    ".ci/run installs it)",
)


def budgetpub() -> list[str]:
    """The installed `budgetpub` script beside this interpreter, else the module."""
    script = Path(sys.executable).with_name("budgetpub")
    return [str(script)] if script.exists() else [sys.executable, "-m", "service.cli"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`budgetpub serve` on a free loopback port, serving the seed built for that address."""
    root = tmp_path_factory.mktemp("served")
    packages = root / "datapackages"
    shutil.copytree(ROOT / "datapackages", packages)  # the seed, three PDFs, combined years
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    assert build(packages, root / "var", base).ok
    log = (root / "server.log").open("wb")
    options = ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    places = ["--data", str(root / "var"), "--packages", str(packages)]
    process = subprocess.Popen(
        [*budgetpub(), "serve", *options, *places],
        cwd=root,
        env={**os.environ, "BUDGETPUB_BASE_URL": base},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        try:
            wait_until_answers(base + "healthz", 30, process)
        except RuntimeError as error:
            log_text = (root / "server.log").read_text("utf-8", "replace")
            raise RuntimeError(f"budgetpub serve did not start: {error}\n{log_text}") from None
        yield base
    finally:
        stop(process)
        log.close()


def drawn_labels(page, url: str, chart: str) -> str:
    """The texts of a chart's SVG on the page at `url`, once the vendored ECharts drew it."""
    page.goto(url)
    page.locator(f"#{chart}[data-drawn] svg").wait_for()
    return " ".join(page.locator(f"#{chart} svg text").all_text_contents())


def test_home_dataset_table_sort_download(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    failed: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a new, empty user-data-dir
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            java_script_enabled=False,
            accept_downloads=True,
            locale="zh-CN",
        )
        try:
            page = context.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.on(
                "response",
                lambda response: (
                    failed.append(f"{response.status} {response.url}")
                    if response.status >= 400
                    else None
                ),
            )

            page.goto(server)
            assert page.locator("h1").inner_text().startswith("部门预算数据集")
            page.get_by_role("link", name=TITLE, exact=True).click()

            page.wait_for_url(f"{server}dataset/{SEED_SLUG}")
            assert page.locator("h1").inner_text() == TITLE
            warning = page.locator("#audit .status-warn").first
            assert "≤81624元" in warning.inner_text()
            page.locator("#table-expenditure").get_by_role("link", name=TABLE_TITLE).click()

            table_url = f"{server}dataset/{SEED_SLUG}/table/expenditure"
            page.wait_for_url(table_url)
            assert page.locator("h1").inner_text().startswith(TABLE_TITLE)
            assert page.locator("#line-238 th").inner_text() == "2010301 行政运行"
            assert page.locator("#line-238 td").nth(0).inner_text() == "88.52"

            page.get_by_role("link", name="合计（万元）").click()  # sort: a plain link
            page.wait_for_url(f"{table_url}?sort=total&order=asc")
            totals = page.locator("tbody tr td:nth-child(2)").all_inner_texts()
            assert totals == ["0.14", "4.23", "6.77", "7.82", "41.05", "88.52", "148.53", "148.53"]

            with page.expect_download() as started_download:
                page.get_by_role("link", name="CSV", exact=True).first.click()
            download = started_download.value
            assert download.suggested_filename == (
                "洛阳市城乡一体化示范区政务服务中心_2024年_部门支出预算表.csv"
            )
            saved = tmp_path / "download.csv"
            download.save_as(saved)
        finally:
            context.close()

    published = ROOT / "datapackages" / SEED_SLUG / "data" / "expenditure.csv"
    assert saved.read_bytes() == published.read_bytes()
    rows = list(csv.DictReader(io.StringIO(saved.read_text("utf-8"))))
    assert next(r for r in rows if r["source_line"] == "238")["total"] == "885200.00"

    assert failed == []
    assert requested and all(url.startswith(server) for url in requested), requested
    assert f"{server}static/site.css" in requested


WANLI_2025 = "shanghai-putuo-wanli-2025-dept-budget"
WANLI = "上海市普陀区人民政府万里街道办事处"


def test_search_facet_chart_export_and_error_page(server: str, tmp_path: Path) -> None:
    """With JavaScript on, as people browse: search rows from the home page, narrow by a
    facet, read the charts' figures off the drawn SVG, export a filtered view as xlsx, and
    meet a missing page as a page of the site."""
    from openpyxl import load_workbook
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(accept_downloads=True, locale="zh-CN")
        try:
            page = context.new_page()
            page.on("request", lambda request: requested.append(request.url))

            # search: the home page's box finds rows across the corpus
            page.goto(server)
            page.get_by_role("searchbox").fill("行政运行")
            page.get_by_role("button", name="搜索 Search").click()
            page.wait_for_url(f"{server}?q=*")
            found = page.locator("section.found-rows tbody tr")
            seed_row = found.filter(has_text="2010301 行政运行").first
            assert seed_row.locator("td.num").inner_text() == "88.52 万元"
            assert page.locator(f'a[href="/dataset/{WANLI_2025}"]').count() > 0

            # a facet: the search page narrowed to one year, counts shown
            page.goto(f"{server}search?q=公务接待")
            assert "14 行 rows" in page.locator("p.count").inner_text()
            year = page.locator('section.facet[aria-label="年度 Year"] li', has_text="2024")
            assert year.locator(".count").inner_text() == "2"
            year.get_by_role("link", name="2024").click()
            page.wait_for_url("**year=2024")
            assert "2 行 rows" in page.locator("p.count").inner_text()
            departments = page.locator("table.search-results tbody td:first-child a")
            assert set(departments.all_inner_texts()) == {"洛阳市城乡一体化示范区政务服务中心"}

            # charts: drawn by the vendored ECharts; the figures are read off the page's SVG
            labels = drawn_labels(page, f"{server}dataset/{WANLI_2025}", "chart-functional")
            assert "212 城乡社区支出" in labels and "154,369,326.00 元" in labels, labels
            assert "208 社会保障和就业支出" in labels and "16,091,895.00 元" in labels
            described = page.locator("#chart-functional").get_attribute("aria-label") or ""
            assert "212 城乡社区支出 154,369,326.00 元" in described
            labels = drawn_labels(page, f"{server}organization/{WANLI}", "chart-series")
            assert "164,978,640.00 元" in labels and "189,767,551.00 元" in labels, labels
            assert "2023" in labels and "2025" in labels

            # export: a table view filtered by a facet, as xlsx
            page.goto(f"{server}dataset/{WANLI_2025}/table/expenditure")
            facet = page.locator('section.facet[aria-label="功能分类（类） Functional class"]')
            facet.get_by_role("link", name="212 城乡社区支出").click()
            page.wait_for_url("**functional_class=212")
            with page.expect_download() as started:
                page.get_by_role("link", name="xlsx", exact=True).click()
            download = started.value
            assert download.suggested_filename == (
                f"{WANLI}_2025年_部门支出预算总表_functional_class-212.xlsx"
            )
            saved = tmp_path / "view.xlsx"
            download.save_as(saved)

            # an error page: a missing dataset is a page of the site, not JSON
            response = page.goto(f"{server}dataset/no-such-budget")
            assert response is not None and response.status == 404
            assert "没有找到" in page.locator("h1").inner_text()
            assert page.locator("header.site").count() == 1
        finally:
            context.close()
            browser.close()

    book = load_workbook(saved)
    rows = list(book["数据 Data"].iter_rows(values_only=True))
    header = rows[0]
    code = header.index("功能分类科目编码")
    assert rows[1:] and all(str(r[code]).startswith("212") for r in rows[1:])
    total = header.index("合计（元）")
    running = next(r for r in rows if r[code] == "2120101")
    assert running[total] == 17887739  # 2120101 行政运行, 17,887,739 元
    assert all(url.startswith(server) for url in requested), requested
    assert f"{server}static/vendor/echarts-5.6.0/echarts.min.js" in requested
