"""The narrative-figure extractor: every stated figure of the narrative, with its meaning.

Pipeline of pure steps over the original text (offsets are never shifted):
candidates (number + unit, or a negated event) -> filters (years, document numbers, article
numbers, quotes, URLs …) -> context (subject, predicate, channel, scope, period, list item)
-> structure (其中 parts, 含 inside brackets, 另外/此外 asides) -> metric.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache
from decimal import Decimal
from typing import Any, Iterable, Iterator

from gsnlp.figures.lexicon import Lexicon, lexicon, tokenizer
from gsnlp.figures.numbers import parse_number

SCHEMA = "gsnlp.figures/1"
KINDS = ("count", "amount", "percent", "rate")
POLARITIES = ("positive", "negated")


@dataclass(frozen=True, slots=True)
class Figure:
    """One stated figure. ``start``/``end`` is the half-open span into the report text.

    The span runs from the first character of the number (or of the negation cue) to the end
    of the unit; ``text`` is that slice. ``value`` is the number as stated, times nothing:
    ``scale`` (10000 for 万) is kept apart, and ``scaled`` gives the product.
    """

    doc: str
    id: str
    start: int | None  # None only for a table cell whose reader kept no text span (PDF, HTML)
    end: int | None
    text: str
    value: Decimal
    unit: str
    kind: str
    scale: int | None = None
    approx: str | None = None
    subject: str | None = None
    predicate: str | None = None
    channel: str | None = None
    scope: str | None = None
    period: str | None = None
    polarity: str = "positive"
    parent: str | None = None
    qualifies: str | None = None
    item: int | None = None
    metric: str | None = None
    section: str | None = None
    metric_p: float | None = None  # the binding model's probability of ``metric`` (None: rules only)

    @property
    def negated(self) -> bool:
        return self.polarity == "negated"

    @property
    def scaled(self) -> Decimal:
        return self.value * (self.scale or 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc, "id": self.id, "start": self.start, "end": self.end, "text": self.text,
            "value": str(self.value), "unit": self.unit, "kind": self.kind, "scale": self.scale,
            "approx": self.approx, "subject": self.subject, "predicate": self.predicate,
            "channel": self.channel, "scope": self.scope, "period": self.period, "polarity": self.polarity,
            "parent": self.parent, "qualifies": self.qualifies, "item": self.item, "metric": self.metric,
            "section": self.section, "metric_p": self.metric_p,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Figure:
        return cls(
            d["doc"], d["id"], d["start"], d["end"], d["text"], Decimal(d["value"]), d.get("unit", ""),
            d.get("kind", "count"), d.get("scale"), d.get("approx"), d.get("subject"), d.get("predicate"),
            d.get("channel"), d.get("scope"), d.get("period"), d.get("polarity", "positive"), d.get("parent"),
            d.get("qualifies"), d.get("item"), d.get("metric"), d.get("section"),
            None if d.get("metric_p") is None else float(d["metric_p"]),
        )


# ---------------------------------------------------------------------------------------
# candidates

_CN = "零〇一二两三四五六七八九十百千"
_SP = "[ \t\u3000\u00a0]*"


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    num_start: int
    num_end: int
    value: Decimal
    unit: str
    kind: str
    scale: int | None
    approx: str | None
    negated: bool = False
    fields: dict[str, Any] = field(default_factory=dict)


def _build_regex(lx: Lexicon) -> re.Pattern[str]:
    units = "|".join(re.escape(u) for u in sorted(lx.units, key=len, reverse=True))
    scales = "|".join(re.escape(s) for s in lx.scales)
    approx = "|".join(re.escape(a) for a in lx.approx_after)
    arabic = r"[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?"
    chinese = f"[{_CN}]+"
    return re.compile(
        rf"(?P<num>{arabic}|{chinese})(?P<sp1>{_SP})(?P<ap1>{approx})?(?P<scale>{scales})?(?P<ap2>{approx})?"
        rf"(?P<sp2>{_SP})(?P<unit>{units})?"
    )


# 作为一项重要工作, 一个长效机制: 一 + measure word before an adjective is idiom, not a figure.
_IDIOM_AFTER_ONE = ("重要", "长效", "长期", "系统", "全新", "新的", "基本", "良好", "有效", "整体", "完整", "统一",
                    "专门", "突出", "积极", "重点", "规范", "常态", "大的", "较大", "不断", "年来")
_RX: re.Pattern[str] | None = None
_NEG_RX: re.Pattern[str] | None = None
_URL = re.compile(r"(?:https?://|www\.)[\w./?=&%#:\-]+|[\w.\-]+@[\w.\-]+\.[a-z]{2,}", re.I)
_WEB_URL = re.compile(r"(?:https?://|www\.)[\w./?=&%#:\-]+", re.IGNORECASE)
_BOUND = "。！？!?；;\n"
_CLAUSE = "。！？!?；;\n，,：:"
_OPEN_Q = {"“": "”", "《": "》", "〈": "〉", "「": "」", "\"": "\""}


def _regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    global _RX, _NEG_RX
    if _RX is None or _NEG_RX is None:
        lx = lexicon()
        _RX = _build_regex(lx)
        cues = "|".join(re.escape(c) for c in lx.neg_cues)
        verbs = "|".join(re.escape(v) for v in lx.neg_verbs)
        neg = lx.raw["negation"]
        fee_cues = "|".join(re.escape(c) for c in neg.get("fee_cues", []))
        fee_verbs = "|".join(re.escape(v) for v in neg.get("fee_verbs", []))
        fee = rf"|(?P<fcue>{fee_cues})(?P<fverb>{fee_verbs})" if fee_cues and fee_verbs else ""
        # 未收到…, 无收取…; and for fees only, 不收费 / 暂不收取
        _NEG_RX = re.compile(rf"(?P<cue>{cues})(?:任何|过|再)?(?P<verb>{verbs}){fee}")
    return _RX, _NEG_RX


_OPEN_Q_RX = re.compile("[" + "".join(k for k in _OPEN_Q if k != "\"") + "]")


def _quoted(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans inside “…” and 《…》 (names, slogans, titles: numbers there are not figures)."""
    out: list[tuple[int, int]] = []
    i = start
    while True:
        m = _OPEN_Q_RX.search(text, i, end)
        if m is None:
            return out
        i = m.start()
        j = text.find(_OPEN_Q[m.group()], i + 1, min(end, i + 80))
        if j > 0:
            out.append((i, j + 1))
            i = j + 1
        else:
            i += 1


