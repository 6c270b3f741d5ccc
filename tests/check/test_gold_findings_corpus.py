"""The hand-made gold findings (corpora/gold/findings): well-formed, and the table contradictions
in them (which depend on the gold tables only, not on the narrative extractor) are found."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from gsnlp.check import check_reports
from gsnlp.check.registry import all_rules
from gsnlp.check.testing import gold_docs, gold_report

ROOT = Path(__file__).resolve().parents[2]
GOLD = sorted((ROOT / "corpora" / "gold" / "findings").glob("*.json"))
IDS = {r.id for r in all_rules()} | {"completeness"}


@pytest.mark.parametrize("path", GOLD, ids=[p.name for p in GOLD])
def test_gold_file_is_well_formed(path: Path) -> None:
    d = json.loads(path.read_text(encoding="utf-8"))
    assert d["schema"] == "gsnlp.gold.findings/1" and d["doc"] + ".json" == path.name
    src = list((ROOT / "corpora" / "reports").glob(f"*/{d['doc']}"))
    assert src, d["doc"]
    for f in d["findings"]:
        assert f["rule"] in IDS, f["rule"]
        assert f["origin"] in ("source", "extraction")
        for s in f["spans"]:
            assert 0 <= s["start"] < s["end"]


TABLE_RULES = ("t3.", "t4.", "t2.")


@pytest.mark.slow
def test_gold_table_findings_are_found() -> None:
    docs = [d for d in gold_docs() if (ROOT / "corpora" / "gold" / "findings" / f"{d}.json").exists()]
    res = check_reports([gold_report(d) for d in docs], rules=["t3", "t4", "t2"])
    for d in docs:
        gold = json.loads((ROOT / "corpora" / "gold" / "findings" / f"{d}.json").read_text(encoding="utf-8"))["findings"]
        # findings that only suspect our reading (origin extraction) make no claim about the report
        fails = {(f.rule_id, f.instance) for f in res[d]
                 if f.status == "fail" and f.rule != "completeness.v1" and f.origin != "extraction"}
        # one finding per cause: a failure folded into a more specific finding still counts as found
        fails |= {(a["rule"].rsplit(".v", 1)[0], f.instance) for f in res[d] if f.status == "fail"
                  for a in f.details.get("also_fails", [])}
        for g in gold:
            if g["rule"].startswith(TABLE_RULES):
                assert any(r == g["rule"] and (not g.get("instance") or i == g["instance"]) for r, i in fails), (d, g)
        # and no table failure the careful reader did not find
        gold_rules = {(g["rule"], g.get("instance")) for g in gold}
        for r, i in fails:
            assert (r, i) in gold_rules or (r, None) in gold_rules, (d, r, i)
