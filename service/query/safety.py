"""Read-only and no outbound requests: a query is parsed and refused before it runs when it
updates, loads, calls SERVICE or names graphs with FROM / FROM NAMED.

Parsing fails closed: what rdflib's SPARQL 1.1 parser cannot read is refused as malformed,
so nothing unparsed ever reaches the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

FORMS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}


@dataclass
class Refusal(Exception):
    status: int
    kind: str
    detail: str


def _walk(node: Any) -> Any:
    """Every node of rdflib's parse tree (CompValues are dicts, ParseResults are sequences)."""
    from pyparsing import ParseResults

    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            yield from _walk(value)


def check(query: str, max_length: int) -> str:
    """The query form (select/ask/construct/describe), or a Refusal saying why not."""
    if len(query) > max_length:
        raise Refusal(413, "query-too-long", f"queries are limited to {max_length} characters")
    if not query.strip():
        raise Refusal(400, "missing-query", "give a SPARQL query in the query parameter")
    return _classify(query)


@lru_cache(maxsize=256)
def _classify(query: str) -> str:
    """Parsing costs ~10 ms; a query asked again (a page, a dashboard) is judged once."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(query)
    except ParseException as error:
        try:
            parseUpdate(query)
        except ParseException:
            raise Refusal(400, "malformed-query", f"SPARQL syntax error: {error}") from None
        raise Refusal(
            403,
            "update-forbidden",
            "this endpoint is read-only: SPARQL Update and LOAD are refused",
        ) from None
    except Exception as error:  # the parser's own errors on odd input are still bad queries
        raise Refusal(400, "malformed-query", f"SPARQL syntax error: {error}") from None
    body = parsed[1]
    for node in _walk(parsed):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            raise Refusal(
                403,
                "service-forbidden",
                "SERVICE is refused: this endpoint never makes outbound requests",
            )
        if name in ("DatasetClause",):
            raise Refusal(
                403,
                "from-forbidden",
                "FROM and FROM NAMED are refused: the "
                "endpoint queries its own data only, with no external graphs",
            )
    return FORMS.get(getattr(body, "name", ""), "select")
