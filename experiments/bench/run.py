"""Benchmark of ``gsnlp batch`` on synthetic reports (see README.md).

python experiments/bench/run.py [--config experiments/bench/config.json] [--work DIR]

Writes results/: metrics.json (every run), results.md (the table), throughput.png,
manifest_10k_summary.json (the 10,000-report manifest without its per-input entries),
environment.json. Each batch runs as a separate process (``gsnlp batch``), so the peak RSS
it reports is the batch's own, not this script's.

The code is copied first (``gsnlp/`` and ``models/`` into WORK/snapshot) and every batch runs
from that copy: other people editing the working tree during the benchmark cannot make two
runs that are compared for identical outputs run different code. While each batch runs, the
1-minute load average is sampled, and the CPU time of the whole machine (``/proc/stat``) is
compared with the batch's own (parent + workers, from run_stats.json): the difference is what
other processes took from the 2 cores meanwhile.
"""

from __future__ import annotations

import argparse
import hashlib
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
TABLES = ("reports", "sections", "cells", "figures", "findings", "clauses")


def snapshot(work: Path) -> Path:
    """A frozen copy of the code the benchmark runs (see the module docstring)."""
    snap = work / "snapshot"
    if snap.exists():
        shutil.rmtree(snap)
    snap.mkdir(parents=True)
    for d in ("gsnlp", "models"):
        shutil.copytree(ROOT / d, snap / d, ignore=shutil.ignore_patterns("__pycache__"))
    return snap


def _env(snap: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(snap))


def synth(out: Path, n: int, seed: int, formats: str, snap: Path) -> float:
    if (out / "synth.json").exists() and json.loads((out / "synth.json").read_text())["n"] == n:
        return 0.0
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "synth", str(n), "-o", str(out), "--formats", formats,
                    "--seed", str(seed)], check=True, cwd=snap, env=_env(snap))
    return time.perf_counter() - t0


