"""Experiment: narrative figures against hand-made gold (corpora/gold/figures).

Scores, per system, exact-match P/R/F1 on (span, value, unit) and, on matched figures, the
accuracy of subject, predicate, metric and parent (plus polarity, channel, scope, period for
information); the extractor's speed in narrative sentences per second; and a guard over the
whole corpus: no year, hotline, postcode, phone or document/article number is reported.

Run: python experiments/figures/run.py [--set key=value ...]  (writes results/)
"""

from __future__ import annotations

import argparse
import difflib
import json
import platform
import random
import re
import subprocess
import sys
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
HERE = Path(__file__).resolve().parent

FIELDS = ("subject", "predicate", "metric", "parent")
INFO_FIELDS = ("polarity", "channel", "scope", "period")


def load_config(overrides: list[str]) -> dict[str, Any]:
    cfg = json.loads((HERE / "config.json").read_text(encoding="utf-8"))
    for o in overrides:
        k, v = o.split("=", 1)
        d = cfg
        *path, last = k.split(".")
        for p in path:
            d = d.setdefault(p, {})
        try:
            d[last] = json.loads(v)
        except json.JSONDecodeError:
            d[last] = v
    return cfg


def find_report(name: str, cfg: dict[str, Any]) -> Path:
    for d in cfg["reports"]:
        p = ROOT / d / name
        if p.exists():
            return p
    raise FileNotFoundError(name)


def outside_chrome(path: Path) -> tuple[str, list[tuple[str | None, int, int]]]:
    """The report text and its narrative spans: outside tables, crawler headers and page chrome
    (``gsnlp.figures.extractor.report_spans`` over ``gsnlp.read``; the same spans as the CLI)."""
    try:
        import gsnlp

        from gsnlp.figures.extractor import report_spans

        rep = gsnlp.read(path)
        return rep.text, report_spans(rep)
    except ImportError:  # the reader is missing in a partial build
        from gsnlp.figures import fallback_spans

        text = path.read_text(encoding="utf-8")
        return text, fallback_spans(text)


# ----------------------------------------------------------------------------- systems

def sys_gsnlp(text: str, spans: list, doc: str) -> list[dict[str, Any]]:
    from gsnlp.figures import extract

    return [f.to_dict() for f in extract(text, spans, doc)]


def _units() -> list[str]:
    from gsnlp.figures.lexicon import lexicon

    return sorted(lexicon().units, key=len, reverse=True)


def sys_regex_cn2an(text: str, spans: list, doc: str) -> list[dict[str, Any]]:
    """Baseline: number + unit regex (no filters, no negation, no context); cn2an on the match."""
    import cn2an

    units = "|".join(map(re.escape, _units()))
    rx = re.compile(rf"([0-9０-９]+(?:[,，][0-9]{{3}})*(?:[.．][0-9]+)?|[零〇一二两三四五六七八九十百千万]+)\s*(万|亿)?\s*({units})")
    out = []
    for _s, a, b in spans:
        for m in rx.finditer(text, a, b):
            num = m.group(1).translate(str.maketrans("０１２３４５６７８９．，", "0123456789.,")).replace(",", "")
            try:
                v = Decimal(num) if num[0].isdigit() else Decimal(int(cn2an.cn2an(num, "smart")))
            except (InvalidOperation, ValueError):
                continue
            unit = m.group(3)
            if m.group(2) and (m.group(2) + unit) in _units():
                unit = m.group(2) + unit
            out.append({"start": m.start(), "end": m.end(), "value": str(v), "unit": unit})
    return out


def sys_recognizers(text: str, spans: list, doc: str) -> list[dict[str, Any]]:
    """Baseline: Microsoft Recognizers-Text number model (Culture.Chinese); an adjacent unit is attached."""
    import emoji

    if not hasattr(emoji, "UNICODE_EMOJI"):  # recognizers-text 1.0.2 imports a name emoji 2.x removed
        emoji.UNICODE_EMOJI = emoji.EMOJI_DATA  # type: ignore[attr-defined]
    from recognizers_number import recognize_number
    from recognizers_text import Culture

    units = _units()
    out = []
    for _s, a, b in spans:
        seg = text[a:b]
        for r in recognize_number(seg, Culture.Chinese):
            s0, e0 = a + r.start, a + r.end + 1
            v = r.resolution.get("value") if r.resolution else None
            if v is None:
                continue
            rest = text[e0:e0 + 4].lstrip(" ")
            gap = len(text[e0:e0 + 4]) - len(rest)
            unit = next((u for u in units if rest.startswith(u)), "")
            end = e0 + gap + len(unit) if unit else e0
            try:
                val = Decimal(str(v).replace(",", ""))
            except InvalidOperation:
                continue
            if str(v).endswith("%"):
                continue
            out.append({"start": s0, "end": end, "value": str(val), "unit": unit})
    return out


