"""The one renderer: :class:`FigureData` -> PNG + PDF (+ CSV), and re-plotting from CSV.

Conventions, shared by every figure (style constants in :mod:`iclverify.figures.style`):

* theory curves are lines; simulated points are markers with standard-error bars, in
  the colour of the theory curve of the same ``group``;
* a legend lists each curve once, plus "theory" / "simulation" keys when both appear;
* vertical reference lines (e.g. κ = min(τ, 1)) are dashed vermillion;
* heat maps use a perceptually uniform colour map with a colour bar, and NaN cells
  ("monotone") are drawn grey with a legend patch saying so.

:func:`make_figure` is the public entry point used by the command line and the report.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import numpy as np

from iclverify.figures import style
from iclverify.figures.csvio import read_figure_csv, write_figure_csv
from iclverify.figures.registry import FigureConfig, FigureData, HeatmapPanel, LinePanel, get_figure

__all__ = ["render", "save", "make_figure", "replot_from_csv", "resolve_store"]


def _agg():
    import matplotlib

    if matplotlib.get_backend().lower() != "agg":
        matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _group_colors(data: FigureData) -> dict[str, int]:
    """One colour per group (or label), in order of first appearance across the figure."""
    colors: dict[str, int] = {}
    for p in data.panels:
        for s in getattr(p, "series", []):
            key = s.group or s.label
            if key not in colors:
                colors[key] = len(colors)
    return colors


def _draw_lines(ax, panel: LinePanel, colors: dict[str, int]) -> None:
    from matplotlib.lines import Line2D

    line_groups = {s.group or s.label for s in panel.series if s.kind == "line"}
    has_matched_points = False
    for s in panel.series:
        key = s.group or s.label
        ci = colors[key]
        c = style.color(ci)
        if s.kind == "line":
            ax.plot(s.x, s.y, color=c, linestyle=s.linestyle, label=s.label, zorder=2)
        else:
            # points that sit on a theory curve share its legend entry; a connected set of points
            # (a simulated curve with no closed form, e.g. dMMSE) is a curve of its own
            matched = key in line_groups and not s.connect
            has_matched_points |= matched
            marker = s.marker or style.MARKERS[ci % len(style.MARKERS)]
            ax.errorbar(s.x, s.y, yerr=s.yerr, fmt=marker, color=c, markerfacecolor="white",
                        markeredgewidth=1.1, elinewidth=0.9, linestyle=":" if s.connect else "none",
                        linewidth=0.9, label=None if matched else s.label, zorder=3)
    for x, label in panel.vlines:
        ax.axvline(x, color="0.35", linestyle="--", linewidth=1.0, label=label or None, zorder=1)
    for y, label in panel.hlines:
        ax.axhline(y, color="0.45", linestyle=":", linewidth=1.0, label=label or None, zorder=1)
    for i, (x, y, text) in enumerate(panel.markers):
        ax.plot([x], [y], marker="*", markersize=9, color="black", markerfacecolor="white", linestyle="none",
                label="minimum" if i == 0 else None, zorder=4)
        if text:
            ax.annotate(text, (x, y), textcoords="offset points", xytext=(0, -11), ha="center", fontsize=7)
    ax.set_xscale(panel.xscale)
    ax.set_yscale(panel.yscale)
    if panel.xlim is not None:
        ax.set_xlim(*panel.xlim)
    if panel.ylim is not None:
        ax.set_ylim(*panel.ylim)
    _quiet_log_minor_labels(ax)
    ax.set_xlabel(panel.xlabel)
    ax.set_ylabel(panel.ylabel)
    ax.set_title(panel.title, loc="left")
    handles, labels = ax.get_legend_handles_labels()
    if has_matched_points:
        # generic keys: curves are theory, open markers their simulation (a lone curve names itself)
        if sum(s.kind == "line" for s in panel.series) > 1:
            handles.append(Line2D([], [], color="0.2", linestyle="-"))
            labels.append("theory")
        handles.append(Line2D([], [], color="0.2", marker="o", markerfacecolor="white", linestyle="none"))
        labels.append("simulation ± SE")
    if handles:
        if panel.legend_loc == "outside":
            ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        else:
            ax.legend(handles, labels, loc=panel.legend_loc)


def _quiet_log_minor_labels(ax) -> None:
    """On a log axis spanning at least a decade, label only the powers of ten (minor labels collide)."""
    from matplotlib.ticker import NullFormatter

    for axis, scale, lim in ((ax.xaxis, ax.get_xscale(), ax.get_xlim()), (ax.yaxis, ax.get_yscale(), ax.get_ylim())):
        lo, hi = sorted(lim)
        if scale == "log" and lo > 0 and np.floor(np.log10(hi)) > np.ceil(np.log10(lo)) - 1e-12:
            axis.set_minor_formatter(NullFormatter())


def _draw_heatmap(fig, ax, panel: HeatmapPanel) -> None:
    import matplotlib as mpl
    from matplotlib.patches import Patch

    z = np.ma.masked_invalid(np.asarray(panel.z, dtype=float))
    cmap = mpl.colormaps[panel.cmap].with_extremes(bad=style.NAN_COLOR)
    lims = {}
    if panel.zticks:  # the colour bar spans the tick range (e.g. the whole alpha grid), not just the data
        lims = {"vmin": min(v for v, _ in panel.zticks), "vmax": max(v for v, _ in panel.zticks)}
    mesh = ax.pcolormesh(panel.x, panel.y, z, cmap=cmap, shading="nearest", rasterized=True, **lims)
    cb = fig.colorbar(mesh, ax=ax, pad=0.02)
    cb.set_label(panel.zlabel)
    if panel.zticks:
        cb.set_ticks([v for v, _ in panel.zticks])
        cb.set_ticklabels([t for _, t in panel.zticks])
    handles = []
    for x, label in panel.vlines:
        handles.append(ax.axvline(x, color=style.VLINE_COLOR, linestyle="-", linewidth=1.5, label=label or None))
    for x, y, text in panel.markers:
        ax.plot([x], [y], marker="o", color="white", markeredgecolor="black", markersize=5, linestyle="none")
        if text:
            ax.annotate(text, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8, color="white",
                        fontweight="bold")
    if np.ma.count_masked(z):
        handles.append(Patch(facecolor=style.NAN_COLOR, label="monotone"))
    ax.set_xlabel(panel.xlabel)
    ax.set_ylabel(panel.ylabel)
    ax.set_title(panel.title, loc="left")
    if handles:
        ax.legend(handles=handles, loc="upper right", frameon=True, framealpha=0.85)


def render(data: FigureData, title: str = "", *, ncols: int | None = None):
    """Draw ``data`` on a new matplotlib figure (Agg backend) and return it."""
    plt = _agg()
    n = len(data.panels)
    ncols = ncols or min(n, 3)
    nrows = -(-n // ncols)
    w, h = style.PANEL_SIZE
    with style.style_context():
        fig, axes = plt.subplots(nrows, ncols, figsize=(w * ncols + (0.6 * ncols if any(
            isinstance(p, HeatmapPanel) for p in data.panels) else 0), h * nrows), squeeze=False)
        colors = _group_colors(data)
        for ax, panel in zip(axes.flat, data.panels):
            if isinstance(panel, LinePanel):
                _draw_lines(ax, panel, colors)
            else:
                _draw_heatmap(fig, ax, panel)
        for ax in list(axes.flat)[n:]:
            ax.set_visible(False)
        if title:
            fig.suptitle(title, fontsize=10)
        fig.tight_layout()
    return fig


def save(fig, out_dir: str | Path, stem: str) -> dict[str, Path]:
    """Write ``<stem>.png`` and ``<stem>.pdf`` under ``out_dir``; close the figure."""
    plt = _agg()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"png": out / f"{stem}.png", "pdf": out / f"{stem}.pdf"}
    with style.style_context():
        fig.savefig(paths["png"])
        fig.savefig(paths["pdf"])
    plt.close(fig)
    return paths


def resolve_store(store: Any) -> Any:
    """``None`` -> the default result store (if the store module is installed); ``False`` -> none."""
    if store is None:
        try:
            from iclverify.checks.store import ResultStore
        except ImportError:  # the Monte Carlo layer is not installed: simulate without a store
            return None
        return ResultStore()
    if store is False:
        return None
    return store


def make_figure(fig_id: str, config: FigureConfig | None = None, out_dir: str | Path = "figures-out") -> dict:
    """Build figure ``fig_id`` and write ``<id>.png``, ``<id>.pdf`` and ``<id>.csv`` to ``out_dir``.

    Simulated points go through the result store (``config.store``; ``None`` means the
    default store), so a second call re-plots at once.

    Returns
    -------
    dict
        ``{"id", "png", "pdf", "csv", "runtime_s", "build_s", "info"}``; ``runtime_s``
        covers building, CSV and plotting.
    """
    spec = get_figure(fig_id)
    config = config or FigureConfig()
    config = dataclasses.replace(config, store=resolve_store(config.store))
    t0 = time.perf_counter()
    data = spec.build(config)
    if not isinstance(data, FigureData):
        raise TypeError(f"figure {fig_id!r}: builder returned {type(data).__name__}, expected FigureData")
    build_s = time.perf_counter() - t0
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path = write_figure_csv(out / f"{fig_id}.csv", fig_id, spec.title, data)
    paths = save(render(data, spec.title), out, fig_id)
    return {"id": fig_id, "png": paths["png"], "pdf": paths["pdf"], "csv": csv_path,
            "runtime_s": time.perf_counter() - t0, "build_s": build_s, "info": data.info}


def replot_from_csv(csv_path: str | Path, out_dir: str | Path | None = None) -> dict:
    """Re-draw a figure from its CSV alone (no theory, no simulation).

    Writes ``<id>.png`` and ``<id>.pdf`` next to the CSV (or in ``out_dir``).
    """
    t0 = time.perf_counter()
    layout, data = read_figure_csv(csv_path)
    out = Path(out_dir) if out_dir is not None else Path(csv_path).parent
    paths = save(render(data, layout.get("title", "")), out, layout["id"])
    return {"id": layout["id"], "png": paths["png"], "pdf": paths["pdf"], "csv": Path(csv_path),
            "runtime_s": time.perf_counter() - t0, "data": data}
