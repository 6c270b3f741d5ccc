"""Cell text → kind and value (TEMPLATE.md cell kinds). A blank is never a zero."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from gsnlp.doc import Cell
from gsnlp.normalize import normalize
from gsnlp.template.tables import CELL_UNITS

NA_WORDS = {"/", "／", "—", "-", "--", "——", "－", "无", "不适用", "/ ", "\\", "×", "N/A", "n/a"}
_NUM = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$", re.ASCII)  # only 0-9 make numbers
_WS = " \t\r\n\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff"
# \s of a str pattern already holds U+00A0 and U+3000; spelling them out made re build a 64K-character
# table at every start (issue 18). tests/cli/test_cheaper_patterns.py compares both on every character.
_SPACE_RUN = re.compile(r"\s+")
_NA_CHARS = frozenset("/-—－－")
# a number followed by a unit of the template's cells (984361元, 152.2万元, 2笔): the unit is the cell's
_NUM_UNIT = re.compile(r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)[ \u3000]*(?P<unit>"
                       + "|".join(CELL_UNITS) + r")$")


@lru_cache(maxsize=16384)
def is_label(text: str) -> bool:
    """A row/column label rather than a value: two or more CJK characters, not a N/A word."""
    t = normalize(text).strip(_WS)
    if t in NA_WORDS or _NUM_UNIT.match(t):
        return False
    return _cjk_count(t) >= 2


def _cjk_count(t: str) -> int:
    """How many characters of ``t`` are CJK unified ideographs (U+4E00-U+9FFF). A comparison, not the
    regex class of that range: compiling it costs ~0.6 ms at every start (issue 18)."""
    return sum(1 for c in t if "\u4e00" <= c <= "\u9fff")


@lru_cache(maxsize=16384)
def _classify(core: str) -> tuple[str, Decimal | None, str | None]:
    """Kind, value and unit of a trimmed, non-empty cell text."""
    t = _SPACE_RUN.sub("", normalize(core))
    if _NUM.match(t):
        return "number", Decimal(t.replace(",", "").lstrip("+")), None
    m = _NUM_UNIT.match(t)
    if m:  # the number as printed, its unit apart (never converted)
        return "number", Decimal(m.group("num").replace(",", "").lstrip("+")), m.group("unit")
    if t in NA_WORDS or set(t) <= _NA_CHARS:
        return "not_applicable", None, None
    return "text", None, None


def make_cell(raw: str, start: int | None = None, where: dict[str, Any] | None = None) -> Cell:
    """Classify one cell's text. ``start`` is the offset of ``raw`` in the report text; the cell's
    span and ``raw`` are trimmed to the content (a blank keeps its whole span)."""
    lead = len(raw) - len(raw.lstrip(_WS))
    core = raw.strip(_WS)
    s = None if start is None else start + lead
    e = None if s is None else s + len(core)
    if not core:
        return Cell("blank", raw, None, start, None if start is None else start + len(raw), where=where)
    kind, value, unit = _classify(core)
    return Cell(kind, core, value, s, e, where=where, unit=unit)
