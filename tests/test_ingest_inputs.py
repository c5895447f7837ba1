"""What a run is given: folders of documents, odd files, clashing names, encodings.

Every document is read or refused with a clear error naming the file; nothing is skipped in
silence and no package is ever replaced by another document's.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest

from service.corpus.documents import find_documents
from service.errors import InputError
from service.ingest import read_document
from service.ingest.reader import decode
from service.inspect import inspect
from tests.conftest import ROOT

SOURCES = ROOT / "sources"
SEED = SOURCES / "luoyang-sfq-zwfwzx-2024-budget.txt"
WANLI = SOURCES / "shanghai-putuo-wanli-2023-dept-budget.pdf"
SFJ = SOURCES / "shanghai-putuo-sfj-2026-dept-budget.pdf"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args], cwd=ROOT, capture_output=True, text=True
    )


def _pdf_pages(source: Path, indices: list[int], target: Path) -> Path:
    new = pypdfium2.PdfDocument.new()
    new.import_pages(pypdfium2.PdfDocument(str(source)), indices)
    buffer = io.BytesIO()
    new.save(buffer)
    target.write_bytes(buffer.getvalue())
    return target


def test_a_corpus_folder_names_what_it_skips(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "seed.TXT")
    shutil.copy(SFJ, tmp_path / "SFJ.PDF")
    (tmp_path / "notes.doc").write_text("not a budget")
    (tmp_path / "empty-folder").mkdir()
    parts = tmp_path / "two-files"
    parts.mkdir()
    _pdf_pages(WANLI, [0, 1, 2], parts / "1-shuoming.pdf")
    _pdf_pages(WANLI, [9, 10], parts / "2-baobiao.pdf")
    found = find_documents([tmp_path])
    assert [p.name for p in found.documents] == ["SFJ.PDF", "seed.TXT", "two-files"]
    assert {p.name: why for p, why in found.skipped} == {
        "empty-folder": "a folder with no PDF file",
        "notes.doc": "not a document (.doc)",
    }


def test_a_document_in_two_files_is_one_package(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    parts = corpus / "wanli-2023"
    parts.mkdir(parents=True)
    first = _pdf_pages(WANLI, [0, 1, 2], parts / "1-shuoming.pdf")
    second = _pdf_pages(WANLI, [9, 10], parts / "2-baobiao.pdf")
    out = tmp_path / "out"
    result = _cli("ingest", str(corpus), "--out", str(out), "-q", "--no-combined")
    assert result.returncode == 0, result.stdout + result.stderr
    package = out / "wanli-2023"
    meta = json.loads((package / "datapackage.json").read_text("utf-8"))
    assert meta["department"] == "上海市普陀区人民政府万里街道办事处" and meta["fiscalYear"] == 2023
    assert (package / "source" / "1-shuoming.pdf").read_bytes() == first.read_bytes()
    assert (package / "source" / "2-baobiao.pdf").read_bytes() == second.read_bytes()
    names = {r["name"]: r for r in meta["resources"]}
    assert names["source_part_2"]["path"] == "source/2-baobiao.pdf"
    assert [p["path"] for p in meta["sourceParts"]] == [
        "source/1-shuoming.pdf",
        "source/2-baobiao.pdf",
    ]
    summary = next(t for t in meta["tables"] if t["resource"] == "summary_income")
    assert summary["pages"] == [4]  # page 1 of the second file, numbered through both
    assert stat.S_IMODE(package.stat().st_mode) == 0o755  # public, not mkdtemp's 0700
    again = _cli("ingest", str(corpus), "--out", str(out), "--no-combined")
    assert "1 unchanged" in again.stdout


def test_a_name_clash_is_an_error_never_an_overwrite(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    shutil.copy(SEED, first / "预算一.txt")
    shutil.copy(SFJ, second / "预算一.pdf")
    out = tmp_path / "out"
    assert _cli("ingest", str(first), "--out", str(out), "-q", "--no-combined").returncode == 0
    slug = "yu-suan-yi"  # Chinese names are spelled in pinyin, not all 'document'
    before = (out / slug / "datapackage.json").read_bytes()
    clash = _cli("ingest", str(second), "--out", str(out), "--no-combined", "--force")
    assert clash.returncode == 1
    assert "is taken by 洛阳市城乡一体化示范区政务服务中心 2024" in clash.stdout
    assert (out / slug / "datapackage.json").read_bytes() == before


def test_odd_files_get_clear_errors(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as raised:
        read_document(fifo)  # a FIFO would block a plain read forever
    assert raised.value.type == "not-a-file"
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")
    with pytest.raises(InputError) as raised:
        read_document(zero)
    assert raised.value.type == "not-a-file"
    text = SEED.read_text("utf-8")
    assert decode(text.encode("utf-16"), "x.txt") == text.replace("\r\n", "\n")
    with pytest.raises(InputError) as raised:
        decode(text.encode("big5", errors="ignore"), "big5.txt")
    assert raised.value.type == "unsupported-encoding" and "Big5" in raised.value.message


def test_an_encrypted_pdf_says_so(tmp_path: Path) -> None:
    import pikepdf

    locked = tmp_path / "locked.pdf"
    with pikepdf.open(SFJ) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(InputError) as raised:
        read_document(locked)
    assert raised.value.type == "encrypted-pdf" and "password" in raised.value.message


def test_inspect_says_what_each_page_is() -> None:
    lines = inspect(SFJ)
    text = "\n".join(lines)
    assert lines[1].startswith("  上海市普陀区司法局 · 2026 · department budget")
    assert "  page 1: cover" in text
    roles = [line.split(": ", 1)[1].split(" ")[0] for line in lines if line.startswith("  page ")]
    assert roles.count("table") >= 9
    assert "→ summary_income: typed" in text


def test_a_flate_bomb_fails_alone_within_the_memory_cap(tmp_path: Path) -> None:
    """1.5 MB that inflates to 1.5 GB: that document fails at the cap, the next is written."""
    import zlib

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    data = zlib.compress(b" " * (1500 * 2**20), 9)
    head = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
        b"4 0 obj<</Length " + str(len(data)).encode() + b"/Filter/FlateDecode>>stream\n"
    )
    (corpus / "bomb.pdf").write_bytes(head + data + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n")
    shutil.copy(SFJ, corpus / "sfj.pdf")
    out = str(tmp_path / "o")
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", "ingest", str(corpus), "--out", out, "--jobs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "BUDGETPUB_INGEST_MEMORY": str(2**30)},
    )
    assert result.returncode == 1
    assert "FAILED" in result.stdout and "bomb.pdf" in result.stdout
    assert "ok " in result.stdout and "sfj.pdf" in result.stdout
    assert (tmp_path / "o" / "sfj" / "datapackage.json").is_file()
    assert not (tmp_path / "o" / "bomb").exists()


def test_the_audit_names_tables_the_contents_list_but_the_document_lacks(tmp_path: Path) -> None:
    """长沙职教基地 without its 三公 page (p20): the 目录 on p2 lists it, the audit says so."""
    from service.audit import run_audit

    source = ROOT / "tests/fixtures/real/hunan-changsha-zhijiaojidi-2026-dept-budget.pdf"
    kept = [i for i in range(25) if i != 19]
    document = read_document(_pdf_pages(source, kept, tmp_path / "no-three-public.pdf"))
    assert "三公" in "".join(item.title for item in document.listed)
    checks = {c.id: c for c in run_audit(document)}
    missing = checks["missing-table:three_public"]
    assert missing.status == "warn" and "目录 (page 2)" in missing.message
    assert "'7、一般公共预算三公经费支出表': not in the document" in missing.message
    assert "missing-table:summary" not in checks  # listed and present


def test_a_fund_with_money_and_no_table_fails() -> None:
    from decimal import Decimal

    from service.audit.completeness import completeness_checks
    from service.ingest.model import Document, Table

    income = Table("summary_income", "summary", "收支总表", 1, None, "万元", ["item"])
    income.rows = [
        {
            "source_line": 3,
            "row_type": "item",
            "item": "二、政府性基金预算拨款收入",
            "item_code": "government-fund",
            "amount": Decimal("1200000"),
        },
        {
            "source_line": 4,
            "row_type": "item",
            "item": "三、国有资本经营预算拨款收入",
            "item_code": "state-capital",
            "amount": None,
        },
    ]
    document = Document("x.pdf", "0", "", "t", "部门", 2026, "万元")
    document.tables = {"summary_income": income}
    found = {c.id: c for c in completeness_checks(document)}
    assert found["required-table:government_fund_expenditure"].status == "fail"
    assert found["required-table:government_fund_expenditure"].line == 3
    assert "required-table:state_capital_expenditure" not in found  # blank: no money


def test_a_document_with_no_ruled_table_keeps_its_text(tmp_path: Path) -> None:
    """Prose pages only: the document is read, says it found no table, and is not an error."""
    document = read_document(_pdf_pages(WANLI, [1, 2, 3], tmp_path / "prose.pdf"))
    assert document.tables == {}
    assert [w.type for w in document.warnings] == ["no-ruled-table"]
    assert "上海市普陀区人民政府万里街道办事处" in document.text
    assert [page.role for page in document.pages] == ["contents", "prose", "prose"]


def test_typed_readings_can_be_turned_off_for_the_fallback() -> None:
    """What ingest falls back to when a typed reading cannot be packaged: every table as
    printed, the same figures."""
    source = ROOT / "tests/fixtures/real/jiangsu-wuxi-shangwuju-2026-dept-budget.pdf"
    typed = read_document(source)
    printed = read_document(source, typed=False)
    assert "expenditure" in typed.tables and "expenditure" not in printed.tables
    assert {t.kind for t in printed.tables.values()} == {"generic"}
    assert printed.tables["table_expenditure"].recognised == "expenditure"
    assert (printed.department, printed.fiscal_year) == (typed.department, typed.fiscal_year)


def test_the_beijing_tables_file_alone_names_its_department_and_year() -> None:
    """北京's 报表 print the department once (预算13表) and no year in their titles."""
    document = read_document(
        ROOT / "tests/fixtures/real/beijing-beijing-shenjiju-2026-dept-budget/2-baobiao.pdf"
    )
    assert (document.department, document.fiscal_year) == ("北京市审计局", 2026)


def test_a_year_printed_nowhere_is_the_year_the_pdf_was_made(tmp_path: Path) -> None:
    import pikepdf

    source = ROOT / "tests/fixtures/real/guangdong-guangzhou-tongjiju-2026-dept-budget.pdf"
    fragment = tmp_path / "fragment.pdf"
    with pikepdf.open(source) as pdf:
        kept = pikepdf.new()
        kept.pages.extend(pdf.pages[15:18])  # 表7, 表8: no year on these pages
        kept.docinfo["/CreationDate"] = "D:20260301120000+08'00'"
        kept.save(fragment)
    document = read_document(fragment)
    assert document.fiscal_year == 2026
    assert [w.type for w in document.warnings if w.type.startswith("year")] == [
        "year-from-pdf-date"
    ]
