"""The analysis data sets as one summable table (data/analysis.csv), the resource the Fiscal
Data Package model describes.

facts.csv holds every printed cell: totals, subtotals, "of which" lines and columns that
contain others, revenue and expenditure together, so no sum over it means anything. Here
each leaf of each analysis data set is one row, and its amount stands in the column of its
analysis (`expenditure_by_function`, `revenue_by_source`…), blank in the others: the plain
sum of any one column is that analysis's published total, which is what a tool that sums a
Fiscal Data Package measure does. `direction` says whether the row is revenue or
expenditure, in the words of the FDP measure that holds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service import vocab
from service.ingest.model import Row
from service.package import analysis
from service.package.schemas import PROJECT_CODE, plain_schema

DIMENSIONS = (  # facts.csv columns every analysis row keeps (its codes and its cell)
    "fiscal_year",
    "department",
    "unit_code",
    "functional_code",
    "economic_departmental_code",
    "economic_government_code",
    "expenditure_type",
    "fund_source",
    "project_code",
    "table",
    "source_line",
    "column",
)


def measure(name: str) -> str:
    """The column of an analysis's amounts: its name in snake_case."""
    return name.replace("-", "_")


def analysis_rows(facts: Sequence[Row]) -> list[Row]:
    """One row per analysis leaf, its amount in its analysis's column."""
    rows = []
    for fact in facts:
        name = fact.get("analysis")
        if not name:
            continue
        row = {
            "analysis": name,
            "direction": analysis.BY_NAME[name].operation,
            **{key: fact.get(key) for key in DIMENSIONS},
        }
        row[measure(name)] = fact["printed_amount"]
        rows.append(row)
    return rows


def analysis_schema() -> dict[str, Any]:
    """analysis.csv's Table Schema: the dimensions, then one amount column per analysis."""
    fields: list[tuple[str, str, str, str, dict[str, Any]]] = [
        (
            "analysis",
            "分析数据集",
            "string",
            "The analysis data set this row is a leaf of (the facts resource's `analyses`).",
            {"required": True, "enum": [a.name for a in analysis.ANALYSES]},
        ),
        (
            "direction",
            "收支",
            "string",
            "expenditure or revenue: the Fiscal Data Package direction of the row's measure.",
            {"required": True, "enum": ["expenditure", "revenue"]},
        ),
        ("fiscal_year", "预算年度", "integer", "Fiscal year.", {"required": True}),
        ("department", "部门", "string", "Department publishing the budget.", {"required": True}),
        ("unit_code", "单位代码", "string", "Unit code on unit rows.", {}),
        ("functional_code", "功能分类科目编码", "string", "Functional classification.", {}),
        (
            "economic_departmental_code",
            "部门经济分类科目编码",
            "string",
            "Departmental economic classification.",
            {},
        ),
        (
            "economic_government_code",
            "政府经济分类科目编码",
            "string",
            "Government economic classification.",
            {},
        ),
        ("expenditure_type", "支出类型", "string", "basic, project… (see facts.csv).", {}),
        ("fund_source", "资金来源", "string", "Fund source code.", {"required": True}),
        ("project_code", "项目编码", "string", "Project.", {"pattern": PROJECT_CODE}),
        ("table", "表", "string", "Resource (table) of the printed cell.", {"required": True}),
        ("source_line", "来源行号", "integer", "Line of the printed cell.", {"required": True}),
        ("column", "栏目", "string", "Column of the printed cell.", {"required": True}),
    ]
    for kind in analysis.ANALYSES:
        title = vocab.label("analysis", kind.name) or kind.name
        fields.append(
            (
                measure(kind.name),
                f"{title}（元）",
                "number",
                f"Amount in CNY yuan of the {kind.name} data set ({kind.operation}); blank on "
                "the other data sets' rows. Its plain sum is the data set's published total.",
                {},
            )
        )
    schema = plain_schema(fields, ["analysis", "table", "source_line", "column"])
    for field in schema["fields"]:
        if field["name"] in {measure(a.name) for a in analysis.ANALYSES}:
            field["unit"] = "CNY"
    return schema
