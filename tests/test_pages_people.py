"""Pages for people over the committed packages (the seed and three Shanghai PDFs, with the
combined years): tables kept as printed, combined years, the audit in Chinese, error pages,
search, facets, exports, department pages and the corpus-wide downloads."""

from __future__ import annotations

import pytest

from tests.test_pages import Page

WANLI_2023 = "shanghai-putuo-wanli-2023-dept-budget"
WANLI_2025 = "shanghai-putuo-wanli-2025-dept-budget"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def web(app):
    return app.test_client()


def page(web, path: str, status: int = 200) -> tuple[str, Page]:
    response = web.get(path, headers={"Accept": BROWSER})
    assert response.status_code == status, (path, response.data[:300])
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    return html, Page(html)


def test_table_kept_as_printed_has_a_page(web) -> None:
    """The as-printed tables are not in the store; their page is read from the CSV."""
    html, parsed = page(web, f"/dataset/{WANLI_2023}/table/table_p31")
    assert "按原表保留" in html
    first = next(r for r in parsed.rows if r[-3:] == ["1", "31", "533"])
    assert first[0] == "项目资金（元）" and "4,100,000.00" in first


def test_combined_year_says_what_it_is(web) -> None:
    html, parsed = page(web, "/dataset/_combined-2025")
    assert "没有自己的审核" in html and "every check passes" not in html.lower()
    members = next(r for r in parsed.rows if r and r[0] == "上海市普陀区人民政府万里街道办事处")
    assert "708 通过 pass" in members[2] and "6 不符 fail" in members[2]
    assert f"/dataset/{WANLI_2025}#audit" in parsed.links
    html, parsed = page(web, "/dataset/_combined-2025/table/summary_income")
    first = parsed.rows[1]
    assert first[:3] == ["一、财政拨款收入", "上海市普陀区人民政府万里街道办事处", "189,767,551.00"]


def test_audit_speaks_chinese_first_with_formatted_amounts(web) -> None:
    _, parsed = page(web, f"/dataset/{WANLI_2025}")
    row = next(r for r in parsed.rows if r and "subtotal:income:21201:total" in r[1])
    assert row[0] == "不符 fail"
    assert row[1].startswith("2025年部门收入预算总表 21201 小计 合计 = 所属明细之和")
    # printed 小计 94,995,790; its items add up to 94,995,789: printed − should be = 1
    assert row[2:5] == ["94,995,790.00 元", "94,995,789.00 元", "1.00 元"]


def test_browsers_get_error_pages_and_apis_problem_json(web) -> None:
    html, _ = page(web, "/dataset/no-such-budget", 404)
    assert "没有找到" in html and 'role="alert"' in html and "site.css" in html
    html, _ = page(web, "/?page=2", 404)
    assert "没有找到" in html
    for path in ("/dataset/no-such-budget", "/api/3/cubes/nothing/model"):
        response = web.get(path, headers={"Accept": "*/*"})
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
    api = web.get("/api/3/cubes/nothing/model", headers={"Accept": BROWSER})
    assert api.mimetype == "application/problem+json"  # an API path stays an API


def test_sparql_page_shows_the_error_beside_the_query(web) -> None:
    query = "SELECT ?x WHERE { ?x ?y }"
    response = web.get("/sparql", query_string={"query": query}, headers={"Accept": BROWSER})
    assert response.status_code == 400 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert f">{query.replace('{', '{')}</textarea>" in html
    assert 'id="query-error"' in html and "malformed-query" in html
    api = web.get("/sparql", query_string={"query": query})
    assert api.mimetype == "application/problem+json"


def test_search_finds_rows_and_the_datasets_that_hold_them(web) -> None:
    html, parsed = page(web, "/?q=行政运行")
    assert "匹配的表格行" in html
    running = next(r for r in parsed.rows if r and r[2] == "2010301 行政运行")
    assert running[3] == "88.52 万元"  # the seed's 885200.00 yuan, as printed
    assert "/dataset/shanghai-putuo-sfj-2026-dept-budget" in parsed.links  # holds 2040601 行政运行
    html, parsed = page(web, "/search?q=2010301")
    assert "2 行 rows" in html
    assert "/dataset/luoyang-sfq-zwfwzx-2024-budget/table/expenditure#line-238" in parsed.links


