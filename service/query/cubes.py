"""The aggregate API's model and its SPARQL: babbage-style cubes over the Data Cube.

A cube is a table kind across every dataset (all departments' `expenditure` tables, say),
or an analysis kind (`expenditure-by-function`: every document's analysis data set of that
kind, service/rdf/analysis.py). Its dimensions are the Data Cube dimensions plus the dataset,
department and the published column; its measure is the amount (sum, exact decimal) and the
count of facts. Unless the client cuts them itself, a table cube is cut to its item rows and
its main column, so sums never count a total or an overlapping column twice; an analysis
cube holds leaf amounts only, so its plain sum is the published total, uncut. An analysis
fact's dimensions are those of the published cell it is derived from.

Cuts become VALUES on the term itself where they can (an index lookup, not a filter), and
labels are fetched afterwards for the keys a page returns, never joined into the aggregate.
Facts a dimension does not apply to form a group whose key is null.

Cut values come from the client: each is validated (a code is a notation, a year four
digits) and enters the query only as a term Oxigraph itself writes (NamedNode, Literal),
never pasted into an IRI or a string by hand.

The API answers from the build's facts index (facts_index.py) when it has one; the SPARQL
(cube_sparql.py) is what it runs against a shared remote store, and the index gives the
same answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pyoxigraph import Literal, NamedNode

from service.package.analysis import BY_NAME

CODE = "https://w3id.org/budgetpub/code/"
XSD_GYEAR = NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
CODE_VALUE = re.compile(r"[A-Za-z0-9_\-]{1,64}")  # a notation: 2010301, carry-over
YEAR_VALUE = re.compile(r"[0-9]{4}")
UNSAFE_TEXT = re.compile(r"[\\\x00-\x1f\x7f]")  # no name, slug or code holds these


def cube_kind(name: str) -> str:
    """analysis for an analysis kind's cube, else table: also the segment of its facts' IRIs
    (dataset/<slug>/<kind>/<cube>/obs/…). Names cannot clash: analyses are kebab-case,
    table kinds snake_case."""
    return "analysis" if name in BY_NAME else "table"


def literal(value: str) -> str:
    """A plain string literal, written by Oxigraph (every character escaped that must be)."""
    return str(Literal(value))


def iri(value: str) -> str:
    """An IRI term; ValueError for anything that is not an IRI (no `>` or space in it)."""
    return str(NamedNode(value))


TERMS = {  # how a custom dimension's cut value is written as a term
    "year": lambda value: str(Literal(value, datatype=XSD_GYEAR)),
    "zh": lambda value: str(Literal(value, language="zh")),  # labels are zh-tagged
    "plain": literal,
}


@dataclass(frozen=True)
class Dimension:
    name: str
    title: str
    kind: str = "classification"
    prop: str | None = None  # observation property of a coded dimension
    scheme: str | None = None  # its concept scheme (labels, exact cuts)
    length: int | None = None  # class/subclass level: the first digits of the notation
    custom: str | None = None  # pattern binding ?{name}_key for the other dimensions
    custom_cut: tuple[str, str] | None = None  # VALUES variable and term kind (TERMS)

    @property
    def labelled(self) -> bool:
        """Whether the dimension's keys have labels to show (a code list's concepts, or projects)."""
        return self.scheme is not None or self.name == "project"

    def pattern(self, cut: list[str] | None = None) -> tuple[str, str]:
        """(triple patterns, binds) that bind ?{name}_key for every fact: a code the cell does
        not print and a missing project leave it "" / unbound, one group of their own, so the
        groups of an aggregate always add up to its summary. The two parts are kept apart so
        every required triple pattern lands in one basic graph pattern the engine can order.
        A cut that leaves out the facts without a code needs the code, not OPTIONAL."""
        n = f"?{self.name}"
        required = bool(cut) and "" not in (cut or [])
        if self.name == "project":
            triples = "?obs bp:project ?project_p . ?project_p bp:projectCode ?project_key ."
            return (triples, "") if required else ("", f"OPTIONAL {{ {triples} }}")
        if self.custom:
            triples, _, tail = self.custom.partition(" BIND")
            return triples, f"BIND{tail}" if tail else ""
        key = f"SUBSTR({n}_n, 1, {self.length})" if self.length else f"{n}_n"
        triples = f"?obs bp:{self.prop} {n}_c . {n}_c skos:notation {n}_n ."
        bind = f'BIND(COALESCE({key}, "") AS {n}_key)'
        return (triples, bind) if required else ("", f"OPTIONAL {{ {triples} }} {bind}")

    def filters(self, values: list[str]) -> bool:
        """Whether a cut is a FILTER on the bound key (after the binds), not VALUES: a
        class or subclass, or a cut that keeps the facts without a code ("")."""
        return bool(self.length) or ("" in values and (not self.custom or self.name == "project"))

    def cut(self, values: list[str]) -> str:
        """The SPARQL that keeps the observations whose key is one of `values`: a FILTER on the key,
        or VALUES over the concepts or terms.
        """
        n = f"?{self.name}"
        if self.filters(values):  # "" (no code, no project) is a key like any other
            options = ", ".join(literal(v) for v in values)
            key = f'COALESCE({n}_key, "")' if self.name == "project" else f"{n}_key"
            return f"FILTER({key} IN ({options}))"
        if self.custom_cut:
            variable, kind = self.custom_cut
            terms = " ".join(TERMS[kind](v) for v in values)
            return f"VALUES {variable} {{ {terms} }}"
        terms = " ".join(iri(f"{CODE}{self.scheme}/{v}") for v in values)
        return f"VALUES {n}_c {{ {terms} }}"

    def validate(self, value: str) -> None:
        """BadRequest for a cut value this dimension cannot have: codes are notations, years
        four digits, and no value holds a backslash or a control character."""
        if self.scheme and value and not CODE_VALUE.fullmatch(value):
            raise BadRequest(f"cut {self.name}:{value!r}: a code is letters, digits, - and _")
        if self.name == "year" and not YEAR_VALUE.fullmatch(value):
            raise BadRequest(f"cut year:{value!r}: a year is four digits")
        if UNSAFE_TEXT.search(value):
            raise BadRequest(f"cut {self.name}:{value!r}: no backslash or control character")

    def concept(self, key: str) -> str | None:
        """The IRI of the code list concept a key stands for, or None when the dimension has no code
        list or the key is none of its codes.
        """
        if not (self.scheme and key and CODE_VALUE.fullmatch(key)):
            return None
        return f"{CODE}{self.scheme}/{key}"


# the departmental economic code of a fact: of a table's cell or an economic data set's
# leaf, or the item of the 三公 data set (bp:threePublicItem, no OBEU economic class)
ECONOMIC = "economicClassificationDepartmental|bp:threePublicItem"


def _coded(name: str, title: str, prop: str, scheme: str, length: int | None = None) -> Dimension:
    return Dimension(name, title, prop=prop, scheme=scheme, length=length)


DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension(
            "year",
            "预算年度 Fiscal year",
            "datetime",
            custom="?ds bp:fiscalYear ?year_v . BIND(STR(?year_v) AS ?year_key)",
            custom_cut=("?year_v", "year"),
        ),
        Dimension(
            "department",
            "部门 Department",
            "entity",
            custom="?ds dct:isPartOf ?department_d . ?department_d dct:publisher ?department_o . "
            "?department_o rdfs:label ?department_key .",
            custom_cut=("?department_key", "zh"),
        ),
        Dimension(
            "dataset",
            "数据集 Dataset",
            "other",
            custom="?ds dct:isPartOf ?dataset_d . ?dataset_d dct:identifier ?dataset_key .",
            custom_cut=("?dataset_key", "plain"),
        ),
        _coded(
            "functional",
            "功能分类科目 Functional classification",
            "functionalClassification",
            "functional",
        ),
        _coded(
            "functional_class",
            "功能分类·类 Functional class",
            "functionalClassification",
            "functional",
            3,
        ),
        _coded(
            "functional_subclass",
            "功能分类·款 Functional subclass",
            "functionalClassification",
            "functional",
            5,
        ),
        _coded(
            "economic",
            "部门经济分类 Departmental economic classification",
            ECONOMIC,
            "economic-departmental",
        ),
        _coded(
            "economic_class",
            "部门经济分类·类 Economic class",
            ECONOMIC,
            "economic-departmental",
            3,
        ),
        _coded(
            "economic_government",
            "政府经济分类 Government economic classification",
            "economicClassificationGovernment",
            "economic-government",
        ),
        _coded(
            "expenditure_type", "支出类型 Expenditure type", "expenditureType", "expenditure-type"
        ),
        _coded("fund_source", "资金来源 Fund source", "fundSource", "fund-source"),
        _coded("row_type", "行类型 Row type", "rowType", "row-type"),
        Dimension(  # the table's: revenue or expenditure
            "operation_character",
            "收支 Revenue or expenditure",
            scheme="operation-character",
            custom="?ds bp:operationCharacter ?operation_character_c . "
            "?operation_character_c skos:notation ?operation_character_key .",
            custom_cut=("?operation_character_key", "plain"),
        ),
        Dimension(
            "project",
            "项目 Project",
            "activity",
            custom="?obs bp:project ?project_p . ?project_p bp:projectCode ?project_key .",
            custom_cut=("?project_key", "plain"),
        ),
        Dimension(
            "column",
            "栏目 Published column",
            "other",
            custom="?obs bp:sourceColumn ?column_key .",
            custom_cut=("?column_key", "plain"),
        ),
    )
}
AGGREGATES = ("amount.sum", "_count")


@dataclass(frozen=True)
class Groups:
    """An aggregate's answer from either source (SPARQL or the facts index): one page of
    groups (rows keyed {dim}_key, sum as exact decimal text, count), how many groups there
    are in all, and the sum and count over all of them. Shared (kept answers): not changed."""

    rows: list[dict[str, Any]]
    cells: int
    total: str
    count: int


class BadRequest(ValueError):
    """A drilldown, cut or order the model does not know: the client gets a 400."""


def parse_list(text: str | None) -> list[str]:
    """The parts of a `|`-separated parameter (none for an absent one)."""
    return [part for part in (text or "").split("|") if part]


# cut values in one request: each is a parameter of the index's SQL (SQLite refuses a
# statement past its variable limit) and a term of the store's query
MAX_CUT_VALUES = 1000


def parse_cuts(text: str | None) -> dict[str, list[str]]:
    """The cut= parameter (`dimension:value;value|…`) as {dimension: values}, each value validated;
    BadRequest for an unknown dimension or a bad value.
    """
    cuts: dict[str, list[str]] = {}
    counted = (text or "").count(";") + (text or "").count("|") + 1
    if counted > MAX_CUT_VALUES:  # said before anything is split: a 255 KB cut is cheap to send
        raise BadRequest(
            f"cut: {counted} values; at most {MAX_CUT_VALUES} in one request (ask in parts, "
            "or leave the cut out and filter the rows)"
        )
    for part in parse_list(text):
        name, sep, values = part.partition(":")
        if not sep or name not in DIMENSIONS:
            raise BadRequest(
                f"cut {part!r}: expected dimension:value with a dimension of "
                + ", ".join(DIMENSIONS)
            )
        for value in values.split(";"):
            DIMENSIONS[name].validate(value)
            cuts.setdefault(name, []).append(value)
    return cuts


def parse_order(text: str | None, allowed: set[str]) -> list[tuple[str, str]]:
    """The order= parameter (`name:asc|name:desc|…`) as (name, direction) pairs; BadRequest for a
    name not in `allowed`.
    """
    order = []
    for part in parse_list(text):
        name, _, direction = part.partition(":")
        direction = direction or "asc"
        if name not in allowed or direction not in ("asc", "desc"):
            raise BadRequest(
                f"order {part!r}: expected one of {sorted(allowed)} with :asc or :desc"
            )
        order.append((name, direction))
    return order


def drilldowns(text: str | None) -> list[str]:
    """The drilldown= parameter as dimension names, each once; BadRequest for an unknown one."""
    names = parse_list(text)
    unknown = [n for n in names if n not in DIMENSIONS]
    if unknown:
        raise BadRequest(f"unknown drilldown {unknown}: dimensions are " + ", ".join(DIMENSIONS))
    return list(dict.fromkeys(names))


def default_cuts(name: str, columns: set[str], rows: set[str]) -> dict[str, list[str]]:
    """Item rows (else units) of the main column (total, else amount); none for an analysis
    cube, whose facts are leaves that add up as they are."""
    cuts: dict[str, list[str]] = {}
    if cube_kind(name) == "analysis":
        return cuts
    column = next((c for c in ("total", "amount") if c in columns), None)
    if column:
        cuts["column"] = [column]
    row = next((r for r in ("item", "unit", "department") if r in rows), None)
    if row:
        cuts["row_type"] = [row]
    return cuts
