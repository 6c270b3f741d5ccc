"""Issue 19, "Found" items outside the readers (tables, sections, check), rebuilt from their
descriptions. Each input runs in a child process with a wall-clock limit and its peak memory
measured, so a regression fails the test instead of hanging or swapping the CI machine.

Each was checked to fail (or hang) on the code before issue 19; the comment above a test
names the area that holds the fix.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CHILD = r"""
import json, resource, sys, time
from gsnlp.errors import GsnlpError
from gsnlp.io import read_bytes
data = open(sys.argv[1], "rb").read()
t = time.process_time()
out = {"ok": True}
try:
    rep = read_bytes(data, sys.argv[2])
    if len(sys.argv) > 3:
        from gsnlp.check.engine import check_report
        out["findings"] = len(check_report(rep))
    out["cells"] = {tid + "." + a: [c.kind, c.raw] for tid, t in rep.tables.items() for a, c in t.cells.items()}
    out["warnings"] = [w.to_dict() for w in rep.warnings]
except GsnlpError as e:
    out = {"ok": False, "code": e.code, "message": str(e)}
out["cpu"] = time.process_time() - t
# peak RSS of this process image (VmHWM): ru_maxrss would carry the pytest parent's size across fork+exec
try:
    hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")][0]
    out["rss_mb"] = int(hwm.split()[1]) / 1024
