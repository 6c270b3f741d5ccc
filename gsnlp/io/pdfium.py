"""PDF pages through PDFium (pypdfium2): characters with boxes, table rulings, page images.

The fast text-layer path of ``gsnlp.io.pdf``. For each page it gives

- the characters as dicts shaped like pdfplumber's (``text``, ``x0``, ``x1``, ``top``,
  ``bottom``, ``size``; points from the page's top-left): left/right from PDFium's loose
  character box, bottom at the font's descent, top one font size above it;
- the ruling edges (``orientation`` ``"h"``/``"v"``, ``x0``, ``x1``, ``top``, ``bottom``,
  ``width``, ``height``) rebuilt from the page's path objects: a two-point subpath is a line, an
  axis-aligned four-point subpath a rectangle (stroked rectangles and thin non-white filled
  ones are rulings; white boxes behind text lines are not; curves are not);
- rendered page images for OCR (``render_page``).

Objects are counted before anything else is read: a page with more than
``MAX_OBJECTS_PER_PAGE`` objects or ``MAX_SEGMENTS_PER_PAGE`` path segments raises
``InputTooComplexError`` (code ``input_too_complex``) naming the page.

Tables are found from the edges with the same geometry as pdfplumber's table finder (snap,
join, intersections, cells; ``find_parts``), so both paths cut the same cells.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass
from typing import Any

from gsnlp.errors import InputError, InputTooComplexError, MissingExtraError

MAX_OBJECTS_PER_PAGE = 50_000
MAX_SEGMENTS_PER_PAGE = 200_000
MAX_CHARS_PER_PAGE = 200_000
MAX_FORM_DEPTH = 8

_TOL = 0.01


def pdfium() -> Any:
    """The pypdfium2 module, or MissingExtraError naming the extra."""
    try:
        import pypdfium2
    except ImportError:
        raise MissingExtraError("reading PDF", "formats", "pypdfium2") from None
    return pypdfium2


def open_document(data: bytes, origin: str) -> Any:
    """A ``PdfDocument`` for ``data``; a damaged file raises ``InputError``."""
    pdfium_mod = pdfium()
    try:
        return pdfium_mod.PdfDocument(data)
    except Exception as e:  # PdfiumError and friends
        raise InputError(f"cannot open the PDF ({type(e).__name__}: {e}); the file is damaged or not a PDF",
                         origin=origin) from None


@dataclass(frozen=True, slots=True)
class PageContent:
    """What the table and text code needs from one page."""

    width: float
    height: float
    chars: list[dict[str, Any]]
    edges: list[dict[str, Any]]  # ruling edges only


def _too_complex(origin: str, pno: int, what: str) -> InputTooComplexError:
    return InputTooComplexError(f"page {pno} has {what}; this is not a report page, it is not read", origin=origin)


def page_content(doc: Any, index: int, origin: str, *, with_edges: bool = True) -> PageContent:
    """Characters and ruling edges of page ``index`` (0-based)."""
    import pypdfium2.raw as raw

    page = doc[index]
    try:
        pno = index + 1
        n_obj = raw.FPDFPage_CountObjects(page)
        if n_obj > MAX_OBJECTS_PER_PAGE:
            raise _too_complex(origin, pno, f"{n_obj} drawing objects (limit {MAX_OBJECTS_PER_PAGE})")
        x_off, y_off, x_end, y_end = page.get_bbox()  # the visible box, inherited attributes resolved
        width, height = x_end - x_off, y_end - y_off
        chars = _chars(page, raw, height + y_off, x_off, origin, pno)
        edges = _edges(page, raw, height + y_off, x_off, origin, pno) if with_edges and chars else []
        return PageContent(float(width), float(height), chars, edges)
    finally:
        page.close()


def _chars(page: Any, raw: Any, top_y: float, x_off: float, origin: str, pno: int) -> list[dict[str, Any]]:
    tp = page.get_textpage()
    try:
        n = raw.FPDFText_CountChars(tp)
        if n > MAX_CHARS_PER_PAGE:
            raise _too_complex(origin, pno, f"{n} characters (limit {MAX_CHARS_PER_PAGE})")
        out: list[dict[str, Any]] = []
        rect = raw.FS_RECTF()
        mat = raw.FS_MATRIX()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        for i in range(n):
            code = raw.FPDFText_GetUnicode(tp, i)
            if code <= 32 or code in (0xA0, 0x3000, 0xFEFF, 0x200B) or 0xD800 <= code <= 0xDFFF:
                if not 0xD800 <= code <= 0xDBFF:
                    continue
            if raw.FPDFText_IsGenerated(tp, i):
                continue
            text = chr(code) if not 0xD800 <= code <= 0xDBFF else tp.get_text_range(i, 2)
            if not raw.FPDFText_GetLooseCharBox(tp, i, rect):
                continue
            fs = raw.FPDFText_GetFontSize(tp, i)
            if raw.FPDFText_GetMatrix(tp, i, mat):
                scale = math.hypot(mat.c, mat.d) or 1.0
            else:
                scale = 1.0
            size = fs * scale
            if not size > 0:
                size = rect.top - rect.bottom
            x0, x1, bot = rect.left, rect.right, top_y - rect.bottom
            if x1 - x0 > 2.5 * size or rect.top - rect.bottom > 2.5 * size:
                # a glyph of a vertical-writing font: PDFium's loose box spans the font's whole
                # bounding box; the glyph stands at its origin, one font size wide and high
                raw.FPDFText_GetCharOrigin(tp, i, ctypes.byref(ox), ctypes.byref(oy))
                x0, x1, bot = ox.value, ox.value + size, top_y - oy.value
            out.append({"text": text, "x0": x0 - x_off, "x1": x1 - x_off, "top": bot - size, "bottom": bot,
                        "size": size})
        return out
    finally:
        tp.close()


def _edges(page: Any, raw: Any, top_y: float, x_off: float, origin: str, pno: int) -> list[dict[str, Any]]:
    """Ruling edges of the page's path objects (form XObjects included)."""
    edges: list[dict[str, Any]] = []
    budget = [MAX_SEGMENTS_PER_PAGE]
    n = raw.FPDFPage_CountObjects(page)
    objs = [raw.FPDFPage_GetObject(page, i) for i in range(n)]
    _walk(objs, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), raw, edges, budget, top_y, x_off, origin, pno, 0)
    return edges


