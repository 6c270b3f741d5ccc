"""Table grids as readers see them, before alignment to the template.

Every reader (text layouts, HTML, DOCX, PDF) turns a table into rows of ``RawCell``; the
aligner (``gsnlp.tables.align``) maps rows to template rows by their labels and values to
columns. A position covered by another cell's row/column span is ``merged=True``: it is
not a cell of its own and never becomes a blank.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class RawCell(NamedTuple):
    """One cell as a reader found it (a named tuple: immutable, and cheap to make by the hundred)."""

    text: str
    start: int | None = None
    end: int | None = None
    where: dict[str, Any] | None = None
    merged: bool = False


RawRow = list[RawCell]