def _inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    k = bisect_right(starts, pos) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def _number_ok(text: str, m: re.Match[str], lx: Lexicon, lo: int) -> bool:
    num = m.group("num")
    s = m.start()
    prev = text[s - 1] if s > lo else ""
    prev2 = text[max(lo, s - 2):s]
    if num[0] in _CN:
        # 统一, 唯一, 之一, 第一 …: a Chinese numeral glued to a word is not a figure.
        if prev and (prev in lx.not_before or prev2 in lx.not_before):
            return False
        if prev in _CN:
            return False
    else:
        if prev and (prev.isascii() and (prev.isalnum() or prev in "._-/:#") or prev in "－—〔"):
            return False
        if prev == "第":
            return False
    if prev in "（(" and text[max(lo, s - 2):s - 1] == "第":
        return False
    end = m.end()
    nxt = text[end:end + 4]
    unit = m.group("unit") or ""
    if nxt.startswith(lx.not_after_unit):
        return False  # 6个部分, 一次性
    if unit and (unit + nxt).startswith(lx.unit_compounds):
        return False  # 5家庭, 3部门 read as 3 部 + 门 …: the measure word is the head of a word
    if num[0] not in _CN and nxt[:1].isascii() and nxt[:1].isalpha():
        return False  # 5G, 3D, H5 …: a code, not a count
    if unit == "通" and (num[0] in _CN or nxt[:1] in "过知报道用信畅讯"):
        return False  # 一通百通, 3通过: 通 is a measure word only for calls (11通)
    if unit == "" and num[0] in _CN:
        return False
    if num == "一" and nxt.startswith(_IDIOM_AFTER_ONE):
        return False
    return True


