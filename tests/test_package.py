"""Packages: Frictionless-valid, exact, not stale, and never half-written."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from frictionless import Package

from service.audit import run_audit
from service.cli import main
from service.corpus.members import CACHE
from service.errors import PackageError
from service.ingest.model import Document
from service.package import writer
from service.package.writer import validation_errors, write_package
from tests.conftest import ROOT, SEED, SEED_SLUG

COMMITTED = ROOT / "datapackages" / SEED_SLUG


@pytest.fixture(scope="module")
def built(tmp_path_factory, seed: Document) -> Path:
    return write_package(seed, run_audit(seed), tmp_path_factory.mktemp("out"))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_committed_package_is_valid() -> None:
    assert validation_errors(COMMITTED / "datapackage.json") == []


def test_committed_package_is_not_stale(built: Path) -> None:
    """Rebuilding from the committed source gives the committed package, byte for byte."""
    fresh = sorted(p.relative_to(built) for p in built.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(COMMITTED) for p in COMMITTED.rglob("*") if p.is_file())
    assert fresh == committed
    for relative in fresh:
        assert (built / relative).read_bytes() == (COMMITTED / relative).read_bytes(), (
            f"{relative} is stale: run `make run` (budgetpub ingest) and commit datapackages/"
        )


def test_descriptor(built: Path) -> None:
    meta = json.loads((built / "datapackage.json").read_text("utf-8"))
    assert meta["name"] == SEED_SLUG
    assert meta["title"] == "洛阳市城乡一体化示范区政务服务中心 2024年部门预算"
    assert meta["fiscalYear"] == 2024
    assert meta["licenses"][0]["name"] == "CC-BY-4.0"
    assert meta["contributors"][0] == {
        "title": "洛阳市城乡一体化示范区政务服务中心",
        "role": "publisher",
    }
    assert meta["audit"] == {
        "path": "checks.json",
        "pass": meta["audit"]["pass"],
        "rounding": 0,
        "warn": 1,
        "fail": 0,
    }
    assert meta["model"]["measures"]["expenditure_by_function"]["currency"] == "CNY"
    assert "functional_classification" in meta["model"]["dimensions"]
    resources = {r["name"]: r for r in meta["resources"]}
    source = resources["source_document"]
    archived = built / source["path"]
    assert archived.read_bytes() == SEED.read_bytes()
    import hashlib

    assert source["hash"] == "sha256:" + hashlib.sha256(SEED.read_bytes()).hexdigest()
    spend = resources["expenditure"]
    fields = {f["name"]: f for f in spend["schema"]["fields"]}
    assert fields["total"]["title"] == "合计"
    assert fields["total"]["publishedUnit"] == "万元"
    assert fields["functional_code"]["constraints"]["pattern"]
    assert spend["schema"]["primaryKey"] == ["source_line"]
    assert {
        "fields": ["functional_code"],
        "reference": {"resource": "functional_classification", "fields": ["code"]},
    } in spend["schema"]["foreignKeys"]
    assert resources["three_public_expenses"]["notes"]  # empty table, note kept


def test_amounts_exact_in_csv(built: Path) -> None:
    rows = read_csv(built / "data" / "expenditure.csv")
    total = next(r for r in rows if r["row_type"] == "total")
    assert total["total"] == "1485300.00"
    items = [r for r in rows if r["row_type"] == "item"]
    assert sum(Decimal(r["total"]) for r in items) == Decimal(total["total"])
    assert next(r for r in items if r["functional_code"] == "2010302")["basic_total"] == ""


def test_empty_table_is_an_empty_resource(built: Path) -> None:
    text = (built / "data" / "three_public_expenses.csv").read_bytes().decode("utf-8")
    assert text == (
        "source_line,row_type,unit_code,name,total,overseas_travel,vehicles_total,"
        "vehicle_purchase,vehicle_operation,official_reception\r\n"
    )


def test_code_lists_and_projects(built: Path) -> None:
    functional = {r["code"]: r for r in read_csv(built / "data" / "functional_classification.csv")}
    assert functional["2010301"] == {
        "code": "2010301",
        "name": "行政运行",
        "name_en": functional["2010301"]["name_en"],
        "level": "项",
        "parent_code": "20103",
    }
    assert functional["201"]["name"] == "一般公共服务支出"
    assert functional["201"]["name_en"] == "General public services"
    projects = {r["code"]: r for r in read_csv(built / "data" / "projects.csv")}
    assert projects["41039524000000012827"]["name"] == "政府网站等级保护安全防护产品项目"
    indicators = read_csv(built / "data" / "project_performance_indicators.csv")
    assert {r["project_code"] for r in indicators} == set(projects)


def test_facts_reproduce_table_totals(built: Path) -> None:
    facts = read_csv(built / "data" / "facts.csv")
    for table, column in [
        ("expenditure", "total"),
        ("general_budget_basic_expenditure", "personnel"),
        ("project_expenditure", "total"),
        ("economic_classification_summary", "total"),
    ]:
        items = [
            Decimal(f["printed_amount"])
            for f in facts
            if f["table"] == table and f["column"] == column and f["row_type"] == "item"
        ]
        total = [
            Decimal(f["printed_amount"])
            for f in facts
            if f["table"] == table and f["column"] == column and f["row_type"] == "total"
        ]
        assert sum(items) == total[0], (table, column)


def test_failed_validation_leaves_nothing(tmp_path, seed: Document, monkeypatch) -> None:
    (tmp_path / SEED_SLUG).mkdir()
    (tmp_path / SEED_SLUG / "keep.txt").write_text("previous package")
    monkeypatch.setattr(writer, "validation_errors", lambda path: ["forced: invalid"])
    with pytest.raises(PackageError):
        write_package(seed, [], tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [SEED_SLUG]  # no staging folder left
    assert (tmp_path / SEED_SLUG / "keep.txt").read_text() == "previous package"


def test_real_validation_catches_a_broken_csv(built: Path, tmp_path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    path = copy / "data" / "expenditure.csv"
    path.write_text(path.read_text("utf-8").replace("2010301", "20103X1"), "utf-8")
    errors = validation_errors(copy / "datapackage.json")
    assert any("constraint" in e or "foreign" in e for e in errors)


def test_cli_writes_good_documents_and_reports_bad(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("不是预算\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["ingest", str(SEED), str(bad), "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 1
    assert f"FAILED {bad}" in printed
    assert "mandatory table '部门收支预算总表' not found" in printed
    assert "[warn] performance:cost-cap:41039524000000012827" in printed
    assert sorted(p.name for p in out.iterdir()) == [
        CACHE,
        "_combined-2024",
        SEED_SLUG,
    ]  # no staging
    assert Package(str(out / SEED_SLUG / "datapackage.json")).name == SEED_SLUG
    assert main(["ingest", str(SEED), "--out", str(out)]) == 0


def test_department_performance_budget_block_is_published(built: Path) -> None:
    """The seed's 部门（单位）整体绩效目标表 states 148.5, 148.5, 107.5 and 41.1 万元."""
    with (built / "data" / "department_performance_budget.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["published"], r["amount"]) for r in rows] == [
        ("148.5", "1485000.0"),
        ("148.5", "1485000.0"),
        ("107.5", "1075000.0"),
        ("41.1", "411000.0"),
    ]
    assert rows[0]["item"] == "预算情况 部门预算总额（万元）" and rows[0]["source_line"] == "439"
