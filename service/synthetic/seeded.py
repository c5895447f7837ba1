"""Seeded errors: one known mistake put into a rendered document, and where the audit must see it.

Each kind edits keyed lines of the text (a figure, a total, a stated share, a dropped row) and
returns the check the audit has to fail: its id prefix, table and line after the edit.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from service.synthetic.budget import Budget
from service.synthetic.text import CENT, Lines


@dataclass(frozen=True)
class SeededError:
    """A mistake the generator made on purpose: the audit must fail `check` at table/line."""

    kind: str
    check: str  # id prefix of the check that must fail
    table: str | None
    line: int
    description: str

    def to_dict(self) -> dict[str, object]:
        """The seeded error as data, as the generated corpus's manifest lists it."""
        return {
            "kind": self.kind,
            "check": self.check,
            "table": self.table,
            "line": self.line,
            "description": self.description,
        }


def index(lines: Lines, key: str) -> int:
    """The position of the line with `key`."""
    return next(i for i, (k, _) in enumerate(lines) if k == key)


def keys(lines: Lines, prefix: str) -> list[str]:
    """The keys of the lines whose key starts with `prefix`."""
    return [k for k, _ in lines if k and k.startswith(prefix)]


def item_keys(lines: Lines, prefix: str) -> list[str]:
    """Keys of a table's item rows (those keyed by a numeric code)."""
    return [k for k in keys(lines, prefix) if k.split(":")[1].isdigit()]


def bump_cells(lines: Lines, key: str, positions: tuple[int, ...], delta: Decimal) -> str:
    """Add `delta` to the amounts at `positions` of a tab-separated line; returns the old text."""
    i = index(lines, key)
    cells = lines[i][1].split("\t")
    old = cells[positions[0]]
    for position in positions:
        value = Decimal(cells[position] or "0") + delta
        places = -Decimal(cells[position] or "0.00").as_tuple().exponent  # type: ignore[operator]
        cells[position] = f"{value.quantize(Decimal(1).scaleb(-places)):f}"
    lines[i] = (key, "\t".join(cells))
    return old


def replace_text(lines: Lines, key: str, old: str, new: str) -> None:
    """`old` replaced by `new` once in the line with `key`; ValueError when the line has no `old`."""
    i = index(lines, key)
    text = lines[i][1]
    if old not in text:
        raise ValueError(f"{old!r} not in line {key}")
    lines[i] = (key, text.replace(old, new, 1))


def _delta(rng: random.Random, budget: Budget) -> Decimal:
    """A visible change in the published unit: 0.01–5.00 万元 or 1–5000 元."""
    if budget.unit == "万元":
        return Decimal(rng.randint(1, 500)) / 100
    return Decimal(rng.randint(1, 5000))


Seeder = Callable[[Lines, Budget, random.Random], tuple[str, str | None, str, str]]


def table_figure(
    lines: Lines, budget: Budget, rng: random.Random
) -> tuple[str, str | None, str, str]:
    """An expenditure row's total made off by a visible amount (the row's sum fails)."""
    key = rng.choice(item_keys(lines, "expenditure:"))
    delta = _delta(rng, budget)
    old = bump_cells(lines, key, (5,), delta)
    return "row-sum:expenditure:{line}:total", "expenditure", key, f"合计 {old} +{delta}"


def column_total(
    lines: Lines, budget: Budget, rng: random.Random
) -> tuple[str, str | None, str, str]:
    """The basic expenditure table's total made off (its column's total fails)."""
    delta = _delta(rng, budget)
    old = bump_cells(lines, "basic:total", (4,), delta)
    table = "general_budget_basic_expenditure"
    return f"table-total:{table}:total", table, "basic:total", f"基本支出合计 {old} +{delta}"


def narrative_share(
    lines: Lines, budget: Budget, rng: random.Random
) -> tuple[str, str | None, str, str]:
    """The share the prose states for basic expenditure changed (the narrative's share check fails)."""
    text = lines[index(lines, "narr:spend")][1]
    share = text.split("占 ")[1].split("%")[0]
    new = Decimal(share) + Decimal(rng.randint(1, 99)) / 100
    replace_text(lines, "narr:spend", f"占 {share}%", f"占 {new}%")
    return "narrative:{line}:基本支出:share", None, "narr:spend", f"基本支出占 {share}% → {new}%"


def narrative_amount(
    lines: Lines, budget: Budget, rng: random.Random
) -> tuple[str, str | None, str, str]:
    """The project expenditure the prose states changed (the narrative's amount check fails)."""
    text = lines[index(lines, "narr:spend")][1]
    stated = text.split("项目支出 ")[1].split(" 万元")[0]
    new = Decimal(stated) + Decimal(rng.randint(1, 500)) / 100
    replace_text(lines, "narr:spend", f"项目支出 {stated} 万元", f"项目支出 {new} 万元")
    return (
        "narrative:{line}:项目支出:amount",
        "expenditure",
        "narr:spend",
        f"项目支出 {stated} → {new}",
    )


