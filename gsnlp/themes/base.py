"""One scikit-learn-style interface for every section-五 classifier backend.

``fit(X, y)`` takes clause texts and labels (``{"role": str, "themes": [str, ...]}``) and
returns ``self``; learned state ends in ``_``; ``predict``/``predict_proba`` before ``fit``
raise ``NotFittedError``. ``save(dir)`` writes ``meta.json`` (backend name, params, label
ids) plus the backend's weights as JSON/safetensors; ``load_model(dir)`` reads them back
without pickle.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from gsnlp.errors import NotFittedError, SchemaError
from gsnlp.themes.labels import ROLES, THEMES, check_role, check_themes

MODEL_SCHEMA = "gsnlp.themes.model/1"

Label = Mapping[str, Any]  # {"role": "problem", "themes": ["timeliness", ...]}


@dataclass(frozen=True, slots=True)
class Prediction:
    """One clause's labels and scores (probabilities in [0, 1])."""

    role: str
    themes: tuple[str, ...]
    role_scores: dict[str, float] = field(default_factory=dict)
    theme_scores: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "themes": list(self.themes),
                "scores": {"role": self.role_scores, "themes": self.theme_scores}}


def encode_labels(y: Sequence[Label]) -> tuple[np.ndarray, np.ndarray]:
    """Role indices (n,) and a theme indicator matrix (n, len(THEMES))."""
    roles = np.array([ROLES.index(check_role(str(d["role"]))) for d in y], dtype=np.int64)
    themes = np.zeros((len(y), len(THEMES)), dtype=np.int64)
    for i, d in enumerate(y):
        for t in check_themes(list(d.get("themes", ()))):
            themes[i, THEMES.index(t)] = 1
    return roles, themes


