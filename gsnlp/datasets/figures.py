"""The ``figures`` dataset: narrative paragraphs with their figures as character-span NER.

One example per narrative paragraph (a line of the narrative; run-together crawler text is
cut at 。), with ``spans`` (start, end, label = figure kind, metric) relative to the
paragraph and the same as character tokens with BIO tags.
"""

from __future__ import annotations

import re
from typing import Any

KINDS = ("count", "amount", "percent", "rate")
TAGS = ("O",) + tuple(f"{p}-{k}" for k in KINDS for p in ("B", "I"))
MAX_CHARS = 400


def features() -> Any:
    from datasets import ClassLabel, Features, List, Value

    return Features({
        "id": Value("string"), "report_id": Value("string"), "doc": Value("string"), "section": Value("string"),
        "start": Value("int64"), "end": Value("int64"), "text": Value("string"),
        "spans": List({"start": Value("int32"), "end": Value("int32"), "label": ClassLabel(names=list(KINDS)),
                       "metric": Value("string"), "value": Value("string"), "unit": Value("string")}),
        "tokens": List(Value("string")), "ner_tags": List(ClassLabel(names=list(TAGS))),
    })


def _paragraphs(text: str, a: int, b: int) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\n]+", text[a:b]):
        s, e = a + m.start(), a + m.end()
        while e - s > MAX_CHARS:  # a run-together line: cut after a 。 near the limit
            cut = text.rfind("。", s, s + MAX_CHARS)
            cut = cut + 1 if cut > s else s + MAX_CHARS
            out.append((s, cut))
            s = cut
        if text[s:e].strip():
            out.append((s, e))
    return out


def build(c: Any) -> tuple[Any, str]:
    from gsnlp.datasets.build import _card, make_dict

    by_report: dict[str, list[dict[str, Any]]] = {}
    for f in c.rows.get("figures", []):
        by_report.setdefault(f["report_id"], []).append(f)
    rows = []
    for rid, spans in sorted(c.narrative.items()):
        text = c.texts[rid]
        figs = sorted(by_report.get(rid, []), key=lambda f: (f["start"], f["end"]))
        k = 0
        for section, a, b in spans:
            for s, e in _paragraphs(text, a, b):
                inside = [f for f in figs if s <= f["start"] and f["end"] <= e and f["kind"] in KINDS]
                tags = ["O"] * (e - s)
                for f in inside:
                    tags[f["start"] - s] = f"B-{f['kind']}"
                    for i in range(f["start"] - s + 1, f["end"] - s):
                        tags[i] = f"I-{f['kind']}"
                rows.append({"id": f"{rid}#{k:04d}", "report_id": rid, "doc": c.docs[rid], "section": section or "",
                             "start": s, "end": e, "text": text[s:e],
                             "spans": [{"start": f["start"] - s, "end": f["end"] - s, "label": KINDS.index(f["kind"]),
                                        "metric": f["metric"] or "", "value": f["value"], "unit": f["unit"] or ""}
                                       for f in inside],
                             "tokens": list(text[s:e]), "ner_tags": [TAGS.index(t) for t in tags]})
                k += 1
    feats = features()
    dd = make_dict(rows, feats)
    card = _card("figures", "Narrative paragraphs (section bodies without tables and page chrome) with every stated "
                 "figure as a character span: `spans` (offsets into `text`, kind as label, the metric id of "
                 "gsnlp.figures.metrics or a table address, the stated value and unit) and the same as per-character "
                 "BIO tags (`tokens`, `ner_tags`).", dd, feats,
                 "Spans are the figure extractor's output (silver). Hand-made figure gold for the bundled corpus is "
                 "in corpora/gold/figures.\n")
    return dd, card
