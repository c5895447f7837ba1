"""The DCAT-AP 3 description: one dcat:Dataset per package, published by its department, with
a Distribution per file of the package, and for each table its Excel CSV and xlsx (made by
the service from the CSV) and the whole package as a zip. The catalog node is in
dcat_catalog.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from service.rdf.dcat_catalog import in_languages, tagged
from service.rdf.source import PackageData
from service.rdf.terms import (
    BP,
    DCAT,
    DCT,
    FOAF,
    PROV,
    RDF,
    XSD,
    Minter,
    Namespace,
    Statement,
    date,
    text,
    year,
    zh,
)

SPDX = Namespace("http://spdx.org/rdf/terms#")
EU_FILE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_LANG = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
IANA = Namespace("https://www.iana.org/assignments/media-types/")
LICENSE = NamedNode("https://creativecommons.org/licenses/by/4.0/")
TABLE_SCHEMA = NamedNode("https://specs.frictionlessdata.io/table-schema/")
DATA_PACKAGE = NamedNode("https://specs.frictionlessdata.io/data-package/")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {
    "csv": ("CSV", "text/csv"),
    "json": ("JSON", "application/json"),
    "txt": ("TXT", "text/plain"),
    "pdf": ("PDF", "application/pdf"),
    "xlsx": ("XLSX", XLSX),
    "zip": ("ZIP", "application/zip"),
}


def eu_language() -> NamedNode:
    """The language of every dataset (Chinese, as the EU vocabulary names it)."""
    return EU_LANG.ZHO


def common() -> Iterator[Statement]:
    """The shared nodes distributions and datasets point to, typed as DCAT-AP's ranges say."""
    yield (LICENSE, RDF.type, DCT.LicenseDocument)
    yield (EU_LANG.ZHO, RDF.type, DCT.LinguisticSystem)
    yield (TABLE_SCHEMA, RDF.type, DCT.Standard)
    yield (DATA_PACKAGE, RDF.type, DCT.Standard)
    skos = "http://www.w3.org/2004/02/skos/core#"
    yield (EU_THEME.GOVE, RDF.type, NamedNode(f"{skos}Concept"))
    yield (EU_THEME.GOVE, NamedNode(f"{skos}prefLabel"), text("Government and public sector", "en"))
    yield (EU_THEME.GOVE, NamedNode(f"{skos}prefLabel"), zh("政府和公共部门"))
    yield (SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm)
    for file_type, media in FORMATS.values():
        yield (EU_FILE[file_type], RDF.type, DCT.MediaTypeOrExtent)
        yield (IANA[media], RDF.type, DCT.MediaType)


def dataset(data: PackageData, minter: Minter, document: NamedNode) -> Iterator[Statement]:
    """A package's DCAT dataset: title, description, period, publisher, source document and a
    distribution per file, as DCAT-AP asks."""
    meta = data.descriptor
    slug = data.slug
    node = minter.dataset(slug)
    org = minter.organization(meta["department"])
    fiscal_year = meta["fiscalYear"]
    period = minter.node(f"dataset/{slug}/period")
    yield (node, RDF.type, DCAT.Dataset)
    yield (node, DCT.title, zh(meta["title"]))
    for description in in_languages(meta["description"]):
        yield (node, DCT.description, description)
    yield (node, DCT.identifier, text(slug))
    yield (node, DCT.publisher, org)
    yield (node, DCT.language, EU_LANG.ZHO)
    yield (node, DCAT.theme, EU_THEME.GOVE)
    page = minter.node(f"dataset/{slug}.html")
    yield (node, DCAT.landingPage, page)
    yield (page, RDF.type, FOAF.Document)
    yield (node, BP.fiscalYear, year(fiscal_year))
    yield (node, BP.sourceDocument, document)
    yield (node, PROV.wasDerivedFrom, document)
    yield (node, DCT.temporal, period)
    yield (period, RDF.type, DCT.PeriodOfTime)
    yield (period, DCAT.startDate, date(meta["fiscalPeriod"]["start"]))
    yield (period, DCAT.endDate, date(meta["fiscalPeriod"]["end"]))
    for keyword in meta.get("keywords", []):
        yield (node, DCAT.keyword, tagged(keyword))
    files = [
        (
            "datapackage",
            "datapackage.json",
            "json",
            "Data package descriptor (datapackage.json)",
            DATA_PACKAGE,
            None,
        )
    ]
    for resource in meta["resources"]:
        files.append(
            (
                resource["name"],
                resource["path"],
                resource.get("format", "csv"),
                resource.get("title", resource["name"]),
                TABLE_SCHEMA if resource.get("format") == "csv" else None,
                resource.get("hash"),
            )
        )
    for name, path, file_format, title, standard, digest in files:
        yield from distribution(
            data, minter, node, name, path, file_format, title, standard, digest, period
        )
    yield from derived_distributions(data, minter, node)


