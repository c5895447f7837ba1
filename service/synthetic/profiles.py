"""How big the synthetic documents of a corpus are: sized like real disclosures, or heavy.

A benchmark is worth what its corpus resembles. The *realistic* profile draws each document's
size from the figures real disclosures print (REAL_FIGURES, counted with the evaluation's
figure measure) and turns it into the generator's rows per table through a calibration made
on the generator itself, so the corpus follows the real spread whatever the generator prints
per row. The *heavy* profile is the stress corpus: 5 to `max_rows` rows a table, and one
document in twenty at the generator's maximum.
"""

from __future__ import annotations

import random
import re
import statistics
from collections.abc import Callable

# Figures in the ruled tables of each real disclosure (tools/figures_captured.py on
# ../shared/sources/real, as `make corpus-report` printed them on 2026-11-29, and the three
# PDFs of sources/), plus the seed text (sources/luoyang-…-budget.txt, counted with
# figures_in_text). One entry per document.
REAL_FIGURES: tuple[int, ...] = (
    446, 1015, 829, 466, 343, 364, 259, 392, 913, 670, 1233, 1054, 279, 1223, 311,
    176, 461, 418, 494, 515, 555, 674, 529, 823, 223, 209, 561, 277, 687, 887,
    364, 555, 525, 289,
)  # fmt: skip
PROFILES = ("realistic", "heavy")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_CODE_LIKE = re.compile(r"\d{1,3}")


def figures_in_text(text: str) -> int:
    """The figure measure on a text document: numbers in its table lines (tab- or
    pipe-separated), integers of 1-3 digits left out as codes and row numbers."""
    count = 0
    for line in text.splitlines():
        if "\t" not in line and "|" not in line:
            continue
        for token in re.split(r"[\s|]+", line):
            token = token.replace(",", "")
            if _NUMBER.fullmatch(token) and not _CODE_LIKE.fullmatch(token):
                count += 1
    return count


def realistic_rows(
    figures_for_rows: Callable[[int], int], min_rows: int, max_rows: int
) -> Callable[[random.Random], int]:
    """A drawer of rows per table whose documents print about as many figures as a real one
    drawn at random (±15 %): figures grow linearly with rows, measured at two sizes."""
    low, high = min_rows, 60
    at_low, at_high = figures_for_rows(low), figures_for_rows(high)
    per_row = (at_high - at_low) / (high - low)

    def draw(rng: random.Random) -> int:
        wanted = rng.choice(REAL_FIGURES) * rng.uniform(0.85, 1.15)
        return max(min_rows, min(max_rows, round(low + (wanted - at_low) / per_row)))

    return draw


def heavy_rows(min_rows: int, max_rows: int, most: int) -> Callable[[random.Random], int]:
    """The stress profile: `min_rows`..`most` rows a table, one document in twenty `max_rows`."""

    def draw(rng: random.Random) -> int:
        return rng.randint(min_rows, most) if rng.random() < 0.95 else max_rows

    return draw


def spread(counts: list[int]) -> str:
    """min, median, 90th percentile and max of figures per document, for reports."""
    ordered = sorted(counts)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return (
        f"{ordered[0]}, median {statistics.median(ordered):.0f}, p90 {p90}, max {ordered[-1]} "
        f"figures a document"
    )
