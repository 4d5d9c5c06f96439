"""Li-Rawat-Oymak 2024 figure data: all seven build quickly; points sit on the theory curves."""

import time

import numpy as np
import pytest

from iclverify.checks.statistics.compare import critical_value
from iclverify.figures.registry import FigureConfig, Series, get_figure

IDS = ["li2024_finegrained-fig2a", "li2024_finegrained-fig2b", "li2024_finegrained-fig2c", "li2024_finegrained-fig3a",
       "li2024_finegrained-fig3b", "li2024_finegrained-fig3c", "li2024_finegrained-fig3d"]


@pytest.fixture(scope="module")
def built():
    t0 = time.perf_counter()
    out = {i: get_figure(i).build(FigureConfig(quick=True)) for i in IDS}
    return out, time.perf_counter() - t0


def test_all_build_quickly(built):
    out, secs = built
    assert set(out) == set(IDS)
    assert secs < 60, f"quick build of the seven figures took {secs:.1f} s"


@pytest.mark.parametrize("fig_id", IDS)
def test_points_on_theory_curve(built, fig_id):
    fd = built[0][fig_id]
    panel = fd.panels[0]
    lines = {s.group: s for s in panel.series if s.kind == "line" and "approximation" not in s.label}
    points = [s for s in panel.series if s.kind == "points"]
    assert points and lines
    z_all = []
    for s in points:
        line = lines[s.group]
        theory = np.interp(s.x, line.x, line.y)
        z_all.extend((s.y - theory) / s.yerr)
        assert all("spawn_key" in m for m in s.meta)
    reps = FigureConfig().reps or 20  # quick-mode repeats of figs_li2024_finegrained._mc_sizes
    # Bonferroni over the figure's points, Student-t with the repeats' degrees of freedom
    crit = critical_value(reps, 0.01 / len(z_all))
    assert np.max(np.abs(z_all)) < crit, (fig_id, np.round(z_all, 2))


def test_series_are_valid(built):
    for fd in built[0].values():
        for p in fd.panels:
            assert all(isinstance(s, Series) and np.all(np.isfinite(s.y)) for s in p.series)
