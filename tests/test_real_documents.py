"""Real disclosures from eight regions (tests/fixtures/real): golden figures checked by hand.

Every value below was read off the PDF's own text (pdfplumber's extract_text, page by page)
and written here by hand: typed tables in yuan as Decimals (6,453.03 万元 is 64530300), tables
kept as printed as published (every printed digit, thousands separators dropped: 9,433.72 is
"9433.72"; a blank cell stays blank). A value that shows a reader bug is written as it should
be and marked xfail(strict=True), so the test turns red the day the reader is fixed.

The documents, their sources and licence: tests/fixtures/real/README.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from service import cli
from service.audit import run_audit
from service.ingest import read_document
from service.ingest.catalogue import CORE
from service.ingest.cells import normalise
from service.ingest.layouts import layout_by_kind
from service.ingest.model import Document, ReaderWarning, Row, Table
from service.ingest.pdf.typed import Columns, code_and_name, split_code
from service.package.writer import write_package
from tests.conftest import ROOT
from tools import figures_captured

REAL = ROOT / "tests" / "fixtures" / "real"
GUANGZHOU = "guangdong-guangzhou-tongjiju-2026-dept-budget"
BEIJING = "beijing-beijing-shenjiju-2026-dept-budget"  # a folder: 说明 + 报表
WUXI = "jiangsu-wuxi-shangwuju-2026-dept-budget"
HANGZHOU = "zhejiang-hangzhou-qixiangju-2026-dept-budget"
FUZHOU = "fujian-fuzhou-yibaoju-2026-dept-budget"
CHONGQING = "chongqing-chongqing-zhengfubangongting-2026-dept-budget"
SHANGHAI = "shanghai-shanghai-wenwubaohuzhongxin-2026-unit-budget"
CHANGSHA = "hunan-changsha-zhijiaojidi-2026-dept-budget"
DOCUMENTS = (GUANGZHOU, BEIJING, WUXI, HANGZHOU, FUZHOU, CHONGQING, SHANGHAI, CHANGSHA)


def source(slug: str) -> Path:
    folder = REAL / slug
    return folder if folder.is_dir() else REAL / f"{slug}.pdf"


def pdfs(slug: str) -> list[Path]:
    path = source(slug)
    return sorted(path.glob("*.pdf")) if path.is_dir() else [path]


@pytest.fixture(scope="module")
def real() -> Callable[[str], Document]:
    """Each document read once for the module (a PDF takes 1-4 s)."""
    read: dict[str, Document] = {}

    def get(slug: str) -> Document:
        if slug not in read:
            read[slug] = read_document(source(slug))
        return read[slug]

    return get


@pytest.fixture(scope="module")
def packages(
    real: Callable[[str], Document], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], Path]:
    """Each document's package, written once with the audit, schema-checked."""
    out = tmp_path_factory.mktemp("real-packages")
    written: dict[str, Path] = {}

    def get(slug: str) -> Path:
        if slug not in written:
            document = real(slug)
            written[slug] = write_package(document, run_audit(document), out, validate="schema")
        return written[slug]

    return get


# helpers: find a table by what it is, a row by its code or its printed label


def table_of(document: Document, kind: str) -> Table:
    found = [t for t in document.tables.values() if t.recognised == kind]
    assert found, f"no table recognised as {kind}: {sorted(document.tables)}"
    return min(found, key=lambda t: t.pages)


def line(document: Document, resource: str, item: str) -> Row:
    """The line of one side of a typed 收支总表 whose 项目 is printed so (spaces aside)."""
    found = [r for r in document.tables[resource].rows if normalise(r["item"]) == item]
    assert len(found) == 1, f"{resource}: {len(found)} lines {item!r}"
    return found[0]


def coded(table: Table, code: str) -> Row:
    key = "functional_code" if "functional_code" in table.fields else "economic_departmental_code"
    found = [row for row in table.rows if row.get(key) == code]
    assert len(found) == 1, f"{table.title}: {len(found)} rows coded {code}"
    return found[0]


def total(table: Table) -> Row:
    found = [row for row in table.rows if row["row_type"] == "total"]
    assert len(found) == 1, f"{table.title}: {len(found)} total rows"
    return found[0]


def amounts(row: Row, *fields: str) -> tuple[Decimal | None, ...]:
    return tuple(row.get(name) for name in fields)


def printed(table: Table) -> list[list[str]]:
    """A table kept as printed, row by row, each cell as published ('' for a blank)."""
    assert table.kind == "generic", f"{table.title} is typed ({table.kind}), not as printed"
    names = [column["name"] for column in table.columns if re.fullmatch(r"c\d+", column["name"])]
    return [["" if row.get(n) is None else str(row[n]) for n in names] for row in table.rows]


def printed_row(table: Table, *leading: str) -> list[str]:
    """The as-printed row whose first filled cells are these labels."""
    rows = [r for r in printed(table) if [c for c in r if c][: len(leading)] == list(leading)]
    assert len(rows) == 1, f"{table.title}: {len(rows)} rows starting {leading}"
    return rows[0]


# what each document is


@pytest.mark.parametrize(
    ("slug", "department", "year", "kind"),
    [
        (GUANGZHOU, "广州市统计局", 2026, "department"),
        (BEIJING, "北京市审计局", 2026, "department"),
        (WUXI, "无锡市商务局", 2026, "department"),
        (HANGZHOU, "杭州市气象局", 2026, "department"),
        (FUZHOU, "福州市医疗保障局", 2026, "department"),
        (CHONGQING, "重庆市人民政府办公厅", 2026, "department"),
        (SHANGHAI, "上海市文物保护研究中心", 2026, "unit"),
        (CHANGSHA, "长沙职业教育基地综合协调办公室", 2026, "department"),
    ],
)
def test_department_year_and_kind(
    real: Callable[[str], Document], slug: str, department: str, year: int, kind: str
) -> None:
    document = real(slug)
    assert (document.department, document.fiscal_year, document.document_kind) == (
        department,
        year,
        kind,
    )
    assert document.template == "cn-national-pdf"


