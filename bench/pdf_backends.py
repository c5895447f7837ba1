"""python -m bench pdf-backends [PDF...]: where a long PDF's reading time goes, per parser.

The reader's time on a long PDF was pdfminer interpreting content streams (pdfplumber's page
objects); its own segmentation, typing and grids are a small part. This measures, in CPU
seconds, pdfplumber's three stages (page objects, text lines, ruled grids) beside pypdfium2
(PDFium, C++) reading every character box and page object of the same pages, and the
adapter (service/ingest/pdf/pdfium_page.py) that gives pdfplumber's pages PDFium's objects as
pdfminer's; then read_document whole with BUDGETPUB_PDF_BACKEND=pdfminer and =pdfium (its
forked page readers' CPU seconds included).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = (ROOT.parent / "shared" / "sources" / "real").glob("*.pdf")


def _cpu() -> float:
    return time.process_time()


def pdfplumber_stages(path: Path) -> tuple[int, float, float, float]:
    """Pages, and CPU seconds for page objects, text lines and grids (pdfplumber, pdfminer)."""
    import pdfplumber

    from service.ingest.pdf.pages import page_grids

    with pdfplumber.open(path) as pdf:
        start = _cpu()
        for page in pdf.pages:
            page.objects  # noqa: B018 - parsing the content stream is the point
        parsed = _cpu()
        for page in pdf.pages:
            page.extract_text_lines(return_chars=False)
        lines = _cpu()
        for number, page in enumerate(pdf.pages, 1):
            page_grids(page, number)
        grids = _cpu()
        return len(pdf.pages), parsed - start, lines - parsed, grids - lines


def pdfium_objects(path: Path) -> float:
    """CPU seconds for PDFium to give every character box and every page object's bounds."""
    import pypdfium2 as pdfium

    start = _cpu()
    pdf = pdfium.PdfDocument(str(path))
    for index in range(len(pdf)):
        page = pdf[index]
        text = page.get_textpage()
        for char in range(text.count_chars()):
            text.get_charbox(char)
        text.get_text_range()
        for item in page.get_objects():
            item.get_bounds()
    pdf.close()
    return _cpu() - start


def adapter(path: Path) -> tuple[int, float]:
    """Pages PDFium's objects were given to, and CPU seconds for the adapter to give them."""
    import pdfplumber

    from service.ingest.pdf.pdfium_page import use_pdfium

    data = path.read_bytes()
    with pdfplumber.open(path) as pdf:
        start = _cpu()
        given = use_pdfium(pdf.pages, data)
        return given, _cpu() - start


def read_seconds(path: Path, backend: str) -> float:
    """CPU seconds of read_document with the backend chosen, forked page readers included."""
    import os

    from service.ingest import read_document
    from service.ingest.pdf.pdfium_page import BACKEND

    os.environ[BACKEND] = backend
    before = os.times()
    read_document(path)
    after = os.times()
    return sum(after[:4]) - sum(before[:4])


def main(paths: list[Path]) -> None:
    print("CPU seconds (process_time of this process; read: with its forked readers)")
    print(
        f"{'PDF':<55} {'pages':>5} {'objects':>8} {'lines':>6} {'grids':>6} {'pdfium':>7} "
        f"{'x':>5} {'adapted':>8} {'adapter':>8} {'read pdfminer':>14} {'read pdfium':>12}"
    )
    for path in sorted(paths, key=lambda p: p.stat().st_size, reverse=True):
        pages, parsed, lines, grids = pdfplumber_stages(path)
        pdfium = pdfium_objects(path)
        given, adapted = adapter(path)
        print(
            f"{path.name[:55]:<55} {pages:>5} {parsed:8.2f} {lines:6.2f} {grids:6.2f} "
            f"{pdfium:7.2f} {parsed / pdfium if pdfium else 0:5.1f} {given:>4}/{pages:<3} "
            f"{adapted:8.2f} {read_seconds(path, 'pdfminer'):14.2f} "
            f"{read_seconds(path, 'pdfium'):12.2f}"
        )


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or list(DEFAULT)[:5])
