"""Experiment: are the checks robust to the heading and layout variation real reports show?

Question: when a report words, numbers or lays out its section headings differently (but says
the same thing), do the checks raise findings they did not raise on the report as written (false
alarms), or lose the contradictions a person found in it (gold findings)?

Data: the real 2019/2021-template reports (txt, md) with hand-made gold findings
(corpora/gold/findings), minus the development test set (corpora/devtest.txt: never used here).

Protocol: each report is read and checked as written (``gsnlp.pipeline``, stages figures and
check). Then, per perturbation family, ``variants_per_report`` seeded variants of the text are
made by rewriting only its section headings (the headings the reader found in the report as
written: their number, their title, the line they stand on) — label-preserving: every variant
is the same report — and read and checked again. Families: numbering styles, known synonyms,
unseen paraphrases written from each title's meaning, heading merged into the first sentence,
heading split over two lines, extra sub-headings, full-width/half-width digits and spaces, one
heading deleted. Counted per family: new accusing findings (``fail`` with origin ``source``,
not in the run as written: false alarms, by rule family), new reader notices (``fail`` with
origin ``extraction``: allowed, but counted), gold findings found as written and lost in the
variant, and sections no longer found by their heading.

Run: nice python experiments/robustness/run.py [--set key=value ...]   (writes results/)
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
HERE = Path(__file__).resolve().parent

from gsnlp.doc import Report  # noqa: E402
from gsnlp.pipeline import Analysis, analyze_bytes  # noqa: E402
from gsnlp.template.sections import NUMERALS, SECTION_IDS  # noqa: E402

# ---- the headings real reports use ---------------------------------------------------------------

# Known wordings: the template's and the variants its definition lists (gsnlp.template.sections
# and the unseen reports of issue 13).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "overview": ("总体情况", "工作总体情况", "总体概况", "基本情况", "工作概况", "概述"),
    "active_disclosure": ("主动公开政府信息情况", "主动公开情况", "政府信息主动公开情况", "主动公开政府信息工作情况"),
    "applications": ("收到和处理政府信息公开申请情况", "依申请公开政府信息情况", "依申请公开情况",
                     "受理政府信息公开申请情况"),
    "review_litigation": ("政府信息公开行政复议、行政诉讼情况", "行政复议、行政诉讼情况",
                          "政府信息公开行政复议和行政诉讼情况"),
    "problems": ("存在的主要问题及改进情况", "存在的问题和改进措施", "存在的主要问题及明年工作计划",
                 "存在的不足及改进措施", "存在的主要问题及下一步工作打算"),
    "other_matters": ("其他需要报告的事项", "其他需报告的事项", "需要说明的其他事项与附表", "其他需要说明的事项"),
}
# Paraphrases written for this experiment from what each title means (not seen in the corpus).
PARAPHRASES: dict[str, tuple[str, ...]] = {
    "overview": ("总体工作情况", "年度工作概述", "基本概况", "政府信息公开工作总体情况", "工作总体概述",
                 "年度工作总体情况", "总体工作概况", "综述"),
    "active_disclosure": ("主动公开政府信息的情况", "政府信息主动公开工作情况", "主动公开政府信息工作开展情况",
                          "主动公开信息情况", "主动公开政府信息数据", "主动公开政府信息统计情况"),
    "applications": ("收到和处理政府信息公开申请的情况", "依申请公开政府信息办理情况", "政府信息公开申请办理情况",
                     "受理和答复政府信息公开申请情况", "依申请公开工作情况", "政府信息公开申请受理和处理情况"),
    "review_litigation": ("行政复议和行政诉讼情况", "政府信息公开行政复议及行政诉讼情况",
                          "因政府信息公开引起的行政复议、行政诉讼情况", "政府信息公开行政复议、诉讼情况",
                          "行政复议、诉讼情况", "涉及政府信息公开的行政复议和行政诉讼情况"),
    "problems": ("存在的不足和改进方向", "存在问题及改进措施", "主要问题和改进措施", "存在的主要问题和下一步工作计划",
                 "工作中存在的不足及改进措施", "存在的问题及整改情况", "存在的不足及下一步打算",
                 "主要问题及改进情况", "存在的问题和不足及改进措施", "问题与改进"),
    "other_matters": ("其他事项", "其他需要说明的情况", "需要报告的其他事项", "其它需要报告的事项",
                      "其他需要报告的情况", "其他说明事项"),
}
# A second set of paraphrases, written after the heading rules were fixed on the families above and
# run once: a check that the fixes follow the titles' meaning and not the first list.
PARAPHRASES_HELDOUT: dict[str, tuple[str, ...]] = {
    "overview": ("政府信息公开工作基本情况", "总体工作开展情况", "全年工作概况", "年度工作综述", "概况"),
    "active_disclosure": ("主动公开工作情况", "政府信息主动公开情况统计", "主动公开政府信息的基本情况",
                          "主动公开工作开展情况"),
    "applications": ("依申请公开办理情况", "收到和处理依申请公开情况", "政府信息公开申请的收到和处理情况",
                     "依申请公开政府信息工作情况", "办理政府信息公开申请情况"),
    "review_litigation": ("行政复议、行政诉讼情况", "因政府信息公开被申请行政复议、提起行政诉讼的情况",
                          "政府信息公开复议诉讼情况", "行政复议与行政诉讼情况"),
    "problems": ("存在的不足及改进措施", "工作中存在的问题和改进措施", "存在问题和下一步工作安排", "不足与改进",
                 "主要问题及整改措施", "存在的主要问题和改进方向"),
    "other_matters": ("其他需要报告事项", "其他有关事项", "需要说明的事项", "其他需报告的情况"),
}
# A third set, written after the second had been run and the rules fixed on it, and run once with no
# change afterwards: the held-out measure of how far the heading rules generalise.
PARAPHRASES_HELDOUT2: dict[str, tuple[str, ...]] = {
    "overview": ("年度总体情况", "工作基本情况", "总体推进情况", "政务公开工作总体情况", "概要"),
    "active_disclosure": ("主动公开政府信息工作", "主动公开基本情况", "政府信息主动公开数据", "主动公开的政府信息情况"),
    "applications": ("政府信息公开申请情况", "依申请公开政府信息的情况", "收到、处理政府信息公开申请情况",
                     "政府信息依申请公开工作开展情况", "申请公开政府信息的办理情况"),
    "review_litigation": ("政府信息公开引发的行政复议和行政诉讼情况", "行政复议及诉讼情况",
                          "涉及政府信息公开的复议、诉讼情况", "被申请行政复议和提起行政诉讼情况"),
    "problems": ("存在的主要问题及改进措施", "工作存在的不足和改进举措", "主要问题和下一步打算", "存在的短板及改进计划",
                 "问题和不足及改进措施"),
    "other_matters": ("其他需要报告的事项说明", "其它事项", "需要报告的其他情况", "其他需说明的事项"),
}
# Sub-headings real reports put inside sections (inserted before a paragraph of that section).
SUBHEADINGS: dict[str, tuple[str, ...]] = {
    "overview": ("（一）主动公开情况", "（二）依申请公开情况", "（三）政府信息管理情况", "（四）平台建设情况",
                 "（五）监督保障情况", "1.主动公开政府信息情况", "2.依申请公开办理情况", "（一）基本情况"),
    "problems": ("（一）存在的主要问题", "（二）改进情况", "（一）存在的问题", "（二）改进措施", "1.存在问题",
                 "2.下一步工作计划"),
    "other_matters": ("（一）信息处理费收取情况", "（二）人大代表建议和政协提案办理情况", "（一）其他需要报告的事项"),
}
NUMBERING = ("paren", "arabic_dot", "arabic_dun", "part", "none", "cn_dot", "fullwidth_dot")
_HEAD = re.compile(r"^(?P<pre>[ \t#\u3000]*)(?P<num>[" + NUMERALS + r"]{1,2})[ \t\u3000]*[、.．,，][ \t\u3000]*"
                   r"(?P<title>.*?)\s*$", re.S)
_FW = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True, slots=True)
class Head:
    """A heading the reader found in the report as written."""

    sid: str
    start: int
    end: int  # body_start: the heading text is text[start:end]
    pre: str
    num: str | None
    title: str

    @property
    def n(self) -> int:
        return _num_value(self.num) if self.num else SECTION_IDS.index(self.sid) + 1


def _num_value(cn: str) -> int:
    if len(cn) == 1:
        return NUMERALS.index(cn) + 1
    return 10 + (NUMERALS.index(cn[1]) + 1 if cn[0] == "十" else 0)


def heads_of(rep: Report) -> list[Head]:
    out = []
    for s in rep.sections:
        if s.id == "extra" or s.origin != "heading" or s.body_start <= s.start:
            continue
        raw = rep.text[s.start:s.body_start]
        m = _HEAD.match(raw)
        if m:
            out.append(Head(s.id, s.start, s.body_start, m.group("pre"), m.group("num"), m.group("title")))
        else:
            out.append(Head(s.id, s.start, s.body_start, "", None, raw.strip()))
    return out


Edit = tuple[int, int, str]


def apply(text: str, edits: list[Edit]) -> str:
    out, last = [], 0
    for a, b, new in sorted(edits):
        assert a >= last, "overlapping edits"
        out.append(text[last:a])
        out.append(new)
        last = b
    out.append(text[last:])
    return "".join(out)


def moved(x: int, edits: list[Edit]) -> int:
    """Where position ``x`` of the text as written stands in the variant (x outside the edits)."""
    return x + sum(len(new) - (b - a) for a, b, new in edits if b <= x and (a < x or a == b < x))


def boundaries_moved(b: Analysis, a: Analysis, edits: list[Edit], removed: set[str]) -> list[str]:
    """Sections whose end (the next section's heading) is not where the edits put it (2 characters of
    slack for whitespace); sections next to a deleted heading are not compared."""
    ends = {s.id: s.end for s in a.report.sections if s.id != "extra"}
    out = []
    secs = [s for s in b.report.sections if s.id != "extra"]
    for i, s in enumerate(secs):
        nxt = secs[i + 1].id if i + 1 < len(secs) else None
        if s.id in removed or nxt in removed or s.id not in ends or nxt is None:
            continue
        if abs(ends[s.id] - moved(s.end, edits)) > 2:
            out.append(s.id)
    return out


def _cn(n: int) -> str:
    return NUMERALS[n - 1] if n <= 10 else "十" + NUMERALS[n - 11]


def numbered(h: Head, style: str, title: str | None = None) -> str:
    t = h.title if title is None else title
    n = h.n
    return {"cn": f"{_cn(n)}、{t}", "paren": f"（{_cn(n)}）{t}", "arabic_dot": f"{n}.{t}", "arabic_dun": f"{n}、{t}",
            "part": f"第{_cn(n)}部分 {t}", "none": t, "cn_dot": f"{_cn(n)}.{t}",
            "fullwidth_dot": f"{str(n).translate(_FW)}．{t}"}[style]


def _line_end(text: str, i: int) -> int:
    """The end of the whitespace after a heading (where its body's first characters stand)."""
    while i < len(text) and text[i] in " \t\u3000\r\n":
        i += 1
    return i


# ---- the families ---------------------------------------------------------------------------------

Variant = tuple[str, list[Edit], set[str]]  # (description, edits, section ids whose heading was removed)


def f_numbering(text: str, rep: Report, heads: list[Head], rng: random.Random) -> Variant:
    style = rng.choice(NUMBERING)
    return f"style {style}", [(h.start, h.end, h.pre + numbered(h, style)) for h in heads], set()


def _retitle(heads: list[Head], table: dict[str, tuple[str, ...]], rng: random.Random) -> Variant:
    edits, desc = [], []
    for h in heads:
        t = rng.choice(table[h.sid])
        desc.append(t)
        num = f"{h.num}、" if h.num else ""
        edits.append((h.start, h.end, f"{h.pre}{num}{t}"))
    return " | ".join(desc), edits, set()


def f_synonym(text: str, rep: Report, heads: list[Head], rng: random.Random) -> Variant:
    return _retitle(heads, SYNONYMS, rng)


def f_paraphrase(text: str, rep: Report, heads: list[Head], rng: random.Random) -> Variant:
    return _retitle(heads, PARAPHRASES, rng)


def f_paraphrase_heldout(text: str, rep: Report, heads: list[Head], rng: random.Random) -> Variant:
    return _retitle(heads, PARAPHRASES_HELDOUT, rng)


def f_paraphrase_heldout2(text: str, rep: Report, heads: list[Head], rng: random.Random) -> Variant:
    return _retitle(heads, PARAPHRASES_HELDOUT2, rng)


def f_merged(text: str, rep: Report, heads: list[Head], rng: random.Random) -> Variant:
    sep = rng.choice(("", "。", "：", " ", "。\u3000\u3000"))
    edits = []
    for h in heads:
        if h.sid not in ("overview", "problems", "other_matters"):
            continue  # the narrative sections: their body opens with a sentence
        b = _line_end(text, h.end)
        edits.append((h.start, b, text[h.start:h.end].rstrip() + sep))
    return f"separator {sep!r}", edits, set()


def f_split(text: str, rep: Report, heads: list[Head], rng: random.Random) -> Variant:
    edits, desc = [], []
    for h in heads:
        num = f"{h.num}、" if h.num else ""
        if num and (len(h.title) < 8 or rng.random() < 0.5):
            new, how = f"{h.pre}{num}\n{h.title}", "number"
        else:
            k = rng.randint(3, max(3, len(h.title) - 2))
            new, how = f"{h.pre}{num}{h.title[:k]}\n{h.title[k:]}", "title"
        desc.append(how)
        edits.append((h.start, h.end, new))
    return "line break after " + ",".join(desc), edits, set()


def f_subheadings(text: str, rep: Report, heads: list[Head], rng: random.Random) -> Variant:
    edits, desc = [], []
    tables = rep.table_spans()
    for s in rep.sections:
        if s.id not in SUBHEADINGS:
            continue
        # line starts inside the body, outside tables, before a line of prose
        starts = [m.start() for m in re.finditer(r"(?m)^(?=[\u3000 \t]*[\u4e00-\u9fff（(一二三四五六七八九十0-9])",
                                                 rep.text[s.body_start:s.end])]
        starts = [s.body_start + k for k in starts
                  if not any(a <= s.body_start + k < b for a, b in tables) and s.body_start + k > s.start]
        if not starts:
            continue
        for p in sorted(rng.sample(starts, min(2, len(starts)))):
            sub = rng.choice(SUBHEADINGS[s.id])
            desc.append(sub)
            edits.append((p, p, sub + "\n"))
    return " | ".join(desc), edits, set()


def f_width(text: str, rep: Report, heads: list[Head], rng: random.Random) -> Variant:
    how = rng.choice(("ideographic_space", "spaced_title", "fullwidth_digits", "indent", "halfwidth_space"))
    edits = []
    for h in heads:
        num = f"{h.num}、" if h.num else ""
        if how == "ideographic_space":
            new = f"{h.pre}{num}\u3000{h.title}"
        elif how == "spaced_title" and len(h.title) <= 8:
            new = f"{h.pre}{num}{' '.join(h.title)}"
        elif how == "fullwidth_digits":
            new = h.pre + numbered(h, "fullwidth_dot")
        elif how == "indent":
            new = f"\u3000\u3000{num}{h.title}"
        elif how == "halfwidth_space":
            new = f"{h.pre}{h.num} 、 {h.title}" if h.num else f"{h.pre}{h.title} "
        else:
            continue
        edits.append((h.start, h.end, new))
    return how, edits, set()


def f_deleted(text: str, rep: Report, heads: list[Head], rng: random.Random) -> Variant:
    h = rng.choice(heads)
    return f"deleted {h.sid} {text[h.start:h.end].strip()!r}", [(h.start, _line_end(text, h.end), "")], {h.sid}


def f_combined(text: str, rep: Report, heads: list[Head], rng: random.Random) -> Variant:
    """Several at once, as one report would: one numbering style, a wording per heading (known or
    paraphrased), some headings broken after their number, narrative ones run into their text."""
    style = rng.choice(("cn", *NUMBERING))
    edits, desc = [], [style]
    for h in heads:
        t = rng.choice(SYNONYMS[h.sid] + PARAPHRASES[h.sid])
        new = h.pre + numbered(h, style, t)
        b = h.end
        if style != "none" and rng.random() < 0.3:
            new = new.replace(t, "\n" + t, 1)
        elif h.sid in ("overview", "problems", "other_matters") and rng.random() < 0.3:
            b = _line_end(text, h.end)
            new += rng.choice(("", "。", "："))
        desc.append(new.replace("\n", "⏎"))
        edits.append((h.start, b, new))
    return " | ".join(desc), edits, set()


FAMILIES: dict[str, Callable[[str, Report, list[Head], random.Random], Variant]] = {
    "numbering": f_numbering, "synonym": f_synonym, "paraphrase": f_paraphrase, "merged": f_merged,
    "split": f_split, "subheadings": f_subheadings, "width": f_width, "deleted": f_deleted, "combined": f_combined,
    "paraphrase_heldout": f_paraphrase_heldout, "paraphrase_heldout2": f_paraphrase_heldout2,
}

# ---- scoring --------------------------------------------------------------------------------------

_IDX = re.compile(r"\b[a-z]?\d+\b")  # figure / ratio indices and offsets in instances (f7, 3524) move with the text


def key(f: Any) -> tuple[str, str, str, str]:
    return (f.rule_id if f.rule != "completeness.v1" else "completeness", _IDX.sub("#", f.instance or ""),
            str(f.expected), str(f.observed))


def claims(a: Analysis) -> Counter[tuple[str, str, str, str]]:
    """Accusing findings: failures the report is blamed for (not reader notices, not completeness)."""
    return Counter(key(f) for f in a.findings or [] if f.status == "fail" and f.origin != "extraction"
                   and f.rule != "completeness.v1")


def notices(a: Analysis) -> Counter[tuple[str, str, str, str]]:
    return Counter(key(f) for f in a.findings or [] if f.status == "fail" and f.origin == "extraction")


def gold_hits(a: Analysis, gold: list[dict[str, Any]]) -> list[tuple[int, tuple[str, str, str, str]]]:
    """(gold index, key of the tool finding that found it) for the gold findings found as written.

    Same rule, and the same instance where the gold gives one, else overlapping spans, else the
    rule alone (as experiments/checks matches them)."""
    free = [f for f in a.findings or [] if f.status == "fail" and f.origin != "extraction"]
    out = []

    def overlap(f: Any, g: dict[str, Any]) -> bool:
        ev = [(e.start, e.end) for e in f.evidence if e.kind == "span" and e.start is not None and e.doc is None]
        return any(x < s["end"] and s["start"] < y for x, y in ev for s in g.get("spans", []))

    for gi, g in sorted(enumerate(gold), key=lambda t: not (t[1].get("instance") or t[1].get("spans"))):
        c = [f for f in free if (f.rule_id if f.rule != "completeness.v1" else "completeness") == g["rule"]]
        if g.get("instance"):
            c = [f for f in c if f.instance == g["instance"]]
        elif g.get("spans"):
            c = [f for f in c if overlap(f, g)] or c
        if c:
            out.append((gi, key(c[0])))
            free.remove(c[0])
    return out


def analyze(text: str, name: str) -> Analysis:
    return analyze_bytes(text.encode("utf-8"), name, stages=["figures", "check"])


def headed(a: Analysis) -> set[str]:
    return {s.id for s in a.report.sections if s.id != "extra" and s.origin == "heading"}


def found(a: Analysis) -> set[str]:
    return {s.id for s in a.report.sections if s.id != "extra"}


def family_of(rule: str) -> str:
    return rule.split(".", 1)[0] if rule[:2] in ("st", "nt", "t2", "t3", "t4") else "other"


# ---- main -----------------------------------------------------------------------------------------

def load_config(overrides: list[str]) -> dict[str, Any]:
    cfg: dict[str, Any] = json.loads((HERE / "config.json").read_text(encoding="utf-8"))
    for o in overrides:
        k, v = o.split("=", 1)
        try:
            cfg[k] = json.loads(v)
        except json.JSONDecodeError:
            cfg[k] = v
    return cfg


def reports(cfg: dict[str, Any]) -> list[Path]:
    dev = {ln.strip() for ln in (ROOT / cfg["devtest"]).read_text(encoding="utf-8").splitlines() if ln.strip()}
    gold = ROOT / cfg["gold_findings"]
    out = [p for p in sorted((ROOT / cfg["reports"]).iterdir())
           if p.suffix in cfg["formats"] and p.name not in dev and (gold / f"{p.name}.json").exists()]
    return out[: cfg["max_reports"]] if cfg.get("max_reports") else out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--out", default=str(HERE / "results"))
    args = ap.parse_args()
    cfg = load_config(args.set)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    rng = random.Random(cfg["seed"])
    dev = {ln.strip() for ln in (ROOT / cfg["devtest"]).read_text(encoding="utf-8").splitlines() if ln.strip()}

    docs: list[dict[str, Any]] = []
    for p in reports(cfg):
        assert p.name not in dev
        text = p.read_text(encoding="utf-8")
        base = analyze(text, p.name)
        if base.report.meta.template not in cfg["templates"]:
            continue
        heads = heads_of(base.report)
        if len(heads) < 4:  # too few headings found as written to perturb
            continue
        gold = json.loads((ROOT / cfg["gold_findings"] / f"{p.name}.json").read_text(encoding="utf-8"))["findings"]
        docs.append({"name": p.name, "text": text, "base": base, "heads": heads, "gold": gold,
                     "hits": gold_hits(base, gold)})

    rows: list[dict[str, Any]] = []
    for fam in cfg["families"]:
        fn = FAMILIES[fam]
        for d in docs:
            for v in range(cfg["variants_per_report"]):
                vr = random.Random(f"{cfg['seed']}/{fam}/{d['name']}/{v}")
                desc, edits, removed = fn(d["text"], d["base"].report, d["heads"], vr)
                if not edits:
                    continue
                new_text = apply(d["text"], edits)
                a = analyze(new_text, d["name"])
                b = d["base"]
                bc, ac = claims(b), claims(a)
                extra = list((ac - bc).elements())
                bn, an = notices(b), notices(a)
                msgs = {key(f): f.message for f in a.findings or [] if f.status == "fail"}
                lost_gold = [d["gold"][gi]["rule"] + " " + str(d["gold"][gi].get("instance") or "")
                             for gi, k in d["hits"] if ac[k] == 0]
                lost_heading = sorted((headed(b) - removed) - headed(a))
                rows.append({
                    "family": fam, "doc": d["name"], "variant": v, "perturbation": desc,
                    "false_alarms": [{"rule": k[0], "instance": k[1], "expected": k[2], "observed": k[3],
                                      "message": msgs.get(k, "")[:160]} for k in extra],
                    "new_notices": [f"{k[0]} {k[1]}" for k in (an - bn).elements()],
                    "gone_claims": [f"{k[0]} {k[1]}" for k in (bc - ac).elements()],
                    "gold_found_as_written": len(d["hits"]), "gold_lost": lost_gold,
                    "headings_lost": lost_heading,
                    "boundaries_moved": boundaries_moved(b, a, edits, removed),
                    "sections_missing": sorted(found(b) - found(a)),
                    "model_placed": sorted(s.id for s in a.report.sections if s.origin == "model"),
                })
    rng.random()  # the seed is recorded; variants draw from per-(family, report, variant) seeds

    table = []
    for fam in cfg["families"]:
        rs = [r for r in rows if r["family"] == fam]
        fa = Counter(family_of(x["rule"]) for r in rs for x in r["false_alarms"])
        table.append({
            "family": fam, "variants": len(rs), "reports": len({r["doc"] for r in rs}),
            "false_alarms": sum(len(r["false_alarms"]) for r in rs),
            "variants_with_false_alarm": sum(1 for r in rs if r["false_alarms"]),
            "false_alarms_by_rule_family": dict(sorted(fa.items())),
            "new_notices": sum(len(r["new_notices"]) for r in rs),
            "gold_found_as_written": sum(r["gold_found_as_written"] for r in rs),
            "gold_lost": sum(len(r["gold_lost"]) for r in rs),
            "headings_lost": sum(len(r["headings_lost"]) for r in rs),
            "sections_missing": sum(len(r["sections_missing"]) for r in rs),
            "boundaries_moved": sum(len(r["boundaries_moved"]) for r in rs),
        })
    def bad(r: dict[str, Any]) -> int:
        return (3 * len(r["false_alarms"]) + 3 * len(r["gold_lost"]) + len(r["headings_lost"])
                + len(r["sections_missing"]) + len(r["boundaries_moved"]))

    worst = [r for r in sorted(rows, key=lambda r: -bad(r)) if bad(r)]
    worst = worst[: cfg["worst_examples"]]
    elapsed = time.time() - t0
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = "unknown"
    metrics = {"config": cfg, "reports": [d["name"] for d in docs], "table": table, "seconds": round(elapsed, 1),
               "git_commit": commit, "python": platform.python_version()}
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    with (out / "variants.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    lines = [f"# Robustness of the checks to heading variation (seed {cfg['seed']})", "",
             f"{len(docs)} real non-devtest reports with gold findings, {cfg['variants_per_report']} variants per "
             f"report and family; commit {commit[:12]}; {elapsed:.0f} s.", "",
             "| family | variants | false alarms | variants with one | by rule family | new notices | "
             "gold found as written | gold lost | headings lost | sections missing | boundaries moved |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for t in table:
        byf = ", ".join(f"{k} {v}" for k, v in t["false_alarms_by_rule_family"].items()) or "—"
        lines.append(f"| {t['family']} | {t['variants']} | {t['false_alarms']} | {t['variants_with_false_alarm']} | "
                     f"{byf} | {t['new_notices']} | {t['gold_found_as_written']} | {t['gold_lost']} | "
                     f"{t['headings_lost']} | {t['sections_missing']} | {t['boundaries_moved']} |")
    tot = {k: sum(t[k] for t in table) for k in ("variants", "false_alarms", "gold_lost", "headings_lost",
                                                  "sections_missing", "new_notices", "boundaries_moved")}
    lines += [f"| **all** | {tot['variants']} | {tot['false_alarms']} | | | {tot['new_notices']} | | "
              f"{tot['gold_lost']} | {tot['headings_lost']} | {tot['sections_missing']} | {tot['boundaries_moved']} |",
              "",
              "## Worst variants", ""]
    if not worst:
        lines.append("None: no variant raised a false alarm, lost a gold finding or a heading.")
    for r in worst:
        lines.append(f"- **{r['family']}** {r['doc']} (variant {r['variant']}: {r['perturbation']}): "
                     f"false alarms {[x['rule'] + ' ' + x['instance'] for x in r['false_alarms']]}, "
                     f"gold lost {r['gold_lost']}, headings lost {r['headings_lost']}, "
                     f"sections missing {r['sections_missing']}, boundaries moved {r['boundaries_moved']}, "
                     f"model placed {r['model_placed']}")
        for x in r["false_alarms"][:3]:
            lines.append(f"  - {x['rule']}: {x['message']}")
    (out / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
