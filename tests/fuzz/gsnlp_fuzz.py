"""Fuzz inputs and invariants for gsnlp's read path (issue 19).

``make_input(family, seed)`` builds one input deterministically: a seed report (synthetic, in
every text layout and in HTML/DOCX/PDF, or a corpus file) passed through the family's
mutation. ``check_input(data, name)`` reads it and checks the invariants; it returns an
``Outcome``: ``ok``, ``clean_error`` (a GsnlpError), ``crash`` (any other exception),
``timeout``, ``memory`` or ``coercion`` / ``invariant`` (a report was returned but breaks a
rule: a number made from no digits, a blank or "/" read as a number, a span outside the text,
a JSON round trip or a second read that differs).

Used by the Hypothesis tests in this folder (the bounded CI run) and by
``experiments/fuzz/run.py`` (the long run). No test asserts on this module's own output
alone: the invariants are checked against what the readers return.
"""

from __future__ import annotations

import functools
import json
import random
import re
import signal
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpora" / "reports"

TEXT_LAYOUTS = ("tab_lines", "tab_rows", "pipe_cells", "markdown", "run_together")
NA_WORDS = ("/", "／", "无", "—", "-", "--", "——", "不适用", "×")
OUTCOMES = ("ok", "clean_error", "crash", "timeout", "memory", "coercion", "invariant")


# --- seeds ---------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=256)
def synth_seed(fmt: str, layout: str | None, index: int) -> tuple[bytes, str]:
    """A synthetic report (bytes, file name); cached, rendering DOCX/PDF takes a moment."""
    from gsnlp.synth.generate import synth_report

    if fmt == "txt":
        r = synth_report(1919, index, formats=("txt",), layouts=(layout or "tab_lines",))
    else:
        r = synth_report(1919, index, formats=(fmt,))
    return r.data, r.doc


@functools.lru_cache(maxsize=1)
def corpus_files() -> tuple[Path, ...]:
    return tuple(sorted(p for p in CORPUS.glob("*/*") if p.is_file() and p.suffix in (".txt", ".md", ".html")))


@functools.lru_cache(maxsize=128)
def _corpus_bytes(path: Path) -> bytes:
    return path.read_bytes()


def seed_text(rng: random.Random) -> tuple[str, str]:
    """A text report (str, name): synthetic in any layout, or a real TXT/MD from the corpus."""
    files = [p for p in corpus_files() if p.suffix in (".txt", ".md")]
    if files and rng.random() < 0.4:
        p = rng.choice(files)
        return _corpus_bytes(p).decode("utf-8"), p.name
    layout = rng.choice(TEXT_LAYOUTS)
    data, name = synth_seed("txt", layout, rng.randrange(6))
    return data.decode("utf-8"), name


def seed_any(rng: random.Random, pdf: bool = True) -> tuple[bytes, str]:
    k = rng.random()
    if k < 0.45:
        t, name = seed_text(rng)
        return t.encode("utf-8"), name
    if k < 0.7:
        return synth_seed("html", None, rng.randrange(4))
    if k < 0.9 or not pdf:
        return synth_seed("docx", None, rng.randrange(3))
    return synth_seed("pdf", None, rng.randrange(2))


# --- mutations -----------------------------------------------------------------------------------

def _byte_flips(rng: random.Random) -> tuple[bytes, str]:
    data, name = seed_any(rng)
    b = bytearray(data)
    for _ in range(rng.choice((1, 2, 5, 20, 100))):
        i = rng.randrange(len(b))
        b[i] = rng.randrange(256) if rng.random() < 0.5 else b[i] ^ (1 << rng.randrange(8))
    return bytes(b), name


def _truncation(rng: random.Random) -> tuple[bytes, str]:
    data, name = seed_any(rng)
    cut = rng.choice((rng.randrange(len(data)), len(data) - rng.randrange(1, 64), rng.randrange(1, 256)))
    return data[:max(cut, 0)], name


def _splice(rng: random.Random) -> tuple[bytes, str]:
    data, name = seed_any(rng)
    i = rng.randrange(len(data))
    if rng.random() < 0.5:
        return data[:i] + rng.randbytes(rng.randrange(1, 200)) + data[i:], name
    return data[:i] + data[i + rng.randrange(1, 2000):], name


_ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030", "big5", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
              "cp1252", "latin-1", "shift_jis", "euc-kr")


