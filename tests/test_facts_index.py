"""The facts index (service/query/facts_index.py) the aggregate API answers from: its sums
against the CSVs, its answers against the SPARQL ones, exact amounts and atomic writes."""

from __future__ import annotations

import csv
import re
import shutil
import sqlite3
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from service.build import build, package_dirs
from service.errors import PackageError
from service.query import facts_index, facts_write
from service.query.facts_source import units
from tests.conftest import PACKAGES, SEED_SLUG

BASE = "http://127.0.0.1:8000/"
SEED_CUT = f"dataset:{SEED_SLUG}"


@pytest.fixture(scope="session")
def indexed_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of the committed packages with the index in its build folder."""
    out = tmp_path_factory.mktemp("indexed")
    assert build(PACKAGES, out, BASE).ok
    rows = facts_write.write_index(
        package_dirs(PACKAGES), (out / "store").resolve() / facts_index.FILENAME, BASE
    )
    facts = [row for p in package_dirs(PACKAGES) for row in _read(p / "data" / "facts.csv")]
    # every fact of a department package is a fact of some table, and each analysis leaf
    # a fact of its analysis cube as well
    assert rows == len(facts) + sum(1 for row in facts if row["analysis"])
    return out


def _app(data: Path, **config):
    from service import create_app

    return create_app(
        {"DATA_DIR": str(data), "PACKAGES_DIR": str(PACKAGES), "BASE_URL": BASE, "TESTING": True}
        | config
    )


@pytest.fixture(scope="session")
def index_app(indexed_var: Path):
    return _app(indexed_var)


@pytest.fixture(scope="session")
def sparql_app(indexed_var: Path):
    """The same build answered the old way: SPARQL through the query runner."""
    app = _app(indexed_var, FACTS_INDEX=False)
    yield app
    app.extensions["budgetpub-runner"].stop()


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _seed_table(name: str) -> list[dict[str, str]]:
    return _read(PACKAGES / SEED_SLUG / "data" / f"{name}.csv")


def _aggregate(client, cube: str, **query: str) -> dict:
    response = client.get(f"/api/3/cubes/{cube}/aggregate", query_string=query)
    assert response.status_code == 200, response.data[:300]
    return response.get_json()


# --- the sums are the CSV's, exactly ----------------------------------------------------------


@pytest.mark.parametrize(
    ("cube", "row_type", "by", "field"),
    [
        ("expenditure", "item", "functional_class", "functional_class"),
        ("general_budget_expenditure", "item", "functional_class", "functional_class"),
        (
            "general_budget_basic_expenditure",
            "item",
            "economic_class",
            "economic_departmental_class",
        ),
        ("project_expenditure", "item", "project", "project_code"),
        ("economic_classification_summary", "item", "economic", "economic_departmental_code"),
        ("income", "unit", "column", "row_type"),  # the seed's has no item rows: cut to units
    ],
)
def test_sums_equal_the_csv_totals(index_app, cube, row_type, by, field) -> None:
    """The main column `total` of the item rows (the cube's default cut) or of the unit rows:
    each group and the summary equal the table's own figures, added up as Decimals."""
    rows = _seed_table(cube)
    expected: dict[str, Decimal] = defaultdict(Decimal)
    counted: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["row_type"] == row_type and row["total"]:
            key = "total" if by == "column" else row[field]
            expected[key] += Decimal(row["total"])
            counted[key] += 1
    cut = SEED_CUT if row_type == "item" else f"{SEED_CUT}|row_type:{row_type}"
    body = _aggregate(index_app.test_client(), cube, drilldown=by, cut=cut)
    assert {c[by]: c["amount.sum"] for c in body["cells"]} == {
        k: f"{v:f}" for k, v in expected.items()
    }
    assert {c[by]: c["_count"] for c in body["cells"]} == counted
    total = sum(expected.values(), Decimal(0))
    assert body["summary"] == {"amount.sum": f"{total:f}", "_count": sum(counted.values())}
    assert body["total_cell_count"] == len(expected)
    stated = [r["total"] for r in rows if r["row_type"] == "total"]
    if stated:  # and the table's own 合计 line says the same
        assert Decimal(body["summary"]["amount.sum"]) == Decimal(stated[0])


def test_golden_figures_and_labels_need_no_store(indexed_var: Path) -> None:
    app = _app(indexed_var)
    client = app.test_client()
    body = _aggregate(
        client, "expenditure", drilldown="functional_class", cut=SEED_CUT, order="amount.sum:desc"
    )
    assert [(c["functional_class"], c["amount.sum"]) for c in body["cells"]] == [
        ("201", "1295700.00"),
        ("208", "78200.00"),
        ("221", "67700.00"),
        ("210", "43700.00"),
    ]
    assert body["cells"][0]["functional_class.label"] == "一般公共服务支出"
    projects = _aggregate(client, "project_expenditure", drilldown="project", cut=SEED_CUT)
    named = {c["project"]: c["project.label"] for c in projects["cells"]}
    assert named["41039524000000012827"] == "政府网站等级保护安全防护产品项目"
    assert client.get("/api/3/cubes").status_code == 200
    assert client.get("/api/3/cubes/expenditure/members/project").status_code == 200
    assert client.get("/api/3/cubes/expenditure/facts").status_code == 200
    assert "budgetpub-runner" not in app.extensions  # no SPARQL was run for any of it


# --- the same answers as SPARQL ---------------------------------------------------------------

SAME = [
    "/api/3/cubes/expenditure/aggregate",
    "/api/3/cubes/expenditure/aggregate?drilldown=functional_class&cut=year:2024",
    "/api/3/cubes/expenditure/aggregate?drilldown=department|year&order=department:asc|year:desc",
    "/api/3/cubes/expenditure/aggregate?drilldown=dataset|functional_subclass&page=2&pagesize=3",
    "/api/3/cubes/expenditure/aggregate?drilldown=functional&page=99",
    "/api/3/cubes/expenditure/aggregate?drilldown=row_type|column&cut=row_type:item;total;unit",
    "/api/3/cubes/expenditure/aggregate?drilldown=functional_class&cut=functional_class:201;208"
    "|column:basic_total;project_total&order=functional_class:desc",
    "/api/3/cubes/expenditure/aggregate?drilldown=year&cut=year:1999",
    "/api/3/cubes/expenditure/aggregate?cut=year:1999",
    "/api/3/cubes/expenditure/aggregate?drilldown=functional&cut=functional:|row_type:total",
    "/api/3/cubes/expenditure/aggregate?drilldown=department"
    "&cut=department:洛阳市城乡一体化示范区政务服务中心",
    "/api/3/cubes/general_budget_basic_expenditure/aggregate?drilldown=economic_class"
    "|economic_government|expenditure_type",
    "/api/3/cubes/summary_income/aggregate?drilldown=fund_source|operation_character",
    "/api/3/cubes/project_expenditure/aggregate?drilldown=project|dataset",
    "/api/3/cubes/project_expenditure/aggregate?drilldown=dataset"
    "&cut=project:41039524000000012827;41039524000000012810",
    "/api/3/cubes/summary_expenditure/aggregate?drilldown=project&cut=project:",
    "/api/3/cubes/expenditure/aggregate?drilldown=functional_class&format=csv",
    "/api/3/cubes/expenditure/members/functional_class",
    "/api/3/cubes/expenditure/members/project",
    "/api/3/cubes/expenditure/members/economic?order=desc&pagesize=2&page=2",
    "/api/3/cubes/expenditure/members/department?cut=department:nobody",
    "/api/3/cubes/expenditure/facts",
    "/api/3/cubes/expenditure/facts?cut=dataset:luoyang-sfq-zwfwzx-2024-budget&pagesize=10000",
    "/api/3/cubes/project_expenditure/facts?cut=row_type:item;department&format=csv",
    "/api/3/cubes/nothing/aggregate",
    "/api/3/cubes/expenditure/aggregate?drilldown=nope",
]


def both_answers(index_app, sparql_app, url: str) -> list[tuple[int, object]]:
    """(status, body) of `url` from the facts index and from SPARQL, in that order."""
    answers = []
    for app in (index_app, sparql_app):
        response = app.test_client().get(url)
        body = response.data if response.mimetype == "text/csv" else response.get_json()
        answers.append((response.status_code, body))
    return answers


@pytest.mark.parametrize("url", SAME)
def test_index_answers_as_sparql_does(index_app, sparql_app, url: str) -> None:
    answers = both_answers(index_app, sparql_app, url)
    assert answers[0] == answers[1]
    assert answers[0][0] in (200, 400, 404)


def test_cubes_and_models_as_sparql(index_app, sparql_app) -> None:
    """Names, table counts, columns and default cuts; a cube of every year is titled for its
    kind: one of its tables' titles without the year (issue 27, 12), the same from both paths."""
    answers = []
    for app in (index_app, sparql_app):
        client = app.test_client()
        cubes = client.get("/api/3/cubes").get_json()["data"]
        models = [client.get(f"/api/3/cubes/{c['name']}/model").get_json() for c in cubes]
        answers.append((cubes, models))
    titles = {c["name"]: c.pop("title") for c in answers[0][0]}
    assert titles == {c["name"]: c.pop("title") for c in answers[1][0]}
    for cubes, models in answers:
        for cube, model in zip(cubes, models, strict=True):
            assert model["model"].pop("title") == titles[cube["name"]]
    assert not [t for t in titles.values() if re.match(r"\d{4}年", t)]  # no one year's wording
    assert titles["expenditure"] == "部门支出总表"
    assert titles["economic_classification_summary"] == "支出经济分类汇总表"
    assert answers[0] == answers[1]
    kinds = [(c["name"], c["kind"]) for c in answers[0][0]]
    assert len(kinds) == 19  # 15 table kinds and the 4 analysis kinds
    assert {n for n, k in kinds if k == "analysis"} == {
        "expenditure-by-function",
        "expenditure-by-economic-class",
        "revenue-by-source",
        "three-public-expenses",
    }
    cuts = {c["name"]: m["model"]["default_cut"] for c, m in zip(*answers[0], strict=True)}
    assert cuts["expenditure"] == "column:total|row_type:item"
    assert all(cuts[n] == "" for n, k in kinds if k == "analysis")  # leaves: nothing to cut


# --- exact amounts, atomic writes ---------------------------------------------------------------


def test_units_are_exact() -> None:
    assert units("1485300.00", "x") == 14_853_000_000
    assert units("-0.5", "x") == -5000
    assert units("0.0001", "x") == 1
    assert units("1E+3", "x") == 10_000_000
    assert units("12.34560", "x") == 123_456
    assert facts_index.decimal_text(123_456) == "12.3456"
    assert facts_index.decimal_text(14_853_000_000) == "1485300"
    assert facts_index.decimal_text(-5000) == "-0.5"
    for bad in ("0.00001", "abc", "NaN", "Infinity", "", "1" * 20):
        with pytest.raises(PackageError):
            units(bad, "x")


def _seed_copy(tmp_path: Path) -> Path:
    package = tmp_path / "packages" / SEED_SLUG
    shutil.copytree(PACKAGES / SEED_SLUG, package)
    return package


def _set_amount(package: Path, line: int, amount: str) -> None:
    path = package / "data" / "facts.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    head, _, analysis = lines[line - 1].rsplit(",", 2)  # …,amount,analysis (a bare name)
    lines[line - 1] = f"{head},{amount},{analysis}"
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize("amount", ["1485300.00001", "1,485,300", "abc"])
def test_bad_amount_names_package_file_and_line(tmp_path: Path, amount: str) -> None:
    package = _seed_copy(tmp_path)
    _set_amount(package, 7, f'"{amount}"' if "," in amount else amount)
    target = tmp_path / "out" / facts_index.FILENAME
    target.parent.mkdir()
    with pytest.raises(PackageError, match=rf"{SEED_SLUG}/data/facts\.csv:7: amount") as error:
        facts_write.write_index([package], target, BASE)
    assert amount in str(error.value)
    assert list(target.parent.iterdir()) == []  # no index and no temporary file


def test_write_is_atomic(tmp_path: Path) -> None:
    """A failed write leaves the previous index as it was; a good one replaces it whole."""
    good, bad = _seed_copy(tmp_path), tmp_path / "bad" / SEED_SLUG
    shutil.copytree(good, bad)
    _set_amount(bad, 20, "0.123456")
    target = tmp_path / facts_index.FILENAME
    rows = facts_write.write_index([good], target, BASE)
    before = target.read_bytes()
    with pytest.raises(PackageError, match=r"facts\.csv:20:"):
        facts_write.write_index([good, bad], target, BASE)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["bad", "packages", facts_index.FILENAME]
    )
    db = facts_index.connect(target)
    assert db.execute("SELECT count(*) FROM facts").fetchone()[0] == rows
    with pytest.raises(sqlite3.OperationalError):  # opened read-only
        db.execute("DELETE FROM facts")


