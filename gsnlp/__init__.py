"""gsnlp: read Chinese government information-disclosure annual reports into checked, structured data.

>>> import gsnlp
>>> report = gsnlp.read("corpora/reports/seeds/000_292e5f130bca3acf.txt")
>>> report.tables["applications"]["new_received/total"].kind
'number'
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "read", "read_bytes", "parse_text", "Report", "Section", "Table", "Cell", "GsnlpError"]

# The public names are imported on first use (PEP 562), so that ``import gsnlp`` and ``gsnlp --version``
# cost next to nothing (issue 18); ``from gsnlp import read`` works as before.
_LAZY = {"read": "gsnlp.io", "read_bytes": "gsnlp.io", "parse_text": "gsnlp.io", "Report": "gsnlp.doc",
         "Section": "gsnlp.doc", "Table": "gsnlp.doc", "Cell": "gsnlp.doc", "GsnlpError": "gsnlp.errors"}

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing costs more than the rest of this module
if TYPE_CHECKING:
    from typing import Any

    from gsnlp.doc import Cell, Report, Section, Table
    from gsnlp.errors import GsnlpError
    from gsnlp.io import parse_text, read, read_bytes


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gsnlp' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
