"""Every input is accounted for; bad inputs fail with a reason and never stop the batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpora" / "reports" / "seeds" / "000_292e5f130bca3acf.txt"

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    from gsnlp.batch import run_batch

    src = tmp_path_factory.mktemp("bad-in")
    text = SEED.read_text(encoding="utf-8")
    (src / "good.txt").write_text(text, encoding="utf-8")
    (src / "copy").mkdir()
    (src / "copy" / "same_content.txt").write_text(text, encoding="utf-8")
    (src / "gbk.txt").write_bytes(text.replace("\xa0", " ").encode("gbk"))
    (src / "empty.txt").write_bytes(b"")
    (src / "spaces.txt").write_bytes(b"  \n\t\n")
    (src / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (src / "truncated.txt").write_text(text[:400], encoding="utf-8")
    (src / "not_a_report.txt").write_text("会议通知\n请各单位于周五下午三点到会议室开会。\n", encoding="utf-8")
    (src / "cut.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    (src / "cut.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    (src / "bad_utf8.txt").write_bytes(text.encode("utf-8")[:-1] + b"\xff\xfe\xfa" + "二、".encode())
    out = tmp_path_factory.mktemp("bad-out")
    s = run_batch(src, out, workers=2, progress=False)
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m == s.manifest
    m["entries"] = [json.loads(x) for x in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert list(s.entries()) == m["entries"]
    return out, m


def test_runner_counts_every_input(bad_batch: tuple[Path, dict]) -> None:
    _, m = bad_batch
    assert m["n_in"] == 11
    assert m["n_in"] == m["n_ok"] + m["n_failed"]
    assert len(m["entries"]) == m["n_in"]
    assert [e["path"] for e in m["entries"]] == sorted(e["path"] for e in m["entries"])


@pytest.mark.parametrize("name,code", [("empty.txt", "E101"), ("spaces.txt", "E101"), ("binary.bin", "E102"),
                                       ("not_a_report.txt", "not_a_report")])
def test_runner_failure_has_reason(bad_batch: tuple[Path, dict], name: str, code: str) -> None:
    _, m = bad_batch
    e = next(e for e in m["entries"] if e["path"] == name)
    assert e["status"] == "failed"
    assert e["reason"]["code"] == code and e["reason"]["message"]
    assert m["failures"][f"{code} {e['reason']['type']}"] >= 1


@pytest.mark.parametrize("name", ["cut.docx", "cut.pdf"])
def test_runner_broken_container_fails_cleanly(bad_batch: tuple[Path, dict], name: str) -> None:
    _, m = bad_batch
    e = next(e for e in m["entries"] if e["path"] == name)
    assert e["status"] == "failed" and e["reason"]["message"]


def test_runner_gbk_and_truncated_are_read(bad_batch: tuple[Path, dict]) -> None:
    _, m = bad_batch
    by = {e["path"]: e for e in m["entries"]}
    assert by["gbk.txt"]["status"] == "ok"
    assert by["truncated.txt"]["status"] in ("ok", "failed")  # never a crash; a reason when failed
    if by["truncated.txt"]["status"] == "failed":
        assert by["truncated.txt"]["reason"]["message"]


def test_runner_duplicate_content_processed_once(bad_batch: tuple[Path, dict]) -> None:
    import pyarrow.parquet as pq

    out, m = bad_batch
    by = {e["path"]: e for e in m["entries"]}
    assert by["good.txt"]["duplicate_of"] == "copy/same_content.txt"
    assert by["good.txt"]["report_id"] == by["copy/same_content.txt"]["report_id"]
    ids = pq.read_table(out / "reports.parquet")["report_id"].to_pylist()
    assert len(ids) == len(set(ids)) == m["n_reports"]


def test_runner_inputs_table_matches_manifest(bad_batch: tuple[Path, dict]) -> None:
    import duckdb

    out, m = bad_batch
    con = duckdb.connect(str(out / "gsnlp.duckdb"), read_only=True)
    n_failed = con.execute("SELECT count(*) FROM inputs WHERE status = 'failed'").fetchone()[0]
    con.close()
    assert n_failed == m["n_failed"]
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["n_failed"] == n_failed


def test_runner_missing_input_folder_is_an_input_error(tmp_path: Path) -> None:
    from gsnlp.batch import run_batch
    from gsnlp.errors import InputError

    with pytest.raises(InputError):
        run_batch(tmp_path / "nope", tmp_path / "out")


def test_output_folder_that_holds_the_inputs_is_a_clear_error(tmp_path: Path) -> None:
    """-o equal to the input folder, or a folder above it, would skip every input (the output
    folder is never read as input): a configuration error, before anything is written."""
    from gsnlp.batch import run_batch
    from gsnlp.errors import ConfigError

    src = tmp_path / "corpus" / "in"
    src.mkdir(parents=True)
    (src / "good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    for out in (src, tmp_path / "corpus"):
        with pytest.raises(ConfigError, match="holds it"):
            run_batch(src, out, workers=1, progress=False, stages=("parse",))
        assert not (out / ".work").exists()
    s = run_batch(src, src / "out", workers=1, progress=False, stages=("parse",))  # inside the input: skipped
    assert (s.n_in, s.n_ok) == (1, 1)
