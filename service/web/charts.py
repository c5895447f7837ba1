"""Figures for charts, read from the same tables the pages show: a dataset's headline figures
(total, change from the year before, basic vs project, 三公经费) and its expenditure by
functional class (类 → 款 → 项), a department's budgets over the years, a code across
departments and years.

Each chart is drawn by Apache ECharts (vendored in static/vendor, no CDN) from a JSON block
on the page, and every chart has its data as an HTML table beside it: without JavaScript, or
for a screen reader, the table is the chart. Values in the JSON are numbers in the published
unit for drawing; labels carry the exact text the tables show.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from service.web.pages_common import (
    decimal_or_none,
    grouped,
    in_unit,
    read_table,
    resource_named,
)
from service.web.site import PackageSummary, site

UNIT_FACTOR = {"元": 1, "千元": 1000, "万元": 10000, "亿元": 100000000}


@dataclass(frozen=True)
class Figure:
    """An amount in yuan, shown in a unit."""

    yuan: Decimal
    unit: str

    @property
    def text(self) -> str:
        """The figure in its published unit, as a label prints it."""
        return f"{in_unit(self.yuan, self.unit)} {self.unit}"

    @property
    def exact(self) -> str:
        """The figure in yuan, exactly."""
        return f"{grouped(self.yuan)} 元"

    @property
    def number(self) -> float:  # for drawing only; every label is the exact text
        """The figure in its published unit as a float (for drawing only; every label is the exact
        text).
        """
        return float(self.yuan / UNIT_FACTOR.get(self.unit, 1))


def _rows(slug: str, descriptor: dict[str, Any], name: str) -> list[dict[str, str]]:
    resource = resource_named(descriptor, name)
    return read_table(slug, resource).rows if resource else []


def _total_row(rows: list[dict[str, str]]) -> dict[str, str] | None:
    return next((r for r in rows if r.get("row_type") == "total"), None)


def _amount(row: dict[str, str] | None, field: str) -> Decimal | None:
    return decimal_or_none(row.get(field, "")) if row else None


def totals(slug: str, descriptor: dict[str, Any]) -> dict[str, Decimal | None]:
    """The budget's headline amounts in yuan, from the 支出 table's 合计 row (the 收支总表's
    本年支出合计 when the table has none) and the 三公 table's total."""
    expenditure = _total_row(_rows(slug, descriptor, "expenditure"))
    total = _amount(expenditure, "total")
    if total is None:
        summary = _rows(slug, descriptor, "summary_expenditure")
        line = next((r for r in summary if r.get("item_code") == "current-year-total"), None)
        total = _amount(line, "amount")
    three = _rows(slug, descriptor, "three_public_expenses")
    three_row = _total_row(three) or (three[0] if three else None)
    return {
        "total": total,
        "basic": _amount(expenditure, "basic_total"),
        "project": _amount(expenditure, "project_total"),
        "three_public": _amount(three_row, "total"),
    }


def previous_year(summary: PackageSummary) -> PackageSummary | None:
    """The same department's dataset of the year before, if the catalog has it."""
    return next(
        (
            p
            for p in site().packages().values()
            if p.department == summary.department
            and p.fiscal_year == summary.fiscal_year - 1
            and p.kind != "合并"
        ),
        None,
    )


def headline(slug: str, descriptor: dict[str, Any]) -> dict[str, Any]:
    """Total, change from last year, basic vs project, 三公: each a Figure or None."""
    unit = descriptor.get("publishedUnit") or "元"
    found = totals(slug, descriptor)
    figures = {k: Figure(v, unit) if v is not None else None for k, v in found.items()}
    result: dict[str, Any] = {"unit": unit, **figures, "change": None, "previous": None}
    summary = site().packages().get(slug)
    before = previous_year(summary) if summary else None
    if before is not None and found["total"] is not None:
        earlier = site().descriptor(before.slug)
        old = totals(before.slug, earlier)["total"] if earlier else None
        if old:
            change = found["total"] - old
            result["previous"] = {
                "slug": before.slug,
                "year": before.fiscal_year,
                "total": Figure(old, unit),
            }
            result["change"] = {
                "amount": Figure(change, unit),
                "percent": f"{(change / old * 100).quantize(Decimal('0.01'))}%",
            }
    basic, project = found["basic"], found["project"]
    if basic is not None and project is not None and basic + project:
        share = basic / (basic + project) * 100
        result["basic_share"] = f"{share.quantize(Decimal('0.1'))}%"
        result["project_share"] = f"{(100 - share).quantize(Decimal('0.1'))}%"
    return result


