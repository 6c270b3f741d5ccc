"""What `gsnlp check` reads and how it keeps reports apart: reports identified by content,
never by file name (issue 12); parse JSON with or without text, parse JSONL as a stream
(issue 18); a bug in one report exits 70 and never hides the other reports (issue 19)."""

from __future__ import annotations

import json
import shutil
from decimal import InvalidOperation

import pytest

from gsnlp_corpus import ROOT

from gsnlp.cli.main import main

REAL = ROOT / "corpora" / "reports" / "real"
A = REAL / "平潭综合实验区_2022.txt"
B = REAL / "平潭综合实验区_2023.txt"
T3 = ["--rule", "t3", "--fail-on", "never"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _jsonl(s: str) -> list[dict]:
    return [json.loads(x) for x in s.splitlines() if x.strip()]


def test_two_reports_with_one_file_name_are_two_reports(tmp_path, capsys) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(A, tmp_path / "a" / "r.txt")
    shutil.copy(B, tmp_path / "b" / "r.txt")
    code, out, err = run(["check", "-f", "jsonl", *T3, str(tmp_path / "a" / "r.txt"), str(tmp_path / "b" / "r.txt")],
                         capsys)
    assert code == 0, err
    rows = _jsonl(out)
    by_path: dict[str, set[str]] = {}
    for r in rows:
        by_path.setdefault(r["path"], set()).add(r["report_id"])
    assert set(by_path) == {str(tmp_path / "a" / "r.txt"), str(tmp_path / "b" / "r.txt")}
    ids = [next(iter(v)) for v in by_path.values()]
    assert all(len(v) == 1 for v in by_path.values()) and len(set(ids)) == 2
    assert {r["year"] for r in rows} == {2022, 2023}
    # the same findings as each report checked alone
    for p in (A, B):
        code, alone, _ = run(["check", "-f", "jsonl", *T3, str(p)], capsys)
        mine = [r for r in rows if r["year"] == json.loads(alone.splitlines()[0])["year"]]
        assert [(r["rule"], r["instance"], r["status"]) for r in mine] == \
               [(r["rule"], r["instance"], r["status"]) for r in _jsonl(alone)]


def test_two_reports_with_one_file_name_get_two_audit_pages(tmp_path, capsys) -> None:
    for d, src in (("a", A), ("b", B)):
        (tmp_path / d).mkdir()
        shutil.copy(src, tmp_path / d / "r.txt")
    out = tmp_path / "audit"
    code, _, err = run(["check", "-f", "html", "-o", str(out), *T3, str(tmp_path / "a"), str(tmp_path / "b")], capsys)
    assert code == 0, err
    pages = sorted(p.name for p in out.glob("r.txt*.html"))
    assert len(pages) == 2
    texts = [(out / p).read_text(encoding="utf-8") for p in pages]
    assert {"2022" in t.split("<h1>")[1][:80] for t in texts} == {True, False}


def test_parse_json_without_text_is_checked_from_its_source(tmp_path, capsys) -> None:
    code, js, _ = run(["parse", str(A)], capsys)
    assert code == 0 and "text" not in json.loads(js)
    (tmp_path / "r.json").write_text(js, encoding="utf-8")
    code, out, err = run(["check", "-f", "jsonl", *T3, str(tmp_path / "r.json")], capsys)
    assert code == 0, err
    _, direct, _ = run(["check", "-f", "jsonl", *T3, str(A)], capsys)
    strip = [(r["rule"], r["instance"], r["status"], r["report_id"]) for r in _jsonl(out)]
    assert strip == [(r["rule"], r["instance"], r["status"], r["report_id"]) for r in _jsonl(direct)]


def test_parse_json_without_text_and_without_source_is_a_clear_error(tmp_path, capsys) -> None:
    src = tmp_path / "r.txt"
    shutil.copy(A, src)
    _, js, _ = run(["parse", str(src)], capsys)
    src.unlink()
    (tmp_path / "r.json").write_text(js, encoding="utf-8")
    code, out, err = run(["check", *T3, str(tmp_path / "r.json")], capsys)
    assert code == 1 and out == ""
    assert "--with-text" in err and "[E100]" in err


def test_parse_json_with_text_needs_no_source(tmp_path, capsys) -> None:
    src = tmp_path / "r.txt"
    shutil.copy(A, src)
    _, js, _ = run(["parse", "--with-text", str(src)], capsys)
    src.unlink()
    (tmp_path / "r.json").write_text(js, encoding="utf-8")
    code, out, _ = run(["check", "-f", "jsonl", *T3, str(tmp_path / "r.json")], capsys)
    assert code == 0 and _jsonl(out)


def test_parse_jsonl_is_a_stream_of_reports(tmp_path, capsys) -> None:
    _, js, _ = run(["parse", "-f", "jsonl", "--with-text", str(A), str(B)], capsys)
    assert len(js.splitlines()) == 2
    (tmp_path / "r.jsonl").write_text(js, encoding="utf-8")
    code, out, err = run(["check", "-f", "jsonl", *T3, str(tmp_path / "r.jsonl")], capsys)
    assert code == 0, err
    assert {r["year"] for r in _jsonl(out)} == {2022, 2023}
    assert "2 in, 2 checked" in err


def test_a_bug_in_one_report_exits_70_and_keeps_the_others(monkeypatch, tmp_path, capsys) -> None:
    """The circled-digit crash of issue 19 (decimal.InvalidOperation in the check) made
    `gsnlp check` print nothing for any file; now only that file fails."""
    import gsnlp.check as check_pkg

    real = check_pkg.check_report

    def flaky(report, **kw):
        if report.meta.year == 2023:
            raise InvalidOperation([InvalidOperation])
        return real(report, **kw)

    monkeypatch.setattr(check_pkg, "check_report", flaky)
    code, out, err = run(["check", "-f", "jsonl", *T3, str(A), str(B)], capsys)
    assert code == 70
    assert {r["year"] for r in _jsonl(out)} == {2022}
    assert "internal error" in err and "Traceback" in err and "2 in, 1 checked, 1 failed" in err


def test_bad_input_exits_1_and_keeps_the_others(tmp_path, capsys) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    code, out, err = run(["check", "-f", "jsonl", *T3, str(tmp_path / "empty.txt"), str(A)], capsys)
    assert code == 1
    assert {r["year"] for r in _jsonl(out)} == {2022} and "[E101]" in err


def test_a_reader_bug_in_one_file_exits_70_and_parse_keeps_the_others(monkeypatch, capsys) -> None:
    import gsnlp.io as io_pkg

    real = io_pkg.read_bytes

    def flaky(data, path="<bytes>"):
        if path.endswith("2023.txt"):
            raise ZeroDivisionError("a bug")
        return real(data, path)

    monkeypatch.setattr(io_pkg, "read_bytes", flaky)
    code, out, err = run(["parse", "-f", "jsonl", str(A), str(B)], capsys)
    assert code == 70
    objs = _jsonl(out)
    assert objs[0]["meta"]["year"] == 2022
    assert objs[1]["schema"] == "gsnlp.error/1" and objs[1]["error"]["internal"] is True
    assert "ZeroDivisionError" in err
