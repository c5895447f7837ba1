"""The narrative: 概况, the 情况说明 paragraphs with their stated figures, and 名词解释.

Sentences follow the seed's wording, since the reader finds figures by the words before them
(收入总计, 基本支出, 占, 增长 …); shares and growth are computed from the stated, rounded figures
exactly as the audit recomputes them.
"""

from __future__ import annotations

from decimal import Decimal

from service.synthetic import template as tpl
from service.synthetic.budget import ZERO, Budget, in_wan
from service.synthetic.text import CENT, Writer, pct


def change_words(stated: Decimal, prior: Decimal) -> tuple[str, str, Decimal, Decimal]:
    """增加/增长 or 减少/下降, the change and the growth rate the audit recomputes."""
    change = abs(stated - prior)
    growth = (change / prior * 100).quantize(CENT)
    return ("增加", "增长", change, growth) if stated >= prior else ("减少", "下降", change, growth)


def write_narrative(out: Writer, b: Budget) -> None:
    """The narrative of a budget written: title, duties, structure and the prose that states its
    totals, shares and growth (the figures the audit holds to the tables).
    """
    y, full, short, n = b.year, b.full_name, b.short_name, b.narrative
    total = in_wan(b.sum("total"))
    gpb, gf = in_wan(b.sum("total", "gpb")), in_wan(b.sum("total", "gf"))
    basic, project = in_wan(b.sum("basic")), in_wan(b.sum("project"))
    g_basic, g_project = in_wan(b.sum("basic", "gpb")), in_wan(b.sum("project", "gpb"))
    personnel, public = in_wan(b.sum("personnel", "gpb")), in_wan(b.sum("public", "gpb"))
    three = {k: in_wan(v) for k, v in b.three_public.items()}
    three_total = in_wan(sum(b.three_public.values(), ZERO))
    vehicles = in_wan(b.three_public["vehicle_purchase"] + b.three_public["vehicle_operation"])
    operating = in_wan(sum((e.basic for e in b.operating_rows), ZERO))
    projects = in_wan(sum((p.amount for p in b.projects), ZERO))

    out.add("")
    out.add("")
    out.para(f"{y}年{full}部门预算说明")
    out.para("目 录")
    out.para(f"第一部分 {full}概况")
    out.para("一、主要职责")
    out.para("二、部门所属预算单位构成情况")
    out.para(f"第二部分 {y}年{full}部门预算情况说明")
    out.para("第三部分 名词解释")
    out.para(f"附件：{y}年{full}部门预算表")
    for number, title in enumerate(TOC, start=1):
        out.para(f"{ORDINALS[number]}、{title}")
    out.para("第一部分")
    out.para(f"{full}概况")
    out.para(f"一、{full}主要职责")
    for number, duty in enumerate(b.duties, start=1):
        out.para(f"{number}. {duty}")
    out.para(f"二、{full}预算单位构成情况")
    out.para(f"{short}无所属预算单位，部门预算包括：办公室、综合业务科、财务审计科的预算。")
    out.para("第二部分")
    out.para(f"{y} 年{full}部门预算情况说明")

    verb, rate, change, growth = change_words(total, n.prior_total)
    out.para("一、收入支出预算总体情况说明")
    out.para(
        f"{short} {y} 年收入总计 {total} 万元，支出总计 {total} 万元，与 {y - 1} 年预算相比，"
        f"收支总计各{verb} {change} 万元，{rate} {growth}%。主要原因：{n.reasons[verb]}。",
        "narr:total",
    )
    out.para("二、收入预算总体情况说明")
    out.para(
        f"{short} {y} 年收入合计 {total} 万元，其中：一般公共预算拨款收入 {gpb} 万元，"
        f"占 {pct(gpb, total)}%；政府性基金预算拨款收入 {gf} 万元，占 {pct(gf, total)}%。",
        "narr:income",
    )
    out.para("三、支出预算总体情况说明")
    out.para(
        f"{short} {y} 年支出合计 {total} 万元，其中：基本支出 {basic} 万元，"
        f"占 {pct(basic, total)}%；项目支出 {project} 万元，占 {pct(project, total)}%。",
        "narr:spend",
    )
    verb, rate, change, growth = change_words(gpb, n.prior_general)
    out.para("四、财政拨款收入支出预算总体情况说明")
    out.para(
        f"{short} {y} 年一般公共预算收支预算 {gpb} 万元。与 {y - 1} 年相比，一般公共预算收支预算"
        f"{verb} {change} 万元，{rate} {growth}%，主要原因：{n.reasons[verb]}。",
        "narr:fiscal",
    )
    out.para("五、一般公共预算支出预算情况说明")
    out.para(
        f"{short} {y} 年一般公共预算支出年初预算为 {gpb} 万元。其中：基本支出 {g_basic} 万元，"
        f"占 {pct(g_basic, gpb)}%；项目支出 {g_project} 万元，占 {pct(g_project, gpb)}%。",
        "narr:general",
    )
    out.para("六、一般公共预算基本支出预算情况说明")
    out.para(
        f"{short} {y} 年一般公共预算基本支出年初预算为 {g_basic} 万元。其中：人员经费支出 "
        f"{personnel} 万元，占 {pct(personnel, g_basic)}%；公用经费支出 {public} 万元，"
        f"占 {pct(public, g_basic)}%。",
        "narr:basic",
    )
    verb, _, change, _ = change_words(three_total, n.prior_three)
    out.para("七、一般公共预算“三公”经费支出预算情况说明")
    out.para(
        f"{short} {y} 年“三公”经费支出预算为 {three_total} 万元。{y} 年“三公”经费支出预算数"
        f"比 {y - 1} 年{verb} {change} 万元。",
        "narr:three",
    )
    out.para("具体支出情况如下：")
    out.para(
        f"（一）因公出国（境）费**{three['overseas_travel']}**万元，主要用于单位工作人员公务出国"
        f"（境）的住宿费、旅费、伙食补助费、杂费、培训费等支出。预算数与{y - 1}年保持一致。",
        "narr:overseas",
    )
    out.para(
        f"（二）公务接待费**{three['official_reception']}**万元，主要用于按规定开支的各类公务接待"
        f"（含外宾接待）支出。预算数与{y - 1}年保持一致。",
        "narr:reception",
    )
    out.para(
        f"（三）公务用车购置及运行费**{vehicles}**万元，主要用于开展工作所需公务用车的燃料费、"
        f"维修费、过路过桥费、保险费、安全奖励费用等支出。其中：一是公务用车购置费"
        f"**{three['vehicle_purchase']}**万元，二是公务用车运行维护费"
        f"**{three['vehicle_operation']}**万元。",
        "narr:vehicles",
    )
    out.para("八、政府性基金支出预算情况说明")
    out.para(
        f"{short} {y} 年政府性基金预算拨款安排的支出 {gf} 万元，主要用于政府性基金相关事务。",
        "narr:fund",
    )
    out.para("九、国有资本经营预算支出预算情况说明")
    out.para(f"{short} {y} 年无国有资本经营预算拨款安排的支出。")
    out.para("十、其他重要事项情况说明")
    out.para("（一）行政（事业）单位机构运转经费支出预算情况")
    verb, _, change, _ = change_words(operating, n.prior_operating)
    out.para(
        f"{short}{y}年机构运转经费支出预算{operating}万元，主要保障机构正常运转及正常履职需要"
        f"所需支出，包含公用经费、公务交通补贴、工会经费、职工福利费等，预算数比{y - 1}年"
        f"{verb}{change}万元，主要原因：{n.reasons[verb]}。",
        "narr:operating",
    )
    out.para("（二）政府采购支出预算情况")
    goods, works, services = n.procurement
    out.para(
        f"{y}年政府采购预算安排{goods + works + services}万元，其中：政府采购货物预算{goods}万元、"
        f"政府采购工程预算{works}万元、政府采购服务预算{services}万元。",
        "narr:procurement",
    )
    out.para("（三）预算绩效情况说明")
    out.para(
        f"{y}年{short}对项目支出全面实施绩效目标管理，涉及预算拨款 {projects} 万元，共 "
        f"{len(b.projects)} 个项目，无部门重点评价项目。按照预算绩效管理相关要求，我单位将进一步"
        f"改进管理、完善政策。",
        "narr:performance",
    )
    official, enforcement = n.vehicles
    out.para("（四）国有资产占用情况")
    out.para(
        f"{y - 1}年期末，{short}共有车辆{official + enforcement}辆，其中：一般公务用车{official}辆、"
        f"一般执法执勤用车{enforcement}辆、特种专业技术用车0辆、其他用车0辆；单位价值50万元以上"
        f"通用设备{n.equipment}套，单位价值100万元以上专用设备0套。"
    )
    out.para("（五）专项转移支付项目情况")
    out.para(f"{short}{y}年无负责管理的专项转移支付项目。")
    out.para("第三部分")
    out.para("名词解释")
    for line in tpl.GLOSSARY:
        out.add(line)
    out.add("")
    out.add(f"**附件：{y}年{full}部门")
    out.para("预算表**")


ORDINALS = dict(enumerate("零一二三四五六七八九十", start=0)) | {
    11: "十一",
    12: "十二",
    13: "十三",
    14: "十四",
}
TOC = (
    "部门收支预算表",
    "部门收入预算表",
    "部门支出预算表",
    "财政拨款收支预算表",
    "一般公共预算支出预算表",
    "一般公共预算基本支出预算表",
    "支出经济分类汇总表",
    "一般公共预算“三公”经费预算表",
    "政府性基金预算支出预算表",
    "国有资本经营预算支出预算表",
    "行政（事业）单位机构运转经费预算表",
    "项目支出预算表",
    "部门（单位）整体绩效目标表",
    "部门预算项目绩效目标表",
)
