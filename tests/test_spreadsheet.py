"""The downloads offered for Excel, opened by a real spreadsheet program: LibreOffice Calc
headless (Debian's libreoffice-calc-nogui; .ci/run installs it) reads each file as a person
opening it would and saves what it understood as xlsx, which openpyxl then reads back.

A code must come out as the text it was (015, 41039524000000012827) and an amount as the
number the package holds, in yuan (1485300, the seed's 148.53 万元).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import SEED_SLUG

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
WANLI = "shanghai-putuo-wanli-2023-dept-budget"
pytestmark = pytest.mark.skipif(  # never under CI=true: .ci/run installs it
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui; .ci/run does)",
)
# What opening a UTF-8 CSV does: comma-separated, "-quoted, UTF-8 (the BOM says so), from line 1.
CSV_FILTER = "Text - txt - csv (StarCalc):44,34,76,1"


def calc(files: list[Path], out: Path, profile: Path, infilter: str | None = None) -> None:
    """LibreOffice opens each file and saves it as xlsx in `out`."""
    assert SOFFICE is not None, "LibreOffice (soffice) is not installed: .ci/run installs it"
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        "xlsx",
        "--outdir",
        str(out),
        *map(str, files),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=180)


@pytest.fixture(scope="module")
def opened(client_module, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every download of interest, as LibreOffice read it: name → {sheet: rows}."""
    from openpyxl import load_workbook

    root = tmp_path_factory.mktemp("calc")
    downloads = root / "downloads"
    downloads.mkdir()
    wanted = {
        "project.csv": f"/datapackages/{SEED_SLUG}/data/project_expenditure.excel.csv",
        "expenditure.csv": f"/datapackages/{SEED_SLUG}/data/expenditure.excel.csv",
        "printed.csv": f"/datapackages/{WANLI}/data/table_p31.excel.csv",
        "project.xlsx": f"/datapackages/{SEED_SLUG}/data/project_expenditure.xlsx",
        "summary.xlsx": f"/datapackages/{SEED_SLUG}/data/summary_income.xlsx",
        "code.csv": "/export/code/functional/2010301.excel.csv",
        "code.xlsx": "/export/code/economic-departmental/30101.xlsx",
    }
    for name, path in wanted.items():
        response = client_module.get(path)
        assert response.status_code == 200, path
        (downloads / name).write_bytes(response.data)
    out = root / "out"
    csvs = sorted(downloads.glob("*.csv"))
    calc(csvs, out / "csv", root / "profile", CSV_FILTER)
    calc(sorted(downloads.glob("*.xlsx")), out / "xlsx", root / "profile")
    found: dict[str, dict] = {}
    for name in wanted:
        folder = "csv" if name.endswith(".csv") else "xlsx"
        book = load_workbook(out / folder / f"{Path(name).stem}.xlsx", data_only=True)
        found[name] = {
            sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets
        }
    return found


@pytest.fixture(scope="module")
def client_module(app):
    return app.test_client()


def rows_of(book: dict) -> list[list]:
    return book[next(name for name in book if name != "说明 About")]


def test_excel_csv_keeps_codes_as_text_and_amounts_as_numbers(opened) -> None:
    rows = rows_of(opened["project.csv"])
    header = rows[0]
    assert header[:4] == ["来源行号", "行类型", "单位代码", "项目编码"]
    assert header[7] == "合计（元）"
    department = next(r for r in rows if r[1] == "department")
    assert department[2] == "015"  # not 15
    project = next(r for r in rows if r[3] == "41039524000000012827")  # not 4.1039524E+19
    assert isinstance(project[3], str)
    assert project[5] == "政府网站等级保护安全防护产品项目"
    assert project[7] == 81700 and isinstance(project[7], int | float)  # 8.17 万元
    total = next(r for r in rows if r[1] == "total")
    assert total[7] == 410500  # 41.05 万元 in yuan


def test_excel_csv_functional_codes_stay_text(opened) -> None:
    rows = rows_of(opened["expenditure.csv"])
    header = rows[0]
    code, total = header.index("功能分类科目编码"), header.index("合计（元）")
    running = next(r for r in rows if r[code] == "2010301")
    assert running[header.index("名称")] == "行政运行"
    assert running[total] == 885200  # 88.52 万元
    assert rows[1][total] == 1485300  # the 合计 row: 148.53 万元


def test_table_kept_as_printed_opens_with_its_printed_numbers(opened) -> None:
    rows = rows_of(opened["printed.csv"])
    first = rows[1]
    assert first[:3] == [1, 31, 533]
    assert first[3] == "项目资金（元）" and first[7] == 4100000


def test_xlsx_opens_with_about_sheet_and_one_header_row(opened) -> None:
    book = opened["project.xlsx"]
    assert list(book) == ["说明 About", "数据 Data"]
    about = {row[0]: row[1] for row in book["说明 About"] if row and row[0]}
    assert about["部门 Department"] == "洛阳市城乡一体化示范区政务服务中心"
    assert about["年度 Fiscal year"] == "2024"
    assert about["金额单位 Unit"].startswith("元 yuan")
    data = book["数据 Data"]
    assert data[0][7] == "合计（元）" and data[1][1] == "total"
    project = next(r for r in data if r[3] == "41039524000000012827")
    assert Decimal(str(project[7])) == Decimal("81700")
    summary = opened["summary.xlsx"]["数据 Data"]
    assert summary[0][-1] == "收入·金额（元）"  # the income side says income
    assert summary[1][2] == "一、一般公共预算" and summary[1][4] == 1485300


def test_code_page_export_opens_with_codes_as_text(opened, client_module) -> None:
    """The code page's every amount (2010301 行政运行 in the seed: 88.52 万元 in 合计 of the
    支出预算表, line 238), as Calc reads the Excel CSV: the code stays 2010301 text, the amount
    is the number of yuan, every amount the page counts is a row."""
    rows = rows_of(opened["code.csv"])
    header = rows[0]
    assert header[:2] == ["数据集", "数据集标题"] and "金额（元）" in header
    first = dict(zip(header, rows[1], strict=True))
    assert first["科目代码"] == "2010301" and isinstance(first["科目代码"], str)
    assert first["行号"] == 238 and first["列"] == "total"
    assert Decimal(str(first["金额（元）"])) == Decimal("885200")
    assert first["公布单位"] == "万元" and Decimal(str(first["金额（公布单位）"])) == Decimal(
        "88.52"
    )
    page = client_module.get("/code/functional/2010301").data.decode()
    assert f"共 {len(rows) - 1} 个金额" in page


def test_code_page_xlsx_holds_every_amount_under_the_code(opened) -> None:
    """30101 基本工资 and nothing narrower: each row's code is 30101, amounts are numbers."""
    rows = rows_of(opened["code.xlsx"])
    header = rows[0]
    body = [dict(zip(header, row, strict=True)) for row in rows[1:] if any(row)]
    assert body and {row["科目代码"] for row in body} == {"30101"}
    assert all(isinstance(row["金额（元）"], (int, float)) for row in body)
