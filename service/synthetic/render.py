"""Budget → document text in the seed's exact layout, each important line tagged with a key.

The keys let the error seeder change or drop a line and still say which line number the
audit must point at afterwards.
"""

from __future__ import annotations

from decimal import Decimal

from service.ingest.cells import chinese_ordinal
from service.synthetic import template as tpl
from service.synthetic.budget import ZERO, Budget, FunctionalRow
from service.synthetic.names import OPERATING_CATEGORIES
from service.synthetic.narrative import ORDINALS, write_narrative
from service.synthetic.text import Lines, Writer, cell, row, wan


def render(budget: Budget) -> Lines:
    """A budget rendered as the keyed lines of a text disclosure (narrative, then the tables): what
    seeded errors edit and documents are written from.
    """
    out = Writer()
    write_narrative(out, budget)
    _tables(out, budget)
    while out.lines and not out.lines[-1][1]:
        out.lines.pop()
    return out.lines


# --- tables -----------------------------------------------------------------------------


def _frame(out: Writer, title: str, b: Budget, *, unit: bool = True, colon: str = "： ") -> None:
    out.para(title, f"title:{title}")
    out.para(f"部门名称{colon}{b.full_name}")
    if unit:
        out.para(f"单位：{b.unit}")


def _class_of(label: str) -> str | None:
    """一、一般公共服务 → 201; （十）卫生健康支出 → 210 (the template numbers class 2NN as NN)."""
    text = label.replace("（", "(").replace("）", ")").strip()
    if text.startswith("("):
        ordinal = text[1 : text.index(")")]
    elif "、" in text:
        ordinal = text.split("、")[0]
    else:
        return None
    number = chinese_ordinal(ordinal)
    return None if number is None else str(200 + number)


