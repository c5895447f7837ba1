"""Spreadsheet downloads (issue 24, M2 and M4): a header that reads as a formula stays
text, in the xlsx and in the CSV for Excel; and no workbook outlives its request, whether
its body is sent, never read, or never written (HEAD, a 304)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from service.web import sheets
from tests.conftest import SEED_SLUG

FORMULAS = ['=HYPERLINK("http://127.0.0.1:9/","open")', "@SUM(1+1)", "+1+1", "-2+3"]


def test_headers_and_the_about_sheet_are_text(tmp_path: Path) -> None:
    columns = [sheets.SheetColumn(f"c{i}", title) for i, title in enumerate(FORMULAS)]
    columns.append(sheets.SheetColumn("amount", "=1+1", "number"))
    target = tmp_path / "book.xlsx"
    rows = [["a", "b", "c", "d", "1.00"]]
    sheets.write_xlsx(target, columns, rows, [("=cmd|' /C calc'!A0", "=1+2")])
    book = load_workbook(target)
    header = next(book["数据 Data"].iter_rows(min_row=1, max_row=1))
    assert [c.value for c in header] == [*FORMULAS, "=1+1"]
    assert {c.data_type for c in header} == {"s"}
    about = [c for row in book["说明 About"].iter_rows() for c in row if c.value]
    assert about and all(c.data_type == "s" for c in about), [(c.value, c.data_type) for c in about]
    text = b"".join(sheets.csv_chunks(columns, rows, excel=True)).decode("utf-8-sig")
    titles = text.splitlines()[0]
    assert titles.startswith('"=""=HYPERLINK(')  # ="…": a string constant, not the formula
    import csv

    written = next(csv.reader([titles]))
    assert all(cell.startswith('="') for cell in written), written


@pytest.fixture
def temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder the app writes workbooks to, a folder of this test's."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_no_workbook_outlives_its_request(client, temporary: Path) -> None:
    table = f"/datapackages/{SEED_SLUG}/data/expenditure.xlsx"
    export = f"/export/aggregate/expenditure.xlsx?cut=dataset:{SEED_SLUG}"
    for url in (table, export):
        assert client.head(url).status_code == 200
        assert list(temporary.iterdir()) == [], url  # HEAD: nothing written
        sent = client.get(url)
        assert sent.status_code == 200 and sent.data[:2] == b"PK"
        assert list(temporary.iterdir()) == []
        unread = client.get(url, buffered=False)  # a client that hangs up before the body
        assert list(temporary.iterdir()) == []
        unread.close()
    tag = client.get(table).headers["ETag"]
    again = client.get(table, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert list(temporary.iterdir()) == []


def test_an_xlsx_past_the_row_cap_is_a_413_naming_the_csv(
    client, temporary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workbook is written whole in the web worker: past the cap the CSV is the file."""
    monkeypatch.setattr(sheets, "MAX_XLSX_ROWS", 3)
    response = client.get(f"/datapackages/{SEED_SLUG}/data/expenditure.xlsx")
    assert response.status_code == 413
    assert response.get_json()["type"].endswith("/export-too-large")
    assert "CSV" in response.get_json()["detail"]
    assert list(temporary.iterdir()) == []
    assert client.get(f"/datapackages/{SEED_SLUG}/data/expenditure.csv").status_code == 200
