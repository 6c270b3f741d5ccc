"""Recognise a report's format from its bytes (the extension is only a tie-breaker).

``sniff_format(data, path)`` returns one of ``"pdf"``, ``"docx"``, ``"html"``, ``"text"``.
A file whose bytes contradict its extension is read as what the bytes say (a ``.doc`` that
is really HTML, a ``.pdf`` that is really a Word file).
"""

from __future__ import annotations

import io
import re
import zlib
from pathlib import PurePath

from gsnlp.errors import UnsupportedFormatError

FORMATS = ("pdf", "docx", "html", "text", "image")

_HTML_MARK = re.compile(rb"<\s*(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta\s|table[\s>]|div[\s>]|p[\s>])",
                        re.IGNORECASE)
_EXT = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
        ".txt": "text", ".md": "text", ".text": "text"}


def _ascii_head(data: bytes, n: int = 4096) -> bytes:
    """The first bytes with UTF-16 NULs dropped, so ``<html`` is seen in UTF-16 files too."""
    head = data[:n]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[1:2] == b"\x00" or head[0:1] == b"\x00":
        head = head.replace(b"\x00", b"")
    return head


def zip_damage(e: BaseException) -> str:
    """What a zipfile/zlib failure means, in words (the library's own message kept at the end)."""
    msg = str(e)
    if "negative seek" in msg or "Bad magic number" in msg or "Truncated" in msg or "not a zip file" in msg:
        what = "the archive is truncated or has bytes missing before its central directory"
    elif "decompressing" in msg or "invalid" in msg.lower() or "CRC" in msg:
        what = "a compressed part is corrupt (damaged deflate stream or checksum mismatch)"
    elif isinstance(e, NotImplementedError):
        what = "the archive claims a zip version or feature no Word document uses (damaged header bytes)"
    else:
        what = "the archive is damaged"
    return f"{what} ({type(e).__name__}: {msg[:120]})"


def sniff_format(data: bytes, path: str = "") -> str:
    """The format of ``data``: "pdf", "docx", "html", "text" or "image" (PNG/JPEG/TIFF, read by OCR).

    Raises UnsupportedFormatError for other binary formats we know (legacy .doc, zip that is
    not a Word document, images) with a message saying what to convert to.
    """
    origin = path or "<bytes>"
    # A PDF header may follow some junk; the spec allows it within the first 1024 bytes.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        import zipfile  # here: a text report needs no zipfile (start-up, issue 18)

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, zlib.error) as e:
            from gsnlp.errors import DamagedInputError

            raise DamagedInputError(f"a zip archive that cannot be opened: {zip_damage(e)}; expected a .docx Word "
                                    "document: re-download it or re-save it from Word", origin=origin) from None
        if "word/document.xml" in names:
            return "docx"
        if "content.xml" in names:
            raise UnsupportedFormatError("an OpenDocument file (.odt); save it as .docx or PDF", origin=origin)
        raise UnsupportedFormatError("a zip archive without word/document.xml, not a Word document; "
                                     "unpack it and pass the report inside", origin=origin)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnsupportedFormatError("a legacy Word .doc (OLE2) file; save it as .docx or PDF first "
                                     "(e.g. libreoffice --headless --convert-to docx)", origin=origin)
    if data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"  # a scanned page: read by OCR (gsnlp.io.ocr, extra gsnlp[ocr])
    for magic, what in ((b"GIF8", "a GIF image"),
                        (b"{\\rtf", "an RTF document")):
        if data.startswith(magic):
            raise UnsupportedFormatError(f"{what}, not a report text; convert it (OCR for images) first",
                                         origin=origin)
    head = _ascii_head(data).lstrip(b"\xef\xbb\xbf \t\r\n")
    if _HTML_MARK.search(head):
        # a plain-text report quoting a tag somewhere is still text: HTML starts with markup
        first = head.lstrip()[:1]
        if first == b"<" or re.search(rb"<\s*(?:html|body|!doctype)", head, re.IGNORECASE):
            return "html"
    ext = PurePath(path).suffix.lower()
    if _EXT.get(ext) in ("html",) and b"<" in head:
        return "html"
    return "text"


def looks_tabular(text: str, *, min_lines: int = 5) -> bool:
    """A data file (TSV/CSV export, a manifest): most non-blank lines hold the same number of
    tabs (two or more). A report in the tab-rows layout has tabs in its table rows only; its
    prose lines have none, so it is not tabular by this test."""
    counts: dict[int, int] = {}
    n = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        n += 1
        k = line.count("\t")
        counts[k] = counts.get(k, 0) + 1
    if n < min_lines:
        return False
    k, hits = max(counts.items(), key=lambda kv: kv[1])
    return k >= 2 and hits >= 0.8 * n