def narrative_growth(
    lines: Lines, budget: Budget, rng: random.Random
) -> tuple[str, str | None, str, str]:
    """The growth the prose states for total expenditure changed (the narrative's growth check
    fails).
    """
    text = lines[index(lines, "narr:total")][1]
    word = "增长" if "增长 " in text else "下降"
    growth = text.split(f"{word} ")[1].split("%")[0]
    new = Decimal(growth) + Decimal(rng.randint(1, 100)) / 100
    replace_text(lines, "narr:total", f"{word} {growth}%", f"{word} {new}%")
    return "narrative:{line}:支出总计:growth", None, "narr:total", f"{word} {growth}% → {new}%"


def project_count(
    lines: Lines, budget: Budget, rng: random.Random
) -> tuple[str, str | None, str, str]:
    """The number of projects the prose states changed (the narrative's count check fails)."""
    count = len(budget.projects)
    new = count + rng.randint(1, 3)
    replace_text(lines, "narr:performance", f"共 {count} 个项目", f"共 {new} 个项目")
    return (
        "narrative:{line}:涉及预算拨款:count",
        "project_expenditure",
        "narr:performance",
        f"共 {count} 个项目 → {new}",
    )


def performance_amount(
    lines: Lines, budget: Budget, rng: random.Random
) -> tuple[str, str | None, str, str]:
    """A project's amounts in the performance table changed (they no longer match the project
    table).
    """
    project = rng.choice(budget.projects)
    key = f"perf:{project.code}"
    delta = Decimal(rng.randint(2, 30)) / 10
    old = bump_cells(lines, key, (3, 4), delta)
    return (
        f"performance:project-amount:{project.code}",
        "project_performance",
        key,
        f"{project.name} {old} +{delta}万元",
    )


def missing_row(
    lines: Lines, budget: Budget, rng: random.Random
) -> tuple[str, str | None, str, str]:
    """An expenditure row removed (the table's total no longer adds up)."""
    key = rng.choice(item_keys(lines, "expenditure:"))
    removed = lines.pop(index(lines, key))[1].split("\t")[4]
    return "table-total:expenditure:total", "expenditure", "expenditure:total", f"删除 {removed}"


def cross_table(
    lines: Lines, budget: Budget, rng: random.Random
) -> tuple[str, str | None, str, str]:
    """A personnel class's basic expenditure changed, with its table's total (the economic summary
    no longer agrees).
    """
    code = rng.choice([e.code for e in budget.basic_rows if e.code.startswith("301")])
    delta = _delta(rng, budget)
    old = bump_cells(lines, f"basic:{code}", (4, 5), delta)
    bump_cells(lines, "basic:total", (4, 5), delta)
    return (
        f"cross:economic-301:{code}",
        "economic_classification_summary",
        f"economic:{code}",
        f"基本支出表 {code} {old} +{delta} (table total adjusted)",
    )


def summary_function(
    lines: Lines, budget: Budget, rng: random.Random
) -> tuple[str, str | None, str, str]:
    """A function's expenditure in the 收支总表 changed (the expenditure table no longer agrees)."""
    code = rng.choice(sorted({r.code[:3] for r in budget.functional}))
    delta = _delta(rng, budget)
    old = bump_cells(lines, f"summary:{code}", (3,), delta)
    return (
        f"cross:summary-function:{code}",
        "summary_expenditure",
        f"summary:{code}",
        f"收支总表 {code} {old} +{delta}",
    )


def three_public(
    lines: Lines, budget: Budget, rng: random.Random
) -> tuple[str, str | None, str, str]:
    """The three public expenses' reception cell changed (their row's sum fails)."""
    delta = _delta(rng, budget)
    old = bump_cells(lines, "three:total", (6,), delta)
    return (
        "row-sum:three_public_expenses:{line}:total",
        "three_public_expenses",
        "three:total",
        f"公务接待费 {old} +{delta}",
    )


def department_budget(
    lines: Lines, budget: Budget, rng: random.Random
) -> tuple[str, str | None, str, str]:
    """The department performance table's basic expenditure changed (it no longer matches the
    budget).
    """
    delta = Decimal(rng.randint(2, 50)) / 10
    old = bump_cells(lines, "dept-perf:basic", (4,), delta)
    return (
        "performance:department-budget:basic_total:{line}",
        "department_performance_indicators",
        "dept-perf:basic",
        f"整体绩效目标表 基本支出 {old} +{delta}",
    )


SEEDERS: dict[str, Seeder] = {
    "table-figure": table_figure,
    "column-total": column_total,
    "narrative-share": narrative_share,
    "narrative-amount": narrative_amount,
    "narrative-growth": narrative_growth,
    "project-count": project_count,
    "performance-amount": performance_amount,
    "missing-row": missing_row,
    "cross-table": cross_table,
    "summary-function": summary_function,
    "three-public": three_public,
    "department-budget": department_budget,
}
ERROR_KINDS = tuple(SEEDERS)


def seed_error(kind: str, lines: Lines, budget: Budget, rng: random.Random) -> SeededError:
    """Apply one error of `kind` to `lines` in place and say where the audit must flag it."""
    if kind not in SEEDERS:
        raise ValueError(f"unknown error kind {kind!r}; known: {', '.join(ERROR_KINDS)}")
    check, table, key, description = SEEDERS[kind](lines, budget, rng)
    line = index(lines, key) + 1
    return SeededError(kind, check.replace("{line}", str(line)), table, line, description)


__all__ = ["CENT", "ERROR_KINDS", "SeededError", "seed_error"]
