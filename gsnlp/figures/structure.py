"""Structure between figures: parts of a total (其中, 含, 涉及), asides (另外, 此外), the
count a percentage qualifies (…42件，占51.85%), and list items (一是, 二是 …)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable

from gsnlp.figures.lexicon import lexicon

if TYPE_CHECKING:
    from gsnlp.figures.extractor import Figure


def _fstart(f: Figure) -> int:
    """The start of a narrative figure (always set: only table-cell figures lack a span)."""
    assert f.start is not None
    return f.start


def _fend(f: Figure) -> int:
    assert f.end is not None
    return f.end


_SENT_END = "。！？!?\n"
_CLAUSE_END = "。！？!?\n；;"
_PART = re.compile(r"其中|包括|[（(，,、]\s*含|[，,]\s*涉及|^\s*[（(]")
# measure words that may stand for the same things in a total and its parts (21条…其中…17篇)
_DOC_UNITS = frozenset(("条", "篇", "件", "份", "项"))
_LIST = re.compile(r"([一二三四五六七八九十])是")
_REVIEW = re.compile(r"复议|诉讼")
_CN = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
_HAN = re.compile(r"[\u4e00-\u9fff]")
# a count that is a change from another period (较上年增加200条, 同比减少3件)
_CHANGE_LEFT = re.compile(r"(?:较|比|同比|环比)[^，,。；;]{0,8}(?:增加|减少|增长|下降|上升|多|少|增|减)了?(?:约|近)?\s*$")
# the outcomes of processed applications (the template's result rows, as narratives name them)
_OUTCOME = re.compile(r"(?:予以|同意|部分)公开|不予公开|无法提供|不予处理|其他处理")
# a count of what is left over: carried into the next year, still in progress
_REMAIN = re.compile(r"结转(?:至|到)?下(?:一)?年度?|顺延|尚未办结|未办结|正在办理|办理中|在办")


def _remainder(text: str, g: Figure, ctx: dict[str, Any]) -> bool:
    """``g`` counts what is left over (结转下年度3件, 3件顺延至下年度)."""
    left = ctx.get("_left", "")[-10:]
    return bool(_REMAIN.search(left) or _REMAIN.match(text, _fend(g), _fend(g) + 8) or
                _REMAIN.search(text[_fend(g):_fend(g) + 8].split("，")[0]))


def _close_bracket(text: str, pos: int, hi: int) -> int:
    depth = 0
    for i in range(pos, min(hi, pos + 400)):
        ch = text[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            if depth == 0:
                return i
            depth -= 1
        elif ch in _SENT_END:
            return i
    return hi


def _until(text: str, pos: int, hi: int, chars: str) -> int:
    """The next sentence/clause end; a line break counts only after punctuation (PDF wrapping)."""
    i = pos
    while i < hi:
        ch = text[i]
        if ch in chars and (ch != "\n" or text[i - 1:i] in "。！？；;：:\n" or text[i + 1:i + 2] in ("\n", "#")):
            break
        i += 1
    return i


def _open_bracket_between(text: str, a: int, b: int) -> int | None:
    """Position of a bracket opened between a and b and still open at b, if any."""
    depth = 0
    for i in range(b - 1, a - 1, -1):
        ch = text[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            if depth == 0:
                return i
            depth -= 1
    return None


def link(text: str, figs: list[Figure], ctxs: list[dict[str, Any]],
         spans: Iterable[tuple[str | None, int, int]]) -> list[Figure]:
    """Set ``parent``, ``qualifies`` and ``item`` on figures in text order (pure: returns new Figures)."""
    lx = lexicon()
    hi_of = sorted((lo, hi) for _, lo, hi in spans)

    def span_hi(pos: int) -> int:
        for lo, hi in hi_of:
            if lo <= pos < hi:
                return hi
        return len(text)

    list_marks = [(lm.start(), _CN.get(lm.group(1))) for lm in _LIST.finditer(text)]
    list_ends = [a + 2 for a, _ in list_marks]
    out: list[Figure] = []
    ctx_of = {f.id: c for f, c in zip(figs, ctxs)}
    pending: tuple[int, re.Match[str]] | None = None  # a part marker still waiting for its total
    stack: list[tuple[Figure, int]] = []  # (total, position where its parts end)
    prev: Figure | None = None
    for f, ctx in zip(figs, ctxs):
        parent = None
        qualifies = None
        gap_start = _fend(prev) if prev is not None else max(0, _fstart(f) - 40)
        gap = text[gap_start:_fstart(f)]
        # drop totals whose parts have ended
        # a 其中 list may run on across "；" while its items are bare "label N unit" (no verb of
        # their own): 其中涉及…信息9条；保障性住房信息7条；食品安全信息1条
        kept = []
        for t, e in stack:
            if _fstart(f) < e:
                kept.append((t, e))
            elif text[e:e + 1] in "；;" and not re.search(r"[。！？!?\n]", text[e:_fstart(f)]) and \
                    not ctx.get("_pred_local") and f.unit == t.unit and f.kind == t.kind and \
                    out and out[-1].parent == t.id:
                kept.append((t, _until(text, _fstart(f), span_hi(_fstart(f)), _CLAUSE_END)))
        stack = kept
        if any(w in gap for w in lx.aside_markers):  # 另外/此外: what follows is not a part
            stack = []
        m = None
        for m in _PART.finditer(gap):
            pass
        mark_base = gap_start
        reused = False
        if m is None and pending is not None and not re.search(r"[。！？!?；;\n（()）]", text[pending[0]:_fstart(f)]):
            # 收取信息处理费共计380元，其中民政局1件，收取380元: a marker whose first figure has no
            # total of its kind still opens the list for the next figure of its clause (of the
            # total's own unit: 其中热线电话11通，网络诉求3件 lists no part of an earlier 131条)
            mark_base, m = pending
            reused = True
        pending = None
        if m is not None and f.polarity == "positive" and f.kind in ("count", "amount"):
            marker_pos = mark_base + m.start()
            # the total: the last count before the marker with the same unit
            total = None
            for g in reversed(out):
                if _fend(g) > marker_pos:
                    continue
                if marker_pos - _fend(g) > 120:
                    break
                between = text[_fend(g):marker_pos]
                if between.count("）") + between.count(")") > between.count("（") + between.count("("):
                    continue  # g stands inside a bracket that closed before the marker
                if g.parent is not None and _HAN.search(between):
                    # 收到58件，其中网络申请40件、信函申请18件，均已按时答复。其中予以公开30件…: a
                    # listed part heads a list only when the marker follows it directly; after a
                    # clause of its own, 其中 speaks of the sentence's total again
                    continue
                if _CHANGE_LEFT.search(ctx_of[g.id].get("_left", "")):
                    continue  # 1356条，较上年增加200条，其中…: a change from last year is no total
                if _remainder(text, g, ctx_of[g.id]) and (
                        re.search(r"[。！？!?；;]", between) or _OUTCOME.search(ctx.get("_left", ""))):
                    # 办结55件，结转下年度3件。其中予以公开30件…: what is left over is no total of
                    # the outcomes, nor of a list in a new sentence
                    continue
                if g.polarity == "positive" and g.kind == f.kind and (
                        g.unit == f.unit or not reused and (m.group(0) == "其中" or "含" in m.group(0)) and
                        {g.unit, f.unit} <= _DOC_UNITS):
                    total = g
                    break
                if g.kind in ("percent", "rate") or g.unit != f.unit:
                    continue
            if total is not None:
                hi = span_hi(_fstart(f))
                ob = _open_bracket_between(text, _fend(total), _fstart(f))
                if ob is not None:
                    end = _close_bracket(text, ob + 1, hi)
                elif text[mark_base + m.end():mark_base + m.end() + 1] in "：:" or (
                        text[marker_pos - 1:marker_pos] in _SENT_END + "") or m.group(0) == "其中" and \
                        text[max(0, marker_pos - 1):marker_pos] in "。":
                    end = _until(text, _fstart(f), hi, _SENT_END)
                else:
                    end = _until(text, _fstart(f), hi, _CLAUSE_END)
                stack = [(t, e) for t, e in stack if t.id != total.id] + [(total, end)]
            elif not reused:
                pending = (mark_base, m)
        # "在…的1853条政府信息中，A 324条；B 207条…": parts follow a total that ends "…中，"
        if prev is not None and prev.kind in ("count", "amount") and prev.polarity == "positive" and \
                re.match(r"[^，,。；;：:]{0,16}中[，,：:]", text[_fend(prev):_fend(prev) + 20]) and \
                not any(t.id == prev.id for t, _ in stack):
            stack.append((prev, _until(text, _fend(prev), span_hi(_fend(prev)), _SENT_END)))
        if stack and f.polarity == "positive" and f.kind in ("count", "amount"):
            t, _end = stack[-1]
            left_kinds = set(_REVIEW.findall(ctx.get("_left", "")))
            total_kinds = set(_REVIEW.findall(t.subject or ""))
            # 行政复议351件，其中…；行政诉讼46件: a litigation count is no part of a review total
            legal = left_kinds and (not total_kinds or not left_kinds & total_kinds)
            if legal:
                # 复议2件，其中维持1件，纠错1件；行政诉讼1件，维持1件: a case count of the other
                # kind ends the review total's list (its 维持1件 is no part of the review total)
                stack = [(x, e) for x, e in stack if x.id != t.id]
            elif (t.unit == f.unit or {t.unit, f.unit} <= _DOC_UNITS) and t.id != f.id:
                parent = t.id
            else:
                # 审批事项130大项、259小项（行政审批73大项、154小项…）: a bracket after two totals of
                # two units splits each; a part goes to the total of its own unit before the bracket
                for g in reversed(out):
                    if _fend(g) <= _fend(t):
                        break
                    if g.parent is None and g.unit == f.unit and g.kind == f.kind and g.polarity == "positive" \
                            and _open_bracket_between(text, _fend(g), _fstart(f)) is not None:
                        parent = g.id
                        break
        if f.kind in ("percent", "rate") and prev is not None and prev.kind in ("count", "amount"):
            if re.fullmatch(r"\s*[，,（(]?\s*(?:占|占比|占比为|比例为|，占)?\s*", gap):
                qualifies = prev.id
        # list item: the last 一是/（一）/1、 marker before the figure in its paragraph
        p_a = text.rfind("\n", 0, _fstart(f)) + 1
        item = None
        # the markers are two characters that cannot overlap: the last one ending by _fstart(f)
        k = bisect_right(list_ends, _fstart(f)) - 1
        if k >= 0 and list_marks[k][0] >= p_a:
            item = list_marks[k][1]
        if parent is None and qualifies is None and item is None and f.parent is None and f.qualifies is None \
                and f.item is None:
            out.append(f)  # nothing to set (replace() is costly)
        else:
            out.append(replace(f, parent=parent, qualifies=qualifies, item=item))
        prev = f
    return _sum_links(text, out, ctxs)


_CATEGORY_HEAD = re.compile(r"主动公开[^。；]{0,20}(?:主要)?类别(?:有|为|如下)?[：:][^。]*$")
_RUN_GAP = 40  # characters between two parts of one unmarked breakdown
_TOTAL_WINDOW = 1500  # how far back the total of an unmarked breakdown may stand


_SHARE_SLACK = Decimal(2)  # percentage points a share may be off beyond its rounding (a mistyped count)


def _share_total(shares: dict[str, Figure], kids: dict[str, list[Figure]], out: list[Figure], run: list[int],
                 first: Figure) -> Figure | None:
    """The total of a run of parts that each state their share (占p%): the nearest earlier count
    of the same unit of which every part (the run and the parts it already has) is about the
    stated share, the shares adding up to 100% (within their rounding)."""
    if any(out[i].id not in shares for i in run):
        return None
    for j in range(run[0] - 1, -1, -1):
        t = out[j]
        if _fstart(first) - _fend(t) > _TOTAL_WINDOW:
            break
        if t.polarity != "positive" or t.unit != first.unit or t.kind != first.kind or t.value <= 0:
            continue
        have = kids.get(t.id, [])
        parts = have + [out[i] for i in run]
        if len(parts) < 2 or any(g.id not in shares for g in parts):
            continue
        rounding = Decimal(0)
        ok = True
        for g in parts:
            p = shares[g.id]
            exp = p.value.as_tuple().exponent
            half = Decimal(1).scaleb(exp if isinstance(exp, int) else 0) / 2
            rounding += half
            if abs(g.value / t.value * 100 - p.value) > half + _SHARE_SLACK:
                ok = False
                break
        if ok and abs(sum((shares[g.id].value for g in parts), Decimal(0)) - 100) <= rounding:
            return t
    return None


_TOPIC_LEAD = re.compile(r"([\u4e00-\u9fff]{2,6})的(?:政府)?信息[，,：:]")
# "在…的48条政府信息中，": a count restated to be split; it is a total, never a part of the previous one
_FRAME = re.compile(r"[^，,。；;：:]{0,16}中[，,：:]")
# a label that names a kind of what the total counts (行政许可类信息, 其他应主动公开的政府信息):
# the items of a classification of that total
_CATEGORY = re.compile(r"类(?:别)?(?:信息|文件|事项)?$|^(?:其他|其它|其余)")


def _label(ctx: dict[str, Any]) -> str:
    """The words naming what a count counts: its clause's left context after the last comma."""
    return re.split(r"[，,、：:（(]", ctx.get("_left", ""))[-1].strip()


