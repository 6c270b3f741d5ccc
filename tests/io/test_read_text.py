"""Reading whole files: every corpus text report, bad input, JSON round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

import gsnlp
from gsnlp.doc import Report
from gsnlp.errors import EmptyInputError, GsnlpError, NotAReportError
from gsnlp_corpus import CORPUS

TEXT_REPORTS = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".txt", ".md"))


@pytest.mark.parametrize("path", TEXT_REPORTS, ids=lambda p: p.name)
def test_read_every_text_report_round_trips_json(path: Path) -> None:
    r = gsnlp.read(path)
    again = Report.from_dict(r.to_dict())
    assert again == r
    assert r.source.sha256 and len(r.source.sha256) == 64


@pytest.mark.parametrize("path", TEXT_REPORTS, ids=lambda p: p.name)
def test_spans_stay_inside_the_text(path: Path) -> None:
    r = gsnlp.read(path)
    n = len(r.text)
    for s in r.sections:
        assert 0 <= s.start <= s.body_start <= s.end <= n
    for t in r.tables.values():
        for c in t.cells.values():
            if c.start is not None:
                assert 0 <= c.start <= c.end <= n


def test_gbk_file_reads_like_utf8(tmp_path: Path) -> None:
    src = (CORPUS / "seeds" / "001_49bc154c30d92ca6.txt").read_text(encoding="utf-8")
    p = tmp_path / "gbk.txt"
    p.write_bytes(src.encode("gb18030"))
    a, b = gsnlp.read(p), gsnlp.read(CORPUS / "seeds" / "001_49bc154c30d92ca6.txt")
    assert a.source.encoding == "gb18030"
    assert {k: t.cells for k, t in a.tables.items()} == {k: t.cells for k, t in b.tables.items()}


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(EmptyInputError, match="empty.txt"):
        gsnlp.read(p)


def test_not_a_report_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "recipe.txt"
    p.write_text("红烧肉的做法：五花肉切块，焯水，炒糖色，加酱油炖一小时。", encoding="utf-8")
    with pytest.raises(NotAReportError, match="recipe.txt"):
        gsnlp.read(p)


def test_truncated_report_has_completeness_warnings(tmp_path: Path) -> None:
    src = (CORPUS / "seeds" / "004_3f5f08638fb4a4d2.txt").read_text(encoding="utf-8")
    p = tmp_path / "cut.txt"
    p.write_text(src[: src.index("三、收到和处理")], encoding="utf-8")
    r = gsnlp.read(p)
    codes = {w.code for w in r.warnings}
    assert "sections.missing" in codes
    assert not r.tables["applications"].found
    assert all(c.kind == "absent" for c in r.tables["applications"].cells.values())


def test_binary_file_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "x.bin"
    p.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(GsnlpError, match="x.bin"):
        gsnlp.read(p)
