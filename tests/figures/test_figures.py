"""Figure infrastructure: renderer, CSV round trip, result-store reuse, CLI, pixel smoke tests.

A temporary figure ``test-fake`` is registered for these tests (and removed after), so
they do not depend on any paper's builders.  Its "simulation" is Gaussian noise around a
known curve, counted so that the tests see whether the store was used.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from iclverify.cli import main
from iclverify.figures import registry
from iclverify.figures.csvio import read_figure_csv, write_figure_csv
from iclverify.figures.registry import FigureConfig, FigureData, HeatmapPanel, LinePanel, Series
from iclverify.figures.render import make_figure, render, replot_from_csv

FAKE = "test-fake"
CALLS = {"n": 0}


def _simulate_point(x: float, seed: tuple, reps: int) -> dict:
    CALLS["n"] += 1
    rng = np.random.default_rng(np.random.SeedSequence(seed[0], spawn_key=seed[1:]))
    return {"samples": (1.0 / (1.0 + x) + 0.01 * rng.standard_normal(reps)).tolist()}


def _fake_build(config: FigureConfig) -> FigureData:
    x = np.logspace(-1, 1, 50)
    lines = [Series(r"$1/(1+x)$", x, 1 / (1 + x), group="a", params={"c": 1.0, "name": "first"}),
             Series(r"$1/(1+x)^2$", x, 1 / (1 + x) ** 2, group="b", linestyle="--")]
    panels = [LinePanel("A", r"$x$", r"error $e$", lines, xscale="log", yscale="log", vlines=[(1.0, r"$x=1$")],
                        markers=[(1.0, 0.5, "")])]
    if not config.theory_only:
        xs, means, ses, meta = [0.2, 1.0, 5.0], [], [], []
        reps = config.reps or 4
        for i, xp in enumerate(xs):
            key = {"model": "test-fake", "x": xp, "reps": reps, "seed": config.seed, "spawn_key": [i]}
            def compute(xp=xp, i=i):
                return _simulate_point(xp, (config.seed, i), reps)
            store = config.store if config.store not in (None, False) else None
            val = store.get_or_compute(key, compute) if store is not None else compute()
            s = np.asarray(val["samples"])
            means.append(s.mean())
            ses.append(s.std(ddof=1) / math.sqrt(s.size))
            meta.append({"d": 10, "reps": reps, "seed": config.seed, "spawn_key": [i], "x_param": xp})
        panels[0].series.append(Series("sim", xs, means, kind="points", yerr=ses, group="a", meta=meta))
    z = np.arange(12.0).reshape(3, 4)
    z[0, 0] = np.nan
    panels.append(HeatmapPanel("B", [0.1, 0.2, 0.3, 0.4], [1.0, 2.0, 3.0], z, r"$\kappa$", r"$\rho$",
                               r"index of $\alpha^*$", vlines=[(0.25, r"$\kappa=\min(\tau,1)$")]))
    return FigureData(panels=panels, caption="fake", info={"d": 10, "reps": config.reps or 4})


@pytest.fixture()
def fake_figure():
    registry.figure(FAKE, paper="test", title="A fake figure")(_fake_build)
    CALLS["n"] = 0
    yield FAKE
    registry.unregister(FAKE)


@pytest.fixture()
def store(tmp_path):
    mod = pytest.importorskip("iclverify.checks.simulation.store")
    return mod.ResultStore(tmp_path / "store.sqlite")


def test_series_and_heatmap_validate_shapes():
    with pytest.raises(ValueError, match="shape"):
        Series("bad", [1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="expected"):
        HeatmapPanel("bad", [1, 2], [1, 2, 3], np.zeros((2, 3)), "x", "y", "z")


def test_registry_rejects_duplicates_and_bad_ids(fake_figure):
    with pytest.raises(ValueError, match="twice"):
        registry.figure(FAKE, paper="test", title="x")(lambda c: None)
    with pytest.raises(ValueError, match="must match"):
        registry.figure("Bad Id", paper="test", title="x")
    assert registry.get_figure(FAKE).title == "A fake figure"
    with pytest.raises(KeyError, match="figures list"):
        registry.get_figure("no-such-figure")


def test_csv_round_trip_is_bit_identical(tmp_path, fake_figure):
    data = _fake_build(FigureConfig(store=False))
    path = write_figure_csv(tmp_path / "f.csv", FAKE, "title", data)
    layout, back = read_figure_csv(path)
    assert layout["id"] == FAKE and layout["title"] == "title"
    assert len(back.panels) == len(data.panels)
    for s0, s1 in zip(data.panels[0].series, back.panels[0].series):
        assert s0.label == s1.label and s0.kind == s1.kind and s0.group == s1.group
        np.testing.assert_array_equal(s0.x, s1.x)
        np.testing.assert_array_equal(s0.y, s1.y)
        if s0.yerr is not None:
            np.testing.assert_array_equal(s0.yerr, s1.yerr)
    assert back.panels[0].series[0].params == {"c": 1.0, "name": "first"}
    pts = back.panels[0].series[-1]
    assert pts.meta[1] == {"d": 10, "reps": 4, "seed": 20240515, "spawn_key": [1], "x_param": 1.0}
    assert back.panels[0].vlines == [(1.0, r"$x=1$")] and back.panels[0].xscale == "log"
    h0, h1 = data.panels[1], back.panels[1]
    np.testing.assert_array_equal(h0.x, h1.x)
    np.testing.assert_array_equal(h0.y, h1.y)
    np.testing.assert_array_equal(h0.z, h1.z)  # NaN in the same place
    with pytest.raises(ValueError, match="not an iclverify figure CSV"):
        (tmp_path / "other.csv").write_text("a,b\n1,2\n")
        read_figure_csv(tmp_path / "other.csv")


def test_make_figure_writes_png_pdf_csv_and_replots_without_computing(tmp_path, fake_figure):
    res = make_figure(FAKE, FigureConfig(store=False), tmp_path)
    for k in ("png", "pdf", "csv"):
        assert res[k].exists() and res[k].stat().st_size > 1000
    assert res["runtime_s"] > 0 and CALLS["n"] == 3
    n_before = CALLS["n"]
    again = replot_from_csv(res["csv"], tmp_path / "replot")
    assert CALLS["n"] == n_before  # nothing simulated
    assert again["png"].exists() and again["pdf"].exists()
    np.testing.assert_array_equal(again["data"].panels[0].series[-1].y,
                                  _fake_build(FigureConfig(store=False)).panels[0].series[-1].y)


def test_second_make_reuses_the_store_and_is_identical(tmp_path, fake_figure, store):
    cfg = FigureConfig(store=store)
    make_figure(FAKE, cfg, tmp_path / "one")
    assert CALLS["n"] == 3
    make_figure(FAKE, cfg, tmp_path / "two")
    assert CALLS["n"] == 3  # all three points came from the store
    assert (tmp_path / "one" / f"{FAKE}.csv").read_text() == (tmp_path / "two" / f"{FAKE}.csv").read_text()


def test_pixel_smoke_png_is_not_blank(tmp_path, fake_figure):
    import matplotlib.image as mpimg

    res = make_figure(FAKE, FigureConfig(store=False), tmp_path)
    img = mpimg.imread(res["png"])
    h, w = img.shape[:2]
    assert 300 < w < 4000 and 200 < h < 3000
    rgb = img[..., :3]
    nonwhite = np.mean(np.any(rgb < 0.95, axis=-1))
    assert 0.02 < nonwhite < 0.8  # something is drawn, and not a solid block
    # the grey NaN cell of the heat map is present
    assert np.any(np.all(np.abs(rgb - 0xBD / 255) < 0.02, axis=-1))


def test_render_uses_one_colour_per_group(fake_figure):
    import matplotlib.colors as mcolors

    fig = render(_fake_build(FigureConfig(store=False)), "t")
    ax = fig.axes[0]
    line_colors = [mcolors.to_hex(l.get_color()) for l in ax.get_lines()[:2]]
    assert line_colors[0] != line_colors[1]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "$x$"
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_cli_list_and_make(tmp_path, fake_figure, capsys):
    assert main(["figures", "list"]) == 0
    out = capsys.readouterr().out
    assert FAKE in out and "A fake figure" in out
    assert main(["figures", "make", FAKE, "--quick", "--no-store", "--reps", "5", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert FAKE in out and " s " in out and "total" in out
    assert (tmp_path / f"{FAKE}.png").exists() and (tmp_path / f"{FAKE}.csv").exists()
    _, data = read_figure_csv(tmp_path / f"{FAKE}.csv")
    assert data.panels[0].series[-1].meta[0]["reps"] == 5
    assert main(["figures", "replot", str(tmp_path / f"{FAKE}.csv"), "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / f"{FAKE}.pdf").exists()
    assert main(["figures", "make", "no-such-figure", "--out", str(tmp_path)]) == 2
    from iclverify._commands.figures import _select

    assert _select(["test"]) == [FAKE] and _select([FAKE, FAKE]) == [FAKE]


def test_regression_tool_detects_a_changed_curve(tmp_path, fake_figure):
    from iclverify.figures import regression

    regression.update_reference([FAKE], directory=tmp_path)
    assert regression.compare_reference(FAKE, directory=tmp_path) == []
    data = _fake_build(FigureConfig(theory_only=True))
    data.panels[0].series[0].y = data.panels[0].series[0].y * (1 + 1e-6)
    problems = regression.compare_reference(FAKE, data, directory=tmp_path)
    assert problems and "rtol" in problems[0]
    assert "no reference" in regression.compare_reference("absent", directory=tmp_path)[0]
