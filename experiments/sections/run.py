"""Experiment: section segmentation by headings, by the trained model, and by both.

Question: where headings fail (removed, reworded beyond the variants), how well does the
narrative segmentation model place the template sections, alone and behind the headings?

Data: every 2019/2021-template report of the corpus (txt, md, html). Gold section spans are
corpora/gold/sections/<file>.json where they exist (made by reading the source), otherwise the
heading segmentation of the intact report (exact on those reports, tests/segment). The
development test set (corpora/devtest.txt) never trains or tunes: it is scored apart, by a
model trained on all the other reports, which is also the model shipped with gsnlp.

Protocol: cross-validation grouped by agency (no agency in both train and test). In each
held-out report the headings are removed (their characters blanked, offsets kept) under three
conditions: none, each heading with probability ``remove_probability`` (seeded), all.
Systems: ``headings`` (the heading chooser alone), ``model`` (the model alone, every heading
hidden), ``both`` (the chooser, then the model places the sections it missed — what
``gsnlp.read`` does). Scores per unit (sentence/list item, the model's units): section
accuracy, boundary precision/recall/F1 (a boundary is a unit whose section differs from the
previous unit's), and sub-topic accuracy inside 总体情况 (units under a sub-heading that names
a template sub-topic; sub-heading words hidden).

Run: python experiments/sections/run.py [--set key=value ...]   (writes results/ and the model)
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import platform
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
HERE = Path(__file__).resolve().parent

import gsnlp  # noqa: E402
from gsnlp.doc import Section  # noqa: E402
from gsnlp.segment import model as sm  # noqa: E402
from gsnlp.segment.regions import mask  # noqa: E402
from gsnlp.segment.sections import find_sections  # noqa: E402

CONDITIONS = ("none", "some", "all")
SYSTEMS = ("headings", "model", "both")


def load_config(overrides: list[str]) -> dict[str, Any]:
    cfg = json.loads((HERE / "config.json").read_text(encoding="utf-8"))
    for o in overrides:
        k, v = o.split("=", 1)
        d = cfg
        *path, last = k.split(".")
        for p in path:
            d = d.setdefault(p, {})
        try:
            d[last] = json.loads(v)
        except json.JSONDecodeError:
            d[last] = v
    return cfg


@dataclass
class Doc:
    name: str
    group: str
    text: str
    regions: list[Any]
    gold: list[Section]  # canonical and extra sections, source offsets
    gold_from: str


def agency_of(name: str, meta_agency: str | None) -> str:
    stem = Path(name).stem
    if "_" in stem and not stem[:3].isdigit():
        return stem.rsplit("_", 1)[0]
    return meta_agency or stem


def load_docs(cfg: dict[str, Any]) -> list[Doc]:
    docs = []
    gold_dir = ROOT / cfg["gold"]
    for d in cfg["reports"]:
        for p in sorted((ROOT / d).iterdir()):
            if p.suffix not in cfg["formats"]:
                continue
            r = gsnlp.read(p)
            if r.meta.template not in cfg["templates"]:
                continue
            g = gold_dir / f"{p.name}.json"
            if g.exists():
                gd = json.loads(g.read_text(encoding="utf-8"))
                secs = [Section(s["id"], s.get("heading_text") or "", s["start"], s["end"],
                                s["heading"][1] if s.get("heading") else s["start"]) for s in gd["sections"]]
                src = "gold"
            else:
                secs = [s for s in r.sections]
                src = "headings"
            if sum(1 for s in secs if s.id in sm.SECTION_IDS) < 6:
                continue  # no complete labelling to learn or score from
            docs.append(Doc(p.name, agency_of(p.name, r.meta.agency), r.text, list(r.regions), secs, src))
    return docs


def labelled(doc: Doc) -> sm.LabelledDoc:
    """Training view: every heading and sub-heading word hidden, units cut at the gold starts."""
    masked = mask(doc.text, doc.regions)
    spans0 = sm.units(masked, cuts=[s.start for s in doc.gold])
    _, _, hidden = sm.label_units(masked, doc.gold, spans0)
    view = sm.blank(masked, hidden)
    spans = sm.units(view, cuts=[s.start for s in doc.gold])
    states, subs, _ = sm.label_units(masked, doc.gold, spans)
    return sm.LabelledDoc(doc.name, doc.group, view, tuple(spans), tuple(states), tuple(subs))


def removed(doc: Doc, cond: str, rng: random.Random) -> list[Section]:
    canon = [s for s in doc.gold if s.id in sm.SECTION_IDS]
    if cond == "none":
        return []
    if cond == "all":
        return canon
    out = [s for s in canon if rng.random() < 0.5]
    return out or [rng.choice(canon)]


def label_at(sections: list[Section], a: int) -> str:
    cur = "front"
    for s in sorted(sections, key=lambda s: s.start):
        if s.start <= a:
            cur = s.id
    return cur


def resolve_extra(sections: list[Section]) -> list[Section]:
    """Extra parts count as the canonical section before them (as in training)."""
    out, prev = [], None
    for s in sorted(sections, key=lambda s: s.start):
        if s.id == "extra":
            if prev is None:
                continue
            s = Section(prev, s.title, s.start, s.end, s.body_start)
        else:
            prev = s.id
        out.append(s)
    return out


def boundaries(labels: list[str]) -> set[int]:
    return {i for i in range(1, len(labels)) if labels[i] != labels[i - 1]}


def evaluate(doc: Doc, model: sm.SectionModel, cond: str, rng: random.Random) -> dict[str, Any]:
    masked = mask(doc.text, doc.regions)
    gold = resolve_extra(doc.gold)
    gone = removed(doc, cond, rng)
    damaged = sm.blank(doc.text, [(s.start, s.body_start) for s in gone])
    # eval units: every heading and sub-heading word hidden, no cut at any gold position
    spans0 = sm.units(masked)
    _, _, hidden = sm.label_units(masked, doc.gold, spans0)
    view = sm.blank(masked, hidden)
    spans = sm.units(view)
    gl = [label_at(gold, a) for a, _ in spans]
    gsub = sm.label_units(masked, doc.gold, spans)[1]
    pred: dict[str, list[str]] = {}
    secs, notes = find_sections(damaged, doc.regions)
    pred["headings"] = [label_at(resolve_extra(secs), a) for a, _ in spans]
    states, _ = model.decode([view[a:b] for a, b in spans])
    pred["model"] = states
    both, _ = sm.fill_missing_sections(damaged, secs, notes, doc.regions, model=model)
    pred["both"] = [label_at(resolve_extra(both), a) for a, _ in spans]
    ov = [i for i, (g, s) in enumerate(zip(gl, gsub)) if g == "overview" and s is not None]
    sub_pred, _ = model.decode_subtopics([view[spans[i][0]:spans[i][1]] for i in ov]) if ov else ([], [])
    out: dict[str, Any] = {"units": len(spans), "removed": len(gone)}
    gb = boundaries(gl)
    for sysn, pl in pred.items():
        pb = boundaries(pl)
        out[sysn] = {"correct": sum(a == b for a, b in zip(gl, pl)), "tp": len(gb & pb), "fp": len(pb - gb),
                     "fn": len(gb - pb)}
    out["sub"] = {"n": len(ov), "correct": sum(sub_pred[k] == gsub[i] for k, i in enumerate(ov)),
                  "majority": 0}
    out["sub_gold"] = [gsub[i] for i in ov]
    return out


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    res: dict[str, Any] = {}
    n = sum(r["units"] for r in rows)
    for sysn in SYSTEMS:
        c = sum(r[sysn]["correct"] for r in rows)
        tp = sum(r[sysn]["tp"] for r in rows)
        fp = sum(r[sysn]["fp"] for r in rows)
        fn = sum(r[sysn]["fn"] for r in rows)
        p = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        res[sysn] = {"accuracy": round(c / n, 4) if n else None, "boundary_p": round(p, 4), "boundary_r": round(rc, 4),
                     "boundary_f1": round(2 * p * rc / (p + rc), 4) if p + rc else 0.0}
    sn = sum(r["sub"]["n"] for r in rows)
    sc = sum(r["sub"]["correct"] for r in rows)
    allsub = Counter(s for r in rows for s in r["sub_gold"])
    res["subtopic_accuracy"] = round(sc / sn, 4) if sn else None
    res["subtopic_majority"] = round(allsub.most_common(1)[0][1] / sn, 4) if sn else None
    res["units"] = n
    res["docs"] = len(rows)
    res["subtopic_units"] = sn
    return res


def group_folds(docs: list[Doc], k: int, seed: int) -> list[list[str]]:
    groups = sorted({d.group for d in docs})
    random.Random(seed).shuffle(groups)
    size = Counter(d.group for d in docs)
    folds: list[list[str]] = [[] for _ in range(k)]
    load = [0] * k
    for g in sorted(groups, key=lambda g: -size[g]):  # largest agencies first, to the lightest fold
        i = min(range(k), key=lambda i: load[i])
        folds[i].append(g)
        load[i] += size[g]
    return folds


def fit(docs: list[Doc], cfg: dict[str, Any]) -> sm.SectionModel:
    m = cfg["model"]
    return sm.fit([labelled(d) for d in docs], max_features=m["max_features"], c=m["C"], alpha=m["alpha"],
                  emission_weight=m.get("emission_weight", 1.0), context=m.get("context", 0), seed=cfg["seed"])


def table(title: str, agg: dict[str, dict[str, Any]]) -> list[str]:
    lines = [f"### {title}", "",
             "| headings removed | system | section accuracy | boundary P | boundary R | boundary F1 |",
             "|---|---|---|---|---|---|"]
    for cond in CONDITIONS:
        for sysn in SYSTEMS:
            r = agg[cond][sysn]
            lines.append(f"| {cond} | {sysn} | {r['accuracy']:.4f} | {r['boundary_p']:.4f} | {r['boundary_r']:.4f} | "
                         f"{r['boundary_f1']:.4f} |")
    a = agg["none"]
    lines += ["", f"Sub-topic accuracy inside 总体情况 (model, sub-heading words hidden): {a['subtopic_accuracy']} "
              f"over {a['subtopic_units']} units (majority class {a['subtopic_majority']}). "
              f"{a['docs']} reports, {a['units']} units.", ""]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", action="append", default=[], help="config override key=value")
    ap.add_argument("--no-ship", action="store_true", help="do not write the shipped model")
    args = ap.parse_args()
    cfg = load_config(args.set)
    t0 = time.time()
    docs = load_docs(cfg)
    dev_names = set((ROOT / cfg["devtest"]).read_text(encoding="utf-8").split())
    dev = [d for d in docs if d.name in dev_names]
    ins = [d for d in docs if d.name not in dev_names]
    assert not {d.group for d in dev} & {d.group for d in ins}, "an agency in both the devtest set and the rest"
    folds = group_folds(ins, cfg["folds"], cfg["seed"])
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    per_doc: list[dict[str, Any]] = []
    for fi, test_groups in enumerate(folds):
        test = [d for d in ins if d.group in test_groups]
        train = [d for d in ins if d.group not in test_groups]
        if not test or not train:
            continue
        model = fit(train, cfg)
        for d in test:
            for cond in CONDITIONS:
                rng = random.Random(f"{cfg['seed']}:{d.name}:{cond}")
                r = evaluate(d, model, cond, rng)
                rows[cond].append(r)
                per_doc.append({"set": "cv", "fold": fi, "doc": d.name, "cond": cond, "removed": r["removed"],
                                **{s: r[s]["correct"] / r["units"] for s in SYSTEMS}})
    cv = {cond: aggregate(rows[cond]) for cond in CONDITIONS}
    final = fit(ins, cfg)
    drows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in dev:
        for cond in CONDITIONS:
            rng = random.Random(f"{cfg['seed']}:{d.name}:{cond}")
            r = evaluate(d, final, cond, rng)
            drows[cond].append(r)
            per_doc.append({"set": "devtest", "doc": d.name, "cond": cond, "removed": r["removed"],
                            **{s: r[s]["correct"] / r["units"] for s in SYSTEMS}})
    devagg = {cond: aggregate(drows[cond]) for cond in CONDITIONS}
    final = dataclasses.replace(final, meta={**final.meta, "trained_on": sorted(d.name for d in ins),
                                             "gsnlp_version": gsnlp.__version__})
    if not args.no_ship:
        ship = ROOT / cfg["ship_to"]
        ship.parent.mkdir(parents=True, exist_ok=True)
        final.save(ship)
        card = ROOT / "models" / "sections"
        card.mkdir(parents=True, exist_ok=True)
        meta = {"name": sm.MODEL_NAME, "schema": sm.MODEL_SCHEMA, "path": cfg["ship_to"],
                "sha256": hashlib.sha256(ship.read_bytes()).hexdigest(), "bytes": ship.stat().st_size,
                "states": list(sm.STATES), "sub_states": list(sm.SUB_STATES), "trained_on": len(ins),
                "devtest_excluded": len(dev), "hyper_parameters": cfg["model"], "seed": cfg["seed"],
                "cv_by_agency": {c: {k: cv[c][k] for k in SYSTEMS} for c in CONDITIONS},
                "cv_subtopic_accuracy": cv["none"]["subtopic_accuracy"],
                "devtest": {c: {k: devagg[c][k] for k in SYSTEMS} for c in CONDITIONS},
                "devtest_subtopic_accuracy": devagg["none"]["subtopic_accuracy"],
                "command": "python experiments/sections/run.py"}
        (card / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = None
    metrics = {"config": cfg, "cv": cv, "devtest": devagg, "folds": folds,
               "n_docs": {"in_sample": len(ins), "devtest": len(dev),
                          "gold_files": sum(d.gold_from == "gold" for d in docs)},
               "env": {"python": platform.python_version(), "platform": platform.platform(), "git_commit": commit},
               "seconds": round(time.time() - t0, 1)}
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    with (out / "per_doc.jsonl").open("w", encoding="utf-8") as f:
        for r in per_doc:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    lines = ["# Section segmentation: headings vs model vs both", "",
             f"Command: `python experiments/sections/run.py` (seed {cfg['seed']}, {cfg['folds']} folds grouped by "
             f"agency; commit {commit}).", ""]
    lines += table(f"Cross-validated by agency ({len(ins)} in-sample reports)", cv)
    lines += table(f"Development test set ({len(dev)} reports, model trained on all in-sample reports)", devagg)
    (out / "results.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
