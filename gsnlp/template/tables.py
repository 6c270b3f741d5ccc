"""The template tables, defined once: ids and Chinese labels of tables, rows and columns for the
2021 and 2019 templates, with the label variants and typos real reports print.

These ids are the project's contract (docs/template.md): parsers emit them, gold files use them,
checks and datasets address cells by them (``table/row/column``). The arithmetic between cells
is in :mod:`gsnlp.template.identities`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "TEMPLATES", "TABLE_IDS", "APPLICANT_COLUMNS", "LEGAL_PERSON_COLUMNS", "REVIEW_COLUMNS", "ACTIVE_COLUMNS",
    "COLUMN_VARIANTS", "TABLE_ANCHORS", "CELL_UNITS", "AMOUNT_UNITS", "COUNT_UNITS", "TABLE_VERSION_MARKS",
    "table_template", "RowDef", "TableDef", "table_def", "addresses", "result_rows",
    "column_label", "column_labels",
]

TEMPLATES = ("2021", "2019")
TABLE_IDS = ("active_disclosure", "applications", "review_litigation")

# (column id, the label the template prints)
APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social_welfare", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
LEGAL_PERSON_COLUMNS = ("commercial", "research", "social_welfare", "legal_service", "other_org")
# Column names for messages: the printed labels, the 其他 column named as the 其他组织 it counts
APPLICANT_COLUMN_NAMES: dict[str, str] = {**dict(APPLICANT_COLUMNS), "other_org": "其他组织"}

REVIEW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)

ACTIVE_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "2021": (
        ("issued", "本年制发件数"),
        ("repealed", "本年废止件数"),
        ("in_force", "现行有效件数"),
        ("decisions", "本年处理决定数量"),
        ("amount", "本年收费金额（单位：万元）"),
    ),
    "2019": (
        ("newly_made", "本年新制作数量"),
        ("newly_published", "本年新公开数量"),
        ("total_published", "对外公开总数量"),
        ("previous_items", "上一年项目数量"),
        ("change", "本年增/减"),
        ("decisions", "处理决定数量"),
        ("items", "采购项目数量"),
        ("amount", "采购总金额"),
    ),
}

# Other ways reports print a column label (wording of the other template, typos of extraction).
COLUMN_VARIANTS: dict[str, tuple[str, ...]] = {
    "repealed": ("本年废纸件数",),  # a typo seen in real reports
    "decisions": ("处理决定数量", "本年处理决定数量"),
    "other_org": ("其他组织", "其他"),
    "amount": ("本年收费金额", "收费金额", "采购总金额"),
    "total": ("总计", "合计"),
}

# Units a report may print inside a cell, after its number ("984361元", "152.2万元", "2笔" in the 2019
# 政府集中采购 row): money (the amount columns) and counting words (件, 笔, …). The cell is a number
# with that unit (``Cell.unit``); its value is the number as printed, never converted (万元 stays 万元),
# and its ``raw`` keeps the unit. Longest first: 万元 before 元.
AMOUNT_UNITS: tuple[str, ...] = ("万元", "亿元", "元")
COUNT_UNITS: tuple[str, ...] = ("笔", "件", "个", "项", "条", "次")
CELL_UNITS: tuple[str, ...] = AMOUNT_UNITS + COUNT_UNITS

# Words that open each table in the text (the first one found starts the table's region).
TABLE_ANCHORS: dict[str, tuple[str, ...]] = {
    "active_disclosure": ("第二十条", "信息内容"),
    "applications": ("申请人情况", "勾稽关系", "钩稽关系", "本年新收"),
    "review_litigation": ("行政复议",),
}


@dataclass(frozen=True, slots=True)
class RowDef:
    """One template row: its id, the label the report prints, and match keys.

    ``keys`` are fragments distinctive enough to find the row in a noisy label (typos, line
    breaks, run-together text); the first key is the most specific. ``variants`` are fragments of
    other wordings and known typos (行政执法案件 for 行政执法案卷): a row found by a variant is read,
    with a notice naming the variant. ``group`` is the enclosing heading for numbered sub-rows
    (（三）不予公开 → 1.…8.). ``number`` is the list number printed before the label ("2." → 2).
    """

    id: str
    label: str
    keys: tuple[str, ...]
    columns: tuple[str, ...]
    group: str | None = None
    number: int | None = None
    variants: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TableDef:
    id: str
    template: str
    title: str
    rows: tuple[RowDef, ...]
    column_labels: dict[str, str] = field(default_factory=dict)

    def addresses(self) -> list[str]:
        """Every cell address of this table, in reading order (``row/column``)."""
        return [f"{r.id}/{c}" for r in self.rows for c in r.columns]

    def row(self, row_id: str) -> RowDef:
        for r in self.rows:
            if r.id == row_id:
                return r
        raise KeyError(row_id)


_APP_COLS = tuple(c for c, _ in APPLICANT_COLUMNS)
_REV_COLS = tuple(c for c, _ in REVIEW_COLUMNS)


def _app_rows(version: str) -> tuple[RowDef, ...]:
    c = _APP_COLS
    g3, g4, g5, g6 = "不予公开", "无法提供", "不予处理", "其他处理"
    rows = [
        RowDef("new_received", "一、本年新收政府信息公开申请数量", ("本年新收", "新收政府信息"), c),
        RowDef("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",), c),
        RowDef("granted", "（一）予以公开", ("予以公开",), c),
        RowDef("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",), c),
        RowDef("denied.state_secret", "1.属于国家秘密", ("国家秘密",), c, g3, 1),
        RowDef("denied.prohibited_by_law", "2.其他法律行政法规禁止公开",
               ("法规禁止", "禁止公开", "行政止公开", "其他法律"), c, g3, 2, ("法律和行政法规",)),
        RowDef("denied.security_stability", "3.危及“三安全一稳定”", ("三安全", "一稳定", "危及"), c, g3, 3),
        RowDef("denied.third_party", "4.保护第三方合法权益", ("第三方",), c, g3, 4),
        RowDef("denied.internal_affairs", "5.属于三类内部事务信息", ("内部事务",), c, g3, 5),
        RowDef("denied.process_info", "6.属于四类过程性信息", ("过程性",), c, g3, 6),
        RowDef("denied.enforcement_files", "7.属于行政执法案卷", ("执法案卷",), c, g3, 7, ("执法案件",)),
        RowDef("denied.query_matters", "8.属于行政查询事项", ("查询事项",), c, g3, 8),
        RowDef("unavailable.not_held", "1.本机关不掌握相关政府信息", ("不掌握",), c, g4, 1),
        RowDef("unavailable.needs_creation", "2.没有现成信息需要另行制作", ("另行制作", "没有现成"), c, g4, 2),
        RowDef("unavailable.unclear", "3.补正后申请内容仍不明确", ("仍不明确", "补正后申请"), c, g4, 3),
        RowDef("not_processed.petition", "1.信访举报投诉类申请", ("信访举报", "投诉类"), c, g5, 1),
        RowDef("not_processed.duplicate", "2.重复申请", ("重复申请",), c, g5, 2),
        RowDef("not_processed.publication", "3.要求提供公开出版物", ("出版物",), c, g5, 3),
        RowDef("not_processed.excessive", "4.无正当理由大量反复申请", ("大量反复",), c, g5, 4),
        RowDef("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息", ("重新出具", "确认或重新"), c, g5, 5),
    ]
    if version == "2021":
        rows += [
            RowDef("other.no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                   ("逾期不补正", "不补正"), c, g6, 1, ("不再受理",)),
            RowDef("other.unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                   ("收费通知", "缴纳费用"), c, g6, 2),
            RowDef("other.other", "3.其他", ("其他",), c, g6, 3),
        ]
    else:
        rows.append(RowDef("other", "（六）其他处理", ("其他处理",), c))
    rows += [
        RowDef("total_processed", "（七）总计", ("总计",), c),
        RowDef("carried_forward", "四、结转下年度继续办理", ("结转下年度", "继续办理"), c),
    ]
    return tuple(rows)


def _active_rows(version: str) -> tuple[RowDef, ...]:
    if version == "2021":
        three = ("issued", "repealed", "in_force")
        return (
            RowDef("regulations", "规章", ("规章",), three),
            RowDef("normative_documents", "行政规范性文件", ("规范性文件",), three),
            RowDef("administrative_license", "行政许可", ("行政许可",), ("decisions",)),
            RowDef("administrative_penalty", "行政处罚", ("行政处罚",), ("decisions",)),
            RowDef("administrative_coercion", "行政强制", ("行政强制",), ("decisions",)),
            RowDef("administrative_fees", "行政事业性收费", ("事业性收费",), ("amount",)),
        )
    made = ("newly_made", "newly_published", "total_published")
    items = ("previous_items", "change", "decisions")
    return (
        RowDef("regulations", "规章", ("规章",), made),
        RowDef("normative_documents", "规范性文件", ("规范性文件",), made),
        RowDef("administrative_license", "行政许可", ("行政许可",), items),
        RowDef("other_external_services", "其他对外管理服务事项", ("对外管理服务",), items),
        RowDef("administrative_penalty", "行政处罚", ("行政处罚",), items),
        RowDef("administrative_coercion", "行政强制", ("行政强制",), items),
        RowDef("administrative_fees", "行政事业性收费", ("事业性收费",), ("previous_items", "change")),
        RowDef("centralized_procurement", "政府集中采购", ("集中采购",), ("items", "amount")),
    )


def _review_rows() -> tuple[RowDef, ...]:
    return (
        RowDef("review", "行政复议", ("行政复议",), _REV_COLS),
        RowDef("litigation_direct", "行政诉讼 · 未经复议直接起诉", ("未经复议",), _REV_COLS),
        RowDef("litigation_after_review", "行政诉讼 · 复议后起诉", ("复议后起诉",), _REV_COLS),
    )


def _build() -> dict[tuple[str, str], TableDef]:
    out: dict[tuple[str, str], TableDef] = {}
    for v in TEMPLATES:
        out[(v, "active_disclosure")] = TableDef("active_disclosure", v, "主动公开政府信息情况", _active_rows(v),
                                                 dict(ACTIVE_COLUMNS[v]))
        out[(v, "applications")] = TableDef(
            "applications", v, "收到和处理政府信息公开申请情况", _app_rows(v), dict(APPLICANT_COLUMNS)
        )
        out[(v, "review_litigation")] = TableDef(
            "review_litigation", v, "政府信息公开行政复议、行政诉讼情况", _review_rows(), dict(REVIEW_COLUMNS)
        )
    return out


_TABLES = _build()


def table_def(template: str, table_id: str) -> TableDef:
    """The definition of ``table_id`` in ``template`` ("2021" or "2019")."""
    try:
        return _TABLES[(template, table_id)]
    except KeyError:
        from gsnlp.errors import UnknownNameError

        raise UnknownNameError("table", f"{template}/{table_id}", [f"{v}/{t}" for v, t in _TABLES]) from None


def addresses(template: str) -> dict[str, list[str]]:
    """All cell addresses of a template, per table id."""
    return {t: table_def(template, t).addresses() for t in TABLE_IDS}


def result_rows(template: str) -> tuple[str, ...]:
    """The rows of 三、本年度办理结果 ((一) to (六)), which add up to (七)总计 (identity t3.results_total)."""
    rows = table_def(template, "applications").rows
    skip = {"new_received", "carried_over", "total_processed", "carried_forward"}
    return tuple(r.id for r in rows if r.id not in skip)


def column_label(template: str, table_id: str, column: str) -> str:
    """The label the template prints over ``column`` of ``table_id``."""
    return table_def(template, table_id).column_labels[column]


def column_labels(column: str) -> tuple[str, ...]:
    """Every label a report may print over ``column`` (the templates' own and the variants)."""
    own = [lab for cols in (APPLICANT_COLUMNS, REVIEW_COLUMNS, *ACTIVE_COLUMNS.values()) for c, lab in cols
           if c == column]
    return tuple(dict.fromkeys(own + list(COLUMN_VARIANTS.get(column, ()))))


# Words that only one template prints in a table (its own column headings or rows), used to tell
# which template each table follows: a report may print table 二 of one template and table 三 of the
# other (the 2019 columns 本年新制作数量… beside the 2021 rows （六）1./2./3.). Headings only, never
# row names a narrative may also use. The 2019 applications table has no word of its own (its
# single row （六）其他处理 is the 2021 group heading): see ``table_template``.
TABLE_VERSION_MARKS: dict[str, dict[str, tuple[str, ...]]] = {
    "active_disclosure": {
        "2021": ("本年制发件数", "本年废止件数", "本年废纸件数", "现行有效件数", "本年收费金额"),
        "2019": ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量", "采购总金额"),
    },
    "applications": {
        "2021": ("逾期不补正", "收费通知", "缴纳费用", "不再处理其政府信息公开申请", "不再受理其政府信息公开申请"),
        "2019": (),
    },
    "review_litigation": {"2021": (), "2019": ()},
}


def table_template(table_id: str, text: str, default: str) -> str:
    """The template ``table_id`` follows, read from the table's own text (whitespace removed).

    The template whose marks (``TABLE_VERSION_MARKS``) the text holds, when the other template's
    are absent; an applications table with the heading （六）其他处理 and none of the 2021 sub-rows
    under it is the 2019 table (the 2021 table always prints them); otherwise ``default`` (the
    report's template: a table that names neither keeps it).
    """
    if default not in TEMPLATES:
        return default
    marks = TABLE_VERSION_MARKS.get(table_id, {})
    have = [v for v in TEMPLATES if any(w in text for w in marks.get(v, ()))]
    if len(have) == 1:
        return have[0]
    if not have and table_id == "applications" and "其他处理" in text:
        return "2019"
    return default
