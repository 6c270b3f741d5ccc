"""Every hand-made gold table file is well formed: its cells are exactly the template's cells, each of a known
kind with the fields that kind needs, its numbers are stated in the source, and the template identities that fail
with its numbers are exactly the contradictions of the reports documented in corpora/README.md.

These tests read the gold files and the source texts only; they never run the gsnlp parser (the parser is
compared with the gold in test_gold_tables.py)."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from gsnlp_corpus import GOLD, ROOT, corpus_file

TABLES = GOLD / "tables"
GOLD_FILES = sorted(TABLES.glob("*.json"))
KINDS = {"number", "blank", "not_applicable", "text", "absent", "ambiguous"}

# Identities that fail with the gold numbers: contradictions of the reports as printed (corpora/README.md,
# "How the gold tables were made and checked"). Any other failure means a gold cell was typed wrong.
KNOWN_FAILURES = {
    "平潭综合实验区_2020.txt": {"results/natural_person", "results/total"},
    "淮安市洪泽区人民政府_2023.pdf": {"block/review", "block/litigation_after_review"},
    "平潭综合实验区公安局_2021.txt": {"balance/natural_person", "balance/total"},
    "平潭综合实验区农业农村局_2023.txt": {"row_total/new_received", "row_total/carried_over"},
    "平潭综合实验区经济发展局_2025.txt": {"balance/natural_person", "results/natural_person", "balance/total",
                                          "results/total", "block/review"},
    "平潭综合实验区自然资源与生态环境局_2020.txt": {"results/legal_service", "results/total"},
    "平潭综合实验区自然资源与生态环境局_2023.txt": {"row_total/partially_granted", "row_total/total_processed",
                                                    "balance/commercial"},
}


def _load(p: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(p.read_text(encoding="utf-8"))
    return data


def _checker() -> ModuleType:
    name = "gsnlp_gold_check_identities"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, TABLES / "check_identities.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses look their module up while the class is made
    spec.loader.exec_module(mod)
    return mod


def _decimal(s: object) -> Decimal:
    assert isinstance(s, str) and s == s.strip() and s, s
    try:
        return Decimal(s)
    except InvalidOperation as e:  # pragma: no cover - the assertion message is what matters
        raise AssertionError(f"not a decimal: {s!r}") from e


@pytest.mark.parametrize("gold_file", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_file_is_well_formed(gold_file: Path) -> None:
    from gsnlp.tables.template import TEMPLATES, addresses

    g = _load(gold_file)
    assert g["schema"] == "gsnlp.gold.tables/1"
    assert g["doc"] == gold_file.name.removesuffix(".json")
    assert corpus_file(g["doc"]).is_file()
    assert g["template"] in TEMPLATES
    for field in ("made_by", "checked_by"):
        assert isinstance(g[field], str) and len(g[field]) > 20, field
    assert isinstance(g["notes"], list) and all(isinstance(n, str) and n for n in g["notes"])
    want = addresses(g["template"])
    assert sorted(g["tables"]) == sorted(want)
    per_table = g.get("table_templates", {})
    assert set(per_table) <= set(want) and all(t in TEMPLATES for t in per_table.values())
    for tid, cells in g["tables"].items():
        assert sorted(cells) == sorted(addresses(per_table.get(tid, g["template"]))[tid]), tid
        for addr, c in cells.items():
            where = f"{g['doc']} {tid}/{addr}"
            assert c["kind"] in KINDS, where
            if c["kind"] == "number":
                _decimal(c["value"])
                continue
            assert c["value"] is None, where
            if c["kind"] in ("not_applicable", "text"):
                assert isinstance(c["raw"], str) and c["raw"].strip(), where
            if c["kind"] == "ambiguous":
                cands = c["candidates"]
                values = [_decimal(v) for v in cands]
                assert len(set(values)) == len(values), where
                assert values == sorted(values), where
                assert len(values) >= (1 if c.get("may_be_blank") else 2), where
            else:
                assert "candidates" not in c, where
            assert set(c) <= {"kind", "value", "raw", "candidates", "may_be_blank"}, where


@pytest.mark.parametrize("gold_file", [p for p in GOLD_FILES if p.name.endswith((".txt.json", ".md.json"))],
                         ids=lambda p: p.stem)
def test_gold_numbers_are_stated_in_the_source(gold_file: Path) -> None:
    """Every number and every candidate is written in the source text (whitespace removed), as typed."""
    g = _load(gold_file)
    text = re.sub(r"\s+", "", corpus_file(g["doc"]).read_text(encoding="utf-8"))
    text = text.replace(",", "")
    missing = []
    for tid, cells in g["tables"].items():
        for addr, c in cells.items():
            vals = [c["value"]] if c["kind"] == "number" else c.get("candidates", [])
            missing += [(f"{tid}/{addr}", v) for v in vals if v not in text]
    assert not missing, missing[:5]


def test_identities_fail_only_where_the_report_contradicts_itself() -> None:
    check = _checker().check
    got = {}
    for p in GOLD_FILES:
        r = check(_load(p))
        assert r.checked > 0, p.name
        if r.failed:
            got[r.doc] = set(r.failed)
    assert got == KNOWN_FAILURES


def test_identity_checker_catches_a_wrong_cell() -> None:
    """The checker is not vacuous: one mistyped gold number breaks a row total and a column identity."""
    mod = _checker()
    g = _load(TABLES / "平潭综合实验区管委会办公室_2022.txt.json")
    assert mod.check(g).failed == ()
    g["tables"]["applications"]["granted/natural_person"] = {"kind": "number", "value": "6"}
    assert set(mod.check(g).failed) == {"row_total/granted", "results/natural_person"}
    g["tables"]["applications"]["granted/natural_person"] = {"kind": "ambiguous", "value": None, "candidates": ["5", "6"]}
    r = mod.check(g)
    assert r.failed == () and "results/natural_person" in r.undecided


def test_every_template_report_of_the_manifest_has_gold_tables() -> None:
    with (ROOT / "corpora" / "MANIFEST.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    want = {r["doc"] for r in rows if r["template"] in ("2019", "2021")}
    have = {p.name.removesuffix(".json") for p in GOLD_FILES}
    assert want - have == set()
    devtest = (ROOT / "corpora" / "devtest.txt").read_text(encoding="utf-8").split()
    assert len(devtest) == 11 and set(devtest) <= have
