"""Render a Report as a Word document (python-docx) with the tables' real merged layout.

``render_docx(report) -> bytes``. Spanning cells are real Word merges (``w:gridSpan`` across
columns, ``w:vMerge`` restart/continue down rows), as Word writes them: the covered cells
are empty, never copies of the value.
"""

from __future__ import annotations

import io

from gsnlp.doc import Report
from gsnlp.errors import MissingExtraError
from gsnlp.render._layout import Layout, narrative, table_layout


def _docx():
    try:
        import docx
    except ImportError:
        raise MissingExtraError("rendering DOCX", "formats", "python-docx") from None
    return docx


def _table(document, layout: Layout) -> None:
    from docx.shared import Pt

    nrows = len(layout.rows)
    table = document.add_table(rows=nrows, cols=layout.width)
    table.style = "Table Grid"
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(layout.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            top_left = table.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                top_left = top_left.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            top_left.text = cell.text
            for p in top_left.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)
            c += cell.colspan


def render_docx(report: Report) -> bytes:
    """The report as .docx bytes."""
    docx = _docx()
    document = docx.Document()
    for kind, value in narrative(report):
        if kind == "p":
            document.add_paragraph(value)
            continue
        layout = table_layout(report.tables[value])
        if layout is not None:
            _table(document, layout)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
