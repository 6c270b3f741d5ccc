"""Figure JSON round-trip and the speed floor of the extractor core (≥ 2,000 sentences/s)."""

from __future__ import annotations

import re
import time

import pytest

from gsnlp.figures import Figure, extract
from tests.conftest import CORPUS


def _sentences() -> list[str]:
    out: list[str] = []
    for p in sorted(CORPUS.glob("*/*")):
        if p.suffix in (".txt", ".md"):
            out += [s for s in re.split(r"[。！？；\n]", p.read_text(encoding="utf-8")) if len(s.strip()) >= 4]
    return out


def test_figure_json_roundtrip() -> None:
    text = (CORPUS / "real" / "上海市人民政府办公厅_2025.md").read_text(encoding="utf-8")
    for f in extract(text):
        assert Figure.from_dict(f.to_dict()) == f


@pytest.mark.slow
def test_core_speed_at_least_2000_sentences_per_second() -> None:
    from gsnlp.figures.extractor import _predicate_tail

    sents = _sentences()
    for s in sents[:200]:  # load the lexicon, compile the regexes, load the jieba dictionary
        extract(s)
    _predicate_tail.cache_clear()
    t0 = time.perf_counter()
    for s in sents:
        extract(s)
    rate = len(sents) / (time.perf_counter() - t0)
    assert rate >= 2000, f"{rate:.0f} sentences/s"
