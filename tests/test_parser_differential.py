"""The guard's promise (issue 24, C1): the text it judges and the text the store runs are
read alike. A corpus of lexical edge cases (line breaks of every kind, bare and escaped,
comments, glued keywords, prefixes in any script, case twins) goes through the guard; every
query it lets through is then read by rdflib and by pyoxigraph, each running the judged
text on the same small data, and the two must answer alike. A query the two read
differently must have been refused. Both engines point SERVICE and FROM at a listener on
loopback, which must catch nobody."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product
from typing import Any

import pytest
import rdflib
from pyoxigraph import Literal, NamedNode, Quad, Store

from service.errors import Refusal
from service.query.safety import check
from tests.test_security import Listener

# how the rest of a line may be hidden from one reader and live to the other
TERMINATORS = [
    "\r",
    "\n",
    "\r\n",
    "\n\r",
    "\\u000D",
    "\\u000d",
    "\\U0000000D",
    "\\u000A",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b",
    "\x0c",
    "",
]
# what stands before the hidden part: the end of a triple, a number, a boolean, a dot
BEFORE = ["?s ?p ?o ", "?s ?p 1", "?s ?p true", "?s ?p ?o .", "?s ?p <http://x/o>"]
# calls out, in the spellings the review found and their relatives
CALLS = [
    "SERVICE <{t}/x> { ?s ?p ?o }",
    "SERVICEab:x { ?s ?p ?o }",
    "SERVICE ab:x { ?s ?p ?o }",
    "sErViCeab:x { ?s ?p ?o }",
    "SERVICE:x { ?s ?p ?o }",
    "SERVICESILENT:x { ?s ?p ?o }",
    "SERVICE SILENT<{t}/x> { ?s ?p ?o }",
    "SERVICE€:x { ?s ?p ?o }",
    "SERVICEa·b:x { ?s ?p ?o }",
    "SERVICE、:x { ?s ?p ?o }",
    "SERVICE\u200c:x { ?s ?p ?o }",
    "SERVICE#c\n?e { ?s ?p ?o }",
    "\u017fERVICE ab:x { ?s ?p ?o }",
]
PREFIXES = (
    "PREFIX ab: <{t}/> PREFIX : <{t}/> PREFIX €: <{t}/> PREFIX a·b: <{t}/> "
    "PREFIX 、: <{t}/> PREFIX \u200c: <{t}/> "
)
# what a hidden part may change without calling out: the answer, so the two must agree
TAILS = [
    "FILTER(1 = 2)",
    "FILTER(isIRI(?o))",
    "FILTER(?o = 1)",
    "MINUS { ?s ?p true }",
    "OPTIONAL { ?s ?p ?x FILTER(?x = 1) }",
    'VALUES ?o { "a" 1 }',
    "BIND(?o AS ?z)",
    'FILTER(?o != "a"@en)',
]
FROMS = [
    "SELECT * {h}FROM <{t}/g> WHERE { ?s ?p ?o }",
    "SELECT * {h}FROMab:g WHERE { ?s ?p ?o }",
    "SELECT * {h}FROM NAMED€:g WHERE { ?s ?p ?o }",
    "SELECT * {h}fRoM:g WHERE { ?s ?p ?o }",
]


def corpus(target: str) -> Iterator[tuple[str, bool]]:
    """(query, calls out): every call and tail in every place, after a comment mark or
    not, behind every terminator."""
    prefixes = PREFIXES.replace("{t}", target)
    for before, mark, end in product(BEFORE, ("#", ""), TERMINATORS):
        hide = f"{mark}{end}"
        for call in CALLS:
            yield (
                f"{prefixes}SELECT * WHERE {{ {before} {hide}{call.replace('{t}', target)}\n}}",
                True,
            )
        for tail in TAILS:
            yield f"SELECT * WHERE {{ {before} {hide}{tail}\n}}", False
            yield f"SELECT * WHERE {{ {before}{hide}{tail}\n}}", False
    for query, end in product(FROMS, TERMINATORS):
        yield prefixes + query.replace("{h}", f"#{end}").replace("{t}", target), True
        yield prefixes + query.replace("{h}", "").replace("{t}", target), True
    for end in TERMINATORS:  # a comment ended early or late in the prologue and the form
        yield f"PREFIX ab: <http://x/> #{end}SELECT * WHERE {{ ?s ?p ?o }}\n", False
        yield f"ASK {{ ?s ?p ?o #{end}FILTER(1 = 2)\n}}", False
        yield f"SELECT * WHERE {{ ?s ?p ?o }} #{end}OFFSET 10\n", False
        yield f'SELECT * WHERE {{ ?s ?p ?o FILTER(?o != """x{end}y""") }}', False
        yield f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o #{end}FILTER(?o = 1)\n}}", False


def data() -> list[tuple[Any, Any, Any]]:
    s, p = "http://x/s", "http://x/p"
    return [
        (s, p, True),
        (s, p, 1),
        (s, p, NamedNode("http://x/o")),
        (s, p, "a"),
        (s, p, Literal("a", language="en")),
    ]


def oxigraph_store() -> Store:
    store = Store()
    for s, p, o in data():
        term = o if isinstance(o, NamedNode | Literal) else Literal(o)
        store.add(Quad(NamedNode(s), NamedNode(p), term))
    return store


def rdflib_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for s, p, o in data():
        if isinstance(o, NamedNode):
            term: rdflib.term.Node = rdflib.URIRef(o.value)
        elif isinstance(o, Literal):
            term = rdflib.Literal(o.value, lang=o.language)
        else:
            term = rdflib.Literal(o)
        graph.add((rdflib.URIRef(s), rdflib.URIRef(p), term))
    return graph


def oxigraph_reads(store: Store, text: str) -> Any:
    """Oxigraph's answer as comparable data: a bool, the sorted rows (each its bound
    values) or triples, or what went wrong."""
    try:
        answer = store.query(text)
        if type(answer).__name__ == "QueryBoolean":
            return bool(answer)
        if type(answer).__name__ == "QueryTriples":
            return sorted(" ".join(map(str, (t.subject, t.predicate, t.object))) for t in answer)
        names = [v.value for v in answer.variables]
        return sorted(
            sorted((n, str(solution[n])) for n in names if solution[n] is not None)
            for solution in answer
        )
    except SyntaxError:
        return "syntax error"
    except OSError as error:  # it tried to reach the network (answers are read lazily)
        return f"called out: {error}"


def rdflib_reads(graph: rdflib.Graph, text: str) -> Any:
    """rdflib's answer in the same shape."""
    try:
        answer = graph.query(text)
    except Exception as error:  # any failure to read is an answer here
        return f"rdflib error: {type(error).__name__}"
    if answer.type == "ASK":
        return bool(answer.askAnswer)
    if answer.type in ("CONSTRUCT", "DESCRIBE"):
        return sorted(" ".join(t.n3() for t in triple) for triple in answer)
    # bound values only: SELECT * names the variables of a FILTER too in rdflib, not in Oxigraph
    return sorted(sorted((str(n), v.n3()) for n, v in row.asdict().items()) for row in answer)


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


