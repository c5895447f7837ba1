"""The HTML site through Flask's test client: the seed's real figures on every page, exact
money in the published unit, the audit with its warning first, working links and downloads,
sorting without JavaScript, escaping, and nothing loaded from another site."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from service import create_app
from service.build import build
from service.web.pages_common import exact, in_unit
from service.web.pages_dataset import audit, script_json
from tests.conftest import ROOT, SEED_SLUG

BASE = "http://127.0.0.1:8000/"
DATASET = f"/dataset/{SEED_SLUG}"
TITLE = "洛阳市城乡一体化示范区政务服务中心 2024年部门预算"
OTHER = "other-district-2023-budget"
HOSTILE = "<script>alert(1)</script>某某区财政局"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    """The seed alone, built into a fresh store (others' packages in progress stay out), plus
    a second, descriptor-only package so the home page has something to filter away."""
    root = tmp_path_factory.mktemp("pages")
    packages = root / "datapackages"
    shutil.copytree(ROOT / "datapackages" / SEED_SLUG, packages / SEED_SLUG)
    result = build(packages, root / "var", BASE)
    assert result.ok, result.failed
    (packages / OTHER).mkdir()
    (packages / OTHER / "datapackage.json").write_text(
        json.dumps(
            {
                "name": OTHER,
                "title": f"{HOSTILE} 2023年部门预算",
                "department": HOSTILE,
                "fiscalYear": 2023,
                "description": "A second package for the filters.",
                "audit": {"pass": 1, "warn": 0, "fail": 2},
                "resources": [],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    app = create_app(
        test_config={
            "DATA_DIR": str(root / "var"),
            "PACKAGES_DIR": str(packages),
            "BASE_URL": BASE,
            "TESTING": True,
        }
    )
    return app.test_client()


class Page(HTMLParser):
    """Links, assets, scripts and table rows of a page, read with the standard library."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[str] = []
        self.main_links: list[str] = []
        self.assets: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.script_text: list[str] = []
        self.rows: list[list[str]] = []
        self.ids: list[str] = []
        self._in_main = False
        self._in_script = False
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"] or "")
        if tag == "main":
            self._in_main = True
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"] or "")
            if self._in_main:
                self.main_links.append(attributes["href"] or "")
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.assets.append(attributes.get("href") or "")
        if tag in ("img", "iframe"):
            self.assets.append(attributes.get("src") or "")
        if tag == "script":
            self.scripts.append(attributes)
            if attributes.get("src"):
                self.assets.append(attributes["src"] or "")
            self._in_script = True
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []
        if tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._in_main = False
        if tag == "script":
            self._in_script = False
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def page(client, path: str) -> tuple[str, Page]:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, (path, response.data[:300])
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    return html, Page(html)


def table_rows(parsed: Page, first_cell: str) -> list[list[str]]:
    return [row for row in parsed.rows if row and row[0] == first_cell]


# --- money ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yuan", "unit", "shown"),
    [
        ("1485300.00", "万元", "148.53"),
        ("1295700.00", "万元", "129.57"),
        ("195000", "万元", "19.50"),
        ("411000.0", "万元", "41.10"),
        ("12345.67", "万元", "1.234567"),
        ("0.01", "万元", "0.000001"),
        ("81624", "元", "81,624.00"),
        ("-300.5", "元", "-300.50"),
        ("-1234567.5", "元", "-1,234,567.50"),
        ("189767551", "元", "189,767,551.00"),
        ("189767551", "万元", "18,976.7551"),
        ("123456789012345678901234.56", "万元", "12,345,678,901,234,567,890.123456"),
    ],
)
def test_amounts_are_shown_exactly_in_the_published_unit(yuan: str, unit: str, shown: str) -> None:
    """Thousands separators for people; every digit kept (Decimal.scaleb never rounds)."""
    assert in_unit(Decimal(yuan), unit) == shown
    assert Decimal(shown.replace(",", "")).scaleb(4 if unit == "万元" else 0) == Decimal(yuan)


