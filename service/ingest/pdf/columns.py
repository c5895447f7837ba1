"""A printed column's header as its meaningful parts (unit suffix, 其中 and column numbers off).

What a column means is the header grammar's (service.ingest.header_terms, grammar, fields);
this is what the readers use to find the leading columns (codes, names) by their last word.
"""

from __future__ import annotations

import re

_NOISE = re.compile(r"^(其中[:：]?|\d+|栏次|\*+)$")
_UNIT_SUFFIX = re.compile(r"[(（](万元|元|千元)[)）]$")


def header_parts(title: str) -> list[str]:
    """A column title (上·下, unit suffix, column number) as its meaningful parts."""
    parts = [_UNIT_SUFFIX.sub("", p) for p in title.split("·")]
    parts = [re.sub(r"^其中[:：]?", "", p) for p in parts]
    return [p for p in parts if p and not _NOISE.match(p)]
