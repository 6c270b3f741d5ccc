"""Render a Report as a Word document (python-docx) with the tables' real merged layout.

``render_docx(report) -> bytes``. Spanning cells are real Word merges (``w:gridSpan`` across
columns, ``w:vMerge`` restart/continue down rows), as Word writes them: the covered cells
are empty, never copies of the value.
"""

from __future__ import annotations

import io

from gsnlp.doc import Report
from gsnlp.errors import MissingExtraError
from gsnlp.render._layout import Layout, narrative, place, table_layout


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
    for p in place(layout):
        top_left = table.cell(p.row, p.col)
        if p.rowspan > 1 or p.colspan > 1:
            top_left = top_left.merge(table.cell(p.row + p.rowspan - 1, p.col + p.colspan - 1))
        top_left.text = p.text
        for para in top_left.paragraphs:
            for run in para.runs:
                run.font.size = Pt(9)


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
