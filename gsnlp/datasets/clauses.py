"""The ``clauses`` dataset built from the input reports: every section-五 clause the themes
stage found (its role and themes as predicted by the model named in ``model``), with the
hand label of the bundled gold (``corpora/gold/themes/clauses.jsonl``) where the same report
(by content hash) and the same clause text are labelled there, else empty gold columns."""

from __future__ import annotations

import json
from typing import Any


def features() -> Any:
    from datasets import Features, List, Value

    return Features({
        "id": Value("string"), "report_id": Value("string"), "doc": Value("string"), "agency": Value("string"),
        "year": Value("int32"), "seq": Value("int32"), "start": Value("int64"), "end": Value("int64"),
        "text": Value("string"), "role": Value("string"), "themes": List(Value("string")), "model": Value("string"),
        "gold_role": Value("string"), "gold_themes": List(Value("string")), "has_gold": Value("bool"),
    })


def _gold_index() -> dict[tuple[str, str], dict[str, Any]]:
    """(report id, clause text) -> gold record of the bundled hand-labelled clauses (empty when absent)."""
    try:
        from gsnlp.themes.dataset import load_gold
    except ImportError:
        return {}
    try:
        recs = load_gold()
    except (OSError, ValueError):
        return {}
    return {((r.get("doc_sha256") or "")[:16], r["text"]): r for r in recs if r.get("doc_sha256")}


def build(c: Any) -> tuple[Any, str]:
    from gsnlp.datasets.build import _card, make_dict

    reports = {r["report_id"]: r for r in c.rows.get("reports", [])}
    gold = _gold_index()
    rows = []
    for k in c.rows.get("clauses", []):
        rep = reports.get(k["report_id"], {})
        g = gold.get((k["report_id"], k["text"]))
        themes = k.get("themes") or []
        if isinstance(themes, str):
            themes = json.loads(themes)
        rows.append({
            "id": f"{k['report_id']}#{k['seq']:05d}", "report_id": k["report_id"], "doc": rep.get("doc") or "",
            "agency": rep.get("agency") or "", "year": rep.get("year") or 0, "seq": k["seq"], "start": k["start"],
            "end": k["end"], "text": k["text"], "role": k.get("role") or "", "themes": list(themes),
            "model": k.get("model") or "", "gold_role": (g or {}).get("role") or "",
            "gold_themes": list((g or {}).get("themes") or []), "has_gold": g is not None,
        })
    feats = features()
    dd = make_dict(rows, feats)
    n_gold = sum(r["has_gold"] for r in rows)
    card = _card("clauses", "The section-五 clauses of the input reports, each with the role and themes the themes "
                 "model predicted (silver), and the hand label where the bundled gold has the same report and clause "
                 f"text ({n_gold} of {len(rows)} clauses here).", dd, feats,
                 "The bundled hand-labelled clauses alone are in `gsnlp.datasets.themes.build_dataset()`.\n")
    return dd, card
