"""The charts' tooltips in a real browser (issue 24, M1): ECharts inserts a tooltip
formatter's string as HTML, so every name, label and exact figure of the data must reach it
escaped. The page is charts.js and the vendored ECharts as the site serves them, given data
whose names are markup: hovering any item (a treemap's rows after drill-down too) runs
nothing and shows the names as text."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, pytestmark  # noqa: F401

STATIC = ROOT / "service" / "static"
HOSTILE = '<img src="x" onerror="window.__xss = (window.__xss || 0) + 1">'
DATA = {
    "treemap": {
        "title": HOSTILE,
        "data": [
            {
                "name": "201 " + HOSTILE,
                "label": HOSTILE,
                "exact": HOSTILE,
                "value": 10,
                "children": [{"name": "2010301 " + HOSTILE, "label": HOSTILE, "value": 10}],
            }
        ],
    },
    "series": {
        "years": ["2024", "2025"],
        "unit": "元",
        "series": [
            {"name": HOSTILE, "data": [{"value": 1, "label": HOSTILE, "exact": HOSTILE}]},
            {"name": HOSTILE, "data": [{"value": 2, "label": HOSTILE}]},
        ],
    },
    "bars": {"unit": "元", "data": [{"name": HOSTILE, "value": 3, "label": HOSTILE}]},
}


def page_html() -> str:
    blocks = []
    for kind, data in DATA.items():
        text = json.dumps(data).replace("<", "\\u003c")  # as the site writes its JSON blocks
        blocks.append(
            f'<div class="chart-canvas" id="c-{kind}" data-chart="{kind}" '
            f'data-source="c-{kind}-data" style="width:600px;height:300px" hidden></div>'
            f'<script type="application/json" id="c-{kind}-data">{text}</script>'
        )
    scripts = [STATIC / "vendor" / "echarts-5.6.0" / "echarts.min.js", STATIC / "charts.js"]
    tags = "".join(f'<script src="{path.as_uri()}"></script>' for path in scripts)
    return f"<!doctype html><html><body>{''.join(blocks)}{tags}</body></html>"


def test_hostile_names_in_every_tooltip_stay_text(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "charts.html"
    page_file.write_text(page_html(), encoding="utf-8")
    shown: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            for kind in DATA:
                page.locator(f"#c-{kind}[data-drawn] svg").wait_for()
            for kind, series, items in (
                ("treemap", 0, 2),
                ("series", 0, 1),
                ("series", 1, 1),
                ("bars", 0, 1),
            ):
                for index in range(items):
                    page.evaluate(
                        """([id, series, index]) => echarts.getInstanceByDom(
                            document.getElementById(id)).dispatchAction(
                            {type: "showTip", seriesIndex: series, dataIndex: index})""",
                        [f"c-{kind}", series, index],
                    )
                    page.wait_for_timeout(200)
                    shown.append(page.locator(f"#c-{kind}").inner_text())
            page.wait_for_timeout(500)  # an image's onerror fires once its load failed
            ran = page.evaluate("window.__xss || 0")
            images = page.evaluate("document.querySelectorAll('.chart-canvas img').length")
        finally:
            browser.close()
    assert (ran, images) == (0, 0)
    assert sum(HOSTILE in text for text in shown) >= 5, shown  # the names shown, as text
