"""Data-level regression of every registered figure (all papers) and the end-to-end ``make all``.

Each figure's theory arrays (built with ``theory_only=True``, quick grids) must match
``figures/reference/<id>.npz`` within :data:`iclverify.figures.regression.RTOL` (closed-form
float64: 1e-8 relative).  A figure may opt out only by declaring ``reference=False``.
After an intended change: ``python -m iclverify.figures.regression --update ID``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from iclverify.figures import regression
from iclverify.figures.registry import all_figures, discovery_errors

SPECS = all_figures()


def test_every_figure_module_imports():
    assert discovery_errors() == {}


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_theory_arrays_match_reference(spec):
    if not spec.reference:
        pytest.skip(f"{spec.id} declares reference=False: {spec.description}")
    problems = regression.compare_reference(spec.id)
    assert not problems, f"{spec.id}:\n  " + "\n  ".join(problems)


@pytest.mark.slow
def test_make_all_quick_from_the_command_line(tmp_path):
    """``iclverify figures make all --quick`` in a fresh process with an empty store: every figure, timed."""
    env = dict(os.environ, ICLVERIFY_STORE=str(tmp_path / "store.sqlite"), OPENBLAS_NUM_THREADS="1",
               MPLBACKEND="Agg")
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "iclverify", "figures", "make", "all", "--quick", "--out", str(out)],
                         capture_output=True, text=True, env=env, timeout=1800)
    assert res.returncode == 0, res.stdout + res.stderr
    for s in SPECS:
        for ext in ("png", "pdf", "csv"):
            assert (out / f"{s.id}.{ext}").stat().st_size > 0, (s.id, ext)
        assert re.search(rf"{re.escape(s.id)}\s+\d+\.\d+ s", res.stdout), s.id
    total = re.search(r"total (\d+\.\d+) s \(cpu \d+\.\d+ s\) for (\d+) figure", res.stdout)
    assert total and int(total.group(2)) == len(SPECS)
    print(res.stdout)
