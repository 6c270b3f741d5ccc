"""Binding a narrative figure to the metric it states: rules, a trained model, or both.

The rules (:func:`gsnlp.figures.metrics.assign_metric`) read the template's meaning from the
words around a figure. The model is a multinomial logistic regression over features of the
figure mention (unit, kind, the words left of it in its clause, the noun right after it, the
subject and predicate, the parent's metric, the section, sentence cues such as 截至 or 申请),
trained on the hand-made gold figures (corpora/gold/figures, development-test reports left
out) by ``experiments/figures/binding.py``; its weights ship as JSON
(``data/metric_model.json``: feature -> one weight per class; no pickle).

``both`` (the default of :func:`gsnlp.figures.extract`): the rule's metric stands unless the
model gives another metric (or none) a probability above the rule's by ``margin`` and at least
``override``; where the rule gives none, the model's metric is taken at ``add`` or more. The
figure's ``metric_p`` is the model's probability of the metric kept. Figures whose
``metric_p`` is below ``accuse`` (:func:`accusable`) are shown with their metric but must not
be used to accuse a report. All thresholds were chosen on development folds (grouped by
agency) and are stored in the model file.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

NONE = "<none>"
MODES = ("rules", "model", "both")
_CUES = ("申请", "复议", "诉讼", "截至", "截止", "历年", "累计", "其中", "制发", "制作", "获取", "主动公开", "依申请",
         "热线", "12345", "新媒体", "规范性文件", "处理费", "收费", "办结", "答复", "结转", "解读", "征集", "公众号",
         "另有", "人员", "类")


def _grams(s: str, n: int, tag: str) -> list[str]:
    return [f"{tag}{s[i:i + n]}" for i in range(max(0, len(s) - n + 1))]


def mention_features(text: str, fig: Any, ctx: dict[str, Any], parent_metric: str | None) -> list[str]:
    """Feature strings of one figure mention (the same at training and at prediction time)."""
    from gsnlp.figures.metrics import _label

    s_a, s_b = ctx.get("_sent", (fig.start, fig.end))
    left = re.sub(r"\s+", "", ctx.get("_left", ""))[-14:]
    right = re.split(r"[，,。；;：:]", text[fig.end:s_b], maxsplit=1)[0]
    right = re.sub(r"\s+", "", right)[:8]
    sent_left = re.sub(r"\s+", "", text[s_a:fig.start])[-60:]
    label = _label(ctx.get("_left", ""))
    feats = [f"u={fig.unit}", f"k={fig.kind}", f"neg={fig.polarity}", f"sec={fig.section}",
             f"pred={fig.predicate or ctx.get('_pred_any') or ''}", f"par={fig.parent is not None}",
             f"pm={parent_metric}", f"ch={fig.channel}", f"zero={str(fig.value) == '0'}",
             f"lab2={label[-2:]}", f"lab4={label[-4:]}", f"L2end={left[-2:]}", f"L4end={left[-4:]}",
             f"R2={right[:2]}", f"R1={right[:1]}"]
    subj = fig.subject or ""
    feats.append(f"subj={subj if len(subj) <= 8 else subj[-4:]}")
    scope = fig.scope or ""
    feats.append("sc=" + ("none" if not scope else "self" if scope == "本机关" else "whole" if scope.startswith("全")
                          else "other"))
    feats += _grams(left, 2, "L2:") + _grams(left, 3, "L3:") + _grams(right, 2, "R2:")
    feats += [f"S:{c}" for c in _CUES if c in sent_left]
    if fig.polarity == "negated":
        after = re.split(r"[，,。；;]", text[fig.end:s_b], maxsplit=1)[0][:20]
        feats += _grams(re.sub(r"\s+", "", after), 2, "A2:")
    return feats


@dataclass(frozen=True, slots=True)
class MetricModel:
    """A multinomial logistic regression read from JSON: ``weights[feature][k]`` for class
    ``classes[k]`` (``<none>`` = no metric), ``bias[k]``, and the thresholds of ``both``."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    add: float
    override: float
    margin: float
    accuse: float
    meta: dict[str, Any]

    def proba(self, feats: Iterable[str]) -> dict[str, float]:
        z = list(self.bias)
        for f in set(feats):
            w = self.weights.get(f)
            if w is not None:
                for k, v in enumerate(w):
                    z[k] += v
        top = max(z)
        e = [math.exp(v - top) for v in z]
        s = sum(e)
        return {c: v / s for c, v in zip(self.classes, e)}

    def to_json(self) -> dict[str, Any]:
        return {"schema": "gsnlp.figures.metric_model/1", "classes": list(self.classes), "bias": list(self.bias),
                "thresholds": {"add": self.add, "override": self.override, "margin": self.margin,
                               "accuse": self.accuse},
                "meta": self.meta, "weights": {f: list(w) for f, w in sorted(self.weights.items())}}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> MetricModel:
        t = d["thresholds"]
        return cls(tuple(d["classes"]), tuple(float(b) for b in d["bias"]),
                   {f: tuple(float(x) for x in w) for f, w in d["weights"].items()},
                   float(t["add"]), float(t["override"]), float(t["margin"]), float(t["accuse"]), d.get("meta", {}))


