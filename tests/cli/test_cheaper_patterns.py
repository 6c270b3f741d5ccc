"""Start-up (issue 18): patterns rewritten to cheaper equivalents match exactly what the old ones
matched — on every character where the pattern tests one character, on the corpus texts and on
random strings otherwise."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from gsnlp_corpus import ROOT

from gsnlp.tables import cells

OLD_SPACE_RUN = re.compile(r"[\s\u00a0\u3000]+")
OLD_CJK = re.compile(r"[\u4e00-\u9fff]")


def _corpus() -> list[str]:
    return [p.read_text(encoding="utf-8", errors="replace") for p in sorted((ROOT / "corpora" / "reports").rglob("*.txt"))]


def test_space_run_class_equals_the_old_one_on_every_character() -> None:
    one = re.compile(OLD_SPACE_RUN.pattern[:-1])  # the class alone
    new = re.compile(cells._SPACE_RUN.pattern[:-1])
    diff = [c for c in range(sys.maxunicode + 1) if bool(one.fullmatch(chr(c))) != bool(new.fullmatch(chr(c)))]
    assert diff == []


def test_cjk_count_equals_the_old_regex_on_every_character() -> None:
    diff = [c for c in range(sys.maxunicode + 1) if cells._cjk_count(chr(c)) != len(OLD_CJK.findall(chr(c)))]
    assert diff == []


def test_corpus_texts() -> None:
    texts = _corpus()
    assert len(texts) > 40
    for t in texts:
        assert cells._SPACE_RUN.sub("", t) == OLD_SPACE_RUN.sub("", t)
        assert [m.span() for m in cells._SPACE_RUN.finditer(t)] == [m.span() for m in OLD_SPACE_RUN.finditer(t)]
        for line in t.splitlines():
            assert cells._cjk_count(line) == len(OLD_CJK.findall(line))


_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",))


@settings(max_examples=500, deadline=None)
@given(st.text(_CHARS, max_size=50) | st.text(alphabet=" \t\r\n\u00a0\u3000\u2002\u200b\ufeff\x1c\x85一鿿丁㐀a1", max_size=30))
def test_random_strings(s: str) -> None:
    assert cells._SPACE_RUN.sub("", s) == OLD_SPACE_RUN.sub("", s)
    assert cells._cjk_count(s) == len(OLD_CJK.findall(s))


def test_alternative_heading_patterns_compile_on_first_use_as_before() -> None:
    import subprocess

    from gsnlp.segment import sections as sec

    for k, v in sec._ALT_NUM.items():  # the patterns as the module used to compile them at import
        old = re.compile(r"(?:^[ \t]*(?:#{1,4}[ \t]*)?)?" + v + r"[ \t]*(?:\n[ \t]*)?(?P<title>" +
                         "|".join(f"(?P<{k2}>{v2})" for k2, v2 in sec._TITLE_RX.items()) + ")", re.M)
        assert sec._ALT_HEADING[k] == old  # Pattern.__eq__: same pattern, flags and compiled code
    report = ROOT / "corpora" / "reports" / "real" / "平潭综合实验区_2022.txt"  # all six headings numbered 一、
    code = ("import gsnlp\nfrom gsnlp.segment import sections as s\n"
            f"r = gsnlp.read({str(report)!r})\nprint(len(r.sections), len(s._ALT_HEADING))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["6", "0"]  # none compiled: the report needed none
