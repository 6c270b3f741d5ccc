"""The ``findings`` dataset: every rule outcome, with the injected contradiction as gold for
synthetic reports (``gold/synth/<doc>.json``)."""

from __future__ import annotations

from typing import Any


def features() -> Any:
    from datasets import ClassLabel, Features, List, Value

    from gsnlp.check.finding import KINDS, SEVERITIES, STATUSES

    return Features({
        "id": Value("string"), "report_id": Value("string"), "doc": Value("string"), "agency": Value("string"),
        "year": Value("int32"), "rule": Value("string"), "rule_id": Value("string"), "family": Value("string"),
        "instance": Value("string"), "status": ClassLabel(names=list(STATUSES)),
        "severity": ClassLabel(names=list(SEVERITIES)), "kind": ClassLabel(names=list(KINDS)),
        "origin": Value("string"), "expected": Value("string"), "observed": Value("string"),
        "message": Value("string"), "cells": List(Value("string")), "evidence": Value("string"),
        "injected_rule": Value("string"), "is_injected": Value("bool"),
    })


def build(c: Any) -> tuple[Any, str]:
    from gsnlp.check.finding import KINDS, SEVERITIES, STATUSES
    from gsnlp.datasets.build import _card, make_dict

    reports = {r["report_id"]: r for r in c.rows.get("reports", [])}
    rows = []
    for f in c.rows.get("findings", []):
        rep = reports[f["report_id"]]
        inj = ((c.gold_synth.get(f["report_id"]) or {}).get("injected") or {}).get("rule", "")
        rows.append({
            "id": f"{f['report_id']}#{f['seq']:05d}", "report_id": f["report_id"], "doc": rep["doc"],
            "agency": rep["agency"] or "", "year": rep["year"] or 0, "rule": f["rule"], "rule_id": f["rule_id"],
            "family": f["family"], "instance": f["instance"], "status": STATUSES.index(f["status"]),
            "severity": SEVERITIES.index(f["severity"]), "kind": KINDS.index(f["kind"]), "origin": f["origin"] or "",
            "expected": f["expected"] or "", "observed": f["observed"] or "", "message": f["message"],
            "cells": list(f["cells"]), "evidence": f["evidence"] or "", "injected_rule": inj,
            "is_injected": bool(inj) and f["status"] == "fail" and f["rule_id"] == inj,
        })
    feats = features()
    dd = make_dict(rows, feats)
    card = _card("findings", "Every outcome of the consistency rules (RULES.md) on every report: rule, instance, "
                 "status (pass / fail / not_assessable), severity, kind, expected and observed values, the cells it "
                 "used and, for failures, its evidence as JSON.", dd, feats,
                 "For synthetic reports (`gsnlp synth --inject`) `injected_rule` is the contradiction put into the "
                 "report and `is_injected` marks the failing findings of that rule: a labelled set for telling real "
                 "contradictions from reading errors.\n")
    return dd, card
