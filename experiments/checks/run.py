"""Injection benchmark of `gsnlp check` (RULES.md).

From each gold report (gsnlp.read + the hand-made gold tables) make variants that each carry
one known contradiction, one mutation per rule; report per-rule recall and precision, the
false-fail rate on the unmodified reports against the hand-made gold findings, the recall of
those gold findings, and the parse+extract+check speed. Writes results/ only.

    python experiments/checks/run.py
"""

from __future__ import annotations

import json
import platform
import random
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from gsnlp.check import check_report, check_reports
from gsnlp.check.agency import agency_key, may_make_regulations
from gsnlp.check.testing import gold_docs, gold_report, with_cells
from gsnlp.doc import Report
from gsnlp.tables.template import result_rows

CFG = json.loads((HERE / "config.json").read_text(encoding="utf-8"))
RESULTS = HERE / "results"


# ---- editing a report's text while keeping every span right ------------------------------

def edit_text(rep: Report, a: int, b: int, new: str) -> Report:
    """Replace text[a:b] by ``new``; every offset after ``b`` moves by the length change."""
    d = len(new) - (b - a)

    def mv(x: int | None) -> int | None:
        if x is None:
            return None
        if x >= b:
            return x + d
        return min(x, a + len(new)) if x > a else x

    secs = tuple(replace(s, start=mv(s.start), end=mv(s.end), body_start=mv(s.body_start)) for s in rep.sections)
    tables = {}
    for k, t in rep.tables.items():
        cells = {c_id: (replace(c, start=mv(c.start), end=mv(c.end)) if c.start is not None and c.end is not None
                        and not (a <= c.start < b) else (replace(c, start=None, end=None) if c.start is not None else c))
                 for c_id, c in t.cells.items()}
        tables[k] = replace(t, start=mv(t.start), end=mv(t.end), cells=cells)
    regions = tuple(replace(r, start=mv(r.start), end=mv(r.end)) for r in rep.regions)
    warnings = tuple(replace(w, start=mv(w.start), end=mv(w.end)) for w in rep.warnings)
    return replace(rep, text=rep.text[:a] + new + rep.text[b:], sections=secs, tables=tables, regions=regions,
                   warnings=warnings)


# ---- mutations: each yields (variant, target rule, allowed companion rules, description) ----

Mut = Iterator[tuple[Report, str, set[str], str]]
APP_COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org")


def num(rep: Report, addr: str) -> Decimal | None:
    tid, _, rest = addr.partition("/")
    t = rep.tables.get(tid)
    c = t.cells.get(rest) if t is not None else None
    return c.value if c is not None and c.kind == "number" else None


def app_ok(rep: Report) -> bool:
    t = rep.tables.get("applications")
    return t is not None and t.found and all(c.kind == "number" for c in t.cells.values())


def bump(rep: Report, k: int, *addrs: str) -> Report:
    return with_cells(rep, {a: str((num(rep, a) or 0) + k) for a in addrs})


def m_t3(rep: Report, rng: random.Random) -> Mut:
    if not app_ok(rep):
        return
    tmpl = rep.tables["applications"].template
    k = rng.randint(1, CFG["max_delta"])
    col = rng.choice(APP_COLS)
    t3 = {"t3.bounds", "nt.applications_carried", "nt.applications_processed", "nt.applicant_breakdown",
          "nt.outcome_breakdown", "nt.applications_received", "nt.percentages", "cy.carry_over", "cy.anomaly",
          "nt.zero_claims"}
    yield (bump(rep, k, f"applications/carried_forward/{col}", "applications/carried_forward/total"),
           "t3.identity", t3, f"carried_forward/{col} and its row total +{k}")
    row = rng.choice(result_rows(tmpl))
    yield (bump(rep, k, f"applications/{row}/{col}", f"applications/{row}/total"), "t3.results_total", t3,
           f"{row}/{col} and its row total +{k}")
    row = rng.choice([r for r in result_rows(tmpl)])
    yield (bump(rep, k, f"applications/{row}/{col}"), "t3.cross_foot", t3 | {"t3.results_total"},
           f"{row}/{col} alone +{k}")
    a = f"applications/{rng.choice(result_rows(tmpl))}/{col}"
    yield (with_cells(rep, {a: str(-(k))}), "t3.domain", t3 | {"t3.results_total", "t3.cross_foot", "t3.identity"},
           f"{a} = -{k}")
    tp = num(rep, f"applications/total_processed/{col}") or Decimal(0)
    yield (with_cells(rep, {f"applications/granted/{col}": str(tp + k)}), "t3.bounds",
           t3 | {"t3.results_total", "t3.cross_foot"}, f"granted/{col} = total_processed + {k}")
    row = rng.choice(["granted", "partially_granted"] + list(result_rows(tmpl))[2:6])
    yield (with_cells(rep, {f"applications/{row}/{c}": None for c in APP_COLS + ("total",)}), "t3.labels",
           {"completeness", "nt.outcome_breakdown"}, f"row {row} deleted")


