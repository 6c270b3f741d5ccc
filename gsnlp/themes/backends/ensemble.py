"""A weighted average of other backends' probabilities (separate weights for role and themes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from gsnlp.themes.base import ThemeClassifier
from gsnlp.themes.registry import register


@register("ensemble")
class EnsembleClassifier(ThemeClassifier):
    """``members``: ``[[backend, params], ...]``; ``role_weights``/``theme_weights``: one weight per
    member (None: equal weights)."""

    def __init__(self, members: list[list[Any]] | None = None, role_weights: list[float] | None = None,
                 theme_weights: list[float] | None = None, threshold: float = 0.5, seed: int = 0) -> None:
        super().__init__(threshold=threshold, seed=seed)
        self.members = members if members is not None else [["sklearn", {}], ["use", {}]]
        self.role_weights = role_weights
        self.theme_weights = theme_weights

    def _make(self) -> list[ThemeClassifier]:
        from gsnlp.themes.registry import create

        out = []
        for name, params in self.members:
            p = dict(params)
            p.setdefault("seed", self.seed)
            out.append(create(name, **p))
        return out

    def _weights(self, w: list[float] | None) -> np.ndarray:
        a = np.ones(len(self.members)) if w is None else np.asarray(w, dtype=np.float64)
        if len(a) != len(self.members):
            raise ValueError(f"{len(a)} weights for {len(self.members)} ensemble members")
        return a / a.sum()

    def _fit(self, X: list[str], roles: np.ndarray, themes: np.ndarray) -> None:
        from gsnlp.themes.labels import ROLES, THEMES

        y = [{"role": ROLES[r], "themes": [THEMES[j] for j in np.flatnonzero(t)]} for r, t in zip(roles, themes)]
        self.members_ = [m.fit(X, y) for m in self._make()]

    def _proba(self, X: list[str]) -> tuple[np.ndarray, np.ndarray]:
        wr, wt = self._weights(self.role_weights), self._weights(self.theme_weights)
        r = t = None
        for m, a, b in zip(self.members_, wr, wt):
            mr, mt = m.predict_proba(X)
            r = a * mr if r is None else r + a * mr
            t = b * mt if t is None else t + b * mt
        assert r is not None and t is not None
        return r / r.sum(axis=1, keepdims=True), t

    def _save(self, path: Path) -> None:
        for i, m in enumerate(self.members_):
            m.save(path / f"member-{i}")

    def _load(self, path: Path) -> None:
        from gsnlp.themes.registry import load_model

        self.members_ = [load_model(path / f"member-{i}") for i in range(len(self.members))]
