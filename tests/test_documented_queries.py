"""Documented queries run (issue 27, finding 11): every SPARQL query the README, the vocab
README and the /sparql page's examples give parses and returns rows on the real documents'
build (the committed packages and tests/fixtures/real)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import Store

from service.web.sparql import EXAMPLES
from tests.conftest import ROOT, load_dumps

BLOCK = re.compile(r"```sparql\n(.*?)```", re.S)
INLINE_TOTAL = re.compile(r"`(\?cell bp:functionalClassification <[^`]+>)`")


def _documented() -> list[tuple[str, str]]:
    found = []
    for doc in (ROOT / "README.md", ROOT / "vocab" / "README.md"):
        text = doc.read_text("utf-8")
        found += [(f"{doc.name} block {n}", q) for n, q in enumerate(BLOCK.findall(text))]
        for pattern in INLINE_TOTAL.findall(text):  # a pattern quoted in the prose
            query = "PREFIX bp: <https://w3id.org/budgetpub/def#>\nSELECT ?cell WHERE { %s }"
            found.append((f"{doc.name}: {pattern}", query % pattern))
    found += [(title, query) for title, query in EXAMPLES]
    return found


@pytest.fixture(scope="module")
def store(real_site: Path) -> Store:
    loaded = Store()
    load_dumps(loaded, sorted((real_site / "var" / "rdf").glob("*.nt")))
    return loaded


def test_every_documented_query_returns_rows(store: Store) -> None:
    queries = _documented()
    assert len(queries) >= 8
    empty = []
    for title, query in queries:
        result = store.query(query)
        rows = [result] if isinstance(result, bool) else list(result)
        if not rows or rows == [False]:
            empty.append(title)
    assert empty == []