def test_exact_never_uses_exponents() -> None:
    assert exact(Decimal("1E+3")) == "1000.00"
    assert exact(Decimal("0E-8")) == "0.00"


# --- home ----------------------------------------------------------------------------------


def test_home_lists_and_filters(client) -> None:
    html, parsed = page(client, "/")
    assert f"/dataset/{SEED_SLUG}" in parsed.links and f"/dataset/{OTHER}" in parsed.links
    assert "2 / 2 个数据集" in html
    assert "297 通过 pass" in html and "1 警告 warn" in html

    html, parsed = page(client, "/?year=2024")
    assert f"/dataset/{SEED_SLUG}" in parsed.links and f"/dataset/{OTHER}" not in parsed.links
    assert "1 / 2 个数据集" in html
    assert '<li class="selected"><a href="/" aria-current="true"' in html  # the year facet
    assert '<input type="hidden" name="year" value="2024">' in html  # the search keeps it

    _, parsed = page(client, "/?department=" + HOSTILE)
    assert f"/dataset/{OTHER}" in parsed.links and f"/dataset/{SEED_SLUG}" not in parsed.links

    for query in ("政务服务中心", "LUOYANG-sfq"):  # the name, or the slug in any case
        _, parsed = page(client, f"/?q={query}")
        assert f"/dataset/{SEED_SLUG}" in parsed.links, query
        assert f"/dataset/{OTHER}" not in parsed.links, query

    html, parsed = page(client, "/?year=1999&q=nothing")
    assert "No dataset matches" in html and not [h for h in parsed.links if "/dataset/" in h]


def test_home_escapes_what_a_package_says(client) -> None:
    html, parsed = page(client, "/")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;某某区财政局" in html
    assert "<script>alert(1)" not in html
    assert parsed.scripts == []


# --- dataset -------------------------------------------------------------------------------


def test_dataset_page_says_what_the_budget_is(client) -> None:
    html, parsed = page(client, DATASET)
    assert f"<h1>{TITLE}</h1>" in html
    assert "负责12345政务服务便民热线办理、百姓呼声、网民诉求、网络舆情等工作。" in html
    assert "区政务服务中心无所属预算单位" in html  # structure
    assert "CC-BY-4.0" in html or "Creative Commons Attribution 4.0" in html
    descriptor = json.loads(
        (ROOT / "datapackages" / SEED_SLUG / "datapackage.json").read_text("utf-8")
    )
    tables = [r for r in descriptor["resources"] if r.get("format") == "csv"]
    for resource in tables:  # every table, with every download
        assert f"table-{resource['name']}" in parsed.ids
        stem = f"/datapackages/{SEED_SLUG}/data/{resource['name']}"
        for suffix in (".csv", ".excel.csv", ".xlsx"):
            assert stem + suffix in parsed.links, stem + suffix
    for href in (
        f"/datapackages/{SEED_SLUG}.zip",
        f"/datapackages/{SEED_SLUG}/datapackage.json",
        f"/datapackages/{SEED_SLUG}/checks.json",
        *(f"{DATASET}.{extension}" for extension in ("jsonld", "ttl", "nt", "rdf")),
        f"{DATASET}/table/expenditure",
    ):
        assert href in parsed.links, href


def test_dataset_previews_show_published_figures(client) -> None:
    _, parsed = page(client, DATASET)
    # summary_expenditure row 180: 一般公共服务 1295700.00 yuan, published as 129.57 万元;
    # the item first, the amount, then the technical columns (line, row type, codes)
    assert ["一、一般公共服务", "129.57", "180", "明细 item", "201", "201"] in parsed.rows
    # expenditure's 合计 row, every amount column in 万元
    assert [
        "合计", "148.53", "107.48", "100.04", "", "7.44", "", "41.05", "19.50", "21.55",
        "236", "合计 total", "", "", "",
    ] in parsed.rows  # fmt: skip


