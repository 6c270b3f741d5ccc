"""``process_bytes``: one pure function from bytes to rows, the unit a cluster would ship."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpora" / "reports" / "seeds" / "001_49bc154c30d92ca6.txt"


def test_work_same_bytes_same_rows() -> None:
    from gsnlp.tabular import process_bytes

    data = SEED.read_bytes()
    a = process_bytes(data, "a/001.txt")
    b = process_bytes(data, "a/001.txt")
    assert a.rows == b.rows and a.status == "ok"


def test_work_rows_keyed_by_content_hash() -> None:
    import hashlib

    from gsnlp.tabular import process_bytes

    data = SEED.read_bytes()
    r = process_bytes(data, "001.txt")
    rid = hashlib.sha256(data).hexdigest()[:16]
    for table, rows in r.rows.items():
        assert all(row["report_id"] == rid for row in rows), table
        if table != "reports":
            assert [row["seq"] for row in rows] == sorted({row["seq"] for row in rows}), table


def test_work_cells_cover_the_template() -> None:
    from gsnlp.tabular import process_bytes
    from gsnlp.tables.template import addresses

    r = process_bytes(SEED.read_bytes(), "001.txt")
    got = {(c["table_id"], c["address"]) for c in r.rows["cells"]}
    assert got == {(t, a) for t, addrs in addresses("2021").items() for a in addrs}


def test_work_bad_input_is_a_failed_result_not_an_exception() -> None:
    from gsnlp.tabular import process_bytes

    r = process_bytes(b"\x00\x01\x02" * 100, "x.bin")
    assert r.status == "failed" and r.reason["code"] == "E102" and r.rows["reports"] == []


def test_work_rows_fit_the_declared_schemas() -> None:
    pytest.importorskip("pyarrow")
    from gsnlp.tabular import process_bytes, schemas
    from gsnlp.tabular.schema import to_table

    r = process_bytes(SEED.read_bytes(), "001.txt")
    for t, rows in r.tuples.items():
        # a row of the wrong length would shift every column after the gap
        assert rows and all(len(row) == len(schemas()[t]) for row in rows), t
        tab = to_table(t, rows)
        assert tab.schema == schemas()[t]
        assert tab.to_pylist() == r.rows[t], t  # Arrow keeps every value (decimals compare by value)


def test_work_decimal_that_does_not_fit_keeps_its_string() -> None:
    """``num`` is DECIMAL(38, 10): a value with 11 decimals has no exact place there; its row gets
    NULL in ``num`` (never a rounded number) and keeps the value as written in ``value``."""
    pytest.importorskip("pyarrow")
    from decimal import Decimal

    from gsnlp.tabular.schema import COLUMNS, to_table

    names = [n for n, _ in COLUMNS["cells"]]
    row = dict.fromkeys(names) | {"report_id": "r", "seq": 0, "candidates": []}
    rows = [tuple((row | {"seq": i, "value": str(v), "num": v})[n] for n in names)
            for i, v in enumerate([Decimal("12.5"), Decimal("1.12345678901"), Decimal("3")])]
    got = to_table("cells", rows).to_pylist()
    assert [g["num"] for g in got] == [Decimal("12.5"), None, Decimal("3")]
    assert got[1]["value"] == "1.12345678901"


def test_work_records_which_stages_ran() -> None:
    from gsnlp.tabular import load_stages, process_bytes

    st = load_stages(("parse",))
    r = process_bytes(SEED.read_bytes(), "001.txt", st)
    assert r.stages == ("parse",) and r.rows["figures"] == [] and r.rows["findings"] == []
    assert st.describe()["figures"]["ran"] is False