def _content(path: Path) -> list[list[tuple]]:
    """Everything an index says, with cubes and datasets by name rather than number."""
    db = facts_index.connect(path)
    queries = [
        f"SELECT c.name, d.slug, d.department, {facts_index.COPIED} FROM facts AS f "
        "JOIN cubes AS c ON c.id = f.cube JOIN datasets AS d ON d.id = f.ds ORDER BY 1, 2, f.obs",
        "SELECT name, title, tables FROM cubes ORDER BY name",
        "SELECT d.slug, d.key, t.cube, t.title FROM datasets AS d "  # numbers in slug order
        "JOIN dataset_tables AS t ON t.ds = d.id ORDER BY d.id, 3",
        "SELECT * FROM labels ORDER BY scheme, key",
        "SELECT s.col, s.row_type, c.name FROM shapes AS s JOIN cubes AS c ON c.id = s.cube "
        "ORDER BY 3, 1, 2",
    ]
    return [db.execute(q).fetchall() for q in queries]


def test_rebuild_reuses_the_rows_of_unchanged_packages(tmp_path: Path) -> None:
    packages = tmp_path / "packages"
    shutil.copytree(PACKAGES, packages, ignore=shutil.ignore_patterns("_*"))
    first = tmp_path / "first.sqlite"
    rows = facts_write.write_index(package_dirs(packages), first, BASE)
    _set_amount(packages / SEED_SLUG, 2, "1485300.01")  # one package changes
    again = tmp_path / "again.sqlite"
    assert facts_write.write_index(package_dirs(packages), again, BASE, previous=first) == rows
    fresh = tmp_path / "fresh.sqlite"
    facts_write.write_index(package_dirs(packages), fresh, BASE)
    assert _content(again) == _content(fresh)  # the same index as one written afresh...
    assert _content(again) != _content(first)
    meta = dict(facts_index.connect(again).execute("SELECT key, value FROM meta").fetchall())
    assert meta["reused"] == "3"  # ...made from the three packages that did not change
    shutil.rmtree(packages / SEED_SLUG)  # a package gone, and an earlier index unreadable
    rows_left = facts_write.write_index(package_dirs(packages), again, BASE, previous=fresh)
    seed = _read(PACKAGES / SEED_SLUG / "data" / "facts.csv")
    assert rows_left == rows - len(seed) - sum(1 for row in seed if row["analysis"])
    (tmp_path / "junk.sqlite").write_bytes(b"not a database")
    assert facts_write.write_index(package_dirs(packages), fresh, BASE, tmp_path / "junk.sqlite")
    assert _content(again) == _content(fresh)