# the seven core tables: each document prints all of them; label and pages as printed
CORE_TABLES: dict[str, dict[str, tuple[str | None, list[int]]]] = {
    GUANGZHOU: {
        "summary": ("表1", [6, 7]),
        "income": ("表2", [8]),
        "expenditure": ("表3", [9, 10]),
        "fiscal_summary": ("表4", [11, 12]),
        "general_budget_expenditure": ("表5", [13]),
        "general_budget_basic": ("表6", [14, 15]),
        "three_public": ("表8", [17]),
    },
    BEIJING: {  # pages counted through both files: the 说明 has 10
        "summary": ("预算01表", [11]),
        "income": ("预算02表", [12]),
        "expenditure": ("预算03表", [13]),
        "fiscal_summary": ("预算04表", [14]),
        "general_budget_expenditure": ("预算05表", [15]),
        "general_budget_basic": ("预算06表", [16]),
        "three_public": ("预算09表", [19]),
    },
    WUXI: {
        "summary": ("公开01表", [9]),
        "income": ("公开02表", [10]),
        "expenditure": ("公开03表", [11, 12]),
        "fiscal_summary": ("公开04表", [13, 14]),
        "general_budget_expenditure": ("公开07表", [18, 19]),
        "general_budget_basic": ("公开08表", [20]),
        "three_public": ("公开09表", [21]),
    },
    HANGZHOU: {
        "summary": ("表1", [15]),
        "income": ("表2", [16]),
        "expenditure": ("表3", [17]),
        "fiscal_summary": ("表4", [18]),
        "general_budget_expenditure": ("表5", [19]),
        "general_budget_basic": ("表6", [20]),
        "three_public": ("表7", [21]),
    },
    FUZHOU: {  # headed 一、… and 2026 年度…, no 表N label
        "summary": (None, [10]),
        "income": (None, [11]),
        "expenditure": (None, [12]),
        "fiscal_summary": (None, [13]),
        "general_budget_expenditure": (None, [14]),
        "general_budget_basic": (None, [18, 19, 20]),
        "three_public": (None, [21]),
    },
    CHONGQING: {
        "summary": ("表一", [9]),
        "income": ("表二", [10, 11]),
        "expenditure": ("表三", [12, 13]),
        "fiscal_summary": ("表四", [14]),
        "general_budget_expenditure": ("表五", [15, 16]),
        "general_budget_basic": ("表六", [17, 18]),
        "three_public": ("表八", [20]),
    },
    SHANGHAI: {  # unlabelled 2026年预算单位…预算表
        "summary": (None, [7]),
        "income": (None, [8]),
        "expenditure": (None, [9]),
        "fiscal_summary": (None, [10]),
        "general_budget_expenditure": (None, [11]),
        "general_budget_basic": (None, [14, 15]),
        "three_public": (None, [16]),
    },
    CHANGSHA: {  # unlabelled 2026年部门…情况表
        "summary": (None, [12]),
        "income": (None, [13]),
        "expenditure": (None, [14]),
        "fiscal_summary": (None, [15, 16]),
        "general_budget_expenditure": (None, [17]),
        "general_budget_basic": (None, [18, 19]),
        "three_public": (None, [20]),
    },
}


@pytest.mark.parametrize("slug", DOCUMENTS)
def test_core_tables_recognised_with_their_labels_and_pages(
    real: Callable[[str], Document], slug: str
) -> None:
    document = real(slug)
    assert set(CORE_TABLES[slug]) == set(CORE)
    found = {
        kind: (table_of(document, kind).label, table_of(document, kind).pages)
        for kind in CORE
        if any(t.recognised == kind for t in document.tables.values())
    }
    assert found == CORE_TABLES[slug]


# Guangzhou (Guangdong template): 表3 code and name apart, 表5-6 [code]name in one cell


def test_guangzhou_expenditure(real: Callable[[str], Document]) -> None:
    table = real(GUANGZHOU).tables["expenditure"]
    assert table.unit == "万元" and table.decimals == 2
    fields = ("total", "basic_total", "project_total")
    assert amounts(total(table), *fields) == (
        Decimal("94837200"),
        Decimal("84016700"),
        Decimal("10820500"),
    )
    subtotal = coded(table, "201")
    assert subtotal["row_type"] == "subtotal" and subtotal["total"] == Decimal("82952800")
    row = coded(table, "2010501")
    assert row["row_type"] == "item" and row["name"] == "行政运行"
    assert (row["functional_class"], row["functional_subclass"]) == ("201", "20105")
    assert amounts(row, *fields) == (Decimal("64530300"), Decimal("64530300"), Decimal("0"))
    wrapped = coded(table, "2080505")  # its name wraps onto a second line in the PDF
    assert wrapped["name"] == "机关事业单位基本养老保险缴费支出"
    assert wrapped["total"] == Decimal("1758300")
    on_page_10 = coded(table, "2299999")  # the continuation page (header repeated, no title)
    assert amounts(on_page_10, *fields) == (Decimal("500000"), Decimal("0"), Decimal("500000"))


