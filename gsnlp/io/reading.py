"""What a reader returns, and the registry of readers by format name.

A reader only reads: bytes → ``Reading`` (decoded text, table grids, regions that are not the
report, and hints such as the encoding or the PDF's page starts). Segmenting and parsing the
text is ``gsnlp.io.parse_text``'s work, never a reader's.

Readers register themselves with ``@reader("html")``; ``get_reader(name)`` imports the module
that holds the reader on first use, so ``import gsnlp`` loads no reader library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gsnlp.doc import Region
    from gsnlp.tables.grid import RawRow


@dataclass(frozen=True, slots=True)
class Reading:
    """One input as a reader found it.

    ``text``: the decoded text every later span points into. ``grids``: each table the reader
    saw as rows of cells (covered positions of merged cells ``merged=True``), empty for plain
    text. ``regions``: parts of ``text`` that are not the report (page furniture). ``hints``: what
    the reader learned about the file — ``encoding``, ``pages``, ``page_starts``,
    ``page_furniture``, ``ocr``, a page's ``title``/``published`` … — kept as ``Report.extra``.
    ``encoding``: the text's encoding where the input was bytes of text (``Source.encoding``).
    """

    text: str
    grids: list[list[RawRow]] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    hints: dict[str, Any] = field(default_factory=dict)
    encoding: str | None = None


Reader = Callable[..., Reading]

_READERS: dict[str, Reader] = {}
# where each reader lives: imported on first use (lxml, python-docx, PDFium, OCR are heavy)
_MODULES = {"text": "gsnlp.io.decode", "html": "gsnlp.io.html", "docx": "gsnlp.io.docx", "pdf": "gsnlp.io.pdf",
            "image": "gsnlp.io.ocr"}


def reader(name: str) -> Callable[[Reader], Reader]:
    """Register a reader (``bytes, path -> Reading``) under a format name."""
    def deco(fn: Reader) -> Reader:
        _READERS[name] = fn
        return fn
    return deco


def reader_names() -> list[str]:
    return sorted(set(_MODULES) | set(_READERS))


def get_reader(name: str) -> Reader:
    """The reader registered for format ``name``; an unknown name is an error listing the known ones."""
    if name not in _READERS and name in _MODULES:
        import_module(_MODULES[name])
    if name not in _READERS:
        from gsnlp.errors import UnknownNameError

        raise UnknownNameError("reader", name, reader_names())
    return _READERS[name]


__all__ = ["Reading", "get_reader", "reader", "reader_names"]
