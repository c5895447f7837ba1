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
    shutil.copytree(ROOT / "datapackages" / SEED_SLUG, packages / SEED_SLUG)
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
            page.get_by_role("link", name=TITLE).click()

            page.wait_for_url(f"{server}dataset/{SEED_SLUG}")
            assert page.locator("h1").inner_text() == TITLE
            warning = page.locator("#audit .status-warn").first
            assert "≤81624元" in warning.inner_text()
            page.locator("#table-expenditure").get_by_role("link", name=TABLE_TITLE).click()

            table_url = f"{server}dataset/{SEED_SLUG}/table/expenditure"
            page.wait_for_url(table_url)
            assert page.locator("h1").inner_text().startswith(TABLE_TITLE)
            row = page.locator("#line-238 td")
            assert row.nth(6).inner_text() == "行政运行" and row.nth(7).inner_text() == "88.52"

            page.get_by_role("link", name="合计（万元）").click()  # sort: a plain link
            page.wait_for_url(f"{table_url}?sort=total&order=asc")
            totals = page.locator("tbody tr td:nth-child(8)").all_inner_texts()
            assert totals == ["0.14", "4.23", "6.77", "7.82", "41.05", "88.52", "148.53", "148.53"]

            with page.expect_download() as started_download:
                page.get_by_role("link", name="CSV", exact=True).click()
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
