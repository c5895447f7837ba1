"""Every answer is the same whichever way the build got there: a corpus built cold, and the
same corpus reached by an incremental ingest and build (one document changed, one added) answer the aggregate API, the SPARQL examples, the CSV downloads and the search
byte for byte alike."""

from __future__ import annotations

import json
import shutil
import urllib.parse
from pathlib import Path

import pytest

from service import create_app
from service.build import build, combined_dirs, package_dirs
from service.cli import main
from service.synthetic import generate
from service.web.sparql import EXAMPLES

BASE = "http://127.0.0.1:8000/"
# (seed, department, year, rows): the corpus before; then 13 changes and 15 comes
BEFORE = [(11, 3, 2023, 5), (12, 8, 2023, 6), (13, 3, 2024, 5), (14, 8, 2024, 7)]
AFTER = [(11, 3, 2023, 5), (12, 8, 2023, 6), (99, 3, 2024, 6), (14, 8, 2024, 7), (15, 5, 2024, 5)]
DRILLDOWNS = ["functional_class", "year|department", "economic_class", "project", "fund_source"]


def _write(folder: Path, documents: list[tuple[int, int, int, int]]) -> None:
    """The documents under names that do not say their seed: a changed document keeps its
    file (and so its package), as a department publishing again would."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    for seed, department, year, rows in documents:
        text = generate(seed, department_index=department, year=year, rows_per_table=rows).text
        (folder / f"dept-{department}-{year}.txt").write_text(text, encoding="utf-8")


def _ingest_and_build(docs: Path, packages: Path, var: Path):
    assert main(["ingest", str(docs), "--out", str(packages), "-q"]) == 0
    result = build(packages, var, BASE)
    assert result.ok, result.failed
    return result


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    incremental = tmp_path_factory.mktemp("incremental")
    _write(incremental / "docs", BEFORE)
    _ingest_and_build(incremental / "docs", incremental / "packages", incremental / "var")
    _write(incremental / "docs", AFTER)
    again = _ingest_and_build(incremental / "docs", incremental / "packages", incremental / "var")
    assert again.replaced == 2 and len(again.reused) == 3  # the incremental path, not a reload
    cold = tmp_path_factory.mktemp("cold")
    _write(cold / "docs", AFTER)
    first = _ingest_and_build(cold / "docs", cold / "packages", cold / "var")
    assert first.replaced is None
    return {
        name: (root / "packages", root / "var")
        for name, root in (("incremental", incremental), ("cold", cold))
    }


def _client(packages: Path, var: Path):
    app = create_app(
        {"DATA_DIR": str(var), "PACKAGES_DIR": str(packages), "BASE_URL": BASE, "TESTING": True}
    )
    return app.test_client()


def _urls(packages: Path) -> list[str]:
    """Every CSV of every package (the combined ones too), the aggregate API over every cube,
    every SPARQL example, the facts in full and the search."""
    urls = []
    for folder in [*package_dirs(packages), *combined_dirs(packages)]:
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        urls += [f"/datapackages/{folder.name}/{r['path']}" for r in descriptor["resources"]]
    urls += ["/api/3/cubes"]
    for cube in ("expenditure", "three_public_expenses", "project_expenditure", "income"):
        urls += [f"/api/3/cubes/{cube}/aggregate?drilldown={d}" for d in DRILLDOWNS]
        urls += [f"/api/3/cubes/{cube}/facts?format=csv&pagesize=all"]
    urls += [f"/sparql?query={urllib.parse.quote(query)}" for _, query in EXAMPLES]
    urls += [
        f"/search?q={urllib.parse.quote(q)}&format=json" for q in ("行政运行", "公务接待", "教育")
    ]
    urls += [f"/export/search.csv?q={urllib.parse.quote('一般公共预算')}"]
    return urls


def test_the_corpus_is_the_same_both_ways(builds: dict[str, tuple[Path, Path]]) -> None:
    (inc_packages, _), (cold_packages, _) = builds["incremental"], builds["cold"]
    names = sorted(p.name for p in inc_packages.iterdir() if not p.name.startswith("."))
    assert names == sorted(p.name for p in cold_packages.iterdir() if not p.name.startswith("."))
    assert "dept-5-2024" in names
    for folder in inc_packages.iterdir():
        if folder.name.startswith("."):
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                other = cold_packages / path.relative_to(inc_packages)
                assert path.read_bytes() == other.read_bytes(), path.relative_to(inc_packages)


def test_every_answer_is_the_same_both_ways(builds: dict[str, tuple[Path, Path]]) -> None:
    incremental, cold = (_client(*builds[name]) for name in ("incremental", "cold"))
    urls = _urls(builds["cold"][0])
    assert len(urls) > 100
    compared = 0
    for url in urls:
        headers = {"Accept": "application/sparql-results+json"} if "sparql" in url else {}
        mine = incremental.get(url, headers=headers)
        body = mine.get_data()  # a streamed body is read before the other client asks
        theirs = cold.get(url, headers=headers)
        assert mine.status_code == theirs.status_code == 200, (url, mine.status_code)
        assert body == theirs.get_data(), url
        compared += len(body) > 0
    assert compared == len(urls)
    # and they answer with the corpus after the change: the new department, not the old one
    body = cold.get("/api/3/cubes/expenditure/aggregate?drilldown=department").get_json()
    departments = {cell["department"] for cell in body["cells"]}
    assert len(departments) == 3
    shutil.rmtree(builds["cold"][1] / "rdf", ignore_errors=True)  # nothing more reads it
