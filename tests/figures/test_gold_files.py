"""The hand-made gold of corpora/gold/figures is well formed: spans inside the text and equal
to it, parents exist, every seed and ≥ 10 other reports covered, build.py reproduces it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import CORPUS, GOLD, corpus_file

FIG = GOLD / "figures"
FILES = sorted(FIG.glob("*.jsonl"))


def test_every_seed_and_ten_others_have_gold() -> None:
    names = {p.name[:-6] for p in FILES}
    seeds = {p.name for p in (CORPUS / "seeds").iterdir()}
    assert seeds <= names
    assert len(names - seeds) >= 10


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_gold_rows_are_valid(path: Path) -> None:
    doc = path.name[:-6]
    text = corpus_file(doc).read_text(encoding="utf-8")
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    ids = {r["id"] for r in rows}
    last = -1
    for r in rows:
        assert r["doc"] == doc
        assert 0 <= r["start"] < r["end"] <= len(text) and text[r["start"]:r["end"]] == r["text"]
        assert r["start"] >= last
        last = r["end"]
        Decimal(r["value"])
        assert r["kind"] in ("count", "amount", "percent", "rate")
        assert r["polarity"] in ("positive", "negated")
        assert r["polarity"] == "positive" or Decimal(r["value"]) == 0
        assert r["parent"] is None or r["parent"] in ids


def test_build_reproduces_gold(tmp_path, monkeypatch) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gold_build", FIG / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    for src in sorted((FIG / "src").glob("*.txt")):
        rows = mod.build(src)
        on_disk = [json.loads(x) for x in (FIG / f"{src.name[:-4]}.jsonl").read_text(encoding="utf-8").splitlines()
                   if x.strip()]
        assert rows == on_disk, src.name
