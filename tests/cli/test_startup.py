"""Start-up (issue 18): the predicate tokenizer gives jieba's tokens without loading jieba's dictionary,
plain command lines of check/parse/classify/batch run without typer, and the check path imports none of
the heavy libraries."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from gsnlp_corpus import ROOT

from gsnlp.cli.fastargs import Opt, parse
from gsnlp.cli.main import FAST_COMMANDS, build_app, main, run_app

REPORT = ROOT / "corpora" / "reports" / "real" / "平潭综合实验区_2022.txt"
HEAVY = ("jieba", "typer", "click", "pydantic", "rich", "sklearn", "scipy", "numpy", "pandas", "pyarrow", "duckdb",
         "torch", "transformers", "spacy",
         "gsnlp.themes",  # check runs no theme model
         "gsnlp.segment.model",  # the section model: only for a report with a section heading missing (not this one)
         "zipfile", "importlib.resources",  # a text report needs no zip reader; package data is read by path
         "_hashlib")  # OpenSSL (hashlib imports it first): sha256 comes from the builtin module (gsnlp.io._sha256)


@pytest.fixture(scope="module")
def reference() -> object:
    pytest.importorskip("jieba")
    from gsnlp.figures.lexicon import jieba_tokenizer

    return jieba_tokenizer()


def _lines() -> list[str]:
    out = []
    for p in sorted((ROOT / "corpora" / "reports").rglob("*.txt")):
        out.extend(p.read_text(encoding="utf-8", errors="replace").split("\n"))
    return out


def test_segmenter_gives_jiebas_tokens_on_every_corpus_line(reference: object) -> None:
    from gsnlp.figures.lexicon import tokenizer

    lines = _lines()
    assert len(lines) > 1000
    seg = tokenizer()
    diff = [ln for ln in lines if seg.lcut(ln) != reference.lcut(ln, HMM=False)]  # type: ignore[attr-defined]
    assert diff == []


def test_segmenter_gives_jiebas_tokens_on_odd_strings(reference: object) -> None:
    from gsnlp.figures.lexicon import jieba_dict_path, tokenizer, user_words

    seg = tokenizer()
    words = [ln.split(" ")[0] for ln in jieba_dict_path().read_text(encoding="utf-8").splitlines()]
    rnd = random.Random(18)
    pieces = ([rnd.choice(words) for _ in range(400)] + [w for w, _ in user_words()]
              + list("，。、 \t\r\n\u3000（）%.-_#&+abcXYZ0123456789𠀀ぁ한") + ["\r\n", "C++", "3.5%", "AT&T", "T恤"])
    cases = ["", " ", "\r\n", "AT&T", "阿Q正传", "大S小S", "c#和C#", "政府信息公开申请", "依申请公开", "不予公开"]
    for _ in range(3000):
        cases.append("".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12))))
    for s in cases:
        assert seg.lcut(s) == reference.lcut(s, HMM=False), s  # type: ignore[attr-defined]


def test_shipped_index_is_the_installed_dictionarys() -> None:
    pytest.importorskip("jieba")
    from gsnlp.figures.lexicon import INDEX_FILE, _data, build_jieba_index, jieba_dict_path

    data = jieba_dict_path().read_bytes()
    shipped = json.loads(_data(INDEX_FILE))
    if shipped["size"] != len(data):
        pytest.skip(f"another jieba ({shipped['source']} shipped): the index is built at run time")
    ix = build_jieba_index(data)
    assert (shipped["total"], shipped["chars"], tuple(shipped["starts"])) == (ix.total, ix.chars, ix.starts)


def test_segmenter_indexes_another_dictionary_at_run_time(tmp_path: Path) -> None:
    """A dict.txt that is not the shipped one (size differs): indexed at run time, same tokens as
    jieba over it, including a word on the first line, a repeated word (the last one wins), a
    frequency 0 and a user word that overrides a dictionary word."""
    jieba = pytest.importorskip("jieba")
    from gsnlp.figures.lexicon import Segmenter, jieba_dict_path

    lines = jieba_dict_path().read_text(encoding="utf-8").splitlines()
    rnd = random.Random(7)
    small = ["政府 500 n"] + rnd.sample(lines, 3000) + [ln for ln in lines if ln.startswith(("信息", "公开", "申请"))]
    small += ["政府 90000 n", "零频词 0 n", "公开申 3 n"]
    path = tmp_path / "dict.txt"
    path.write_text("\n".join(small) + "\n", encoding="utf-8")
    user = [("政府信息公开申请", 50000), ("信息", 7), ("新词语", 2000)]
    ref = jieba.Tokenizer(dictionary=str(path))
    ref.tmp_dir = str(tmp_path)
    for w, f in user:
        ref.add_word(w, f)
    seg = Segmenter(path, user)
    assert seg.total == ref.total
    texts = ["政府信息公开申请共5件", "零频词和新词语", "公开申请政府信息", "政府政府"] + [
        "".join(rnd.choice(small).split(" ")[0] for _ in range(6)) for _ in range(500)]
    for t in texts:
        assert seg.lcut(t) == ref.lcut(t, HMM=False), t


def test_hmm_is_refused() -> None:
    pytest.importorskip("jieba")
    from gsnlp.figures.lexicon import tokenizer

    with pytest.raises(ValueError):
        tokenizer().lcut("公开", HMM=True)


# --- the typer-free path -------------------------------------------------------------------------------------

def _typer_options(command: str) -> dict[str, tuple[tuple[str, ...], bool, bool, tuple[str, ...] | None]]:
    """name -> (flags, multiple, is_flag, choices) of the typer command's options, as typer builds them."""
    import enum

    import typer

    cmd = typer.main.get_command(build_app(command)).commands[command]  # type: ignore[attr-defined]
    out = {}
    for p in cmd.params:
        if "Option" not in type(p).__name__:
            continue
        ann = p.type_descriptor.annotation
        choices = (tuple(sorted(m.value for m in ann)) if isinstance(ann, type) and issubclass(ann, enum.Enum)
                   else None)
        assert p.envvar is None  # the fast reader knows none
        assert not p.secondary_opts or p.is_flag  # only a --x/--no-x pair (the fast reader's flag and off)
        if choices is not None:  # the fast reader matches choices case-insensitively
            assert p.type_descriptor.parameter_info.case_sensitive is False, p.name
        out[p.name] = (tuple(sorted(p.opts + p.secondary_opts)), bool(p.multiple), bool(p.is_flag), choices)
    return out