def m_t4(rep: Report, rng: random.Random) -> Mut:
    t = rep.tables.get("review_litigation")
    if t is None or not t.found or any(c.kind != "number" for c in t.cells.values()):
        return
    k = rng.randint(1, CFG["max_delta"])
    b = rng.choice(["review", "litigation_direct", "litigation_after_review"])
    allowed = {"nt.review_litigation", "nt.zero_claims", "cy.anomaly", "t4.total_left_zero"}
    if num(rep, f"review_litigation/{b}/total"):
        yield bump(rep, k, f"review_litigation/{b}/upheld"), "t4.block_total", allowed, f"{b}/upheld +{k}"
    else:
        # parts raised under a total of 0 is the total left at 0 (t4.total_left_zero, one finding
        # per cause); a block total that is not 0 and does not make its parts is block_total's own
        yield bump(rep, k, f"review_litigation/{b}/total"), "t4.block_total", allowed, f"{b}/total +{k}"
    parts = sum(num(rep, f"review_litigation/{b}/{c}") or 0 for c in ("upheld", "corrected", "other", "pending"))
    if num(rep, f"review_litigation/{b}/total") == 0 and parts > 0:
        return  # already left at 0 in the source
    vals = {f"review_litigation/{b}/total": "0"}
    if parts == 0:
        vals[f"review_litigation/{b}/upheld"] = str(k)
    yield (with_cells(rep, vals), "t4.total_left_zero", allowed | {"t4.block_total"}, f"{b}/total left 0")


def m_t2(rep: Report, rng: random.Random) -> Mut:
    t = rep.tables.get("active_disclosure")
    if t is None or not t.found or t.template != "2021":
        return
    k = rng.randint(1, CFG["max_delta"])
    allowed = {"nt.active_disclosure", "cy.stock_flow", "cy.anomaly"}
    a = rng.choice(["active_disclosure/normative_documents/issued", "active_disclosure/administrative_license/decisions",
                    "active_disclosure/administrative_penalty/decisions"])
    if t.cells[a.split("/", 1)[1]].kind == "number":
        yield with_cells(rep, {a: str(-k)}), "t2.domain", allowed, f"{a} = -{k}"
    if may_make_regulations(rep.meta.agency) is False and num(rep, "active_disclosure/regulations/issued") == 0:
        yield (with_cells(rep, {"active_disclosure/regulations/issued": str(k),
                                "active_disclosure/regulations/in_force": str((num(rep, "active_disclosure/regulations/in_force") or 0) + k)}),
               "t2.regulation_power", allowed | {"t2.domain"}, f"regulations issued {k} at {rep.meta.agency}")


def m_template(rep: Report, rng: random.Random) -> Mut:
    if rep.meta.template == "2019" and rep.meta.year is not None and rep.meta.year < 2020:
        yield (replace(rep, meta=replace(rep.meta, year=2021)), "t2.template_version", {"nt.period", "st.fee_statement"},
               "2019 layout, year set to 2021")


def _figs(rep: Report) -> list[Any]:
    from gsnlp.figures import extract_report

    return extract_report(rep)


def _same_len(v: Decimal, rng: random.Random) -> str | None:
    s = format(v, "f")
    if not s.isdigit():
        return None
    for _ in range(20):
        cand = str(int(s) + rng.choice([-3, -2, -1, 1, 2, 3]))
        if len(cand) == len(s) and cand != s and int(cand) >= 0:
            return cand
    return None


NT_TARGET = {
    "applications/new_received/total": "nt.applications_received",
    "applications/carried_over/total": "nt.applications_carried",
    "applications/carried_forward/total": "nt.applications_carried",
    "applications/total_processed/total": "nt.applications_processed",
    "applications/new_received/natural_person": "nt.applicant_breakdown",
    "applications_legal_persons": "nt.applicant_breakdown",
    "applications_granted_or_partial": "nt.outcome_breakdown", "applications_denied": "nt.outcome_breakdown",
    "applications_unavailable": "nt.outcome_breakdown", "applications_not_processed": "nt.outcome_breakdown",
    "applications_other": "nt.outcome_breakdown", "applications/granted/total": "nt.outcome_breakdown",
    "review_litigation/review/total": "nt.review_litigation", "litigation_total": "nt.review_litigation",
    "review_litigation_corrected": "nt.review_litigation",
    "active_disclosure/normative_documents/issued": "nt.active_disclosure",
    "active_disclosure/regulations/issued": "nt.active_disclosure",
}
NT_ALLOWED = {"nt.breakdown_sum", "nt.percentages", "nt.ratio", "nt.applications_received", "nt.applications_processed",
              "nt.applicant_breakdown", "nt.outcome_breakdown", "nt.applications_carried", "nt.review_litigation"}


