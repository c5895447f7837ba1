"""The table page: one published table laid out as the document printed it (its columns,
Chinese titles, amounts in 万元 or 元), sortable by any column with plain links, so sorting
works without JavaScript and every sorted view has its own URL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import unquote, urlencode

from flask import Blueprint, Response, render_template, request
from pyoxigraph import Triple

from service.errors import Refusal
from service.web.facets import Dimension, apply, link, selections
from service.web.http import conditional
from service.web.negotiation import negotiate
from service.web.pages_common import (
    ROW_TYPE_LABELS,
    Column,
    Table,
    decimal_or_none,
    downloads,
    package,
    read_table,
    resource_named,
)
from service.web.pages_dataset import RDF_FORMATS
from service.web.pages_present import present
from service.web.site import site

ORDERS = ("asc", "desc")
bp = Blueprint("tables", __name__)


def _table_path(iri: str) -> tuple[str, str] | None:
    prefix = site().base_url + "dataset/"
    if not iri.startswith(prefix):
        return None
    parts = iri[len(prefix) :].split("/")
    if len(parts) != 3 or parts[1] != "table" or not parts[0] or not parts[2]:
        return None
    return unquote(parts[0]), unquote(parts[2])


def is_table(iri: str) -> bool:
    """Whether an IRI is a table's (the table page draws it)."""
    return _table_path(iri) is not None


def sort_key(column: Column, value: str) -> tuple[int, Decimal, str]:
    """Numbers by value (Decimal, exact), then anything unparsable as text."""
    if column.numeric:
        number = decimal_or_none(value)
        if number is not None:
            return (0, number, "")
    return (1, Decimal(0), value)


def sorted_rows(table: Table, field: str | None, order: str) -> list[dict[str, str]]:
    """Rows in the chosen order; blank cells always last (blank is not zero)."""
    if field is None:
        return table.rows
    column = next(c for c in table.columns if c.name == field)
    filled = [row for row in table.rows if row.get(field, "").strip()]
    blank = [row for row in table.rows if not row.get(field, "").strip()]
    filled.sort(key=lambda row: sort_key(column, row[field]), reverse=order == "desc")
    return filled + blank


def sort_choice(table: Table, args: Any) -> tuple[str | None, str]:
    """?sort=<field>&order=asc|desc, checked: a bad parameter is a 400, never a 500."""
    field = args.get("sort") or None
    order = args.get("order") or "asc"
    if field is not None and field not in {c.name for c in table.columns}:
        raise Refusal(400, "bad-parameter", f"sort must name a column of {table.name!r}")
    if order not in ORDERS:
        raise Refusal(400, "bad-parameter", "order must be asc or desc")
    return field, order


def sort_links(
    table: Table, field: str | None, order: str, query: dict[str, str] | None = None
) -> dict[str, dict[str, str]]:
    """For each column: the link that sorts by it (toggling the order) and its aria-sort;
    the view's filters and unit are kept."""
    links = {}
    kept = {k: v for k, v in (query or {}).items() if k not in ("sort", "order")}
    for column in table.columns:
        current = column.name == field
        next_order = "desc" if current and order == "asc" else "asc"
        links[column.name] = {
            "href": "?" + urlencode({**kept, "sort": column.name, "order": next_order}),
            "aria": ("ascending" if order == "asc" else "descending") if current else "none",
            "arrow": ("▲" if order == "asc" else "▼") if current else "",
        }
    return links


def code_labels(slug: str, descriptor: dict[str, Any], resource: str) -> dict[str, str]:
    """code → name from a package's code list (functional_classification, …)."""
    found = resource_named(descriptor, resource)
    if found is None:
        return {}
    return {row["code"]: row.get("name", "") for row in read_table(slug, found).rows}


def row_dimensions(
    table: Table, slug: str, descriptor: dict[str, Any]
) -> list[Dimension[dict[str, str]]]:
    """The facets a table's rows have: row type, functional class, economic class."""
    names = {c.name for c in table.columns}
    found: list[Dimension[dict[str, str]]] = []
    if "row_type" in names:
        order = list(ROW_TYPE_LABELS)
        found.append(
            Dimension(
                "row_type",
                "行类型 Row type",
                lambda row: row.get("row_type") or None,
                lambda v: ROW_TYPE_LABELS.get(v, v),
                rank=lambda v: order.index(v) if v in order else len(order),
            )
        )
    for param, prefix, title, code_list in (
        (
            "functional_class",
            "functional",
            "功能分类（类） Functional class",
            "functional_classification",
        ),
        (
            "economic_class",
            "economic_departmental",
            "经济分类（类） Economic class",
            "economic_classification_departmental",
        ),
    ):
        if f"{prefix}_code" in names or f"{prefix}_class" in names:
            labels = code_labels(slug, descriptor, code_list)

            def value(row: dict[str, str], prefix: str = prefix) -> str | None:
                code = row.get(f"{prefix}_class") or row.get(f"{prefix}_code", "")[:3]
                return code or None

            def label(code: str, labels: dict[str, str] = labels) -> str:
                return f"{code} {labels.get(code, '')}".strip()

            found.append(Dimension(param, title, value, label, order="value"))
    return found


