"""A printed column's meaning from its header path, by the words of service.ingest.header_terms.

The path is read top to bottom (上年结转·一般公共预算): each part's words are found longest
first, each word adds its dimension values, and a deeper word refines the one above it in its
dimension (基本支出·人员经费 is personnel, a part of basic). Totals add nothing, so 基本支出·小计
is basic and a 小计 under 公务用车 is the vehicles' total. A year other than the budget's makes
the column another year's; a part with no word the grammar knows is named as unknown, never
guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from service.ingest.cells import normalise
from service.ingest.header_terms import FILLER, PARENTS, TERMS, TOTAL_WORDS

Value = tuple[str, str]  # (dimension, value)

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_UNIT = re.compile(r"[(（](?:单位[:：])?(?:万元|元|千元|%)[)）]")
_NUMBER_PART = re.compile(r"^[\d\s.*]*$|^栏次$|^[一二三四五六七八九十]+$|^[A-Za-z]$")
_QUOTES = re.compile(r"[“”\"‘’'「」]")
_ORDINAL = re.compile(r"^(?:[(（]?[一二三四五六七八九十]+[)）、]|\d+[.、])")


@dataclass(frozen=True)
class Meaning:
    """What a printed column stands for: its dimension values, another year it is of, and the
    header parts whose words the grammar does not know."""

    values: frozenset[Value] = frozenset()
    year: int | None = None  # a year other than the budget's, as printed
    unknown: tuple[str, ...] = ()
    parts: tuple[str, ...] = field(default=(), compare=False)  # the path as read
    of_which: bool = field(default=False, compare=False)  # its last part is printed 其中：…

    def get(self, dimension: str) -> str | None:
        """The value of one dimension, or None."""
        return next((v for d, v in self.values if d == dimension), None)

    def without(self, *values: Value) -> Meaning:
        """The meaning with some values taken out."""
        return Meaning(
            self.values - set(values), self.year, self.unknown, self.parts, self.of_which
        )

    def dimensions(self) -> dict[str, str]:
        """The values as a dict, dimension → value."""
        return dict(self.values)


@cache
def _words() -> dict[str, tuple[Value, ...]]:
    found: dict[str, tuple[Value, ...]] = {}
    for term in TERMS:
        for word in term.words:
            key = normalise(word)
            if key in found and found[key] != term.means:  # a declaration error
                raise ValueError(f"header word {word!r} declared twice")
            found[key] = term.means
    for word in TOTAL_WORDS:
        found.setdefault(normalise(word), ())
    return found


@cache
def _longest() -> int:
    return max(len(word) for word in _words())


def part_words(part: str) -> tuple[list[tuple[str, tuple[Value, ...]]], str]:
    """The known words of one header part, longest first from the left, and what is left."""
    words = _words()
    found: list[tuple[str, tuple[Value, ...]]] = []
    rest: list[str] = []
    i = 0
    while i < len(part):
        for size in range(min(_longest(), len(part) - i), 0, -1):
            if part[i : i + size] in words:
                found.append((part[i : i + size], words[part[i : i + size]]))
                i += size
                break
        else:
            rest.append(part[i])
            i += 1
    return found, "".join(rest)


def clean_part(part: str) -> str:
    """A header cell as the grammar reads it: normalised, quotes, unit and ordinal taken off."""
    text = _QUOTES.sub("", normalise(part))
    text = _UNIT.sub("", text)
    text = re.sub(r"^其中[:：]?", "", text)
    return _ORDINAL.sub("", text)


_ITEM_ORDINALS = re.compile(r"^(?:其中[:：]?)?(?:[(（]?[一二三四五六七八九十\d]+[)）.、．]\s*)*")


def item_label(text: str) -> str:
    """A row label as the grammar reads it: ordinals and 其中 taken off (其中：（一）因公出国)."""
    return _ITEM_ORDINALS.sub("", clean_part(text))


def _is_filler(rest: str) -> bool:
    left = rest
    for word in sorted(FILLER, key=len, reverse=True):
        left = left.replace(word, "")
    return not re.sub(r"[\d\s.,:;、()\[\]【】/\\-]", "", left)


def meaning(path: list[str] | tuple[str, ...], year: int | None) -> Meaning:
    """The meaning of a column printed under `path` in a budget of `year`.

    A part with no word the grammar knows is unknown, unless a part below it names a dimension
    value: an unknown group word (其他资金收入 over 事业收入) only groups columns whose own words
    say what they are."""
    values: dict[str, str] = {}
    years: set[int] = set()
    unknown: list[str] = []
    parts: list[str] = []
    for raw in path:
        part = clean_part(raw)
        if not part or _NUMBER_PART.match(part):
            continue
        printed = [int(y) for y in _YEAR.findall(part)]
        years.update(printed)
        part = _YEAR.sub("", part)
        parts.append(part)
        found, rest = part_words(part)
        if not any(means for _, means in found):
            if not _is_filler(rest):
                unknown.append(raw)  # no dimension word, and words that are not filler
            continue
        unknown.clear()  # the groups above are named by what this part says
        for _, means in found:
            for dimension, value in means:
                values[dimension] = _refine(dimension, values.get(dimension), value)
    other = sorted(y for y in years if year is None or y != year)
    last = normalise(path[-1]) if path else ""
    return Meaning(
        frozenset(values.items()),
        other[0] if other else None,
        tuple(unknown),
        tuple(parts),
        last.startswith("其中"),
    )


def combine(row: Meaning, column: Meaning) -> Meaning:
    """A cell's meaning: its row label's and its column header's together (因公出国 in the
    一般公共预算 column); the row's words name the cell, so an unknown row label stays unknown."""
    values = dict(column.values)
    for dimension, value in row.values:
        values[dimension] = _refine(dimension, values.get(dimension), value)
    return Meaning(
        frozenset(values.items()),
        row.year or column.year,
        row.unknown + column.unknown,
        row.parts + column.parts,
    )


def _refine(dimension: str, above: str | None, deeper: str) -> str:
    """The value of a dimension once a deeper word names it again: the deeper one, unless it
    is the coarser of the two (人员经费 printed under 工资福利 stays 工资福利)."""
    if above is None or above == deeper:
        return deeper
    if _is_within(dimension, above, deeper):
        return above
    return deeper


def _is_within(dimension: str, value: str, ancestor: str) -> bool:
    seen = set()
    while (dimension, value) in PARENTS and value not in seen:
        seen.add(value)
        value = PARENTS[(dimension, value)]
        if value == ancestor:
            return True
    return False