def _candidates(text: str, start: int, end: int) -> Iterator[_Cand]:
    lx = lexicon()
    rx, neg_rx = _regexes()
    quoted = _quoted(text, start, end)
    # an address needs http/www or an @ (the e-mail pattern is slow on long runs of text)
    url_rx = _URL if text.find("@", start, end) >= 0 else _WEB_URL
    urls = [(m.start(), m.end()) for m in url_rx.finditer(text, start, end)]
    excl = sorted(quoted + urls)
    ex_starts = [a for a, _ in excl]
    for m in rx.finditer(text, start, end):
        unit = m.group("unit") or ""
        scale = m.group("scale")
        if not unit and not scale:
            continue
        if not unit and scale and m.group("num")[0] in _CN:
            continue
        if _inside(excl, ex_starts, m.start()):
            continue
        if not _number_ok(text, m, lx, start):
            continue
        num = m.group("num")
        if unit in ("成",) and (num[0] not in _CN):
            continue  # 8成 does not occur; 建成/形成 after a number do
        try:
            value = parse_number(num)
        except ValueError:
            continue
        a = m.start()
        e = m.end() if unit else m.start("scale") + len(scale or "") + len(m.group("ap2") or "")
        if scale and unit and (scale + unit) in lx.units:  # 1万元: the unit is 万元, not a scale
            unit, scale = scale + unit, None
        kind = lx.units.get(unit, "count") if unit else "count"
        yield _Cand(a, e, m.start("num"), m.end("num"), value, unit, kind,
                    lx.scales[scale] if scale else None, m.group("ap1") or m.group("ap2"))
    for m in neg_rx.finditer(text, start, end):
        cue_group, verb_group = ("cue", "verb") if m.group("cue") else ("fcue", "fverb")
        a = m.start(cue_group)
        if any(text.startswith(w, a) for w in lx.neg_not) or any(
                text.startswith(w, a - 1) for w in lx.neg_not if len(w) > 1):
            continue
        if _inside(excl, ex_starts, a):
            continue
        yield _Cand(a, m.end(), a, m.end(), Decimal(0), "", "count", None, None, negated=True,
                    fields={"verb": m.group(verb_group)})


# ---------------------------------------------------------------------------------------
# context

_FILLERS = ("共计", "总计", "合计", "累计", "共", "计", "达到", "达", "为", "了", "约", "近", "超过", "超", "逾",
            "各类", "各项", "各种", "相关", "等", "的", "有", "数量", "数", "均", "已", "全部", "等各类", "分别")
# at the start only whole words (为民办实事, 有关… must keep their first character)
_PREFIX_FILLERS = ("共计", "总计", "合计", "累计", "共", "各类", "各项", "各种", "相关", "有关", "的", "等", "分别",
                   "全部", "已", "均", "了")
_PERIOD_PREFIX = re.compile(r"^(?:(?:19|20)\d{2}\s*年(?:度)?|全年|今年|本年度|本年|截至目前|截止目前|目前)+")
_PRED_NOUN_NEXT = ("申请", "指南", "目录", "工作", "专栏", "平台", "事项", "情况", "信息", "专区", "制度", "栏目")


_LEAD = re.compile(r"^(?:其中|包括|含有|含|涉及|另外|此外|另有|同时|分别为|分别是|主要是|一是|二是|三是|四是|五是)[，,：:]?")
_RIGHT_STOP = re.compile(r"实现|已|现已|全部|均|都|被|进行|得到|获得|予以|正在|正|占|共|累计|参与|参加|顺利|运行|，|。")


def _right_subject(right: str) -> str:
    """The noun right after the measure word (911件居民热线问题, 48个单位的…, 2个…的政务新媒体)."""
    r = re.split(r"[，,。；;、（(：:]", right, maxsplit=1)[0]
    r = _RIGHT_STOP.split(r, maxsplit=1)[0]
    preds = [r.find(p) for p in lexicon().predicates if r.find(p) > 0]
    if preds:
        r = r[: min(preds)]
    if "的" in r:
        head, _, _tail = r.partition("的")
        r = head if len(head) <= 3 else r.rsplit("的", 1)[1]
    return re.sub(r"中$", "", _strip(r))


