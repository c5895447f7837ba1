"""RDF build: Data Cube integrity, DCAT-AP SHACL, exact sums in SPARQL, stable IRIs, safe store."""

from __future__ import annotations

import csv
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import Store
from rdflib.compare import isomorphic

from service.build import build, combined_dirs, package_dirs
from service.rdf.integrity import normalise, violations
from service.store import open_store
from tests.conformance import validate_dcat
from tests.conftest import ROOT, SEED_SLUG, STANDARDS, dump_graph, dumps, load_dumps

PACKAGES = ROOT / "datapackages"
BASE = "http://127.0.0.1:8000/"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("var")
    result = build(PACKAGES, out, BASE)
    assert result.ok, result.failed
    return out


@pytest.fixture(scope="module")
def memory(built: Path) -> Store:
    """Every dump in one in-memory store's default graph, normalised as the spec requires."""
    store = Store()
    load_dumps(store, sorted((built / "rdf").glob("*.nt")))
    normalise(store)
    return store


def test_data_cube_integrity_constraints_hold(memory: Store) -> None:
    assert violations(memory) == []


def test_integrity_check_catches_a_broken_cube(built: Path) -> None:
    """A cell without its printed column (IC-11) and a table whose budget phase is no code
    of the list (IC-19) are caught."""
    store = Store()
    load_dumps(store, sorted((built / "rdf").glob("*.nt")))
    store.update("""PREFIX bp: <https://w3id.org/budgetpub/def#>
        DELETE { ?o bp:sourceColumn ?c } WHERE {
          { SELECT ?o WHERE { ?o a <http://purl.org/linked-data/cube#Observation> ;
              bp:sourceColumn ?any } ORDER BY ?o LIMIT 1 }
          ?o bp:sourceColumn ?c }""")
    store.update("""PREFIX bp: <https://w3id.org/budgetpub/def#>
        DELETE { ?t bp:budgetPhase ?p }
        INSERT { ?t bp:budgetPhase <https://w3id.org/budgetpub/code/budget-phase/nonsense> }
        WHERE { { SELECT ?t WHERE { ?t a bp:BudgetTable } ORDER BY ?t LIMIT 1 }
          ?t bp:budgetPhase ?p }""")
    normalise(store)
    broken = violations(store)
    assert "IC-11" in broken and "IC-19" in broken


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_sparql_sums_reproduce_every_csv_total(memory: Store) -> None:
    """For each table and column: Σ item observations = the CSV's 合计 row, exactly."""
    base = PACKAGES / SEED_SLUG
    meta = json.loads((PACKAGES / SEED_SLUG / "datapackage.json").read_text("utf-8"))
    compared = 0
    for resource in meta["resources"]:
        if resource.get("format") != "csv" or resource["name"] not in {
            "expenditure",
            "general_budget_expenditure",
            "general_budget_basic_expenditure",
            "economic_classification_summary",
            "operating_expenses",
            "project_expenditure",
            "income",
            "project_performance",
        }:
            continue
        rows = read_csv(base / resource["path"])
        total = next((r for r in rows if r["row_type"] == "total"), None)
        if total is None:
            continue
        leaf = "item" if any(r["row_type"] == "item" for r in rows) else "unit"
        for field in resource["schema"]["fields"]:
            if field["type"] != "number" or not total[field["name"]]:
                continue
            query = f"""PREFIX bp: <https://w3id.org/budgetpub/def#>
                PREFIX qb: <http://purl.org/linked-data/cube#>
                SELECT (SUM(?amount) AS ?sum) WHERE {{
                  ?obs qb:dataSet <{BASE}dataset/{SEED_SLUG}/table/{resource["name"]}> ;
                       bp:rowType <https://w3id.org/budgetpub/code/row-type/{leaf}> ;
                       bp:amount ?amount .
                  FILTER(STRENDS(STR(?obs), "/{field["name"]}")) }}"""
            value = next(iter(memory.query(query)))["sum"]
            assert Decimal(value.value) == Decimal(total[field["name"]]), (resource["name"], field)
            compared += 1
    assert compared >= 25


