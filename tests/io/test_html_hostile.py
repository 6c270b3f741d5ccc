"""Hostile HTML: megabytes of scripts, absurd nesting, oversize pages, entities."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("lxml")

from gsnlp.errors import HostileInputError, InputError  # noqa: E402
from gsnlp.io import html as html_reader  # noqa: E402
from gsnlp.io.html import read_html  # noqa: E402

REPORT = "<p>一、总体情况</p><p>本年新收政府信息公开申请数量</p><p>六、其他需要报告的事项</p>".encode()


def test_html_megabytes_of_scripts_read_fast() -> None:
    junk = b"<script>" + b"var a = '<p>\xe6\x80\xbb\xe4\xbd\x93\xe6\x83\x85\xe5\x86\xb5</p>';" * 200_000 + b"</script>"
    data = b"<html><head>" + junk + b"</head><body>" + junk + b"<div>" + REPORT + b"</div>" + junk + b"</body></html>"
    assert len(data) > 8_000_000
    t = time.perf_counter()
    text = read_html(data, "big.html").text
    assert time.perf_counter() - t < 10
    assert "var a" not in text and "一、总体情况" in text


def test_html_absurd_nesting_is_hostile() -> None:
    data = b"<html><body>" + b"<div>" * 100_000 + REPORT + b"</div>" * 100_000 + b"</body></html>"
    t = time.perf_counter()
    with pytest.raises(HostileInputError):
        read_html(data, "deep.html")
    assert time.perf_counter() - t < 10


def test_html_oversize_page_is_hostile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_reader, "MAX_BYTES", 1000)
    with pytest.raises(HostileInputError):
        read_html(b"<html><body>" + b"x" * 2000 + b"</body></html>", "huge.html")


def test_html_entities_are_not_resolved() -> None:
    data = (b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b"<html><body>" + REPORT + b"<p>&xxe;</p></body></html>")
    text = read_html(data, "xxe.html").text
    assert "root:" not in text


@pytest.mark.parametrize("data", [b"", b"   ", b"<html><head><script>x()</script></head><body></body></html>"])
def test_html_empty_page_is_an_input_error(data: bytes) -> None:
    with pytest.raises(InputError):
        read_html(data, "empty.html")