def test_sums_overflow_instead_of_turning_to_floats(tmp_path: Path) -> None:
    package = _seed_copy(tmp_path)
    for line in (2, 3):  # summary_income's one item row and its of-which row
        _set_amount(package, line, "900000000000000.0001")  # 9×10^18 + 1 units: not a float
    target = tmp_path / facts_index.FILENAME
    facts_write.write_index([package], target, BASE)
    db = facts_index.connect(target)
    items = facts_index.aggregate(db, "summary_income", [], {"row_type": ["item"]}, [], 1, 0)
    assert items.total == "900000000000000.0001"  # exact while it fits in 64 bits...
    both = {"row_type": ["item", "of-which"]}
    for dims in ([], ["row_type"]):  # ...and an error, never a float, once it does not
        with pytest.raises(sqlite3.OperationalError, match="overflow"):
            facts_index.aggregate(db, "summary_income", dims, both, [], 10, 0)


# --- the service finds the index of the build it serves -----------------------------------------


def test_index_follows_the_build_swap(tmp_path: Path) -> None:
    out = tmp_path / "var"
    assert build(PACKAGES, out, BASE).ok
    first = (out / "store").resolve()
    facts_write.write_index(package_dirs(PACKAGES), first / facts_index.FILENAME, BASE)
    app = _app(out)
    client = app.test_client()
    cubes = {c["name"]: c["tables"] for c in client.get("/api/3/cubes").get_json()["data"]}
    assert cubes["expenditure"] == 4
    before = _aggregate(client, "expenditure")["summary"]
    assert before["_count"] > 6
    alone = tmp_path / "seed-only"
    alone.mkdir()
    (alone / SEED_SLUG).symlink_to(PACKAGES / SEED_SLUG)
    assert build(alone, out, BASE).ok  # a new build swapped in: its own index, one package
    second = (out / "store").resolve()
    assert second != first
    facts_write.write_index([alone / SEED_SLUG], second / facts_index.FILENAME, BASE)
    cubes = {c["name"]: c["tables"] for c in client.get("/api/3/cubes").get_json()["data"]}
    assert cubes["expenditure"] == 1
    body = _aggregate(client, "expenditure")  # not the answer kept for the first build
    assert body["summary"] == {"amount.sum": "1485300.00", "_count": 6}


