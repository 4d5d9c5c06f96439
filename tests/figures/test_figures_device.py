"""``figures make --device``: the torch path draws the same figure data as numpy, to float64 rounding.

Fig. 1C (κ = ∞, ridge λ ∈ {1e-5, 0.1, 1}) at a small d: its simulated points use the dual and
CG solvers, so both torch code paths that a GPU run would take are exercised on the CPU.
Theory rows must be identical (they never touch the backend); simulated values agree to
1e-10 relative (the fits' condition numbers here are ≲ 1e3, see ``test_array_backend.py``
for the rounding bound 64·ε·κ), while a different seed moves them by far more.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from iclverify.cli import main
from iclverify.figures.registry import FigureConfig

ARGS = ["figures", "make", "lu2024-fig1c", "--quick", "--no-store", "--d", "10", "--reps", "2"]


def _rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def _numbers(row, key):
    v = row[key]
    if v in ("", None):
        return None
    return np.asarray(json.loads(v) if v.startswith("[") else float(v), dtype=float)


def test_figureconfig_is_backward_compatible():
    c = FigureConfig()
    assert c.device == "cpu" and c.scheduler is None
    assert FigureConfig(True, None, None, 1).device == "cpu"  # positional construction unchanged


def test_figures_make_torch_cpu_equals_cpu(tmp_path, capsys):
    pytest.importorskip("torch")
    assert main(ARGS + ["--out", str(tmp_path / "np")]) == 0
    assert main(ARGS + ["--out", str(tmp_path / "torch"), "--device", "torch:cpu"]) == 0
    assert main(ARGS + ["--out", str(tmp_path / "seed"), "--seed", "1"]) == 0
    capsys.readouterr()
    a, b, c = (_rows(tmp_path / sub / "lu2024-fig1c.csv") for sub in ("np", "torch", "seed"))
    assert len(a) == len(b) > 0
    points = 0
    for ra, rb in zip(a, b):
        assert {k: v for k, v in ra.items() if k not in ("y", "yerr", "icl_samples", "idg_samples")} == \
               {k: v for k, v in rb.items() if k not in ("y", "yerr", "icl_samples", "idg_samples")}
        if ra["kind"] == "line":
            assert ra["y"] == rb["y"]
            continue
        points += 1
        for key in ("y", "yerr", "icl_samples", "idg_samples"):
            xa, xb = _numbers(ra, key), _numbers(rb, key)
            if xa is not None:
                np.testing.assert_allclose(xb, xa, rtol=1e-10, err_msg=key)
    assert points >= 6
    moved = [abs(float(rc["y"]) / float(ra["y"]) - 1) for ra, rc in zip(a, c) if ra["kind"] == "points"]
    assert max(moved) > 1e-4  # negative control: the comparison would see a different draw


def test_figures_make_gpu_without_cuda_fails_cleanly(tmp_path, capsys, monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert main(ARGS + ["--out", str(tmp_path), "--device", "gpu"]) == 2
    assert "no CUDA device" in capsys.readouterr().err
    assert not (tmp_path / "lu2024-fig1c.csv").exists()
