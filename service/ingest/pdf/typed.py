"""功能分类 and 经济分类 tables read into the typed resources the audit and the cube use.

The leading columns (codes, names) are found by their words and cells, the amount columns by
the header grammar (pdf/header.py); a table is typed only when every figure it prints lands in
a typed cell, else it stays as printed (generic.py) with every reason why (reasons.py). Codes are read in every printed form: split 类/款/项 columns (201 08 01), one joined
column (2010801), joined to the name ([2010801]行政运行, 2010801-行政运行, 2010801 行政运行), and a
款/项 segment that lost its leading zero (301 2 under 301 is 30102, with a warning).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from service.ingest.cells import is_blank, normalise, to_yuan
from service.ingest.fields import variant_identities
from service.ingest.layout_columns import Column
from service.ingest.layouts import Layout, readings
from service.ingest.model import ReaderWarning, Row, Table
from service.ingest.pdf.columns import header_parts
from service.ingest.pdf.generic import raw_rows
from service.ingest.pdf.header import ColumnRead, header_paths, names_amount, read_amounts
from service.ingest.pdf.segment import Printed
from service.ingest.reasons import NotTyped, Reason, check
from service.ingest.row_codes import identity, with_codes
from service.ingest.rows import FUNCTIONAL_LEADING, functional_row

_CODE_NAME = re.compile(
    r"^[\[【(（]?(?P<code>\d{3}(?:\s?\d{1,2}){0,2})[\]】)）]?\s*[-—－.、:：\s]?\s*(?P<name>\D.*)?$"
)
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
_TOTAL_WORDS = ("合计", "总计")


@dataclass
class Columns:
    """Which printed column is which: codes, name, amounts (field by column index)."""

    split: list[int] = field(default_factory=list)  # 类, 款, 项 columns
    code: int | None = None
    name: int | None = None
    joined: int | None = None  # code and name in one cell
    amounts: dict[int, str] = field(default_factory=dict)
    fields: dict[int, Column] = field(default_factory=dict)  # the amount columns' Columns
    reads: list[ColumnRead] = field(default_factory=list)  # what each printed column is


def typed_table(
    printed: Printed,
    unit: str,
    year: int,
    warnings: list[ReaderWarning],
    layout: Layout | None = None,
) -> Table:
    """The typed table of `layout` (functional or economic rows; by default its kind's first
    reading of either) for a printed table, or NotTyped saying every reason why not."""
    layout = layout or reading_of(printed.kind or "", ("functional", "economic"))
    if unit not in ("万元", "元"):
        raise NotTyped(f"amounts in {unit or 'an unknown unit'}", code="unit")
    titles, raw = raw_rows(printed)
    where = (layout.resources[0], printed.name, printed.pages)
    titles, raw, finish = with_codes(titles, raw, layout.family, where, warnings)
    columns = _columns(header_paths(titles), raw, layout, year)
    order = [c.name for c in (*layout.columns, *layout.right_columns, *layout.extra_columns)]
    own = {c.name: c for c in columns.fields.values() if c.name not in order}
    order += list(own)
    amounts = sorted({c.name for c in columns.fields.values()}, key=order.index)
    leading = _leading(layout)
    table = printed.new_table(layout.resources[0], layout.kind, unit, leading + amounts)
    table.own_columns = list(own.values())
    table.identities = variant_identities(layout, set(amounts), table.own_columns)
    table.header = columns.reads
    rows = []
    previous: list[str] = []  # the last row's 类/款/项, for rows that print only their own part
    for piece, index, cells in raw:
        line = piece.page.line_for(piece.grid.row_boxes[index])
        if line is None:
            raise NotTyped(f"a row on page {piece.page.number} with no text line", code="no-line")
        row = _row(
            layout, columns, cells, line.number, piece.page.number, warnings, table, previous
        )
        if row is None:
            continue
        for column, name in columns.amounts.items():
            text = cells[column]
            value = None if is_blank(text) else amount_text(text, piece.page.number)
            if name in row and row[name] is not None and value is not None:
                raise NotTyped(f"two columns read as {name}", code="two-columns-one-field")
            row[name] = to_yuan(value, unit) if value is not None else row.get(name)
        rows.append(row)
    _row_types(rows, _code_field(layout))
    table.decimals = decimals([cells[i] for _, _, cells in raw for i in columns.amounts])
    table.rows = rows
    finish(table)
    codes = Counter(identity(row, _code_field(layout)) for row in rows if row[_code_field(layout)])
    twice = [code for code, count in codes.items() if count > 1]
    if twice:
        raise NotTyped(
            f"code {twice[0]} on {codes[twice[0]]} rows (rows by unit or project)",
            code="code-twice",
        )
    if len({row["source_line"] for row in rows}) != len(rows):
        raise NotTyped("two rows on one text line", code="two-rows-one-line")
    _check_every_figure(raw, columns, rows, unit)
    return table


def reading_of(kind: str, families: tuple[str, ...]) -> Layout:
    """A catalogue kind's first layout read by one of `families`, or NotTyped."""
    found = next((layout for layout, family in readings(kind) if family in families), None)
    if found is None:
        raise NotTyped(
            f"no {'/'.join(families)} reading for {kind or 'this table'}", code="no-reading"
        )
    return found


