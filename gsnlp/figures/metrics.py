"""``metric``: what a narrative figure states, as a TEMPLATE.md cell address or a named
narrative quantity (used by the NT rules of RULES.md). ``None`` when it is neither.

Named narrative quantities (``NAMED``) are documented here and in
corpora/annotation/figures.md; cell addresses follow gsnlp.tables.template.
"""

from __future__ import annotations

import re
from typing import Any

NAMED: dict[str, str] = {
    "active_disclosure_items": "主动公开政府信息总条数 (a total, not a category part)",
    "policy_interpretations": "政策解读 published (篇/条/件), total",
    "info_processing_fee": "信息处理费 charged (元; 0 for 未收取); never administrative_fees",
    "applications_legal_persons": "applications from 法人或其他组织 (LEG columns of new_received)",
    "applications_granted_or_partial": "予以公开及部分公开 = granted + partially_granted",
    "applications_denied": "不予公开 = sum of denied.*",
    "applications_unavailable": "无法提供 = sum of unavailable.*",
    "applications_not_processed": "不予处理 = sum of not_processed.*",
    "applications_other": "其他处理 = sum of other.*",
    "applications_completion_rate": "办结率 of applications (%)",
    "litigation_total": "行政诉讼 = litigation_direct/total + litigation_after_review/total",
    "review_litigation_cases": "行政复议和行政诉讼 together (zero claims 未发生行政复议、行政诉讼)",
    "review_litigation_corrected": "被纠错 = sum of corrected",
    "hotline_cases": "12345/热线 cases received",
    "public_consultations": "意见征集/民意征集 rounds",
    "new_media_accounts": "政务新媒体 accounts (open, closed or new)",
    "staff": "people assigned to disclosure work (专职/兼职人员, 工作人员)",
}

_APP = "applications"

# --- the template's meaning, as patterns over the words that name what a figure counts ------
# what is still running at the end of the year / was left from the year before
_FORWARD = re.compile(r"结转(?:至|到)?下一?年度?|转入下一?年度?|顺延(?:到|至)?下一?年度?|结转(?:至|到)?(?:20\d\d|次)年")
_BACKWARD = re.compile(r"(?:上一?年度?|去年)(?:的)?结转|结转上一?年度?|结转(?:20\d\d)年")
# outcome rows of table 三 (section 三), named by what the applicant was told
_OUTCOMES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:予以|同意|全部)公开(?:及|和|或|与|、)部分公开$"), "applications_granted_or_partial"),
    (re.compile(r"(?:部分公开|区分处理后?(?:予以)?公开)$"), f"{_APP}/partially_granted/total"),
    (re.compile(r"(?:不予公开|不子公开)$"), "applications_denied"),
    (re.compile(r"无法提供$"), "applications_unavailable"),
    (re.compile(r"不予处理$"), "applications_not_processed"),
    (re.compile(r"其他处理$"), "applications_other"),
    (re.compile(r"(?:(?<!不)予以公开|同意公开|全部公开|^公开)$"), f"{_APP}/granted/total"),
)
_LABEL_TAIL = re.compile(r"(?:的?(?:答复|回复|办理|(?<!不予)(?<!其他)处理)?(?:件数|数量|数)?(?:共计|共|计|为|达|了)?|的?申请)$")
_LABEL_HEAD = re.compile(r"^.*?(?:其中|包括|含|分别为|分别是)[：:，,]?")
# a count of documents by their disclosure attribute (制作/获取/制发 N 条政府信息: 主动公开 a 条、
# 依申请公开 b 条、不予公开 c 条): the attribute of a document, not the outcome of an application
_DOC_TOTAL = re.compile(r"(?:制作|获取|制发|产生|生成|形成)[^，,。；;]{0,10}信息|政府信息总数|公文类政府信息|信息总数")
_DOC_ATTR = re.compile(r"(?:依申请公开|不予公开|不子公开|免予公开|主动公开)(?:的)?(?:政府|政务)?(?:信息)?(?:数)?$")
# a stock, not this year's flow (历年累计, 截至目前): no cell of this year's tables
_CUMULATIVE = re.compile(r"历年|截至|截止|成立以来|以来累计|累计至今")
_STOCK_METRICS = frozenset(("active_disclosure_items", "hotline_cases", "new_media_accounts", "staff",
                            "public_consultations", "policy_interpretations",
                            "active_disclosure/normative_documents/in_force", "active_disclosure/regulations/in_force"))
