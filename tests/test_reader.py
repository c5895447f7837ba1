"""Golden values from the seed: every table found, totals and sample rows exactly as published."""

from __future__ import annotations

from decimal import Decimal

from service.ingest.model import Document

W = Decimal(10000)  # the seed publishes 万元; packages hold yuan


def wan(text: str) -> Decimal:
    return Decimal(text) * W


def test_document_frame(seed: Document) -> None:
    assert seed.department == "洛阳市城乡一体化示范区政务服务中心"
    assert seed.fiscal_year == 2024
    assert seed.unit == "万元"
    assert len(seed.responsibilities) == 6
    assert seed.responsibilities[3].startswith("负责12345政务服务便民热线办理")
    assert seed.structure is not None
    assert "公共资源管理科的预算" in seed.structure  # rejoined across the broken line


def test_every_template_table_found(seed: Document) -> None:
    assert set(seed.tables) == {
        "summary_income",
        "summary_expenditure",
        "income",
        "expenditure",
        "fiscal_summary_income",
        "fiscal_summary_expenditure",
        "general_budget_expenditure",
        "general_budget_basic_expenditure",
        "economic_classification_summary",
        "three_public_expenses",
        "government_fund_expenditure",
        "state_capital_expenditure",
        "operating_expenses",
        "project_expenditure",
        "project_performance",
        "department_tasks",
    }
    assert seed.tables["expenditure"].line == 227
    assert all(t.unit == "万元" for t in seed.tables.values())


def test_summary_two_sides(seed: Document) -> None:
    income = {r["item_code"]: r for r in seed.tables["summary_income"].rows}
    spend = {r["item_code"]: r for r in seed.tables["summary_expenditure"].rows}
    assert income["general-public-budget"]["amount"] == wan("148.53")
    assert income["fiscal-appropriation"]["row_type"] == "of-which"
    assert income["government-fund"]["amount"] is None  # blank, not zero
    assert income["grand-total"]["amount"] == wan("148.53")
    assert spend["201"]["amount"] == wan("129.57")
    assert spend["208"]["amount"] == wan("7.82")
    assert spend["210"]["amount"] == wan("4.37")
    assert spend["221"]["amount"] == wan("6.77")
    assert spend["234"]["item"] == "三十四、抗疫特别国债安排的支出"
    assert spend["year-end-carry-over"]["amount"] == Decimal("0.00")  # a published zero
    assert spend["grand-total"]["amount"] == wan("148.53")


def test_functional_codes_joined_with_levels(seed: Document) -> None:
    rows = {r["functional_code"]: r for r in seed.tables["expenditure"].items()}
    assert set(rows) == {"2010301", "2010302", "2080505", "2101101", "2101199", "2210201"}
    admin = rows["2010301"]
    assert (admin["functional_class"], admin["functional_subclass"]) == ("201", "20103")
    assert admin["name"] == "行政运行"
    assert admin["total"] == wan("88.52")
    assert admin["basic_personnel_wages"] == wan("81.08")
    assert admin["basic_public_goods_services"] == wan("7.44")
    assert admin["project_total"] is None
    assert rows["2010302"]["project_specific"] == wan("21.55")
    total = seed.tables["expenditure"].first("total")
    assert total is not None
    assert (total["total"], total["basic_total"], total["project_total"]) == (
        wan("148.53"),
        wan("107.48"),
        wan("41.05"),
    )
    assert seed.tables["expenditure"].first("department")["unit_code"] == "015"


def test_economic_codes_joined(seed: Document) -> None:
    basic = {
        r["economic_departmental_code"]: r
        for r in seed.tables["general_budget_basic_expenditure"].items()
    }
    assert basic["30107"]["economic_government_code"] == "50501"
    assert basic["30107"]["personnel"] == wan("18.63")
    assert basic["30229"]["public"] == wan("1.41")
    assert basic["30229"]["personnel"] is None
    assert seed.tables["general_budget_basic_expenditure"].first("total")["total"] == wan("107.48")
    summary = {
        r["economic_departmental_code"]: r
        for r in seed.tables["economic_classification_summary"].items()
    }
    assert len(summary) == 15
    assert summary["30107"]["economic_government_code"] == "50501"
    assert summary["30107"]["economic_departmental_class"] == "301"
    assert summary["30305"]["economic_government_code"] == "50901"
    assert summary["30201"]["total"] == wan("15.96")
    assert seed.tables["economic_classification_summary"].first("total")["total"] == wan("148.53")


