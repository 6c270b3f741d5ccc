"""PDF reader: the text layer through PDFium (pypdfium2), or OCR for scans.

Characters with their boxes and the path objects of the table rulings come from PDFium
(``gsnlp.io.pdfium``; about 5× faster than the former pdfplumber path, which stays available as
``engine="pdfplumber"`` and gives the same text and cells on every PDF we have). The table
geometry (snap, join, intersections, cells) is pdfplumber's, used as pure functions on the edges.
A PDF without a text layer is read by OCR (``gsnlp.io.ocr``, extra ``gsnlp[ocr]``).

``read_pdf(data, path)`` returns a ``Reading`` (text, grids, regions, hints) like the other
structured readers (see ``gsnlp.io.html``):

- tables are found from their ruling lines (drawn lines and stroked or hairline rectangles;
  white filled boxes behind text lines, which WPS writes for every line, are not rulings);
  a cell whose top border falls on the page break is closed by the frame's vertical rules;
- cell text: the characters inside the cell box, lines joined without spaces, so a label
  printed one character per line (三/、/本/年/度…) and a number wrapped over lines read whole;
- a table continued on the next page is one grid: its columns are matched by position, and a
  merged label cell cut by the page break (``（四）无`` / ``法提供``, or an empty
  continuation) is joined into the cell above instead of becoming a row of its own;
- page headers and footers (page numbers, repeated lines in the margins) are not in the
  text; each is listed in ``extra["page_furniture"]`` with page, box and text;
- paragraphs are rebuilt from lines (a new paragraph at an indent or after a short line).

Provenance: every cell has ``where={"page": n, "bbox": [x0, top, x1, bottom]}`` (1-based page,
PDF points from the top-left); a cell continued over a page break adds ``"continued"``.
A PDF without a text layer is OCR'd when the ``ocr`` extra is installed, else raises
``NoTextLayerError`` naming the extra; a damaged PDF raises ``InputError``; an oversized one
``HostileInputError``; a page with too many drawing objects ``InputTooComplexError`` (counted
before the page is read).
"""

from __future__ import annotations

import io
import re
import statistics
from dataclasses import dataclass, field
from typing import Any

from gsnlp.errors import EmptyInputError, HostileInputError, InputError, MissingExtraError
from gsnlp.io._gridtext import PendingCell, TextBuilder, join_lines
from gsnlp.io.reading import Reading, reader
from gsnlp.tables.grid import RawRow

MAX_BYTES = 200 * 1024 * 1024
MAX_PAGES = 2000
MAX_OBJECTS_PER_PAGE = 500_000

_PAGE_NO = re.compile(r"^[-—－–~\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—－–~\s]*$")
_LIST_MARK = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+\s*[.、．])")
_NUMBER = re.compile(r"^[+-]?[\d,]+(?:\.\d+)?$")
_ASCII = re.compile(r"[A-Za-z0-9]")


def _plumber() -> Any:
    try:
        import pdfplumber
    except ImportError:
        raise MissingExtraError("reading PDF", "formats", "pdfplumber") from None
    return pdfplumber


# ---------------------------------------------------------------- characters to lines


@dataclass(slots=True)
class Line:
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    size: float


