"""The audit as linked data (issue 14, decision 5): every failure, warning and rounding
difference of checks.json is a W3C EARL assertion about the published cell it tests, with
its figures in yuan; the passes are counted per check family on the data set (W3C DQV)."""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal

import pytest
from pyoxigraph import Store

from service.build import package_dirs
from tests.conftest import PACKAGES

BASE = "http://127.0.0.1:8000/"
PREFIXES = """PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX earl: <http://www.w3.org/ns/earl#>
PREFIX dqv: <http://www.w3.org/ns/dqv#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
"""
WANLI = "shanghai-putuo-wanli-2025-dept-budget"


@pytest.fixture(scope="module")
def store(dumps_store: Store) -> Store:
    """The committed packages' build (conftest's, at the same base IRI) as RDF."""
    return dumps_store


def _checks(slug: str) -> list[dict]:
    return json.loads((PACKAGES / slug / "checks.json").read_text("utf-8"))


def test_every_failure_and_warning_is_an_earl_assertion(store: Store) -> None:
    outcome = {"fail": "failed", "warn": "cantTell", "rounding": "passed"}
    for package in package_dirs(PACKAGES):
        expected = Counter(
            (c["id"], outcome[c["status"]]) for c in _checks(package.name) if c["status"] != "pass"
        )
        found = Counter(
            (row["id"].value, row["outcome"].value.rsplit("#", 1)[-1])
            for row in store.query(
                PREFIXES
                + f"""SELECT ?id ?outcome WHERE {{
                <{BASE}dataset/{package.name}> bp:auditCheck ?a .
                ?a a earl:Assertion ; bp:checkId ?id ; earl:assertedBy bp:auditor ;
                   earl:test/a bp:CheckFamily ; earl:subject ?s ;
                   earl:result/earl:outcome ?outcome }}"""
            )
        )
        assert found == expected, package.name
        assert sum(expected.values()) < 40  # the 700 passes are counted, not listed


def test_passes_are_counted_per_family(store: Store) -> None:
    for package in package_dirs(PACKAGES):
        passes = Counter(
            c["id"].split(":")[0] for c in _checks(package.name) if c["status"] == "pass"
        )
        rows = store.query(
            PREFIXES
            + f"""SELECT ?family ?n WHERE {{
            <{BASE}dataset/{package.name}> dqv:hasQualityMeasurement ?m .
            ?m dqv:isMeasurementOf bp:passedChecks ; dqv:value ?n ;
               bp:checkFamily/rdfs:label ?family }}"""
        )
        assert {r["family"].value: int(r["n"].value) for r in rows} == dict(passes)
    assert (
        sum(1 for c in _checks(WANLI) if c["status"] == "pass") == 708
    )  # golden: 716 checks, 6 fail, 2 warn


def test_a_failure_points_at_the_printed_cell_with_its_figures_in_yuan(store: Store) -> None:
    """万里街道 2025, 收入总表: the 21201 subtotal prints 9499.579 万元, its items add up
    to 9499.5789 万元; the assertion's subject is that printed cell."""
    rows = list(
        store.query(
            PREFIXES
            + f"""SELECT ?cell ?amount ?expected ?found ?unit ?message WHERE {{
            ?a bp:checkId "subtotal:income:21201:total" ; earl:subject ?cell ;
               bp:expected ?expected ; bp:found ?found ; sdmx-attribute:unitMeasure ?unit ;
               earl:result/dct:description ?message .
            ?cell bp:amount ?amount .
            FILTER(STRSTARTS(STR(?a), "{BASE}dataset/{WANLI}/")) }}"""
        )
    )
    assert len(rows) == 1
    row = rows[0]
    assert row["cell"].value.startswith(f"{BASE}dataset/{WANLI}/table/income/obs/")
    assert row["cell"].value.endswith("/total")
    # found: the printed cell; expected: what its items add up to (issue 27, 3)
    assert Decimal(row["amount"].value) == Decimal(row["found"].value) == Decimal("94995790")
    assert Decimal(row["expected"].value) == Decimal("94995789")
    assert row["unit"].value == "http://publications.europa.eu/resource/authority/currency/CNY"
    assert "9499.5789万元" in row["message"].value


def test_a_journalist_lists_the_failures_by_department_and_year(store: Store) -> None:
    rows = list(
        store.query(
            PREFIXES
            + """SELECT ?department ?year (COUNT(?a) AS ?failures) WHERE {
            ?dataset dct:publisher/rdfs:label ?department ; bp:fiscalYear ?year ;
                     bp:auditCheck ?a .
            ?a earl:result/earl:outcome earl:failed }
            GROUP BY ?department ?year ORDER BY DESC(?failures)"""
        )
    )
    failing = {
        package.name: sum(1 for c in _checks(package.name) if c["status"] == "fail")
        for package in package_dirs(PACKAGES)
    }
    assert sorted(int(r["failures"].value) for r in rows) == sorted(
        n for n in failing.values() if n
    )


def test_check_iris_are_readable(store: Store) -> None:
    """A check is its family and the cell it tests (or the rest of its id): no line number,
    no percent-encoded text; a narrative check about Chinese text is a short hash."""
    iris = [
        row["a"].value for row in store.query(PREFIXES + "SELECT ?a WHERE { ?d bp:auditCheck ?a }")
    ]
    prefix = f"{BASE}dataset/{WANLI}/check/"
    assert {
        f"{prefix}subtotal/income/subtotal-21201/total",
        f"{prefix}row-sum/expenditure/subtotal-21201/total",  # row-sum:expenditure:258:total
        f"{prefix}required-table/project_expenditure",
    } <= set(iris)
    assert len(iris) == len(set(iris)) >= 15
    for iri in iris:
        key = iri.split("/check/", 1)[1]
        assert re.fullmatch(r"[a-z_-]+(/[A-Za-z0-9_.-]+)+", key) and len(key) <= 80, iri
        assert not any(part.isdigit() and len(part) <= 4 for part in key.split("/")), iri