def _lone_han(rep: Report, f: Any, siblings: list[Any]) -> bool:
    """``f`` is written alone in brackets after 含 (…1191件（含上年结转189件）)."""
    if not re.search(r"[（(]\s*含[^（()）。；]{0,16}$", rep.text[max(0, f.start - 20):f.start]):
        return False
    close = rep.text.find("）", f.end)
    return not any(g is not f and f.start - 20 < g.start < close for g in siblings)


def m_nt(rep: Report, rng: random.Random, base_fails: set[tuple[str, str]]) -> Mut:
    figs = _figs(rep)
    passing = {i.split(" ")[0] for r, i in base_fails}
    by_id = {f.id: f for f in figs}
    done: set[str] = set()
    has_tables = any(t.found and t.template in ("2021", "2019") for t in rep.tables.values())
    for f in figs:
        target = NT_TARGET.get(f.metric or "")
        if not target or target in done or f.polarity != "positive" or f.id in passing:
            continue
        if not has_tables:
            continue  # narrative-against-table rules need template tables (pre-2019 reports have none)
        new = _same_len(f.value, rng)
        if new is None:
            continue
        a = f.start + f.text.index(format(f.value, "f")) if format(f.value, "f") in f.text else None
        if a is None:
            continue
        done.add(target)
        yield (edit_text(rep, a, a + len(format(f.value, "f")), new), target, NT_ALLOWED,
               f"narrative {f.text!r} ({f.metric}) -> {new}")
    # a part of a 其中 list
    for f in figs:
        siblings = [g for g in figs if g.parent == f.parent and g.kind == "count"] if f.parent else []
        if len(siblings) >= 2 and f.parent in by_id and f.kind == "count" and "nt.breakdown_sum" not in done:
            # upward: a part larger than written; "no more than the total" lists can only catch that
            new = str(int(f.value) + rng.randint(1, 3)) if format(f.value, "f").isdigit() else None
            new = new if new is not None and len(new) == len(format(f.value, "f")) else None
            s = format(f.value, "f")
            if new is None or s not in f.text:
                continue
            # only a real contradiction: the listed items, the raised one included, must exceed the
            # total, which no reading of the list (closed, or open 等/涉及…) allows. A lone bracketed
            # 含 part (办结1191件（含上年结转189件）) is a subset of the total, not a list item; a list
            # that falls short of its total (其中涉及…9条；…7条 of 3636) may stay short when raised
            items = [g for g in siblings if not _lone_han(rep, g, siblings)]
            chans = [g.channel for g in items]
            if all(chans) and len(set(chans)) == len(items) and by_id[f.parent].unit in ("条", "篇", "件", "份", "次"):
                continue  # items counted once per channel may overlap: raising one contradicts nothing
            if f not in items or sum((g.scaled for g in items), Decimal(0)) + int(new) - f.value <= by_id[f.parent].scaled:
                continue
            a = f.start + f.text.index(s)
            done.add("nt.breakdown_sum")
            yield edit_text(rep, a, a + len(s), new), "nt.breakdown_sum", NT_ALLOWED, f"part {f.text!r} -> {new}"
    # a stated percentage
    for f in figs:
        if f.kind == "percent" and f.qualifies and "nt.percentages" not in done:
            s = f.text.rstrip("%％")
            m = re.fullmatch(r"(\d+)\.(\d+)", s)
            if not m:
                continue
            new = f"{(int(m.group(1)) + 3) % 100}.{m.group(2)}"
            if len(new) != len(s):
                continue
            done.add("nt.percentages")
            yield edit_text(rep, f.start, f.start + len(s), new), "nt.percentages", NT_ALLOWED, f"{f.text} -> {new}%"
    # a stated rate that the rule can assess on the unmodified report (its operands are stated):
    # a contradiction injected into a rate computed from nothing stated cannot be detected
    assessable = {g.instance for g in check_report(rep, rules=["nt.ratio"], figures=figs) if g.status == "pass"}
    for f in figs:
        if f.kind == "rate" and f.metric != "applications_completion_rate" and "nt.ratio" not in done \
                and f.id in assessable:
            s = f.text.rstrip("%％")
            if not re.fullmatch(r"\d+\.\d+", s):
                continue
            new = s[:-1] + str((int(s[-1]) + 5) % 10)
            new = str(int(new.split(".")[0]) - 7) + "." + new.split(".")[1]
            done.add("nt.ratio")
            yield edit_text(rep, f.start, f.start + len(s), new), "nt.ratio", NT_ALLOWED, f"{f.text} -> {new}%"
    # a year of a data claim
    for f in figs:
        if f.metric and f.period and re.match(r"20\d\d", f.period) and rep.meta.year and "nt.period" not in done:
            lo = max(0, f.start - 40)
            m = list(re.finditer(str(rep.meta.year), rep.text[lo:f.start]))
            if not m:
                continue
            a = lo + m[-1].start()
            done.add("nt.period")
            yield (edit_text(rep, a, a + 4, str(rep.meta.year - 2)), "nt.period", {"st.metadata"},
                   f"year before {f.text!r} -> {rep.meta.year - 2}")
    # 未收到 on a table with applications: give the table k consistent applications
    for f in figs:
        if f.polarity == "negated" and f.metric == "applications/new_received/total" and app_ok(rep) \
                and num(rep, "applications/new_received/total") == 0 and "nt.zero_claims" not in done:
            k = rng.randint(1, CFG["max_delta"])
            vals = {f"applications/{r}/{c}": str(k) for r in ("new_received", "granted", "total_processed")
                    for c in ("natural_person", "total")}
            done.add("nt.zero_claims")
            yield with_cells(rep, vals), "nt.zero_claims", {"cy.anomaly", "cy.carry_over"}, f"table gets {k} applications"
    # 未收取信息处理费 next to a stated fee
    for f in figs:
        if f.polarity == "negated" and f.metric == "info_processing_fee" and "nt.fee_claims" not in done:
            end = rep.text.find("。", f.end)
            if end < 0:
                continue
            done.add("nt.fee_claims")
            yield (edit_text(rep, end + 1, end + 1, "全年共收取信息处理费120元。"), "nt.fee_claims", set(),
                   "added 收取信息处理费120元 after 未收取")