def sys_cn2an_transform(text: str, spans: list, doc: str) -> list[dict[str, Any]]:
    """Baseline: cn2an.transform over whole sentences, then a digit + unit regex; offsets mapped back
    through a character alignment of the original and transformed sentence."""
    import cn2an

    units = "|".join(map(re.escape, _units()))
    rx = re.compile(rf"(\d+(?:\.\d+)?)\s*(万|亿)?\s*({units})")
    out = []
    for _s, a, b in spans:
        for sm in re.finditer(r"[^。！？；\n]+", text[a:b]):
            s0 = a + sm.start()
            orig = sm.group(0)
            try:
                tr = cn2an.transform(orig, "cn2an")
            except Exception:  # noqa: BLE001
                continue
            sm_ = difflib.SequenceMatcher(None, orig, tr, autojunk=False)
            back: dict[int, int] = {}
            for tag, i1, i2, j1, j2 in sm_.get_opcodes():
                for j in range(j1, j2 + 1):
                    back.setdefault(j, i1 if tag != "equal" else i1 + (j - j1))
            for m in rx.finditer(tr):
                st = back.get(m.start(), 0)
                en = back.get(m.end(), len(orig))
                if tr[m.start()] != orig[st:st + 1]:  # converted from Chinese: the whole replaced run
                    for tag, i1, i2, j1, j2 in sm_.get_opcodes():
                        if j1 <= m.start() < j2 and tag != "equal":
                            st = i1
                        if j1 < m.end() <= j2 and tag != "equal":
                            en = i2 + len(m.group(3)) if m.end() == j2 else en
                unit = m.group(3)
                if m.group(2) and (m.group(2) + unit) in _units():
                    unit = m.group(2) + unit
                out.append({"start": s0 + st, "end": s0 + en, "value": str(Decimal(m.group(1))), "unit": unit})
    return out


SYSTEMS = {"gsnlp": sys_gsnlp, "regex_cn2an": sys_regex_cn2an, "recognizers_number": sys_recognizers,
           "cn2an_transform": sys_cn2an_transform}


# ----------------------------------------------------------------------------- scoring

def key(f: dict[str, Any]) -> tuple[int, int, str, str]:
    return (f["start"], f["end"], str(Decimal(f["value"]).normalize()), f.get("unit") or "")


def score(gold: dict[str, list], pred: dict[str, list]) -> dict[str, Any]:
    tp = fp = fn = 0
    agree = {k: [0, 0] for k in FIELDS + INFO_FIELDS + ("metric_nonnull",)}
    errors: list[dict[str, Any]] = []
    for doc, g in gold.items():
        p = pred.get(doc, [])
        gk = {key(f): f for f in g}
        pk = {key(f): f for f in p}
        gspan = {f["id"]: (f["start"], f["end"]) for f in g}
        pspan = {f.get("id"): (f["start"], f["end"]) for f in p}
        for k, f in gk.items():
            if k in pk:
                tp += 1
                q = pk[k]
                for fld in FIELDS + INFO_FIELDS:
                    if fld == "parent":
                        gv = gspan.get(f["parent"]) if f.get("parent") else None
                        pv = pspan.get(q.get("parent")) if q.get("parent") else None
                    else:
                        gv, pv = f.get(fld), q.get(fld)
                        if fld == "polarity":
                            pv = pv or "positive"
                    agree[fld][1] += 1
                    if fld == "metric" and gv is not None:  # the metric where the gold has one
                        agree["metric_nonnull"][1] += 1
                        agree["metric_nonnull"][0] += gv == pv
                    if gv == pv:
                        agree[fld][0] += 1
                    elif fld in FIELDS:
                        errors.append({"doc": doc, "text": f["text"], "field": fld, "gold": gv, "pred": pv})
            else:
                fn += 1
                errors.append({"doc": doc, "text": f["text"], "start": f["start"], "field": "missed",
                               "gold": [f["value"], f["unit"]]})
        for k, q in pk.items():
            if k not in gk:
                fp += 1
                errors.append({"doc": doc, "start": q["start"], "field": "spurious", "pred": [q["value"], q["unit"]],
                               "text": q.get("text")})
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    acc = {k: (a / n if n else None) for k, (a, n) in agree.items()}
    return {"tp": tp, "fp": fp, "fn": fn, "precision": prec, "recall": rec, "f1": f1, "field_accuracy": acc,
            "errors": errors}


