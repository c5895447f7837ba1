"""Published PDFs in the Shanghai template: golden figures, every table number found, packages."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest

from service.audit import run_audit
from service.ingest import read_document
from service.ingest.model import Document
from service.package.writer import write_package
from tests.conftest import ROOT

SOURCES = ROOT / "sources"
SLUGS = (
    "shanghai-putuo-wanli-2023-dept-budget",
    "shanghai-putuo-wanli-2025-dept-budget",
    "shanghai-putuo-sfj-2026-dept-budget",
)
_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+(\.\d+)?$")


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {slug: read_document(SOURCES / f"{slug}.pdf") for slug in SLUGS}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def table_numbers(pdf_path: Path) -> Counter[Decimal]:
    """Every number printed in the table pages, by pdfplumber's own text, in yuan.

    Table pages run from the 财务收支预算总表 to the 三公 table (in 万元); the leading
    functional or economic code of a row (201 05 06) is a code, not an amount.
    """
    found: Counter[Decimal] = Counter()
    inside = False
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            text = page.extract_text() or ""
            lines = text.splitlines()
            head = "".join(lines[:3])
            if "财务收支预算总表" in head:
                inside = True
            if not inside:
                continue
            three_public = "三公" in head and "机关运行经费" in head
            for line in lines:
                tokens = line.split()
                if not three_public and tokens and re.fullmatch(r"\d{3}", tokens[0]):
                    tokens = tokens[1:]
                    while tokens and re.fullmatch(r"\d{2}", tokens[0]):
                        tokens = tokens[1:]
                for token in tokens:
                    if _NUMBER.match(token):
                        value = Decimal(token.replace(",", ""))
                        found[value * (10000 if three_public else 1)] += 1
            if three_public:
                break
    return found


@pytest.mark.parametrize("slug", SLUGS)
def test_every_table_number_is_in_the_package(slug: str) -> None:
    """The committed package's facts hold each printed table figure exactly once."""
    facts = read_csv(ROOT / "datapackages" / slug / "data" / "facts.csv")
    in_package = Counter(Decimal(f["printed_amount"]) for f in facts)
    printed = table_numbers(SOURCES / f"{slug}.pdf")
    assert sum(printed.values()) > 100
    assert printed == in_package


def test_golden_2023(docs: dict[str, Document]) -> None:
    doc = docs["shanghai-putuo-wanli-2023-dept-budget"]
    assert doc.template == "shanghai-department-budget"
    assert doc.department == "上海市普陀区人民政府万里街道办事处"
    assert doc.fiscal_year == 2023
    spend = doc.tables["expenditure"]
    total = spend.first("total")
    assert (total["total"], total["basic_total"], total["project_total"]) == (
        Decimal(164978640),
        Decimal(99406297),
        Decimal(65572343),
    )
    # 类 and 款 rows are subtotals, never counted with the items
    assert sum(r["total"] for r in spend.items()) == total["total"]
    kinds = Counter(r["row_type"] for r in spend.rows)
    assert kinds == {"item": 34, "subtotal": 32, "total": 1}
    row = next(r for r in spend.rows if r["functional_code"] == "2080505")
    assert row["name"] == "机关事业单位基本养老保险缴费支出"  # wrapped over three text lines
    # the table over four pages, its repeated headers dropped
    general = doc.tables["general_budget_expenditure"]
    assert [r["functional_code"] for r in general.rows] == [
        r["functional_code"] for r in spend.rows
    ]
    three = doc.tables["three_public_expenses"].rows[0]
    assert three["total"] == Decimal("229100.00") and three["operating_costs"] == Decimal(
        "7860900.00"
    )
    assert doc.tables["three_public_expenses"].unit == "万元"
    assert doc.tables["income"].first("total")["business_income"] is None  # blank, not 0
    assert doc.tables["government_fund_expenditure"].rows == []
    assert "空表" in doc.tables["government_fund_expenditure"].notes[0]
    summary = {r["item_code"]: r for r in doc.tables["summary_expenditure"].rows}
    assert summary["212"]["amount"] == Decimal(121319878)  # 七、城乡社区支出 is class 212
    assert len(doc.responsibilities) == 9 and len(doc.glossary) == 4
    assert doc.project_descriptions[0]["annual_budget"].startswith("第一季度用款计划25.88万元")


def test_golden_2026_blank_zero_and_decimals(docs: dict[str, Document]) -> None:
    doc = docs["shanghai-putuo-sfj-2026-dept-budget"]
    income = doc.tables["income"].first("total")
    assert income["total"] == Decimal("96282213.44")
    assert income["business_income"] == Decimal("0.00")  # a published 0.00 stays 0.00
    basic = doc.tables["general_budget_basic_expenditure"]
    assert basic.first("total")["public"] == Decimal("2178324.44")
    assert sum(r["total"] for r in basic.items()) == basic.first("total")["total"]
    assert len(doc.responsibilities) == 10  # the duplicated page is not read twice
    counts = {f.subject: f.value for f in doc.figures if f.kind == "count" and f.unit == "家"}
    assert counts["列出的预算单位"] == 2


