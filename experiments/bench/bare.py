"""The bare stage calls the batch is compared with: every report of a folder through
``gsnlp.pipeline.analyze_bytes`` (all stages), then ``cross_year`` over one report per agency and
year (the batch's rule: a structured format first, then the smallest report id), in one process.

python bare.py FOLDER THEME_MODEL   -> one JSON line: reports, CPU seconds of the loop
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> None:
    from gsnlp.check.agency import agency_key
    from gsnlp.pipeline import analyze_bytes, cross_year, theme_model

    folder, model = Path(sys.argv[1]), sys.argv[2]
    theme_model(model)  # loaded once, as each batch worker does
    c0 = time.process_time()
    kept: dict[tuple[str, int], tuple[tuple[bool, str], object]] = {}
    n = ok = 0
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        n += 1
        try:
            a = analyze_bytes(p.read_bytes(), p.name, theme_model=model)
        except Exception:  # noqa: BLE001 - counted, as the batch does
            continue
        ok += 1
        m = a.report.meta
        k = agency_key(m.agency)
        if k is not None and m.year is not None:
            rank = (a.report.source.format not in ("html", "docx", "pdf"), a.report_id[:16])
            if (k, m.year) not in kept or rank < kept[(k, m.year)][0]:
                kept[(k, m.year)] = (rank, a.report)
    c1 = time.process_time()
    cy = cross_year([r for _, r in kept.values()])
    c2 = time.process_time()
    print(json.dumps({"n": n, "ok": ok, "loop_cpu_s": round(c1 - c0, 3), "cross_year_cpu_s": round(c2 - c1, 3),
                      "cy_findings": len(cy)}))


if __name__ == "__main__":
    main()