# ----------------------------------------------------------------------------- speed & guard

def narrative_sentences(cfg: dict[str, Any]) -> list[str]:
    sents = []
    for d in cfg["reports"]:
        for p in sorted((ROOT / d).iterdir()):
            if p.suffix not in (".txt", ".md"):
                continue
            text, spans = outside_chrome(p)
            for _s, a, b in spans:
                sents.extend(s for s in re.split(r"[。！？；\n]", text[a:b]) if len(s.strip()) >= 4)
    return sents


def speed(cfg: dict[str, Any]) -> dict[str, Any]:
    from gsnlp.figures import extract

    sents = narrative_sentences(cfg)
    random.Random(cfg["seed"]).shuffle(sents)
    base = list(sents)
    while len(sents) < cfg["speed"]["min_sentences"]:
        sents += base
    from gsnlp.figures.extractor import _predicate_tail

    for s in sents[:200]:  # warm up: lexicon, compiled regexes, jieba dictionary
        extract(s)
    best = None
    for _ in range(cfg["speed"]["repeats"]):
        _predicate_tail.cache_clear()  # no memo carried over between repeats of the same sentences
        t0 = time.perf_counter()
        n_fig = 0
        for s in sents:
            n_fig += len(extract(s))
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return {"sentences": len(sents), "distinct_sentences": len(base), "seconds": best,
            "sentences_per_second": len(sents) / best, "figures": n_fig}


_NOT_FIGURE = [
    ("year", re.compile(r"^(?:19|20)\d{2}$")),
    ("hotline", re.compile(r"^(?:12345|12315|12369|12366|12388|12333|110|120|119)$")),
    ("postcode_or_phone", re.compile(r"^\d{6,}$")),
]


def guard(cfg: dict[str, Any]) -> dict[str, Any]:
    """Over every corpus report: no figure is a year, a hotline, a phone/postcode, a document
    number (〔2021〕30号, 令第711号) or an article number (第二十条)."""
    from gsnlp.figures import extract

    bad, n, docs = [], 0, 0
    for d in cfg["reports"]:
        for p in sorted((ROOT / d).iterdir()):
            try:
                text, spans = outside_chrome(p)
            except Exception:  # noqa: BLE001
                continue
            docs += 1
            for f in extract(text, spans, p.name):
                n += 1
                num = re.sub(r"[^\d]", "", f.text.split(".")[0]) if f.polarity == "positive" else ""
                after = text[f.end:f.end + 2]
                before = text[max(0, f.start - 3):f.start]
                why = None
                for name, rx in _NOT_FIGURE:
                    if num and rx.match(num) and not f.unit:
                        why = name
                if re.match(r"\s*(?:年|号|〕|\])", text[f.start + len(f.text.rstrip(f.unit)) - 0:][:2]) and not f.unit:
                    why = "year_or_number"
                if "〔" in before or "第" in before[-1:] or after.startswith("号") or f.unit == "" and after.startswith("年"):
                    why = why or "document_or_article_number"
                if f.unit and re.fullmatch(r"(?:19|20)\d{2}", num or "") and f.unit in ("年",):
                    why = "year"
                if num in ("12345", "12315") or re.search(r"热线|电话|邮编", text[max(0, f.start - 6):f.start]) and len(num) >= 5:
                    why = why or "hotline_or_phone"
                if why:
                    bad.append({"doc": p.name, "text": f.text, "start": f.start, "why": why})
    return {"docs": docs, "figures": n, "violations": bad}


