"""Synthetic reports with exact gold: ``synth_report(seed, index, ...)`` and ``write_corpus``.

Each report is a pure function of ``(seed, index, formats, inject)``: its random generator is
seeded with ``f"{seed}:{index}"``, so any report can be regenerated alone and a corpus is
byte-identical on every run. Text formats place the tables in one of the corpus' text
layouts (``gsnlp.synth.layouts``); DOCX, HTML and PDF go through ``gsnlp.render``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from gsnlp.render._layout import SECTION_HEADINGS
from gsnlp.synth import narrative as nar
from gsnlp.synth.layouts import LAYOUTS, render_tables, run_together_unique
from gsnlp.synth.values import LEVEL_WEIGHTS, LEVELS, check_identities, draw_tables
from gsnlp.tables.template import TABLE_IDS

FORMATS = ("txt", "docx", "html", "pdf")
GOLD_SCHEMA = "gsnlp.gold.tables/1"
SYNTH_SCHEMA = "gsnlp.synth/1"
# the contradictions that can be injected, each as a RULES.md rule id it must trip
INJECTABLE = ("t3.identity", "t3.results_total", "t3.cross_foot", "t4.block_total", "t4.total_left_zero",
              "nt.applications_received", "nt.applications_processed", "nt.outcome_breakdown",
              "nt.review_litigation", "nt.zero_claims")


@dataclass(frozen=True)
class SynthReport:
    doc: str
    index: int
    format: str
    layout: str | None
    template: str
    level: str
    agency: str
    year: int
    tables: dict[str, dict[str, str]]
    data: bytes
    themes: tuple[str, ...] = ()
    injected: dict[str, Any] | None = None
    said: dict[str, str] = field(default_factory=dict)

    def gold(self, seed: int) -> dict[str, Any]:
        """The gold tables file (corpora/gold/tables/FORMAT.md) of what the report states."""
        tabs = {t: {a: {"kind": "number", "value": v} for a, v in self.tables[t].items()} for t in TABLE_IDS}
        notes = [f"synthetic: layout {self.layout or self.format}, level {self.level}"]
        if self.injected:
            notes.append(f"injected contradiction {self.injected['rule']}: {self.injected['what']}")
        return {"schema": GOLD_SCHEMA, "doc": self.doc, "template": self.template,
                "made_by": f"gsnlp synth (seed {seed}, report {self.index}): the values the generator drew and printed",
                "checked_by": "the generator's own identity check (gsnlp.synth.values.check_identities, independent "
                              "of gsnlp.check): every identity holds except the injected one",
                "tables": tabs, "notes": notes}

    def meta(self, seed: int) -> dict[str, Any]:
        return {"schema": SYNTH_SCHEMA, "doc": self.doc, "seed": seed, "index": self.index, "format": self.format,
                "layout": self.layout, "template": self.template, "level": self.level, "agency": self.agency,
                "year": self.year, "themes": list(self.themes), "said": self.said, "injected": self.injected}


def _said(tables: dict[str, dict[str, str]], rng: random.Random) -> dict[str, str]:
    app, rev, act = tables["applications"], tables["review_litigation"], tables["active_disclosure"]
    leg = sum(Decimal(app[f"new_received/{c}"]) for c in ("commercial", "research", "social_welfare", "legal_service",
                                                           "other_org"))
    said = {"new_received": app["new_received/total"], "natural_person": app["new_received/natural_person"],
            "legal_persons": str(leg), "total_processed": app["total_processed/total"],
            "granted": app["granted/total"], "review": rev["review/total"],
            "litigation": str(Decimal(rev["litigation_direct/total"]) + Decimal(rev["litigation_after_review/total"])),
            "active_items": str(rng.randint(20, 3000))}
    if "normative_documents/issued" in act:
        said["normative_documents_issued"] = act["normative_documents/issued"]
    return said


def _bump(d: dict[str, str], addr: str, k: int) -> None:
    d[addr] = str(Decimal(d[addr]) + k)


def _inject(rule: str, tables: dict[str, dict[str, str]], said: dict[str, str], rng: random.Random,
            template: str) -> dict[str, Any]:
    """Change the tables or what the narrative says so that exactly this contradiction appears."""
    app, rev = tables["applications"], tables["review_litigation"]
    k = rng.randint(1, 5)
    if rule == "nt.outcome_breakdown" and said["total_processed"] == "0":
        rule = "nt.applications_received"
    if rule == "nt.applications_processed" and said["total_processed"] == "0":
        rule = "nt.applications_received"
    if rule == "t3.identity":
        _bump(app, "carried_forward/natural_person", k)
        _bump(app, "carried_forward/total", k)
        said["total_processed"] = app["total_processed/total"]
        return {"rule": rule, "what": f"结转下年度 natural_person and total raised by {k}",
                "cells": ["applications/carried_forward/natural_person", "applications/carried_forward/total"]}
    if rule == "t3.results_total":
        _bump(app, "granted/natural_person", k)
        _bump(app, "granted/total", k)
        said["granted"] = app["granted/total"]
        return {"rule": rule, "what": f"予以公开 natural_person and total raised by {k} (总计 row unchanged)",
                "cells": ["applications/granted/natural_person", "applications/granted/total"]}
    if rule == "t3.cross_foot":
        k = min(k, int(app["partially_granted/total"])) or k
        if Decimal(app["partially_granted/total"]) >= k:
            _bump(app, "granted/total", k)
            _bump(app, "partially_granted/total", -k)
            said["granted"] = app["granted/total"]
            return {"rule": rule, "what": f"总计 column: 予以公开 +{k}, 部分公开 −{k} (column sums still hold)",
                    "cells": ["applications/granted/total", "applications/partially_granted/total"]}
        _bump(app, "carried_over/total", k)
        _bump(app, "carried_forward/total", k)
        return {"rule": rule, "what": f"总计 column: 上年结转 +{k}, 结转下年度 +{k} (column identity still holds)",
                "cells": ["applications/carried_over/total", "applications/carried_forward/total"]}
    if rule == "t4.block_total":
        _bump(rev, "review/total", k)
        said["review"] = rev["review/total"]
        return {"rule": rule, "what": f"行政复议 总计 raised by {k}", "cells": ["review_litigation/review/total"]}
    if rule == "t4.total_left_zero":
        if rev["review/total"] == "0":
            _bump(rev, "review/upheld", k)
        rev["review/total"] = "0"
        said["review"] = str(sum(Decimal(rev[f"review/{c}"]) for c in ("upheld", "corrected", "other", "pending")))
        return {"rule": rule, "what": "行政复议 总计 printed as 0 while its parts sum to " + said["review"],
                "cells": ["review_litigation/review/total"]}
    if rule == "nt.applications_received":
        table = said["new_received"]
        said["new_received"] = str(Decimal(table) + k)
        said.pop("legal_persons", None)
        return {"rule": rule, "what": f"narrative says {said['new_received']} applications received, table {table}",
                "cells": ["applications/new_received/total"], "stated": said["new_received"], "table": table}
    if rule == "nt.applications_processed":
        table = said["total_processed"]
        said["total_processed"] = str(Decimal(table) + k)
        return {"rule": rule, "what": f"narrative says {said['total_processed']} applications processed, table {table}",
                "cells": ["applications/total_processed/total"], "stated": said["total_processed"], "table": table}
    if rule == "nt.outcome_breakdown":
        table = said["granted"]
        said["granted"] = str(Decimal(table) + k)
        return {"rule": rule, "what": f"narrative says {said['granted']} granted, table {table}",
                "cells": ["applications/granted/total"], "stated": said["granted"], "table": table}
    if rule == "nt.review_litigation":
        table = said["review"]
        said["review"] = str(Decimal(table) + k)
        return {"rule": rule, "what": f"narrative says 行政复议 {said['review']}, table {table}",
                "cells": ["review_litigation/review/total"], "stated": said["review"], "table": table}
    if rule == "nt.zero_claims":
        if said["new_received"] != "0":
            table = said["new_received"]
            said["new_received"] = "0"
            return {"rule": rule, "what": f"narrative says 未收到政府信息公开申请, table new_received/total {table}",
                    "cells": ["applications/new_received/total"], "stated": "0", "table": table}
        _bump(rev, "review/upheld", k)
        _bump(rev, "review/total", k)
        said["review"], said["litigation"] = "0", "0"
        return {"rule": rule, "what": f"narrative says 未发生行政复议、行政诉讼, table review/total {rev['review/total']}",
                "cells": ["review_litigation/review/total"], "stated": "0", "table": rev["review/total"]}
    from gsnlp.errors import UnknownNameError

    raise UnknownNameError("injectable rule", rule, INJECTABLE)


def _body(rng: random.Random, agency: str, year: int, template: str, tables: dict[str, dict[str, str]],
          said: dict[str, str]) -> tuple[list[tuple[str | None, str]], list[str]]:
    """(section id or None, paragraph) in order; tables are the section ids active_disclosure …"""
    short = rng.choice(("我单位", "本机关", agency.replace("人民政府", "政府") if agency.endswith("人民政府") else "我局"))
    basis = "国办公开办函〔2021〕30号" if template == "2021" else "国办公开办函〔2019〕60号"
    parts: list[tuple[str | None, str]] = [(None, f"{agency}{year}年政府信息公开工作年度报告")]
    parts.append((None, rng.choice((
        "本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》（{b}）要求编制。",
        "按照《中华人民共和国政府信息公开条例》规定和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开"
        "工作年度报告格式〉的通知》（{b}）要求，现发布本报告。")).format(b=basis)
        + f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"))
    prob, themes = nar.problems(rng, year)
    for sid, heading in SECTION_HEADINGS:
        parts.append((sid, heading))
        if sid == "overview":
            parts += [(None, p) for p in nar.overview(rng, year, short, tables, said)]
        elif sid == "problems":
            parts += [(None, p) for p in prob]
        elif sid == "other_matters":
            parts += [(None, p) for p in nar.other_matters(rng, year)]
    parts.append((None, agency))
    parts.append((None, f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"))
    return parts, themes


def _text_report(parts: list[tuple[str | None, str]], table_text: dict[str, str], layout: str, agency: str,
                 year: int, rng: random.Random) -> str:
    if layout == "run_together":
        head = (f"标题: {agency}{year}年政府信息公开工作年度报告\n发布时间: {year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)} "
                f"09:30\n文号: \n发布机构: {agency}\n栏目: 政府信息公开年报\n==================== 正文 ====================\n")
        body = ""
        for sid, p in parts[1:]:
            body += p
            if sid in table_text:
                body += table_text[sid]
        return head + body + "\n"
    out = []
    for sid, p in parts:
        out.append(p + "\n")
        if sid in table_text:
            out.append(("\n" if layout in ("tab_lines", "markdown") else "") + table_text[sid] + "\n")
    return "".join(out)


def _rendered(parts: list[tuple[str | None, str]], tables: dict[str, dict[str, str]], fmt: str, doc: str,
              template: str, agency: str, year: int) -> bytes:
    import hashlib

    from gsnlp.doc import Cell, Meta, Report, Section, Source, Table

    text = ""
    starts: dict[str, tuple[int, int]] = {}
    for sid, p in parts:
        if sid:
            starts[sid] = (len(text), len(text) + len(p) + 1)
        text += p + "\n"
    ids = [s for s, _ in SECTION_HEADINGS]
    sections = []
    for k, sid in enumerate(ids):
        s, b = starts[sid]
        e = starts[ids[k + 1]][0] if k + 1 < len(ids) else len(text)
        sections.append(Section(sid, dict(SECTION_HEADINGS)[sid], s, e, b))
    tabs = {}
    for tid in TABLE_IDS:
        cells = {a: Cell("number", v, Decimal(v)) for a, v in tables[tid].items()}
        tabs[tid] = Table(tid, template, cells, True)
    title = parts[0][1]
    rep = Report(text, Source(doc, hashlib.sha256(text.encode()).hexdigest(), "gold"),
                 Meta(agency, year, template=template, title=title), tuple(sections), tabs)
    if fmt == "html":
        from gsnlp.render.html import render_html

        return render_html(rep)
    if fmt == "docx":
        from gsnlp.render.docx import render_docx

        return render_docx(rep)
    from gsnlp.render.pdf import render_pdf

    return render_pdf(rep)


def synth_report(seed: int, index: int, *, formats: Sequence[str] = ("txt",), inject: Sequence[str] = (),
                 layouts: Sequence[str] = LAYOUTS) -> SynthReport:
    """Report number ``index`` of the corpus ``seed``: format ``formats[index % len(formats)]``;
    text reports cycle through ``layouts``; with ``inject``, one contradiction of rule
    ``inject[index % len(inject)]``."""
    rng = random.Random(f"gsnlp-synth:{seed}:{index}")
    fmt = formats[index % len(formats)]
    layout = layouts[(index // len(formats)) % len(layouts)] if fmt == "txt" else None
    level = rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
    year = rng.randint(2019, 2025)
    template = "2019" if year == 2019 or rng.random() < 0.04 else "2021"
    agency = nar.agency_for(rng, level)
    for attempt in range(50):
        tables = draw_tables(rng, template, level, small=layout == "run_together" and attempt >= 10)
        said = _said(tables, rng)
        injected = _inject(inject[index % len(inject)], tables, said, rng, template) if inject else None
        if layout != "run_together" or run_together_unique(template, tables):
            break
    else:  # pragma: no cover - the small tables are one digit per cell, hence unique
        raise RuntimeError(f"could not draw an unambiguous run-together table for report {index}")
    bad = check_identities(template, tables)
    if not injected and bad:  # pragma: no cover - a generator bug
        raise AssertionError(f"synthetic report {index} breaks {bad}")
    parts, themes = _body(rng, agency, year, template, tables, said)
    ext = {"txt": "md" if layout == "markdown" else "txt"}.get(fmt, fmt)
    doc = f"synth_{seed}_{index:06d}.{ext}"
    if fmt == "txt":
        data = _text_report(parts, render_tables(layout or "tab_lines", template, tables, rng), layout or "tab_lines",
                            agency, year, rng).encode("utf-8")
    else:
        data = _rendered(parts, tables, fmt, doc, template, agency, year)
    return SynthReport(doc, index, fmt, layout, template, level, agency, year, tables, data, tuple(themes), injected,
                       said)


def write_corpus(out: str | Path, n: int, *, seed: int = 0, formats: Sequence[str] = ("txt",),
                 inject: Sequence[str] = (), layouts: Sequence[str] = LAYOUTS, start: int = 0,
                 progress: Any = None) -> dict[str, Any]:
    """Write ``n`` reports to ``out/reports/``, their gold to ``out/gold/tables/<doc>.json`` and
    ``out/gold/synth/<doc>.json``, and a summary to ``out/synth.json``. Returns the summary."""
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        from gsnlp.errors import UnknownNameError

        raise UnknownNameError("format", bad[0], FORMATS)
    for r in inject:
        if r not in INJECTABLE:
            from gsnlp.errors import UnknownNameError

            raise UnknownNameError("injectable rule", r, INJECTABLE)
    out = Path(out)
    for d in ("reports", "gold/tables", "gold/synth"):
        (out / d).mkdir(parents=True, exist_ok=True)
    counts: dict[str, dict[str, int]] = {"format": {}, "layout": {}, "template": {}, "level": {}, "injected": {}}
    for i in range(start, start + n):
        r = synth_report(seed, i, formats=formats, inject=inject, layouts=layouts)
        (out / "reports" / r.doc).write_bytes(r.data)
        (out / "gold" / "tables" / f"{r.doc}.json").write_text(
            json.dumps(r.gold(seed), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        (out / "gold" / "synth" / f"{r.doc}.json").write_text(
            json.dumps(r.meta(seed), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        for key, val in (("format", r.format), ("layout", r.layout or r.format), ("template", r.template),
                         ("level", r.level), ("injected", r.injected["rule"] if r.injected else "none")):
            counts[key][val] = counts[key].get(val, 0) + 1
        if progress is not None:
            progress(i)
    summary = {"schema": SYNTH_SCHEMA, "seed": seed, "n": n, "start": start, "formats": list(formats),
               "layouts": list(layouts), "inject": list(inject),
               "counts": {k: dict(sorted(v.items())) for k, v in counts.items()}}
    (out / "synth.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return summary


def iter_reports(seed: int, n: int, **kw: Any) -> Iterable[SynthReport]:
    for i in range(n):
        yield synth_report(seed, i, **kw)
