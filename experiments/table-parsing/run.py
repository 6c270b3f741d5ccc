"""Table parsing against gold: cells right / total per report, reports/second, peak memory.

Run: python experiments/table-parsing/run.py   (writes results/ next to this file)
"""

from __future__ import annotations

import json
import platform
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

import gsnlp  # noqa: E402
from gsnlp.tables.evaluate import load_gold, score  # noqa: E402


def main() -> None:
    cfg = json.loads((HERE / "config.json").read_text(encoding="utf-8"))
    random.seed(cfg["seed"])
    reports = ROOT / cfg["reports"]
    rows = []
    for g in sorted((ROOT / cfg["gold"]).glob("*.json")):
        gold = load_gold(g)
        doc = gold["doc"]
        path = next(reports.glob(f"*/{doc}"))
        fmt = path.suffix.lstrip(".")
        try:
            t0 = time.perf_counter()
            rep = gsnlp.read(path)
            dt = time.perf_counter() - t0
            s = score(rep, gold)
            n_amb = sum(1 for t in rep.tables.values() for c in t.cells.values() if c.kind == "ambiguous")
            rows.append({"doc": doc, "format": fmt, "template": gold["template"], "right": s.right, "total": s.total,
                         "accuracy": round(s.accuracy, 4), "ambiguous_cells": n_amb, "seconds": round(dt, 4),
                         "error": None, "wrong": [d.table + "/" + d.address for d in s.diffs]})
        except Exception as e:  # a reader that is not there yet, or a failure: recorded, not hidden
            rows.append({"doc": doc, "format": fmt, "template": gold["template"], "right": 0, "total": 0,
                         "accuracy": 0.0, "ambiguous_cells": 0, "seconds": None, "error": f"{type(e).__name__}: {e}",
                         "wrong": []})

    # Speed on one core: every TXT/MD report of the corpus, repeated, after a warm-up.
    texts = sorted(p for p in reports.rglob("*") if p.suffix in (".txt", ".md"))
    for p in texts:
        gsnlp.read(p)
    reps = cfg["speed_repeats"]
    t0 = time.perf_counter()
    for _ in range(reps):
        for p in texts:
            gsnlp.read(p)
    elapsed = time.perf_counter() - t0
    rps = reps * len(texts) / elapsed
    tracemalloc.start()
    for p in texts:
        gsnlp.read(p)
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    by_fmt: dict[str, dict[str, int]] = {}
    for r in rows:
        f = by_fmt.setdefault(r["format"], {"right": 0, "total": 0, "reports": 0, "errors": 0})
        f["right"] += r["right"]
        f["total"] += r["total"]
        f["reports"] += 1
        f["errors"] += 1 if r["error"] else 0
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = None
    metrics = {
        "config": cfg, "per_report": rows, "per_format": by_fmt,
        "speed": {"txt_md_reports": len(texts), "repeats": reps, "reports_per_second": round(rps, 1),
                  "peak_tracemalloc_mib": round(peak / 2**20, 2),
                  "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)},
        "environment": {"python": sys.version.split()[0], "platform": platform.platform(), "gsnlp": gsnlp.__version__,
                        "git_commit": commit},
    }
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = ["# Table parsing: results", "", f"git commit `{commit}`, Python {metrics['environment']['python']}", "",
             "| report | format | template | cells right / total | accuracy | ambiguous cells | seconds |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        acc = f"{r['accuracy']:.2%}" if not r["error"] else f"error: {r['error'][:60]}"
        lines.append(f"| {r['doc']} | {r['format']} | {r['template']} | {r['right']} / {r['total']} | {acc} | "
                     f"{r['ambiguous_cells']} | {r['seconds']} |")
    lines += ["", "| format | reports | errors | cells right / total | accuracy |", "|---|---|---|---|---|"]
    for f, v in sorted(by_fmt.items()):
        acc = v["right"] / v["total"] if v["total"] else 0.0
        lines.append(f"| {f} | {v['reports']} | {v['errors']} | {v['right']} / {v['total']} | {acc:.2%} |")
    sp = metrics["speed"]
    lines += ["", f"Speed (one core, {sp['txt_md_reports']} TXT/MD reports × {reps}): **{sp['reports_per_second']} "
              f"reports/second**; peak traced memory {sp['peak_tracemalloc_mib']} MiB; max RSS {sp['max_rss_mib']} MiB.",
              ""]
    (out / "results.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
