"""Performance-target values: "≤195000元" → (≤, 195000, 元); "提升" stays qualitative."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import NamedTuple

_OPERATOR_WORDS = {
    "<=": "≤",
    ">=": "≥",
    "≦": "≤",
    "≧": "≥",
    "不高于": "≤",
    "不超过": "≤",
    "不大于": "≤",
    "低于": "<",
    "小于": "<",
    "不低于": "≥",
    "不少于": "≥",
    "不小于": "≥",
    "高于": ">",
    "大于": ">",
    "超过": ">",
    "等于": "=",
}
_TARGET = re.compile(
    r"^(?P<op>≤|≥|<=|>=|≦|≧|<|>|=|不高于|不超过|不大于|不低于|不少于|不小于|低于|小于|高于|大于|超过|等于)?"
    r"(?P<num>\d+(?:\.\d+)?)"
    r"(?P<unit>[^\d\s]{0,6})$"
)


class Target(NamedTuple):
    operator: str | None
    value: Decimal | None
    unit: str | None
    qualitative: str | None


def parse_target(text: str) -> Target:
    """Split an indicator value into operator, exact number and unit, or keep it as words.

    A bare number states an exact target, so its operator is "=".
    """
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    compact = compact.replace(",", "")
    match = _TARGET.match(compact)
    if not match:
        return Target(None, None, None, compact or None)
    op = match.group("op") or "="
    op = _OPERATOR_WORDS.get(op, op)
    unit = match.group("unit") or None
    return Target(op, Decimal(match.group("num")), unit, None)