def _group_rows(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters grouped into text lines (by vertical overlap), each sorted left to right."""
    cs = [c for c in chars if c.get("text", "").strip()]
    cs.sort(key=lambda c: (round(c["top"], 1), c["x0"]))
    rows: list[list[dict[str, Any]]] = []
    for c in cs:
        h = max(c["bottom"] - c["top"], 1.0)
        mid = (c["top"] + c["bottom"]) / 2
        for row in reversed(rows[-3:]):
            r0 = row[0]
            rh = max(r0["bottom"] - r0["top"], 1.0)
            rmid = (r0["top"] + r0["bottom"]) / 2
            if abs(mid - rmid) < 0.45 * max(h, rh):
                row.append(c)
                break
        else:
            rows.append([c])
    for row in rows:
        row.sort(key=lambda c: c["x0"])
    rows.sort(key=lambda r: min(c["top"] for c in r))
    return rows


def _size(c: dict[str, Any]) -> float:
    return max(float(c.get("size", 10.0) or 10.0), 1.0)


def _line(row: list[dict[str, Any]], page: int, tab_gap: float | None = None) -> Line:
    """One text line; with ``tab_gap`` (in font sizes) a wider gap becomes a tab."""
    text = ""
    prev = None
    for c in row:
        ch = c["text"]
        if prev is not None:
            gap = c["x0"] - prev["x1"]
            size = _size(prev)
            if tab_gap is not None and gap > tab_gap * size:
                text += "\t"
            elif _ASCII.match(prev["text"][-1:]) and _ASCII.match(ch[:1]) and gap > 0.2 * size:
                text += " "
        text += ch
        prev = c
    return Line(page, min(c["x0"] for c in row), min(c["top"] for c in row), max(c["x1"] for c in row),
                max(c["bottom"] for c in row), text, statistics.median(_size(c) for c in row))


def _chars_to_lines(chars: list[dict[str, Any]], page: int) -> list[Line]:
    return [_line(row, page) for row in _group_rows(chars)]


def _segments(row: list[dict[str, Any]], gap: float) -> list[list[dict[str, Any]]]:
    segs: list[list[dict[str, Any]]] = []
    for c in row:
        if segs and c["x0"] - segs[-1][-1]["x1"] <= gap * _size(c):
            segs[-1].append(c)
        else:
            segs.append([c])
    return segs


def _seg_text(seg: list[dict[str, Any]]) -> str:
    return "".join(c["text"] for c in seg)


TAB_GAP = 0.8  # font sizes: a gap this wide between two cells of a table printed without rules


def _free_lines(chars: list[dict[str, Any]], page: int) -> list[tuple[Line, bool]]:
    """Text lines outside ruled tables, each with whether it is a row of a table without rules.

    Tables from word positions: a line with two or more numbers standing apart (or a label and
    one number far to its right) is a table row; rows close together form a zone whose lines
    keep their cells apart with tabs and are never joined into paragraphs. A label printed
    one character per line in such a zone (三/、/本/年/度…) becomes one line of its own.
    """
    rows = _group_rows(chars)
    segs = [_segments(r, TAB_GAP) for r in rows]
    seed = [_is_value_row(sg) for sg in segs]
    zone = list(seed)
    idx = [i for i, v in enumerate(seed) if v]
    for a, b in zip(idx, idx[1:]):
        gap = min(c["top"] for c in rows[b]) - max(c["bottom"] for c in rows[a])
        if b - a <= 8 and gap < 6 * _size(rows[a][0]):
            for k in range(a, b):
                zone[k] = True
    # vertical labels: single characters stacked at the same x in a zone
    taken: set[int] = set()
    verticals: list[Line] = []
    singles = [(i, x[0]) for i, sg in enumerate(segs) if zone[i] for x in sg if len(x) == 1
               and not _NUMBER.match(x[0]["text"])]
    if len(singles) > 2000:
        singles = []  # not a report table (quadratic search below stays bounded)
    for i, c in singles:
        if id(c) in taken:
            continue
        stack = [c]
        for j, d in singles:
            last = stack[-1]
            if j > i and id(d) not in taken and abs((d["x0"] + d["x1"]) / 2 - (last["x0"] + last["x1"]) / 2) < 2 \
                    and 0 < d["top"] - last["top"] < 2.5 * _size(c):
                stack.append(d)
        if len(stack) >= 3:
            taken.update(id(x) for x in stack)
            verticals.append(Line(page, stack[0]["x0"], stack[0]["top"], stack[0]["x1"], stack[-1]["bottom"],
                                  "".join(x["text"] for x in stack), _size(c)))
    out: list[tuple[Line, bool]] = []
    run: list[list[dict[str, Any]]] = []
    for i, row in enumerate(rows + [[]]):
        row = [c for c in row if id(c) not in taken]
        if i < len(rows) and zone[i]:
            if row:
                run.append(row)
            continue
        if run:
            out += [(ln, True) for ln in _zone_lines(run, page)]
            run = []
        if row:
            out.append((_line(row, page), False))
    out += [(v, True) for v in verticals]
    out.sort(key=lambda lz: (lz[0].top, lz[0].x0))
    return out


def _is_value_row(sg: list[list[dict[str, Any]]]) -> bool:
    """A line with two numbers standing apart, or a label and one number far to its right."""
    nums = [x for x in sg if _NUMBER.match(_seg_text(x))]
    if len(nums) >= 2:
        return True
    return (len(sg) >= 2 and bool(_NUMBER.match(_seg_text(sg[-1])))
            and sg[-1][0]["x0"] - sg[-2][-1]["x1"] > 2.0 * _size(sg[-1][0]))


def _zone_lines(rows: list[list[dict[str, Any]]], page: int) -> list[Line]:
    """Lines of a table printed without rules, with wrapped labels put back on their row.

    A label cell wraps over several lines while the row's values stand on one of them
    (``1.本机关不掌握相关政府信`` / ``746 12 …`` / ``息``). Label fragments (left of the
    value columns) stacked in the same column form one block; a block goes onto the value line
    it spans, so the row reads ``1.本机关不掌握相关政府信息\t746\t12…``. A fragment starting
    with a list number (``2.``, ``（四）``) starts a new block; a block never takes two value
    lines' labels.
    """
    segs = [_segments(r, TAB_GAP) for r in rows]
    values = [i for i, sg in enumerate(segs) if _is_value_row(sg)]
    nums = [x[0]["x0"] for i in values for x in segs[i] if _NUMBER.match(_seg_text(x))]
    if not values or not nums:
        return [_line(r, page, TAB_GAP) for r in rows]
    boundary = min(nums) - 1.0
    frags = [(i, x) for i, sg in enumerate(segs) for x in sg if x[-1]["x1"] <= boundary + 1.0]
    frags.sort(key=lambda f: (f[1][0]["top"], f[1][0]["x0"]))
    vset = set(values)
    blocks: list[list[tuple[int, list[dict[str, Any]]]]] = []
    for i, x in frags:
        size = _size(x[0])
        x0, x1 = x[0]["x0"], x[-1]["x1"]
        target = None
        if not _LIST_MARK.match(_seg_text(x)):
            for b in reversed(blocks):
                j, last = b[-1]
                overlap = min(x1, last[-1]["x1"]) - max(x0, last[0]["x0"])
                dy = x[0]["top"] - last[0]["top"]
                if overlap > 0.5 * size and 0 < dy <= 2.0 * size:
                    if not (i in vset and any(k in vset for k, _ in b)):
                        target = b
                    break
        if target is None:
            blocks.append([(i, x)])
        else:
            target.append((i, x))
    moved: dict[int, list[str]] = {}  # value row -> label texts put on it
    consumed: set[int] = set()
    for b in blocks:
        if len(b) < 2:
            continue
        top = min(x[0]["top"] for _, x in b)
        bottom = max(c["bottom"] for _, x in b for c in x)
        size = _size(b[0][1][0])
        for v in values:
            mid = (min(c["top"] for c in rows[v]) + max(c["bottom"] for c in rows[v])) / 2
            if top - 0.3 * size <= mid <= bottom + 0.3 * size:
                moved.setdefault(v, []).append((b[0][1][0]["x0"], join_lines([_seg_text(x) for _, x in b])))
                consumed.update(id(x[0]) for _, x in b)
                break
    out = []
    for i, row in enumerate(rows):
        keep = [x for x in segs[i] if id(x[0]) not in consumed]
        if i in moved:
            labels = sorted(moved[i] + [(x[0]["x0"], _seg_text(x)) for x in keep if x[-1]["x1"] <= boundary + 1.0])
            rest = [_seg_text(x) for x in keep if x[-1]["x1"] > boundary + 1.0]
            ln = _line(row, page, TAB_GAP)
            ln.text = "\t".join([t for _, t in labels] + rest)
            out.append(ln)
        elif keep:
            out.append(_line([c for x in keep for c in x], page, TAB_GAP))
    return out


def _text_in(chars: list[dict[str, Any]], bbox: tuple[float, float, float, float]) -> str:
    return join_lines([ln.text for ln in _chars_to_lines(_chars_in(chars, bbox), 0)])


def _chars_in(chars: list[dict[str, Any]], bbox: tuple[float, float, float, float]) -> list[dict[str, Any]]:
    x0, top, x1, bottom = bbox
    return [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]


class _CharIndex:
    """A part's characters by their vertical centre, so each cell looks only at its own rows."""

    __slots__ = ("chars", "ys", "order")

    def __init__(self, chars: list[dict[str, Any]]) -> None:
        keyed = sorted(((c["top"] + c["bottom"]) / 2, i) for i, c in enumerate(chars))
        self.chars = chars
        self.ys = [y for y, _ in keyed]
        self.order = [i for _, i in keyed]

    def inside(self, bbox: tuple[float, float, float, float]) -> list[dict[str, Any]]:
        """The characters whose centre is in ``bbox``, in their original order (as ``_chars_in``)."""
        import bisect

        x0, top, x1, bottom = bbox
        lo = bisect.bisect_left(self.ys, top)
        hi = bisect.bisect_right(self.ys, bottom)
        idx = sorted(self.order[lo:hi])
        return [c for c in (self.chars[i] for i in idx) if x0 <= (c["x0"] + c["x1"]) / 2 <= x1]


# ---------------------------------------------------------------- rulings and tables


def _is_ruling(obj: dict[str, Any]) -> bool:
    """Drawn lines and stroked rectangles are rulings; filled boxes only when hairline-thin and not white."""
    if obj["object_type"] == "line":
        return True
    if obj["object_type"] == "curve":
        return False
    if obj["object_type"] != "rect":
        return True
    if obj.get("stroke"):
        return True
    thin = min(obj["width"], obj["height"]) <= 2.0
    color = obj.get("non_stroking_color")
    white = isinstance(color, (tuple, list)) and len(color) in (1, 3, 4) and (
        all(v >= 0.95 for v in color) if len(color) != 4 else all(v <= 0.05 for v in color))
    return thin and not white


def _closing_edges(page: Any) -> list[dict[str, Any]]:
    """Rules closing a table cut by a page break.

    Where a table breaks over pages, the cells cut by the break often have no top (or no
    bottom) border on the page: only the frame's vertical rules start (or end) there. A
    horizontal rule is added across the vertical rules that start at the topmost (or end at
    the bottommost) position, if that is near the page's top (or bottom).
    """
    from gsnlp.io.pdfium import closing_edges

    return closing_edges(list(page.edges), float(page.height))


@dataclass(slots=True)
class Part:
    """One table as found on one page."""

    page: int
    bbox: tuple[float, float, float, float]
    xs: list[float]
    rows: list[list[tuple[float, float, float, float] | None]]
    chars: list[dict[str, Any]] = field(repr=False, default_factory=list)
    hrules: list[tuple[float, float, float]] = field(repr=False, default_factory=list)  # drawn (y, x0, x1)


def _find_tables(page: Any, pno: int) -> list[Part]:
    ruled = page.filter(_is_ruling)
    settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
                "join_tolerance": 3, "intersection_tolerance": 3, "edge_min_length": 3}
    hrules = [(e["top"], e["x0"], e["x1"]) for e in ruled.edges if e["orientation"] == "h"]
    extra = _closing_edges(ruled)
    if extra:
        settings["explicit_horizontal_lines"] = extra
    parts = []
    for t in ruled.find_tables(table_settings=settings):
        xs = sorted({c[0] for c in t.cells})
        rows = [list(r.cells) for r in t.rows]
        if len(xs) < 2:
            continue  # a box around a paragraph, not a table (one row may be a table's last, on a new page)
        parts.append(Part(pno, tuple(t.bbox), xs, rows, hrules=hrules))
    return parts


