"""Code-list resources shipped in each package, so foreign keys resolve inside the package."""

from __future__ import annotations

from typing import Any

from service import vocab
from service.ingest.model import Document, Row
from service.package.schemas import ECONOMIC_CODE, FUNCTIONAL_CODE, PROJECT_CODE, plain_schema

LEVELS = {3: "类", 5: "款", 7: "项"}


def _code_rows(
    scheme: str, named: dict[str, str | None], pattern_lengths: tuple[int, ...]
) -> list[Row]:
    """Every code seen plus its ancestors, named from the document first, the vocabulary second."""
    codes: dict[str, str | None] = {}
    for code, name in named.items():
        for length in pattern_lengths:
            if len(code) >= length:
                codes.setdefault(code[:length], None)
        if name:
            codes[code] = name
    rows = []
    for code in sorted(codes):
        parent = next((code[:n] for n in reversed(pattern_lengths) if n < len(code)), None)
        rows.append(
            {
                "code": code,
                "name": codes[code] or vocab.label(scheme, code, "zh"),
                "name_en": vocab.label(scheme, code, "en"),
                "level": LEVELS.get(len(code)),
                "parent_code": parent,
            }
        )
    return rows


def functional(document: Document, facts: list[Row]) -> list[Row]:
    """The functional codes (支出功能分类) the facts and tables use, with their ancestors, as
    code-list rows; a name comes from a row that prints that exact code."""
    named: dict[str, str | None] = {
        f["functional_code"]: None for f in facts if f.get("functional_code")
    }
    for table in document.tables.values():
        for row in table.rows:
            code = row.get("functional_code") or row.get("functional_class")
            if code:
                name = row.get("name") if row.get("functional_code") == code else None
                if named.get(code) is None:
                    named[code] = name
    return _code_rows("functional", named, (3, 5, 7))


def economic(document: Document, side: str, facts: list[Row]) -> list[Row]:
    """The economic codes of one `side` (departmental or government) the facts and tables use,
    with their ancestors, as code-list rows named from the document where it names them."""
    scheme = f"economic-{side}"
    code_field, name_field = f"economic_{side}_code", f"economic_{side}_name"
    named: dict[str, str | None] = {f[code_field]: None for f in facts if f.get(code_field)}
    for table in document.tables.values():
        for row in table.rows:
            code = row.get(code_field)
            if code:
                named[code] = (
                    named.get(code)
                    or row.get(name_field)
                    or (
                        row.get("name")
                        if side == "departmental" and row.get("row_type") == "item"
                        else None
                    )
                )
    return _code_rows(scheme, named, (3, 5))


def projects(document: Document) -> list[Row]:
    """The projects the document names (performance table), with the unit that runs each from the
    project expenditure table, in code order: the target of facts' project_code."""
    found: dict[str, Row] = {}
    perf = document.tables.get("project_performance")
    spend = document.tables.get("project_expenditure")
    for row in perf.items() if perf else []:
        found[row["project_code"]] = {
            "code": row["project_code"],
            "name": row["project_name"],
            "type": row["project_type"],
            "unit_name": None,
            "source_line": row["source_line"],
        }
    for row in spend.items() if spend else []:
        code = row.get("project_code")
        if code and code in found:
            found[code]["unit_name"] = row.get("project_unit")
    return [found[code] for code in sorted(found)]


def _code_schema(pattern: str) -> dict[str, Any]:
    return plain_schema(
        [
            (
                "code",
                "编码",
                "string",
                "Classification code.",
                {"required": True, "unique": True, "pattern": pattern},
            ),
            (
                "name",
                "名称",
                "string",
                "Name: as published in the document, else the national list.",
                {},
            ),
            ("name_en", "英文名称", "string", "English name from the budgetpub vocabulary.", {}),
            ("level", "级次", "string", "类, 款 or 项.", {"enum": ["类", "款", "项"]}),
            ("parent_code", "上级编码", "string", "Code of the level above.", {"pattern": pattern}),
        ],
        ["code"],
    )


def code_list_resources(document: Document, facts: list[Row]) -> list[dict[str, Any]]:
    """The code-list resources (functional, both economic sides, projects) with their schemas, so
    every code in `facts` resolves by foreign key inside the package."""
    fk_parent = [{"fields": ["parent_code"], "reference": {"resource": "", "fields": ["code"]}}]
    out = [
        {
            "name": "functional_classification",
            "title": "支出功能分类科目",
            "rows": functional(document, facts),
            "schema": _code_schema(FUNCTIONAL_CODE),
            "description": "Functional classification codes (类/款/项) used in this package.",
        },
        {
            "name": "economic_classification_departmental",
            "title": "部门预算支出经济分类科目",
            "rows": economic(document, "departmental", facts),
            "schema": _code_schema(ECONOMIC_CODE),
            "description": "Departmental economic classification codes (类/款) used in this package.",
        },
        {
            "name": "economic_classification_government",
            "title": "政府预算支出经济分类科目",
            "rows": economic(document, "government", facts),
            "schema": _code_schema(ECONOMIC_CODE),
            "description": "Government economic classification codes (类/款) used in this package.",
        },
    ]
    for resource in out:
        resource["schema"]["foreignKeys"] = [dict(fk) for fk in fk_parent]
    project_schema = plain_schema(
        [
            (
                "code",
                "项目编码",
                "string",
                "Project code.",
                {"required": True, "unique": True, "pattern": PROJECT_CODE},
            ),
            ("name", "项目名称", "string", "Project name.", {"required": True}),
            ("type", "项目类型", "string", "其他运转类 or 特定目标类.", {}),
            ("unit_name", "项目单位", "string", "Unit running the project.", {}),
            (
                "source_line",
                "来源行号",
                "integer",
                "Line of the performance table.",
                {"minimum": 1},
            ),
        ],
        ["code"],
    )
    out.append(
        {
            "name": "projects",
            "title": "项目",
            "rows": projects(document),
            "schema": project_schema,
            "description": "Projects with the codes the performance-target table publishes.",
        }
    )
    return out
