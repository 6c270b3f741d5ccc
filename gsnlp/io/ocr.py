"""OCR for scanned reports: image-only PDFs and page images (PNG/JPEG/TIFF).

Extra ``gsnlp[ocr]``: rapidocr-onnxruntime (PP-OCRv4 Chinese detection and recognition models
inside the wheel; nothing is downloaded at run time), opencv and numpy.

Each page image becomes what the text-layer PDF path reads, so the same code finds lines,
tables and cells (``gsnlp.io.pdf``):

- **characters with boxes**: PP-OCR finds text lines and reads them; with per-character boxes
  every character becomes a char dict in PDF points (``x0``, ``x1``, ``top``, ``bottom``,
  ``size``) with its recognition confidence (``conf``);
- **rulings**: the table grid lines are found in the image (ink runs of at least ``0.2 inch``
  kept by a morphological opening, one edge per connected line); a skewed scan is first
  straightened by the median angle of its long horizontal lines; pages without rulings read
  their tables from word positions like a borderless PDF;
- the same table finder and aligner as every other format.

Provenance: every cell keeps ``where = {"page", "bbox", "ocr_confidence"}`` (the lowest
confidence of its characters; PDF points, or image pixels × 72 / dpi for images). The report's
``extra["ocr"]`` says the engine, the dpi and each page's mean confidence. The arithmetic of the
template then checks the digits (``gsnlp.io.ocrcheck``).
"""

from __future__ import annotations

import functools
import importlib.util
import io
import math
from dataclasses import dataclass, field
from typing import Any

from gsnlp.errors import EmptyInputError, InputError, InputTooComplexError, MissingExtraError
from gsnlp.io.reading import Reading, reader

DPI = 200
"""Resolution at which image-only PDF pages are rendered for OCR."""
DEFAULT_IMAGE_DPI = 200
"""Resolution assumed for an image that does not state its own."""
MAX_PIXELS = 60_000_000
MAX_IMAGE_PAGES = 200
LINE_INCH = 0.2
"""Shortest ink run (inches) kept as a ruling."""


