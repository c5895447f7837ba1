"""The Shanghai narrative: 主要职能, 机构设置 (with its counts), 名词解释, the 编制说明 figures,
the per-项 explanations, the 三公 explanation and the project descriptions.

Every figure is a NarrativeFigure on the line it starts on, so the audit can hold it against
the tables and a reader can find it in the extracted text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from service.ingest.cells import normalise
from service.ingest.model import NarrativeFigure
from service.ingest.pdf.pages import TextLine

_ORDINAL = r"(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)、?)"
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_GLOSSARY = re.compile(rf"^{_ORDINAL}(?P<term>[^:：]{{1,30}})[:：](?P<definition>.+)$")
_DUTY = re.compile(rf"^{_ORDINAL}")
_ITEM = re.compile(
    r"[“\"]?(?P<cls>[^“\"()、.]+?)\((?P<c1>\d{3})?类\)(?P<sub>[^()]+?)\((?P<c2>\d{2})?款\)"
    rf"(?P<item>[^()]+?)\((?P<c3>\d{{2}})?项\)[”\"]?(?:科目)?(?P<amount>{_NUMBER})万元"
)
_PRIOR = re.compile(rf"(?P<year>\d{{4}})年当年预算执行数为(?P<value>{_NUMBER})万元")
_PLANNED = re.compile(rf"(?P<year>\d{{4}})年预算安排(?P<value>{_NUMBER})万元")
_GROWTH = re.compile(
    rf"比(?P<year>\d{{4}})年预算执行数(?:(?P<dir>增加|减少|增长|下降)(?P<value>{_NUMBER})%|持平)"
)
_CHANGE = re.compile(
    rf"[比与](?P<year>\d{{4}})年(?:\([^)]*\))?(?:预算)?"
    rf"(?:(?P<dir>增加|减少)(?P<value>{_NUMBER})万元|持平)"
)
_AMOUNT = re.compile(rf"(?P<value>{_NUMBER})万元")
_COUNT = re.compile(r"(?P<value>\d+)(?P<unit>个)")
# a numbered item, not a wrapped line that starts with an amount (1690.69万元)
_ITEM_START = re.compile(
    r"^(\d+[.、．](?!\d)|[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))"
)
_LABEL = re.compile(r"[\u4e00-\u9fff“”\"()]{1,40}$")
_PARTS = {
    "项目概况": "overview",
    "项目概述": "overview",
    "立项依据": "basis",
    "实施主体": "implementer",
    "实施方案": "plan",
    "实施周期": "period",
    "年度预算安排": "annual_budget",
    "绩效目标": "targets",
}


@dataclass
class Block:
    """A narrative section as found: its heading line and the lines under it."""

    name: str  # duties | structure | glossary | explanation | other | project | …
    heading: TextLine
    lines: list[TextLine] = field(default_factory=list)


@dataclass
class Narrative:
    duties: list[str] = field(default_factory=list)
    structure: str | None = None
    glossary: list[tuple[int, str, str]] = field(default_factory=list)
    figures: list[NarrativeFigure] = field(default_factory=list)
    projects: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Para:
    """Lines joined into a paragraph, remembering where each line starts."""

    number: int  # first line
    text: str = ""
    starts: list[tuple[int, int]] = field(default_factory=list)  # (offset, line number)

    def line_at(self, offset: int) -> int:
        """The line number of the character at `offset` in the paragraph's text."""
        return next((n for start, n in reversed(self.starts) if start <= offset), self.number)


def _paragraphs(block: Block) -> list[Para]:
    """A paragraph runs until a numbered item starts or a short line (a heading) ends it.

    Sentence ends do not split: a per-项 explanation runs over several sentences and lines.
    """
    paras: list[Para] = []
    previous, page = "", 0
    for line in block.lines:
        text = line.key
        if not text:
            continue
        ended = line.page != page and previous.endswith(("。", ":"))
        if not paras or _ITEM_START.match(text) or len(previous) < 15 or ended:
            paras.append(Para(line.number))
        para = paras[-1]
        para.starts.append((len(para.text), line.number))
        para.text += text
        previous, page = text, line.page
    return paras


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def read_narrative(blocks: list[Block], department: str) -> Narrative:
    """The narrative of a PDF document from its text blocks: duties, structure, glossary and the
    figures its prose states.
    """
    found = Narrative()
    for block in blocks:
        paras = _paragraphs(block)
        if block.name == "duties":
            for para in paras:
                duty = _DUTY.sub("", para.text)
                seen = {re.sub(r"\W", "", d) for d in found.duties}
                if _DUTY.match(para.text) and re.sub(r"\W", "", duty) not in seen:
                    found.duties.append(duty)
        elif block.name == "structure":
            found.structure = "".join(para.text for para in paras) or None
            found.figures += _structure_counts(block, paras)
        elif block.name == "glossary":
            for para in paras:
                match = _GLOSSARY.match(para.text)
                if match:
                    found.glossary.append((para.number, match["term"], match["definition"]))
        elif block.name in ("explanation", "other"):
            for para in paras:
                item = _ITEM.search(para.text)
                if item and block.name == "explanation":
                    found.figures += _item_figures(para, item)
                else:
                    found.figures += _clause_figures(para, department)
        elif block.name == "project":
            found.projects.append(_project(block, paras))
    return found


