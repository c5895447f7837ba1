"""Concept and code-list pages: what a classification code means, where it sits in its
hierarchy, and every amount published under it (or under a narrower code) in any dataset.

Totals add item rows only: totals, subtotals and 其中 rows repeat money already counted, and
the same money appears in several tables, so sums are per table and column, never across.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import render_template
from pyoxigraph import Literal, NamedNode, Triple

from service.vocab import CODE
from service.web import coverage
from service.web.charts import code_chart
from service.web.pages_common import (
    ROW_TYPE_LABELS,
    exact,
    in_unit,
    local_url,
    read_table,
    resource_named,
)
from service.web.pages_dataset import script_json
from service.web.pages_table import exports
from service.web.site import site

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SHOW_AT_MOST = 1000  # observation rows listed on one page; totals always use every row

PREFIXES = """
PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
"""
# Three small queries rather than one: Oxigraph plans the single join badly (a second per
# page on four packages); concepts first, then their observations, then their tables.
CLOSURE = (
    PREFIXES
    + """SELECT ?concept ?notation WHERE {
  ?concept skos:broader* <%s> . OPTIONAL { ?concept skos:notation ?notation } }"""
)
OBSERVATIONS = (
    PREFIXES
    + """SELECT ?obs ?concept ?table ?rowType ?amount ?line ?column WHERE {
  VALUES ?concept { %s }
  ?obs ?dimension ?concept .
  ?obs qb:dataSet ?table ; bp:rowType ?rowType ; bp:amount ?amount .
  OPTIONAL { ?obs bp:sourceLine ?line }
  OPTIONAL { ?obs bp:sourceColumn ?column } }"""
)
TABLES = (
    PREFIXES
    + """SELECT ?table ?tableTitle ?unit ?dataset ?slug ?datasetTitle WHERE {
  VALUES ?table { %s }
  ?table dct:isPartOf ?dataset .
  OPTIONAL { ?table dct:title ?tableTitle }
  OPTIONAL { ?table bp:sourceUnit ?unit }
  OPTIONAL { ?dataset dct:identifier ?slug }
  OPTIONAL { ?dataset dct:title ?datasetTitle } }"""
)

NARROWER = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?concept ?notation ?zh ?en WHERE {
  ?concept skos:broader <%s> .
  OPTIONAL { ?concept skos:notation ?notation }
  OPTIONAL { ?concept skos:prefLabel ?zh FILTER(LANGMATCHES(LANG(?zh), "zh")) }
  OPTIONAL { ?concept skos:prefLabel ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
}
"""

