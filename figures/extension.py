"""Figure data for a formula registered with ``register_formula``.

Theory curve (and the three negative-control curves closest to it, dashed) against simulated points
with standard-error bars along one parameter, the others held at the regime's centre.
Data only; the package's shared renderer draws it (``figures/registry.py``).
"""

from __future__ import annotations

import math

import numpy as np

from iclverify.figures.registry import FigureConfig, FigureData, LinePanel, Series

__all__ = ["build_figure"]


def _grid(lo: float, hi: float, integer: bool, log: bool, k: int) -> np.ndarray:
    if integer:
        vals = np.unique(np.round(np.geomspace(lo, hi, k) if log and lo > 0 else np.linspace(lo, hi, k)))
        return vals.astype(float)
    return np.geomspace(lo, hi, k) if log and lo > 0 else np.linspace(lo, hi, k)


def build_figure(spec, config: FigureConfig) -> FigureData:
    """Theory vs simulation along ``spec.figure_param``; point i uses ``SeedSequence(seed, spawn_key=(i,))``."""
    name = spec.figure_param
    base = spec.reference
    if name is None:
        raise ValueError(f"claim {spec.id!r}: every parameter is fixed in the regime; nothing to plot along")
    r, dom = spec.regime[name], spec.space[name]

    def ok(v):
        return bool(dom.contains(v))

    xs_line = [v for v in _grid(r.low, r.high, dom.integer, r.log, 60) if ok(v)]
    series = []
    ys = [spec.value({**base, name: int(v) if dom.integer else float(v)}) for v in xs_line]
    series.append(Series("theory", xs_line, ys, group="theory"))
    # The three controls closest to the theory: their rejection shows the check's resolution.
    curves = []
    for c in spec.controls:
        yc = np.array([spec.control_value(c, {**base, name: int(v) if dom.integer else float(v)}) for v in xs_line])
        # below the battery's resolution (delta/2) a control is dropped there, and here too
        if np.all(np.isfinite(yc)):
            dev = float(np.max(np.abs(yc - np.asarray(ys)) / np.maximum(np.abs(ys), 1e-300)))
            if dev >= float(spec.delta) / 2:
                curves.append((dev, c.name, yc))
    for _, cname, yc in sorted(curves, key=lambda t: t[0])[:3]:
        series.append(Series(f"control: {cname}", xs_line, yc, group=f"control-{cname}", linestyle="--"))
    info = {"fixed": base, "along": name}
    if spec.user_simulate is not None:
        n = config.reps or (spec.sample_sizes[0] if config.quick else spec.sample_sizes[1])
        # a d -> infinity formula (ds=) is drawn at its largest d: the points keep their finite-d bias
        kw = {} if spec.ds is None else {"d": max(spec.ds)}
        xs_pts = [v for v in _grid(r.low, r.high, dom.integer, r.log, 5 if config.quick else 9) if ok(v)]
        means, ses, meta = [], [], []
        for i, v in enumerate(xs_pts):
            p = {**base, name: int(v) if dom.integer else float(v)}
            rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(i,)))
            x = np.asarray(spec.user_simulate(dict(p), rng, n, **kw), dtype=float)
            means.append(float(x.mean()))
            ses.append(float(x.std(ddof=1) / math.sqrt(x.size)))
            meta.append({"params": p, "root_entropy": config.seed, "spawn_key": [i], "n": n})
        series.append(Series("simulation (mean +/- SE)", xs_pts, means, kind="points", yerr=ses, group="theory",
                             meta=meta))
        info["samples_per_point"] = n
        if kw:
            info["simulated_at_d"] = kw["d"]
    fixed = ", ".join(f"{k}={v:g}" for k, v in base.items() if k != name)
    panel = LinePanel(title=f"{spec.id}" + (f" ({fixed})" if fixed else ""), xlabel=name, ylabel="value",
                      series=series, xscale="log" if r.log else "linear")
    return FigureData([panel], caption=f"{spec.id}: theory (line), negative controls (dashed) and simulation "
                                       f"(points, +/- 1 SE) along {name}.", info=info)
