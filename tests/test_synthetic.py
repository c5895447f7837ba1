"""Synthetic documents: read like the seed, add up exactly, and every seeded error is caught."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from service.audit import Check, run_audit
from service.ingest import read_document, read_text
from service.ingest.model import Document
from service.ingest.sections import find_sections
from service.synthetic import ERROR_KINDS, GeneratedDocument, generate, generate_corpus
from service.synthetic import template as tpl
from tests.conftest import SEED

CLEAN = [
    (7, "元", 3),  # the smallest document the realistic profile draws
    (1, "万元", 5),
    (2, "元", 5),
    (3, "万元", 37),
    (4, "元", 120),
    (5, "万元", 200),
    (6, "元", 200),
    (20, "万元", 9),  # one cost cap stated under its budget: an intended warning
]


def read(generated: GeneratedDocument, folder: Path) -> tuple[Document, list[Check]]:
    document = read_document(generated.write(folder))
    return document, run_audit(document)


def total_row(document: Document, resource: str) -> dict:
    row = document.tables[resource].first("total")
    assert row is not None, resource
    return row


@pytest.mark.parametrize(("seed", "unit", "rows"), CLEAN)
def test_clean_document_reads_and_adds_up(tmp_path: Path, seed: int, unit: str, rows: int) -> None:
    generated = generate(seed, unit=unit, rows_per_table=rows)
    document, checks = read(generated, tmp_path)
    assert document.tables["government_fund_expenditure"].items()
    failed = [(c.id, c.message) for c in checks if c.status == "fail"]
    assert failed == []
    warned = sorted(c.id for c in checks if c.status == "warn")
    assert warned == generated.truth["expected_warnings"]
    assert len(checks) > 250  # the audit really looked: every table, cross and narrative check


@pytest.mark.parametrize(("seed", "unit", "rows"), CLEAN)
def test_parsed_figures_equal_the_truth(tmp_path: Path, seed: int, unit: str, rows: int) -> None:
    generated = generate(seed, unit=unit, rows_per_table=rows)
    truth, totals = generated.truth, generated.truth["totals"]
    document, _ = read(generated, tmp_path)
    assert (document.department, document.fiscal_year, document.unit) == (
        truth["department"],
        truth["fiscal_year"],
        unit,
    )
    grand = next(
        r for r in document.tables["summary_income"].rows if r["item_code"] == "grand-total"
    )
    assert grand["amount"] == totals["income"]
    spend = total_row(document, "expenditure")
    assert (spend["total"], spend["basic_total"], spend["project_total"]) == (
        totals["expenditure"],
        totals["basic"],
        totals["project"],
    )
    assert (
        total_row(document, "general_budget_expenditure")["total"]
        == totals["general_public_budget"]
    )
    assert total_row(document, "government_fund_expenditure")["total"] == totals["government_fund"]
    assert totals["government_fund"] > 0 and totals["three_public"] > 0
    basic = total_row(document, "general_budget_basic_expenditure")
    assert (basic["personnel"], basic["public"]) == (totals["personnel"], totals["public"])
    three = total_row(document, "three_public_expenses")
    for name, value in truth["three_public"].items():
        assert (three[name] or Decimal(0)) == value, name
    assert three["total"] == totals["three_public"]
    assert total_row(document, "operating_expenses")["total"] == totals["operating"]
    assert total_row(document, "project_expenditure")["total"] == totals["projects"]
    items = {r["functional_code"]: r["total"] for r in document.tables["expenditure"].items()}
    assert items == truth["functional_items"]
    projects = document.tables["project_expenditure"].items()
    assert {r["project_code"]: r["total"] for r in projects} == truth["projects"]
    for resource, count in truth["row_counts"].items():
        assert len(document.tables[resource].items()) == count, resource
    assert len(document.tables["expenditure"].items()) == rows
    assert len(projects) == rows
    assert [r["row_type"] for r in document.tables["three_public_expenses"].rows] == [
        "total",
        "department",
        "unit",
    ]
    codes = {i.project_code for i in document.indicators if i.category == "cost"}
    assert codes == set(truth["projects"])  # every project has a cost cap, linked by code


def test_amounts_use_the_published_unit() -> None:
    wan = generate(3, unit="万元", rows_per_table=5)
    yuan = generate(3, unit="元", rows_per_table=5)
    assert "单位：万元" in wan.text and "单位：元" not in wan.text
    assert "单位：元" in yuan.text and "单位：万元" not in yuan.text
    total = wan.truth["totals"]["expenditure"]
    assert f"合计\t{total / 10000:.2f}\t" in wan.text
    assert f"合计\t{yuan.truth['totals']['expenditure']:.2f}\t" in yuan.text


def test_layout_is_the_seeds() -> None:
    """Same tables in the same order, and the seed's header lines verbatim."""
    seed_text = SEED.read_text(encoding="utf-8")
    generated = generate(8, rows_per_table=12)
    kinds = []
    for text in (seed_text, generated.text):
        _, sections = find_sections(text.split("\n"), "x")
        kinds.append([s.layout.kind for s in sections])
    assert kinds[0] == kinds[1]
    assert len(kinds[0]) == 14
    for block in (
        tpl.SUMMARY_HEADER,
        tpl.INCOME_HEADER,
        tpl.EXPENDITURE_HEADER,
        tpl.FISCAL_HEADER,
        tpl.BASIC_HEADER,
        tpl.ECONOMIC_HEADER,
        tpl.THREE_PUBLIC_HEADER,
        tpl.FUND_HEADER,
        tpl.OPERATING_HEADER,
        tpl.PROJECT_HEADER,
        tpl.PERFORMANCE_HEADER,
        tpl.DEPARTMENT_INDICATORS,
    ):
        assert "\n".join(block) in seed_text
        assert "\n".join(block) in generated.text


