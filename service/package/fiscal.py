"""The Fiscal Data Package model, so OpenSpending-style tools read the facts resource.

The facts hold revenue and expenditure of the approved budget (预算, not 决算): the measure
says `phase: approved`; its direction differs by row, so it is the operation_character
dimension, never a `direction` that would call revenue expenditure."""

from __future__ import annotations

from typing import Any


def _attribute(source: str) -> dict[str, str]:
    return {"source": source, "resource": "facts"}


def fiscal_model() -> dict[str, Any]:
    """The Fiscal Data Package `model` (one measure, the classification dimensions) over the
    facts resource, for OpenSpending-style tools."""

    def classification(title: str, source: str, kind: str | None = None) -> dict[str, Any]:
        dimension: dict[str, Any] = {
            "title": title,
            "dimensionType": "classification",
            "attributes": {"code": _attribute(source)},
            "primaryKey": ["code"],
        }
        if kind:
            dimension["classificationType"] = kind
        return dimension

    return {
        "measures": {
            # one measure over revenue and expenditure: no `direction` is true of all of
            # it, so none is claimed; each fact's is its operation_character
            "amount": {
                "title": "金额",
                "source": "amount",
                "resource": "facts",
                "currency": "CNY",
                "factor": 1,
                "phase": "approved",  # 年初预算: the budget as approved, before revisions
            },
        },
        "dimensions": {
            "date": {
                "title": "预算年度",
                "dimensionType": "datetime",
                "attributes": {"year": _attribute("fiscal_year")},
                "primaryKey": ["year"],
            },
            "organization": {
                "title": "部门/单位",
                "dimensionType": "entity",
                "attributes": {
                    "name": _attribute("department"),
                    "unit_code": _attribute("unit_code"),
                },
                "primaryKey": ["name", "unit_code"],
            },
            "functional_classification": classification(
                "功能分类", "functional_code", "functional"
            ),
            "economic_classification": classification(
                "部门经济分类", "economic_departmental_code", "economic"
            ),
            "economic_classification_government": classification(
                "政府经济分类", "economic_government_code", "economic"
            ),
            "expenditure_type": classification("支出类型", "expenditure_type"),
            "fund_source": classification("资金来源", "fund_source"),
            "operation_character": {
                **classification("收支", "operation_character"),
                "description": "The direction of each amount: expenditure or revenue.",
            },
            "project": {
                "title": "项目",
                "dimensionType": "activity",
                "attributes": {"code": _attribute("project_code")},
                "primaryKey": ["code"],
            },
            "row_type": {
                "title": "行类型",
                "dimensionType": "other",
                "attributes": {"row_type": _attribute("row_type")},
                "primaryKey": ["row_type"],
            },
            "table": {
                "title": "表",
                "dimensionType": "other",
                "attributes": {
                    "table": _attribute("table"),
                    "line": _attribute("source_line"),
                    "column": _attribute("column"),
                },
                "primaryKey": ["table", "line", "column"],
            },
        },
    }
