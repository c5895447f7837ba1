"""Read-only and no outbound requests: a query is parsed and refused before it runs when it
updates, loads, calls SERVICE or names graphs with FROM / FROM NAMED.

One text for both parsers. rdflib judges, the store (Oxigraph, another server) runs, and
where the two read one text differently a query got past the guard: rdflib expanded
\\uXXXX everywhere and Oxigraph only in strings; rdflib ended a `#` comment only at LF and
Oxigraph at a bare CR too; Oxigraph's keywords need no space after them (`SERVICEab:x` is
SERVICE and `ab:x`) nor before (`1SERVICE`). So the text is normalised first, and the
normalised text is both what is judged and what runs:
- escapes expanded once, exactly as the spec (19.2) says; a text that still holds anything
  escape-like after that (which rdflib would expand a second time) is refused;
- every line break (CRLF, bare CR) becomes LF, the one both parsers end a comment at;
- a character whose case mapping is ASCII (ſ, ı, K, ß, ligatures…) is refused: a parser
  that folds case by Unicode reads `ſERVICE` as a keyword, one that folds ASCII does not.
tests/test_parser_differential.py reads a corpus with rdflib and with pyoxigraph, and every
query the two read differently must be refused.

Three locks, any one of which refuses: a lexical tripwire on the normalised text (the
SERVICE and FROM keywords followed by an IRI, a prefixed name or a variable, whatever the
spacing and the prefix's characters, and Virtuoso's bif:/sql: function IRIs, wherever they
stand: strings included, so no parser's reading matters), rdflib's parse tree (IRIs
expanded from prefixes too), and underneath both the sandbox of the process that runs the
query (service/sandbox.py: it cannot connect).

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
# whitespace (of any script, and the invisible format characters a store might skip too) and
# comments between two tokens (any CR is LF by now)
_GAP = r"(?:[\s\u180e\u200b-\u200f\u2060-\u2064\ufeff]|#[^\n]*)*"
_PREFIX = r"[^\s<>{}()\[\]\"'#;,]*:"  # a prefixed name's prefix, in any script, or none
_SERVICE = re.compile(rf"(?:{_GAP}SILENT)?{_GAP}(?:[<?$]|{_PREFIX})", re.IGNORECASE)
_FROM = re.compile(rf"(?:{_GAP}NAMED)?{_GAP}(?:<|{_PREFIX})", re.IGNORECASE)
_KEYWORDS = (
    (
        re.compile("SERVICE", re.IGNORECASE),
        _SERVICE,
        "service-forbidden",
        "SERVICE is refused: this endpoint never makes outbound requests",
    ),
    (
        re.compile("FROM", re.IGNORECASE),
        _FROM,
        "from-forbidden",
        "FROM and FROM NAMED are refused: the endpoint queries its own data only, "
        "with no external graphs",
    ),
)
# Virtuoso calls an IRI in these schemes as its own SQL function or procedure, and
# <bif:http_get>("…") fetches a URL from an anonymous SPARQL query (service/virtuoso.py)
_FUNCTION_SCHEME = re.compile(r"(?<![\w.\-])(?:bif|sql):", re.IGNORECASE)
_FUNCTION_IRI = re.compile(r"\s*(?:bif|sql):", re.IGNORECASE)
_FUNCTION_DETAIL = (
    "bif: and sql: IRIs are refused: they call the store's own functions, which can make "
    "outbound requests"
)
_LINE_BREAK = re.compile(r"\r\n?")
# characters whose upper, lower or folded case holds ASCII letters (ſ→S, ı→I, K→k, ß→SS, ﬁ→FI)
_CASE_TWINS = re.compile(
    "[\u00df\u0130\u0131\u0149\u017f\u01f0\u1e96-\u1e9a\u1e9e\u212a\ufb00-\ufb06]"
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


def normalise(query: str) -> str:
    """The one text both parsers read alike: escapes expanded, line breaks made LF; a
    Refusal when a character is read as ASCII by one parser's case folding only."""
    text = _LINE_BREAK.sub("\n", expand_escapes(query))
    twin = _CASE_TWINS.search(text)
    if twin:
        raise Refusal(
            400,
            "malformed-query",
            f"the character {twin.group(0)!r} (U+{ord(twin.group(0)):04X}) is refused: "
            "parsers fold its case differently (write the letters it stands for)",
        )
    return text


def _in_a_name(text: str, start: int) -> bool:
    """Whether the word at `start` ends a variable or a prefixed name (?service, ex:from,
    ?myservice) rather than standing as a keyword: Oxigraph reads a keyword right after a
    number or `true` (`1SERVICE`), so only a name's own characters back to ? $ or : count."""
    at = start
    while at > 0 and (text[at - 1].isalnum() or text[at - 1] == "_"):
        at -= 1
    return at > 0 and text[at - 1] in "?$:"


def _tripwire(text: str) -> None:
    """A Refusal when SERVICE or FROM stands as a keyword followed by what a store would
    call or load, or a bif:/sql: IRI appears, anywhere in the text."""
    for word, follower, kind, detail in _KEYWORDS:
        for found in word.finditer(text):
            if not _in_a_name(text, found.start()) and follower.match(text, found.end()):
                raise Refusal(403, kind, detail)
    if _FUNCTION_SCHEME.search(text):
        raise Refusal(403, "service-forbidden", _FUNCTION_DETAIL)


def check(query: str, max_length: int) -> Judged:
    """The query form and the text to run, or a Refusal saying why not."""
    if len(query) > max_length:
        raise Refusal(413, "query-too-long", f"queries are limited to {max_length} characters")
    if not query.strip():
        raise Refusal(400, "missing-query", "give a SPARQL query in the query parameter")
    text = normalise(query)
    _tripwire(text)
    return Judged(_classify(text), text)


@lru_cache(maxsize=256)
def _classify(query: str) -> str:
    """Parsing costs ~10 ms; a query asked again (a page, a dashboard) is judged once."""
    from pyparsing import ParseException
    from rdflib import URIRef
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
    declared = {
        _prefix(d): str(d["iri"]) for d in parsed[0] if getattr(d, "name", None) == "PrefixDecl"
    }
    for node in _walk(parsed):
        name = getattr(node, "name", None)
        if isinstance(node, URIRef) and _FUNCTION_IRI.match(node):
            raise Refusal(403, "service-forbidden", _FUNCTION_DETAIL)
        if name == "pname" and _prefix(node) in declared:
            local = str(node["localname"]) if "localname" in node else ""
            if _FUNCTION_IRI.match(declared[_prefix(node)] + local.replace("\\", "")):
                raise Refusal(403, "service-forbidden", _FUNCTION_DETAIL)
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
