"""Table Schemas for every resource: English snake_case names, Chinese titles, constraints."""

from __future__ import annotations

from typing import Any

from service.ingest.layouts import Column, layout_by_kind

ROW_TYPES = ["total", "subtotal", "department", "unit", "item", "of-which"]
CODE = r"^\d+$"
FUNCTIONAL_CODE = r"^\d{3}(\d{2}){0,2}$"
ECONOMIC_CODE = r"^\d{3}(\d{2})?$"
PROJECT_CODE = r"^\d{8,}$"

# name → (Chinese title, description, type, constraints)
COMMON: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "source_line": (
        "来源行号",
        "Line of the source document this row was read from.",
        "integer",
        {"required": True, "minimum": 1},
    ),
    "position": (
        "位置",
        "Which of the rows read from the same source line this is (1, 2…): a form's cells "
        "may share a line.",
        "integer",
        {"required": True, "minimum": 1},
    ),
    "row_type": (
        "行类型",
        "total 合计, subtotal 小计 (类/款), department 部门, unit 单位, item 明细, "
        "of-which 其中 (part of the row above; never add it to a total).",
        "string",
        {"required": True, "enum": ROW_TYPES},
    ),
    "unit_code": (
        "单位代码",
        "Code of the department (3 digits) or budget unit.",
        "string",
        {"pattern": CODE},
    ),
    "name": ("名称", "Name as published: the unit or the classification item.", "string", {}),
    "functional_code": (
        "功能分类科目编码",
        "Full functional classification code joined from 类/款/项 (201 03 01 → 2010301).",
        "string",
        {"pattern": FUNCTIONAL_CODE},
    ),
    "functional_class": (
        "功能分类·类",
        "Class (类) of the functional classification, 3 digits.",
        "string",
        {"pattern": r"^\d{3}$"},
    ),
    "functional_subclass": (
        "功能分类·款",
        "Subclass (款): class + 2 digits.",
        "string",
        {"pattern": r"^\d{5}$"},
    ),
    "economic_departmental_code": (
        "部门预算支出经济分类科目编码",
        "Departmental economic classification code (301 07 → 30107).",
        "string",
        {"pattern": ECONOMIC_CODE},
    ),
    "economic_departmental_class": (
        "部门预算支出经济分类·类",
        "Class of the departmental economic classification, 3 digits.",
        "string",
        {"pattern": r"^\d{3}$"},
    ),
    "economic_departmental_name": (
        "部门预算支出经济分类科目名称",
        "Name as published.",
        "string",
        {},
    ),
    "economic_government_code": (
        "政府预算支出经济分类科目编码",
        "Government economic classification code (505 01 → 50501).",
        "string",
        {"pattern": ECONOMIC_CODE},
    ),
    "economic_government_class": (
        "政府预算支出经济分类·类",
        "Class of the government economic classification, 3 digits.",
        "string",
        {"pattern": r"^\d{3}$"},
    ),
    "economic_government_name": (
        "政府预算支出经济分类科目名称",
        "Name as published.",
        "string",
        {},
    ),
    "item": ("项目", "Line item as published, with its ordinal.", "string", {"required": True}),
    "item_code": (
        "项目代码",
        "What the line is: a fund source, a functional class (201…), or "
        "current-year / carry-over / year-end-carry-over / current-year-total / "
        "grand-total.",
        "string",
        {},
    ),
    "project_code": (
        "项目编码",
        "Project code as published in the performance-target table.",
        "string",
        {"pattern": PROJECT_CODE},
    ),
    "project_type": (
        "项目类型",
        "其他运转类 (operating) or 特定目标类 (specific-purpose).",
        "string",
        {},
    ),
    "project_name": ("项目名称", "Project name as published.", "string", {}),
    "project_unit": ("项目单位", "Unit that runs the project.", "string", {}),
    "category": ("项目类别", "Category as published (公用经费, 工会经费, …).", "string", {}),
}


def amount_field(column: Column, unit: str) -> dict[str, Any]:
    """The Table Schema field of an amount column: a number in CNY yuan, its published unit kept."""
    return {
        "name": column.name,
        "title": column.title,
        "type": "number",
        "description": f"{column.title}. Published in {unit}; normalised to CNY yuan, exact "
        "decimal. Blank means the cell was blank, not zero.",
        "constraints": {},
        "unit": "CNY",
        "publishedUnit": unit,
    }


def common_field(name: str) -> dict[str, Any]:
    """The Table Schema field of a column every table may have (source_line, row_type, codes…),
    from COMMON."""
    title, description, type_, constraints = COMMON[name]
    return {
        "name": name,
        "title": title,
        "type": type_,
        "description": description,
        "constraints": dict(constraints),
    }


def columns_by_name(
    kind: str, income_side: bool = False, own: tuple[Column, ...] | list[Column] = ()
) -> dict[str, Column]:
    """A layout's columns by name; the two sides of a 收支总表 share names (item, amount), so
    the income side's resource asks for its own side's columns (收入·金额, not 支出·金额)."""
    layout = layout_by_kind(kind)
    sides = (
        (layout.right_columns, layout.columns)
        if income_side
        else (
            layout.columns,
            layout.right_columns,
        )
    )
    found = {c.name: c for c in (*layout.extra_columns, *sides[0], *sides[1])}
    return {**found, **{c.name: c for c in own}}  # a table's own: variants, printed columns


def table_schema(
    fields: list[str],
    kind: str,
    unit: str,
    resource: str = "",
    own: tuple[Column, ...] | list[Column] = (),
) -> dict[str, Any]:
    """A typed table's Table Schema, field by field in `fields` order; a field no layout, COMMON
    or the table's own columns (`own`: variants, printed columns) describes is a KeyError, so a
    new column cannot ship undocumented."""
    columns = columns_by_name(kind, income_side=resource.endswith("_income"), own=own)
    built = []
    for name in fields:
        if name in COMMON:
            built.append(common_field(name))
        elif name in columns and columns[name].kind == "amount":
            built.append(amount_field(columns[name], unit))
        elif name in columns and columns[name].kind == "number":  # a count or a target: no money
            built.append(
                {
                    "name": name,
                    "title": columns[name].title,
                    "type": "number",
                    "description": columns[name].description or columns[name].title,
                    "constraints": {},
                }
            )
        elif name in columns:
            column = columns[name]
            built.append(
                {
                    "name": name,
                    "title": column.title,
                    "type": "string",
                    "description": f"{column.title} as published.",
                    "constraints": {},
                }
            )
        else:
            raise KeyError(f"no schema for field {name!r} of table kind {kind!r}")
    key = ["source_line", "position"] if "position" in fields else ["source_line"]
    return {"fields": built, "primaryKey": key, "missingValues": [""]}


def plain_schema(
    specs: list[tuple[str, str, str, str, dict[str, Any]]], primary_key: list[str]
) -> dict[str, Any]:
    """Schema from (name, title, type, description, constraints) tuples."""
    return {
        "fields": [
            {"name": n, "title": t, "type": ty, "description": d, "constraints": c}
            for n, t, ty, d, c in specs
        ],
        "primaryKey": primary_key,
        "missingValues": [""],
    }
