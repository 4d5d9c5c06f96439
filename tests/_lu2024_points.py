"""Shared helpers for the Lu et al. (2024) tests: printed-digit comparison and three-way agreement."""

from __future__ import annotations

import math

import mpmath
import sympy as sp

from iclverify.checks.reference.lu2024_note_values import decimals_of, matches_printed  # noqa: F401  (one definition)


def rel_diff(a, b, scale=0) -> float:
    """``|a - b| / max(|a|, |b|, scale)``; ``scale`` is the size of the terms for a difference that may vanish."""
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    if a == b:
        return 0.0
    return float(abs(a - b) / max(abs(a), abs(b), abs(mpmath.mpf(scale))))


def three_way(points, exact, mp_eval, np_eval, *, tol_mp: float = 1e-40, tol_np: float = 1e-9, dps: int = 50,
              scale=None):
    """Evaluate at every point: sympy exact → mpmath (``dps`` digits) → numpy float64.

    Returns the list of failure lines (empty when all agree), one per failing point with
    both relative differences, so an assertion message lists every bad point.  ``scale(*p)``
    gives the magnitude of the terms of a quantity that can be exactly 0 (the gap
    e_ICL - e_IDG vanishes at kappa = inf), against which its error is measured.
    """
    failures = []
    for p in points:
        ref = sp.N(exact(*p), dps + 10)
        with mpmath.workdps(dps + 10):
            ref_mp = mpmath.mpf(str(ref))
        with mpmath.workdps(dps):
            got_mp = mp_eval(*p)
        got_np = float(np_eval(*p))
        size = 0 if scale is None else float(scale(*p))
        with mpmath.workdps(dps + 10):
            d_mp = rel_diff(ref_mp, got_mp, size)
            d_np = rel_diff(ref_mp, got_np, size)
        if not (d_mp <= tol_mp and d_np <= tol_np and math.isfinite(got_np)):
            failures.append(f"point {p}: sympy={sp.N(ref, 20)} mpmath rel.diff={d_mp:.3g} "
                            f"numpy={got_np!r} rel.diff={d_np:.3g}")
    return failures