def _section_body(rep: Report, sid: str) -> tuple[int, int] | None:
    s = rep.section(sid)
    return None if s is None else (s.body_start, s.end)


def m_st(rep: Report, rng: random.Random) -> Mut:
    st_all = {"st.problems_substantive", "st.fee_statement", "cy.copied_text", "nt.fee_claims", "completeness"}
    pre2019 = rep.meta.template.replace("-", "") == "pre2019"
    for sid in ("problems", "other_matters"):
        s = rep.section(sid)
        if s is not None and len(rep.sections) == 6 and not pre2019:
            v = edit_text(rep, s.start, s.end, "")
            v = replace(v, sections=tuple(x for x in v.sections if x.id != sid))
            yield v, "st.sections", st_all, f"section {sid} deleted"
            break
    b = _section_body(rep, "problems")
    if b:
        yield edit_text(rep, b[0], b[1], "\n无。\n"), "st.problems_substantive", {"cy.copied_text"}, "五 = 无"
    b = _section_body(rep, "other_matters")
    if b and (rep.meta.year or 0) >= 2021:
        yield edit_text(rep, b[0], b[1], "\n无。\n"), "st.fee_statement", {"nt.fee_claims"}, "六 = 无"
    if rep.meta.agency:
        yield replace(rep, meta=replace(rep.meta, agency=None)), "st.metadata", {"t2.regulation_power"}, "agency removed"
    if rep.meta.year:
        yield (replace(rep, meta=replace(rep.meta, published=f"{rep.meta.year + 1}-06-30")), "st.deadline", set(),
               "published 6月30日 of the next year")


def mutate_years(reps: list[Report], rng: random.Random) -> Iterator[tuple[list[Report], str, str, set[str], str]]:
    """(the agency's reports with one changed, doc changed, target rule, allowed, description)."""
    groups: dict[str, dict[int, Report]] = defaultdict(dict)
    for r in reps:
        if r.meta.year is not None and agency_key(r.meta.agency):
            groups[agency_key(r.meta.agency)].setdefault(r.meta.year, r)
    for key, by_year in groups.items():
        years = sorted(by_year)
        for y0, y1 in zip(years, years[1:]):
            if y1 != y0 + 1:
                continue
            prev, cur = by_year[y0], by_year[y1]
            others = [r for r in reps if r is not cur and agency_key(r.meta.agency) == key and r.meta.year in (y0, y1)]
            k = rng.randint(1, CFG["max_delta"])
            allowed = {"nt.applications_received", "nt.applications_carried", "nt.applications_processed",
                       "nt.outcome_breakdown", "nt.percentages", "nt.breakdown_sum", "nt.applicant_breakdown",
                       "cy.anomaly"}
            if app_ok(cur) and app_ok(prev):
                v = bump(cur, k, *[f"applications/{r}/{c}" for r in ("carried_over", "total_processed", "granted")
                                   for c in ("natural_person", "total")])
                yield others + [v], cur.doc_id, "cy.carry_over", allowed, f"{cur.doc_id}: carried_over, processed, granted +{k}"
            ad = "active_disclosure/normative_documents/in_force"
            if num(cur, ad) is not None and num(prev, ad) is not None:
                yield (others + [bump(cur, k + 10, ad)], cur.doc_id, "cy.stock_flow", {"nt.active_disclosure"},
                       f"{cur.doc_id}: in_force +{k + 10}")
            for a in ("active_disclosure/administrative_penalty/decisions", "active_disclosure/administrative_license/decisions"):
                x, y = num(prev, a), num(cur, a)
                if x is not None and y is not None and x >= 10 and Decimal("0.2") <= y / x <= 5:
                    yield (others + [with_cells(cur, {a: str(x * 20)})], cur.doc_id, "cy.anomaly",
                           {"nt.active_disclosure", "cy.stock_flow"}, f"{cur.doc_id}: {a} = 20x last year")
                    break
            s0, s1 = prev.section("problems"), cur.section("problems")
            if s0 is not None and s1 is not None and s0.end - s0.body_start > 60:
                v = edit_text(cur, s1.body_start, s1.end, prev.text[s0.body_start:s0.end])
                yield others + [v], cur.doc_id, "cy.copied_text", {"nt.period"}, f"{cur.doc_id}: 五 copied from {y0}"


