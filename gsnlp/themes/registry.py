"""Classifier backends by name. ``create("sklearn")``; unknown names list the known ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from gsnlp.errors import UnknownNameError

T = TypeVar("T")
_REGISTRY: dict[str, type] = {}


def register(name: str) -> Callable[[T], T]:
    def deco(cls: T) -> T:
        _REGISTRY[name] = cls  # type: ignore[assignment]
        cls.name = name  # type: ignore[attr-defined]
        return cls

    return deco


def _load_builtin() -> None:
    # importing the backend modules is cheap: each imports its heavy library inside methods
    import gsnlp.themes.backends  # noqa: F401


def names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def get(name: str) -> type:
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownNameError("themes backend", name, list(_REGISTRY)) from None


def create(name: str, **params: Any) -> Any:
    return get(name)(**params)


def load_model(path: Any) -> Any:
    """Load a saved model directory (any backend), reading ``meta.json`` for the backend."""
    from gsnlp.themes.base import read_meta

    meta = read_meta(path)
    return get(str(meta["backend"])).load(path)
