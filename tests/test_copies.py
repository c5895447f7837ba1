"""One dataset per document, whatever its file name (issue 27, finding 5): the same PDF saved
under two names is read into two packages, but published once; the second copy is named by
the build, left out of the combined year, the catalog, the store and the API, so no sum
across the corpus counts the document twice (上海市文物保护研究中心 2026: 13,616,271, not
2 × 13,616,271)."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

from pyoxigraph import Store

from service import create_app
from service.build import build
from service.cli import main
from service.corpus.copies import copies
from tests.conftest import REAL, load_dumps

DOCUMENT = "shanghai-shanghai-wenwubaohuzhongxin-2026-unit-budget.pdf"


def test_a_second_copy_is_published_once(tmp_path: Path, capsys) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(REAL / DOCUMENT, sources / DOCUMENT)
    shutil.copy(REAL / DOCUMENT, sources / "wenwu-copy.pdf")  # the same bytes, renamed
    packages, var = tmp_path / "packages", tmp_path / "var"
    assert main(["ingest", str(sources), "--out", str(packages)]) == 0
    original, copy = DOCUMENT.removesuffix(".pdf"), "wenwu-copy"
    assert copies([packages / original, packages / copy]) == {copy: original}

    result = build(packages, var, "http://127.0.0.1:8000/")
    assert result.ok and result.copies == {copy: original}
    assert copy not in result.built and original in result.built
    assert main(["build", "--packages", str(packages), "--out", str(tmp_path / "var2")]) == 0
    assert f"copy {copy}: the same document as {original}" in capsys.readouterr().out

    # the combined year holds the document's rows once
    with (packages / "_combined-2026" / "data" / "fiscal_summary_income.csv").open(
        encoding="utf-8"
    ) as handle:
        datasets = {row["dataset"] for row in csv.DictReader(handle)}
    assert datasets == {original}

    # OBEU's sum over the document's organisation and year: once
    store = Store()
    load_dumps(store, sorted((var / "rdf").glob("*.nt")))
    rows = list(
        store.query("""PREFIX bp: <https://w3id.org/budgetpub/def#>
        PREFIX qb: <http://purl.org/linked-data/cube#>
        PREFIX obeu-measure: <http://data.openbudgets.eu/ontology/dsd/measure/>
        SELECT (SUM(?a) AS ?sum) (COUNT(DISTINCT ?ds) AS ?sets) WHERE {
          ?ds bp:analysisKind <https://w3id.org/budgetpub/code/analysis/expenditure-by-function> .
          ?obs qb:dataSet ?ds ; obeu-measure:amount ?a }""")
    )
    assert int(rows[0]["sets"].value) == 1
    assert Decimal(rows[0]["sum"].value) == Decimal("13616271")

    # the site lists the document once; the copy is no dataset of its own
    app = create_app(
        {
            "DATA_DIR": str(var),
            "PACKAGES_DIR": str(packages),
            "BASE_URL": "http://127.0.0.1:8000/",
            "TESTING": True,
        }
    )
    client = app.test_client()
    assert client.get(f"/dataset/{original}").status_code == 200
    assert client.get(f"/dataset/{copy}").status_code == 404
