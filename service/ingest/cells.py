"""Cell parsing: blank is not zero, amounts are Decimals, text is normalised once."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from service.errors import InputError

UNIT_FACTORS: dict[str, Decimal] = {"万元": Decimal(10000), "元": Decimal(1)}
_BLANKS = {"", "-", "—", "－", "/", "——"}
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC (full-width → half-width) without the spaces PDF extraction scatters in labels."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).replace("**", "")


def is_blank(cell: str) -> bool:
    """Whether a printed cell holds nothing (blank, or a dash or the like that the documents print
    for nothing).
    """
    return cell.strip() in _BLANKS


def looks_like_amount(cell: str) -> bool:
    """Whether a printed cell is a number (thousands separators allowed)."""
    return bool(_NUMBER.match(cell.strip().replace(",", "")))


def parse_amount(
    cell: str, *, file: str = "<memory>", line: int | None = None, column: str = ""
) -> Decimal | None:
    """Parse a published amount exactly; None for a blank or dash, an error for anything else."""
    text = unicodedata.normalize("NFKC", cell).strip()
    if text in _BLANKS:
        return None
    text = text.replace(",", "").replace(" ", "")
    if not _NUMBER.match(text):
        raise InputError(
            "invalid-amount",
            f"cell {cell!r} in column {column!r} is not a number",
            file,
            line,
            "an amount such as 148.53, 0 or a blank cell",
        )
    try:
        return Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - regex guards this
        raise InputError("invalid-amount", str(error), file, line) from error


def to_yuan(amount: Decimal | None, unit: str) -> Decimal | None:
    """Normalise to CNY yuan, keeping every published digit (148.53 万元 → 1485300.00)."""
    if amount is None:
        return None
    return amount * UNIT_FACTORS[unit]


CHINESE_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_ordinal(text: str) -> int | None:
    """一 → 1, 十九 → 19, 三十四 → 34; None when the text is not a Chinese numeral."""
    if not text or any(ch not in CHINESE_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return CHINESE_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    value = (CHINESE_DIGITS.get(tens, 0) if tens else 1) * 10
    if units:
        if len(units) != 1:
            return None
        value += CHINESE_DIGITS[units]
    return value