def _leading(layout: Layout) -> list[str]:
    if layout.family == "functional":
        return list(FUNCTIONAL_LEADING)
    return [
        "source_line",
        "row_type",
        "economic_departmental_code",
        "economic_departmental_class",
        "economic_departmental_name",
    ]


def _code_field(layout: Layout) -> str:
    return "functional_code" if layout.family == "functional" else "economic_departmental_code"


def _columns(paths: list[tuple[str, ...]], raw: list, layout: Layout, year: int) -> Columns:
    """Which printed column is which: the leading columns by their words and content, the
    amounts by the header grammar; every reason the table cannot be typed, at once."""
    found = Columns()
    reasons: list[Reason] = []
    candidates: list[tuple[int, tuple[str, ...]]] = []
    for index, path in enumerate(paths):
        values = [cells[index] for _, _, cells in raw if not is_blank(cells[index])]
        parts = header_parts("·".join(path))
        if not values and not parts:
            continue  # an empty margin column
        leaf = parts[-1] if parts else ""
        role = _leading_role(leaf, values, found)
        if role == "by-unit":
            reasons.append(
                Reason("rows-by-unit", f"rows by unit ({leaf})", "·".join(path), page=None)
            )
            continue
        if role in ("skip", "split", "joined", "code", "name"):
            if role in ("joined", "code") and (found.joined is not None or found.code is not None):
                reasons.append(
                    Reason(
                        "two-code-columns",
                        "two code columns (function and economic classification)",
                        "·".join(path),
                    )
                )
            elif role == "split":
                found.split.append(index)
            elif role == "joined":
                found.joined = index
            elif role == "code":
                found.code = index
            elif role == "name":
                found.name = index
            found.reads.append(ColumnRead(index, path, role))
            continue
        if not values and not _money(leaf) and not names_amount(path, year):
            found.reads.append(ColumnRead(index, path, "blank"))
            continue
        candidates.append((index, path))
    fields, reads, more = read_amounts(candidates, layout.kind, year)
    found.fields = fields
    found.amounts = {index: column.name for index, column in fields.items()}
    found.reads = sorted(found.reads + reads, key=lambda r: r.index)
    reasons += more
    if not found.amounts:
        reasons.append(Reason("no-amount-column", "no amount column"))
    if not (found.split or found.code is not None or found.joined is not None):
        reasons.append(Reason("no-code-column", "no classification code column"))
    check(reasons)
    return found


def _leading_role(leaf: str, values: list[str], found: Columns) -> str | None:
    """What a column before the amounts is, by its header word and its cells: skip (序号, a
    unit named once), by-unit (rows by unit), split (类/款/项), joined (code and name in one
    cell), code, name; None for an amount column."""
    if re.search(r"序号|预算单位|单位名称|单位编码|单位代码", leaf) and not _numbers(values):
        if len({normalise(v) for v in values}) > 1 and "序号" not in leaf:
            return "by-unit"
        return "skip"
    if leaf in ("类", "款", "项") or (
        values
        and all(re.fullmatch(r"\d{1,3}", normalise(v)) for v in values)
        and len(found.split) < 3
        and not _money(leaf)
    ):
        return "split"
    matches = [m for v in values if (m := _CODE_NAME.match(normalise(v)))]
    if (
        values
        and len(matches) >= len(values) * 0.6
        and any(m["name"] for m in matches)
        and not _numbers(values)
    ):
        return "joined"
    if re.search(r"编码|代码", leaf) or (
        values and all(re.fullmatch(r"\d{3,7}", normalise(v)) for v in values) and not _money(leaf)
    ):
        return "code"
    if re.search(r"名称|科目|^项\s*目$", leaf) and not _numbers(values):
        return "name"
    return None


def _money(leaf: str) -> bool:
    return bool(re.search(r"合计|总计|小计|支出|经费|预算|金额|数$", leaf))


def _numbers(values: list[str]) -> bool:
    filled = [v for v in values if not is_blank(v)]
    return bool(filled) and all(_NUMBER.match(v.replace(",", "")) for v in filled)


def decimals(texts: list[str]) -> int | None:
    """The most digits printed after the point in the table's amounts."""
    found = [len(t.rsplit(".", 1)[1]) if "." in t else 0 for t in texts if not is_blank(t)]
    return max(found) if found else None


def amount_text(text: str, page: int | None = None) -> Decimal:
    """A printed amount as a Decimal (separators and spaces dropped); NotTyped when it is none."""
    bare = text.replace(",", "").replace(" ", "")
    if not _NUMBER.match(bare):
        raise NotTyped(f"{text!r} is not an amount", code="not-an-amount", page=page)
    return Decimal(bare)