# a category of published information (规范性文件类信息 N 条) is not the 制发 count of table 二
_CATEGORY = re.compile(r"类(?:信息)?(?:方面)?$|类信息")
# government information published by the report's own body (a total, not a channel's share)
_INFO_NOUN = re.compile(r"^(?!.*采购)[\u4e00-\u9fff]{0,2}?(?:政府|政务)信息$")
_PUBLISH = frozenset(("公开", "主动公开", "发布", "公布", "上网发布", "发布公开", "公开发布"))
_OWN_CHANNELS = (None, "门户网站")
_APP_RIGHT = re.compile(r"^(?:政府信息)?(?:公开|依申请)?(?:公开)?申请[^，,。；;]{0,6}?(?:均|全部|都)?(?:已|已经)?(?:办结|答复|办理完)")
_OUTCOME_AFTER = re.compile(r"(?:予以公开|同意公开|部分公开|不予公开|无法提供|不予处理|其他处理)[^，,。；;]{0,4}[0-9０-９]")


def _label(local: str) -> str:
    """What a count is said of: the words left of it in its clause, without list markers and
    trailing function words (其中部分公开答复 → 部分公开)."""
    lab = _LABEL_HEAD.sub("", local.strip()).strip(" ，,、：:（(")
    prev = None
    while prev != lab:
        prev = lab
        lab = _LABEL_TAIL.sub("", lab).strip()
    return lab


def _outcome(label: str) -> str | None:
    tail = label[-12:]
    for rx, metric in _OUTCOMES:
        if rx.search(tail):
            return metric
    return None


def _any(s: str, *words: str) -> bool:
    return any(w in s for w in words)


def assign_metric(text: str, f: Any, ctx: dict[str, Any], figs: list[Any]) -> str | None:
    """The metric a figure states, by the rules of the template's meaning; None when the figure
    states no template quantity. A stock (截至…, 历年累计) keeps only the metrics that are stocks."""
    m = _assign(text, f, ctx, figs)
    if m is None or m in _STOCK_METRICS:
        return m
    s_a, _s_b = ctx.get("_sent", (f.start, f.end))
    if _CUMULATIVE.search(text[s_a:f.start]):
        return None
    return m


