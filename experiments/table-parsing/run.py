"""Table parsing against gold: cells right / total per report and per format, reports/second
(wall-clock and CPU time), and peak traced memory (per page for PDF).

Run: python experiments/table-parsing/run.py   (writes results/ next to this file)

Formats: txt, md, html, pdf from the corpus (gold in corpora/gold/tables), and docx rendered
from every gold file with gsnlp.render.docx (truth: gsnlp.render._layout.rendered_truth, i.e.
the gold, an ambiguous gold cell rendered as its first candidate).
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

import gsnlp  # noqa: E402
from gsnlp.tables.evaluate import load_gold, score  # noqa: E402


def _timed(items: list[tuple[bytes, str]], reps: int) -> dict[str, float]:
    """Parse every item ``reps`` times after one warm-up pass: wall and CPU rates, best pass of each."""
    for data, name in items:
        gsnlp.read_bytes(data, name)
    best_wall = best_cpu = float("inf")
    for _ in range(reps):
        w0, c0 = time.perf_counter(), time.process_time()
        for data, name in items:
            gsnlp.read_bytes(data, name)
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    n = len(items)
    return {"reports": n, "repeats": reps, "ms_per_report_wall": round(1000 * best_wall / n, 3),
            "ms_per_report_cpu": round(1000 * best_cpu / n, 3), "reports_per_second_wall": round(n / best_wall, 1),
            "reports_per_second_cpu": round(n / best_cpu, 1)}


def _peak(items: list[tuple[bytes, str]]) -> list[tuple[str, int, int]]:
    """(name, peak traced bytes while reading it, pages) per item."""
    out = []
    for data, name in items:
        tracemalloc.start()
        rep = gsnlp.read_bytes(data, name)
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out.append((name, peak, int(rep.extra.get("pages", 0) or 0)))
    return out


def _doubts(rep: gsnlp.Report) -> dict[str, int]:
    """Reader notices of the table readers, cells read with a doubt, and the table rules' fails: those
    that accuse the report (origin source) and those that are our doubt (origin extraction)."""
    from gsnlp.check.engine import check_report

    fails = [f for f in check_report(rep) if f.status == "fail" and f.rule.startswith(("t2.", "t3.", "t4."))]
    return {"table_notices": sum(1 for w in rep.warnings if w.code.startswith(("tables.", "runtogether."))),
            "doubt_cells": sum(1 for t in rep.tables.values() for c in t.cells.values() if c.doubt),
            "table_fails_source": sum(1 for f in fails if f.origin != "extraction"),
            "table_fails_extraction": sum(1 for f in fails if f.origin == "extraction")}


def _same(truth: dict, got: dict) -> bool:
    if truth["kind"] != got["kind"]:
        return False
    if truth["kind"] == "number":
        return Decimal(truth["value"]) == Decimal(got["value"])
    return True


def _docx_rows(gold_files: list[Path]) -> tuple[list[dict], list[tuple[bytes, str]]]:
    """Every gold file rendered to DOCX and read back; scored against what the rendering states."""
    try:
        from gsnlp.render._layout import report_from_gold, rendered_truth
        from gsnlp.render.docx import render_docx
    except ImportError as e:  # pragma: no cover - optional extra
        return [{"doc": "docx", "format": "docx", "error": f"{type(e).__name__}: {e}"}], []
    rows, items = [], []
    for g in gold_files:
        gold = load_gold(g)
        name = gold["doc"] + ".docx"
        try:
            src = report_from_gold(gold)
            data = render_docx(src)
            truth = rendered_truth(src)
            t0 = time.perf_counter()
            rep = gsnlp.read_bytes(data, name)
            dt = time.perf_counter() - t0
            right = total = 0
            wrong = []
            for tid, cells in truth.items():
                for addr, t in cells.items():
                    if tid not in gold["tables"] or addr not in gold["tables"][tid]:
                        continue  # only cells the gold has
                    total += 1
                    if _same(t, rep.tables[tid].cells[addr].to_dict()):
                        right += 1
                    else:
                        wrong.append(f"{tid}/{addr}")
            n_amb = sum(1 for t in rep.tables.values() for c in t.cells.values() if c.kind == "ambiguous")
            rows.append({"doc": name, "format": "docx", "template": gold["template"], "right": right, "total": total,
                         "accuracy": round(right / total, 4) if total else 0.0, "ambiguous_cells": n_amb,
                         "seconds": round(dt, 4), "error": None, "wrong": wrong})
            items.append((data, name))
        except Exception as e:  # noqa: BLE001 - recorded, not hidden
            rows.append({"doc": name, "format": "docx", "template": gold["template"], "right": 0, "total": 0,
                         "accuracy": 0.0, "ambiguous_cells": 0, "seconds": None,
                         "error": f"{type(e).__name__}: {e}", "wrong": []})
    return rows, items


def main() -> None:
    cfg = json.loads((HERE / "config.json").read_text(encoding="utf-8"))
    random.seed(cfg["seed"])
    reports = ROOT / cfg["reports"]
    formats = cfg.get("formats", ["txt", "md", "html", "pdf", "docx"])
    gold_files = sorted((ROOT / cfg["gold"]).glob("*.json"))
    devtest = set((ROOT / cfg["devtest"]).read_text(encoding="utf-8").split()) if cfg.get("devtest") else set()
    new = set(cfg.get("new_reports", ()))

    def part(doc: str) -> str:
        """old corpus, new reports used for development, or the development test set (never tuned on)."""
        return "devtest" if doc in devtest else "new" if doc in new else "old"

    rows = []
    for g in gold_files:
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
                         "error": None, "wrong": [d.table + "/" + d.address for d in s.diffs], "part": part(doc),
                         **_doubts(rep)})
        except Exception as e:  # a reader that is not there yet, or a failure: recorded, not hidden
            rows.append({"doc": doc, "format": fmt, "template": gold["template"], "right": 0, "total": 0,
                         "accuracy": 0.0, "ambiguous_cells": 0, "seconds": None, "error": f"{type(e).__name__}: {e}",
                         "wrong": [], "part": part(doc)})
    docx_items: list[tuple[bytes, str]] = []
    if "docx" in formats:
        drows, docx_items = _docx_rows(gold_files)
        rows += drows

    # Speed on one core, per format: every corpus file of the format (all TXT/MD reports, not
    # only those with gold), repeated after a warm-up; the best pass counts (others' jobs share
    # this machine: the load average is recorded next to the rates).
    reps = cfg["speed_repeats"]
    by_suffix: dict[str, list[tuple[bytes, str]]] = {}
    for p in sorted(reports.rglob("*")):
        if p.is_file():
            by_suffix.setdefault(p.suffix.lstrip(".").lower(), []).append((p.read_bytes(), str(p)))
    by_suffix["docx"] = docx_items
    rep_of = {"txt": reps, "md": reps, "html": max(1, reps // 4), "docx": max(1, reps // 4), "pdf": 2}
    load_before = os.getloadavg()
    speed: dict[str, dict] = {}
    for fmt in formats:
        items = by_suffix.get(fmt) or []
        if not items:
            continue
        try:
            speed[fmt] = _timed(items, rep_of.get(fmt, 1))
        except Exception as e:  # noqa: BLE001
            speed[fmt] = {"error": f"{type(e).__name__}: {e}"}
    text_items = by_suffix.get("txt", []) + by_suffix.get("md", [])
    speed["txt+md"] = _timed(text_items, reps)
    load_after = os.getloadavg()
    for fmt, items in (("txt+md", text_items), ("pdf", by_suffix.get("pdf", [])), ("html", by_suffix.get("html", [])),
                       ("docx", docx_items)):
        if not items or "error" in speed.get(fmt, {}):
            continue
        peaks = _peak(items)
        speed[fmt]["peak_tracemalloc_mib"] = round(max(p for _, p, _ in peaks) / 2**20, 2)
        if fmt == "pdf":
            speed[fmt]["peak_tracemalloc_mib_per_page"] = round(max(p / max(n, 1) for _, p, n in peaks) / 2**20, 2)
            speed[fmt]["pages"] = {Path(n).name: pg for n, _, pg in peaks}
    loadavg = {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in load_after],
               "cpus": os.cpu_count()}

    by_fmt: dict[str, dict[str, int]] = {}
    for r in rows:
        f = by_fmt.setdefault(r["format"], {"right": 0, "total": 0, "reports": 0, "errors": 0})
        f["right"] += r["right"]
        f["total"] += r["total"]
        f["reports"] += 1
        f["errors"] += 1 if r["error"] else 0
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--", "gsnlp"], cwd=ROOT, capture_output=True,
                                    text=True).stdout.strip())
    except OSError:
        commit, dirty = None, None
    metrics = {
        "config": cfg, "per_report": rows, "per_format": by_fmt, "speed": speed, "loadavg": loadavg,
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "environment": {"python": sys.version.split()[0], "platform": platform.platform(), "gsnlp": gsnlp.__version__,
                        "git_commit": commit, "uncommitted_changes_in_gsnlp": dirty},
    }
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    by_part: dict[str, dict[str, int]] = {}
    for r in rows:
        if "part" not in r:
            continue
        p = by_part.setdefault(r["part"], {"reports": 0, "right": 0, "total": 0, "table_notices": 0, "doubt_cells": 0,
                                           "table_fails_source": 0, "table_fails_extraction": 0})
        p["reports"] += 1
        for k in ("right", "total", "table_notices", "doubt_cells", "table_fails_source", "table_fails_extraction"):
            p[k] += r.get(k, 0)
    metrics["per_part"] = by_part
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = ["# Table parsing: results", "",
             f"git commit `{commit}`{' + uncommitted changes in gsnlp/' if dirty else ''}, "
             f"Python {metrics['environment']['python']}, {platform.platform()}", "",
             "| report | format | template | cells right / total | accuracy | ambiguous cells | seconds |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        acc = f"{r['accuracy']:.2%}" if not r["error"] else f"error: {r['error'][:60]}"
        lines.append(f"| {r['doc']} | {r['format']} | {r['template']} | {r['right']} / {r['total']} | {acc} | "
                     f"{r['ambiguous_cells']} | {r['seconds']} |")
    lines += ["", "Per part of the corpus (old: the corpus before the 30 new reports; new: the new reports used "
              "for development; devtest: corpora/devtest.txt, set aside and never tuned on). Notices: the table "
              "readers' notices; doubt cells: cells read with a doubt; table fails: fails of the t2/t3/t4 rules "
              "that accuse the report (source) or that are our reading's doubt (extraction, info):", "",
              "| part | gold reports | cells right / total | accuracy | notices | notices/report | doubt cells | "
              "table fails (source) | table fails (extraction) |", "|---|---|---|---|---|---|---|---|---|"]
    for name in ("old", "new", "devtest"):
        p = by_part.get(name)
        if not p:
            continue
        acc = f"{p['right'] / p['total']:.2%}" if p["total"] else "–"
        lines.append(f"| {name} | {p['reports']} | {p['right']} / {p['total']} | {acc} | {p['table_notices']} | "
                     f"{p['table_notices'] / p['reports']:.1f} | {p['doubt_cells']} | {p['table_fails_source']} | "
                     f"{p['table_fails_extraction']} |")
    lines += ["", "Per format (accuracy over the gold files; speed over every corpus file of the format, one core, "
              "best of the repeats; docx = every gold file rendered by gsnlp.render.docx and read back):", "",
              "| format | gold reports | errors | cells right / total | accuracy | files timed × repeats | "
              "reports/s (wall) | reports/s (CPU) | ms/report (CPU) | peak traced memory |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for f in formats:
        v = by_fmt.get(f, {"right": 0, "total": 0, "reports": 0, "errors": 0})
        acc = f"{v['right'] / v['total']:.2%}" if v["total"] else "–"
        sp = speed.get(f, {})
        if "error" in sp:
            timing = f"error: {sp['error'][:50]} | | | | "
        elif sp:
            mem = (f"{sp['peak_tracemalloc_mib_per_page']} MiB/page (max {sp['peak_tracemalloc_mib']} MiB)"
                   if "peak_tracemalloc_mib_per_page" in sp else
                   (f"{sp['peak_tracemalloc_mib']} MiB" if "peak_tracemalloc_mib" in sp else ""))
            timing = (f"{sp['reports']} × {sp['repeats']} | {sp['reports_per_second_wall']} | "
                      f"{sp['reports_per_second_cpu']} | {sp['ms_per_report_cpu']} | {mem}")
        else:
            timing = "– | – | – | – | –"
        lines.append(f"| {f} | {v['reports']} | {v['errors']} | {v['right']} / {v['total']} | {acc} | {timing} |")
    tm = speed["txt+md"]
    lines += ["", f"TXT/MD speed (one core, {tm['reports']} TXT/MD reports × {tm['repeats']}, best pass): "
              f"**{tm['reports_per_second_wall']} reports/s wall-clock ({tm['ms_per_report_wall']} ms/report), "
              f"{tm['reports_per_second_cpu']} reports/s CPU time ({tm['ms_per_report_cpu']} ms/report)**; "
              f"load average (1/5/15 min) {loadavg['before']} before, {loadavg['after']} after, on {loadavg['cpus']} "
              f"CPUs; peak traced memory {tm.get('peak_tracemalloc_mib')} MiB per report; max RSS "
              f"{metrics['max_rss_mib']} MiB.", ""]
    (out / "results.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
