"""Data-level regression of figures: theory arrays against stored reference arrays.

Every registered figure is built with ``FigureConfig(quick=True, theory_only=True)``;
its theory arrays (every ``kind="line"`` series, every heat map and every marked
point) are compared with ``figures/reference/<id>.npz``.  Simulated points are not
stored here: they are random and are checked against theory by the calibrated
comparison instead (``tests/figures/test_figures_lu2024.py``).

Tolerances (:data:`RTOL`, :data:`ATOL`): the theory is closed-form float64 (plus
bracketing root solves to ~1e-12), so agreement to 1e-8 relative is expected on any
platform; a change beyond that is a change of the formula or of the grid.  Integer
heat maps (grid indices of minima) may differ in a few cells where two grid values
tie to rounding, so up to :data:`MAX_INDEX_MISMATCH` of their cells may differ.

Regenerate after an intended change with::

    python -m iclverify.figures.regression --update [ID ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from iclverify.figures.registry import FigureConfig, FigureData, LinePanel, all_figures, get_figure

__all__ = ["REFERENCE_DIR", "RTOL", "ATOL", "MAX_INDEX_MISMATCH", "theory_arrays", "update_reference",
           "compare_reference", "main"]

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
RTOL = 1e-8
ATOL = 1e-12
MAX_INDEX_MISMATCH = 1e-3


def theory_arrays(data: FigureData) -> dict[str, np.ndarray]:
    """The theory arrays of a figure, keyed ``p<panel>.<what>`` (labels kept in ``p<panel>.labels``)."""
    out: dict[str, np.ndarray] = {}
    for pi, p in enumerate(data.panels):
        if isinstance(p, LinePanel):
            labels = []
            for si, s in enumerate(p.series):
                if s.kind != "line":
                    continue
                out[f"p{pi}.s{si}.x"] = np.asarray(s.x, dtype=float)
                out[f"p{pi}.s{si}.y"] = np.asarray(s.y, dtype=float)
                labels.append(f"s{si}={s.label}")
            if p.markers:
                out[f"p{pi}.markers"] = np.array([[m[0], m[1]] for m in p.markers], dtype=float)
            out[f"p{pi}.labels"] = np.array(labels, dtype=str)
        else:
            out[f"p{pi}.x"] = np.asarray(p.x, dtype=float)
            out[f"p{pi}.y"] = np.asarray(p.y, dtype=float)
            out[f"p{pi}.z"] = np.asarray(p.z, dtype=float)
    return out


def _build(fig_id: str) -> FigureData:
    return get_figure(fig_id).build(FigureConfig(quick=True, theory_only=True, store=False))


def update_reference(ids: list[str] | None = None, directory: Path = REFERENCE_DIR) -> list[Path]:
    """Rebuild and store the reference arrays of ``ids`` (default: every figure with ``reference=True``)."""
    directory.mkdir(parents=True, exist_ok=True)
    specs = [get_figure(i) for i in ids] if ids else [s for s in all_figures() if s.reference]
    paths = []
    for s in specs:
        path = directory / f"{s.id}.npz"
        np.savez_compressed(path, **theory_arrays(_build(s.id)))
        paths.append(path)
    return paths


def compare_reference(fig_id: str, data: FigureData | None = None, directory: Path = REFERENCE_DIR) -> list[str]:
    """Differences between a figure's theory arrays and its reference; an empty list means it matches."""
    path = directory / f"{fig_id}.npz"
    if not path.exists():
        return [f"no reference {path.name}; create it with `python -m iclverify.figures.regression --update {fig_id}`"]
    data = data if data is not None else _build(fig_id)
    new = theory_arrays(data)
    problems = []
    with np.load(path) as ref:
        if set(ref.files) != set(new):
            problems.append(f"array keys differ: missing {sorted(set(ref.files) - set(new))}, "
                            f"new {sorted(set(new) - set(ref.files))}")
        for k in sorted(set(ref.files) & set(new)):
            a, b = ref[k], new[k]
            if a.dtype.kind in "US":
                if a.tolist() != b.tolist():
                    problems.append(f"{k}: labels {b.tolist()} != reference {a.tolist()}")
                continue
            if a.shape != b.shape:
                problems.append(f"{k}: shape {b.shape} != reference {a.shape}")
                continue
            finite = np.isfinite(a) & np.isfinite(b)
            if k.endswith(".z") and np.all(np.isnan(a) | (a == np.round(a))):
                bad = ~((np.isnan(a) & np.isnan(b)) | (a == b))
                frac = bad.mean() if bad.size else 0.0
                if frac > MAX_INDEX_MISMATCH:
                    problems.append(f"{k}: {bad.sum()} of {bad.size} index cells differ ({frac:.2%} > "
                                    f"{MAX_INDEX_MISMATCH:.2%})")
                continue
            if not np.array_equal(np.isnan(a), np.isnan(b)):
                problems.append(f"{k}: NaN pattern differs in {int(np.sum(np.isnan(a) != np.isnan(b)))} entries")
            close = np.isclose(b[finite], a[finite], rtol=RTOL, atol=ATOL)
            if not close.all():
                i = np.flatnonzero(~close)
                rel = np.abs(b[finite] - a[finite]) / np.maximum(np.abs(a[finite]), ATOL)
                problems.append(f"{k}: {i.size} of {close.size} values differ beyond rtol={RTOL:g}; worst relative "
                                f"difference {rel.max():.3g}")
    return problems


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m iclverify.figures.regression",
                                description="check or regenerate the figures' reference theory arrays")
    p.add_argument("ids", nargs="*", help="figure ids (default: all with reference=True)")
    p.add_argument("--update", action="store_true", help="rewrite the reference arrays")
    args = p.parse_args(argv)
    if args.update:
        for path in update_reference(args.ids or None):
            print(f"wrote {path}")
        return 0
    ids = args.ids or [s.id for s in all_figures() if s.reference]
    bad = 0
    for i in ids:
        problems = compare_reference(i)
        bad += bool(problems)
        print(f"{'ok  ' if not problems else 'DIFF'} {i}" + "".join(f"\n     {m}" for m in problems))
    return 1 if bad else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
