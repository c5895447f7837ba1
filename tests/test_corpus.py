"""Many documents: parallel ingest, combined yearly packages, series per department, and
rebuilds that redo only what changed."""

from __future__ import annotations

import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import Store

from service.audit import run_audit, summary
from service.build import build, combined_dirs, package_dirs
from service.cli import main
from service.corpus.combine import combine
from service.ingest import read_document
from service.package.schemacheck import schema_errors
from service.package.writer import validation_errors
from service.rdf.cube import row_keys
from service.synthetic import generate
from tests.conformance import validate_dcat
from tests.conftest import ROOT, SEED_SLUG, STANDARDS, dump_graph, dumps

PACKAGES = ROOT / "datapackages"
BASE = "http://127.0.0.1:8000/"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
# (seed, department, year): departments 3 and 8 publish in both years, 5 only in 2024
DOCUMENTS = [(11, 3, 2023), (12, 8, 2023), (13, 3, 2024), (14, 8, 2024), (15, 5, 2024)]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_documents(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        generate(seed, department_index=dept, year=year, rows_per_table=5).write(folder)
        for seed, dept, year in DOCUMENTS
    ]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Five synthetic documents and one unreadable one, ingested on two processes, built."""
    root = tmp_path_factory.mktemp("corpus")
    write_documents(root / "docs")
    (root / "docs" / "broken.txt").write_text("不是预算\n", encoding="utf-8")
    code = main(["ingest", str(root / "docs"), "--out", str(root / "packages"), "--jobs", "2"])
    assert code == 1  # the broken document
    result = build(root / "packages", root / "var", BASE, jobs=2)
    assert result.ok, result.failed
    return {"root": root, "packages": root / "packages", "var": root / "var"}


def test_parallel_ingest_writes_what_a_sequential_one_writes(
    corpus: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    docs = write_documents(tmp_path / "docs")
    assert main(["ingest", *map(str, docs), "--out", str(tmp_path / "seq"), "--jobs", "1"]) == 0
    printed = capsys.readouterr().out
    parallel = corpus["packages"]
    for folder in package_dirs(tmp_path / "seq"):
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            twin = parallel / folder.name / file.relative_to(folder)
            assert twin.read_bytes() == file.read_bytes(), file
    documents = [read_document(path) for path in docs]
    tables = sum(len(d.tables) for d in documents)
    rows = sum(len(t.rows) for d in documents for t in d.tables.values())
    warnings = sum(summary(run_audit(d))["warn"] for d in documents)
    assert (
        f"summary: 5 documents (5 written, 0 unchanged, 0 failed), {tables} tables, "
        f"{rows} rows, {warnings} warnings, 0 failing checks"
    ) in printed
    assert tables == 80 and warnings >= 1
    assert "validated with: Frictionless" in printed
    assert "combined " in printed and "_combined-2023" in printed


def test_summary_counts_failures_and_exit_code(
    corpus: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = main(["ingest", str(corpus["root"] / "docs"), "--out", str(corpus["packages"])])
    printed = capsys.readouterr().out
    assert code == 1
    assert "summary: 6 documents (0 written, 5 unchanged, 1 failed)" in printed
    assert f"FAILED {corpus['root'] / 'docs' / 'broken.txt'}" in printed


def test_combined_package_holds_every_department(corpus: dict[str, Path]) -> None:
    packages = corpus["packages"]
    assert [p.name for p in combined_dirs(packages)] == ["_combined-2023", "_combined-2024"]
    assert all(not p.name.startswith("_") for p in package_dirs(packages))
    combined = packages / "_combined-2024"
    assert validation_errors(combined / "datapackage.json") == []
    meta = json.loads((combined / "datapackage.json").read_text("utf-8"))
    members = [m["name"] for m in meta["combinedFrom"]["packages"]]
    assert len(members) == 3
    rows = read_csv(combined / "data" / "expenditure.csv")
    assert list(rows[0])[:4] == ["dataset", "department", "source_line", "row_type"]
    total = Decimal(0)
    for slug in members:
        own = read_csv(packages / slug / "data" / "expenditure.csv")
        mine = [r for r in rows if r["dataset"] == slug]
        assert [r["total"] for r in mine] == [r["total"] for r in own]
        department = json.loads((packages / slug / "datapackage.json").read_text())["department"]
        assert {r["department"] for r in mine} == {department}
        total += sum(Decimal(r["total"]) for r in own if r["row_type"] == "item")
    assert sum(Decimal(r["total"]) for r in rows if r["row_type"] == "item") == total
    assert total > 0


def test_series_and_combined_datasets_are_dcat_ap_valid(corpus: dict[str, Path]) -> None:
    rdf = corpus["var"] / "rdf"
    data = dump_graph(rdf / "catalog.nt", *sorted(rdf.glob("_combined-*.nt")))
    dcat_only = """CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o .
      FILTER(CONTAINS(STR(?s), "/distribution/") || !CONTAINS(STR(?s), "/table/") && !CONTAINS(STR(?s), "/check/")
             && !CONTAINS(STR(?s), "/figure/") && !CONTAINS(STR(?s), "/indicator/")
             && !CONTAINS(STR(?s), "/glossary/") && !CONTAINS(STR(?s), "/project/")
             && !CONTAINS(STR(?s), "/code/")) }"""
    for path in package_dirs(corpus["packages"]):
        one = dump_graph(*dumps(rdf, path.name))
        for triple in one.query(dcat_only):
            data.add(triple)  # type: ignore[arg-type]
    conforms, report = validate_dcat(data, STANDARDS)
    assert conforms, report
    series = set(data.subjects(rdflib.RDF.type, DCAT.DatasetSeries))
    assert len(series) == 3
    members = {s: sorted(str(d) for d in data.subjects(DCAT.inSeries, s)) for s in series}
    assert sorted(len(m) for m in members.values()) == [1, 2, 2]
    two_years = next(s for s, m in members.items() if len(m) == 2)
    first, last = data.value(two_years, DCAT.first), data.value(two_years, DCAT.last)
    assert data.value(last, DCAT.prev) == first
    catalog = rdflib.URIRef(f"{BASE}catalog")
    datasets = {str(d) for d in data.objects(catalog, DCAT.dataset)}
    assert f"{BASE}dataset/_combined-2024" in datasets and len(datasets) == 7
    downloads = {str(u) for u in data.objects(None, DCAT.downloadURL)}
    assert f"{BASE}datapackages/_combined-2024/data/expenditure.csv" in downloads


def test_changing_one_document_redoes_only_what_depends_on_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = write_documents(tmp_path / "docs")
    packages, var = tmp_path / "packages", tmp_path / "var"
    assert main(["ingest", str(tmp_path / "docs"), "--out", str(packages), "-j", "2"]) == 0
    first = build(packages, var, BASE, jobs=2)
    assert len(first.converted) == 5 and first.reused == []
    stamps = {p.name: p.stat().st_mtime_ns for p in (var / "rdf").glob("*.nt")}
    combined_2023 = (packages / "_combined-2023" / "datapackage.json").read_bytes()
    changed = docs[2]  # department 3, 2024: published again with other figures
    changed.write_text(
        generate(99, department_index=3, year=2024, rows_per_table=5).text, encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["ingest", str(tmp_path / "docs"), "--out", str(packages)]) == 0
    printed = capsys.readouterr().out
    assert "summary: 5 documents (1 written, 4 unchanged, 0 failed)" in printed
    assert f"combined {packages / '_combined-2024'}" in printed
    assert "_combined-2023" not in printed
    assert (packages / "_combined-2023" / "datapackage.json").read_bytes() == combined_2023
    second = build(packages, var, BASE, jobs=2)
    slug = changed.stem
    assert second.converted == [slug]
    assert sorted(second.reused) == sorted(p.name for p in package_dirs(packages) if p.name != slug)
    after = {p.name: p.stat().st_mtime_ns for p in (var / "rdf").glob("*.nt")}
    redone = sorted(name for name in stamps if after[name] != stamps[name])
    dumps = [f"{slug}.nt", f"{slug}.common.nt", "catalog.nt", "vocab.nt"]
    assert redone == sorted([*dumps, *_combined(stamps)])
    from service.store import open_store

    assert first.replaced is None and second.replaced == 1  # one graph replaced in a copy
    assert len(open_store(var)) == second.triples  # nothing of the old version is left
    # each build is stamped with its folder's name, the old stamp gone from the copy
    for result in (first, second):
        stamps = Store.read_only(str(result.store)).query(
            "SELECT ?build WHERE { ?catalog <https://w3id.org/budgetpub/def#build> ?build }"
        )
        assert [row["build"].value for row in stamps] == [result.store.name]
    assert first.store != second.store

    rows = read_csv(packages / slug / "data" / "expenditure.csv")
    total, key = rows[0]["total"], row_keys(rows)[rows[0]["source_line"]]  # what it prints
    query = f"""PREFIX bp: <https://w3id.org/budgetpub/def#>
      ASK {{ <{BASE}dataset/{slug}/table/expenditure/obs/{key}/total> bp:amount ?a .
             FILTER(?a = "{total}"^^<http://www.w3.org/2001/XMLSchema#decimal>) }}"""
    assert open_store(var).query(query)


def _combined(names: dict[str, int]) -> list[str]:
    return [n for n in names if n.startswith("_combined-")]


def test_dumps_are_reused_until_the_package_or_the_base_changes(tmp_path: Path) -> None:
    packages, var = tmp_path / "packages", tmp_path / "var"
    shutil.copytree(PACKAGES / SEED_SLUG, packages / SEED_SLUG)
    assert build(packages, var, BASE).converted == [SEED_SLUG]
    assert build(packages, var, BASE).reused == [SEED_SLUG]
    csv_file = packages / SEED_SLUG / "data" / "glossary.csv"
    csv_file.write_bytes(csv_file.read_bytes())  # touched, same bytes: still reused
    assert build(packages, var, BASE).reused == [SEED_SLUG]
    assert build(packages, var, "http://example.org/").converted == [SEED_SLUG]  # other IRIs


@pytest.mark.parametrize(
    ("resource", "old", "new"),
    [
        ("expenditure", ",1485300.00,", ",14853OO.00,"),  # not a number
        ("expenditure", ",department,", ",dept,"),  # not in the enum
        ("expenditure", ",total,", ",total,extra,"),  # a cell too many
        ("expenditure", ",2010301,", ",2019999,"),  # a code not in the code list
        ("expenditure", "237,department,015,", "237,,015,"),  # a required cell left blank
    ],
)
def test_schema_check_agrees_with_frictionless(
    tmp_path: Path, resource: str, old: str, new: str
) -> None:
    package = tmp_path / SEED_SLUG
    shutil.copytree(PACKAGES / SEED_SLUG, package)
    descriptor = package / "datapackage.json"
    assert schema_errors(descriptor) == [] == validation_errors(descriptor)
    path = package / "data" / f"{resource}.csv"
    header, _, body = path.read_bytes().decode("utf-8").partition("\r\n")
    assert old in body
    path.write_bytes(f"{header}\r\n{body.replace(old, new, 1)}".encode())
    meta = json.loads(descriptor.read_text("utf-8"))
    for entry in meta["resources"]:
        entry.pop("hash", None)  # the data is what is checked, not the hash
    descriptor.write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    assert validation_errors(descriptor), "Frictionless should refuse it"
    assert schema_errors(descriptor), "so should the schema check"


def test_schema_check_catches_a_repeated_key_and_a_changed_file(tmp_path: Path) -> None:
    package = tmp_path / SEED_SLUG
    shutil.copytree(PACKAGES / SEED_SLUG, package)
    path = package / "data" / "glossary.csv"
    text = path.read_bytes().decode("utf-8")
    path.write_bytes((text + text.split("\r\n")[1] + "\r\n").encode("utf-8"))
    errors = schema_errors(package / "datapackage.json")
    assert any("hash" in e for e in errors)
    assert any("primary-key-error" in e for e in errors)


def test_committed_combined_packages_are_not_stale(tmp_path: Path) -> None:
    """Combining the committed department packages again gives the committed ones."""
    for folder in package_dirs(PACKAGES):
        shutil.copytree(folder, tmp_path / folder.name)
    made = combine(tmp_path)
    committed = combined_dirs(PACKAGES)
    assert (
        made.written
        == [p.name for p in committed]
        == [
            "_combined-2023",
            "_combined-2024",
            "_combined-2025",
            "_combined-2026",
        ]
    )
    for folder in committed:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            fresh = tmp_path / folder.name / file.relative_to(folder)
            assert fresh.read_bytes() == file.read_bytes(), (
                f"{file} is stale: run `make run` (budgetpub ingest) and commit datapackages/"
            )


def test_schema_check_names_the_row_of_a_bad_value_found_among_distinct_values() -> None:
    """The check looks at each column's distinct values first; a bad one still gets its row
    and field named, as a row-by-row check would."""
    from service.package.schemacheck import _table_errors

    schema = {
        "fields": [
            {"name": "code", "type": "string", "constraints": {"unique": True}},
            {"name": "amount", "type": "number", "constraints": {"required": True}},
        ]
    }
    good = [["a", "1.5"], ["b", "2"], ["c", "1.5"]]
    assert _table_errors("t", schema, ["code", "amount"], good) == []
    bad = [["a", "1.5"], ["b", "x"], ["a", "1.5"], ["d", ""]]
    assert _table_errors("t", schema, ["code", "amount"], bad) == [
        "t:3: amount: type-error: 'x' is not a number",
        "t:4: unique-error: code 'a'",
        "t:5: amount: constraint-error: required",
    ]
