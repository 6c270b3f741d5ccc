"""Scanned reports through OCR: an image-only PDF and a PNG page (rasterised renderings of a
gold report, so every cell is known) give tables with provenance, and no silent wrong number;
parse, check and batch run on them; without the extra the error names it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from gsnlp_corpus import GOLD

from gsnlp.doc import Report
from gsnlp.io.sniff import sniff_format

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ocr"
PDF = FIX / "page1_150dpi_skewed.pdf"  # page 1 of 平潭综合实验区_2024 rendered, 150 dpi grey, 0.3° skew, JPEG
PNG = FIX / "page2_150dpi.png"  # page 2 of the same rendering, 150 dpi, 8 grey levels
GOLD_NAME = "平潭综合实验区_2024.txt.json"
WHOLE_ON = {PDF: ("active_disclosure",), PNG: ("review_litigation",)}  # tables wholly on the fixture's page


def _needs_ocr() -> None:
    for m in ("rapidocr_onnxruntime", "cv2", "pypdfium2"):
        pytest.importorskip(m)


@pytest.fixture(scope="module")
def truth() -> dict:
    pytest.importorskip("fpdf")
    from gsnlp.render._layout import report_from_gold, rendered_truth

    gold = json.loads((GOLD / "tables" / GOLD_NAME).read_text(encoding="utf-8"))
    return rendered_truth(report_from_gold(gold, paragraphs=0))


@pytest.fixture(scope="module")
def scans() -> dict[Path, Report]:
    _needs_ocr()
    from gsnlp.io import read

    return {PDF: read(PDF), PNG: read(PNG)}


def test_ocr_fixtures_are_small_and_have_no_text_layer() -> None:
    assert PDF.stat().st_size + PNG.stat().st_size < 400_000
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument(PDF.read_bytes())
    assert doc[0].get_textpage().count_chars() == 0


def test_ocr_sniffs_page_images() -> None:
    assert sniff_format(PNG.read_bytes(), "x.bin") == "image"
    assert sniff_format(b"\xff\xd8\xff\xe0" + b"\x00" * 20, "x") == "image"
    assert sniff_format(b"II*\x00" + b"\x00" * 20, "x") == "image"
    assert sniff_format(PDF.read_bytes(), "x.png") == "pdf"


def test_ocr_scans_give_tables_with_provenance(scans: dict[Path, Report]) -> None:
    pdf, png = scans[PDF], scans[PNG]
    assert pdf.source.format == "pdf" and pdf.extra["ocr"]["source"] == "pdf"
    assert png.source.format == "image" and png.extra["ocr"]["source"] == "image"
    assert pdf.meta.template == "2021"
    for rep, tables in ((pdf, WHOLE_ON[PDF]), (png, WHOLE_ON[PNG])):
        for tid in tables:
            t = rep.tables[tid]
            assert t.found
            numbers = [c for c in t.cells.values() if c.kind == "number"]
            assert numbers
            for c in numbers:
                assert c.where["page"] == 1 and len(c.where["bbox"]) == 4
                assert 0 < c.where["ocr_confidence"] <= 1
                assert rep.text[c.start:c.end] == c.raw


def test_ocr_skew_is_measured_and_straightened(scans: dict[Path, Report]) -> None:
    skew = scans[PDF].extra["ocr"]["pages"][0]["skew_degrees"]
    assert 0.15 <= abs(skew) <= 0.45  # the fixture was rotated by 0.3°
    assert abs(scans[PNG].extra["ocr"]["pages"][0]["skew_degrees"]) < 0.1


def test_ocr_cells_are_right_or_carry_a_doubt(scans: dict[Path, Report], truth: dict) -> None:
    """No silent wrong number: every cell is the gold value, or it carries a doubt / is ambiguous."""
    right = total = 0
    silent = []
    for rep in scans.values():
        for tid, table in rep.tables.items():
            for addr, got in table.cells.items():
                if got.kind == "absent":
                    continue  # a row on the other page of the rendering
                want = truth[tid][addr]
                total += 1
                ok = got.kind == want["kind"] and (want.get("value") is None or got.value == Decimal(want["value"]))
                right += ok
                if not ok and got.doubt is None and got.kind != "ambiguous":
                    silent.append((tid, addr, want, got.raw))
    assert silent == []
    assert total >= 100 and right / total >= 0.95


def test_ocr_check_gives_findings_on_scans(scans: dict[Path, Report]) -> None:
    from gsnlp.check.engine import check_report

    for rep in scans.values():
        findings = check_report(rep)
        assert findings and all(f.rule for f in findings)


def test_ocr_cli_parse_and_check_on_a_png_page(scans: dict[Path, Report]) -> None:
    from typer.testing import CliRunner

    from gsnlp.cli.main import app

    runner = CliRunner()
    res = runner.invoke(app, ["parse", str(PNG)])
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert obj["tables"]["review_litigation"]["found"]
    res = runner.invoke(app, ["check", str(PNG), "--format", "jsonl"])
    assert res.exit_code in (0, 3), res.output
    assert res.stdout.strip()


def test_ocr_cli_parse_on_an_image_only_pdf(scans: dict[Path, Report]) -> None:
    from typer.testing import CliRunner

    from gsnlp.cli.main import app

    res = CliRunner().invoke(app, ["parse", str(PDF)])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["tables"]["active_disclosure"]["found"]


def test_ocr_batch_worker_reads_scans(scans: dict[Path, Report]) -> None:
    from gsnlp.tabular import process_bytes

    for path in (PDF, PNG):
        res = process_bytes(path.read_bytes(), path.name)
        assert res.status == "ok", res.reason
        assert res.rows["cells"]


def test_ocr_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pypdfium2")
    from gsnlp.errors import MissingExtraError, NoTextLayerError
    from gsnlp.io import ocr, read_bytes

    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    with pytest.raises(NoTextLayerError, match=r"gsnlp\[ocr\]"):
        read_bytes(PDF.read_bytes(), "scan.pdf")
    with pytest.raises(MissingExtraError, match="ocr"):
        read_bytes(PNG.read_bytes(), "page.png")


def test_ocr_damaged_image_is_an_input_error() -> None:
    _needs_ocr()
    from gsnlp.errors import InputError
    from gsnlp.io import read_bytes

    with pytest.raises(InputError):
        read_bytes(PNG.read_bytes()[:300], "cut.png")
    with pytest.raises(InputError):
        read_bytes(b"\x89PNG\r\n\x1a\n", "empty.png")
