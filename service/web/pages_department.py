"""Department pages: an organisation IRI (/organization/<key>, the name in pinyin) dereferences to the
department's datasets by year with their headline figures and a chart of its budgets over
the years, the figures as a table beside it."""

from __future__ import annotations

from typing import Any

from flask import render_template
from pyoxigraph import Triple

from service import vocab
from service.corpus.coverage import Standing
from service.package.analysis import ANALYSES
from service.rdf.terms import organization_key
from service.web import coverage
from service.web.charts import department_series, series_chart
from service.web.pages_common import segment_under
from service.web.pages_dataset import script_json
from service.web.site import site


def _department(iri: str) -> str | None:
    """The department whose readable key (rdf.terms.organization_key) the IRI ends in."""
    key = segment_under(iri, "organization/")
    if key is None:
        return None
    return next(
        (p.department for p in site().packages().values() if organization_key(p.department) == key),
        None,
    )


def is_department(iri: str) -> bool:
    """Whether an IRI is a department's (the department page draws it)."""
    return _department(iri) is not None


def department_page(iri: str, triples: list[Triple]) -> str:
    """The page of a department: its budget year by year, charted, and its datasets."""
    department = _department(iri)
    assert department is not None
    series = department_series(department)
    chart = series_chart(series)
    summary = "；".join(
        f"{year} 年 {point['label']}"
        for year, point in zip(
            chart["years"] if chart else [],
            chart["series"][0]["data"] if chart else [],
            strict=True,
        )
        if point
    )
    region = next((p.region for p in site().packages().values() if p.department == department), "")
    standings = {s.dataset: s for s in coverage.of_department(department)}
    for point in series:
        found = standings.get(point["slug"])
        point["gaps"] = _gaps(found) if found else {}
    return render_template(
        "department.html",
        iri=iri,
        department=department,
        region=region,
        series=series,
        chart=chart,
        chart_json=script_json(chart) if chart else None,
        summary=summary,
        series_iri=f"{iri}/budget-series",
        analyses=[(a.name, vocab.label("analysis", a.name) or a.name) for a in ANALYSES],
    )


FIGURE_TABLES = {  # a headline figure of the years' table → the table kind it is read from
    "total": "expenditure",
    "basic": "expenditure",
    "project": "expenditure",
    "three_public": "three_public_expenses",
}


def _gaps(standing: Standing) -> dict[str, dict[str, Any]]:
    """Why a year's figure or analysis is missing: figure or analysis name → its gap."""
    found: dict[str, dict[str, Any]] = {}
    for figure, table in FIGURE_TABLES.items():
        gap = standing.gap(table)
        if gap is not None:
            found[figure] = gap
    for analysis in ANALYSES:
        gap = standing.gap(analysis.name)
        if gap is not None:
            found[analysis.name] = gap
    return found