def view(slug: str, name: str, args: Any) -> dict[str, Any]:
    """A table's rows as a view: filtered by the facets, sorted; shared by the page and
    its exports."""
    descriptor = package(slug)
    resource = resource_named(descriptor, name)
    if resource is None:
        raise Refusal(404, "unknown-table", f"package {slug!r} has no table {name!r}")
    table = read_table(slug, resource)
    field, order = sort_choice(table, args)
    dimensions = row_dimensions(table, slug, descriptor)
    chosen = selections(args, dimensions)
    path = f"/dataset/{slug}/table/{name}"
    query = {k: v for k, v in args.items() if k in ("sort", "order", "amounts", *chosen)}
    kept, found = apply(table.rows, dimensions, chosen, path, query)
    rows = sorted_rows(Table(**{**table.__dict__, "rows": kept}), field, order)
    return {
        "descriptor": descriptor,
        "resource": resource,
        "table": table,
        "rows": rows,
        "facets": [f for f in found if len(f.values) > 1 or f.selected],
        "chosen": chosen,
        "sort": field,
        "order": order,
        "query": query,
        "path": path,
    }


def table_page(iri: str, triples: list[Triple]) -> str:
    """The page of a published table."""
    found = _table_path(iri)
    assert found is not None
    return render_table(*found, iri)


@bp.get("/dataset/<slug>/table/<name>")
def table_route(slug: str, name: str) -> Response:
    """A table's page is read from its CSV, so every table has one: the typed tables, the
    tables kept as printed and a combined year's (neither of which the store describes).
    Other formats are the linked-data view's (content negotiation, the store's triples)."""
    from service.web import linked

    path = f"dataset/{slug}/table/{name}"
    if "." in name or negotiate(None, request.accept_mimetypes).name != "html":
        return linked.resource(path)
    iri = linked.iri_for(path)
    body = render_table(slug, name, iri)
    response = Response(body, mimetype="text/html")
    response.headers["Link"] = f'<{iri}>; rel="canonical"'
    return conditional(
        response, tag_source=body.encode(), modified=site().modified(), vary_accept=True
    )


def render_table(slug: str, name: str, iri: str) -> str:
    """The page of one table (a department's, or a combined year's)."""
    shown = view(slug, name, request.args)
    table: Table = shown["table"]
    in_yuan = request.args.get("amounts") == "yuan"
    query = shown["query"]
    export = {k: v for k, v in query.items() if k != "amounts"}
    return render_template(
        "table.html",
        iri=iri,
        slug=slug,
        d=shown["descriptor"],
        table=table,
        description=shown["resource"].get("description", ""),
        shown=present(table, shown["rows"], in_yuan),
        count=len(shown["rows"]),
        facets=shown["facets"],
        chosen=shown["chosen"],
        sort=shown["sort"],
        order=shown["order"],
        in_yuan=in_yuan,
        yuan_href=link(shown["path"], query, amounts=None if in_yuan else "yuan"),
        clear_href=link(shown["path"], {k: v for k, v in query.items() if k == "amounts"}),
        links=sort_links(table, shown["sort"], shown["order"], query),
        downloads=downloads(slug, name),
        exports=exports(f"/export/table/{slug}/{name}", export),
        rdf_formats=RDF_FORMATS,
        printed=name.startswith("table_"),
        in_store=not name.startswith("table_") and not slug.startswith("_"),
    )


def exports(stem: str, query: dict[str, str]) -> list[dict[str, str]]:
    """The view's own downloads: every row it shows, as CSV, Excel CSV and xlsx."""
    return [
        {"href": link(f"{stem}.{ext}", query), "label": label, "hint": hint}
        for ext, label, hint in (
            ("csv", "CSV", "UTF-8, 英文列名 field names"),
            ("excel.csv", "Excel CSV", "带 BOM 与中文列名"),
            ("xlsx", "xlsx", "Excel"),
        )
    ]