def test_guangzhou_bracketed_codes(real: Callable[[str], Document]) -> None:
    """表5 and 表6 print code and name in one cell: [2010507]专项普查活动, [30101]基本工资."""
    document = real(GUANGZHOU)
    general = document.tables["general_budget_expenditure"]
    fields = ("total", "basic_total", "project_total")
    assert amounts(total(general), *fields) == (
        Decimal("94337200"),
        Decimal("84016700"),
        Decimal("10320500"),
    )
    row = coded(general, "2010507")
    assert row["name"] == "专项普查活动"
    assert amounts(row, *fields) == (Decimal("6110200"), Decimal("0"), Decimal("6110200"))
    assert coded(general, "20805")["row_type"] == "subtotal"
    assert coded(general, "20805")["total"] == Decimal("3492500")
    assert amounts(coded(general, "2210203"), *fields) == (
        Decimal("5665300"),
        Decimal("5665300"),
        Decimal("0"),
    )
    basic = document.tables["general_budget_basic_expenditure"]
    assert total(basic)["total"] == Decimal("84016700")
    assert coded(basic, "301")["row_type"] == "subtotal"
    assert coded(basic, "301")["total"] == Decimal("71316600")
    assert coded(basic, "30101")["economic_departmental_name"] == "基本工资"
    assert coded(basic, "30101")["total"] == Decimal("9273500")
    assert coded(basic, "30204")["total"] == Decimal("1000")  # 0.10 万元
    assert coded(basic, "31007")["total"] == Decimal("50000")  # on the continuation page 15
    name = coded(basic, "30212")["economic_departmental_name"]
    assert normalise(name) == normalise("因公出国（境）费用")


def test_guangzhou_summary_other_lines(real: Callable[[str], Document]) -> None:
    document = real(GUANGZHOU)
    other = line(document, "summary_income", "五、其他收入")
    assert (other["item_code"], other["amount"]) == ("other-income", Decimal("500000"))
    current = line(document, "summary_income", "本年收入合计")
    assert (current["row_type"], current["amount"]) == ("total", Decimal("94837200"))
    assert line(document, "summary_income", "收入总计")["item_code"] == "grand-total"
    housing = line(document, "summary_expenditure", "十九、住房保障支出")
    assert (housing["functional_class"], housing["amount"]) == ("221", Decimal("7641200"))


def test_guangzhou_summary_budget_appropriation_is_coded(
    real: Callable[[str], Document],
) -> None:
    assert line(real(GUANGZHOU), "summary_income", "一、预算拨款")["item_code"] == (
        "fiscal-appropriation"
    )


def test_guangzhou_summary_subsidy_and_remittance_lines_count(
    real: Callable[[str], Document],
) -> None:
    for printed in ("二十四、对附属单位补助支出", "二十五、上缴上级支出"):
        found = line(real(GUANGZHOU), "summary_expenditure", printed)
        assert (found["row_type"], found["amount"]) == ("item", Decimal("0"))


def test_guangzhou_as_printed_tables(real: Callable[[str], Document]) -> None:
    document = real(GUANGZHOU)
    assert table_of(document, "summary").pages == [6, 7]
    assert line(document, "summary_income", "一、预算拨款")["amount"] == Decimal("94337200")
    public = line(document, "summary_expenditure", "一、一般公共服务支出")
    assert (public["functional_class"], public["amount"]) == ("201", Decimal("82952800"))
    assert line(document, "summary_income", "收入总计")["amount"] == Decimal("94837200")
    assert line(document, "summary_expenditure", "支出总计")["amount"] == Decimal("94837200")
    other = line(document, "summary_expenditure", "二十三、其他支出")  # on page 7
    assert (other["functional_class"], other["amount"]) == ("229", Decimal("500000"))
    # 表2 prints 财政专户拨款收入 in two parts and groups 事业收入… under 其他资金收入: typed
    income = document.tables["income"]
    unit = next(row for row in income.rows if row["name"] == "广州市统计局")
    assert amounts(unit, "total", "general_public_budget", "other_income") == (
        Decimal("67482800.00"),
        Decimal("66982800.00"),
        Decimal("500000.00"),
    )
    assert "fiscal_special_account_education_fees" in income.fields
    # 表8 prints the 三公 items down and the funds across: typed by cell, row label × header
    (three,) = document.tables["three_public_expenses"].rows
    assert amounts(three, "total", "official_reception", "total_general_public_budget") == (
        Decimal("198600.00"),
        Decimal("81600.00"),
        Decimal("198600.00"),
    )
    assert three["administrative_costs"] == Decimal("8392100.00")  # 行政经费: not a 三公 item


# Beijing: one document in two files (说明 + 报表), 6-decimal 万元, code-name cells


def test_beijing_is_one_document_in_two_files(real: Callable[[str], Document]) -> None:
    document = real(BEIJING)
    files = pdfs(BEIJING)
    assert [part.name for part in document.parts] == ["1-shuoming.pdf", "2-baobiao.pdf"]
    for part, path in zip(document.parts, files, strict=True):
        assert part.data == path.read_bytes()
        assert part.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    listing = "".join(f"{p.name}\0{hashlib.sha256(p.read_bytes()).hexdigest()}\n" for p in files)
    assert document.sha256 == hashlib.sha256(listing.encode()).hexdigest()
    # pages numbered through both parts: the 说明 has 10 pages, the 报表 21
    assert [page.number for page in document.pages] == list(range(1, 32))
    parts = {page.number: page.part for page in document.pages}
    assert parts[1] == "1-shuoming.pdf p.1" and parts[10] == "1-shuoming.pdf p.10"
    assert parts[11] == "2-baobiao.pdf p.1" and parts[31] == "2-baobiao.pdf p.21"
    roles = {page.number: page.role for page in document.pages}
    assert roles[1] == "contents"
    assert {roles[n] for n in range(3, 11)} == {"prose"}
    assert {roles[n] for n in range(11, 23)} == {"table"}  # 预算01表 … 预算表12
    # 预算表12 (项目支出绩效目标表) runs from 报表 p.12 over 8 pages
    assert table_of(document, "project_performance").pages == list(range(22, 30))


