"""Link: a data package becomes RDF (Data Cube, SKOS, org, prov, DCAT-AP)."""

from __future__ import annotations

from pyoxigraph import Triple

from service.rdf import analysis, audit, cube, dcat, dcat_catalog, describe
from service.rdf.released import Released
from service.rdf.source import PackageData, load_package
from service.rdf.terms import Minter

__all__ = ["PackageData", "catalog_triples", "load_package", "package_triples"]


def package_triples(data: PackageData, minter: Minter) -> list[Triple]:
    """Every triple one package contributes, in a deterministic order."""
    document, triples = describe.document_node(data, minter)
    triples.extend(describe.organizations(data, minter))
    triples.extend(dcat.dataset(data, minter, document))
    triples.extend(cube.table_datasets(data, minter, document))
    triples.extend(cube.observations(data, minter))
    triples.extend(analysis.analysis_datasets(data, minter))
    triples.extend(describe.projects(data, minter))
    triples.extend(describe.narrative(data, minter))
    triples.extend(audit.audit(data, minter))
    triples.extend(describe.glossary(data, minter))
    triples.extend(describe.codes(data, minter))
    return triples


def catalog_triples(
    minter: Minter, slugs: list[str], released: dict[str, Released] | None = None
) -> list[Triple]:
    """The catalog, its publisher and contact point, and each dataset's release dates."""
    return list(dcat_catalog.catalog(minter, sorted(slugs), released))
