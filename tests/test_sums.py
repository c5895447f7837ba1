"""Every default name sums right (issue 27, finding 1): a tool that knows nothing of the
README and sums what the package or the linked data names first gets the published totals.

- The Fiscal Data Package model's measures are the analysis data sets (data/analysis.csv),
  one column each, with their direction: the plain sum of each is its published total.
- facts.csv's printed cells (totals and overlapping columns among them) are named for what
  they are (`printed_amount`), not `amount`.
- In JSON-LD the term `amount` is the summable obeu-measure:amount of the analysis
  observations; the printed cell's bp:amount is `printedAmount`.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

from service.build import package_dirs
from service.vocab import VOCAB_DIR
from tests.conftest import PACKAGES
from tests.test_analysis import DIFFERENCES


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _packages(real_packages: list[Path]) -> list[Path]:
    return [*package_dirs(PACKAGES), *real_packages]


def test_fdp_measures_sum_to_the_published_totals(real_packages: list[Path]) -> None:
    """Sum each model measure's source column of its resource, as an FDP tool does."""
    compared = 0
    for package in _packages(real_packages):
        descriptor = json.loads((package / "datapackage.json").read_text("utf-8"))
        resources = {r["name"]: r for r in descriptor["resources"]}
        facts = resources["facts"]
        cells = {
            (f["table"], f["source_line"], f["column"]): Decimal(f["printed_amount"])
            for f in _csv(package / facts["path"])
        }
        made = {a["name"].replace("-", "_"): a for a in facts["analyses"]}
        for name, measure in descriptor["model"]["measures"].items():
            assert measure["resource"] != "facts"
            rows = _csv(package / resources[measure["resource"]]["path"])
            summed = sum(Decimal(r[measure["source"]]) for r in rows if r[measure["source"]])
            if name not in made:
                assert summed == 0, (package.name, name)
                continue
            total = made[name]["total"]
            printed = cells[(total["table"], str(total["line"]), total["column"])]
            expected = DIFFERENCES.get((package.name, made[name]["name"]), "0")
            assert printed - summed == Decimal(expected), (package.name, name, summed, printed)
            directions = {r["direction"] for r in rows if r[measure["source"]]}
            assert directions == {measure["direction"]}, (package.name, name)
            compared += 1
    assert compared >= 30


def test_no_csv_column_named_amount_is_a_pile_of_cells(real_packages: list[Path]) -> None:
    for package in _packages(real_packages):
        descriptor = json.loads((package / "datapackage.json").read_text("utf-8"))
        facts = next(r for r in descriptor["resources"] if r["name"] == "facts")
        names = [f["name"] for f in facts["schema"]["fields"]]
        assert "amount" not in names and "printed_amount" in names


def test_json_ld_amount_is_the_summable_measure() -> None:
    context = json.loads((VOCAB_DIR / "context.jsonld").read_text("utf-8"))["@context"]
    assert context["amount"]["@id"] == "obeu-measure:amount"
    assert context["printedAmount"]["@id"] == "bp:amount"
