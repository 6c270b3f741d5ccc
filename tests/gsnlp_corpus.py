"""Paths of the bundled corpus for tests (a uniquely named module: every conftest.py is
called conftest, so tests import shared helpers from here, not from conftest)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora" / "reports"
GOLD = ROOT / "corpora" / "gold"


def corpus_file(name: str) -> Path:
    hits = list(CORPUS.glob(f"*/{name}"))
    assert hits, f"{name} not in {CORPUS}"
    return hits[0]
