"""The one renderer: :class:`FigureData` -> PNG + PDF (+ CSV), and re-plotting from CSV.

Conventions, shared by every figure (style constants in :mod:`iclverify.figures.style`):

* one style (:func:`iclverify.figures.style.get_style`, ``"paper"`` or ``"slides"``) for
  fonts, sizes and lines; no title unless asked for;
* theory curves are lines; simulated points are open markers (filled for a derived
  estimate such as the d -> infinity extrapolation) with standard-error bars drawn
  *above* the markers, in the colour of the theory curve of the same ``group``; points
  flagged in their ``meta`` (e.g. outside the regime the verifier compares) are faded and
  the reason is a legend entry; on a log
  y axis a bar spans ``y·exp(±SE/y)`` (the delta-method SE of log y), so it never runs to 0;
* a legend lists each curve once (its line with its marker), plus "theory" and
  "simulation ± SE (d, repeats)" keys when both appear; it is placed inside the axes only
  where it covers no data point (:mod:`iclverify.figures.overlap`), else below the axes;
* dashed grey vertical reference lines in line panels; vermillion in heat maps;
* heat maps use a perceptually uniform colour map with a colour bar, and NaN cells
  ("monotone") are drawn grey; their shared key and the figure's notes go in a spare
  grid cell (or under the figure).

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


def _log_errors(y: np.ndarray, se: np.ndarray) -> np.ndarray:
    """Error bars on a log axis: ``y·exp(±SE/y)``, the delta-method SE of log y, so a bar never reaches 0.

    >>> _log_errors(np.array([1.0]), np.array([2.0])).round(3).tolist()
    [[0.865], [6.389]]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(y > 0, se / y, np.nan)
        return np.vstack([y * (1.0 - np.exp(-r)), y * (np.exp(r) - 1.0)])


def _shift(ax, points: float):
    """``ax.transData`` shifted right by ``points`` (1/72 in): a dodge that leaves the data untouched."""
    from matplotlib.transforms import ScaledTranslation

    return ax.transData + ScaledTranslation(points / 72.0, 0.0, ax.figure.dpi_scale_trans)


def plt_rc(key: str):
    """The current matplotlib setting ``key`` (inside :func:`iclverify.figures.style.style_context`)."""
    import matplotlib as mpl

    return mpl.rcParams[key]


#: Opacity of flagged points (shown, but outside the regime where the verifier compares them).
FLAGGED_ALPHA = 0.35


def _flag_of(m) -> str:
    return m.get("flag", "") if isinstance(m, dict) else ""


def _draw_points(ax, s, c: str, marker: str, yscale: str):
    """Simulated points: markers first, error bars and caps drawn above them so they stay visible.

    Points whose ``meta`` carries a ``"flag"`` are drawn faded (:data:`FLAGGED_ALPHA`).
    Returns the first marker artist (for the legend).
    """
    x, y = np.asarray(s.x, dtype=float), np.asarray(s.y, dtype=float)
    tr = _shift(ax, s.dodge) if s.dodge else ax.transData
    face = c if s.filled else "white"
    if s.connect:
        ax.plot(x, y, color=c, linestyle=":", linewidth=0.9, zorder=2.5, transform=tr)
    flagged = np.array([bool(_flag_of(s.meta[i])) if i < len(s.meta) else False for i in range(x.size)])
    err = None
    if s.yerr is not None and np.any(np.isfinite(s.yerr)):
        err = np.asarray(s.yerr, dtype=float)
        err = _log_errors(y, err) if yscale == "log" else np.vstack([err, err])
    if s.dodge:  # artists on a shifted transform do not enter autoscaling: register their extent by hand
        lo, hi = (y - err[0], y + err[1]) if err is not None else (y, y)
        ax.update_datalim(np.column_stack([np.r_[x, x], np.r_[lo, hi]]))
    first = None
    for mask, alpha in ((~flagged, 1.0), (flagged, FLAGGED_ALPHA)):
        if not mask.any():
            continue
        pts = ax.plot(x[mask], y[mask], marker, color=c, markerfacecolor=face, markeredgecolor=c,
                      markeredgewidth=1.0, linestyle="none", zorder=3, transform=tr, alpha=alpha)[0]
        first = first or pts
        if err is not None:
            lw = 0.75 * float(plt_rc("lines.linewidth"))  # scales with the style (paper 0.9, slides 1.65)
            eb = ax.errorbar(x[mask], y[mask], yerr=err[:, mask], fmt="none", ecolor=c, elinewidth=lw,
                             capthick=lw, zorder=4, transform=tr, alpha=alpha)
            for art in (*eb.lines[1], *eb.lines[2]):
                art.set_transform(tr)
    return first