@pytest.mark.parametrize("command", FAST_COMMANDS)
def test_fast_options_are_the_typer_commands(command: str) -> None:
    import importlib

    mod = importlib.import_module(f"gsnlp.cli.{command}")
    typer_opts = _typer_options(command)
    fast: dict[str, tuple[tuple[str, ...], bool, bool, tuple[str, ...] | None]] = {}
    for o in mod.FAST_OPTIONS:  # a --x/--no-x pair is two options of one dest (flag and off)
        flags = fast[o.dest][0] if o.dest in fast else ()
        fast[o.dest] = (tuple(sorted(flags + o.flags)), o.kind == "multi", o.kind in ("flag", "off"),
                        None if o.choices is None else tuple(sorted(o.choices)))
    # options left to typer on purpose (they print and exit): --list-rules
    assert {k: v for k, v in typer_opts.items() if k not in ("list_rules_",)} == fast


OPTS = (Opt("format", ("--format", "-f"), choices=("table", "jsonl")), Opt("out", ("-o", "--output")),
        Opt("rule", ("--rule",), "multi"), Opt("quiet", ("--quiet",), "flag"))


@pytest.mark.parametrize("argv, expected", [
    (["a", "-f", "JSONL", "b"], (["a", "b"], {"format": "jsonl"})),
    (["--format=table", "-o", "x.csv", "a"], (["a"], {"format": "table", "out": "x.csv"})),
    (["-fjsonl", "-", "--rule", "t3", "--rule", "t4"], (["-"], {"format": "jsonl", "rule": ["t3", "t4"]})),
    (["a", "-o", "-", "--quiet"], (["a"], {"out": "-", "quiet": True})),
    (["a", "-f", "table", "-f", "jsonl"], (["a"], {"format": "jsonl"})),
])
def test_fastargs_reads_plain_command_lines(argv: list[str], expected: tuple[list[str], dict[str, object]]) -> None:
    assert parse(argv, OPTS) == expected


