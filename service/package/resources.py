"""Every resource of a document's package: tables, indicators, narrative, code lists, facts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from service.ingest.cells import to_yuan
from service.ingest.layouts import layout_by_kind
from service.ingest.model import Document, Row, Table
from service.package import analysis, codelists, coverage
from service.package.analysis_table import analysis_rows, analysis_schema
from service.package.facts import analysed_facts, facts_schema
from service.package.schemas import PROJECT_CODE, plain_schema, table_schema

FOREIGN_KEYS = {
    "functional_code": "functional_classification",
    "functional_class": "functional_classification",
    "functional_subclass": "functional_classification",
    "economic_departmental_code": "economic_classification_departmental",
    "economic_departmental_class": "economic_classification_departmental",
    "economic_government_code": "economic_classification_government",
    "economic_government_class": "economic_classification_government",
    "project_code": "projects",
}
_TARGET_FIELDS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("value_text", "指标值", "string", "Target as published.", {}),
    (
        "operator",
        "运算符",
        "string",
        "≥ ≤ < > or = (a bare number is =); blank when qualitative.",
        {"enum": ["≥", "≤", "<", ">", "="]},
    ),
    ("value", "目标值", "number", "Target number, exact.", {}),
    ("unit", "计量单位", "string", "Unit of the target (元, %, 天, 个, 小时…).", {}),
    ("qualitative", "定性目标", "string", "Target in words (提升, 明显, 及时…).", {}),
]


def _foreign_keys(fields: list[str]) -> list[dict[str, Any]]:
    return [
        {"fields": [f], "reference": {"resource": FOREIGN_KEYS[f], "fields": ["code"]}}
        for f in fields
        if f in FOREIGN_KEYS
    ]


def _description(table: Table) -> str:
    layout = layout_by_kind(table.kind)
    text = f"{layout.title_en}, as published (source line {table.line})."
    return text + (" Notes: " + " ".join(table.notes) if table.notes else "")


def printed_table(table: Table) -> dict[str, Any]:
    """A table kept as printed: its columns as printed, numbers in the published unit."""
    unit = table.unit or "the unit printed with the table"
    fields = [
        {
            "name": "row",
            "title": "行",
            "type": "integer",
            "description": "Row of the table.",
            "constraints": {"required": True, "minimum": 1},
        },
        {
            "name": "source_page",
            "title": "来源页码",
            "type": "integer",
            "description": "Page of the PDF the row was read from.",
            "constraints": {"minimum": 1},
        },
        {
            "name": "source_line",
            "title": "来源行号",
            "type": "integer",
            "description": "Line of the document's extracted text the row was read from.",
            "constraints": {"minimum": 1},
        },
    ]
    for column in table.columns:
        field: dict[str, Any] = {
            "name": column["name"],
            "title": column["title"],
            "type": column["type"],
            "description": f"Printed column {column['title']}"
            + (f", as published in {unit} (not converted)." if column["type"] == "number" else "."),
            "constraints": {},
        }
        if column["type"] == "number" and table.unit:
            field["publishedUnit"] = table.unit
        fields.append(field)
    where = f" on pages {table.pages[0]}–{table.pages[-1]}" if table.pages else ""
    kind = f" (recognised as {table.recognised})" if table.recognised else ""
    return {
        "name": table.resource,
        "title": table.title,
        "description": f"{table.label or 'Table'} {table.title}{where}{kind}, kept as printed: "
        "one column per printed column, numbers exactly as published.",
        "rows": table.rows,
        "schema": {"fields": fields, "primaryKey": ["row"], "missingValues": [""]},
        "notes": table.notes,
        "publishedUnit": table.unit,
        "sourceLine": table.line,
    }


def data_table(table: Table) -> dict[str, Any]:
    """A table's resource (name, title, rows, schema with foreign keys); a table kept as printed
    (generic) becomes a printed table, with no coded dimensions."""
    if table.kind == "generic":
        return printed_table(table)
    schema = table_schema(table.fields, table.kind, table.unit, table.resource, table.own_columns)
    schema["foreignKeys"] = _foreign_keys(table.fields)
    return {
        "name": table.resource,
        "title": table.title,
        "description": _description(table),
        "rows": table.rows,
        "schema": schema,
        "notes": table.notes,
        "publishedUnit": table.unit,
        "sourceLine": table.line,
    }


def performance_budget_resource(document: Document) -> list[dict[str, Any]]:
    """The 预算情况 block of the department performance table: its figures are published too."""
    if not document.performance_budget:
        return []
    rows = [
        {
            "source_line": line,
            "item": item,
            "amount": to_yuan(Decimal(text.replace(",", "")), "万元"),
            "published": text,
        }
        for line, item, text in document.performance_budget
    ]
    return [
        {
            "name": "department_performance_budget",
            "title": "部门（单位）整体绩效目标·预算情况",
            "description": "The budget block of the department-wide performance target table, "
            "as stated (万元), with the amount in CNY yuan.",
            "rows": rows,
            "schema": plain_schema(
                [
                    ("source_line", "来源行号", "integer", "Source line.", {"required": True}),
                    ("item", "项目", "string", "Line as published (预算总额, 基本支出…).", {}),
                    ("amount", "金额（元）", "number", "Amount in CNY yuan, exact.", {}),
                    ("published", "公布数（万元）", "string", "As printed, in 万元.", {}),
                ],
                ["source_line"],
            ),
        }
    ]


def indicator_resources(document: Document) -> list[dict[str, Any]]:
    """The performance indicators as resources (department-wide and per project), with their
    levels and parsed targets; only those the document has."""
    department = [i for i in document.indicators if i.scope == "department"]
    project = [i for i in document.indicators if i.scope == "project"]
    out = []
    if "department_tasks" in _resources_present(document):
        out.append(
            {
                "name": "department_performance_indicators",
                "title": "部门（单位）整体绩效目标·绩效指标",
                "description": "Department-wide performance indicators with levels and parsed targets.",
                "rows": [
                    {
                        "source_line": i.line,
                        "level1": i.level1,
                        "level2": i.level2,
                        "level3": i.level3,
                        "value_text": i.value_text,
                        "operator": i.operator,
                        "value": i.value,
                        "unit": i.unit,
                        "qualitative": i.qualitative,
                        "description": i.description,
                    }
                    for i in department
                ],
                "schema": plain_schema(
                    [
                        ("source_line", "来源行号", "integer", "Source line.", {"required": True}),
                        ("level1", "一级指标", "string", "Level-1 indicator.", {}),
                        ("level2", "二级指标", "string", "Level-2 indicator.", {}),
                        ("level3", "三级指标", "string", "Level-3 indicator.", {"required": True}),
                        *_TARGET_FIELDS,
                        ("description", "指标值说明", "string", "Explanation as published.", {}),
                    ],
                    ["source_line"],
                ),
            }
        )
        out.append(
            {
                "name": "department_tasks",
                "title": "部门（单位）整体绩效目标·年度主要任务",
                "description": "Main tasks of the year as published in the department target table.",
                "rows": document.tasks,
                "schema": plain_schema(
                    [
                        ("source_line", "来源行号", "integer", "Source line.", {"required": True}),
                        ("task", "任务名称", "string", "Task.", {"required": True}),
                        ("content", "主要内容", "string", "What the task covers.", {}),
                    ],
                    ["source_line"],
                ),
            }
        )
    if "project_performance" in _resources_present(document):
        schema = plain_schema(
            [
                ("source_line", "来源行号", "integer", "Source line.", {"required": True}),
                (
                    "category",
                    "指标类别",
                    "string",
                    "cost 成本, output 产出, benefit 效益, satisfaction 满意度.",
                    {"required": True, "enum": ["cost", "output", "benefit", "satisfaction"]},
                ),
                (
                    "project_code",
                    "项目编码",
                    "string",
                    "Project.",
                    {"required": True, "pattern": PROJECT_CODE},
                ),
                ("level1", "一级指标", "string", "Category as published (成本指标…).", {}),
                ("level3", "三级指标", "string", "Indicator.", {"required": True}),
                *_TARGET_FIELDS,
            ],
            ["source_line", "category"],
        )
        schema["foreignKeys"] = _foreign_keys(["project_code"])
        out.append(
            {
                "name": "project_performance_indicators",
                "title": "部门预算项目绩效目标·绩效指标",
                "description": "Project performance indicators; project_code links to the projects.",
                "rows": [
                    {
                        "source_line": i.line,
                        "category": i.category,
                        "project_code": i.project_code,
                        "level1": i.level1,
                        "level3": i.level3,
                        "value_text": i.value_text,
                        "operator": i.operator,
                        "value": i.value,
                        "unit": i.unit,
                        "qualitative": i.qualitative,
                    }
                    for i in project
                ],
                "schema": schema,
            }
        )
    return out


def _resources_present(document: Document) -> set[str]:
    return set(document.tables) | (
        {"department_tasks"}
        if document.tasks or any(i.scope == "department" for i in document.indicators)
        else set()
    )


def narrative_resources(document: Document) -> list[dict[str, Any]]:
    """The narrative's resources: every figure stated in the text (subject, value, unit, the year
    compared, its sentence) and the document's glossary of terms."""
    positions: dict[int, int] = {}
    figure_rows: list[Row] = []
    for figure in document.figures:
        positions[figure.line] = positions.get(figure.line, 0) + 1
        figure_rows.append(
            {
                "source_line": figure.line,
                "position": positions[figure.line],
                "subject": figure.subject,
                "kind": figure.kind,
                "value": figure.value,
                "unit": figure.unit,
                "compared_year": figure.compared_year,
                "implied_prior": figure.implied_prior,
                "sentence": figure.sentence,
            }
        )
    return [
        {
            "name": "narrative_figures",
            "title": "情况说明中的数字",
            "description": "Every figure stated in the narrative, with the sentence it is in. "
            "implied_prior is the prior-year amount a stated change implies.",
            "rows": figure_rows,
            "schema": plain_schema(
                [
                    ("source_line", "来源行号", "integer", "Source line.", {"required": True}),
                    (
                        "position",
                        "序号",
                        "integer",
                        "Order of the figure within the paragraph.",
                        {"required": True},
                    ),
                    ("subject", "对象", "string", "What the figure is about, as stated.", {}),
                    (
                        "kind",
                        "类别",
                        "string",
                        "amount, share, change, growth, count or threshold.",
                        {"enum": ["amount", "share", "change", "growth", "count", "threshold"]},
                    ),
                    ("value", "数值", "number", "The number as stated.", {"required": True}),
                    ("unit", "单位", "string", "万元, 元, % or 个.", {}),
                    (
                        "compared_year",
                        "比较年度",
                        "integer",
                        "Year the change is measured against.",
                        {},
                    ),
                    (
                        "implied_prior",
                        "推算上年数",
                        "number",
                        "Prior-year amount implied by a change, in the stated unit.",
                        {},
                    ),
                    ("sentence", "原文", "string", "The paragraph the figure is in.", {}),
                ],
                ["source_line", "position"],
            ),
        },
        {
            "name": "glossary",
            "title": "名词解释",
            "description": "Glossary (名词解释) entries.",
            "rows": [
                {"source_line": n, "term": t, "definition": d} for n, t, d in document.glossary
            ],
            "schema": plain_schema(
                [
                    ("source_line", "来源行号", "integer", "Source line.", {"required": True}),
                    ("term", "名词", "string", "Term.", {"required": True}),
                    (
                        "definition",
                        "解释",
                        "string",
                        "Definition as published.",
                        {"required": True},
                    ),
                ],
                ["source_line"],
            ),
        },
    ]


