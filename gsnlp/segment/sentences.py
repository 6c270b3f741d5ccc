"""Paragraphs, sentences and clauses as spans of the source text."""

from __future__ import annotations

import re

_PARA = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
_SENT_END = re.compile(r"[。！？!?]+[”’」』）)]*|\n\s*\n|\n(?=\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[、.．]))")
_CLAUSE_END = re.compile(r"[；;]")


def _split(text: str, start: int, end: int, rx: re.Pattern[str]) -> list[tuple[int, int]]:
    out = []
    pos = start
    for m in rx.finditer(text, start, end):
        if m.end() > pos:
            out.append((pos, m.end()))
        pos = m.end()
    if pos < end:
        out.append((pos, end))
    res = []
    for a, b in out:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            res.append((a, b))
    return res


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    end = len(text) if end is None else end
    return [(start + m.start(), start + m.end()) for m in _PARA.finditer(text[start:end]) if m.group(0).strip()]


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences (ending at 。！？, a blank line or a new list item) as (start, end) spans."""
    return _split(text, start, len(text) if end is None else end, _SENT_END)


def clauses(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences split further at "；"."""
    out = []
    for a, b in sentences(text, start, end):
        out.extend(_split(text, a, b, _CLAUSE_END))
    return out
