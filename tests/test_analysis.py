"""Analysis datasets add up (issue 14, decisions 1 and 2): in every package, text and PDF, the
plain sum of one analysis dataset's amounts is the published total it names, in facts.csv
and in SPARQL over the store; each amount is a leaf (no total, subtotal or "of which" line,
no column that holds another) and repeats, with prov:wasDerivedFrom, a published cell.

Where the document itself does not add up the sum differs from the printed total, by no
more than the differences the audit reports on that table (rounding or fail)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import Store

from service.build import build, package_dirs
from service.package.analysis import ANALYSES, split_columns
from service.rdf.integrity import normalise, violations
from service.web.sparql import AN, EXAMPLES
from tests.conftest import PACKAGES, load_dumps

BASE = "http://127.0.0.1:8000/"
# golden: each document's analysis datasets, their source table and their published total
# (yuan), read off the printed tables by hand
GOLDEN = {
    "luoyang-sfq-zwfwzx-2024-budget": {
        "expenditure-by-function": ("expenditure", "1485300.00"),
        "expenditure-by-economic-class": ("economic_classification_summary", "1485300.00"),
        "revenue-by-source": ("summary_income", "1485300.00"),
    },
    "shanghai-putuo-wanli-2025-dept-budget": {
        "expenditure-by-function": ("expenditure", "189767551"),
        "expenditure-by-economic-class": ("general_budget_basic_expenditure", "101341746"),
        "revenue-by-source": ("summary_income", "189767551"),
        "three-public-expenses": ("three_public_expenses", "379100.00"),
    },
    "guangdong-guangzhou-tongjiju-2026-dept-budget": {  # 9483.72 万元
        "expenditure-by-function": ("expenditure", "94837200.00"),
        "expenditure-by-economic-class": ("general_budget_basic_expenditure", "84016700.00"),
        "revenue-by-source": ("summary_income", "94837200.00"),
        # 表8 prints the 三公 as a list (items down, funds across): 19.86 万元
        "three-public-expenses": ("three_public_expenses", "198600.00"),
    },
    "zhejiang-hangzhou-qixiangju-2026-dept-budget": {
        # its 支出 tables print names without codes: the codes come from the code lists
        "expenditure-by-function": ("expenditure", "58766700.00"),
        "expenditure-by-economic-class": ("general_budget_basic_expenditure", "37450700.00"),
        "revenue-by-source": ("summary_income", "58766700.00"),
        "three-public-expenses": ("three_public_expenses", "240200.00"),
    },
    "beijing-beijing-shenjiju-2026-dept-budget": {
        # 本年收入合计: 上年结转结余 4,719,637.43 is no revenue of the year (issue 27, 2a)
        "revenue-by-source": ("summary_income", "323800900.890000"),
        # 预算09表: a blank first column before the 三公 columns, 244.848 万元
        "three-public-expenses": ("three_public_expenses", "2448480.000000"),
    },
}
# where the printed total is not the sum of the printed items (the audit says so)
DIFFERENCES = {
    ("guangdong-guangzhou-tongjiju-2026-dept-budget", "expenditure-by-economic-class"): "100.00",
    ("zhejiang-hangzhou-qixiangju-2026-dept-budget", "revenue-by-source"): "-100.00",
    # 表6 合计 3,745.07 万元 over items that add up to 3,745.06 (the audit: within rounding)
    ("zhejiang-hangzhou-qixiangju-2026-dept-budget", "expenditure-by-economic-class"): "100.00",
}


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _every_package(real_packages: list[Path]) -> list[Path]:
    return [*package_dirs(PACKAGES), *real_packages]


def _analyses(package: Path) -> list[dict]:
    descriptor = json.loads((package / "datapackage.json").read_text("utf-8"))
    facts = next(r for r in descriptor["resources"] if r["name"] == "facts")
    return facts["analyses"]


def _sums(package: Path) -> dict[str, tuple[Decimal, Decimal | None, dict]]:
    """analysis → (Σ of its facts, the published total cell's amount, its entry)."""
    facts = _csv(package / "data" / "facts.csv")
    cells = {(f["table"], f["source_line"], f["column"]): f for f in facts}
    found = {}
    for entry in _analyses(package):
        leaves = [f for f in facts if f["analysis"] == entry["name"]]
        assert leaves and {f["table"] for f in leaves} == {entry["table"]}, entry
        total = entry["total"]
        cell = cells.get((total["table"], str(total["line"]), total["column"])) if total else None
        printed = Decimal(cell["printed_amount"]) if cell else None
        found[entry["name"]] = (sum(Decimal(f["printed_amount"]) for f in leaves), printed, entry)
    return found


def test_every_analysis_adds_up_to_its_published_total(real_packages: list[Path]) -> None:
    compared = 0
    for package in _every_package(real_packages):
        checks = json.loads((package / "checks.json").read_text("utf-8"))
        for name, (total, printed, entry) in _sums(package).items():
            assert printed is not None, (package.name, name)
            difference = printed - total
            reported = sum(
                abs(Decimal(c["found"]) - Decimal(c["expected"]))
                for c in checks
                if c["status"] in ("rounding", "fail")
                and (c.get("where") or {}).get("table") == entry["table"]
            )
            assert abs(difference) <= reported, (package.name, name, difference)
            expected = DIFFERENCES.get((package.name, name), "0")
            assert difference == Decimal(expected), (package.name, name, difference)
            compared += 1
    assert compared >= 30


def test_golden_analyses(real_packages: list[Path]) -> None:
    by_name = {p.name: p for p in _every_package(real_packages)}
    for slug, expected in GOLDEN.items():
        sums = _sums(by_name[slug])
        assert {n: (e["table"], str(p)) for n, (_, p, e) in sums.items()} == expected, slug


def test_leaves_are_leaves(real_packages: list[Path]) -> None:
    """No total, subtotal or "of which" row (save a table's only total row), and no
    column that is a part of another chosen column."""
    for package in _every_package(real_packages):
        facts = _csv(package / "data" / "facts.csv")
        for entry in _analyses(package):
            kinds = {f["row_type"] for f in facts if f["analysis"] == entry["name"]}
            assert kinds <= {"item", "unit", "department", "total"}, (package.name, kinds)
            if "total" in kinds:
                assert kinds == {"total"}, (package.name, entry["name"])
            columns = entry["columns"]
            for column in columns:
                inner = split_columns(entry["table"], columns, column, "leaves")
                assert inner == [column], (package.name, entry["name"], column, inner)


def test_known_analysis_kinds_only(real_packages: list[Path]) -> None:
    names = {a.name for a in ANALYSES}
    for package in _every_package(real_packages):
        facts = _csv(package / "data" / "facts.csv")
        assert {f["analysis"] for f in facts} <= names | {""}


@pytest.fixture(scope="module")
def store(real_packages: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The committed and the real packages built together, in one normalised store."""
    folder = tmp_path_factory.mktemp("together")
    for package in _every_package(real_packages):
        (folder / package.name).symlink_to(package, target_is_directory=True)
    out = tmp_path_factory.mktemp("var")
    assert build(folder, out, BASE, load=False).ok
    loaded = Store()
    load_dumps(loaded, sorted((out / "rdf").glob("*.nt")))
    return loaded


SUMS = """PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX obeu-measure: <http://data.openbudgets.eu/ontology/dsd/measure/>
SELECT ?ds (SUM(?amount) AS ?sum) (SAMPLE(?printed) AS ?total) WHERE {
  ?ds a bp:AnalysisDataSet ; bp:publishedTotal ?cell .
  ?cell bp:amount ?printed .
  ?obs qb:dataSet ?ds ; obeu-measure:amount ?amount .
} GROUP BY ?ds"""


def test_sparql_sums_are_the_published_totals(store: Store) -> None:
    """A naive SUM over one analysis data set is its bp:publishedTotal, in the store."""
    rows = list(store.query(SUMS))
    assert len(rows) >= 30
    for row in rows:
        slug, _, name = row["ds"].value.removeprefix(f"{BASE}dataset/").partition("/analysis/")
        expected = Decimal(DIFFERENCES.get((slug, name), "0"))
        assert Decimal(row["total"].value) - Decimal(row["sum"].value) == expected, row


def test_every_analysis_observation_repeats_a_published_cell(store: Store) -> None:
    wrong = list(
        store.query("""PREFIX bp: <https://w3id.org/budgetpub/def#>
        PREFIX qb: <http://purl.org/linked-data/cube#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX obeu-measure: <http://data.openbudgets.eu/ontology/dsd/measure/>
        SELECT ?obs WHERE {
          ?obs qb:dataSet/a bp:AnalysisDataSet ; obeu-measure:amount ?amount .
          FILTER NOT EXISTS {
            ?obs prov:wasDerivedFrom ?cell .
            ?cell bp:amount ?amount ; qb:dataSet/a bp:BudgetTable ; bp:sourceLine ?line ;
                  bp:sourceColumn ?column . } }""")
    )
    assert wrong == []


def test_data_cube_integrity_of_real_and_committed_packages(store: Store) -> None:
    copy = Store()
    copy.bulk_extend(store)
    normalise(copy)
    assert violations(copy) == []


def test_sparql_examples_sum_the_analysis_data_sets(store: Store) -> None:
    """The /sparql page's examples run, and their sums are the published totals: spending by
    class adds up to every document's total expenditure, revenue by source to its revenue."""
    answers = {title: list(store.query(query)) for title, query in EXAMPLES}
    empty = [title for title, rows in answers.items() if not rows]
    assert empty == []
    caps = {row["code"].value: row for row in answers[EXAMPLES[5][0]]}
    # 洛阳 示范区 便民热线 cloud service: 成本指标 ≤ 2.376万元 beside 23,800 yuan in its 项目支出表
    cloud = caps["41039524000000012821"]
    assert (Decimal(cloud["cap"].value), Decimal(cloud["budget"].value)) == (23760, 23800)
    assert {row["exceeds"].value for row in caps.values()} == {"false"}  # no cap above its budget
    published = {
        kind: sum(
            Decimal(row["total"].value)
            for row in store.query(
                f"""PREFIX bp: <https://w3id.org/budgetpub/def#>
                SELECT ?total WHERE {{ ?ds bp:analysisKind <{AN}{kind}> ;
                  bp:publishedTotal/bp:amount ?total }}"""
            )
        )
        for kind in ("expenditure-by-function", "revenue-by-source")
    }
    by_class, _, by_source, beside, _, _, _ = answers.values()
    assert sum(Decimal(r["total"].value) for r in by_class) == published["expenditure-by-function"]
    off = {k: Decimal(v) for k, v in DIFFERENCES.items() if k[1] == "revenue-by-source"}
    revenue = sum(Decimal(r["total"].value) for r in by_source)
    assert revenue + sum(off.values()) == published["revenue-by-source"]
    assert len(beside) >= 30
    mismatched = [r for r in beside if Decimal(r["sum"].value) != Decimal(r["published"].value)]
    assert len(mismatched) == len(DIFFERENCES)
