"""RDF terms for the build: namespaces as objects, IRIs minted from codes and keys.

Built on pyoxigraph's terms (Rust-backed) because a yearly corpus is millions of triples;
rdflib stays for the tests and the web layer's serialisations.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cache, lru_cache
from itertools import starmap
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Triple

from service.vocab import BP as _BP
from service.vocab import CODE as _CODE

DEFAULT_BASE = "http://127.0.0.1:8000/"

Statement = tuple[NamedNode, NamedNode, NamedNode | Literal]
"""A triple as a package's converter makes it: three terms, no pyoxigraph Triple yet. Triple()
costs 1.5 µs when the object is a literal (pyo3 tries NamedNode and BlankNode first and
formats an error for each), a third of a conversion that only writes N-Triples, which each
term's str() already is (convert.split_ntriples); triples() makes Triples where needed."""


def triples(statements: Iterable[Statement]) -> Iterator[Triple]:
    """The statements as pyoxigraph Triples (to load, query or serialize them)."""
    return starmap(Triple, statements)


class Namespace:
    """ns.term or ns["term-with-dash"] → NamedNode, as rdflib's Namespace does."""

    def __init__(self, base: str):
        self.base = base
        self._items: dict[str, NamedNode] = {}

    def __getattr__(self, name: str) -> NamedNode:
        """Made once, then found in the instance dict: a build asks for RDF.type ~10⁶ times."""
        if name.startswith("__"):
            raise AttributeError(name)
        node = NamedNode(self.base + name)
        self.__dict__[name] = node
        return node

    def __getitem__(self, name: str) -> NamedNode:
        """Made once too (bp:dsd-…, media types, file types)."""
        node = self._items.get(name)
        if node is None:
            node = self._items[name] = NamedNode(self.base + name)
        return node


BP = Namespace(str(_BP))
CODE = Namespace(str(_CODE))
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
QB = Namespace("http://purl.org/linked-data/cube#")
DCT = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
CURRENCY = Namespace("http://publications.europa.eu/resource/authority/currency/")
YUAN = CURRENCY.CNY  # amounts are in yuan: the unit of every amount, multiplier 10^0
OBEU_DIMENSION = Namespace("http://data.openbudgets.eu/ontology/dsd/dimension/")
OBEU_MEASURE = Namespace("http://data.openbudgets.eu/ontology/dsd/measure/")
OBEU_ATTRIBUTE = Namespace("http://data.openbudgets.eu/ontology/dsd/attribute/")
OBEU_CODELIST = Namespace("http://data.openbudgets.eu/resource/codelist/")
EARL = Namespace("http://www.w3.org/ns/earl#")  # the audit's assertions (vocab/audit.ttl)
DQV = Namespace("http://www.w3.org/ns/dqv#")  # … and its counts of passes
YEAR = Namespace("http://reference.data.gov.uk/id/year/")  # the year IRIs OpenBudgets.eu uses

PREFIXES = {
    "bp": str(_BP),
    "code": str(_CODE),
    "rdf": RDF.base,
    "rdfs": RDFS.base,
    "xsd": XSD.base,
    "skos": SKOS.base,
    "qb": QB.base,
    "dct": DCT.base,
    "dcat": DCAT.base,
    "foaf": FOAF.base,
    "org": ORG.base,
    "prov": PROV.base,
    "vcard": VCARD.base,
    "sdmx-attribute": SDMX_ATTRIBUTE.base,
    "obeu-dimension": OBEU_DIMENSION.base,
    "obeu-measure": OBEU_MEASURE.base,
    "obeu-attribute": OBEU_ATTRIBUTE.base,
}


@cache
def organization_key(name: str) -> str:
    """A department's readable, persistent key: the code of the administrative division its
    name starts with, then the name in pinyin (苏州市应急管理局 → 320500-su-zhou-shi-ying-ji-
    guan-li-ju, 宿州市应急管理局 → 341300-su-zhou-shi-…), never its percent-encoded name.
    Pinyin alone merges homophones (苏州/宿州); the division's code keeps them apart, and
    the build refuses two names with one key (organization_collisions)."""
    from service.package.writer import slugify
    from service.rdf.regions import region_of

    region = region_of(name)
    return f"{region.code}-{slugify(name)}" if region else slugify(name)


def organization_collisions(names: Iterable[str]) -> dict[str, list[str]]:
    """key → the distinct names that share it (none, or the build must stop)."""
    found: dict[str, set[str]] = {}
    for name in names:
        found.setdefault(organization_key(name), set()).add(name)
    return {key: sorted(n) for key, n in found.items() if len(n) > 1}


def base_url() -> str:
    """The base of every IRI, from BUDGETPUB_BASE_URL, always ending in "/"."""
    base = os.environ.get("BUDGETPUB_BASE_URL", DEFAULT_BASE)
    return base if base.endswith("/") else base + "/"


def text(value: str, language: str | None = None) -> Literal:
    """A string literal, language-tagged when `language` is given."""
    return Literal(value, language=language) if language else Literal(value)


HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def zh(value: str) -> Literal:
    """Chinese text tagged @zh; a value with no Chinese in it ("≥98%", "2025") is not
    Chinese, so it stays a plain string."""
    return Literal(value, language="zh") if HAN.search(value) else Literal(value)


def decimal(value: Decimal | str) -> Literal:
    """An xsd:decimal literal in plain notation (amounts in yuan)."""
    if type(value) is str:  # as CSV gives it: the same amounts recur (only text is cached:
        return _decimal_text(value)  # Decimal("1.0") == 1, their literals differ)
    return Literal(f"{Decimal(value):f}", datatype=XSD.decimal)


@lru_cache(maxsize=1 << 16)
def _decimal_text(value: str) -> Literal:
    return Literal(f"{Decimal(value):f}", datatype=XSD.decimal)


@lru_cache(maxsize=1 << 14)
def integer(value: int | str) -> Literal:
    """An xsd:integer literal (line numbers, counts), made once per value: the same line
    numbers recur in every package."""
    return Literal(str(int(value)), datatype=XSD.integer)


@cache
def year(value: int | str) -> Literal:
    """An xsd:gYear literal (fiscal years)."""
    return Literal(str(int(value)), datatype=XSD.gYear)


def date(value: str) -> Literal:
    """An xsd:date literal."""
    return Literal(value, datatype=XSD.date)


@cache
def concept(scheme: str, code: str) -> NamedNode:
    """The IRI of code `code` in the vocabulary's scheme `scheme`, made once (a package's
    cells name a few hundred codes ten thousand times)."""
    return CODE[f"{scheme}/{code}"]


class Minter:
    """Every IRI the build mints, derived from the base, the package slug, codes and keys."""

    def __init__(self, base: str):
        self.base = base
        self._named: dict[str, NamedNode] = {}

    def node(self, path: str) -> NamedNode:
        """The IRI of `path` under the base."""
        return NamedNode(self.base + path)

    def _named_again(self, path: str) -> NamedNode:
        """node(path), made once: a dataset, its tables, departments and projects are named
        again for every cell."""
        node = self._named.get(path)
        if node is None:
            node = self._named[path] = self.node(path)
        return node

    def catalog(self) -> NamedNode:
        """The catalog's IRI."""
        return self.node("catalog")

    def dataset(self, slug: str) -> NamedNode:
        """A package's dataset IRI."""
        return self._named_again(f"dataset/{slug}")

    def table(self, slug: str, resource: str) -> NamedNode:
        """The IRI of one table (a Data Cube data set) of a package."""
        return self._named_again(f"dataset/{slug}/table/{resource}")

    def observation(self, slug: str, resource: str, row_key: str, column: str) -> NamedNode:
        """An observation's IRI: the published cell, by its row key and column."""
        return self.node(f"dataset/{slug}/table/{resource}/obs/{_segment(row_key)}/{column}")

    def analysis(self, slug: str, name: str) -> NamedNode:
        """The IRI of one analysis data set of a package."""
        return self._named_again(f"dataset/{slug}/analysis/{name}")

    def analysis_observation(self, slug: str, name: str, row_key: str, column: str) -> NamedNode:
        """An analysis observation, named as the published cell it repeats."""
        return self.node(f"dataset/{slug}/analysis/{name}/obs/{_segment(row_key)}/{column}")

    def organization(self, name: str) -> NamedNode:
        """A department's IRI, by its pinyin key."""
        return self._named_again(f"organization/{organization_key(name)}")

    def unit(self, department: str, code: str) -> NamedNode:
        """A budget unit's IRI, under its department's, by its unit code."""
        return self._named_again(
            f"organization/{organization_key(department)}/unit/{quote(code, safe='')}"
        )

    def project(self, code: str) -> NamedNode:
        """A project's IRI, by its project code (shared across packages)."""
        return self._named_again(f"project/{code}")

    def indicator(self, slug: str, line: str, category: str | None) -> NamedNode:
        """A performance indicator's IRI: its line, and category for a project's."""
        key = f"{line}-{category}" if category else line
        return self.node(f"dataset/{slug}/indicator/{key}")

    def figure(self, slug: str, line: str, position: str) -> NamedNode:
        """The IRI of a figure stated in the narrative: its line and position on that line."""
        return self.node(f"dataset/{slug}/figure/{line}-{position}")

    def glossary(self, slug: str, line: str) -> NamedNode:
        """The IRI of a glossary entry, by its line."""
        return self.node(f"dataset/{slug}/glossary/{line}")

    def distribution(self, slug: str, name: str) -> NamedNode:
        """The IRI of a package's DCAT distribution `name`."""
        return self.node(f"dataset/{slug}/distribution/{name}")

    def download(self, slug: str, path: str) -> NamedNode:
        """A downloadable file's IRI: `path` inside the package's folder."""
        return self.node(f"datapackages/{slug}/{path}")


@lru_cache(maxsize=1 << 14)
def _segment(row_key: str) -> str:
    """A row key as a path segment (each of a row's cells asks again)."""
    return quote(row_key, safe="-_.")