def binary_model(raw: bytes) -> bytes:
    """The JSON model file's bytes ``raw`` as ``metric_model.safetensors`` (issue 18: it loads in a
    few ms, the JSON in ~20): tensors ``weights`` (features x classes) and ``bias``, little-endian
    float64; the metadata ``gsnlp`` holds the rest of the JSON file with the features in order,
    ``source_size`` and ``source_crc32`` the JSON file it was made from."""
    import struct
    import zlib

    d = json.loads(raw)
    feats, k = list(d["weights"]), len(d["classes"])
    head = {key: v for key, v in d.items() if key not in ("weights", "bias")}
    head["features"] = feats
    w = [float(x) for f in feats for x in d["weights"][f]]
    bias = [float(x) for x in d["bias"]]
    if len(w) != len(feats) * k or len(bias) != k:
        raise ValueError("metric model: every feature and the bias need one weight per class")
    nb = len(bias) * 8
    h = json.dumps({"__metadata__": {"gsnlp": json.dumps(head, ensure_ascii=False), "source_size": str(len(raw)),
                                     "source_crc32": str(zlib.crc32(raw))},
                    "bias": {"dtype": "F64", "shape": [k], "data_offsets": [0, nb]},
                    "weights": {"dtype": "F64", "shape": [len(feats), k], "data_offsets": [nb, nb + len(w) * 8]}},
                   ensure_ascii=False).encode("utf-8")
    h += b" " * (-len(h) % 8)
    return len(h).to_bytes(8, "little") + h + struct.pack(f"<{k}d", *bias) + struct.pack(f"<{len(w)}d", *w)


def _from_binary(data: bytes, raw: bytes) -> MetricModel | None:
    """The model of :func:`binary_model`'s bytes ``data``; None unless they were made from ``raw``."""
    import struct
    import zlib

    n = int.from_bytes(data[:8], "little")
    st = json.loads(data[8:8 + n])
    m = st["__metadata__"]
    if m.get("source_size") != str(len(raw)) or m.get("source_crc32") != str(zlib.crc32(raw)):
        return None  # made from another JSON file: stale
    head = json.loads(m["gsnlp"])
    feats, k = head["features"], len(head["classes"])
    (b0, b1), (w0, w1) = st["bias"]["data_offsets"], st["weights"]["data_offsets"]
    body = memoryview(data)[8 + n:]
    if b1 - b0 != 8 * k or w1 - w0 != 8 * k * len(feats) or len(body) < max(b1, w1):
        return None
    t = head["thresholds"]
    # one tuple of k float64 per feature, unpacked in C (a tuple per feature from an array: ~4x slower)
    return MetricModel(tuple(head["classes"]), struct.unpack(f"<{k}d", body[b0:b1]),
                       dict(zip(feats, struct.iter_unpack(f"<{k}d", body[w0:w1]))),
                       float(t["add"]), float(t["override"]), float(t["margin"]), float(t["accuse"]),
                       head.get("meta", {}))


