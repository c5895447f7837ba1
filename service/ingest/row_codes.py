"""Row identities a typed reading cannot see in the printed columns, made visible as a code
column before it reads them.

A 功能分类 or 经济分类 table that prints subject names with no code anywhere (no 编码 / 代码 /
类·款·项 column, no code in a name cell) gets a code column in front: each row's code looked
up by its name in the code list, within the hierarchy the row order shows (code_names.py).
The typed reading then reads it as it reads a printed code column, and a warning says the
codes come from the names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from service.ingest.cells import is_blank, normalise
from service.ingest.classifications import SECOND_CODES, reading
from service.ingest.code_names import code_names
from service.ingest.model import ReaderWarning, Table

LOOKED_UP = "科目编码(按名称查得)"  # the header of the code column a lookup adds
_CODE_HEADER = re.compile(r"编码|代码|编号|^类$|^款$|^项$")
_NAME_HEADER = re.compile(r"名称|科目")
_UNIT_HEADER = re.compile(r"^(?:预算单位|单位名称|部门名称|单位)$")
_TOTALS = ("合计", "总计")
_CODE_CELL = re.compile(r"^[\[【(（]?\d{3}(?:\d{2}){0,2}(?:[\]】)）]|$|[-—－、:：\s]*[^\d.,])")
_NUMBER = re.compile(r"^[-+]?[\d,]+(\.\d+)?$")

Raw = list[tuple[Any, int, list[str]]]  # (piece, row index, cells), as generic.raw_rows gives


def names_only_column(titles: list[str], raw: Raw) -> int | None:
    """The name column of a table that prints no code at all, else None."""
    paths = [[normalise(part) for part in title.split("·")] for title in titles]
    if any(_CODE_HEADER.search(part) for path in paths for part in path):
        return None
    for index, path in enumerate(paths):
        values = [cells[index] for _, _, cells in raw if not is_blank(cells[index])]
        if any(_CODE_CELL.match(normalise(value)) for value in values):
            return None  # a code printed before the names, or in the name cell
        if any(_NAME_HEADER.search(part) for part in path) and values:
            return None if all(_NUMBER.match(v) for v in values) else index
    return None


def lone_unit_total(titles: list[str], raw: Raw) -> Raw:
    """A table by unit that names one unit: its row, above the coded rows and with no code of
    its own, carries the table's total (深圳 prints no 合计 row): read as the 合计."""
    leaves = [normalise(title.split("·")[-1]) for title in titles]
    units = [i for i, leaf in enumerate(leaves) if _UNIT_HEADER.search(leaf)]
    names = [i for i, leaf in enumerate(leaves) if _NAME_HEADER.search(leaf) and i not in units]
    if len(units) != 1 or not names or not raw:
        return raw
    unit, name = units[0], names[0]
    filled = [k for k, (_, _, cells) in enumerate(raw) if not is_blank(cells[unit])]
    labels = [normalise(cells[name]) for _, _, cells in raw]
    if filled != [0] or labels[0] or any(w in label for label in labels for w in _TOTALS):
        return raw
    piece, index, cells = raw[0]
    return [(piece, index, [*cells[:name], "合计", *cells[name + 1 :]]), *raw[1:]]


def with_codes(
    titles: list[str],
    raw: Raw,
    family: str,
    where: tuple[str, str, list[int]],
    warnings: list[ReaderWarning],
) -> tuple[list[str], Raw, Callable[[Table], None]]:
    """`titles` and `raw` as the typed reading should see them (`family`: functional |
    economic; `where`: resource, title, pages), and what completes its table: a second
    classification's columns taken out (classifications.py), a lone unit row read as the
    total, and a code column in front when the table prints names only."""
    titles, raw, finish = reading(titles, raw, family)
    raw = lone_unit_total(titles, raw)
    column = names_only_column(titles, raw)
    if column is None:
        return titles, raw, finish
    coded = code_names([cells[column] for _, _, cells in raw], family)
    if not coded.found:
        return titles, raw, finish
    resource, title, pages = where
    missed = f"; not coded: {'; '.join(coded.notes[:3])}" if coded.notes else ""
    warnings.append(
        ReaderWarning(
            "codes-from-names",
            f"{title!r} on pages {pages} prints names without codes: {coded.found} rows coded "
            f"by their name in the {coded.scheme} code list, within the hierarchy the row "
            f"order shows{missed}",
            pages,
            resource,
        )
    )
    rows = [
        (piece, index, [code or "", *cells])
        for (piece, index, cells), code in zip(raw, coded.codes, strict=True)
    ]
    return [LOOKED_UP, *titles], rows, finish


def identity(row: dict[str, Any], code_field: str) -> str:
    """What tells a row apart: its code, and the second classification's code a row prints
    beside it (烟台 prints 301 工资福利支出 once under 501 and once under 505)."""
    return "/".join([row[code_field], *(row.get(f) or "" for f in SECOND_CODES)])
