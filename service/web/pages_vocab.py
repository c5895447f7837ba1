"""The vocabulary page (/def): every class and property of the budget vocabulary with its
Chinese and English label and comment, the Data Cube structure every table shares, and the
code lists, so a reader can learn the model without reading Turtle."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import render_template
from pyoxigraph import Literal, NamedNode, Triple

from service.web.iri_description import ONTOLOGY
from service.web.pages_common import local_url, short
from service.web.site import site

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
QB = "http://purl.org/linked-data/cube#"
DCT = "http://purl.org/dc/terms/"
CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
PROPERTY_KINDS = [  # most specific first: a dimension is also an rdf:Property
    (QB + "DimensionProperty", "dimension", "维度 Dimension"),
    (QB + "MeasureProperty", "measure", "度量 Measure"),
    (QB + "AttributeProperty", "attribute", "属性 Attribute"),
    (OWL + "ObjectProperty", "object", "对象属性 Object property"),
    (OWL + "DatatypeProperty", "datatype", "数据属性 Datatype property"),
    (RDF + "Property", "property", "属性 Property"),
]
COMPONENT_ROLES = {
    QB + "dimension": "维度 dimension",
    QB + "measure": "度量 measure",
    QB + "attribute": "属性 attribute",
}

SCHEMES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?scheme (SAMPLE(?zh) AS ?zhLabel) (SAMPLE(?en) AS ?enLabel)
       (SAMPLE(?czh) AS ?zhComment) (SAMPLE(?cen) AS ?enComment) (COUNT(DISTINCT ?c) AS ?concepts)
WHERE {
  ?scheme a skos:ConceptScheme .
  OPTIONAL { ?scheme skos:prefLabel ?zh FILTER(LANGMATCHES(LANG(?zh), "zh")) }
  OPTIONAL { ?scheme skos:prefLabel ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
  OPTIONAL { ?scheme rdfs:comment ?czh FILTER(LANGMATCHES(LANG(?czh), "zh")) }
  OPTIONAL { ?scheme rdfs:comment ?cen FILTER(LANGMATCHES(LANG(?cen), "en")) }
  OPTIONAL { ?c skos:inScheme ?scheme }
} GROUP BY ?scheme ORDER BY ?scheme
"""


def is_vocabulary(iri: str) -> bool:
    """Whether an IRI is the vocabulary's (the vocabulary page draws it)."""
    return iri == ONTOLOGY


class Index:
    """The vocabulary's triples by subject and predicate: the page reads them many times."""

    def __init__(self, triples: list[Triple]):
        self.by: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            self.by[t.subject.value][t.predicate.value].append(t.object)

    def text(self, subject: str, predicate: str) -> dict[str, str]:
        """A subject's literal values of `predicate` by language ("" for none), the first of each."""
        found: dict[str, str] = {}
        for value in self.by.get(subject, {}).get(predicate, []):
            if isinstance(value, Literal):
                found.setdefault(value.language or "", value.value)
        return found

    def links(self, subject: str, predicate: str) -> list[dict[str, str]]:
        """A subject's IRI values of `predicate` as links (local where the service answers them)."""
        return [
            {"href": local_url(v.value) or v.value, "text": short(v.value)}
            for v in self.by.get(subject, {}).get(predicate, [])
            if isinstance(v, NamedNode)
        ]

    def types(self, subject: str) -> set[str]:
        """A subject's rdf:type IRIs."""
        return {v.value for v in self.by.get(subject, {}).get(RDF + "type", [])}

    def term(self, subject: str) -> dict[str, Any]:
        """One term as the vocabulary page shows it: IRI, name, Chinese and English labels and
        comments.
        """
        label = self.text(subject, RDFS + "label")
        comment = self.text(subject, RDFS + "comment")
        return {
            "iri": subject,
            "id": subject.rsplit("#", 1)[-1],
            "name": short(subject),
            "zh": label.get("zh") or label.get(""),
            "en": label.get("en", ""),
            "comment_zh": comment.get("zh") or comment.get(""),
            "comment_en": comment.get("en", ""),
        }


PUBLISHED_TABLES = ONTOLOGY + "#dsd-budget"


