"""The hand-labeled section-五 dataset: building it from the corpus and the hand labels,
reading and writing JSONL, and Label Studio export/import.

Hand labels live in ``corpora/gold/themes/labels.tsv`` (one row per distinct clause text:
role, themes, unsure, note) and ``reports.tsv`` (per report: specificity 1–4, duplicates).
``build_gold`` segments every report, joins each clause to its hand label by text and
fails loudly when a clause has none. The result is ``clauses.jsonl`` and ``reports.jsonl``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any

from gsnlp.errors import SchemaError
from gsnlp.themes.labels import ROLES, THEMES, check_role, check_themes
from gsnlp.themes.segment import SEGMENTER, clean, section_parts, split_clauses

ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = ROOT / "corpora" / "gold" / "themes"
REPORTS_DIR = ROOT / "corpora" / "reports"
DEVTEST = ROOT / "corpora" / "devtest.txt"
CLAUSE_SCHEMA = "gsnlp.themes.clause/2"


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def match_key(text: str) -> str:
    """What hand labels are matched on: the clause without any whitespace (readers differ
    in the spaces they keep between Chinese characters and digits)."""
    return re.sub(r"\s+", "", clean(text))


def read_hand_labels(path: Path = GOLD_DIR / "labels.tsv") -> dict[str, dict[str, Any]]:
    """Hand labels keyed by ``match_key`` of the clause text."""
    out: dict[str, dict[str, Any]] = {}
    for n, row in enumerate(_read_tsv(path), start=2):
        origin = f"{path.name}:{n}"
        try:
            role = check_role(row["role"])
            themes = check_themes([t for t in row["themes"].split(",") if t])
        except KeyError as e:
            raise SchemaError(str(e), origin=origin) from None
        key = match_key(row["text"])
        lab = {"role": role, "themes": list(themes), "unsure": row.get("unsure") == "true",
                            "note": row.get("note") or ""}
        if key in out and (out[key]["role"], out[key]["themes"]) != (lab["role"], lab["themes"]):
            raise SchemaError(f"clause text labeled twice, differently: {row['text'][:30]}…", origin=origin)
        out.setdefault(key, lab)
    return out


def _manifest(root: Path) -> dict[str, dict[str, str]]:
    p = root / "corpora" / "MANIFEST.tsv"
    return {r["doc"]: r for r in _read_tsv(p)} if p.exists() else {}


def read_devtest(path: Path = DEVTEST) -> set[str]:
    """File names of the development test reports (chosen before tuning; never tune on them)."""
    if not path.is_file():
        return set()
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def build_gold(reports_dir: Path = REPORTS_DIR, labels_path: Path = GOLD_DIR / "labels.tsv",
               reports_path: Path = GOLD_DIR / "reports.tsv",
               devtest_path: Path = DEVTEST) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(clause records, report records) for every report under ``reports_dir``.

    ``group`` is the agency (grouped cross-validation keeps an agency on one side);
    ``report_group`` is the report (or the report an html copy duplicates); ``devtest`` marks
    the reports of ``corpora/devtest.txt``."""
    from gsnlp.themes.source import load_report
    from gsnlp.themes.specificity import specificity

    labels = read_hand_labels(labels_path)
    devtest = read_devtest(devtest_path)
    hand = {r["doc"]: r for r in _read_tsv(reports_path)}
    manifest = _manifest(reports_dir.parents[1])
    clauses: list[dict[str, Any]] = []
    reports: list[dict[str, Any]] = []
    missing: list[str] = []
    for path in sorted(p for p in reports_dir.rglob("*") if p.is_file()):
        rt = load_report(path)
        m = manifest.get(rt.doc, {})
        h = hand.get(rt.doc, {})
        year = int(m["year"]) if m.get("year", "").isdigit() else None
        dup = h.get("duplicate_of") or None
        agency = m.get("agency") or rt.agency or None
        is_dev = rt.doc in devtest or (dup or "") in devtest
        rec: dict[str, Any] = {"doc": rt.doc, "agency": agency, "year": year, "devtest": is_dev,
                               "format": path.suffix.lstrip("."), "doc_sha256": rt.sha256, "reader": rt.reader,
                               "section": None, "n_clauses": 0,
                               "specificity": int(h["specificity"]) if h.get("specificity") else None,
                               "specificity_score": None, "copied_from": None, "duplicate_of": dup,
                               "note": h.get("note") or ""}
        if rt.section is None:
            rec["note"] = (rec["note"] + "; " if rec["note"] else "") + "no problems section from the section segmenter"
        if rt.section is not None:
            s = rt.section
            rec["section"] = {"heading_start": s.heading_start, "start": s.start, "end": s.end, "how": s.how,
                              "number": s.number}
            cl = split_clauses(rt.text, s.start, s.end, rt.doc)
            parts = section_parts([clean(c.text) for c in cl])
            rec["n_clauses"] = len(cl)
            rec["specificity_score"] = specificity(clean(rt.text[s.start:s.end]))
            for c, part in zip(cl, parts):
                key = clean(c.text)
                lab = labels.get(match_key(key))
                if lab is None:
                    missing.append(f"{rt.doc}:{c.start}-{c.end} {key[:40]}")
                    continue
                clauses.append({"id": f"{rt.doc}#{c.index:03d}", "doc": rt.doc, "agency": rec["agency"],
                                "year": year, "index": c.index, "start": c.start, "end": c.end, "text": c.text,
                                "input": key, "part": part, "role": lab["role"], "themes": lab["themes"],
                                "unsure": lab["unsure"], "note": lab["note"], "duplicate_of": dup,
                                "group": agency or dup or rt.doc, "report_group": dup or rt.doc,
                                "devtest": is_dev, "doc_sha256": rt.sha256, "reader": rt.reader,
                                "segmenter": SEGMENTER})
        reports.append(rec)
    if missing:
        raise SchemaError(f"{len(missing)} clauses have no hand label; add them to {labels_path.name}: "
                          + "; ".join(missing[:5]), origin=str(labels_path))
    _copied_from(reports, clauses)
    return clauses, reports


