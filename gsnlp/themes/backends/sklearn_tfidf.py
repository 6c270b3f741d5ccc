"""TF-IDF over jieba words and character n-grams, with logistic-regression heads (sklearn).

Weights are stored as safetensors (idf vectors, coefficient matrices) and JSON
(vocabularies); prediction is a sparse matrix product, no sklearn objects are pickled.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from gsnlp.themes.base import ThemeClassifier, fit_linear_heads, load_arrays, save_arrays, sigmoid, softmax
from gsnlp.themes.registry import register

_JIEBA: Any = None


def jieba_tokens(text: str) -> list[str]:
    """jieba words without whitespace and punctuation-only tokens."""
    global _JIEBA
    if _JIEBA is None:
        try:
            import jieba
        except ImportError as e:  # pragma: no cover
            from gsnlp.errors import MissingExtraError

            raise MissingExtraError("the sklearn themes backend", "themes", "jieba") from e
        jieba.setLogLevel(logging.WARNING)
        _JIEBA = jieba
    return [w for w in _JIEBA.lcut(text) if w.strip() and any(ch.isalnum() for ch in w)]


def _identity(x: Any) -> Any:
    return x


def _need_sklearn() -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError as e:  # pragma: no cover
        from gsnlp.errors import MissingExtraError

        raise MissingExtraError("the sklearn themes backend", "themes", "scikit-learn") from e


@register("sklearn")
class TfidfLinearClassifier(ThemeClassifier):
    """TF-IDF (jieba word 1–2-grams + char 1–3-grams) → logistic regression per head."""

    def __init__(self, C: float = 10.0, word_ngrams: int = 2, char_ngrams: tuple[int, int] | list[int] = (1, 3),
                 min_df: int = 1, class_weight: str | None = "balanced", threshold: float = 0.5,
                 seed: int = 0) -> None:
        super().__init__(threshold=threshold, seed=seed)
        self.C = C
        self.word_ngrams = word_ngrams
        self.char_ngrams = list(char_ngrams)
        self.min_df = min_df
        self.class_weight = class_weight

    # -- features ----------------------------------------------------------------------
    def _vectorizers(self, vocab_word: dict[str, int] | None = None, vocab_char: dict[str, int] | None = None) -> tuple[Any, Any]:
        from sklearn.feature_extraction.text import CountVectorizer

        word = CountVectorizer(analyzer="word", tokenizer=jieba_tokens, preprocessor=_identity, lowercase=False,
                               token_pattern=None, ngram_range=(1, self.word_ngrams), min_df=self.min_df,
                               vocabulary=vocab_word, dtype=np.float64)
        char = CountVectorizer(analyzer="char", ngram_range=(self.char_ngrams[0], self.char_ngrams[1]),
                               lowercase=False, min_df=self.min_df, vocabulary=vocab_char, dtype=np.float64)
        return word, char

    def _features(self, X: list[str]) -> Any:
        import scipy.sparse as sp
        from sklearn.preprocessing import normalize

        blocks = []
        for vec, idf in ((self.word_, self.idf_word_), (self.char_, self.idf_char_)):
            c = vec.transform(X)
            c.data = 1.0 + np.log(c.data)  # sublinear tf
            blocks.append(normalize(c.multiply(idf).tocsr()))
        return sp.hstack(blocks).tocsr()

    def _fit(self, X: list[str], roles: np.ndarray, themes: np.ndarray) -> None:
        _need_sklearn()
        from sklearn.linear_model import LogisticRegression

        self.word_, self.char_ = self._vectorizers()
        idfs = []
        for vec in (self.word_, self.char_):
            c = vec.fit_transform(X)
            df = np.bincount(c.indices, minlength=c.shape[1])
            idfs.append(np.log((1 + len(X)) / (1 + df)) + 1.0)
        self.idf_word_, self.idf_char_ = idfs
        F = self._features(X)
        (self.role_coef_, self.role_intercept_, self.theme_coef_, self.theme_intercept_) = fit_linear_heads(
            F, roles, themes,
            lambda: LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000, random_state=self.seed),
            lambda: LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear", max_iter=2000,
                                       random_state=self.seed))

    def _proba(self, X: list[str]) -> tuple[np.ndarray, np.ndarray]:
        F = self._features(X)
        r = softmax(np.asarray(F @ self.role_coef_.T) + self.role_intercept_)
        t = sigmoid(np.asarray(F @ self.theme_coef_.T) + self.theme_intercept_)
        return r, t

    # -- persistence -------------------------------------------------------------------
    def _save(self, path: Path) -> None:
        vocab = {"word": {k: int(v) for k, v in self.word_.vocabulary_.items()},
                 "char": {k: int(v) for k, v in self.char_.vocabulary_.items()}}
        (path / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        save_arrays(path / "weights.safetensors", {
            "idf_word": self.idf_word_.astype(np.float32), "idf_char": self.idf_char_.astype(np.float32),
            "role_coef": self.role_coef_.astype(np.float32), "role_intercept": self.role_intercept_.astype(np.float32),
            "theme_coef": self.theme_coef_.astype(np.float32),
            "theme_intercept": self.theme_intercept_.astype(np.float32)})

    def _load(self, path: Path) -> None:
        _need_sklearn()
        vocab = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
        self.word_, self.char_ = self._vectorizers(vocab["word"], vocab["char"])
        a = load_arrays(path / "weights.safetensors")
        self.idf_word_, self.idf_char_ = a["idf_word"].astype(np.float64), a["idf_char"].astype(np.float64)
        self.role_coef_, self.role_intercept_ = a["role_coef"].astype(np.float64), a["role_intercept"].astype(np.float64)
        self.theme_coef_, self.theme_intercept_ = a["theme_coef"].astype(np.float64), a["theme_intercept"].astype(np.float64)
