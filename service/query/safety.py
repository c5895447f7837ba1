"""Read-only and no outbound requests: a query is parsed and refused before it runs when it
updates, loads, calls SERVICE or names graphs with FROM / FROM NAMED.

One text for both parsers. The SPARQL spec (19.2) processes codepoint escapes (\\uXXXX,
\\UXXXXXXXX) before parsing; rdflib does so everywhere (and loosely: either case, 4 or 8
digits), Oxigraph only inside strings. A query that one parser reads as a string and the
other as SERVICE got past the guard that way. So the escapes are expanded here, exactly as
the spec says, the expanded text is what is judged and what runs, and a text that still
holds anything escape-like after that (which rdflib would expand a second time) is refused.

Three locks, any one of which refuses: a lexical tripwire on the expanded text (SERVICE or
FROM followed by an IRI, a prefixed name or a variable, and Virtuoso's bif:/sql: function
IRIs, wherever they stand: strings included, so no parser's reading matters), rdflib's parse tree, and underneath both the
sandbox of the process that runs the query (service/sandbox.py: it cannot connect).

Parsing fails closed: what rdflib's SPARQL 1.1 parser cannot read is refused as malformed,
so nothing unparsed ever reaches the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from service.errors import Refusal

FORMS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ESCAPE_LIKE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")  # what rdflib would still expand
_GAP = r"(?:\s|#[^\n\r]*)*"  # whitespace and comments between two tokens
_GAP1 = r"(?:\s|#[^\n\r]*)+"  # at least one: "SERVICEex:x" is one prefixed name
_KEYWORD = r"(?<![?$\w:])"  # not inside a variable or a name: ?service, ex:from
_TRIPWIRES = (
    (
        re.compile(
            rf"{_KEYWORD}SERVICE(?:{_GAP1}SILENT)?(?:{_GAP}[<?$]|{_GAP1}[\w.\-]*:)",
            re.IGNORECASE,
        ),
        "service-forbidden",
        "SERVICE is refused: this endpoint never makes outbound requests",
    ),
    (
        re.compile(rf"{_KEYWORD}FROM(?:{_GAP1}NAMED)?(?:{_GAP}<|{_GAP1}[\w.\-]*:)", re.IGNORECASE),
        "from-forbidden",
        "FROM and FROM NAMED are refused: the endpoint queries its own data only, "
        "with no external graphs",
    ),
    (  # Virtuoso calls an IRI in these schemes as its own SQL function or procedure, and
        # <bif:http_get>("…") fetches a URL from an anonymous SPARQL query (service/virtuoso.py)
        re.compile(r"(?<![\w.\-])(?:bif|sql):", re.IGNORECASE),
        "service-forbidden",
        "bif: and sql: IRIs are refused: they call the store's own functions, which can make "
        "outbound requests",
    ),
)


@dataclass(frozen=True)
class Judged:
    """A query that may run: its form and the text to run (escapes expanded)."""

    form: str
    text: str


def expand_escapes(query: str) -> str:
    """\\uXXXX and \\UXXXXXXXX replaced by their characters, once, as SPARQL 1.1 (19.2)
    says; a Refusal when an escape names no character or the result still looks escaped."""

    def character(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Refusal(400, "malformed-query", f"{match.group(0)} is not a character")
        return chr(code)

    expanded = _ESCAPE.sub(character, query)
    if _ESCAPE_LIKE.search(expanded):
        raise Refusal(
            400,
            "malformed-query",
            "an escape sequence that spells another escape (\\u005C…) is refused: "
            "parsers read it differently",
        )
    return expanded


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


def _prefix(node: Any) -> str:
    """A PrefixDecl's or a prefixed name's prefix ("" for the default prefix ':')."""
    return str(node["prefix"]) if "prefix" in node else ""


def check(query: str, max_length: int) -> Judged:
    """The query form and the text to run, or a Refusal saying why not."""
    if len(query) > max_length:
        raise Refusal(413, "query-too-long", f"queries are limited to {max_length} characters")
    if not query.strip():
        raise Refusal(400, "missing-query", "give a SPARQL query in the query parameter")
    text = expand_escapes(query)
    for pattern, kind, detail in _TRIPWIRES:
        if pattern.search(text):
            raise Refusal(403, kind, detail)
    return Judged(_classify(text), text)


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
    except RecursionError:
        raise Refusal(
            400, "query-too-deep", "the query nests deeper than this endpoint reads"
        ) from None
    except Exception as error:  # the parser's own errors on odd input are still bad queries
        raise Refusal(400, "malformed-query", f"SPARQL syntax error: {error}") from None
    body = parsed[1]
    declared = {_prefix(d) for d in parsed[0] if getattr(d, "name", None) == "PrefixDecl"}
    for node in _walk(parsed):
        name = getattr(node, "name", None)
        if name == "pname" and _prefix(node) not in declared:
            prefix = _prefix(node)
            raise Refusal(  # Oxigraph would answer with its grammar's character classes
                400,
                "undefined-prefix",
                f"the prefix {prefix}: is not declared: add PREFIX {prefix}: <IRI> before the "
                "query (/sparql shows examples with the prefixes this data uses)",
            )
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