def _encodings(rng: random.Random) -> tuple[bytes, str]:
    text, name = seed_text(rng)
    enc = rng.choice(_ENCODINGS)
    data = text.encode(enc, errors="replace")
    if rng.random() < 0.3:  # two encodings in one file (a crawler gluing pages)
        half = len(text) // 2
        data = text[:half].encode("utf-8") + text[half:].encode(rng.choice(_ENCODINGS), errors="replace")
    return data, name


_DIGIT = re.compile(r"[0-9]+")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
_ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
_MATH = str.maketrans("0123456789", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗")


def number_form(rng: random.Random, digits: str) -> str:
    """Another way to write (or not write) a number: the forms reports and OCR produce."""
    k = rng.randrange(14)
    n = int(digits) if len(digits) < 10 else 0
    if k == 0:
        return digits.translate(_FULL)
    if k == 1:
        return _CIRCLED[n - 1] if 1 <= n <= 20 else digits.translate(_SUPER)
    if k == 2:
        return digits.translate(_SUPER)
    if k == 3:
        return digits.translate(rng.choice((_ARABIC, _DEVANAGARI, _MATH)))
    if k == 4:
        return f"{n:,}" if n >= 1000 else f"{n + 1000:,}"
    if k == 5:
        return rng.choice(NA_WORDS)
    if k == 6:
        return ""
    if k == 7:
        return " " * rng.randrange(1, 4)
    if k == 8:
        return "".join(rng.choice("0123456789") for _ in range(rng.randrange(11, 30)))
    if k == 9:
        return f"{digits}.{rng.randrange(100)}"
    if k == 10:
        return f"-{digits}"
    if k == 11:
        return digits + rng.choice(("件", "万元", "个", "%"))
    if k == 12:
        return "一二三四五六七八九十"[min(n, 9)]
    return digits


def _number_forms(rng: random.Random) -> tuple[bytes, str]:
    text, name = seed_text(rng)
    spots = list(_DIGIT.finditer(text))
    if not spots:
        return text.encode("utf-8"), name
    out, pos = [], 0
    for m in sorted(rng.sample(spots, min(len(spots), rng.choice((1, 3, 10, 40)))), key=lambda m: m.start()):
        out.append(text[pos:m.start()])
        out.append(number_form(rng, m.group()))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out).encode("utf-8"), name


_HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
             "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")


def _restructure(rng: random.Random) -> tuple[bytes, str]:
    text, name = seed_text(rng)
    lines = text.split("\n")
    k = rng.randrange(8)
    if k == 0:  # shuffle a window of rows
        i = rng.randrange(len(lines))
        w = lines[i:i + rng.randrange(2, 12)]
        rng.shuffle(w)
        lines[i:i + len(w)] = w
    elif k == 1:  # duplicate rows
        i = rng.randrange(len(lines))
        lines[i:i] = lines[i:i + rng.randrange(1, 10)] * rng.randrange(1, 4)
    elif k == 2:  # delete rows
        i = rng.randrange(len(lines))
        del lines[i:i + rng.randrange(1, 15)]
    elif k == 3:  # repeated headings
        h = rng.choice(_HEADINGS)
        i = rng.randrange(len(lines))
        lines[i:i] = [h] * rng.choice((2, 10, 50, 200))
    elif k == 4:  # a section moved or dropped
        h = rng.choice(_HEADINGS)
        lines = [ln for ln in lines if h not in ln]
    elif k == 5:  # everything on one line (crawler text)
        lines = ["".join(lines)]
    elif k == 6:  # tabs and pipes swapped / cells merged
        sep = rng.choice(("\t", " | ", "  ", ""))
        lines = [ln.replace("\t", sep) for ln in lines]
    else:  # blank a row's cells out
        i = rng.randrange(len(lines))
        lines[i] = re.sub(r"[0-9]+", "", lines[i])
    return "\n".join(lines).encode("utf-8"), name


def long_digit_row(rng: random.Random, n: int) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(n))
    return rng.choice((f"行政许可 {digits}件", f"| 行政许可 | {digits} |", f"\t行政许可\t{digits}", f"行政许可{digits}",
                       f"本年新收政府信息公开申请数量{digits}"))


def _long_digits(rng: random.Random, max_n: int = 18) -> tuple[bytes, str]:
    text, name = seed_text(rng)
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    lines.insert(i, long_digit_row(rng, rng.randrange(5, max_n + 1)))
    return "\n".join(lines).encode("utf-8"), name


