"""Issue 19, "Found" items of the readers: each rebuilt from its description.

Resource exhaustion (spans), crashes (damaged zip/deflate, non-text codecs, a report page with
no template table), misreadings (accents, Big5 and whitespace rejected as binary, DOCTYPE
debris, circled digits read as numbers). Every failure is a GsnlpError with a code and the file.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from gsnlp.errors import (
    DamagedInputError,
    EmptyInputError,
    GsnlpError,
    InputTooComplexError,
    NotAReportError,
)
from gsnlp.io import read_bytes
from gsnlp.io.decode import decode
from gsnlp.normalize import normalize
from gsnlp.tables.cells import make_cell

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TITLE = "某某局2023年政府信息公开工作年度报告"
HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "五、存在的主要问题及改进情况")
PARAS = (TITLE, *HEADINGS, "本机关依照条例规定，主动公开政府信息。")


def _docx(body: str) -> bytes:
    """A minimal valid .docx package around ``body`` (w:body content)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                   '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>')
    return buf.getvalue()


def _paras(texts: tuple[str, ...] = PARAS) -> str:
    return "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in texts)


def _html(body: str, head: str = "") -> bytes:
    return f"<html><head>{head}</head><body>{''.join(f'<p>{p}</p>' for p in PARAS)}{body}</body></html>".encode()


def _bounded(data: bytes, name: str, seconds: float, mb: float) -> tuple[object, float, float]:
    """Read ``data``; return (report or error, CPU seconds, peak traced MB) and assert the bounds."""
    tracemalloc.start()
    t = time.process_time()
    try:
        out: object = read_bytes(data, name)
    except GsnlpError as e:
        out = e
    finally:
        spent = time.process_time() - t
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    assert spent < seconds, f"{name}: {spent:.1f} s"
    assert peak < mb, f"{name}: {peak:.0f} MB"
    return out, spent, peak


# --- resource exhaustion: spans clamped to the real grid --------------------------------------

def test_docx_gridspan_1000_on_10000_rows_is_clamped_to_the_grid() -> None:
    pytest.importorskip("docx")
    row = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>'
    data = _docx(_paras() + f"<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid>{row * 10000}</w:tbl>")
    assert len(data) < 200_000
    out, _, _ = _bounded(data, "span.docx", seconds=15, mb=400)
    assert not isinstance(out, GsnlpError), out
    assert out.extra["tables"] == 1 and out.text.count("\n1\n") == 5000  # 10,000 one-column rows (count skips overlaps)


def test_docx_declared_grid_of_ten_million_positions_is_too_complex() -> None:
    pytest.importorskip("docx")
    row = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>'
    data = _docx(_paras() + f"<w:tbl><w:tblGrid>{'<w:gridCol/>' * 1000}</w:tblGrid>{row * 10000}</w:tbl>")
    out, _, _ = _bounded(data, "grid.docx", seconds=10, mb=300)
    assert isinstance(out, InputTooComplexError)
    assert out.code == "input_too_complex" and "grid.docx" in str(out) and "table 1" in str(out)


@pytest.mark.parametrize("attr", ["gridSpan", "gridBefore", "gridAfter"])
@pytest.mark.parametrize("val", ["abc", "-5", "99999999999999999999", "３"])
def test_docx_bad_span_values_read_as_one(attr: str, val: str) -> None:
    pytest.importorskip("docx")
    where = "tcPr" if attr == "gridSpan" else "trPr"
    prop = f'<w:{where}><w:{attr} w:val="{val}"/></w:{where}>'
    cell = "<w:tc>{}<w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>".format(prop if where == "tcPr" else "")
    row = f"<w:tr>{prop if where == 'trPr' else ''}{cell}{cell}</w:tr>"
    rep = read_bytes(_docx(_paras() + f"<w:tbl>{row}</w:tbl>"), "v.docx")
    assert "x\tx" in rep.text


def test_html_rowspan_colspan_99999_is_bounded() -> None:
    pytest.importorskip("lxml")
    rows = "".join("<tr><td rowspan=99999 colspan=99999>1</td><td>2</td></tr>" for _ in range(200))
    data = _html(f"<table>{rows}</table>")
    assert len(data) < 20_000
    out, _, _ = _bounded(data, "span.html", seconds=5, mb=200)
    assert isinstance(out, GsnlpError) or out.text.count("\n") < 1000


