"""Hostile DOCX: zip bombs, external and recursive entities, damaged archives — clear errors, fast."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

pytest.importorskip("docx")

from gsnlp.errors import HostileInputError, InputError  # noqa: E402
from gsnlp.io import docx as docx_reader  # noqa: E402
from gsnlp.io.docx import read_docx  # noqa: E402

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _zip(document: bytes | str, **extra: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", document)
        for name, blob in extra.items():
            z.writestr(name, blob)
    return buf.getvalue()


def _read(data: bytes) -> float:
    t = time.perf_counter()
    try:
        read_docx(data, "x.docx")
    finally:
        elapsed = time.perf_counter() - t
    return elapsed


def test_docx_zip_bomb_by_declared_size() -> None:
    data = _zip(b"<w:document " + W.encode() + b"><w:body>" + b" " * (80 * 2**20) + b"</w:body></w:document>")
    assert len(data) < 200_000
    t = time.perf_counter()
    with pytest.raises(HostileInputError, match="zip bomb"):
        read_docx(data, "bomb.docx")
    assert time.perf_counter() - t < 2


def test_docx_zip_bomb_by_ratio(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _zip(b"<w:document " + W.encode() + b"><w:body>" + b" " * (8 * 2**20) + b"</w:body></w:document>")
    with pytest.raises(HostileInputError, match="compresses"):
        read_docx(data, "bomb.docx")


def test_docx_member_lying_about_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_MEMBER_BYTES", 1000)
    monkeypatch.setattr(docx_reader, "MAX_RATIO", 10**9)
    data = bytearray(_zip(b"<w:document " + W.encode() + b"><w:body>" + b" " * 5000 + b"</w:body></w:document>"))
    # patch the central directory's uncompressed size of word/document.xml down to 10 bytes
    cd = data.rfind(b"PK\x01\x02", 0, data.find(b"word/document.xml", data.find(b"PK\x01\x02")) + 1)
    data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    with pytest.raises(InputError):
        read_docx(bytes(data), "liar.docx")


def test_docx_too_many_members(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_MEMBERS", 5)
    data = _zip(b"<w:document/>", **{f"word/media/{i}.xml": b"<x/>" for i in range(10)})
    with pytest.raises(HostileInputError, match="members"):
        read_docx(data, "many.docx")


@pytest.mark.parametrize("dtd", [
    '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "http://example.com/x">]>',
    '<!DOCTYPE lolz [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;">]>',
])
def test_docx_entities_are_refused(dtd: str) -> None:
    doc = f'<?xml version="1.0"?>{dtd}<w:document {W}><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>'
    with pytest.raises(HostileInputError, match="DTD"):
        read_docx(_zip(doc), "xxe.docx")


@pytest.mark.parametrize("data", [b"PK\x03\x04garbage", b"not a zip", _zip(b"<w:document><w:body>")[:300]])
def test_docx_damaged_archive_is_an_input_error(data: bytes) -> None:
    with pytest.raises(InputError):
        read_docx(data, "bad.docx")


def test_docx_package_without_word_document_is_an_input_error() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(InputError):
        read_docx(buf.getvalue(), "x.docx")
