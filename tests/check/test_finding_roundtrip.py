from __future__ import annotations

import json
from decimal import Decimal

import pytest

from gsnlp.check import Evidence, Finding, check_report
from gsnlp.check.testing import make_report


@pytest.mark.parametrize("expected,observed", [(Decimal("5949.088667"), Decimal(0)), ("2021", "2019"), (None, None),
                                               (Decimal(-185), "缺")])
def test_finding_json_roundtrip_is_lossless(expected, observed) -> None:
    f = Finding("a.txt", "t3.identity.v1", "fail", "error", "消息", expected, observed,
                (Evidence("cell", "applications/new_received/total", 3, 5, "17", Decimal(17), "number", "total"),
                 Evidence("span", None, 10, 14, "17件", role="claim", doc="b.txt")),
                "extraction", "consistency", "column total", True, {"k": [1, "二"]})
    d = json.loads(json.dumps(f.to_dict(), ensure_ascii=False))
    back = Finding.from_dict(d)
    assert back == f
    assert type(back.expected) is type(f.expected)


def test_finding_rejects_unknown_status() -> None:
    with pytest.raises(ValueError):
        Finding("a", "r.v1", "maybe", "error", "")


def test_finding_is_frozen() -> None:
    f = Finding("a", "r.v1", "pass", "error", "")
    with pytest.raises(AttributeError):
        f.status = "fail"  # type: ignore[misc]


def test_every_finding_of_a_report_roundtrips() -> None:
    rep = make_report({"applications/new_received/total": "3"})
    for f in check_report(rep, rules=["t3", "t4", "t2", "st"]):
        assert Finding.from_dict(json.loads(json.dumps(f.to_dict(), ensure_ascii=False))) == f


def test_rule_id_drops_version() -> None:
    assert Finding("a", "t3.identity.v1", "pass", "error", "").rule_id == "t3.identity"
