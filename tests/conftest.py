"""Shared fixtures: the seed document, read once, and helpers to make mutated copies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from service.ingest import read_document
from service.ingest.model import Document

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "sources" / "luoyang-sfq-zwfwzx-2024-budget.txt"
SEED_SLUG = "luoyang-sfq-zwfwzx-2024-budget"


@pytest.fixture(scope="session")
def seed() -> Document:
    return read_document(SEED)


@pytest.fixture(scope="session")
def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


@pytest.fixture
def mutate(tmp_path: Path, seed_lines: list[str]) -> Callable[..., Path]:
    """Write a copy of the seed with some lines replaced (1-based), or removed when None."""

    def make(changes: dict[int, str | None], name: str = "mutant.txt") -> Path:
        lines = [changes.get(number, text) for number, text in enumerate(seed_lines, start=1)]
        path = tmp_path / name
        path.write_text("\n".join(line for line in lines if line is not None), encoding="utf-8")
        return path

    return make