def test_every_link_on_the_dataset_page_answers(client) -> None:
    _, parsed = page(client, DATASET)
    local = sorted({h.split("#")[0] for h in parsed.main_links if h.startswith("/")})
    assert len(local) > 80
    for href in local:
        response = client.get(href)
        assert response.status_code == 200, href


def test_audit_shows_the_warning_first_with_where_it_is(client) -> None:
    html, parsed = page(client, DATASET)
    audit = html[html.index('id="audit"') : html.index('id="tables"')]
    assert "298 项核对" in audit
    warning = audit.index("cost cap ≤81624元 vs budget 8.17万元")
    assert warning < audit.index("通过的核对")
    row = next(r for r in parsed.rows if any("≤81624元" in cell for cell in r) and len(r) == 6)
    assert row[0] == "警告 warn"
    # printed (the cost cap), should be (the project's budget), printed − should be
    assert row[2:5] == ["8.1624 万元", "8.17 万元", "-0.0076 万元"]  # the document's unit
    assert 'title="81,700.00 元"' in audit  # exact yuan on hover
    assert row[5].startswith("部门预算项目绩效目标·绩效指标 · 第 502 行")
    assert "performance:cost-cap:41039524000000012827" in row[1]
    # a passing check links to the row it checked
    assert f"{DATASET}/table/expenditure#line-236" in parsed.links


def test_audit_orders_fail_then_warn_then_pass() -> None:
    records = [
        {"id": "a", "status": "pass", "message": "ok", "where": {"table": "income", "line": 3}},
        {"id": "b", "status": "warn", "message": "cap", "where": {"table": "x", "line": 9}},
        {"id": "c", "status": "fail", "message": "sum", "where": {"table": "income", "line": 5}},
        {"id": "d", "status": "pass", "message": "ok", "where": {}},
    ]
    found = audit("slug", {"income"}, {}, records)
    assert [c["id"] for c in found["problems"]] == ["c", "b"]
    assert [c["id"] for c in found["passed"]] == ["a", "d"]
    assert (
        found["counts"] == {"pass": 2, "rounding": 0, "warn": 1, "fail": 1} and found["total"] == 4
    )
    assert found["problems"][0]["href"] == "/dataset/slug/table/income#line-5"
    assert found["problems"][1]["href"] is None  # no page for that table: no dead link


def test_performance_targets(client) -> None:
    html, parsed = page(client, DATASET)
    section = html[html.index('id="performance"') :]
    project = section[section.index('id="project-41039524000000012827"') :]
    project = project[: project.index("</article>")]
    assert "政府网站等级保护安全防护产品项目" in project
    assert "budget 8.17 万元" in project and "8.20 万元" in project  # two tables, two figures
    assert "cost cap ≤81624元" in project
    assert [
        "成本 cost",
        "成本指标",
        "等级保护产品",
        "≤",
        "81624",
        "元",
        "",
        "≤81624元",
    ] in parsed.rows
    # department-wide indicators with operator, value and unit
    assert any(
        r[:2] == ["投入管理指标", "预算和财务管理"] and r[3:6] == ["≥", "90", "%"]
        for r in parsed.rows
    )
    assert "联审联批、“放管服”改革工作" in section  # a main task


