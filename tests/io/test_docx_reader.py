"""DOCX reader: merged cells (gridSpan, vMerge) expanded without copies, provenance, text."""

from __future__ import annotations

import io
import json

import pytest

docx = pytest.importorskip("docx")

from gsnlp_corpus import GOLD  # noqa: E402

from gsnlp.io import read_bytes  # noqa: E402
from gsnlp.io.docx import read_docx  # noqa: E402
from gsnlp.render._layout import report_from_gold  # noqa: E402
from gsnlp.render.docx import render_docx  # noqa: E402


def _doc() -> bytes:
    d = docx.Document()
    d.add_paragraph("某县2024年政府信息公开工作年度报告")
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=4, cols=3)
    t.cell(0, 0).merge(t.cell(2, 0)).text = "（三）不予公开"
    t.cell(0, 1).text = "1.属于国家秘密"
    t.cell(0, 2).text = "5"
    t.cell(1, 1).text = "2.其他法律行政法规禁止公开"
    t.cell(2, 1).text = "3.危及“三安全一稳定”"
    t.cell(2, 2).text = "0"
    t.cell(3, 0).merge(t.cell(3, 1)).text = "（七）总计"
    t.cell(3, 2).text = "5"
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_merged_cells_are_not_copied() -> None:
    r = read_docx(_doc(), "x.docx")
    grids = r.grids
    (grid,) = grids
    assert [[None if c.merged else c.text for c in row] for row in grid] == [
        ["（三）不予公开", "1.属于国家秘密", "5"],
        [None, "2.其他法律行政法规禁止公开", ""],
        [None, "3.危及“三安全一稳定”", "0"],
        ["（七）总计", None, "5"],
    ]
    assert not grid[1][2].merged  # an empty cell is blank, not merged


def test_docx_cells_point_into_text_and_xml() -> None:
    data = _doc()
    r = read_docx(data, "x.docx")
    text = r.text
    grids = r.grids
    from lxml import etree

    root = etree.fromstring(docx.Document(io.BytesIO(data)).element.xml.encode())
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    for row in grids[0]:
        for cell in row:
            if not cell.merged:
                assert text[cell.start : cell.end] == cell.text
                assert root.getroottree().xpath(cell.where["path"], namespaces=ns)


def test_docx_paragraphs_in_order_around_tables() -> None:
    text = read_docx(_doc(), "x.docx").text
    lines = text.splitlines()
    assert lines[0] == "某县2024年政府信息公开工作年度报告"
    assert lines.index("三、收到和处理政府信息公开申请情况") < lines.index("（三）不予公开\t1.属于国家秘密\t5")
    assert lines[-1] == "四、政府信息公开行政复议、行政诉讼情况"


def test_docx_rendered_gold_has_real_word_merges() -> None:
    gold = json.loads((GOLD / "tables" / "000_292e5f130bca3acf.txt.json").read_text(encoding="utf-8"))
    data = render_docx(report_from_gold(gold))
    xml = docx.Document(io.BytesIO(data)).element.xml
    assert "w:gridSpan" in xml and 'w:vMerge w:val="restart"' in xml
    grids = read_docx(data, "x.docx").grids
    apps = next(g for g in grids if any(c.text == "（三）不予公开" for row in g for c in row))
    col = [row[1] for row in apps]
    start = next(i for i, c in enumerate(col) if c.text == "（三）不予公开")
    assert all(c.merged and c.text == "" for c in col[start + 1 : start + 8])


def test_docx_recognised_from_bytes_not_extension() -> None:
    gold = json.loads((GOLD / "tables" / "000_292e5f130bca3acf.txt.json").read_text(encoding="utf-8"))
    report = read_bytes(render_docx(report_from_gold(gold)), "report.pdf")
    assert report.source.format == "docx"


@pytest.mark.parametrize("data, what", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "legacy Word"),
    (b"GIF89a" + b"\x00" * 20, "GIF"),  # PNG/JPEG are read by OCR now (format "image")
])
def test_docx_sniff_refuses_formats_we_cannot_read(data: bytes, what: str) -> None:
    from gsnlp.errors import UnsupportedFormatError
    from gsnlp.io.sniff import sniff_format

    with pytest.raises(UnsupportedFormatError, match=what):
        sniff_format(data, "report.docx")


def test_docx_sniff_zip_without_word_document() -> None:
    import zipfile

    from gsnlp.errors import UnsupportedFormatError
    from gsnlp.io.sniff import sniff_format

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("content.xml", "<x/>")
    with pytest.raises(UnsupportedFormatError, match="OpenDocument"):
        sniff_format(buf.getvalue(), "report.docx")


@pytest.mark.parametrize("data, fmt", [
    (b"%PDF-1.7\n...", "pdf"),
    (b"\xef\xbb\xbf<!DOCTYPE html><html><body>x</body></html>", "html"),
    ("<html>\n<body>\u62a5\u544a</body></html>".encode("utf-16"), "html"),
    ("\u4e00\u3001\u603b\u4f53\u60c5\u51b5\n<\u6ce8>".encode(), "text"),
])
def test_docx_sniff_reads_the_bytes(data: bytes, fmt: str) -> None:
    from gsnlp.io.sniff import sniff_format

    assert sniff_format(data, "report.docx" if fmt != "text" else "report.txt") == fmt
