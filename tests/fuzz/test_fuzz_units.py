"""Property tests of the pieces the read path is built from: any bytes decode or raise a gsnlp
error, any text reads or raises one, a cell's kind agrees with its text, the normalised view
maps back into its source, and spans of HTML tables of any shape stay bounded."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("hypothesis")

from gsnlp_fuzz import fuzz_settings, number_form  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from gsnlp.errors import GsnlpError  # noqa: E402
from gsnlp.io import read_bytes  # noqa: E402
from gsnlp.io.decode import decode  # noqa: E402
from gsnlp.io.sniff import FORMATS, sniff_format  # noqa: E402
from gsnlp.normalize import NormalizedText, normalize  # noqa: E402
from gsnlp.tables.cells import make_cell  # noqa: E402

FUZZ = fuzz_settings()
HEAD = "某某局2023年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n"
PIECES = st.sampled_from(["\t", " | ", "\n", "件", "/", "无", "—", "不适用", "行政许可", "本年新收", "总计", "0", "12",
                          "1,234", "③", "²", "１２", "٣", "三、收到和处理政府信息公开申请情况", "（一）", "　", "\xa0"])
_ASCII_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(?:\.[0-9]+)?", re.ASCII)


@FUZZ
@given(st.binary(max_size=3000))
def test_any_bytes_decode_or_raise_a_gsnlp_error(data: bytes) -> None:
    try:
        text, enc = decode(data, "x.txt")
    except GsnlpError as e:
        assert e.code and "x.txt" in str(e)
        return
    assert isinstance(text, str) and enc


@FUZZ
@given(st.binary(max_size=3000))
def test_any_bytes_sniff_to_a_format_or_raise_a_gsnlp_error(data: bytes) -> None:
    try:
        assert sniff_format(data, "x.bin") in FORMATS
    except GsnlpError as e:
        assert e.code


@FUZZ
@given(st.lists(PIECES | st.text(max_size=8), max_size=120))
def test_any_report_like_text_reads_or_raises_a_gsnlp_error(parts: list[str]) -> None:
    data = (HEAD + "".join(parts)).encode("utf-8")
    try:
        rep = read_bytes(data, "t.txt")
    except GsnlpError as e:
        assert e.code and "t.txt" in str(e)
        return
    for table in rep.tables.values():
        for c in table.cells.values():
            if c.kind == "number":  # a unit printed in the cell (12件) is the cell's unit, kept in raw
                assert _ASCII_NUMBER.fullmatch(re.sub(r"\s+", "", normalize(c.raw.removesuffix(c.unit or "")))), c


@FUZZ
@given(st.text(max_size=30))
def test_cell_kind_agrees_with_its_text(raw: str) -> None:
    c = make_cell(raw, 0)
    core = normalize(raw).strip()
    if c.kind == "number":  # a unit printed in the cell (12件) is the cell's unit, kept in raw
        assert _ASCII_NUMBER.fullmatch(re.sub(r"\s+", "", core.removesuffix(c.unit or ""))), raw
    if c.kind == "blank":
        assert not raw.strip(" \t\r\n\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff")
    if c.kind != "blank":
        assert raw[c.start:c.end] == c.raw  # the span is the cell's text


@FUZZ
@given(st.text(alphabet="0123456789", min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_number_forms_other_than_ascii_and_fullwidth_are_not_numbers(digits: str, rnd) -> None:  # type: ignore[no-untyped-def]
    form = number_form(rnd, digits)
    c = make_cell(form)
    ascii_like = form.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if c.kind == "number":  # "0件": the number 0 with its unit 件 (Cell.unit)
        assert _ASCII_NUMBER.fullmatch(re.sub(r"\s+", "", ascii_like.removesuffix(c.unit or ""))), form


@FUZZ
@given(st.text(max_size=200))
def test_normalized_view_maps_into_the_source(s: str) -> None:
    v = NormalizedText.of(s)
    for i in range(len(v.text) + 1):
        assert 0 <= v.to_source(i) <= len(s)
    for i in range(len(v.text)):
        a, b = v.span_to_source(i, i + 1)
        assert 0 <= a <= b <= len(s)


_SPAN = st.sampled_from(["1", "2", "3", "0", "-1", "abc", "99999", "1000", "2;", ""])


@FUZZ
@given(st.lists(st.lists(st.tuples(st.text(alphabet="01件/ 无行政许可", max_size=5), _SPAN, _SPAN), max_size=12),
                min_size=1, max_size=40))
def test_html_tables_of_any_shape_read_bounded(rows: list[list[tuple[str, str, str]]]) -> None:
    pytest.importorskip("lxml")
    body = "".join("<tr>" + "".join(f'<td rowspan="{r}" colspan="{c}">{t}</td>' for t, r, c in row) + "</tr>"
                   for row in rows)
    page = f"<html><body><p>{HEAD.replace(chr(10), '</p><p>')}</p><table>{body}</table></body></html>"
    try:
        rep = read_bytes(page.encode(), "t.html")
    except GsnlpError as e:
        assert e.code and "t.html" in str(e)
        return
    assert len(rep.text) < 200_000