_STRIP_CHARS = " \t\u3000，,、：:（()）“”\"《》〈〉"
_SCOPE_PREFIX = re.compile(r"^(?:市政府|区政府|县政府|镇政府|全区|全县|全市|我区|我县|我市|我局|我中心)(?=.{2})")


@lru_cache(maxsize=16384)
def _strip(s: str) -> str:
    s = _LEAD.sub("", s.strip(_STRIP_CHARS))
    s = s.strip(_STRIP_CHARS)
    changed = True
    while changed and s:
        changed = False
        for f in _FILLERS:
            if s.endswith(f) and len(s) > len(f):
                s, changed = s[: -len(f)], True
        for f in _PREFIX_FILLERS:
            if s.startswith(f) and len(s) > len(f):
                s, changed = s[len(f):], True
        p = _PERIOD_PREFIX.sub("", s)
        if p != s and len(p) >= 2:
            s, changed = p, True
        p = _SCOPE_PREFIX.sub("", s)
        if p != s:
            s, changed = p, True
        s = s.strip(_STRIP_CHARS)
    return s


_SUBJECT_CANON: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:依申请公开的?|政府信息公开|信息公开|依申请公开政府信息|各类政府信息公开)?申请$|^依申请公开$|^依申请公开件?$"),
     "政府信息公开申请"),
    (re.compile(r"(?:政策|文件)?解读(?:类)?(?:信息|稿件|文章|产品)?$|^政策文件解读$"), "政策解读"),
    (re.compile(r"信息(?:公开)?处理费|^费用$"), "信息处理费"),
    (re.compile(r"^行政复议(?:案件)?$"), "行政复议"),
    (re.compile(r"^行政诉讼(?:案件)?$"), "行政诉讼"),
    (re.compile(r"规范性文件$"), "行政规范性文件"),
    (re.compile(r"(?<!类)规章$"), "规章"),
)
_OUTCOME = re.compile(r"(予以公开及部分公开|予以公开和部分公开|不予公开|无法提供|不予处理|其他处理)$")
_RATE = re.compile(r"[\u4e00-\u9fff]{1,4}率")
_ACTIVE_INFO = re.compile(r"^(?:各类|各领域)?(?:政府)?信息$|^[^，、]{0,10}单位政府信息$")
_ACTIVE_PART = re.compile(r"^主动公开(?:的)?(?:政府)?信息$")


_ON_BEHALF = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:办|办公室|局|中心)代表[\u4e00-\u9fff]{1,6}?(?:政府|管委会)")
_INTERP_TAIL = re.compile(r"解读(?:类)?(?:信息|稿件|文章|产品)?\s*$")


def canonical_subject(raw: str, clause_left: str, predicate: str | None, channel: str | None = None,
                      sentence: str = "", local: str = "") -> str:
    """Map a raw subject phrase to the canonical labels of the guidelines (§5)."""
    s = raw
    for rx, label in _SUBJECT_CANON:
        if rx.search(s):
            return label
    m = _OUTCOME.search(s)
    if m:
        return m.group(1)
    if local and _INTERP_TAIL.search(local):
        return "政策解读"
    if _ACTIVE_PART.match(s):
        return "主动公开信息"
    if _ACTIVE_INFO.search(s) and ("主动公开" in clause_left or predicate == "主动公开" or (
            channel == "门户网站" and predicate in ("公开", "发布", "公布")) or (
            "主动公开" in sentence and channel is None and predicate in ("公开", "发布", "公布"))):
        return "主动公开信息"
    return s


def _find_last(hay: str, words: Iterable[str]) -> tuple[int, str] | None:
    best: tuple[int, str] | None = None
    for w in words:
        i = hay.rfind(w)
        if i >= 0 and (best is None or i + len(w) > best[0] + len(best[1]) or
                       (i + len(w) == best[0] + len(best[1]) and len(w) > len(best[1]))):
            best = (i, w)
    return best


_PRED_TAIL = 400  # characters of the clause (and of the sentence before it) given to jieba


