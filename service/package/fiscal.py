"""The Fiscal Data Package model, so OpenSpending-style tools read the analysis resource.

The model describes data/analysis.csv (service.package.analysis_table), not facts.csv: one
measure per analysis data set, each a column whose plain sum is that data set's published
total, with its `direction` (expenditure or revenue) and `phase: approved` (预算, not 决算).
facts.csv's printed cells (totals and overlapping columns among them) are no measure, so a
tool that sums the model's measures gets the published totals, never 8–57 times them."""

from __future__ import annotations

from typing import Any

from service import vocab
from service.package.analysis import ANALYSES
from service.package.analysis_table import measure

RESOURCE = "analysis"


def _attribute(source: str) -> dict[str, str]:
    return {"source": source, "resource": RESOURCE}


def fiscal_model() -> dict[str, Any]:
    """The Fiscal Data Package `model` (a measure per analysis data set, the classification
    dimensions) over the analysis resource, for OpenSpending-style tools."""

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
            measure(kind.name): {
                "title": vocab.label("analysis", kind.name) or kind.name,
                "source": measure(kind.name),
                "resource": RESOURCE,
                "currency": "CNY",
                "factor": 1,
                "direction": kind.operation,
                "phase": "approved",  # 年初预算: the budget as approved, before revisions
                "description": vocab.definitions("analysis")[kind.name]["en"],
            }
            for kind in ANALYSES
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
            "direction": {
                **classification("收支", "direction"),
                "description": "expenditure or revenue: the direction of the row's measure.",
            },
            "analysis": {
                **classification("分析数据集", "analysis"),
                "description": "The analysis data set the row is a leaf of.",
            },
            "project": {
                "title": "项目",
                "dimensionType": "activity",
                "attributes": {"code": _attribute("project_code")},
                "primaryKey": ["code"],
            },
            "table": {
                "title": "表（公布单元格）",
                "dimensionType": "other",
                "description": "The printed cell (facts.csv) the amount repeats.",
                "attributes": {
                    "table": _attribute("table"),
                    "line": _attribute("source_line"),
                    "column": _attribute("column"),
                },
                "primaryKey": ["table", "line", "column"],
            },
        },
    }
