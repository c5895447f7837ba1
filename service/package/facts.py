"""The cube in one long table: one fact per published amount, every dimension coded.

This is what the Fiscal Data Package model and the RDF Data Cube describe, and what a yearly
corpus concatenates. Totals stay in (row_type says which), so a sum of every fact counts
money many times; the leaf amounts of each analysis dataset (analysis.py) name it in
`analysis`, and the facts of one analysis add up to its published total.
"""

from __future__ import annotations

from typing import Any

from service.ingest.layouts import Column, layout_by_kind
from service.ingest.model import Document, Row, Table
from service.package import analysis
from service.package.schemas import PROJECT_CODE, ROW_TYPES, columns_by_name, plain_schema

THREE_PUBLIC_ECONOMIC = {
    "overseas_travel": "30212",
    "official_reception": "30217",
    "vehicle_operation": "30231",
    "vehicle_purchase": "31013",
}
PROJECT_TYPES = {"其他运转类": "operating", "特定目标类": "specific"}
FIELDS = [
    "table",
    "source_line",
    "column",
    "row_type",
    "fiscal_year",
    "department",
    "unit_code",
    "operation_character",
    "functional_code",
    "economic_departmental_code",
    "economic_government_code",
    "expenditure_type",
    "fund_source",
    "project_code",
    "printed_amount",
    "analysis",
]


def _fund_for(column: Column | None, default: str) -> str:
    return (column.fund_source if column and column.fund_source else None) or default


def table_facts(document: Document, table: Table) -> list[Row]:
    """One fact per amount cell of a typed table, each with every dimension coded (fund source,
    expenditure type, classifications): the long table the cube and the RDF read."""
    layout = layout_by_kind(table.kind)
    columns = columns_by_name(table.kind, own=table.own_columns)
    revenue = table.resource.endswith("_income") or table.resource == "income"
    facts = []
    for row in table.rows:
        for name in table.fields:
            value = row.get(name)
            if not hasattr(value, "as_tuple") or name == "source_line":
                continue
            column = columns.get(name)
            if column is not None and not column.in_cube:
                continue  # another year's amount: described in the table, not in this cube
            fact: Row = {
                "table": table.resource,
                "source_line": row["source_line"],
                "column": name,
                "row_type": row["row_type"],
                "fiscal_year": document.fiscal_year,
                "department": document.department,
                "unit_code": row.get("unit_code"),
                "operation_character": "revenue" if revenue else "expenditure",
                "functional_code": row.get("functional_code") or row.get("functional_class"),
                "economic_departmental_code": row.get("economic_departmental_code")
                or (column.economic_class if column else None)
                or THREE_PUBLIC_ECONOMIC.get(name),
                "economic_government_code": row.get("economic_government_code"),
                "expenditure_type": column.expenditure_type if column else None,
                "fund_source": _fund_for(column, layout.fund_source),
                "project_code": row.get("project_code"),
                "printed_amount": value,
            }
            _refine(table, row, fact)
            facts.append(fact)
    return facts


def _refine(table: Table, row: Row, fact: Row) -> None:
    """Two-sided lines carry their meaning in the label; projects in their type."""
    code = row.get("item_code")
    two_sided = table.kind in ("summary", "fiscal_summary")
    if two_sided and fact["fund_source"] == "all":
        if code in ("current-year", "current-year-total"):
            fact["fund_source"] = "current-year"
        elif code == "year-end-carry-over":
            fact["fund_source"] = "year-end-carry-over"
        elif code and code not in ("grand-total", "total") and table.resource.endswith("_income"):
            fact["fund_source"] = code
    if two_sided and code in ("basic", "project", "personnel", "public"):
        fact["expenditure_type"] = code
    if table.kind in ("projects", "project_performance") and row.get("project_type"):
        fact["expenditure_type"] = PROJECT_TYPES.get(row["project_type"], "project")
    if table.kind == "general_budget_basic" and fact["expenditure_type"] is None:
        fact["expenditure_type"] = "basic"


def typed_tables(document: Document) -> list[Table]:
    """The tables with coded dimensions (a table kept as printed has none)."""
    return [table for table in document.tables.values() if table.kind != "generic"]


