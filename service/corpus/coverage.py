"""Which documents a corpus-wide view covers, and why it leaves out the others.

A view is an analysis kind (`three-public-expenses`: its cube) or a table kind (the
resource name: `three_public_expenses`, its cube and its combined download). A document is
covered when it has that analysis data set, or that table read typed; every other document
is listed with the reason its own descriptor gives (service.package.coverage): the aggregate
API, the combined downloads, the organisation and code pages and the search exports all
state coverage from here, so they never disagree and never leave a department out silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from service.package import coverage
from service.package.analysis import BY_NAME


@dataclass(frozen=True)
class Standing:
    """What a view needs of one department package (small: kept for every package)."""

    dataset: str
    department: str
    year: int
    typed: frozenset[str]  # resources read typed
    analyses: frozenset[str]  # analysis data sets made
    not_made: tuple[dict[str, Any], ...]  # the descriptor's analysesNotMade
    tables: tuple[dict[str, Any], ...]  # the descriptor's tables
    contents: tuple[dict[str, Any], ...]  # the descriptor's contents (目录)

    def gap(self, view: str) -> dict[str, Any] | None:
        """Why this document is not in `view` (None: it is)."""
        if view in BY_NAME:
            if view in self.analyses:
                return None
            stated = next((g for g in self.not_made if g["name"] == view), None)
            if stated is not None:
                return stated
            resources = [s.resource for s in BY_NAME[view].sources]
            return coverage.gap(view, resources, self.tables, self.contents) or coverage.entry(
                view, "no-leaf-amounts", "", []
            )
        if view in self.typed:
            return None
        return coverage.gap(view, [view], self.tables, self.contents)


def standing(descriptor: dict[str, Any]) -> Standing:
    """A department package's standing, from its datapackage.json."""
    facts = next((r for r in descriptor.get("resources", []) if r.get("name") == "facts"), {})
    tables = tuple(descriptor.get("tables", []))
    printed = {t["resource"] for t in tables if t.get("read") == "as-printed"}
    return Standing(
        dataset=str(descriptor["name"]),
        department=str(descriptor.get("department", "")),
        year=int(descriptor.get("fiscalYear", 0)),
        typed=frozenset(
            r["name"]
            for r in descriptor.get("resources", [])
            if r.get("format") == "csv" and r["name"] not in printed
        ),
        analyses=frozenset(a["name"] for a in facts.get("analyses", [])),
        not_made=tuple(facts.get("analysesNotMade", [])),
        tables=tables,
        contents=tuple(descriptor.get("contents", [])),
    )


def _document(s: Standing) -> dict[str, Any]:
    return {"dataset": s.dataset, "department": s.department, "year": s.year}


def view_coverage(
    view: str,
    standings: Iterable[Standing],
    years: Sequence[str] | None = None,
    departments: Sequence[str] | None = None,
    datasets: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Which documents (of the years, departments or datasets asked for) `view` covers,
    and each one it does not with its reason."""
    chosen = [
        s
        for s in standings
        if (not years or str(s.year) in years)
        and (not departments or s.department in departments)
        and (not datasets or s.dataset in datasets)
    ]
    chosen.sort(key=lambda s: (s.year, s.department, s.dataset))
    covered, missing = [], []
    for s in chosen:
        gap = s.gap(view)
        if gap is None:
            covered.append(_document(s))
        else:
            missing.append({**_document(s), **{k: v for k, v in gap.items() if k != "name"}})
    return {
        "view": view,
        "documents": len(chosen),
        "covered": len(covered),
        "years": sorted({d["year"] for d in covered}),
        "coveredDocuments": covered,
        "notCovered": missing,
    }


def sentence(found: dict[str, Any]) -> str:
    """The coverage as one line for a file's notes: covered count, then each left out."""
    left = "；".join(
        f"{m['department']} {m['year']}：{m['reasonLabel']['zh']}"
        + (f"（{m['detail']}）" if m.get("detail") else "")
        for m in found["notCovered"]
    )
    head = f"{found['covered']}/{found['documents']} 个文件 documents"
    return f"{head}；未覆盖 not covered：{left}" if left else f"{head}（全部 all）"