def test_search_by_project_name_and_two_characters(web) -> None:
    _, parsed = page(web, "/search?q=政府网站等级保护")
    amounts = sorted(r[3] for r in parsed.rows[1:])
    assert amounts == ["8.17 万元", "8.20 万元"]  # 项目支出表 and 绩效目标表
    html, _ = page(web, "/search?q=教育")  # shorter than a trigram: still found
    assert "19 行 rows" in html


def test_search_facets_count_and_filter(web) -> None:
    html, parsed = page(web, "/search?q=公务接待")
    assert "14 行 rows" in html
    assert (
        'href="/search?q=%E5%85%AC%E5%8A%A1%E6%8E%A5%E5%BE%85&amp;year=2024">2024</a> <span class="count">2</span>'
        in html
    )
    html, parsed = page(web, "/search?q=公务接待&year=2024")
    assert "2 行 rows" in html
    assert {r[0] for r in parsed.rows[1:]} == {"洛阳市城乡一体化示范区政务服务中心 2024"}


def test_home_facets_have_counts(web) -> None:
    html, _ = page(web, "/")
    facets = html[html.index('class="facets"') : html.index("</aside>")]
    assert '2025</a> <span class="count">2</span>' in facets  # wanli 2025 and its combined year
    assert '上海市</a> <span class="count">3</span>' in facets
    assert '合并</a> <span class="count">4</span>' in facets
    assert '不符 fail</a> <span class="count">3</span>' in facets
    html, parsed = page(web, "/?kind=合并")
    assert "4 / 8 个数据集" in html and "/dataset/_combined-2023" in parsed.links


def test_exports_carry_the_filter_and_every_row(web) -> None:
    import csv
    import io
    from urllib.parse import unquote

    response = web.get("/export/search.csv?q=公务接待&year=2024")
    assert response.status_code == 200
    name = unquote(response.headers["Content-Disposition"].split("UTF-8''")[1])
    assert name == "搜索_q-公务接待_year-2024.csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))
    assert len(rows) == 2 and rows[0]["department"] == "洛阳市城乡一体化示范区政务服务中心"
    response = web.get("/export/datasets.csv?region=上海市")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))
    assert [r["dataset"] for r in rows] == [
        "shanghai-putuo-sfj-2026-dept-budget",
        "shanghai-putuo-wanli-2025-dept-budget",
        "shanghai-putuo-wanli-2023-dept-budget",
    ]
    assert rows[1]["checks_fail"] == "6"
    response = web.get(f"/export/table/{WANLI_2025}/expenditure.csv?functional_class=212")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))
    assert rows and all(r["functional_class"] == "212" for r in rows)
    name = unquote(response.headers["Content-Disposition"].split("UTF-8''")[1])
    assert name.endswith("_functional_class-212.csv") and "2025年" in name


def test_an_aggregate_exports_every_cell_with_labels(web) -> None:
    """The aggregate API's view as a file: every cell, labels, exact sums (wanli 2025's
    expenditure by functional class: 212 城乡社区支出 154,369,326 yuan, as its table prints)."""
    import csv
    import io
    from urllib.parse import unquote

    path = "/export/aggregate/expenditure.csv?drilldown=functional_class&cut=year:2025"
    response = web.get(path)
    assert response.status_code == 200
    rows = {r["functional_class"]: r for r in csv.DictReader(io.StringIO(response.text))}
    assert rows["212"]["functional_class.label"] == "城乡社区支出"
    assert rows["212"]["amount.sum"] == "154369326.00"
    assert rows["201"]["amount.sum"] == "3296600.00"
    name = unquote(response.headers["Content-Disposition"].split("UTF-8''")[1])
    assert name == "汇总_expenditure_drilldown-functional_class_cut-year_2025.csv"
    excel = web.get(path.replace(".csv", ".excel.csv")).data.decode("utf-8")
    assert excel.startswith("\ufeff功能分类·类代码,功能分类·类名称,金额合计（元）,事实数\r\n")
    assert '"=""212""",城乡社区支出,154369326.00,7' in excel  # the code stays text in Excel
