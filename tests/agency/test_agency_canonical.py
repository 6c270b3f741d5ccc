"""Agency identity (issue 18): one canonical name per agency from the alias table (data), the
original kept; the cross-year rules group the years of one agency by it."""

from __future__ import annotations

import pytest

from gsnlp_corpus import ROOT

from gsnlp.agency import ALIAS_KINDS, aliases, canonical_agency


@pytest.mark.parametrize(("name", "canonical"), [
    ("洪泽区人民政府", "淮安市洪泽区人民政府"),      # the jurisdiction prefix left out (2023 report)
    ("淮安市洪泽区人民政府", "淮安市洪泽区人民政府"),
    ("沐阳县人民政府", "沭阳县人民政府"),            # the source's typo 沐 for 沭
    ("洪泽县人民政府", "淮安市洪泽区人民政府"),      # renamed in 2016
    ("洪泽区教育局", "淮安市洪泽区教育局"),          # a department of an aliased place
    (" 平潭综合实验区 ", "平潭综合实验区"),          # whitespace
    ("平潭综合实验区管委会", "平潭综合实验区"),
    ("平潭县人民政府", "平潭县人民政府"),            # not a known variant: unchanged
])
def test_canonical_agency(name, canonical) -> None:
    assert canonical_agency(name) == canonical


def test_unknown_stays_unknown() -> None:
    assert canonical_agency(None) is None and canonical_agency("") is None


def test_alias_table_is_well_formed() -> None:
    table = aliases()
    assert table
    for a in table.values():
        assert a.kind in ALIAS_KINDS
        assert a.canonical not in table or table[a.canonical].canonical == a.canonical  # no chains


def test_cross_year_rules_see_one_agency_across_its_names() -> None:
    import gsnlp
    from gsnlp.check import check_years

    real = ROOT / "corpora" / "reports" / "real"
    reps = [gsnlp.read(real / "淮安市洪泽区人民政府_2023.pdf"), gsnlp.read(real / "淮安市洪泽区人民政府_2024.pdf")]
    assert {r.meta.agency for r in reps} == {"洪泽区人民政府", "淮安市洪泽区人民政府"}
    fs = check_years(reps, rules=["cy.carry_over"])
    assert fs, "the two years are compared"
    assert {f.doc for f in fs} <= {r.doc_id for r in reps}
