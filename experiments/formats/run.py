"""Real document formats: cell accuracy against gold per format, speed, PDF memory per page.

    python experiments/formats/run.py [--config experiments/formats/config.json] [--set speed.repeats=5]

Writes results/metrics.json, results/results.md and results/environment.json.
"""

from __future__ import annotations

import argparse
import glob
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
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from gsnlp.io import read, read_bytes  # noqa: E402
from gsnlp.render._layout import report_from_gold, rendered_truth  # noqa: E402
from gsnlp.tables.evaluate import load_gold, score  # noqa: E402
from experiments._shared import package_versions, set_dotted  # noqa: E402

REAL = ROOT / "corpora" / "reports" / "real"
GOLD = ROOT / "corpora" / "gold" / "tables"


def environment() -> dict[str, Any]:

    pkgs = package_versions(("lxml", "python-docx", "pdfplumber", "pdfminer.six", "fpdf2", "fonttools"))
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                timeout=10).stdout.strip() or "none (no commit yet)"
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    from gsnlp.render.pdf import find_font

    import gsnlp

    return {"python": sys.version.split()[0], "platform": platform.platform(), "cpu_count": os.cpu_count(),
            "packages": pkgs, "gsnlp": gsnlp.__version__, "git_commit": commit, "pdf_font": find_font()}


def _render(fmt: str, report: Any, kw: dict[str, Any]) -> bytes:
    if fmt == "html":
        from gsnlp.render.html import render_html

        return render_html(report, **kw)
    if fmt == "docx":
        from gsnlp.render.docx import render_docx

        return render_docx(report)
    from gsnlp.render.pdf import render_pdf

    return render_pdf(report, **kw)


def _compare(truth: dict[str, dict[str, dict[str, Any]]], parsed: Any) -> tuple[int, int, list[str]]:
    right = total = 0
    wrong = []
    for tid, cells in truth.items():
        for addr, want in cells.items():
            got = parsed.tables[tid].cells[addr]
            total += 1
            if got.kind == want["kind"] and (want["value"] is None or got.value == Decimal(want["value"])):
                right += 1
            else:
                wrong.append(f"{tid}/{addr}: want {want['kind']} {want['value']}, got {got.kind} {got.raw!r}")
    return right, total, wrong