def test_no_index_for_a_remote_store_or_when_switched_off(index_app) -> None:
    from service.web import api

    def opened(**config) -> bool:
        saved = {k: index_app.config.get(k) for k in config}
        index_app.config.update(config)
        try:
            with index_app.test_request_context():
                return api.index() is not None
        finally:
            index_app.config.update(saved)

    assert opened()
    assert not opened(FACTS_INDEX=False)
    assert not opened(STORE_URL="http://127.0.0.1:1")  # a shared store: not the local build


def test_an_updated_index_labels_a_code_as_one_written_afresh(tmp_path: Path) -> None:
    """The first package (in IRI order) to label a code names it: an update in which a later
    package labels that code too must give what a fresh index gives."""
    packages = tmp_path / "packages"
    shutil.copytree(PACKAGES, packages, ignore=shutil.ignore_patterns("_*"))
    first, last = package_dirs(packages)[0], package_dirs(packages)[-1]
    project = _read(first / "data" / "projects.csv")[0]
    previous = tmp_path / "previous.sqlite"
    facts_write.write_index(package_dirs(packages), previous, BASE)
    projects = last / "data" / "projects.csv"  # the last package names the first one's project
    with projects.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerow(
            [project["code"], "另一个名称", "", "", ""]
        )
    updated, fresh = tmp_path / "updated.sqlite", tmp_path / "fresh.sqlite"
    facts_write.write_index(package_dirs(packages), updated, BASE, previous=previous)
    facts_write.write_index(package_dirs(packages), fresh, BASE)
    meta = dict(facts_index.connect(updated).execute("SELECT key, value FROM meta").fetchall())
    assert meta["reused"] == "3"  # the update path
    assert _content(updated) == _content(fresh)
    label = "SELECT label FROM labels WHERE scheme = 'project' AND key = ?"
    found = facts_index.connect(updated).execute(label, (project["code"],)).fetchone()
    assert found == (project["name"],)