# ---------------------------------------------------------------- assembling


@dataclass(slots=True)
class TableBuild:
    xs: list[float]
    cells: list[list[PendingCell]]
    boxes: list[list[tuple[int, tuple[float, float, float, float]] | None]]
    bottom_page: int
    bottom: float
    hrules: list[tuple[float, float, float]] = field(default_factory=list)


def _where(page: int, bbox: tuple[float, float, float, float]) -> dict[str, Any]:
    return {"page": page, "bbox": [round(v, 2) for v in bbox]}


def _cell_where(part: Part, bb: tuple[float, float, float, float], inside: list[dict[str, Any]]) -> dict[str, Any]:
    """Page and box; for characters read by OCR also the lowest confidence among them."""
    where = _where(part.page, bb)
    confs = [c["conf"] for c in inside if "conf" in c]
    if confs:
        where["ocr_confidence"] = round(min(confs), 4)
    return where


def _part_cells(part: Part) -> tuple[list[list[PendingCell]], list[list[tuple[int, Any] | None]]]:
    index = _CharIndex(part.chars)
    cells, boxes = [], []
    for row in part.rows:
        crow, brow = [], []
        for bb in row:
            if bb is None:
                crow.append(PendingCell("", None, True))
                brow.append(None)
            else:
                inside = index.inside(bb)
                crow.append(PendingCell(join_lines([ln.text for ln in _chars_to_lines(inside, 0)]),
                                        _cell_where(part, bb, inside)))
                brow.append((part.page, bb))
        if all(c.merged or not c.text for c in crow):
            continue  # a row with no text at all (a spacer under the last rule)
        cells.append(crow)
        boxes.append(brow)
    return cells, boxes


