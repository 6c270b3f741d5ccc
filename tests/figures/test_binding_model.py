"""The metric-binding model: JSON weights, combination with the rules, metric_p, accusable."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gsnlp.figures import Figure, extract
from gsnlp.figures.binding import NONE, MetricModel, accusable, combine, load_model


def _toy() -> MetricModel:
    return MetricModel(("a", "b", NONE), (0.0, 0.0, 1.0), {"x": (3.0, 0.0, 0.0), "y": (0.0, 4.0, 0.0)},
                       add=0.6, override=0.9, margin=0.2, accuse=0.7, meta={})


def test_proba_is_a_distribution_and_reads_the_weights() -> None:
    m = _toy()
    p = m.proba(["x", "unknown"])
    assert abs(sum(p.values()) - 1.0) < 1e-9
    assert max(p, key=lambda c: p[c]) == "a"
    assert max(m.proba([]), key=lambda c: m.proba([])[c]) == NONE


def test_json_roundtrip() -> None:
    m = _toy()
    assert MetricModel.from_json(m.to_json()) == m


def test_combine_modes() -> None:
    m = _toy()
    probs = {"a": 0.05, "b": 0.93, NONE: 0.02}
    assert combine("a", probs, m, "rules") == ("a", 0.05)
    assert combine("a", probs, m, "model") == ("b", 0.93)
    assert combine("a", probs, m, "both") == ("b", 0.93)  # sure, and far above the rule's metric
    assert combine(None, probs, m, "both") == ("b", 0.93)  # the rules gave none: model adds
    weak = {"a": 0.3, "b": 0.5, NONE: 0.2}
    assert combine("a", weak, m, "both") == ("a", 0.3)  # not sure enough to overrule
    assert combine(None, weak, m, "both") == (None, 0.2)  # below `add`
    with pytest.raises(ValueError):
        combine("a", probs, m, "vote")


def _fig(metric: str | None, p: float | None) -> Figure:
    return Figure("d", "f1", 0, 2, "1件", Decimal(1), "件", "count", metric=metric, metric_p=p)


def test_accusable_uses_the_threshold() -> None:
    m = _toy()
    assert accusable(_fig("a", 0.8), m)
    assert not accusable(_fig("a", 0.5), m)
    assert not accusable(_fig(None, 0.99), m)
    assert accusable(_fig("a", None), m)  # bound by rules alone


def test_metric_p_roundtrips_and_old_json_loads() -> None:
    f = _fig("a", 0.8125)
    assert Figure.from_dict(f.to_dict()) == f
    d = f.to_dict()
    del d["metric_p"]
    assert Figure.from_dict(d).metric_p is None


def test_shipped_model_and_extract_modes() -> None:
    model = load_model()
    assert model is not None, "gsnlp/figures/data/metric_model.json is shipped"
    assert NONE in model.classes and all(0.0 <= t <= 1.01 for t in (model.add, model.override, model.accuse))
    assert "平潭综合实验区财政金融局_2020.txt" not in model.meta.get("trained_on", [])  # devtest left out
    text = "本年度共收到政府信息公开申请12件，办结12件，其中予以公开5件。"
    rules = extract(text, binding="rules")
    both = extract(text)
    assert all(f.metric_p is None for f in rules)
    assert all(f.metric_p is not None for f in both)
    assert [f.metric for f in both][0] == "applications/new_received/total"
    with pytest.raises(ValueError):
        extract(text, binding="vote")


def test_training_learns_a_separable_toy_task() -> None:
    pytest.importorskip("sklearn")
    from gsnlp.figures.binding import train

    data = [(["u=件", "L2:申请"], "applications/new_received/total")] * 8 + [(["u=条", "L2:信息"], NONE)] * 8
    classes, bias, weights = train(data, c=5.0)
    m = MetricModel(classes, bias, weights, 0.5, 0.9, 0.2, 0.5, {})
    p = m.proba(["u=件", "L2:申请"])
    assert max(p, key=lambda c: p[c]) == "applications/new_received/total"
    p = m.proba(["u=条", "L2:信息"])
    assert max(p, key=lambda c: p[c]) == NONE
