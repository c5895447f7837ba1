"""The W3C Data Cube well-formedness rules: normalisation, then IC-1 … IC-21 as ASK queries.

Queries are those of https://www.w3.org/TR/vocab-data-cube/#wf-rules; an ASK that answers
true is a violation. IC-20 and IC-21 are templates over each qb:parentChildProperty.
"""

from __future__ import annotations

from pyoxigraph import Store

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

NORMALISE_PHASE_1 = """
INSERT { ?o rdf:type qb:Observation } WHERE { [] qb:observation ?o } ;
INSERT { ?o rdf:type qb:Observation } WHERE { ?o qb:dataSet [] } ;
INSERT { ?s rdf:type qb:Slice } WHERE { [] qb:slice ?s } ;
INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:DimensionProperty }
  WHERE { ?cs qb:dimension ?p } ;
INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:MeasureProperty }
  WHERE { ?cs qb:measure ?p } ;
INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:AttributeProperty }
  WHERE { ?cs qb:attribute ?p }
"""
NORMALISE_PHASE_2 = """
INSERT { ?obs ?comp ?value } WHERE {
  ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:DataSet .
  ?dataset qb:structure [ qb:component ?spec ] ; ?comp ?value .
  ?obs qb:dataSet ?dataset } ;
INSERT { ?obs ?comp ?value } WHERE {
  ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:Slice .
  ?dataset qb:structure [ qb:component ?spec ] ; qb:slice ?slice .
  ?slice ?comp ?value ; qb:observation ?obs } ;
INSERT { ?obs ?comp ?value } WHERE {
  ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:MeasureProperty .
  ?dataset qb:structure [ qb:component ?spec ] .
  ?obs qb:dataSet ?dataset ; ?measure ?value .
  ?measure a qb:MeasureProperty ; ?comp ?value }
"""