def _predicate_tokens(left: str) -> tuple[str | None, int]:
    """The last predicate token in ``left`` (jieba tokens) and the offset after it."""
    cut = max(0, len(left) - _PRED_TAIL)
    pred, after = _predicate_tail(left[cut:])
    return pred, (after + cut) if pred is not None else 0


@lru_cache(maxsize=8192)
def _predicate_tail(left: str) -> tuple[str | None, int]:
    lx = lexicon()
    if not any(p in left for p in lx.predicates):
        return (None, 0)
    toks = tokenizer().lcut(left, HMM=False)
    pos = 0
    last: tuple[str | None, int] = (None, 0)
    skipped: tuple[str | None, int] = (None, 0)
    for i, t in enumerate(toks):
        pos += len(t)
        if t in lx.predicates:
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            # a verb used as a modifier (信息公开申请, 发布各类主动公开信息) is not the predicate
            if t in ("公开", "处理", "办理", "主动公开") and nxt.startswith(_PRED_NOUN_NEXT):
                skipped = (t, pos)
                continue
            if i > 0 and toks[i - 1] in ("应", "其他应", "不予", "需"):  # 其他应主动公开的信息: a category
                continue
            last = (t, pos)
    return last if last[0] is not None else skipped


_END_PUNCT = "。！？!?；;：:，,、）)"


_ITEM_START = re.compile(r"[（(]?[一二三四五六七八九十\d]+[）)、.．]|[一二三四五六七八九十]是|—")


def _is_break(text: str, i: int, chars: str) -> bool:
    """``text[i]`` ends a sentence/clause. A lone line break inside a sentence (PDF line
    wrapping: 行\n政规范性文件) does not; one after punctuation or before a blank line does."""
    ch = text[i]
    if ch != "\n":
        return ch in chars
    j = i - 1
    while j >= 0 and text[j] in " \t\u3000\r":
        j -= 1
    if j < 0 or text[j] == "\n" or text[j] in _END_PUNCT or text[i + 1:i + 2] in ("\n", "#"):
        return True
    nxt = text[i + 1:i + 12].lstrip()
    return bool(_ITEM_START.match(nxt)) or j - text.rfind("\n", 0, j) < 20


_BREAK_POS: dict[str, tuple[str, list[int]]] = {}  # chars -> (text, positions), the last text


def _break_cands(text: str, chars: str) -> list[int]:
    """Positions of ``chars`` and of line breaks in ``text``, the only places where _is_break
    can be true (computed once per text and character set)."""
    hit = _BREAK_POS.get(chars)
    if hit is None or hit[0] is not text:
        rx = re.compile("[" + re.escape(chars + "\n") + "]")
        hit = _BREAK_POS[chars] = (text, [m.start() for m in rx.finditer(text)])
    return hit[1]


def _bounds(text: str, lo: int, hi: int, pos: int, chars: str) -> tuple[int, int]:
    # same as walking character by character from pos with _is_break, over the candidates only
    cands = _break_cands(text, chars)
    k = bisect_left(cands, pos)
    a = lo
    for q in range(k - 1, -1, -1):
        i = cands[q]
        if i < lo:
            break
        if _is_break(text, i, chars):
            a = i + 1
            break
    b = hi
    for q in range(k, len(cands)):
        i = cands[q]
        if i >= hi:
            break
        if _is_break(text, i, chars):
            b = i
            break
    return a, b


_CTX_RX: tuple[re.Pattern[str], re.Pattern[str]] | None = None


def _context_regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The lexicon's period words and rate words as two compiled patterns (built once)."""
    global _CTX_RX
    if _CTX_RX is None:
        lx = lexicon()
        period = re.compile(r"(?:19|20)\d{2}\s*年(?:度|全年)?|" + "|".join(map(re.escape, lx.periods)))
        rate = re.compile("(?:" + "|".join(map(re.escape, lx.rate_words)) + r")\s*(?:为|达|达到|超过|是)?\s*$")
        _CTX_RX = (period, rate)
    return _CTX_RX


