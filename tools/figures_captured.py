"""How many of a PDF's table figures reach a data package.

Usage: python figures_captured.py DOC.pdf [MORE.pdf ...] PACKAGE_DIR
Every number in the PDFs' ruled tables, as pdfplumber's table extraction reads them (cells like
156,211,123.00 or 47.91; integers of 1-3 digits are left out, as they are mostly codes or row
numbers), counts as captured when some CSV cell under PACKAGE_DIR holds it as published, or, read
as 万元, in yuan. Prints the missing figures (page and value, first 20) and a last line
`NAME: figures captured N/M`. Exit 0 when all are captured.
This is the measure the project's real-document evaluation uses; run it with the project's venv.
"""

# Vendored unchanged in what it measures from the project's shared tools
# (../shared/tools/figures_captured.py, the measure issue 13's evaluation uses), so the tests
# and `make corpus-report` run in a clone without ../shared. Only formatting differs (ruff).

import csv
import glob
import re
import sys
from decimal import Decimal, InvalidOperation

import pdfplumber


def figures(pdf: str) -> list[tuple[int, str]]:
    found = []
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, 1):
            for table in page.extract_tables():
                for row in table:
                    for cell in row:
                        text = (cell or "").strip().replace(",", "")
                        if re.fullmatch(r"-?\d+(\.\d+)?", text) and not re.fullmatch(
                            r"\d{1,3}", text
                        ):
                            found.append((number, text))
    return found


def package_cells(package: str) -> set[Decimal]:
    cells = set()
    for path in glob.glob(f"{package}/**/*.csv", recursive=True):
        with open(path, encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                for cell in row:
                    try:  # noqa: SIM105 (kept as the original has it)
                        cells.add(Decimal(cell.strip().replace(",", "")).normalize())
                    except InvalidOperation:
                        pass
    return cells


def main(pdfs: list[str], package: str) -> int:
    have = package_cells(package)
    wanted = [(pdf, page, value) for pdf in pdfs for page, value in figures(pdf)]
    missing = [
        f"{pdf.rsplit('/', 1)[-1]}:p{page}:{value}"
        for pdf, page, value in wanted
        if Decimal(value).normalize() not in have
        and (Decimal(value) * 10000).normalize() not in have
    ]
    if missing:
        print("missing:", " ".join(missing[:20]))
    name = pdfs[0].rsplit("/", 1)[-1]
    print(f"{name}: figures captured {len(wanted) - len(missing)}/{len(wanted)}")
    return 1 if missing or not wanted else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:-1], sys.argv[-1]))
