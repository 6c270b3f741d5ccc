"""Readers return a typed ``Reading`` and are found by format name."""

from __future__ import annotations

import dataclasses

import pytest
from gsnlp_corpus import corpus_file

from gsnlp.errors import GsnlpError
from gsnlp.io import read_bytes
from gsnlp.io.reading import Reading, get_reader, reader_names


def test_every_format_has_a_registered_reader() -> None:
    assert reader_names() == ["docx", "html", "image", "pdf", "text"]
    for name in ("text", "html", "docx", "pdf"):
        assert callable(get_reader(name))


def test_unknown_reader_lists_the_known_ones() -> None:
    with pytest.raises(GsnlpError) as e:
        get_reader("rtf")
    assert e.value.code == "E200" and "'rtf'" in str(e.value) and "docx, html, image, pdf, text" in str(e.value)


def test_reading_is_frozen_and_typed() -> None:
    r = get_reader("text")("一、总体情况\n本年度。\n".encode("gb18030"), "x.txt")
    assert isinstance(r, Reading) and r.grids == [] and r.regions == [] and r.hints == {}
    assert r.encoding == "gb18030" and r.text.startswith("一、总体情况")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.text = "x"  # type: ignore[misc]


@pytest.mark.parametrize("name", ["平潭综合实验区_2024.html", "淮安市洪泽区人民政府_2023.pdf"])
def test_structured_reading_becomes_the_report(name: str) -> None:
    data = corpus_file(name).read_bytes()
    fmt = name.rsplit(".", 1)[1]
    r = get_reader(fmt)(data, name)
    assert r.grids and isinstance(r.hints, dict)
    rep = read_bytes(data, name)
    assert rep.text == r.text and rep.source.encoding == r.encoding
    # the hints travel as Report.extra (page starts are what span evidence names its page from)
    assert all(rep.extra[k] == v for k, v in r.hints.items())
