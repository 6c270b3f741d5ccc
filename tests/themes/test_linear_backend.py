"""The light default backend: char n-grams + cue features, calibrated thresholds, numpy prediction."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

from gsnlp.themes.dataset import dedupe, load_gold
from gsnlp.themes.labels import ROLES, THEMES
from gsnlp.themes.registry import create, load_model


@pytest.fixture(scope="module")
def train() -> list[dict]:
    return [r for r in dedupe(load_gold()) if not r["devtest"]]


@pytest.fixture(scope="module")
def fitted(train):
    X = [r["input"] for r in train]
    y = [{"role": r["role"], "themes": r["themes"]} for r in train]
    return create("linear", lexicon="default").fit(X, y, groups=[r["group"] for r in train],
                                                   contexts=[r["part"] for r in train])


def test_linear_thresholds_come_from_the_grid(fitted) -> None:
    th = fitted.thresholds_
    assert th.shape == (len(THEMES),)
    assert all(0.1 <= t <= 0.85 for t in th)


def test_linear_calibration_needs_enough_groups(train) -> None:
    X = [r["input"] for r in train[:40]]
    y = [{"role": r["role"], "themes": r["themes"]} for r in train[:40]]
    clf = create("linear", calibrate=4).fit(X, y, groups=["one"] * 40)
    assert (clf.thresholds_ == 0.5).all()  # one group cannot be split into held-back folds


def test_linear_predicts_the_themes_md_example(fitted) -> None:
    p = fitted.predict(["仍存在部分信息公开不够及时、内容不够全面、公开方式和渠道不够多元化，公众参与度较低的问题"],
                       contexts=["problems"])[0]
    assert p.role == "problem"
    assert {"content_quality", "channels"} <= set(p.themes)


def test_linear_progress_part_reads_measures_as_progress(fitted) -> None:
    x = ["三是提高依申请公开办理质量。"]
    assert fitted.predict(x, contexts=["measures"])[0].role == "measure"
    assert fitted.predict(x, contexts=["progress"])[0].role == "progress"


def test_linear_unknown_context_is_an_error(fitted) -> None:
    from gsnlp.errors import UnknownNameError

    with pytest.raises(UnknownNameError):
        fitted.predict(["一是加强培训。"], contexts=["preface"])


def test_linear_save_load_same_scores_json_and_safetensors_only(fitted, tmp_path: Path) -> None:
    out = fitted.save(tmp_path / "m")
    assert sorted(p.name for p in out.iterdir()) == ["meta.json", "vocab.json", "weights.safetensors"]
    back = load_model(out)
    X = ["二是加大培训力度，提升业务水平。", "（一）存在问题"]
    a, b = fitted.predict_proba(X, ["measures", "start"]), back.predict_proba(X, ["measures", "start"])
    assert np.allclose(a[0], b[0], atol=1e-5) and np.allclose(a[1], b[1], atol=1e-5)
    assert a[0].shape == (2, len(ROLES))


def test_linear_prediction_is_cheap(fitted, train) -> None:
    X = [r["input"] for r in train][:200]
    fitted.predict(X[:5])
    best = min(_timed(fitted, X) for _ in range(3))  # best of three: the CPUs are shared
    assert best / len(X) < 0.002  # < 2 ms per clause even on a busy machine (about 0.1 ms idle)


def _timed(clf, X) -> float:
    t = time.process_time()
    clf.predict(X)
    return time.process_time() - t
