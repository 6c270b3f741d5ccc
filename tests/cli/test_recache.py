"""Start-up (issue 18): the console script's cache of compiled regular expressions (gsnlp.cli.recache)
gives the very pattern objects ``re`` compiles (same code, flags and groups), is written and read
like bytecode, and never changes what a command prints."""

from __future__ import annotations

import os
import re
import re._compiler as rc
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gsnlp_corpus import ROOT

from gsnlp.cli import recache

REPORTS = [ROOT / "corpora" / "reports" / "real" / "平潭综合实验区_2022.txt",
           ROOT / "corpora" / "reports" / "real" / "平潭县人民政府_2012.txt"]


def _env(prefix: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "GSNLP_REGEX_CACHE")}
    env["PYTHONPYCACHEPREFIX"] = str(prefix)
    env.update(extra)
    return env


def _check(report: Path, env: dict[str, str]) -> str:
    out = subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "check", str(report), "--fail-on", "never"],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def _cache_of(prefix: Path) -> Path:
    here = Path(recache.__file__).resolve().parent
    return prefix / str(here).lstrip(os.sep) / f"regex.{sys.implementation.cache_tag}.marshal"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A cache written by `gsnlp check` on two reports; the outputs without any cache."""
    prefix = tmp_path_factory.mktemp("pycache")
    plain = {r.name: _check(r, _env(prefix, GSNLP_REGEX_CACHE="0")) for r in REPORTS}
    assert not _cache_of(prefix).exists()  # turned off: nothing written
    for r in REPORTS:
        _check(r, _env(prefix))
    return prefix, plain


def test_the_cache_is_written_beside_the_bytecode(written: tuple[Path, dict[str, str]]) -> None:
    prefix, _ = written
    f = _cache_of(prefix)
    assert f.is_file()
    records, codes = recache._read(f, recache._key())
    assert len(records) > 150  # gsnlp's own patterns, at least
    if sys.version_info[:2] == (3, 11):  # elsewhere dataclasses may be left alone (recache checks its _create_fn)
        assert len(codes) > 100  # the methods of gsnlp's dataclasses
    assert recache._read(f, recache._key() + "x") == ({}, {})  # another interpreter's: not used


def test_every_cached_pattern_is_the_pattern_re_compiles(written: tuple[Path, dict[str, str]]) -> None:
    prefix, _ = written
    records, _ = recache._read(_cache_of(prefix), recache._key())
    assert records
    for (pattern, flags), rec in records.items():
        got, want = recache.build(rec), rc.compile(pattern, flags)
        assert got == want, pattern  # Pattern.__eq__ compares pattern, flags and the compiled code
        assert (got.flags, got.groups, dict(got.groupindex)) == (want.flags, want.groups, dict(want.groupindex))


def test_outputs_are_the_same_with_the_cache(written: tuple[Path, dict[str, str]]) -> None:
    prefix, plain = written
    before = _cache_of(prefix).stat().st_mtime_ns
    for r in REPORTS:
        assert _check(r, _env(prefix)) == plain[r.name]
    assert _cache_of(prefix).stat().st_mtime_ns == before  # nothing new: not rewritten


def test_no_cache_is_written_where_bytecode_is_not(tmp_path: Path) -> None:
    _check(REPORTS[0], _env(tmp_path, PYTHONDONTWRITEBYTECODE="1"))
    assert not _cache_of(tmp_path).exists()


def test_a_corrupt_cache_is_ignored_and_replaced(tmp_path: Path) -> None:
    f = _cache_of(tmp_path)
    f.parent.mkdir(parents=True)
    f.write_bytes(b"\x00not marshal")
    assert recache._read(f, recache._key()) == ({}, {})
    _check(REPORTS[0], _env(tmp_path))
    assert len(recache._read(f, recache._key())[0]) > 150


def test_install_compiles_through_the_cache_and_save_keeps_new_patterns(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    f = tmp_path / "regex.marshal"
    pat = "(?P<n>[\u4e00-\u9fff]{2,4})[ \t\u3000]*(?P<v>\\d+)件" + tmp_path.name  # not in re's own cache
    orig = rc.compile
    try:
        assert recache.install(f)
        assert not recache.install(f)  # once
        got = re.compile(pat)
        assert got == orig(pat, 0)
        assert recache.save() and f.is_file()
        assert not recache.save()  # nothing new
        recache.uninstall()
        assert rc.compile is orig
        re.purge()
        recache.install(f)
        calls: list[str] = []
        real_record = recache.record
        recache.record = lambda p, fl: (calls.append(p), real_record(p, fl))[1]  # type: ignore[assignment]
        try:
            again = re.compile(pat)
        finally:
            recache.record = real_record  # type: ignore[assignment]
        assert calls == []  # from the cache: not parsed again
        assert again == got and again.match("受理申请 12件" + tmp_path.name) is not None
        with pytest.raises(re.error):
            re.compile("[" + tmp_path.name)  # a bad pattern fails as it always does
        assert re.compile(b"\\d+") == orig(b"\\d+", 0)  # bytes: compiled as usual
    finally:
        recache.uninstall()
        re.purge()
    assert rc.compile is orig


def test_dataclass_methods_from_the_cache_are_the_ones_dataclasses_makes(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    src = ("@dataclasses.dataclass({opts})\nclass C:\n    a: int\n    b: 'str | None' = None\n"
           "    c: tuple = dataclasses.field(default_factory=tuple)\n    d: dataclasses.InitVar[int] = 0\n"
           "    def __post_init__(self, d: int) -> None:\n        pass\n")
    variants = ["", "frozen=True", "frozen=True, slots=True", "order=True", "unsafe_hash=True, kw_only=True",
                "eq=False", "frozen=True, slots=True, order=True"]

    def make(opts: str) -> type:
        ns: dict[str, object] = {"dataclasses": dataclasses}
        exec(compile(src.format(opts=opts), "<test>", "exec", dont_inherit=True), ns)  # noqa: S102 - a test's class
        return ns["C"]  # type: ignore[return-value]

    want = {v: make(v) for v in variants}
    f = tmp_path / "cache.marshal"
    orig_fn = dataclasses._create_fn  # type: ignore[attr-defined]
    try:
        for _ in range(2):  # compiled and recorded, then from the saved cache
            recache.install(f)
            if dataclasses._create_fn is orig_fn:  # type: ignore[attr-defined]
                pytest.skip("another Python: dataclasses left alone")
            for v in variants:
                got = make(v)
                names = sorted(n for n, x in vars(want[v]).items() if hasattr(x, "__code__"))
                assert names == sorted(n for n, x in vars(got).items() if hasattr(x, "__code__"))
                for n in names:
                    assert getattr(got, n).__code__ == getattr(want[v], n).__code__, (v, n)
                assert repr(got(a=1, b="x")) == repr(want[v](a=1, b="x"))
            recache.save()
            recache.uninstall()
            assert dataclasses._create_fn is orig_fn  # type: ignore[attr-defined]
        assert len(recache._read(f, recache._key())[1]) >= 10
    finally:
        recache.uninstall()


def test_a_record_that_cannot_be_built_falls_back_to_re(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    orig = rc.compile
    pat = "(?P<x>[\u3400-\u4dbf]+)" + tmp_path.name

    def broken(rec: tuple[object, ...]) -> object:
        raise RuntimeError("invalid SRE code")

    try:
        recache.install(tmp_path / "c.marshal")
        monkeypatch.setattr(recache, "build", broken)
        got = re.compile(pat)
        assert got == orig(pat, 0)
        assert recache._state["new"] == {}  # nothing recorded
    finally:
        recache.uninstall()
        re.purge()


def test_turned_off_by_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GSNLP_REGEX_CACHE", "0")
    assert not recache.install(tmp_path / "x")
    assert rc.compile is not None and not recache._state


_PIECES = st.sampled_from(["a", "件", "[\u4e00-\u9fff]", "[一二三四五六七八九十]", "[ \t\u3000]", "\\d", "\\s", "[^，,。]",
                           "(?:情况|措施)", "(?P<g{n}>x|[０-９])", "(?<![\u4e00-\u9fff])", "(?=[、.．])", "^", "$", ".",
                           "[/／—–―－\\-]", "(?!\\d)", "\\b", "[a-zA-Z]", "(?:\\n[ \t]*)?"])
_QUANT = st.sampled_from(["", "", "*", "+", "?", "{1,2}", "*?", "{0,8}?"])


@st.composite
def _patterns(draw: st.DrawFn) -> tuple[str, int]:
    parts = draw(st.lists(st.tuples(_PIECES, _QUANT), min_size=1, max_size=8))
    out = []
    for i, (p, q) in enumerate(parts):
        p = p.replace("{n}", str(i))
        out.append(p if p in ("^", "$", "\\b") or p.startswith("(?<") or p.startswith("(?=") or p.startswith("(?!")
                   else p + q)
    flags = draw(st.sampled_from([0, re.M, re.S, re.I, re.M | re.S, re.ASCII]))
    return "".join(out), flags


@settings(max_examples=300, deadline=None)
@given(_patterns(), st.lists(st.text(alphabet="a件一十、.．，,。 \t\u3000\n0９xX情况措施", max_size=30), max_size=4))
def test_records_rebuild_the_same_pattern(pf: tuple[str, int], texts: list[str]) -> None:
    pattern, flags = pf
    try:
        want = rc.compile(pattern, flags)
    except re.error:
        with pytest.raises(re.error):
            recache.record(pattern, flags)
        return
    got = recache.build(recache.record(pattern, flags))
    assert got == want
    for t in texts:
        assert [m.span() for m in got.finditer(t)] == [m.span() for m in want.finditer(t)]


def test_console_script_writes_its_output_file_whole(tmp_path: Path, written: tuple[Path, dict[str, str]]) -> None:
    # the console script leaves with the garbage collector frozen (gsnlp.cli.main): a -o file is still whole
    prefix, _ = written
    out = tmp_path / "findings.json"
    p = subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "parse", str(REPORTS[0]), "-o", str(out)],
                       capture_output=True, text=True, env=_env(prefix), cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    to_stdout = subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "parse", str(REPORTS[0])],
                               capture_output=True, text=True, env=_env(prefix), cwd=ROOT, timeout=120)
    assert out.read_text(encoding="utf-8") == to_stdout.stdout and to_stdout.stdout.strip()
