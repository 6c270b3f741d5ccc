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


def test_offsets_map_when_a_drop_and_an_expansion_cancel_out() -> None:
    # two zero-width characters dropped, one character expanded to three: same length, but the
    # characters after them moved; the map must still be built
    src = "\u200b\u200b㈠甲"
    v = NormalizedText.of(src)
    assert v.text == "(一)甲" and len(v.text) == len(src)
    j = v.text.index("甲")
    assert src[v.to_source(j)] == "甲"
    a, b = v.span_to_source(0, 3)
    assert src[a:b] == "㈠"


def test_view_cache_returns_the_view_of_the_text_asked_for() -> None:
    for src in ("（１）甲", "（２）乙", "（１）甲"):
        assert NormalizedText.of(src).text == "".join(normalize(c) for c in src)
        assert NormalizedText.of(src).source == src


def test_identity_ranges_really_map_to_themselves() -> None:
    from gsnlp.normalize import normalize_char

    for c in list(range(0x80)) + list(range(0x3400, 0x4DC0)) + list(range(0x4E00, 0xA000)):
        assert normalize_char(chr(c)) == chr(c), hex(c)


def test_normalize_equals_the_per_character_mapping() -> None:
    import random

    from gsnlp.normalize import normalize_char

    rnd = random.Random(3)
    pool = [chr(c) for c in [*range(0x20, 0x250), *range(0x2000, 0x2100), *range(0x3000, 0x3100), *range(0xFF00, 0xFFF0),
                             0x4E00, 0x9FA5, 0x1D400, 0x2F800, 0x200B, 0xFEFF, 0x3231, 0x2460]]
    for _ in range(500):
        s = "".join(rnd.choice(pool) for _ in range(rnd.randint(0, 40)))
        assert normalize(s) == "".join(map(normalize_char, s)), repr(s)
        v = NormalizedText.of(s)
        assert v.text == normalize(s)
        if v._map:
            assert len(v._map) == len(v.text) + 1