def test_html_span_grid_past_the_cap_is_too_complex() -> None:
    pytest.importorskip("lxml")
    rows = "<tr>" + "<td>a</td>" * 1000 + "</tr>" + "<tr><td rowspan=99999 colspan=1000>1</td></tr>" * 600
    out, _, _ = _bounded(_html(f"<table>{rows}</table>"), "cap.html", seconds=10, mb=300)
    assert isinstance(out, InputTooComplexError) and "cap.html" in str(out) and "table 1" in str(out)


@pytest.mark.parametrize("val", ["abc", "2;", "3px", "-1", "0", "١٢", "99999999999999999999999"])
def test_html_odd_span_attributes_never_raise(val: str) -> None:
    pytest.importorskip("lxml")
    rep = read_bytes(_html(f'<table><tr><td rowspan="{val}" colspan="{val}">a</td><td>b</td></tr>'
                           "<tr><td>c</td><td>d</td></tr></table>"), "odd.html")
    assert "a" in rep.text and "d" in rep.text


# --- crashes: damaged archives, codecs, no template table --------------------------------------

def _report_docx() -> bytes:
    return _docx(_paras() + "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>" + "内容" * 2000 +
                 "</w:t></w:r></w:p></w:tc></w:tr></w:tbl>")


def test_docx_damaged_deflate_stream_is_a_clear_error() -> None:
    pytest.importorskip("docx")
    data = bytearray(_report_docx())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    off = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(16):
        data[off + 8 + k] ^= 0x5A
    with pytest.raises(DamagedInputError) as e:
        read_bytes(bytes(data), "deflate.docx")
    msg = str(e.value)
    assert e.value.code == "E109" and "deflate.docx" in msg and "word/document.xml" in msg
    assert "re-save" in msg or "re-download" in msg


