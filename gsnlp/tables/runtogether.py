"""Split table cells that a crawler ran together with no separator, using the template's arithmetic.

A crawler that flattens an HTML table often drops the cell boundaries: the row
``一、本年新收政府信息公开申请数量 | 80 | 1 | 0 | 0 | 0 | 0 | 81`` arrives as
``一、本年新收政府信息公开申请数量801000081``. Another layer finds the row labels and hands this
module, per template row, the value text between that label and the next one (a ``RunRow``).
``solve`` splits every run into the row's columns so that the template's sums hold:

1. **Tokens.** Whitespace (and any unexpected character) separates cells for sure; inside a
   digit run any cut is possible. A number is ``0`` or digits without a leading zero, with an
   optional leading ``-`` (which always starts a new number) and an optional ``.`` followed
   by digits. ``/``, dashes and ``无``/``不适用`` standing alone are not-applicable cells. A
   trailing unit (``元``, ``万元``) belongs to the last number and is reported in a Notice; a unit
   of the template's cells (``CELL_UNITS``) right after any number ends that cell and is the cell's
   ``unit`` (``2笔 984361元``: 2 with unit 笔, 984361 with unit 元; raw keeps the unit).
   Only ``change`` columns (2019 template, 本年增/减) may be negative and only ``amount``
   columns may have decimals; every other cell is a non-negative integer count.
2. **Rows.** Every split of each run is enumerated that satisfies its row constraints
   (applications: the six applicant columns add up to ``total``; review_litigation: per block
   ``upheld + corrected + other + pending = total``). If none does, the splits that break the
   fewest row constraints are kept and a ``runtogether.relaxed`` Notice names the dropped ones.
3. **Columns.** A backtracking search with interval pruning looks for combinations of row
   splits that satisfy the column constraints (applications, per column:
   ``new_received + carried_over = total_processed + carried_forward`` ("balance") and
   ``total_processed = Σ result rows`` ("results")). A row split survives when it is part of
   at least one full solution. If there is no solution, constraint families are dropped one
   step at a time (results, then balance, then both); the dropped constraints that each fit
   with the kept ones are put back if they all fit at once (that set is then the only maximal
   one, so nothing is guessed). A ``runtogether.relaxed`` Notice names the dropped constraints
   (family and columns) and those the report's own numbers break for sure.
4. **Cells.** A cell whose value is the same in every surviving split is a ``number``;
   otherwise it is ``ambiguous`` (``candidates`` = its possible values) and the row's
   surviving splits are returned in ``splits``. Nothing is guessed.

Searches are bounded (``ENUM_NODE_LIMIT``, ``SEARCH_NODE_LIMIT``); when a bound is hit the
result stays conservative (cells ambiguous rather than decided) and a ``runtogether.bound``
Notice is emitted.

Row ids: a template row id (``new_received``, ``denied.state_secret``, ``regulations``,
``review``), ``*`` for every row of the table in template order (the usual form of the 15
review_litigation numbers), or row ids joined by ``+`` (``litigation_direct+litigation_after_review``).
Cells named in ``fixed`` (read elsewhere, e.g. with separators) take part in the constraints;
a run whose row has fixed cells covers only the row's other columns. A constraint that touches
a cell with no number (a fixed blank or not-applicable cell, a row not given, an unsplittable
run) is not used.

Notice codes: ``runtogether.relaxed``, ``runtogether.unsplittable``, ``runtogether.bound``
(warnings); ``runtogether.unexpected_char`` (warning); ``runtogether.unit``,
``runtogether.ambiguous``, ``runtogether.span_uncertain`` (info).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Iterable

from gsnlp.doc import Cell, Notice
from gsnlp.errors import InputTooComplexError, UnknownNameError
from gsnlp.tables import template as tpl
from gsnlp.template.identities import FAMILIES as CONSTRAINT_FAMILIES

__all__ = ["RunRow", "SolveResult", "solve", "ENUM_NODE_LIMIT", "SEARCH_NODE_LIMIT", "CONSTRAINT_FAMILIES"]

MAX_RUN_CHARS = 400
"""Longest value text of one run (a row of the template has at most 15 cells of a few digits each);
a longer run raises ``InputTooComplexError`` (code ``input_too_complex``) naming its place."""
MAX_INT_DIGITS = 15
"""Most digits of one cell's integer part (no count or amount in a report has more)."""
MAX_FRAC_DIGITS = 8
"""Most digits after the decimal point of one cell."""
_REACH_MASK = (1 << 257) - 1  # token counts above 256 are never asked for (at most 175 cells a run)
ENUM_NODE_LIMIT = 50_000
"""Most search nodes spent enumerating the splits of one run."""
SEARCH_NODE_LIMIT = 50_000
"""Most search nodes spent on the joint (column) search of one table."""



# Column families dropped step by step when the joint search finds no solution.
_RELAX_STEPS: tuple[tuple[str, ...], ...] = ((), ("results",), ("balance",), ("balance", "results"))

_FULLWIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                            "．": ".", "－": "-", "−": "-", "﹣": "-", "‐": "-", "‑": "-"})
_DIGITS = frozenset("0123456789")
_DASHES = frozenset("-—–―")
_SLASHES = frozenset("/／")
_WORD_MARKERS = ("不适用", "无")
_SPECIAL = _DIGITS | _DASHES | _SLASHES | {"."}  # characters that must belong to a token

