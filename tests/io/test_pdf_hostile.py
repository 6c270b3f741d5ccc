"""PDFs that cannot be read: no text layer (OCR needed), damaged, oversized — clear errors."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("pdfplumber")
fpdf = pytest.importorskip("fpdf")

from gsnlp_corpus import corpus_file  # noqa: E402

from gsnlp.errors import HostileInputError, InputError  # noqa: E402
from gsnlp.io import pdf as pdf_reader  # noqa: E402
from gsnlp.io.pdf import read_pdf  # noqa: E402


def test_pdf_without_text_layer_says_ocr_is_needed() -> None:
    doc = fpdf.FPDF()
    for _ in range(2):
        doc.add_page()
        doc.rect(20, 20, 150, 200, style="F")  # what a scan looks like to a text extractor: no characters
    with pytest.raises(InputError, match="OCR"):
        read_pdf(bytes(doc.output()), "scan.pdf")


@pytest.mark.parametrize("data", [
    b"%PDF-1.4\n" + b"\x00garbage" * 1000,
    b"%PDF-1.7\n%%EOF",
    b"%PDF-",
])
def test_pdf_damaged_is_an_input_error(data: bytes) -> None:
    t = time.perf_counter()
    with pytest.raises(InputError):
        read_pdf(data, "bad.pdf")
    assert time.perf_counter() - t < 5


def test_pdf_truncated_is_an_input_error() -> None:
    data = corpus_file("淮安市人民政府_2024.pdf").read_bytes()
    with pytest.raises(InputError):
        read_pdf(data[: len(data) // 3], "cut.pdf")


def test_pdf_oversize_is_hostile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "MAX_BYTES", 1000)
    with pytest.raises(HostileInputError):
        read_pdf(corpus_file("淮安市人民政府_2024.pdf").read_bytes(), "big.pdf")


def test_pdf_too_many_pages_is_hostile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 3)
    with pytest.raises(HostileInputError, match="pages"):
        read_pdf(corpus_file("淮安市人民政府_2024.pdf").read_bytes(), "long.pdf")