def real_accuracy(cfg: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in cfg["real"]:
        gold = GOLD / f"{name}.json"
        if not gold.exists():
            out[name] = {"status": "no gold file"}
            continue
        s = score(read(REAL / name), load_gold(gold))
        out[name] = {"format": name.rsplit(".", 1)[1], "right": s.right, "total": s.total,
                     "accuracy": s.accuracy, "wrong": [f"{d.table}/{d.address}" for d in s.diffs]}
    return out


def twins(cfg: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for html_name, txt_name in cfg["twins"]:
        h, t = read(REAL / html_name), read(REAL / txt_name)
        agree = ambiguous = consistent = 0
        disagree = []
        for tid, table in h.tables.items():
            for addr, cell in table.cells.items():
                other = t.tables[tid].cells[addr]
                if other.kind == "ambiguous":
                    ambiguous += 1
                    consistent += str(cell.value) in other.candidates
                elif (other.kind, other.value) == (cell.kind, cell.value):
                    agree += 1
                else:
                    disagree.append(f"{tid}/{addr}")
        out[html_name] = {"agree": agree, "txt_ambiguous": ambiguous, "html_value_among_candidates": consistent,
                          "disagree": disagree}
    return out


def rendered(cfg: dict[str, Any]) -> dict[str, Any]:
    rc = cfg["rendered"]
    golds = sorted(glob.glob(str(ROOT / rc["gold_glob"])))
    out: dict[str, Any] = {}
    for fmt in rc["formats"]:
        variants: list[tuple[dict[str, Any], int]]
        if fmt == "html":
            variants = [(kw, 3) for kw in rc["html_variants"]]
        elif fmt == "pdf":
            variants = [({}, n) for n in rc["pdf_paragraphs"]]
        elif fmt == "pdf-borderless":
            variants = [({"rules": False}, 3)]
        else:
            variants = [({}, 3)]
        right = total = docs = 0
        wrong: list[str] = []
        for path in golds:
            gold = json.loads(Path(path).read_text(encoding="utf-8"))
            for kw, paragraphs in variants:
                report = report_from_gold(gold, paragraphs=paragraphs)
                parsed = read_bytes(_render(fmt.split("-")[0], report, kw), f"{Path(path).stem}.{fmt.split('-')[0]}")
                r, n, w = _compare(rendered_truth(report), parsed)
                right, total, docs = right + r, total + n, docs + 1
                wrong += [f"{gold['doc']} {kw} p={paragraphs}: {x}" for x in w[:5]]
        out[fmt] = {"documents": docs, "golds": len(golds), "right": right, "total": total,
                    "accuracy": right / total if total else 0.0, "wrong": wrong[:50]}
    return out


def speed(cfg: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Reports per second through gsnlp.io.read_bytes (sniff, read, segment, align)."""
    samples: dict[str, list[tuple[str, bytes]]] = {"pdf": [], "html": [], "docx": []}
    for name in cfg["real"]:
        samples[name.rsplit(".", 1)[1]].append((name, (REAL / name).read_bytes()))
    golds = sorted(glob.glob(str(ROOT / cfg["rendered"]["gold_glob"])))
    for path in golds:
        gold = json.loads(Path(path).read_text(encoding="utf-8"))
        samples["docx"].append((Path(path).stem + ".docx", _render("docx", report_from_gold(gold), {})))
    out = {}
    for fmt, items in samples.items():
        items = list(items)
        times = []
        for _ in range(cfg["speed"]["repeats"]):
            rng.shuffle(items)
            t = time.perf_counter()
            for name, data in items:
                read_bytes(data, name)
            times.append(time.perf_counter() - t)
        best = min(times)
        out[fmt] = {"documents": len(items), "what": "real" if fmt != "docx" else "rendered from gold",
                    "seconds_best_pass": round(best, 4), "reports_per_second": round(len(items) / best, 2),
                    "bytes_per_report": int(sum(len(d) for _, d in items) / len(items))}
    return out


def memory(cfg: dict[str, Any]) -> dict[str, Any]:
    """Peak Python heap (tracemalloc) while reading each PDF, per page; and the process max RSS."""
    from gsnlp.io.pdf import read_pdf

    out = {}
    for name in [n for n in cfg["real"] if n.endswith(".pdf")]:
        data = (REAL / name).read_bytes()
        tracemalloc.start()
        tracemalloc.reset_peak()
        extra = read_pdf(data, name).hints
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        pages = extra["pages"]
        out[name] = {"pages": pages, "peak_heap_mib": round(peak / 2**20, 2),
                     "peak_heap_mib_per_page": round(peak / 2**20 / pages, 2)}
    out["process_max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def table(metrics: dict[str, Any]) -> str:
    lines = ["# Real document formats: results", "", "## Real reports against gold (cell accuracy)", "",
             "| report | format | right/total | accuracy |", "|---|---|---|---|"]
    for name, r in metrics["real"].items():
        if "right" in r:
            lines.append(f"| {name} | {r['format']} | {r['right']}/{r['total']} | {r['accuracy']:.2%} |")
        else:
            lines.append(f"| {name} | | {r['status']} | |")
    lines += ["", "## HTML page vs its run-together .txt twin", "",
              "| page | cells agree | txt ambiguous (HTML value among candidates) | disagree |", "|---|---|---|---|"]
    for name, r in metrics["twins"].items():
        lines.append(f"| {name} | {r['agree']} | {r['txt_ambiguous']} ({r['html_value_among_candidates']}) | "
                     f"{len(r['disagree'])} |")
    lines += ["", "## parse(render(gold)) for every gold report", "",
              "| format | renderings | right/total | accuracy |", "|---|---|---|---|"]
    for fmt, r in metrics["rendered"].items():
        lines.append(f"| {fmt} | {r['documents']} ({r['golds']} gold files) | {r['right']}/{r['total']} | "
                     f"{r['accuracy']:.2%} |")
    lines += ["", "## Speed (gsnlp.io.read_bytes, best of repeats)", "",
              "| format | documents | reports/second | mean size |", "|---|---|---|---|"]
    for fmt, r in metrics["speed"].items():
        lines.append(f"| {fmt} ({r['what']}) | {r['documents']} | {r['reports_per_second']} | "
                     f"{r['bytes_per_report'] // 1024} KiB |")
    lines += ["", "## PDF memory (tracemalloc peak while reading)", "", "| report | pages | peak MiB | MiB/page |",
              "|---|---|---|---|"]
    for name, r in metrics["memory"].items():
        if isinstance(r, dict):
            lines.append(f"| {name} | {r['pages']} | {r['peak_heap_mib']} | {r['peak_heap_mib_per_page']} |")
    lines.append(f"\nProcess max RSS: {metrics['memory']['process_max_rss_mib']} MiB.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=str(HERE / "config.json"))
    ap.add_argument("--set", action="append", default=[], help="dotted override, e.g. speed.repeats=5")
    args = ap.parse_args(argv)
    cfg = json.loads(Path(args.config).read_text(encoding="utf-8"))
    for s in args.set:
        set_dotted(cfg, s)
    rng = random.Random(cfg["seed"])
    t0 = time.time()
    metrics: dict[str, Any] = {"config": cfg}
    metrics["real"] = real_accuracy(cfg)
    metrics["twins"] = twins(cfg)
    metrics["rendered"] = rendered(cfg)
    metrics["speed"] = speed(cfg, rng)
    metrics["memory"] = memory(cfg)
    metrics["seconds"] = round(time.time() - t0, 1)
    res = HERE / "results"
    res.mkdir(exist_ok=True)
    (res / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (res / "results.md").write_text(table(metrics), encoding="utf-8")
    (res / "environment.json").write_text(json.dumps(environment(), ensure_ascii=False, indent=1) + "\n",
                                          encoding="utf-8")
    sys.stdout.write(table(metrics))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
