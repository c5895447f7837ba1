"""The registry of templates: which version of the national disclosure template a document
follows, and what the audit holds it to. Declared once here; readers stamp a document with
its template's name, and run_audit dispatches on it.

Adding a region's template means adding a declaration (and, if it needs them, its own extra
checks in service/audit), not editing the audit's code.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT = "cn-department-budget-14"
SHANGHAI = "shanghai-department-budget"
NATIONAL = "cn-national-pdf"
COMBINED = "budgetpub-combined-year"


@dataclass(frozen=True)
class Template:
    name: str
    description: str
    # which narrative figures the audit holds to the tables: amounts, counts, shares, growth
    narrative_checks: tuple[str, ...] = ("amount", "count", "share", "growth")
    # status of a narrative amount that disagrees with the table it names
    narrative_mismatch: str = "fail"
    # extra check families of service.audit run on this template's documents
    extra_checks: tuple[str, ...] = ()


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template(
            TEXT,
            "The national template's 14 tables as tab-separated text (Henan, 洛阳).",
        ),
        Template(
            SHANGHAI,
            "Shanghai's district department budget: 9 tables in 元, read strictly.",
            extra_checks=("shanghai",),
        ),
        Template(
            NATIONAL,
            "Any region's PDF: printed tables recognised by the catalogue, typed where their "
            "columns are known, the rest kept as printed. The narrative is read as rejoined "
            "paragraphs, where a share or growth rate cannot be paired with its figures "
            "reliably and a stated amount is paired with its table by its words.",
            narrative_checks=("amount",),
            narrative_mismatch="warn",
        ),
    )
}


def template(name: str) -> Template:
    """The declaration of a document's template (an unknown name gets the defaults)."""
    return TEMPLATES.get(name) or Template(name, "")
