"""Baselines: the majority class and the keyword rules (lexicon as JSON data)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from gsnlp.themes.base import ThemeClassifier
from gsnlp.themes.labels import ROLES, THEMES
from gsnlp.themes.registry import register


@register("majority")
class MajorityClassifier(ThemeClassifier):
    """Predicts the most frequent role and the training frequency of each theme as its score."""

    def _fit(self, X: list[str], roles: np.ndarray, themes: np.ndarray) -> None:
        counts = np.bincount(roles, minlength=len(ROLES)).astype(np.float64)
        self.role_prior_ = counts / counts.sum()
        self.theme_prior_ = themes.mean(axis=0).astype(np.float64)

    def _proba(self, X: list[str]) -> tuple[np.ndarray, np.ndarray]:
        n = len(X)
        return np.tile(self.role_prior_, (n, 1)), np.tile(self.theme_prior_, (n, 1))

    def _save(self, path: Path) -> None:
        (path / "priors.json").write_text(json.dumps({"roles": self.role_prior_.tolist(),
                                                      "themes": self.theme_prior_.tolist()}), encoding="utf-8")

    def _load(self, path: Path) -> None:
        d = json.loads((path / "priors.json").read_text(encoding="utf-8"))
        self.role_prior_ = np.array(d["roles"])
        self.theme_prior_ = np.array(d["themes"])


BUILTIN_LEXICONS = {"default": "lexicon.json", "themes_md": "lexicon_themes_md.json"}


def default_lexicon(name: str = "default") -> dict[str, Any]:
    """A lexicon shipped with gsnlp: ``default`` (tuned on the labeled corpus) or ``themes_md``
    (only THEMES.md's cue words)."""
    if name not in BUILTIN_LEXICONS:
        from gsnlp.errors import UnknownNameError

        raise UnknownNameError("keyword lexicon", name, list(BUILTIN_LEXICONS))
    # a path, not importlib.resources: importing that costs more than reading the file (issue 18)
    text = (Path(__file__).resolve().parents[1] / BUILTIN_LEXICONS[name]).read_text(encoding="utf-8")
    lex: dict[str, Any] = json.loads(text)
    return lex


@register("keyword")
class KeywordClassifier(ThemeClassifier):
    """Rules from a cue lexicon. ``fit`` learns nothing: it only checks and stores the lexicon.

    ``lexicon`` is the name of a built-in lexicon (``default``, ``themes_md``), a path to a JSON
    lexicon (same shape as ``gsnlp/themes/lexicon.json``) or None for ``default``.
    """

    def __init__(self, lexicon: str | None = None, threshold: float = 0.5, seed: int = 0) -> None:
        super().__init__(threshold=threshold, seed=seed)
        self.lexicon = lexicon

    def _read_lexicon(self) -> dict[str, Any]:
        if self.lexicon is None or self.lexicon in BUILTIN_LEXICONS:
            return default_lexicon(self.lexicon or "default")
        lex: dict[str, Any] = json.loads(Path(self.lexicon).read_text(encoding="utf-8"))
        return lex

    def _fit(self, X: list[str], roles: np.ndarray, themes: np.ndarray) -> None:
        lex = self._read_lexicon()
        from gsnlp.themes.labels import check_themes

        check_themes(list(lex["themes"]))
        self.lexicon_ = lex

    def _proba(self, X: list[str]) -> tuple[np.ndarray, np.ndarray]:
        lex = self.lexicon_
        r = np.zeros((len(X), len(ROLES)))
        t = np.zeros((len(X), len(THEMES)))
        other_pats = [re.compile(p) for p in lex["roles"]["other_patterns"]]
        w = lex.get("role_weights", {})
        for i, x in enumerate(X):
            for j, theme in enumerate(THEMES):
                hits = sum(x.count(c) for c in lex["themes"].get(theme, ()))
                t[i, j] = 0.0 if hits == 0 else min(1.0, 0.5 + 0.25 * hits)
            scores = {role: w.get(role, 1.0) * sum(1 for c in lex["roles"].get(role, ()) if c in x)
                      for role in ("problem", "measure", "progress")}
            framing = any(p.search(x) for p in other_pats)
            scores["other"] = 1.0 if framing and len(x) < 60 else 0.25
            if framing and scores["problem"] <= 1.5 and scores["measure"] <= 2:
                scores["other"] = max(scores.values()) + 0.5
            z = np.array([scores[role] for role in ROLES], dtype=np.float64)
            e = np.exp(z - z.max())
            r[i] = e / e.sum()
        return r, t

    def _save(self, path: Path) -> None:
        (path / "lexicon.json").write_text(json.dumps(self.lexicon_, ensure_ascii=False, indent=1), encoding="utf-8")

    def _load(self, path: Path) -> None:
        self.lexicon_ = json.loads((path / "lexicon.json").read_text(encoding="utf-8"))
