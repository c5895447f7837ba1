"""The national classifications' code lists by year (issue 14, decision 7), the years linked.

政府收支分类科目 is revised every year (codes added, renamed, retired), and a document uses the
edition of its fiscal year. A concept keeps one IRI across the years (code/functional/2010301:
observations and links stay stable); what is versioned is the list: code/<scheme>/version/<year>
is that year's version of the scheme (dct:isVersionOf it, the scheme dct:hasVersion it), a
skos:Collection whose members are the codes the documents of that fiscal year print
(skos:member, stated by each document: describe.codes). Each version prov:wasRevisionOf the
version of the year before in the build, which dct:isReplacedBy it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyoxigraph import NamedNode, Triple

from service import vocab
from service.rdf.terms import DCT, OWL, PROV, RDF, RDFS, SKOS, text

VERSIONED = ("functional", "economic-departmental", "economic-government")


def scheme_node(scheme: str) -> NamedNode:
    """A code list's IRI (the scheme every year's version is a version of)."""
    return NamedNode(f"{vocab.CODE}{scheme}")


def version_node(scheme: str, year: int | str) -> NamedNode:
    """The IRI of a code list's version of one fiscal year."""
    return NamedNode(f"{vocab.CODE}{scheme}/version/{int(year)}")


def versions(years: Iterable[int]) -> Iterator[Triple]:
    """Each versioned code list's version of every fiscal year in the build, described and
    linked to the year before and after (these depend on every package: the catalog dump)."""
    ordered = sorted(set(years))
    for scheme in VERSIONED:
        names = vocab.scheme_labels(scheme)
        for index, year in enumerate(ordered):
            node = version_node(scheme, year)
            yield Triple(node, RDF.type, SKOS.Collection)
            yield Triple(node, DCT.isVersionOf, scheme_node(scheme))
            yield Triple(scheme_node(scheme), DCT.hasVersion, node)
            yield Triple(node, OWL.versionInfo, text(str(year)))
            yield Triple(node, SKOS.prefLabel, text(f"{names['zh']}（{year}年）", "zh"))
            yield Triple(node, SKOS.prefLabel, text(f"{names['en']}, {year}", "en"))
            yield Triple(
                node,
                RDFS.comment,
                text(f"{year}年预算公开文件所印的{names['zh']}编码。", "zh"),
            )
            yield Triple(
                node,
                RDFS.comment,
                text(
                    f"The codes of the {names['en']} that budget documents of {year} print.", "en"
                ),
            )
            if index:
                before = version_node(scheme, ordered[index - 1])
                yield Triple(node, PROV.wasRevisionOf, before)
                yield Triple(before, DCT.isReplacedBy, node)
