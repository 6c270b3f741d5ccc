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


def _any(s: str, *words: str) -> bool:
    return any(w in s for w in words)


def assign_metric(text: str, f: Any, ctx: dict[str, Any], figs: list[Any]) -> str | None:
    subj = f.subject or ""
    pred = f.predicate or ctx.get("_pred_any") or ""
    left = ctx.get("_left", "")
    s_a, s_b = ctx.get("_sent", (f.start, f.end))
    sentence = text[s_a:s_b]
    local = left + subj
    parent = next((g for g in figs if g.id == f.parent), None) if f.parent else None

    if f.polarity == "negated":
        after = re.split(r"[，,。；;]", text[f.end:s_b], maxsplit=1)[0][:40]
        if subj == "信息处理费" or pred in ("收取", "收费") or "处理费" in after:
            return "info_processing_fee"
        if _any(after, "纠错", "纠正") or pred in ("被纠错", "被纠正"):
            return "review_litigation_corrected"
        if "申请" in after[:20] and pred in ("收到", "接收到", "接到", "接收", "受理", "提起", "发生") and not _any(
                after[:20], "复议", "诉讼"):
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
        if f.kind == "rate" and "办结率" in left and "申请" in sentence:
            return "applications_completion_rate"
        return None

    if f.unit in ("元", "万元") and _any(sentence, "信息处理费", "处理费"):
        return "info_processing_fee"

    # outcome breakdown of applications
    if f.unit in ("件", "个", "起", "条"):
        for key, metric in (("予以公开及部分公开", "applications_granted_or_partial"),
                            ("予以公开和部分公开", "applications_granted_or_partial"),
                            ("不予公开", "applications_denied"), ("无法提供", "applications_unavailable"),
                            ("不予处理", "applications_not_processed"), ("其他处理", "applications_other")):
            if key in local[-30:] and not re.search(re.escape(key) + r"(?:的)?(?:政府)?信息", local[-30:]):
                return metric
        if re.search(r"(?:予以公开|同意公开)(?:答复)?数?\s*$", local[-12:]):
            return f"{_APP}/granted/total"
        if re.search(r"部分公开\s*$", local[-12:]):
            return f"{_APP}/partially_granted/total"
        if _any(local[-20:], "结转下年", "结转下一年", "结转至", "结转到", "转入下年"):
            return f"{_APP}/carried_forward/total"
        if _any(local[-12:], "上年结转", "上年度结转"):
            return f"{_APP}/carried_over/total"
        window = text[max(0, f.start - 60):f.start]
        # 受理申请121510件 at an 行政服务中心 window is an administrative service, not a disclosure request
        service = _any(window, "审批", "窗口", "行政服务中心", "办件") and not _any(window, "信息公开", "依申请")
        is_app = not service and (subj == "政府信息公开申请" or (
            "申请" in local[-25:] and not _any(local[-25:], "复议", "诉讼")))
        if not subj and not service and pred in ("办结", "办理", "答复", "受理", "收到", "接收") and "申请" in window \
                and not _any(window, "复议", "诉讼"):
            is_app = True
        if parent is not None and parent.metric is None and parent.subject == "政府信息公开申请":
            is_app = True
        if parent is not None and (is_app or (parent.subject == "政府信息公开申请")):
            if "自然人" in local[-12:]:
                return f"{_APP}/new_received/natural_person"
            if _any(local[-14:], "法人或其他组织", "法人和其他组织", "法人或者其他组织"):
                return "applications_legal_persons"
            if "商业企业" in local[-10:]:
                return f"{_APP}/new_received/commercial"
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

    if _any(local[-20:], "规范性文件") and f.unit in ("件", "个", "份"):
        if "现行有效" in local[-20:]:
            return "active_disclosure/normative_documents/in_force"
        if "废止" in local[-20:]:
            return "active_disclosure/normative_documents/repealed"
        if _any(local, "制发", "出台", "印发", "制定", "公开", "发布") or pred in (
                "制发", "出台", "印发", "制定", "公开", "发布", "主动公开", "公布"):
            return "active_disclosure/normative_documents/issued"
    if "规章" in local[-12:] and f.unit in ("件", "个", "部"):
        if "现行有效" in local[-20:]:
            return "active_disclosure/regulations/in_force"
        return "active_disclosure/regulations/issued"

    if subj == "主动公开信息" and (parent is None or parent.subject != "主动公开信息"):
        return "active_disclosure_items"
    if f.parent is None and subj == "政策解读" and f.unit in ("条", "篇", "件", "个", "期", "项"):
        return "policy_interpretations"
    if _any(local[-25:], "12345", "热线") and f.unit in ("件", "个", "次", "条"):
        return "hotline_cases"
    if _any(local[-12:], "意见征集", "民意征集") and f.unit in ("期", "次", "场", "个", "项"):
        return "public_consultations"
    if _any(subj, "新媒体") and f.unit in ("个", "家"):
        return "new_media_accounts"
    if f.unit in ("名", "人") and re.search(r"人员|专职|兼职|领导$|专员$|信息员$", subj):
        return "staff"
    return None
