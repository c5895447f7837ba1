"""python -m bench pdf-backends [PDF...]: where a long PDF's reading time goes, and what another
parser would give.

The reader's time on a long PDF is pdfminer interpreting content streams (pdfplumber's page
objects); its own segmentation, typing and grids are a small part. This measures, in CPU
seconds on one core, pdfplumber's three stages (page objects, text lines, ruled grids) beside
pypdfium2 (PDFium, C++) reading every character box and page object of the same pages: the
bound on what swapping the parser could win. Grids must stay pdfplumber's: they are what the
evaluation's figure measure reads, so a faster parser would have to feed the same table finder.
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


def main(paths: list[Path]) -> None:
    print("CPU seconds on one core (time.process_time of this process; no forked readers)")
    print(
        f"{'PDF':<55} {'pages':>5} {'objects':>8} {'lines':>6} {'grids':>6} {'pdfium':>7} {'x':>5}"
    )
    for path in sorted(paths, key=lambda p: p.stat().st_size, reverse=True):
        pages, parsed, lines, grids = pdfplumber_stages(path)
        pdfium = pdfium_objects(path)
        print(
            f"{path.name[:55]:<55} {pages:>5} {parsed:8.2f} {lines:6.2f} {grids:6.2f} "
            f"{pdfium:7.2f} {parsed / pdfium if pdfium else 0:5.1f}"
        )


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or list(DEFAULT)[:5])