def _category_parts(text: str, out: list[Figure], ctxs: list[dict[str, Any]], run: list[int]) -> list[int]:
    """The parts of an unmarked classification that opens with its total (今年公开356条政务信息，
    行政许可类信息1条，重大建设项目类信息345条，其他应主动公开的政府信息10条): the total has a verb
    of its own, the parts none, and they are named as kinds of it (…类信息) or close the list with
    the rest (其他…). They are parts by what the words mean, whether or not they add up
    (nt.breakdown_sum's business). Returns the run positions of the parts ([] when none)."""
    total = out[run[0]]
    # 共发布生态环境保护类信息40条，征地信息类121条…: the first kind listed is no total of the others
    if not ctxs[run[0]].get("_pred_local") or total.value <= 0 or _CATEGORY.search(_label(ctxs[run[0]])):
        return []
    parts: list[int] = []
    for i in run[1:]:
        if ctxs[i].get("_pred_local") or not _CATEGORY.search(_label(ctxs[i])):
            break
        parts.append(i)
    if len(parts) < 2:
        return []
    # the first part follows its total in the same sentence
    if re.search(r"[。！？!?\n]", text[_fend(total):_fstart(out[parts[0]])]):
        return []
    return parts


def _topic_total(text: str, out: list[Figure], ctxs: list[dict[str, Any]], run: list[int],
                 first: Figure) -> Figure | None:
    """The total a run's sentence names at its start (主动公开的政府信息，…): the nearest earlier
    count of the same unit whose own clause has that verb (not one that only shares it as an
    item of a list: 其中主动公开…2026条，作为依申请公开…46条，不予公开…1854条)."""
    sa = max(text.rfind(ch, 0, _fstart(first)) for ch in "。！？!?\n") + 1
    m = _TOPIC_LEAD.match(text, sa, _fstart(first))
    if m is None:
        return None
    for j in range(run[0] - 1, -1, -1):
        t = out[j]
        if _fstart(first) - _fend(t) > _TOTAL_WINDOW:
            break
        if t.polarity == "positive" and t.unit == first.unit and t.kind == first.kind and \
                t.predicate == m.group(1) and ctxs[j].get("_pred_local"):
            return t
    return None


