"""Second pass over the gold: list every digit run, Chinese numeral run and negation cue in
the narrative of each gold report that no gold figure covers, with context, for a person to
re-read (each one is either a deliberate non-figure under the guidelines or a gold miss).
Independent of the extractor: plain regexes only.

Run: python corpora/gold/figures/second_pass.py > /tmp/second_pass.txt
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

RX = re.compile(r"[0-9０-９]+(?:[.,，][0-9]+)*|[一二两三四五六七八九十百千万〇零]+|未|无|没有")


def main() -> None:
    import gsnlp
    from gsnlp.figures.extractor import report_spans

    for gp in sorted(HERE.glob("*.jsonl")):
        doc = gp.name[:-6]
        path = next(p for p in (ROOT / "corpora/reports/seeds" / doc, ROOT / "corpora/reports/real" / doc) if p.exists())
        rep = gsnlp.read(path)
        gold = [json.loads(x) for x in gp.read_text(encoding="utf-8").splitlines() if x.strip()]
        covered = [(g["start"], g["end"]) for g in gold]
        print(f"===== {doc}: {len(gold)} gold figures")
        for _s, a, b in report_spans(rep):
            for m in RX.finditer(rep.text, a, b):
                if any(s <= m.start() < e for s, e in covered):
                    continue
                ctx = rep.text[max(a, m.start() - 12):min(b, m.end() + 8)].replace("\n", "⏎")
                print(f"  {m.start():6d} {m.group(0)!r:12} {ctx}")


if __name__ == "__main__":
    main()
