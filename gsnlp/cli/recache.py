"""A cache of compiled regular expressions and dataclass methods for the ``gsnlp`` command line
(issue 18), kept like Python's own ``.pyc`` files.

Python's ``re`` compiles a pattern in Python (parse, then code generation): gsnlp compiles ~230
patterns on ``gsnlp check``, ~50 ms of a ~130 ms run, the same patterns every time. The first run
records, for every pattern it compiles, what ``re._compiler.compile`` hands to ``_sre.compile`` (the
pattern's code words, flags and groups); later runs build the pattern object from that record with
``_sre.compile`` and skip parsing and code generation (loading the records: well under 1 ms). The
object is the one ``re.compile`` gives (``Pattern.__eq__`` compares the code:
tests/cli/test_recache.py) — the patterns match exactly as before; ``_sre.compile`` checks the code
as it always does. In the same way, the methods ``dataclasses`` generates as source text and
``exec``s (~40 dataclasses, ~20 ms) are kept as code objects (:func:`_install_dataclass_methods`).

Where and when, like bytecode: next to the package's ``.pyc`` files (``gsnlp/cli/__pycache__/``,
or under ``sys.pycache_prefix``), in ``marshal`` format as ``.pyc`` files are (a file gsnlp wrote
itself, in the same place, read only by the interpreter that wrote it: no more trusted or less than
the bytecode beside it), written only when Python may write bytecode
(``PYTHONDONTWRITEBYTECODE`` unset) and only after a run that compiled something the cache did not
have. A record is used only by the interpreter that wrote it (its full ``sys.version``, the
``_sre`` magic number and code size). Any trouble with the file (missing, unreadable, another
interpreter's, corrupt) means: compile as usual. ``GSNLP_REGEX_CACHE=0`` turns it off. Only the
console script installs it (:func:`gsnlp.cli.main.main` with no arguments); a program that imports
gsnlp compiles as usual.
"""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path
from typing import Any

MAX_PATTERNS = 2000  # beyond this, a write keeps only the patterns of the run that writes
_FORMAT = 2

_state: dict[str, Any] = {}  # "file", "key", "records", "used", "new", "orig", "codes", "new_codes", "orig_fn"


def _key() -> str:
    import _sre

    return f"{_FORMAT}|{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{sys.byteorder}"


def cache_file() -> Path:
    """The cache's path: ``gsnlp/cli/__pycache__/regex.<cache tag>.marshal`` or its mirror under
    ``sys.pycache_prefix``."""
    here = Path(__file__).resolve().parent
    name = f"regex.{sys.implementation.cache_tag}.marshal"
    prefix = sys.pycache_prefix
    if prefix:
        return Path(prefix) / str(here).lstrip(os.sep).replace(":", "") / name
    return here / "__pycache__" / name


def _read(path: Path, key: str) -> tuple[dict[tuple[str, int], tuple[Any, ...]], dict[str, Any]]:
    """(the regex records by (pattern, flags), the dataclass methods' code by source text)."""
    try:
        got_key, records, codes = marshal.loads(path.read_bytes())
        if got_key != key:
            return {}, {}
        return ({(r[0], r[1]): r for r in records if len(r) == 7},
                {t: c for t, c in codes if type(t) is str and type(c) is type(_read.__code__)})
    except (OSError, ValueError, TypeError, EOFError, IndexError):
        return {}, {}


def record(pattern: str, flags: int) -> tuple[Any, ...]:
    """What ``re._compiler.compile(pattern, flags)`` passes to ``_sre.compile``, as a record:
    (pattern, flags, final flags, groups, group index, index group, the code words as bytes)."""
    import re._compiler as rc
    import re._parser as rp
    from array import array

    p = rp.parse(pattern, flags)
    code = rc._code(p, flags)
    groupindex = dict(p.state.groupdict)
    indexgroup: list[str | None] = [None] * p.state.groups
    for k, i in groupindex.items():
        indexgroup[i] = k
    words = array("I" if array("I").itemsize == rc._sre.CODESIZE else "L", code)
    return (pattern, flags, flags | p.state.flags, p.state.groups - 1, groupindex, tuple(indexgroup), words.tobytes())


def build(rec: tuple[Any, ...]) -> Any:
    """The pattern object of a :func:`record`."""
    import _sre
    from array import array

    words = array("I" if array("I").itemsize == _sre.CODESIZE else "L")
    words.frombytes(rec[6])
    return _sre.compile(rec[0], rec[2], words.tolist(), rec[3], rec[4], tuple(rec[5]))


