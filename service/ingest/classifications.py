"""One row, two classifications: a table that prints a second code beside the one its kind is
read by (烟台, 西安 and 北京 print each 部门预算经济分类 row with its 政府预算经济分类 code and
name) keeps the second one as the row's own fields instead of failing on two code columns.

A column belongs to a classification by its header words (部门…经济 / 政府…经济 / 功能); a
code column headed only 科目编码·类 takes the classification of the name column to its right,
the way these tables print code then name. The second classification's columns are taken out
before the typed reading and their codes and names put back on its rows after it, by the text
line each row was read from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from service.ingest.cells import is_blank, normalise
from service.ingest.model import Table

# classification → the header words that name it; the first that matches a column wins
_GROUPS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("economic_government", re.compile(r"政府(?:预算)?(?:支出)?经济")),
    ("economic_departmental", re.compile(r"部门(?:预算)?(?:支出)?经济")),
    ("functional", re.compile(r"功能")),
)
PRIMARY = {"economic": "economic_departmental", "functional": "functional"}
# the second classifications a row may carry, by the family of its table
SECONDARY = {"economic": ("economic_government",)}
SECOND_CODES = tuple(f"{group}_code" for groups in SECONDARY.values() for group in groups)
_SPLIT = re.compile(r"^(?:类|款|项)$")
_CODE = re.compile(r"编码|代码")
_NAME = re.compile(r"名称")
_JOINED = re.compile(
    r"^[\[【(（]?(?P<code>\d{3}(?:\d{2}){0,2})[\]】)）]?\s*[-—－.、:：\s]?\s*(?P<name>\D.*)$"
)

Raw = list[tuple[Any, int, list[str]]]


@dataclass
class Second:
    """A second classification taken out of a table: its code and name by text line."""

    group: str
    by_line: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)

    def attach(self, table: Table) -> None:
        """Its code, class and name on each row of `table`, after the first classification's."""
        names = [f"{self.group}_code", f"{self.group}_class", f"{self.group}_name"]
        after = next((f for f in reversed(table.fields) if f.endswith("_name")), None)
        at = table.fields.index(after) + 1 if after else len(table.fields)
        table.fields[at:at] = [n for n in names if n not in table.fields]
        for row in table.rows:
            code, name = self.by_line.get(row["source_line"], (None, None))
            if row.get("row_type") == "total":
                code = name = None
            row[names[0]], row[names[1]], row[names[2]] = code, code[:3] if code else None, name


def _group(path: list[str]) -> str | None:
    for name, pattern in _GROUPS:
        if any(pattern.search(part) for part in path):
            return name
    return None


def _role(path: list[str], values: list[str]) -> str | None:
    """code | name | joined for a leading column, else None (an amount or other column)."""
    leaf = path[-1] if path else ""
    if _SPLIT.match(leaf) or _CODE.search(leaf):
        return "code"
    if _NAME.search(leaf):
        return "name"
    filled = [normalise(v) for v in values if not is_blank(v)]
    joined = [v for v in filled if _JOINED.match(v) and not v.replace(".", "").isdigit()]
    if filled and len(joined) >= 0.6 * len(filled):
        return "joined"
    return None


def take_second(titles: list[str], raw: Raw, family: str) -> tuple[list[str], Raw, list[Second]]:
    """`titles` and `raw` without the columns of a second classification, and what they held;
    unchanged when the table prints one classification (or not its family's own)."""
    if family not in SECONDARY:
        return titles, raw, []
    paths = [[normalise(part) for part in title.split("·") if part] for title in titles]
    roles = [_role(paths[i], [cells[i] for _, _, cells in raw]) for i in range(len(titles))]
    groups: list[str | None] = [
        _group(path) if role else None for path, role in zip(paths, roles, strict=True)
    ]
    for i in reversed(range(len(titles))):  # a bare 类/款/项 column: the next name's group
        if roles[i] == "code" and groups[i] is None:
            after = [groups[j] for j in range(i + 1, len(titles)) if roles[j] in ("name", "joined")]
            groups[i] = after[0] if after else None
    present = {g for g in groups if g}
    if PRIMARY[family] not in present:
        return titles, raw, []
    seconds = []
    drop: set[int] = set()
    for group in SECONDARY[family]:
        columns = [i for i, g in enumerate(groups) if g == group]
        if not columns:
            continue
        second = Second(group)
        for piece, index, cells in raw:
            line = piece.page.line_for(piece.grid.row_boxes[index])
            if line is not None:
                second.by_line[line.number] = _code_and_name(
                    [cells[i] for i in columns], [roles[i] for i in columns]
                )
        seconds.append(second)
        drop.update(columns)
    keep = [i for i in range(len(titles)) if i not in drop]
    rows = [(piece, index, [cells[i] for i in keep]) for piece, index, cells in raw]
    return [titles[i] for i in keep], rows, seconds


def _code_and_name(cells: list[str], roles: list[str | None]) -> tuple[str | None, str | None]:
    pieces: list[str] = []
    name = None
    for cell, role in zip(cells, roles, strict=True):
        text = normalise(cell)
        if role == "code" and text.isdigit():
            pieces.append(text.zfill(2) if pieces and len(text) == 1 else text)
        elif role == "joined" and (found := _JOINED.match(text)):
            pieces.append(found["code"])
            name = cell.split(found["code"], 1)[-1].lstrip("-—－.、:：]】)） ").strip() or None
        elif role == "name" and cell.strip():
            name = cell.strip()
    code = "".join(pieces) if pieces else None
    return code, name


def reading(
    titles: list[str], raw: Raw, family: str
) -> tuple[list[str], Raw, Callable[[Table], None]]:
    """The second classifications taken out, and what puts them back on the typed table."""
    titles, raw, seconds = take_second(titles, raw, family)

    def finish(table: Table) -> None:
        for second in seconds:
            second.attach(table)

    return titles, raw, finish
