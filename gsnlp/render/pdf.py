"""Render a Report as a PDF with a text layer (fpdf2 and a CJK TrueType font from Debian).

``render_pdf(report, *, font=None, running_header=True, value_size=9.0) -> bytes``

The tables are drawn as agencies print them: ruled cells, two-level headers, the label
三、本年度办理结果 in a column one character wide (so it prints one character per line),
group labels spanning their sub-rows, labels and numbers wrapped inside narrow cells. A
table that does not fit continues on the next page without repeating its header; a merged
cell cut by the break has no border at the cut and its text, centred over the whole cell,
may fall partly on each page (as in real reports: （四）无 / 法提供). ``rules=False`` prints
the tables without any ruling (the reader must then use word positions). Every page has a
running header and a page number (``- 3 -``) for the reader to recognise as page furniture.
"""

from __future__ import annotations

from pathlib import Path

from gsnlp.doc import Report
from gsnlp.errors import GsnlpError, MissingExtraError
from gsnlp.render._layout import Layout, narrative, place, table_layout

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)

PAGE_W, PAGE_H = 595.28, 841.89
MARGIN = 72.0
PARA_SIZE, PARA_LH = 12.0, 20.0
CELL_LH_FACTOR = 1.25
PAD = 2.5


class FontNotFoundError(GsnlpError, FileNotFoundError):
    """No CJK TrueType font to render Chinese text with."""

    code = "E301"


def find_font(font: str | None = None) -> str:
    if font:
        if not Path(font).is_file():
            raise FontNotFoundError(f"no font file {font}; pass a CJK .ttf/.ttc font")
        return font
    for cand in FONT_CANDIDATES:
        if Path(cand).is_file():
            return cand
    raise FontNotFoundError("no CJK TrueType font found (looked for " + ", ".join(FONT_CANDIDATES) +
                            "); install one, e.g. apt-get install fonts-wqy-microhei, or pass font=PATH")


def _fpdf():
    try:
        import fpdf
    except ImportError:
        raise MissingExtraError("rendering PDF", "formats", "fpdf2") from None
    return fpdf


def render_pdf(report: Report, *, font: str | None = None, running_header: bool = True,
               value_size: float = 9.0, rules: bool = True) -> bytes:
    """The report as PDF bytes."""
    fpdf = _fpdf()
    font_path = find_font(font)
    title = report.meta.title or "政府信息公开工作年度报告"

    class Doc(fpdf.FPDF):  # type: ignore[misc, name-defined]
        def header(self) -> None:
            if running_header:
                self.set_font("cjk", size=9)
                self.text(MARGIN, 45, title)

        def footer(self) -> None:
            self.set_font("cjk", size=10)
            label = f"- {self.page_no()} -"
            self.text(PAGE_W / 2 - self.get_string_width(label) / 2, PAGE_H - 45, label)

    pdf = Doc(unit="pt", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_font("cjk", "", font_path)
    pdf.add_page()
    width = PAGE_W - 2 * MARGIN
    for kind, value in narrative(report):
        if kind == "p":
            pdf.set_font("cjk", size=PARA_SIZE)
            pdf.set_x(MARGIN)
            pdf.multi_cell(width, PARA_LH, "\u3000\u3000" + value.replace("\t", " "), wrapmode="CHAR",
                           new_x="LMARGIN", new_y="NEXT")
            continue
        layout = table_layout(report.tables[value])
        if layout is not None:
            _table(pdf, layout, width, value_size, rules)
    return bytes(pdf.output())


def _lines(pdf, text: str, w: float) -> list[str]:
    if not text:
        return []
    return [str(x) for x in pdf.multi_cell(max(w, 1.0), 10, text, dry_run=True, output="LINES", wrapmode="CHAR")]


def _table(pdf, layout: Layout, width: float, size: float, rules: bool = True) -> None:
    pdf.set_font("cjk", size=size)
    lh = size * CELL_LH_FACTOR
    total = sum(layout.col_weights)
    colw = [width * w / total for w in layout.col_weights]
    colx = [MARGIN + sum(colw[:i]) for i in range(len(colw))]
    placed = place(layout)
    n = len(layout.rows)
    heights = [max(2 * lh, 18.0)] * n
    wrapped: dict[int, list[str]] = {}
    for i, p in enumerate(placed):
        w = sum(colw[p.col : p.col + p.colspan]) - 2 * PAD
        wrapped[i] = _lines(pdf, p.text, w)
    for i, p in sorted(enumerate(placed), key=lambda ip: ip[1].rowspan):
        need = len(wrapped[i]) * lh + 2 * PAD
        have = sum(heights[p.row : p.row + p.rowspan])
        if have < need:
            heights[p.row + p.rowspan - 1] += need - have
    # paginate: rows never split; a table continues on the next page without its header
    bottom = PAGE_H - MARGIN
    pages: list[int] = []
    tops: list[float] = []
    page = pdf.page
    y = pdf.get_y() + 4
    for r in range(n):
        if y + heights[r] > bottom:
            page += 1
            y = MARGIN
        pages.append(page)
        tops.append(y)
        y += heights[r]
    end_y = y
    pdf.set_auto_page_break(False)
    pdf.set_line_width(0.6 if rules else 0.0)
    for pg in range(pdf.page, page + 1):
        if pg > pdf.page:
            pdf.add_page()
        for i, p in enumerate(placed):
            rows = [r for r in range(p.row, p.row + p.rowspan) if pages[r] == pg]
            if not rows:
                continue
            x0 = colx[p.col]
            x1 = colx[p.col + p.colspan - 1] + colw[p.col + p.colspan - 1]
            y0 = tops[rows[0]]
            y1 = tops[rows[-1]] + heights[rows[-1]]
            if rules:
                pdf.line(x0, y0, x0, y1)
                pdf.line(x1, y0, x1, y1)
                if rows[0] == p.row:
                    pdf.line(x0, y0, x1, y0)
                if rows[-1] == p.row + p.rowspan - 1:
                    pdf.line(x0, y1, x1, y1)
            # text centred over the whole cell (all its pages); lines fall on the page they land on
            lines = wrapped[i]
            offs = [0.0]
            for r in range(p.row, p.row + p.rowspan):
                offs.append(offs[-1] + heights[r])
            breaks = [offs[j] for j in range(1, p.rowspan) if pages[p.row + j] != pages[p.row + j - 1]]
            pos = max(0.0, (offs[-1] - len(lines) * lh) / 2)
            for line in lines:
                for b in breaks:
                    if pos < b < pos + lh - 0.01:
                        pos = b  # a line cut by the page break moves to the next page
                j = max(k for k in range(p.rowspan) if offs[k] <= pos + 0.01)
                r = p.row + j
                if pages[r] == pg:
                    ly = tops[r] + (pos - offs[j])
                    sw = pdf.get_string_width(line)
                    pdf.text((x0 + x1) / 2 - sw / 2, ly + lh / 2 + size * 0.35, line)
                pos += lh
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_xy(MARGIN, end_y + 8)