def functional_tree(slug: str, descriptor: dict[str, Any]) -> dict[str, Any] | None:
    """The expenditure table's item rows as a tree 类 → 款 → 项 (values in the published
    unit), or None when the table has no functional codes."""
    unit = descriptor.get("publishedUnit") or "元"
    labels = {
        row["code"]: row.get("name", "")
        for row in _rows(slug, descriptor, "functional_classification")
    }
    rows = [
        r
        for r in _rows(slug, descriptor, "expenditure")
        if r.get("row_type") == "item" and r.get("functional_code") and r.get("total")
    ]
    if not rows:
        return None
    tree: dict[str, dict[str, Any]] = {}
    for row in rows:
        code = row["functional_code"]
        amount = decimal_or_none(row["total"]) or Decimal(0)
        path = [code[:3], code[:5], code] if len(code) >= 7 else [code[:3], code]
        level = tree
        for depth, part in enumerate(path):
            name = labels.get(part) or (row.get("name", "") if part == code else "")
            node = level.setdefault(
                part, {"code": part, "name": name, "yuan": Decimal(0), "children": {}}
            )
            node["yuan"] += amount
            if depth == len(path) - 1 and not node["name"]:
                node["name"] = row.get("name", "")
            level = node["children"]

    def shape(node: dict[str, Any]) -> dict[str, Any]:
        figure = Figure(node["yuan"], unit)
        shaped = {
            "name": f"{node['code']} {node['name']}".strip(),
            "value": figure.number,
            "label": figure.text,
            "exact": figure.exact,
        }
        if node["children"]:
            shaped["children"] = [shape(c) for c in node["children"].values()]
        return shaped

    classes = [shape(node) for node in tree.values()]
    classes.sort(key=lambda c: -c["value"])
    summary = "；".join(f"{c['name']} {c['label']}" for c in classes)
    return {"unit": unit, "data": classes, "summary": summary}


def department_series(department: str) -> list[dict[str, Any]]:
    """A department's datasets by year (newest first) with their headline figures."""
    found = []
    for summary in site().packages().values():
        if summary.department != department or summary.kind == "合并":
            continue
        descriptor = site().descriptor(summary.slug)
        if descriptor is None:
            continue
        unit = descriptor.get("publishedUnit") or "元"
        amounts = totals(summary.slug, descriptor)
        found.append(
            {
                "slug": summary.slug,
                "title": summary.title,
                "year": summary.fiscal_year,
                "kind": summary.kind,
                "audit": summary.audit,
                "unit": unit,
                **{k: Figure(v, unit) if v is not None else None for k, v in amounts.items()},
            }
        )
    found.sort(key=lambda d: (-d["year"], d["slug"]))
    return found


def series_chart(series: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Budgets over the years in one unit (the most common; 万元 when they differ)."""
    years = [s for s in sorted(series, key=lambda d: d["year"]) if s["total"] is not None]
    if not years:
        return None
    units = {s["unit"] for s in years}
    unit = units.pop() if len(units) == 1 else "万元"

    def point(figure: Figure | None) -> dict[str, Any] | None:
        if figure is None:
            return None
        shown = Figure(figure.yuan, unit)
        return {"value": shown.number, "label": shown.text, "exact": shown.exact}

    return {
        "unit": unit,
        "years": [str(s["year"]) for s in years],
        "series": [
            {"name": "合计 Total", "data": [point(s["total"]) for s in years]},
            {"name": "基本支出 Basic", "data": [point(s["basic"]) for s in years]},
            {"name": "项目支出 Project", "data": [point(s["project"]) for s in years]},
        ],
    }


CODE_TABLES = {
    "expenditure": "部门支出预算表",
    "general_budget_expenditure": "一般公共预算支出表",
    "economic_classification_summary": "支出经济分类汇总表",
    "general_budget_basic_expenditure": "一般公共预算基本支出表",
}


def code_chart(found: list[Any]) -> dict[str, Any] | None:
    """A code across departments and years: per dataset, its item rows under the code in
    the first table kind that has them (the 支出 table's 合计 column for a functional code),
    summed exactly."""
    for table in CODE_TABLES:
        items = [
            a for a in found if a.table == table and a.column == "total" and a.row_type == "item"
        ]
        if items:
            break
    else:
        return None
    packages = site().packages()
    sums: dict[str, Decimal] = {}
    units: dict[str, str] = {}
    for amount in items:
        sums[amount.dataset] = sums.get(amount.dataset, Decimal(0)) + amount.yuan
        units[amount.dataset] = amount.unit or "元"
    kinds = set(units.values())
    unit = kinds.pop() if len(kinds) == 1 else "万元"
    data = []
    for slug, yuan in sums.items():
        summary = packages.get(slug)
        figure = Figure(yuan, unit)
        data.append(
            {
                "name": f"{summary.department} {summary.fiscal_year}" if summary else slug,
                "year": summary.fiscal_year if summary else 0,
                "slug": slug,
                "value": figure.number,
                "label": figure.text,
                "exact": figure.exact,
            }
        )
    data.sort(key=lambda d: (-d["year"], d["name"]))
    title = CODE_TABLES[table]
    summary_text = "；".join(f"{d['name']} {d['label']}" for d in data)
    return {
        "unit": unit,
        "table": table,
        "table_title": title,
        "data": data,
        "summary": summary_text,
    }