def analysed_facts(
    document: Document,
) -> tuple[list[Row], list[analysis.Selection], list[analysis.Selection]]:
    """Every fact, each leaf naming its analysis data set, those data sets, and the ones
    selected before leaves without codes ruled some out (to say why they are missing)."""
    facts: list[Row] = []
    for table in typed_tables(document):
        facts.extend(table_facts(document, table))
    selected = analysis.select({t.resource: (t.fields, t.rows) for t in typed_tables(document)})
    chosen = analysis.coded(selected, facts)
    leaves = analysis.membership(chosen)
    for fact in facts:
        fact["analysis"] = leaves.get((fact["table"], int(fact["source_line"]), fact["column"]))
    return facts, chosen, selected


def facts_schema() -> dict[str, Any]:
    """The Table Schema of facts.csv, its foreign keys into the package's code lists."""

    def fk(field: str, resource: str) -> dict[str, Any]:
        return {"fields": [field], "reference": {"resource": resource, "fields": ["code"]}}

    schema = plain_schema(
        [
            (
                "table",
                "表",
                "string",
                "Resource (table) the amount was published in.",
                {"required": True},
            ),
            (
                "source_line",
                "来源行号",
                "integer",
                "Line of the source document.",
                {"required": True},
            ),
            ("column", "栏目", "string", "Column (field) of that table.", {"required": True}),
            (
                "row_type",
                "行类型",
                "string",
                "total, subtotal, department, unit, item or of-which; sum only one level.",
                {"required": True, "enum": ROW_TYPES},
            ),
            ("fiscal_year", "预算年度", "integer", "Fiscal year.", {"required": True}),
            (
                "department",
                "部门",
                "string",
                "Department publishing the budget.",
                {"required": True},
            ),
            ("unit_code", "单位代码", "string", "Unit code on department and unit rows.", {}),
            (
                "operation_character",
                "收支",
                "string",
                "expenditure or revenue.",
                {"required": True, "enum": ["expenditure", "revenue"]},
            ),
            ("functional_code", "功能分类科目编码", "string", "Functional classification.", {}),
            (
                "economic_departmental_code",
                "部门经济分类科目编码",
                "string",
                "Departmental economic "
                "classification (from the row, or the class a column stands for).",
                {},
            ),
            (
                "economic_government_code",
                "政府经济分类科目编码",
                "string",
                "Government economic classification.",
                {},
            ),
            (
                "expenditure_type",
                "支出类型",
                "string",
                "all, basic, personnel, public, project, operating, specific, "
                "business-operating, remittance, subsidy or carry-forward.",
                {
                    "enum": [
                        "all",
                        "basic",
                        "personnel",
                        "public",
                        "project",
                        "operating",
                        "specific",
                        "business-operating",
                        "remittance",
                        "subsidy",
                        "carry-forward",
                    ]
                },
            ),
            (
                "fund_source",
                "资金来源",
                "string",
                "Fund source code (budgetpub fund-source scheme).",
                {"required": True},
            ),
            ("project_code", "项目编码", "string", "Project.", {"pattern": PROJECT_CODE}),
            (
                "printed_amount",
                "公布金额（元）",
                "number",
                "The printed cell's amount in CNY yuan, exact. Not summable: totals, "
                "subtotals, 其中 lines and overlapping columns are cells too; sum one "
                "analysis data set (analysis.csv) instead.",
                {"required": True},
            ),
            (
                "analysis",
                "分析数据集",
                "string",
                "The analysis dataset this amount is a leaf of (the descriptor's facts "
                "resource lists them): the amounts of one add up to its published total.",
                {"enum": [a.name for a in analysis.ANALYSES]},
            ),
        ],
        ["table", "source_line", "column"],
    )
    next(f for f in schema["fields"] if f["name"] == "printed_amount")["unit"] = "CNY"
    schema["foreignKeys"] = [
        fk("functional_code", "functional_classification"),
        fk("economic_departmental_code", "economic_classification_departmental"),
        fk("economic_government_code", "economic_classification_government"),
        fk("project_code", "projects"),
    ]
    return schema
