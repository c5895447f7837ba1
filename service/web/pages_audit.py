"""The audit as people read it: Chinese first (the English message beside), amounts in the
table's published unit with thousands separators and the exact yuan on hover, and one
meaning of the two figures in every check: 所印 (printed) is the figure being checked, as the
document prints it (a 合计 or 小计 row, a summary's line, a sentence of the text, a target
table's amount), 应为 (should be) is what the other figures give for it (the sum of its parts,
the table it must agree with): checks.json's `found` and `expected`, in every kind of check,
as bp:found and bp:expected say (vocab/budget.ttl); 相差 is found − expected, as the English
message's difference.

checks.json messages are English with field names (basic_total); the Chinese is made here
from the message and the package's own column and table titles, so it follows the audit
without changing what the audit writes.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from typing import Any

from service.web.pages_common import checks as read_checks
from service.web.pages_common import decimal_or_none, grouped, in_unit

STATUS_ORDER = {"fail": 0, "warn": 1, "rounding": 2, "pass": 3}
STATUS_LABELS = {
    "pass": "通过 pass",
    "rounding": "尾差 rounding",
    "warn": "警告 warn",
    "fail": "不符 fail",
}
STATUSES = ("pass", "rounding", "warn", "fail")
TAIL = re.compile(r":\s*expected .*?, found .*$")
# English pieces of the audit's messages → Chinese, applied in order.
PHRASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bline (\d+):\s*"), r"第 \1 行："),
    (re.compile(r"Σ (\d+) rows of (\S+)"), r"\2 中 \1 各行之和"),
    (re.compile(r"Σ 其中 lines"), "各“其中”行之和"),
    (re.compile(r"Σ items"), "所属明细之和"),
    (re.compile(r"Σ rows"), "各行之和"),
    (re.compile(r"\btotal department row = 合计"), "部门行 = 合计行"),
    (re.compile(r"\bdepartment row\b"), "部门行"),
    (re.compile(r"\bsubtotal\b"), "小计"),
    (re.compile(r"text states (.+?); table (\S+) has (.+)$"), r"正文写明 \1；表 \2 为 \3"),
    (re.compile(r"\blists (\d+) units;"), r"列出 \1 个单位；"),
    (re.compile(r" vs "), " 对比 "),
    (re.compile(r"\(rounded to (\d+) places\)"), r"（按 \1 位小数比较）"),
    (re.compile(r"text states"), "正文写明"),
    (
        re.compile(r"\bin the 支出总表, but no 项目支出表 details it.*$"),
        "列在支出总表中，但没有项目支出表列明细",
    ),
    (
        re.compile(r"^'(.+?)' on pages \[([\d, ]+)\]: (\d+) figures no typed table holds.*$"),
        r"《\1》（第 \2 页）的 \3 个数字未能归入结构化表格，已按原样保留",
    ),
]


def _titles(descriptor: dict[str, Any]) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    tables: dict[str, str] = {}
    fields: dict[tuple[str, str], str] = {}
    for resource in descriptor.get("resources", []):
        tables[resource["name"]] = resource.get("title") or resource["name"]
        for field in resource.get("schema", {}).get("fields", []):
            fields[(resource["name"], field["name"])] = field.get("title") or field["name"]
    return tables, fields


Titles = tuple[dict[str, str], dict[tuple[str, str], str]]


def chinese(message: str, table: str | None, titles: Titles) -> str:
    """The message's claim in Chinese: field and table names become their printed titles;
    the figures themselves are shown in their own columns, so the English tail is dropped."""
    tables, fields = titles
    text = TAIL.sub("", message)

    def dotted(match: re.Match[str]) -> str:
        resource, field = match.group(1), match.group(2)
        if resource in tables:
            return f"《{tables[resource]}》{fields.get((resource, field), field)}"
        return match.group(0)

    text = re.sub(r"\b([a-z][a-z_]+)\.([a-z][a-z_]+)\b", dotted, text)
    for pattern, replacement in PHRASES:
        text = pattern.sub(replacement, text)

    def word(match: re.Match[str]) -> str:
        name = match.group(0)
        if table and (table, name) in fields:
            return fields[(table, name)]
        if name in tables:
            return f"《{tables[name]}》"
        return name

    return re.sub(r"\b[a-z][a-z_]*[a-z]\b", word, text)


def figure(value: Any, check_id: str, unit: str | None) -> dict[str, str] | None:
    """A check's figure as shown: an amount in the published unit (exact yuan in the title),
    a rate in per cent, a count, or words."""
    if value is None:
        return None
    number = decimal_or_none(str(value))
    if number is None:
        return {"text": str(value), "title": ""}
    if check_id.endswith((":share", ":growth", ":rate")):
        return {"text": f"{grouped(number)}%", "title": ""}
    if check_id.startswith("structure:"):
        return {"text": grouped(number, 0), "title": ""}
    shown = in_unit(number, unit)
    return {"text": f"{shown} {unit or '元'}", "title": f"{grouped(number)} 元"}


def difference(should: Any, printed: Any, check_id: str, unit: str | None) -> dict | None:
    """printed − should be (blank counts as 0), or None when they agree."""
    want, got = decimal_or_none(str(should or "")), decimal_or_none(str(printed or ""))
    if (want is None and got is None) or check_id.startswith("structure:"):
        return None
    delta = (got or Decimal(0)) - (want or Decimal(0))
    return figure(delta, check_id, unit) if delta else None


def sides(record: dict[str, Any]) -> tuple[Any, Any]:
    """(printed, should be) of a check: its found and expected."""
    return record.get("found"), record.get("expected")


def audit(
    slug: str,
    pages: set[str],
    descriptor: dict[str, Any],
    records: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Failing and warning checks first, each in Chinese with its English message beside."""
    records = read_checks(slug) if records is None else records
    counts = Counter(record.get("status", "") for record in records)
    units = {
        r["name"]: r.get("publishedUnit") for r in descriptor.get("resources", []) if "name" in r
    }
    default_unit = descriptor.get("publishedUnit")
    titles = _titles(descriptor)
    shown = []
    for record in sorted(records, key=lambda r: STATUS_ORDER.get(r.get("status", ""), 3)):
        where = dict(record.get("where") or {})
        table, line = where.pop("table", None), where.pop("line", None)
        href = None
        if table in pages:
            href = f"/dataset/{slug}/table/{table}" + (f"#line-{line}" if line else "")
        check_id = record.get("id", "")
        unit = units.get(table) or default_unit
        message = record.get("message", "")
        printed, should = sides(record)
        shown.append(
            {
                "id": check_id,
                "status": record.get("status", ""),
                "label": STATUS_LABELS.get(record.get("status", ""), record.get("status", "")),
                "zh": chinese(message, table, titles),
                "message": message,
                "printed": figure(printed, check_id, unit),
                "should": figure(should, check_id, unit),
                "difference": difference(should, printed, check_id, unit),
                "table": table,
                "table_title": titles[0].get(table or "", table),
                "line": line,
                "href": href,
                "other": ", ".join(f"{k}: {v}" for k, v in where.items()),
            }
        )
    return {
        "counts": {status: counts.get(status, 0) for status in STATUSES},
        "problems": [c for c in shown if c["status"] != "pass"],
        "passed": [c for c in shown if c["status"] == "pass"],
        "total": len(records),
    }
