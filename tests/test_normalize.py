from __future__ import annotations

import pytest

from gsnlp.normalize import NormalizedText, normalize


@pytest.mark.parametrize(
    "src, want",
    [("第二十条第（一）项", "第二十条第(一)项"), ("１２３４５", "12345"), ("27\u00a0条", "27 条"), ("\u3000\u3000公开", "  公开"),
     ("a\u200bb", "ab"), ("５９４９．０８８６６７", "5949.088667")],
)
def test_normalize(src: str, want: str) -> None:
    assert normalize(src) == want


def test_offsets_map_back_to_the_source_when_lengths_change() -> None:
    src = "甲\u200b乙（１２）㈠丙"
    v = NormalizedText.of(src)
    i = v.text.index("12")
    a, b = v.span_to_source(i, i + 2)
    assert src[a:b] == "１２"
    j = v.text.index("丙")
    assert src[v.to_source(j)] == "丙"


def test_identity_map_when_lengths_do_not_change() -> None:
    src = "本年新收政府信息公开申请数量８０１"
    v = NormalizedText.of(src)
    a, b = v.span_to_source(14, 17)
    assert src[a:b] == "８０１" and v.text[14:17] == "801"