def _map_columns(open_xs: list[float], xs: list[float], tol: float = 4.0) -> list[int] | None:
    mapping = []
    for x in xs:
        best = min(range(len(open_xs)), key=lambda i: abs(open_xs[i] - x))
        if abs(open_xs[best] - x) > tol or best in mapping:
            return None
        mapping.append(best)
    return mapping


def _continue(tbl: TableBuild, part: Part) -> bool:
    """Append a table part from the next page to ``tbl`` if its columns line up."""
    mapping = _map_columns(tbl.xs, part.xs)
    if mapping is None:
        return False
    cells, boxes = _part_cells(part)
    if not cells:
        return True
    width = len(tbl.xs)
    first = len(tbl.cells)
    for crow, brow in zip(cells, boxes):
        nrow = [PendingCell("", None, True) for _ in range(width)]
        nbox: list[Any] = [None] * width
        for j, i in enumerate(mapping):
            nrow[i] = crow[j]
            nbox[i] = brow[j]
        tbl.cells.append(nrow)
        tbl.boxes.append(nbox)
    # a label cell cut by the page break continues in the first row of the new part
    # Cells cut by the break form a left prefix of the row (the label columns): stop at the
    # first cell of the new row that is a cell of its own.
    for c in range(width):
        cont = tbl.cells[first][c]
        if cont.merged:
            continue
        owner_at = _cut_owner(tbl, part, first, c)
        if owner_at is None:
            break
        owner = tbl.cells[owner_at][c]
        owner.text = join_lines([owner.text, cont.text])
        if owner.where is not None:
            owner.where = {**owner.where, "continued": [cont.where]}
        tbl.cells[first][c] = PendingCell("", owner.where, True)
    tbl.bottom_page = part.page
    tbl.bottom = part.bbox[3]
    tbl.hrules = part.hrules
    return True


