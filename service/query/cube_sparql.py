"""The aggregate API's SPARQL (service/query/cubes.py has the model): what it runs against a
shared remote store, or a build without a facts index, with the same answers as the index.

A cube's facts are its tables' cells, or the analysis observations of its kind, each with the
published cell it is derived from: every dimension is read on that cell (?obs) and its table
(?ds), so one pattern per dimension serves both sorts of cube.
"""

from __future__ import annotations

from service.query.cubes import CODE, DIMENSIONS, cube_kind, iri, literal

PREFIXES = """PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX obeu-measure: <http://data.openbudgets.eu/ontology/dsd/measure/>
"""


def where(cube: str, dims: list[str], cuts: dict[str, list[str]]) -> str:
    """The WHERE clause every cube query shares: the facts of a table kind or an analysis
    kind, cut by `cuts`, with the keys of `dims` bound."""
    head = [
        DIMENSIONS[name].cut(values)
        for name, values in cuts.items()
        if not DIMENSIONS[name].filters(values)
    ]  # VALUES first: the engine starts from cut terms
    triples = [_facts_pattern(cube)]
    tail = []
    for name in dict.fromkeys([*cuts, *dims]):
        dim = DIMENSIONS[name]
        pattern, extra = dim.pattern(cuts.get(name))
        triples.append(pattern)
        tail.append(extra)
        if name in cuts and dim.filters(cuts[name]):
            tail.append(dim.cut(cuts[name]))
    return "\n  ".join(part for part in [*head, *triples, *tail] if part)


def _facts_pattern(cube: str) -> str:
    """A cube's facts (fact_variable) with ?amount, ?obs the published cell (the fact itself
    for a table cube) whose dimensions it has, and ?ds that cell's table."""
    if cube_kind(cube) == "table":
        return f"?ds bp:tableKind {literal(cube)} . ?obs qb:dataSet ?ds ; bp:amount ?amount ."
    kind = iri(f"{CODE}analysis/{cube}")
    return (
        f"?analysis bp:analysisKind {kind} . ?fact qb:dataSet ?analysis ; "
        "obeu-measure:amount ?amount ; prov:wasDerivedFrom ?obs . ?obs qb:dataSet ?ds ."
    )


def fact_variable(cube: str) -> str:
    """The variable of a fact's own IRI: the cell, or the analysis observation."""
    return "?obs" if cube_kind(cube) == "table" else "?fact"


def aggregate_query(
    cube: str, dims: list[str], cuts: dict[str, list[str]], order: list[tuple[str, str]]
) -> str:
    """Every group, in order: one scan gives the page, the cell count and the summary."""
    keys = " ".join(f"?{d}_key" for d in dims)
    sort = []
    for name, direction in order or [(d, "asc") for d in dims]:
        expr = {"amount.sum": "?sum", "_count": "?count"}.get(name, f"?{name}_key")
        sort.append(f"{direction.upper()}({expr})")
    group = f"GROUP BY {keys}" if dims else ""
    order_by = f"ORDER BY {' '.join(sort)}" if sort else ""
    return (
        f"{PREFIXES}SELECT {keys} (SUM(?amount) AS ?sum) (COUNT(?obs) AS ?count)\n"
        f"WHERE {{\n  {where(cube, dims, cuts)}\n}} {group} {order_by}"
    )


def members_query(
    cube: str, dimension: str, cuts: dict[str, list[str]], direction: str, limit: int, offset: int
) -> str:
    """The SPARQL that lists a dimension's keys in a cube (with how many observations each), cut,
    ordered and paged.
    """
    return (
        f"{PREFIXES}SELECT ?{dimension}_key (COUNT(?obs) AS ?count) WHERE {{\n  "
        f"{where(cube, [dimension], cuts)}\n}} GROUP BY ?{dimension}_key "
        f"ORDER BY {direction.upper()}(?{dimension}_key) LIMIT {limit} OFFSET {offset}"
    )


def facts_query(
    cube: str, cuts: dict[str, list[str]], order: list[tuple[str, str]], limit: int, offset: int
) -> str:
    """The SPARQL that lists a cube's observations with every dimension's key, amount and source
    line, cut, ordered and paged.
    """
    dims = list(DIMENSIONS)
    keys = " ".join(f"?{d}_key" for d in dims)
    fact = fact_variable(cube)
    sort = " ".join(f"{d.upper()}(?{n}_key)" for n, d in order) or f"ASC({fact})"
    return (
        f"{PREFIXES}SELECT ({fact} AS ?id) {keys} ?amount ?line WHERE {{\n"
        f"  ?obs bp:sourceLine ?line .\n  "
        f"{where(cube, dims, cuts)}\n}} "
        f"ORDER BY {sort} LIMIT {limit} OFFSET {offset}"
    )


def count_query(cube: str, cuts: dict[str, list[str]]) -> str:
    """How many facts facts_query pages through (the same patterns: the same facts)."""
    return (
        f"{PREFIXES}SELECT (COUNT(?obs) AS ?n) WHERE {{\n  ?obs bp:sourceLine ?line .\n  "
        f"{where(cube, list(DIMENSIONS), cuts)}\n}}"
    )


def member_count_query(cube: str, dimension: str, cuts: dict[str, list[str]]) -> str:
    """How many keys members_query pages through."""
    return (
        f"{PREFIXES}SELECT (COUNT(*) AS ?n) WHERE {{ SELECT ?{dimension}_key WHERE {{\n  "
        f"{where(cube, [dimension], cuts)}\n}} GROUP BY ?{dimension}_key }}"
    )


def labels_query(dimension: str, keys: list[str]) -> str | None:
    """zh labels for the keys one page returned (concepts, or projects by code)."""
    dim = DIMENSIONS[dimension]
    if dimension == "project":
        values = " ".join(literal(k) for k in keys if k)
        return (
            (
                f"{PREFIXES}SELECT ?key ?label WHERE {{ VALUES ?key {{ {values} }} "
                "?p bp:projectCode ?key ; rdfs:label ?label }"
            )
            if values
            else None
        )
    concepts = " ".join(
        f"({iri(concept)} {literal(k)})" for k in keys if (concept := dim.concept(k))
    )
    if not concepts:
        return None
    return (
        f"{PREFIXES}SELECT ?key ?label WHERE {{ VALUES (?c ?key) {{ {concepts} }} "
        '?c skos:prefLabel ?label FILTER(LANG(?label) = "zh") }'
    )


def shape_query(cube: str) -> str:
    """The SPARQL that lists the columns and row types a cube's observations have."""
    return (
        f"{PREFIXES}SELECT DISTINCT ?column ?row WHERE {{ {_facts_pattern(cube)} "
        "?obs bp:sourceColumn ?column ; bp:rowType/skos:notation ?row }"
    )


def cubes_query() -> str:
    """The SPARQL that lists the cubes: each table kind and each analysis kind with a label,
    how many tables (analysis data sets) it has, and which of the two it is."""
    return (
        f"{PREFIXES}SELECT ?kind ?type (SAMPLE(?title) AS ?label) "
        "(COUNT(DISTINCT ?ds) AS ?tables) WHERE { "
        '{ ?ds bp:tableKind ?kind . OPTIONAL { ?ds dct:title ?title } BIND("table" AS ?type) } '
        "UNION { ?ds bp:analysisKind ?concept . "
        f'BIND(STRAFTER(STR(?concept), "{CODE}analysis/") AS ?kind) '
        'OPTIONAL { ?ds rdfs:label ?title FILTER(LANG(?title) = "zh") } '
        'BIND("analysis" AS ?type) } } GROUP BY ?kind ?type ORDER BY ?kind'
    )