def install(path: Path | None = None) -> bool:
    """Compile regular expressions through the cache for the rest of this process; False when it is
    turned off (``GSNLP_REGEX_CACHE=0``) or already installed."""
    if os.environ.get("GSNLP_REGEX_CACHE", "1") == "0" or _state:
        return False
    import re._compiler as rc

    file = path if path is not None else cache_file()
    key = _key()
    records, codes = _read(file, key)
    used: set[tuple[str, int]] = set()
    new: dict[tuple[str, int], tuple[Any, ...]] = {}
    orig = rc.compile

    def compile(p: Any, flags: Any = 0) -> Any:  # noqa: A001 - replaces re._compiler.compile
        if type(p) is not str or type(flags) is not int or flags & rc.SRE_FLAG_DEBUG:
            return orig(p, flags)
        k = (p, flags)
        rec = records.get(k)
        if rec is not None:
            try:
                obj = build(rec)
            except Exception:  # a damaged record: compile as usual  # noqa: BLE001
                return orig(p, flags)
            used.add(k)
            return obj
        try:
            rec = record(p, flags)
            obj = build(rec)
        except rc.error:  # the pattern's own error (the very parser that orig runs): raised as orig would
            raise
        except Exception:  # anything else: compile as usual, record nothing  # noqa: BLE001
            return orig(p, flags)
        new[k] = rec
        used.add(k)
        return obj

    _state.update(file=file, key=key, records=records, used=used, new=new, orig=orig, codes=codes, new_codes={})
    rc.compile = compile
    _install_dataclass_methods(codes, _state["new_codes"])
    return True


# the constants of Python 3.11's dataclasses._create_fn (its text pieces): the copy below must be of it
_CREATE_FN_CONSTS = (None, "", "_return_type", "->_return_type", ",", "\n", " def ", "(", ")", ":\n", ", ",
                     "def __create_fn__(", "):\n", "\n return ", "__create_fn__", ())


def _install_dataclass_methods(codes: dict[str, Any], new_codes: dict[str, Any]) -> None:
    """``dataclasses`` writes every method of a dataclass as source text and ``exec``s it (~0.1 ms
    each: about 20 ms for the ~40 dataclasses of ``gsnlp check``); the same text compiles to the same
    code every run, so its code object is kept with the patterns. ``_create_fn`` below is Python
    3.11's own, line for line, but for ``exec`` of that code object rather than of the text; where
    ``dataclasses._create_fn`` is another (checked by its names and text pieces), nothing is changed."""
    import dataclasses

    orig_fn = getattr(dataclasses, "_create_fn", None)
    c = getattr(orig_fn, "__code__", None)
    if (sys.version_info[:2] not in ((3, 11), (3, 12)) or c is None
            or c.co_varnames[:10] != ("name", "args", "body", "globals", "locals", "return_type",
                                      "return_annotation", "txt", "local_vars", "ns")
            or c.co_names != ("MISSING", "join", "keys", "exec")
            or tuple(x for x in c.co_consts if not hasattr(x, "co_consts")) != _CREATE_FN_CONSTS
            or [x.co_consts for x in c.co_consts if hasattr(x, "co_consts")] != [("  ", None)]):
        return  # not the _create_fn copied below: leave dataclasses alone
    missing = dataclasses.MISSING

    def _create_fn(name: str, args: list[str], body: list[str], *, globals: Any = None,  # noqa: A002
                   locals: Any = None, return_type: Any = missing) -> Any:  # noqa: A002
        if locals is None:
            locals = {}
        return_annotation = ""
        if return_type is not missing:
            locals["_return_type"] = return_type
            return_annotation = "->_return_type"
        args_s = ",".join(args)
        body_s = "\n".join(f"  {b}" for b in body)
        txt = f" def {name}({args_s}){return_annotation}:\n{body_s}"
        local_vars = ", ".join(locals.keys())
        txt = f"def __create_fn__({local_vars}):\n{txt}\n return {name}"
        code = codes.get(txt)
        if code is None:
            code = new_codes[txt] = compile(txt, "<string>", "exec", dont_inherit=True)
        ns: dict[str, Any] = {}
        exec(code, globals, ns)  # noqa: S102 - dataclasses' own generated method (see above)
        return ns["__create_fn__"](**locals)

    _state["orig_fn"] = orig_fn
    dataclasses._create_fn = _create_fn  # type: ignore[attr-defined]


def uninstall() -> None:
    """Compile as usual again (tests)."""
    import re._compiler as rc

    if _state:
        rc.compile = _state["orig"]
        if _state.get("orig_fn") is not None:
            import dataclasses

            dataclasses._create_fn = _state["orig_fn"]  # type: ignore[attr-defined]
        _state.clear()


def save() -> bool:
    """Write the cache if this run compiled a pattern it did not have and Python may write bytecode;
    True when written. Never raises: a cache that cannot be written is not an error."""
    if not _state or not (_state["new"] or _state["new_codes"]) or sys.dont_write_bytecode:
        return False
    records: dict[tuple[str, int], tuple[Any, ...]] = dict(_state["records"])
    records.update(_state["new"])
    if len(records) > MAX_PATTERNS:
        records = {k: r for k, r in records.items() if k in _state["used"]}
    file: Path = _state["file"]
    tmp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        codes = _state["codes"] | _state["new_codes"]
        tmp.write_bytes(marshal.dumps((_state["key"], tuple(records.values()), tuple(codes.items()))))
        os.replace(tmp, file)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
        return False
    _state["records"] = records
    _state["new"] = {}
    _state["codes"].update(_state["new_codes"])
    _state["new_codes"].clear()
    return True