def _context(text: str, c: _Cand, lo: int, hi: int, prev_end: int = -1) -> dict[str, Any]:
    lx = lexicon()
    s_a, s_b = _bounds(text, lo, hi, c.start, _BOUND)
    c_a, c_b = _bounds(text, lo, hi, c.start, _CLAUSE)
    if prev_end > c_a:  # 规章 22 件、行政规范性文件 34 件: the previous figure closes the left context
        c_a = prev_end
    sent_left = text[s_a:c.start].replace("\n", "")
    left = text[c_a:c.start].replace("\n", "")
    right = text[c.end:c_b].replace("\n", "")
    out: dict[str, Any] = {}
    ch = _find_last(text[s_a:c.start], (s for s, _ in lx.channels))
    if ch is None:
        ch = _find_last(text[c.end:c_b], (s for s, _ in lx.channels))
    out["channel"] = dict(lx.channels)[ch[1]] if ch else None
    if c.negated:
        verb = c.fields["verb"]
        out["predicate"] = verb
        r = re.sub(r"^(?:任何|过|再)", "", right)
        r = re.split(r"[，,。；;、（(]", r, maxsplit=1)[0]
        r = re.sub(r"(?:的)?(?:情况|情形|现象|问题)$", "", r)
        r = _strip(r)
        if verb in ("收取", "收费"):
            out["subject"] = "信息处理费"
        else:
            out["subject"] = canonical_subject(r, sent_left, verb) if r else None
    else:
        pred, after = _predicate_tokens(left)
        if pred is None:
            # no verb before the number in its clause: one right after it (1件结转下年度), else
            # none; a verb earlier in the sentence is kept for the metric rules only
            r8 = re.split(r"[，,。；;：:]", right, maxsplit=1)[0][:8]
            pred_r, _ = _predicate_tokens(r8)
            if pred_r is not None and not r8.lstrip().startswith(pred_r):
                pred_r = None  # only a verb right after the measure word (1件结转下年度)
            pred2, _ = _predicate_tokens(text[s_a:c_a]) if c_a > s_a else (None, 0)
            # a list continued after a figure shares its verb (共发布A 40条，B 121条，C 39条)
            listed = s_a <= prev_end <= c.start and len(left) <= 16
            out["predicate"] = pred_r or (pred2 if listed else None)
            out["_pred_any"] = pred_r or pred2
            subj = left
        else:
            out["predicate"] = pred
            subj = left[after:]
        if "等" in subj and len(subj.rsplit("等", 1)[1]) >= 2:  # 科技创新、营商环境…等重点领域信息
            subj = subj.rsplit("等", 1)[1]
        if "的" in subj and len(subj.rsplit("的", 1)[1]) >= 2:  # 运维不及时的政府网站
            subj = subj.rsplit("的", 1)[1]
        for w in lx.approx_before:
            if subj.endswith(w):
                subj = subj[: -len(w)]
        subj = _strip(subj)
        # channel / scope words are not the subject (通过门户网站发布 …)
        if subj and ((any(subj.endswith(s) for s, _ in lx.channels) and re.search(
                r"(?:通过|在|依托|利用)[^，,]{0,12}$", left[: len(left) - len(subj)] + subj[:1])) or
                subj in lx.scopes or subj in lx.periods):
            subj = ""
        # a noun right after the measure word is what is counted (48个单位, 2名工作人员)
        if c.kind != "percent" and right[:1] and "\u4e00" <= right[:1] <= "\u9fff" or len(subj) < 2:
            r = _right_subject(right)
            subj = r if len(r) >= 2 and c.kind != "percent" else subj
        out["subject"] = canonical_subject(subj, left, out["predicate"], out["channel"], text[s_a:s_b],
                                           left) if subj or _INTERP_TAIL.search(left) else None
        out["_pred_local"] = pred is not None
    rep = _ON_BEHALF.search(text[s_a:c.start].replace("\n", ""))
    sc = _find_last(text[s_a:c.start], lx.scopes)
    if rep:  # 区政府办代表区政府受理17件: a narrower office speaking for the government (口径)
        out["scope"] = rep.group(0)
    elif sc:
        out["scope"] = sc[1]
    else:
        ss = _find_last(text[s_a:c.start], lx.self_scopes)
        out["scope"] = "本机关" if ss else None
    period_rx, rate_rx = _context_regexes()
    pm = period_rx.findall(text, s_a, c.start)
    out["period"] = re.sub(r"\s+", "", pm[-1]) if pm else None
    if c.kind == "percent" and not c.negated:
        out["predicate"] = None  # 占51.85%, 网办率98.26%: a share or rate has no verb of its own
    if c.kind == "percent" and c.unit in ("%", "％"):
        rate = bool(lx.rate_words) and rate_rx.search(text[c_a:c.start]) is not None
        if rate:
            c.kind = "rate"
            rm = list(_RATE.finditer(text[c_a:c.start]))
            if rm:
                out["subject"] = rm[-1].group(0)  # 办结率100%: the rate names itself
    out["_left"] = left
    out["_sent_left"] = sent_left
    out["_sent"] = (s_a, s_b)
    return out