def test_schema_org_dataset_block(client) -> None:
    html, _ = page(client, DATASET)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    document = json.loads(blocks[0])
    assert document["@type"] == "Dataset"
    assert document["name"] == TITLE
    assert document["temporalCoverage"] == "2024-01-01/2024-12-31"
    assert document["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert document["publisher"]["name"] == "洛阳市城乡一体化示范区政务服务中心"
    assert "部门预算" in document["keywords"]
    assert document["description"].startswith(
        "洛阳市城乡一体化示范区政务服务中心2024年部门预算公开"
    )
    downloads = {d["contentUrl"]: d["encodingFormat"] for d in document["distribution"]}
    assert all(d["@type"] == "DataDownload" for d in document["distribution"])
    assert downloads[f"{BASE}datapackages/{SEED_SLUG}/data/expenditure.csv"] == "text/csv"
    assert downloads[f"{BASE}datapackages/{SEED_SLUG}.zip"] == "application/zip"
    for url in downloads:  # every download the block announces is served
        assert client.get("/" + url[len(BASE) :]).status_code == 200, url


def test_json_in_a_script_cannot_close_it() -> None:
    document = {"name": "</script><script>alert('x')</script>", "note": "a & b <!--"}
    text = str(script_json(document))
    assert "</" not in text and "<!--" not in text and "&" not in text
    assert json.loads(text) == document


# --- table ---------------------------------------------------------------------------------


def line_of(row: list[str]) -> str:
    return row[-5]  # expenditure: source line, row type, unit code, class, subclass last


def test_table_page_is_the_table_as_published(client) -> None:
    html, parsed = page(client, f"{DATASET}/table/expenditure")
    assert "2024年部门支出预算表" in html and "单位：万元" in html
    headings = parsed.rows[0]
    assert headings[0] == "科目 Item" and headings[1] == "合计（万元）"
    assert headings[-5:] == ["来源行号", "行类型", "单位代码", "功能分类·类", "功能分类·款"]
    lines = [line_of(row) for row in parsed.rows[1:]]
    assert lines == ["236", "237", "238", "239", "240", "241", "242", "243"]
    running = next(r for r in parsed.rows if line_of(r) == "238")
    assert running[:3] == ["2010301 行政运行", "88.52", "88.52"]
    assert "line-238" in parsed.ids
    assert 'data value="885200.00" title="885,200.00 元"' in html  # exact yuan on hover
    assert "/code/functional/2010301" in parsed.links
    for suffix in (".csv", ".excel.csv", ".xlsx"):
        assert f"/datapackages/{SEED_SLUG}/data/expenditure{suffix}" in parsed.links
    assert "?sort=total&order=asc" in parsed.links
    assert "?sort=functional_code&order=asc" in parsed.links  # the item sorts by its code


def test_table_page_shows_yuan_one_click_away(client) -> None:
    _, parsed = page(client, f"{DATASET}/table/expenditure")
    assert f"{DATASET}/table/expenditure?amounts=yuan" in parsed.links
    _, parsed = page(client, f"{DATASET}/table/expenditure?amounts=yuan")
    assert parsed.rows[0][1] == "合计（元）"
    running = next(r for r in parsed.rows if line_of(r) == "238")
    assert running[:2] == ["2010301 行政运行", "885,200.00"]


def test_table_facets_filter_with_counts(client) -> None:
    html, parsed = page(client, f"{DATASET}/table/expenditure")
    facets = html[html.index('class="facets"') : html.index("</aside>")]
    assert '201 一般公共服务支出</a> <span class="count">2</span>' in facets
    assert '明细 item</a> <span class="count">6</span>' in facets
    _, parsed = page(client, f"{DATASET}/table/expenditure?functional_class=201")
    assert [r[0] for r in parsed.rows[1:]] == ["2010301 行政运行", "2010302 一般行政管理事务"]
    assert f"/export/table/{SEED_SLUG}/expenditure.xlsx?functional_class=201" in parsed.links


def test_table_sorts_without_javascript(client) -> None:
    _, parsed = page(client, f"{DATASET}/table/expenditure?sort=total&order=desc")
    assert [row[1] for row in parsed.rows[1:]] == [
        "148.53", "148.53", "88.52", "41.05", "7.82", "6.77", "4.23", "0.14",
    ]  # fmt: skip
    assert "?sort=total&order=asc" in parsed.links  # the link toggles the order
    _, parsed = page(client, f"{DATASET}/table/expenditure?sort=project_total&order=asc")
    values = [row[7] for row in parsed.rows[1:]]
    assert values[:3] == ["41.05", "41.05", "41.05"] and values[3:] == [""] * 5  # blanks last
    _, parsed = page(client, f"{DATASET}/table/expenditure?sort=name&order=asc")
    names = [row[0].split(" ")[-1] for row in parsed.rows[1:]]
    assert names == sorted(names)


@pytest.mark.parametrize(
    "query", ["sort=nonsense", "sort=total&order=sideways", "sort=__class__&order=asc"]
)
def test_bad_sort_is_a_400(client, query: str) -> None:
    """A browser gets the error as a page; an API client the same problem as problem+json."""
    path = f"{DATASET}/table/expenditure?{query}"
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert "请求有误" in page.get_data(as_text=True)
    response = client.get(path, headers={"Accept": "*/*"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 400


def test_unknown_dataset_and_table_are_404(client) -> None:
    assert client.get("/dataset/no-such-budget", headers={"Accept": "text/html"}).status_code == 404
    assert (
        client.get(f"{DATASET}/table/nothing", headers={"Accept": "text/html"}).status_code == 404
    )


# --- concepts, code lists, vocabulary ------------------------------------------------------


# 201 一般公共服务 in the seed's 支出预算表, 合计 column: its 2 item rows, 129.57 万元
EXPENDITURE_TOTAL_201 = [
    "2024年部门支出预算表 expenditure",
    "合计 total",
    "2 / 2",
    "129.57 万元",
    "1295700.00",
]


def test_concept_page_adds_up_everything_under_the_code(client) -> None:
    html, parsed = page(client, "/code/functional/201")
    assert "一般公共服务支出" in html and "General public services" in html
    assert "<code>201</code>" in html
    assert "/code/functional/20103" in parsed.links  # narrower
    # the summary table's 一般公共服务 and the sum of the expenditure table's items under 201
    assert [
        "2024年部门收支预算表 summary_expenditure",
        "支出·金额 amount",
        "1 / 1",
        "129.57 万元",
        "1295700.00",
    ] in parsed.rows
    assert EXPENDITURE_TOTAL_201 in parsed.rows
    assert ["", "项目支出 project_total", "1 / 1", "41.05 万元", "410500.00"] in parsed.rows
    # each amount says where it is: 行政运行 is 2010301, line 238 of the expenditure table
    row = next(
        r
        for r in parsed.rows
        if len(r) == 8
        and r[1] == "2024年部门支出预算表"
        and r[4] == "合计"
        and r[2].startswith("行政运行")
    )
    assert row[3] == "2010301" and row[6:] == ["88.52 万元", "885200.00"]
    assert f"{DATASET}/table/expenditure#line-238" in parsed.links


def test_concept_totals_skip_total_rows(client) -> None:
    """Row type 'total' under code 201 would double count; the item sum is what is shown."""
    _, parsed = page(client, "/code/functional/20103")
    assert EXPENDITURE_TOTAL_201 in parsed.rows
    _, parsed = page(client, "/code/row-type/total")
    totals = [r for r in parsed.rows if len(r) == 5 and r[2].startswith("0 /")]
    assert totals and all(r[3] == "—" for r in totals)


def test_concept_without_amounts(client) -> None:
    html, _ = page(client, "/code/functional/202")
    assert "外交支出" in html and "No dataset publishes an amount under this code yet" in html


def test_economic_concept_page(client) -> None:
    """302 商品和服务支出: its four items in the basic-expenditure table add up to 7.44 万元."""
    html, parsed = page(client, "/code/economic-departmental/302")
    assert "商品和服务支出" in html
    assert [
        "2024年一般公共预算基本支出预算表 general_budget_basic_expenditure",
        "合计 total", "4 / 4", "7.44 万元", "74400.00",
    ] in parsed.rows  # fmt: skip
    office = [r for r in parsed.rows if len(r) == 8 and r[2] == "办公费 第 323 行 line"]
    assert [r[3:] for r in office] == [
        ["30201", "合计", "明细 item", "1.90 万元", "19000.00"],
        ["30201", "公用经费", "明细 item", "1.90 万元", "19000.00"],
    ]


def test_code_list_page_is_a_tree(client) -> None:
    html, _ = page(client, "/code/functional")
    assert "支出功能分类科目" in html and "Expenditure functional classification" in html
    top = html.index('href="/code/functional/201"')
    child = html.index('href="/code/functional/20103"')
    grandchild = html.index('href="/code/functional/2010301"')
    assert top < child < grandchild < html.index('href="/code/functional/202"')


def test_vocabulary_page(client) -> None:
    html, parsed = page(client, "/def")
    assert "部门预算公开词汇" in html and "Departmental budget disclosure vocabulary" in html
    budget_table = table_rows(parsed, "bp:BudgetTable")[0]
    assert budget_table[1] == "预算公开表 Budget table" and "qb:DataSet" in budget_table[3]
    functional = table_rows(parsed, "bp:functionalClassification")[0]
    assert (
        functional[1] == "维度 Dimension"
        and functional[2] == "支出功能分类 Functional classification"
    )
    assert "/code/functional" in parsed.links and "#functionalClassification" in parsed.links
    components = [r for r in parsed.rows if len(r) == 6 and r[0].isdigit()]
    assert [r[0] for r in components] == sorted((r[0] for r in components), key=int)
    assert components[0][1:3] == ["维度 dimension", "bp:department"]
    assert any(r[1] == "度量 measure" and r[2] == "bp:amount" for r in components)
    # the analysis data sets' structures, each with its OpenBudgets.eu components in order
    analysis = table_rows(parsed, "bp:dsd-expenditure-by-function")[0]
    assert analysis[2].split()[:2] == ["obeu-dimension:organization", "obeu-dimension:fiscalYear"]
    schemes = [h for h in parsed.main_links if re.fullmatch(r"/code/[a-z-]+", h)]
    assert {"/code/functional", "/code/economic-departmental", "/code/row-type"} <= set(schemes)
    for href in set(schemes):
        assert client.get(href, headers={"Accept": "text/html"}).status_code == 200, href


# --- every page ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        DATASET,
        f"{DATASET}/table/expenditure",
        f"{DATASET}/table/project_performance?sort=total&order=desc",
        "/code/functional/201",
        "/code/functional",
        "/def",
        "/project/41039524000000012827",
    ],
)
def test_pages_need_no_javascript_and_nothing_from_elsewhere(client, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    html = response.get_data(as_text=True)
    parsed = Page(html)
    assert parsed.assets and all(
        a.startswith("/") and not a.startswith("//") for a in parsed.assets
    )
    # scripts are data (JSON-LD, a chart's figures) or the project's own chart code, deferred:
    # the page reads the same without them (every chart's figures are a table beside it)
    for script in parsed.scripts:
        if script.get("src"):
            assert script["src"].startswith("/static/") and "defer" in script, script
        else:
            assert script.get("type") in ("application/ld+json", "application/json"), script
    assert not re.search(r"<[^>]*\son[a-z]+=", html)  # no inline event handlers either
    stylesheet = client.get(parsed.assets[0])
    assert stylesheet.status_code == 200 and stylesheet.mimetype == "text/css"
    assert "url(http" not in stylesheet.get_data(as_text=True)


def test_html_pages_revalidate(client) -> None:
    first = client.get(DATASET, headers={"Accept": "text/html"})
    again = client.get(
        DATASET, headers={"Accept": "text/html", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    sorted_view = client.get(
        f"{DATASET}/table/expenditure?sort=total", headers={"Accept": "text/html"}
    )
    plain = client.get(f"{DATASET}/table/expenditure", headers={"Accept": "text/html"})
    assert sorted_view.headers["ETag"] != plain.headers["ETag"]