def _curve_color_through(panel: LinePanel, colors: dict[str, int], x: float, y: float) -> str | None:
    """The colour of the theory curve of ``panel`` that passes through ``(x, y)`` (a grid point), if any."""
    for s in panel.series:
        if s.kind != "line":
            continue
        hit = np.nonzero(np.isclose(s.x, x, rtol=1e-9, atol=0.0))[0]
        if hit.size and np.isclose(s.y[hit[0]], y, rtol=1e-6):
            return style.color(colors[s.group or s.label])
    return None


def _common_points_meta(panel: LinePanel) -> str:
    """", d = 24, 8 repeats" when every raw simulated point of the panel shares d and repeats."""
    ds, reps = set(), set()
    for s in panel.series:
        if s.kind != "points" or s.filled:
            continue
        for m in s.meta:
            if isinstance(m, dict):
                ds.add(m.get("d"))
                reps.add(m.get("reps"))
    ds.discard(None)
    reps.discard(None)
    parts = []
    if len(ds) == 1:
        parts.append(f"$d = {next(iter(ds)):g}$")
    if len(reps) == 1:
        parts.append(f"{next(iter(reps)):g} repeats")
    return (", " + ", ".join(parts)) if parts else ""


def _draw_lines(ax, panel: LinePanel, colors: dict[str, int], st) -> tuple[list, list]:
    """Draw a line panel; returns its legend (handles, labels), placed later by :func:`_place_legend`."""
    from matplotlib.lines import Line2D

    line_groups = {s.group or s.label for s in panel.series if s.kind == "line"}
    line_handles: dict[str, Any] = {}
    group_marker: dict[str, Any] = {}
    handles: list = []
    labels: list = []
    derived_keys: dict[str, Any] = {}
    flag_keys: dict[str, Any] = {}
    has_matched_points = False
    for s in panel.series:
        key = s.group or s.label
        ci = colors[key]
        c = style.color(ci)
        if s.kind == "line":
            h = ax.plot(s.x, s.y, color=c, linestyle=s.linestyle, zorder=2)[0]
            line_handles.setdefault(key, h)  # a group's points belong to its first curve
            handles.append(h)
            labels.append(s.label)
            continue
        # points that sit on a theory curve share its legend entry (line and marker drawn together); a
        # connected set of points (a simulated curve with no closed form, e.g. dMMSE) is a curve of its own
        matched = key in line_groups and not s.connect
        marker = s.marker or style.MARKERS[ci % len(style.MARKERS)]
        _draw_points(ax, s, c, marker, panel.yscale)
        if matched and s.filled:
            derived_keys.setdefault(s.label, Line2D([], [], color="0.3", marker=marker, markerfacecolor="0.3",
                                                    linestyle="none"))
        elif matched:
            has_matched_points = True
            group_marker.setdefault(key, Line2D([], [], marker=marker, color=c, markerfacecolor="white",
                                                markeredgewidth=1.0, linestyle="none"))
        elif s.label in labels:  # one key for a label shared across groups (e.g. "dMMSE" per α): grey
            j = labels.index(s.label)
            handles[j] = Line2D([], [], marker=marker, color="0.3", markerfacecolor="white",
                                linestyle=":" if s.connect else "none")
        else:
            handles.append(Line2D([], [], marker=marker, color=c, markerfacecolor=c if s.filled else "white",
                                  markeredgewidth=1.0, linestyle=":" if s.connect else "none"))
            labels.append(s.label)
        for m in s.meta:
            if _flag_of(m):
                flag_keys.setdefault(m["flag"], Line2D([], [], marker="D" if s.filled else "o", color="0.3",
                                                       alpha=FLAGGED_ALPHA,
                                                       markerfacecolor="0.3" if s.filled else "white",
                                                       linestyle="none"))
    # a theory line whose points are drawn shows its marker too, so the key matches what is plotted
    for i, h in enumerate(handles):
        for key, lh in line_handles.items():
            if h is lh and key in group_marker:
                handles[i] = (lh, group_marker[key])
    # reference lines: grey, each in its own dash pattern so that two of them stay apart in the key
    for i, (x, label) in enumerate(panel.vlines):
        h = ax.axvline(x, color="0.35", linestyle=("--", "-.", ":")[i % 3], linewidth=0.9, zorder=1)
        if label:
            handles.append(h)
            labels.append(label)
    for i, (y, label) in enumerate(panel.hlines):
        h = ax.axhline(y, color="0.45", linestyle=(":", "-.", "--")[i % 3], linewidth=0.9, zorder=1)
        if label:
            handles.append(h)
            labels.append(label)
    for i, (x, y, text) in enumerate(panel.markers):
        # a star on a theory curve takes that curve's colour, so close minima of different curves stay apart
        face = _curve_color_through(panel, colors, x, y) or "white"
        h = ax.plot([x], [y], marker="*", markersize=st.star_size, color="black", markerfacecolor=face,
                    markeredgewidth=0.5, linestyle="none", zorder=6)[0]
        if i == 0:
            handles.append(Line2D([], [], marker="*", markersize=st.star_size, color="black",
                                  markerfacecolor="0.6", markeredgewidth=0.5, linestyle="none"))
            labels.append("minimum")
        if text:
            ax.annotate(text, (x, y), textcoords="offset points", xytext=(0, -11), ha="center",
                        fontsize=st.annotation_size)
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
    if has_matched_points:
        # generic keys: curves are theory, open markers their simulation (a lone curve names itself)
        # a generic "theory" key in the curves' own dash pattern; with mixed patterns each curve's entry says it
        line_styles = {s.linestyle for s in panel.series if s.kind == "line"}
        if sum(s.kind == "line" for s in panel.series) > 1 and len(line_styles) == 1:
            handles.append(Line2D([], [], color="0.3", linestyle=line_styles.pop()))
            labels.append("theory")
        handles.append(Line2D([], [], color="0.3", marker="o", markerfacecolor="white", linestyle="none"))
        labels.append("simulation ± SE" + _common_points_meta(panel))
    for label, h in derived_keys.items():
        handles.append(h)
        labels.append(label)
    for label, h in flag_keys.items():
        handles.append(h)
        labels.append(label)
    return handles, labels


