"""Bytes to text: detect the encoding (never assume it) and refuse what is not text."""

from __future__ import annotations

import codecs
import re

from gsnlp.errors import BinaryInputError, EmptyInputError, EncodingError
from gsnlp.io.reading import Reading, reader

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without BOM: NUL bytes in every other position (ASCII-heavy) or CJK-heavy pairs."""
    if len(data) < 4 or len(data) % 2:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    half = len(data) // 2
    if odd > half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\ufffd]")
# What a report (or any text) is made of: ASCII, Latin letters with accents and combining marks,
# Greek/Cyrillic, general punctuation, symbols (①②, arrows, box drawing), CJK of every block,
# kana, full-width forms. Private-use and C1 control characters are what mis-decoding yields.
_IMPLAUSIBLE = re.compile(
    "[^\x20-\x7e\t\n\r\x0b\x0c\x1c-\x1f\xa0-\u024f\u0300-\u036f\u0370-\u04ff\u1e00-\u1eff"
    "\u2000-\u2bff\u2e80-\u2fdf\u3000-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe10-\ufe6f"
    "\uff00-\uffef\U00020000-\U0003134f]")
_BLANK = " \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
         "\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff\x00"


_SAMPLE = 1 << 20  # characters looked at: the ratios of a report's first MiB are those of the whole


def _control_ratio(text: str) -> float:
    text = text[:_SAMPLE]
    if not text:
        return 0.0
    return (len(text) - len(_CONTROL.sub("", text))) / len(text)  # sub, not findall: no list of matches


def _plausible(text: str) -> float:
    """Share of characters a Chinese report is made of (CJK, ASCII, CJK punctuation, spaces)."""
    text = text[:_SAMPLE]
    if not text:
        return 0.0
    return len(_IMPLAUSIBLE.sub("", text)) / len(text)


def _utf16_plausible(data: bytes) -> bool:
    if len(data) % 2:
        return False
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            if _plausible(data.decode(enc)) >= 0.9:
                return True
        except UnicodeDecodeError:
            pass
    return False


def _empty(origin: str, what: str = "no text at all") -> EmptyInputError:
    return EmptyInputError(f"the file is empty ({what}); expected a report as text, HTML, DOCX or PDF",
                           origin=origin)


def _whitespace_only(data: bytes) -> bool:
    """Only whitespace (any Unicode space, in UTF-8, UTF-16 or UTF-32, BOM included)."""
    if not data.strip(b" \t\r\n\x00\x0b\x0c\x1c\x1d\x1e\x1f"):
        return True
    for enc in ("utf-8-sig", "utf-16", "utf-32"):
        if data[:4096].decode(enc, errors="ignore").strip(_BLANK):
            continue  # text in the first 4 KiB: no need to decode the whole file
        try:
            if not data.decode(enc).strip(_BLANK):
                return True
        except UnicodeError:
            continue
    return False


def decode(data: bytes, origin: str) -> tuple[str, str]:
    """Return (text, encoding). Raises a clear InputError for empty, binary or undecodable data.

    Whitespace-only input (spaces, tabs, form feeds, U+3000, a lone BOM) is empty, not binary.
    Valid UTF-8 is taken as UTF-8 unless it is full of control characters (combining accents,
    Latin or Greek text are text). Big5 is tried after GB18030, so traditional-Chinese files
    are read rather than rejected.
    """
    if not data or _whitespace_only(data):
        raise _empty(origin, "no text at all" if not data else "only whitespace")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise EncodingError(f"starts with a {enc} byte-order mark but byte {e.start} is not {enc}; "
                                    "re-save the file as UTF-8", origin=origin) from None
    enc16 = _utf16_guess(data)
    if enc16:
        try:
            text = data.decode(enc16)
            if _control_ratio(text) < 0.01:
                return text, enc16
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096] and not _utf16_plausible(data):
        raise BinaryInputError("this is a binary file (NUL bytes), not a text report; "
                               "pass the report as .txt/.html/.docx/.pdf", origin=origin)
    errors = []
    scored: list[tuple[float, str, str]] = []
    for enc in ("utf-8", "gb18030", "big5", "utf-16-le", "utf-16-be"):
        if enc.startswith("utf-16") and len(data) % 2:
            continue
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as e:
            errors.append(f"{enc} fails at byte {e.start}")
            continue
        score = _plausible(text)
        if enc == "utf-8" and (score > 0.9 or (not text.isascii() and _control_ratio(text) < 0.01)):
            return text, enc  # strict UTF-8 success of non-ASCII text is itself strong evidence
        scored.append((score, enc, text))
    if scored:
        score, enc, text = max(scored, key=lambda x: x[0])
        if score >= 0.9:
            return text, enc
        raise BinaryInputError(f"decodes best as {enc} but only {score:.0%} of it looks like text; "
                               "this is not a text report", origin=origin)
    raise EncodingError("cannot decode the text as UTF-8, UTF-16, GB18030/GBK or Big5 (" + "; ".join(errors) +
                        "); re-save it as UTF-8", origin=origin)


@reader("text")
def read_text(data: bytes, path: str) -> Reading:
    """A plain-text or Markdown report: the decoded text, no grids (tables are read from the
    text layouts), the encoding found."""
    text, enc = decode(data, path)
    return Reading(text, encoding=enc)
