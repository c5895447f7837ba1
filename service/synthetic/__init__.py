"""Synthetic 部门预算公开 documents in the seed's exact text format, for tests and benchmarks.

`generate(seed, ...)` draws one department's budget (every total summed exactly from its
leaves), renders it as the national template the seed follows, optionally seeds one known
error, and returns the text with the truth the reader and the audit must recover.
The seed document stays the reference: the generator copies its fixed text, never edits it.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from service.synthetic import budget as model
from service.synthetic import profiles
from service.synthetic.render import render
from service.synthetic.seeded import ERROR_KINDS, SeededError, seed_error

UNITS = ("万元", "元")
MIN_ROWS, MAX_ROWS = 3, 200


@dataclass
class GeneratedDocument:
    text: str
    name: str  # file name, unique per seed
    truth: dict[str, Any]  # what the reader must find: amounts in yuan (Decimal)
    seeded_errors: list[SeededError] = field(default_factory=list)

    def write(self, folder: Path) -> Path:
        """The document written into `folder` under its name; its path."""
        path = folder / self.name
        path.write_text(self.text, encoding="utf-8")
        return path


def generate(
    seed: int,
    *,
    department_index: int | None = None,
    year: int | None = None,
    unit: str | None = None,
    rows_per_table: int | None = None,
    error: str | None = None,
) -> GeneratedDocument:
    """One document; the same arguments always give the same text (random.Random(seed))."""
    defaults = random.Random(f"defaults-{seed}")
    department_index = defaults.randrange(1200) if department_index is None else department_index
    year = defaults.randint(2021, 2025) if year is None else year
    unit = defaults.choice(UNITS) if unit is None else unit
    rows = defaults.randint(MIN_ROWS, 40) if rows_per_table is None else rows_per_table
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
    if not MIN_ROWS <= rows <= MAX_ROWS:
        raise ValueError(f"rows_per_table must be {MIN_ROWS}..{MAX_ROWS}, not {rows}")
    budget = model.build(
        seed, department_index=department_index, year=year, unit=unit, rows_per_table=rows
    )
    lines = render(budget)
    errors = []
    if error is not None:
        errors.append(seed_error(error, lines, budget, random.Random(f"error-{seed}")))
    name = f"synthetic-{budget.region_code}-{budget.dept_code}-{year}-{seed}.txt"
    text = "\n".join(text for _, text in lines)
    return GeneratedDocument(text, name, truth(budget, rows), errors)


def truth(budget: model.Budget, rows: int) -> dict[str, Any]:
    """What a correct reading of the document holds (yuan), and the warnings it should raise."""
    b = budget
    zero = model.ZERO
    classes: dict[str, Decimal] = {}
    for row in b.functional:
        classes[row.code[:3]] = classes.get(row.code[:3], zero) + row.total
    return {
        "seed": b.seed,
        "department": b.full_name,
        "short_name": b.short_name,
        "department_code": b.dept_code,
        "unit_code": b.unit_code,
        "fiscal_year": b.year,
        "unit": b.unit,
        "rows_per_table": rows,
        "totals": {
            "income": b.sum("total"),
            "expenditure": b.sum("total"),
            "basic": b.sum("basic"),
            "project": b.sum("project"),
            "general_public_budget": b.sum("total", "gpb"),
            "government_fund": b.sum("total", "gf"),
            "personnel": b.sum("personnel", "gpb"),
            "public": b.sum("public", "gpb"),
            "three_public": sum(b.three_public.values(), zero),
            "operating": sum((e.basic for e in b.operating_rows), zero),
            "projects": sum((p.amount for p in b.projects), zero),
        },
        "three_public": dict(b.three_public),
        "functional_classes": dict(sorted(classes.items())),
        "functional_items": {r.code: r.total for r in b.functional},
        "projects": {p.code: p.amount for p in b.projects},
        "row_counts": {
            "expenditure": len(b.functional),
            "general_budget_expenditure": len(b.rows("gpb")),
            "government_fund_expenditure": len(b.rows("gf")),
            "general_budget_basic_expenditure": len(b.basic_rows),
            "economic_classification_summary": len(b.economic),
            "operating_expenses": len(b.operating_rows),
            "project_expenditure": len(b.projects),
            "project_performance": len(b.projects),
        },
        "expected_warnings": sorted(
            f"performance:cost-cap:{p.code}" for p in b.projects if p.cap_warns
        ),
    }


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def generate_corpus(
    n: int,
    out_dir: str | Path,
    error_share: float = 0.1,
    seed: int = 0,
    *,
    years: tuple[int, ...] = (2024,),
    max_rows: int = 60,
    profile: str = "heavy",
) -> list[Path]:
    """Write `n` documents (and manifest.json with each one's truth, seeded errors and
    figures).

    Departments are distinct within a year; with several `years` each department appears once
    per year. A share `error_share` of documents carries one seeded error, kinds in turn.
    `profile` sizes the documents (profiles.py): "realistic" like real disclosures, "heavy"
    5 to `max_rows` rows a table.
    """
    if profile not in profiles.PROFILES:
        raise ValueError(f"profile must be one of {profiles.PROFILES}, not {profile!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"corpus-{seed}")
    draw_rows = (
        profiles.realistic_rows(_figures_for_rows, MIN_ROWS, MAX_ROWS)
        if profile == "realistic"
        else profiles.heavy_rows(5, MAX_ROWS, max_rows)
    )
    paths, manifest = [], []
    kinds = 0
    for number in range(n):
        department, year = divmod(number, len(years))
        error = None
        if rng.random() < error_share:
            error = ERROR_KINDS[kinds % len(ERROR_KINDS)]
            kinds += 1
        rows = draw_rows(rng)
        document = generate(
            seed * 1_000_003 + number,
            department_index=department,
            year=years[year],
            unit=rng.choice(UNITS),
            rows_per_table=rows,
            error=error,
        )
        paths.append(document.write(out))
        manifest.append(
            {
                "file": document.name,
                "truth": _json(document.truth),
                "seeded_errors": [e.to_dict() for e in document.seeded_errors],
                "figures": profiles.figures_in_text(document.text),
            }
        )
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return paths


def _figures_for_rows(rows: int) -> int:
    """Figures the generator prints at `rows` rows a table (mean of three departments)."""
    return round(
        sum(profiles.figures_in_text(generate(s, rows_per_table=rows).text) for s in range(3)) / 3
    )


__all__ = ["ERROR_KINDS", "GeneratedDocument", "SeededError", "generate", "generate_corpus"]
