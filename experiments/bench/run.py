"""Benchmark of ``gsnlp batch`` on synthetic TXT reports (see README.md).

python experiments/bench/run.py [--config experiments/bench/config.json] [--work DIR] [--sizes 1000,3000]

Side by side in one run, on the same corpus and code: the bare pipeline calls in a loop (every
stage on every report, then the cross-year rules: ``bare.py``) and ``gsnlp batch`` with one
worker, each a process of its own whose CPU time (user + system, the process and all its
children) is taken from ``wait4``. Then the batch with two workers at each size: zero lost inputs,
peak memory per kind of process, and 1 vs 2 workers byte-identical.

The code is copied first (``gsnlp/`` and ``models/`` into WORK/snapshot) and every run uses that
copy, so that others editing the working tree cannot make compared runs run different code.
Writes results/: metrics.json, results.md, environment.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TABLES = ("reports", "sections", "cells", "figures", "findings", "clauses")


def snapshot(work: Path) -> Path:
    snap = work / "snapshot"
    if snap.exists():
        shutil.rmtree(snap)
    snap.mkdir(parents=True)
    for d in ("gsnlp", "models"):
        shutil.copytree(ROOT / d, snap / d, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(HERE / "bare.py", snap / "bare.py")
    # bytecode, as an installed package has it (pip compiles at install): no run compiles the sources
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(snap / "gsnlp")], check=True, env=_env(snap))
    return snap


def _env(snap: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(snap))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _timed(cmd: list[str], snap: Path) -> dict:
    """``_run`` with the CPU time of the process tree, from a ``resource.getrusage`` wrapper."""
    wrap = [sys.executable, "-c",
            "import json, resource, subprocess, sys, time\n"
            "t = time.perf_counter(); r = subprocess.run(sys.argv[1:]); w = time.perf_counter() - t\n"
            "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print(json.dumps({'rc': r.returncode, 'cpu_s': ru.ru_utime + ru.ru_stime, 'wall_s': w,"
            " 'max_rss_mb': ru.ru_maxrss / 1024}), file=sys.stderr)\n"
            "sys.exit(r.returncode)", *cmd]
    t0 = time.perf_counter()
    proc = subprocess.run(wrap, cwd=snap, env=_env(snap), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    res = json.loads(proc.stderr.strip().splitlines()[-1])
    res["stdout"] = proc.stdout
    res["wall_outer_s"] = round(time.perf_counter() - t0, 3)
    return res


def synth(out: Path, n: int, seed: int, snap: Path) -> None:
    if (out / "synth.json").exists() and json.loads((out / "synth.json").read_text())["n"] == n:
        return
    subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "synth", str(n), "-o", str(out), "--formats", "txt",
                    "--seed", str(seed)], check=True, cwd=snap, env=_env(snap),
                   capture_output=True)


def batch_cmd(inp: Path, out: Path, workers: int, model: str) -> list[str]:
    return [sys.executable, "-m", "gsnlp.cli.main", "batch", str(inp), "-o", str(out), "--workers", str(workers),
            "--model", model]


def _sha(p: Path) -> str:
    with open(p, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default=str(HERE / "config.json"))
    ap.add_argument("--work", default=os.environ.get("GSNLP_BENCH_WORK", "/tmp/gsnlp-bench"))
    ap.add_argument("--sizes", default=None, help="comma-separated corpus sizes (default: the config's)")
    a = ap.parse_args()
    cfg = json.loads(Path(a.config).read_text())
    sizes = [int(x) for x in a.sizes.split(",")] if a.sizes else cfg["sizes"]
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    snap = snapshot(work)
    model = cfg["theme_model"]
    t_all = time.perf_counter()
    corpora = {}
    cpu_sizes = cfg["cpu_n"] if isinstance(cfg["cpu_n"], list) else [cfg["cpu_n"]]
    for n in sorted(set(sizes) | set(cpu_sizes)):
        corpora[n] = work / f"txt{n}"
        synth(corpora[n], n, cfg["seed"], snap)

    # 1. CPU per report: bare pipeline loop vs the batch with one worker, alternated, same corpus, at
    # each size (the smallest corpus is the first reports of the larger one: same generator and seed)
    cpu_runs = []
    for rep in range(cfg["cpu_repeats"]):
        for n in cpu_sizes:
            inp = corpora[n] / "reports"
            # the bare loop, the batch, and the batch --no-db (the database's share)
            jobs = {"bare": [sys.executable, "bare.py", str(inp), model],
                    "batch": batch_cmd(inp, work / f"out-cpu{n}", 1, model),
                    "nodb": batch_cmd(inp, work / f"out-cpu{n}-nodb", 1, model) + ["--no-db"]}
            if cfg.get("cpu_mode", "alternate") == "concurrent":
                # side by side in time: the bare loop and the batch at once, one core each, then the bare
                # loop and the batch --no-db; whatever slows the shared host slows both sides of a pair
                with ThreadPoolExecutor(2) as ex:
                    bare, one = ex.map(lambda k: _timed(jobs[k], snap), ("bare", "batch"))
                    bare2, nodb = ex.map(lambda k: _timed(jobs[k], snap), ("bare", "nodb"))
            else:  # in turn, the reverse order on odd repeats: a machine slowly getting faster or slower
                # favours neither side
                got = {k: _timed(jobs[k], snap) for k in (list(jobs) if rep % 2 == 0 else list(jobs)[::-1])}
                bare, one, nodb = got["bare"], got["batch"], got["nodb"]
                bare2 = bare
            stats = json.loads((work / f"out-cpu{n}" / "run_stats.json").read_text())
            cpu_runs.append({"repeat": rep, "n": n, "bare": {k: v for k, v in bare.items() if k != "stdout"},
                             "bare_loop": json.loads(bare["stdout"].strip().splitlines()[-1]),
                             "batch": {k: v for k, v in one.items() if k != "stdout"}, "batch_stats": stats,
                             "batch_no_db": {k: v for k, v in nodb.items() if k != "stdout"},
                             "bare_beside_no_db": {k: v for k, v in bare2.items() if k != "stdout"}})
    ratio = [r["batch"]["cpu_s"] / r["bare"]["cpu_s"] for r in cpu_runs]

    def total(side: str, n: int) -> float:
        return sum(r[side]["cpu_s"] for r in cpu_runs if r["n"] == n)

    by_size = {n: round(total("batch", n) / total("bare", n), 3) for n in cpu_sizes}
    # how sure: the pooled ratio of repeats drawn with replacement (bootstrap, the config's seed),
    # its 5th and 95th percentiles
    rng = random.Random(cfg["seed"])
    interval = {}
    for n in cpu_sizes:
        pairs = [(r["batch"]["cpu_s"], r["bare"]["cpu_s"]) for r in cpu_runs if r["n"] == n]
        draws = sorted(sum(b for b, _ in d) / sum(a for _, a in d)
                       for d in ([rng.choice(pairs) for _ in pairs] for _ in range(2000)))
        interval[n] = (round(draws[100], 3), round(draws[1899], 3))
    no_db = {n: round(total("batch_no_db", n) / total("bare_beside_no_db", n), 3) for n in cpu_sizes}
    # per report, without what a run pays once (start-up, the final step's fixed part): the slope
    # between the two sizes, all repeats together
    lo, hi = min(cpu_sizes), max(cpu_sizes)
    slope = None if lo == hi else round((total("batch", hi) - total("batch", lo))
                                        / (total("bare", hi) - total("bare", lo)), 3)

    # 2. sizes with two workers (and one worker on the smallest: byte-identical outputs)
    runs = []
    for n in sizes:
        out = work / f"out{n}-w2"
        if out.exists():
            shutil.rmtree(out)
        r = _timed(batch_cmd(corpora[n] / "reports", out, 2, model), snap)
        stats = json.loads((out / "run_stats.json").read_text())
        man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        n_entries = sum(1 for _ in open(out / "manifest.jsonl", encoding="utf-8"))
        runs.append({"n": n, "workers": 2, "cpu_s": round(r["cpu_s"], 2), "wall_s": round(r["wall_s"], 2),
                     "reports_per_s": round(n / r["wall_s"], 1), "max_rss_mb_any_process": round(r["max_rss_mb"], 1),
                     "parent_peak_rss_mb": stats["parent_peak_rss_mb"],
                     "final_peak_rss_mb": stats["final_peak_rss_mb"],
                     "workers_peak_rss_mb": stats["workers_peak_rss_mb"],
                     "children_peak_rss_mb": stats["children_peak_rss_mb"], "process_s": stats["process_s"],
                     "final_s": stats["final_s"], "n_in": man["n_in"], "n_ok": man["n_ok"], "n_failed": man["n_failed"],
                     "manifest_entries": n_entries, "tables": man["tables"], "cross_year_reports":
                     man["cross_year"]["reports"], "n_format_duplicates": man["n_format_duplicates"],
                     "lost": n - n_entries, "loadavg_1min": stats.get("loadavg_1min_start_end")})
    smallest = min(sizes)
    one_out = work / f"out-cpu{smallest}" if smallest in cpu_sizes else None
    identical = identical_no_db = None
    if one_out is not None:
        files = ["manifest.json", "manifest.jsonl"] + [f"{t}.parquet" for t in TABLES]
        identical = {f: _sha(one_out / f) == _sha(work / f"out{smallest}-w2" / f) for f in files}
        identical_no_db = {f: _sha(one_out / f) == _sha(work / f"out-cpu{smallest}-nodb" / f) for f in files}

    env = {"python": sys.version, "platform": platform.platform(), "cpus": os.cpu_count(),
           "commit": subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                    text=True).stdout.strip(),
           "dirty_tree": bool(subprocess.run(["git", "status", "--porcelain", "gsnlp"], cwd=ROOT, capture_output=True,
                                             text=True).stdout.strip()),
           "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    res = HERE / "results"
    res.mkdir(exist_ok=True)
    metrics = {"config": cfg, "sizes": sizes, "cpu_compare": {"sizes": cpu_sizes, "runs": cpu_runs,
                                                             "batch_over_bare": [round(x, 3) for x in ratio],
                                                             "batch_over_bare_by_size": by_size,
                                                             "batch_over_bare_5_95_percent": interval,
                                                             "batch_no_db_over_bare_by_size": no_db,
                                                             "batch_over_bare_per_report_slope": slope},
               "runs": runs, "identical_1_vs_2_workers": identical, "identical_with_and_without_db": identical_no_db,
               "total_s": round(time.perf_counter() - t_all, 1)}
    (res / "metrics.json").write_text(json.dumps(metrics, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (res / "environment.json").write_text(json.dumps(env, indent=1) + "\n", encoding="utf-8")
    lines = ["# Batch benchmark (written by run.py)", "",
             f"CPU per report on {' and '.join(map(str, cpu_sizes))} synthetic TXT reports, themes model `{model}`; "
             + ("bare and batch run at the same time, one core each (then bare and batch --no-db), "
                if cfg.get("cpu_mode") == "concurrent" else "bare and batch alternated, ")
             + "each a process of its own, CPU = user + system of the process tree "
             "(start-up included). Batch parts (from its run_stats.json): parent process, per-report tasks in the "
             "worker (pipeline stages included), final step (DuckDB, child process), the rest (cross-year tasks, "
             "worker start):", "",
             "| repeat | reports | bare ms/report | batch, 1 worker ms/report | batch / bare | batch parts: parent / "
             "tasks / final / rest ms | batch --no-db ms/report (/ bare) | pipeline stages: bare loop / in the batch "
             "ms | besides the stages: bare / batch ms |", "|---|---|---|---|---|---|---|---|---|"]
    for r, x in zip(cpu_runs, ratio):
        bs, n = r["batch_stats"], r["n"]
        rest = bs["children_cpu_s"] - bs["tasks_cpu_s"] - bs["final_cpu_s"]
        # the stages as the batch times them include the projection into rows (its "rows")
        staged = sum(bs["stage_cpu_s"].get(k, 0.0) for k in ("parse", "figures", "check", "themes"))
        loop = r["bare_loop"]["loop_cpu_s"]
        lines.append(f"| {r['repeat']} | {n} | {1000 * r['bare']['cpu_s'] / n:.2f} | "
                     f"{1000 * r['batch']['cpu_s'] / n:.2f} | {x:.3f} | {1000 * bs['parent_cpu_s'] / n:.2f} / "
                     f"{1000 * bs['tasks_cpu_s'] / n:.2f} / {1000 * bs['final_cpu_s'] / n:.2f} / "
                     f"{1000 * rest / n:.2f} | {1000 * r['batch_no_db']['cpu_s'] / n:.2f} "
                     f"({r['batch_no_db']['cpu_s'] / r['bare_beside_no_db']['cpu_s']:.3f}) | {1000 * loop / n:.2f} / "
                     f"{1000 * (staged - bs['stage_cpu_s'].get('rows', 0.0)) / n:.2f} | "
                     f"{1000 * (r['bare']['cpu_s'] - loop) / n:.2f} / {1000 * (r['batch']['cpu_s'] - staged) / n:.2f} |")
    lines += [""] + [f"All repeats together, {n} reports: batch / bare = **{by_size[n]:.3f}** (repeats: "
                     + ", ".join(f"{x:.3f}" for r, x in zip(cpu_runs, ratio) if r["n"] == n)
                     + f"; bootstrap 5-95 %: {interval[n][0]:.3f}-{interval[n][1]:.3f}); with --no-db {no_db[n]:.3f}"
                     for n in cpu_sizes]
    if slope is not None:
        lines += ["", f"Per report, what the run pays once left out (the slope from {lo} to {hi} reports, "
                      f"repeats together): batch / bare = **{slope:.3f}**"]
    lines += ["", "| reports | workers | n_in | n_ok | n_failed | lost | reports/s | wall s | final step s | "
                  "peak RSS MB: parent / final step (DuckDB) / largest worker (per-report tasks) | cy reports |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in runs:
        lines.append(f"| {r['n']} | 2 | {r['n_in']} | {r['n_ok']} | {r['n_failed']} | {r['lost']} | "
                     f"{r['reports_per_s']} | {r['wall_s']} | {r['final_s']} | {r['parent_peak_rss_mb']} / "
                     f"{r['final_peak_rss_mb']} / {r['workers_peak_rss_mb']} | {r['cross_year_reports']} |")
    if identical is not None and identical_no_db is not None:
        lines += ["", f"1 vs 2 workers on {smallest} reports, byte-identical: "
                      + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in identical.items()),
                  "", f"with and without the database (--no-db) on {smallest} reports, byte-identical: "
                      + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in identical_no_db.items())]
    (res / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
