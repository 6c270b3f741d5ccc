"""CLI habits (issue 18): --version, usage errors exit 2, -f case-insensitive, -o FILE vs folder,
standard input, --list-rules, exit codes per cause; the console entry point in-process
(``gsnlp.cli.main.main(argv)``) and once as a real subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from gsnlp_corpus import ROOT

from gsnlp.cli.main import main

REPORT = ROOT / "corpora" / "reports" / "real" / "平潭综合实验区_2022.txt"
T3 = ["--rule", "t3", "--fail-on", "never"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_version_in_process_and_subprocess(capsys) -> None:
    from gsnlp import __version__

    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.strip() == __version__
    p = subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "--version"], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.strip() == __version__


@pytest.mark.parametrize("argv", [[], ["nosuchcommand"], ["check", "--format", "xml", str(REPORT)],
                                  ["check", "--rule", "t9", str(REPORT)],
                                  ["check", "--rule", "nt.zero_claim", str(REPORT)],
                                  ["check", "-f", "html", str(REPORT)],
                                  ["train", "themes", "--backend", "nosuchbackend", "--no-cv"]])
def test_usage_errors_exit_2(argv, capsys) -> None:
    code, _out, _err = run(argv, capsys)
    assert code == 2


def test_unknown_rule_lists_the_known_ones(capsys) -> None:
    code, out, err = run(["check", "--rule", "t9", str(REPORT)], capsys)
    assert code == 2 and out == ""
    assert "unknown rule 't9'" in err and "t3.identity.v1" in err and "--list-rules" in err


def test_list_rules_prints_every_rule_with_its_chinese_title(capsys) -> None:
    from gsnlp.check.registry import all_rules

    code, out, _ = run(["check", "--list-rules"], capsys)
    assert code == 0
    lines = out.strip().splitlines()
    assert [ln.split("\t")[0] for ln in lines] == [r.name for r in all_rules()]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in ln.split("\t")[3]) for ln in lines)


@pytest.mark.parametrize("fmt", ["JSONL", "Jsonl", "jsonl"])
def test_format_is_case_insensitive(fmt, capsys) -> None:
    code, out, _ = run(["check", "-f", fmt, *T3, str(REPORT)], capsys)
    assert code == 0
    rows = [json.loads(x) for x in out.splitlines()]
    assert rows and all(r["rule"].startswith("t3.") for r in rows)


def test_output_file_is_a_file_not_a_folder(tmp_path, capsys) -> None:
    out = tmp_path / "f.jsonl"
    code, stdout, _ = run(["check", "-f", "jsonl", "-o", str(out), *T3, str(REPORT)], capsys)
    assert code == 0 and stdout == ""
    assert out.is_file() and all(json.loads(x)["rule"] for x in out.read_text(encoding="utf-8").splitlines())


def test_output_folder_for_a_single_stream_format_is_a_usage_error(tmp_path, capsys) -> None:
    code, _, err = run(["check", "-f", "csv", "-o", str(tmp_path), *T3, str(REPORT)], capsys)
    assert code == 2 and "folder" in err


def test_dash_reads_standard_input() -> None:
    data = REPORT.read_bytes()
    p = subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "check", "-", "-f", "jsonl", *T3], input=data,
                       capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
    rows = [json.loads(x) for x in p.stdout.decode("utf-8").splitlines()]
    assert rows and {r["path"] for r in rows} == {"-"} and {r["year"] for r in rows} == {2022}
    p = subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "parse", "-"], input=data, capture_output=True)
    assert p.returncode == 0 and json.loads(p.stdout)["meta"]["year"] == 2022


def test_no_such_file_has_its_own_code(tmp_path, capsys) -> None:
    from gsnlp.errors import InputError, NoSuchFileError, NoTextLayerError

    code, _, err = run(["check", *T3, str(tmp_path / "missing.txt")], capsys)
    assert code == 1 and "[E107]" in err
    codes = {InputError.code, NoSuchFileError.code, NoTextLayerError.code}
    assert len(codes) == 3  # one code per cause


def test_csv_has_identity_columns_and_excel_bom(tmp_path, capsys) -> None:
    out = tmp_path / "f.csv"
    code, _, _ = run(["check", "-f", "csv", "--excel", "-o", str(out), *T3, str(REPORT)], capsys)
    assert code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows and {r["agency"] for r in rows} == {"平潭综合实验区"} and {r["year"] for r in rows} == {"2022"}
    assert all(len(r["report_id"]) == 16 for r in rows)


def test_extract_csv_keeps_approx_and_identity(tmp_path, capsys) -> None:
    out = tmp_path / "figs.csv"
    src = ROOT / "corpora" / "reports" / "real" / "平潭综合实验区_2020.txt"
    code, _, _ = run(["extract", "--narrative", "-f", "CSV", "--excel", "-o", str(out), str(src)], capsys)
    assert code == 0
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert {"report_id", "agency", "year", "approx"} <= set(rows[0])
    text = src.read_text(encoding="utf-8")
    approx = [r for r in rows if r["approx"]]
    assert approx, "the report writes 1000余条"
    for r in approx:  # the marker is in the source right after the number
        assert r["approx"] in text[int(r["start"]):int(r["end"])]


def test_batch_exits_1_when_an_input_failed(tmp_path, capsys) -> None:
    pytest.importorskip("pyarrow")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    shutil.copy(REPORT, tmp_path / "in" / REPORT.name)
    code, _, _ = run(["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "--stages", "parse", "--no-db"], capsys)
    assert code == 1  # without --strict: the README's promise
    m = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    assert (m["n_in"], m["n_failed"]) == (2, 1)
    code, _, _ = run(["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o2"), "--stages", "parse", "--no-db",
                      "--no-strict"], capsys)
    assert code == 0


def test_extract_says_which_table_cells_are_not_figures(capsys) -> None:
    import gsnlp

    src = ROOT / "corpora" / "reports" / "real" / "平潭综合实验区_2020.txt"
    rep = gsnlp.read(src)
    n_amb = sum(1 for t in rep.tables.values() if t.found for c in t.cells.values() if c.kind == "ambiguous")
    assert n_amb  # this report has run-together rows with several readings
    code, _, err = run(["extract", "-f", "jsonl", str(src)], capsys)
    assert code == 0 and f"ambiguous {n_amb}" in err


def test_version_imports_no_cli_framework_and_a_command_only_its_module() -> None:
    code = ("import sys\nfrom gsnlp.cli.main import main\nmain(['--version'])\n"
            "print(sorted(m for m in ('typer', 'click', 'pydantic', 'rich') if m in sys.modules))\n"
            "main(['check', '--list-rules'])\n"
            "print(sorted(m for m in sys.modules if m.startswith('gsnlp.cli.') and m not in "
            "('gsnlp.cli.main', 'gsnlp.cli._root', 'gsnlp.cli.common', 'gsnlp.cli.check', "
            "'gsnlp.cli.fastargs')))\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[1] == "[]"  # --version: no typer, click, pydantic or rich
    assert lines[-1] == "[]"  # check: no other command module
