"""The served packages' coverage (service.corpus.coverage), read once per set of packages.

Each department package's standing is a few sets read from its descriptor; they are kept
until a package changes (its descriptor's modification time), so stating coverage on a page
or an API answer costs a filter over a list, not a thousand JSON reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from service.corpus.coverage import Standing, standing, view_coverage
from service.web.site import site


def standings() -> tuple[Standing, ...]:
    """Every department package's standing (combined years left out)."""
    packages = site().packages()
    key = tuple(sorted((p.slug, p.modified) for p in packages.values() if p.kind != "合并"))
    return _standings(str(site().packages_dir), key)


@lru_cache(maxsize=4)
def _standings(folder: str, key: tuple[tuple[str, float], ...]) -> tuple[Standing, ...]:
    """`folder` is part of the key: two apps (tests) never share standings."""
    found = []
    for slug, _ in key:
        descriptor = site().descriptor(slug)
        if descriptor is not None:
            found.append(standing(descriptor))
    return tuple(found)


def of_view(
    view: str,
    years: Sequence[str] | None = None,
    departments: Sequence[str] | None = None,
    datasets: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Which served documents `view` covers and why it leaves out the others."""
    return view_coverage(view, standings(), years, departments, datasets)


def of_department(department: str) -> list[Standing]:
    """A department's packages' standings, newest year first."""
    found = [s for s in standings() if s.department == department]
    return sorted(found, key=lambda s: (-s.year, s.dataset))
