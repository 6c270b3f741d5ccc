"""Start-up (issue 18): ``gsnlp.normalize.normalize`` runs one fixed pattern (no pattern compiled per
report, so the regex cache keeps it) and gives every character's own view, as before."""

from __future__ import annotations

import re._compiler as rc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gsnlp_corpus import ROOT

from gsnlp.normalize import NormalizedText, normalize, normalize_char


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8", errors="replace") for p in sorted((ROOT / "corpora" / "reports").rglob("*.txt"))]


def _by_char(s: str) -> str:
    return "".join(normalize_char(c) for c in s)


def test_corpus_texts_normalise_character_by_character() -> None:
    texts = _texts()
    assert len(texts) > 40
    for t in texts:
        assert normalize(t) == _by_char(t)
        v = NormalizedText._build(t)
        assert v.text == _by_char(t)
        assert all(v.text[i] == "".join(normalize_char(c) for c in t[v.to_source(i):v.to_source(i) + 1])[:1]
                   for i in range(0, len(v.text), 97) if len(normalize_char(t[v.to_source(i)])) == 1)


def test_no_pattern_is_compiled_per_text(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[object] = []
    orig = rc.compile
    monkeypatch.setattr(rc, "compile", lambda p, f=0: (compiled.append(p), orig(p, f))[1])
    for s in ["ｱｲｳ①²½﹏", "Ⅻ\u00a0\u200b全角（１２３）", "".join(chr(c) for c in range(0x2460, 0x24ff)), Path.cwd().name + "ꙮ"]:
        assert normalize(s) == _by_char(s)
    assert compiled == []


_ODD = st.characters(codec="utf-8", exclude_categories=("Cs",))


@settings(max_examples=400, deadline=None)
@given(st.text(_ODD, max_size=60) | st.text(alphabet="，。、（）：；“”《》〔〕１２３ａＡ　\u00a0\u200b①一丁ｶ﹐", max_size=40))
def test_random_strings_normalise_character_by_character(s: str) -> None:
    assert normalize(s) == _by_char(s)
    assert NormalizedText._build(s).text == _by_char(s)
