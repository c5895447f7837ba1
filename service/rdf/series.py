"""DCAT across packages: a dcat:DatasetSeries per department over its years, and the
combined yearly packages as datasets of their own; and the code lists' versions of those
years (versions.py).

These triples depend on several packages, so they go in the catalog dump, which every build
recomputes, while each package's own dump is reused as long as the package is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pyoxigraph import NamedNode, Triple

from service.rdf import dcat
from service.rdf.source import PackageData
from service.rdf.terms import BP, DCAT, DCT, FOAF, PROV, RDF, Minter, date, text, triples, year, zh
from service.rdf.versions import versions


@dataclass(frozen=True)
class Yearly:
    """What the series need to know of one converted department package."""

    slug: str
    department: str
    fiscal_year: int


def series_node(minter: Minter, department: str) -> NamedNode:
    """The IRI of a department's budget series (its datasets over the years)."""
    return NamedNode(f"{minter.organization(department).value}/budget-series")


def series(minter: Minter, packages: Iterable[Yearly]) -> Iterator[Triple]:
    """One series per department, its datasets in year order (dcat:first/last, prev)."""
    by_department: dict[str, list[Yearly]] = {}
    for package in packages:
        by_department.setdefault(package.department, []).append(package)
    for department, members in sorted(by_department.items()):
        members.sort(key=lambda p: (p.fiscal_year, p.slug))
        node = series_node(minter, department)
        org = minter.organization(department)
        period = NamedNode(f"{node.value}/period")
        first, last = members[0].fiscal_year, members[-1].fiscal_year
        years = f"{first}–{last}" if first != last else str(first)
        yield Triple(node, RDF.type, DCAT.DatasetSeries)
        yield Triple(node, DCT.title, zh(f"{department} 部门预算（{years}年）"))
        yield Triple(node, DCT.title, text(f"Department budgets of {department}, {years}", "en"))
        yield Triple(
            node,
            DCT.description,
            zh(f"{department}历年部门预算公开的开放数据，每年一个数据集。"),
        )
        yield Triple(
            node,
            DCT.description,
            text(f"The yearly budget datasets of {department}, one per fiscal year.", "en"),
        )
        yield Triple(node, DCT.publisher, org)
        yield Triple(org, RDF.type, FOAF.Agent)
        yield Triple(org, RDF.type, FOAF.Organization)  # a department: the dataset's publisher
        yield Triple(org, FOAF.name, zh(department))
        yield Triple(node, DCT.temporal, period)
        yield Triple(period, RDF.type, DCT.PeriodOfTime)
        yield Triple(period, DCAT.startDate, date(f"{first}-01-01"))
        yield Triple(period, DCAT.endDate, date(f"{last}-12-31"))
        yield Triple(node, DCAT.first, minter.dataset(members[0].slug))
        yield Triple(node, DCAT.last, minter.dataset(members[-1].slug))
        previous: NamedNode | None = None
        for member in members:
            dataset = minter.dataset(member.slug)
            yield Triple(dataset, DCAT.inSeries, node)
            if previous is not None:
                yield Triple(dataset, DCAT.prev, previous)
            previous = dataset
    # the code lists' yearly versions, linked year to year, depend on every package's year too
    yield from versions(m.fiscal_year for members in by_department.values() for m in members)


def combined_dataset(data: PackageData, minter: Minter) -> Iterator[Triple]:
    """A combined package is a compilation, not another copy of the departments' data: a
    dcat:Dataset that has each department's dataset of the year as a part (dct:hasPart),
    published by the site that compiled it, with a distribution per file."""
    from service.rdf.dcat_catalog import contact_point, in_languages, tagged

    meta = data.descriptor
    slug = data.slug
    node = minter.dataset(slug)
    period = minter.node(f"dataset/{slug}/period")
    yield Triple(node, RDF.type, DCAT.Dataset)
    for title in in_languages(meta["title"]):
        yield Triple(node, DCT.title, title)
    for description in in_languages(meta["description"]):
        yield Triple(node, DCT.description, description)
    yield Triple(node, DCT.identifier, text(slug))
    yield Triple(node, DCT.publisher, minter.node("publisher"))
    yield Triple(node, DCAT.contactPoint, contact_point(minter))
    yield Triple(node, DCT.language, dcat.EU_LANG.ZHO)
    yield Triple(node, DCAT.theme, dcat.EU_THEME.GOVE)
    yield Triple(node, DCT.temporal, period)
    for keyword in ("部门预算", "汇编", "budget", "compilation", str(meta["fiscalYear"])):
        yield Triple(node, DCAT.keyword, tagged(keyword))
    yield Triple(period, RDF.type, DCT.PeriodOfTime)
    yield Triple(period, DCAT.startDate, date(meta["fiscalPeriod"]["start"]))
    yield Triple(period, DCAT.endDate, date(meta["fiscalPeriod"]["end"]))
    yield Triple(node, BP.fiscalYear, year(meta["fiscalYear"]))
    for member in meta.get("combinedFrom", {}).get("packages", []):
        part = minter.dataset(member["name"])
        yield Triple(node, DCT.hasPart, part)
        yield Triple(node, PROV.wasDerivedFrom, part)
    files = [("datapackage", "datapackage.json", "json", "数据包描述 datapackage.json")]
    files += [(r["name"], r["path"], r["format"], r["title"]) for r in meta["resources"]]
    for name, path, file_format, title in files:
        standard = dcat.TABLE_SCHEMA if file_format == "csv" else dcat.DATA_PACKAGE
        digest = next((r.get("hash") for r in meta["resources"] if r["path"] == path), None)
        yield from triples(
            dcat.distribution(
                data, minter, node, name, path, file_format, title, standard, digest, period
            )
        )
    yield from triples(dcat.derived_distributions(data, minter, node))
