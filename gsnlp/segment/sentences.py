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


_SHORT_LINE = 20  # characters: a line this short that does not end in a comma is a heading, a date, a signature


def _line_breaks(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """``[a, b)`` cut after each short line (a heading line runs into no sentence). A lone line
    break after a long line is a wrapped line (PDF, fixed-width text), not a sentence end."""
    out, pos = [], a
    i = text.find("\n", a, b)
    while i >= 0:
        line = text[pos:i].strip()
        if line and len(line) < _SHORT_LINE and line[-1] not in "，,、（(“《":
            out.append((pos, i))
            pos = i + 1
        i = text.find("\n", i + 1, b)
    out.append((pos, b))
    res = []
    for x, y in out:
        while x < y and text[x].isspace():
            x += 1
        while y > x and text[y - 1].isspace():
            y -= 1
        if y > x:
            res.append((x, y))
    return res


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences as (start, end) spans: ending at 。！？, a blank line, a new list item, or the end
    of a short line (a heading, a date or a signature line of its own)."""
    out = []
    for a, b in _split(text, start, len(text) if end is None else end, _SENT_END):
        out.extend(_line_breaks(text, a, b) if "\n" in text[a:b] else [(a, b)])
    return out


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """One sentence ``[start, end)`` split at "；"."""
    return _split(text, start, end, _CLAUSE_END)


def clauses(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences split further at "；"."""
    out = []
    for a, b in sentences(text, start, end):
        out.extend(split_clauses(text, a, b))
    return out