def _component_names(index: Index, specs: list[str]) -> list[dict[str, str]]:
    """The properties of a structure's components, in their qb:order."""
    found = []
    for spec in specs:
        fields = index.by.get(spec, {})
        target = next((fields[p][0].value for p in COMPONENT_ROLES if fields.get(p)), "")
        number = fields.get(QB + "order", [])
        found.append((int(number[0].value) if number else 999, target))
    return [  # a term of this vocabulary links to its row on this page
        {
            "href": f"#{target.rsplit('#', 1)[-1]}" if target.startswith(ONTOLOGY) else target,
            "text": short(target),
        }
        for _, target in sorted(found)
        if target
    ]


def vocabulary(triples: list[Triple]) -> dict[str, Any]:
    """The vocabulary's terms grouped as its page shows them: classes, properties, structures and
    others.
    """
    index = Index(triples)
    terms = sorted(s for s in index.by if s.startswith(ONTOLOGY + "#"))
    classes, properties, structures, analyses, others = [], [], [], [], []
    specs = set()
    for subject in terms:
        types = index.types(subject)
        entry = index.term(subject)
        if types & CLASS_TYPES:
            entry["parents"] = index.links(subject, RDFS + "subClassOf")
            classes.append(entry)
        elif kind := next((k for k in PROPERTY_KINDS if k[0] in types), None):
            entry.update(
                kind=kind[1],
                kind_label=kind[2],
                range=index.links(subject, RDFS + "range"),
                code_list=index.links(subject, QB + "codeList"),
                parents=index.links(subject, RDFS + "subPropertyOf"),
            )
            properties.append(entry)
        elif QB + "DataStructureDefinition" in types:
            own = [v.value for v in index.by[subject].get(QB + "component", [])]
            if subject == PUBLISHED_TABLES:  # the table of components is the published tables'
                structures.insert(0, entry)
                specs.update(own)
            else:  # an analysis data set's: its components named in order
                entry["components"] = _component_names(index, own)
                analyses.append(entry)
        elif QB + "ComponentSpecification" not in types:
            others.append(entry)
    order = {kind: number for number, (_iri, kind, _label) in enumerate(PROPERTY_KINDS)}
    properties.sort(key=lambda p: (order[p["kind"]], p["name"]))
    labels = {p["iri"]: p for p in properties}
    components = []
    for spec in specs:
        fields = index.by.get(spec, {})
        role, target = next(
            ((COMPONENT_ROLES[p], fields[p][0].value) for p in COMPONENT_ROLES if fields.get(p)),
            ("", ""),
        )
        number = fields.get(QB + "order", [])
        attachment = fields.get(QB + "componentAttachment", [])
        prop = labels.get(target, {"zh": "", "en": "", "code_list": []})
        components.append(
            {
                "order": int(number[0].value) if number else 999,
                "role": role,
                "property": short(target),
                "href": f"#{target.rsplit('#', 1)[-1]}" if target.startswith(ONTOLOGY) else target,
                "zh": prop["zh"],
                "en": prop["en"],
                "code_list": prop["code_list"],
                "attachment": short(attachment[0].value) if attachment else "",
            }
        )
    components.sort(key=lambda c: c["order"])
    header_title = index.text(ONTOLOGY, DCT + "title")
    header_description = index.text(ONTOLOGY, DCT + "description")
    return {
        "title": header_title,
        "description": header_description,
        "version": next((v.value for v in index.by[ONTOLOGY].get(OWL + "versionInfo", [])), ""),
        "license": index.links(ONTOLOGY, DCT + "license"),
        "classes": classes,
        "properties": properties,
        "structures": structures,
        "components": components,
        "analysis_structures": analyses,
        "others": others,
    }


def code_lists() -> list[dict[str, Any]]:
    """Every code list in the store with its labels, for the vocabulary page."""
    found = []
    for s in site().store().query(SCHEMES):
        iri = s["scheme"].value
        found.append(
            {
                "iri": iri,
                "href": local_url(iri) or iri,
                "zh": s["zhLabel"].value if s["zhLabel"] else "",
                "en": s["enLabel"].value if s["enLabel"] else "",
                "comment_zh": s["zhComment"].value if s["zhComment"] else "",
                "comment_en": s["enComment"].value if s["enComment"] else "",
                "concepts": int(s["concepts"].value),
            }
        )
    return found


def vocabulary_page(iri: str, triples: list[Triple]) -> str:
    """The vocabulary's page: its terms and code lists."""
    return render_template("vocabulary.html", iri=iri, v=vocabulary(triples), schemes=code_lists())