def _row(
    layout: Layout,
    columns: Columns,
    cells: list[str],
    line: int,
    page: int,
    warnings: list[ReaderWarning],
    table: Table,
    previous: list[str],
) -> Row | None:
    code, name = code_and_name(columns, cells, page, warnings, table, previous)
    leading = [columns.code, columns.joined, columns.name, *columns.split]
    label = normalise(" ".join(cells[i] for i in leading if i is not None))
    if not code and any(word in label for word in _TOTAL_WORDS):
        row_type, code = "total", ""
    elif not code:
        if any(not is_blank(cells[i]) for i in columns.amounts):
            raise NotTyped(
                f"amounts in a row with no code ({name!r})", code="row-without-code", page=page
            )
        return None  # a wrapped name line: the name stays with its row's cell
    else:
        row_type = "item"
    if layout.family == "functional":
        if len(code) not in (0, 3, 5, 7) or (code and code[0] != "2"):  # 功能分类: 201…2xx
            raise NotTyped(f"functional code {code!r}", code="bad-code", page=page)
        return functional_row(line, row_type, None, code, name if row_type != "total" else None)
    if len(code) not in (0, 3, 5) or (code and code[0] not in "35"):  # 经济分类: 3xx, 5xx
        raise NotTyped(f"economic code {code!r}", code="bad-code", page=page)
    return {
        "source_line": line,
        "row_type": row_type,
        "economic_departmental_code": code or None,
        "economic_departmental_class": code[:3] or None,
        "economic_departmental_name": name if row_type != "total" else None,
    }


def code_and_name(
    columns: Columns,
    cells: list[str],
    page: int,
    warnings: list[ReaderWarning],
    table: Table,
    previous: list[str],
) -> tuple[str, str | None]:
    """A row's classification code and name from its cells, however the table prints them: joined in
    one cell, a code column, or 类/款/项 columns (a level left blank taken from the row above, kept
    in `previous`).
    """
    name = cells[columns.name] if columns.name is not None else None
    if columns.joined is not None:
        text = normalise(cells[columns.joined])
        found = _CODE_NAME.match(text)
        if found:
            return re.sub(r"\s", "", found["code"]), (found["name"] or name or "").strip() or None
        return "", cells[columns.joined] or name
    if columns.code is not None:
        raw = cells[columns.code]
        found = _CODE_NAME.match(normalise(raw)) if raw else None
        if found and found["name"] and not name:
            return found["code"], found["name"]
        return split_code(raw.split(), page, warnings, table), name
    pieces = [normalise(cells[i]) for i in columns.split]
    if any(pieces) and not pieces[0]:  # 款/项 rows that leave the 类 (and 款) to the row above
        depth = next(i for i, p in enumerate(pieces) if p)
        if len(previous) >= depth:
            pieces = previous[:depth] + pieces[depth:]
    if any(pieces):
        previous[:] = [p for p in pieces if p]
    return split_code(pieces, page, warnings, table), name


def split_code(pieces: list[str], page: int, warnings: list[ReaderWarning], table: Table) -> str:
    """类 款 项 joined; a 款/项 of one digit lost its leading zero (301 2 → 30102)."""
    pieces = [normalise(p) for p in pieces if p and p.strip()]
    if not pieces or not all(p.isdigit() for p in pieces):
        return "".join(pieces) if all(p.isdigit() for p in pieces) else ""
    if len(pieces) == 1:
        return pieces[0]
    fixed = [pieces[0]] + [p.zfill(2) if len(p) == 1 else p for p in pieces[1:]]
    if fixed != pieces:
        warnings.append(
            ReaderWarning(
                "dropped-zero",
                f"page {page}, table {table.title!r}: code {' '.join(pieces)!r} read as "
                f"{''.join(fixed)} (a 款/项 segment printed without its leading zero)",
                [page],
                table.resource,
            )
        )
    return "".join(fixed)


def _row_types(rows: list[Row], key: str) -> None:
    """A coded row with deeper rows under it is a subtotal; the deepest rows are items."""
    codes = [row[key] for row in rows if row[key]]
    for row in rows:
        code = row[key]
        if code and any(other != code and other.startswith(code) for other in codes):
            row["row_type"] = "subtotal"


def _check_every_figure(raw: list, columns: Columns, rows: list[Row], unit: str) -> None:
    """Every number printed in an amount column is in a typed cell: else stay as printed."""
    printed = Counter(
        to_yuan(amount_text(cells[i]), unit)
        for _, _, cells in raw
        for i in columns.amounts
        if not is_blank(cells[i])
    )
    typed = Counter(
        row[name]
        for row in rows
        for name in set(columns.amounts.values())
        if row.get(name) is not None
    )
    if printed != typed:
        raise NotTyped("some printed amounts would not reach a typed cell", code="figures-left")