# ---- scoring ----------------------------------------------------------------------------

def fails(findings: list[Any]) -> set[tuple[str, str]]:
    return {(f.rule_id if f.rule != "completeness.v1" else "completeness", f.instance) for f in findings
            if f.status == "fail"}


def fail_keys(findings: list[Any]) -> set[tuple[str, str, str, str]]:
    """Failures with their numbers: a changed expected/observed on an instance that already
    failed is a new contradiction too."""
    return {(f.rule_id if f.rule != "completeness.v1" else "completeness", f.instance, str(f.expected),
             str(f.observed)) for f in findings if f.status == "fail"}


# rules with one instance per report: an injection cannot add to a failure that is already there
# rules with one instance per report (or per pair of years, cy.copied_text): an injection into a report
# that already fails the rule there changes nothing to detect, and is skipped with its reason
REPORT_LEVEL = {"cy.copied_text", "st.fee_statement", "st.problems_substantive", "st.metadata", "st.deadline", "st.sections",
                "t2.regulation_power", "t2.template_version", "nt.fee_claims"}


def gold_findings(doc: str) -> list[dict[str, Any]] | None:
    p = ROOT / "corpora" / "gold" / "findings" / f"{doc}.json"
    return json.loads(p.read_text(encoding="utf-8"))["findings"] if p.exists() else None


def match(tool: list[Any], gold: list[dict[str, Any]]) -> tuple[int, list[Any]]:
    """(gold findings found, failing tool findings that match no gold finding).

    A tool finding matches a gold finding with the same rule when the gold instance is equal,
    or the gold spans overlap the finding's evidence spans, or the gold gives neither; each
    tool finding is used once, gold findings with an instance or spans first. A finding that
    carries another rule's failure on the same instance as its detail (one finding per cause,
    ``details["also_fails"]``) also stands for that rule; it is not a second claim."""
    from types import SimpleNamespace

    hit = 0
    proxies = [SimpleNamespace(rule=a["rule"], rule_id=a["rule"].rsplit(".v", 1)[0], instance=f.instance,
                               evidence=f.evidence, proxy=True)
               for f in tool for a in (f.details or {}).get("also_fails", [])]
    free = list(tool) + proxies

    def spans_overlap(f: Any, g: dict[str, Any]) -> bool:
        ev = [(e.start, e.end) for e in f.evidence if e.kind == "span" and e.start is not None and e.doc is None]
        return any(a < s["end"] and s["start"] < b for a, b in ev for s in g.get("spans", []))

    for g in sorted(gold, key=lambda g: not (g.get("instance") or g.get("spans"))):
        rid = g["rule"]
        cands = [f for f in free if (f.rule_id if f.rule != "completeness.v1" else "completeness") == rid]
        if g.get("instance"):
            cands = [f for f in cands if f.instance == g["instance"]]
        elif g.get("spans"):
            cands = [f for f in cands if spans_overlap(f, g)] or ([] if any(spans_overlap(f, g) for f in free) else
                                                                  [f for f in cands if not any(e.kind == "span" for e in f.evidence)])
        if cands:
            hit += 1
            free.remove(cands[0])
    return hit, [f for f in free if not getattr(f, "proxy", False)]


DEVTEST = [ln.strip() for ln in (ROOT / "corpora" / "devtest.txt").read_text(encoding="utf-8").splitlines()
           if ln.strip()]


def devtest_scores(docs: list[str], tables: str) -> dict[str, Any]:
    """Precision and recall of the failing findings against the hand-made gold findings of the
    development test set. ``tables``: ``read`` (the parser's tables: what a user gets) or ``gold``
    (the hand-made gold tables: the rules alone). Completeness findings and reader notices
    (origin extraction) make no claim about the report: counted apart, per report."""
    import gsnlp

    reps = [gold_report(d) if tables == "gold" else gsnlp.read(next((ROOT / "corpora" / "reports").glob(f"*/{d}")))
            for d in docs]
    res = check_reports(reps)
    rows = []
    g_total = g_hit = n_claims = n_false = 0
    for d in docs:
        gold = gold_findings(d) or []
        tool = [f for f in res[d] if f.status == "fail" and f.rule != "completeness.v1"]
        claims = [f for f in tool if f.origin != "extraction"]
        hit, extra = match(claims, gold)
        false = [f for f in extra]
        notices = [f for f in tool if f.origin == "extraction"]
        g_total += len(gold)
        g_hit += hit
        n_claims += len(claims)
        n_false += len(false)
        rows.append({"doc": d, "gold": len(gold), "found": hit, "claims": len(claims), "notices": len(notices),
                     "false_alarms": [f"{f.rule} {f.instance}: {f.message[:90]}" for f in false],
                     "missed": len(gold) - hit})
    return {"docs": len(docs), "gold_findings": g_total, "found": g_hit, "tool_claims": n_claims,
            "false_alarms": n_false, "recall": g_hit / g_total if g_total else None,
            "precision": (n_claims - n_false) / n_claims if n_claims else None,
            "notices_per_report": sum(r["notices"] for r in rows) / len(rows) if rows else None, "reports": rows}