Matrix = tuple[float, float, float, float, float, float]


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2)


def _walk(objs: list[Any], outer: Matrix, raw: Any, edges: list[dict[str, Any]], budget: list[int], top_y: float,
          x_off: float, origin: str, pno: int, depth: int) -> None:
    fm = raw.FS_MATRIX()
    for obj in objs:
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_FORM:
            if depth >= MAX_FORM_DEPTH:
                raise _too_complex(origin, pno, f"form objects nested more than {MAX_FORM_DEPTH} deep")
            m = _mul((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), outer) if raw.FPDFPageObj_GetMatrix(obj, fm) else outer
            k = raw.FPDFFormObj_CountObjects(obj)
            budget[0] -= max(k, 0)
            if budget[0] < 0:
                raise _too_complex(origin, pno, f"more than {MAX_SEGMENTS_PER_PAGE} drawing objects and segments")
            _walk([raw.FPDFFormObj_GetObject(obj, i) for i in range(max(k, 0))], m, raw, edges, budget, top_y,
                  x_off, origin, pno, depth + 1)
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            _path_edges(obj, outer, raw, edges, budget, top_y, x_off, origin, pno)


def _path_edges(obj: Any, outer: Matrix, raw: Any, edges: list[dict[str, Any]], budget: list[int], top_y: float,
                x_off: float, origin: str, pno: int) -> None:
    n = raw.FPDFPath_CountSegments(obj)
    budget[0] -= max(n, 0)
    if budget[0] < 0:
        raise _too_complex(origin, pno, f"more than {MAX_SEGMENTS_PER_PAGE} path segments")
    fm = raw.FS_MATRIX()
    m = _mul((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), outer) if raw.FPDFPageObj_GetMatrix(obj, fm) else outer
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fillmode), ctypes.byref(stroke))
    stroked = bool(stroke.value)
    filled = fillmode.value != raw.FPDF_FILLMODE_NONE
    if not stroked and not filled:
        return
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    white = False
    if filled and raw.FPDFPageObj_GetFillColor(obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b),
                                               ctypes.byref(a)):
        white = min(r.value, g.value, b.value) >= 242
    x, y = ctypes.c_float(), ctypes.c_float()
    xr, yr = ctypes.byref(x), ctypes.byref(y)
    get_seg, get_type, get_point = raw.FPDFPath_GetPathSegment, raw.FPDFPathSegment_GetType, raw.FPDFPathSegment_GetPoint
    moveto, bezier = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_BEZIERTO
    a0, a1, a2, a3, a4, a5 = m
    sub: list[tuple[float, float]] = []
    closed = False
    subs: list[tuple[list[tuple[float, float]], bool]] = []
    curved = False
    for i in range(n):
        seg = get_seg(obj, i)
        t = get_type(seg)
        get_point(seg, xr, yr)
        px, py = x.value, y.value
        pt = (px * a0 + py * a2 + a4, px * a1 + py * a3 + a5)
        if t == moveto:
            if sub:
                subs.append((sub, closed) if not curved else ([], False))
            sub, closed, curved = [pt], False, False
            continue
        if t == bezier:
            curved = True
        sub.append(pt)
    if sub:
        subs.append((sub, closed) if not curved else ([], False))
    for pts, _closed in subs:
        if len(pts) == 2:
            _line(pts, edges, top_y, x_off)
        elif len(pts) in (4, 5):
            if len(pts) == 5 and not _same(pts[4], pts[0]):
                continue
            box = _rect(pts[:4])
            if box is None:
                continue
            x0, y0, x1, y1 = box
            thin = min(x1 - x0, y1 - y0) <= 2.0
            if stroked or (thin and not white):
                _rect_edges(box, edges, top_y, x_off)