def _sum_links(text: str, figs: list[Figure], ctxs: list[dict[str, Any]]) -> list[Figure]:
    """Unmarked breakdowns: a run of adjacent counts of one unit, with no parent, whose sum
    (plus the parts a total already has) equals an earlier figure, are parts of that figure
    (县直各单位…1251条…各乡镇…602条 after …1853条; 主要类别有：A 211条，B 82条… summing to the
    year's total). Only exact sums link: a coincidence needs the same unit and ≥ 2 parts."""
    out = list(figs)
    idx = {f.id: i for i, f in enumerate(out)}
    counts = [i for i, f in enumerate(out) if f.polarity == "positive" and f.kind in ("count", "amount")]
    runs: list[list[int]] = []
    for i in counts:
        f = out[i]
        if f.parent is not None:
            runs.append([])
            continue
        if runs and runs[-1] and not _FRAME.match(text, _fend(f)):
            g = out[runs[-1][-1]]
            gap = text[_fend(g):_fstart(f)]
            if g.unit == f.unit and len(gap) <= _RUN_GAP and not re.search(r"[！？；;]", gap):
                runs[-1].append(i)
                continue
        runs.append([i])
    shares = {f.qualifies: f for f in out if f.kind == "percent" and f.qualifies and f.polarity == "positive"}
    kids: dict[str, list[Figure]] = {}  # parent id -> its parts (kept up to date below)
    for f in out:
        if f.parent is not None:
            kids.setdefault(f.parent, []).append(f)

    def set_parent(i: int, pid: str) -> None:
        out[i] = replace(out[i], parent=pid)
        kids.setdefault(pid, []).append(out[i])

    for run in runs:
        if not run:
            continue
        # the total may open the run: 收到诉求348件，现场解决162件，跟进解决186件 (but not
        # 收到70件，办结69件，1件结转: parts with a verb of their own are outcomes, not a breakdown)
        if len(run) >= 3 and out[run[0]].value == sum(out[i].value for i in run[1:]) and not any(
                ctxs[i].get("_pred_local") and out[i].predicate != out[run[0]].predicate for i in run[1:]):
            for i in run[1:]:
                set_parent(i, out[run[0]].id)
            continue
        cats = _category_parts(text, out, ctxs, run)
        if cats:
            for i in cats:
                set_parent(i, out[run[0]].id)
            continue
        # parts of one breakdown share their verb or have none (办理 718 件，结转 31 件 is not one)
        if len({out[i].predicate for i in run} - {None}) > 1:
            continue
        first = out[run[0]]
        # "…其中主动公开政府信息2026条…。主动公开的政府信息，县直各单位…2475条…各乡镇…1503条": a
        # sentence that opens by naming the information by its verb lists the parts of the
        # nearest total with that verb, whether or not they add up to it
        t = _topic_total(text, out, ctxs, run, first)
        if t is not None:
            for i in run:
                set_parent(i, t.id)
            continue
        total_run = sum(out[i].value for i in run)
        linked = out_of_window = False
        for j in range(run[0] - 1, -1, -1):
            t = out[j]
            if _fstart(first) - _fend(t) > _TOTAL_WINDOW:
                out_of_window = True
                break
            if t.polarity != "positive" or t.unit != first.unit or t.kind != first.kind:
                continue
            if any(_REVIEW.search(text[max(0, _fstart(out[i]) - 12):_fstart(out[i])]) for i in run) and \
                    not _REVIEW.search(text[max(0, _fstart(t) - 20):_fstart(t)]):
                continue  # review/litigation counts are not parts of an application total
            run_kinds = set().union(*(_REVIEW.findall(text, max(0, _fstart(out[i]) - 12), _fstart(out[i])) for i in run))
            t_kinds = set(_REVIEW.findall(text, max(0, _fstart(t) - 20), _fstart(t)))
            if run_kinds and t_kinds and not run_kinds & t_kinds:
                continue  # 复议2件…；行政诉讼1件，维持1件: litigation counts are no parts of a review total
            have = sum(g.value for g in kids.get(t.id, ()))
            if (len(run) >= 2 and total_run == t.value) or (have and total_run + have == t.value):
                for i in run:
                    set_parent(i, t.id)
                linked = True
                break
        if not linked:
            # "…2949条。其中，A 2275条，占77%。B 674条，占23%": parts that state their shares of a
            # whole (占p%, the shares of the run and of the total's linked parts adding up to 100%)
            # are parts of the count they are shares of, linked even when the counts do not add
            # up (nt.breakdown_sum's business)
            t = _share_total(shares, kids, out, run, first)
            if t is not None:
                for i in run:
                    set_parent(i, t.id)
                continue
        if not linked and not out_of_window:
            head = text[max(0, _fstart(first) - 60):_fstart(first)]
            m = _CATEGORY_HEAD.search(head)
            if m and len(run) >= 3:
                for j in range(run[0] - 1, -1, -1):
                    t = out[j]
                    if _fstart(first) - _fend(t) > _TOTAL_WINDOW:
                        break
                    if t.parent is None and t.unit == first.unit and t.polarity == "positive" and \
                            t.subject == "主动公开信息" and "主动公开" in m.group(0):
                        for i in run:
                            set_parent(i, t.id)
                        break
    del idx
    return out
