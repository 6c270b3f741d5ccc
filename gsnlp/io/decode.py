"""Bytes to text: detect the encoding (never assume it) and refuse what is not text."""

from __future__ import annotations

import codecs
import re

from gsnlp.errors import BinaryInputError, EmptyInputError, EncodingError

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


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")
_IMPLAUSIBLE = re.compile(r"[^\x20-\x7e\t\n\r\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\xa0\xb7\xd7\ufeff]")


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    return len(_CONTROL.findall(text)) / len(text)


def _plausible(text: str) -> float:
    """Share of characters a Chinese report is made of (CJK, ASCII, CJK punctuation, spaces)."""
    if not text:
        return 0.0
    return 1 - len(_IMPLAUSIBLE.findall(text)) / len(text)


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


def decode(data: bytes, origin: str) -> tuple[str, str]:
    """Return (text, encoding). Raises a clear InputError for empty, binary or undecodable data."""
    if not data or not data.strip(b" \t\r\n\x00"):
        raise EmptyInputError("the file is empty (no text at all); expected a report as text, HTML, DOCX or PDF",
                              origin=origin)
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
    for enc in ("utf-8", "gb18030", "utf-16-le", "utf-16-be"):
        if enc.startswith("utf-16") and len(data) % 2:
            continue
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as e:
            errors.append(f"{enc} fails at byte {e.start}")
            continue
        score = _plausible(text)
        if enc == "utf-8" and score > 0.9:
            return text, enc  # strict UTF-8 success is itself strong evidence
        scored.append((score, enc, text))
    if scored:
        score, enc, text = max(scored, key=lambda x: x[0])
        if score >= 0.9:
            return text, enc
        raise BinaryInputError(f"decodes best as {enc} but only {score:.0%} of it looks like text; "
                               "this is not a text report", origin=origin)
    raise EncodingError("cannot decode the text as UTF-8, UTF-16 or GB18030/GBK (" + "; ".join(errors) +
                        "); re-save it as UTF-8", origin=origin)
