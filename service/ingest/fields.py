"""A layout's amount fields found by meaning, and the variants a printed table adds to them.

Each amount Column of a Layout (service.ingest.layout_columns) means what the grammar reads in
its own title (基本支出·人员经费 → spending personnel), so a printed column is the layout's
field of the same meaning, whatever words a region prints it with. A column of the same meaning
in another period or measure is a variant generated from it, never declared: 上年结转·基本支出
is carry_over_basic_total, 2025年预算数·合计 is prior_year_total (out of the cube), a 本年 group's
合计 beside a 上年结转 group is current_total. The identities of the variants come from the
kind's: a carry-over group adds up as the current one does, and total = current + carry-over.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from service import vocab
from service.ingest.grammar import Meaning, Value, meaning
from service.ingest.header_terms import PARENTS, SPENDING_TYPES
from service.ingest.layout_columns import Column
from service.ingest.layout_identities import Identity
from service.ingest.layouts import Layout, layout_by_kind

CURRENT: Value = ("period", "current")
CARRY_OVER: Value = ("period", "carry-over")
PRIOR_YEAR: Value = ("period", "prior-year")
# variants out of this budget's cube: (value, field prefix, title prefix)
_OUT_OF_CUBE = (
    (("measure", "executed"), "executed_", "执行数"),
    (("measure", "change"), "change_", "增减"),
    (("measure", "rate"), "rate_", "增减率"),
)


@dataclass(frozen=True)
class FieldSet:
    """The amount columns of a layout by the meaning of their titles."""

    layout: str
    implied: frozenset[Value]  # what every column of the kind is (一般公共预算 in its table)
    by_meaning: dict[frozenset[Value], Column]
    total: Column  # the column that means nothing more than the kind: its total

    def declared(self, name: str) -> Column | None:
        """The layout's column of that name, if it declares one."""
        return next((c for c in self.by_meaning.values() if c.name == name), None)


@cache
def field_set(layout_kind: str, side: str = "") -> FieldSet:
    """The amount fields of a layout (of one side of a two-sided layout: "right")."""
    layout = layout_by_kind(layout_kind)
    implied = frozenset(layout.implied)
    source = layout.right_columns if side == "right" else layout.columns
    columns = [c for c in (*source, *layout.extra_columns) if c.kind == "amount"]
    by_meaning: dict[frozenset[Value], Column] = {}
    for column in columns:
        read = _strip(meaning(column.title.split("·"), None), implied)
        key = read.values
        if read.unknown:
            raise ValueError(f"{layout_kind}.{column.name}: title words {read.unknown} unknown")
        if key in by_meaning and by_meaning[key].name != column.name:
            raise ValueError(
                f"{layout_kind}: {column.name} and {by_meaning[key].name} mean the same"
            )
        by_meaning.setdefault(key, column)
    if frozenset() not in by_meaning:
        raise ValueError(f"{layout_kind}: no total column")
    return FieldSet(layout_kind, implied, by_meaning, by_meaning[frozenset()])


def _strip(read: Meaning, implied: frozenset[Value]) -> Meaning:
    """The meaning without what the kind implies, and without 本年 where it names a part (本年
    is the default period; alone it is the current group's total)."""
    read = read.without(*(read.values & implied))
    if CURRENT in read.values and len(read.values) > 1:
        read = read.without(CURRENT)
    return read


@dataclass(frozen=True)
class Context:
    """What a column's meaning depends on beside its own words: the table's other columns."""

    periods: bool = False  # a carry-over group is printed: a 本年 group's total is current_total
    keep: frozenset[str] = frozenset()  # dimensions whose implied value is a part here


def context_of(meanings: list[Meaning]) -> Context:
    """The context the columns of one table make for each other."""
    return Context(any(CARRY_OVER in read.values for read in meanings))


def resolve(
    fields: FieldSet, reads: list[Meaning], context: Context
) -> list[tuple[Column | None, Context]]:
    """Each column's field, the columns of one table read together: a column that prints the
    kind's own value (一般公共预算 in a 三公 table) is the kind's total, unless the table prints
    that total too (合计 | 一般公共预算 | 政府性基金): then it is a part of it, of that value."""
    found = [column_for(fields, read, context) for read in reads]
    names = [column.name if column else None for column in found]
    out = [(column, context) for column in found]
    for index, (column, read) in enumerate(zip(found, reads, strict=True)):
        implied = {d for d, v in read.values if (d, v) in fields.implied}
        if column is None or not implied or names.count(column.name) < 2:
            continue
        own = replace(context, keep=context.keep | frozenset(implied))
        out[index] = (column_for(fields, read, own), own)
    return out


def column_for(fields: FieldSet, read: Meaning, context: Context = Context()) -> Column | None:
    """The layout's column (or a generated variant) a printed column of meaning `read` is;
    None when the layout has no such field.

    What the kind implies (一般公共预算 in its own table) is taken off, unless the table prints
    that dimension with other values too (合计 | 一般公共预算 | 政府性基金 beside each other)."""
    implied = frozenset(v for v in fields.implied if v[0] not in context.keep)
    read = _strip(read, implied)
    if read.unknown:
        return None
    values = set(read.values)
    if not context.periods and frozenset(values) not in fields.by_meaning:
        values.discard(CURRENT)  # 本年 means nothing more where nothing else is printed
    for value, prefix, title in _OUT_OF_CUBE:
        if value in values:
            inner = Meaning(frozenset(values - {value}), read.year, (), read.parts)
            base = column_for(fields, inner, context)
            return _variant(base, prefix, title) if base else None
    if read.year is not None or PRIOR_YEAR in values:
        base = _lookup(fields, values - {PRIOR_YEAR, CURRENT}, read.parts)
        return _variant(base, "prior_year_", "上年预算数") if base else None
    found = _lookup(fields, values, read.parts)
    if found is not None:
        return found
    if CARRY_OVER in values:
        base = _lookup(fields, values - {CARRY_OVER}, read.parts)
        return _carried(base) if base else None
    if values == {CURRENT}:
        return _current(fields.total)
    return None


