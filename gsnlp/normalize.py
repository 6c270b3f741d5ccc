"""A normalised view of a text with an offset map back to the source.

Full-width digits, letters and punctuation become half-width (NFKC), NBSP, ideographic and
other exotic spaces become " ", zero-width characters disappear. ``to_source`` maps every
position of the view back to the source, so spans found in the view point at the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_SPACES = {"\u00a0", "\u3000", "\u2002", "\u2003", "\u2009", "\u200a", "\u202f", "\u205f", "\ufeff"}
_DROP = {"\u200b", "\u200c", "\u200d", "\u2060"}
# NFKC keeps these CJK punctuation marks; the template uses both widths, so fold them too.
_FOLD = {"、": "、", "。": "。", "“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-", "－": "-", "〔": "[", "〕": "]"}


_ASCII_DIGITS = frozenset("0123456789")


@lru_cache(maxsize=65536)
def normalize_char(ch: str) -> str:
    """The view of one character. Only the full-width digits ０-９ become ASCII digits:
    circled (③), parenthesised (⑴), superscript (²), fraction (½) and other compatibility
    digits keep their own form, so they are text, never a number."""
    if ch in _DROP:
        return ""
    if ch in _SPACES:
        return " "
    if ch in _FOLD:
        return _FOLD[ch]
    if ch.isascii():
        return ch
    out = unicodedata.normalize("NFKC", ch)
    if not ("\uff10" <= ch <= "\uff19") and any(c in _ASCII_DIGITS for c in out):
        return ch
    return out


# Characters that map to themselves: ASCII and the CJK ideographs (Extension A and the unified
# block; checked in tests/test_normalize.py). Every other character is looked up with
# normalize_char once and remembered (_TABLE); a text is normalised by one regex pass over those
# other characters (much faster than a per-character lookup of the whole text). The pattern is the
# same for every text, so it is compiled once per process (and kept by gsnlp.cli.recache; issue 18:
# the old learnt-character classes were new patterns for every report).
_IDENTITY_RANGES = "\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff"


class _Table(dict[int, str]):
    """``str.translate`` table filled on first use of each character (``normalize_char``)."""

    __slots__ = ()

    def __missing__(self, code: int) -> str:
        out = normalize_char(chr(code))
        self[code] = out
        if len(out) != 1:
            _NON_UNIT.add(chr(code))
        return out


_NON_UNIT: set[str] = set()  # characters seen so far whose view is not exactly one character
_TABLE = _Table()
_OTHER = re.compile(f"[^{_IDENTITY_RANGES}]")  # the characters that may change


def _view_of(m: re.Match[str]) -> str:
    return _TABLE[ord(m.group())]


@dataclass(frozen=True, slots=True)
class NormalizedText:
    source: str
    text: str
    _map: tuple[int, ...]  # _map[i] = source index of view character i; len(text)+1 entries

    @classmethod
    def of(cls, source: str) -> NormalizedText:
        last = _LAST_VIEW[0]
        if last is not None and last.source == source:
            return last
        out = cls._build(source)
        _LAST_VIEW[0] = out
        return out

    @classmethod
    def _build(cls, source: str) -> NormalizedText:
        text = normalize(source)
        if len(text) == len(source) and (source.isascii() or not any(c in source for c in _NON_UNIT)):
            return cls(source, text, ())  # the common case: every character maps to one
        parts = [normalize_char(c) for c in source]
        idx: list[int] = []
        for i, n in enumerate(parts):
            idx.extend([i] * len(n))
        idx.append(len(source))
        return cls(source, text, tuple(idx))

    def to_source(self, i: int) -> int:
        """Source offset of view offset ``i`` (``i == len(text)`` maps to the source end)."""
        return self._map[i] if self._map else i

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        if not self._map:
            return start, max(start, end)
        if end <= start:
            s = self._map[start]
            return s, s
        return self._map[start], self._map[end - 1] + 1


_LAST_VIEW: list[NormalizedText | None] = [None]  # the views of one report are asked for more than once


def normalize(s: str) -> str:
    """The normalised string alone (no offset map)."""
    if s.isascii():
        return s
    return _OTHER.sub(_view_of, s)
