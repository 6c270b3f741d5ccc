"""Grouped cross-validation and the scores used for section 五 (themes macro-F1, role accuracy)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from gsnlp.themes.base import Prediction, encode_labels
from gsnlp.themes.labels import ROLES, THEMES


def scores(y: Sequence[dict[str, Any]], preds: Sequence[Prediction], min_examples: int = 10,
           counts_from: Sequence[dict[str, Any]] | None = None, present_only: bool = False) -> dict[str, Any]:
    """Per-theme precision/recall/F1, macro-F1 over themes with ≥ ``min_examples`` positives
    (counted in ``counts_from``, default ``y``; with ``present_only`` also at least one in ``y``:
    a small test set without a theme says nothing about it), micro-F1, role accuracy and macro-F1."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    roles, themes = encode_labels(y)
    _, counts_themes = encode_labels(counts_from if counts_from is not None else y)
    pr = np.array([ROLES.index(p.role) for p in preds])
    pt = np.zeros((len(preds), len(THEMES)), dtype=np.int64)
    for i, p in enumerate(preds):
        for t in p.themes:
            pt[i, THEMES.index(t)] = 1
    per: dict[str, Any] = {}
    for j, t in enumerate(THEMES):
        p, r, f, _ = precision_recall_fscore_support(themes[:, j], pt[:, j], average="binary", zero_division=0)
        per[t] = {"n": int(themes[:, j].sum()), "precision": round(float(p), 4), "recall": round(float(r), 4),
                  "f1": round(float(f), 4)}
    frequent = [t for j, t in enumerate(THEMES) if counts_themes[:, j].sum() >= min_examples
                and (not present_only or themes[:, j].sum() > 0)]
    macro = float(np.mean([per[t]["f1"] for t in frequent])) if frequent else 0.0
    micro = float(f1_score(themes, pt, average="micro", zero_division=0))
    exact = float(np.mean([(themes[i] == pt[i]).all() for i in range(len(preds))])) if len(preds) else 0.0
    return {"n": len(preds), "themes_macro_f1": round(macro, 4), "themes_micro_f1": round(micro, 4),
            "themes_exact_match": round(exact, 4), "frequent_themes": frequent,
            "role_accuracy": round(float(accuracy_score(roles, pr)), 4),
            "role_macro_f1": round(float(f1_score(roles, pr, average="macro", labels=sorted(set(roles)),
                                                  zero_division=0)), 4),
            "per_theme": per}


def group_folds(groups: Sequence[str], n_splits: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Folds with whole groups (reports) on one side: shuffled groups dealt round-robin by size."""
    rng = np.random.default_rng(seed)
    uniq = sorted(set(groups))
    rng.shuffle(uniq)
    size = {g: sum(1 for x in groups if x == g) for g in uniq}
    load = [0] * n_splits
    fold_of: dict[str, int] = {}
    for g in sorted(uniq, key=lambda g: -size[g]):  # largest first, onto the lightest fold
        k = int(np.argmin(load))
        fold_of[g] = k
        load[k] += size[g]
    idx = np.arange(len(groups))
    out = []
    for k in range(n_splits):
        test = np.array([i for i in idx if fold_of[groups[i]] == k])
        train = np.array([i for i in idx if fold_of[groups[i]] != k])
        out.append((train, test))
    return out


def cross_val_predict(make: Any, records: Sequence[dict[str, Any]], n_splits: int = 5, seed: int = 0,
                      train_fraction: float = 1.0) -> tuple[list[Prediction], list[dict[str, Any]]]:
    """Out-of-fold predictions for every record; ``make()`` returns a fresh classifier.

    With ``train_fraction`` < 1, each fold trains on that share of its training groups
    (whole reports, chosen with ``seed``). Returns (predictions, per-fold scores)."""
    X = [r["input"] for r in records]
    y = [{"role": r["role"], "themes": r["themes"]} for r in records]
    groups = [r["group"] for r in records]  # the agency in gold records: no agency on both sides
    parts = [r.get("part") or "start" for r in records]  # the part of section 五 (segment.section_parts)
    preds: list[Prediction | None] = [None] * len(records)
    folds = []
    rng = np.random.default_rng(seed + 1)
    for k, (tr, te) in enumerate(group_folds(groups, n_splits, seed)):
        if train_fraction < 1.0:
            tg = sorted({groups[i] for i in tr})
            rng.shuffle(tg)
            keep = set(tg[: max(1, int(round(len(tg) * train_fraction)))])
            tr = np.array([i for i in tr if groups[i] in keep])
        model = make().fit([X[i] for i in tr], [y[i] for i in tr], groups=[groups[i] for i in tr],
                           contexts=[parts[i] for i in tr])
        p = model.predict([X[i] for i in te], contexts=[parts[i] for i in te])
        for i, pi in zip(te, p):
            preds[i] = pi
        s = scores([y[i] for i in te], p, counts_from=y)
        folds.append({"fold": k, "n_train": len(tr), "n_train_reports": len({groups[i] for i in tr}),
                      "n_test": len(te), "themes_macro_f1": s["themes_macro_f1"],
                      "role_accuracy": s["role_accuracy"]})
    return [p for p in preds if p is not None], folds
