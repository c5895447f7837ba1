"""Codes for rows that print names without codes, from the national code lists.

Some regions (杭州, for one) print a 功能分类 or 经济分类 table with the subject names only:
the hierarchy shows only in the row order (类, then its 款, then their 项). Each name is
looked up by its exact (normalised) name in the code list, within the hierarchy the rows
above it show: a child of the last code read first, then a child of its parent, then a
class. A name the list does not hold, or that the hierarchy cannot tell apart (行政运行 with
no 款 above it), gets no code and a note saying why.

The names are the code lists' own (vocab/codelists/*.ttl, skos:prefLabel) and the names the
disclosures print for the 款 and 项 those files leave out (vocab/codelists/names.tsv).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from service import vocab
from service.ingest.cells import normalise

TOTAL_WORDS = ("合计", "总计")
_LISTED = 1000  # the weight of a code list's own label
_SURER = 3
# the classifications a names-only row may be coded in, by the family of its table
SCHEMES = {
    "functional": ("functional",),
    "economic": ("economic-departmental", "economic-government"),
}


@dataclass(frozen=True)
class CodeList:
    """One classification's names: normalised name → every code that bears it."""

    scheme: str
    names: dict[str, tuple[str, ...]]
    # how sure each (name, code) is: the code list's own label most, else how many documents
    # print the pair; of two codes that bear one name under the same parent, a far surer one wins
    weights: dict[tuple[str, str], int] = field(default_factory=dict)


def name_key(text: str) -> str:
    """A subject name as compared: NFKC, no spaces, no quotes (维修（护）费 = 维修(护)费)."""
    return normalise(text).replace("“", "").replace("”", "").replace('"', "")


@cache
def code_list(scheme: str) -> CodeList:
    """The names of `scheme`'s codes, from its Turtle labels and the printed names beside it."""
    found: dict[str, set[str]] = {}
    weights: dict[tuple[str, str], int] = {}
    for code, texts in vocab.labels(scheme).items():
        if code.isdigit() and texts.get("zh"):
            found.setdefault(name_key(texts["zh"]), set()).add(code)
            weights[(name_key(texts["zh"]), code)] = _LISTED
    for row_scheme, code, name, documents in printed_names():
        if row_scheme == scheme:
            found.setdefault(name_key(name), set()).add(code)
            key = (name_key(name), code)
            weights[key] = max(weights.get(key, 0), documents)
    names = {name: tuple(sorted(codes)) for name, codes in found.items()}
    return CodeList(scheme, names, weights)


@cache
def printed_names() -> tuple[tuple[str, str, str, int], ...]:
    """(scheme, code, name, documents) rows of vocab/codelists/names.tsv."""
    path = vocab.VOCAB_DIR / "codelists" / "names.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return tuple(
            (r[0], r[1], r[2], int(r[3]) if len(r) > 3 and r[3].isdigit() else 1)
            for r in rows
            if len(r) >= 3 and r[1].isdigit()
        )


@dataclass
class Coded:
    """The codes found for a run of names (None where none), and a note for each one missed."""

    scheme: str
    codes: list[str | None]
    notes: list[str]

    @property
    def found(self) -> int:
        """How many names got a code."""
        return sum(code is not None for code in self.codes)


def code_names(names: Iterable[str | None], family: str) -> Coded:
    """Each name's code in the classification of `family` (functional | economic) that knows
    the most of them; totals and blanks get None without a note."""
    names = list(names)
    best: Coded | None = None
    for scheme in SCHEMES[family]:
        coded = code_in(names, code_list(scheme))
        if best is None or coded.found > best.found:
            best = coded
    assert best is not None
    return best


def code_in(names: list[str | None], codes: CodeList) -> Coded:
    """The names coded in one code list by the hierarchy their order shows."""
    result = Coded(codes.scheme, [], [])
    last = ""  # the last code read: its children, then its parent's, are looked at first
    lost = False  # a name above was not found: its children cannot be placed under it
    for name in names:
        key = name_key(name or "")
        if not key or key in TOTAL_WORDS:
            result.codes.append(None)
            continue
        candidates = codes.names.get(key, ())
        code, why = _choose(candidates, "" if lost else last, key, codes.weights)
        if code is not None and lost and len(code) > 3 and len(candidates) > 1:
            code, why = None, "its parent row's name is not in the code list"
        if code is None:
            result.notes.append(f"{name!r}: {why}")
            lost = True
        else:
            last, lost = code, False
        result.codes.append(code)
    return result


def _choose(
    candidates: tuple[str, ...], last: str, key: str, weights: dict[tuple[str, str], int]
) -> tuple[str | None, str]:
    """The candidate nearest under the last code's ancestors (itself first), shallowest first;
    of several at one level, one far surer than the rest (_SURER times)."""
    if not candidates:
        return None, "not a name of the code list"
    for depth in range(len(last), -1, -1):
        if depth and depth not in (3, 5, 7):
            continue
        context = last[:depth]
        under = [c for c in candidates if c.startswith(context) and len(c) > depth]
        if not under:
            continue
        shallowest = min(len(c) for c in under)
        level = [c for c in under if len(c) == shallowest]
        if len(level) == 1:
            return level[0], ""
        ranked = sorted(level, key=lambda c: -weights.get((key, c), 1))
        first, second = (weights.get((key, c), 1) for c in ranked[:2])
        if first >= _SURER * second:
            return ranked[0], ""
        where = f"under {context}" if context else "with no class above it"
        return None, f"{len(level)} codes bear this name {where} ({', '.join(level[:4])})"
    return None, "no code of this name under the rows above it"
