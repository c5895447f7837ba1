"""The table page: one published table laid out as the document printed it (its columns,
Chinese titles, amounts in 万元 or 元), sortable by any column with plain links, so sorting
works without JavaScript and every sorted view has its own URL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import unquote, urlencode

from flask import render_template, request
from pyoxigraph import Triple

from service.web.errors import ApiError
from service.web.linked import html_view
from service.web.pages_common import (
    Column,
    Table,
    decimal_or_none,
    downloads,
    package,
    read_table,
    resource_named,
)
from service.web.pages_dataset import RDF_FORMATS
from service.web.site import site

ORDERS = ("asc", "desc")


def _table_path(iri: str) -> tuple[str, str] | None:
    prefix = site().base_url + "dataset/"
    if not iri.startswith(prefix):
        return None
    parts = iri[len(prefix) :].split("/")
    if len(parts) != 3 or parts[1] != "table" or not parts[0] or not parts[2]:
        return None
    return unquote(parts[0]), unquote(parts[2])


def is_table(iri: str) -> bool:
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
        raise ApiError(400, "bad-parameter", f"sort must name a column of {table.name!r}")
    if order not in ORDERS:
        raise ApiError(400, "bad-parameter", "order must be asc or desc")
    return field, order


def sort_links(table: Table, field: str | None, order: str) -> dict[str, dict[str, str]]:
    """For each column: the link that sorts by it (toggling the order) and its aria-sort."""
    links = {}
    for column in table.columns:
        current = column.name == field
        next_order = "desc" if current and order == "asc" else "asc"
        links[column.name] = {
            "href": "?" + urlencode({"sort": column.name, "order": next_order}),
            "aria": ("ascending" if order == "asc" else "descending") if current else "none",
            "arrow": ("▲" if order == "asc" else "▼") if current else "",
        }
    return links


@html_view(is_table)
def table_page(iri: str, triples: list[Triple]) -> str:
    found = _table_path(iri)
    assert found is not None
    slug, name = found
    descriptor = package(slug)
    resource = resource_named(descriptor, name)
    if resource is None:
        raise ApiError(404, "unknown-table", f"package {slug!r} has no table {name!r}")
    table = read_table(slug, resource)
    field, order = sort_choice(table, request.args)
    rows = sorted_rows(table, field, order)
    return render_template(
        "table.html",
        iri=iri,
        slug=slug,
        d=descriptor,
        table=table,
        description=resource.get("description", ""),
        rows=[
            {
                "line": row.get("source_line", ""),
                "row_type": row.get("row_type", ""),
                "cells": [table.cell(row, column) for column in table.columns],
            }
            for row in rows
        ],
        sort=field,
        order=order,
        links=sort_links(table, field, order),
        downloads=downloads(slug, name),
        rdf_formats=RDF_FORMATS,
    )
