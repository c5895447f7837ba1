"""The budget vocabulary in vocab/ (Turtle, the source of truth) seen from code.

vocab/ is installed as the package `service.vocabulary` (setup.py maps it), so it is found
through importlib.resources both in an editable install (the repository's vocab/) and in a
wheel (the copy the wheel carries).

Terms are reached through namespace objects, as rdflib does; labels of code-list concepts are
read once from the Turtle with pyoxigraph's fast parser so ingest can name the codes it sees.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

import pyoxigraph
from rdflib import Namespace


def _vocabulary_dir() -> Path:
    """The folder holding the Turtle, on disk (callers glob it and hand paths to parsers)."""
    try:
        found = files("service.vocabulary") / "budget.ttl"
    except ModuleNotFoundError:  # an editable install made before setup.py mapped vocab/
        found = Path(__file__).resolve().parent.parent / "vocab" / "budget.ttl"
    path = Path(str(found)).parent
    if not (path / "budget.ttl").is_file():
        raise RuntimeError(f"the budget vocabulary is not installed as files: {found!r}")
    return path


VOCAB_DIR = _vocabulary_dir()
BP = Namespace("https://w3id.org/budgetpub/def#")
ONTOLOGY = "https://w3id.org/budgetpub/def"
CODE = Namespace("https://w3id.org/budgetpub/code/")
SCHEMES = (
    "functional",
    "economic-departmental",
    "economic-government",
    "expenditure-type",
    "fund-source",
    "budget-phase",
    "operation-character",
    "row-type",
    "analysis",
)
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_PREF_LABEL = pyoxigraph.NamedNode(f"{_SKOS}prefLabel")
_DEFINITION = pyoxigraph.NamedNode(f"{_SKOS}definition")


@cache
def labels(scheme: str) -> dict[str, dict[str, str]]:
    """code → {"zh": …, "en": …} for every concept the vocabulary defines in a scheme."""
    return _texts(scheme, _PREF_LABEL)


@cache
def definitions(scheme: str) -> dict[str, dict[str, str]]:
    """code → {"zh": …, "en": …}: the skos:definition of each concept of a scheme."""
    return _texts(scheme, _DEFINITION)


def _texts(scheme: str, predicate: pyoxigraph.NamedNode) -> dict[str, dict[str, str]]:
    path = VOCAB_DIR / "codelists" / f"{scheme}.ttl"
    prefix = f"{CODE}{scheme}/"
    found: dict[str, dict[str, str]] = {}
    with path.open("rb") as handle:
        for quad in pyoxigraph.parse(handle, format=pyoxigraph.RdfFormat.TURTLE):
            subject = quad.subject
            if quad.predicate != predicate or not isinstance(subject, pyoxigraph.NamedNode):
                continue
            if not subject.value.startswith(prefix):
                continue
            literal = quad.object
            if isinstance(literal, pyoxigraph.Literal) and literal.language:
                code = subject.value[len(prefix) :]
                found.setdefault(code, {})[literal.language] = literal.value
    return found


@cache
def scheme_labels(scheme: str) -> dict[str, str]:
    """{"zh": …, "en": …}: the skos:prefLabel of the code list itself."""
    node = pyoxigraph.NamedNode(f"{CODE}{scheme}")
    with (VOCAB_DIR / "codelists" / f"{scheme}.ttl").open("rb") as handle:
        return {
            quad.object.language: quad.object.value
            for quad in pyoxigraph.parse(handle, format=pyoxigraph.RdfFormat.TURTLE)
            if quad.subject == node
            and quad.predicate == _PREF_LABEL
            and isinstance(quad.object, pyoxigraph.Literal)
            and quad.object.language
        }


def label(scheme: str, code: str, language: str = "zh") -> str | None:
    """The label of `code` in `scheme` in `language` (zh or en), None when the vocabulary has
    none."""
    return labels(scheme).get(code, {}).get(language)