CONSTRAINTS: dict[str, str] = {
    "IC-1": """ASK { { ?obs a qb:Observation . FILTER NOT EXISTS { ?obs qb:dataSet ?dataset1 . } }
      UNION { ?obs a qb:Observation ; qb:dataSet ?dataset1, ?dataset2 .
              FILTER (?dataset1 != ?dataset2) } }""",
    "IC-2": """ASK { { ?dataset a qb:DataSet . FILTER NOT EXISTS { ?dataset qb:structure ?dsd . } }
      UNION { ?dataset a qb:DataSet ; qb:structure ?dsd1, ?dsd2 . FILTER (?dsd1 != ?dsd2) } }""",
    "IC-3": """ASK { ?dsd a qb:DataStructureDefinition .
      FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty [ a qb:MeasureProperty ] ] } }""",
    "IC-4": """ASK { ?dim a qb:DimensionProperty . FILTER NOT EXISTS { ?dim rdfs:range [] } }""",
    "IC-5": """ASK { ?dim a qb:DimensionProperty ; rdfs:range skos:Concept .
      FILTER NOT EXISTS { ?dim qb:codeList [] } }""",
    "IC-6": """ASK { ?dsd qb:component ?componentSpec .
      ?componentSpec qb:componentRequired "false"^^xsd:boolean ; qb:componentProperty ?component .
      FILTER NOT EXISTS { ?component a qb:AttributeProperty } }""",
    "IC-7": """ASK { ?sliceKey a qb:SliceKey .
      FILTER NOT EXISTS { [ a qb:DataStructureDefinition ] qb:sliceKey ?sliceKey } }""",
    "IC-8": """ASK { ?slicekey a qb:SliceKey ; qb:componentProperty ?prop .
      ?dsd qb:sliceKey ?slicekey .
      FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty ?prop ] } }""",
    "IC-9": """ASK { { ?slice a qb:Slice . FILTER NOT EXISTS { ?slice qb:sliceStructure ?key } }
      UNION { ?slice a qb:Slice ; qb:sliceStructure ?key1, ?key2 . FILTER (?key1 != ?key2) } }""",
    "IC-10": """ASK { ?slice qb:sliceStructure [ qb:componentProperty ?dim ] .
      FILTER NOT EXISTS { ?slice ?dim [] } }""",
    "IC-11": """ASK { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
      ?dim a qb:DimensionProperty . FILTER NOT EXISTS { ?obs ?dim [] } }""",
    "IC-12": """ASK { FILTER (?allEqual) {
      SELECT (MIN(?equal) AS ?allEqual) WHERE {
        ?obs1 qb:dataSet ?dataset . ?obs2 qb:dataSet ?dataset . FILTER (?obs1 != ?obs2)
        ?dataset qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty .
        ?obs1 ?dim ?value1 . ?obs2 ?dim ?value2 .
        BIND (?value1 = ?value2 AS ?equal)
      } GROUP BY ?obs1 ?obs2 } }""",
    "IC-13": """ASK { ?obs qb:dataSet/qb:structure/qb:component ?component .
      ?component qb:componentRequired "true"^^xsd:boolean ; qb:componentProperty ?attr .
      FILTER NOT EXISTS { ?obs ?attr [] } }""",
    "IC-14": """ASK { ?obs qb:dataSet/qb:structure ?dsd .
      FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty qb:measureType }
      ?dsd qb:component/qb:componentProperty ?measure . ?measure a qb:MeasureProperty .
      FILTER NOT EXISTS { ?obs ?measure [] } }""",
    "IC-15": """ASK { ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure .
      ?dsd qb:component/qb:componentProperty qb:measureType .
      FILTER NOT EXISTS { ?obs ?measure [] } }""",
    "IC-16": """ASK { ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?measure ; ?omeasure [] .
      ?dsd qb:component/qb:componentProperty qb:measureType ;
           qb:component/qb:componentProperty ?omeasure .
      ?omeasure a qb:MeasureProperty . FILTER (?omeasure != ?measure) }""",
    "IC-17": """ASK { { SELECT ?numMeasures (COUNT(?obs2) AS ?count) WHERE {
        { SELECT ?dsd (COUNT(?m) AS ?numMeasures) WHERE {
            ?dsd qb:component/qb:componentProperty ?m . ?m a qb:MeasureProperty . }
          GROUP BY ?dsd }
        ?obs1 qb:dataSet/qb:structure ?dsd ; qb:dataSet ?dataset ; qb:measureType ?m1 .
        ?obs2 qb:dataSet ?dataset ; qb:measureType ?m2 .
        FILTER NOT EXISTS {
          ?dsd qb:component/qb:componentProperty ?dim . FILTER (?dim != qb:measureType)
          ?dim a qb:DimensionProperty . ?obs1 ?dim ?v1 . ?obs2 ?dim ?v2 . FILTER (?v1 != ?v2) }
      } GROUP BY ?obs1 ?numMeasures HAVING (?count != ?numMeasures) } }""",
    "IC-18": """ASK { ?dataset qb:slice ?slice . ?slice qb:observation ?obs .
      FILTER NOT EXISTS { ?obs qb:dataSet ?dataset . } }""",
    "IC-19": """ASK { { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a skos:ConceptScheme .
        ?obs ?dim ?v . FILTER NOT EXISTS { ?v a skos:Concept ; skos:inScheme ?list } }
      UNION { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a skos:Collection .
        ?obs ?dim ?v . FILTER NOT EXISTS { ?v a skos:Concept . ?list skos:member+ ?v } } }""",
}
HIERARCHY_TEMPLATES = {
    "IC-20": """ASK { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
      ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a qb:HierarchicalCodeList ;
      qb:parentChildProperty <{p}> . ?obs ?dim ?v .
      FILTER NOT EXISTS { ?list qb:hierarchyRoot/<{p}>* ?v } }""",
    "IC-21": """ASK { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
      ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a qb:HierarchicalCodeList ;
      qb:parentChildProperty [ owl:inverseOf <{p}> ] . ?obs ?dim ?v .
      FILTER NOT EXISTS { ?list qb:hierarchyRoot/(^<{p}>)* ?v } }""",
}


def normalise(store: Store) -> None:
    """Apply the Data Cube normalisation (phases 1 and 2) to `store`, so the IC queries see the
    implied types and attachments."""
    store.update(PREFIXES + NORMALISE_PHASE_1)
    store.update(PREFIXES + NORMALISE_PHASE_2)


def violations(store: Store) -> list[str]:
    """Names of the constraints the (normalised, default-graph) data violates."""
    broken = [name for name, query in CONSTRAINTS.items() if store.query(PREFIXES + query)]
    properties = [
        row[0].value
        for row in store.query(
            PREFIXES + "SELECT DISTINCT ?p WHERE { ?l qb:parentChildProperty ?p FILTER isIRI(?p) }"
        )
    ]
    owl = "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
    for name, template in HIERARCHY_TEMPLATES.items():
        if any(bool(store.query(PREFIXES + owl + template.replace("{p}", p))) for p in properties):
            broken.append(name)
    return broken
