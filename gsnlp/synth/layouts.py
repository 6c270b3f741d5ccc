"""Text renderings of the three template tables, in the layouts the corpus shows.

- ``tab_lines``: one cell per line, each line tab-prefixed, a blank line between rows, cells
  padded with U+3000 or NBSP (seeds 000, 002, 003);
- ``tab_rows``: one table row per line, tab-separated, empty columns where cells are merged
  (seed 001);
- ``pipe_cells``: one cell per line ending in `` |``, ``||`` lines for merged cells (seed 004);
- ``markdown``: ``| a | b |`` rows with ``|---|`` separators (PDF-to-Markdown exports);
- ``run_together``: crawler text, every cell of the table written one after the other with
  no separator and the whole body on one line (平潭 crawler texts).

``render_tables(layout, template, tables, rng)`` returns the text of each table (keyed by
table id), to be placed under its section heading. ``run_together_unique`` says whether every
row's digit run splits one way only under the row's own sums, so that the gold can be exact.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal

from gsnlp.tables.template import APPLICANT_COLUMNS, REVIEW_COLUMNS, table_def

LAYOUTS = ("tab_lines", "tab_rows", "pipe_cells", "markdown", "run_together")

_ACTIVE_BLOCKS_2021 = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), ("regulations", "normative_documents")),
    ("第二十条第（五）项", ("本年处理决定数量",), ("administrative_license",)),
    ("第二十条第（六）项", ("本年处理决定数量",), ("administrative_penalty", "administrative_coercion")),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), ("administrative_fees",)),
)
_ACTIVE_BLOCKS_2019 = (
    ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"), ("regulations", "normative_documents")),
    ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"), ("administrative_license", "other_external_services")),
    ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"), ("administrative_penalty", "administrative_coercion")),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), ("administrative_fees",)),
    ("第二十条第（九）项", ("采购项目数量", "采购总金额"), ("centralized_procurement",)),
)
_GROUPS = {"denied": "（三）不予公开", "unavailable": "（四）无法提供", "not_processed": "（五）不予处理",
           "other": "（六）其他处理"}
_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_APP_COLS = tuple(c for c, _ in APPLICANT_COLUMNS)
_REV_COLS = tuple(c for c, _ in REVIEW_COLUMNS)


def _active_rows(template: str, vals: dict[str, str]) -> list[tuple[str, list[str], list[str]]]:
    """(block title, header labels, [(row label, values)]) per 第二十条 block."""
    tdef = table_def(template, "active_disclosure")
    out = []
    for title, heads, rows in (_ACTIVE_BLOCKS_2021 if template == "2021" else _ACTIVE_BLOCKS_2019):
        out.append((title, list(heads), [(tdef.row(r).label, [vals[f"{r}/{c}"] for c in tdef.row(r).columns])
                                         for r in rows]))
    return out  # type: ignore[return-value]


def _app_rows(template: str, vals: dict[str, str]) -> list[tuple[str | None, str, list[str]]]:
    """(group label shown on this row or None, row label, values) in template order."""
    tdef = table_def(template, "applications")
    out = []
    seen: set[str] = set()
    for r in tdef.rows:
        group = None
        if r.id == "granted":
            group = "三、本年度办理结果"
        elif "." in r.id:
            g = r.id.split(".")[0]
            if g not in seen:
                seen.add(g)
                group = _GROUPS[g]
        label = r.label
        if r.id == "other" and template == "2019":
            label = "（六）其他处理"
        out.append((group, label, [vals[f"{r.id}/{c}"] for c in _APP_COLS]))
    return out


def _rev_values(vals: dict[str, str]) -> list[str]:
    return [vals[f"{b}/{c}"] for b in ("review", "litigation_direct", "litigation_after_review") for c in _REV_COLS]


def _pad(rng: random.Random, v: str) -> str:
    return rng.choice(("", "", "", "\u3000", "\xa0", "\u3000\u3000")) + v + rng.choice(("", "", "\xa0", " "))


# ---------------------------------------------------------------------------------------


def _tab_lines(template: str, tables: dict[str, dict[str, str]], rng: random.Random) -> dict[str, str]:
    def row(cells: list[str]) -> str:
        return "".join(f"\t{c}\n" for c in cells) + "\n"

    a = ""
    for title, heads, rows in _active_rows(template, tables["active_disclosure"]):
        a += f"\t{title}\n\n" + row(["信息内容", *heads])
        for label, vals in rows:
            a += row([label, *[_pad(rng, v) for v in vals]])
    b = f"\t{_NOTE}\n\t申请人情况\n\n" + row(["", "自然人", "法人或其他组织", "总计"])
    b += row(["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""])
    for group, label, vals in _app_rows(template, tables["applications"]):
        if group == "三、本年度办理结果":
            lead = [group, label]
        elif label.startswith(("一、", "二、", "四、")):
            lead = [label]
        elif group:
            lead = ["", group, label]
        elif "." in label[:3]:
            lead = ["", "", label]
        else:
            lead = ["", label]
        b += row([*lead, *[_pad(rng, v) for v in vals]])
    c = row(["行政复议", "行政诉讼"]) + row(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"])
    c += row(["", "", "", "", "", *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2])
    c += row([_pad(rng, v) for v in _rev_values(tables["review_litigation"])])
    return {"active_disclosure": a, "applications": b, "review_litigation": c}


def _tab_rows(template: str, tables: dict[str, dict[str, str]], rng: random.Random) -> dict[str, str]:
    a = ""
    for title, heads, rows in _active_rows(template, tables["active_disclosure"]):
        w = len(heads) + 1
        a += title + "\t" * (w - 1) + "\n" + "\t".join(["信息内容", *heads]) + "\n"
        for label, vals in rows:
            a += "\t".join([label, *vals]) + "\n"
    b = f"{_NOTE}\t\t申请人情况\t\t\t\t\t\t总计\t\n\t\t自然人\t法人或其他组织\t\t\t\t\t\t\n"
    b += "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\t\n"
    for group, label, vals in _app_rows(template, tables["applications"]):
        if label.startswith(("一、", "二、", "四、")) or label.startswith("（七）"):
            b += "\t".join([label, "", *vals]) + "\t\n"
        elif group == "三、本年度办理结果":
            b += "\t".join([group, label, *vals]) + "\t\n"
        elif "." in label[:3]:
            b += "\t".join(["", group or "", label, *vals]) + "\n"
        else:
            b += "\t".join(["", label, *vals]) + "\t\n"
    c = "行政复议" + "\t" * 5 + "行政诉讼" + "\t" * 9 + "\n"
    c += "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t\n"
    c += "\t" * 5 + "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2) + "\n"
    c += "\t".join(_rev_values(tables["review_litigation"])) + "\n"
    return {"active_disclosure": a, "applications": b, "review_litigation": c}


def _pipe_cells(template: str, tables: dict[str, dict[str, str]], rng: random.Random) -> dict[str, str]:
    def cells(xs: list[str]) -> str:
        return "".join(f"{x} |\n" for x in xs)

    a = ""
    for title, heads, rows in _active_rows(template, tables["active_disclosure"]):
        a += f"{title} |\n" + "|" * len(heads) + "\n" + cells(["信息内容", *heads]) + ("||\n" if len(heads) == 1 else "")
        for label, vals in rows:
            a += cells([label, *vals]) + ("||\n" if len(vals) == 1 else "")
    b = f"{_NOTE} |\n申请人情况 |\n||||||||\n自 然 人 |\n法人或其他组织 |\n总计 |\n|||||||\n"
    b += "商业 企业 |\n科研 机构 |\n社会公益组织 |\n法律服务机构 |\n其他 |\n|||||\n"
    for group, label, vals in _app_rows(template, tables["applications"]):
        lead = [group, label] if group else [label]
        b += cells([*lead, *vals]) + ("|\n" if group else "||\n")
    c = "行政复议 |\n行政诉讼 |\n|||||||||||||\n结果维持 |\n结果纠正 |\n其他结果 |\n尚未审结 |\n总计 |\n未经复议直接起诉 |\n复议后起诉 |\n"
    c += "||||||||\n" + cells(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2) + "|||||\n"
    c += cells(_rev_values(tables["review_litigation"]))
    return {"active_disclosure": a, "applications": b, "review_litigation": c}


def _markdown(template: str, tables: dict[str, dict[str, str]], rng: random.Random) -> dict[str, str]:
    def md(xs: list[str]) -> str:
        return "| " + " | ".join(xs) + " |\n"

    def sep(n: int) -> str:
        return "|" + "---|" * n + "\n"

    a = ""
    for title, heads, rows in _active_rows(template, tables["active_disclosure"]):
        a += title + "\n\n" + md(["信息内容", *heads]) + sep(len(heads) + 1)
        for label, vals in rows:
            a += md([label, *vals])
        a += "\n"
    b = md([_NOTE, "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]) + sep(8)
    for group, label, vals in _app_rows(template, tables["applications"]):
        lab = (group + label) if group and group != "三、本年度办理结果" else label
        b += md([lab, *vals])
    c = md(["行政复议", "", "", "", "", "行政诉讼（未经复议直接起诉）", "", "", "", "", "行政诉讼（复议后起诉）", "", "", "", ""])
    c += sep(15) + md(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3)
    c += md(_rev_values(tables["review_litigation"]))
    return {"active_disclosure": a, "applications": b, "review_litigation": c}


def _run_together(template: str, tables: dict[str, dict[str, str]], rng: random.Random) -> dict[str, str]:
    a = ""
    for title, heads, rows in _active_rows(template, tables["active_disclosure"]):
        a += title + "信息内容" + "".join(heads)
        for label, vals in rows:
            a += label + "".join(vals)
    b = _NOTE + "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
    for group, label, vals in _app_rows(template, tables["applications"]):
        b += (group or "") + label + "".join(vals)
    c = "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
    c += "结果维持结果纠正其他结果尚未审结总计" * 2 + "".join(_rev_values(tables["review_litigation"]))
    return {"active_disclosure": a, "applications": b, "review_litigation": c}


_RENDER = {"tab_lines": _tab_lines, "tab_rows": _tab_rows, "pipe_cells": _pipe_cells, "markdown": _markdown,
           "run_together": _run_together}


def render_tables(layout: str, template: str, tables: dict[str, dict[str, str]], rng: random.Random) -> dict[str, str]:
    if layout not in _RENDER:
        from gsnlp.errors import UnknownNameError

        raise UnknownNameError("text layout", layout, LAYOUTS)
    return _RENDER[layout](template, tables, rng)


# ---------------------------------------------------------------------------------------
# run-together: is every digit run split one way only?

_INT = re.compile(r"0|[1-9][0-9]*")


def _splits(s: str, kinds: list[str], limit: int = 2) -> list[list[Decimal]]:
    """Every split of ``s`` into len(kinds) numbers (``int``, ``signed`` or ``decimal``), up to ``limit``."""
    out: list[list[Decimal]] = []

    def rec(pos: int, k: int, acc: list[Decimal]) -> None:
        if len(out) >= limit:
            return
        if k == len(kinds):
            if pos == len(s):
                out.append(list(acc))
            return
        neg = kinds[k] == "signed" and s.startswith("-", pos)
        p0 = pos + 1 if neg else pos
        m = _INT.match(s, p0)
        if not m:
            return
        ints = [m.group()] if m.group() == "0" else [m.group()[:j] for j in range(1, len(m.group()) + 1)]
        for iv in ints:
            e = p0 + len(iv)
            cands = [(iv, e)]
            if kinds[k] == "decimal" and s.startswith(".", e):
                f = re.match(r"[0-9]+", s[e + 1:])
                if f:
                    cands = [(iv + "." + f.group()[:j], e + 1 + j) for j in range(1, len(f.group()) + 1)]
            for text, end in cands:
                acc.append(Decimal(("-" if neg else "") + text))
                rec(end, k + 1, acc)
                acc.pop()

    rec(0, 0, [])
    return out


def _kind(col: str) -> str:
    return "signed" if col == "change" else "decimal" if col == "amount" else "int"


def run_together_unique(template: str, tables: dict[str, dict[str, str]]) -> bool:
    """True when each row's digit run has exactly one split satisfying the row's own sums
    (applications: the six applicant columns add up to the total; review: per block). The
    parser also uses the column sums, so one split here means one split there. A row whose
    sums no split satisfies (an injected contradiction) keeps the splits that break the fewest,
    as the parser does."""
    tdef = table_def(template, "active_disclosure")
    for r in tdef.rows:
        vals = [tables["active_disclosure"][f"{r.id}/{c}"] for c in r.columns]
        if len(_splits("".join(vals), [_kind(c) for c in r.columns])) != 1:
            return False
    for r in table_def(template, "applications").rows:
        vals = [tables["applications"][f"{r.id}/{c}"] for c in _APP_COLS]
        every = _splits("".join(vals), ["int"] * 7, limit=10**4)
        ok = [sp for sp in every if sum(sp[:6]) == sp[6]] or every  # none: the parser keeps every split
        if len(ok) != 1:
            return False
    vals = _rev_values(tables["review_litigation"])
    every = _splits("".join(vals), ["int"] * 15, limit=10**5)
    best = min((sum(sum(sp[5 * b:5 * b + 4]) != sp[5 * b + 4] for b in range(3)) for sp in every), default=0)
    ok = [sp for sp in every if sum(sum(sp[5 * b:5 * b + 4]) != sp[5 * b + 4] for b in range(3)) == best]
    return len(ok) == 1
