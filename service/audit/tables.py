"""Checks inside one table: columns against their total row, rows against their parts."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from service.audit.checks import Check, compare, count, rounding_tolerance, total
from service.ingest.classifications import SECOND_CODES
from service.ingest.layout_identities import BASIC_PARTS, Identity
from service.ingest.layouts import LAYOUTS
from service.ingest.model import Row, Table


def _row_identities_by_resource() -> dict[str, tuple[Identity, ...]]:
    """Each resource's row identities, as its table kind declares them (service.ingest.layouts):
    a kind's identities hold in its main resource, the side of a two-sided table that has the
    identity's total column."""
    found: dict[str, tuple[Identity, ...]] = {}
    for layout in LAYOUTS:
        sides = (
            [(layout.resources[0], (*layout.columns, *layout.extra_columns))]
            if layout.resources
            else []
        )
        if layout.right_columns:
            sides.append((layout.resources[1], layout.right_columns))
        for resource, columns in sides:
            names = {column.name for column in columns}
            own = tuple(i for i in layout.identities if i[0] in names)
            found[resource] = found.get(resource, ()) + tuple(
                i for i in own if i not in found.get(resource, ())
            )
    return {resource: identities for resource, identities in found.items() if identities}


ROW_IDENTITIES = _row_identities_by_resource()
CODE_FIELDS = ("functional_code", "economic_departmental_code")


def leaves(table: Table) -> list[Row]:
    """The rows a total adds up: items, else units, else departments."""
    for row_type in ("item", "unit", "department"):
        rows = [row for row in table.rows if row["row_type"] == row_type]
        if rows:
            return rows
    return []


def check_table(table: Table) -> Iterator[Check | None]:
    """Every check of one table; None where a column is blank on both sides (no check)."""
    if table.resource.startswith(("summary_", "fiscal_summary_")):
        yield from _row_identities(table)
        return
    yield from _column_totals(table)
    yield from _subtotals(table)
    yield from _row_identities(table)


def _column_totals(table: Table) -> Iterator[Check | None]:
    total_row = table.first("total")
    if total_row is None:
        return
    parts = leaves(table)
    if not parts and len(table.rows) == 1:
        return  # a one-row table (Shanghai's 三公) is its own total: nothing to add up
    departments = [row for row in table.rows if row["row_type"] == "department"]
    for name in _amount_columns(table):
        said = f"{table.title} {name} 合计 = Σ rows"
        values = [row.get(name) for row in parts]
        yield _sum_check(
            table, f"table-total:{table.resource}:{name}", total_row, name, values, said
        )
        for dept in departments if parts and parts[0]["row_type"] != "department" else []:
            yield compare(
                f"department-total:{table.resource}:{dept.get('unit_code')}:{name}",
                total_row.get(name),
                dept.get(name),
                table.resource,
                dept["source_line"],
                f"{table.title} {name} department row = 合计",
            )


def _subtotals(table: Table) -> Iterator[Check | None]:
    key = next((f for f in CODE_FIELDS if f in table.fields), None)
    if key is None:
        return
    items = table.items()
    for row in table.rows:
        if row["row_type"] != "subtotal" or not row.get(key):
            continue
        code = row[key]
        children = [item for item in items if item[key] and item[key].startswith(code)]
        for second in SECOND_CODES:  # a subtotal under a second code (301 under 505) adds its own
            if row.get(second):
                children = [c for c in children if (c.get(second) or "").startswith(row[second])]
        for name in _amount_columns(table):
            check_id = f"subtotal:{table.resource}:{code}:{name}"
            values = [child.get(name) for child in children]
            said = f"{table.title} {code} subtotal {name} = Σ items"
            yield _sum_check(table, check_id, row, name, values, said)


def _expand(table: Table, parts: tuple[str, ...], depth: int = 0) -> list[str]:
    """The printed columns that make up `parts`: a part the table does not print stands for
    its own parts (本年收入 for its funds, 基本支出 for 人员经费 and 公用经费) when the table
    prints every one of them; else it is left out, as a blank column is."""
    found: list[str] = []
    for part in parts:
        if part in table.fields:
            found.append(part)
        elif depth < 3:
            found += _complete(table, part, depth)
    return found


def identities(table: Table) -> tuple[Identity, ...]:
    """The row identities that hold in a table: its own where its columns are variants of its
    kind's (a carry-over group, another year's), else its kind's."""
    if table.identities is not None:
        return table.identities
    return ROW_IDENTITIES.get(table.resource, ())


def _complete(table: Table, part: str, depth: int) -> list[str]:
    for target, own in [*identities(table), ("basic_total", BASIC_PARTS)]:
        if target != part:
            continue
        inner = [p if p in table.fields else _complete(table, p, depth + 1) for p in own]
        if all(inner):
            return [q for p in inner for q in ([p] if isinstance(p, str) else p)]
    return []


def _printed_under(table: Table, part: str, depth: int = 0) -> bool:
    """Whether the table prints any column a part is made of (however deep)."""
    if part in table.fields:
        return True
    return depth < 3 and any(
        _printed_under(table, inner, depth + 1)
        for target, own in [*identities(table), ("basic_total", BASIC_PARTS)]
        if target == part
        for inner in own
    )


def _undetermined(table: Table, parts: tuple[str, ...]) -> bool:
    """An identity the table cannot check: a part it does not print is made of columns it prints
    only some of (财政拨款 when 国有资本 is missing beside 一般公共预算): neither that part nor
    its blank can be summed. Another identity (one with the parts themselves) checks it."""
    return any(
        part not in table.fields and not _complete(table, part, 0) and _printed_under(table, part)
        for part in parts
    )


def _row_identities(table: Table) -> Iterator[Check | None]:
    for row in table.rows:
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for target, parts in identities(table):
            present = _expand(table, parts)
            if target not in table.fields or not present or _undetermined(table, parts):
                continue
            if (target, tuple(present)) in seen:
                continue  # two ways of saying one sum (财政拨款, or its parts) check it once
            seen.add((target, tuple(present)))
            if row.get(target) is None and all(row.get(p) is None for p in present):
                continue
            check_id = f"row-sum:{table.resource}:{row['source_line']}:{target}"
            said = f"{table.title} line {row['source_line']}: {target} = {' + '.join(present)}"
            yield _sum_check(table, check_id, row, target, [row.get(p) for p in present], said)


def _sum_check(
    table: Table,
    check_id: str,
    row: Row,
    stated: str,
    parts: list[Decimal | None],
    message: str,
) -> Check | None:
    """A row's figure `stated` held to the sum of the `parts` it says it adds up, within what
    rounding so many printed amounts can explain."""
    return compare(
        check_id,
        row.get(stated),
        total(parts),
        table.resource,
        row["source_line"],
        message,
        tolerance=rounding_tolerance(table, count(parts)),
    )


def _amount_columns(table: Table) -> list[str]:
    skip = {"source_line"}
    return [
        name
        for name in table.fields
        if name not in skip and any(hasattr(row.get(name), "as_tuple") for row in table.rows)
    ]
