"""One meaning of expected and found everywhere (issue 27, finding 3): `found` is the figure
checked as the document prints it (a total row, a summary line, a sentence of the text),
`expected` what the other figures give for it (the sum of the parts, the table it must
agree with), and the difference is found − expected: in the vocabulary, checks.json, the
RDF, the English message and the audit page's 相差 column."""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

from pyoxigraph import Store

from service.build import package_dirs
from service.vocab import VOCAB_DIR
from tests.conftest import PACKAGES, load_dumps

DIFFERENCE = re.compile(r"\(difference (-?[0-9.]+)万元\)")


def _cells(package: Path) -> dict[tuple[str, str, str], Decimal]:
    with (package / "data" / "facts.csv").open(encoding="utf-8", newline="") as handle:
        return {
            (f["table"], f["source_line"], f["column"]): Decimal(f["printed_amount"])
            for f in csv.DictReader(handle)
        }


def test_found_is_the_printed_total(real_packages: list[Path]) -> None:
    checked = 0
    for package in [*package_dirs(PACKAGES), *real_packages]:
        cells = _cells(package)
        for check in json.loads((package / "checks.json").read_text("utf-8")):
            kind, _, rest = check["id"].partition(":")
            if kind != "table-total" or check["found"] is None:
                continue
            table, column = rest.split(":")[0], rest.split(":")[-1]
            where = check["where"]
            printed = cells.get((table, str(where["line"]), column))
            if printed is None:
                continue
            assert Decimal(check["found"]) == printed, (package.name, check["id"])
            said = DIFFERENCE.search(check["message"])
            if said:  # the message's difference is found − expected
                delta = (Decimal(check["found"]) - Decimal(check["expected"])) / 10000
                assert Decimal(said.group(1)) == delta.normalize(), check
            checked += 1
    assert checked >= 50


def test_vocabulary_says_the_same() -> None:
    text = (VOCAB_DIR / "budget.ttl").read_text("utf-8")
    found = text[text.index("bp:found a") :][:600]
    expected = text[text.index("bp:expected a") :][:600]
    assert "printed" in found and "total or subtotal row" in found
    assert "sum of the items" in expected and "found − expected" in expected


def test_rdf_found_is_the_printed_cell(real_site: Path, real_packages: list[Path]) -> None:
    store = Store()
    load_dumps(store, sorted((real_site / "var" / "rdf").glob("*.nt")))
    rows = list(
        store.query("""PREFIX bp: <https://w3id.org/budgetpub/def#>
        SELECT ?c ?id ?expected ?found WHERE {
          ?c bp:checkId ?id ; bp:expected ?expected ; bp:found ?found .
          FILTER(STRSTARTS(?id, "table-total:")) }""")
    )
    by_id = {}
    for package in [*package_dirs(PACKAGES), *real_packages]:
        for check in json.loads((package / "checks.json").read_text("utf-8")):
            by_id[(package.name, check["id"])] = check
    compared = 0
    for row in rows:
        slug = row["c"].value.split("/dataset/")[1].split("/")[0]
        check = by_id.get((slug, row["id"].value))
        if check is not None and check["found"] is not None:
            assert Decimal(row["found"].value) == Decimal(check["found"])
            assert Decimal(row["expected"].value) == Decimal(check["expected"])
            compared += 1
    assert compared


def test_audit_page_difference_is_found_minus_expected(real_app) -> None:
    from service.web.pages_audit import audit

    with real_app.test_request_context():
        from service.web.site import site

        descriptor = site().descriptor("zhejiang-hangzhou-qixiangju-2026-dept-budget")
        shown = audit("zhejiang-hangzhou-qixiangju-2026-dept-budget", set(), descriptor)
    problems = [c for c in shown["problems"] if c["difference"] and "difference" in c["message"]]
    assert problems
    for check in problems:
        said = DIFFERENCE.search(check["message"])
        if said:
            sign = "-" if said.group(1).startswith("-") else ""
            assert check["difference"]["text"].startswith(sign or tuple("0123456789")), check
