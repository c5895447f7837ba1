"""What the service says about an IRI: its triples, and those of the nodes it owns."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Store, Triple

from service.rdf.terms import QB, RDF

ONTOLOGY = "https://w3id.org/budgetpub/def"


BYTE_SIZE = NamedNode("http://www.w3.org/ns/dcat#byteSize")
NON_NEGATIVE = NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")


def subject_triples(store: Store, iri: str) -> list[Triple]:
    """The triples about `iri` in the store (those it is the subject of)."""
    return [_restore(q.triple) for q in store.quads_for_pattern(NamedNode(iri), None, None, None)]


def _restore(triple: Triple) -> Triple:
    """Oxigraph stores integer subtypes as xsd:integer; DCAT-AP wants dcat:byteSize typed
    xsd:nonNegativeInteger as the build wrote it, so the datatype is put back."""
    if triple.predicate == BYTE_SIZE and isinstance(triple.object, Literal):
        return Triple(
            triple.subject, triple.predicate, Literal(triple.object.value, datatype=NON_NEGATIVE)
        )
    return triple


def describe(store: Store, iri: str) -> list[Triple]:
    """The IRI's own triples, one hop into nodes minted under it (periods, distributions…),
    and for a qb:DataSet its observations. Empty when the store does not know the IRI."""
    triples = subject_triples(store, iri)
    if not triples:
        return []
    owned = {
        t.object.value
        for t in triples
        if isinstance(t.object, NamedNode) and t.object.value.startswith((iri + "/", iri + "#"))
    }
    for node in sorted(owned):
        triples.extend(subject_triples(store, node))
    if any(t.predicate == RDF.type and t.object == QB.DataSet for t in triples):
        for quad in store.quads_for_pattern(None, QB.dataSet, NamedNode(iri), None):
            triples.extend(subject_triples(store, quad.subject.value))
    return triples


def describe_vocabulary(store: Store) -> list[Triple]:
    """The ontology and every term it defines (their IRIs share the #-namespace)."""
    query = f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o
        FILTER(STR(?s) = "{ONTOLOGY}" || STRSTARTS(STR(?s), "{ONTOLOGY}#")) }}"""
    return list(store.query(query))


def describe_scheme(store: Store, iri: str) -> list[Triple]:
    """A code list described: its own triples and every concept in it with theirs; none when the
    store has no such scheme.
    """
    triples = subject_triples(store, iri)
    if not triples:
        return []
    query = f"""CONSTRUCT {{ ?c ?p ?o }} WHERE {{
        ?c <http://www.w3.org/2004/02/skos/core#inScheme> <{iri}> ; ?p ?o }}"""
    return triples + list(store.query(query))