@pytest.mark.parametrize("how", ["cut_before_cd", "cut_head", "truncated_half"])
def test_docx_cut_zip_is_a_clear_error(how: str) -> None:
    data = _report_docx()
    cd = data.find(b"PK\x01\x02")
    cut = {"cut_before_cd": data[:cd - 10] + data[cd:], "cut_head": data[:4] + data[200:],
           "truncated_half": data[:len(data) // 2]}[how]
    with pytest.raises(DamagedInputError) as e:
        read_bytes(cut, "cut.docx")
    msg = str(e.value)
    assert "cut.docx" in msg and "truncated" in msg and "re-download" in msg


@pytest.mark.parametrize("charset", ["hex", "rot13", "rot_13", "zlib", "uu", "base64", "bz2", "quopri", "nosuch",
                                     "utf-7", "unicode_escape", "undefined", "idna", "utf-16", "utf-32-le"])
def test_html_non_text_charset_is_an_unknown_charset(charset: str) -> None:
    pytest.importorskip("lxml")
    rep = read_bytes(_html("", head=f'<meta charset="{charset}">') + "中文".encode("utf-8"), "codec.html")
    assert TITLE in rep.text
    assert rep.source.encoding == "utf-8"


def test_html_report_title_with_a_table_but_no_template_table_is_not_a_report() -> None:
    pytest.importorskip("lxml")
    page = (f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>"
            "<table><tr><td>a</td><td>1</td></tr></table></body></html>").encode()
    with pytest.raises(NotAReportError) as e:
        read_bytes(page, "titled.html")
    assert e.value.code == "not_a_report" and "titled.html" in str(e.value)


def test_html_report_with_sections_and_a_foreign_table_reads() -> None:
    pytest.importorskip("lxml")
    rep = read_bytes(_html("<table><tr><td>联系电话</td><td>12345</td></tr></table>"), "foreign.html")
    assert [s.id for s in rep.sections][:2] == ["overview", "active_disclosure"]


def test_docx_report_title_with_a_table_but_no_template_table_is_not_a_report() -> None:
    pytest.importorskip("docx")
    data = _docx(_paras((TITLE,)) + "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc></w:tr></w:tbl>")
    with pytest.raises(NotAReportError):
        read_bytes(data, "titled.docx")


def test_reader_exception_becomes_a_gsnlp_error_naming_file_and_place(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("lxml")
    import gsnlp.io.html as html_reader
    from gsnlp.io import reading

    def boom(data: bytes, path: str) -> None:
        raise zlib.error("Error -3 while decompressing data")

    assert reading.get_reader("html") is html_reader.read_html
    monkeypatch.setitem(reading._READERS, "html", boom)  # the stand-in replaces it in the registry
    with pytest.raises(DamagedInputError) as e:
        read_bytes(b"<html><body><p>x</p></body></html>", "boom.html")
    msg = str(e.value)
    assert "boom.html" in msg and "error: Error -3" in msg
    assert "test_read_hostile_regressions.py" in msg and "re-save" in msg


def test_reader_memory_error_is_input_too_complex(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("lxml")
    import gsnlp.io.html as html_reader
    from gsnlp.io import reading

    def boom(data: bytes, path: str) -> None:
        raise MemoryError

    assert reading.get_reader("html") is html_reader.read_html
    monkeypatch.setitem(reading._READERS, "html", boom)  # the stand-in replaces it in the registry
    with pytest.raises(InputTooComplexError) as e:
        read_bytes(b"<html><body><p>x</p></body></html>", "mem.html")
    assert e.value.code == "input_too_complex" and "mem.html" in str(e.value)


# --- misreadings --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Café résumé naïve — " * 5 + TITLE,
    "e\u0301\u0301\u0301 " * 50 + TITLE,
    "Ελληνικά и кириллица " * 5 + TITLE,
])
def test_decode_valid_utf8_with_accents_is_text(text: str) -> None:
    out, enc = decode(text.encode("utf-8"), "accents.txt")
    assert out == text and enc == "utf-8"


def test_decode_big5_is_text() -> None:
    text = "平潭綜合實驗區2023年度政府信息公開工作年度報告\n一、總體情況\n本機關依照條例規定，主動公開政府信息。\n"
    out, enc = decode(text.encode("big5"), "big5.txt")
    assert out == text and enc == "big5"


@pytest.mark.parametrize("data", [b" \x0b\x0c \n", b"\x1c\x1d\x1e\x1f", "\u3000\u3000\n".encode(), b"\xef\xbb\xbf",
                                  "\xa0 \u2003\n".encode(), "  \n".encode("utf-16"), b"\x0c" * 100])
def test_decode_whitespace_only_is_empty_not_binary(data: bytes) -> None:
    with pytest.raises(EmptyInputError) as e:
        decode(data, "ws.txt")
    assert "whitespace" in str(e.value) or "empty" in str(e.value)


def test_read_whitespace_only_is_empty() -> None:
    with pytest.raises(EmptyInputError):
        read_bytes(b"\x0c\x0b \t\n" * 10, "ws.txt")


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE html [<!ENTITY x "y">]>',
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd" [ <!ENTITY a "b"> <!ENTITY c "d"> ]>',
    "<!doctype html [ ]>",
])
def test_html_doctype_debris_not_in_text(doctype: str) -> None:
    pytest.importorskip("lxml")
    rep = read_bytes(doctype.encode() + _html(""), "dt.html")
    assert "]>" not in rep.text and "ENTITY" not in rep.text
    assert rep.text.startswith(TITLE)


@pytest.mark.parametrize("raw", ["③", "⑴", "²", "½", "٣", "𝟏", "१२", "⒈"])
def test_only_ascii_and_fullwidth_digits_make_numbers(raw: str) -> None:
    c = make_cell(raw)
    assert c.kind == "text" and c.value is None
    assert not any(ch.isascii() and ch.isdigit() for ch in normalize(raw))


def test_fullwidth_digits_still_make_numbers() -> None:
    c = make_cell("１２３")
    assert c.kind == "number" and str(c.value) == "123"


def _cpu(data: bytes, name: str) -> float:
    t = time.process_time()
    read_bytes(data, name)
    return time.process_time() - t


def test_html_long_row_of_cells_is_linear() -> None:
    """Cell paths were one ``getpath`` per cell, quadratic in a long row (40,000 cells: 7 s,
    10,000: 0.4 s). Four times the cells must cost well under sixteen times the time."""
    pytest.importorskip("lxml")
    _cpu(_html("<table><tr><td>1</td></tr></table>"), "warm.html")
    small = _cpu(_html("<table><tr>" + "<td>1</td>" * 6_000 + "</tr></table>"), "row.html")
    large = _cpu(_html("<table><tr>" + "<td>1</td>" * 24_000 + "</tr></table>"), "row.html")
    assert large < 8 * small + 0.3, (small, large)


def test_docx_long_row_of_cells_is_linear() -> None:
    """Same for DOCX: one ``getpath`` per w:tc was quadratic in the cells of a row."""
    pytest.importorskip("docx")

    def row(n: int) -> bytes:
        return _docx(_paras() + "<w:tbl><w:tr>" + "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>" * n +
                     "</w:tr></w:tbl>")

    _cpu(row(10), "warm.docx")
    small = _cpu(row(5_000), "row.docx")
    large = _cpu(row(20_000), "row.docx")
    assert large < 8 * small + 0.3, (small, large)