def _cut_owner(tbl: TableBuild, part: Part, first: int, c: int) -> int | None:
    """The row of the cell that the first new row's cell at column ``c`` continues, if any."""
    cont = tbl.cells[first][c]
    if _NUMBER.match(cont.text) or _LIST_MARK.match(cont.text):
        return None
    r = first - 1
    while r >= 0 and tbl.cells[r][c].merged and tbl.boxes[r][c] is None:
        r -= 1
    if r < 0:
        return None
    owner, obox = tbl.cells[r][c], tbl.boxes[r][c]
    if owner.merged or not owner.text or _NUMBER.match(owner.text) or obox is None:
        return None
    if abs(obox[1][3] - tbl.bottom) > 3:
        return None  # the cell above ends before the break: the new one is a cell of its own
    cbox = tbl.boxes[first][c]
    if cbox is None or abs(cbox[1][0] - obox[1][0]) > 3 or abs(cbox[1][2] - obox[1][2]) > 3:
        return None  # not the same column extent (a title row above a header row)
    x0, x1 = obox[1][0], obox[1][2]
    closed = _ruled(tbl.hrules, obox[1][3], x0, x1) and _ruled(part.hrules, cbox[1][1], x0, x1)
    if closed and cont.text and not _LIST_MARK.match(owner.text):
        # ruled on both sides of the break (WPS draws the cut): only a numbered label cut
        # mid-text (（四）无 / 法提供) or an empty continuation is one cell
        return None
    return r


