"""Building a reader's output text: paragraphs and tables, with spans for every table cell.

Structured readers (HTML, DOCX, PDF) do not have a text of their own: they compose one.
Paragraphs are separated by "\\n"; a table becomes one line per row with its cells separated
by "\\t" (positions covered by a merged cell print nothing), so every cell has a span in the
text. Shared by ``gsnlp.io.html``, ``gsnlp.io.docx`` and ``gsnlp.io.pdf``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gsnlp.tables.grid import RawCell, RawRow

_WS_RUN = re.compile(r"[ \t\r\n\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")
_ASCII_WORD = re.compile(r"[A-Za-z]")


@dataclass(slots=True)
class PendingCell:
    """A grid position before it has a span: its text and provenance, or merged=True."""

    text: str
    where: dict[str, Any] | None = None
    merged: bool = False


def clean_inline(text: str) -> str:
    """Collapse whitespace runs (NBSP and U+3000 included) to one space and strip the ends.

    A cell holding only ``&nbsp;`` becomes "" (blank), never a value.
    """
    return _WS_RUN.sub(" ", text).strip()


def join_lines(lines: list[str]) -> str:
    """Join the lines of one wrapped cell or paragraph.

    Chinese text and numbers wrap without a space (``4472`` + ``28`` is ``447228``); only two
    Latin words keep a space between them.
    """
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(line[0]):
            out += " "
        out += line
    return out


def cell_text(text: str) -> str:
    """One line of cell text: tabs and newlines inside a cell would break the row layout."""
    return clean_inline(text.replace("\t", " "))


class TextBuilder:
    """Accumulates the output text; returns spans for what it appends."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pos = 0

    @property
    def pos(self) -> int:
        return self._pos

    def _add(self, s: str) -> None:
        self._parts.append(s)
        self._pos += len(s)

    def paragraph(self, text: str) -> tuple[int, int] | None:
        """Append one paragraph (a line); empty paragraphs are skipped."""
        text = text.replace("\n", " ").strip()
        if not text:
            return None
        start = self._pos
        self._add(text + "\n")
        return start, start + len(text)

    def table(self, rows: list[list[PendingCell]]) -> list[RawRow]:
        """Append a table, one line per row, and return its grid with spans into the text."""
        grid: list[RawRow] = []
        for row in rows:
            out: RawRow = []
            first = True
            for pc in row:
                if pc.merged:
                    out.append(RawCell("", None, None, pc.where, True))
                    continue
                if not first:
                    self._add("\t")
                first = False
                t = cell_text(pc.text)
                start = self._pos
                self._add(t)
                out.append(RawCell(t, start, start + len(t), pc.where, False))
            self._add("\n")
            grid.append(out)
        return grid

    def text(self) -> str:
        return "".join(self._parts)


def expand_spans(rows: list[list[tuple[PendingCell, int, int]]]) -> list[list[PendingCell]]:
    """Lay out cells with (rowspan, colspan) on a grid; covered positions become merged.

    ``rows`` holds, per source row, (cell, rowspan, colspan) in reading order. Short rows are
    padded with merged positions (no cell there), never with blanks.
    """
    grid: dict[tuple[int, int], PendingCell] = {}
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell, rs, cs in row:
            while (r, c) in grid:
                c += 1
            rs = max(1, min(rs, len(rows) - r))
            cs = max(1, min(cs, 1000))
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = cell if dr == 0 and dc == 0 else PendingCell("", cell.where, True)
            c += cs
            width = max(width, c)
    return [[grid.get((r, c), PendingCell("", None, True)) for c in range(width)] for r in range(len(rows))]