def _busy_cpu_s() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores)."""
    f = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] if len(f) > 7 else 0)  # user nice system irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def batch(inp: Path, out: Path, workers: int, model: str, snap: Path, resume: bool = False) -> dict:
    if out.exists() and not resume:
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "gsnlp.cli.main", "batch", str(inp), "-o", str(out), "--workers", str(workers),
           "--model", model]
    if resume:
        cmd.append("--resume")
    loads = [os.getloadavg()[0]]
    busy0 = _busy_cpu_s()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=snap, env=_env(snap), stdin=subprocess.DEVNULL)
    while proc.poll() is None:
        time.sleep(1.0)
        loads.append(os.getloadavg()[0])
    wall = time.perf_counter() - t0
    busy = _busy_cpu_s() - busy0
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    stats = json.loads((out / "run_stats.json").read_text())
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    fin = stats.get("final_cpu_s", {})
    ours = stats["parent_cpu_s"] + stats.get("workers_cpu_s", 0.0) + (fin.get("tables") or 0.0) + (fin.get("db") or 0.0)
    stats["wall_with_startup_s"] = round(wall, 3)
    stats["loadavg_1min_during"] = {"mean": round(sum(loads) / len(loads), 2), "max": round(max(loads), 2)}
    stats["machine_busy_cpu_s"] = round(busy, 2)
    # what other processes took from the machine while this batch ran (cores busy, not ours)
    stats["others_cpu_s"] = round(max(busy - ours, 0.0), 2)
    stats["others_cores"] = round(max(busy - ours, 0.0) / wall, 2) if wall else None
    stats["manifest"] = {k: man[k] for k in ("n_in", "n_ok", "n_failed", "n_reports", "failures", "tables")}
    return stats


def _sha(p: Path) -> str:
    with open(p, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def compare(a: Path, b: Path) -> dict:
    """Are two batch outputs the same? Parquet files and manifest by their bytes; the DuckDB
    file by its bytes and, table by table, by its contents in stored order."""
    import duckdb

    files = ["manifest.json"] + [f"{t}.parquet" for t in TABLES]
    res = {"files_identical": {f: _sha(a / f) == _sha(b / f) for f in files}}
    res["duckdb_file_identical"] = _sha(a / "gsnlp.duckdb") == _sha(b / "gsnlp.duckdb")
    ca = duckdb.connect(str(a / "gsnlp.duckdb"), read_only=True)
    cb = duckdb.connect(str(b / "gsnlp.duckdb"), read_only=True)
    try:
        same = {}
        for t in (*TABLES, "inputs"):
            ta, tb = ca.sql(f"SELECT * FROM {t}").to_arrow_table(), cb.sql(f"SELECT * FROM {t}").to_arrow_table()
            same[t] = ta.num_rows == tb.num_rows and ta.equals(tb)
        res["duckdb_tables_identical"] = same
    finally:
        ca.close()
        cb.close()
    res["all_data_identical"] = all(res["files_identical"].values()) and all(res["duckdb_tables_identical"].values())
    return res


def stage_cost_default_model(inp: Path, n: int, snap: Path) -> dict:
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
    out = subprocess.run([sys.executable, "-c", code], check=True, cwd=snap, env=_env(snap), capture_output=True,
                         text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default=str(HERE / "config.json"))
    ap.add_argument("--work", default=os.environ.get("GSNLP_BENCH_WORK", "/tmp/gsnlp-bench"))
    ap.add_argument("--results", default=str(HERE / "results"))
    args = ap.parse_args()
    cfg = json.loads(Path(args.config).read_text())
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    res_dir = Path(args.results)
    res_dir.mkdir(exist_ok=True)
    snap = snapshot(work)
    seed = cfg["seed"]
    model = cfg["theme_model_end_to_end"]
    runs = []
    synth_s = {}
    identical = {}
    for n in cfg["txt_sizes"]:
        corpus = work / f"txt{n}"
        synth_s[f"txt{n}"] = synth(corpus, n, seed, "txt", snap)
        ws = cfg["txt_workers"][str(n)]
        for w in ws:
            st = batch(corpus / "reports", work / f"out_txt{n}_w{w}", w, model, snap)
            runs.append({"corpus": f"txt{n}", "format": "txt", "n": n, "workers": w, **st})
            print(f"txt{n} w{w}: {st['reports_per_s']}/s, load {st['loadavg_1min_during']}, "
                  f"others {st['others_cores']} cores", file=sys.stderr)
        if 1 in ws and 2 in ws:
            identical[f"txt{n}"] = compare(work / f"out_txt{n}_w1", work / f"out_txt{n}_w2")
            print(f"txt{n} identical 1 vs 2 workers: {identical[f'txt{n}']['all_data_identical']}", file=sys.stderr)
    n10 = cfg["manifest_size"]  # the run whose manifest is kept and which is resumed
    w10 = max(cfg["txt_workers"][str(n10)])
    resume = None
    if cfg.get("resume_check"):
        out = work / f"out_txt{n10}_w{w10}"
        before = (out / "manifest.json").read_bytes()
        st = batch(work / f"txt{n10}" / "reports", out, w10, model, snap, resume=True)
        resume = {"n_processed": st["n_processed"], "n_skipped": st["n_skipped"], "wall_s": st["wall_s"],
                  "manifest_identical": (out / "manifest.json").read_bytes() == before}
    man = json.loads((work / f"out_txt{n10}_w{w10}" / "manifest.json").read_text(encoding="utf-8"))
    summary = {k: v for k, v in man.items() if k != "entries"}
    summary["entries"] = f"{len(man['entries'])} entries, omitted here"
    (res_dir / "manifest_10k_summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n",
                                                       encoding="utf-8")
    pdf = work / f"pdf{cfg['pdf_n']}"
    synth_s[f"pdf{cfg['pdf_n']}"] = synth(pdf, cfg["pdf_n"], seed, "pdf", snap)
    for w in cfg["pdf_workers"]:
        st = batch(pdf / "reports", work / f"out_pdf_w{w}", w, model, snap)
        runs.append({"corpus": f"pdf{cfg['pdf_n']}", "format": "pdf", "n": cfg["pdf_n"], "workers": w, **st})
    default = stage_cost_default_model(work / f"txt{min(cfg['txt_sizes'])}" / "reports", cfg["default_model_sample"],
                                       snap)
    env = {"python": sys.version, "platform": platform.platform(), "cpus": os.cpu_count(),
           "commit": subprocess.run(["git", "rev-parse", "HEAD"], check=False, cwd=ROOT, capture_output=True,
                                    text=True).stdout.strip(),
           "dirty": bool(subprocess.run(["git", "status", "--porcelain"], check=False, cwd=ROOT, capture_output=True,
                                        text=True).stdout.strip())}
    metrics = {"config": cfg, "synth_s": synth_s, "runs": runs, "identical_1_vs_2_workers": identical,
               "resume_10k": resume, "default_theme_model_cost": default}
    (res_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (res_dir / "environment.json").write_text(json.dumps(env, indent=1) + "\n", encoding="utf-8")
    table(metrics, res_dir)
    plot(metrics, res_dir)


def _ms(v: float, n: int) -> float:
    return round(1000 * v / n, 2) if n else 0.0


def cpu_ms(r: dict) -> dict[str, float]:
    """CPU milliseconds per processed report, by where they were spent."""
    n = r["n_processed"] or 1
    sc, wc = r["stage_cpu_s"], r.get("worker_cpu_s", {})
    out = {s: _ms(sc.get(s, 0.0), n) for s in STAGES}
    out["rows (in the stages)"] = _ms(wc.get("rows_in_stages", 0.0), n)
    out["read+hash"] = _ms(wc.get("read_hash", 0.0), n)
    out["arrow+spool"] = _ms(wc.get("arrow_spool", 0.0), n)
    fin = r.get("final_cpu_s", {})
    tables, db = fin.get("tables") or 0.0, fin.get("db") or 0.0
    total = r["parent_cpu_s"] + r.get("workers_cpu_s", 0.0) + tables + db
    if r["workers"] > 1:
        # worker CPU outside the chunks (start-up, waiting on the queue)
        out["workers: outside chunks"] = _ms(r.get("workers_cpu_s", 0.0) - wc.get("chunks_total", 0.0), n)
        out["parent"] = _ms(r["parent_cpu_s"], n)
    else:  # one process does everything: what is not a chunk is the parent's own work
        out["parent"] = _ms(r["parent_cpu_s"] - wc.get("chunks_total", 0.0), n)
    # the final step's own processes: Parquet table writers, the DuckDB database
    out["final: Parquet writers"] = _ms(tables, n)
    out["final: database"] = _ms(db, n)
    out["total"] = _ms(total, n)
    return out


def table(m: dict, res_dir: Path) -> None:
    lines = [("| corpus | workers | n_in | n_ok | n_failed | end to end (reports/s) | wall s | final write s | "
              "load avg (mean / max) | others' cores busy | CPU ms per report | CPU-bound estimate (reports/s) | "
              "peak RSS MB: parent / worker / table writer / database | parent's peak before the final step MB |"),
             "|" + "---|" * 14]
    for r in m["runs"]:
        c = cpu_ms(r)
        est = round(1000 * min(r["workers"], 2) / c["total"], 1) if c["total"] else None
        la = r.get("loadavg_1min_during", {})
        lines.append(f"| {r['corpus']} | {r['workers']} | {r['manifest']['n_in']} | {r['manifest']['n_ok']} | "
                     f"{r['manifest']['n_failed']} | **{r['reports_per_s']}** | {r['wall_s']} | {r['write_s']} | "
                     f"{la.get('mean')} / {la.get('max')} | {r.get('others_cores')} | {c['total']} | {est} | "
                     f"{r['parent_peak_rss_mb']} / {r['worker_peak_rss_mb'] or '–'} / {r['writer_peak_rss_mb']} / "
                     f"{r['db_peak_rss_mb']} | {r['peak_rss_mb_processing']['parent']} |")
    keys: list[str] = []
    for r in m["runs"]:
        keys += [k for k in cpu_ms(r) if k not in keys]
    keys.remove("total")
    keys.append("total")
    lines += ["", "CPU milliseconds per report (`time.process_time` in the process that did the work):", "",
              "| corpus | workers | " + " | ".join(keys) + " |", "|" + "---|" * (2 + len(keys))]
    for r in m["runs"]:
        c = cpu_ms(r)
        lines.append(f"| {r['corpus']} | {r['workers']} | " + " | ".join(str(c.get(k, "")) for k in keys) + " |")
    by = {(r["corpus"], r["workers"]): r for r in m["runs"]}
    extra = []
    for c in sorted({r["corpus"] for r in m["runs"]}):
        if (c, 1) in by and (c, 2) in by:
            extra.append(f"- speed-up 1 → 2 workers on {c}: "
                         f"{by[(c, 2)]['reports_per_s'] / by[(c, 1)]['reports_per_s']:.2f}×")
    d = m["default_theme_model_cost"]
    extra.append(f"- default themes model ({d['model']}), {d['n']} reports, per report ms: "
                 + ", ".join(f"{k} {1000 * v / d['n']:.1f}" for k, v in d["stage_cpu_s"].items() if k in STAGES))
    for c, res in m["identical_1_vs_2_workers"].items():
        bad = [f for f, ok in res["files_identical"].items() if not ok]
        badt = [t for t, ok in res["duckdb_tables_identical"].items() if not ok]
        extra.append(f"- {c}, 1 vs 2 workers: Parquet files and manifest byte-identical: "
                     f"{'yes' if not bad else 'NO ' + ', '.join(bad)}; DuckDB tables identical (contents, in "
                     f"stored order): {'yes' if not badt else 'NO ' + ', '.join(badt)}; DuckDB file byte-identical: "
                     f"{'yes' if res['duckdb_file_identical'] else 'no'}")
    extra.append(f"- resume of the {m['config']['manifest_size']}-report run: {m['resume_10k']}")
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
    # peak RSS of each kind of process against the number of reports (2 workers): flat lines
    txt = sorted((r for r in m["runs"] if r["format"] == "txt" and r["workers"] == 2), key=lambda r: r["n_in"])
    xs = [r["n_in"] for r in txt]
    kinds = (("parent_peak_rss_mb", "parent", "#66ccee"), ("worker_peak_rss_mb", "worker", "#228833"),
             ("writer_peak_rss_mb", "table writer", "#ccbb44"), ("db_peak_rss_mb", "database", "#aa3377"))
    for key, label, color in kinds:
        b.plot(xs, [r[key] for r in txt], marker="o", label=label, color=color)
    b.set_xscale("log")
    b.set_xlabel("reports (TXT, 2 workers)")
    b.set_ylim(bottom=0)
    b.set_ylabel("peak RSS, MB")
    b.set_title("peak memory of each process by corpus size")
    b.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(res_dir / "throughput.png", dpi=120)


if __name__ == "__main__":
    main()
