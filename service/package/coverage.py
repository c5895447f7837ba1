"""Why a document is missing from a view: no department is left out silently.

A corpus-wide view (an analysis cube, a table kind's combined download, a chart) holds a
document only when the document's table of that kind was read typed. Every other document
is listed with a reason, as data: the table is not printed at all, the document's own
contents (目录) say it is empty, it is printed but kept as printed (with the reader's reason),
or it is typed but gives the analysis nothing it can add up. The reasons are made here from
the descriptor's `tables` (and `contents`), so the package, the combined years and the web
say the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from service.ingest.layouts import LAYOUTS
from service.ingest.model import Document

REASONS: dict[str, tuple[str, str]] = {  # code → (zh label, en label)
    "not-printed": ("未印发该表", "the document prints no table of this kind"),
    "listed-empty": ("目录注明为空表", "the document's contents list this table as empty"),
    "kept-as-printed": (
        "该表按原样保留（未能按类型读取）",
        "the table is printed but kept as printed (not read typed)",
    ),
    "other-reading": (
        "该表以其他形式读取",
        "the table is read typed, but as a table this view does not draw from",
    ),
    "no-leaf-amounts": ("无可加总的明细金额", "the table has no leaf amounts to add up"),
    "uncoded-leaves": (
        "明细行缺少分类编码",
        "a leaf row lacks the code the analysis is classified by",
    ),
}
_WHY = re.compile(r"\(([^()]*)\)\s*$")  # the reader's reason closes its generic-table warning


@lru_cache(maxsize=1)
def _kinds() -> dict[str, frozenset[str]]:
    """resource → the catalogue kinds whose typed reading writes it."""
    found: dict[str, set[str]] = {}
    for layout in LAYOUTS:
        for resource in layout.resources:
            found.setdefault(resource, set()).add(layout.title_kind)
    return {resource: frozenset(kinds) for resource, kinds in found.items()}


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, str]:
    """A typed table's layout kind → its catalogue kind (三公 with 机关运行经费 is 三公)."""
    return {layout.kind: layout.title_kind for layout in LAYOUTS}


def catalogue_kind(kind: str | None) -> str | None:
    """The catalogue kind a descriptor's table entry is of (typed entries name a layout)."""
    return _catalogue().get(kind or "", kind)


def printed_kinds(resources: Iterable[str]) -> frozenset[str]:
    """The table kinds a document prints when it prints a table for any of `resources`."""
    return frozenset().union(*(_kinds().get(r, frozenset()) for r in resources))


def kept_reason(message: str) -> str:
    """The reader's reason for keeping a table as printed, out of its warning's message
    ("… kept as printed in resource 'x' (no classification code column)")."""
    found = _WHY.search(message)
    return found.group(1) if found else message


def label(reason: str) -> dict[str, str]:
    """A reason code's labels, for pages and JSON."""
    zh, en = REASONS.get(reason, (reason, reason))
    return {"zh": zh, "en": en}


def _shown(table: dict[str, Any]) -> dict[str, Any]:
    """A printed table as a gap names it: enough to find it in the document."""
    keys = ("resource", "title", "label", "kind", "read", "pages", "reason")
    return {key: table[key] for key in keys if table.get(key) is not None}


def gap(
    name: str,
    resources: Sequence[str],
    tables: Sequence[dict[str, Any]],
    contents: Sequence[dict[str, Any]] = (),
) -> dict[str, Any] | None:
    """Why a document has none of `resources` typed (None when it has one): from its
    descriptor's `tables` and `contents`."""
    if any(t["resource"] in resources and t.get("read") == "typed" for t in tables):
        return None
    kinds = printed_kinds(resources)
    printed = [t for t in tables if catalogue_kind(t.get("kind")) in kinds]
    kept = [t for t in printed if t.get("read") == "as-printed"]
    if kept:
        why = "; ".join(f"{t.get('label') or t['title']}: {t.get('reason', '')}" for t in kept)
        return entry(name, "kept-as-printed", why, kept)
    if printed:
        names = ", ".join(t["resource"] for t in printed)
        return entry(name, "other-reading", f"read typed as {names}", printed)
    empty = [c for c in contents if c.get("kind") in kinds and c.get("empty")]
    if empty:
        return entry(name, "listed-empty", "; ".join(c["title"] for c in empty), [])
    return entry(name, "not-printed", "", [])


def entry(name: str, reason: str, detail: str, tables: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One gap as the descriptor and the web state it."""
    return {
        "name": name,
        "reason": reason,
        "reasonLabel": label(reason),
        "detail": detail,
        "tables": [_shown(t) for t in tables],
    }


def printed_tables(document: Document) -> list[dict[str, Any]]:
    """The descriptor's `tables`: which printed tables the reader typed and which it kept as
    printed, each of those with the reader's reason."""
    why = {w.table: kept_reason(w.message) for w in document.warnings if w.type == "generic-table"}
    found = []
    for table in document.tables.values():
        typed = table.kind != "generic"
        entry_ = {
            "resource": table.resource,
            "title": table.title,
            "label": table.label,
            "kind": table.kind if typed else table.recognised,
            "read": "typed" if typed else "as-printed",
            "pages": table.pages,
            "unit": table.unit or None,
        }
        if not typed:
            entry_["reason"] = why.get(table.resource, "")
        if table.reasons:  # the reader's reasons as records (code, column, field, page)
            entry_["reasons"] = [
                {k: v for k, v in vars(reason).items() if v is not None} for reason in table.reasons
            ]
        found.append(entry_)
    return found


def contents(document: Document) -> list[dict[str, Any]]:
    """The tables the document's own contents (目录) list, and whether it says each is empty."""
    return [
        {"kind": item.kind, "title": item.title, "page": item.page, "empty": item.empty}
        for item in document.listed
    ]


def kind_title(resource: str) -> str | None:
    """A table kind's own title (部门支出总表), not one document's wording of it ("2025年部门
    支出总体情况表"): the catalogue's, for every document of the kind."""
    from service.ingest.catalogue import BY_KIND

    kinds = sorted(_kinds().get(resource, ()))
    titles = [BY_KIND[k].title_zh for k in kinds if k in BY_KIND]
    if len(titles) != 1:
        return None
    twins = [r for r, k in _kinds().items() if k == frozenset(kinds) and r != resource]
    side = "收入" if resource.endswith("_income") else "支出"  # a two-sided table's sides
    return (
        f"{titles[0]}（{side}）"
        if twins and resource.endswith(("_income", "_expenditure"))
        else titles[0]
    )
