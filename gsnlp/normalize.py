"""A normalised view of a text with an offset map back to the source.

Full-width digits, letters and punctuation become half-width (NFKC), NBSP, ideographic and
other exotic spaces become " ", zero-width characters disappear. ``to_source`` maps every
position of the view back to the source, so spans found in the view point at the original.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_SPACES = {"\u00a0", "\u3000", "\u2002", "\u2003", "\u2009", "\u200a", "\u202f", "\u205f", "\ufeff"}
_DROP = {"\u200b", "\u200c", "\u200d", "\u2060"}
# NFKC keeps these CJK punctuation marks; the template uses both widths, so fold them too.
_FOLD = {"、": "、", "。": "。", "“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-", "－": "-", "〔": "[", "〕": "]"}


@lru_cache(maxsize=65536)
def normalize_char(ch: str) -> str:
    if ch in _DROP:
        return ""
    if ch in _SPACES:
        return " "
    if ch in _FOLD:
        return _FOLD[ch]
    if ch.isascii():
        return ch
    return unicodedata.normalize("NFKC", ch)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    source: str
    text: str
    _map: tuple[int, ...]  # _map[i] = source index of view character i; len(text)+1 entries

    @classmethod
    def of(cls, source: str) -> NormalizedText:
        parts = [normalize_char(c) for c in source]
        text = "".join(parts)
        if len(text) == len(source):  # the common case: every character maps to one
            return cls(source, text, ())
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


def normalize(s: str) -> str:
    """The normalised string alone (no offset map)."""
    return "".join(map(normalize_char, s))
