"""The ``cells`` dataset: one example per template cell of every report, with gold where known."""

from __future__ import annotations

from typing import Any

from gsnlp.doc import CELL_KINDS

GOLD_KINDS = CELL_KINDS + ("none",)


def features() -> Any:
    from datasets import ClassLabel, Features, List, Value

    return Features({
        "id": Value("string"), "report_id": Value("string"), "doc": Value("string"), "agency": Value("string"),
        "year": Value("int32"), "template": Value("string"), "layout": Value("string"), "table_id": Value("string"),
        "address": Value("string"), "row_id": Value("string"), "column_id": Value("string"),
        "kind": ClassLabel(names=list(CELL_KINDS)), "value": Value("string"), "raw": Value("string"),
        "start": Value("int64"), "end": Value("int64"), "candidates": List(Value("string")),
        "gold_kind": ClassLabel(names=list(GOLD_KINDS)), "gold_value": Value("string"),
    })


def build(c: Any) -> tuple[Any, str]:
    from gsnlp.datasets.build import _card, make_dict

    reports = {r["report_id"]: r for r in c.rows.get("reports", [])}
    rows = []
    for x in c.rows.get("cells", []):
        rep = reports[x["report_id"]]
        layout = next((lay.split(":", 1)[1] for lay in rep["layouts"] if lay.startswith(x["table_id"] + ":")), "")
        g = (c.gold_tables.get(x["report_id"]) or {}).get("tables", {}).get(x["table_id"], {}).get(x["address"])
        rows.append({
            "id": f"{x['report_id']}/{x['table_id']}/{x['address']}", "report_id": x["report_id"], "doc": rep["doc"],
            "agency": rep["agency"] or "", "year": rep["year"] or 0, "template": x["template"], "layout": layout,
            "table_id": x["table_id"], "address": x["address"], "row_id": x["row_id"], "column_id": x["column_id"],
            "kind": CELL_KINDS.index(x["kind"]), "value": x["value"] or "", "raw": x["raw"] or "",
            "start": -1 if x["start"] is None else x["start"], "end": -1 if x["end"] is None else x["end"],
            "candidates": list(x["candidates"]),
            "gold_kind": GOLD_KINDS.index(g["kind"]) if g else GOLD_KINDS.index("none"),
            "gold_value": (g.get("value") or "") if g else "",
        })
    feats = features()
    dd = make_dict(rows, feats)
    card = _card("cells", "Every template cell (TEMPLATE.md addresses `table/row/column`) of every report as read by "
                 "the gsnlp parser: its kind (number, blank, not_applicable, text, absent, ambiguous), exact value "
                 "string, raw text and character span (-1 when the cell has no text span).", dd, feats,
                 "`gold_kind`/`gold_value` come from a gold table file (corpora/gold/tables/FORMAT.md) when the "
                 "report has one (`none` otherwise): a table-reading benchmark.\n")
    return dd, card
