"""The template arithmetic checks OCR digits (gsnlp.io.ocrcheck): no silent wrong number.

These tests need no OCR engine: a gold report rendered to PDF is read through the text layer,
then marked as an OCR reading and given misreadings of the kinds OCR makes (a confusable glyph,
a letter for a digit, a digit no glyph confusion explains)."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

pytest.importorskip("pypdfium2")
pytest.importorskip("fpdf")

from gsnlp_corpus import GOLD  # noqa: E402

from gsnlp.doc import Cell, Report  # noqa: E402
from gsnlp.io import read_bytes  # noqa: E402
from gsnlp.io.ocrcheck import _variants, check_ocr  # noqa: E402

GOLD_NAME = "平潭综合实验区_2024.txt.json"  # new_received/natural_person 217, total 218


@pytest.fixture(scope="module")
def clean() -> Report:
    from gsnlp.render._layout import report_from_gold
    from gsnlp.render.pdf import FontNotFoundError, render_pdf

    gold = json.loads((GOLD / "tables" / GOLD_NAME).read_text(encoding="utf-8"))
    try:
        pdf = render_pdf(report_from_gold(gold, paragraphs=0))
    except FontNotFoundError:
        pytest.skip("no CJK font")
    return read_bytes(pdf, "r.pdf")


def _as_ocr(rep: Report, changes: dict[str, tuple[str, str]], conf: float = 0.99) -> Report:
    """``rep`` as if OCR had read it, with ``changes`` (``table/row/col`` -> (kind, raw)) misread."""
    tables = {}
    for tid, t in rep.tables.items():
        cells = {}
        for a, c in t.cells.items():
            if c.where is not None:
                c = dataclasses.replace(c, where={**c.where, "ocr_confidence": conf})
            if f"{tid}/{a}" in changes:
                kind, raw = changes[f"{tid}/{a}"]
                c = dataclasses.replace(c, kind=kind, raw=raw, value=Decimal(raw) if kind == "number" else None)
            cells[a] = c
        tables[tid] = dataclasses.replace(t, cells=cells)
    return dataclasses.replace(rep, tables=tables, extra={**rep.extra, "ocr": {"engine": "test"}})


def _cell(rep: Report, full: str) -> Cell:
    tid, addr = full.split("/", 1)
    return rep.tables[tid].cells[addr]


def test_ocr_check_leaves_a_right_reading_alone(clean: Report) -> None:
    out = check_ocr(_as_ocr(clean, {}))
    assert [w for w in out.warnings if w.code.startswith("ocr.")] == []
    assert all(c.doubt is None for t in out.tables.values() for c in t.cells.values())
    assert out.extra["ocr"]["check"]["confirmed"] > 100


def test_ocr_check_confusable_glyph_becomes_ambiguous_with_the_truth(clean: Report) -> None:
    assert _cell(clean, "applications/new_received/total").value == Decimal(218)
    out = check_ocr(_as_ocr(clean, {"applications/new_received/total": ("number", "216")}))  # 8 read as 6
    c = _cell(out, "applications/new_received/total")
    assert c.kind == "ambiguous" and c.doubt == "ocr"
    assert "218" in c.candidates and "216" in c.candidates  # the OCR reading is kept among them
    assert c.raw == "216"
    notes = [w for w in out.warnings if w.code == "ocr.ambiguous"]
    assert notes and notes[0].cells == ("applications/new_received/total",)


def test_ocr_check_unexplained_break_puts_a_doubt_on_every_cell_of_it(clean: Report) -> None:
    out = check_ocr(_as_ocr(clean, {"applications/new_received/natural_person": ("number", "247")}))  # 1 -> 4
    wrong = _cell(out, "applications/new_received/natural_person")
    assert wrong.doubt == "ocr" or wrong.kind == "ambiguous"
    assert _cell(out, "applications/new_received/total").doubt == "ocr"


def test_ocr_check_letter_for_digit_is_ambiguous_never_a_number(clean: Report) -> None:
    out = check_ocr(_as_ocr(clean, {"applications/carried_over/research": ("text", "o")}))
    c = _cell(out, "applications/carried_over/research")
    assert c.kind == "ambiguous" and c.candidates == ("0",) and c.value is None


def test_ocr_check_low_confidence_unchecked_cell_carries_a_doubt(clean: Report) -> None:
    rep = _as_ocr(clean, {}, conf=0.5)
    out = check_ocr(rep)
    active = [c for c in out.tables["active_disclosure"].cells.values() if c.kind == "number"]
    assert active and all(c.doubt == "ocr" for c in active)  # no identity checks table 2
    apps = [c for c in out.tables["applications"].cells.values() if c.kind == "number"]
    assert sum(c.doubt is None for c in apps) > 50  # the arithmetic vouches for these


def test_ocr_check_does_nothing_to_a_text_layer_report(clean: Report) -> None:
    assert check_ocr(clean) is clean


def test_ocr_check_variants_are_confusable_glyphs() -> None:
    assert {"68", "16"} <= _variants("18") or {"10", "17"} & _variants("18")
    assert "0" in _variants("o") and "6" in _variants("0") and "7" in _variants("1")
    assert _variants("abc") == set()


def test_ocr_check_findings_on_a_doubtful_cell_are_reader_notices(clean: Report) -> None:
    from gsnlp.check.engine import check_report

    out = check_ocr(_as_ocr(clean, {"applications/new_received/natural_person": ("number", "247")}))
    found = [f for f in check_report(out) if f.status == "fail"]
    assert found  # the broken identity is reported ...
    assert all(f.origin == "extraction" for f in found if "new_received/natural_person" in str(f.evidence))


def test_ocr_check_stray_glyph_or_lost_row_carries_a_doubt(clean: Report) -> None:
    out = check_ocr(_as_ocr(clean, {"active_disclosure/regulations/issued": ("text", "m")}))
    c = _cell(out, "active_disclosure/regulations/issued")
    assert c.kind == "text" and c.doubt == "ocr"
    rep = _as_ocr(clean, {})
    t = rep.tables["active_disclosure"]
    lost = dataclasses.replace(t, cells={**t.cells, "regulations/issued": Cell("absent")})
    out = check_ocr(dataclasses.replace(rep, tables={**rep.tables, "active_disclosure": lost}))
    assert _cell(out, "active_disclosure/regulations/issued").doubt == "ocr"