@pytest.mark.parametrize("kind", ERROR_KINDS)
@pytest.mark.parametrize(
    ("seed", "unit", "rows"), [(31, "万元", 5), (32, "元", 23), (33, "万元", 200)]
)
def test_every_seeded_error_is_found(kind: str, seed: int, unit: str, rows: int) -> None:
    clean = generate(seed, unit=unit, rows_per_table=rows)
    broken = generate(seed, unit=unit, rows_per_table=rows, error=kind)
    assert broken.text != clean.text
    [error] = broken.seeded_errors
    assert error.kind == kind
    checks = run_audit(read_text(broken.text.encode(), broken.name))
    found = [c for c in checks if c.status == "fail" and c.id.startswith(error.check)]
    assert [(c.table, c.line) for c in found][:1] == [(error.table, error.line)], error
    before = {c.id: c.status for c in run_audit(read_text(clean.text.encode(), clean.name))}
    assert all(status != "fail" for status in before.values())
    assert before.get(found[0].id) in ("pass", None)  # None: the line moved (row removed)


def test_generation_is_deterministic() -> None:
    first = generate(42, rows_per_table=30, error="narrative-share")
    again = generate(42, rows_per_table=30, error="narrative-share")
    assert first.text == again.text
    assert first.truth == again.truth
    assert first.seeded_errors == again.seeded_errors
    assert generate(43, rows_per_table=30).text != first.text
    assert generate(42).name == generate(42).name


def test_departments_and_codes_differ() -> None:
    documents = [generate(s, department_index=s, year=2024) for s in range(30)]
    assert len({d.truth["department"] for d in documents}) == 30
    assert len({d.truth["department_code"] for d in documents}) == 30
    codes = {code[:3] for d in documents for code in d.truth["functional_items"]}
    assert {"201", "208", "210", "212", "221"} <= codes
    assert len({d.name for d in documents}) == 30


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError):
        generate(1, rows_per_table=2)
    with pytest.raises(ValueError):
        generate(1, rows_per_table=201)
    with pytest.raises(ValueError):
        generate(1, unit="千元")
    with pytest.raises(ValueError):
        generate(1, error="no-such-kind")


def test_corpus_writes_documents_and_manifest(tmp_path: Path) -> None:
    paths = generate_corpus(16, tmp_path, error_share=0.5, seed=7, years=(2023, 2024))
    assert len(paths) == 16 and all(p.exists() for p in paths)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert [m["file"] for m in manifest] == [p.name for p in paths]
    departments = {}
    seeded = 0
    for path, entry in zip(paths, manifest, strict=True):
        document = read_document(path)
        checks = run_audit(document)
        departments.setdefault(entry["truth"]["department"], set()).add(document.fiscal_year)
        for error in entry["seeded_errors"]:
            seeded += 1
            assert any(
                c.status == "fail"
                and c.id.startswith(error["check"])
                and (c.table, c.line) == (error["table"], error["line"])
                for c in checks
            ), error
        if not entry["seeded_errors"]:
            assert not [c.id for c in checks if c.status == "fail"], path.name
    assert 3 <= seeded <= 13
    assert all(years == {2023, 2024} for years in departments.values())
    assert len(departments) == 8


def test_realistic_corpus_is_sized_like_real_documents(tmp_path: Path) -> None:
    from service.synthetic.profiles import REAL_FIGURES, figures_in_text

    paths = generate_corpus(40, tmp_path, error_share=0.0, seed=3, profile="realistic")
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    figures = sorted(entry["figures"] for entry in manifest)
    assert figures == sorted(figures_in_text(p.read_text(encoding="utf-8")) for p in paths)
    real = sorted(REAL_FIGURES)
    assert real[len(real) // 4] <= figures[len(figures) // 2] <= real[3 * len(real) // 4]
    assert figures[-1] <= 1.15 * real[-1] + 60  # one row's figures over the largest real one
    with pytest.raises(ValueError):
        generate_corpus(1, tmp_path, profile="huge")


def test_figure_measure_on_the_seed() -> None:
    from service.synthetic.profiles import figures_in_text

    seed = Path(__file__).resolve().parents[1] / "sources" / "luoyang-sfq-zwfwzx-2024-budget.txt"
    assert figures_in_text(seed.read_text(encoding="utf-8")) == 289
