"""Issue 14: gold figures exist for every development-test report and for new training reports."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "corpora/gold/figures"


def _gold(doc: str) -> list[dict]:
    p = GOLD / f"{doc}.jsonl"
    assert p.exists(), f"no gold figures for {doc}"
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_every_devtest_report_has_gold_with_metrics() -> None:
    devtest = (ROOT / "corpora/devtest.txt").read_text(encoding="utf-8").split()
    assert len(devtest) == 11
    with_metric = 0
    for doc in devtest:
        rows = _gold(doc)
        assert rows, doc
        assert (GOLD / "src" / f"{doc}.txt").exists(), f"{doc}: the hand-written source is kept"
        with_metric += sum(r["metric"] is not None for r in rows)
    assert with_metric >= 30


def test_new_gold_covers_at_least_ten_of_the_new_reports() -> None:
    lines = (ROOT / "corpora/MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[-30:]
    new = [ln.split("\t")[0] for ln in lines]
    covered = [d for d in new if (GOLD / f"{d}.jsonl").exists()]
    assert len(covered) >= 10
    devtest = set((ROOT / "corpora/devtest.txt").read_text(encoding="utf-8").split())
    assert len(set(covered) - devtest) >= 4  # some for training, from agencies outside the devtest
