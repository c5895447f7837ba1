"""The DCAT-AP catalog node, its publisher and contact point, the datasets' release dates,
and literals tagged with the language they are written in.

The catalog's publisher is whoever runs the site, not the software: an organisation named by
BUDGETPUB_PUBLISHER_NAME (with BUDGETPUB_PUBLISHER_URL and BUDGETPUB_PUBLISHER_EMAIL, which
also make the dcat:contactPoint of the catalog and of every dataset), read when the catalog
is built. Each department's dataset is published by its department (dcat.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Triple

from service.rdf.released import Released
from service.rdf.terms import DCAT, DCT, FOAF, RDF, VCARD, XSD, Minter, text, triples, zh

DEFAULT_PUBLISHER = "部门预算开放数据"  # said until BUDGETPUB_PUBLISHER_NAME is set
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
# where the English half of a bilingual text starts: "…开放数据。 Department budget…"
ENGLISH_PART = re.compile(r"\s(?=[A-Z][a-z]+ [A-Za-z0-9])")


@dataclass(frozen=True)
class Publisher:
    name: str
    url: str | None
    email: str | None


def publisher_from_env() -> Publisher:
    """The site's publisher from BUDGETPUB_PUBLISHER_NAME, _URL and _EMAIL (a mailto: prefix
    dropped), the default name when unset."""
    return Publisher(
        os.environ.get("BUDGETPUB_PUBLISHER_NAME") or DEFAULT_PUBLISHER,
        os.environ.get("BUDGETPUB_PUBLISHER_URL") or None,
        (os.environ.get("BUDGETPUB_PUBLISHER_EMAIL") or "").removeprefix("mailto:") or None,
    )


def tagged(value: str) -> Literal:
    """Chinese @zh, other words @en, figures alone (a year) untagged."""
    if CJK.search(value):
        return zh(value)
    return text(value, "en") if LATIN.search(value) else text(value)


def in_languages(value: str) -> list[Literal]:
    """A text written in Chinese then English ("…的开放数据。 Department budget 2024 of …")
    as one literal per language; anything else as tagged() says."""
    if CJK.search(value):
        for split in ENGLISH_PART.finditer(value):
            before, after = value[: split.start()].strip(), value[split.end() :].strip()
            if CJK.search(before):
                return [zh(before), text(after, "en")]
    return [tagged(value)]


def date_time(value: str) -> Literal:
    """An xsd:dateTime literal (issued and modified dates)."""
    return Literal(value, datatype=XSD.dateTime)


def publisher_triples(minter: Minter, publisher: Publisher) -> Iterator[Triple]:
    """The site's publisher (foaf:Organization) and its contact point (vcard:Organization)."""
    node = minter.node("publisher")
    yield Triple(node, RDF.type, FOAF.Organization)
    yield Triple(node, RDF.type, FOAF.Agent)
    yield Triple(node, FOAF.name, tagged(publisher.name))
    homepage = NamedNode(publisher.url or minter.base)
    yield Triple(node, FOAF.homepage, homepage)
    yield Triple(homepage, RDF.type, FOAF.Document)
    contact = contact_point(minter)
    yield Triple(contact, RDF.type, VCARD.Organization)
    yield Triple(contact, RDF.type, VCARD.Kind)
    yield Triple(contact, VCARD.fn, tagged(publisher.name))
    yield Triple(contact, VCARD.hasURL, homepage)
    if publisher.email:
        mailbox = NamedNode(f"mailto:{publisher.email}")
        yield Triple(node, FOAF.mbox, mailbox)
        yield Triple(contact, VCARD.hasEmail, mailbox)


def contact_point(minter: Minter) -> NamedNode:
    """The IRI of the publisher's contact point, which the catalog and every dataset name."""
    return minter.node("publisher/contact")


def catalog(
    minter: Minter,
    slugs: list[str],
    released: dict[str, Released] | None = None,
    publisher: Publisher | None = None,
) -> Iterator[Triple]:
    """The DCAT catalog: its titles, publisher, licence and shared nodes, each dataset in `slugs`
    with its issued and modified dates from `released`."""
    from service.rdf.dcat import LICENSE, common, eu_language

    node = minter.catalog()
    yield Triple(node, RDF.type, DCAT.Catalog)
    yield Triple(node, DCT.title, zh("budgetpub 部门预算开放数据目录"))
    yield Triple(node, DCT.title, text("Catalog of department budgets (budgetpub)", "en"))
    yield Triple(
        node, DCT.description, zh("各部门预算公开文件转换而成的开放数据：数据包、CSV 与关联数据。")
    )
    yield Triple(
        node,
        DCT.description,
        text(
            "Open data from Chinese department budget disclosures: Frictionless data packages, "
            "CSV and RDF Data Cube.",
            "en",
        ),
    )
    yield Triple(node, DCT.publisher, minter.node("publisher"))
    yield Triple(node, DCAT.contactPoint, contact_point(minter))
    yield from publisher_triples(minter, publisher or publisher_from_env())
    yield Triple(node, DCT.language, eu_language())
    yield Triple(node, DCT.license, LICENSE)
    yield Triple(node, FOAF.homepage, NamedNode(minter.base))
    yield Triple(NamedNode(minter.base), RDF.type, FOAF.Document)
    yield from triples(common())
    dates = released or {}
    if dates:
        yield Triple(node, DCT.issued, date_time(min(d.issued for d in dates.values())))
        yield Triple(node, DCT.modified, date_time(max(d.modified for d in dates.values())))
    for slug in slugs:
        dataset = minter.dataset(slug)
        yield Triple(node, DCAT.dataset, dataset)
        yield Triple(dataset, DCAT.contactPoint, contact_point(minter))
        if slug in dates:
            yield Triple(dataset, DCT.issued, date_time(dates[slug].issued))
            yield Triple(dataset, DCT.modified, date_time(dates[slug].modified))
