"""JSON-LD as the service writes it: compacted with the published @context, directly from
the triples (`Compactor`), or by pyld when the context uses what the compactor leaves to it."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from service.errors import Refusal
from service.vocab import VOCAB_DIR


@cache
def context() -> dict[str, Any]:
    """The published @context (vocab/context.jsonld), read once."""
    return json.loads((VOCAB_DIR / "context.jsonld").read_text(encoding="utf-8"))


def render_jsonld(triples: list[Triple], base: str) -> bytes:
    """Compacted with the published @context, which the document then refers to by URL.

    The context is our own, so its terms are read once and the document is compacted
    directly from the triples (~1 s for a 130k-triple catalog page, where pyld took ~10 s).
    A context using features that direct compaction does not handle is compacted by pyld."""
    direct = compactor()
    if direct is not None:
        try:
            return direct.document(triples, f"{base}context.jsonld")
        except Unsupported:
            pass
    return pyld_compacted(triples, base)


def pyld_compacted(triples: list[Triple], base: str) -> bytes:
    """The document as pyld compacts it: the fallback, and what the tests compare to."""
    from pyld import jsonld

    expanded = json.loads(serialize(triples, format=RdfFormat.JSON_LD))
    compacted = jsonld.compact(expanded, context(), options={"documentLoader": _no_fetch})
    compacted["@context"] = f"{base}context.jsonld"
    return json.dumps(compacted, ensure_ascii=False, indent=1).encode("utf-8")


def _no_fetch(url: str, options: dict | None = None) -> dict:
    """The service never fetches anything: only its own context resolves."""
    raise Refusal(500, "remote-context", f"refusing to fetch {url}")


class Unsupported(Exception):
    """The context or a term in the data needs a JSON-LD feature the compactor leaves to pyld."""


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
GEN_DELIMS = tuple(":/?#[]@")


class Compactor:
    """JSON-LD 1.1 compaction of RDF for a context of prefixes, the @id/@type aliases and
    term definitions with @id, @type (@id or a datatype) and @container @language.

    Each value goes under a term whose definition fits it exactly (an @id-typed term for an
    IRI, a datatype-typed term for a literal of that datatype, a language map for tagged
    strings, a plain term otherwise), else under the predicate's compact IRI; so expanding
    the document gives back exactly the triples."""

    def __init__(self, definitions: dict[str, Any]):
        self.aliases = {"@id": "@id", "@type": "@type"}
        simple: dict[str, str] = {}
        expanded: dict[str, dict[str, Any]] = {}
        for name, value in definitions.items():
            if name.startswith("@"):
                if name != "@version":
                    raise Unsupported(name)  # @vocab, @base, @language… change expansion
            elif isinstance(value, str) and value.startswith("@"):
                if value in self.aliases and self.aliases[value] == value:
                    self.aliases[value] = name
            elif isinstance(value, str):
                simple[name] = value
            elif (isinstance(value, dict) and set(value) <= {"@id", "@type", "@container"}) or (
                isinstance(value, dict) and _is_code_term(value)
            ):
                expanded[name] = value
            else:
                raise Unsupported(name)
        self.terms = set(definitions)
        # prefixes: simple terms whose IRI ends with a gen-delim (JSON-LD 1.1 §4.2.2)
        absolute = {n: v for n, v in simple.items() if ":" in v and not self._is_compact(v, simple)}
        self.prefix_of: dict[str, str] = {}
        for name, iri in sorted(absolute.items()):
            if iri.endswith(GEN_DELIMS) and ":" not in name and "/" not in name:
                self.prefix_of.setdefault(iri, name)
        self.prefixes = set(self.prefix_of.values())
        self._prefix_iris = tuple(sorted(self.prefix_of, key=len, reverse=True))

        def expand(value: str) -> str:
            prefix, colon, suffix = value.partition(":")
            if colon and prefix in absolute and not suffix.startswith("//"):
                return absolute[prefix] + suffix
            if colon:
                return value
            raise Unsupported(value)

        self.class_term: dict[str, str] = {}
        for name, value in sorted(simple.items()):
            if name not in absolute or absolute[name] not in self.prefix_of:
                self.class_term.setdefault(expand(value), name)
        self.iri_term: dict[str, str] = {}
        self.plain_term: dict[str, str] = {}
        self.typed_term: dict[tuple[str, str], str] = {}
        self.language_term: dict[str, str] = {}
        self.code_term: dict[str, tuple[str, str]] = {}  # predicate → (term, code base)
        for name, definition in sorted(expanded.items()):
            if "@id" not in definition:
                raise Unsupported(name)
            iri = expand(definition["@id"])
            kind = definition.get("@type")
            if "@context" in definition:  # a code term: its values are codes of one scheme
                self.code_term.setdefault(iri, (name, definition["@context"]["@vocab"]))
                continue
            container = definition.get("@container")
            if container is not None and (container != "@language" or kind is not None):
                raise Unsupported(name)
            if container == "@language":
                self.language_term.setdefault(iri, name)
            elif kind == "@id":
                self.iri_term.setdefault(iri, name)
            elif kind is None:
                self.plain_term.setdefault(iri, name)
            elif kind.startswith("@"):
                raise Unsupported(name)  # @vocab, @json, @none
            else:
                self.typed_term.setdefault((iri, expand(kind)), name)
        for name, value in simple.items():
            if name not in absolute or absolute[name] not in self.prefix_of:
                self.plain_term.setdefault(expand(value), name)
        self._keys: dict[str, str] = {}  # predicates and datatypes: a vocabulary's worth

    @staticmethod
    def _is_compact(value: str, simple: dict[str, str]) -> bool:
        return value.partition(":")[0] in simple

    def iri(self, value: str) -> str:
        """An IRI as an @id value: a compact IRI where a prefix fits, else the IRI itself."""
        found = value
        if value.startswith(self._prefix_iris):  # longest first
            for prefix_iri in self._prefix_iris:
                if not value.startswith(prefix_iri):
                    continue
                suffix = value[len(prefix_iri) :]
                candidate = f"{self.prefix_of[prefix_iri]}:{suffix}"
                if suffix and not suffix.startswith("//") and candidate not in self.terms:
                    found = candidate
                    break
        if found == value and value.partition(":")[0] in self.prefixes:
            raise Unsupported(value)  # the IRI would read as a compact IRI
        return found

    def code(self, value: str, base: str) -> str:
        """A concept IRI as the value of its code term: the bare code (2010301), as
        expanding it against the term's scoped @vocab gives back (JSON-LD 1.1 §4.1.2); a
        code that reads as a term, a compact IRI or an IRI keeps its compact IRI."""
        code = value[len(base) :] if value.startswith(base) else ""
        if code and code not in self.terms and ":" not in code and "/" not in code:
            return code
        return self.iri(value)

    def vocab(self, value: str) -> str:
        """An IRI as a key, type or datatype: its term where it has a plain one, else iri()."""
        found = self._keys.get(value)
        if found is None:
            found = self.iri(value)
            self._keys[value] = found
        return found

    def node(self, subject: str, triples: list[Triple]) -> dict[str, Any]:
        """One subject's triples as a compacted JSON-LD node: the context's terms and aliases,
        literals and links in the context's own shapes.
        """
        id_key, type_key = self.aliases["@id"], self.aliases["@type"]
        types: list[str] = []
        properties: dict[str, Any] = {}
        for triple in triples:
            p = triple.predicate.value
            target = triple.object
            if isinstance(target, Literal):
                key, value = self._literal(p, target)
            elif p == RDF_TYPE:
                term = target.value if isinstance(target, NamedNode) else f"_:{target.value}"
                types.append(self.class_term.get(term) or self.iri(term))
                continue
            elif isinstance(target, (NamedNode, BlankNode)):
                term = target.value if isinstance(target, NamedNode) else f"_:{target.value}"
                coded = self.code_term.get(p)
                if coded is not None and isinstance(target, NamedNode):
                    key, value = coded[0], self.code(term, coded[1])
                    properties[key] = _added(properties.get(key), value)
                    continue
                key = self.iri_term.get(p)
                if key is not None:
                    value = self.iri(term)
                else:
                    key = self.plain_term.get(p) or self.vocab(p)
                    value = {id_key: self.iri(term)}
            else:
                raise Unsupported("triple term")
            if key is None:  # a language map
                key, language, text = value
                languages = properties.setdefault(key, {})
                present = languages.get(language)
                if present is None:
                    languages[language] = text
                elif isinstance(present, list):
                    present.append(text)
                else:
                    languages[language] = [present, text]
                continue
            present = properties.get(key)
            if present is None:
                properties[key] = value
            elif isinstance(present, list) and not isinstance(value, list):
                present.append(value)
            else:
                properties[key] = [present, value]
        result: dict[str, Any] = {id_key: subject}
        if types:
            result[type_key] = types[0] if len(types) == 1 else types
        for key in sorted(properties):
            result[key] = properties[key]
        return result

    def _literal(self, p: str, literal: Literal) -> tuple[str | None, Any]:
        if getattr(literal, "direction", None):
            raise Unsupported("directional literal")
        language = literal.language
        if language:
            term = self.language_term.get(p)
            if term is not None:
                return None, (term, language, literal.value)
            key = self.plain_term.get(p) or self.vocab(p)
            return key, {"@value": literal.value, "@language": language}
        datatype = literal.datatype.value
        typed = self.typed_term.get((p, datatype))
        if typed is not None:
            return typed, literal.value
        key = self.plain_term.get(p) or self.vocab(p)
        if datatype == XSD_STRING:
            return key, literal.value
        return key, {"@value": literal.value, "@type": self.vocab(datatype)}

    def document(self, triples: list[Triple], context_url: str) -> bytes:
        """A compacted JSON-LD document of `triples`, a node for each subject, the context
        referenced by `context_url`.
        """
        by_subject: dict[str, list[Triple]] = {}  # IRIs have a colon, blank node ids do not
        for triple in triples:
            value = triple.subject.value
            group = by_subject.get(value)
            if group is None:
                by_subject[value] = [triple]
            else:
                group.append(triple)
        nodes = []
        for value, group in by_subject.items():
            subject = group[0].subject
            if isinstance(subject, NamedNode):
                nodes.append((value, group))
            elif isinstance(subject, BlankNode):
                nodes.append((f"_:{value}", group))
            else:
                raise Unsupported("triple term as subject")
        nodes.sort(key=lambda item: item[0])
        compacted = [self.node(self.iri(name), group) for name, group in nodes]
        if len(compacted) == 1:
            document = {"@context": context_url, **compacted[0]}
            return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
        head = json.dumps({"@context": context_url}, ensure_ascii=False)[:-1]
        body = ",\n".join(json.dumps(node, ensure_ascii=False) for node in compacted)
        return f'{head},\n "@graph": [\n{body}\n ]\n}}\n'.encode()


def _is_code_term(definition: dict[str, Any]) -> bool:
    """{"@id": …, "@type": "@vocab", "@context": {"@vocab": <code base>}}: a property whose
    values are the codes of one scheme, written bare."""
    scoped = definition.get("@context")
    return (
        set(definition) == {"@id", "@type", "@context"}
        and definition["@type"] == "@vocab"
        and isinstance(scoped, dict)
        and set(scoped) == {"@vocab"}
        and isinstance(scoped["@vocab"], str)
    )


def _added(present: Any, value: Any) -> Any:
    if present is None:
        return value
    if isinstance(present, list):
        present.append(value)
        return present
    return [present, value]


@cache
def compactor() -> Compactor | None:
    """The compactor of the published context, or None when it needs pyld."""
    try:
        return Compactor(context()["@context"])
    except Unsupported:
        return None