def test_audit_names_where_the_document_disagrees(docs: dict[str, Document]) -> None:
    failing = {
        slug: sorted(c.id for c in run_audit(doc) if c.status == "fail")
        for slug, doc in docs.items()
    }
    # 2025: the 212 01 款 row is 1 元 more than its items (94,995,790 vs 94,995,789)
    assert "subtotal:expenditure:21201:total" in failing["shanghai-putuo-wanli-2025-dept-budget"]
    # 2023 item 16 states 441.25万元 planned (item 15's figure) for a 220.63万元 line
    assert any(
        "职业年金" in i and i.endswith(":planned")
        for i in failing["shanghai-putuo-wanli-2023-dept-budget"]
    )
    # 2026: 2025 executed 43269.3万元 for a 3845.49万元 line said to grow 17.62%
    assert any("2040699:growth" in i for i in failing["shanghai-putuo-sfj-2026-dept-budget"])
    assert sum(len(ids) for ids in failing.values()) == 12


@pytest.mark.parametrize("slug", SLUGS)
def test_committed_package_is_not_stale(
    slug: str, docs: dict[str, Document], tmp_path: Path
) -> None:
    doc = docs[slug]
    built = write_package(doc, run_audit(doc), tmp_path)
    committed = ROOT / "datapackages" / slug
    files = sorted(p.relative_to(built) for p in built.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    for relative in files:
        assert (built / relative).read_bytes() == (committed / relative).read_bytes(), relative
    meta = (built / "datapackage.json").read_text("utf-8")
    assert '"template": "shanghai-department-budget"' in meta


def _pages(tmp_path: Path, indices: list[int], name: str = "cut.pdf") -> Path:
    """A PDF made of some pages of the 2023 document (0-based)."""
    source = pypdfium2.PdfDocument(str(SOURCES / f"{SLUGS[0]}.pdf"))
    new = pypdfium2.PdfDocument.new()
    new.import_pages(source, indices)
    buffer = io.BytesIO()
    new.save(buffer)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def test_pages_out_of_the_template_are_kept_and_said(tmp_path: Path) -> None:
    """A table page with no title after a finished table: the strict Shanghai reading fails,
    the national reader keeps every table as printed and names each one in a warning."""
    document = read_document(_pages(tmp_path, [9, 15]))
    assert document.template == "cn-national-pdf"
    income, spend = document.tables["summary_income"], document.tables["summary_expenditure"]
    assert income.recognised == spend.recognised == "summary"
    assert income.pages == [1] and income.unit == "元"
    grand = next(row for row in income.rows if row["item_code"] == "grand-total")
    assert grand["amount"] == next(r for r in spend.rows if r["row_type"] == "total")["amount"]
    orphan = document.tables["table_p2"]
    assert orphan.recognised is None and orphan.pages == [2]
    first, third = orphan.rows[0], orphan.rows[2]
    assert (first["c01"], first["c02"], first["c04"]) == ("204", None, "公共安全支出")
    assert (third["c01"], third["c02"], third["c03"]) == ("204", "06", "07")  # codes stay text
    assert first["c05"] == Decimal("1252300") and third["c07"] == Decimal("150000")
    warned = {w.table: w for w in document.warnings}
    assert "pages [2]" in warned["table_p2"].message
    assert warned["table_p2"].type == "generic-table"


def test_cut_off_and_missing_tables_are_read_as_far_as_they_go(tmp_path: Path) -> None:
    # stops inside the 支出预算总表: what is there is read, nothing else is made up
    document = read_document(_pages(tmp_path, list(range(15))))
    kinds = {t.recognised for t in document.tables.values()}
    assert {"summary", "income", "expenditure"} <= kinds
    assert "general_budget_basic" not in kinds
    expenditure = next(t for t in document.tables.values() if t.recognised == "expenditure")
    assert expenditure.title == "2023年部门支出预算总表" and expenditure.pages == [15]
    rows = {row["functional_code"]: row for row in expenditure.rows}
    assert None not in rows  # cut off before its 合计
    assert (rows["201"]["row_type"], rows["20105"]["row_type"]) == ("subtotal", "subtotal")
    assert rows["2010506"]["row_type"] == "item" and rows["2010506"]["total"] == Decimal(26300)
    assert document.department == "上海市普陀区人民政府万里街道办事处"
    assert document.fiscal_year == 2023


def test_recognised_by_content_not_extension(tmp_path: Path) -> None:
    path = tmp_path / "budget.txt"
    shutil.copy(SOURCES / f"{SLUGS[2]}.pdf", path)
    assert read_document(path).template == "shanghai-department-budget"
