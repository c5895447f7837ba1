"""The audit on the seed, and mutants of the seed that must make the right check fail
or the right input error appear."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.audit import run_audit, summary
from service.errors import InputError
from service.ingest import read_document, read_text
from service.ingest.model import Document


def statuses(document: Document) -> dict[str, str]:
    return {check.id: check.status for check in run_audit(document)}


def test_seed_adds_up_with_one_warning(seed: Document) -> None:
    checks = run_audit(seed)
    assert summary(checks) == {"pass": len(checks) - 1, "rounding": 0, "warn": 1, "fail": 0}
    warned = next(c for c in checks if c.status == "warn")
    assert warned.id == "performance:cost-cap:41039524000000012827"  # ≤81624元 vs 8.17万元
    assert (warned.expected, warned.found, warned.line) == ("81700.00", "81624", 502)


def test_seed_checks_cover_the_issue(seed: Document) -> None:
    found = statuses(seed)
    required = [
        "table-total:expenditure:total",
        "row-sum:expenditure:236:total",  # total = basic + project
        "row-sum:expenditure:236:basic_total",  # basic = personnel + public
        "summary:balance",  # income = expenditure
        "cross:summary-function:201",  # 一般公共服务 129.57 = the 201 rows
        "cross:projects-total",  # project table 41.05 = project spending
        "cross:economic-301:30107",  # 301 items agree across tables
        "cross:economic-total",
        "narrative:85:基本支出:share",
        "narrative:77:支出总计:growth",
        "narrative:131:涉及预算拨款:count",
        "performance:project-amount:41039524000000012902",  # 19.5 vs 19.50, to 0.1 万元
        "performance:cost-cap:41039524000000012821",  # ≤23760元 rounds to 2.38万元
    ]
    for check_id in required:
        assert found.get(check_id) == "pass", check_id


def test_changed_figure_fails_the_right_checks(mutate) -> None:
    path = mutate({180: "一、一般公共预算\t148.53\t一、一般公共服务\t129.75"})
    found = statuses(read_document(path))
    assert found["summary_expenditure:current-year"] == "fail"
    assert found["cross:summary-function:201"] == "fail"
    assert found["cross:summary-function:208"] == "pass"


def test_removed_row_fails_totals(mutate) -> None:
    found = statuses(read_document(mutate({243: None})))  # 住房公积金 221 02 01
    assert found["table-total:expenditure:total"] == "fail"
    assert found["cross:summary-function:221"] == "fail"
    assert found["table-total:general_budget_expenditure:total"] == "pass"


def test_changed_narrative_share_fails(mutate, seed_lines) -> None:
    line = seed_lines[84].replace("占 72.36%", "占 72.63%")
    found = statuses(read_document(mutate({85: line})))
    assert found["narrative:85:基本支出:share"] == "fail"


def test_changed_basic_item_fails_cross_table_check(mutate) -> None:
    found = statuses(
        read_document(mutate({316: "30107\t绩效工资\t50501\t工资福利支出\t18.36\t18.36\t"}))
    )
    assert found["cross:economic-301:30107"] == "fail"
    assert found["table-total:general_budget_basic_expenditure:total"] == "fail"


def test_project_amount_beyond_rounding_fails(mutate, seed_lines) -> None:
    line = seed_lines[488].replace("\t19.5\t19.5\t", "\t19.7\t19.7\t", 1)
    found = statuses(read_document(mutate({489: line})))
    assert found["performance:project-amount:41039524000000012902"] == "fail"


def test_removed_optional_table_is_no_error(mutate) -> None:
    document = read_document(mutate(dict.fromkeys(range(413, 429))))  # 项目支出预算表
    assert "project_expenditure" not in document.tables
    assert "cross:projects-total" not in statuses(document)


def expect_error(path: Path, error_type: str, line: int | None = None) -> InputError:
    with pytest.raises(InputError) as raised:
        read_document(path)
    error = raised.value
    assert error.type == error_type
    assert error.file == str(path)
    if line is not None:
        assert error.line == line
    assert error.expected
    return error


def test_missing_mandatory_table(mutate) -> None:
    error = expect_error(mutate(dict.fromkeys(range(245, 288))), "missing-table")
    assert "财政拨款收支预算表" in error.message


def test_duplicate_table(mutate, seed_lines) -> None:
    three_public = "\n".join(seed_lines[355:367])
    error = expect_error(mutate({368: three_public}), "duplicate-table")
    assert "line 356" in error.message


def test_garbled_header(mutate, seed_lines) -> None:
    garbled = seed_lines[232].replace("基本支出", "基本开支")
    error = expect_error(mutate({233: garbled}), "garbled-header", 227)
    assert "基本支出" in error.expected


def test_amount_not_a_number(mutate) -> None:
    error = expect_error(
        mutate({238: "201\t03\t01\t\t行政运行\t88.5二\t88.52\t81.08\t\t7.44\t\t\t\t"}),
        "invalid-amount",
        238,
    )
    assert "88.5二" in error.message


def test_table_cut_off(tmp_path, seed_lines) -> None:
    path = tmp_path / "cut.txt"
    path.write_text("\n".join([*seed_lines[:498], "41039524000000012821\t洛阳市城乡"]), "utf-8")
    expect_error(path, "table-cut-off", 499)


def test_two_sided_table_without_totals(mutate) -> None:
    expect_error(mutate(dict.fromkeys(range(210, 213))), "table-cut-off")


def test_empty_and_binary_files(tmp_path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    expect_error(empty, "empty-file")
    binary = tmp_path / "doc.pdf"
    binary.write_bytes(b"%PDF-1.7\x00\x01\x02" * 100)
    expect_error(binary, "binary-file")


def test_unrelated_text_misses_tables() -> None:
    with pytest.raises(InputError) as raised:
        read_text("这不是预算文件。\n只有一段文字。\n".encode(), "note.txt")
    assert raised.value.type == "missing-table"


def test_gb18030_document_reads_the_same(tmp_path, seed: Document, seed_lines) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("\n".join(seed_lines).encode("gb18030"))
    document = read_document(path)
    assert document.tables["expenditure"].rows == seed.tables["expenditure"].rows


def test_performance_budget_with_thousands_separator(mutate, seed_lines) -> None:
    """The 整体绩效目标表's 部门预算总额 printed 1,148.5: read as 1148.5 万元 and held to the
    支出预算表 (148.53 万元: a fail), never an InvalidOperation (found by the fuzzer)."""
    line = seed_lines[438].replace("\t148.5\t", "\t1,148.5\t")
    assert line != seed_lines[438]
    checks = {c.id: c for c in run_audit(read_document(mutate({439: line})))}
    budget = checks["performance:department-budget:total:439"]
    assert (budget.status, budget.expected, budget.found) == ("fail", "1485300.00", "11485000.0")


def test_narrative_percentages_put_the_text_in_found(mutate, seed_lines) -> None:
    """Every narrative check keeps one order, the pages' printed/should-be rely on it: `found`
    is what the text states, `expected` what the figures give, growth as share."""
    line = seed_lines[76].replace("增长 50.18%", "增长 50.81%")
    assert line != seed_lines[76]
    checks = {c.id: c for c in run_audit(read_document(mutate({77: line})))}
    growth = checks["narrative:77:支出总计:growth"]
    assert (growth.status, growth.expected, growth.found) == ("fail", "50.18", "50.81")
    share = next(c for c in checks.values() if c.id.endswith(":share"))
    assert share.found in share.message.rsplit("text states", 1)[1]
