"""Publication layout of every figure: one style, legends off the data, error bars visible, PDF for all.

Every registered figure is built small (quick mode, d = 8, 4 repeats, a private result
store; Lu et al. Fig. 1A at d = 20 so that its extrapolation is drawn) and drawn in the paper style; the tests then
read the drawn figure back:

* no legend box covers a data point (:func:`iclverify.figures.overlap.figure_legend_collisions`,
  the legend's window extent against every marker, error bar and densified curve in
  display pixels) -- with a control that puts a legend on the data and must be caught;
* one font family for text and mathematics, no title unless asked for;
* error bars drawn above the markers (z-order), and on a log axis never down to 0;
* a PNG and a vector PDF written for every figure.
"""

from __future__ import annotations

import numpy as np
import pytest

from iclverify.figures import style
from iclverify.figures.overlap import figure_legend_collisions, legend_collisions
from iclverify.figures.registry import FigureConfig, FigureData, LinePanel, Series, all_figures
from iclverify.figures.render import make_figure, render, save

SPECS = all_figures()
SMALL = {"quick": True, "d": 8, "reps": 4}
#: Fig. 1A at d = 20 (10 tasks at κ = 0.5): large enough for its d -> infinity extrapolation to be drawn,
#: so the check covers those markers too (at d = 8 every point is outside the extrapolated regime).
SMALL_BY_ID = {"lu2024-fig1a": {"d": 20}}


@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    mod = pytest.importorskip("iclverify.checks.simulation.store")
    return mod.ResultStore(tmp_path_factory.mktemp("layout") / "store.sqlite")


def _close(fig):
    import matplotlib.pyplot as plt

    plt.close(fig)


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_every_figure_draws_legends_off_the_data_and_writes_png_and_pdf(spec, small_store, tmp_path):
    data = spec.build(FigureConfig(store=small_store, **{**SMALL, **SMALL_BY_ID.get(spec.id, {})}))
    if spec.id in SMALL_BY_ID:
        assert any(getattr(s, "filled", False) for p in data.panels for s in getattr(p, "series", []))
    fig = render(data, style_name="paper")
    try:
        assert figure_legend_collisions(fig) == {}, f"{spec.id}: a legend covers data"
        assert fig._suptitle is None, f"{spec.id}: a title is burned in by default"
        families = {t.get_fontfamily()[0] for t in fig.findobj(lambda a: hasattr(a, "get_fontfamily"))
                    if hasattr(t, "get_text") and t.get_text()}
        assert families <= {"sans-serif"}, families
        for ax in fig.axes:
            markers = [ln.get_zorder() for ln in ax.get_lines()  # caps ("_") belong to the bars
                       if ln.get_marker() not in (None, "None", "none", "", "_", "|")]
            bars = [c.get_zorder() for c in ax.collections if type(c).__name__ == "LineCollection"]
            if markers and bars:
                # stars of minima (z-order 6) are annotations on top of everything; points are below their bars
                assert min(bars) > max([z for z in markers if z < 5] or [0]), f"{spec.id}: error bars under markers"
        paths = save(fig, tmp_path, spec.id)
    finally:
        _close(fig)
    assert paths["png"].stat().st_size > 1000
    assert paths["pdf"].read_bytes()[:5] == b"%PDF-"


def _crowded() -> FigureData:
    x = np.linspace(0.0, 1.0, 200)
    series = [Series(f"curve {i}", x, np.full_like(x, 0.1 * i), group=str(i)) for i in range(10)]
    return FigureData([LinePanel("", "x", "y", series)])