def all_resources(document: Document) -> list[dict[str, Any]]:
    """Every resource of a document's package, in order: tables, indicators, performance budget,
    narrative, code lists and the facts long table with its analyses."""
    facts, analyses, selected = analysed_facts(document)
    printed = coverage.printed_tables(document)
    missing = analysis.not_made(selected, analyses, printed, coverage.contents(document))
    resources = [
        data_table(table)
        for table in document.tables.values()
        if table.resource != "department_tasks"
    ]
    resources += indicator_resources(document)
    resources += performance_budget_resource(document)
    resources += narrative_resources(document)
    resources += codelists.code_list_resources(document, facts)
    resources.append(
        {
            "name": "facts",
            "title": "预算数据（长表）",
            "description": "One row per published amount with every dimension coded: "
            "the cube the Fiscal Data Package model and the RDF describe. Totals and "
            "overlapping columns are in it too: sum the rows of one analysis dataset.",
            "rows": facts,
            "schema": facts_schema(),
            "analyses": analysis.describe(analyses),
            "analysesNotMade": missing,
        }
    )
    resources.append(
        {
            "name": "analysis",
            "title": "分析数据集（可加总）",
            "description": "Every leaf of every analysis data set, its amount in the column "
            "of its data set: the plain sum of one column is that data set's published "
            "total. The Fiscal Data Package model describes this table.",
            "rows": analysis_rows(facts),
            "schema": analysis_schema(),
        }
    )
    return resources