def _ruled(rules: list[tuple[float, float, float]], y: float, x0: float, x1: float) -> bool:
    """Whether drawn horizontal rules at ``y`` cover most of [x0, x1]."""
    segs = sorted((max(a, x0), min(b, x1)) for yy, a, b in rules if abs(yy - y) < 2.5 and b > x0 and a < x1)
    covered, end = 0.0, x0
    for a, b in segs:
        if b > end:
            covered += b - max(a, end)
            end = b
    return covered >= 0.9 * (x1 - x0)


def _is_furniture(ln: Line, height: float, repeated: set[str]) -> bool:
    in_margin = ln.bottom > height * 0.88 or ln.top < height * 0.08
    if not in_margin:
        return False
    return bool(_PAGE_NO.match(ln.text)) or _norm_rep(ln.text) in repeated


def _norm_rep(text: str) -> str:
    return re.sub(r"\d+", "#", text.replace(" ", ""))


ENGINES = ("pdfium", "pdfplumber")


@reader("pdf")
def read_pdf(data: bytes, path: str, *, engine: str = "pdfium", ocr: bool | None = None) -> Reading:
    """Read a PDF report. See the module docstring.

    ``engine``: ``"pdfium"`` (default, fast) or ``"pdfplumber"`` (the former path, kept for
    comparison). A PDF without a text layer is read by OCR (``gsnlp.io.ocr``) when the ``ocr``
    extra is installed (``ocr=False`` refuses it instead); without the extra it raises
    ``NoTextLayerError`` naming the extra.
    """
    if ocr is None:  # GSNLP_OCR=0 turns OCR off for a run (a batch that must not spend seconds per page)
        import os

        ocr = False if os.environ.get("GSNLP_OCR", "").strip().lower() in ("0", "off", "false", "no") else None
    origin = path or "<pdf>"
    if len(data) > MAX_BYTES:
        raise HostileInputError(f"the PDF is {len(data) / 2**20:.0f} MiB (limit {MAX_BYTES // 2**20} MiB)",
                                origin=origin)
    if not data.strip():
        raise EmptyInputError("the PDF file is empty", origin=origin)
    if engine == "pdfium":
        pages_lines, n_chars = _pages_pdfium(data, origin)
    elif engine == "pdfplumber":
        pages_lines, n_chars = _pages_plumber(data, origin)
    else:
        from gsnlp.errors import UnknownNameError

        raise UnknownNameError("PDF engine", engine, ENGINES)
    if n_chars == 0:
        from gsnlp.io.ocr import ocr_available

        if ocr is not False and ocr_available():
            from gsnlp.io.ocr import read_pdf_ocr

            return read_pdf_ocr(data, origin)
        from gsnlp.errors import NoTextLayerError

        hint = ("install the OCR extra (pip install 'gsnlp[ocr]') and read it again, or OCR it first "
                "(e.g. ocrmypdf -l chi_sim in.pdf out.pdf)") if ocr is not False else "read it with OCR on"
        raise NoTextLayerError(f"the PDF has no text layer ({len(pages_lines)} pages of images?); it needs OCR: "
                               f"{hint}", origin=origin)
    reading = _assemble(pages_lines)
    blank = [i for i, (_, _, lines, parts) in enumerate(pages_lines, 1) if not lines and not parts]
    if blank:  # a mixed file (some pages scanned): say which pages gave no text
        reading.hints["pages_without_text"] = blank
    return reading