def _quiet_log_minor_labels(ax) -> None:
    """Readable log-axis labels: powers of ten on a wide axis, plain 1-2-5 numbers on a narrow one.

    An axis spanning less than about two decades would otherwise carry one labelled tick
    or none; there ticks at 1, 2 and 5 times the powers of ten are labelled as plain
    numbers (``20``, ``50``, ``100``).  On a wider axis the minor labels collide, so only
    the powers of ten are labelled.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    for axis, scale, lim in ((ax.xaxis, ax.get_xscale(), ax.get_xlim()), (ax.yaxis, ax.get_yscale(), ax.get_ylim())):
        lo, hi = sorted(lim)
        if scale != "log" or lo <= 0:
            continue
        if np.log10(hi / lo) < 2.2:
            axis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            axis.set_minor_formatter(NullFormatter())
        elif np.floor(np.log10(hi)) > np.ceil(np.log10(lo)) - 1e-12:
            axis.set_minor_formatter(NullFormatter())


def _draw_heatmap(fig, ax, panel: HeatmapPanel, st) -> list:
    """Draw a heat map; returns its legend handles (reference lines, the grey "monotone" patch)."""
    import matplotlib as mpl
    import matplotlib.patheffects as pe
    from matplotlib.patches import Patch

    z = np.ma.masked_invalid(np.asarray(panel.z, dtype=float))
    cmap = mpl.colormaps[panel.cmap].with_extremes(bad=style.NAN_COLOR)
    lims = {}
    if panel.zticks:  # the colour bar spans the tick range (e.g. the whole alpha grid), not just the data
        lims = {"vmin": min(v for v, _ in panel.zticks), "vmax": max(v for v, _ in panel.zticks)}
    mesh = ax.pcolormesh(panel.x, panel.y, z, cmap=cmap, shading="nearest", rasterized=True, **lims)
    cb = fig.colorbar(mesh, ax=ax, pad=0.03, fraction=0.06)
    cb.set_label(panel.zlabel)
    if panel.zticks:
        cb.set_ticks([v for v, _ in panel.zticks])
        cb.set_ticklabels([t for _, t in panel.zticks])
    handles = []
    for x, label in panel.vlines:
        handles.append(ax.axvline(x, color=style.VLINE_COLOR, linestyle="-", linewidth=1.5, label=label or None))
    for x, y, text in panel.markers:
        ax.plot([x], [y], marker="o", color="white", markeredgecolor="black", markersize=4, linestyle="none",
                zorder=5)
        if text:
            # black letters with a white halo read on every colour and on the grey "monotone" cells
            ax.annotate(text, (x, y), textcoords="offset points", xytext=(2.5, 2.5), fontsize=st.annotation_size,
                        color="black", fontweight="bold", annotation_clip=False, zorder=6,
                        path_effects=[pe.withStroke(linewidth=2.2, foreground="white")])
    if np.ma.count_masked(z):
        handles.append(Patch(facecolor=style.NAN_COLOR, label="monotone in $\\alpha$"))
    ax.set_xlabel(panel.xlabel)
    ax.set_ylabel(panel.ylabel)
    ax.set_title(panel.title, loc="left")
    return handles


#: Inside-the-axes legend positions tried in order; the first that covers no data point wins.
INSIDE_LOCS = ("upper right", "upper left", "lower left", "lower right", "center right", "center left",
               "upper center", "lower center")


BELOW_GID = "iclverify-legend-below"


def _legend_below(ax, handles, labels, renderer, ncol_max: int = 3):
    """A legend under the axes' tick labels and x label (offset in points, so it survives a re-layout)."""
    from matplotlib.transforms import ScaledTranslation

    if ax.get_legend() is not None:
        ax.get_legend().remove()  # measure the axes without a legend tried earlier
    tight = ax.get_tightbbox(renderer)
    gap_pts = (ax.bbox.y0 - tight.y0) * 72.0 / ax.figure.dpi + 3.0
    tr = ax.transAxes + ScaledTranslation(0.0, -gap_pts / 72.0, ax.figure.dpi_scale_trans)
    width = ax.bbox.width
    for ncol in range(min(ncol_max, len(labels)), 0, -1):
        leg = ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=tr,
                        ncol=ncol, borderaxespad=0.0, columnspacing=1.0, handletextpad=0.5)
        leg.set_gid(BELOW_GID)
        if leg.get_window_extent(renderer).width <= 1.15 * width or ncol == 1:
            return leg
    return leg


