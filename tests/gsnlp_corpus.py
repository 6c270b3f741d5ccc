"""Paths of the bundled corpus for tests (a uniquely named module: every conftest.py is
called conftest, so tests import shared helpers from here, not from conftest)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora" / "reports"
REAL = CORPUS / "real"
GOLD = ROOT / "corpora" / "gold"


def corpus_file(name: str) -> Path:
    hits = list(CORPUS.glob(f"*/{name}"))
    assert hits, f"{name} not in {CORPUS}"
    return hits[0]


def cell_matches_gold(g: dict[str, Any], got: Any) -> bool:
    """A read cell against its gold entry (corpora/gold/tables/FORMAT.md): same kind, the same
    number, the same candidates of an ambiguous cell (strict: unlike ``gsnlp.tables.evaluate``,
    an ambiguous cell read without its candidates does not match)."""
    if g["kind"] != got.kind:
        return False
    if g["kind"] == "number":
        return bool(Decimal(g["value"]) == got.value)
    if g["kind"] == "ambiguous":
        return sorted(map(Decimal, g["candidates"])) == sorted(map(Decimal, got.candidates))
    return True


def load_cdp() -> Any:
    """The headless-Chromium driver of the experiments (experiments/checks/cdp.py), as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gsnlp_cdp", ROOT / "experiments" / "checks" / "cdp.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