def test_income_and_fiscal_tables(seed: Document) -> None:
    income = seed.tables["income"]
    assert [r["row_type"] for r in income.rows] == ["total", "department", "unit"]
    assert income.rows[2]["unit_code"] == "015001"
    assert income.rows[2]["fiscal_appropriation"] == wan("148.53")
    fiscal = {r["item_code"]: r for r in seed.tables["fiscal_summary_expenditure"].rows}
    assert fiscal["current-year"]["row_type"] == "subtotal"
    assert fiscal["201"]["general_public_budget"] == wan("129.57")
    assert fiscal["234"]["item"] == "(三十四) 抗疫特别国债安排的支出"  # half-width, as published


def test_empty_tables_keep_their_notes(seed: Document) -> None:
    three = seed.tables["three_public_expenses"]
    assert three.rows == []
    assert any("故此表无数据" in note for note in three.notes)
    fund = seed.tables["government_fund_expenditure"]
    assert [r["row_type"] for r in fund.rows] == ["total"]
    assert fund.rows[0]["total"] is None
    assert "project_specific" not in fund.fields  # this table has no 特定目标类 column
    assert any("政府性基金" in note for note in fund.notes)


def test_operating_and_projects(seed: Document) -> None:
    operating = {
        r["economic_departmental_code"]: r for r in seed.tables["operating_expenses"].items()
    }
    assert operating["30228"]["category"] == "工会经费"
    assert operating["30211"]["fiscal_appropriation"] == wan("3.00")
    projects = seed.tables["project_expenditure"]
    assert projects.first("total")["total"] == wan("41.05")
    items = {r["project_name"]: r for r in projects.items()}
    assert len(items) == 6
    assert items["工作经费"]["project_code"] == "41039524000000012902"
    assert items["工作经费"]["project_type"] == "其他运转类"
    assert items["政府网站等级保护安全防护产品项目"]["total"] == wan("8.17")


def test_narrative_figures(seed: Document) -> None:
    by = {(f.line, f.subject, f.kind): f for f in seed.figures}
    assert by[(77, "收入总计", "amount")].value == Decimal("148.53")
    change = by[(77, "支出总计", "change")]
    assert change.value == Decimal("49.63") and change.compared_year == 2023
    assert change.implied_prior == Decimal("98.90")
    assert by[(77, "支出总计", "growth")].value == Decimal("50.18")
    assert by[(85, "基本支出", "share")].value == Decimal("72.36")
    assert by[(97, "人员经费支出", "amount")].value == Decimal("100.04")
    assert by[(123, "机构运转经费支出预算", "change")].implied_prior == Decimal("7.15")
    assert by[(131, "涉及预算拨款", "count")].value == 6


def test_glossary(seed: Document) -> None:
    terms = {term: definition for _, term, definition in seed.glossary}
    assert len(terms) == 10
    assert terms["基本支出"].startswith("是指为保障机构正常运转")
    assert "特定的行政工作任务" in terms["项目支出"]  # rejoined across the broken line


def test_department_indicators(seed: Document) -> None:
    department = [i for i in seed.indicators if i.scope == "department"]
    assert len(department) == 31  # lines 446-448, 450-461, 463-467, 468-478
    by_name = {i.level3: i for i in department}
    first = department[0]
    assert (first.level1, first.level2, first.level3) == (
        "投入管理指标",
        "工作目标管理",
        "年度履职目标相关性",
    )
    refinement = by_name["专项资金细化率"]
    assert (refinement.operator, refinement.value, refinement.unit) == ("≥", Decimal("90"), "%")
    assert by_name["资产管理规范性"].qualitative == "规范"  # the shifted row
    assert by_name["资产管理规范性"].level2 == "预算和财务管理"
    ranking = by_name["110联动服务工作协调机制排名"]
    assert (ranking.level1, ranking.operator, ranking.value, ranking.unit) == (
        "产出指标",
        "<",
        Decimal("10"),
        "名",
    )
    assert seed.goals.startswith("（一）负责联审联批")
    assert [t["task"] for t in seed.tasks] == [
        "联审联批、“放管服”改革工作",
        "数据资源工作",
        "效能督查工作",
        "110联动工作",
    ]


def test_project_indicators(seed: Document) -> None:
    project = [i for i in seed.indicators if i.scope == "project"]
    assert len(project) == 37
    codes = {i.project_code for i in project}
    assert codes == {
        "41039524000000012902",
        "41039524000000012810",
        "41039524000000012813",
        "41039524000000012821",
        "41039524000000012827",
        "41039524000000012830",
    }
    cost = next(
        i for i in project if i.project_code == "41039524000000012902" and i.category == "cost"
    )
    assert (cost.level3, cost.operator, cost.value, cost.unit) == (
        "总成本",
        "≤",
        Decimal("195000"),
        "元",
    )
    continuation = [i for i in project if i.line == 491]
    assert len(continuation) == 1 and continuation[0].value_text == "12个月"
    assert continuation[0].category == "output"
    last = [i for i in project if i.line == 507]
    assert last[0].value_text == "≥5个工作日" and last[0].unit == "个工作日"
