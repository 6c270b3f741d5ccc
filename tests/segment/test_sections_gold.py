"""Sections of the new real reports against their gold spans (corpora/gold/sections, made by
reading each source; see make_gold.py there)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import gsnlp
from gsnlp_corpus import GOLD, corpus_file

GOLD_FILES = sorted((GOLD / "sections").glob("*.json"))


def test_there_is_gold_for_the_new_reports() -> None:
    assert len(GOLD_FILES) >= 30


@pytest.mark.parametrize("gold", GOLD_FILES, ids=lambda p: p.stem)
def test_sections_match_gold_spans(gold: Path) -> None:
    g = json.loads(gold.read_text(encoding="utf-8"))
    path = corpus_file(g["file"])
    assert hashlib.sha256(path.read_bytes()).hexdigest() == g["sha256"]
    r = gsnlp.read(path)
    got = [(s.id, s.start, s.end, s.body_start, s.origin) for s in r.sections]
    want = [(s["id"], s["start"], s["end"], s["heading"][1] if s["heading"] else s["start"], "heading")
            for s in g["sections"]]
    assert got == want