# ----------------------------------------------------------------------------- main

def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", action="append", default=[], help="config override key=value (dotted keys)")
    args = ap.parse_args(argv)
    cfg = load_config(args.set)
    random.seed(cfg["seed"])
    gold_dir = ROOT / cfg["gold"]
    gold: dict[str, list] = {}
    inputs: dict[str, tuple[str, list]] = {}
    for gp in sorted(gold_dir.glob("*.jsonl")):
        doc = gp.name[: -len(".jsonl")]
        gold[doc] = [json.loads(line) for line in gp.read_text(encoding="utf-8").splitlines() if line.strip()]
        inputs[doc] = outside_chrome(find_report(doc, cfg))
    results: dict[str, Any] = {}
    held = set(cfg.get("late", []))
    devtest = set((ROOT / "corpora/devtest.txt").read_text(encoding="utf-8").split())
    new = set(cfg.get("binding", {}).get("new_train_docs", [])) | devtest  # gold added for issue 14
    old = set(gold) - new
    splits = {"all": set(gold), "dev": old - held, "late": old & held, "old": old,
              "new_train": set(gold) & (new - devtest), "devtest": set(gold) & devtest}
    for name in cfg["systems"]:
        fn = SYSTEMS[name]
        pred = {}
        for doc, (text, spans) in inputs.items():
            pred[doc] = fn(text, spans, doc)
        for split, docs in splits.items():
            if docs:
                results[f"{name}|{split}"] = score({d: gold[d] for d in docs}, pred)
    sp = speed(cfg)
    gd = guard(cfg)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = ""
    env = {"python": sys.version.split()[0], "platform": platform.platform(), "commit": commit or None}
    for mod in ("jieba", "cn2an", "spacy", "recognizers_number"):
        try:
            m = __import__(mod)
            env[mod] = getattr(m, "__version__", "?")
        except ImportError:
            env[mod] = None
    metrics = {"config": cfg, "env": env, "gold_docs": {d: len(g) for d, g in gold.items()},
               "gold_figures": sum(len(g) for g in gold.values()),
               "systems": {k: {kk: vv for kk, vv in v.items() if kk != "errors"} for k, v in results.items()},
               "speed": sp, "guard": {"docs": gd["docs"], "figures": gd["figures"], "violations": gd["violations"]}}
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "errors.jsonl").write_text("".join(json.dumps({"system": k.split("|")[0], **e}, ensure_ascii=False) + "\n"
                                              for k, v in results.items() if k.endswith("|all")
                                              for e in v["errors"]), encoding="utf-8")
    lines = ["| system | split | gold | P | R | F1 (span+value+unit) | subject | predicate | metric | metric (gold ≠ null) "
             "| parent | polarity |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    fmt = lambda x: "—" if x is None else f"{x:.3f}"  # noqa: E731
    for split in ("all", "old", "dev", "late", "new_train", "devtest"):
        for k, v in results.items():
            name, ksplit = k.split("|")
            if ksplit != split:
                continue
            a = v["field_accuracy"]
            n = v["tp"] + v["fn"]
            lines.append(f"| {name} | {split} | {n} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | "
                         f"{fmt(a['subject'])} | {fmt(a['predicate'])} | {fmt(a['metric'])} | "
                         f"{fmt(a['metric_nonnull'])} | {fmt(a['parent'])} | "
                         f"{fmt(a['polarity'])} |")
    lines += ["", f"Gold: {metrics['gold_figures']} figures in {len(gold)} reports "
              f"('late': annotated after a freeze of the extractor, then also used for fixes: "
              f"{', '.join(sorted(held)) or 'none'}; scores at the freeze: README.md). 'old': the 22 reports with gold "
              f"before issue 14 ('dev' + 'late'); 'new_train': 4 new reports annotated for issue 14; 'devtest': the 11 "
              f"development-test reports of corpora/devtest.txt (never used for tuning).",
              f"Speed (gsnlp core, one call per sentence): {sp['sentences_per_second']:.0f} sentences/s "
              f"({sp['sentences']} sentences, best of {cfg['speed']['repeats']}).",
              f"Guard over {gd['docs']} corpus reports, {gd['figures']} figures: {len(gd['violations'])} year/hotline/"
              f"document-number violations."]
    (out / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