LABELS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?notation ?zh ?en WHERE {
  OPTIONAL { <%(iri)s> skos:notation ?notation }
  OPTIONAL { <%(iri)s> skos:prefLabel ?zh FILTER(LANGMATCHES(LANG(?zh), "zh")) }
  OPTIONAL { <%(iri)s> skos:prefLabel ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
} LIMIT 1
"""


def _rest(iri: str) -> str | None:
    prefix = str(CODE)
    return iri[len(prefix) :] if iri.startswith(prefix) else None


def is_concept(iri: str) -> bool:
    """Whether `iri` names a concept of the vocabulary (CODE + scheme/code), so the concept
    page answers it."""
    rest = _rest(iri)
    return rest is not None and rest.count("/") == 1 and not rest.endswith("/")


def is_scheme(iri: str) -> bool:
    """Whether `iri` names a code list (CODE + scheme), so the scheme page answers it."""
    rest = _rest(iri)
    return bool(rest) and "/" not in rest


def _value(solution: Any, name: str) -> str:
    term = solution[name]
    return term.value if term is not None else ""


def language_values(triples: list[Triple], subject: str, predicate: str) -> dict[str, str]:
    """zh / en (or untagged) values of one property: the page shows both languages."""
    found: dict[str, str] = {}
    for t in triples:
        if (
            t.subject.value == subject
            and t.predicate.value == predicate
            and isinstance(t.object, Literal)
        ):
            found.setdefault(t.object.language or "", t.object.value)
    return found


def first(triples: list[Triple], subject: str, predicate: str) -> str | None:
    """The value of the first (subject, predicate) triple, None when there is none."""
    return next(
        (
            t.object.value
            for t in triples
            if t.subject.value == subject and t.predicate.value == predicate
        ),
        None,
    )


def labelled(iri: str) -> dict[str, str]:
    """A concept as a link with its notation and labels, looked up in the store."""
    solutions = list(site().store().query(LABELS % {"iri": iri}))
    row = solutions[0] if solutions else None
    return {
        "iri": iri,
        "href": local_url(iri) or iri,
        "notation": _value(row, "notation") if row else "",
        "zh": _value(row, "zh") if row else "",
        "en": _value(row, "en") if row else "",
    }


@dataclass
class Amount:
    """One published amount under the concept, where it was published and how."""

    dataset: str
    dataset_title: str
    table: str
    table_title: str
    column: str
    column_title: str
    line: str
    name: str
    row_type: str
    concept: str
    notation: str
    yuan: Decimal
    unit: str
    place: tuple[int, int]  # the table's place in its package, the column's in its table

    @property
    def shown(self) -> str:
        """The amount in its published unit, as the table printed it."""
        return in_unit(self.yuan, self.unit)

    @property
    def yuan_text(self) -> str:
        """The amount in exact yuan (shown on hover)."""
        return exact(self.yuan)

    @property
    def concept_href(self) -> str | None:
        """The link to the amount's concept on this site, None when it is elsewhere."""
        return local_url(self.concept)


@dataclass(frozen=True)
class TableInfo:
    """What the package says about a table: its place, its columns' titles and order, and
    each row's name, so an amount can say what it is."""

    position: int
    titles: dict[str, str]
    order: dict[str, int]
    names: dict[str, str]


def table_info(slug: str, table: str) -> TableInfo:
    """What the package says about one of its tables (place, column titles and order, row
    names); an unknown package or table gets a TableInfo that places it last."""
    descriptor = site().descriptor(slug)
    resource = resource_named(descriptor, table) if descriptor else None
    if descriptor is None or resource is None:
        return TableInfo(999, {}, {}, {})
    data = read_table(slug, resource)
    return TableInfo(
        position=descriptor["resources"].index(resource),
        titles={c.name: c.title for c in data.columns},
        order={c.name: number for number, c in enumerate(data.columns)},
        names={row.get("source_line", ""): data.row_name(row) for row in data.rows},
    )


def amounts(iri: str) -> list[Amount]:
    """Every observation whose classification is the concept or a narrower one."""
    store = site().store()
    notations = {
        _value(row, "concept"): _value(row, "notation") for row in store.query(CLOSURE % iri)
    }
    observations = list(store.query(OBSERVATIONS % " ".join(f"<{c}>" for c in notations)))
    tables = sorted({_value(row, "table") for row in observations})
    about = {
        _value(row, "table"): row
        for row in (store.query(TABLES % " ".join(f"<{t}>" for t in tables)) if tables else [])
    }
    found = []
    lookups: dict[str, TableInfo] = {}
    for s in observations:
        table_iri = _value(s, "table")
        if table_iri not in about:
            continue  # an observation outside any dataset: nothing to link it to
        t = about[table_iri]
        slug, table = _value(t, "slug"), table_iri.rsplit("/", 1)[-1]
        if table_iri not in lookups:
            lookups[table_iri] = table_info(slug, table)
        info = lookups[table_iri]
        column = _value(s, "column") or _value(s, "obs").rsplit("/", 1)[-1]
        line = _value(s, "line")
        found.append(
            Amount(
                dataset=slug,
                dataset_title=_value(t, "datasetTitle") or slug,
                table=table,
                table_title=_value(t, "tableTitle") or table,
                column=column,
                column_title=info.titles.get(column, column),
                line=line,
                name=info.names.get(line, ""),
                row_type=_value(s, "rowType").rsplit("/", 1)[-1],
                concept=_value(s, "concept"),
                notation=notations.get(_value(s, "concept"), ""),
                yuan=Decimal(_value(s, "amount")),
                unit=_value(t, "unit") or "元",
                place=(info.position, info.order.get(column, 999)),
            )
        )
    found.sort(key=lambda a: (a.dataset, a.place[0], int(a.line or 0), a.place[1]))
    return found


def totals(found: list[Amount]) -> list[dict[str, Any]]:
    """Per dataset, table and column: the item rows summed exactly, with how many there are."""
    groups: dict[tuple[str, str, str], list[Amount]] = defaultdict(list)
    for amount in found:
        groups[amount.dataset, amount.table, amount.column].append(amount)
    rows = []
    ordered = sorted(groups.items(), key=lambda g: (g[0][0], g[1][0].place))
    previous: tuple[str, str] = ("", "")
    for (slug, table, _column), members in ordered:
        items = [a for a in members if a.row_type == "item"]
        total = sum((a.yuan for a in items), Decimal(0))
        sample = members[0]
        rows.append(
            {
                "amount": sample,
                "count": len(members),
                "items": len(items),
                "yuan": exact(total) if items else "",
                "shown": in_unit(total, sample.unit) if items else "",
                "new_dataset": slug != previous[0],
                "new_table": (slug, table) != previous,
            }
        )
        previous = (slug, table)
    return rows


def concept_page(iri: str, triples: list[Triple]) -> str:
    """A concept's HTML page: its labels, definition, place in its hierarchy, and every amount
    published under it or a narrower code, with per-table totals and a chart."""
    scheme_iri = first(triples, iri, SKOS + "inScheme") or iri.rsplit("/", 1)[0]
    labels = language_values(triples, iri, SKOS + "prefLabel")
    broader = [
        labelled(t.object.value)
        for t in triples
        if t.subject.value == iri
        and t.predicate.value == SKOS + "broader"
        and isinstance(t.object, NamedNode)
    ]
    narrower = [
        {
            "iri": _value(s, "concept"),
            "href": local_url(_value(s, "concept")),
            "notation": _value(s, "notation"),
            "zh": _value(s, "zh"),
            "en": _value(s, "en"),
        }
        for s in site().store().query(NARROWER % iri)
    ]
    narrower.sort(key=lambda c: c["notation"] or c["iri"])
    found = amounts(iri)
    chart = code_chart(found)
    return render_template(
        "concept.html",
        iri=iri,
        labels=labels,
        notation=first(triples, iri, SKOS + "notation") or iri.rsplit("/", 1)[-1],
        scheme=labelled(scheme_iri),
        definition=language_values(triples, iri, SKOS + "definition"),
        broader=broader,
        narrower=narrower,
        amounts=found[:SHOW_AT_MOST],
        count=len(found),
        totals=totals(found),
        row_types=ROW_TYPE_LABELS,
        chart=chart,
        chart_json=script_json(chart) if chart else None,
        chart_coverage=coverage.of_view(chart["table"]) if chart else None,
        exports=exports(f"/export/code/{_rest(iri)}", {}),
    )


def scheme_page(iri: str, triples: list[Triple]) -> str:
    """A code list as a tree: top concepts, then their narrower concepts under them."""
    concepts: dict[str, dict[str, Any]] = {}
    for t in triples:
        subject = t.subject.value
        if subject == iri or not isinstance(t.subject, NamedNode):
            continue
        entry = concepts.setdefault(
            subject,
            {
                "iri": subject,
                "href": local_url(subject),
                "notation": "",
                "zh": "",
                "en": "",
                "broader": None,
                "children": [],
            },
        )
        predicate = t.predicate.value
        if predicate == SKOS + "notation":
            entry["notation"] = t.object.value
        elif predicate == SKOS + "prefLabel" and isinstance(t.object, Literal):
            entry[t.object.language or "zh"] = entry[t.object.language or "zh"] or t.object.value
        elif predicate == SKOS + "broader":
            entry["broader"] = t.object.value
    roots = []
    for entry in sorted(concepts.values(), key=lambda c: c["notation"] or c["iri"]):
        parent = concepts.get(entry["broader"] or "")
        (parent["children"] if parent else roots).append(entry)
    return render_template(
        "scheme.html",
        iri=iri,
        labels=language_values(triples, iri, SKOS + "prefLabel"),
        comments=language_values(triples, iri, RDFS + "comment"),
        source=first(triples, iri, "http://purl.org/dc/terms/source"),
        roots=roots,
        count=len(concepts),
    )