# What a column may hold beyond a non-negative integer: only the 2019 template's 本年增/减
# (``change``) can be negative, only amounts (``amount``) can have decimals; every other cell
# is a count.
_NEG, _DEC = 1, 2
_NEGATIVE_COLUMNS = frozenset({"change"})
_DECIMAL_COLUMNS = frozenset({"amount"})


def _allowed(address: str) -> int:
    col = address.rsplit("/", 1)[-1]
    return (_NEG if col in _NEGATIVE_COLUMNS else 0) | (_DEC if col in _DECIMAL_COLUMNS else 0)


@dataclass(frozen=True, slots=True)
class RunRow:
    """The raw value text of one template row (or of several, see the module doc) as in the source."""

    row_id: str
    text: str
    start: int


@dataclass(frozen=True, slots=True)
class SolveResult:
    cells: dict[str, Cell]
    splits: dict[str, list[list[str]]]
    notices: list[Notice]


@dataclass(frozen=True, slots=True)
class _Tok:
    raw: str
    value: Decimal | None  # None: a not-applicable marker
    start: int  # offset in the row text
    end: int
    flags: int = 0  # _NEG: a negative number, _DEC: one with a decimal point


@dataclass(frozen=True, slots=True)
class _Constraint:
    """``Σ lhs = Σ rhs`` over cell addresses (``row/column``)."""

    name: str
    family: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]

    def terms(self) -> Iterable[tuple[str, int]]:
        for a in self.lhs:
            yield a, 1
        for a in self.rhs:
            yield a, -1


# --------------------------------------------------------------------------- constraints


@functools.lru_cache(maxsize=None)
def _constraints(template: str, table_id: str) -> tuple[_Constraint, ...]:
    """The table's identities (``gsnlp.template.identities``) as constraints over ``row/column`` addresses."""
    from gsnlp.template.identities import identities

    cut = len(table_id) + 1
    out: list[_Constraint] = []
    for ident in identities(template, table_id):
        lhs = tuple(a[cut:] for a in ident.lhs)
        rhs = tuple(a[cut:] for a in ident.rhs)
        # "row new_received", "balance total", "results total": the names the notices print
        name = f"row {rhs[0].split('/')[0]}" if ident.family == "row" else f"{ident.family} {rhs[0].split('/')[1]}"
        out.append(_Constraint(name, ident.family, lhs, rhs))
    return tuple(out)


# --------------------------------------------------------------------------- tokens