def _lookup(fields: FieldSet, values: set[Value], printed: tuple[str, ...]) -> Column | None:
    """The declared column of these values, else one of its parts, else one qualified by a
    dimension the kind does not split by (三公 by fund: 因公出国 of 一般公共预算)."""
    found = _declared(fields, values) or _part(fields, values, printed)
    if found is not None:
        return found
    dimensions = {d for key in fields.by_meaning for d, _ in key} | {"period"}
    extra = [(d, v) for d, v in values if d not in dimensions]
    if len(extra) != 1:
        return None
    base = _declared(fields, values - set(extra)) or _part(fields, values - set(extra), printed)
    if base is None:
        return None
    dimension, value = extra[0]
    # of the kind's own dimension (三公 of 政府性基金 beside the 一般公共预算 the kind is of), a
    # sibling of the declared column, not one of its parts
    sibling = any(d == dimension for d, _ in fields.implied)
    return Column(
        f"{base.name}_{value.replace('-', '_')}",
        f"{base.title}·{printed[-1] if printed else value}",
        description=f"{base.name} of {dimension} {value}.",
        expenditure_type=(
            SPENDING_TYPES[value] if dimension == "spending" else base.expenditure_type
        ),
        fund_source=value if dimension == "fund" else base.fund_source,
        economic_class=base.economic_class,
        part_of=None if sibling else base.name,
    )


def _declared(fields: FieldSet, values: set[Value]) -> Column | None:
    return fields.by_meaning.get(frozenset(values))


def _part(
    fields: FieldSet, values: set[Value], printed: tuple[str, ...], of_which: bool = False
) -> Column | None:
    """A value the layout does not declare, a part of one it does (教育收费 of 财政专户): a
    column of its own, one part of that column."""
    for dimension, value in values:
        parent = PARENTS.get((dimension, value))
        if parent is None:
            continue
        base = _declared(fields, (values - {(dimension, value)}) | {(dimension, parent)})
        if base is not None:
            return Column(
                f"{base.name}_{value.replace('-', '_')}",
                f"{base.title}·{printed[-1] if printed else value}",
                description=f"A part of {base.name}: {dimension} {value}.",
                expenditure_type=base.expenditure_type,
                fund_source=value if dimension == "fund" else base.fund_source,
                economic_class=base.economic_class,
                part_of=None if of_which else base.name,  # 其中：… is a part, not all of them
            )
    return None


def _variant(base: Column, prefix: str, title: str) -> Column:
    part_of = prefix + base.part_of if base.part_of else None
    return replace(
        base, name=prefix + base.name, title=f"{title}·{base.title}", in_cube=False, part_of=part_of
    )


def _carried(base: Column) -> Column:
    fund = f"carry-over-{base.fund_source}"
    return replace(
        base,
        name="carry_over_" + base.name,
        title=f"上年结转·{base.title}",
        fund_source=fund if fund in vocab.labels("fund-source") else "carry-over",
        part_of="carry_over_" + base.part_of if base.part_of else None,
    )


def _current(total: Column) -> Column:
    return replace(total, name="current_" + total.name, title=f"本年·{total.title}")


def variant_identities(
    layout: Layout, names: set[str], own: list[Column] | tuple[Column, ...] = ()
) -> tuple[Identity, ...] | None:
    """The row identities of a table that prints the fields `names` (its `own` columns among
    them: variants and parts generated for it), or None when it prints only the kind's own
    columns (its identities are the kind's).

    The kind's identities hold in each period group: with a carry-over group printed, the kind's
    total is the current group's (current_total) and total = current_total + carry_over_total;
    every identity holds among another year's columns as among this year's; a column printed
    in parts (教育收费, 其他专户收入 of 财政专户) is their sum."""
    declared = {c.name for c in (*layout.columns, *layout.right_columns, *layout.extra_columns)}
    generated = names - declared
    if not generated:
        return None
    total = field_set(layout.kind).total.name
    found: list[Identity] = list(layout.identities)
    carried = any(n.startswith("carry_over_") for n in generated)
    if carried and not any(t == total and "carry_over_total" in p for t, p in found):
        current = f"current_{total}"
        found = [(current if t == total else t, p) for t, p in found]
        found.append((total, (current, f"carry_over_{total}")))
    for prefix in ("carry_over_", "prior_year_"):
        if any(n.startswith(prefix) for n in generated):
            found += [
                (prefix + t, tuple(prefix + p for p in parts))
                for t, parts in layout.identities
                if prefix + t in names
            ]
    wholes: dict[str, list[str]] = {}
    for column in own:
        if column.part_of and column.name in names:
            wholes.setdefault(column.part_of, []).append(column.name)
    found += [(whole, tuple(members)) for whole, members in wholes.items()]
    return tuple(found)
