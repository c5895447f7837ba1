"""PDFium and pdfminer read every vendored PDF alike (service/ingest/pdf/pdfium_page.py).

PDFium gives pdfplumber's pages the objects pdfminer would have given them, so the reading must
not change: the same text lines, the same tables and rows (so the same figures), the same
warnings, page roles and printed-table lists, on the committed sources and on the vendored
real documents. PDFium must also have read pages itself, or the comparison would be empty.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from service.ingest import read_document
from service.ingest.model import Document
from service.ingest.pdf.pdfium_page import BACKEND, backend, use_pdfium
from tests.conftest import ROOT

REAL = ROOT / "tests" / "fixtures" / "real"
DOCUMENTS = sorted((ROOT / "sources").glob("*.pdf")) + sorted(
    path for path in REAL.iterdir() if path.suffix == ".pdf" or path.is_dir()
)


def _read(path: Path, chosen: str, monkeypatch: pytest.MonkeyPatch) -> Document:
    monkeypatch.setenv(BACKEND, chosen)
    return read_document(path)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.stem)
def test_backends_read_alike(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    miner = _read(path, "pdfminer", monkeypatch)
    fast = _read(path, "pdfium", monkeypatch)
    assert fast.text.splitlines() == miner.text.splitlines()
    assert list(fast.tables) == list(miner.tables)
    for name, table in miner.tables.items():
        assert fast.tables[name].fields == table.fields, name
        assert fast.tables[name].rows == table.rows, name
    assert fast.warnings == miner.warnings
    assert fast.pages == miner.pages
    assert fast.listed == miner.listed
    assert fast == miner  # and every other field of the reading


def _given(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    with pdfplumber.open(path) as pdf:
        return use_pdfium(pdf.pages, data), len(pdf.pages)


def test_pdfium_reads_the_pages_it_can() -> None:
    """PDFium reads every page of the committed 司法局 PDF (fonts embedded); of 万里 2025 all
    but the two pages with characters exactly a word gap apart, of the Changsha PDF all but
    the two with lines exactly the line gap apart; the Guangzhou PDF's pages in a font it does
    not embed stay pdfminer's."""
    sources = ROOT / "sources"
    assert _given(REAL / "hunan-changsha-zhijiaojidi-2026-dept-budget.pdf") == (23, 25)
    assert _given(sources / "shanghai-putuo-sfj-2026-dept-budget.pdf") == (23, 23)
    assert _given(sources / "shanghai-putuo-wanli-2025-dept-budget.pdf") == (29, 31)
    given, pages = _given(REAL / "guangdong-guangzhou-tongjiju-2026-dept-budget.pdf")
    assert 0 < pages - given < pages


def test_pdfium_objects_are_pdfminers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Page by page, the characters and edges PDFium gives: pdfminer's, in pdfminer's order,
    boxes within 0.01 pt. Blanks aside: a run of spaces PDFium drops is given as one space."""
    path = REAL / "hunan-changsha-zhijiaojidi-2026-dept-budget.pdf"
    with pdfplumber.open(path) as miner, pdfplumber.open(path) as fast:
        assert use_pdfium(fast.pages, path.read_bytes()) == 23
        for ours, theirs in zip(fast.pages, miner.pages, strict=True):
            for kind in ("chars", "edges"):
                mine, pdfminers = (
                    [o for o in getattr(page, kind) if not o.get("text", "x").isspace()]
                    for page in (ours, theirs)
                )
                assert [o.get("text") for o in mine] == [o.get("text") for o in pdfminers]
                for a, b in zip(mine, pdfminers, strict=True):
                    for key in ("x0", "x1", "top", "bottom"):
                        assert a[key] == pytest.approx(b[key], abs=0.01), (kind, key, a)
    monkeypatch.setenv(BACKEND, "pdfminer")
    with pdfplumber.open(path) as pdf:
        assert use_pdfium(pdf.pages, path.read_bytes()) == 0
    monkeypatch.setenv(BACKEND, "mupdf")
    with pytest.raises(ValueError, match="pdfium or pdfminer"):
        backend()
