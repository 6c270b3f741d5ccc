"""Helpers every experiment's ``run.py`` shares (imported as ``experiments._shared``: each run.py
puts the repository root on ``sys.path``)."""

from __future__ import annotations

import json
from typing import Any


def set_dotted(cfg: dict[str, Any], dotted: str) -> None:
    """Apply a ``--set key.sub=value`` override to a config (JSON values, else the raw string)."""
    key, _, raw = dotted.partition("=")
    *path, last = key.split(".")
    d = cfg
    for p in path:
        d = d.setdefault(p, {})
    d[last] = json.loads(raw) if raw[:1] in "[{0123456789-tfn\"" else raw


def package_versions(names: tuple[str, ...] | list[str]) -> dict[str, str | None]:
    """The installed version of each distribution (None when it is not installed), for environment.json."""
    import importlib.metadata as md

    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = None
    return out
