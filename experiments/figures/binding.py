"""Experiment (part of `figures`): binding narrative figures to metrics — rules vs model vs both.

Data: the gold figures (corpora/gold/figures), features taken from the extractor's own mentions
(`gsnlp.figures.extract(..., binding="rules", collect=...)`) matched to gold by span; gold
metric (or none) is the label, extractor figures that are not gold are labelled none.
Evaluation: (1) leave-one-agency-out cross-validation over the reports that are not in
corpora/devtest.txt (no agency in both train and test; thresholds of `both` chosen on the
out-of-fold predictions); (2) the development-test reports (corpora/devtest.txt), scored once
with the model trained on all other reports. Writes results/binding.json and results/binding.md
and the shipped model gsnlp/figures/data/metric_model.json (trained without the devtest reports).

Run: python experiments/figures/binding.py [--set binding.C=2.0 ...]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
HERE = Path(__file__).resolve().parent

SYSTEMS = ("rules", "model", "both")


def agency(doc: str) -> str:
    """The body a report is from: the file name without year and extension; 平潭综合实验区管委会
    and 平潭综合实验区 are the same body (the area's government)."""
    name = re.sub(r"_(?:19|20)\d\d(?:\.\w+)+$", "", doc)
    name = re.sub(r"\.\w+$", "", name)
    return "平潭综合实验区" if name in ("平潭综合实验区管委会", "平潭综合实验区") else name


def load_samples(cfg: dict[str, Any]) -> list[dict[str, Any]]:
    import gsnlp
    from gsnlp.figures import extract, report_spans

    out: list[dict[str, Any]] = []
    for gp in sorted((ROOT / cfg["gold"]).glob("*.jsonl")):
        doc = gp.name[:-6]
        path = next(ROOT / d / doc for d in cfg["reports"] if (ROOT / d / doc).exists())
        rep = gsnlp.read(path)
        collect: list[tuple[str, list[str], str | None]] = []
        figs = extract(rep.text, report_spans(rep), doc, binding="rules", collect=collect)
        feats = {fid: (fx, rule) for fid, fx, rule in collect}
        gold = [json.loads(x) for x in gp.read_text(encoding="utf-8").splitlines() if x.strip()]
        gmap = {(g["start"], g["end"]): g for g in gold}
        seen = set()
        for f in figs:
            g = gmap.get((f.start, f.end))
            fx, rule = feats[f.id]
            if g is not None:
                seen.add((g["start"], g["end"]))
            out.append({"doc": doc, "agency": agency(doc), "text": f.text, "start": f.start, "feats": fx,
                        "rule": rule, "gold": (g["metric"] if g is not None else None), "matched": g is not None})
        for g in gold:
            if (g["start"], g["end"]) not in seen:  # the extractor missed it: no features, a miss for every system
                out.append({"doc": doc, "agency": agency(doc), "text": g["text"], "start": g["start"], "feats": None,
                            "rule": None, "gold": g["metric"], "matched": False})
    return out


def fit(samples: list[dict[str, Any]], cfg: dict[str, Any], thresholds: dict[str, float] | None = None) -> Any:
    from gsnlp.figures.binding import NONE, MetricModel, train

    data = [(s["feats"], s["gold"] or NONE) for s in samples if s["feats"] is not None]
    classes, bias, weights = train(data, c=cfg["binding"]["C"], min_count=cfg["binding"]["min_count"],
                                   seed=cfg["seed"], prune=cfg["binding"]["prune"])
    t = thresholds or {"add": 0.5, "override": 0.9, "margin": 0.3, "accuse": 0.0}
    return MetricModel(classes, bias, weights, t["add"], t["override"], t["margin"], t["accuse"], {})


def predict(samples: list[dict[str, Any]], model: Any) -> None:
    for s in samples:
        s["probs"] = model.proba(s["feats"]) if s["feats"] is not None else None


def decide(s: dict[str, Any], system: str, t: dict[str, float]) -> tuple[str | None, float | None]:
    from gsnlp.figures.binding import MetricModel, combine

    if s["feats"] is None:
        return None, None
    m = MetricModel((), (), {}, t["add"], t["override"], t["margin"], t["accuse"], {})
    return combine(s["rule"], s["probs"], m, system)


def score(samples: list[dict[str, Any]], system: str, t: dict[str, float], *, accuse: bool = False) -> dict[str, Any]:
    """Metric accuracy = correct / metrics given (on every extracted figure); metric recall =
    correct / gold figures with a metric; 'gold ≠ null' accuracy as in results.md. With
    ``accuse``, only metrics whose probability reaches the accuse threshold count as given."""
    given = correct = gold_nn = nn_ok = 0
    for s in samples:
        m, p = decide(s, system, t)
        if accuse and m is not None and system != "rules" and (p is None or p < t["accuse"]):
            m = None
        if s["gold"] is not None:
            gold_nn += 1
            nn_ok += m == s["gold"]
        if m is not None:
            given += 1
            correct += m == s["gold"]
    return {"given": given, "correct": correct, "gold_with_metric": gold_nn,
            "accuracy": round(correct / given, 4) if given else None,
            "recall": round(nn_ok / gold_nn, 4) if gold_nn else None,
            "accuracy_gold_nonnull": round(nn_ok / gold_nn, 4) if gold_nn else None}


def ece(samples: list[dict[str, Any]], bins: int = 10) -> float:
    """Expected calibration error of the model's top class over out-of-fold predictions."""
    from gsnlp.figures.binding import NONE

    rows = []
    for s in samples:
        if s["probs"] is None:
            continue
        best = max(s["probs"], key=lambda c: s["probs"][c])
        rows.append((s["probs"][best], (None if best == NONE else best) == s["gold"]))
    tot = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        grp = [r for r in rows if lo < r[0] <= hi or (b == 0 and r[0] == 0)]
        if grp:
            conf = sum(r[0] for r in grp) / len(grp)
            acc = sum(r[1] for r in grp) / len(grp)
            tot += len(grp) / len(rows) * abs(conf - acc)
    return round(tot, 4)


def choose_thresholds(oof: list[dict[str, Any]], cfg: dict[str, Any]) -> dict[str, float]:
    """On out-of-fold predictions: add/override/margin maximise recall of `both` while its
    accuracy stays at or above the target; accuse is the lowest probability from which the
    metrics kept are right at least `accuse_accuracy` of the time."""
    grid = cfg["binding"]["grid"]
    best: tuple[float, float, dict[str, float]] | None = None
    for add in grid["add"]:
        for override in grid["override"]:
            for margin in grid["margin"]:
                t = {"add": add, "override": override, "margin": margin, "accuse": 0.0}
                r = score(oof, "both", t)
                key = (r["recall"] or 0.0, r["accuracy"] or 0.0)
                if (r["accuracy"] or 0) >= cfg["binding"]["target_accuracy"] and (best is None or key > best[:2]):
                    best = (key[0], key[1], t)
    t = best[2] if best else {"add": 0.9, "override": 0.99, "margin": 0.5, "accuse": 0.0}
    kept = sorted((decide(s, "both", t)[1] or 0.0, decide(s, "both", t)[0] == s["gold"])
                  for s in oof if decide(s, "both", t)[0] is not None)
    accuse = 0.0
    for i, (p, _) in enumerate(kept):
        tail = kept[i:]
        if sum(ok for _, ok in tail) / len(tail) >= cfg["binding"]["accuse_accuracy"]:
            accuse = p
            break
    t["accuse"] = round(accuse, 4)
    return t


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--no-write-model", action="store_true")
    ap.add_argument("--cache", default="", help="a JSON file to keep the extracted mentions in between runs")
    args = ap.parse_args(argv)
    cfg = json.loads((HERE / "config.json").read_text(encoding="utf-8"))
    for o in args.set:
        k, v = o.split("=", 1)
        d = cfg
        *path, last = k.split(".")
        for p in path:
            d = d[p]
        d[last] = json.loads(v)
    random.seed(cfg["seed"])
    devtest = set((ROOT / "corpora/devtest.txt").read_text(encoding="utf-8").split())
    cache = Path(args.cache) if args.cache else None
    if cache is not None and cache.exists():
        samples = json.loads(cache.read_text(encoding="utf-8"))
    else:
        samples = load_samples(cfg)
        if cache is not None:
            cache.write_text(json.dumps(samples, ensure_ascii=False), encoding="utf-8")
    train_s = [s for s in samples if s["doc"] not in devtest]
    test_s = [s for s in samples if s["doc"] in devtest]
    groups = sorted({s["agency"] for s in train_s})
    # leave one agency out: out-of-fold probabilities for every training sample
    for g in groups:
        model = fit([s for s in train_s if s["agency"] != g], cfg)
        predict([s for s in train_s if s["agency"] == g], model)
    t = choose_thresholds(train_s, cfg)
    final = fit(train_s, cfg, t)
    predict(test_s, final)
    res: dict[str, Any] = {"config": cfg, "thresholds": t, "groups": groups,
                           "train_docs": sorted({s["doc"] for s in train_s}), "devtest_docs": sorted(devtest),
                           "n_train_mentions": sum(s["feats"] is not None for s in train_s),
                           "ece_cv": ece(train_s), "ece_devtest": ece(test_s), "scores": {}}
    new_docs = {d.strip() for d in cfg["binding"]["new_train_docs"]}
    splits = {"cv (leave one agency out, non-devtest)": train_s,
              "cv, new agency reports only": [s for s in train_s if s["doc"] in new_docs],
              "devtest (held out)": test_s}
    for split, ss in splits.items():
        for system in SYSTEMS:
            for acc in (False, True):
                if acc and system == "rules":
                    continue
                name = f"{system}{' (accusable only)' if acc else ''}"
                res["scores"].setdefault(split, {})[name] = score(ss, system, t, accuse=acc)
    errors = []
    for split, ss in (("devtest", test_s), ("cv", train_s)):
        for s in ss:
            for system in SYSTEMS:
                m, p = decide(s, system, t)
                if m != s["gold"]:
                    errors.append({"split": split, "system": system, "doc": s["doc"], "text": s["text"],
                                   "start": s["start"], "gold": s["gold"], "pred": m,
                                   "p": None if p is None else round(p, 3), "extracted": s["feats"] is not None})
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "binding.json").write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "binding_errors.jsonl").write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors),
                                              encoding="utf-8")
    lines = ["| split | system | metrics given | correct | gold with metric | metric accuracy | metric recall |",
             "|---|---|---|---|---|---|---|"]
    for split, rows in res["scores"].items():
        for system, r in rows.items():
            lines.append(f"| {split} | {system} | {r['given']} | {r['correct']} | {r['gold_with_metric']} | "
                         f"{r['accuracy']} | {r['recall']} |")
    lines += ["", f"Thresholds (chosen on the leave-one-agency-out predictions): {json.dumps(t)}",
              f"Calibration (expected calibration error of the model's top class): cv {res['ece_cv']}, "
              f"devtest {res['ece_devtest']}.",
              f"Training mentions: {res['n_train_mentions']} in {len(res['train_docs'])} reports, "
              f"{len(groups)} agencies; devtest: {len(devtest)} reports."]
    (out / "binding.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    if not args.no_write_model:
        final_meta = {"trained_on": res["train_docs"], "mentions": res["n_train_mentions"], "C": cfg["binding"]["C"],
                      "seed": cfg["seed"], "made_by": "experiments/figures/binding.py",
                      "devtest_excluded": sorted(devtest)}
        model = type(final)(final.classes, final.bias, final.weights, t["add"], t["override"], t["margin"],
                            t["accuse"], final_meta)
        dest = ROOT / "gsnlp/figures/data/metric_model.json"
        dest.write_text(json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n",
                        encoding="utf-8")
        from gsnlp.figures.binding import binary_model  # the same model, quick to load (issue 18)
        dest.with_suffix(".safetensors").write_bytes(binary_model(dest.read_bytes()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