def _tables(out: Writer, b: Budget) -> None:
    u, y = b.unit, b.year
    total, gpb, gf = b.sum("total"), b.sum("total", "gpb"), b.sum("total", "gf")
    by_class: dict[str, dict[str, Decimal]] = {}
    for r in b.functional:
        entry = by_class.setdefault(r.code[:3], {"total": ZERO, "gpb": ZERO, "gf": ZERO})
        entry["total"] += r.total
        entry[r.fund] += r.total

    # 部门收支预算表
    _frame(out, f"{y}年部门收支预算表", b)
    for line in tpl.SUMMARY_HEADER:
        out.add(line)
    left_amounts = {0: gpb, 1: gpb, 2: gf}
    for index, (left, right) in enumerate(zip(tpl.SUMMARY_LEFT, tpl.SUMMARY_RIGHT, strict=True)):
        code = _class_of(right)
        amount = by_class.get(code or "", {}).get("total", ZERO)
        out.add(
            row([left, cell(left_amounts.get(index, ZERO), u), right, cell(amount, u)], 4),
            f"summary:{code}",
        )
    out.add(
        row(["本年收入合计", cell(total, u), "本年支出合计", cell(total, u)], 4), "summary:current"
    )
    out.add(row(["上年结转结余", "", "年终结转结余", "0.00"], 4))
    out.para(row(["收入总计", cell(total, u), "支出总计", cell(total, u)], 4), "summary:grand")

    # 部门收入预算表
    _frame(out, f"{y}年部门收入预算表", b)
    for line in tpl.INCOME_HEADER:
        out.add(line)
    amounts = [cell(v, u) for v in (total, total, gpb, gpb, gf)]
    out.add(row(["", "合计", *amounts], 20), "income:total")
    out.add(row([b.dept_code, b.full_name, *amounts], 20), "income:department")
    out.para(row([b.unit_code, b.full_name, *amounts], 20), "income:unit")

    # 部门支出预算表, 一般公共预算支出预算表
    _expenditure(
        out, f"{y}年部门支出预算表", b, b.rows(), "expenditure", tpl.EXPENDITURE_HEADER, 14
    )
    _fiscal(out, b, by_class)
    _expenditure(
        out, f"{y}年一般公共预算支出预算表", b, b.rows("gpb"), "general", tpl.EXPENDITURE_HEADER, 14
    )

    # 一般公共预算基本支出预算表
    _frame(out, f"{y}年一般公共预算基本支出预算表", b, colon="：")
    for line in tpl.BASIC_HEADER:
        out.add(line)
    basic = b.basic_rows
    personnel = sum((e.basic for e in basic if e.personnel), ZERO)
    public = sum((e.basic for e in basic if not e.personnel), ZERO)
    out.add(
        row(
            ["合计", "", "", "", cell(personnel + public, u), cell(personnel, u), cell(public, u)],
            7,
        ),
        "basic:total",
    )
    for e in basic:
        split = [cell(e.basic, u), ""] if e.personnel else ["", cell(e.basic, u)]
        out.add(
            row([e.code, e.name, e.gov_code, e.gov_name, cell(e.basic, u), *split], 7),
            f"basic:{e.code}",
        )
    out.add("")

    # 支出经济分类汇总表
    _frame(out, f"{y}年支出经济分类汇总表", b)
    for line in tpl.ECONOMIC_HEADER:
        out.add(line)
    gpb_all = sum((e.basic + e.project_gpb for e in b.economic), ZERO)
    gf_all = sum((e.project_gf for e in b.economic), ZERO)
    head = [cell(gpb_all + gf_all, u), cell(gpb_all, u), cell(gpb_all, u), cell(gf_all, u)]
    out.add(row(["", "", "合计", "", "", "", *head], 19), "economic:total")
    out.add(row([b.dept_code, "", b.full_name, "", "", "", *head], 19), "economic:department")
    for e in b.economic:
        g = e.basic + e.project_gpb
        cells = [e.code[:3], e.code[3:], e.name, e.gov_code[:3], e.gov_code[3:], e.gov_name]
        cells += [cell(e.total, u), cell(g, u), cell(g, u), cell(e.project_gf, u)]
        out.add(row(cells, 19), f"economic:{e.code}")
    out.add("")

    # 一般公共预算“三公”经费预算表
    _frame(out, f"{y}年一般公共预算“三公”经费预算表", b)
    for line in tpl.THREE_PUBLIC_HEADER:
        out.add(line)
    t = b.three_public
    three = [
        sum(t.values(), ZERO),
        t["overseas_travel"],
        t["vehicle_purchase"] + t["vehicle_operation"],
        t["vehicle_purchase"],
        t["vehicle_operation"],
        t["official_reception"],
    ]
    amounts = [cell(v, u, zero="0.00") for v in three]
    out.add(row(["合计", *amounts], 7), "three:total")
    out.add(row([b.dept_code, b.full_name, *amounts], 8), "three:department")
    out.add(row([b.unit_code, b.full_name, *amounts], 8), "three:unit")
    out.add("")
    out.para(tpl.THREE_PUBLIC_NOTE[0])

    # 政府性基金支出预算表, 国有资本经营支出预算表 (published empty, as in the seed)
    _expenditure(out, f"{y}年政府性基金支出预算表", b, b.rows("gf"), "fund", tpl.FUND_HEADER, 13)
    _frame(out, f"{y}年国有资本经营支出预算表", b)
    for line in tpl.STATE_CAPITAL_HEADER:
        out.add(line)
    out.para(row(["", "", "", "", "合计"], 13))
    out.para(f"备注：{b.short_name}{y}年无国有资本经营预算拨款安排的支出，故此表无数据。")

    # 行政（事业）单位机构运转经费预算表
    _frame(out, "行政（事业）单位机构运转经费预算表", b)
    for line in tpl.OPERATING_HEADER:
        out.add(line)
    operating = b.operating_rows
    amount = cell(sum((e.basic for e in operating), ZERO), u)
    out.add(row(["", "", "合计", amount, amount, amount], 46), "operating:total")
    out.add(row([b.dept_code, b.full_name, "", amount, amount, amount], 46), "operating:department")
    out.add(row([b.unit_code, b.full_name, "", amount, amount, amount], 46), "operating:unit")
    for e in operating:
        category = OPERATING_CATEGORIES.get(e.code, "公用经费")
        value = cell(e.basic, u)
        out.add(row([e.code, e.name, category, value, value, value], 46), f"operating:{e.code}")
    out.add("")

    # 项目支出预算表
    _frame(out, f"{y}年项目支出预算表", b)
    for line in tpl.PROJECT_HEADER:
        out.add(line)
    projects = sorted(b.projects, key=lambda p: (p.kind != "其他运转类", p.code))
    p_gpb = sum((p.amount for p in projects if p.fund == "gpb"), ZERO)
    p_gf = sum((p.amount for p in projects if p.fund == "gf"), ZERO)
    head = [cell(p_gpb + p_gf, u), cell(p_gpb, u), cell(p_gf, u)]
    out.add(row(["", "", "", *head], 12), "projects:total")
    out.add(row(["", b.dept_code, b.full_name, *head], 12), "projects:department")
    for p in projects:
        funds = [cell(p.amount, u), ""] if p.fund == "gpb" else ["", cell(p.amount, u)]
        out.add(
            row([p.kind, p.name, b.full_name, cell(p.amount, u), *funds], 12), f"projects:{p.code}"
        )
    out.add("")

    _department_performance(out, b)

    # 本级部门预算项目绩效目标汇总表 (amounts in 万元 to 0.1, as the header says)
    _frame(out, "本级部门预算项目绩效目标汇总表", b, unit=False)
    for line in tpl.PERFORMANCE_HEADER:
        out.add(line)
    summed = wan(p_gpb + p_gf, 1)
    out.add(row([b.dept_code, b.full_name, "", summed, summed], 16), "perf:department")
    out.add(row([b.unit_code, b.full_name, "", summed, summed], 16), "perf:unit")
    for p in projects:
        amount = wan(p.amount, 1)
        first_output = p.outputs[0]
        cells = [p.code, p.name, p.kind, amount, amount, "", "", p.cap_name, p.cap_text]
        cells += [*first_output, *p.benefit, *p.satisfaction]
        out.add(row(cells, 16), f"perf:{p.code}")
        for label, value in p.outputs[1:]:
            out.add(row([""] * 9 + [label, value], 16))


