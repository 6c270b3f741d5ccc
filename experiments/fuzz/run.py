"""The long fuzz run of issue 19: inputs tried per family and their outcomes.

    python experiments/fuzz/run.py [--config experiments/fuzz/config.json] [--set n_per_family=100]

Every input comes from ``tests/fuzz/gsnlp_fuzz.py`` (``make_input(family, seed)``: a seed
report, synthetic in every layout and format or from the corpus, through the family's
mutation). Each runs in a worker process with a per-input limit of CPU time (SIGPROF in the
worker; the pool kills it at four times that in wall-clock time) and an address-space limit,
then is read, checked against the invariants (kind agrees with raw text, blank/"/" never a
number, spans in the text, JSON round trip, a second read identical) and, when it read,
passed through the check engine (every ``check_every``-th input). Outcomes: ok, clean_error
(a GsnlpError naming the file), crash, timeout, memory, coercion (a silent number),
invariant (another broken promise).

Writes results/metrics.json, results/results.md, results/failures.jsonl and
results/environment.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))

from gsnlp_fuzz import FAMILIES, OUTCOMES, make_input  # noqa: E402
from experiments._shared import package_versions, set_dotted  # noqa: E402


def _init_worker(memory_mb: int, check: bool) -> None:
    """Limit the worker's address space, then warm it up (imports, fonts, first reads), so an
    input's time is its own and not the worker's start."""
    if memory_mb:
        limit = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from gsnlp.io import read_bytes

    for fam in ("seed_tab_rows", "seed_run_together", "seed_html", "seed_docx", "seed_pdf"):
        try:
            rep = read_bytes(*make_input(fam, 0))
            if check:
                from gsnlp.check.engine import check_report

                check_report(rep)
        except Exception:  # noqa: BLE001, S110 - a failing warm-up shows up again as that input's outcome
            pass


def _classify(family: str, seed: int, timeout_s: float, check: bool) -> dict[str, Any]:  # noqa: PLR0915
    """One input in this worker: (outcome, detail, seconds, worker peak RSS)."""
    import signal
    import traceback

    from gsnlp_fuzz import read_check_report

    data, name = make_input(family, seed)
    out: dict[str, Any] = {"family": family, "seed": seed, "bytes": len(data)}

    class _Late(BaseException):  # not an Exception: no reader's "except Exception" may swallow it
        pass

    def alarm(signum: int, frame: Any) -> None:
        raise _Late

    # CPU time, not wall-clock: on a shared machine the wall clock measures the neighbours
    signal.signal(signal.SIGPROF, alarm)
    signal.setitimer(signal.ITIMER_PROF, timeout_s)
    t = time.process_time()
    wall = time.perf_counter()
    stage = "read"
    try:
        kind, details, rep = read_check_report(data, name, determinism=True)
        if rep is not None and check:
            stage = "check"
            from gsnlp.check.engine import check_report

            check_report(rep)
        out.update(outcome=kind, detail="; ".join(details)[:400])
    except _Late:
        out.update(outcome="timeout", detail=f"{stage}: over {timeout_s} s of CPU")
    except MemoryError:
        out.update(outcome="memory", detail=f"{stage}: MemoryError")
    except Exception as e:  # noqa: BLE001 - a crash is what this classifies
        tb = traceback.extract_tb(e.__traceback__)
        where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?"
        out.update(outcome="crash", detail=f"{stage}: {type(e).__name__} at {where}: {str(e)[:200]}")
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    out["seconds"] = round(time.process_time() - t, 4)
    out["wall_seconds"] = round(time.perf_counter() - wall, 4)
    out["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def environment() -> dict[str, Any]:

    pkgs = package_versions(("hypothesis", "lxml", "python-docx", "pdfplumber", "pypdfium2", "fpdf2", "pebble"))
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                timeout=10).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "gsnlp"], cwd=ROOT, capture_output=True,
                                    text=True, timeout=10).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "unknown", True
    return {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count(),
            "commit": commit, "working_tree_dirty": dirty, "packages": pkgs}


def table(metrics: dict[str, Any]) -> str:
    cols = list(OUTCOMES)
    lines = ["| family | inputs | " + " | ".join(cols) + " | max s | mean s |",
             "|---|---:|" + "---:|" * len(cols) + "---:|---:|"]
    for fam, m in metrics["families"].items():
        lines.append(f"| {fam} | {m['n']} | " + " | ".join(str(m["outcomes"].get(c, 0)) for c in cols) +
                     f" | {m['max_seconds']:.2f} | {m['mean_seconds']:.3f} |")
    t = metrics["total"]
    lines.append(f"| **total** | **{t['n']}** | " + " | ".join(f"**{t['outcomes'].get(c, 0)}**" for c in cols) +
                 f" | {t['max_seconds']:.2f} | {t['mean_seconds']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=str(HERE / "config.json"))
    ap.add_argument("--set", action="append", default=[], help="dotted override, e.g. n_per_family=50")
    ap.add_argument("--out", default=str(HERE / "results"))
    args = ap.parse_args(argv)
    cfg = json.loads(Path(args.config).read_text(encoding="utf-8"))
    for s in args.set:
        set_dotted(cfg, s)
    from pebble import ProcessPool
    from pebble.common import ProcessExpired

    if not cfg.get("ocr", True):
        # PDFs whose text layer a mutation destroyed would go to OCR (seconds per page: a cost,
        # measured by experiments/ocr, not a hang); here they end as the clean error E108
        import os

        os.environ["GSNLP_OCR"] = "0"

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    fams = cfg.get("families") or sorted(FAMILIES)
    jobs = [(f, cfg["seed"] + i) for f in fams for i in range(cfg.get("n_by_family", {}).get(f, cfg["n_per_family"]))]
    timeout_s = float(cfg["timeout_s"])
    results: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    with ProcessPool(max_workers=cfg["workers"], max_tasks=cfg.get("max_tasks", 400), initializer=_init_worker,
                     initargs=(cfg["memory_mb"], cfg["check"])) as pool:
        every = max(1, int(cfg.get("check_every", 1))) if cfg["check"] else 0
        futs = [(f, s, pool.schedule(_classify, args=(f, s, timeout_s, bool(every) and k % every == 0),
                                     timeout=4 * timeout_s + 30))
                for k, (f, s) in enumerate(jobs)]
        for i, (f, s, fut) in enumerate(futs):
            try:
                results.append(fut.result())
            except TimeoutError:
                results.append({"family": f, "seed": s, "outcome": "timeout",
                                "detail": f"killed by the pool after {4 * timeout_s + 30} s wall", "seconds": None,
                                "rss_mb": None})
            except ProcessExpired as e:
                kind = "memory" if e.exitcode in (-9, 137) else "crash"
                results.append({"family": f, "seed": s, "outcome": kind, "detail": f"worker died: {e}",
                                "seconds": None, "rss_mb": None})
            except Exception as e:  # noqa: BLE001 - e.g. a MemoryError while pickling the result
                results.append({"family": f, "seed": s, "outcome": "crash", "detail": f"pool: {e!r}"[:300],
                                "seconds": None, "rss_mb": None})
            if (i + 1) % 500 == 0:
                print(f"{i + 1}/{len(futs)} in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    wall = time.perf_counter() - t0
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        by[r["family"]].append(r)

    def summary(rs: list[dict[str, Any]]) -> dict[str, Any]:
        secs = [r["seconds"] for r in rs if r.get("seconds") is not None]
        return {"n": len(rs), "outcomes": dict(Counter(r["outcome"] for r in rs)),
                "max_seconds": max(secs, default=0.0), "mean_seconds": sum(secs) / max(len(secs), 1)}

    metrics = {"config": cfg, "wall_seconds": round(wall, 1),
               "families": {f: summary(by[f]) for f in fams}, "total": summary(results),
               "peak_worker_rss_mb": max((r["rss_mb"] or 0 for r in results), default=0),
               "error_codes": dict(Counter(r["detail"].split()[0] for r in results if r["outcome"] == "clean_error")),
               "examples": {}}
    for r in results:
        if r["outcome"] not in ("ok", "clean_error"):
            key = f"{r['outcome']}: {r['detail'][:90]}"
            metrics["examples"].setdefault(key, {"family": r["family"], "seed": r["seed"], "count": 0})
            metrics["examples"][key]["count"] += 1
    (out_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    with open(out_dir / "failures.jsonl", "w", encoding="utf-8") as fh:
        for r in results:
            if r["outcome"] not in ("ok", "clean_error"):
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    (out_dir / "environment.json").write_text(json.dumps(environment(), indent=1) + "\n", encoding="utf-8")
    md = [f"# Fuzz run: {metrics['total']['n']} inputs, {wall:.0f} s wall, {cfg['workers']} workers",
          "", f"Per-input limit {timeout_s} s of CPU and {cfg['memory_mb']} MB address space; peak worker RSS "
          f"{metrics['peak_worker_rss_mb']} MB.", "", table(metrics), "", "## Clean error codes", "",
          ", ".join(f"{k}: {v}" for k, v in sorted(metrics["error_codes"].items())), "",
          "## Non-ok outcomes other than clean errors (family/seed reproduces: make_input(family, seed))", ""]
    for k, v in sorted(metrics["examples"].items(), key=lambda kv: -kv[1]["count"]):
        md.append(f"- {v['count']} × `{k}` (e.g. {v['family']}/{v['seed']})")
    (out_dir / "results.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print(table(metrics))
    bad = sum(metrics["total"]["outcomes"].get(k, 0) for k in ("crash", "timeout", "memory", "coercion"))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
