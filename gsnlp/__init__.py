"""gsnlp: read Chinese government information-disclosure annual reports into checked, structured data.

>>> import gsnlp
>>> report = gsnlp.read("corpora/reports/seeds/000_292e5f130bca3acf.txt")
>>> report.tables["applications"]["new_received/total"].kind
'number'
"""

from __future__ import annotations

__version__ = "0.1.0"

from gsnlp.doc import Cell, Report, Section, Table
from gsnlp.errors import GsnlpError
from gsnlp.io import parse_text, read, read_bytes

__all__ = ["__version__", "read", "read_bytes", "parse_text", "Report", "Section", "Table", "Cell", "GsnlpError"]
