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
import platform
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


def _time(argv: list[str]) -> float:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True)
    dt = time.perf_counter() - t
    if p.returncode not in (0, 3):
        raise SystemExit(f"{argv}: exit {p.returncode}\n{p.stderr.decode()[-2000:]}")
    return dt


def startup() -> list[dict[str, object]]:
    cmds = {k: [a.replace("{report}", CFG["report"]) for a in v] for k, v in CFG["commands"].items()}
    for argv in cmds.values():  # warm the file cache once
        _time(argv)
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(CFG["repeat"]):
        for k, argv in cmds.items():
            times[k].append(_time(argv))
    base = statistics.median(times["python -c pass"])
    rows = []
    for k, ts in times.items():
        med = statistics.median(ts)
        target = CFG["targets"].get(k)
        rows.append({"command": k, "median_s": round(med, 4), "min_s": round(min(ts), 4),
                     "ratio": round(med / base, 2), "target_ratio": target,
                     "meets_target": None if target is None else med / base <= target})
    return rows


def _imports(argv: list[str]) -> list[tuple[str, int]]:
    """The slowest imports (cumulative µs) of a command, from -X importtime."""
    p = subprocess.run([sys.executable, "-X", "importtime", *argv], cwd=ROOT, capture_output=True, text=True)
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
    rows = startup()
    report_argv = [a.replace("{report}", CFG["report"]) for a in CFG["commands"]["gsnlp check one.txt (all rules)"]]
    imports = {"gsnlp --version": _imports(CFG["commands"]["gsnlp --version"]),
               "gsnlp check one.txt": _imports(report_argv)}
    shots = screenshots()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    env = {"loadavg_1_5_15": [round(x, 2) for x in __import__("os").getloadavg()],
           "python": platform.python_version(), "machine": platform.machine(), "cpus": __import__("os").cpu_count(),
           "commit": commit, "dirty": bool(subprocess.run(["git", "status", "--porcelain"], cwd=ROOT,
                                                           capture_output=True, text=True).stdout.strip())}
    (RESULTS / "startup.json").write_text(json.dumps({"config": CFG, "env": env, "rows": rows, "imports": imports,
                                                      "screenshots": shots}, ensure_ascii=False, indent=1) + "\n",
                                          encoding="utf-8")
    lines = ["| command | median s | min s | × python -c pass | target | meets |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['command']} | {r['median_s']} | {r['min_s']} | {r['ratio']} | "
                     f"{r['target_ratio'] or ''} | {'' if r['meets_target'] is None else r['meets_target']} |")
    lines += ["", "Slowest imports (cumulative µs, -X importtime):", ""]
    for k, v in imports.items():
        lines.append(f"- {k}: " + ", ".join(f"{m} {us}" for m, us in v[:8]))
    lines += ["", f"Screenshots: {', '.join(shots) or '(no chromium)'}", "", f"Environment: {env}"]
    (RESULTS / "startup.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