def test_html_cell_paths_are_the_xpath_of_the_cell() -> None:
    pytest.importorskip("lxml")
    from lxml import html as lh

    from gsnlp.io.html import _mark_cell_paths

    page = ("<html><body><table><tr><td>1</td><th>2</th><td>3<table><tr><td>a</td></tr><tr><td>b</td></tr>"
            "</table></td></tr></table><p>x</p><table><tr><td>z</td></tr></table></body></html>")
    root = lh.document_fromstring(page)
    _mark_cell_paths(root)
    tree = root.getroottree()
    cells = list(root.iter("td", "th"))
    assert len(cells) == 6
    assert all(c.get("data-gsnlp-path") == tree.getpath(c) for c in cells)


def test_read_unreadable_path_is_an_input_error(tmp_path: Path) -> None:
    import os

    from gsnlp.errors import InputError
    from gsnlp.io import read

    f = tmp_path / "locked.txt"
    f.write_text(TITLE, encoding="utf-8")
    f.chmod(0)
    if os.access(f, os.R_OK):  # running as root: permissions do not apply
        pytest.skip("root reads every file")
    with pytest.raises(InputError) as e:
        read(f)
    assert "locked.txt" in str(e.value) and "permission" in str(e.value)


def test_read_name_too_long_is_an_input_error(tmp_path: Path) -> None:
    from gsnlp.errors import InputError
    from gsnlp.io import read

    with pytest.raises(InputError) as e:
        read(tmp_path / ("x" * 5000 + ".txt"))
    assert e.value.code.startswith("E10")


def test_read_file_past_the_size_cap_is_too_complex(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gsnlp.io as gio

    f = tmp_path / "big.txt"
    f.write_bytes(b"x" * 2048)
    monkeypatch.setattr(gio, "MAX_FILE_BYTES", 1024)
    with pytest.raises(InputTooComplexError) as e:
        gio.read(f)
    assert "big.txt" in str(e.value) and e.value.code == "input_too_complex"


def _layout(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    from gsnlp.io._gridtext import PendingCell, expand_spans

    grid = expand_spans([[(PendingCell(t), rs, cs) for t, rs, cs in row] for row in rows])
    return [["~" if c.merged else c.text for c in r] for r in grid]


def test_expand_spans_keeps_a_grid_no_row_spells_out() -> None:
    """Every row uses colspans (no row has one cell per column): the true width is kept."""
    assert _layout([[("a", 1, 2), ("b", 1, 2)], [("c", 1, 1), ("d", 1, 3)]]) == [["a", "~", "b", "~"],
                                                                                 ["c", "d", "~", "~"]]


def test_expand_spans_clamps_a_title_colspan_to_the_table() -> None:
    assert _layout([[("t", 1, 99999)], [(str(i), 1, 1) for i in range(5)]]) == [["t", "~", "~", "~", "~"],
                                                                                ["0", "1", "2", "3", "4"]]


def test_expand_spans_clamps_rowspan_and_never_overwrites() -> None:
    assert _layout([[("a", 99999, 1), ("b", 1, 1)], [("c", 1, 1)], [("d", 1, 5)]]) == [["a", "b"], ["~", "c"],
                                                                                      ["~", "d"]]


def _set_extract_version(data: bytes, version: int) -> bytes:
    """The archive with every central-directory entry's 'version needed to extract' set to ``version``."""
    out = bytearray(data)
    i = out.find(b"PK\x01\x02")
    while i >= 0:
        out[i + 6:i + 8] = version.to_bytes(2, "little")
        i = out.find(b"PK\x01\x02", i + 4)
    return bytes(out)


@pytest.mark.parametrize("name", ["r.docx", "r.bin"])
def test_zip_claiming_an_unknown_zip_version_is_damaged_input(name: str) -> None:
    """Found by the long fuzz profile (byte_flips): a flipped byte in the central directory makes
    zipfile raise NotImplementedError ("zip file version 18.6"); that is damaged input with its
    reason, never an internal error."""
    data = _set_extract_version(_docx(_paras()), 186)
    with pytest.raises(DamagedInputError) as e:
        read_bytes(data, name)
    assert "zip version" in str(e.value)