def test_two_builds_are_isomorphic(built: Path, tmp_path: Path) -> None:
    again = build(PACKAGES, tmp_path, BASE, load=False)
    assert again.ok
    for name in (SEED_SLUG, "catalog", "vocab"):
        first = dump_graph(*dumps(built / "rdf", name))
        second = dump_graph(*dumps(tmp_path / "rdf", name))
        assert len(first) > 0 and isomorphic(first, second)


def test_iris_follow_the_base_url(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("BUDGETPUB_BASE_URL", "https://budget.example.org/pub")
    result = build(PACKAGES, tmp_path, load=False)
    assert result.ok
    text = (tmp_path / "rdf" / "catalog.nt").read_text("utf-8")
    assert "<https://budget.example.org/pub/catalog>" in text
    assert "127.0.0.1" not in text


def test_store_holds_every_dump(built: Path) -> None:
    store = open_store(built)
    names = [p.name for p in package_dirs(PACKAGES)]
    dumped = {
        line
        for path in (built / "rdf").glob("*.nt")
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    }
    assert (
        len(store)
        == len(dumped) + 1  # and the build's stamp
        == json.loads((built / "store" / "budgetpub.json").read_text())["triples"]
    )
    own = {n: set((built / "rdf" / f"{n}.nt").read_text("utf-8").splitlines()) for n in names}
    shared = {
        line
        for path in (built / "rdf").glob("*.nt")
        if path.stem not in own
        for line in path.read_text("utf-8").splitlines()
    }
    assert all(lines and not lines & shared for lines in own.values())  # a build can take them out
    query = """PREFIX qb: <http://purl.org/linked-data/cube#>
        SELECT ?kind (COUNT(*) AS ?n) WHERE { ?o a qb:Observation ; qb:dataSet/a ?kind .
          FILTER(?kind != qb:DataSet) } GROUP BY ?kind"""
    counts = {r["kind"].value.rsplit("#")[-1]: int(r["n"].value) for r in store.query(query)}
    facts = [f for p in package_dirs(PACKAGES) for f in read_csv(p / "data" / "facts.csv")]
    # a published cell per fact, and an analysis observation per fact an analysis names
    assert counts == {
        "BudgetTable": len(facts),
        "AnalysisDataSet": sum(1 for f in facts if f["analysis"]),
    }


def test_every_term_used_is_defined_in_both_languages(memory: Store) -> None:
    undefined = list(
        memory.query("""
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?term WHERE {
          { ?s ?term ?o } UNION { ?s a ?term }
          FILTER(STRSTARTS(STR(?term), "https://w3id.org/budgetpub/def#"))
          FILTER NOT EXISTS { ?term rdfs:label ?zh . FILTER(LANG(?zh) = "zh")
                              ?term rdfs:label ?en . FILTER(LANG(?en) = "en") } }""")
    )
    assert [row["term"].value for row in undefined] == []
    concepts = list(
        memory.query("""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?c WHERE { ?s ?p ?c
          FILTER(isIRI(?c) && STRSTARTS(STR(?c), "https://w3id.org/budgetpub/code/"))
          FILTER NOT EXISTS { ?c skos:prefLabel ?zh . FILTER(LANG(?zh) = "zh") } }""")
    )
    assert [row["c"].value for row in concepts] == []  # each code has its printed label


def test_code_lists_say_only_what_is_true(memory: Store) -> None:
    """No English label made up from a code ("functional 21201"), no document's glossary
    definition on a shared concept, and a code the vocabulary lacks still has its place, its
    printed label and the documents that use it."""
    made_up = memory.query("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?c ?en WHERE { ?c skos:prefLabel ?en ; skos:notation ?code .
          FILTER(LANG(?en) = "en" && REGEX(STR(?en), CONCAT(" ", ?code, "$"))) }""")
    assert [(r["c"].value, r["en"].value) for r in made_up] == []
    borrowed = memory.query("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?c WHERE { ?entry skos:closeMatch ?c ; skos:definition ?d .
          ?c skos:definition ?d }""")
    assert list(borrowed) == []
    unlisted = list(
        memory.query("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?c ?label ?parent WHERE {
          ?c skos:inScheme <https://w3id.org/budgetpub/code/functional> ;
             skos:notation "21201" ; skos:prefLabel ?label ; skos:broader ?parent }""")
    )
    assert [(r["label"].value, r["parent"].value) for r in unlisted] == [
        ("城乡社区管理事务", "https://w3id.org/budgetpub/code/functional/212")
    ]
    users = memory.query("""PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?dataset WHERE {
          <https://w3id.org/budgetpub/code/functional/21201> dct:isReferencedBy ?dataset }""")
    assert sorted(r["dataset"].value.rsplit("/", 1)[-1] for r in users) == [
        "shanghai-putuo-wanli-2023-dept-budget",
        "shanghai-putuo-wanli-2025-dept-budget",
    ]


def test_dcat_ap_shapes_have_no_violations(built: Path) -> None:
    names = [p.name for p in (*package_dirs(PACKAGES), *combined_dirs(PACKAGES))]
    data = dump_graph(
        *(path for name in ("catalog", *names) for path in dumps(built / "rdf", name))
    )
    conforms, report = validate_dcat(data, STANDARDS)
    assert conforms, report


def test_dcat_ap_shapes_catch_a_missing_title(built: Path) -> None:
    data = dump_graph(built / "rdf" / "catalog.nt")
    catalog = rdflib.URIRef(f"{BASE}catalog")
    data.remove((catalog, rdflib.DCTERMS.title, None))
    conforms, report = validate_dcat(data, STANDARDS)
    assert not conforms and "title" in report


def test_bad_package_keeps_previous_store(tmp_path: Path) -> None:
    packages = tmp_path / "packages"
    shutil.copytree(PACKAGES / SEED_SLUG, packages / SEED_SLUG)
    out = tmp_path / "var"
    assert build(packages, out, BASE).ok
    before = (out / "store").resolve()
    bad = packages / "broken"
    shutil.copytree(PACKAGES / SEED_SLUG, bad)
    facts = bad / "data" / "facts.csv"
    facts.write_text(
        facts.read_text("utf-8").replace(",general-public-budget,", ",no-such-fund,", 1), "utf-8"
    )
    descriptor = bad / "datapackage.json"  # a package valid as Frictionless sees it …
    meta = json.loads(descriptor.read_text("utf-8"))
    for resource in meta["resources"]:
        resource.pop("hash", None)
    meta["documentSha256"] = "0" * 64  # another document's package, not a copy of the seed
    descriptor.write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    result = build(packages, out, BASE)
    assert result.built == [SEED_SLUG]
    assert "no-such-fund" in result.failed["broken"]
    assert "facts.csv:" in result.failed["broken"]
    problem = result.problems["broken"]  # … and as data: type, message, file, line
    assert (problem.type, problem.file) == ("package-invalid", str(facts))
    assert problem.line and problem.line >= 2 and "no-such-fund" in problem.message
    assert (out / "store").resolve() == before
    assert open_store(out).query("ASK { ?s ?p ?o }")


def test_tampered_csv_fails_validation(tmp_path: Path) -> None:
    packages = tmp_path / "packages"
    shutil.copytree(PACKAGES / SEED_SLUG, packages / SEED_SLUG)
    spend = packages / SEED_SLUG / "data" / "expenditure.csv"
    spend.write_text(spend.read_text("utf-8").replace("2010301", "20103X1"), "utf-8")
    result = build(packages, tmp_path / "var", BASE)
    assert not result.ok
    assert "Frictionless" in result.failed[SEED_SLUG]
    assert result.problems[SEED_SLUG].file == str(packages / SEED_SLUG / "datapackage.json")
    assert not (tmp_path / "var" / "store").exists()


def test_package_dirs_skip_staging_folders(tmp_path: Path) -> None:
    (tmp_path / ".x.tmp").mkdir()
    (tmp_path / ".x.tmp" / "datapackage.json").write_text("{}")
    assert package_dirs(tmp_path) == []


def test_a_rebuild_takes_a_removed_package_out_of_a_copy_of_the_store(tmp_path: Path) -> None:
    packages, var = tmp_path / "packages", tmp_path / "var"
    names = [p.name for p in package_dirs(PACKAGES)][:3]
    for name in names:
        shutil.copytree(PACKAGES / name, packages / name)
    first = build(packages, var, BASE)
    shutil.rmtree(packages / names[2])
    second = build(packages, var, BASE)
    assert first.replaced is None and second.replaced == 1
    store = open_store(var)
    assert len(store) == second.triples < first.triples
    gone = f"{BASE}dataset/{names[2]}"
    assert not store.query(f"ASK {{ {{ <{gone}> ?p ?o }} UNION {{ ?s ?p <{gone}> }} }}")
    kept = f"{BASE}dataset/{names[0]}"
    assert store.query(f"ASK {{ <{BASE}catalog> <http://www.w3.org/ns/dcat#dataset> <{kept}> }}")


def test_organisation_iris_are_readable(memory: Store) -> None:
    """An organisation is its name in pinyin, a unit its code under it: no percent-encoded
    Chinese in any organisation IRI (万里街道: 310107-shang-hai-shi-pu-tuo-qu-…-ban-shi-chu)."""
    prefix = f"{BASE}organization/"
    query = """PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX foaf: <http://xmlns.com/foaf/0.1/>
        SELECT DISTINCT ?o WHERE { { ?o a foaf:Organization } UNION { ?o a org:Organization }
          UNION { ?o a org:OrganizationalUnit } FILTER(STRSTARTS(STR(?o), PREFIX)) }"""
    iris = {row["o"].value for row in memory.query(query.replace("PREFIX)", f'"{prefix}")'))}
    assert (
        f"{prefix}310107-shang-hai-shi-pu-tuo-qu-ren-min-zheng-fu-wan-li-jie-dao-ban-shi-chu"
        in iris
    )
    unreadable = [
        i for i in iris if not re.fullmatch(rf"{BASE}organization/[a-z0-9-]+(/unit/[a-z0-9-]+)?", i)
    ]
    assert len(iris) >= 4 and unreadable == []


TOTAL_QUERY = """PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
SELECT ?table ?row ?prop ?value WHERE {
  VALUES ?prop { bp:functionalClassification bp:economicClassificationDepartmental
    bp:economicClassificationGovernment bp:expenditureType bp:fundSource }
  ?obs qb:dataSet ?table ; ?prop ?value .
  OPTIONAL { ?obs bp:rowType ?row } }"""
TOTALS = """PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
SELECT DISTINCT ?table WHERE { ?obs qb:dataSet ?table ;
  bp:rowType <https://w3id.org/budgetpub/code/row-type/total> }"""


def test_totals_are_marked_the_sdmx_way(memory: Store) -> None:
    """A total row states, in each classification its table's other rows print, the list's
    total concept (SDMX's _T, or `all` in the two lists that had one); no other row states
    _T, no total row lacks it, and no analysis observation (leaves only) has it."""
    code = "https://w3id.org/budgetpub/code/"
    total = f"{code}row-type/total"
    rows_with: dict[tuple[str, str], set[str | None]] = {}  # (table, property) → row types
    marked = []
    for found in memory.query(TOTAL_QUERY):
        table, prop, value = found["table"].value, found["prop"].value, found["value"].value
        row = found["row"].value if found["row"] else None
        rows_with.setdefault((table, prop), set()).add(row)
        if value.endswith("/_T"):
            marked.append((table, row, value))
    assert marked and {row for _, row, _ in marked} == {total}
    assert not [t for t, *_ in marked if "/analysis/" in t]
    assert {v.rsplit("/", 2)[1] for *_, v in marked} == {
        "functional",
        "economic-departmental",
        "economic-government",
    }
    with_totals = {row["table"].value for row in memory.query(TOTALS)}
    unmarked = [
        (table, prop)
        for (table, prop), rows in rows_with.items()
        if table in with_totals and rows - {total} and total not in rows
    ]
    assert unmarked == []
    cell = f"{BASE}dataset/shanghai-putuo-wanli-2025-dept-budget/table/expenditure/obs/total/total"
    answer = memory.query(
        f"SELECT ?c ?a WHERE {{ <{cell}> <https://w3id.org/budgetpub/def#functionalClassification> "
        "?c ; <https://w3id.org/budgetpub/def#amount> ?a }"
    )
    assert [(r["c"].value, r["a"].value) for r in answer] == [(f"{code}functional/_T", "189767551")]