def test_overlap_detector_catches_a_legend_on_the_data():
    """Control: with horizontal lines across the whole axes a legend inside must collide."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3.3, 2.5))
    x = np.linspace(0, 1, 50)
    for i in range(10):
        ax.plot(x, np.full_like(x, i), label=f"line {i}")
    leg = ax.legend(loc="center")
    fig.canvas.draw()
    assert legend_collisions(ax, leg) > 0
    assert figure_legend_collisions(fig) != {}
    plt.close(fig)


def test_renderer_moves_a_legend_that_would_cover_data_below_the_axes():
    fig = render(_crowded())
    try:
        assert figure_legend_collisions(fig) == {}
        ax = fig.axes[0]
        leg_box = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
        assert leg_box.y1 <= ax.bbox.y0  # below the axes
    finally:
        _close(fig)


def test_log_axis_error_bars_never_reach_zero():
    s = Series("p", [1.0, 2.0, 3.0], [1e-3, 2e-3, 5e-2], kind="points", yerr=[2e-3, 1e-3, 1e-2])
    fig = render(FigureData([LinePanel("", "x", "y", [s], yscale="log")]))
    try:
        ax = fig.axes[0]
        segs = [seg for c in ax.collections for seg in c.get_segments()]
        assert segs and min(float(np.min(seg[:, 1])) for seg in segs) > 0
        # the first bar (SE twice the mean) spans y·exp(±2): from 1.35e-4 to 7.4e-3
        lo = min(float(np.min(seg[:, 1])) for seg in segs if np.isclose(seg[0, 0], 1.0))
        assert np.isclose(lo, 1e-3 * np.exp(-2.0), rtol=1e-9)
    finally:
        _close(fig)


def test_points_with_a_flag_are_faded_and_explained():
    meta = [{"d": 8, "reps": 4}, {"d": 8, "reps": 4, "flag": "faded: outside the regime"}]
    pts = Series("sim", [1.0, 2.0], [1.0, 2.0], kind="points", yerr=[0.1, 0.1], group="a", meta=meta)
    line = Series("theory a", [0.5, 2.5], [0.5, 2.5], group="a")
    fig = render(FigureData([LinePanel("", "x", "y", [line, pts])]))
    try:
        ax = fig.axes[0]
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "faded: outside the regime" in labels
        assert any("d = 8" in t and "4 repeats" in t for t in labels)  # d and repeats in the key
        alphas = sorted({ln.get_alpha() for ln in ax.get_lines() if ln.get_alpha() is not None})
        assert alphas and alphas[0] < 0.5
    finally:
        _close(fig)


def test_style_switch_and_optional_title(tmp_path):
    data = _crowded()
    paper, slides = render(data, style_name="paper"), render(data, style_name="slides")
    try:
        assert slides.get_figwidth() > paper.get_figwidth()
        fs = {name: f.axes[0].xaxis.label.get_fontsize() for name, f in (("paper", paper), ("slides", slides))}
        assert fs == {"paper": 8.0, "slides": 14.0}
        assert paper.get_figwidth() <= style.PAPER_MAX_WIDTH + 1e-9
    finally:
        _close(paper)
        _close(slides)
    titled = render(data, "A title")
    try:
        assert titled._suptitle is not None and titled._suptitle.get_text() == "A title"
    finally:
        _close(titled)
    with pytest.raises(ValueError, match="outside the domain of style"):
        style.get_style("poster")


def test_make_figure_honours_style_and_title_and_writes_both_files(tmp_path):
    from iclverify.figures import registry

    registry.figure("test-layout", paper="test", title="Layout test")(lambda cfg: _crowded())
    try:
        res = make_figure("test-layout", FigureConfig(store=False, style="slides", title=True), tmp_path)
        assert res["pdf"].read_bytes()[:5] == b"%PDF-" and res["png"].exists()
    finally:
        registry.unregister("test-layout")


def test_cli_style_and_title_flags(tmp_path):
    from iclverify.cli import main
    from iclverify.figures import registry

    registry.figure("test-layout", paper="test", title="Layout test")(lambda cfg: _crowded())
    try:
        assert main(["figures", "make", "test-layout", "--no-store", "--style", "slides", "--title",
                     "--out", str(tmp_path)]) == 0
        assert (tmp_path / "test-layout.pdf").exists()
        assert main(["figures", "replot", str(tmp_path / "test-layout.csv"), "--style", "paper",
                     "--out", str(tmp_path / "r")]) == 0
        assert (tmp_path / "r" / "test-layout.pdf").exists()
    finally:
        registry.unregister("test-layout")