@pytest.mark.parametrize("argv", [
    ["a", "--help"], ["a", "-h"], ["a", "--nope"], ["a", "-f", "xml"], ["a", "--", "-b"], ["a", "-o"],
    ["a", "-o", "-x"], ["a", "--quiet=1"], ["a", "-o", ""], ["a", "--format"],
])
def test_fastargs_leaves_anything_unusual_to_typer(argv: list[str]) -> None:
    assert parse(argv, OPTS) is None


def _both(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[tuple[int, str], tuple[int, str]]:
    fast = main(list(argv))
    out_fast = capsys.readouterr().out
    slow = run_app(build_app(argv[0]), list(argv))
    out_slow = capsys.readouterr().out
    return (fast, out_fast), (slow, out_slow)


@pytest.mark.parametrize("argv", [
    ["check", str(REPORT)],
    ["check", str(REPORT), "-f", "JSONL", "--fail-on", "never"],
    ["check", "--rule", "t3", "-fcsv", "--excel", str(REPORT)],
    ["check", str(REPORT), "--format=jsonl", "--blank-as-zero", "--show-pass", "--fail-on=info"],
    ["check", str(REPORT), "--rule", "nt.zero_claims", "--rule", "t3"],
    ["parse", str(REPORT)],
    ["parse", "-f", "jsonl", "--with-text", str(REPORT)],
    ["classify", "-f", "JSONL", str(REPORT)],
])
def test_fast_path_answers_as_typer_does(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    (code_fast, out_fast), (code_slow, out_slow) = _both(argv, capsys)
    assert out_fast and (code_fast, out_fast) == (code_slow, out_slow)


def test_fast_path_writes_the_same_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert main(["check", str(REPORT), "-f", "jsonl", "-o", str(a), "--fail-on", "never"]) == 0
    assert run_app(build_app("check"), ["check", str(REPORT), "-f", "jsonl", "-o", str(b), "--fail-on",
                                        "never"]) == 0
    assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8") != ""


def test_fast_path_keeps_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "missing.txt")]) == 1  # bad input: exit 1, as typer's path
    assert main(["check", str(REPORT), "--rule", "no.such_rule"]) == 2  # usage
    assert main(["check", str(REPORT), "-f", "xml"]) == 2  # typer reads it: a bad choice
    assert main(["check", str(REPORT), "-o", str(tmp_path)]) == 2  # a folder for a one-file format
    capsys.readouterr()


