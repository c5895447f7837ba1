"""Link: a data package becomes RDF (Data Cube, SKOS, org, prov, DCAT-AP)."""

from __future__ import annotations

from pyoxigraph import Triple

from service.rdf import analysis, audit, cube, dcat, dcat_catalog, describe
from service.rdf.released import Released
from service.rdf.source import PackageData, load_package
from service.rdf.terms import Minter, Statement, triples

__all__ = [
    "PackageData",
    "catalog_triples",
    "load_package",
    "package_statements",
    "package_triples",
]


def package_triples(data: PackageData, minter: Minter) -> list[Triple]:
    """Every triple one package contributes, in a deterministic order."""
    return list(triples(package_statements(data, minter)))


def package_statements(data: PackageData, minter: Minter) -> list[Statement]:
    """package_triples as statements, which the converter writes as N-Triples without
    making a Triple of each (terms.Statement)."""
    document, statements = describe.document_node(data, minter)
    statements.extend(describe.organizations(data, minter))
    statements.extend(dcat.dataset(data, minter, document))
    statements.extend(cube.table_datasets(data, minter, document))
    statements.extend(cube.observations(data, minter))
    statements.extend(analysis.analysis_datasets(data, minter))
    statements.extend(describe.projects(data, minter))
    statements.extend(describe.narrative(data, minter))
    statements.extend(audit.audit(data, minter))
    statements.extend(describe.glossary(data, minter))
    statements.extend(describe.codes(data, minter))
    return statements


def catalog_triples(
    minter: Minter, slugs: list[str], released: dict[str, Released] | None = None
) -> list[Triple]:
    """The catalog, its publisher and contact point, and each dataset's release dates."""
    return list(dcat_catalog.catalog(minter, sorted(slugs), released))