def _broken_html(rng: random.Random) -> tuple[bytes, str]:
    data, name = synth_seed("html", None, rng.randrange(4))
    s = data.decode("utf-8")
    k = rng.randrange(10)
    if k == 0:
        s = re.sub(r"</(td|tr|table|p|div)>", "", s, count=rng.randrange(1, 200))
    elif k == 1:
        d = rng.choice((50, 300, 2000))
        s = s.replace("<body>", "<body>" + "<div>" * d, 1)
    elif k == 2:
        v = rng.choice(("99999", "0", "-1", "abc", "1000", "2;", "３"))
        s = re.sub(r"<td", f'<td rowspan="{v}" colspan="{v}"', s, count=rng.randrange(1, 30))
    elif k == 3:
        cs = rng.choice(("hex", "rot13", "zlib", "uu", "base64", "bz2", "utf-16", "utf-32", "nosuch", "gbk",
                         "big5", "utf-7", "idna", "punycode", "unicode_escape", "raw_unicode_escape"))
        s = re.sub(r'<meta charset="[^"]*">', "", s)
        s = s.replace("<head>", f'<head><meta charset="{cs}">', 1)
    elif k == 4:
        s = '<!DOCTYPE html [<!ENTITY x "y"> <!ENTITY z SYSTEM "file:///etc/passwd">]>' + s + "&x;&z;"
    elif k == 5:
        s = s.replace("<td>", "<td><table><tr><td>", rng.randrange(1, 10))
    elif k == 6:
        s = s.replace("</head>", "<script>" + "x" * rng.randrange(10, 5000), 1)
    elif k == 7:
        s = s.replace("<body>", "<body>" + "&#0;&#x0;&#xD800;&#1114112;&#99999999999;" * 3, 1)
    elif k == 8:
        s = s[: rng.randrange(len(s))]
    else:
        s = re.sub(r"<table", "<table style='display:none'", s, count=1)
    enc = "utf-8" if k != 3 else rng.choice(("utf-8", "gb18030"))
    return s.encode(enc, errors="replace"), name


