"""Table values for synthetic reports: drawn like the real corpus, consistent by construction.

Agencies come in three levels, as in the corpus: ``township`` (乡镇、街道、县级部门: mostly no
applications at all), ``county`` (县区政府、市级部门: tens) and ``city`` (设区的市、省级部门:
hundreds to a thousand and more, e.g. 上海市人民政府办公厅 2025 with 1295 new applications).
Every table satisfies the template's identities (TEMPLATE.md; RULES.md t3.*, t4.*): per
column ``new_received + carried_over = total_processed + carried_forward`` and
``total_processed = Σ result rows``; per row ``total = natural_person + legal persons``; per
review/litigation block ``upheld + corrected + other + pending = total``. Values are decimal
strings exactly as they will be printed.
"""

from __future__ import annotations

import random
from decimal import Decimal

from gsnlp.tables.template import LEGAL_PERSON_COLUMNS, result_rows, table_def

LEVELS = ("township", "county", "city")
LEVEL_WEIGHTS = (0.5, 0.35, 0.15)
# share of the processed applications per result row (2021 template), from the corpus' orders of magnitude
_RESULT_WEIGHTS = {
    "granted": 34, "partially_granted": 9, "denied.state_secret": 0.3, "denied.prohibited_by_law": 0.6,
    "denied.security_stability": 0.3, "denied.third_party": 1.2, "denied.internal_affairs": 0.8,
    "denied.process_info": 1.2, "denied.enforcement_files": 0.5, "denied.query_matters": 0.8,
    "unavailable.not_held": 26, "unavailable.needs_creation": 3, "unavailable.unclear": 2,
    "not_processed.petition": 3, "not_processed.duplicate": 3, "not_processed.publication": 0.5,
    "not_processed.excessive": 0.8, "not_processed.confirmation": 0.8, "other.no_correction": 4,
    "other.unpaid_fee": 0.3, "other.other": 8, "other": 12,
}
_LEG_WEIGHTS = {"commercial": 6, "research": 0.3, "social_welfare": 0.4, "legal_service": 1.5, "other_org": 1.8}

Tables = dict[str, dict[str, str]]


def _applications_total(rng: random.Random, level: str) -> int:
    if level == "township":
        return 0 if rng.random() < 0.7 else rng.randint(1, 6)
    if level == "county":
        return 0 if rng.random() < 0.1 else int(rng.lognormvariate(3.0, 0.9))
    return int(rng.lognormvariate(5.5, 0.9)) + 20


def _split(rng: random.Random, n: int, weights: dict[str, float]) -> dict[str, int]:
    keys = list(weights)
    out = dict.fromkeys(keys, 0)
    if n <= 0:
        return out
    for k in rng.choices(keys, weights=[weights[k] for k in keys], k=n):
        out[k] += 1
    return out