class ThemeClassifier:
    """Base class: subclasses implement ``_fit``, ``_proba``, ``_save`` and ``_load``.

    ``_proba`` returns (role probabilities (n, len(ROLES)), theme probabilities
    (n, len(THEMES))). Themes are predicted when their probability ≥ ``threshold``.
    """

    name: ClassVar[str] = "base"
    extra: ClassVar[str] = "themes"
    uses_groups: ClassVar[bool] = False  # True: ``_fit`` takes ``groups=`` (held-back calibration folds)
    uses_context: ClassVar[bool] = False  # True: ``_fit``/``_proba`` take ``contexts=`` (section parts)

    def __init__(self, threshold: float = 0.5, seed: int = 0) -> None:
        self.threshold = threshold
        self.seed = seed

    # -- scikit-learn conventions ------------------------------------------------------
    def get_params(self) -> dict[str, Any]:
        import inspect

        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {p: getattr(self, p) for p in names}

    def set_params(self, **params: Any) -> ThemeClassifier:
        for k, v in params.items():
            if k not in self.get_params():
                from gsnlp.errors import UnknownNameError

                raise UnknownNameError(f"{self.name} parameter", k, list(self.get_params()))
            setattr(self, k, v)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def _check_fitted(self) -> None:
        if not getattr(self, "fitted_", False):
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit(X, y) or load a saved model")

    # -- public API --------------------------------------------------------------------
    def fit(self, X: Sequence[str], y: Sequence[Label], groups: Sequence[str] | None = None,
            contexts: Sequence[str] | None = None) -> ThemeClassifier:
        """Fit on clause texts and labels. ``groups`` (e.g. the agency of each clause) is passed to
        backends that calibrate on held-back folds, so that a group is never on both sides;
        ``contexts`` (the part of section 五 of each clause, ``segment.PARTS``) to backends that
        read it."""
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} texts but y has {len(y)} labels")
        if len(X) == 0:
            raise ValueError("cannot fit on zero clauses")
        for name, v in (("groups", groups), ("contexts", contexts)):
            if v is not None and len(v) != len(X):
                raise ValueError(f"X has {len(X)} texts but {name} has {len(v)} entries")
        roles, themes = encode_labels(y)
        kw: dict[str, Any] = {}
        if groups is not None and self.uses_groups:
            kw["groups"] = list(groups)
        if self.uses_context:
            kw["contexts"] = _contexts(contexts, len(X))
        self._fit(list(X), roles, themes, **kw)
        self.n_train_ = len(X)
        self.fitted_ = True
        return self

    def predict_proba(self, X: Sequence[str], contexts: Sequence[str] | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
        """(role probabilities (n, 4), theme probabilities (n, 16)) in ROLES/THEMES order."""
        self._check_fitted()
        if len(X) == 0:
            return np.zeros((0, len(ROLES))), np.zeros((0, len(THEMES)))
        if contexts is not None and len(contexts) != len(X):
            raise ValueError(f"X has {len(X)} texts but contexts has {len(contexts)} entries")
        if self.uses_context:
            r, t = self._proba(list(X), contexts=_contexts(contexts, len(X)))  # type: ignore[call-arg]
        else:
            r, t = self._proba(list(X))
        return np.asarray(r, dtype=np.float64), np.asarray(t, dtype=np.float64)

    def predict(self, X: Sequence[str], contexts: Sequence[str] | None = None) -> list[Prediction]:
        r, t = self.predict_proba(X, contexts)
        out = []
        for i in range(len(X)):
            role = ROLES[int(np.argmax(r[i]))]
            themes = tuple(THEMES[j] for j in range(len(THEMES)) if t[i, j] >= self.threshold)
            out.append(Prediction(role, themes, {k: round(float(v), 4) for k, v in zip(ROLES, r[i])},
                                  {k: round(float(v), 4) for k, v in zip(THEMES, t[i])}))
        return out

    def save(self, path: str | Path) -> Path:
        self._check_fitted()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        params = {k: v for k, v in self.get_params().items() if _jsonable(v)}
        meta = {"schema": MODEL_SCHEMA, "backend": self.name, "params": params, "roles": list(ROLES),
                "themes": list(THEMES), "n_train": self.n_train_}
        self._save(path)
        old = path / "meta.json"
        if old.exists():  # keep what the trainer wrote (card fields), refresh the model part
            prev = json.loads(old.read_text(encoding="utf-8"))
            prev.update(meta)
            meta = prev
        (path / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> ThemeClassifier:
        meta = read_meta(path)
        if meta["backend"] != cls.name:
            raise SchemaError(f"model is a {meta['backend']!r} model, not {cls.name!r}", origin=str(path))
        obj = cls(**meta.get("params", {}))
        obj._load(Path(path))
        obj.n_train_ = int(meta.get("n_train", 0))
        obj.fitted_ = True
        return obj

    # -- backend hooks -------------------------------------------------------------------
    def _fit(self, X: list[str], roles: np.ndarray, themes: np.ndarray) -> None:
        raise NotImplementedError

    def _proba(self, X: list[str]) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _save(self, path: Path) -> None:
        raise NotImplementedError

    def _load(self, path: Path) -> None:
        raise NotImplementedError


def _contexts(contexts: Sequence[str] | None, n: int) -> list[str]:
    """Section parts of n clauses; unknown ("start") when not given."""
    from gsnlp.themes.segment import PARTS

    if contexts is None:
        return ["start"] * n
    for c in contexts:
        if c not in PARTS:
            from gsnlp.errors import UnknownNameError

            raise UnknownNameError("section part", c, PARTS)
    return list(contexts)


def _jsonable(v: Any) -> bool:
    try:
        json.dumps(v)
        return True
    except TypeError:
        return False


def read_meta(path: str | Path) -> dict[str, Any]:
    p = Path(path) / "meta.json"
    if not p.is_file():
        raise SchemaError(f"no meta.json in {path}; expected a model directory written by save()", origin=str(path))
    meta: dict[str, Any] = json.loads(p.read_text(encoding="utf-8"))
    if meta.get("schema") != MODEL_SCHEMA:
        raise SchemaError(f"expected schema {MODEL_SCHEMA!r}, found {meta.get('schema')!r}", origin=str(p))
    if tuple(meta.get("roles", ())) != ROLES or tuple(meta.get("themes", ())) != THEMES:
        raise SchemaError("the model's label ids differ from gsnlp.themes.labels; retrain it", origin=str(p))
    return meta


def save_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    from safetensors.numpy import save_file

    save_file({k: np.ascontiguousarray(v) for k, v in arrays.items()}, str(path))
    path.chmod(0o644)  # safetensors creates files readable by the owner only


def load_arrays(path: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return dict(load_file(str(path)))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_linear_heads(F: Any, roles: np.ndarray, themes: np.ndarray, role_model: Any, theme_model: Any
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Linear heads over features ``F``: a softmax role head and one sigmoid head per theme.

    ``role_model()`` / ``theme_model()`` make unfitted scikit-learn linear classifiers. A role
    absent from training gets a -30 intercept; a theme seen with one value only gets a constant
    ±30 intercept. Returns ``(role_coef, role_intercept, theme_coef, theme_intercept)``.
    """
    n_feat = F.shape[1]
    role_coef = np.zeros((len(ROLES), n_feat))
    role_intercept = np.full(len(ROLES), -30.0)
    present = np.unique(roles)
    if len(present) == 1:
        role_intercept[present[0]] = 0.0
    else:
        lr = role_model()
        lr.fit(F, roles)
        if len(lr.classes_) == 2:  # one coefficient vector: split it symmetrically
            for k, sign in ((1, 1.0), (0, -1.0)):
                role_coef[lr.classes_[k]] = sign * lr.coef_[0] / 2
                role_intercept[lr.classes_[k]] = sign * lr.intercept_[0] / 2
        else:
            for k, cls in enumerate(lr.classes_):
                role_coef[cls] = lr.coef_[k]
                role_intercept[cls] = lr.intercept_[k]
    theme_coef = np.zeros((len(THEMES), n_feat))
    theme_intercept = np.zeros(len(THEMES))
    for j in range(len(THEMES)):
        yj = themes[:, j]
        if yj.min() == yj.max():
            theme_intercept[j] = 30.0 if yj[0] == 1 else -30.0
            continue
        lr = theme_model()
        lr.fit(F, yj)
        theme_coef[j] = lr.coef_[0]
        theme_intercept[j] = lr.intercept_[0]
    return role_coef, role_intercept, theme_coef, theme_intercept