def _place_legend(ax, handles, labels, renderer, prefer_outside: bool = False):
    """Put the legend inside the axes where it covers no data point, else below the axes."""
    from iclverify.figures.overlap import legend_collisions

    if not prefer_outside:
        for loc in INSIDE_LOCS:
            leg = ax.legend(handles, labels, loc=loc)
            if legend_collisions(ax, leg, renderer) == 0:
                return leg, True
    return _legend_below(ax, handles, labels, renderer), False


def _grow_for_outside_legends(fig, axes, renderer) -> None:
    """Make the figure taller by the legends hung below its axes, then re-layout: the axes keep their size."""
    extra = 0.0
    for row in axes:
        heights = [0.0]
        for ax in row:
            leg = ax.get_legend()
            if ax.get_visible() and leg is not None and leg.get_gid() == BELOW_GID:
                heights.append(leg.get_window_extent(renderer).height / fig.dpi)
        extra += max(heights)
    if extra:
        w, h = fig.get_size_inches()
        fig.set_size_inches(w, h + extra)
    fig.tight_layout()


def _layout_grid(data: FigureData, ncols: int | None) -> tuple[int, int]:
    n = len(data.panels)
    if ncols is None:
        heat = all(isinstance(p, HeatmapPanel) for p in data.panels)
        # a 2 x 2 grid rather than a strip; a spare cell of a heat-map figure holds its shared key
        ncols = 2 if n == 4 or (heat and n == 3) else min(n, 3)
    return ncols, -(-n // ncols)


def render(data: FigureData, title: str = "", *, ncols: int | None = None, style_name: str = "paper"):
    """Draw ``data`` on a new matplotlib figure (Agg backend) and return it.

    ``style_name`` is ``"paper"`` or ``"slides"`` (:data:`iclverify.figures.style.STYLES`);
    ``title`` (empty by default) is drawn above the figure only when given.  Every legend
    is placed where it covers no data point (:mod:`iclverify.figures.overlap`): inside the
    axes when some corner is free, else below the axes.
    """
    import textwrap

    import matplotlib.lines as mlines

    plt = _agg()
    st = style.get_style(style_name)
    n = len(data.panels)
    ncols, nrows = _layout_grid(data, ncols)
    heat = any(isinstance(p, HeatmapPanel) for p in data.panels)
    w, h = st.panel_size
    w += 0.55 if heat else 0.0  # room for the colour bar
    w = min(w, st.max_width / ncols)
    with style.style_context(st.name):
        fig, axes = plt.subplots(nrows, ncols, figsize=(w * ncols, h * nrows), squeeze=False)
        colors = _group_colors(data)
        legends: list[tuple[Any, list, list, bool]] = []
        heat_handles: dict[str, Any] = {}
        for ax, panel in zip(axes.flat, data.panels):
            if isinstance(panel, LinePanel):
                hs, ls = _draw_lines(ax, panel, colors, st)
                if hs:
                    legends.append((ax, hs, ls, panel.legend_loc == "outside"))
            else:
                for hnd in _draw_heatmap(fig, ax, panel, st):
                    heat_handles.setdefault(hnd.get_label(), hnd)
        spare = list(axes.flat)[n:]
        for ax in spare:
            ax.set_visible(False)
        notes = list(data.notes)  # an empty note is a blank line
        key_ax = spare[0] if spare and (heat_handles or notes) else None
        if key_ax is not None:
            key_ax.set_visible(True)
            key_ax.axis("off")
            if heat_handles:
                hl = [mlines.Line2D([], [], color=hnd.get_color(), linewidth=1.5)
                      if isinstance(hnd, mlines.Line2D) else hnd for hnd in heat_handles.values()]
                key_ax.legend(hl, list(heat_handles), loc="upper left", bbox_to_anchor=(0.0, 1.0),
                              borderaxespad=0.0)
        if title:
            fig.suptitle(title, fontsize=st.rc["axes.titlesize"] + 1)
        fig.tight_layout()
        renderer = fig.canvas.get_renderer()
        if key_ax is not None:
            chars = max(20, int(key_ax.bbox.width * 72 / fig.dpi / (0.52 * st.note_size)))
            text = "\n".join(textwrap.fill(t, chars, subsequent_indent=" " * (len(t) - len(t.lstrip())))
                             for t in notes)
            leg = key_ax.get_legend()
            y = 1.0
            if leg is not None:
                fig.canvas.draw()
                bb = leg.get_window_extent(renderer).transformed(key_ax.transAxes.inverted())
                y = bb.y0 - 0.06
            if notes:
                key_ax.text(0.0, y, text, transform=key_ax.transAxes, va="top", ha="left", fontsize=st.note_size)
        elif heat_handles:
            for ax, panel in zip(axes.flat, data.panels):
                if isinstance(panel, HeatmapPanel):
                    hl = [hnd for lab, hnd in heat_handles.items()]
                    _legend_below(ax, hl, list(heat_handles), renderer)
        if notes and key_ax is None:
            chars = max(30, int(fig.get_figwidth() * 72 / (0.52 * st.note_size)))
            fig.text(0.01, 0.0, "\n".join(textwrap.fill(t, chars) for t in notes), va="top", ha="left",
                     fontsize=st.note_size)
        placed = []
        for ax, hs, ls, outside in legends:
            placed.append((ax, hs, ls, _place_legend(ax, hs, ls, renderer, outside)[1]))
        _grow_for_outside_legends(fig, axes, renderer)
        # a re-layout resizes the axes, so an inside legend may now cover data: check again, move it out
        from iclverify.figures.overlap import legend_collisions

        fig.canvas.draw()
        moved = False
        for ax, hs, ls, inside in placed:
            if inside and legend_collisions(ax, ax.get_legend(), renderer):
                _legend_below(ax, hs, ls, renderer)
                moved = True
        if moved:
            _grow_for_outside_legends(fig, axes, renderer)
    return fig


def save(fig, out_dir: str | Path, stem: str, style_name: str = "paper") -> dict[str, Path]:
    """Write ``<stem>.png`` and the vector ``<stem>.pdf`` under ``out_dir``; close the figure.

    Raises ``OSError`` if either file is missing or empty afterwards, so a figure never
    ships without its PDF.
    """
    plt = _agg()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"png": out / f"{stem}.png", "pdf": out / f"{stem}.pdf"}
    with style.style_context(style_name):
        fig.savefig(paths["png"])
        fig.savefig(paths["pdf"])
    plt.close(fig)
    for kind, path in paths.items():
        if not path.exists() or path.stat().st_size == 0:
            raise OSError(f"figure {stem!r}: the {kind.upper()} file {path} was not written")
    return paths


