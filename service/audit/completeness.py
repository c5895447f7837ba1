"""Is every table there? The ones the document's 目录 lists, and the ones its figures need.

A table the contents list but the document lacks is named (said withheld when the document
says 涉密); a fund the summary shows money in with no table of that fund's spending is a
failing check: the figures require the table, so its absence is not silence.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from service.audit.checks import Check
from service.ingest.catalogue import BY_KIND
from service.ingest.model import Document

# fund source on the summaries' income side → the table of its spending
FUND_TABLES = {
    "government-fund": "government_fund_expenditure",
    "state-capital": "state_capital_expenditure",
}


def present(document: Document) -> set[str]:
    """Catalogue kinds the document has, typed or kept as printed."""
    kinds = {t.recognised for t in document.tables.values() if t.recognised}
    kinds |= {t.kind for t in document.tables.values() if t.kind in BY_KIND}
    kinds |= {name for name in document.tables if name in BY_KIND}  # the text reader's names
    if {"summary_income", "summary_expenditure"} & set(document.tables):
        kinds.add("summary")
    if {"fiscal_summary_income", "fiscal_summary_expenditure"} & set(document.tables):
        kinds.add("fiscal_summary")
    return kinds


def completeness_checks(document: Document) -> Iterator[Check]:
    """A check for each table the contents list that the document does not print: a pass where the
    contents call it empty, a warning otherwise (saying so where the document withholds content
    as 涉密).
    """
    have = present(document)
    withheld = "涉密" in document.text
    for listed in document.listed:
        if listed.kind in have:
            continue
        why = "listed as empty in the contents" if listed.empty else "not in the document"
        if withheld and not listed.empty:
            why += " (the document says some content is withheld as 涉密)"
        yield Check(
            f"missing-table:{listed.kind}",
            "pass" if listed.empty else "warn",
            listed.title,
            None,
            None,
            None,
            f"目录 (page {listed.page}) lists {listed.title!r}: {why}",
        )
    yield from _required(document, have)


def _required(document: Document, have: set[str]) -> Iterator[Check]:
    for resource in ("summary_income", "fiscal_summary_income"):
        table = document.tables.get(resource)
        for row in table.rows if table else []:
            needed = FUND_TABLES.get(row.get("item_code") or "")
            amount = row.get("amount")
            if needed and isinstance(amount, Decimal) and amount > 0 and needed not in have:
                yield Check(
                    f"required-table:{needed}",
                    "fail",
                    BY_KIND[needed].title_zh,
                    None,
                    resource,
                    row["source_line"],
                    f"{row['item']} is {amount:f} yuan, but the document has no "
                    f"{BY_KIND[needed].title_zh}",
                )
    spending = document.tables.get("expenditure")
    total = spending.first("total") if spending else None
    project = total.get("project_total") if total else None
    if isinstance(project, Decimal) and project > 0 and not have & {"project_expenditure"}:
        yield Check(
            "required-table:project_expenditure",
            "warn",
            BY_KIND["project_expenditure"].title_zh,
            None,
            "expenditure",
            total["source_line"],
            f"项目支出 {project:f} yuan in the 支出总表, but no 项目支出表 details it "
            "(not every region's template has one)",
        )
