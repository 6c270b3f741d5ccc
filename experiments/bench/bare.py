"""The bare stage calls the batch is compared with: every report of a folder through
``gsnlp.pipeline.analyze_bytes`` (all stages), then ``cross_year`` over the reports the batch
runs it on (its rule: of the reports of one agency and year, a copy in another format than the
one kept — a structured format first, then the smallest report id — is left out; TXT and
Markdown are one format), in one process.

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
    groups: dict[tuple[str, int], list[tuple[tuple[bool, str], str, object]]] = {}
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
        m, fmt = a.report.meta, a.report.source.format
        k = agency_key(m.agency)
        if k is not None and m.year is not None:
            rank = (fmt not in ("html", "docx", "pdf"), a.report_id[:16])
            groups.setdefault((k, m.year), []).append((rank, "text" if fmt in ("txt", "md") else fmt, a.report))
    c1 = time.process_time()
    kept = []
    for reps in groups.values():
        first = min(reps, key=lambda x: x[0])
        kept += [r for rank, fam, r in reps if r is first[2] or fam == first[1]]
    cy = cross_year(kept)
    c2 = time.process_time()
    print(json.dumps({"n": n, "ok": ok, "loop_cpu_s": round(c1 - c0, 3), "cross_year_cpu_s": round(c2 - c1, 3),
                      "cross_year_reports": len(kept), "cy_findings": len(cy)}))


if __name__ == "__main__":
    main()
