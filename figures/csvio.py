"""Figure data <-> CSV: every theory point and every simulated point, re-plottable.

One CSV file per figure.  Its first lines are comments (``#``): a format tag and one
JSON line holding the layout (figure id, title, caption, info, and each panel's
labels, scales, reference lines and series styles).  Then one row per data point::

    panel, panel_type, series, label, group, kind, x, y, yerr, z, <meta columns...>

* ``kind`` is ``line`` (theory curve), ``points`` (simulation: ``y`` is the mean over
  repeats, ``yerr`` its standard error) or ``cell`` (a heat-map cell, value ``z``).
* The meta columns are the union of the keys of the series' ``params`` (written on
  every row of the series: the parameters of a theory curve) and of the simulated
  points' ``meta`` records (``d``, ``reps``, ``seed``, ``spawn_key``, the model
  parameters ...); non-scalar values are written as JSON.
* Floats are written with ``repr`` (17 significant digits) so that reading back gives
  bit-identical arrays; NaN is ``nan``.

:func:`read_figure_csv` rebuilds the :class:`~iclverify.figures.registry.FigureData`,
so :func:`iclverify.figures.render.replot_from_csv` draws the figure without
computing anything.

Examples
--------
>>> import os, tempfile
>>> from iclverify.figures.registry import FigureData, LinePanel, Series
>>> data = FigureData([LinePanel("A", "$x$", "$y$", [Series("curve", [0.1, 1.0], [1 / 3, 2.0])])])
>>> path = write_figure_csv(os.path.join(tempfile.mkdtemp(), "f.csv"), "demo", "Demo", data)
>>> layout, back = read_figure_csv(path)
>>> layout["id"], back.panels[0].series[0].y.tolist() == [1 / 3, 2.0]
('demo', True)
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from iclverify.figures.registry import FigureData, HeatmapPanel, LinePanel, Series

__all__ = ["FORMAT_TAG", "write_figure_csv", "read_figure_csv"]

FORMAT_TAG = "# iclverify-figure-csv v1"
_BASE_COLS = ["panel", "panel_type", "series", "label", "group", "kind", "x", "y", "yerr", "z"]
_SERIES_STYLE = ("label", "kind", "group", "linestyle", "connect", "marker", "params", "filled", "dodge")


def _num(v: Any) -> str:
    if v is None:
        return ""
    f = float(v)
    return "nan" if math.isnan(f) else repr(f)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return json.dumps(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return _num(v)
    if isinstance(v, str):
        return v
    if isinstance(v, np.ndarray):
        v = v.tolist()
    return json.dumps(v, sort_keys=True, default=_json_default)


def _json_default(o: Any) -> Any:
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, np.generic):
        return o.item()
    return str(o)


def _layout(fig_id: str, title: str, data: FigureData) -> dict:
    panels = []
    for p in data.panels:
        if isinstance(p, LinePanel):
            d = {f.name: getattr(p, f.name) for f in dataclasses.fields(p) if f.name != "series"}
            d["type"] = "line"
            d["series"] = [{k: getattr(s, k) for k in _SERIES_STYLE} for s in p.series]
        else:
            d = {f.name: getattr(p, f.name) for f in dataclasses.fields(p) if f.name not in ("x", "y", "z")}
            d["type"] = "heatmap"
            d["shape"] = list(np.shape(p.z))
        panels.append(d)
    return {"id": fig_id, "title": title, "caption": data.caption, "info": data.info, "notes": list(data.notes),
            "panels": panels}


def write_figure_csv(path: str | Path, fig_id: str, title: str, data: FigureData) -> Path:
    """Write ``data`` to ``path`` (see the module docstring for the format)."""
    path = Path(path)
    meta_cols: list[str] = []
    for p in data.panels:
        for s in getattr(p, "series", []):
            for m in [s.params, *s.meta]:
                for k in m:
                    if k not in meta_cols and k not in _BASE_COLS:
                        meta_cols.append(k)
    with path.open("w", newline="") as fh:
        fh.write(FORMAT_TAG + "\n")
        fh.write("# " + json.dumps(_layout(fig_id, title, data), default=_json_default) + "\n")
        w = csv.writer(fh)
        w.writerow(_BASE_COLS + meta_cols)
        for pi, p in enumerate(data.panels):
            if isinstance(p, LinePanel):
                for si, s in enumerate(p.series):
                    yerr = s.yerr if s.yerr is not None else [None] * len(s.x)
                    for j, (x, y, e) in enumerate(zip(s.x, s.y, yerr)):
                        meta = {**s.params, **(s.meta[j] if j < len(s.meta) else {})}
                        w.writerow([pi, "line", si, s.label, s.group or "", s.kind, _num(x), _num(y), _num(e), ""]
                                   + [_cell(meta.get(k)) for k in meta_cols])
            else:
                z = np.asarray(p.z, dtype=float)
                blank = [""] * len(meta_cols)
                for i, y in enumerate(p.y):
                    for j, x in enumerate(p.x):
                        w.writerow([pi, "heatmap", "", "", "", "cell", _num(x), _num(y), "", _num(z[i, j])] + blank)
    return path


def _parse_meta(v: str) -> Any:
    if v == "":
        return None
    try:
        return json.loads(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


def read_figure_csv(path: str | Path) -> tuple[dict, FigureData]:
    """Read a figure CSV; returns ``(layout, FigureData)`` with bit-identical arrays."""
    path = Path(path)
    with path.open(newline="") as fh:
        tag = fh.readline().rstrip("\n")
        if tag != FORMAT_TAG:
            raise ValueError(f"{path} is not an iclverify figure CSV (first line {tag!r}, expected {FORMAT_TAG!r})")
        layout = json.loads(fh.readline()[1:])
        reader = csv.reader(fh)
        header = next(reader)
        meta_cols = header[len(_BASE_COLS):]
        rows: dict[int, list[list[str]]] = {}
        for r in reader:
            rows.setdefault(int(r[0]), []).append(r)
    panels = []
    for pi, spec in enumerate(layout["panels"]):
        prow = rows.get(pi, [])
        spec = dict(spec)
        ptype = spec.pop("type")
        if ptype == "line":
            styles = spec.pop("series")
            series = []
            for si, st in enumerate(styles):
                srows = [r for r in prow if r[2] == str(si)]
                x = [float(r[6]) for r in srows]
                y = [float(r[7]) for r in srows]
                has_err = any(r[8] != "" for r in srows)
                yerr = [float(r[8]) if r[8] != "" else math.nan for r in srows] if has_err else None
                params = st.get("params") or {}
                meta = []
                for r in srows:
                    m = {k: _parse_meta(v) for k, v in zip(meta_cols, r[len(_BASE_COLS):])
                         if v != "" and k not in params}
                    if m:
                        meta.append(m)
                series.append(Series(label=st["label"], x=x, y=y, kind=st["kind"], yerr=yerr, group=st["group"],
                                     linestyle=st["linestyle"], meta=meta, connect=st.get("connect", False),
                                     marker=st.get("marker"), params=params, filled=st.get("filled", False),
                                     dodge=st.get("dodge", 0.0)))
            for key in ("vlines", "hlines", "markers"):
                spec[key] = [tuple(v) for v in spec.get(key, [])]
            for key in ("xlim", "ylim"):
                if spec.get(key) is not None:
                    spec[key] = tuple(spec[key])
            panels.append(LinePanel(series=series, **spec))
        else:
            ny, nx = spec.pop("shape")
            vals = np.array([[float(r[6]), float(r[7]), float(r[9])] for r in prow]).reshape(ny, nx, 3)
            for key in ("vlines", "markers", "zticks"):
                spec[key] = [tuple(v) for v in spec.get(key, [])]
            panels.append(HeatmapPanel(x=vals[0, :, 0], y=vals[:, 0, 1], z=vals[:, :, 2], **spec))
    return layout, FigureData(panels=panels, caption=layout.get("caption", ""), info=layout.get("info", {}),
                              notes=list(layout.get("notes", [])))