def _rezip(data: bytes, edit: Callable[[str, bytes], bytes]) -> bytes:
    src = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():  # the member's own timestamp: a name alone would stamp "now" (2 s steps)
            z.writestr(zipfile.ZipInfo(info.filename, info.date_time), edit(info.filename, src.read(info.filename)),
                       compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _broken_docx(rng: random.Random) -> tuple[bytes, str]:
    data, name = synth_seed("docx", None, rng.randrange(3))
    k = rng.randrange(8)
    if k == 0:  # damaged deflate stream of the main part
        b = bytearray(data)
        info = zipfile.ZipFile(BytesIO(data)).getinfo("word/document.xml")
        off = info.header_offset + 30 + len(info.filename) + len(info.extra)
        for j in range(rng.randrange(1, 40)):
            b[off + 10 + j] ^= rng.randrange(1, 256)
        return bytes(b), name
    if k == 1:  # bytes missing before the central directory
        cd = data.find(b"PK\x01\x02")
        n = rng.randrange(1, 100)
        return data[:max(cd - n, 0)] + data[cd:], name
    if k == 2:
        return data[: rng.randrange(len(data))], name

    def edit(fn: str, blob: bytes) -> bytes:
        if fn != "word/document.xml":
            return blob
        s = blob.decode("utf-8")
        if k == 3:
            return s[: rng.randrange(len(s))].encode()
        if k == 4:
            v = rng.choice(("1000", "99999", "abc", "-3", "0", "１"))
            return re.sub(r"<w:tcPr>", f'<w:tcPr><w:gridSpan w:val="{v}"/>', s, count=rng.randrange(1, 50)).encode()
        if k == 5:
            return re.sub(r"<w:tcPr>", '<w:tcPr><w:vMerge/>', s, count=rng.randrange(1, 50)).encode()
        if k == 6:
            return s.replace("<w:body>", '<w:body><!DOCTYPE x [<!ENTITY a "b">]>', 1).encode()
        return re.sub(r"<w:t>([0-9]+)</w:t>", lambda m: f"<w:t>{number_form(rng, m.group(1))}</w:t>", s).encode()

    return _rezip(data, edit), name


def _broken_pdf(rng: random.Random) -> tuple[bytes, str]:
    data, name = synth_seed("pdf", None, rng.randrange(2))
    b = bytearray(data)
    k = rng.randrange(3)
    if k == 0:
        return bytes(b[: rng.randrange(len(b))]), name
    for _ in range(rng.choice((1, 10, 100))):
        i = rng.randrange(len(b))
        b[i] = rng.randrange(256)
    if k == 2:
        i = rng.randrange(len(b))
        b[i:i] = b"stream\n" + rng.randbytes(rng.randrange(10, 500)) + b"\nendstream"
    return bytes(b), name


def _degenerate(rng: random.Random) -> tuple[bytes, str]:
    k = rng.randrange(14)
    ext = rng.choice((".txt", ".md", ".html", ".docx", ".pdf", ""))
    data = [
        b"", b" \n\t", b"\x00" * rng.randrange(1, 100), b"\xef\xbb\xbf", "\u3000\n".encode() * 10,
        rng.randbytes(rng.randrange(1, 4000)), b"PK\x03\x04" + rng.randbytes(200), b"%PDF-1.7\n" + rng.randbytes(300),
        ("中" * rng.randrange(1000, 100_000)).encode(), b"\n" * rng.randrange(1, 20000), b"<", b"<html>",
        ("一、总体情况\n" * rng.randrange(1, 50)).encode(), b"\xff\xfe" + rng.randbytes(101),
    ][k]
    return data, f"degenerate{k}{ext}"


def _not_report(rng: random.Random) -> tuple[bytes, str]:
    k = rng.randrange(4)
    if k == 0:
        rows = ["name\tyear\tsha\tnote"] + [f"r{i}.txt\t20{i % 30:02d}\t{rng.randbytes(8).hex()}\t备注{i}"
                                            for i in range(rng.randrange(5, 60))]
        return "\n".join(rows).encode(), "list.tsv"
    if k == 1:
        return b"# Project\n\nSome words.\n\n```\npip install x\n```\n", "README.md"
    if k == 2:
        items = "".join(f"<li><a href='/n{y}.html'>某市{y}年政府信息公开工作年度报告</a></li>" for y in range(2010, 2025))
        return f"<html><head><title>年报目录</title></head><body><ul>{items}</ul></body></html>".encode(), "list.html"
    words = "会议 通知 工作 安排 学习 研究 部署 推进 落实 情况".split()
    return "\n".join("".join(rng.choice(words) for _ in range(12)) for _ in range(30)).encode(), "notice.txt"


def _seed_family(fmt: str, layout: str | None = None) -> Callable[[random.Random], tuple[bytes, str]]:
    def make(rng: random.Random) -> tuple[bytes, str]:
        if fmt == "corpus":
            files = corpus_files()
            p = files[rng.randrange(len(files))]
            return _corpus_bytes(p), p.name
        return synth_seed(fmt, layout, rng.randrange(6 if fmt == "txt" else 3))

    return make


FAMILIES: dict[str, Callable[[random.Random], tuple[bytes, str]]] = {
    **{f"seed_{lay}": _seed_family("txt", lay) for lay in TEXT_LAYOUTS},
    "seed_html": _seed_family("html"),
    "seed_docx": _seed_family("docx"),
    "seed_pdf": _seed_family("pdf"),
    "seed_corpus": _seed_family("corpus"),
    "byte_flips": _byte_flips,
    "truncation": _truncation,
    "splice": _splice,
    "encodings": _encodings,
    "number_forms": _number_forms,
    "restructure": _restructure,
    "long_digits": _long_digits,
    "broken_html": _broken_html,
    "broken_docx": _broken_docx,
    "broken_pdf": _broken_pdf,
    "degenerate": _degenerate,
    "not_report": _not_report,
}


def make_input(family: str, seed: int) -> tuple[bytes, str]:
    """Input number ``seed`` of ``family``: (bytes, file name), the same on every run."""
    rng = random.Random(f"gsnlp-fuzz:{family}:{seed}")
    return FAMILIES[family](rng)


# --- invariants ----------------------------------------------------------------------------------

_ASCII_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(?:\.[0-9]+)?", re.ASCII)


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str  # one of OUTCOMES
    detail: str = ""
    seconds: float = 0.0


class _Timeout(BaseException):  # not an Exception: no reader's "except Exception" may swallow it
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def coercions(rep: Any) -> list[str]:
    """Cells whose kind or value disagrees with their raw text (a silent coercion)."""
    from gsnlp.normalize import normalize

    bad: list[str] = []
    for tid, table in rep.tables.items():
        for addr, c in table.cells.items():
            raw = normalize(c.raw or "").strip(" \t\r\n\u3000\xa0")
            core = re.sub(r"\s+", "", raw)
            if c.kind == "number" and getattr(c, "unit", None):
                core = core.removesuffix(c.unit)  # a unit printed in the cell (12件) is the cell's, kept in raw
            if c.kind == "number":
                m = _ASCII_NUMBER.fullmatch(core) if core else None
                if m is None:
                    bad.append(f"{tid}.{addr}: number {c.value} from raw {c.raw!r}")
                elif Decimal(core.replace(",", "").lstrip("+")) != c.value:
                    bad.append(f"{tid}.{addr}: value {c.value} but raw {c.raw!r}")
            if c.kind == "blank" and core:
                bad.append(f"{tid}.{addr}: blank with raw {c.raw!r}")
            if core in NA_WORDS and c.kind == "number":
                bad.append(f"{tid}.{addr}: {core!r} read as a number")
    return bad


def span_faults(rep: Any) -> list[str]:
    """Spans outside the text, reversed, or not pointing at the raw text they claim."""
    n = len(rep.text)
    bad: list[str] = []
    for s in rep.sections:
        if not (0 <= s.start <= s.end <= n):
            bad.append(f"section {s.id} span {s.start}..{s.end} outside 0..{n}")
    for tid, table in rep.tables.items():
        for addr, c in table.cells.items():
            if c.start is None or c.end is None:
                continue
            if not (0 <= c.start <= c.end <= n):
                bad.append(f"{tid}.{addr} span {c.start}..{c.end} outside 0..{n}")
            elif c.kind not in ("blank", "absent") and rep.text[c.start:c.end] != c.raw:
                bad.append(f"{tid}.{addr} raw {c.raw!r} is not text[{c.start}:{c.end}] "
                           f"{rep.text[c.start:c.end]!r}")
    return bad


def roundtrip_faults(rep: Any) -> list[str]:
    from gsnlp.doc import Report

    d = rep.to_dict()
    back = Report.from_dict(json.loads(json.dumps(d, ensure_ascii=False)))
    return [] if back.to_dict() == d else ["JSON round trip changes the report"]


def read_and_check(data: bytes, name: str, *, determinism: bool = True) -> tuple[str, list[str]]:
    """Read once (twice for determinism); returns ("ok"|"clean_error"|"coercion"|"invariant",
    details). Other exceptions propagate (the caller classifies them as crashes)."""
    kind, details, _rep = read_check_report(data, name, determinism=determinism)
    return kind, details


def read_check_report(data: bytes, name: str, *, determinism: bool = True) -> tuple[str, list[str], Any]:
    """``read_and_check`` that also returns the report (None after an error)."""
    from gsnlp.errors import GsnlpError
    from gsnlp.io import read_bytes

    try:
        rep = read_bytes(data, name)
    except GsnlpError as e:
        if not e.code or not str(e):
            return "invariant", [f"{type(e).__name__} without code or message"], None
        if name not in str(e):
            return "invariant", [f"{type(e).__name__} does not name the file: {e}"], None
        return "clean_error", [f"{e.code} {type(e).__name__}"], None
    bad = coercions(rep)
    if bad:
        return "coercion", bad, rep
    bad = span_faults(rep) + roundtrip_faults(rep)
    if determinism and not bad and read_bytes(data, name).to_dict() != rep.to_dict():
        bad.append("a second read differs")
    return ("invariant", bad, rep) if bad else ("ok", [], rep)


def check_input(data: bytes, name: str, *, seconds: float = 5.0, determinism: bool = True) -> Outcome:
    """Classify one input (in this process, main thread only). The limit is CPU time
    (ITIMER_PROF): on a loaded machine wall-clock time measures the neighbours, not gsnlp."""
    old = signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    t = time.process_time()
    try:
        kind, details = read_and_check(data, name, determinism=determinism)
        return Outcome(kind, "; ".join(details)[:500], time.process_time() - t)
    except _Timeout:
        return Outcome("timeout", f"over {seconds} s of CPU", time.process_time() - t)
    except MemoryError:
        return Outcome("memory", "MemoryError", time.process_time() - t)
    except Exception as e:  # noqa: BLE001 - a crash is what this classifies
        import traceback

        tb = traceback.extract_tb(e.__traceback__)
        where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?"
        return Outcome("crash", f"{type(e).__name__} at {where}: {str(e)[:200]}", time.process_time() - t)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


def fuzz_settings() -> Any:
    """The Hypothesis settings of the profile named by ``GSNLP_FUZZ_PROFILE`` (see conftest)."""
    import os

    from hypothesis import settings

    return settings.get_profile(os.environ.get("GSNLP_FUZZ_PROFILE", "ci"))