def ocr_available() -> bool:
    """Whether the ``ocr`` extra is installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("rapidocr_onnxruntime", "cv2", "numpy"))


def _require() -> None:
    if not ocr_available():
        raise MissingExtraError("reading scanned reports (OCR)", "ocr", "rapidocr_onnxruntime")


THREADS_ENV = "GSNLP_OCR_THREADS"
"""Environment variable: onnxruntime threads per OCR session (default 1, see ``session_threads``)."""


def session_threads() -> int:
    """Threads (intra- and inter-op) of each onnxruntime session: ``GSNLP_OCR_THREADS``, default 1.

    One thread is the default so that every float sum runs in one fixed order and a scan read twice,
    in one process or two, under any load, gives the same bytes (the batch's byte-identity promise);
    a batch runs one OCR per worker process anyway. More threads only shorten a lone read on an
    idle machine with spare cores."""
    from gsnlp.errors import threads_from_env

    return threads_from_env(THREADS_ENV)


def _holders(engine: Any) -> dict[str, Any]:
    return {"det": engine.text_det.infer, "cls": engine.text_cls.infer, "rec": engine.text_rec.session}


def engine_sessions(engine: Any) -> dict[str, Any]:
    """The onnxruntime ``InferenceSession`` of each stage of a RapidOCR engine: ``det``, ``cls``, ``rec``."""
    return {name: holder.session for name, holder in _holders(engine).items()}


def _pinned(session: Any, threads: int) -> bool:
    import onnxruntime as ort

    o = session.get_session_options()
    return bool(o.intra_op_num_threads == threads and o.inter_op_num_threads == threads
                and o.execution_mode == ort.ExecutionMode.ORT_SEQUENTIAL)


def pin_sessions(engine: Any, threads: int = 1) -> Any:
    """Make every session of ``engine`` run ``threads`` threads, operators in sequence.

    rapidocr-onnxruntime 1.4.4 passes the thread options on to all three sessions; a session built
    otherwise (another version) is rebuilt here from the same model file with rapidocr's other
    options kept, so the setting holds whatever the installed version does."""
    import onnxruntime as ort

    for holder in _holders(engine).values():
        session = holder.session
        if _pinned(session, threads):
            continue
        opts = session.get_session_options()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = threads
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        holder.session = ort.InferenceSession(session._model_path, sess_options=opts,
                                              providers=session.get_providers())
    return engine


@functools.lru_cache(maxsize=1)
def _engine() -> Any:
    import logging

    from rapidocr_onnxruntime import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    threads = session_threads()
    # Global thread options reach the detector, classifier and recognizer in rapidocr 1.4.4;
    # pin_sessions checks each session and rebuilds one that did not get them.
    engine = RapidOCR(max_side_len=4000, use_cls=False, print_verbose=False, intra_op_num_threads=threads,
                      inter_op_num_threads=threads)
    return pin_sessions(engine, threads)


@dataclass(frozen=True, slots=True)
class OcrPage:
    """One page read by OCR: characters and ruling edges in points, as ``gsnlp.io.pdf`` expects."""

    width: float
    height: float
    chars: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    skew_degrees: float
    mean_confidence: float | None
    doubtful_lines: list[dict[str, Any]]
    image: Any = field(default=None, repr=False, compare=False)  # the straightened grey page
    dpi: float = DPI


# ---------------------------------------------------------------- image → rulings


def _binary(grey: Any) -> Any:
    import cv2

    _, bw = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return bw


def _line_masks(bw: Any, dpi: float) -> tuple[Any, Any]:
    import cv2

    n = max(int(LINE_INCH * dpi), 10)
    h = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1)))
    v = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, n)))
    return h, v


def skew_angle(grey: Any, dpi: float) -> float:
    """Skew of the page in degrees (positive: lines rise to the right), from its long ruled lines;
    0 when the page has none."""
    import cv2
    import numpy as np

    bw = _binary(grey)
    # a short, slightly tall kernel keeps skewed lines whole
    n = max(int(0.6 * dpi), 20)
    h = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (n // 4, 1)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(h, connectivity=8)
    angles = []
    for k in range(1, min(count, 2000)):
        x, y, w, hh, area = stats[k]
        if w < n or hh > w * 0.1:
            continue
        ys, xs = np.nonzero(labels[y:y + hh, x:x + w] == k)
        if len(xs) < 10:
            continue
        slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
        angles.append(-math.degrees(math.atan(slope)))
    return float(np.median(angles)) if angles else 0.0


def deskew(grey: Any, angle: float) -> Any:
    import cv2

    if abs(angle) < 0.05:
        return grey
    hgt, wid = grey.shape[:2]
    m = cv2.getRotationMatrix2D((wid / 2, hgt / 2), -angle, 1.0)
    return cv2.warpAffine(grey, m, (wid, hgt), flags=cv2.INTER_LINEAR, borderValue=255)


def grid_edges(grey: Any, dpi: float) -> list[dict[str, Any]]:
    """Ruling edges (points from the top-left) found in a page image."""
    import cv2

    scale = 72.0 / dpi
    hmask, vmask = _line_masks(_binary(grey), dpi)
    out: list[dict[str, Any]] = []
    for mask, orient in ((hmask, "h"), (vmask, "v")):
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        if count > 20_000:
            raise InputTooComplexError(f"a page image has {count} line fragments; not a report page")
        for k in range(1, count):
            x, y, w, h, _area = (int(v) for v in stats[k])
            if orient == "h":
                yy = (y + h / 2) * scale
                out.append({"x0": x * scale, "x1": (x + w) * scale, "top": yy, "bottom": yy, "width": w * scale,
                            "height": 0.0, "orientation": "h", "object_type": "line"})
            else:
                xx = (x + w / 2) * scale
                out.append({"x0": xx, "x1": xx, "top": y * scale, "bottom": (y + h) * scale, "width": 0.0,
                            "height": h * scale, "orientation": "v", "object_type": "line"})
    return out


# ---------------------------------------------------------------- image → characters


LINE_CONFIDENCE = 0.9
"""OCR text lines read with a lower confidence are listed in ``extra["ocr"]["doubtful_lines"]``."""


def _chars(grey: Any, dpi: float, lines: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    import numpy as np

    scale = 72.0 / dpi
    rgb = np.stack([grey] * 3, axis=-1)
    result, _ = _engine()(rgb, return_word_box=True, use_cls=False)
    chars: list[dict[str, Any]] = []
    for item in result or []:
        box, text, score = item[0], item[1], float(item[2])
        if lines is not None and score < LINE_CONFIDENCE:
            lxs, lys = [p[0] * scale for p in box], [p[1] * scale for p in box]
            lines.append({"bbox": [round(min(lxs), 2), round(min(lys), 2), round(max(lxs), 2), round(max(lys), 2)],
                          "text": text, "confidence": round(score, 4)})
        if len(item) >= 6 and item[3] and len(item[3]) == len(item[4]) == len(item[5]):
            wboxes, wtexts, wconfs = item[3], item[4], item[5]  # per-character boxes, texts, confidences
        else:  # no per-character boxes: share the line box evenly
            wboxes, wtexts, wconfs = _even(box, text), list(text), [score] * len(text)
        for wb, wt, wc in zip(wboxes, wtexts, wconfs):
            xs = [p[0] for p in wb]
            ys = [p[1] for p in wb]
            pieces = [c for c in str(wt) if not c.isspace()]
            if not pieces:
                continue
            x0, x1, top, bottom = min(xs) * scale, max(xs) * scale, min(ys) * scale, max(ys) * scale
            step = (x1 - x0) / len(pieces)
            for j, ch in enumerate(pieces):  # a "word" of several characters: split its box evenly
                chars.append({"text": ch, "x0": x0 + j * step, "x1": x0 + (j + 1) * step, "top": top,
                              "bottom": bottom, "size": max(bottom - top, 1.0), "conf": float(wc)})
    return chars


def _even(box: Any, text: str) -> list[list[list[float]]]:
    xs = [p[0] for p in box]
    ys = [p[1] for p in box]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    n = max(len(text), 1)
    w = (x1 - x0) / n
    return [[[x0 + i * w, y0], [x0 + (i + 1) * w, y0], [x0 + (i + 1) * w, y1], [x0 + i * w, y1]] for i in range(n)]


_CACHE: dict[tuple[str, float], OcrPage] = {}
_CACHE_SIZE = 8


def ocr_page(grey: Any, dpi: float) -> OcrPage:
    """Read one grey page image (a 2-D uint8 array) at ``dpi``.

    The engine is deterministic (one thread per session, ``session_threads``), so the last few
    pages read are kept (by the image's hash): the same page read again in one process (parse,
    then check) is not recognised twice."""
    import copy
    import hashlib

    _require()
    key = (hashlib.sha1(grey.tobytes() + repr(grey.shape).encode()).hexdigest(), float(dpi))
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _ocr_page(grey, dpi)
    return copy.deepcopy(_CACHE[key])


def _ocr_page(grey: Any, dpi: float) -> OcrPage:
    angle = skew_angle(grey, dpi)
    grey = deskew(grey, angle)
    edges = grid_edges(grey, dpi)
    lines: list[dict[str, Any]] = []
    chars = _chars(grey, dpi, lines)
    confs = [c["conf"] for c in chars]
    hgt, wid = grey.shape[:2]
    return OcrPage(wid * 72.0 / dpi, hgt * 72.0 / dpi, chars, edges, round(angle, 3),
                   round(sum(confs) / len(confs), 4) if confs else None, lines, grey, dpi)


# ---------------------------------------------------------------- a second look at table cells

SECOND_LOOK_BELOW = 0.95
"""A table cell whose characters were read with a lower confidence (or that has ink but no
characters: a lone digit the detector missed) is read again from its own crop."""
_DIGITS_ONLY = frozenset("0123456789,.")


def _ink_box(bw: Any, x0: int, y0: int, x1: int, y1: int) -> tuple[int, int, int, int] | None:
    import numpy as np

    sub = bw[y0:y1, x0:x1]
    if sub.size == 0:
        return None
    ys, xs = np.nonzero(sub)
    if len(xs) < 12:  # a speck of noise is not a glyph
        return None
    return x0 + int(xs.min()), y0 + int(ys.min()), x0 + int(xs.max()) + 1, y0 + int(ys.max()) + 1


def second_look(pg: OcrPage, parts: list[Any]) -> int:
    """Read again, one crop each, the table cells the page pass read poorly or not at all.

    A cell qualifies when it has ink inside its rules and either no characters (the detector
    missed a lone digit) or only digits read below ``SECOND_LOOK_BELOW``. The crop's reading
    replaces the cell's characters when it is digits only and more confident than the first.
    Returns the number of cells re-read.
    """
    import numpy as np

    grey, dpi = pg.image, pg.dpi
    k = dpi / 72.0
    bw = _binary(grey)
    hmask, vmask = _line_masks(bw, dpi)
    bw = bw & ~hmask & ~vmask  # the rules are not ink of the cell
    jobs: list[tuple[tuple[float, float, float, float], tuple[int, int, int, int], list[dict[str, Any]]]] = []
    for part in parts:
        for row in part.rows:
            for bb in row:
                if bb is None:
                    continue
                inside = [c for c in pg.chars if bb[0] <= (c["x0"] + c["x1"]) / 2 <= bb[2]
                          and bb[1] <= (c["top"] + c["bottom"]) / 2 <= bb[3]]
                if inside and (min(c["conf"] for c in inside) >= SECOND_LOOK_BELOW
                               or not all(c["text"] in _DIGITS_ONLY for c in inside)):
                    continue
                pad = max(int(0.02 * dpi), 2)
                box = _ink_box(bw, int(bb[0] * k) + pad, int(bb[1] * k) + pad, int(bb[2] * k) - pad,
                               int(bb[3] * k) - pad)
                if box is None:
                    continue
                jobs.append((bb, box, inside))
    if not jobs:
        return 0
    crops = []
    for _, (x0, y0, x1, y1), _ in jobs:
        m = max(int(0.03 * dpi), 4)
        crop = grey[max(y0 - m, 0):y1 + m, max(x0 - m, 0):x1 + m]
        crops.append(np.stack([crop] * 3, axis=-1))
    results, _ = _engine().text_rec(crops)
    n = 0
    for (bb, (x0, y0, x1, y1), inside), (text, score) in zip(jobs, results):
        text = str(text).strip()
        if not text or not all(ch in _DIGITS_ONLY for ch in text) or not any(ch.isdigit() for ch in text):
            continue
        if inside and float(score) <= min(c["conf"] for c in inside):
            continue
        for c in inside:
            pg.chars.remove(c)
        step = (x1 - x0) / len(text)
        for j, ch in enumerate(text):
            pg.chars.append({"text": ch, "x0": (x0 + j * step) / k, "x1": (x0 + (j + 1) * step) / k, "top": y0 / k,
                             "bottom": y1 / k, "size": max((y1 - y0) / k, 1.0), "conf": float(score),
                             "second_look": True})
        n += 1
    return n


# ---------------------------------------------------------------- readers


def _assemble(pages: list[OcrPage], origin: str, source: str, dpis: list[float]) -> Reading:
    from gsnlp.io.pdf import _assemble as assemble
    from gsnlp.io.pdf import page_lines, parts_from_edges

    pl = []
    for pno, pg in enumerate(pages, 1):
        for c in pg.chars:
            c["page"] = pno
        parts = parts_from_edges(pg.edges, pg.height, pno) if pg.chars else []
        if pg.image is not None and parts:
            second_look(pg, parts)
        pl.append(page_lines(pg.chars, parts, pg.width, pg.height, pno))
    if not any(pg.chars for pg in pages):
        from gsnlp.errors import NoTextLayerError

        raise NoTextLayerError(f"OCR found no text on {len(pages)} page(s); is it a blank or a photo?", origin=origin)
    reading = assemble(pl)
    reading.hints["ocr"] = {"engine": "rapidocr-onnxruntime (PP-OCRv4)", "source": source,
                    "dpi": dpis, "pages": [{"page": i, "skew_degrees": pg.skew_degrees,
                                            "mean_confidence": pg.mean_confidence, "chars": len(pg.chars)}
                                           for i, pg in enumerate(pages, 1)],
                    "doubtful_lines": [{"page": i, **ln} for i, pg in enumerate(pages, 1) for ln in pg.doubtful_lines]}
    return reading


def read_pdf_ocr(data: bytes, path: str, *, dpi: float = DPI) -> Reading:
    """Read an image-only PDF: render each page with PDFium at ``dpi`` (grey) and OCR it."""
    import numpy as np

    from gsnlp.io.pdf import MAX_PAGES
    from gsnlp.io.pdfium import open_document, render_page

    _require()
    origin = path or "<pdf>"
    doc = open_document(data, origin)
    try:
        n = len(doc)
        if n > MAX_PAGES:
            raise InputTooComplexError(f"the PDF has {n} pages (limit {MAX_PAGES})", origin=origin)
        pages = []
        for i in range(n):
            w, h = doc[i].get_size()
            if w * h * (dpi / 72) ** 2 > MAX_PIXELS:
                raise InputTooComplexError(f"page {i + 1} is {w:.0f}×{h:.0f} pt, too large to OCR at {dpi} dpi",
                                           origin=origin)
            img = render_page(doc, i, dpi, grey=True)
            pages.append(ocr_page(np.asarray(img.convert("L")), dpi))
    finally:
        doc.close()
    return _assemble(pages, origin, "pdf", [dpi] * len(pages))


@reader("image")
def read_image(data: bytes, path: str) -> Reading:
    """Read a page image (PNG, JPEG, TIFF; every frame of a multi-page TIFF is a page)."""
    _require()
    import numpy as np
    from PIL import Image, ImageSequence, UnidentifiedImageError

    origin = path or "<image>"
    if not data:
        raise EmptyInputError("the image file is empty", origin=origin)
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        im = Image.open(io.BytesIO(data))
        pages, dpis = [], []
        for k, frame in enumerate(ImageSequence.Iterator(im)):
            if k >= MAX_IMAGE_PAGES:
                raise InputTooComplexError(f"the image has more than {MAX_IMAGE_PAGES} frames", origin=origin)
            if frame.width * frame.height > MAX_PIXELS:
                raise InputTooComplexError(f"frame {k + 1} is {frame.width}×{frame.height} pixels", origin=origin)
            dpi_info = frame.info.get("dpi") or im.info.get("dpi")
            dpi = float(round(float(dpi_info[0]))) if dpi_info and 50 <= float(dpi_info[0]) <= 1200 else DEFAULT_IMAGE_DPI
            grey = np.asarray(frame.convert("L"))
            pages.append(ocr_page(grey, dpi))
            dpis.append(dpi)
    except InputError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise InputError(f"cannot read the image ({type(e).__name__}: {e}); the file is damaged", origin=origin) \
            from None
    except Image.DecompressionBombError as e:
        raise InputTooComplexError(f"the image is too large ({e})", origin=origin) from None
    return _assemble(pages, origin, "image", dpis)


__all__ = ["ocr_available", "ocr_page", "read_pdf_ocr", "read_image", "grid_edges", "skew_angle", "deskew",
           "OcrPage", "DPI", "THREADS_ENV", "session_threads", "engine_sessions", "pin_sessions"]
