"""Scans with exact truth: a PDF's pages rasterised into page images and image-only PDFs.

A report rendered from gold (``gsnlp.render.pdf``) and rasterised here is a scan whose every
cell is known, for testing the OCR path (``gsnlp.io.ocr``) and measuring it
(``experiments/ocr``). Degradations, each deterministic for a ``seed``: grey levels, Gaussian
noise, a slight rotation (skew) and JPEG artefacts.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Scan:
    """How to rasterise: resolution, noise (grey-level standard deviation), skew (degrees), JPEG quality
    (None: lossless)."""

    dpi: int = 200
    noise: float = 0.0
    skew: float = 0.0
    jpeg_quality: int | None = None
    seed: int = 0


def rasterise(pdf: bytes, scan: Scan = Scan(), pages: list[int] | None = None) -> list[Any]:
    """Grey PIL images of the PDF's pages (0-based ``pages``; default all), degraded as ``scan`` says."""
    import numpy as np
    from PIL import Image

    from gsnlp.io.pdfium import open_document, render_page

    doc = open_document(pdf, "<pdf>")
    out = []
    try:
        idx = range(len(doc)) if pages is None else pages
        for i in idx:
            img = render_page(doc, i, scan.dpi, grey=True).convert("L")
            rng = random.Random(scan.seed * 1000 + i)
            if scan.skew:
                img = img.rotate(scan.skew * (1 if rng.random() < 0.5 else -1), resample=Image.Resampling.BILINEAR,
                                 expand=False, fillcolor=255)
            if scan.noise:
                arr = np.asarray(img).astype(np.float32)
                gen = np.random.default_rng(scan.seed * 1000 + i)
                arr = np.clip(arr + gen.normal(0.0, scan.noise, arr.shape), 0, 255).astype(np.uint8)
                img = Image.fromarray(arr, mode="L")
            if scan.jpeg_quality is not None:
                buf = io.BytesIO()
                img.save(buf, "JPEG", quality=scan.jpeg_quality)
                img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
            img.info["dpi"] = (scan.dpi, scan.dpi)
            out.append(img)
    finally:
        doc.close()
    return out


def image_pdf(images: list[Any], dpi: int, *, jpeg_quality: int = 75) -> bytes:
    """An image-only PDF (no text layer) of the page images, each page one JPEG."""
    if not images:
        raise ValueError("no page images")
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi), quality=jpeg_quality)
    return buf.getvalue()


def png(image: Any, dpi: int) -> bytes:
    """One page image as PNG bytes (with its resolution)."""
    buf = io.BytesIO()
    image.save(buf, "PNG", dpi=(dpi, dpi), optimize=True)
    return buf.getvalue()


__all__ = ["Scan", "rasterise", "image_pdf", "png"]