def _assign(text: str, f: Any, ctx: dict[str, Any], figs: list[Any]) -> str | None:
    subj = f.subject or ""
    pred = f.predicate or ctx.get("_pred_any") or ""
    left = ctx.get("_left", "")
    s_a, s_b = ctx.get("_sent", (f.start, f.end))
    sentence = text[s_a:s_b]
    local = left + subj
    parent = next((g for g in figs if g.id == f.parent), None) if f.parent else None
    parent_metric = ctx.get("_parent_metric")
    right = re.split(r"[，,。；;]", text[f.end:s_b], maxsplit=1)[0]
    label = _label(left)

    if f.polarity == "negated":
        after = re.split(r"[，,。；;]", text[f.end:s_b], maxsplit=1)[0][:40]
        obj = after.replace("申请人", "")  # 未收到该申请人提交的补正: the object is the 补正
        if subj == "信息处理费" or pred in ("收取", "收费") or "处理费" in after or (
                pred in ("发生", "产生") and re.match(r"^(?:任何)?(?:收费|收取费用|费用)", after)):
            return "info_processing_fee"
        if _any(after, "纠错", "纠正") or pred in ("被纠错", "被纠正"):
            return "review_litigation_corrected"
        if "申请" in obj[:20] and pred in ("收到", "接收到", "接到", "接收", "受理", "提起", "发生") and not _any(
                obj[:20], "复议", "诉讼"):
            return f"{_APP}/new_received/total"
        rev, lit = "复议" in after[:25], "诉讼" in after[:25]
        if rev and lit:
            return "review_litigation_cases"
        if rev:
            return "review_litigation/review/total"
        if lit:
            return "litigation_total"
        return None

    if f.kind in ("percent", "rate"):
        # only a rate of applications that the table can compute (办结率); 满意率, 办理率 of a
        # hotline, 答复准确率 or 公开率 of budgets are computed from other counts
        if f.kind == "rate" and re.search(r"办结率\s*(?:为|达|达到|是)?\s*$", left) and "申请" in sentence:
            return "applications_completion_rate"
        return None

    if f.unit in ("元", "万元") and _any(sentence, "信息处理费", "处理费"):
        if any(g.unit in ("元", "万元") and g.start is not None and s_a <= g.start < f.start for g in figs):
            return None  # 共计380元，其中民政局1件，收取380元: the first amount is the total, the rest its parts
        return "info_processing_fee"

    doc_attr = bool(_DOC_TOTAL.search(text[s_a:f.start])) and bool(_DOC_ATTR.search(label)) and "申请" not in label
    if doc_attr:
        # 制发政府信息 N 条，其中主动公开 a 条、依申请公开 b 条、不予公开 c 条
        if re.search(r"主动公开(?:的)?(?:政府|政务)?(?:信息)?(?:数)?$", label):
            return "active_disclosure_items"
        return None

    if f.unit in ("件", "个", "起", "条"):
        # 另有3件…，顺延到下年度: the rest of the sentence, when no other figure comes first
        nxt = re.search(r"[0-9０-９。；;]", text[f.end:s_b])
        rest = "" if nxt is not None and nxt.group().isdigit() else text[f.end:s_b][:30]
        if _FORWARD.search(local[-20:]) or _FORWARD.search(rest):
            if "申请" in sentence or subj == "政府信息公开申请" or (parent_metric or "").startswith(_APP) or \
                    "申请" in text[max(0, f.start - 80):f.start]:
                return f"{_APP}/carried_forward/total"
        if _BACKWARD.search(local[-30:]):
            return f"{_APP}/carried_over/total"
        outcome = None if re.search(r"(?:公开|提供)(?:的)?(?:政府|政务)?信息$", label) else _outcome(label)
        if outcome is not None and label.endswith(("公开", "同意公开")) and not label.endswith(
                ("予以公开", "部分公开", "不予公开", "不子公开")) and not (
                parent is not None or "申请" in text[max(0, f.start - 120):f.start] or _any(sentence, "答复", "办结")):
            outcome = None  # a bare 公开 N 件 is an outcome only where applications are spoken of
        if outcome is not None:
            if outcome == f"{_APP}/granted/total" and re.search(
                    r"^[^。；;]{0,30}?(?:部分公开|区分处理)[^。；;]{0,6}?[0-9０-９]", text[f.end:s_b]) and \
                    re.search(r"^\s*[（(]", text[f.end:f.end + 3]):
                return "applications_granted_or_partial"  # 同意公开 N 件（其中部分公开 k 件）
            return outcome
        window = text[max(0, f.start - 60):f.start]
        # 受理申请121510件 at an 行政服务中心 window is an administrative service, not a disclosure request
        service = _any(window, "审批", "窗口", "行政服务中心", "办件") and not _any(window, "信息公开", "依申请")
        is_app = not service and (subj == "政府信息公开申请" or (
            "申请" in local[-25:] and "申请人" not in local[-25:] and not _any(local[-25:], "复议", "诉讼")))
        if not subj and not service and pred in ("办结", "办理", "答复", "受理", "收到", "接收") and "申请" in window \
                and not _any(window, "复议", "诉讼"):
            is_app = True
        if not service and pred in ("办结", "办理", "答复", "处理", "回复") and _OUTCOME_AFTER.search(text[f.end:s_b]):
            is_app = True  # 共答复12件，予以公开5件 …: a total followed by its outcomes
        if parent is not None and parent_metric is None and parent.subject == "政府信息公开申请":
            is_app = True
        if parent is not None and (is_app or (parent.subject == "政府信息公开申请")):
            if "自然人" in local[-12:]:
                return f"{_APP}/new_received/natural_person"
            if _any(local[-14:], "法人或其他组织", "法人和其他组织", "法人或者其他组织"):
                return "applications_legal_persons"
            if "商业企业" in local[-10:]:
                return f"{_APP}/new_received/commercial"
        if parent is None and not service and _APP_RIGHT.search(right):
            return f"{_APP}/total_processed/total"  # 16件公开申请均已办结
        if is_app and parent is None:
            if pred in ("办结", "答复", "办理", "处理", "回复"):
                return f"{_APP}/total_processed/total"
            if (pred in ("收到", "接收", "接收到", "受理", "新收", "接到", "提交") and ctx.get("_pred_local", True)) or \
                    _any(local, "收到", "受理"):
                return f"{_APP}/new_received/total"
        if "案件" in subj and _any(text[max(0, f.start - 40):f.start], "复议") and _any(
                text[max(0, f.start - 40):f.start], "诉讼"):
            return "review_litigation_cases"
        if _any(local[-25:], "纠错", "纠正"):
            return "review_litigation_corrected"
        if parent is None and _any(local[-16:], "行政复议") and not _any(local[-16:], "行政诉讼"):
            return "review_litigation/review/total"
        if parent is None and _any(local[-16:], "行政诉讼") and not _any(local[-16:], "行政复议"):
            return "litigation_total"

    sent_left = text[s_a:f.start]
    if _any(local[-20:], "规范性文件") and f.unit in ("件", "个", "份") and not _CATEGORY.search(label):
        if "现行有效" in local[-20:]:
            return "active_disclosure/normative_documents/in_force"
        if "废止" in local[-20:]:
            return "active_disclosure/normative_documents/repealed"
        if _any(local, "制发", "出台", "印发", "制定", "公开", "发布") or pred in (
                "制发", "出台", "印发", "制定", "公开", "发布", "主动公开", "公布"):
            return "active_disclosure/normative_documents/issued"
        if parent is not None and parent_metric == "active_disclosure_items":
            return "active_disclosure/normative_documents/issued"  # 发布信息N条（含行政规范性文件k件）
    if f.unit in ("件", "个", "份") and re.match(r"^(?:现行有效|废止)(?:件数|数量|数)?$", label) and "规范性文件" in sent_left[-60:]:
        # 行政规范性文件本年度制发 a 件，现行有效件数 b 件: the clause continues the documents' sentence
        return ("active_disclosure/normative_documents/in_force" if label.startswith("现行有效")
                else "active_disclosure/normative_documents/repealed")
    if "规章" in local[-12:] and f.unit in ("件", "个", "部") and not _CATEGORY.search(label):
        if "现行有效" in local[-20:]:
            return "active_disclosure/regulations/in_force"
        return "active_disclosure/regulations/issued"

    if subj == "主动公开信息" and (parent is None or parent.subject != "主动公开信息") and not _CATEGORY.search(label):
        return "active_disclosure_items"
    if f.parent is None and subj == "政策解读" and f.unit in ("条", "篇", "件", "个", "期", "项"):
        return "policy_interpretations"
    if parent is None and f.unit in ("条", "份") and _published_total(f, ctx, label, right):
        return "active_disclosure_items"
    if _any(local[-25:], "12345", "热线") and f.unit in ("件", "个", "次", "条"):
        return "hotline_cases"
    if re.search(r"(?:意见征集|民意征集|征求意见)(?:活动)?\s*$", left) and f.unit in ("期", "次", "场", "个", "项", "轮"):
        return "public_consultations"
    counted = "" if right.startswith(("、", "和", "及")) else re.split(r"[0-9０-９]", right, maxsplit=1)[0]
    if f.unit in ("个", "家") and (_any(subj, "新媒体") or "新媒体" in counted[:16]):
        return "new_media_accounts"
    if f.unit in ("名", "人") and re.search(r"人员|专职|兼职|领导$|专员$|信息员$", subj):
        return "staff"
    return None


