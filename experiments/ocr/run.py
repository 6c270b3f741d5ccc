"""OCR of scans with exact truth, and the PDFium text-layer path's speed-up.

    python experiments/ocr/run.py [--config experiments/ocr/config.json] [--set speed.repeats=5]

Writes results/metrics.json, results/results.md and results/environment.json.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from gsnlp.io import read_bytes  # noqa: E402
from gsnlp.io.image import Scan, image_pdf, rasterise  # noqa: E402
from gsnlp.io.pdf import read_pdf  # noqa: E402
from gsnlp.io.reading import Reading  # noqa: E402
from gsnlp.render._layout import report_from_gold, rendered_truth  # noqa: E402
from gsnlp.render.pdf import render_pdf  # noqa: E402
from experiments._shared import package_versions, set_dotted  # noqa: E402

REAL = ROOT / "corpora" / "reports" / "real"


def environment() -> dict[str, Any]:

    pkgs = package_versions(("pypdfium2", "pdfplumber", "pdfminer.six", "rapidocr-onnxruntime", "onnxruntime", "opencv-python", "numpy", "pillow", "fpdf2"))
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                timeout=10).stdout.strip() or "none"
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {"python": sys.version.split()[0], "platform": platform.platform(), "cpu_count": os.cpu_count(),
            "load_average": load, "packages": pkgs, "git_commit": commit}


def _golds(cfg: dict[str, Any]) -> list[Path]:
    golds = [Path(p) for p in sorted(glob.glob(str(ROOT / cfg["gold_glob"])))]
    if cfg.get("exclude_devtest"):
        dev = {ln.strip() for ln in (ROOT / "corpora" / "devtest.txt").read_text(encoding="utf-8").splitlines()
               if ln.strip() and not ln.startswith("#")}
        golds = [g for g in golds if g.name[: -len(".json")] not in dev]
    return golds


def _pages_of(report: Any) -> dict[str, set[int]]:
    return {tid: {c.where["page"] for c in t.cells.values() if c.where} for tid, t in report.tables.items()}


def ocr_accuracy(cfg: dict[str, Any]) -> dict[str, Any]:
    """Cell accuracy of OCR on rasterised renderings of gold reports, per dpi."""
    oc = cfg["ocr"]
    rng = random.Random(cfg["seed"])
    golds = _golds(cfg)
    out: dict[str, Any] = {}
    for run in oc["runs"]:
        picks = rng.sample(golds, run["reports"])
        agg = {"reports": [], "pages": 0, "seconds": 0.0, "cells": 0, "right": 0, "wrong": 0, "wrong_flagged": 0,
               "right_flagged": 0, "ambiguous": 0, "ambiguous_with_truth": 0, "wrong_cells": []}
        for g in picks:
            gold = json.loads(g.read_text(encoding="utf-8"))
            report = report_from_gold(gold, paragraphs=oc["paragraphs"])
            truth = rendered_truth(report)
            pdf = render_pdf(report)
            text_layer = read_bytes(pdf, "r.pdf")
            on_pages = _pages_of(text_layer)  # 1-based pages holding each table
            pages = [p for p in oc["pages"]]
            scan = Scan(dpi=run["dpi"], noise=run["noise"], skew=run["skew"], jpeg_quality=run["jpeg_quality"],
                        seed=cfg["seed"])
            scanned = image_pdf(rasterise(pdf, scan, pages=pages), run["dpi"])
            t = time.perf_counter()
            rep = read_bytes(scanned, f"{g.name}.scan.pdf")
            agg["seconds"] += time.perf_counter() - t
            agg["pages"] += len(pages)
            agg["reports"].append(g.name)
            kept = {p + 1 for p in pages}
            for tid, cells in truth.items():
                if not on_pages[tid] or not on_pages[tid] <= kept:
                    continue  # a table not wholly on the scanned pages
                for addr, want in cells.items():
                    got = rep.tables[tid].cells[addr]
                    agg["cells"] += 1
                    flagged = got.doubt is not None or got.kind == "ambiguous"
                    if got.kind == "ambiguous":
                        agg["ambiguous"] += 1
                        agg["ambiguous_with_truth"] += want.get("value") in got.candidates
                    ok = got.kind == want["kind"] and (want.get("value") is None
                                                       or got.value == Decimal(want["value"]))
                    if ok:
                        agg["right"] += 1
                        agg["right_flagged"] += flagged
                    else:
                        agg["wrong"] += 1
                        agg["wrong_flagged"] += flagged
                        agg["wrong_cells"].append({"doc": g.name, "cell": f"{tid}/{addr}", "want": want,
                                                   "got": {"kind": got.kind, "raw": got.raw,
                                                           "candidates": list(got.candidates),
                                                           "doubt": got.doubt, "where": got.where}})
        agg["accuracy"] = agg["right"] / agg["cells"] if agg["cells"] else None
        agg["wrong_flagged_share"] = agg["wrong_flagged"] / agg["wrong"] if agg["wrong"] else 1.0
        agg["silent_wrong"] = agg["wrong"] - agg["wrong_flagged"]
        agg["pages_per_second"] = agg["pages"] / agg["seconds"] if agg["seconds"] else None
        agg["scan"] = run
        out[str(run["dpi"])] = agg
        print(f"dpi {run['dpi']}: {agg['right']}/{agg['cells']} right, {agg['wrong']} wrong "
              f"({agg['wrong_flagged']} flagged), {agg['pages']} pages in {agg['seconds']:.1f} s", flush=True)
    return out


def _head_reader() -> Any:
    """``read_pdf`` as it was before the PDFium path (``gsnlp/io/pdf.py`` at git ``baseline_ref``):
    "today's" path for the side-by-side speed-up. None when git or the ref is unavailable."""
    import importlib.util
    import tempfile

    ref = CFG_BASELINE_REF
    try:
        src = subprocess.run(["git", "show", f"{ref}:gsnlp/io/pdf.py"], cwd=ROOT, capture_output=True, text=True,
                             timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    if "pdfium" in src:
        return None  # the ref already has the PDFium path
    path = Path(tempfile.mkdtemp()) / "pdf_baseline.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("pdf_baseline", path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["pdf_baseline"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod.read_pdf


CFG_BASELINE_REF = "HEAD"


def speed(cfg: dict[str, Any]) -> dict[str, Any]:
    """Text-layer PDFs, side by side, seconds per page (best of N): the former reader (git
    ``speed.baseline_ref``, pdfplumber), the current code with ``engine="pdfplumber"`` and with
    the default PDFium engine."""
    global CFG_BASELINE_REF
    CFG_BASELINE_REF = cfg["speed"].get("baseline_ref", "HEAD")
    baseline = _head_reader()
    sc = cfg["speed"]
    docs: list[tuple[str, bytes]] = [(n, (REAL / n).read_bytes()) for n in sc["real"]]
    rng = random.Random(cfg["seed"])
    for g in rng.sample(_golds(cfg), sc["rendered"]):
        docs.append((g.name, render_pdf(report_from_gold(json.loads(g.read_text(encoding="utf-8")), paragraphs=3))))
    rows = []
    for name, data in docs:
        same = None
        best: dict[str, float] = {}
        pages = 0
        outs: dict[str, Any] = {}
        for engine in ("baseline", "pdfplumber", "pdfium"):
            if engine == "baseline" and baseline is None:
                continue
            times = []
            for _ in range(sc["repeats"]):
                t = time.perf_counter()
                res = baseline(data, name) if engine == "baseline" else read_pdf(data, name, engine=engine)
                if isinstance(res, tuple):  # the baseline ref's reader returned (text, grids, regions, hints)
                    res = Reading(*res)
                times.append(time.perf_counter() - t)
            best[engine] = min(times)
            pages = res.hints["pages"]
            outs[engine] = res

        def key(r: Any) -> Any:
            return r.text, [[[(c.text, c.merged) for c in row] for row in g] for g in r.grids]

        same = all(key(o) == key(outs["pdfium"]) for o in outs.values())
        base = best.get("baseline", best["pdfplumber"])
        rows.append({"doc": name, "pages": pages, "baseline_s_per_page": base / pages,
                     "pdfplumber_s_per_page": best["pdfplumber"] / pages, "pdfium_s_per_page": best["pdfium"] / pages,
                     "speedup": base / best["pdfium"], "speedup_vs_pdfplumber_engine": best["pdfplumber"] / best["pdfium"],
                     "same_text_and_cells": same})
    tot_a = sum(r["baseline_s_per_page"] * r["pages"] for r in rows)
    tot_p = sum(r["pdfplumber_s_per_page"] * r["pages"] for r in rows)
    tot_b = sum(r["pdfium_s_per_page"] * r["pages"] for r in rows)
    return {"docs": rows, "overall_speedup": tot_a / tot_b, "overall_speedup_vs_pdfplumber_engine": tot_p / tot_b,
            "baseline": f"git {CFG_BASELINE_REF}:gsnlp/io/pdf.py" if baseline is not None else "engine=pdfplumber",
            "all_same": all(r["same_text_and_cells"] for r in rows), "pages": sum(r["pages"] for r in rows)}


def write_md(m: dict[str, Any]) -> str:
    lines = ["# OCR and PDFium results", "", f"Machine: {m['environment']['cpu_count']} CPUs, load average "
             f"{m['environment']['load_average']}.", "", "## OCR on rasterised gold (image-only PDFs)", "",
             "| dpi | reports | pages | cells | right | accuracy | wrong | wrong with a doubt | silent wrong | "
             "ambiguous (truth among candidates) | right cells flagged | pages/s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for dpi, a in m["ocr"].items():
        lines.append(f"| {dpi} | {len(a['reports'])} | {a['pages']} | {a['cells']} | {a['right']} | "
                     f"{a['accuracy']:.4f} | {a['wrong']} | {a['wrong_flagged']} | {a['silent_wrong']} | "
                     f"{a['ambiguous']} ({a['ambiguous_with_truth']}) | {a['right_flagged']} | "
                     f"{a['pages_per_second']:.3f} |")
    sp = m["speed"]
    lines += ["", "## Text-layer PDFs: today's reader vs the PDFium path (same run, best of "
              f"{m['config']['speed']['repeats']})", "",
              f"Baseline (today): {sp['baseline']}. `engine=pdfplumber`: the current code on pdfplumber.", "",
              "| document | pages | baseline s/page | engine=pdfplumber s/page | PDFium s/page | speed-up vs baseline "
              "| same text and cells |", "|---|---|---|---|---|---|---|"]
    for r in sp["docs"]:
        lines.append(f"| {r['doc']} | {r['pages']} | {r['baseline_s_per_page']:.4f} | {r['pdfplumber_s_per_page']:.4f} "
                     f"| {r['pdfium_s_per_page']:.4f} | {r['speedup']:.1f}× | {r['same_text_and_cells']} |")
    lines += ["", f"Overall: {sp['overall_speedup']:.1f}× vs the baseline, "
              f"{sp['overall_speedup_vs_pdfplumber_engine']:.1f}× vs engine=pdfplumber, over {sp['pages']} pages; "
              f"identical text and cells from all three on every document: {sp['all_same']}.", ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default=str(HERE / "config.json"))
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--only", choices=["ocr", "speed"], default=None)
    args = ap.parse_args()
    cfg = json.loads(Path(args.config).read_text(encoding="utf-8"))
    for s in args.set:
        set_dotted(cfg, s)
    t0 = time.perf_counter()
    res = HERE / "results"
    res.mkdir(exist_ok=True)
    metrics: dict[str, Any] = {}
    if args.only and (res / "metrics.json").exists():  # one part re-run: keep the other part's numbers
        metrics = json.loads((res / "metrics.json").read_text(encoding="utf-8"))
        if not isinstance(metrics.get("seconds"), dict):
            metrics["seconds"] = {}
    metrics.update({"config": cfg, "environment": environment()})
    if args.only in (None, "speed"):
        metrics["speed"] = speed(cfg)
        print(f"speed-up {metrics['speed']['overall_speedup']:.2f}", flush=True)
    if args.only in (None, "ocr"):
        metrics["ocr"] = ocr_accuracy(cfg)
    metrics.setdefault("seconds", {})[args.only or "all"] = time.perf_counter() - t0
    (res / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    (res / "environment.json").write_text(json.dumps(metrics["environment"], ensure_ascii=False, indent=2),
                                          encoding="utf-8")
    if metrics.get("ocr") and metrics.get("speed"):
        (res / "results.md").write_text(write_md(metrics), encoding="utf-8")
    print(f"done in {metrics['seconds'][args.only or 'all']:.0f} s", flush=True)


if __name__ == "__main__":
    main()
