"""Benchmark of ``gsnlp batch`` on synthetic reports (see README.md).

python experiments/bench/run.py [--config experiments/bench/config.json] [--work DIR]

Writes results/: metrics.json (every run), results.md (the table), throughput.png,
manifest_10k_summary.json (the 10,000-report manifest without its per-input entries),
environment.json. Each batch runs as a separate process (``gsnlp batch``), so the peak RSS
it reports is the batch's own, not this script's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STAGES = ("parse", "figures", "check", "themes")


def synth(out: Path, n: int, seed: int, formats: str) -> float:
    if (out / "synth.json").exists() and json.loads((out / "synth.json").read_text())["n"] == n:
        return 0.0
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "synth", str(n), "-o", str(out), "--formats", formats,
                    "--seed", str(seed)], check=True, cwd=ROOT)
    return time.perf_counter() - t0


def batch(inp: Path, out: Path, workers: int, model: str, resume: bool = False) -> dict:
    if out.exists() and not resume:
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "gsnlp.cli.main", "batch", str(inp), "-o", str(out), "--workers", str(workers),
           "--model", model]
    if resume:
        cmd.append("--resume")
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    stats = json.loads((out / "run_stats.json").read_text())
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    stats["wall_with_startup_s"] = round(wall, 3)
    stats["manifest"] = {k: man[k] for k in ("n_in", "n_ok", "n_failed", "n_reports", "failures", "tables")}
    return stats


def stage_cost_default_model(inp: Path, n: int) -> dict:
    """Per-report cost of each stage with the default themes model, in this process, on n reports."""
    code = f"""
import json, time
from pathlib import Path
from gsnlp.batch import process_bytes, load_stages
st = load_stages()
files = sorted(Path({str(inp)!r}).iterdir())[:{n}]
tot = {{}}
for p in files[:3]:
    process_bytes(p.read_bytes(), p.name, st)
for p in files:
    r = process_bytes(p.read_bytes(), p.name, st)
    for k, v in r.timings.items():
        tot[k] = tot.get(k, 0.0) + v
