"""Paths of the bundled corpus for tests (a uniquely named module: every conftest.py is
called conftest, so tests import shared helpers from here, not from conftest)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora" / "reports"
GOLD = ROOT / "corpora" / "gold"


def corpus_file(name: str) -> Path:
    hits = list(CORPUS.glob(f"*/{name}"))
    assert hits, f"{name} not in {CORPUS}"
    return hits[0]


def load_cdp() -> Any:
    """The headless-Chromium driver of the experiments (experiments/checks/cdp.py), as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gsnlp_cdp", ROOT / "experiments" / "checks" / "cdp.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