def test_beijing_package_archives_both_parts(
    real: Callable[[str], Document], packages: Callable[[str], Path]
) -> None:
    package = packages(BEIJING)
    first, second = pdfs(BEIJING)
    assert (package / "source" / "1-shuoming.pdf").read_bytes() == first.read_bytes()
    assert (package / "source" / "2-baobiao.pdf").read_bytes() == second.read_bytes()
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}
    part = resources["source_part_2"]
    assert part["path"] == "source/2-baobiao.pdf"
    assert part["hash"] == f"sha256:{hashlib.sha256(second.read_bytes()).hexdigest()}"
    assert resources["source_document"]["path"] == "source/1-shuoming.pdf"
    assert [p["path"] for p in descriptor["sourceParts"]] == [
        "source/1-shuoming.pdf",
        "source/2-baobiao.pdf",
    ]
    assert descriptor["documentSha256"] == real(BEIJING).sha256
    assert (descriptor["department"], descriptor["fiscalYear"]) == ("北京市审计局", 2026)


def test_beijing_six_decimals_and_code_name_cells(real: Callable[[str], Document]) -> None:
    """The 报表 print 万元 to 6 decimals and join code and name with a hyphen; those tables
    are kept as printed (预算03表 crosses function with two economic classifications)."""
    document = real(BEIJING)
    summary = table_of(document, "summary")
    assert summary.unit == "万元"
    general = line(document, "summary_income", "一、一般公共预算拨款收入")
    assert general["amount"] == Decimal("323650900.89")  # 32,365.090089 万元
    assert line(document, "summary_expenditure", "一、一般公共服务支出")["amount"] == Decimal(
        "266610645.52"
    )
    fund = line(document, "summary_income", "二、政府性基金预算拨款收入")
    assert fund["amount"] is None  # blank is not zero
    assert line(document, "summary_income", "上年结转结余")["amount"] == Decimal("4719637.43")
    for resource, item in (("summary_income", "收入总计"), ("summary_expenditure", "支出总计")):
        assert line(document, resource, item)["amount"] == Decimal("328520538.32")
    spending = table_of(document, "expenditure")
    assert printed(spending)[0][1:7] == [
        "2010801-行政运行",
        "50101-工资奖金津补贴",
        "30101-基本工资",
        "3138.093600",
        "3138.093600",
        "",
    ]
    assert printed_row(spending, "2010805-审计管理", "50207-因公出国（境）费用")[3:7] == [
        "3021202-其他因公出国（境）费用",
        "173.520000",
        "",
        "173.520000",
    ]
    assert printed_row(spending, "合 计")[4:7] == ["32852.053832", "25218.537585", "7633.516247"]
    general = table_of(document, "general_budget_expenditure")
    assert printed_row(general, "合 计")[3:9] == [
        "32801.936639",
        "25218.537585",
        "23545.680500",
        "1672.857085",
        "7583.399054",
        "7583.399054",
    ]
    (three,) = document.tables["three_public_expenses"].rows  # 预算09表, a blank first column
    assert amounts(three, "total", "overseas_travel", "official_reception", "vehicles_total") == (
        Decimal("2448480.000000"),
        Decimal("1735200.000000"),
        Decimal("60000.000000"),
        Decimal("653280.000000"),
    )


def test_beijing_first_rows_name_their_own_lines(real: Callable[[str], Document]) -> None:
    document = real(BEIJING)
    lines = document.text.split("\n")
    for kind, figure in [
        ("summary", "32,365.090089"),
        ("expenditure", "3,138.093600"),
        ("fiscal_summary", "32,365.090089"),
        ("general_budget_expenditure", "4,952.850016"),
        ("general_budget_basic", "3,138.093600"),
    ]:
        first = table_of(document, kind).rows[0]
        assert figure in lines[first["source_line"] - 1], kind


def test_beijing_title_is_the_printed_heading(real: Callable[[str], Document]) -> None:
    assert real(BEIJING).title in {"北京市审计局2026年度部门预算信息公开", "北京市审计局2026年预算"}


def test_beijing_second_contents_page_is_contents(real: Callable[[str], Document]) -> None:
    assert real(BEIJING).pages[1].role == "contents"


def test_beijing_narrative_totals_are_read(real: Callable[[str], Document]) -> None:
    stated = {(f.value, f.unit) for f in real(BEIJING).figures}
    assert (Decimal("32852.05"), "万元") in stated


def test_narrative_amounts_are_held_to_the_tables(real: Callable[[str], Document]) -> None:
    """The national reader checks stated amounts only (a rejoined paragraph cannot pair a
    share or a growth rate with its figures reliably): every one it checks here agrees."""
    for slug in (WUXI, FUZHOU, BEIJING):
        checks = [c for c in run_audit(real(slug)) if c.id.startswith("narrative:")]
        assert checks, slug
        assert {c.status for c in checks} == {"pass"}, [c.message for c in checks]
        assert all(c.id.endswith(":amount") for c in checks)
    wuxi = {c.message for c in run_audit(real(WUXI)) if c.id.startswith("narrative:")}
    assert (
        "text states 人员经费 4427.64万元; table general_budget_basic_expenditure has 4427.64万元"
        in wuxi
    )
    assert "text states 本年收入合计 17466.65万元; table summary_income has 17466.65万元" in wuxi