def _expenditure(
    out: Writer,
    title: str,
    b: Budget,
    rows: list[FunctionalRow],
    key: str,
    header: tuple[str, ...],
    width: int,
) -> None:
    u = b.unit
    _frame(out, title, b)
    for line in header:
        out.add(line)

    def amounts(items: list[FunctionalRow]) -> list[str]:
        attrs = ["total", "basic", "wages", "household", "goods", "capital", "project", "operating"]
        if width == 14:
            attrs.append("specific")
        return [cell(sum((getattr(r, a) for r in items), ZERO), u) for a in attrs]

    out.add(row(["", "", "", "", "合计", *amounts(rows)], width), f"{key}:total")
    out.add(row(["", "", "", b.dept_code, b.full_name, *amounts(rows)], width), f"{key}:department")
    for r in rows:
        cells = [r.code[:3], r.code[3:5], r.code[5:], "", r.name, *amounts([r])]
        out.add(row(cells, width), f"{key}:{r.code}")
    out.add("")


def _fiscal(out: Writer, b: Budget, by_class: dict[str, dict[str, Decimal]]) -> None:
    u = b.unit
    total, gpb, gf = b.sum("total"), b.sum("total", "gpb"), b.sum("total", "gf")
    _frame(out, f"{b.year}年财政拨款收支预算表", b)
    for line in tpl.FISCAL_HEADER:
        out.add(line)
    left_amounts = {0: total, 1: gpb, 2: gpb, 3: gf}
    for index, (left, right) in enumerate(zip(tpl.FISCAL_LEFT, tpl.FISCAL_RIGHT, strict=True)):
        if left is None or right is None:
            out.add("")
            continue
        if right.startswith("一、"):
            amounts = [total, gpb, gpb, gf]
            code = "current"
        else:
            code = _class_of(right) if right.startswith(("（", "(")) else None
            entry = by_class.get(code or "", {"total": ZERO, "gpb": ZERO, "gf": ZERO})
            amounts = [entry["total"], entry["gpb"], entry["gpb"], entry["gf"]]
        cells = [left, cell(left_amounts.get(index, ZERO), u), right]
        out.add(row(cells + [cell(v, u) for v in amounts], 8), f"fiscal:{code}")
    cells = ["收入合计", cell(total, u), "支出合计"] + [cell(v, u) for v in (total, gpb, gpb, gf)]
    out.para(row(cells, 8), "fiscal:grand")


def _department_performance(out: Writer, b: Budget) -> None:
    total = wan(b.sum("total"), 1)
    basic, project = wan(b.sum("basic"), 1), wan(b.sum("project"), 1)
    out.para(f"部门（单位）整体绩效目标表 ({b.year}年度)", "title:department-performance")
    out.add(row(["部门名称：部门（单位）名称", b.full_name], 5))
    goals = "".join(f"（{ORDINALS[i]}）{duty}" for i, duty in enumerate(b.duties, start=1))
    out.add(row(["年度履职目标", goals], 5))
    out.add(row(["年度主要任务", "任务名称", "主要内容"], 5))
    for task, content in b.tasks:
        out.add(row(["", task, content], 5))
    out.add(row(["预算情况", "部门预算总额（万元）", "", total], 5), "dept-perf:total")
    out.add(row(["", "1、资金来源：", "（1）政府预算资金", "", total], 5), "dept-perf:government")
    out.add(row(["", "", "（2）财政专户管理资金"], 5))
    out.add(row(["", "", "（3）单位资金"], 5))
    out.add(row(["", "2、资金结构：", "（1）基本支出", "", basic], 5), "dept-perf:basic")
    out.add(row(["（2）项目支出", "", project], 5), "dept-perf:project")
    for line in tpl.DEPARTMENT_INDICATORS:
        out.add(line)
    for index, (task, _) in enumerate(b.tasks):
        level1 = "产出指标" if index == 0 else ""
        level2 = "重点工作任务完成" if index == 0 else ""
        description = "反映本部门制定的年度工作目标达成情况。"
        out.add(row([level1, level2, f"{task}完成率", "≥95%", description], 5))
    out.add(
        row(
            ["效益指标", "履职效益", "部门履职效能", "提升", "反映部门履职对经济社会发展的影响。"],
            5,
        )
    )
    out.add(
        row(["", "满意度", "服务对象满意度", "≥95%", "反映服务对象对部门履职效果的满意程度。"], 5)
    )
    out.add("")