_RESPECTIVE = re.compile(r"分别(?:为|是|有|达到?|占)?\s*$")


def _respective(text: str, raw: list[tuple[_Cand, dict[str, Any]]]) -> None:
    """自然人、法人或其他组织申请分别为15件、2件: the i-th number counts the i-th thing named
    before 分别, not what the last words before the list name. Rewrites the label context
    (``_left``) and subject of each number of such a list in place; a list whose names and
    numbers do not pair one to one is left as it was."""
    k = 0
    while k < len(raw):
        c, ctx = raw[k]
        s_a = ctx.get("_sent", (c.start, c.end))[0]
        m = _RESPECTIVE.search(text, s_a, c.start)
        if m is None or c.negated:
            k += 1
            continue
        group = [k]
        j = k + 1
        while j < len(raw) and raw[j][0].unit == c.unit and not raw[j][0].negated and \
                re.fullmatch(r"\s*[、，,和及与]\s*", text[raw[j - 1][0].end:raw[j][0].start]):
            group.append(j)
            j += 1
        head_start = max([s_a] + [text.rfind(ch, s_a, m.start()) + 1 for ch in "，,；;：:"])
        head = text[head_start:m.start()]
        labels = [x.strip() for x in head.split("、") if x.strip()]
        if len(labels) != len(group):
            labels = [x.strip() for x in re.split(r"[、和及与]", head) if x.strip()]
        if len(group) >= 2 and len(labels) == len(group):
            for i, g in zip(group, labels):
                raw[i][1]["_left"] = g
                raw[i][1]["subject"] = _strip(g) or raw[i][1].get("subject")
        k = j


# ---------------------------------------------------------------------------------------
# public API