def test_ingest_reads_a_corpus_subfolder_as_one_document(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(source(BEIJING), corpus / BEIJING)
    out = tmp_path / "out"
    with contextlib.redirect_stdout(io.StringIO()):
        status = cli.main(["ingest", str(corpus), "--out", str(out), "--quiet", "--no-combined"])
    assert status == 0
    descriptor = json.loads((out / BEIJING / "datapackage.json").read_text(encoding="utf-8"))
    assert [p["path"] for p in descriptor["sourceParts"]] == [
        "source/1-shuoming.pdf",
        "source/2-baobiao.pdf",
    ]


# Wuxi (Jiangsu template): joined codes in their own column, blanks left blank


def test_wuxi_typed_tables(real: Callable[[str], Document]) -> None:
    document = real(WUXI)
    spending = document.tables["expenditure"]
    fields = ("total", "basic_total", "project_total")
    assert amounts(total(spending), *fields) == (
        Decimal("174666500"),
        Decimal("46704000"),
        Decimal("127962500"),
    )
    science = coded(spending, "2069999")
    assert science["name"] == "其他科学技术支出"
    assert amounts(science, *fields) == (Decimal("125000000"), None, Decimal("125000000"))
    assert amounts(coded(spending, "2160699"), *fields) == (
        Decimal("11031200"),
        Decimal("9240000"),
        Decimal("1791200"),
    )
    wrapped = coded(spending, "2080505")  # 机关事业单位基本养老保险缴费 / 支出 on two lines
    assert wrapped["name"] == "机关事业单位基本养老保险缴费支出"
    assert wrapped["total"] == Decimal("3466300")
    assert coded(spending, "2210203")["total"] == Decimal("4581500")  # page 12
    basic = document.tables["general_budget_basic_expenditure"]
    assert amounts(total(basic), "total", "personnel", "public") == (
        Decimal("46704000"),
        Decimal("44276400"),
        Decimal("2427600"),
    )
    assert amounts(coded(basic, "30106"), "total", "personnel", "public") == (
        Decimal("100"),  # 0.01 万元
        Decimal("100"),
        None,
    )
    assert amounts(coded(basic, "302"), "total", "personnel", "public") == (
        Decimal("2427600"),
        None,
        Decimal("2427600"),
    )
    fiscal = document.tables["fiscal_appropriation_expenditure"]  # 公开05表
    assert amounts(
        coded(fiscal, "2160601"), "total", "basic_total", "basic_personnel", "basic_public"
    ) == (Decimal("20551300"), Decimal("20551300"), Decimal("18795500"), Decimal("1755800"))


def test_wuxi_summaries(real: Callable[[str], Document]) -> None:
    document = real(WUXI)
    general = line(document, "summary_income", "一、一般公共预算拨款收入")
    assert (general["item_code"], general["amount"]) == (
        "general-public-budget",
        Decimal("174666500"),
    )
    assert line(document, "summary_income", "二、政府性基金预算拨款收入")["amount"] is None
    science = line(document, "summary_expenditure", "六、科学技术支出")
    assert (science["functional_class"], science["amount"]) == ("206", Decimal("125000000"))
    fiscal = "fiscal_summary_expenditure"  # 公开04表, pages 13-14
    assert line(document, fiscal, "(二十)住房保障支出")["total"] == Decimal("10196800")
    assert line(document, fiscal, "支出总计")["total"] == Decimal("174666500")


def test_wuxi_as_printed_tables(real: Callable[[str], Document]) -> None:
    document = real(WUXI)
    assert line(document, "summary_income", "收入总计")["amount"] == Decimal("174666500")
    assert line(document, "summary_expenditure", "支出总计")["amount"] == Decimal("174666500")
    income = document.tables["income"]  # typed: by department and unit
    unit = next(row for row in income.rows if row["unit_code"] == "317001")
    assert (unit["row_type"], unit["name"]) == ("unit", "无锡市商务局（本级）")
    assert unit["total"] == unit["current_total"] == Decimal("157904300")
    three = document.tables["three_public_expenses"]  # typed: one row, 会议费 and 培训费 beside
    assert amounts(
        three.rows[0],
        "total",
        "overseas_travel",
        "vehicles_total",
        "vehicle_purchase",
        "vehicle_operation",
        "official_reception",
        "meeting_fees",
        "training_fees",
    ) == tuple(
        Decimal(v) for v in ("64000", "0", "28000", "0", "28000", "36000", "28000", "100000")
    )


# Hangzhou (Zhejiang): names with no codes, so every table is kept as printed, and said


def test_hangzhou_names_only_tables_read_typed_with_codes_from_the_code_list(
    real: Callable[[str], Document],
) -> None:
    """杭州 prints 功能分类 and 经济分类 rows as names only: each row's code is looked up by its
    name in the code list, within the hierarchy the row order shows, and said."""
    document = real(HANGZHOU)
    spending = document.tables["expenditure"]
    codes = {row["name"]: row["functional_code"] for row in spending.rows if row["name"]}
    assert codes["自然资源海洋气象等支出"] == "220"
    assert codes["气象事务"] == "22005"
    assert codes["行政运行"] == "2200501"
    assert codes["科技成果转化与扩散"] == "2060404"
    row = next(r for r in spending.rows if r["functional_code"] == "2200501")
    assert amounts(row, "total", "basic_personnel", "basic_public") == (
        Decimal("26171900"),
        Decimal("19070100"),
        Decimal("7101800"),
    )
    assert spending.first("total")["total"] == Decimal("58766700")
    basic = document.tables["general_budget_basic_expenditure"]
    wages = next(r for r in basic.rows if r["economic_departmental_name"] == "基本工资")
    assert (wages["economic_departmental_code"], wages["total"]) == ("30101", Decimal("980000"))
    said = [w for w in document.warnings if w.type == "codes-from-names"]
    assert {w.table for w in said} >= {
        "expenditure",
        "general_budget_expenditure",
        "general_budget_basic_expenditure",
    }
    income = document.tables["income"]  # typed: units named without codes
    centre = next(
        r for r in income.rows if r["name"] == "杭州市气象服务中心（杭州市预警信息发布中心）"
    )
    assert amounts(centre, "total", "current_total", "general_public_budget") == (
        Decimal("8656200"),
        Decimal("8656200"),
        Decimal("8369300"),
    )
    assert [r["row_type"] for r in income.rows][:2] == ["total", "department"]
    three = document.tables["three_public_expenses"]
    assert amounts(
        three.first("total"), "total", "overseas_travel", "vehicles_total", "official_reception"
    ) == (Decimal("240200"), None, Decimal("180000"), Decimal("60200"))


# Fuzhou (Fujian): no 表N labels, no thousands separators, a 3-page economic table


def test_hangzhou_summary_lines_by_name(real: Callable[[str], Document]) -> None:
    """表1 names its expenditure lines with no code or ordinal: the class by its name."""
    document = real(HANGZHOU)
    fiscal = line(document, "summary_income", "一、财政拨款")
    assert (fiscal["item_code"], fiscal["amount"]) == ("fiscal-appropriation", Decimal("57530700"))
    assert line(document, "summary_income", "七、其他收入")["amount"] == Decimal("1236100")
    assert line(document, "summary_income", "收入总计")["amount"] == Decimal("58766700")
    nature = line(document, "summary_expenditure", "自然资源海洋气象等支出")
    assert (nature["functional_class"], nature["amount"]) == ("220", Decimal("53714800"))
    service = line(document, "summary_expenditure", "气象服务")
    assert (service["row_type"], service["amount"]) == ("of-which", Decimal("21036100"))
    # 表4 (财政拨款) gives 气象服务 1,980.00 万元, the 财政拨款 part of it
    assert line(document, "fiscal_summary_expenditure", "气象服务")["total"] == Decimal("19800000")


def test_fuzhou_typed_tables(real: Callable[[str], Document]) -> None:
    document = real(FUZHOU)
    spending = document.tables["expenditure"]
    fields = ("total", "basic_total", "project_total")
    assert amounts(total(spending), *fields) == (
        Decimal("3519049000"),
        Decimal("78412600"),
        Decimal("3440636400"),
    )
    assert amounts(coded(spending, "2101202"), *fields) == (
        Decimal("3334050000"),
        None,
        Decimal("3334050000"),
    )
    assert amounts(coded(spending, "2101501"), *fields) == (
        Decimal("35308200"),
        Decimal("34908200"),
        Decimal("400000"),
    )
    general = document.tables["general_budget_expenditure"]  # long names wrap in 表五
    wrapped = coded(general, "2101202")
    assert wrapped["name"] == "财政对城乡居民基本医疗保险基金的补助"
    assert wrapped["project_total"] == Decimal("3334050000")
    assert coded(general, "2101201")["total"] == Decimal("71400")  # 7.14 万元
    basic = document.tables["general_budget_basic_expenditure"]
    assert basic.pages == [18, 19, 20]
    assert total(basic)["total"] == Decimal("78412600")
    assert coded(basic, "30101")["total"] == Decimal("14463200")
    assert coded(basic, "30106")["total"] is None  # 伙食补助费 printed blank: not zero
    assert coded(basic, "30399")["total"] == Decimal("2136000")  # page 19
    assert coded(basic, "39999")["economic_departmental_name"] == "其他支出"  # page 20
    current = line(document, "summary_income", "本年收入合计")
    assert (current["item_code"], current["amount"]) == (
        "current-year-total",
        Decimal("3519049000"),
    )
    assert line(document, "summary_expenditure", "本年支出合计")["amount"] == Decimal("3519049000")
    (three,) = document.tables["three_public_expenses"].rows  # items down, one 预算数 column
    assert amounts(three, "total", "official_reception") == (Decimal("50000.00"),) * 2
    economic = document.tables["general_budget_economic_expenditure"]  # 八、 by economic class
    assert coded(economic, "313")["total"] == Decimal("3334050000.00")
    assert coded(economic, "313")["economic_departmental_name"] == "对社会保障基金补助"


# Chongqing: 表一…表八, a 2025 column in 表五, 7-digit economic codes in 表六


def test_chongqing_typed_tables(real: Callable[[str], Document]) -> None:
    document = real(CHONGQING)
    spending = document.tables["expenditure"]
    fields = ("total", "basic_total", "project_total")
    assert amounts(total(spending), *fields) == (
        Decimal("192301800"),
        Decimal("90184700"),
        Decimal("102117100"),
    )
    assert amounts(coded(spending, "2010399"), *fields) == (
        Decimal("13153700"),
        None,
        Decimal("13153700"),
    )
    assert coded(spending, "2210201")["total"] == Decimal("5399100")  # page 13
    general = document.tables["general_budget_expenditure"]
    columns = ("prior_year_total", "total", "basic_total", "basic_personnel", "basic_public")
    assert amounts(total(general), *columns, "project_total") == (
        Decimal("156358000"),
        Decimal("184177000"),
        Decimal("90184700"),
        Decimal("71809200"),
        Decimal("18375500"),
        Decimal("93992300"),
    )
    assert amounts(coded(general, "2010302"), "prior_year_total", "total", "project_total") == (
        Decimal("60274700"),
        Decimal("82206900"),
        Decimal("82206900"),
    )
    basic = table_of(document, "general_budget_basic")  # 3010201 规范性津补贴: as printed
    assert printed_row(basic, "3010201") == ["3010201", "规范性津补贴", "904.48", "904.48", ""]
    assert printed_row(basic, "合计") == ["合计", "", "9018.47", "7180.92", "1837.55"]
    for resource in ("summary_income", "summary_expenditure"):
        assert line(document, resource, "合计")["amount"] == Decimal("192301800")
    business = line(document, "summary_income", "五、事业收入资金")
    assert (business["item_code"], business["amount"]) == ("business-income", Decimal("8124800"))
    fiscal = "fiscal_summary_income"  # 表四
    current = line(document, fiscal, "一、本年收入")
    assert (current["row_type"], current["amount"]) == ("subtotal", Decimal("175526500"))
    assert line(document, fiscal, "二、上年结转")["amount"] == Decimal("8650600")
    assert line(document, fiscal, "收入合计")["amount"] == Decimal("184177000")


def test_chongqing_three_public_header_is_a_header(real: Callable[[str], Document]) -> None:
    """表八 prints 2025年预算数 and 2026年预算数 side by side: this year's are the 三公 fields,
    last year's their prior_year_ columns (kept, out of the cube)."""
    three = real(CHONGQING).tables["three_public_expenses"]
    in_2025 = ("396.97", "184.49", "202.48", None, "202.48", "10.00")
    in_2026 = ("394.49", "184.49", "200.00", None, "200.00", "10.00")
    fields = (
        "total",
        "overseas_travel",
        "vehicles_total",
        "vehicle_purchase",
        "vehicle_operation",
        "official_reception",
    )
    (row,) = three.rows
    assert row["row_type"] == "total"
    assert amounts(row, *fields) == tuple(yuan(v) for v in in_2026)
    assert amounts(row, *(f"prior_year_{f}" for f in fields)) == tuple(yuan(v) for v in in_2025)


def yuan(wan: str | None) -> Decimal | None:
    """万元 as printed → yuan."""
    return None if wan is None else Decimal(wan) * 10000


# Shanghai 市级 unit budget: 元 in whole numbers, 类 款 项 in three columns


def test_shanghai_split_codes_in_yuan(real: Callable[[str], Document]) -> None:
    document = real(SHANGHAI)
    spending = document.tables["expenditure"]
    assert spending.unit == "元" and spending.decimals == 0
    fields = ("total", "basic_total", "project_total")
    assert amounts(total(spending), *fields) == (
        Decimal("13616271"),
        Decimal("10609279"),
        Decimal("3006992"),
    )
    relics = coded(spending, "2070204")  # printed 207 02 04
    assert (relics["functional_class"], relics["functional_subclass"]) == ("207", "20702")
    assert relics["name"] == "文物保护" and relics["row_type"] == "item"
    assert amounts(relics, *fields) == (Decimal("11212795"), Decimal("8205803"), Decimal("3006992"))
    assert coded(spending, "20702")["row_type"] == "subtotal"
    assert amounts(coded(spending, "2080599"), *fields) == (Decimal("2400"), Decimal("2400"), None)
    general = document.tables["general_budget_expenditure"]
    assert amounts(total(general), *fields) == (
        Decimal("12376671"),
        Decimal("10237471"),
        Decimal("2139200"),
    )
    assert amounts(coded(general, "2070204"), *fields) == (
        Decimal("9973195"),
        Decimal("7833995"),
        Decimal("2139200"),
    )
    basic = document.tables["general_budget_basic_expenditure"]  # printed 301 01
    assert amounts(total(basic), "total", "personnel", "public") == (
        Decimal("10237471"),
        Decimal("8257818"),
        Decimal("1979653"),
    )
    assert coded(basic, "30101")["total"] == Decimal("1368000")
    assert coded(basic, "30213")["total"] == Decimal("432500")  # page 15
    assert coded(basic, "30302")["total"] == Decimal("142080")
    three = document.tables["three_public_expenses"]  # the one table in 万元
    assert three.unit == "万元"
    (row,) = three.rows  # printed 3.70 | | 0.50 | 3.20 | | 3.20 | (机关运行经费 blank)
    assert amounts(row, "total", "overseas_travel", "official_reception", "vehicles_total") == (
        Decimal("37000"),
        None,
        Decimal("5000"),
        Decimal("32000"),
    )
    assert row["vehicle_operation"] == Decimal("32000") and row.get("operating_costs") is None
    # the expenditure side prints 合计 | 基本支出·人员经费 | 公用经费 | 项目支出: parts of amount
    assert line(document, "summary_income", "收入总计")["amount"] == Decimal("13616271")
    spent = line(document, "summary_expenditure", "支出总计")
    assert amounts(spent, "amount", "amount_personnel", "amount_public", "amount_project") == (
        Decimal("13616271"),
        Decimal("8579626"),
        Decimal("2029653"),
        Decimal("3006992"),
    )


# Changsha (Hunan): unlabelled titles; 类 款 项 columns whose 款 row leaves the 类 blank


def test_changsha_split_codes_with_the_class_left_above(real: Callable[[str], Document]) -> None:
    document = real(CHANGSHA)
    fields = ("total", "basic_total", "project_total")
    for resource in ("expenditure", "general_budget_expenditure"):
        table = document.tables[resource]
        assert amounts(total(table), *fields) == (
            Decimal("6567300"),
            Decimal("3867300"),
            Decimal("2700000"),
        )
        vocational = coded(table, "20503")  # printed "03 职业教育" under "205 教育支出"
        assert vocational["row_type"] == "subtotal" and vocational["name"] == "职业教育"
        assert coded(table, "2050399")["row_type"] == "item"  # printed 205 03 99
        assert coded(table, "2050399")["total"] == Decimal("6567300")
    basic = document.tables["general_budget_basic_expenditure"]
    columns = ("total", "personnel", "public")  # printed 总计 人员类 公用经费
    assert amounts(total(basic), *columns) == (
        Decimal("3867300"),
        Decimal("3567600"),
        Decimal("299700"),
    )
    assert amounts(coded(basic, "30228"), *columns) == (
        Decimal("41200"),
        Decimal("23100"),
        Decimal("18100"),
    )
    assert coded(basic, "30309")["total"] == Decimal("200")  # 0.02 万元, page 19
    three = document.tables["three_public_expenses"]
    assert amounts(three.first("total"), "total", "official_reception") == (
        Decimal("5000"),
        Decimal("5000"),
    )


# every figure of every ruled table reaches the package (the evaluation's own measure)


@pytest.mark.parametrize("slug", DOCUMENTS)
def test_every_table_figure_reaches_the_package(packages: Callable[[str], Path], slug: str) -> None:
    package = packages(slug)
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        status = figures_captured.main([str(p) for p in pdfs(slug)], str(package))
    last = said.getvalue().strip().splitlines()[-1]
    found = re.search(r"figures captured (\d+)/(\d+)$", last)
    assert found, said.getvalue()
    captured, wanted = int(found[1]), int(found[2])
    assert wanted >= 150, last  # each document prints hundreds of table figures
    assert (status, captured) == (0, wanted), said.getvalue()


@pytest.mark.parametrize("slug", DOCUMENTS)
def test_package_lists_typed_and_as_printed_tables(
    real: Callable[[str], Document], packages: Callable[[str], Path], slug: str
) -> None:
    descriptor = json.loads((packages(slug) / "datapackage.json").read_text(encoding="utf-8"))
    listed = {entry["resource"]: entry for entry in descriptor["tables"]}
    document = real(slug)
    for table in document.tables.values():
        entry = listed[table.resource]
        assert entry["read"] == ("as-printed" if table.kind == "generic" else "typed")
        kind = table.recognised if table.kind == "generic" else table.kind  # the typed layout
        assert (entry["kind"], entry["pages"]) == (kind, table.pages)
        if table.kind != "generic":  # what it was recognised as, and what it was read into
            layout = layout_by_kind(table.kind)
            assert table.recognised in (layout.title_kind, *layout.read_for)
    assert (packages(slug) / "data" / f"{table_of(document, 'summary').resource}.csv").is_file()


# each printed form of a classification code, through the typed reader's cell functions


def _table() -> Table:
    return Table("expenditure", "expenditure", "表3 支出总表", 1, None, "万元", [], pages=[7])


@pytest.mark.parametrize(
    "cell",
    [
        "2040602-行政运行",
        "[2040602]行政运行",
        "【2040602】行政运行",
        "2040602 行政运行",
        "2040602－行政运行",
    ],
)
def test_code_joined_to_its_name(cell: str) -> None:
    warnings: list[ReaderWarning] = []
    found = code_and_name(Columns(joined=0), [cell], 7, warnings, _table(), [])
    assert found == ("2040602", "行政运行") and warnings == []


def test_economic_code_joined_to_its_name() -> None:
    found = code_and_name(Columns(joined=0), ["30202-印刷费"], 7, [], _table(), [])
    assert found == ("30202", "印刷费")


def test_code_in_its_own_column() -> None:
    columns = Columns(code=0, name=1)
    assert code_and_name(columns, ["2040602", "行政运行"], 7, [], _table(), []) == (
        "2040602",
        "行政运行",
    )


def test_split_codes_and_the_levels_left_to_the_row_above() -> None:
    columns = Columns(split=[0, 1, 2], name=3)
    previous: list[str] = []
    rows = [["204", "", "", "公共安全支出"], ["", "06", "", "司法"], ["", "", "02", "一般行政"]]
    found = [code_and_name(columns, cells, 7, [], _table(), previous) for cells in rows]
    assert found == [("204", "公共安全支出"), ("20406", "司法"), ("2040602", "一般行政")]
    full = code_and_name(columns, ["204", "06", "02", "一般行政"], 7, [], _table(), [])
    assert full == ("2040602", "一般行政")


def test_a_segment_that_lost_its_leading_zero_is_read_and_said() -> None:
    warnings: list[ReaderWarning] = []
    assert split_code(["301", "2"], 12, warnings, _table()) == "30102"
    assert [(w.type, w.pages, w.table) for w in warnings] == [("dropped-zero", [12], "expenditure")]
    assert "page 12" in warnings[0].message and "301 2" in warnings[0].message
    warnings.clear()
    assert split_code(["204", "6", "2"], 3, warnings, _table()) == "2040602"
    assert len(warnings) == 1
    warnings.clear()
    assert split_code(["301", "02"], 3, warnings, _table()) == "30102"
    assert warnings == []  # printed in full: nothing to say


# 收入总表 by function code: the funds across, 功能分类 rows down (重庆, 长沙, 上海 市级)


def test_income_by_function_code(real: Callable[[str], Document]) -> None:
    """Read off the PDFs: 重庆 表二 合计 19,230.18 = 一般公共预算 18,417.70 + 事业收入 812.48,
    2010301 行政运行 6,342.71; 上海文物保护研究中心 (元) 合计 13,616,271, 2070204 文物保护
    11,212,795 = 9,973,195 + 701,808 + 537,792; 长沙 合计 656.73, all 本级财政拨款."""
    chongqing = real(CHONGQING).tables["income_by_function"]
    assert chongqing.kind == "income_by_function_national" and chongqing.pages == [10, 11]
    fields = ("total", "general_public_budget", "business_income")
    assert amounts(total(chongqing), *fields) == (
        Decimal("192301800"),
        Decimal("184177000"),
        Decimal("8124800"),
    )
    running = coded(chongqing, "2010301")
    assert (running["name"], running["row_type"], running["total"]) == (
        "行政运行",
        "item",
        Decimal("63427100"),
    )
    relics = real(SHANGHAI).tables["income_by_function"]
    assert relics.unit == "元"
    assert total(relics)["total"] == Decimal("13616271")
    parts = ("total", "fiscal_appropriation", "business_income", "other_income")
    assert amounts(coded(relics, "2070204"), *parts) == (
        Decimal("11212795"),
        Decimal("9973195"),
        Decimal("701808"),
        Decimal("537792"),
    )
    changsha = real(CHANGSHA).tables["income_by_function"]
    assert amounts(total(changsha), "total", "fiscal_appropriation") == (
        Decimal("6567300"),
        Decimal("6567300"),
    )
    assert coded(changsha, "2050399")["name"] == "其他职业教育支出"


def test_income_by_function_adds_up(real: Callable[[str], Document]) -> None:
    """Its row identities (合计 = its funds) and column totals hold or are within rounding."""
    for slug in (CHONGQING, SHANGHAI, CHANGSHA):
        checks = [c for c in run_audit(real(slug)) if c.table == "income_by_function"]
        assert checks and {c.status for c in checks} <= {"pass", "rounding"}, slug