print(json.dumps({{"model": st.theme_model, "n": len(files), "stage_cpu_s": tot}}))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default=str(HERE / "config.json"))
    ap.add_argument("--work", default=os.environ.get("GSNLP_BENCH_WORK", "/tmp/gsnlp-bench"))
    args = ap.parse_args()
    cfg = json.loads(Path(args.config).read_text())
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    res_dir = HERE / "results"
    res_dir.mkdir(exist_ok=True)
    seed = cfg["seed"]
    model = cfg["theme_model_end_to_end"]
    runs = []
    synth_s = {}
    for n in cfg["txt_sizes"]:
        corpus = work / f"txt{n}"
        synth_s[f"txt{n}"] = synth(corpus, n, seed, "txt")
        for w in cfg["txt_workers"][str(n)]:
            st = batch(corpus / "reports", work / f"out_txt{n}_w{w}", w, model)
            runs.append({"corpus": f"txt{n}", "format": "txt", "n": n, "workers": w, **st})
            print(json.dumps(runs[-1]["manifest"]), st["reports_per_s"], file=sys.stderr)
    n10 = max(cfg["txt_sizes"])
    ws = cfg["txt_workers"][str(n10)]
    if len(ws) > 1:
        a = (work / f"out_txt{n10}_w{ws[0]}")
        b = (work / f"out_txt{n10}_w{ws[1]}")
        identical = all((a / f).read_bytes() == (b / f).read_bytes() for f in
                        ["manifest.json"] + [f"{t}.parquet" for t in
                                             ("reports", "sections", "cells", "figures", "findings", "clauses")])
    else:
        identical = None
    resume = None
    if cfg.get("resume_check"):
        out = work / f"out_txt{n10}_w{ws[0]}"
        before = (out / "manifest.json").read_bytes()
        st = batch(work / f"txt{n10}" / "reports", out, ws[0], model, resume=True)
        resume = {"n_processed": st["n_processed"], "n_skipped": st["n_skipped"], "wall_s": st["wall_s"],
                  "manifest_identical": (out / "manifest.json").read_bytes() == before}
    man = json.loads((work / f"out_txt{n10}_w{ws[0]}" / "manifest.json").read_text(encoding="utf-8"))
    summary = {k: v for k, v in man.items() if k != "entries"}
    summary["entries"] = f"{len(man['entries'])} entries, omitted here"
    (res_dir / "manifest_10k_summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n",
                                                       encoding="utf-8")
    pdf = work / f"pdf{cfg['pdf_n']}"
    synth_s[f"pdf{cfg['pdf_n']}"] = synth(pdf, cfg["pdf_n"], seed, "pdf")
    for w in cfg["pdf_workers"]:
        st = batch(pdf / "reports", work / f"out_pdf_w{w}", w, model)
        runs.append({"corpus": f"pdf{cfg['pdf_n']}", "format": "pdf", "n": cfg["pdf_n"], "workers": w, **st})
    default = stage_cost_default_model(work / f"txt{min(cfg['txt_sizes'])}" / "reports", cfg["default_model_sample"])
    env = {"python": sys.version, "platform": platform.platform(), "cpus": os.cpu_count(),
           "commit": subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
           "dirty": bool(subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                                        text=True).stdout.strip())}
    metrics = {"config": cfg, "synth_s": synth_s, "runs": runs, "identical_1_vs_2_workers_10k": identical,
               "resume_10k": resume, "default_theme_model_cost": default}
    (res_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (res_dir / "environment.json").write_text(json.dumps(env, indent=1) + "\n", encoding="utf-8")
    table(metrics, res_dir)
    plot(metrics, res_dir)


def _per_stage(r: dict) -> dict[str, float | None]:
    n = r["n_processed"]
    return {s: (round(n / r["stage_cpu_s"][s], 1) if r["stage_cpu_s"].get(s) else None) for s in STAGES}


def table(m: dict, res_dir: Path) -> None:
    lines = ["| corpus | workers | n_in | n_ok | n_failed | end to end (reports/s) | wall s | "
             + " | ".join(f"{s} (reports/s per core)" for s in STAGES) + " | peak RSS parent MB | peak RSS worker MB |",
             "|" + "---|" * (9 + len(STAGES))]
    for r in m["runs"]:
        ps = _per_stage(r)
        lines.append(f"| {r['corpus']} | {r['workers']} | {r['manifest']['n_in']} | {r['manifest']['n_ok']} | "
                     f"{r['manifest']['n_failed']} | {r['reports_per_s']} | {r['wall_s']} | "
                     + " | ".join(str(ps[s]) for s in STAGES)
                     + f" | {r['parent_peak_rss_mb']} | {r['worker_peak_rss_mb']} |")
    by = {(r["corpus"], r["workers"]): r for r in m["runs"]}
    extra = []
    for c in sorted({r["corpus"] for r in m["runs"]}):
        if (c, 1) in by and (c, 2) in by:
            extra.append(f"- speed-up 1 → 2 workers on {c}: "
                         f"{by[(c, 2)]['reports_per_s'] / by[(c, 1)]['reports_per_s']:.2f}×")
    d = m["default_theme_model_cost"]
    extra.append(f"- default themes model ({d['model']}), {d['n']} reports, per report ms: "
                 + ", ".join(f"{k} {1000 * v / d['n']:.1f}" for k, v in d["stage_cpu_s"].items()))
    extra.append(f"- 10k outputs identical for 1 and 2 workers: {m['identical_1_vs_2_workers_10k']}")
    extra.append(f"- resume of the 10k run: {m['resume_10k']}")
    (res_dir / "results.md").write_text("\n".join(lines + [""] + extra) + "\n", encoding="utf-8")


def plot(m: dict, res_dir: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    labels = [f"{r['corpus']}\nw={r['workers']}" for r in m["runs"]]
    a.bar(labels, [r["reports_per_s"] for r in m["runs"]], color="#4477aa")
    a.axhline(150, color="#cc3311", ls="--", lw=1, label="target 150/s (TXT, 2 workers)")
    a.set_ylabel("reports / second, end to end")
    a.legend(fontsize=8)
    a.set_title("throughput")
    txt = [r for r in m["runs"] if r["format"] == "txt"]
    b.bar([f"{r['corpus']}\nw={r['workers']}" for r in txt], [r["parent_peak_rss_mb"] for r in txt], label="parent",
          color="#66ccee")
    b.bar([f"{r['corpus']}\nw={r['workers']}" for r in txt], [r["worker_peak_rss_mb"] for r in txt],
          bottom=[r["parent_peak_rss_mb"] for r in txt], label="one worker", color="#228833")
    b.set_ylabel("peak RSS, MB")
    b.set_title("memory at 1k and 10k reports")
    b.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(res_dir / "throughput.png", dpi=120)


if __name__ == "__main__":
    main()
