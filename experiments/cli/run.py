"""CLI start-up beside a bare `python -c pass`, and screenshots of the audit overview.

Each command of config.json runs `repeat` times, interleaved (every command once, then again),
so that machine load hits all commands alike; the table gives the median wall time and the
ratio to `python -c pass`. Then `gsnlp check corpora/reports -f html` writes the overview and
headless Chromium screenshots the pages of config.json. Writes results/ only.

    python experiments/cli/run.py
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CFG = json.loads((HERE / "config.json").read_text(encoding="utf-8"))
RESULTS = HERE / "results"
# Children get a private bytecode cache, filled by the warm-up run (config.json "bytecode"): an installed
# package has its .pyc; without one (PYTHONDONTWRITEBYTECODE=1, as in some shells) every run recompiles
# gsnlp's modules, which is not start-up but a missing cache.
PYCACHE = tempfile.mkdtemp(prefix="gsnlp-startup-pyc-")
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPYCACHEPREFIX": PYCACHE}


def _time(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child: user + system); ``env``: more environment variables."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, env=ENV | (env or {}))
    dt = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode not in (0, 3):
        raise SystemExit(f"{argv}: exit {p.returncode}\n{p.stderr.decode()[-2000:]}")
    return dt, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def startup() -> list[dict[str, object]]:
    cmds = {k: [a.replace("{report}", CFG["report"]) for a in v] for k, v in CFG["commands"].items()}
    envs = CFG.get("env", {})  # command -> extra environment variables
    for k, argv in cmds.items():  # warm the file cache once (and the bytecode and regex caches)
        _time(argv, envs.get(k))
    times: dict[str, list[float]] = {k: [] for k in cmds}
    cpu: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(CFG["repeat"]):
        for k, argv in cmds.items():
            w, c = _time(argv, envs.get(k))
            times[k].append(w)
            cpu[k].append(c)
    base = statistics.median(times["python -c pass"])
    base_cpu = statistics.median(cpu["python -c pass"])
    rows = []
    for k, ts in times.items():
        med = statistics.median(ts)
        med_cpu = statistics.median(cpu[k])
        target = CFG["targets"].get(k)
        rows.append({"command": k, "median_s": round(med, 4), "min_s": round(min(ts), 4),
                     "ratio": round(med / base, 2), "cpu_median_s": round(med_cpu, 4),
                     "cpu_ratio": round(med_cpu / base_cpu, 2), "target_ratio": target,
                     "meets_target": None if target is None else med / base <= target})
    return rows


def breakdown() -> dict[str, float]:
    """Median over fresh interpreters of where `gsnlp check one.txt` spends its time (breakdown.py)."""
    argv = [a.replace("{report}", CFG["report"]) for a in CFG["breakdown"]["argv"]]
    runs = []
    for _ in range(CFG["breakdown"]["repeat"]):
        p = subprocess.run([sys.executable, str(HERE / "breakdown.py"), *argv], cwd=ROOT, capture_output=True,
                           text=True, env=ENV, check=True)
        runs.append(json.loads(p.stdout))
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def patterns() -> dict[str, object]:
    """Every pattern `gsnlp check one.txt` compiles, timed alone without the start-up cache (patterns.py)."""
    argv = [a.replace("{report}", CFG["report"]) for a in CFG["breakdown"]["argv"]]
    p = subprocess.run([sys.executable, str(HERE / "patterns.py"), str(CFG["patterns"]["repeat"]), *argv], cwd=ROOT,
                       capture_output=True, text=True, env=ENV | {"GSNLP_REGEX_CACHE": "0"}, check=True)
    out: dict[str, object] = json.loads(p.stdout)
    return out


def _imports(argv: list[str]) -> list[tuple[str, int]]:
    """The slowest imports (cumulative µs) of a command, from -X importtime."""
    p = subprocess.run([sys.executable, "-X", "importtime", *argv], cwd=ROOT, capture_output=True, text=True, env=ENV)
    out = []
    for ln in p.stderr.splitlines():
        if ln.startswith("import time:") and "|" in ln:
            parts = [x.strip() for x in ln.split(":", 1)[1].split("|")]
            if parts[1].isdigit():
                out.append((parts[2].strip(), int(parts[1])))
    return sorted(out, key=lambda x: -x[1])[:15]


def screenshots() -> list[str]:
    spec = importlib.util.spec_from_file_location("cdp", ROOT / "experiments" / "checks" / "cdp.py")
    assert spec and spec.loader
    cdp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cdp)
    if cdp.find_chromium() is None:
        return []
    tmp = Path(tempfile.mkdtemp())
    try:
        out = tmp / "audit"
        subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "check", *CFG["screenshots"]["inputs"], "-f", "html",
                        "-o", str(out), "--fail-on", "never"], cwd=ROOT, capture_output=True, check=True)
        shots = []
        with cdp.Browser(1280, 900) as b:
            for page in CFG["screenshots"]["pages"]:
                b.goto(out / page)
                name = "screenshot_" + page.replace(".html", "") + ".png"
                b.screenshot(RESULTS / name, full_page=True, max_height=5000)
                shots.append(name)
        return shots
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    load_before = [round(x, 2) for x in os.getloadavg()]
    rows = startup()
    report_argv = [a.replace("{report}", CFG["report"]) for a in CFG["commands"]["gsnlp check one.txt (all rules)"]]
    imports = {"gsnlp --version": _imports(CFG["commands"]["gsnlp --version"]),
               "gsnlp check one.txt": _imports(report_argv)}
    parts = breakdown()
    pats = patterns()
    shots = screenshots()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    env = {"loadavg_1_5_15_before": load_before, "pycache": "private (PYTHONPYCACHEPREFIX), warmed",
           "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
           "commit": commit, "dirty": bool(subprocess.run(["git", "status", "--porcelain"], cwd=ROOT,
                                                           capture_output=True, text=True).stdout.strip())}
    env["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    (RESULTS / "startup.json").write_text(json.dumps({"config": CFG, "env": env, "rows": rows, "imports": imports,
                                                      "breakdown_ms": parts, "patterns": pats,
                                                      "screenshots": shots},
                                                     ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    lines = ["| command | median s | min s | × python -c pass | CPU s (median) | CPU × | target | meets |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['command']} | {r['median_s']} | {r['min_s']} | {r['ratio']} | {r['cpu_median_s']} | "
                     f"{r['cpu_ratio']} | {r['target_ratio'] or ''} | "
                     f"{'' if r['meets_target'] is None else r['meets_target']} |")
    lines += ["", f"Where `gsnlp check one.txt` spends its time inside the process (breakdown.py, median of "
              f"{CFG['breakdown']['repeat']} fresh runs, ms; the interpreter's own start-up is `python -c pass`):", "",
              "| total | module code (imports) | regex compilation | dataclass creation | json.loads | the rest |",
              "|---|---|---|---|---|---|",
              f"| {parts['total_ms']} | {parts['import_ms']} ({parts['import_n']} imports) | {parts['regex_ms']} "
              f"({parts['regex_n']} patterns) | {parts['dataclass_ms']} ({parts['dataclass_n']} classes) | "
              f"{parts['json_ms']} ({parts['json_n']} files) | {parts['other_ms']} |"]
    lines += ["", f"Regular expressions of `gsnlp check one.txt` without the start-up cache (a first run): "
              f"{pats['n']} patterns, {pats['total_ms']} ms to compile (each timed alone, fastest of "
              f"{CFG['patterns']['repeat']}; patterns.py). Per file (ms, patterns): "
              + ", ".join(f"{f} {ms} ({n})" for f, ms, n in pats["per_file"][:8]) + ". Costliest:", "",  # type: ignore[index]
              "| ms | where | pattern (first 80 characters) |", "|---|---|---|"]
    for r in pats["costliest"][:10]:  # type: ignore[index]
        short = "".join(c if c.isprintable() and c != "|" else "\\|" if c == "|" else ascii(c)[1:-1]
                        for c in r["pattern"][:80])  # control characters as escapes
        lines.append(f"| {r['ms']} | {r['where']} | `{short}` |")
    lines += ["", "Slowest imports (cumulative µs, -X importtime):", ""]
    for k, v in imports.items():
        lines.append(f"- {k}: " + ", ".join(f"{m} {us}" for m, us in v[:8]))
    lines += ["", f"Screenshots: {', '.join(shots) or '(no chromium)'}", "", f"Environment: {env}"]
    (RESULTS / "startup.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    shutil.rmtree(PYCACHE, ignore_errors=True)


if __name__ == "__main__":
    main()
