"""docs/extending.md: the worked example is the file examples/my_claims.py verbatim, and it does what the doc says."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from iclverify.api import Verdict, get_claim, load_claims, unregister, verify

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "my_claims.py"
DOC = ROOT / "docs" / "extending.md"


def _doc_block() -> str:
    text = DOC.read_text()
    m = re.search(r"<!-- BEGIN examples/my_claims.py -->\n```python\n(.*?)```\n<!-- END examples/my_claims.py -->",
                  text, re.S)
    assert m, "the worked example block is missing from docs/extending.md"
    return m.group(1)


def test_doc_includes_the_example_verbatim_in_under_50_lines():
    code = EXAMPLE.read_text()
    assert _doc_block() == code
    assert len(code.splitlines()) < 50


def test_example_is_confirmed_and_the_edit_the_doc_suggests_is_refuted(tmp_path):
    try:
        assert load_claims(str(EXAMPLE)) == ["mypaper.gd-risk"] or get_claim("mypaper.gd-risk")
        ev = verify("mypaper.gd-risk")
        assert ev.verdict is Verdict.CONFIRMED, ev.reason
        assert all(c.rejected for c in ev.controls) and len(ev.controls) >= 4
    finally:
        unregister("mypaper.gd-risk")
    wrong = EXAMPLE.read_text().replace("risk = d + s2 - n * d / (n + d + 1 + s2)",
                                        "risk = d + s2 - n * d / (n + d + 2 + s2)")
    assert wrong != EXAMPLE.read_text()
    (tmp_path / "wrong_claims.py").write_text(wrong)
    try:
        load_claims(str(tmp_path / "wrong_claims.py"))
        ev = verify("mypaper.gd-risk")
        assert ev.verdict is Verdict.REFUTED and "Monte Carlo" in ev.reason
    finally:
        unregister("mypaper.gd-risk")


def test_report_command_on_the_example(tmp_path):
    out = tmp_path / "report"
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-m", "iclverify", "report", "--claims", str(EXAMPLE), "--only", "mypaper",
                           "--out", str(out), "--quiet"], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 CONFIRMED" in proc.stdout and "1/1 figures drawn" in proc.stdout
    data = json.loads((out / "claims.json").read_text())
    text = json.dumps(data)
    assert "mypaper.gd-risk" in text and "CONFIRMED" in text
    assert (out / "figures" / "ext-mypaper-gd-risk.png").stat().st_size > 1000
