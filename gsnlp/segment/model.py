"""The narrative segmentation model: sections where headings fail.

The report is cut into units (sentences, list items, heading lines; long runs of table text in
chunks). A linear classifier over character n-grams (TF-IDF, multinomial logistic regression)
gives each unit a probability per state — ``front`` (title, covering text) and the six
template sections — and a Viterbi pass over a transition matrix learnt from the corpus turns
those into one section per unit, in document order. Units of 一、总体情况 get a sub-topic the
same way (``general`` or one of ``SUBTOPIC_IDS``).

Training needs scikit-learn (extra ``themes``); the fitted weights are exported to JSON
(``gsnlp/segment/models/sections-v1.json``) and prediction is pure Python, so reading a report
needs neither scikit-learn nor a pickle. The model is trained with the headings hidden (their
characters blanked), so it reads the content, not the heading words.

``fill_missing_sections`` is what the reader uses: the sections whose headings were found
stay as they are; a section whose heading is missing is placed by the model between its found
neighbours, with ``origin="model"`` and the mean probability of its units as ``confidence``.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from gsnlp.doc import Notice, Region, Section
from gsnlp.errors import NotFittedError, SchemaError
from gsnlp.segment.regions import mask
from gsnlp.template.sections import NUMERALS, SECTION_HEADINGS, SECTION_IDS, SUBTOPIC_IDS, subtopic_of_title

MODEL_NAME = "sections-v1"
MODEL_SCHEMA = "gsnlp.sections-model/1"
STATES: tuple[str, ...] = ("front", *SECTION_IDS)
SUB_STATES: tuple[str, ...] = ("general", *SUBTOPIC_IDS)
MIN_CONFIDENCE = 0.5  # a section placed by the model with a lower mean probability is not kept
MAX_UNITS = 20000  # more units than this (a report is a few hundred): the model is not run, with a notice

_UNIT_BREAK = re.compile(
    r"(?<=[。！？!?])"  # after a sentence end
    r"|\n+"  # at a line break
    r"|(?<=[\d ])(?=(?:19|20)\d\d年)"  # before a year right after table digits: "…0000002021年，我局…"
    r"|(?=[（(][" + NUMERALS + r"]{1,2}[)）])"  # before a sub-heading （一）
    r"|(?<![" + NUMERALS + r"第])(?=[" + NUMERALS + r"]{1,2}[ \t]*[、.．])"  # before a numbered heading 一、
)
_MAX_UNIT = 160
_SUB_HEAD = re.compile(r"[（(]([" + NUMERALS + r"]{1,2})[)）][ \t]*([^。\n；;]{0,24})")
_DIGITS = re.compile(r"\d+")
# a closing line (signature and date, contact, attachment note): no section's content on its own
_CLOSING = re.compile(
    r"^[\s\u3000]*(?:[\u4e00-\u9fff（）()]{0,40}?[\s\u3000]*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|[（(]?\s*(?:联系人|联系电话|联系方式|电话|附件)[：:][^\n]{0,80})[\s\u3000。）)]*$")
_SPACE = re.compile(r"\s+")


def units(text: str, start: int = 0, end: int | None = None, cuts: Iterable[int] = ()) -> list[tuple[int, int]]:
    """The units the model labels, as ``(start, end)`` spans of ``text`` (no empty ones).

    ``cuts`` are further positions where a unit must end (the starts of known sections).
    """
    end = len(text) if end is None else end
    breaks = [(m.start(), m.end()) for m in _UNIT_BREAK.finditer(text, start, end)]
    breaks += [(c, c) for c in cuts if start < c < end]
    raw: list[tuple[int, int]] = []
    pos = start
    for bs, be in sorted(breaks):
        if bs > pos:
            raw.append((pos, bs))
        pos = max(pos, be)
    raw.append((pos, end))
    out: list[tuple[int, int]] = []
    for a, b in raw:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        while b - a > _MAX_UNIT:  # a long run of table text: chunks
            out.append((a, a + _MAX_UNIT))
            a += _MAX_UNIT
        if b > a and any(ch.isalnum() for ch in text[a:b]):
            out.append((a, b))
    return out


def features(s: str) -> list[str]:
    """Character 1- to 3-grams of the unit, NFKC-normalised, digits as ``0``, no spaces."""
    s = _DIGITS.sub("0", _SPACE.sub("", unicodedata.normalize("NFKC", s)))
    out = list(s)
    out += [s[i : i + 2] for i in range(len(s) - 1)]
    out += [s[i : i + 3] for i in range(len(s) - 2)]
    return out


@dataclass(frozen=True, slots=True)
class LinearModel:
    """TF-IDF (sublinear tf, l2 norm) + multinomial logistic regression, as plain numbers."""

    labels: tuple[str, ...]
    vocab: dict[str, int]
    idf: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]  # one row per label
    intercept: tuple[float, ...]

    def proba(self, text: str) -> list[float]:
        return self.proba_tokens(features(text))

    def proba_tokens(self, tokens: Iterable[str]) -> list[float]:
        counts: dict[int, int] = {}
        for g in tokens:
            k = self.vocab.get(g)
            if k is not None:
                counts[k] = counts.get(k, 0) + 1
        w = {k: (1.0 + math.log(c)) * self.idf[k] for k, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
        z = [b + sum(row[k] * v for k, v in w.items()) / norm for row, b in zip(self.coef, self.intercept)]
        mx = max(z)
        e = [math.exp(x - mx) for x in z]
        tot = sum(e)
        return [x / tot for x in e]

    def to_dict(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "vocab": self.vocab, "idf": [round(x, 4) for x in self.idf],
                "coef": [[round(x, 4) for x in row] for row in self.coef],
                "intercept": [round(x, 4) for x in self.intercept]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LinearModel:
        return cls(tuple(d["labels"]), dict(d["vocab"]), tuple(d["idf"]), tuple(tuple(r) for r in d["coef"]),
                   tuple(d["intercept"]))

    @classmethod
    def fit(cls, docs: Sequence[Sequence[str]], labels: Sequence[str], *, max_features: int, c: float,
            seed: int) -> LinearModel:
        """Fit on token lists (``features`` of each text, with context tokens if any)."""
        try:
            from sklearn.feature_extraction.text import TfidfVectorizer
            from sklearn.linear_model import LogisticRegression
        except ImportError as e:  # pragma: no cover - depends on the environment
            from gsnlp.errors import MissingExtraError

            raise MissingExtraError("training the section model", "themes", "scikit-learn") from e
        vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2, max_features=max_features)
        x = vec.fit_transform(docs)
        clf = LogisticRegression(C=c, max_iter=2000, random_state=seed)
        clf.fit(x, list(labels))
        classes = tuple(str(k) for k in clf.classes_)
        coef = clf.coef_
        if len(classes) == 2:  # binary LR keeps one row: expand to the two softmax rows
            coef = [-coef[0] / 2, coef[0] / 2]
            icpt = [-clf.intercept_[0] / 2, clf.intercept_[0] / 2]
        else:
            icpt = list(clf.intercept_)
        vocab = {str(g): int(i) for g, i in vec.vocabulary_.items()}
        return cls(classes, vocab, tuple(float(v) for v in vec.idf_), tuple(tuple(float(v) for v in r) for r in coef),
                   tuple(float(v) for v in icpt))


def _identity(tokens: Sequence[str]) -> Sequence[str]:
    return tokens


def unit_tokens(texts: Sequence[str], context: int) -> list[list[str]]:
    """Features of each unit, plus (``context`` > 0) the 1- and 2-grams of the ``context`` units
    before and after it, marked ``<`` and ``>``: a unit of table digits reads like its neighbours."""
    own = [features(t) for t in texts]
    if context <= 0:
        return own
    short = [[g for g in f if len(g) <= 2] for f in own]
    out = []
    for i, f in enumerate(own):
        toks = list(f)
        for j in range(max(0, i - context), i):
            toks += ["<" + g for g in short[j]]
        for j in range(i + 1, min(len(own), i + 1 + context)):
            toks += [">" + g for g in short[j]]
        out.append(toks)
    return out


def _log(x: float) -> float:
    return math.log(x) if x > 0 else -1e9


def viterbi(logp: Sequence[Sequence[float]], log_start: Sequence[float], log_trans: Sequence[Sequence[float]],
            allowed: Sequence[Iterable[int] | None] | None = None) -> list[int]:
    """Most likely state sequence; ``allowed[t]`` (when not None) restricts the state of unit t."""
    n = len(logp)
    if n == 0:
        return []
    s = len(log_start)
    neg = -1e18

    def ok(t: int) -> set[int] | None:
        if allowed is None or allowed[t] is None:
            return None
        return set(allowed[t] or ())

    a0 = ok(0)
    score = [log_start[j] + logp[0][j] if a0 is None or j in a0 else neg for j in range(s)]
    back: list[list[int]] = []
    for t in range(1, n):
        at = ok(t)
        new = [neg] * s
        bp = [0] * s
        for j in range(s):
            if at is not None and j not in at:
                continue
            bi = max(range(s), key=lambda i: score[i] + log_trans[i][j])
            new[j] = score[bi] + log_trans[bi][j] + logp[t][j]
            bp[j] = bi
        back.append(bp)
        score = new
    j = max(range(s), key=lambda i: score[i])
    path = [j]
    for bp in reversed(back):
        j = bp[j]
        path.append(j)
    return path[::-1]


def _logsumexp(xs: Sequence[float]) -> float:
    m = max(xs)
    if m <= -1e17:
        return m
    return m + math.log(sum(math.exp(x - m) for x in xs))


def marginals(logp: Sequence[Sequence[float]], log_start: Sequence[float], log_trans: Sequence[Sequence[float]],
              allowed: Sequence[Iterable[int] | None] | None = None) -> list[list[float]]:
    """P(state of unit t | all units) by forward-backward over the same chain as ``viterbi``."""
    n = len(logp)
    if n == 0:
        return []
    s = len(log_start)
    neg = -1e18
    oks = [None if allowed is None or allowed[t] is None else set(allowed[t] or ()) for t in range(n)]

    def em(t: int, j: int) -> float:
        ok = oks[t]
        return logp[t][j] if ok is None or j in ok else neg

    fw = [[log_start[j] + em(0, j) for j in range(s)]]
    for t in range(1, n):
        prev = fw[-1]
        fw.append([_logsumexp([prev[i] + log_trans[i][j] for i in range(s)]) + em(t, j) for j in range(s)])
    bw = [[0.0] * s for _ in range(n)]
    for t in range(n - 2, -1, -1):
        nxt = bw[t + 1]
        bw[t] = [_logsumexp([log_trans[i][j] + em(t + 1, j) + nxt[j] for j in range(s)]) for i in range(s)]
    out = []
    for t in range(n):
        row = [fw[t][j] + bw[t][j] for j in range(s)]
        z = _logsumexp(row)
        out.append([math.exp(x - z) if x > neg / 2 else 0.0 for x in row])
    return out


@dataclass(frozen=True, slots=True)
class SectionModel:
    """The fitted model: the section classifier, the sub-topic classifier, their transitions."""

    sections: LinearModel
    log_start: tuple[float, ...]
    log_trans: tuple[tuple[float, ...], ...]
    subtopics: LinearModel
    sub_log_start: tuple[float, ...]
    sub_log_trans: tuple[tuple[float, ...], ...]
    meta: dict[str, Any] = field(default_factory=dict)
    emission_weight: float = 1.0  # < 1 trusts the transitions more (fewer, longer spans)
    context: int = 0  # neighbouring units whose n-grams join a unit's features

    # --- prediction -------------------------------------------------------------------------
    def unit_proba(self, texts: Sequence[str]) -> list[list[float]]:
        """P(state | unit) for each unit, columns in ``STATES`` order."""
        idx = [self.sections.labels.index(s) if s in self.sections.labels else None for s in STATES]
        out = []
        for toks in unit_tokens(texts, self.context):
            p = self.sections.proba_tokens(toks)
            out.append([p[i] if i is not None else 0.0 for i in idx])
        return out

    def decode(self, texts: Sequence[str], allowed: Sequence[Iterable[int] | None] | None = None
               ) -> tuple[list[str], list[float]]:
        """One state per unit (Viterbi) and its posterior probability given the whole document."""
        probs = self.unit_proba(texts)
        w = self.emission_weight
        lp = [[w * _log(p) for p in row] for row in probs]
        path = viterbi(lp, self.log_start, self.log_trans, allowed)
        post = marginals(lp, self.log_start, self.log_trans, allowed)
        return [STATES[j] for j in path], [post[t][j] for t, j in enumerate(path)]

    def decode_subtopics(self, texts: Sequence[str]) -> tuple[list[str], list[float]]:
        idx = [self.subtopics.labels.index(s) if s in self.subtopics.labels else None for s in SUB_STATES]
        probs = []
        for toks in unit_tokens(texts, self.context):
            p = self.subtopics.proba_tokens(toks)
            probs.append([p[i] if i is not None else 0.0 for i in idx])
        w = self.emission_weight
        lp = [[w * _log(p) for p in row] for row in probs]
        path = viterbi(lp, self.sub_log_start, self.sub_log_trans)
        post = marginals(lp, self.sub_log_start, self.sub_log_trans)
        return [SUB_STATES[j] for j in path], [post[t][j] for t, j in enumerate(path)]

    # --- persistence ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"schema": MODEL_SCHEMA, "name": MODEL_NAME, "states": list(STATES), "sub_states": list(SUB_STATES),
                "sections": self.sections.to_dict(), "log_start": [round(x, 4) for x in self.log_start],
                "log_trans": [[round(x, 4) for x in r] for r in self.log_trans],
                "subtopics": self.subtopics.to_dict(), "sub_log_start": [round(x, 4) for x in self.sub_log_start],
                "sub_log_trans": [[round(x, 4) for x in r] for r in self.sub_log_trans], "meta": self.meta,
                "emission_weight": self.emission_weight, "context": self.context}

    @classmethod
    def from_dict(cls, d: dict[str, Any], origin: str = "<model>") -> SectionModel:
        if d.get("schema") != MODEL_SCHEMA or tuple(d.get("states", ())) != STATES:
            raise SchemaError(f"not a {MODEL_SCHEMA} model with states {list(STATES)}; retrain it with "
                              "`python experiments/sections/run.py`", origin=origin)
        return cls(LinearModel.from_dict(d["sections"]), tuple(d["log_start"]), tuple(tuple(r) for r in d["log_trans"]),
                   LinearModel.from_dict(d["subtopics"]), tuple(d["sub_log_start"]),
                   tuple(tuple(r) for r in d["sub_log_trans"]), dict(d.get("meta", {})),
                   float(d.get("emission_weight", 1.0)), int(d.get("context", 0)))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path | None = None) -> SectionModel:
        """The model at ``path``, or the one shipped with gsnlp."""
        if path is None:
            return _default_model()
        p = Path(path)
        try:
            d = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise SchemaError(f"cannot read the section model ({e}); give a JSON file written by "
                              "SectionModel.save", origin=str(p)) from e
        return cls.from_dict(d, str(p))


@lru_cache(maxsize=1)
def _default_model() -> SectionModel:
    ref = resources.files("gsnlp.segment").joinpath("models", f"{MODEL_NAME}.json")
    try:
        d = json.loads(ref.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise NotFittedError(f"the shipped section model {MODEL_NAME}.json is missing or unreadable ({e}); "
                             "reinstall gsnlp or run `python experiments/sections/run.py`",
                             origin=str(ref)) from e
    return SectionModel.from_dict(d, str(ref))


# --- training data ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LabelledDoc:
    """A report's units with their gold states and sub-topics (None where not known)."""

    name: str
    group: str  # the agency: cross-validation never splits one
    text: str  # with the headings blanked
    spans: tuple[tuple[int, int], ...]
    states: tuple[str, ...]
    subtopics: tuple[str | None, ...]


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the characters of ``spans`` replaced by spaces (line breaks kept): offsets stay."""
    chars = list(text)
    for a, b in spans:
        for i in range(a, b):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def sub_headings(text: str, start: int, end: int) -> list[tuple[int, int, str | None]]:
    """(start, end of its title words, sub-topic or None) of each （一）-style sub-heading in the span."""
    out = []
    for m in _SUB_HEAD.finditer(text, start, end):
        topic = subtopic_of_title(m.group(2))
        stop = m.start(2)
        if topic is not None:
            head = m.group(2)[:14]
            words = [w for st in (topic,) for w in _words(st)]
            hits = [head.find(w) + len(w) for w in words if w in head]
            stop = m.start(2) + (max(hits) if hits else 0)
        out.append((m.start(), stop, topic))
    return out


def _words(topic: str) -> tuple[str, ...]:
    from gsnlp.template.sections import OVERVIEW_SUBTOPICS

    st = next(s for s in OVERVIEW_SUBTOPICS if s.id == topic)
    return (st.title, *st.words)


def label_units(text: str, sections: Sequence[Section], spans: Sequence[tuple[int, int]]
                ) -> tuple[list[str], list[str | None], list[tuple[int, int]]]:
    """Gold state and sub-topic of each unit from section spans; also the spans to blank (headings)."""
    canon = [s for s in sections if s.id in SECTION_IDS or s.id == "extra"]
    states: list[str] = []
    subs: list[str | None] = []
    hidden: list[tuple[int, int]] = [(s.start, s.body_start) for s in canon if s.body_start > s.start]
    ov = next((s for s in canon if s.id == "overview"), None)
    heads = sub_headings(text, ov.body_start, ov.end) if ov else []
    hidden += [(a, b) for a, b, topic in heads if topic is not None]
    for a, _b in spans:
        cur = "front"
        for s in canon:
            if s.start <= a < s.end:
                cur = s.id
        if cur == "extra":  # an extra part: the canonical section before it
            prev = [s.id for s in canon if s.end <= a and s.id != "extra"]
            cur = prev[-1] if prev else "front"
        if canon and a >= canon[-1].end:
            cur = canon[-1].id if canon[-1].id != "extra" else cur
        states.append(cur)
        sub: str | None = None
        if cur == "overview":
            sub = "general"
            for h0, _h1, topic in heads:
                if h0 <= a:
                    sub = topic  # None: a sub-heading of no template sub-topic
        subs.append(sub)
    return states, subs, hidden


def _transitions(seqs: Iterable[Sequence[str]], states: Sequence[str], alpha: float
                 ) -> tuple[tuple[float, ...], tuple[tuple[float, ...], ...]]:
    k = len(states)
    ix = {s: i for i, s in enumerate(states)}
    start = [alpha] * k
    trans = [[alpha] * k for _ in range(k)]
    for seq in seqs:
        seq = [x for x in seq if x in ix]
        if not seq:
            continue
        start[ix[seq[0]]] += 1
        for a, b in zip(seq, seq[1:]):
            trans[ix[a]][ix[b]] += 1
    st = sum(start)
    return (tuple(math.log(x / st) for x in start),
            tuple(tuple(math.log(x / sum(r)) for x in r) for r in trans))


def fit(docs: Sequence[LabelledDoc], *, max_features: int = 6000, c: float = 4.0, alpha: float = 0.1,
        emission_weight: float = 1.0, context: int = 0, seed: int = 0) -> SectionModel:
    """Fit the classifiers and transitions on labelled documents (headings already blanked)."""
    if not docs:
        raise NotFittedError("no labelled documents to fit the section model on")
    xs: list[list[str]] = []
    ys: list[str] = []
    sx: list[list[str]] = []
    sy: list[str] = []
    for d in docs:
        toks = unit_tokens([d.text[a:b] for a, b in d.spans], context)
        for tk, st, sub in zip(toks, d.states, d.subtopics):
            xs.append(tk)
            ys.append(st)
        ov = [k for k, sub in enumerate(d.subtopics) if sub is not None]
        # sub-topic context: the neighbours inside 总体情况 only (as at prediction)
        stoks = unit_tokens([d.text[d.spans[k][0]:d.spans[k][1]] for k in ov], context)
        for k, tk in zip(ov, stoks):
            sx.append(tk)
            sy.append(d.subtopics[k] or "")
    secs = LinearModel.fit(xs, ys, max_features=max_features, c=c, seed=seed)
    subm = LinearModel.fit(sx, sy, max_features=max_features, c=c, seed=seed)
    ls, lt = _transitions((d.states for d in docs), STATES, alpha)
    sub_seqs = [[s for s in d.subtopics if s is not None] for d in docs]
    ss, stt = _transitions(sub_seqs, SUB_STATES, alpha)
    meta = {"n_docs": len(docs), "n_units": len(xs), "n_sub_units": len(sx), "max_features": max_features, "C": c,
            "alpha": alpha, "context": context, "seed": seed}
    return SectionModel(secs, ls, lt, subm, ss, stt, meta, emission_weight, context)


# --- use in the reader ------------------------------------------------------------------------
def allowed_states(spans: Sequence[tuple[int, int]], sections: Sequence[Section]) -> list[set[int] | None]:
    """For each unit, the states it may take given the sections found by their headings.

    The first unit of a found section is that section. A later unit inside it is that section
    or one of the missing sections the template places between it and the next found one;
    before the first found section: ``front`` or a missing section before that one.
    """
    found = sorted((s for s in sections if s.id in SECTION_IDS), key=lambda s: s.start)
    have = {s.id for s in found}
    missing = [i for i, sid in enumerate(STATES) if sid in SECTION_IDS and sid not in have]
    out: list[set[int] | None] = []
    seen: set[int] = set()
    for a, b in spans:
        k = next((n for n, s in enumerate(found) if s.start <= a < s.end), None)
        lo = STATES.index(found[k].id) if k is not None else 0
        if k is not None and k not in seen:
            seen.add(k)
            out.append({lo})
            continue
        nxt = [s for s in found if s.start >= b]
        hi = STATES.index(nxt[0].id) if nxt else len(STATES)
        out.append({lo} | {i for i in missing if lo < i < hi})
    return out




@lru_cache(maxsize=1)
def _row_labels() -> tuple[str, ...]:
    from gsnlp.template.tables import TABLE_IDS, TEMPLATES, table_def

    keys = {k for v in TEMPLATES for tid in TABLE_IDS for r in table_def(v, tid).rows for k in r.keys if len(k) >= 4}
    return tuple(sorted(keys, key=len, reverse=True))


_ROW = re.compile(r"\s*(?:[一二三四五六七八九十]{1,2}[、.．]|[（(][一二三四五六七八九十]{1,2}[)）]|\d{1,2}[、.．])?"
                  r"([^\d\n]{2,40}?)((?:[ \t\u3000]*[\d.,]+)+)(?![\d.,件条个份项次人家元万％%余多])")


def _table_row_end(unit: str) -> int | None:
    """Where a template table row that opens ``unit`` ends (label naming a template row, then its numbers)."""
    m = _ROW.match(unit)
    if m is None or not any(k in re.sub(r"\s+", "", m.group(1)) for k in _row_labels()):
        return None
    return m.end()


def fill_missing_sections(text: str, sections: Sequence[Section], notices: Sequence[Notice],
                          regions: Sequence[Region] = (), model: SectionModel | None = None
                          ) -> tuple[list[Section], list[Notice]]:
    """Place the template sections whose headings were not found, by the model.

    Sections found by their headings keep their start; the one before a placed section ends
    where it begins. A placed section needs a mean probability of at least ``MIN_CONFIDENCE``;
    below that the section stays missing (and its ``sections.missing`` notice stays).
    """
    secs = list(sections)
    have = {s.id for s in secs}
    if all(sid in have for sid in SECTION_IDS):
        return secs, list(notices)
    model = model or SectionModel.load()
    masked = mask(text, list(regions))
    hidden = [(s.start, s.body_start) for s in secs if s.body_start > s.start]
    view = blank(masked, hidden)
    spans = units(view, cuts=[s.start for s in secs])
    if not spans:
        return secs, list(notices)
    if len(spans) > MAX_UNITS:
        return secs, list(notices) + [Notice(
            "sections.model_skipped", f"the text has {len(spans)} sentence units, more than the segmentation model "
            f"reads ({MAX_UNITS}); sections without a heading stay missing", None, None, "info")]
    states, conf = model.decode([view[a:b] for a, b in spans], allowed_states(spans, secs))
    placed: list[Section] = []
    t = 0
    while t < len(spans):
        sid = states[t]
        u = t
        while u + 1 < len(spans) and states[u + 1] == sid:
            u += 1
        # table 三 numbers its rows 一、…四、 like the sections: a row of a template table never starts a section
        a0 = spans[t][0]
        while sid in SECTION_IDS and sid not in have and a0 < spans[u][1]:
            k = next(k for k in range(t, u + 1) if spans[k][1] > a0)
            e = _table_row_end(view[a0:spans[k][1]])
            if e is None:
                break
            a0 += e
            while a0 < spans[u][1] and view[a0].isspace():
                a0 += 1
        content = any(not _CLOSING.match(view[spans[k][0]:spans[k][1]]) for k in range(t, u + 1))
        if sid in SECTION_IDS and sid not in have and content:
            c = sum(conf[t : u + 1]) / (u + 1 - t)
            if c >= MIN_CONFIDENCE and not any(p.id == sid for p in placed):
                if a0 < spans[u][1]:
                    placed.append(Section(sid, "", a0, spans[u][1], a0, None, "model", round(c, 4)))
        t = u + 1
    if not placed:
        return secs, list(notices)
    out: list[Section] = []
    for s in secs:
        cut = [p.start for p in placed if s.start < p.start < s.end]
        out.append(replace(s, end=min(cut)) if cut else s)
    # a placed section runs to the next section's start
    allsecs = sorted(out + placed, key=lambda s: s.start)
    final: list[Section] = []
    for i, s in enumerate(allsecs):
        if s.origin == "model":
            nxt = allsecs[i + 1].start if i + 1 < len(allsecs) else len(text.rstrip())
            s = replace(s, end=max(s.end, nxt))
        final.append(s)
    have |= {p.id for p in placed}
    kept = [n for n in notices if n.code != "sections.missing"]
    kept += [Notice("sections.missing", f"section {SECTION_HEADINGS[sid]!r} ({sid}) not found")
             for sid in SECTION_IDS if sid not in have]
    for p in placed:
        kept.append(Notice("sections.model_inferred",
                           f"section {SECTION_HEADINGS[p.id]!r} ({p.id}) has no heading; the segmentation model "
                           f"places it here (confidence {p.confidence:.2f})", p.start, p.end, "info"))
    return final, kept


@dataclass(frozen=True, slots=True)
class UnitLabel:
    """A unit of text with its label, where the label came from, and the model's confidence."""

    start: int
    end: int
    label: str
    origin: str  # "heading" (a sub-heading names it) or "model"
    confidence: float | None = None