def _python(code: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter (what a command imports is only seen there); it must succeed."""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    return p


def test_check_path_imports_no_heavy_library() -> None:
    code = ("import sys, io, contextlib\nfrom gsnlp.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    rc = main(['check', {str(REPORT)!r}, '-f', 'jsonl'])\n"
            f"print(rc, sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    p = _python(code)
    assert p.stdout.split(None, 1)[1].strip() == "[]", p.stdout
    assert p.stdout.split(None, 1)[0] in ("0", "3")


def test_version_imports_nothing_of_the_analysis() -> None:
    code = ("import sys\nfrom gsnlp.cli.main import main\nmain(['--version'])\n"
            "print(sorted(m for m in sys.modules if m.startswith('gsnlp.') and m not in ('gsnlp.cli', "
            "'gsnlp.cli.main')))\n")
    p = _python(code)
    version, mods = p.stdout.splitlines()
    from gsnlp import __version__

    assert version == __version__ and mods == "[]"


def test_lazy_package_attributes() -> None:
    code = ("import gsnlp, sys\nprint('gsnlp.doc' in sys.modules)\nfrom gsnlp import read, Report, GsnlpError\n"
            "print(read.__module__, Report.__module__, GsnlpError.__module__)\nprint(sorted(gsnlp.__all__) == "
            "sorted(n for n in gsnlp.__all__ if hasattr(gsnlp, n)))\n")
    p = _python(code)
    assert p.stdout.splitlines() == ["False", "gsnlp.io gsnlp.doc gsnlp.errors", "True"]


def test_no_jieba_is_a_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from gsnlp.errors import MissingExtraError
    from gsnlp.figures import lexicon

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(MissingExtraError, match="jieba"):
        lexicon.jieba_dict_path()


def test_report_sha256_is_hashlibs() -> None:
    import hashlib

    from gsnlp.io import _sha256

    rnd = random.Random(18)
    for n in (0, 1, 55, 56, 63, 64, 65, 1000, 100_000):
        data = bytes(rnd.getrandbits(8) for _ in range(n))
        assert _sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    assert _sha256(REPORT.read_bytes()).hexdigest() == hashlib.sha256(REPORT.read_bytes()).hexdigest()


def test_themes_report_sha256_is_the_files() -> None:
    # gsnlp.themes.source takes the sha256 that gsnlp.io computed rather than importing hashlib for it
    import hashlib
    import importlib.util

    from gsnlp.themes.source import load_report

    files = sorted((ROOT / "corpora" / "reports").rglob("*"))
    picked = [p for p in files if p.suffix == ".txt"][:3] + [p for p in files if p.suffix in (".md", ".html")]
    if importlib.util.find_spec("pdfplumber") is not None:
        picked += [p for p in files if p.suffix == ".pdf"][:1]
    assert len(picked) >= 5
    for p in picked:
        assert load_report(p).sha256 == hashlib.sha256(p.read_bytes()).hexdigest(), p


def test_keyword_lexicons_read_by_path_are_the_package_files() -> None:
    import json
    from importlib import resources

    from gsnlp.themes.backends.baselines import BUILTIN_LEXICONS, default_lexicon

    for name, file in BUILTIN_LEXICONS.items():
        want = json.loads(resources.files("gsnlp.themes").joinpath(file).read_text(encoding="utf-8"))
        assert default_lexicon(name) == want


# --- gsnlp batch without typer -------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["d", "-o", "out"],
    ["d", "-o", "out", "-w3", "--no-strict", "--no-db", "--stages", "figures", "--task-timeout=0"],
    ["--resume", "-o", "out", "d", "--engine", "ray", "--address", "a:1", "--html", "--model", "keyword"],
    ["d", "-o", "out", "--no-strict", "--strict", "--task-memory-mb", "0", "--max-tasks-per-child", "4"],
    ["d", "-o", "out", "--strict", "--no-strict", "--workers", "2", "--task-timeout", "1.5"],
])
def test_batch_fast_path_reads_what_typer_reads(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import inspect

    from gsnlp.cli import batch

    got: list[dict[str, object]] = []
    sig = inspect.signature(batch.run_batch_cli)

    def record(*a: object, **k: object) -> int:
        b = sig.bind(*a, **k)
        b.apply_defaults()
        got.append(dict(b.arguments))
        return 0

    monkeypatch.setattr(batch, "run_batch_cli", record)
    call = batch.fast_call(argv)
    assert call is not None and call() == 0
    assert run_app(build_app("batch"), ["batch", *argv]) == 0
    assert len(got) == 2 and got[0] == got[1], got


@pytest.mark.parametrize("argv", [
    ["d"], ["d", "e", "-o", "out"], ["d", "-o", "out", "-w", "0"], ["d", "-o", "out", "-w", "two"],
    ["d", "-o", "out", "--task-timeout", "nan"], ["d", "-o", "out", "--task-memory-mb", "-1"],
    ["d", "-o", "out", "--strict=1"], ["d", "-o", "out", "--help"],
])
def test_batch_fast_path_leaves_the_rest_to_typer(argv: list[str]) -> None:
    from gsnlp.cli import batch

    assert batch.fast_call(argv) is None


def test_batch_runs_without_typer(tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / REPORT.name).write_bytes(REPORT.read_bytes())
    code = ("import sys\nfrom gsnlp.cli.main import main\n"
            f"rc = main(['batch', {str(inp)!r}, '-o', {str(tmp_path / 'out')!r}, '--no-db', '--stages', 'check'])\n"
            "print(rc, sorted(m for m in ('typer', 'click', 'pydantic', 'rich') if m in sys.modules))\n")
    p = _python(code)
    assert p.stdout.strip() == "0 []", p.stdout + p.stderr
    assert "gsnlp batch: 1 inputs, 1 ok, 0 failed" in p.stderr
    assert json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["n_ok"] == 1