class _Lexed:
    """Token options at every position of one run text (normalised, same length as the source)."""

    __slots__ = ("text", "n", "opts", "nxt", "reach", "unit", "units", "unexpected", "has_minus", "has_marker",
                 "minus")

    def __init__(self, text: str, minus: bool = True) -> None:
        # ``minus``: a '-' right before a digit is a minus sign (a row with a column that may be
        # negative); otherwise it is a not-applicable marker, a cell of its own.
        self.minus = minus
        s = text.translate(_FULLWIDTH)
        n = len(s)
        while n and s[n - 1].isspace():
            n -= 1
        # A trailing unit (元, 万元, %, …) belongs to the last number.
        u = n
        while u and s[u - 1] not in _SPECIAL and not s[u - 1].isspace():
            u -= 1
        self.unit: tuple[int, int] | None = None
        if u < n and not s[u:n].endswith(_WORD_MARKERS):
            self.unit = (u, n)
            n = u
        # units.get(p): the span of the unit printed right after a number ending at p (984361元, 2笔 984361元):
        # the cell's own unit (tpl.CELL_UNITS), which also ends the cell
        self.units: dict[int, tuple[int, int]] = {}
        in_unit: set[int] = set()
        for i in range(1, n):
            if s[i - 1] in _DIGITS:
                w = next((w for w in tpl.CELL_UNITS if s.startswith(w, i) and i + len(w) <= n), None)
                if w is not None:
                    self.units[i] = (i, i + len(w))
                    in_unit.update(range(i, i + len(w)))
        if self.unit is not None and s[self.unit[0] : self.unit[1]] in tpl.CELL_UNITS:
            k = self.unit[0]
            while k and s[k - 1].isspace():
                k -= 1
            if k and s[k - 1] in _DIGITS:
                self.units[k] = self.unit
        self.text = text
        self.n = n
        self.unexpected: list[int] = []
        self.has_minus = False
        self.has_marker = False
        opts: list[list[_Tok]] = [[] for _ in range(n + 1)]
        inside: set[int] = set()
        for i in range(n):
            opts[i] = self._options(s, i, n, text)
            for t in opts[i]:
                if t.value is None:
                    inside.update(range(i + 1, t.end))
        for i in range(n):
            between_digits = 0 < i < n - 1 and s[i - 1] in _DIGITS and s[i + 1] in _DIGITS
            if s[i] == "," and between_digits:
                continue  # a thousands separator or a cell boundary: the arithmetic tells which
            if not opts[i] and i not in inside and i not in in_unit and not s[i].isspace() and s[i] not in _SPECIAL:
                self.unexpected.append(i)  # read as a separator
        self.opts = opts
        # nxt[p]: the first position >= p where a token must start (skipping separators).
        nxt = [n] * (n + 1)
        for p in range(n - 1, -1, -1):
            nxt[p] = p if (opts[p] or s[p] in _SPECIAL) else nxt[p + 1]
        self.nxt = nxt
        # reach[p]: bitset of k such that text[p:n] splits into exactly k tokens (p a token start or n).
        reach = [0] * (n + 1)
        reach[n] = 1
        for p in range(n - 1, -1, -1):
            if nxt[p] != p:
                continue
            bits = 0
            for t in opts[p]:
                bits |= reach[nxt[t.end]] << 1
            reach[p] = bits & _REACH_MASK
        self.reach = reach

    def _options(self, s: str, p: int, n: int, orig: str) -> list[_Tok]:
        c = s[p]
        out: list[_Tok] = []
        if c == "-" and p + 1 < n and s[p + 1] in _DIGITS and self.minus and not (p > 0 and s[p - 1] in _DASHES):
            self.has_minus = True
            q = p + 1
        elif c in _DIGITS:
            if p > 0 and s[p - 1] == "-" and self.minus and not (p > 1 and s[p - 2] in _DASHES):
                return out  # a digit right after a minus sign belongs to the negative number
            if p > 0 and s[p - 1] == ".":
                return out  # a number never starts right after a decimal point
            q = p
        elif c in _DASHES:
            if p > 0 and s[p - 1] in _DASHES:
                return out
            e = p
            while e < n and s[e] in _DASHES:
                e += 1
            if self.minus and e < n and s[e] in _DIGITS and s[e - 1] == "-" and e - 1 > p:
                e -= 1  # '——-5': the last '-' starts a negative number
            self.has_marker = True
            return [_Tok(orig[p:e], None, p, e)]
        elif c in _SLASHES:
            if p > 0 and s[p - 1] in _SLASHES:
                return out
            e = p
            while e < n and s[e] in _SLASHES:
                e += 1
            self.has_marker = True
            return [_Tok(orig[p:e], None, p, e)]
        else:
            for w in _WORD_MARKERS:
                if s.startswith(w, p) and p + len(w) <= n:
                    self.has_marker = True
                    return [_Tok(orig[p : p + len(w)], None, p, p + len(w))]
            return out
        neg = _NEG if q > p else 0
        # digits of the integer part
        run_end = q
        while run_end < n and s[run_end] in _DIGITS and run_end - q < MAX_INT_DIGITS:
            run_end += 1
        int_ends = [q + 1] if s[q] == "0" else list(range(q + 1, run_end + 1))
        if s[q] != "0":
            # "1,234": a thousands separator after one to three digits, then groups of three
            for j in range(q + 1, min(run_end, q + 3) + 1):
                k = j
                while k + 4 <= n and s[k] == "," and all(ch in _DIGITS for ch in s[k + 1 : k + 4]):
                    k += 4
                    if (j - q) + 3 * ((k - j) // 4) > MAX_INT_DIGITS:
                        break
                    out.append(_Tok(orig[p:k], Decimal(s[p:k].replace(",", "")), p, k, neg))
        for j in int_ends:
            if j < n and s[j] == "." and j + 1 < n and s[j + 1] in _DIGITS:
                f_end = j + 1
                while f_end < n and s[f_end] in _DIGITS and f_end - j <= MAX_FRAC_DIGITS:
                    f_end += 1
                for k in range(j + 2, f_end + 1):
                    out.append(_Tok(orig[p:k], Decimal(s[p:k]), p, k, neg | _DEC))
                continue  # an integer cannot end right before a decimal point
            if j - p == 2 and s[p] == "-" and s[q] == "0":
                continue  # no '-0'
            out.append(_Tok(orig[p:j], Decimal(s[p:j]), p, j, neg))
        return out


# --------------------------------------------------------------------------- per-run enumeration


class _Run:
    __slots__ = ("row", "slots", "lex", "cands", "status", "doubt")

    def __init__(self, row: RunRow, slots: list[str]) -> None:
        self.row = row
        self.slots = slots
        self.lex = _lexed(row.text, any(_allowed(a) & _NEG for a in slots))
        self.cands: list[tuple[_Tok, ...]] = []
        self.status = "ok"  # "ok" | "unsplittable" | "bound"
        self.doubt = False  # its split was chosen by relaxed arithmetic among several


@functools.lru_cache(maxsize=4096)
def _lexed(text: str, minus: bool = True) -> _Lexed:
    """The lexed run (never changed once built; the same digits recur across rows and reports)."""
    return _Lexed(text, minus)


def _enumerate(lex: _Lexed, allowed: list[int], checks: list[list[tuple[list[tuple[int, int]], Decimal]]],
               prune: list[list[tuple[list[tuple[int, int]], Decimal]]] | None,
               limit: int) -> tuple[list[tuple[_Tok, ...]], bool]:
    """All splits of ``lex`` into ``len(allowed)`` tokens, each of a kind its slot allows (see
    ``_allowed``), passing ``checks`` (per slot: constraints that complete at that slot, as
    (slot, coef) terms and a constant). Returns (splits, complete)."""
    nslots = len(allowed)
    out: list[tuple[_Tok, ...]] = []
    start = lex.nxt[0]
    if not (lex.reach[start] >> nslots) & 1:
        return out, True
    opts, nxt, reach, n = lex.opts, lex.nxt, lex.reach, lex.n
    chosen: list[_Tok] = []
    vals: list[Decimal | None] = []
    nodes = 0

    def ok(slot: int, p_next: int) -> bool:
        for terms, const in checks[slot]:
            total = const
            for s_i, coef in terms:
                v = vals[s_i]
                if v is None:
                    break
                total += coef * v
            else:
                if total != 0:
                    return False
        if prune is not None and prune[slot]:
            # Values are non-negative here: a still-open constraint must be reachable by what is
            # left of the text (no single value can have more digits than remain).
            left = n - p_next - (nslots - slot - 2)
            cap = Decimal(10) ** max(left, 0)
            for terms, const in prune[slot]:
                total = const
                pos = neg = 0
                for s_i, coef in terms:
                    if s_i <= slot:
                        total += coef * vals[s_i]  # type: ignore[operator]
                    elif coef > 0:
                        pos += 1
                    else:
                        neg += 1
                if total - neg * cap > 0 or total + pos * cap < 0:
                    return False
        return True

    def rec(p: int, slot: int) -> bool:
        nonlocal nodes
        if slot == nslots:
            out.append(tuple(chosen))
            return True
        need = nslots - slot - 1
        bad = ~allowed[slot]
        for t in opts[p]:
            q = nxt[t.end]
            if not (reach[q] >> need) & 1 or t.flags & bad:
                continue
            nodes += 1
            if nodes > limit:
                return False
            chosen.append(t)
            vals.append(t.value)
            if ok(slot, q) and not rec(q, slot + 1):
                return False
            chosen.pop()
            vals.pop()
        return True

    complete = rec(start, 0)
    return out, complete


def _local_checks(run: _Run, cons: list[_Constraint], fixed_num: dict[str, Decimal]) -> tuple[
        list[list[tuple[list[tuple[int, int]], Decimal]]], list[list[tuple[list[tuple[int, int]], Decimal]]],
        list[_Constraint]]:
    """Per slot: the local constraints to check there, and those still open there (for pruning)."""
    idx = {a: i for i, a in enumerate(run.slots)}
    nslots = len(run.slots)
    checks: list[list[tuple[list[tuple[int, int]], Decimal]]] = [[] for _ in range(nslots)]
    prune: list[list[tuple[list[tuple[int, int]], Decimal]]] = [[] for _ in range(nslots)]
    used: list[_Constraint] = []
    for c in cons:
        terms: list[tuple[int, int]] = []
        const = Decimal(0)
        for a, coef in c.terms():
            if a in idx:
                terms.append((idx[a], coef))
            elif a in fixed_num:
                const += coef * fixed_num[a]
            else:
                break
        else:
            if not terms:
                continue
            used.append(c)
            last = max(s for s, _ in terms)
            first = min(s for s, _ in terms)
            checks[last].append((terms, const))
            for s in range(first, last):
                prune[s].append((terms, const))
    return checks, prune, used


@functools.lru_cache(maxsize=4096)
def _split(text: str, slots: tuple[str, ...], mine: tuple[_Constraint, ...], fixed: tuple[tuple[str, Decimal], ...],
           limit: int) -> tuple[str, tuple[tuple[_Tok, ...], ...], tuple[str, ...] | None, bool]:
    """The splits of one run on its own, with its row constraints (step 1 of ``solve``).

    Returns (status, splits, dropped, guessed): status "ok", "bound" (the enumeration hit ``limit``) or
    "bound_relaxed" (no split adds up and enumerating them all hit ``limit``); ``dropped``
    names the row constraints relaxed (None when none was). Depends on its arguments only
    (offsets are within ``text``), so the many identical runs ("0000000") are split once.
    ``guessed``: the row constraints were relaxed and the run had more than one split, so the
    splits kept were chosen by the fewest broken constraints (a reading in doubt).
    """
    run = _Run(RunRow("", text, 0), list(slots))
    lex = run.lex
    fixed_num = dict(fixed)
    checks, prune, used = _local_checks(run, list(mine), fixed_num)
    use_prune = prune if not (lex.has_minus or lex.has_marker) else None
    allowed = [_allowed(a) for a in slots]
    cands, complete = _enumerate(lex, allowed, checks, use_prune, limit)
    if not complete:
        return "bound", (), None, False
    dropped = None
    guessed = False
    if not cands and used:
        no_checks: list[list[tuple[list[tuple[int, int]], Decimal]]] = [[] for _ in slots]
        raw, complete = _enumerate(lex, allowed, no_checks, None, limit)
        if not complete:
            return "bound_relaxed", (), None, False
        guessed = len(raw) > 1
        if raw:
            scored = [(_violations(c, run, used, fixed_num), c) for c in raw]
            best = min(len(v) for v, _ in scored)
            cands = [c for v, c in scored if len(v) == best]
            dropped = tuple(sorted({c.name for v, _ in scored if len(v) == best for c in v}))
    return "ok", tuple(cands), dropped, guessed


def _violations(cand: tuple[_Tok, ...], run: _Run, cons: list[_Constraint],
                fixed_num: dict[str, Decimal]) -> list[_Constraint]:
    idx = {a: i for i, a in enumerate(run.slots)}
    bad = []
    for c in cons:
        total = Decimal(0)
        for a, coef in c.terms():
            v = cand[idx[a]].value if a in idx else fixed_num.get(a)
            if v is None:
                break
            total += coef * v
        else:
            if total != 0:
                bad.append(c)
    return bad


# --------------------------------------------------------------------------- joint search


class _Joint:
    """Backtracking over the runs' candidate splits for linear equalities, with interval pruning."""

    def __init__(self, runs: list[_Run], cons: list[_Constraint], fixed_num: dict[str, Decimal]) -> None:
        self.nodes = 0
        self.bound_hit = False
        where: dict[str, tuple[int, int]] = {}
        for ri, r in enumerate(runs):
            if r.status == "ok":
                for si, a in enumerate(r.slots):
                    where[a] = (ri, si)
        # Per constraint: constant part and the (run, slot, coef) terms.
        self.cons: list[_Constraint] = []
        terms_of: list[list[tuple[int, int, int]]] = []
        consts: list[Decimal] = []
        for c in cons:
            terms: list[tuple[int, int, int]] = []
            const = Decimal(0)
            for a, coef in c.terms():
                if a in where:
                    ri, si = where[a]
                    if any(cand[si].value is None for cand in runs[ri].cands):
                        break
                    terms.append((ri, si, coef))
                elif a in fixed_num:
                    const += coef * fixed_num[a]
                else:
                    break  # a cell we know nothing about: the constraint cannot be used
            else:
                if terms:
                    self.cons.append(c)
                    terms_of.append(terms)
                    consts.append(const)
        involved = sorted({ri for ts in terms_of for ri, _, _ in ts})
        m = len(self.cons)
        # Contribution vector of every candidate of every involved run.
        contrib: dict[int, list[list[Decimal]]] = {}
        mine: dict[int, list[tuple[int, int, int]]] = {ri: [] for ri in involved}  # (constraint, slot, coef)
        for j, ts in enumerate(terms_of):
            for rj, si, coef in ts:
                mine[rj].append((j, si, coef))
        for ri in involved:
            vecs = []
            own = mine[ri]
            for cand in runs[ri].cands:
                vec = [Decimal(0)] * m
                for j, si, coef in own:
                    vec[j] += coef * cand[si].value  # type: ignore[operator]
                vecs.append(vec)
            contrib[ri] = vecs
        base = list(consts)
        self.vars: list[int] = []
        for ri in involved:
            if len(runs[ri].cands) == 1:
                for j in range(m):
                    base[j] += contrib[ri][0][j]
            else:
                self.vars.append(ri)
        self.vars.sort(key=lambda ri: len(runs[ri].cands))
        self.base = base
        self.contrib = contrib
        self.m = m
        self.runs = runs

    def _bounds(self, allowed: list[list[int]]) -> tuple[list[list[Decimal]], list[list[Decimal]]]:
        m = self.m
        d = len(self.vars)
        lo = [[Decimal(0)] * m for _ in range(d + 1)]
        hi = [[Decimal(0)] * m for _ in range(d + 1)]
        for i in range(d - 1, -1, -1):
            vecs = [self.contrib[self.vars[i]][k] for k in allowed[i]]
            for j in range(m):
                col = [v[j] for v in vecs]
                lo[i][j] = lo[i + 1][j] + min(col)
                hi[i][j] = hi[i + 1][j] + max(col)
        return lo, hi

    def search(self, force: dict[int, int] | None = None) -> tuple[list[int] | None, bool]:
        """One solution (candidate index per var run) or None; second item: False if the bound was hit."""
        force = force or {}
        allowed = [[force[ri]] if ri in force else list(range(len(self.runs[ri].cands))) for ri in self.vars]
        lo, hi = self._bounds(allowed)
        m, d = self.m, len(self.vars)
        pick: list[int] = []
        zero = Decimal(0)

        def rec(i: int, acc: list[Decimal]) -> bool | None:
            if i == d:
                return all(a == zero for a in acc)
            vecs = self.contrib[self.vars[i]]
            lo_n, hi_n = lo[i + 1], hi[i + 1]
            for k in allowed[i]:
                self.nodes += 1
                if self.nodes > SEARCH_NODE_LIMIT:
                    self.bound_hit = True
                    return None
                v = vecs[k]
                new = [acc[j] + v[j] for j in range(m)]
                if any(new[j] + lo_n[j] > zero or new[j] + hi_n[j] < zero for j in range(m)):
                    continue
                pick.append(k)
                r = rec(i + 1, new)
                if r is None:
                    return None
                if r:
                    return True
                pick.pop()
            return False

        if any(self.base[j] + lo[0][j] > zero or self.base[j] + hi[0][j] < zero for j in range(m)):
            return None, True
        r = rec(0, list(self.base))
        if r is None:
            return None, False
        return (list(pick) if r else None), True

    def survivors(self) -> tuple[dict[int, list[int]] | None, bool]:
        """Per var run, the candidate indexes that belong to at least one full solution
        (None: no solution). Second item: False if a bound was hit (then unrefuted candidates are kept)."""
        sol, complete = self.search()
        if sol is None:
            if complete:
                return None, True
            return {ri: list(range(len(self.runs[ri].cands))) for ri in self.vars}, False
        seen = {ri: {k} for ri, k in zip(self.vars, sol)}
        all_complete = True
        for ri in self.vars:
            for k in range(len(self.runs[ri].cands)):
                if k in seen[ri]:
                    continue
                s, complete = self.search({ri: k})
                if s is not None:
                    for rj, kj in zip(self.vars, s):
                        seen[rj].add(kj)
                elif not complete:
                    all_complete = False
                    seen[ri].add(k)  # not refuted: keep it
        return {ri: sorted(ks) for ri, ks in seen.items()}, all_complete


# --------------------------------------------------------------------------- solve


def _slots_for(tdef: tpl.TableDef, row_id: str, fixed: dict[str, Cell]) -> list[str]:
    if row_id == "*":
        rows = list(tdef.rows)
    else:
        rows = []
        for rid in row_id.split("+"):
            try:
                rows.append(tdef.row(rid.strip()))
            except KeyError:
                known = ["*"] + [r.id for r in tdef.rows]
                raise UnknownNameError("row", f"{tdef.template}/{tdef.id}/{rid}", known) from None
    return [f"{r.id}/{c}" for r in rows for c in r.columns if f"{r.id}/{c}" not in fixed]


def _sort_key(v: str) -> tuple[int, Decimal, str]:
    try:
        return (0, Decimal(v.translate(_FULLWIDTH)), v)
    except ArithmeticError:
        return (1, Decimal(0), v)


def _normalise_fixed(tdef: tpl.TableDef, fixed: dict[str, Cell] | None) -> dict[str, Cell]:
    if not fixed:
        return {}
    known = set(tdef.addresses())
    out: dict[str, Cell] = {}
    for a, c in fixed.items():
        if a.startswith(tdef.id + "/"):
            a = a[len(tdef.id) + 1 :]
        if a not in known:
            raise UnknownNameError("cell", f"{tdef.template}/{tdef.id}/{a}", sorted(known))
        out[a] = c
    return out


def solve(template: str, table_id: str, rows: list[RunRow], fixed: dict[str, Cell] | None = None) -> SolveResult:
    """Split run-together rows of one table (see the module doc).

    ``cells`` holds one Cell per address covered by ``rows`` (``fixed`` cells are not repeated);
    ``splits`` the surviving splits of every row left ambiguous; ``notices`` what was relaxed,
    bounded or unsplittable.
    """
    tdef = tpl.table_def(template, table_id)
    fixed_cells = _normalise_fixed(tdef, fixed)
    fixed_num = {a: c.value for a, c in fixed_cells.items() if c.kind == "number" and c.value is not None}
    all_cons = _constraints(template, table_id)
    notices: list[Notice] = []

    runs: list[_Run] = []
    seen_addr: dict[str, str] = {}
    for row in rows:
        if len(row.text) > MAX_RUN_CHARS:
            raise InputTooComplexError(
                f"the values of one table row run to {len(row.text)} characters (at most {MAX_RUN_CHARS} are read: "
                "a template row has a few cells of a few digits); the text is not a table row as published. "
                "Check the file, or cut the row to its cells",
                origin=f"table {table_id} row {row.row_id}, characters {row.start}-{row.start + len(row.text)}")
        slots = _slots_for(tdef, row.row_id, fixed_cells)
        for a in slots:
            if a in seen_addr:
                raise ValueError(f"cell {table_id}/{a} is covered by run rows {seen_addr[a]!r} and {row.row_id!r}")
            seen_addr[a] = row.row_id
        runs.append(_Run(row, slots))

    row_cons_of: dict[str, list[_Constraint]] = {}
    for c in all_cons:
        if c.family == "row":
            for a in c.lhs + c.rhs:
                row_cons_of.setdefault(a, []).append(c)
    col_cons = [c for c in all_cons if c.family != "row"]

    # 1. every run on its own, with its row constraints
    for run in runs:
        lex, row, end = run.lex, run.row, run.row.start + len(run.row.text)
        if lex.unit is not None:
            u0, u1 = lex.unit
            notices.append(Notice("runtogether.unit", f"{table_id}/{row.row_id}: unit {row.text[u0:u1]!r} follows the "
                                  "last number; the value is the number alone", row.start + u0, row.start + u1, "info",
                                  table=table_id, row=row.row_id))
        for p in lex.unexpected:
            notices.append(Notice("runtogether.unexpected_char", f"{table_id}/{row.row_id}: unexpected character "
                                  f"{row.text[p]!r} read as a cell boundary", row.start + p, row.start + p + 1,
                                  table=table_id, row=row.row_id))
        if not run.slots:
            continue
        mine = tuple({id(c): c for a in run.slots for c in row_cons_of.get(a, ())}.values())
        fixed_key = tuple(sorted((a, v) for a, v in fixed_num.items() if any(a in c.lhs or a in c.rhs for c in mine)))
        status, cands_t, dropped, guessed = _split(row.text, tuple(run.slots), mine, fixed_key, ENUM_NODE_LIMIT)
        run.doubt = guessed
        cands = list(cands_t)
        if status == "bound":
            run.status = "bound"
            notices.append(Notice("runtogether.bound", f"{table_id}/{row.row_id}: gave up enumerating the splits of "
                                  f"{row.text!r} after {ENUM_NODE_LIMIT} steps; its cells are left ambiguous",
                                  row.start, end, table=table_id, row=row.row_id))
            continue
        if status == "bound_relaxed":
            run.status = "bound"
            notices.append(Notice("runtogether.bound", f"{table_id}/{row.row_id}: no split of {row.text!r} adds up "
                                  f"and enumerating all splits stopped after {ENUM_NODE_LIMIT} steps; its cells "
                                  "are left ambiguous", row.start, end, table=table_id, row=row.row_id))
            continue
        if dropped is not None and not guessed:
            stray = _stray_digits(row.text, tuple(run.slots), mine, fixed_key)
            if stray:
                run.doubt = True  # one digit too many explains the broken row: a stray digit, not the report
                p0 = stray[0]
                notices.append(Notice("runtogether.stray_digit", f"{table_id}/{row.row_id}: the row adds up without "
                                      f"one of its digits ({', '.join(repr(row.text[p]) for p in stray)} at "
                                      f"{', '.join(str(row.start + p) for p in stray)}): a stray digit may have been "
                                      "read into the row", row.start + p0, row.start + p0 + 1, "info",
                                      table=table_id, row=row.row_id))
        if dropped is not None:
            notices.append(Notice("runtogether.relaxed", f"{table_id}/{row.row_id}: no split of {row.text!r} "
                                  f"satisfies its row constraints; dropped: {', '.join(dropped)} "
                                  f"({CONSTRAINT_FAMILIES['row']}); kept the {len(cands)} split(s) that break "
                                  f"the fewest", row.start, end, table=table_id, row=row.row_id))
        if not cands:
            run.status = "unsplittable"
            notices.append(Notice("runtogether.unsplittable", f"{table_id}/{row.row_id}: {row.text!r} cannot be split "
                                  f"into {len(run.slots)} cells of the columns' kinds "
                                  "(blank cells hidden in the run?); "
                                  "its cells are left ambiguous", row.start, end, table=table_id, row=row.row_id))
            continue
        run.cands = cands

    # 2. jointly, with the column constraints, relaxing step by step
    if col_cons:
        for drop in _RELAX_STEPS:  # the last step keeps no column constraint and always succeeds
            active = [c for c in col_cons if c.family not in drop]
            joint = _Joint(runs, active, fixed_num)
            surv, complete = joint.survivors()
            if surv is None:
                continue
            dropped_cons = [c for c in col_cons if c.family in drop]
            if dropped_cons:
                # Put back every dropped_cons constraint that is satisfiable together with the kept ones,
                # if all of them are satisfiable at once (then that set is the only maximal one and
                # keeping it guesses nothing); otherwise the whole family stays dropped_cons.
                back = [c for c in dropped_cons if _Joint(runs, active + [c], fixed_num).search()[0] is not None]
                if back:
                    joint2 = _Joint(runs, active + back, fixed_num)
                    surv2, complete2 = joint2.survivors()
                    if surv2 is not None:
                        surv, complete = surv2, complete2
                        dropped_cons = [c for c in dropped_cons if c not in back]
            if not complete:
                notices.append(Notice("runtogether.bound", f"{table_id}: the joint search stopped after "
                                      f"{SEARCH_NODE_LIMIT} steps; splits it could not rule out are kept"))
            for ri, ks in surv.items():
                if dropped_cons and len(runs[ri].cands) > 1:
                    runs[ri].doubt = True  # chosen by the constraints kept while the report breaks others
                runs[ri].cands = [runs[ri].cands[k] for k in ks]
            if dropped_cons:
                notices.append(_relax_notice(table_id, dropped_cons, runs, fixed_num))
            break

    # 3. cells
    cells: dict[str, Cell] = {}
    splits: dict[str, list[list[str]]] = {}
    for run in runs:
        row, end = run.row, run.row.start + len(run.row.text)
        if run.status != "ok":
            hidden = _hidden_blank_candidates(run) if run.status == "unsplittable" else None
            for si, a in enumerate(run.slots):
                cells[a] = Cell("ambiguous", row.text, None, row.start, end, hidden[si] if hidden else ())
            continue
        doubt = "split" if run.doubt else None
        if len(run.cands) > 1:
            splits[row.row_id] = [[t.raw for t in c] for c in run.cands]
            notices.append(Notice("runtogether.ambiguous", f"{table_id}/{row.row_id}: {len(run.cands)} valid splits "
                                  f"of {row.text!r}", row.start, end, "info", table=table_id, row=row.row_id))
        for si, a in enumerate(run.slots):
            toks = [c[si] for c in run.cands]
            t0 = toks[0]
            if all(t.value == t0.value and t.raw == t0.raw for t in toks):
                s0: int | None
                e0: int | None
                if all(t.start == t0.start for t in toks):
                    s0, e0 = row.start + t0.start, row.start + t0.end
                else:
                    s0 = e0 = None
                    notices.append(Notice("runtogether.span_uncertain", f"{table_id}/{a}: the value {t0.raw!r} is "
                                          "certain but not which digits of the run it is", row.start, end, "info",
                                          table=table_id, row=a.split("/")[0], column=a.split("/")[1]))
                unit = run.lex.units.get(t0.end) if t0.value is not None and s0 is not None else None
                if t0.value is None:
                    cells[a] = Cell("not_applicable", t0.raw, None, s0, e0, doubt=doubt)
                elif unit is not None:  # the number with its unit: raw keeps the unit, the value is as printed
                    cells[a] = Cell("number", row.text[t0.start : unit[1]], t0.value, s0, row.start + unit[1],
                                    doubt=doubt, unit=row.text[unit[0] : unit[1]])
                else:
                    cells[a] = Cell("number", t0.raw, t0.value, s0, e0, doubt=doubt)
            else:
                cand_vals = sorted({t.raw if t.value is None else str(t.value) for t in toks}, key=_sort_key)
                # the digits are in doubt, not the unit printed after them when every split ends the cell there
                ends = {t.end for t in toks if t.value is not None}
                u = run.lex.units.get(ends.pop()) if len(ends) == 1 and all(t.value is not None for t in toks) else None
                cells[a] = Cell("ambiguous", row.text, None, row.start, end, tuple(cand_vals),
                                unit=None if u is None else row.text[u[0] : u[1]])
    notices = [n if n.table else replace(n, table=table_id) for n in notices]
    return SolveResult(cells, splits, notices)


STRAY_DIGIT_MAX_CHARS = 40
"""Longest run in which a stray digit is looked for (one re-split per digit)."""


def _stray_digits(text: str, slots: tuple[str, ...], mine: tuple[_Constraint, ...],
                  fixed: tuple[tuple[str, Decimal], ...]) -> list[int]:
    """Positions of the digits whose removal lets the run satisfy its row constraints (a run that
    breaks them as read). Empty when none does, or the run is too long to try."""
    if len(text) > STRAY_DIGIT_MAX_CHARS:
        return []
    out = []
    for p, ch in enumerate(text):
        if not ch.isdigit():
            continue
        status, cands, dropped, _g = _split(text[:p] + " " + text[p + 1 :], slots, mine, fixed, ENUM_NODE_LIMIT)
        if status == "ok" and cands and dropped is None:
            out.append(p)
    return out


def _hidden_blank_candidates(run: _Run) -> list[tuple[str, ...]] | None:
    """A run with fewer cells than its row (blank cells hidden in it, "0 00000"): per slot, the
    values it may hold (the slot may also be one of the blanks). None when no fewer-cell split exists
    or enumerating them hits the bound."""
    lex, n = run.lex, len(run.slots)
    bits = lex.reach[lex.nxt[0]] & ((1 << n) - 1)
    if bits <= 1:
        return None
    k = bits.bit_length() - 1  # the most cells the run can hold, fewer than the row has
    any_kind = _NEG | _DEC
    splits, complete = _enumerate(lex, [any_kind] * k, [[] for _ in range(k)], None, ENUM_NODE_LIMIT)
    if not complete or not splits:
        return None
    out: list[tuple[str, ...]] = []
    for si in range(n):
        lo, hi = max(0, si - (n - k)), min(si, k - 1)
        vals = {str(sp[j].value) if sp[j].value is not None else sp[j].raw for sp in splits for j in range(lo, hi + 1)}
        out.append(tuple(sorted(vals, key=_sort_key)))
    return out


def _relax_notice(table_id: str, dropped: list[_Constraint], runs: list[_Run], fixed_num: dict[str, Decimal]) -> Notice:
    """Which column constraints were dropped, and which of them the numbers break for sure."""
    values: dict[str, set[Decimal | None]] = {}
    for r in runs:
        if r.status != "ok":
            continue
        for si, a in enumerate(r.slots):
            values[a] = {c[si].value for c in r.cands}
    broken = []
    for c in dropped:
        sides: list[Decimal | None] = []
        for side in (c.lhs, c.rhs):
            total: Decimal | None = Decimal(0)
            for a in side:
                vs = values.get(a, {fixed_num[a]} if a in fixed_num else {None})
                v = next(iter(vs))
                if len(vs) != 1 or v is None or total is None:
                    total = None
                    break
                total += v
            sides.append(total)
        if sides[0] is not None and sides[1] is not None and sides[0] != sides[1]:
            broken.append(f"{c.name}: {sides[0]} ≠ {sides[1]}")
    families = sorted({c.family for c in dropped}, key=list(CONSTRAINT_FAMILIES).index)
    what = "; ".join(f"{f} ({CONSTRAINT_FAMILIES[f]}) in columns "
                     + ", ".join(c.name.split(" ", 1)[1] for c in dropped if c.family == f) for f in families)
    msg = f"{table_id}: no combination of splits satisfies every column constraint; dropped {what}"
    if broken:
        msg += "; the report's numbers break " + ", ".join(broken)
    return Notice("runtogether.relaxed", msg, None, None)