def _published_total(f: Any, ctx: dict[str, Any], label: str, right: str) -> bool:
    """公开公安政府信息184条, 发布信息2479条, 公开356条政务信息: information the report's body
    published, counted as a whole (not one channel's posts, not a category, not another body's)."""
    if (f.predicate or "") not in _PUBLISH or f.channel not in _OWN_CHANNELS:
        return False
    scope = f.scope or ""
    if scope and scope != "本机关" and not scope.startswith("全"):
        return False
    noun = label
    for p in sorted(_PUBLISH, key=len, reverse=True):
        if p in noun:
            noun = noun.rsplit(p, 1)[1]
            break
    noun = re.sub(r"^(?:了|的|各类|共|共计|累计)+", "", noun)
    if not noun:
        noun = re.split(r"[，,。；;、（(]", right, maxsplit=1)[0]
        noun = re.split(r"均|已|，", noun, maxsplit=1)[0]
    return bool(_INFO_NOUN.match(noun)) and not _CATEGORY.search(noun) and not noun.startswith("其他")


_OUTCOME_FAMILY = re.compile(r"^applications_(?:granted_or_partial|denied|unavailable|not_processed|other)$|"
                             r"^applications/(?:granted|partially_granted)/total$")


def attach_outcomes(figs: list[Any], ctxs: list[dict[str, Any]]) -> list[Any]:
    """Outcomes listed after the total they break down (共答复12件，予以公开5件，不予公开3件 …)
    are its parts even without 其中: each outcome without a parent gets the nearest processed
    total before it in the same sentence."""
    from dataclasses import replace

    out = list(figs)
    for k, (f, ctx) in enumerate(zip(figs, ctxs)):
        if f.parent or not f.metric or not _OUTCOME_FAMILY.match(f.metric):
            continue
        s_a = ctx.get("_sent", (f.start, f.end))[0]
        # 已办结57件，结转下年度3件。办结的申请中，予以公开30件…: a sentence that opens by naming
        # the processed applications (办结/答复的申请中) lists the outcomes of the nearest earlier one
        named = bool(_PROCESSED_LEAD.match(ctx.get("_sent_left", "")))
        for j in range(k - 1, -1, -1):
            g = out[j]
            if g.start is None or g.start < s_a and not (named and f.start is not None and f.start - g.start <= 300):
                break
            if g.metric == f"{_APP}/total_processed/total":
                out[k] = replace(f, parent=g.id)
                break
    return out


_PROCESSED_LEAD = re.compile(r"^\s*(?:在|对)?[^，,。；;]{0,8}(?:办结|答复|办理|处理)(?:完毕)?的[^，,。；;]{0,14}中[，,：:]")