PageLines = tuple[float, float, list[tuple["Line", bool]], list["Part"]]


def page_lines(chars: list[dict[str, Any]], parts: list[Part], width: float, height: float,
               pno: int) -> PageLines:
    """One page's free lines and table parts from its characters (shared by every engine)."""
    for p in parts:
        p.chars = [c for c in chars if _inside(c, p.bbox)]
    free = [c for c in chars if not any(_inside(c, p.bbox) for p in parts)]
    return (width, height, _free_lines(free, pno), parts)


def parts_from_edges(edges: list[dict[str, Any]], height: float, pno: int) -> list[Part]:
    """Table parts cut by ruling edges (PDFium path and OCR path)."""
    from gsnlp.io.pdfium import table_cells

    hrules = [(e["top"], e["x0"], e["x1"]) for e in edges if e["orientation"] == "h"]
    parts = []
    for bbox, rows in table_cells(edges, height):
        xs = sorted({c[0] for r in rows for c in r if c is not None})
        if len(xs) < 2:
            continue  # a box around a paragraph, not a table
        parts.append(Part(pno, bbox, xs, rows, hrules=hrules))
    return parts


def _pages_pdfium(data: bytes, origin: str) -> tuple[list[PageLines], int]:
    from gsnlp.io.pdfium import open_document, page_content

    doc = open_document(data, origin)
    out: list[PageLines] = []
    n_chars = 0
    try:
        n_pages = len(doc)
        if n_pages > MAX_PAGES:
            raise HostileInputError(f"the PDF has {n_pages} pages (limit {MAX_PAGES})", origin=origin)
        for i in range(n_pages):
            pc = page_content(doc, i, origin)
            n_chars += len(pc.chars)
            parts = parts_from_edges(pc.edges, pc.height, i + 1) if pc.chars else []
            out.append(page_lines(pc.chars, parts, pc.width, pc.height, i + 1))
    except (HostileInputError, InputError):
        raise
    except Exception as e:
        raise InputError(f"cannot read the PDF ({type(e).__name__}: {e}); the file is damaged", origin=origin) \
            from None
    finally:
        doc.close()
    return out, n_chars


def _pages_plumber(data: bytes, origin: str) -> tuple[list[PageLines], int]:
    pdfplumber = _plumber()
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as e:  # pdfminer raises many unrelated types on damaged files
        raise InputError(f"cannot open the PDF ({type(e).__name__}: {e}); the file is damaged or not a PDF",
                         origin=origin) from None
    pages_lines: list[PageLines] = []
    n_chars = 0
    try:
        with pdf:
            n_pages = len(pdf.pages)
            if n_pages > MAX_PAGES:
                raise HostileInputError(f"the PDF has {n_pages} pages (limit {MAX_PAGES})", origin=origin)
            for pno, page in enumerate(pdf.pages, 1):
                objs = page.objects
                if sum(len(v) for v in objs.values()) > MAX_OBJECTS_PER_PAGE:
                    raise HostileInputError(f"page {pno} has more than {MAX_OBJECTS_PER_PAGE} drawing objects",
                                            origin=origin)
                chars = list(page.chars)
                n_chars += len(chars)
                parts = _find_tables(page, pno) if chars else []
                pages_lines.append(page_lines(chars, parts, float(page.width), float(page.height), pno))
                page.flush_cache()
    except (HostileInputError, InputError):
        raise
    except Exception as e:
        raise InputError(f"cannot read the PDF ({type(e).__name__}: {e}); the file is damaged", origin=origin) \
            from None
    return pages_lines, n_chars