def _structure_counts(block: Block, paras: list[Para]) -> list[NarrativeFigure]:
    """下属 5 家预算单位; 行政单位 1 家, 参公单位 1 家, 事业单位 4 家; and the units listed."""
    figures = []
    for para in paras:
        for match in re.finditer(r"(下属|行政单位|参公单位|事业单位)(\d+)家", para.text):
            subject = "下属预算单位" if match[1] == "下属" else match[1]
            figures.append(
                NarrativeFigure(
                    para.line_at(match.start()),
                    subject,
                    "count",
                    Decimal(match[2]),
                    "家",
                    para.text,
                )
            )
    listed = [
        line for line in block.lines if re.search(r"(?:^|具体包括[:：]?)\d+[.、](?!\d)", line.key)
    ]
    if listed:
        text = "".join(line.key for line in listed)
        figures.append(
            NarrativeFigure(
                listed[0].number, "列出的预算单位", "count", Decimal(len(listed)), "家", text
            )
        )
    return figures


def _item_figures(para: Para, item: re.Match[str]) -> list[NarrativeFigure]:
    """One 项 of 财政拨款支出主要内容: amount, prior-year executed amount, planned, change."""
    codes = "".join(c for c in (item["c1"], item["c2"], item["c3"]) if c)
    path = f"{item['cls']}/{item['sub']}/{item['item']}" + (f" {codes}" if codes else "")
    text = para.text
    amount = _number(item["amount"])
    figures = [NarrativeFigure(para.line_at(item.start()), path, "amount", amount, "万元", text)]
    prior = _PRIOR.search(text)
    prior_value = _number(prior["value"]) if prior else None
    # the prior year's executed amount is compared with that year; the planned one is this year's
    for found, said, compared in (
        (prior, "预算执行数", True),
        (_PLANNED.search(text), "预算安排", False),
    ):
        if found:
            subject = f"{path}·{found['year']}年{said}"
            year = int(found["year"]) if compared else None
            line = para.line_at(found.start())
            figures.append(
                NarrativeFigure(
                    line, subject, "amount", _number(found["value"]), "万元", text, year
                )
            )
    growth = _GROWTH.search(text)
    if growth:
        value = _number(growth["value"]) if growth["value"] else Decimal(0)
        if growth["dir"] in ("减少", "下降"):
            value = -value
        figures.append(
            NarrativeFigure(
                para.line_at(growth.start()),
                path,
                "growth",
                value,
                "%",
                text,
                int(growth["year"]),
                prior_value,
            )
        )
    return figures


def _subject(before: str, department: str) -> str:
    found = _LABEL.search(before)
    label = found.group(0) if found else ""
    label = label.split(department)[-1] if department else label
    label = re.sub(r"^(年度?|\([^)]*\))", "", label)
    label = re.sub(r"^(其中|主要原因是|家|个)", "", label)
    return re.sub(r"(为|是|共|合计|安排)$", "", label)


def _clause_figures(para: Para, department: str) -> list[NarrativeFigure]:
    """Amounts (X万元), the change against a prior year each one states, and counts (N个)."""
    text = para.text
    years = [int(y) for y in re.findall(r"(\d{4})年", text)]
    events: list[tuple[int, str, re.Match[str]]] = []
    changes = list(_CHANGE.finditer(text))
    inside = [range(m.start(), m.end()) for m in changes]
    events += [(m.start(), "change", m) for m in changes]
    events += [
        (m.start(), "amount", m)
        for m in _AMOUNT.finditer(text)
        if not any(m.start() in span for span in inside)
    ]
    events += [(m.start(), "count", m) for m in _COUNT.finditer(text)]
    figures: list[NarrativeFigure] = []
    last: NarrativeFigure | None = None
    for start, kind, match in sorted(events, key=lambda e: e[0]):
        clause_start = max(text.rfind(p, 0, start) for p in ",，;；。:：、") + 1
        before = text[clause_start:start]
        if kind == "change":
            if last is None:
                continue
            value = _number(match["value"]) if match["value"] else Decimal(0)
            sign = -1 if match["dir"] == "减少" else 1
            figures.append(
                NarrativeFigure(
                    para.line_at(start),
                    last.subject,
                    "change",
                    value,
                    "万元",
                    text,
                    int(match["year"]),
                    last.value - sign * value,
                )
            )
            continue
        subject = _subject(before, department)
        unit = "万元" if kind == "amount" else match["unit"]
        if re.match(r"(\(含\))?(以上|以下)", text[match.end() :]):
            kind = "threshold"  # 单价100万元以上: a bound, not an amount
        figure = NarrativeFigure(
            para.line_at(start),
            subject,
            kind,
            _number(match["value"]),
            unit,
            text,
            years[1] if len(years) > 1 and years[1] != years[0] else None,
        )
        figures.append(figure)
        if kind == "amount":
            last = figure  # a change stated next refers to it
    return figures


def _project(block: Block, paras: list[Para]) -> dict[str, str]:
    """项目经费情况说明: the project's name and each numbered part (概况, 依据, 主体, …)."""
    heading = normalise(block.heading.text)
    title = heading.removesuffix("项目经费情况说明").removesuffix("经费情况说明")
    project: dict[str, str] = {"title": title or heading, "source_line": str(block.heading.number)}
    key = None
    for para in paras:
        match = re.match(r"^[一二三四五六七八九十]+、(.{2,8}?)$", para.text)
        if match:
            key = _PARTS.get(match[1], match[1])
            continue
        if key:
            project[key] = project.get(key, "") + para.text
    return project