def test_the_guard_lets_through_only_what_both_parsers_read_alike(listener: Listener) -> None:
    """Every query of the corpus is refused, or answered alike by rdflib and Oxigraph from
    the text the guard judged; every call out is refused (a 403 or a 400, never passed to
    the sandbox); the honest queries of the corpus pass, and nobody is called."""
    store, graph = oxigraph_store(), rdflib_graph()
    for tail in TAILS:  # the engines agree on each tail read plainly: a difference is a reading
        plain = f"SELECT * WHERE {{ ?s ?p ?o {tail} }}"
        assert rdflib_reads(graph, plain) == oxigraph_reads(store, plain), tail
    differences, called, passed, honest_refused = [], [], 0, []
    queries = list(corpus(listener.url))
    for query, calls_out in queries:
        try:
            judged = check(query, 100_000)
        except Refusal as refusal:
            if not calls_out and refusal.kind in ("service-forbidden", "from-forbidden"):
                honest_refused.append((query, refusal.kind))
            continue
        if calls_out:
            called.append(query)
        passed += 1
        ours, theirs = rdflib_reads(graph, judged.text), oxigraph_reads(store, judged.text)
        if ours != theirs:
            differences.append((query, ours, theirs))
    assert listener.close() == []
    assert called == []
    assert differences == []
    assert honest_refused == []
    assert passed > len(queries) // 4, (passed, len(queries))  # the guard is no wall