def derived_distributions(
    data: PackageData, minter: Minter, dataset_node: NamedNode
) -> Iterator[Statement]:
    """What the service makes from the package's files (service/web/downloads.py): each
    table as an Excel CSV (BOM, Chinese titles) and an xlsx, and the package as one zip.
    They are made on request, so they carry no size or checksum."""
    slug = data.slug
    made = [("package-zip", f"{slug}.zip", "zip", f"{data.descriptor['title']} (zip)")]
    for resource in data.descriptor["resources"]:
        if resource.get("format") != "csv":
            continue
        name, title = resource["name"], resource.get("title", resource["name"])
        stem = resource["path"].removesuffix(".csv")
        made.append(
            (f"{name}-excel-csv", f"{slug}/{stem}.excel.csv", "csv", f"{title} (Excel CSV)")
        )
        made.append((f"{name}-xlsx", f"{slug}/{stem}.xlsx", "xlsx", f"{title} (xlsx)"))
    for name, path, file_format, title in made:
        node = minter.distribution(slug, name)
        file_type, media = FORMATS[file_format]
        yield (dataset_node, DCAT.distribution, node)
        yield (node, RDF.type, DCAT.Distribution)
        yield (node, DCT.title, tagged(title))
        yield (node, DCAT.accessURL, dataset_node)
        yield (node, DCAT.downloadURL, minter.node(f"datapackages/{path}"))
        yield (node, DCAT.mediaType, IANA[media])
        yield (node, DCT.format, EU_FILE[file_type])
        yield (node, DCT.license, LICENSE)


def distribution(
    data: PackageData,
    minter: Minter,
    dataset_node: NamedNode,
    name: str,
    path: str,
    file_format: str,
    title: str,
    standard: NamedNode | None,
    digest: str | None,
    period: NamedNode,
) -> Iterator[Statement]:
    """One file of a package as a DCAT distribution of `dataset_node`: its download URL, media
    type, format, licence, period, the standard it conforms to, size and sha256 checksum; the
    dataset's files and the combined datasets' (rdf/series.py) are described alike."""
    slug = data.slug
    node = minter.distribution(slug, name)
    file_type, media = FORMATS.get(file_format, ("BIN", "application/octet-stream"))
    yield (dataset_node, DCAT.distribution, node)
    yield (node, RDF.type, DCAT.Distribution)
    yield (node, DCT.title, tagged(title))
    yield (node, DCAT.accessURL, dataset_node)
    yield (node, DCAT.downloadURL, minter.download(slug, path))
    yield (node, DCAT.mediaType, IANA[media])
    yield (node, DCT.format, EU_FILE[file_type])
    yield (node, DCT.license, LICENSE)
    yield (node, DCT.temporal, period)
    if standard is not None:
        yield (node, DCT.conformsTo, standard)
    file = Path(data.path) / path
    if file.is_file():
        yield (
            node,
            DCAT.byteSize,
            Literal(str(file.stat().st_size), datatype=XSD.nonNegativeInteger),
        )
    if digest:
        checksum = minter.node(f"dataset/{slug}/distribution/{name}/checksum")
        yield (node, SPDX.checksum, checksum)
        yield (checksum, RDF.type, SPDX.Checksum)
        yield (checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
        yield (
            checksum,
            SPDX.checksumValue,
            Literal(digest.removeprefix("sha256:"), datatype=XSD.hexBinary),
        )
