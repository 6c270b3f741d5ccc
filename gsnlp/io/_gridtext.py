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


MAX_GRID_CELLS = 400_000
"""Positions (rows × columns, merged ones included) one table may have. The largest template
table is about 30 × 12; a grid past this is a span attack (``colspan=99999`` on every row), and
refusing it keeps the time and memory of a page bounded."""


def check_grid_size(n_rows: int, width: int, origin: str | None, where: str) -> None:
    """Raise ``InputTooComplexError`` when a table of ``n_rows`` × ``width`` is past the cap."""
    if n_rows * width > MAX_GRID_CELLS:
        from gsnlp.errors import InputTooComplexError

        raise InputTooComplexError(f"{where}: a table of {n_rows} rows × {width} columns after expanding its "
                                   f"merged cells ({n_rows * width} positions, limit {MAX_GRID_CELLS}); no report "
                                   "table is this large: check the spans of its cells", origin=origin)


def expand_spans(rows: list[list[tuple[PendingCell, int, int]]], origin: str | None = None,
                 where: str = "table") -> list[list[PendingCell]]:
    """Lay out cells with (rowspan, colspan) on a grid; covered positions become merged.

    ``rows`` holds, per source row, (cell, rowspan, colspan) in reading order. Short rows are
    padded with merged positions (no cell there), never with blanks.

    Spans are clamped to the real grid: a rowspan to the rows that follow, a colspan to the
    widest row once each span is cut to the largest count of cells in a row (a publisher's
    ``colspan=99`` on a title row means "all of them"); a position already covered is never
    overwritten. The work is bounded by the grid
    size, which is checked against ``MAX_GRID_CELLS`` before it is filled.
    """
    n = len(rows)
    max_cells = max((len(r) for r in rows), default=0)
    # the widest a row can be once its spans are clamped: an upper bound of the grid width
    width_bound = max((sum(max(1, min(cs, max_cells)) for _c, _rs, cs in r) for r in rows), default=0)
    check_grid_size(n, width_bound, origin, where)
    grid: dict[tuple[int, int], PendingCell] = {}
    width = 0
    work = 0
    for r, row in enumerate(rows):
        c = 0
        for cell, rs, cs in row:
            while (r, c) in grid:
                c += 1
            rs = max(1, min(rs, n - r))
            cs = max(1, min(cs, width_bound - c))  # never past the widest row
            # a rowspan reaching far down is as large as the grid; the cap above bounds it
            check_grid_size(n, c + cs, origin, where)
            work += rs * cs
            if work > 4 * MAX_GRID_CELLS:  # overlapping spans: each visit is bounded, their sum too
                check_grid_size(n, MAX_GRID_CELLS, origin, where)
            for dr in range(rs):
                for dc in range(cs):
                    pos = (r + dr, c + dc)
                    if pos in grid:
                        continue
                    grid[pos] = cell if dr == 0 and dc == 0 else PendingCell("", cell.where, True)
            c += cs
            width = max(width, c)
    check_grid_size(n, width, origin, where)
    return [[grid.get((r, c), PendingCell("", None, True)) for c in range(width)] for r in range(n)]