def _inside(c: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x = (c["x0"] + c["x1"]) / 2
    y = (c["top"] + c["bottom"]) / 2
    return bbox[0] - 0.5 <= x <= bbox[2] + 0.5 and bbox[1] - 0.5 <= y <= bbox[3] + 0.5


def _assemble(pages: list[tuple[float, float, list[tuple[Line, bool]], list[Part]]]) -> Reading:
    # repeated margin lines (running headers/footers) appear on at least half of the pages
    counts: dict[str, int] = {}
    for w, h, lines, _ in pages:
        for t in {_norm_rep(ln.text) for ln, _ in lines if ln.bottom > h * 0.88 or ln.top < h * 0.08}:
            counts[t] = counts.get(t, 0) + 1
    repeated = {t for t, n in counts.items() if len(pages) >= 3 and n >= max(2, len(pages) // 2)}
    furniture: list[dict[str, Any]] = []
    body_lines = [ln for w, h, lines, _ in pages for ln, tab in lines if not tab]
    lefts = sorted(ln.x0 for ln in body_lines) or [0.0]
    rights = sorted(ln.x1 for ln in body_lines) or [0.0]
    left = lefts[len(lefts) // 10]
    right = rights[len(rights) * 9 // 10]

    tb = TextBuilder()
    grids: list[list[RawRow]] = []
    para: list[str] = []
    prev: Line | None = None
    open_tbl: TableBuild | None = None

    def flush_para() -> None:
        nonlocal prev
        if para:
            tb.paragraph(join_lines(para))
            para.clear()
        prev = None

    def close_table() -> None:
        nonlocal open_tbl
        if open_tbl is not None:
            grids.append(tb.table(open_tbl.cells))
            open_tbl = None

    page_starts: list[int] = []
    for w, h, lines, parts in pages:
        # where the page's text begins (a paragraph that runs on from the previous page counts
        # as that page's: its text is not joined yet)
        page_starts.append(tb.pos)
        blocks: list[tuple[float, int, Any]] = []
        for ln, tab in lines:
            if _is_furniture(ln, h, repeated):
                furniture.append({"page": ln.page, "bbox": [round(v, 2) for v in (ln.x0, ln.top, ln.x1, ln.bottom)],
                                  "text": ln.text})
                continue
            blocks.append((ln.top, 2 if tab else 0, ln))
        for p in parts:
            blocks.append((p.bbox[1], 1, p))
        blocks.sort(key=lambda b: (b[0], b[1]))
        for i, (_, kind, obj) in enumerate(blocks):
            if kind == 1:
                part: Part = obj
                if open_tbl is not None and i == 0 and open_tbl.bottom_page == part.page - 1 and _continue(open_tbl,
                                                                                                            part):
                    continue
                flush_para()
                close_table()
                cells, boxes = _part_cells(part)
                open_tbl = TableBuild(part.xs, cells, boxes, part.page, part.bbox[3], part.hrules)
                continue
            ln: Line = obj
            if open_tbl is not None:
                close_table()
            size = ln.size or 10.0
            if kind == 2:  # a line of a table without rules: a line of its own
                flush_para()
                tb.paragraph(ln.text)
                continue
            new = (prev is None or ln.x0 > left + 0.8 * size or prev.x1 < right - 1.5 * size
                   or (prev.page == ln.page and ln.top - prev.bottom > 1.2 * size))
            if new:
                flush_para()
            para.append(ln.text)
            prev = ln
        # a table that is not the last thing on its page cannot continue on the next one
        if open_tbl is not None and blocks and blocks[-1][1] != 1:
            close_table()
    flush_para()
    close_table()
    extra: dict[str, Any] = {"pages": len(pages), "page_furniture": furniture, "page_starts": page_starts}
    return Reading(tb.text(), grids, [], extra)
