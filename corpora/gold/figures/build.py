"""Build corpora/gold/figures/<doc>.jsonl from the hand-written sources in src/<doc>.txt.

The source lists, for every figure a person found by reading the report, a context snippet
with the figure marked as [[…]], then the fields:

    context [[span]] ; subject ; predicate ; metric|- ; extras

extras (space-separated, optional): #tag (name this figure), ^tag (its total), v=VALUE (for
Chinese numerals), k=rate, ch=CHANNEL, sc=SCOPE, per=PERIOD, occ=N (the N-th occurrence of the
context, 1-based), item=N. A span starting with 未/无/没有 is a zero claim (value 0, negated).

This script only locates the hand-marked spans in the source text (so that offsets are exact)
and splits a digit span into value/unit; it never runs the extractor.
Run: python corpora/gold/figures/build.py
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPORA = HERE.parent.parent
FULL = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
NUM = re.compile(r"^([0-9０-９][0-9０-９,，.． ]*)(余|多)?\s*(万|亿)?(余|多)?\s*(.*)$")
CN = re.compile(r"^([零〇一二两三四五六七八九十百千]+)(余|多)?(万|亿)?(.*)$")
SCALE = {"万": 10000, "亿": 100000000}


def find_doc(name: str) -> Path:
    for sub in ("reports/seeds", "reports/real"):
        p = CORPORA / sub / name
        if p.exists():
            return p
    raise SystemExit(f"no report named {name}")


def build(src: Path) -> list[dict]:
    doc = src.name[:-4]
    text = find_doc(doc).read_text(encoding="utf-8")
    rows = []
    for ln, line in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#!"):
            continue
        parts = [p.strip() for p in line.split(" ; ")]
        if len(parts) < 4:
            raise SystemExit(f"{src}:{ln}: expected 'context ; subject ; predicate ; metric [; extras]'")
        ctx, subject, predicate, metric = parts[:4]
        extras = parts[4].split() if len(parts) > 4 else []
        ex = {e.split("=", 1)[0]: e.split("=", 1)[1] for e in extras if "=" in e}
        tags = [e[1:] for e in extras if e.startswith("#")]
        par = [e[1:] for e in extras if e.startswith("^")]
        m = re.search(r"\[\[(.+?)\]\]", ctx)
        if not m:
            raise SystemExit(f"{src}:{ln}: no [[span]]")
        plain = ctx.replace("[[", "").replace("]]", "").replace("⏎", "\n")
        occ = int(ex.get("occ", "1"))
        pos, k = -1, 0
        while k < occ:
            pos = text.find(plain, pos + 1)
            if pos < 0:
                raise SystemExit(f"{src}:{ln}: context not found (occ {k + 1}): {plain!r}")
            k += 1
        if occ == 1 and text.find(plain, pos + 1) >= 0 and "occ" not in ex:
            raise SystemExit(f"{src}:{ln}: context not unique: {plain!r}")
        span = m.group(1).replace("⏎", "\n")
        start = pos + len(ctx[: m.start()].replace("⏎", "\n"))
        end = start + len(span)
        assert text[start:end] == span, (src, ln)
        negated = span.startswith(("未", "无", "没有", "不"))
        scale = approx = None
        if negated:
            value, unit = Decimal(0), ""
        else:
            mm = NUM.match(span.translate(FULL))
            if mm:
                value = Decimal(mm.group(1).replace(",", "").replace(" ", "").strip())
                approx = mm.group(2) or mm.group(4)
                scale = SCALE.get(mm.group(3) or "")
                unit = mm.group(5).strip()
                if scale and unit == "元":  # 1万元: the unit is 万元 (lexicon), not a scale
                    unit, scale = "万元", None
            else:
                mc = CN.match(span)
                if not mc or "v" not in ex:
                    raise SystemExit(f"{src}:{ln}: Chinese numeral {span!r} needs v=")
                value = Decimal(ex["v"])
                approx = mc.group(2)
                scale = SCALE.get(mc.group(3) or "")
                unit = mc.group(4).strip()
        if unit in ("%", "％", "成", "个百分点"):
            kind = ex.get("k", "percent")
        elif unit in ("元", "万元", "亿元"):
            kind = "amount"
        else:
            kind = "count"
        rows.append({
            "doc": doc, "start": start, "end": end, "text": span, "value": str(value), "unit": unit, "kind": kind,
            "scale": scale, "approx": approx, "subject": None if subject in ("", "-") else subject,
            "predicate": None if predicate in ("", "-") else predicate, "channel": ex.get("ch"),
            "scope": ex.get("sc"), "period": ex.get("per"), "polarity": "negated" if negated else "positive",
            "metric": None if metric in ("", "-") else metric, "item": int(ex["item"]) if "item" in ex else None,
            "_tags": tags, "_par": par[0] if par else None, "_line": ln,
        })
    rows.sort(key=lambda r: r["start"])
    for a, b in zip(rows, rows[1:]):
        if b["start"] < a["end"]:
            raise SystemExit(f"{src}: overlapping spans at lines {a['_line']} and {b['_line']}")
    tagmap = {}
    for i, r in enumerate(rows, 1):
        r["id"] = f"g{i}"
        for t in r["_tags"]:
            tagmap[t] = r["id"]
    byid = {r["id"]: r for r in rows}
    for r in rows:
        r["parent"] = tagmap.get(r["_par"]) if r["_par"] else None
    for r in rows:  # parts inherit what they do not state themselves (guidelines §5)
        p = byid.get(r["parent"]) if r["parent"] else None
        if r["predicate"] == "^":
            r["predicate"] = p["predicate"] if p else None
        if p is not None:
            for k in ("channel", "scope", "period"):
                if r[k] is None:
                    r[k] = p[k]
    out = []
    for r in rows:
        if r["_par"] and r["_par"] not in tagmap:
            raise SystemExit(f"{src}:{r['_line']}: unknown parent tag {r['_par']}")
        r["parent"] = tagmap.get(r["_par"]) if r["_par"] else None
        out.append({k: r[k] for k in ("doc", "id", "start", "end", "text", "value", "unit", "kind", "scale", "approx",
                                      "subject", "predicate", "channel", "scope", "period", "polarity", "parent",
                                      "item", "metric")})
    return out


def main(argv: list[str]) -> None:
    srcs = [Path(a) for a in argv] or sorted((HERE / "src").glob("*.txt"))
    for src in srcs:
        rows = build(src)
        name = rows[0]["doc"] if rows else src.stem
        dest = HERE / f"{name}.jsonl"
        dest.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{dest.name}: {len(rows)} figures", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