def devtest_lines(dev: dict[str, Any]) -> list[str]:
    out = ["Development test set (corpora/devtest.txt, set aside before tuning; never used to tune rules):", "",
           "| tables | reports | gold findings | found | recall | failing findings (claims) | false alarms | precision "
           "| reader notices / report |", "|---|---|---|---|---|---|---|---|---|"]
    for k, v in dev.items():
        rc = "—" if v["recall"] is None else f"{v['recall']:.2f}"
        pc = "—" if v["precision"] is None else f"{v['precision']:.2f}"
        npr = "—" if v["notices_per_report"] is None else f"{v['notices_per_report']:.2f}"
        out.append(f"| {k} | {v['docs']} | {v['gold_findings']} | {v['found']} | {rc} | {v['tool_claims']} | "
                   f"{v['false_alarms']} | {pc} | {npr} |")
    for k, v in dev.items():
        for r in v["reports"]:
            for fa in r["false_alarms"]:
                out.append(f"- false alarm ({k}) {r['doc']}: {fa}")
            if r["missed"]:
                out.append(f"- missed ({k}) {r['doc']}: {r['missed']} of {r['gold']}")
    return out


def main() -> None:
    rng = random.Random(CFG["seed"])
    RESULTS.mkdir(exist_ok=True)
    with_tables = set(gold_docs())
    devtest = set(DEVTEST)
    all_docs = sorted(p.name[:-5] for p in (ROOT / "corpora" / "gold" / "findings").glob("*.json"))
    docs = [d for d in all_docs if d not in devtest]  # in-sample: the development test set is scored apart
    t0 = time.perf_counter()
    import gsnlp

    # gold tables where they exist (pre-2019 reports have none: their tables are not template tables)
    base = {d: gold_report(d) if d in with_tables else gsnlp.read(next((ROOT / "corpora" / "reports").glob(f"*/{d}")))
            for d in docs}
    base_res = check_reports(list(base.values()))
    base_fail = {d: fails(base_res[d]) for d in docs}

    # 1. unmodified reports against the hand-made gold findings
    gold_rows = []
    g_total = g_hit = n_fail = n_false = n_extraction = 0
    for d in docs:
        gold = gold_findings(d) or []
        tool = [f for f in base_res[d] if f.status == "fail"]
        hit, extra = match(tool, gold)
        # completeness findings (cells that are not numbers) are counted apart: in the crawler
        # texts they are the reading's ambiguity, which the gold tables record, not a contradiction
        # findings that suspect our reading (origin extraction) make no claim about the report:
        # counted apart
        extra_nc = [f for f in extra if f.rule != "completeness.v1" and f.origin != "extraction"]
        n_extraction += len([f for f in extra if f.rule != "completeness.v1" and f.origin == "extraction"])
        g_total += len(gold)
        g_hit += hit
        nf = len([f for f in tool if f.rule != "completeness.v1" and (f.origin != "extraction" or f not in extra)])
        n_fail += nf
        n_false += len(extra_nc)
        gold_rows.append({"doc": d, "gold": len(gold), "found": hit, "tool_fails": nf,
                          "false_fails": [f"{f.rule} {f.instance}: {f.message[:80]}" for f in extra_nc],
                          "missed": len(gold) - hit})
    # 1b. the development test set (set aside before tuning): end to end (gsnlp.read) and with gold tables
    dev = {"end_to_end": devtest_scores([d for d in all_docs if d in devtest], tables="read"),
           "gold_tables": devtest_scores([d for d in all_docs if d in devtest], tables="gold")}
    # 2. injected contradictions
    inj: list[dict[str, Any]] = []
    per_rule = defaultdict(lambda: Counter())

    base_keys = {d: fail_keys(base_res[d]) for d in docs}
    skipped: Counter[str] = Counter()

    def score(variant_findings: list[Any], doc: str, target: str, allowed: set[str], desc: str) -> None:
        if target in REPORT_LEVEL and any(r == target for r, _ in base_fail[doc]):
            skipped[f"{target}: already fails on the unmodified report"] += 1
            return
        if target == "st.deadline":
            from gsnlp.check.agency import is_government

            if is_government(base[doc].meta.agency) is None:
                skipped["st.deadline: agency unknown, deadline undefined"] += 1
                return
        new = fail_keys(variant_findings) - base_keys[doc]
        new_rules = {r for r, *_ in new}
        detected = target in new_rules
        per_rule[target]["injected"] += 1
        per_rule[target]["detected"] += int(detected)
        for r in new_rules:
            if r == target:
                per_rule[r]["tp"] += 1
            elif r not in allowed and r != "completeness" and not any(x[0] == r for x in base_fail[doc]):
                per_rule[r]["fp"] += 1
        inj.append({"doc": doc, "target": target, "detected": detected, "mutation": desc,
                    "unexpected": sorted(r for r in new_rules if r not in allowed and r not in (target, "completeness")
                                         and not any(x[0] == r for x in base_fail[doc]))})

    for d in docs:
        rep = base[d]
        for _ in range(CFG["variants_per_mutation_and_doc"]):
            muts: list[tuple[Report, str, set[str], str]] = []
            for gen in (m_t3, m_t4, m_t2, m_template, m_st):
                muts.extend(gen(rep, rng))
            muts.extend(m_nt(rep, rng, base_fail[d]))
            for v, target, allowed, desc in muts:
                score(check_report(v), d, target, allowed, desc)
    for _ in range(CFG["variants_per_mutation_and_doc"]):
        for group, doc, target, allowed, desc in mutate_years(list(base.values()), rng):
            res = check_reports(group)
            score(res[doc], doc, target, allowed, desc)
    elapsed = time.perf_counter() - t0

    rules = {}
    for r, c in sorted(per_rule.items()):
        rec = c["detected"] / c["injected"] if c["injected"] else None
        prec = c["tp"] / (c["tp"] + c["fp"]) if (c["tp"] + c["fp"]) else None
        rules[r] = {"injected": c["injected"], "detected": c["detected"], "recall": rec, "tp": c["tp"], "fp": c["fp"],
                    "precision": prec}

    # 3. speed: parse + extract + check, one core
    import glob

    import gsnlp
    from gsnlp.figures import extract_report

    files = sorted(glob.glob(str(ROOT / "corpora" / "reports" / "*" / "*.txt")))
    extract_report(gsnlp.read(files[0]))  # warm-up (jieba dictionary)
    # best of `repeat` rounds per stage (timeit-style): the minimum is the least disturbed by
    # other processes on a shared machine; the mean is reported too. Wall-clock time and the
    # process's CPU time (time.process_time, which other jobs on the machine do not inflate) are
    # both recorded; the first round is reported apart (later rounds reuse the extractor's caches
    # of jieba cuts and subject phrases for the same texts)
    import os

    stages = ("read", "extract", "check")
    # the first round starts with empty caches (the benchmark above filled them with these texts)
    from gsnlp.figures import extractor as _fx

    _fx._predicate_tail.cache_clear()
    _fx._strip.cache_clear()
    load_before = os.getloadavg()
    rounds: list[dict[str, float]] = []
    cpu_rounds: list[dict[str, float]] = []
    for _ in range(CFG["speed"]["repeat"]):
        parts = dict.fromkeys(stages, 0.0)
        cpu = dict.fromkeys(stages, 0.0)
        for f in files:
            a, ca = time.perf_counter(), time.process_time()
            r = gsnlp.read(f)
            b, cb = time.perf_counter(), time.process_time()
            figs = extract_report(r)
            c, cc = time.perf_counter(), time.process_time()
            check_report(r, figures=figs)
            e, ce = time.perf_counter(), time.process_time()
            for k, (w0, w1, c0, c1) in {"read": (a, b, ca, cb), "extract": (b, c, cb, cc),
                                        "check": (c, e, cc, ce)}.items():
                parts[k] += w1 - w0
                cpu[k] += c1 - c0
        rounds.append(parts)
        cpu_rounds.append(cpu)
    nf = len(files)
    best = {k: min(r[k] for r in rounds) for k in stages}
    best_cpu = {k: min(r[k] for r in cpu_rounds) for k in stages}
    mean_total = sum(sum(r.values()) for r in rounds) / len(rounds)
    speed = {"files": nf, "rounds": len(rounds), "reports_per_s_best": nf / sum(best.values()),
             "reports_per_s_mean": nf / mean_total,
             "per_stage_reports_per_s_best": {k: nf / v for k, v in best.items()},
             "per_stage_ms_per_report_best": {k: 1000 * v / nf for k, v in best.items()},
             "cpu_reports_per_s_best": nf / sum(best_cpu.values()),
             "cpu_reports_per_s_mean": nf / (sum(sum(r.values()) for r in cpu_rounds) / len(cpu_rounds)),
             "cpu_per_stage_reports_per_s_best": {k: nf / v for k, v in best_cpu.items()},
             "cpu_per_stage_ms_per_report_best": {k: 1000 * v / nf for k, v in best_cpu.items()},
             "first_round_reports_per_s": {"wall": nf / sum(rounds[0].values()), "cpu": nf / sum(cpu_rounds[0].values())},
             "target_reports_per_s": 100, "cpu_count": os.cpu_count(), "load_avg_before": load_before,
             "load_avg": os.getloadavg()}

    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    except OSError:
        commit = ""
    metrics = {
        "seed": CFG["seed"], "docs": len(docs), "variants": len(inj), "benchmark_seconds": elapsed,
        "skipped_injections": dict(skipped),
        "gold": {"gold_findings": g_total, "found": g_hit, "recall": g_hit / g_total if g_total else None,
                 "tool_failures": n_fail, "false_failures": n_false, "extraction_suspicions_not_in_gold": n_extraction,
                 "false_fail_rate": n_false / n_fail if n_fail else 0.0,
                 "reports_with_false_fail": sum(1 for r in gold_rows if r["false_fails"]) / len(gold_rows)},
        "rules": rules, "speed": speed, "devtest": dev,
    }
    (RESULTS / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    (RESULTS / "injections.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in inj),
                                              encoding="utf-8")
    (RESULTS / "gold_comparison.json").write_text(json.dumps(gold_rows, ensure_ascii=False, indent=1), encoding="utf-8")
    (RESULTS / "environment.json").write_text(json.dumps({
        "python": sys.version, "platform": platform.platform(), "git_commit": commit or None,
        "processor": platform.processor()}, indent=1), encoding="utf-8")
    lines = ["| rule | injected | detected | recall | false alarms (new fails elsewhere) | precision |",
             "|---|---|---|---|---|---|"]
    for r, m in rules.items():
        rc = "—" if m["recall"] is None else f"{m['recall']:.2f}"
        pc = "—" if m["precision"] is None else f"{m['precision']:.2f}"
        lines.append(f"| {r} | {m['injected']} | {m['detected']} | {rc} | {m['fp']} | {pc} |")
    g = metrics["gold"]
    lines += ["", f"Unmodified reports ({len(docs)}): {g['found']}/{g['gold_findings']} hand-made gold findings found "
              f"(recall {g['recall']:.2f}); {g['false_failures']} of {g['tool_failures']} failing findings match no gold "
              f"finding (false-fail rate {g['false_fail_rate']:.3f}; completeness findings and "
              f"{g['extraction_suspicions_not_in_gold']} findings that only suspect our reading (origin extraction) "
              "are not counted).",
              ""] + devtest_lines(dev) + [
              "", (f"Speed (TXT, one process, {nf} files x {len(rounds)} rounds; target 100/s): wall-clock best "
              f"{speed['reports_per_s_best']:.1f} reports/s, mean {speed['reports_per_s_mean']:.1f}; CPU time best "
              f"{speed['cpu_reports_per_s_best']:.1f} reports/s, mean {speed['cpu_reports_per_s_mean']:.1f}; first round "
              f"(cold caches) {speed['first_round_reports_per_s']['wall']:.1f} wall, "
              f"{speed['first_round_reports_per_s']['cpu']:.1f} CPU. Load average {speed['load_avg_before'][0]:.1f} before, "
              f"{speed['load_avg'][0]:.1f} after, on {speed['cpu_count']} CPUs."),
              "", "| stage | wall ms/report (best) | wall reports/s | CPU ms/report (best) | CPU reports/s |",
              "|---|---|---|---|---|"] + [
              (f"| {k} | {speed['per_stage_ms_per_report_best'][k]:.2f} | {speed['per_stage_reports_per_s_best'][k]:.0f} | "
               f"{speed['cpu_per_stage_ms_per_report_best'][k]:.2f} | {speed['cpu_per_stage_reports_per_s_best'][k]:.0f} |")
              for k in stages] + [
              (f"| parse + extract + check | {1000 / speed['reports_per_s_best']:.2f} | {speed['reports_per_s_best']:.0f} | "
               f"{1000 / speed['cpu_reports_per_s_best']:.2f} | {speed['cpu_reports_per_s_best']:.0f} |")]
    (RESULTS / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))

    # 4. screenshots of the auditor's report for two corpus reports with failures
    try:
        from gsnlp.render.audit_html import page_name, write_audit

        sys.path.insert(0, str(HERE))
        import cdp

        if cdp.find_chromium() is not None:
            reps = [base[d] for d in CFG["screenshots"] if d in base]
            out = RESULTS / "audit_html"
            write_audit(reps, {d: base_res[d] for d in CFG["screenshots"] if d in base_res}, out)
            with cdp.Browser(1280, 1000) as b:
                for d in CFG["screenshots"]:
                    b.goto(out / page_name(d))
                    b.screenshot(HERE / f"screenshot_{page_name(d)[:-5]}.png", full_page=True, max_height=3600)
    except Exception as e:  # screenshots are a by-product; the metrics stand without them
        print(f"screenshots skipped: {e}", file=sys.stderr)


if __name__ == "__main__":
    main()
