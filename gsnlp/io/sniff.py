"""Recognise a report's format from its bytes (the extension is only a tie-breaker).

``sniff_format(data, path)`` returns one of ``"pdf"``, ``"docx"``, ``"html"``, ``"text"``.
A file whose bytes contradict its extension is read as what the bytes say (a ``.doc`` that
is really HTML, a ``.pdf`` that is really a Word file).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from gsnlp.errors import UnsupportedFormatError

FORMATS = ("pdf", "docx", "html", "text")

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


def sniff_format(data: bytes, path: str = "") -> str:
    """The format of ``data``: "pdf", "docx", "html" or "text".

    Raises UnsupportedFormatError for other binary formats we know (legacy .doc, zip that is
    not a Word document, images) with a message saying what to convert to.
    """
    origin = path or "<bytes>"
    # A PDF header may follow some junk; the spec allows it within the first 1024 bytes.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError, OSError) as e:
            raise UnsupportedFormatError(f"a damaged zip archive ({e}); expected a .docx Word document",
                                         origin=origin) from None
        if "word/document.xml" in names:
            return "docx"
        if "content.xml" in names:
            raise UnsupportedFormatError("an OpenDocument file (.odt); save it as .docx or PDF", origin=origin)
        raise UnsupportedFormatError("a zip archive without word/document.xml, not a Word document; "
                                     "unpack it and pass the report inside", origin=origin)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnsupportedFormatError("a legacy Word .doc (OLE2) file; save it as .docx or PDF first "
                                     "(e.g. libreoffice --headless --convert-to docx)", origin=origin)
    for magic, what in ((b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
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