@lru_cache(maxsize=1)
def load_model() -> MetricModel | None:
    """The shipped model (``gsnlp/figures/data/metric_model.json``); None when it is absent. Read from
    ``metric_model.safetensors`` (:func:`binary_model`) when that was made from this JSON file."""
    folder = Path(__file__).parent / "data"
    try:
        # a path, not importlib.resources: importing that costs more than reading the file (issue 18)
        raw = (folder / "metric_model.json").read_bytes()
    except FileNotFoundError:
        return None
    try:
        model = _from_binary((folder / "metric_model.safetensors").read_bytes(), raw)
    except (OSError, ValueError, KeyError, TypeError):
        model = None
    return model if model is not None else MetricModel.from_json(json.loads(raw))


def combine(rule: str | None, probs: dict[str, float], model: MetricModel, mode: str = "both"
            ) -> tuple[str | None, float | None]:
    """The metric kept and its probability under the model, for ``mode`` rules / model / both."""
    if mode not in MODES:
        raise ValueError(f"binding mode {mode!r}: expected one of {', '.join(MODES)}")
    best = max(probs, key=lambda c: probs[c])
    p_rule = probs.get(rule or NONE, 0.0)
    if mode == "rules":
        return rule, p_rule
    if mode == "model":
        return (None if best == NONE else best), probs[best]
    if rule is None:
        if best != NONE and probs[best] >= model.add:
            return best, probs[best]
        return None, probs.get(NONE, 0.0)
    if best != rule and probs[best] >= model.override and probs[best] >= p_rule + model.margin:
        return (None if best == NONE else best), probs[best]
    return rule, p_rule


def accusable(fig: Any, model: MetricModel | None = None) -> bool:
    """Whether a figure's metric is sure enough to accuse a report with (``metric_p`` at or
    above the model's ``accuse`` threshold). Figures bound without a model (``metric_p`` None)
    count as sure, as before the model existed."""
    if not getattr(fig, "metric", None):
        return False
    p = getattr(fig, "metric_p", None)
    if p is None:
        return True
    model = model or load_model()
    return model is None or p >= model.accuse


def train(samples: list[tuple[list[str], str]], *, c: float = 2.0, min_count: int = 1, seed: int = 0,
          prune: float = 1e-3) -> tuple[tuple[str, ...], tuple[float, ...], dict[str, tuple[float, ...]]]:
    """Fit the logistic regression on (features, label) pairs; label ``<none>`` for no metric.
    Returns (classes, bias, weights) for :class:`MetricModel`. Needs scikit-learn."""
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as e:  # pragma: no cover - the ml extra is declared in pyproject
        from gsnlp.errors import MissingExtraError
        raise MissingExtraError("metric model training", "ml", "sklearn") from e
    import numpy as np
    from scipy.sparse import lil_matrix

    counts: dict[str, int] = {}
    for feats, _ in samples:
        for f in set(feats):
            counts[f] = counts.get(f, 0) + 1
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    x = lil_matrix((len(samples), len(vocab)), dtype=np.float64)
    for r, (feats, _) in enumerate(samples):
        for f in set(feats):
            j = vocab.get(f)
            if j is not None:
                x[r, j] = 1.0
    y = [lab for _, lab in samples]
    clf = LogisticRegression(C=c, max_iter=3000, random_state=seed)
    clf.fit(x.tocsr(), y)
    classes = tuple(str(k) for k in clf.classes_)
    coef = clf.coef_
    bias = clf.intercept_
    if len(classes) == 2:  # binary: sklearn keeps one row; expand to two symmetric rows
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        bias = np.array([-bias[0] / 2, bias[0] / 2])
    weights: dict[str, tuple[float, ...]] = {}
    for f, j in vocab.items():
        col = coef[:, j]
        if float(np.abs(col).max()) >= prune:  # weights this small move no probability visibly
            weights[f] = tuple(round(float(v), 3) for v in col)
    return classes, tuple(round(float(b), 3) for b in bias), weights
