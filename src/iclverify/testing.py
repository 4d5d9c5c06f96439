"""Assertions for testing closed forms, in the style of :mod:`numpy.testing`.

The three-way test: at each point, the exact value (sympy, evaluated to ``dps + 10`` digits) must agree
with the high-precision evaluation (mpmath at ``dps`` digits) to ``rtol_mp`` and with the float64 evaluation
(numpy) to ``rtol_np``.  It is the matching test of the one closed-form evaluator,
:class:`iclverify.theory.closed_form.ClosedForm`, and of every theory function with a ``dps`` path; the
package's own tests and a user's registered formulas use it alike.

Examples
--------
>>> import sympy as sp
>>> from iclverify.testing import assert_three_way, three_way_failures
>>> x = sp.Symbol("x", positive=True)
>>> exact = lambda v: 1 / (1 + sp.Rational(v))
>>> import mpmath
>>> assert_three_way([1, 3], exact, lambda v: 1 / (1 + mpmath.mpf(v)), lambda v: 1 / (1 + float(v)))
>>> three_way_failures([3], exact, lambda v: 1 / (1 + mpmath.mpf(v)), lambda v: 1 / (1.001 + v))[0][:10]
'point (3,)'
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable

import mpmath
import sympy as sp

__all__ = ["rel_diff", "ThreeWay", "three_way_at", "three_way_failures", "assert_three_way"]


def rel_diff(a: Any, b: Any, scale: Any = 0) -> float:
    """``|a - b| / max(|a|, |b|, |scale|)`` at the current mpmath precision (0 when equal).

    ``scale`` is the size of the terms of a quantity that may vanish (the difference of two errors), against
    which its error is measured.

    >>> rel_diff(1, 1.5)
    0.3333333333333333
    >>> rel_diff(0, 1e-20, scale=1.0)
    1e-20
    """
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    if a == b:
        return 0.0
    return float(abs(a - b) / max(abs(a), abs(b), abs(mpmath.mpf(scale))))


class ThreeWay(tuple):
    """``(mp_diff, np_diff, ok)`` of one point: the relative differences of the mpmath and float64 values from the
    exact one, and whether both are within tolerance (a non-finite float64 value never is)."""

    __slots__ = ()

    def __new__(cls, mp_diff: float, np_diff: float, ok: bool):
        return super().__new__(cls, (mp_diff, np_diff, ok))

    mp_diff = property(lambda self: self[0])
    np_diff = property(lambda self: self[1])
    ok = property(lambda self: self[2])


def three_way_at(exact: Any, got_mp: Any, got_np: float, *, rtol_mp: float, rtol_np: float,
                 scale: Any = 0) -> ThreeWay:
    """The three-way comparison at one point, given the three values (the one definition of agreement).

    Parameters
    ----------
    exact : mpf or number
        The exact value, already evaluated to more digits than ``got_mp``.
    got_mp, got_np
        The high-precision and the float64 evaluations.
    rtol_mp, rtol_np : float
        Tolerances on :func:`rel_diff` from ``exact``.
    scale : number
        As in :func:`rel_diff` (0: relative error; where the quantity can vanish, the size of its terms).

    >>> three_way_at(mpmath.mpf(2), mpmath.mpf(2), 2.0000000001, rtol_mp=1e-30, rtol_np=1e-9).ok
    True
    """
    d_mp = rel_diff(exact, got_mp, scale)
    finite = math.isfinite(float(got_np))
    d_np = rel_diff(exact, got_np, scale) if finite else math.inf
    return ThreeWay(d_mp, d_np, bool(finite and d_mp <= rtol_mp and d_np <= rtol_np))


def _as_tuple(p: Any) -> tuple:
    return tuple(p) if isinstance(p, (tuple, list)) else (p,)


def three_way_failures(points: Iterable[Any], exact: Callable[..., Any], mp_eval: Callable[..., Any],
                       np_eval: Callable[..., Any], *, rtol_mp: float = 1e-40, rtol_np: float = 1e-9, dps: int = 50,
                       scale: Callable[..., Any] | None = None) -> list[str]:
    """Evaluate at every point: sympy exact -> mpmath (``dps`` digits) -> numpy float64; list the disagreements.

    Parameters
    ----------
    points : iterable
        Points, each a tuple of arguments (a single argument may be given bare).
    exact : callable
        ``exact(*p)`` -> sympy expression or number: the exact value (evaluated to ``dps + 10`` digits).
    mp_eval : callable
        ``mp_eval(*p)`` -> mpf, called inside ``mpmath.workdps(dps)``.
    np_eval : callable
        ``np_eval(*p)`` -> float.
    rtol_mp, rtol_np : float
        Largest relative differences (:func:`rel_diff`) of the mpmath and float64 values from the exact one.
    dps : int
        Digits of the mpmath evaluation.
    scale : callable, optional
        ``scale(*p)``: the magnitude of the terms of a quantity that can be exactly 0, against which its
        error is measured.

    Returns
    -------
    list of str
        One line per failing point with both relative differences (empty when all agree), so that an
        assertion message lists every bad point.
    """
    failures = []
    for p in points:
        p = _as_tuple(p)
        ref = sp.N(exact(*p), dps + 10)
        with mpmath.workdps(dps + 10):
            ref_mp = mpmath.mpf(str(ref))
        with mpmath.workdps(dps):
            got_mp = mp_eval(*p)
        got_np = float(np_eval(*p))
        size = 0 if scale is None else float(scale(*p))
        with mpmath.workdps(dps + 10):
            d_mp, d_np, ok = three_way_at(ref_mp, got_mp, got_np, rtol_mp=rtol_mp, rtol_np=rtol_np, scale=size)
        if not ok:
            failures.append(f"point {p}: sympy={sp.N(ref, 20)} mpmath rel.diff={d_mp:.3g} "
                            f"numpy={got_np!r} rel.diff={d_np:.3g}")
    return failures


def assert_three_way(points: Iterable[Any], exact: Callable[..., Any], mp_eval: Callable[..., Any],
                     np_eval: Callable[..., Any], **kwargs: Any) -> None:
    """Raise ``AssertionError`` listing every point where :func:`three_way_failures` finds a disagreement."""
    bad = three_way_failures(points, exact, mp_eval, np_eval, **kwargs)
    if bad:
        raise AssertionError(f"three-way disagreement (sympy / mpmath / numpy) at {len(bad)} point(s):\n"
                             + "\n".join(bad))
