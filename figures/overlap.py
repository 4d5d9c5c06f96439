"""Does a legend cover data?  Display-coordinate geometry of legends and plotted data.

:func:`legend_collisions` answers for one axes: every visible data point (markers,
error-bar ends, the vertices of curves and reference lines, densified so that a
straight segment crossing the legend is caught between its ends) is mapped to display
coordinates and tested against the legend's window extent.  The renderer uses it to
place each legend where it covers nothing (:mod:`iclverify.figures.render`), and the
figure tests use it to check every figure.

Heat-map cells (a ``QuadMesh``) fill the whole axes and are not data points in this
sense; their legends are drawn outside the axes.
"""

from __future__ import annotations

import numpy as np

__all__ = ["data_points_display", "legend_collisions", "figure_legend_collisions"]

#: Longest straight piece (pixels) between two tested points of a densified line.
STEP_PX = 3.0


def _densify(xy: np.ndarray, step: float = STEP_PX) -> np.ndarray:
    """Points along the polyline ``xy`` (display pixels), at most ``step`` apart; NaN breaks the line."""
    out = []
    for a, b in zip(xy[:-1], xy[1:]):
        if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
            continue
        n = max(1, int(np.ceil(np.hypot(*(b - a)) / step)))
        t = np.linspace(0.0, 1.0, n + 1)[:, None]
        out.append(a + t * (b - a))
    return np.concatenate(out) if out else np.empty((0, 2))


def data_points_display(ax, renderer=None) -> list[tuple[np.ndarray, float]]:
    """Every data point of ``ax`` in display pixels, as ``(points, radius_px)`` groups.

    Lines (``Line2D``: curves, markers, reference lines) and line collections (error
    bars) are included; points outside the axes box are dropped, since they are not
    drawn.  ``radius_px`` is half the marker size for marker points and half the line
    width for line pieces.
    """
    from matplotlib.collections import LineCollection

    fig = ax.figure
    px_per_pt = fig.dpi / 72.0
    groups: list[tuple[np.ndarray, float]] = []
    for line in ax.get_lines():
        if not line.get_visible():
            continue
        xy = np.asarray(line.get_xydata(), dtype=float)
        if xy.size == 0:
            continue
        disp = line.get_transform().transform(xy)
        if line.get_marker() not in (None, "", "None", "none", " "):
            groups.append((disp[np.all(np.isfinite(disp), axis=1)], 0.5 * line.get_markersize() * px_per_pt))
        if line.get_linestyle() not in ("None", "none", "", " ") and len(disp) > 1:
            groups.append((_densify(disp), 0.5 * line.get_linewidth() * px_per_pt))
    for coll in ax.collections:
        if not (isinstance(coll, LineCollection) and coll.get_visible()):
            continue
        tr = coll.get_transform()
        lw = float(np.max(coll.get_linewidths())) if len(coll.get_linewidths()) else 1.0
        for seg in coll.get_segments():
            seg = np.asarray(seg, dtype=float)
            if len(seg) > 1:
                groups.append((_densify(tr.transform(seg)), 0.5 * lw * px_per_pt))
    box = ax.bbox
    kept = []
    for pts, r in groups:
        if len(pts):
            inside = ((pts[:, 0] >= box.x0 - 0.5) & (pts[:, 0] <= box.x1 + 0.5) & (pts[:, 1] >= box.y0 - 0.5)
                      & (pts[:, 1] <= box.y1 + 0.5))
            if inside.any():
                kept.append((pts[inside], r))
    return kept


def legend_collisions(ax, legend=None, renderer=None) -> int:
    """Number of data points of ``ax`` that lie under ``legend`` (default: the axes' legend).

    A point collides when its marker disc (or line half-width) touches the legend's
    window extent.  Returns 0 when there is no legend.
    """
    legend = legend if legend is not None else ax.get_legend()
    if legend is None or not legend.get_visible():
        return 0
    renderer = renderer or ax.figure.canvas.get_renderer()
    bb = legend.get_window_extent(renderer)
    n = 0
    for pts, r in data_points_display(ax, renderer):
        hit = ((pts[:, 0] >= bb.x0 - r) & (pts[:, 0] <= bb.x1 + r) & (pts[:, 1] >= bb.y0 - r)
               & (pts[:, 1] <= bb.y1 + r))
        n += int(hit.sum())
    return n


def figure_legend_collisions(fig) -> dict[int, int]:
    """``{axes index: colliding points}`` for every axes of ``fig`` whose legend covers data."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    out = {}
    for i, ax in enumerate(fig.axes):
        n = legend_collisions(ax, renderer=renderer)
        if n:
            out[i] = n
    return out