def extract(text: str, spans: Iterable[tuple[str | None, int, int]] | None = None, doc: str = "",
            *, metrics: bool = True, binding: str = "both",
            collect: list[tuple[str, list[str], str | None]] | None = None) -> list[Figure]:
    """Every narrative figure of ``text`` inside ``spans`` ((section id, start, end), offsets into
    ``text``); the whole text when ``spans`` is None. Figures are in text order with ids f1, f2 …

    ``binding`` chooses how metrics are bound (``gsnlp.figures.binding``): ``rules``, ``model``
    or ``both`` (default; without the shipped model file, rules only). ``collect``, when given,
    receives (figure id, mention features, rule metric) for every figure (model training)."""
    from gsnlp.figures.metrics import assign_metric, attach_outcomes
    from gsnlp.figures.structure import link

    if spans is None:
        spans = [(None, 0, len(text))]
    raw: list[tuple[_Cand, dict[str, Any], str | None, int, int]] = []
    for section, lo, hi in spans:
        cands = sorted(_candidates(text, lo, hi), key=lambda c: (c.start, -c.end))
        last_end = -1
        prev_end = -1
        for c in cands:
            if c.start < last_end:
                continue
            last_end = c.end
            ctx = _context(text, c, lo, hi, prev_end)
            prev_end = c.end
            raw.append((c, ctx, section, lo, hi))
    raw.sort(key=lambda r: r[0].start)
    _respective(text, [(c, ctx) for c, ctx, *_ in raw])
    figs: list[Figure] = []
    ctxs: list[dict[str, Any]] = []
    for i, (c, ctx, section, _lo, _hi) in enumerate(raw, 1):
        figs.append(Figure(
            doc=doc, id=f"f{i}", start=c.start, end=c.end, text=text[c.start:c.end], value=c.value, unit=c.unit,
            kind=c.kind, scale=c.scale, approx=c.approx, subject=ctx.get("subject"), predicate=ctx.get("predicate"),
            channel=ctx.get("channel"), scope=ctx.get("scope"), period=ctx.get("period"),
            polarity="negated" if c.negated else "positive", section=section,
        ))
        ctxs.append(ctx)
    figs = link(text, figs, ctxs, spans)
    byid = {f.id: f for f in figs}
    for k, f in enumerate(figs):
        if f.qualifies and f.qualifies in byid:
            figs[k] = replace(f, subject=byid[f.qualifies].subject)
    byid = {f.id: f for f in figs}
    for k, (f, ctx) in enumerate(zip(figs, ctxs)):
        if f.parent and f.polarity == "positive":
            p = byid[f.parent]
            label = _strip(re.split(r"[，,：:（(]", ctx["_left"])[-1])
            if len(label) < 2:
                label = f.subject or ""
            label = canonical_subject(label, "", p.predicate) if label else label
            figs[k] = replace(f, predicate=p.predicate, subject=label or None,
                              channel=f.channel or p.channel, scope=f.scope or p.scope, period=f.period or p.period)
    if metrics:
        from gsnlp.figures.binding import combine, load_model, mention_features

        model = load_model() if binding != "rules" or collect is not None else None
        if binding not in ("rules", "model", "both"):
            raise ValueError(f"binding {binding!r}: expected rules, model or both")
        out = []
        assigned: dict[str, str | None] = {}
        for f, ctx in zip(figs, ctxs):
            ctx["_parent_metric"] = assigned.get(f.parent or "")
            m = assign_metric(text, f, ctx, figs)
            assigned[f.id] = m  # the rules read the parent's rule metric (so do the model's features)
            prob: float | None = None
            if model is not None or collect is not None:
                feats = mention_features(text, f, ctx, ctx["_parent_metric"])
                if collect is not None:
                    collect.append((f.id, feats, m))
                if model is not None and binding != "rules":
                    m, prob = combine(m, model.proba(feats), model, binding)
            out.append(f if m is None and f.metric is None and prob is None else replace(f, metric=m, metric_p=prob))
        figs = attach_outcomes(out, ctxs)
    return figs


def report_spans(report: Any) -> list[tuple[str | None, int, int]]:
    """The narrative of a Report (``Report.narrative_spans``: the one definition)."""
    return list(report.narrative_spans())


def extract_report(report: Any, *, narrative: bool = True) -> list[Figure]:
    """Figures of a parsed ``gsnlp.doc.Report``: its narrative spans; with ``narrative=False``
    also every table cell that holds a number, with its cell address as ``metric``."""
    doc = report.doc_id
    figs = extract(report.text, report_spans(report), doc)
    if narrative:
        return figs
    cells: list[Figure] = []
    for table_id, table in report.tables.items():
        if not table.found:
            continue
        for address, cell in table.cells.items():
            if cell.kind != "number" or cell.value is None:
                continue
            cells.append(Figure(doc=doc, id="", start=cell.start, end=cell.end, text=cell.raw, value=cell.value,
                                unit="万元" if address.endswith("amount") else "", kind="amount" if address.endswith("amount") else "count",
                                section=table_id, metric=f"{table_id}/{address}"))
    far = len(report.text) + 1
    allf = sorted(figs + cells, key=lambda f: (far if f.start is None else f.start, far if f.end is None else f.end))
    remap = {f.id: f"f{i}" for i, f in enumerate(allf, 1) if f.id}
    return [replace(f, id=f"f{i}", parent=remap.get(f.parent or "", None), qualifies=remap.get(f.qualifies or "", None))
            for i, f in enumerate(allf, 1)]


def fallback_spans(text: str) -> list[tuple[str | None, int, int]]:
    """Narrative spans without the report parser: everything after a crawler header."""
    m = re.search(r"^=+\s*正文\s*=+\s*$", text[:3000], re.M)
    return [(None, m.end() if m else 0, len(text))]