def overview_subtopics(text: str, sections: Sequence[Section], regions: Sequence[Region] = (),
                       model: SectionModel | None = None) -> list[UnitLabel]:
    """The units of 一、总体情况 with their sub-topic (``general`` or one of ``SUBTOPIC_IDS``).

    Units under a sub-heading that names a template sub-topic (（一）主动公开 …) take it from the
    heading; the others (reports whose sub-headings are their own: （一）责任落实更严格) are labelled
    by the model, smoothed over the section by its transition matrix.
    """
    ov = next((s for s in sections if s.id == "overview"), None)
    if ov is None:
        return []
    masked = mask(text, list(regions))
    heads = sub_headings(masked, ov.body_start, ov.end)
    spans = units(masked, ov.body_start, ov.end, cuts=[h[0] for h in heads])
    if not spans:
        return []
    view = blank(masked, [(h0, h1) for h0, h1, topic in heads if topic is not None])
    model = model or SectionModel.load()
    states, conf = model.decode_subtopics([view[a:b] for a, b in spans])
    named = any(topic is not None for _, _, topic in heads)
    out = []
    for (a, b), st, c in zip(spans, states, conf):
        under = [topic for h0, _h1, topic in heads if h0 <= a]
        lab = (under[-1] if under else "general") if named else None
        if lab is not None:
            out.append(UnitLabel(a, b, lab, "heading"))
        else:
            out.append(UnitLabel(a, b, st, "model", round(c, 4)))
    return out
