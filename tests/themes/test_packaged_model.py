"""The shipped default model is package data (gsnlp/themes/models/), small, JSON/safetensors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gsnlp_corpus import corpus_file

from gsnlp.themes.pipeline import DEFAULT_MODEL, PACKAGE_MODELS_DIR, classify_report, encoder_threads, load, \
    resolve_model


def test_default_model_resolves_inside_the_package() -> None:
    p = resolve_model(None)
    assert p.parent == PACKAGE_MODELS_DIR and p.name == DEFAULT_MODEL


def test_default_model_files_small_and_without_pickle() -> None:
    p = resolve_model(None)
    files = [f for f in p.rglob("*") if f.is_file()]
    assert {f.suffix for f in files} <= {".json", ".safetensors", ".md"}
    assert sum(f.stat().st_size for f in files) < 5_000_000


def test_default_model_card_names_data_and_metrics() -> None:
    meta = json.loads((resolve_model(None) / "meta.json").read_text(encoding="utf-8"))
    assert meta["data"]["devtest_included"] is False
    assert "grouped by agency" in meta["metrics"]["evaluation"]


def test_default_model_classifies_a_corpus_report() -> None:
    import gsnlp

    r = classify_report(gsnlp.read(corpus_file("平潭综合实验区君山片区管理局_2021.txt")), load(None))
    assert len(r.clauses) == len(r.predictions) >= 8
    roles = [p.role for p in r.predictions]
    assert roles[0] == "other" and "problem" in roles and "measure" in roles


@pytest.mark.parametrize("raw,ok", [("1", 1), ("3", 3), ("", 1), ("0", None), ("two", None)])
def test_encoder_threads_from_environment(monkeypatch: pytest.MonkeyPatch, raw: str, ok: int | None) -> None:
    from gsnlp.errors import ConfigError

    monkeypatch.setenv("GSNLP_THEMES_THREADS", raw)
    if ok is None:
        with pytest.raises(ConfigError):
            encoder_threads()
    else:
        assert encoder_threads() == ok


def test_encoder_threads_default_is_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GSNLP_THEMES_THREADS", raising=False)
    assert encoder_threads() == 1


def test_package_model_dir_is_under_gsnlp() -> None:
    import gsnlp

    assert Path(gsnlp.__file__).parent in PACKAGE_MODELS_DIR.parents