except (OSError, IndexError):
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out, ensure_ascii=False))
"""


def _run(tmp_path: Path, data: bytes, name: str, *, timeout: float, check: bool = False) -> dict[str, Any]:
    f = tmp_path / name
    f.write_bytes(data)
    args = [sys.executable, "-c", CHILD, str(f), name] + (["check"] if check else [])
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: still running after {timeout} s")
    assert p.returncode == 0, f"{name}: crashed:\n{p.stderr[-2000:]}"
    return json.loads(p.stdout.strip().splitlines()[-1])


def _synth(layout: str, index: int = 0) -> str:
    from gsnlp.synth.generate import synth_report

    return synth_report(1919, index, formats=("txt",), layouts=(layout,)).data.decode("utf-8")


def _digits(n: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("0123456789") for _ in range(n))


# fixed in issue 19 by the tables helper: run-together solver is ~N^3 in the digits of a row
@pytest.mark.parametrize("n", [1000, 2000])
def test_run_together_row_of_many_digits_is_bounded(tmp_path: Path, n: int) -> None:
    text = _synth("run_together")
    m = re.search(r"本年新收政府信息公开申请数量([0-9]+)", text)
    assert m
    text = text[:m.start(1)] + _digits(n) + text[m.end(1):]
    out = _run(tmp_path, text.encode(), f"rt{n}.txt", timeout=20)
    assert out["cpu"] < 5 and out["rss_mb"] < 500, out.get("message", out["cpu"])
    if not out["ok"]:
        assert out["code"] == "input_too_complex"


# fixed in issue 19 by the tables helper: label/values regex backtracks on a long digit run
@pytest.mark.parametrize("layout", ["markdown", "tab_lines", "tab_rows", "pipe_cells"])
def test_label_with_long_digit_run_is_bounded(tmp_path: Path, layout: str) -> None:
    """``行政许可 <40 digits>件`` on a line of its own inside a table (24 digits took 2 s, ×4 per
    2 more digits, in the Markdown layout's label/values expression)."""
    text = _synth(layout)
    i = text.find("二、主动公开政府信息情况")
    line = f"行政许可 {_digits(40)}件"
    text = text[:i] + text[i:].replace("\n", "\n" + line + "\n", 3)
    out = _run(tmp_path, text.encode(), f"label_{layout}.txt", timeout=20)
    assert out["cpu"] < 5, out["cpu"]


HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")


# fixed in issue 19 by the sections helper: the heading chooser is cubic in repeated headings
def test_repeated_section_headings_are_bounded(tmp_path: Path) -> None:
    """The six headings repeated 400 times after the report (about 100 KB): 200 repeats took
    7 s before, growing with the cube."""
    text = _synth("tab_rows") + ("\n".join(HEADINGS) + "\n") * 400
    out = _run(tmp_path, text.encode(), "headings.txt", timeout=30)
    assert out["cpu"] < 5, out["cpu"]


def test_circled_digit_cell_is_text_and_check_runs(tmp_path: Path) -> None:
    """③ in a table cell was the number 3 and made ``gsnlp check`` raise InvalidOperation."""
    text = _synth("tab_rows")
    m = re.search(r"本年新收政府信息公开申请数量\t*([0-9]+)", text)
    assert m
    text = text[:m.start(1)] + "③" + text[m.end(1):]
    out = _run(tmp_path, text.encode(), "circled.txt", timeout=60, check=True)
    assert out["ok"] and "findings" in out
    kinds = {v[1]: v[0] for v in out["cells"].values()}
    assert kinds.get("③") == "text"


# fixed in issue 19 by the tables helper: run-together rows drop '/', 无, — and re-split the digits
@pytest.mark.parametrize("marker", ["/", "无", "—", "不适用"])
def test_run_together_marker_is_a_cell_boundary(tmp_path: Path, marker: str) -> None:
    text = _synth("run_together", 2)
    m = re.search(r"二、上年结转政府信息公开申请数量([0-9]+)", text)
    assert m
    digits = m.group(1)
    text = text[:m.start(1)] + digits[:-1] + marker + text[m.end(1):]  # the total written as the marker
    out = _run(tmp_path, text.encode(), "marker.txt", timeout=20)
    assert out["ok"]
    total = out["cells"].get("applications.carried_over/total")
    assert total is not None and total[0] == "not_applicable", total


# fixed in issue 19 by the tables helper: a tab row with a blank total shifts its values silently
def test_tab_row_with_blank_total_keeps_columns(tmp_path: Path) -> None:
    text = _synth("tab_rows", 3)
    m = re.search(r"(一、本年新收政府信息公开申请数量)((?:\t[^\t\n]*)+)", text)
    assert m
    cells = m.group(2).split("\t")
    last = max(i for i, c in enumerate(cells) if c.strip())
    cells[last] = ""  # the total (the last value of the row) left blank
    text = text[:m.start(2)] + "\t".join(cells) + text[m.end(2):]
    out = _run(tmp_path, text.encode(), "blank_total.txt", timeout=20)
    assert out["ok"]
    total = out["cells"]["applications.new_received/total"]
    natural = out["cells"]["applications.new_received/natural_person"]
    shifted = total[0] == "number" and natural[0] in ("blank", "absent")
    noticed = any(w.get("column") == "total" or "total" in w.get("message", "") for w in out["warnings"])
    assert total[0] in ("blank", "absent") or (shifted and noticed), (total, natural)


@pytest.mark.parametrize("blank", [" |", "|"])
def test_pipe_row_with_blank_first_cell_keeps_columns(tmp_path: Path, blank: str) -> None:
    """A blank first value cell (natural person) must stay blank in its column, or the notice
    must name that cell: never a silent shift left with the blame put at the end of the table."""
    text = _synth("pipe_cells", 3)
    m = re.search(r"一、本年新收政府信息公开申请数量 \|\n([0-9]+) \|\n", text)
    assert m
    text = text[:m.start()] + "一、本年新收政府信息公开申请数量 |\n" + blank + "\n" + text[m.end():]
    out = _run(tmp_path, text.encode(), "pipe_blank.txt", timeout=20)
    assert out["ok"]
    natural = out["cells"]["applications.new_received/natural_person"]
    total = out["cells"]["applications.new_received/total"]
    noticed = any(w.get("row") == "new_received" and w.get("column") == "natural_person" for w in out["warnings"])
    # blank, or left undecided (ambiguous, not a number), or shifted with a notice naming the cell
    assert natural[0] != "number" or noticed, (natural, total)
    assert total[0] != "number" or total[1].strip() == "687" or noticed, (natural, total)


def _pdf_with_content(content: bytes) -> bytes:
    """A one-page PDF whose page content stream is ``content`` (FlateDecode), with a valid xref."""
    import zlib as _zlib

    stream = _zlib.compress(content, 9)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_pdf_page_of_100k_drawing_operators_is_bounded(tmp_path: Path) -> None:
    """A 5 KB PDF whose one content stream holds 100,000 drawing operators took 10 s and
    465 MB before the per-page object cap was checked."""
    pytest.importorskip("pdfplumber")
    data = _pdf_with_content(b"0 0 m 10 10 l S\n" * 100_000)
    assert len(data) < 20_000
    out = _run(tmp_path, data, "ops.pdf", timeout=60)
    assert out["cpu"] < 5 and out["rss_mb"] < 500, (out["cpu"], out["rss_mb"], out.get("message"))
    assert not out["ok"] and out["code"] in ("input_too_complex", "E106", "E108", "not_a_report"), out


# --- found by the fuzz run (experiments/fuzz), outside the readers ----------------------------

def test_check_survives_run_together_marker_candidates(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from gsnlp_fuzz import make_input

    data, name = make_input("number_forms", 19510)  # 平潭综合实验区_2020.txt with numbers rewritten
    out = _run(tmp_path, data, name, timeout=60, check=True)
    assert out["ok"] and "findings" in out


@pytest.mark.slow
def test_pdf_with_flipped_bytes_is_bounded(tmp_path: Path) -> None:
    """A synthetic PDF with a few changed bytes took 6-10 s of CPU (pdfminer) before failing with
    E108. Its text layer is now read (and refused) in bounded time; a PDF without a usable text
    layer then goes to OCR, whose cost is per page (the batch bounds it per input)."""
    pytest.importorskip("pypdfium2")
    sys.path.insert(0, str(Path(__file__).parent))
    from gsnlp_fuzz import make_input

    data, name = make_input("byte_flips", 19341)  # synth_1919_000000.pdf, bytes changed
    f = tmp_path / name
    f.write_bytes(data)
    child = ("import json, sys, time\nfrom gsnlp.errors import GsnlpError\nfrom gsnlp.io.pdf import read_pdf\n"
             "t = time.process_time()\ntry:\n    read_pdf(open(sys.argv[1], 'rb').read(), sys.argv[1], ocr=False)\n"
             "    code = None\nexcept GsnlpError as e:\n    code = e.code\n"
             "print(json.dumps({'cpu': time.process_time() - t, 'code': code}))\n")
    p = subprocess.run([sys.executable, "-c", child, str(f)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr[-2000:]
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["cpu"] < 5 and out["code"] in (None, "E106", "E108", "E109", "input_too_complex"), out
