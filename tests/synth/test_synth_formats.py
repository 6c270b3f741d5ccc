"""DOCX, HTML and PDF reports go through gsnlp.render and read back to their gold."""

from __future__ import annotations

import pytest

from gsnlp.synth import synth_report


@pytest.mark.parametrize("fmt,needs", [("html", "lxml"), ("docx", "docx"), ("pdf", "pdfplumber")])
def test_synth_rendered_format_reads_back(fmt: str, needs: str) -> None:
    pytest.importorskip(needs)
    if fmt == "pdf":
        pytest.importorskip("fpdf")
        from gsnlp.render.pdf import FontNotFoundError, find_font

        try:
            find_font()
        except FontNotFoundError:
            pytest.skip("no CJK font to render a PDF with")
    from gsnlp.io import read_bytes
    from gsnlp.tables.evaluate import score

    r = synth_report(6, 0, formats=[fmt])
    assert r.doc.endswith("." + fmt)
    s = score(read_bytes(r.data, r.doc), r.gold(6))
    assert s.right == s.total, [(d.address, d.gold, d.got) for d in s.diffs[:5]]


def test_synth_write_corpus_files(tmp_path) -> None:
    import json

    from gsnlp.synth import write_corpus

    s = write_corpus(tmp_path, 6, seed=1, inject=["t3.identity"])
    docs = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert len(docs) == 6 and s["counts"]["injected"] == {"t3.identity": 6}
    for d in docs:
        g = json.loads((tmp_path / "gold" / "tables" / f"{d}.json").read_text(encoding="utf-8"))
        m = json.loads((tmp_path / "gold" / "synth" / f"{d}.json").read_text(encoding="utf-8"))
        assert g["doc"] == m["doc"] == d and m["injected"]["rule"] == "t3.identity"
