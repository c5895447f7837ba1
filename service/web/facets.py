"""Facets with counts, as Datasette shows them: for each dimension, its values with how many
items have each, counted over the items the *other* selections leave (so a chosen value
never hides its alternatives), each value a link that selects it (or clears it).

Selections are query parameters (?year=2024&row_type=item); every link keeps the rest of
the query, so a faceted view has its own URL, and so does its export.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from service.errors import Refusal

T = TypeVar("T")
MAX_VALUE_LENGTH = 200


@dataclass(frozen=True)
class Dimension(Generic[T]):
    """A facet: its query parameter, its title, the value of an item (None: not applicable)
    and the label shown for a value."""

    param: str
    title: str
    value: Callable[[T], str | None]
    label: Callable[[str], str] = str
    order: str = "count"  # count (most first) | value (sorted by value) | value-desc
    rank: Callable[[str], Any] | None = None  # a fixed order of values, when given


@dataclass
class Facet:
    param: str
    title: str
    selected: str | None
    values: list[dict[str, Any]] = field(default_factory=list)


def selections(args: Mapping[str, str], dimensions: Sequence[Dimension]) -> dict[str, str]:
    """The chosen value of each facet, checked: a value is text of bounded length."""
    chosen = {}
    for dimension in dimensions:
        value = args.get(dimension.param, "")
        if len(value) > MAX_VALUE_LENGTH or any(ord(ch) < 32 for ch in value):
            raise Refusal(400, "bad-parameter", f"{dimension.param} is not a valid value")
        if value:
            chosen[dimension.param] = value
    return chosen


def link(path: str, query: Mapping[str, str], **changes: str | None) -> str:
    """The path with the query changed (None removes a parameter; page always resets)."""
    kept = {k: v for k, v in query.items() if v and k != "page"}
    for key, value in changes.items():
        if value is None:
            kept.pop(key, None)
        else:
            kept[key] = value
    return path + ("?" + urlencode(kept) if kept else "")


def apply(
    items: Iterable[T],
    dimensions: Sequence[Dimension[T]],
    chosen: Mapping[str, str],
    path: str,
    query: Mapping[str, str],
) -> tuple[list[T], list[Facet]]:
    """The items every selection keeps, and each dimension's facet."""
    items = list(items)
    values = [{d.param: d.value(item) for d in dimensions} for item in items]

    def keeps(index: int, skip: str | None = None) -> bool:
        return all(
            values[index][param] == wanted for param, wanted in chosen.items() if param != skip
        )

    kept = [item for index, item in enumerate(items) if keeps(index)]
    facets = []
    for dimension in dimensions:
        counts = Counter(
            values[index][dimension.param]
            for index in range(len(items))
            if keeps(index, dimension.param) and values[index][dimension.param] is not None
        )
        selected = chosen.get(dimension.param)
        if selected is not None and selected not in counts:
            counts[selected] = 0
        if dimension.rank is not None:
            ordered = sorted(counts.items(), key=lambda kv: dimension.rank(kv[0]))  # type: ignore[misc]
        elif dimension.order == "count":
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        else:
            ordered = sorted(counts.items(), reverse=dimension.order == "value-desc")
        facet = Facet(dimension.param, dimension.title, selected)
        for value, count in ordered:
            is_selected = value == selected
            facet.values.append(
                {
                    "value": value,
                    "label": dimension.label(value),
                    "count": count,
                    "selected": is_selected,
                    "href": link(path, query, **{dimension.param: None if is_selected else value}),
                }
            )
        facets.append(facet)
    return kept, facets


def filter_words(chosen: Mapping[str, str]) -> str:
    """The selection as it goes in a file name: year-2024_row_type-item."""
    return "_".join(f"{k}-{v}" for k, v in chosen.items() if v)
