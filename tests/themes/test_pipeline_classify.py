from __future__ import annotations

from pathlib import Path

import pytest
from gsnlp_corpus import corpus_file

from gsnlp.errors import UnknownNameError
from gsnlp.themes.dataset import dedupe, load_gold
from gsnlp.themes.pipeline import classify_report, classify_text, copied_from, resolve_model
from gsnlp.themes.registry import create


@pytest.fixture(scope="module")
def model():
    recs = dedupe(load_gold())
    return create("keyword").fit([r["input"] for r in recs], [{"role": r["role"], "themes": r["themes"]} for r in recs])


def test_classify_text_from_offsets(model) -> None:
    text = "五、存在的主要问题及改进情况一是政策解读形式单一。二是加强业务培训。六、其他"
    r = classify_text(text, 14, text.index("六"), model, "x")
    assert [c.text for c in r.clauses] == ["一是政策解读形式单一。", "二是加强业务培训。"]
    assert r.predictions[0].role == "problem" and "interpretation" in r.predictions[0].themes
    assert r.predictions[1].role == "measure" and "capacity" in r.predictions[1].themes


def test_classify_report_copied_from_across_years(model) -> None:
    import gsnlp

    rs = [classify_report(gsnlp.read(corpus_file(f"淮安市洪泽区人民政府_{y}.pdf")), model) for y in (2023, 2024)]
    sim = copied_from(rs)
    assert sim["淮安市洪泽区人民政府_2024.pdf"]["doc"] == "淮安市洪泽区人民政府_2023.pdf"
    assert 0.3 < sim["淮安市洪泽区人民政府_2024.pdf"]["similarity"] < 0.95


def test_resolve_model_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError):
        resolve_model("nope", models_dir=tmp_path)
