"""Stable cell IRIs (issue 27, finding 6): a cell is named by what its row prints (codes,
else the printed label, else the row type, and an ordinal for a key printed again), never by
the line number extraction gave it, so the IRIs stay when the reader or the PDF back end
numbers lines otherwise."""

from __future__ import annotations

import re
from pathlib import Path

from pyoxigraph import Store

from service.rdf.cube import row_keys
from tests.conftest import load_dumps

LINE = re.compile(r"line[0-9]")


def test_no_cell_iri_holds_a_line_number(real_site: Path) -> None:
    store = Store()
    load_dumps(store, sorted((real_site / "var" / "rdf").glob("*.nt")))
    cells = [
        row["obs"].value
        for row in store.query("""PREFIX qb: <http://purl.org/linked-data/cube#>
            SELECT ?obs WHERE { ?obs a qb:Observation }""")
    ]
    assert len(cells) > 3000
    assert [c for c in cells if LINE.search(c.split("/obs/")[-1])] == []


def test_keys_do_not_move_with_the_lines() -> None:
    rows = [
        {"source_line": "10", "row_type": "total", "item_code": "grand-total"},
        {"source_line": "11", "row_type": "unit", "unit_name": "某某中心"},
        {"source_line": "12", "row_type": "of-which", "name": "其中：人员经费"},
        {"source_line": "13", "row_type": "item", "functional_code": "2010301"},
        {"source_line": "14", "row_type": "item", "functional_code": "2010301"},
        {"source_line": "15", "row_type": "subtotal"},
    ]
    first = row_keys(rows)
    moved = row_keys([{**r, "source_line": str(int(r["source_line"]) + 500)} for r in rows])
    assert list(first.values()) == list(moved.values())
    assert list(first.values()) == [
        "total-grand-total",
        "unit-mou-mou-zhong-xin",
        "of-which-qi-zhong-ren-yuan-jing-fei",
        "item-2010301",
        "item-2010301-2",
        "subtotal",
    ]
