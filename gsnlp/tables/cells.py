"""Cell text → kind and value (TEMPLATE.md cell kinds). A blank is never a zero."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from gsnlp.doc import Cell
from gsnlp.normalize import normalize

NA_WORDS = {"/", "／", "—", "-", "--", "——", "－", "无", "不适用", "/ ", "\\", "×", "N/A", "n/a"}
_NUM = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$", re.ASCII)  # only 0-9 make numbers
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WS = " \t\r\n\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff"
_SPACE_RUN = re.compile(r"[\s\u00a0\u3000]+")
_NA_CHARS = frozenset("/-—－－")


@lru_cache(maxsize=16384)
def is_label(text: str) -> bool:
    """A row/column label rather than a value: two or more CJK characters, not a N/A word."""
    t = normalize(text).strip(_WS)
    if t in NA_WORDS:
        return False
    return len(_CJK.findall(t)) >= 2


@lru_cache(maxsize=16384)
def _classify(core: str) -> tuple[str, Decimal | None]:
    """Kind and value of a trimmed, non-empty cell text."""
    t = _SPACE_RUN.sub("", normalize(core))
    if _NUM.match(t):
        return "number", Decimal(t.replace(",", "").lstrip("+"))
    if t in NA_WORDS or set(t) <= _NA_CHARS:
        return "not_applicable", None
    return "text", None


def make_cell(raw: str, start: int | None = None, where: dict[str, Any] | None = None) -> Cell:
    """Classify one cell's text. ``start`` is the offset of ``raw`` in the report text; the cell's
    span and ``raw`` are trimmed to the content (a blank keeps its whole span)."""
    lead = len(raw) - len(raw.lstrip(_WS))
    core = raw.strip(_WS)
    s = None if start is None else start + lead
    e = None if s is None else s + len(core)
    if not core:
        return Cell("blank", raw, None, start, None if start is None else start + len(raw), where=where)
    kind, value = _classify(core)
    return Cell(kind, core, value, s, e, where=where)
