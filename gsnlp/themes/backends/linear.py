"""The light default: character n-gram TF-IDF plus keyword-cue features, with linear heads.

Features: character 1–``max_ngram``-grams (sublinear tf × idf, L2-normalised), one 0/1 feature
per theme and per role for the cue words of a lexicon (``themes_md``: THEMES.md's own cue words;
``default``: the tuned lexicon), and the part of section 五 the clause sits in
(``gsnlp.themes.segment.section_parts``); with ``structure``, flags for what the clause itself
announces, framing, sub-headings, list markers and past-tense wording. Several lexicons joined with
"+" (``default+themes_md``) give one flag per theme and lexicon. Heads: one-vs-rest logistic
regressions for the role and one per theme (scikit-learn for fitting only). In a ``progress`` part a
measure (with ``structure``: any item that is not framing) is read as ``progress`` (the guidelines'
rule; the heads cannot learn it from one agency). With ``fragment_weight`` a, each theme's score is
(1 - a) × the clause's + a × the best of its comma-separated fragments (``fragments``).

Thresholds: with ``calibrate > 1`` the theme threshold (one for all themes, or one per theme
with ``calibrate_per_theme``) is chosen on held-back folds of the training data, grouped by the
``groups`` given to ``fit`` (agencies), and folded into the theme intercepts, so that a theme is
predicted when its score ≥ 0.5.

Prediction needs numpy (and safetensors to load): n-grams are looked up in a JSON vocabulary
and multiplied with the stored weights; no pickle, no scikit-learn, about 0.1–0.2 ms CPU per
clause (about twice that with fragment pooling).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gsnlp.themes.base import ThemeClassifier, fit_linear_heads, load_arrays, save_arrays, sigmoid, softmax
from gsnlp.themes.labels import ROLES, THEMES
from gsnlp.themes.registry import register

_CUE_ROLES = ("problem", "measure", "progress")
# Structure flags (``structure=True``), written from the guidelines' wording and the errors of the
# cross-validation folds (never the development test reports): what the clause itself announces
# (the section-part cues of ``segment``), whether it is framing (ends in a colon, announces
# 以下/如下, a bare sub-heading), whether it opens with a list marker, and past-tense report wording.
_STRUCTURE = ("announces_progress", "announces_measures", "announces_problems", "ends_colon", "announces_list",
              "subheading", "list_marker", "past_tense")
_FRAMING_LIST = re.compile(r"以下|如下|几个方面")
_SUBHEADING = re.compile(r"^[（(]?[一二三四五六七八九十\d]{1,2}[）)、．.]?[^。，,；;：:]{0,16}[：:。]?$")
_LIST_START = re.compile(r"^(?:[一二三四五六七八九十]{1,2}\s?是|[（(]\s*[一二三四五六七八九十\d]{1,2}\s*[）)]|\d{1,2}\s*[、．.]|[①-⑩])")
_PAST = re.compile(r"已(?:经|完成|整改|实现|建立|开通|上线|全面|有)|实现了|完成了|开展了|建立了|取得了")
_GRID = tuple(round(0.1 + 0.05 * i, 2) for i in range(16))  # 0.10 … 0.85


def _ngrams(text: str, n_max: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    t = "".join(text.split())  # spaces are layout, not content
    for n in range(1, n_max + 1):
        for i in range(len(t) - n + 1):
            g = t[i : i + n]
            counts[g] = counts.get(g, 0) + 1
    return counts


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


def _structure_flags(text: str) -> list[int]:
    """Indices into ``_STRUCTURE`` of the flags a clause carries."""
    from gsnlp.themes.segment import _PART_CUES

    t = "".join(text.split())
    out = [k for k, (_, pat) in enumerate(_PART_CUES) if pat.search(t)]  # progress, measures, problems
    if t.endswith((":", "：")):
        out.append(3)
    if _FRAMING_LIST.search(t):
        out.append(4)
    if _SUBHEADING.match(t):
        out.append(5)
    if _LIST_START.match(t):
        out.append(6)
    if _PAST.search(t):
        out.append(7)
    return out


_FRAGMENT_CUT = re.compile(r"[，,；;：:。、！？!?]")


def fragments(text: str, min_chars: int = 6) -> list[str]:
    """The parts of a clause between commas, enumeration commas and colons that have at least
    ``min_chars`` characters (what the fragment pooling of ``fragment_weight`` reads)."""
    return [f for f in (p.strip() for p in _FRAGMENT_CUT.split(text)) if len(f) >= min_chars]


def _is_framing(text: str) -> bool:
    """A clause that frames what follows: ends in a colon, announces 以下/如下, or ends in 情况 (a
    heading such as "（一）2024 年工作中存在问题的改进情况")."""
    t = "".join(text.split())
    return t.endswith((":", "：")) or bool(_FRAMING_LIST.search(t)) or bool(re.search(r"情况[。:：]?$", t))


class _OneVsRest:
    """One binary classifier per class, exposing ``classes_``/``coef_``/``intercept_`` like a
    fitted scikit-learn linear model (one row when two classes, as scikit-learn does)."""

    def __init__(self, make: Any) -> None:
        self.make = make

    def fit(self, F: Any, y: np.ndarray) -> _OneVsRest:
        self.classes_ = np.unique(y)
        if len(self.classes_) == 2:
            m = self.make().fit(F, (y == self.classes_[1]).astype(int))
            self.coef_, self.intercept_ = m.coef_, m.intercept_
            return self
        fits = [self.make().fit(F, (y == c).astype(int)) for c in self.classes_]
        self.coef_ = np.vstack([m.coef_[0] for m in fits])
        self.intercept_ = np.array([m.intercept_[0] for m in fits])
        return self


@register("linear")
class CharLinearClassifier(ThemeClassifier):
    """Char n-gram TF-IDF + lexicon cues → logistic heads; thresholds calibrated on held-back folds.

    ``lexicon``: a built-in lexicon name (``themes_md``, ``default``) or a JSON path, or None for
    no cue features. ``calibrate``: number of held-back folds for the per-theme thresholds
    (0 or 1: use ``threshold`` for every theme). ``min_df``: drop n-grams seen in fewer clauses.
    """

    uses_groups = True
    uses_context = True
    _coef_all: np.ndarray | None = None

    def __init__(self, C: float = 10.0, role_C: float = 10.0, max_ngram: int = 3, min_df: int = 2,
                 lexicon: str | None = "themes_md", cue_weight: float = 1.0, calibrate: int = 4,
                 calibrate_per_theme: bool = False, context_weight: float = 1.0,
                 class_weight: str | None = "balanced", threshold: float = 0.5, seed: int = 0,
                 structure: bool = False, structure_weight: float = 1.0, fragment_weight: float = 0.0) -> None:
        super().__init__(threshold=threshold, seed=seed)
        self.fragment_weight = fragment_weight
        self.structure = structure
        self.structure_weight = structure_weight
        self.C = C
        self.role_C = role_C
        self.max_ngram = max_ngram
        self.min_df = min_df
        self.lexicon = lexicon
        self.cue_weight = cue_weight
        self.calibrate = calibrate
        self.calibrate_per_theme = calibrate_per_theme
        self.context_weight = context_weight
        self.class_weight = class_weight

    # -- features ----------------------------------------------------------------------
    def _cue_lists(self) -> tuple[list[list[str]], list[list[str]]]:
        """Theme cue lists (one per theme and lexicon) and role cue lists (of the first lexicon).
        Several lexicons are joined with "+" (``default+themes_md``): each gives its own flags."""
        if self.lexicon is None:
            return [], []
        from gsnlp.themes.backends.baselines import BUILTIN_LEXICONS, default_lexicon

        lexicons = []
        for name in self.lexicon.split("+"):
            if name in BUILTIN_LEXICONS:
                lexicons.append(default_lexicon(name))
            else:
                lexicons.append(json.loads(Path(name).read_text(encoding="utf-8")))
        return ([list(lex["themes"].get(t, ())) for lex in lexicons for t in THEMES],
                [list(lexicons[0]["roles"].get(r, ())) for r in _CUE_ROLES])

    def _rows(self, X: Sequence[str], contexts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each clause as (feature indices, values): normalised TF-IDF n-grams, the cue flags, then
        the section part (one-hot, ``context_weight``; nothing for an unknown part)."""
        from gsnlp.themes.segment import PARTS

        vocab, idf = self.vocab_, self.idf_
        n_vocab = len(vocab)
        cues = [*self.theme_cues_, *self.role_cues_]
        n_cues = n_vocab + len(cues)
        out = []
        for x, part in zip(X, contexts):
            pairs = [(vocab[g], c) for g, c in _ngrams(x, self.max_ngram).items() if g in vocab]
            cols = np.fromiter((j for j, _ in pairs), dtype=np.int64, count=len(pairs))
            vals = (1.0 + np.log(np.fromiter((c for _, c in pairs), dtype=np.float64, count=len(pairs)))) * idf[cols]
            norm = float(np.sqrt(vals @ vals)) or 1.0
            hits = [n_vocab + k for k, words in enumerate(cues) if any(w in x for w in words)]
            ctx = [n_cues + PARTS.index(part) - 1] if self.context_weight and part != "start" else []
            st = [n_cues + 3 + k for k in _structure_flags(x)] if self.structure else []
            out.append((np.concatenate([cols, np.array(hits + ctx + st, dtype=np.int64)]),
                        np.concatenate([vals / norm, np.full(len(hits), float(self.cue_weight)),
                                        np.full(len(ctx), float(self.context_weight)),
                                        np.full(len(st), float(self.structure_weight))])))
        return out

    def _n_features(self) -> int:
        n_struct = len(_STRUCTURE) if self.structure else 0
        return len(self.vocab_) + len(self.theme_cues_) + len(self.role_cues_) + 3 + n_struct  # parts but "start"

    def _features(self, X: Sequence[str], contexts: Sequence[str]) -> Any:
        import scipy.sparse as sp

        rows = self._rows(X, contexts)
        indptr = np.cumsum([0] + [len(c) for c, _ in rows])
        cols = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
        vals = np.concatenate([v for _, v in rows]) if rows else np.zeros(0)
        return sp.csr_matrix((vals, cols, indptr), shape=(len(X), self._n_features()))

    def _fit_vocab(self, X: list[str]) -> None:
        df: dict[str, int] = {}
        for x in X:
            for g in _ngrams(x, self.max_ngram):
                df[g] = df.get(g, 0) + 1
        kept = sorted(g for g, c in df.items() if c >= self.min_df)
        self.vocab_ = {g: i for i, g in enumerate(kept)}
        self.idf_ = np.array([np.log((1 + len(X)) / (1 + df[g])) + 1.0 for g in kept], dtype=np.float64)
        self.theme_cues_, self.role_cues_ = self._cue_lists()

    def _fit_heads(self, X: list[str], roles: np.ndarray, themes: np.ndarray, contexts: list[str]) -> None:
        from sklearn.linear_model import LogisticRegression

        self._fit_vocab(X)
        self._coef_all = None
        F = self._features(X, contexts)
        (self.role_coef_, self.role_intercept_, self.theme_coef_, self.theme_intercept_) = fit_linear_heads(
            F, roles, themes,
            # one-vs-rest liblinear: ~20× cheaper to fit than lbfgs multinomial here
            lambda: _OneVsRest(lambda: LogisticRegression(C=self.role_C, class_weight=self.class_weight,
                                                          solver="liblinear", max_iter=2000, random_state=self.seed)),
            lambda: LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear", max_iter=2000,
                                       random_state=self.seed))

    def _fit(self, X: list[str], roles: np.ndarray, themes: np.ndarray, groups: Sequence[str] | None = None,
             contexts: Sequence[str] | None = None) -> None:
        try:
            import sklearn  # noqa: F401
        except ImportError as e:  # pragma: no cover
            from gsnlp.errors import MissingExtraError

            raise MissingExtraError("training the linear themes backend", "themes", "scikit-learn") from e
        ctx = list(contexts) if contexts is not None else ["start"] * len(X)
        self.thresholds_ = np.full(len(THEMES), float(self.threshold))
        if self.calibrate > 1:
            self.thresholds_ = self._calibrate(X, roles, themes, groups, ctx)
        self._fit_heads(X, roles, themes, ctx)
        # a theme is predicted when p ≥ its threshold t; shift the logit so that this reads p' ≥ 0.5
        shifts = np.array([_logit(t) for t in self.thresholds_]) - _logit(float(self.threshold))
        self.theme_intercept_ = self.theme_intercept_ - shifts
        self._coef_all = None

    def _calibrate(self, X: list[str], roles: np.ndarray, themes: np.ndarray, groups: Sequence[str] | None,
                   contexts: list[str]) -> np.ndarray:
        """Per-theme thresholds that maximise F1 on out-of-fold scores of the training data."""
        from gsnlp.themes.evaluate import group_folds

        g = list(groups) if groups is not None else [str(i) for i in range(len(X))]
        if len(set(g)) < self.calibrate:
            return np.full(len(THEMES), float(self.threshold))
        oof = np.zeros(themes.shape)
        for tr, te in group_folds(g, self.calibrate, self.seed + 1):
            inner = CharLinearClassifier(**{**self.get_params(), "calibrate": 0})
            inner._fit_heads([X[i] for i in tr], roles[tr], themes[tr], [contexts[i] for i in tr])
            oof[te] = inner._raw_proba([X[i] for i in te], [contexts[i] for i in te])[1]
        th = np.full(len(THEMES), float(self.threshold))
        usable = [j for j in range(len(THEMES)) if themes[:, j].sum() >= 3]  # too few positives: keep the default

        def f1(j: int, t: float) -> float:
            p = oof[:, j] >= t
            tp = float((p & (themes[:, j] == 1)).sum())
            return 2 * tp / max(float(p.sum() + themes[:, j].sum()), 1.0)

        def best(score: Any) -> float:
            b, bf = float(self.threshold), -1.0
            for t in _GRID:
                f = score(t)
                if f > bf + 1e-9 or (abs(f - bf) <= 1e-9 and abs(t - 0.5) < abs(b - 0.5)):
                    b, bf = t, f
            return b

        if self.calibrate_per_theme:
            for j in usable:
                th[j] = best(lambda t, j=j: f1(j, t))
        elif usable:  # one threshold for all themes: the macro-F1 of the held-back folds decides
            th[:] = best(lambda t: float(np.mean([f1(j, t) for j in usable])))
        return th

    def _raw_proba(self, X: list[str], contexts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        r, t = self._scores(X, contexts)
        if self.fragment_weight:
            # a long clause names several things ("…不够及时、内容不够全面、渠道不够多元化"): its
            # n-grams dilute each theme, so each theme also reads the best of the clause's fragments
            frags: list[str] = []
            owner: list[int] = []
            for i, x in enumerate(X):
                fs = fragments(x)
                if len(fs) > 1:
                    frags += fs
                    owner += [i] * len(fs)
            if frags:
                _, tf = self._scores(frags, [contexts[i] for i in owner], role=False)
                best = np.zeros_like(t)
                np.maximum.at(best, np.array(owner), tf)
                has = np.zeros(len(X), dtype=bool)
                has[owner] = True
                a = float(self.fragment_weight)
                t[has] = (1 - a) * t[has] + a * best[has]
        return r, t

    def _scores(self, X: list[str], contexts: list[str], role: bool = True) -> tuple[np.ndarray, np.ndarray]:
        # numpy only: gather the weight columns of each clause's features (no scipy, no sklearn)
        rows = self._rows(X, contexts)
        lengths = np.array([len(c) for c, _ in rows])
        z = np.tile(self.coef_intercept_, (len(X), 1))
        if lengths.sum() > 0:
            cols = np.concatenate([c for c, _ in rows])
            vals = np.concatenate([v for _, v in rows])
            contrib = self.coef_all_[cols] * vals[:, None]  # (nnz, roles + themes)
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            nonempty = lengths > 0
            z[nonempty] += np.add.reduceat(contrib, starts[nonempty], axis=0)
        k = len(ROLES)
        r = softmax(z[:, :k])
        if self.context_weight and role:
            # the guidelines' rule: what was done about last year's problems, in the part that reports
            # it ("…问题的改进情况"), is progress; one agency in the corpus has such a part, so the
            # heads cannot learn it under agency-grouped training
            m, g = ROLES.index("measure"), ROLES.index("progress")
            rows_p = np.array([c == "progress" for c in contexts], dtype=bool)
            r[rows_p, g] += r[rows_p, m]
            r[rows_p, m] = 0.0
            if self.structure:
                # … and so is an item there that is not framing (an "一是…" heading of what was done)
                o = ROLES.index("other")
                items = rows_p & np.array([not _is_framing(x) for x in X], dtype=bool)
                r[items, g] += r[items, o]
                r[items, o] = 0.0
        return r, sigmoid(z[:, k:])

    @property
    def coef_all_(self) -> np.ndarray:
        """(features, roles + themes): both heads side by side, feature-major for row gathers."""
        cached = getattr(self, "_coef_all", None)
        if cached is None or cached.shape[0] != self.role_coef_.shape[1]:
            cached = np.ascontiguousarray(np.hstack([self.role_coef_.T, self.theme_coef_.T]))
            self._coef_all = cached
        return cached

    @property
    def coef_intercept_(self) -> np.ndarray:
        return np.concatenate([self.role_intercept_, self.theme_intercept_])

    def _proba(self, X: list[str], contexts: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        return self._raw_proba(X, list(contexts) if contexts is not None else ["start"] * len(X))

    # -- persistence -------------------------------------------------------------------
    def _save(self, path: Path) -> None:
        inv = sorted(self.vocab_, key=self.vocab_.__getitem__)
        meta = {"ngrams": inv, "theme_cues": self.theme_cues_, "role_cues": self.role_cues_,
                "thresholds": [round(float(t), 4) for t in self.thresholds_]}
        (path / "vocab.json").write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")),
                                         encoding="utf-8")
        save_arrays(path / "weights.safetensors", {
            "idf": self.idf_.astype(np.float32),
            "role_coef": self.role_coef_.astype(np.float32), "role_intercept": self.role_intercept_.astype(np.float32),
            "theme_coef": self.theme_coef_.astype(np.float32),
            "theme_intercept": self.theme_intercept_.astype(np.float32)})

    def _load(self, path: Path) -> None:
        meta = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
        self.vocab_ = {g: i for i, g in enumerate(meta["ngrams"])}
        self.theme_cues_, self.role_cues_ = meta["theme_cues"], meta["role_cues"]
        self.thresholds_ = np.array(meta["thresholds"], dtype=np.float64)
        a = load_arrays(path / "weights.safetensors")
        self.idf_ = a["idf"].astype(np.float64)
        self.role_coef_, self.role_intercept_ = a["role_coef"].astype(np.float64), a["role_intercept"].astype(np.float64)
        self.theme_coef_ = a["theme_coef"].astype(np.float64)
        self.theme_intercept_ = a["theme_intercept"].astype(np.float64)
        self._coef_all = None
        n = self._n_features()
        if self.theme_coef_.shape != (len(THEMES), n) or self.role_coef_.shape != (len(ROLES), n):
            from gsnlp.errors import SchemaError

            raise SchemaError(f"weights do not match vocab.json ({n} features)", origin=str(path))
