"""No process of a local batch imports pandas (0.3 s of CPU each: pyarrow imported it on its first
conversion only to ask whether a list is a pandas object), and a later ``to_pandas()`` in a process
that refused it still works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gsnlp_corpus import REAL, ROOT

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")
pytest.importorskip("pebble")

# a finder that notes every import of pandas, in this process and in every process forked from it
# (the workers, the final step's children), then lets the import go on
PROBE = """
import os, sys
from pathlib import Path
LOG = Path(sys.argv[3])
class Note:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "pandas":
            with open(LOG, "a") as fh:
                fh.write(f"{os.getpid()}\\n")
        return None
sys.meta_path.insert(0, Note)
from gsnlp.batch import run_batch
s = run_batch(sys.argv[1], sys.argv[2], workers=2, progress=False, theme_model="keyword")
assert s.n_ok == s.n_in > 0 and s.manifest["tables"]["findings"] > 0, s.manifest
"""


def test_a_local_batch_imports_no_pandas(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in sorted(REAL.glob("平潭综合实验区_202[345].txt")):
        (src / p.name).write_bytes(p.read_bytes())
    log = tmp_path / "pandas.log"
    subprocess.run([sys.executable, "-c", PROBE, str(src), str(tmp_path / "out"), str(log)], check=True, cwd=ROOT)
    assert (tmp_path / "out" / "cells.parquet").exists()
    assert not log.exists(), f"pandas imported by processes {log.read_text().split()}"


def test_to_pandas_still_works_after_the_refusal() -> None:
    code = ("import sys\nfrom gsnlp.tabular.schema import arrow_without_pandas, to_table\n"
            "arrow_without_pandas()\nt = to_table('sections', [])\nassert 'pandas' not in sys.modules\n"
            "import pyarrow as pa\nprint(len(pa.table({'a': [1, 2]}).to_pandas()))\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "2"
