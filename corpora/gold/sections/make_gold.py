"""Write the gold section spans of the 30 new reports from the headings read by hand.

Each report's headings were read in its source (corpora/reports/real/<file>) and are written
below, verbatim, in reading order with the section each one opens. This script only turns them
into offsets: every heading string must occur exactly once in the source (else it stops), a
section ends where the next heading starts, and the last one ends at the end of the report's
own text (signature and date included; the trailing crawler chrome written below excluded).
It does not run gsnlp. Run: python corpora/gold/sections/make_gold.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
REAL = HERE.parents[1] / "reports" / "real"

STANDARD = [
    ("overview", "一、总体情况"),
    ("active_disclosure", "二、主动公开政府信息情况"),
    ("applications", "三、收到和处理政府信息公开申请情况"),
    ("review_litigation", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other_matters", "六、其他需要报告的事项"),
]
REVIEW_AND = ("review_litigation", "四、政府信息公开行政复议与行政诉讼情况")

# file stem -> headings where they differ from STANDARD (read in the source)
OVERRIDES: dict[str, list[tuple[str, str]]] = {
    "平潭综合实验区农业农村局_2023": STANDARD[:5] + [("other_matters", "六、需要说明的其他事项与附表")],
    "平潭综合实验区社会事业局_2025": STANDARD[:3] + [
        ("review_litigation", "四、政府信息公开行政法复议、行政诉讼情况"),
        ("problems", "五、政府信息公开工作存在的主要问题及改进情况"), STANDARD[5]],
    "平潭综合实验区经济发展局_2022": STANDARD[:3] + [REVIEW_AND] + STANDARD[4:],
    "平潭综合实验区经济发展局_2025": STANDARD[:3] + [REVIEW_AND] + STANDARD[4:],
    "平潭综合实验区行政审批局_2025": STANDARD[:3] + [REVIEW_AND] + STANDARD[4:],
    # a pre-2019 report: six parts of the old form, two of them no template section
    "平潭综合实验区地方税务局_2013": [
        ("overview", "一、概述"),
        ("active_disclosure", "二、主动公开政府信息情况"),
        ("applications", "三、依申请公开、不予公开及咨询政府信息情况"),
        ("extra", "四、审批事项及处理情况"),
        ("review_litigation", "五、申请行政复议、提起行政诉讼和申诉的情况"),
        ("extra", "六、工作人员及信息公开事务支出情况"),
    ],
}
# trailing crawler chrome after the report's last words (read in the source)
CHROME_TAIL = ("附件下载",)
CSS_JUNK = "Normal 0 7.8 磅"  # Word style sheet text the crawler kept (君山片区 2021)

FILES = sorted(p for p in REAL.glob("平潭综合实验区*.txt")
               if p.stem.rsplit("_", 1)[0] not in ("平潭综合实验区",) and "管委会_" not in p.name)


def report_end(text: str) -> int:
    t = text
    junk = t.rfind(CSS_JUNK)
    if junk > len(t) // 2:
        t = t[:junk]
    t = t.rstrip()
    for tail in CHROME_TAIL:
        if t.endswith(tail):
            t = t[: -len(tail)].rstrip()
    return len(t)


def main() -> None:
    n = 0
    for p in FILES:
        heads = OVERRIDES.get(p.stem, STANDARD)
        text = p.read_text(encoding="utf-8")
        starts = []
        for sid, h in heads:
            k = text.count(h)
            if k != 1:
                raise SystemExit(f"{p.name}: heading {h!r} occurs {k} times")
            starts.append(text.index(h))
        if starts != sorted(starts):
            raise SystemExit(f"{p.name}: headings out of reading order")
        end = report_end(text)
        secs = []
        for i, ((sid, h), s) in enumerate(zip(heads, starts)):
            e = starts[i + 1] if i + 1 < len(starts) else end
            secs.append({"id": sid, "start": s, "end": e, "heading": [s, s + len(h)], "heading_text": h})
        doc = {"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "sections": secs,
               "made_by": "headings read by hand in the source; offsets by corpora/gold/sections/make_gold.py"}
        (HERE / f"{p.name}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        n += 1
    print(f"{n} gold files written")


if __name__ == "__main__":
    main()