def resolve_store(store: Any) -> Any:
    """``None`` -> the default result store (if the store module is installed); ``False`` -> none."""
    if store is None:
        try:
            from iclverify.checks.simulation.store import ResultStore
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
    fig = render(data, spec.title if config.title else "", style_name=config.style)
    paths = save(fig, out, fig_id, config.style)
    return {"id": fig_id, "png": paths["png"], "pdf": paths["pdf"], "csv": csv_path,
            "runtime_s": time.perf_counter() - t0, "build_s": build_s, "info": data.info}


def replot_from_csv(csv_path: str | Path, out_dir: str | Path | None = None, *, style_name: str = "paper",
                    title: bool = False) -> dict:
    """Re-draw a figure from its CSV alone (no theory, no simulation).

    Writes ``<id>.png`` and ``<id>.pdf`` next to the CSV (or in ``out_dir``), in style
    ``style_name``, with the stored title only when ``title`` is true.
    """
    t0 = time.perf_counter()
    layout, data = read_figure_csv(csv_path)
    out = Path(out_dir) if out_dir is not None else Path(csv_path).parent
    fig = render(data, layout.get("title", "") if title else "", style_name=style_name)
    paths = save(fig, out, layout["id"], style_name)
    return {"id": layout["id"], "png": paths["png"], "pdf": paths["pdf"], "csv": Path(csv_path),
            "runtime_s": time.perf_counter() - t0, "data": data}
