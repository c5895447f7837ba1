"""No department left out silently (issue 26, item 8): every corpus-wide view says which
documents it covers and lists each one it does not with the reason, and a package's
descriptor lists each analysis it could not make and why.

The case here: 重庆市人民政府办公厅 prints its 一般公共预算基本支出 by economic class as 表六, over
two pages, which the reader keeps as printed (the case the issue named, 广州市统计局's 三公 表8,
is read typed now); the economic-class cube, /downloads/general_budget_basic_expenditure.csv,
the organisation page, the code pages and the search exports must say so, with 表六 and the
reader's reason."""

from __future__ import annotations

import io
import json
from pathlib import Path

from openpyxl import load_workbook

from service.package.analysis import ANALYSES
from service.rdf.terms import organization_key

GAP = "chongqing-chongqing-zhengfubangongting-2026-dept-budget"
DEPARTMENT = "重庆市人民政府办公厅"
LABEL = "表六"
ANALYSIS = "expenditure-by-economic-class"
TABLE = "general_budget_basic_expenditure"  # its typed resource, and the table cube


def _descriptor(packages: list[Path], slug: str) -> dict:
    folder = next(p for p in packages if p.name == slug)
    return json.loads((folder / "datapackage.json").read_text("utf-8"))


def _facts(descriptor: dict) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == "facts")


def test_descriptor_lists_each_analysis_not_made_with_why(real_packages: list[Path]) -> None:
    descriptor = _descriptor(real_packages, GAP)
    missing = {g["name"]: g for g in _facts(descriptor)["analysesNotMade"]}
    three = missing[ANALYSIS]
    assert three["reason"] == "kept-as-printed"
    assert [t["label"] for t in three["tables"]] == [LABEL]
    assert three["tables"][0]["reason"] and three["tables"][0]["reason"] in three["detail"]
    assert three["reasonLabel"]["zh"] and three["reasonLabel"]["en"]
    kept = next(t for t in descriptor["tables"] if t["resource"] == "table_general_budget_basic")
    assert kept["read"] == "as-printed" and kept["reason"] == three["tables"][0]["reason"]


def test_every_analysis_is_made_or_said_why(real_packages: list[Path]) -> None:
    names = {a.name for a in ANALYSES}
    for package in real_packages:
        facts = _facts(_descriptor(real_packages, package.name))
        made = {a["name"] for a in facts["analyses"]}
        said = {g["name"] for g in facts["analysesNotMade"]}
        assert made | said == names and not made & said, package.name
        for gap in facts["analysesNotMade"]:
            assert gap["reason"] in (
                "not-printed", "listed-empty", "kept-as-printed", "other-reading",
                "no-leaf-amounts", "uncoded-leaves",
            ), gap  # fmt: skip
            if gap["reason"] == "kept-as-printed":
                assert gap["tables"] and all(t.get("reason") for t in gap["tables"]), gap


def _documents(real_site: Path) -> set[str]:
    return {
        p.name
        for p in (real_site / "packages").iterdir()
        if (p / "datapackage.json").is_file() and not p.name.startswith("_")
    }


def test_cube_model_and_aggregate_state_coverage(real_app, real_site: Path) -> None:
    client = real_app.test_client()
    model = client.get(f"/api/3/cubes/{ANALYSIS}/model").get_json()
    found = model["coverage"]
    covered = {d["dataset"] for d in found["coveredDocuments"]}
    missing = {d["dataset"]: d for d in found["notCovered"]}
    assert covered | set(missing) == _documents(real_site) and not covered & set(missing)
    assert found["covered"] == len(covered) and found["documents"] == len(_documents(real_site))
    assert missing[GAP]["reason"] == "kept-as-printed"
    assert missing[GAP]["department"] == DEPARTMENT and missing[GAP]["year"] == 2026
    assert missing[GAP]["tables"][0]["label"] == LABEL
    # the aggregate covers the documents its cut keeps, and says which it leaves out
    answer = client.get(f"/api/3/cubes/{ANALYSIS}/aggregate?cut=year:2026").get_json()
    assert {d["year"] for d in answer["coverage"]["coveredDocuments"]} == {2026}
    assert GAP in {d["dataset"] for d in answer["coverage"]["notCovered"]}
    cubes = {c["name"]: c for c in client.get("/api/3/cubes").get_json()["data"]}
    assert cubes[ANALYSIS]["coverage"] == {
        "covered": found["covered"],
        "documents": found["documents"],
    }
    # a table cube too: its kind kept as printed, with the reader's reason
    table = client.get(f"/api/3/cubes/{TABLE}/model").get_json()["coverage"]
    assert GAP in {d["dataset"] for d in table["notCovered"]}


def test_combined_download_states_coverage(real_app, real_site: Path) -> None:
    client = real_app.test_client()
    response = client.get(f"/downloads/{TABLE}.csv")
    assert response.status_code == 200
    assert GAP not in response.get_data(as_text=True)
    assert f"/downloads/{TABLE}.coverage.json" in response.headers["Link"]
    found = client.get(f"/downloads/{TABLE}.coverage.json").get_json()["coverage"]
    gap = next(d for d in found["notCovered"] if d["dataset"] == GAP)
    assert gap["reason"] == "kept-as-printed" and LABEL in gap["detail"]
    page = client.get("/downloads").get_data(as_text=True)
    assert DEPARTMENT in page and LABEL in page
    workbook = load_workbook(io.BytesIO(client.get(f"/downloads/{TABLE}.xlsx").data))
    about = " ".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )
    assert "覆盖 Coverage" in about and DEPARTMENT in about and LABEL in about
    # the combined package itself says it, per year
    combined = json.loads(
        (real_site / "packages" / "_combined-2026" / "datapackage.json").read_text("utf-8")
    )
    resource = next(r for r in combined["resources"] if r["name"] == TABLE)
    assert GAP in {d["dataset"] for d in resource["coverage"]["notCovered"]}


def test_organisation_page_says_why_a_figure_is_missing(real_app) -> None:
    client = real_app.test_client()
    page = client.get(f"/organization/{organization_key(DEPARTMENT)}").get_data(as_text=True)
    assert LABEL in page and "未做" in page
    assert "kept as printed" in page


def test_code_page_and_search_export_state_coverage(real_app) -> None:
    client = real_app.test_client()
    page = client.get("/code/functional/2010501").get_data(as_text=True)
    assert "覆盖" in page and "Covers" in page
    export = client.get(f"/export/search.xlsx?table={TABLE}&year=2026")
    workbook = load_workbook(io.BytesIO(export.data))
    about = " ".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )
    assert DEPARTMENT in about and LABEL in about
    search = client.get(f"/search?table={TABLE}").get_data(as_text=True)
    assert DEPARTMENT in search and LABEL in search


def test_cube_titles_are_no_one_documents(real_app) -> None:
    """A cube of every year and department is titled for its kind, not by one document's
    wording ("2025年部门支出总体情况表"; issue 27, 12)."""
    import re

    from service import vocab

    cubes = real_app.test_client().get("/api/3/cubes").get_json()["data"]
    titles = {c["name"]: c["title"] for c in cubes}
    assert not [
        t for t in titles.values() if re.search(r"20[0-9]{2}\s*年|表[0-9一二三四五六七八九十]", t)
    ]
    assert titles["expenditure"] == "部门支出总表"
    assert titles["three-public-expenses"] == vocab.label("analysis", "three-public-expenses")