def _same(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return abs(p[0] - q[0]) < _TOL and abs(p[1] - q[1]) < _TOL


def _rect(p: list[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = p

    def eq(u: float, v: float) -> bool:
        return abs(u - v) < _TOL

    if (eq(x0, x1) and eq(y1, y2) and eq(x2, x3) and eq(y3, y0)) or (
            eq(y0, y1) and eq(x1, x2) and eq(y2, y3) and eq(x3, x0)):
        xs, ys = (x0, x1, x2, x3), (y0, y1, y2, y3)
        return min(xs), min(ys), max(xs), max(ys)
    return None


def _edge(x0: float, top: float, x1: float, bottom: float, orient: str) -> dict[str, Any]:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": orient, "object_type": "line"}


def _line(pts: list[tuple[float, float]], edges: list[dict[str, Any]], top_y: float, x_off: float) -> None:
    (ax, ay), (bx, by) = pts
    x0, x1 = sorted((ax - x_off, bx - x_off))
    top, bottom = sorted((top_y - ay, top_y - by))
    if abs(bottom - top) < _TOL:
        edges.append(_edge(x0, top, x1, top, "h"))
    elif abs(x1 - x0) < _TOL:
        edges.append(_edge(x0, top, x0, bottom, "v"))


def _rect_edges(box: tuple[float, float, float, float], edges: list[dict[str, Any]], top_y: float,
                x_off: float) -> None:
    x0, y0, x1, y1 = box
    x0, x1 = x0 - x_off, x1 - x_off
    top, bottom = top_y - y1, top_y - y0
    edges.append(_edge(x0, top, x1, top, "h"))
    edges.append(_edge(x0, bottom, x1, bottom, "h"))
    edges.append(_edge(x0, top, x0, bottom, "v"))
    edges.append(_edge(x1, top, x1, bottom, "v"))


# ---------------------------------------------------------------- tables from edges


def closing_edges(edges: list[dict[str, Any]], height: float) -> list[dict[str, Any]]:
    """Rules closing a table cut by a page break (see ``gsnlp.io.pdf._closing_edges``)."""
    vs = [e for e in edges if e["orientation"] == "v" and e["height"] > 3]
    if len(vs) < 2:
        return []
    out = []
    top = min(v["top"] for v in vs)
    bottom = max(v["bottom"] for v in vs)
    for y, at, near in ((top, "top", top < height * 0.3), (bottom, "bottom", bottom > height * 0.7)):
        if not near:
            continue
        xs = [v["x0"] for v in vs if abs(v[at] - y) < 2.5]
        if len(xs) >= 2:
            out.append(_edge(min(xs), y, max(xs), y, "h"))
    return out


def table_cells(edges: list[dict[str, Any]], height: float) -> list[tuple[tuple[float, float, float, float],
                                                                         list[list[Any]]]]:
    """Tables cut by ruling ``edges``: (bbox, rows of cell boxes or None), like pdfplumber's finder
    with the "lines" strategy, snap/join/intersection tolerance 3 and edges of at least 3 pt."""
    try:
        from pdfplumber.table import (Table, cells_to_tables, edges_to_intersections, intersections_to_cells,
                                      merge_edges)
    except ImportError:
        raise MissingExtraError("finding PDF tables", "formats", "pdfplumber") from None
    es = [e for e in edges if (e["height"] if e["orientation"] == "v" else e["width"]) >= 1]
    es += closing_edges(es, height)
    merged = merge_edges(es, snap_x_tolerance=3, snap_y_tolerance=3, join_x_tolerance=3, join_y_tolerance=3)
    merged = [e for e in merged if (e["height"] if e["orientation"] == "v" else e["width"]) >= 3]
    cells = intersections_to_cells(edges_to_intersections(merged, 3, 3))
    out = []
    for group in cells_to_tables(cells):
        t = Table(None, group)  # type: ignore[arg-type]  # rows and bbox need only the cells
        x0, top, x1, bottom = t.bbox
        out.append(((float(x0), float(top), float(x1), float(bottom)), [list(r.cells) for r in t.rows]))
    return out


def render_page(doc: Any, index: int, dpi: float, *, grey: bool = True) -> Any:
    """Page ``index`` as a PIL image at ``dpi`` (grey by default)."""
    page = doc[index]
    try:
        bitmap = page.render(scale=dpi / 72.0, grayscale=grey)
        return bitmap.to_pil()
    finally:
        page.close()


__all__ = ["PageContent", "open_document", "page_content", "table_cells", "closing_edges", "render_page",
           "MAX_OBJECTS_PER_PAGE", "MAX_SEGMENTS_PER_PAGE"]
