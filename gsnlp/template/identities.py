"""The template's arithmetic, as data: every identity between cells that a correct table satisfies.

An identity is ``Σ lhs = Σ rhs`` over cell addresses (``table/row/column``), with the rule id
that checks it, its family (how the run-together solver relaxes it) and its wording in Chinese.
The run-together solver (``gsnlp.tables.runtogether``) builds its constraints from these, the
table rules (``gsnlp.check.rules_tables``) check them, and the synthetic generator draws values
that satisfy them.

Families:

- ``row``: a row total is the sum of its parts (applications: 自然人 + five kinds of 法人或其他组织
  = 总计, rule ``t3.cross_foot``; review_litigation: per block 维持 + 纠正 + 其他 + 尚未审结 = 总计,
  rule ``t4.block_total``);
- ``balance``: per applications column, 本年新收 + 上年结转 = （七）总计 + 结转下年度 (the 勾稽关系
  the template's own note states, rule ``t3.identity``);
- ``results``: per applications column, the result rows （一）…（六） add up to （七）总计
  (rule ``t3.results_total``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from gsnlp.template.tables import (
    APPLICANT_COLUMN_NAMES,
    APPLICANT_COLUMNS,
    LEGAL_PERSON_COLUMNS,
    REVIEW_COLUMNS,
    result_rows,
    table_def,
)

__all__ = ["Identity", "FAMILIES", "identities"]

FAMILIES: dict[str, str] = {
    "row": "row total = sum of its parts",
    "balance": "new_received + carried_over = total_processed + carried_forward",
    "results": "total_processed = sum of the result rows",
}

_COLUMN_ZH = APPLICANT_COLUMN_NAMES
_BLOCK_ZH = {"review": "行政复议", "litigation_direct": "行政诉讼（未经复议直接起诉）",
             "litigation_after_review": "行政诉讼（复议后起诉）"}


@dataclass(frozen=True, slots=True)
class Identity:
    """``Σ lhs = Σ rhs`` over full cell addresses (``table/row/column``).

    ``name`` is the identity's instance inside its rule (``row new_received``, ``column total``,
    ``block review``); ``zh`` says it in the project's Chinese wording.
    """

    rule: str
    family: str
    table: str
    name: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    zh: str

    @property
    def cells(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


@functools.lru_cache(maxsize=None)
def identities(template: str, table_id: str | None = None) -> tuple[Identity, ...]:
    """Every identity of ``template`` ("2021" or "2019"), or only those of one table, in a fixed order:
    row identities (row by row), then balance and results identities (column by column)."""
    out: list[Identity] = []
    if table_id in (None, "applications"):
        tdef = table_def(template, "applications")
        parts = ("natural_person",) + LEGAL_PERSON_COLUMNS

        def a(row: str, col: str) -> str:
            return f"applications/{row}/{col}"

        for r in tdef.rows:
            out.append(Identity("t3.cross_foot.v1", "row", "applications", f"row {r.id}",
                                tuple(a(r.id, c) for c in parts), (a(r.id, "total"),),
                                f"表三「{r.group or ''}{r.label}」行：自然人+法人或其他组织各列之和等于总计"))
        for c, _ in APPLICANT_COLUMNS:
            out.append(Identity("t3.identity.v1", "balance", "applications", f"column {c}",
                                (a("new_received", c), a("carried_over", c)),
                                (a("total_processed", c), a("carried_forward", c)),
                                f"表三「{_COLUMN_ZH[c]}」列勾稽关系（本年新收+上年结转=办理结果总计+结转下年度）"))
        results = result_rows(template)
        for c, _ in APPLICANT_COLUMNS:
            out.append(Identity("t3.results_total.v1", "results", "applications", f"column {c}",
                                tuple(a(r, c) for r in results), (a("total_processed", c),),
                                f"表三「{_COLUMN_ZH[c]}」列办理结果各项之和等于（七）总计"))
    if table_id in (None, "review_litigation"):
        cols = tuple(c for c, _ in REVIEW_COLUMNS)
        for r in table_def(template, "review_litigation").rows:
            out.append(Identity("t4.block_total.v1", "row", "review_litigation", f"block {r.id}",
                                tuple(f"review_litigation/{r.id}/{c}" for c in cols[:-1]),
                                (f"review_litigation/{r.id}/total",),
                                f"表四「{_BLOCK_ZH[r.id]}」结果维持+结果纠正+其他结果+尚未审结=总计"))
    return tuple(out)