def draw_applications(rng: random.Random, template: str, level: str, small: bool = False) -> dict[str, str]:
    """The applications table (every cell a number) with every identity holding."""
    tdef = table_def(template, "applications")
    results = result_rows(template)
    n_new = min(_applications_total(rng, level), 9 if small else 10**6)
    share_leg = rng.choice((0.0, 0.0, 0.03, 0.08, 0.15))
    n_leg = sum(1 for _ in range(n_new) if rng.random() < share_leg)
    cols: dict[str, dict[str, int]] = {}
    new = {"natural_person": n_new - n_leg, **_split(rng, n_leg, _LEG_WEIGHTS)}
    carried = {c: (rng.randint(0, max(1, v // 8)) if v and rng.random() < 0.4 else 0) for c, v in new.items()}
    if small:
        carried = dict.fromkeys(carried, 0)
    weights = {r: _RESULT_WEIGHTS[r] for r in results}
    for c in new:
        incoming = new[c] + carried[c]
        forward = rng.randint(0, max(0, incoming // 10)) if incoming and rng.random() < 0.35 else 0
        processed = incoming - forward
        res = _split(rng, processed, weights)
        cols[c] = {"new_received": new[c], "carried_over": carried[c], **res, "total_processed": processed,
                   "carried_forward": forward}
    out: dict[str, str] = {}
    for r in tdef.rows:
        total = 0
        for c in ("natural_person",) + LEGAL_PERSON_COLUMNS:
            v = cols[c][r.id]
            total += v
            out[f"{r.id}/{c}"] = str(v)
        out[f"{r.id}/total"] = str(total)
    return out


def draw_review(rng: random.Random, level: str, small: bool = False) -> dict[str, str]:
    out: dict[str, str] = {}
    scale = {"township": 0.05, "county": 0.6, "city": 6.0}[level]
    for block in ("review", "litigation_direct", "litigation_after_review"):
        n = int(rng.expovariate(1 / scale)) if rng.random() < 0.8 else 0
        if small:
            n = min(n, 3)
        parts = _split(rng, n, {"upheld": 6, "corrected": 1, "other": 1.5, "pending": 2})
        for c in ("upheld", "corrected", "other", "pending"):
            out[f"{block}/{c}"] = str(parts[c])
        out[f"{block}/total"] = str(n)
    return out


def _amount(rng: random.Random, level: str) -> str:
    if rng.random() < 0.55:
        return "0"
    v = Decimal(int(rng.lognormvariate({"township": 2, "county": 5, "city": 8}[level], 1.5) * 10**6)).scaleb(-6)
    places = rng.choice((0, 2, 4, 6))
    return str(v.quantize(Decimal(1).scaleb(-places))) if places else str(int(v))


def draw_active(rng: random.Random, template: str, level: str, small: bool = False) -> dict[str, str]:
    """The active-disclosure table. ``small``: every count of a multi-column row is one digit
    (the run-together layout can then be split one way only)."""
    out: dict[str, str] = {}
    big = {"township": 1, "county": 20, "city": 200}[level]

    def count(hi: int, zero: float = 0.4) -> int:
        v = 0 if rng.random() < zero else rng.randint(1, max(1, hi))
        return min(v, 9) if small else v

    regs = level == "city" and rng.random() < 0.6
    if template == "2021":
        for row, on in (("regulations", regs), ("normative_documents", True)):
            issued = count(big // 4 + 2) if on else 0
            repealed = count(big // 8 + 1) if on else 0
            in_force = (issued + count(big * 2, 0.2)) if on else 0
            if small:
                in_force = min(in_force, 9)
            out.update({f"{row}/issued": str(issued), f"{row}/repealed": str(repealed), f"{row}/in_force": str(in_force)})
        out["administrative_license/decisions"] = str(count(big * 300, 0.3) if not small else rng.randint(0, 3000))
        out["administrative_penalty/decisions"] = str(count(big * 40, 0.4) if not small else rng.randint(0, 400))
        out["administrative_coercion/decisions"] = str(count(big * 3, 0.6) if not small else rng.randint(0, 60))
        out["administrative_fees/amount"] = _amount(rng, level)
        return out
    for row, on in (("regulations", regs), ("normative_documents", True)):
        made = count(big // 4 + 2) if on else 0
        out.update({f"{row}/newly_made": str(made), f"{row}/newly_published": str(made),
                    f"{row}/total_published": str(min(made + count(big, 0.2), 9) if small else made + count(big, 0.2))})
    for row in ("administrative_license", "other_external_services", "administrative_penalty",
                "administrative_coercion"):
        prev = count(big // 2 + 3, 0.3)
        change = rng.randint(-min(prev, 3), 3) if rng.random() < 0.5 else 0
        if small:
            change = max(change, 0) if prev + change > 9 else change
            prev = min(prev, 9)
        out.update({f"{row}/previous_items": str(prev), f"{row}/change": str(change),
                    f"{row}/decisions": str(count(big * 20, 0.4))})
    out["administrative_fees/previous_items"] = str(count(5, 0.5))
    out["administrative_fees/change"] = "0"
    out["centralized_procurement/items"] = str(count(big, 0.5))
    out["centralized_procurement/amount"] = _amount(rng, level)
    return out


def draw_tables(rng: random.Random, template: str, level: str, small: bool = False) -> Tables:
    return {"active_disclosure": draw_active(rng, template, level, small),
            "applications": draw_applications(rng, template, level, small),
            "review_litigation": draw_review(rng, level, small)}


def check_identities(template: str, tables: Tables) -> list[str]:
    """The identities that do NOT hold (empty for a consistent table), as ``rule:instance``; the
    identities are the template's (gsnlp.template.identities), the check is independent of gsnlp.check."""
    from gsnlp.template.identities import identities

    vals = {f"{t}/{a}": Decimal(v) for t in ("applications", "review_litigation") for a, v in tables[t].items()}
    bad = []
    for ident in identities(template):
        if sum(vals[a] for a in ident.lhs) != sum(vals[a] for a in ident.rhs):
            bad.append(f"{ident.rule.rsplit('.v', 1)[0]}:{ident.name.split(' ', 1)[1]}")
    return bad
