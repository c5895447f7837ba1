"""The narrative: responsibilities, unit structure, stated figures and the 名词解释 glossary.

Extracted text breaks paragraphs mid-sentence with blank lines ("公共资" / "源管理科"), so
paragraphs are rejoined until a line ends a sentence or the next starts a numbered item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from service.ingest.cells import normalise
from service.ingest.model import NarrativeFigure
from service.ingest.sections import Line

_ITEM_START = re.compile(
    r"^(\d+[.、．]|[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|第[一二三四五]部分)"
)
_SENTENCE_END = ("。", "；", ";", "：", ":", "表", "明", "况", "释")
_FIGURE = re.compile(
    r"(?P<label>[\u4e00-\u9fff“”\"()]{0,24}?)"
    r"(?P<value>\d+(?:\.\d+)?)(?P<unit>万元|元|%|个项目|个)"
)
_YEAR = re.compile(r"(\d{4})年")
_GLOSSARY = re.compile(
    r"^\s*[一二三四五六七八九十]+、\s*(?P<term>[^:：]{1,30})[:：](?P<definition>.+)$"
)


@dataclass
class Para:
    """A rejoined paragraph: `text` normalised for matching, `raw` as published for output."""

    number: int
    text: str
    raw: str


def paragraphs(lines: list[Line]) -> list[Para]:
    """Rejoin paragraphs broken by the extraction; each keeps its first line number."""
    joined: list[Para] = []
    previous = ""
    for line in lines:
        text = normalise(line.text)
        if not text:
            continue
        raw = line.text.strip().replace("**", "")  # bold markup of the extraction, not content
        wrapped = len(previous) >= 20 and not previous.endswith(_SENTENCE_END)
        if joined and wrapped and not _ITEM_START.match(text):
            last = joined[-1]
            joined[-1] = Para(last.number, last.text + text, last.raw + raw)
        else:
            joined.append(Para(line.number, text, raw))
        previous = text
    return joined


def responsibilities(paras: list[Para]) -> tuple[list[str], str | None]:
    """Numbered duties under 主要职责, and the 预算单位构成 paragraph."""
    duties: list[str] = []
    structure = None
    section = None
    for para in paras:
        text = para.text
        if re.match(r"^[一二三四五六七八九十]+、", text) and "主要职责" in text:
            section = "duties"
            continue
        if re.match(r"^[一二三四五六七八九十]+、", text) and "构成" in text:
            section = "structure"
            continue
        if text.startswith("第") and "部分" in text[:5]:
            if duties and section:
                section = None
            continue
        if section == "duties" and re.match(r"^\d+[.、．]", text):
            duties.append(re.sub(r"^\s*\d+\s*[.、．]\s*", "", para.raw))
        elif section == "duties" and duties:
            section = None
        elif section == "structure" and text.endswith("。") and not _ITEM_START.match(text):
            structure = structure or para.raw
            section = None
    return duties, structure


def glossary(paras: list[Para]) -> list[tuple[int, str, str]]:
    """The entries of a document's 名词解释 (glossary) section: (line, term, explanation) in order."""
    entries = []
    inside = False
    for para in paras:
        if para.text == "名词解释":
            inside = True
            continue
        if inside and para.text.startswith("附件"):
            break
        match = _GLOSSARY.match(para.raw) if inside and _GLOSSARY.match(para.text) else None
        if match:
            entries.append(
                (para.number, match.group("term").strip(), match.group("definition").strip())
            )
    return entries


def figures(paras: list[Para]) -> list[NarrativeFigure]:
    """Every amount, share, change and count stated in the 情况说明 sentences."""
    found: list[NarrativeFigure] = []
    for para in paras:
        text = para.text
        if "万元" not in text and "%" not in text:
            continue
        years = [int(y) for y in _YEAR.findall(text)]
        compared = next((y for y in years[1:] if y != years[0]), None) if years else None
        last_amount: NarrativeFigure | None = None
        for clause in re.split(r"[，。；,;]", text):
            for match in _FIGURE.finditer(clause):
                label = match.group("label")
                unit = match.group("unit")
                if unit.startswith("个"):
                    unit = "个"
                value = Decimal(match.group("value"))
                if re.fullmatch(r"\d{4}", match.group("value")) and not unit:
                    continue
                kind = _kind(label, unit)
                if clause[match.end() :].startswith(("以上", "以下")):
                    kind = "threshold"
                figure = NarrativeFigure(
                    para.number,
                    _subject(label, last_amount, kind),
                    kind,
                    value,
                    unit,
                    para.raw,
                    compared,
                )
                if kind == "amount" and figure.subject:
                    last_amount = figure
                found.append(figure)
    _imply_prior_years(found)
    return found


def _kind(label: str, unit: str) -> str:
    if unit == "%":
        return "growth" if ("增长" in label or "下降" in label) else "share"
    if unit == "个":
        return "count"
    if re.search(r"(增加|减少|增长|下降)(了)?$", label):
        return "change"
    return "amount"


def _subject(label: str, previous: NarrativeFigure | None, kind: str) -> str:
    label = re.sub(r"^年度?", "", label)
    label = re.sub(r"^\([一二三四五六七八九十]+\)|^[一二三四五六七八九十]是", "", label)
    label = re.sub(r"(其中|主要原因)[:：]?", "", label)
    label = re.sub(r"(年初预算)?(为|是|共|占|安排|合计为)$", "", label).strip('"')
    label = re.sub(r"^(与|比)\d*年?(预算)?相比", "", label)
    if (
        kind in ("share", "growth", "change")
        and previous is not None
        and not label.strip("占增长加减少下降各")
    ):
        return previous.subject
    return label or (previous.subject if previous else "")


def _imply_prior_years(found: list[NarrativeFigure]) -> None:
    """A change of X against year Y implies the prior-year amount: stated − X (or + X)."""
    for index, figure in enumerate(found):
        if figure.kind != "change" or figure.unit not in ("万元", "元"):
            continue
        base = next(
            (
                f
                for f in reversed(found[:index])
                if f.kind == "amount" and f.line == figure.line and f.unit == figure.unit
            ),
            None,
        )
        if base is None:
            continue
        sign = -1 if re.search(r"(减少|下降)", figure.subject) else 1
        figure.implied_prior = base.value - sign * figure.value
        figure.subject = base.subject


def document_year(title_lines: list[Line]) -> int | None:
    """The fiscal year a document's title lines name, or None."""
    for line in title_lines:
        match = _YEAR.search(normalise(line.text))
        if match:
            return int(match.group(1))
    return None