def _copied_from(reports: list[dict[str, Any]], clauses: list[dict[str, Any]]) -> None:
    from gsnlp.themes.specificity import similarity

    text = {}
    for c in clauses:
        text.setdefault(c["doc"], []).append(c["input"])
    by_agency: dict[str, list[dict[str, Any]]] = {}
    for r in reports:
        if r["agency"] and r["year"] and not r["duplicate_of"] and r["doc"] in text:
            by_agency.setdefault(r["agency"], []).append(r)
    for rs in by_agency.values():
        rs.sort(key=lambda r: r["year"])
        for prev, cur in pairwise(rs):
            cur["copied_from"] = {"doc": prev["doc"], "year": prev["year"],
                                  "similarity": similarity("".join(text[prev["doc"]]), "".join(text[cur["doc"]]))}
        for i, cur in enumerate(rs[1:], start=1):  # also the most similar earlier year (copies skip years)
            best = max(rs[:i], key=lambda p: similarity("".join(text[p["doc"]]), "".join(text[cur["doc"]])))
            assert cur["copied_from"] is not None
            cur["copied_from"]["best"] = {"doc": best["doc"], "year": best["year"], "similarity": similarity(
                "".join(text[best["doc"]]), "".join(text[cur["doc"]]))}
    dups = {r["doc"]: r for r in reports}
    for r in reports:
        if r["duplicate_of"] and r["duplicate_of"] in dups:
            r["copied_from"] = dups[r["duplicate_of"]]["copied_from"]


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_gold(path: Path = GOLD_DIR / "clauses.jsonl") -> list[dict[str, Any]]:
    recs = read_jsonl(path)
    for r in recs:
        check_role(r["role"])
        check_themes(r["themes"])
    return recs


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dedupe(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per distinct clause text, skipping duplicate reports (html copies of txt).

    The same text in several reports (copied sections) is kept once, at its first report in
    file order, so that no text is in both the train and the test part of a split.
    """
    seen: set[str] = set()
    out = []
    for r in records:
        if r.get("duplicate_of") or r["input"] in seen:
            continue
        seen.add(r["input"])
        out.append(r)
    return out


# -- Label Studio -------------------------------------------------------------------------
LABEL_STUDIO_CONFIG = """<View>
  <Header value="$doc  [$start, $end)"/>
  <Text name="text" value="$text"/>
  <Choices name="role" toName="text" choice="single" showInline="true" required="true">
""" + "".join(f'    <Choice value="{r}"/>\n' for r in ROLES) + """  </Choices>
  <Choices name="themes" toName="text" choice="multiple" showInline="true">
""" + "".join(f'    <Choice value="{t}"/>\n' for t in THEMES) + """  </Choices>
  <Choices name="unsure" toName="text" choice="single"><Choice value="unsure"/></Choices>
  <TextArea name="note" toName="text" maxSubmissions="1"/>
</View>
"""


def to_label_studio(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Label Studio tasks (JSON import format) with the labels as a finished annotation."""
    return [_task(i, r, r) for i, r in enumerate(records, start=1)]


def from_label_studio(tasks: list[dict[str, Any]], *, skip_unlabeled: bool = False,
                      origin: str = "tasks.json") -> list[dict[str, Any]]:
    """Labels from a Label Studio JSON export: the last annotation of each task. Model
    pre-annotations (``predictions``) are never taken as labels: a task without an annotation
    is an error, or skipped with ``skip_unlabeled``. Returns ``{"id", "doc", "start", "end",
    "input", "role", "themes", "unsure", "note"}`` records."""
    out = []
    for n, t in enumerate(tasks):
        if not isinstance(t, dict):
            raise SchemaError(f"task #{n} is not a JSON object; expected a Label Studio JSON export", origin=origin)
        data = t.get("data", {})
        where = f"{origin}: task {t.get('id', n)} ({data.get('key', '?')})"
        anns = [a for a in t.get("annotations") or [] if not a.get("was_cancelled")]
        if not anns:
            if skip_unlabeled:
                continue
            raise SchemaError("the task has no annotation (model predictions are not labels); label it in "
                              "Label Studio or pass --skip-unlabeled", origin=where)
        res = anns[-1].get("result", [])
        fields: dict[str, Any] = {"role": None, "themes": [], "unsure": False, "note": ""}
        for item in res:
            name, val = item.get("from_name"), item.get("value", {})
            if name == "role":
                fields["role"] = check_role(val["choices"][0])
            elif name == "themes":
                fields["themes"] = list(check_themes(val.get("choices", [])))
            elif name == "unsure":
                fields["unsure"] = "unsure" in val.get("choices", [])
            elif name == "note":
                fields["note"] = "\n".join(val.get("text", []))
        if fields["role"] is None:
            raise SchemaError("the annotation has no role; choose one of " + ", ".join(ROLES), origin=where)
        out.append({"id": data.get("key"), "doc": data.get("doc"), "start": data.get("start"),
                    "end": data.get("end"), "input": data.get("text"), **fields})
    return out


def label_rows(records: list[dict[str, Any]]) -> list[str]:
    """``labels.tsv`` rows (text, role, themes, unsure, note) for imported records, one per text."""
    seen: set[str] = set()
    rows = []
    for r in records:
        key = match_key(r["input"])
        if key in seen:
            continue
        seen.add(key)
        note = re.sub(r"[\t\r\n]+", " ", r.get("note") or "")
        rows.append("\t".join([re.sub(r"[\t\r\n]+", " ", r["input"]), r["role"], ",".join(r["themes"]),
                               "true" if r.get("unsure") else "", note]))
    return rows


def export_tasks(paths: Iterable[Path], model: Any = None,
                 labels: dict[str, dict[str, Any]] | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Label Studio tasks for the section-五 clauses of reports.

    A clause whose text already has a hand label (``labels``, keyed by ``match_key``) gets it as
    an annotation; the others get the model's labels as ``predictions`` (pre-annotations to be
    corrected, never taken as labels on import) when a model is given. Returns (tasks, notes
    about reports without a section 五)."""
    from gsnlp.themes.source import load_report

    labels = labels or {}
    tasks: list[dict[str, Any]] = []
    notes: list[str] = []
    for path in paths:
        rt = load_report(path)
        if rt.section is None:
            notes.append(f"{path}: no section 五 (problems) found; no tasks")
            continue
        cl = split_clauses(rt.text, rt.section.start, rt.section.end, rt.doc)
        inputs = [clean(c.text) for c in cl]
        preds = model.predict(inputs) if model is not None and inputs else []
        for k, (c, x) in enumerate(zip(cl, inputs)):
            rec = {"id": f"{rt.doc}#{c.index:03d}", "doc": rt.doc, "start": c.start, "end": c.end, "input": x}
            lab = labels.get(match_key(x))
            task = _task(len(tasks) + 1, rec, lab)
            if lab is None and preds:
                p = preds[k]
                task["predictions"] = [{"model_version": getattr(model, "name", "model"), "result": _result(
                    {"role": p.role, "themes": list(p.themes)})}]
            tasks.append(task)
    return tasks, notes


def _result(r: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = [
        {"from_name": "role", "to_name": "text", "type": "choices", "value": {"choices": [r["role"]]}},
        {"from_name": "themes", "to_name": "text", "type": "choices", "value": {"choices": list(r["themes"])}},
    ]
    if r.get("unsure"):
        result.append({"from_name": "unsure", "to_name": "text", "type": "choices", "value": {"choices": ["unsure"]}})
    if r.get("note"):
        result.append({"from_name": "note", "to_name": "text", "type": "textarea", "value": {"text": [r["note"]]}})
    return result


def _task(i: int, rec: dict[str, Any], lab: dict[str, Any] | None) -> dict[str, Any]:
    task: dict[str, Any] = {"id": i, "data": {"key": rec["id"], "doc": rec["doc"], "start": rec["start"],
                                               "end": rec["end"], "text": rec["input"]}}
    if lab is not None:
        task["annotations"] = [{"result": _result(lab)}]
    return task


def main() -> None:  # pragma: no cover - maintenance entry point
    """Rebuild clauses.jsonl, reports.jsonl and the Label Studio export from the hand labels."""
    clauses, reports = build_gold()
    write_jsonl(clauses, GOLD_DIR / "clauses.jsonl")
    write_jsonl(reports, GOLD_DIR / "reports.jsonl")
    (GOLD_DIR / "label_studio").mkdir(exist_ok=True)
    (GOLD_DIR / "label_studio" / "tasks.json").write_text(
        json.dumps(to_label_studio(clauses), ensure_ascii=False, indent=1), encoding="utf-8")
    (GOLD_DIR / "label_studio" / "config.xml").write_text(LABEL_STUDIO_CONFIG, encoding="utf-8")
    print(f"{len(clauses)} clauses, {len(reports)} reports")


if __name__ == "__main__":  # pragma: no cover
    main()
