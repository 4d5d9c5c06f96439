"""Marchenko-Pastur transforms and a generalised (Silverstein) Marchenko-Pastur solver.

The Lu et al. (2024) formulas are written in terms of one function of the empirical task
covariance :math:`\\hat R = \\frac1k\\sum_{j\\le k} w_j w_j^\\top`, :math:`w_j\\sim\\mathcal N(0, I_d)`,
whose spectrum converges to the Marchenko-Pastur law with aspect ratio :math:`d/k = 1/\\kappa`
(mean 1, an atom of mass :math:`1-\\kappa` at 0 when :math:`\\kappa<1`):

.. math::

    M_\\kappa(x) = \\int\\frac{\\mu_{\\rm MP}(ds)}{s+x}
                = \\frac{2}{x+1-\\frac1\\kappa+\\sqrt{(x+1-\\frac1\\kappa)^2+\\frac{4x}{\\kappa}}},\\qquad x>0,

the positive root of :math:`\\frac{x}{\\kappa}M^2+(x+1-\\frac1\\kappa)M-1=0`, and its derivative
:math:`M'_\\kappa(x) = -\\mathbb E[(s+x)^{-2}]` (note ``lu2024_asymptotic.md`` §3.1, [CODE] ``M_kappa``,
``S_Wishart_derivative``).  Everything is parametrised internally by :math:`u = 1/\\kappa`, so that
``kappa = inf`` gives :math:`M_\\infty(x) = 1/(1+x)` exactly instead of ``inf * 0 = nan`` (note §7).

Three evaluators of the same closed form are provided: sympy expressions
(:func:`mp_transform_expr`), vectorised numpy (:func:`mp_transform`, which switches to the
algebraically equal, cancellation-free root formula when :math:`x+1-1/\\kappa<0`) and mpmath at a
chosen precision (``dps=``).  :func:`silverstein_transform` solves the generalised MP equation for
an arbitrary population spectrum, for checking the isotropic closed form and for anisotropic task
priors.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from iclverify.theory.parameters import Interval, check_value, validated
from iclverify.theory.exposure import expose
from iclverify.theory.domains import COMMON, LU2024

__all__ = [
    "inverse_kappa",
    "mp_transform",
    "mp_transform_derivative",
    "mp_transform_expr",
    "mp_transform_derivative_expr",
    "mp_moments",
    "silverstein_transform",
    "empirical_transform",
]

_ASPECT = Interval(0, math.inf, description="aspect ratio gamma = d/k of the sample covariance")


# ---------------------------------------------------------------------------------------------
# kappa -> u = 1/kappa, the variable every formula is written in


def inverse_kappa(kappa: Any) -> Any:
    """Return :math:`u = 1/\\kappa` with ``1/inf = 0`` exactly (numpy arrays, floats or mpf).

    Examples
    --------
    >>> inverse_kappa(float("inf")), inverse_kappa(0.5)
    (0.0, 2.0)
    """
    if isinstance(kappa, mpmath.mpf):
        return mpmath.mpf(0) if mpmath.isinf(kappa) else 1 / kappa
    if isinstance(kappa, (sp.Basic,)):
        return sp.Integer(0) if kappa is sp.oo else 1 / kappa
    k = np.asarray(kappa, dtype=float)
    with np.errstate(divide="ignore"):
        u = np.where(np.isposinf(k), 0.0, 1.0 / k)
    return float(u) if u.ndim == 0 else u


# ---------------------------------------------------------------------------------------------
# sympy


def mp_transform_expr(x: Any, u: Any) -> sp.Expr:
    """Sympy expression of :math:`M_\\kappa(x)` with :math:`u=1/\\kappa` (note §3.1, [CODE]).

    Examples
    --------
    >>> import sympy as sp
    >>> sp.simplify(mp_transform_expr(sp.Rational(1, 2), 0))   # 1/(1+x)
    2/3
    """
    x, u = sp.sympify(x), sp.sympify(u)
    b = x + 1 - u
    return 2 / (b + sp.sqrt(b**2 + 4 * x * u))


def mp_transform_derivative_expr(x: Any, u: Any) -> sp.Expr:
    """Sympy expression of :math:`M'_\\kappa(x)=-\\tfrac12M^2\\big(1+\\frac{x+1+u}{\\sqrt{(x+1-u)^2+4xu}}\\big)`."""
    x, u = sp.sympify(x), sp.sympify(u)
    m = mp_transform_expr(x, u)
    return -m**2 / 2 * (1 + (x + 1 + u) / sp.sqrt((x + 1 - u) ** 2 + 4 * x * u))


# ---------------------------------------------------------------------------------------------
# numpy / mpmath


def _m_numpy(x: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Stable M for x > 0, u >= 0 (arrays, broadcast)."""
    x, u = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(u, dtype=float))
    b = x + 1.0 - u
    with np.errstate(over="ignore", invalid="ignore"):
        root = np.sqrt(b * b + 4.0 * x * u)
    # where b^2 or 4xu overflows (|b| > 1e154): hypot, which never squares b; elsewhere the plain form,
    # so that ordinary values keep their bits
    far = ~np.isfinite(root)
    if np.any(far):
        root = np.where(far, np.hypot(b, 2.0 * np.sqrt(x) * np.sqrt(u)), root)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # b >= 0: 2/(b+root) has no cancellation; b < 0 (then u > 1 > 0): the other form of the
        # same positive root, (root - b)/(2xu), has none either (divided by u first: with b < 0, u > 1).
        plain = (root - b) / (2.0 * x * u)
        out = np.where(b >= 0, 2.0 / (b + root),
                       np.where(np.isfinite(plain) & (plain != 0), plain, (root - b) / u / (2.0 * x)))
    return out


def _dm_numpy(x: np.ndarray, u: np.ndarray, m: np.ndarray | None = None) -> np.ndarray:
    x, u = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(u, dtype=float))
    m = _m_numpy(x, u) if m is None else m
    with np.errstate(over="ignore", invalid="ignore"):
        root = np.sqrt((x + 1.0 - u) ** 2 + 4.0 * x * u)
        far = ~np.isfinite(root)
        if np.any(far):  # as in _m_numpy: hypot only where the plain form overflows
            root = np.where(far, np.hypot(x + 1.0 - u, 2.0 * np.sqrt(x) * np.sqrt(u)), root)
        out = -0.5 * m * m * (1.0 + (x + 1.0 + u) / root)
        # m^2 alone overflows for x -> 0 with u large: m * (m * ...) there
        return np.where(np.isfinite(out), out, -0.5 * m * (m * (1.0 + (x + 1.0 + u) / root)))


def _m_mp(x: Any, u: Any) -> mpmath.mpf:
    x, u = mpmath.mpf(x), mpmath.mpf(u)
    b = x + 1 - u
    root = mpmath.sqrt(b * b + 4 * x * u)
    return 2 / (b + root) if b >= 0 else (root - b) / (2 * x * u)


def _dm_mp(x: Any, u: Any) -> mpmath.mpf:
    x, u = mpmath.mpf(x), mpmath.mpf(u)
    m = _m_mp(x, u)
    root = mpmath.sqrt((x + 1 - u) ** 2 + 4 * x * u)
    return -m * m / 2 * (1 + (x + 1 + u) / root)


def _scalar_or_array(a: np.ndarray) -> Any:
    return float(a) if np.ndim(a) == 0 else a


@expose("rmt.mp_transform")
@validated(LU2024, dps=COMMON["dps"])
def mp_transform(x: Any, kappa: Any, *, dps: int | None = None) -> Any:
    """Marchenko-Pastur transform :math:`M_\\kappa(x)=\\int\\mu_{\\rm MP}(ds)/(s+x)` ([CODE] ``M_kappa``, note §3.1).

    Parameters
    ----------
    x : float or array_like
        Argument, ``x > 0``.
    kappa : float or array_like
        Task diversity :math:`\\kappa=k/d` (aspect ratio of the spectrum :math:`1/\\kappa`);
        ``inf`` gives :math:`1/(1+x)`.
    dps : int, optional
        Evaluate with mpmath at this many decimal digits (scalars only).

    Returns
    -------
    float, ndarray or mpmath.mpf

    Examples
    --------
    >>> round(mp_transform(1.0, float("inf")), 12)
    0.5
    >>> round(mp_transform(0.1, 0.5), 10)
    5.4221443851
    """
    if dps is not None:
        with mpmath.workdps(dps):
            return +_m_mp(mpmath.mpf(x), inverse_kappa(mpmath.mpf(kappa)))
    return _scalar_or_array(_m_numpy(x, inverse_kappa(kappa)))


@expose("rmt.mp_transform_derivative")
@validated(LU2024, dps=COMMON["dps"])
def mp_transform_derivative(x: Any, kappa: Any, *, dps: int | None = None) -> Any:
    """Derivative :math:`M'_\\kappa(x)=-\\mathbb E_{\\rm MP}[(s+x)^{-2}]` ([CODE] ``S_Wishart_derivative``, note §3.1).

    Examples
    --------
    >>> round(mp_transform_derivative(1.0, float("inf")), 12)   # -1/(1+x)^2
    -0.25
    """
    if dps is not None:
        with mpmath.workdps(dps):
            return +_dm_mp(mpmath.mpf(x), inverse_kappa(mpmath.mpf(kappa)))
    return _scalar_or_array(_dm_numpy(x, inverse_kappa(kappa)))


@validated(LU2024)
def mp_moments(x: Any, kappa: Any) -> dict:
    """The MP moments the Lu et al. formulas use, from :math:`M=M_\\kappa(x)` and :math:`M'`.

    With :math:`s\\sim\\mu_{\\rm MP}` (mean 1):
    ``inv`` :math:`=\\mathbb E\\frac1{s+x}=M`, ``inv2`` :math:`=\\mathbb E\\frac1{(s+x)^2}=-M'`,
    ``ratio`` :math:`=\\mathbb E\\frac{s}{s+x}=1-xM`,
    ``ratio2`` :math:`=\\mathbb E\\frac{s^2}{(s+x)^2}=1-2xM-x^2M'`,
    ``s2_over`` :math:`=\\mathbb E\\frac{s^2}{s+x}=1-x+x^2M` ([DERIVED], note §3.2-§3.3).

    Examples
    --------
    >>> m = mp_moments(1.0, float("inf"))
    >>> round(m["ratio"], 12), round(m["ratio2"], 12)
    (0.5, 0.25)
    """
    u = inverse_kappa(kappa)
    m = _m_numpy(x, u)
    dm = _dm_numpy(x, u, m)
    x = np.asarray(x, dtype=float)
    out = {
        "inv": m,
        "inv2": -dm,
        "ratio": 1.0 - x * m,
        "ratio2": 1.0 - 2.0 * x * m - x * x * dm,
        "s2_over": 1.0 - x + x * x * m,
    }
    return {k: _scalar_or_array(v) for k, v in out.items()}


# ---------------------------------------------------------------------------------------------
# generalised Marchenko-Pastur (Silverstein) equation


def silverstein_transform(x: Any, eigenvalues: Any, weights: Any = None, gamma: float = 1.0, *,
                          derivative: bool = False, tol: float = 1e-15, max_iter: int = 200) -> Any:
    """Limit of :math:`\\frac1d\\mathrm{tr}(S+xI)^{-1}` for :math:`S=\\Sigma^{1/2}XX^\\top\\Sigma^{1/2}/k`.

    Solves the generalised Marchenko-Pastur (Silverstein) equation on the negative real axis
    :math:`z=-x`, :math:`x>0`:

    .. math::

        M(x) = \\sum_i \\frac{w_i}{t_i\\,(1-\\gamma+\\gamma x M(x)) + x},

    for a population spectrum with eigenvalues :math:`t_i\\ge0` and weights :math:`w_i` (summing to
    1), aspect ratio :math:`\\gamma=d/k`.  For :math:`t=1` it reduces to the quadratic of
    :math:`M_\\kappa` with :math:`\\gamma=1/\\kappa` ([DERIVED]; tested against :func:`mp_transform`).

    The right-hand side minus :math:`M` is strictly decreasing in :math:`M` on the interval where
    every denominator is positive, positive at that interval's left end and negative at
    :math:`M=1/x`, so the root is unique and is found by a vectorised safeguarded Newton-bisection
    inside that bracket (no starting guesses).

    Parameters
    ----------
    x : float or array_like
        Points :math:`x>0`.
    eigenvalues, weights : array_like
        Population spectrum (weights default to uniform).
    gamma : float
        Aspect ratio :math:`d/k`.
    derivative : bool
        Also return :math:`dM/dx` (implicit differentiation).

    Returns
    -------
    M or (M, dM/dx) : float or ndarray

    Examples
    --------
    >>> round(silverstein_transform(0.1, [1.0], gamma=2.0), 10)   # equals mp_transform(0.1, 0.5)
    5.4221443851
    """
    x = check_value("x", x, LU2024["x"])
    gamma = check_value("gamma", gamma, _ASPECT)
    t = np.asarray(eigenvalues, dtype=float).ravel()
    if t.size == 0 or not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError(f"eigenvalues must be finite and >= 0; domain of eigenvalues is [0, inf)")
    w = np.full(t.size, 1.0 / t.size) if weights is None else np.asarray(weights, dtype=float).ravel()
    if w.shape != t.shape or np.any(w < 0) or not np.isclose(w.sum(), 1.0):
        raise ValueError("weights must be non-negative, one per eigenvalue, and sum to 1")
    xs = np.atleast_1d(np.asarray(x, dtype=float))
    shape = np.shape(x)
    X = xs.ravel()[:, None]
    tmax = t.max()

    def f_and_df(m):
        den = t[None, :] * (1.0 - gamma + gamma * X * m[:, None]) + X
        f = (w / den).sum(axis=1) - m
        df = -(w * t * gamma * X / den**2).sum(axis=1) - 1.0
        return f, df

    lo = np.zeros(X.shape[0])
    if tmax > 0:
        lo = np.maximum(lo, (gamma - 1.0 - X[:, 0] / tmax) / (gamma * X[:, 0]))
    hi = 1.0 / X[:, 0]
    m = 0.5 * (lo + hi)
    for _ in range(max_iter):
        f, df = f_and_df(m)
        # f decreasing: f > 0 means the root is to the right
        lo = np.where(f > 0, m, lo)
        hi = np.where(f > 0, hi, m)
        step = m - f / df
        inside = (step > lo) & (step < hi)
        new = np.where(inside, step, 0.5 * (lo + hi))
        done = np.abs(new - m) <= tol * np.abs(new)
        m = new
        if np.all(done):
            break
    out = m.reshape(shape)
    if not derivative:
        return _scalar_or_array(out)
    den = t[None, :] * (1.0 - gamma + gamma * X * m[:, None]) + X
    f_m = -(w * t * gamma * X / den**2).sum(axis=1) - 1.0
    f_x = -(w * (t * gamma * m[:, None] + 1.0) / den**2).sum(axis=1)
    dm = (-f_x / f_m).reshape(shape)
    return _scalar_or_array(out), _scalar_or_array(dm)


def empirical_transform(x: Any, eigenvalues: Any) -> tuple:
    """Empirical :math:`\\frac1d\\mathrm{tr}(S+xI)^{-1}` and :math:`\\frac1d\\mathrm{tr}(S+xI)^{-2}` from a spectrum.

    Examples
    --------
    >>> empirical_transform(1.0, [0.0, 1.0])
    (0.75, 0.625)
    """
    ev = np.asarray(eigenvalues, dtype=float).ravel()
    xs = np.asarray(x, dtype=float)
    r = 1.0 / (ev[None, :] + xs.reshape(-1, 1))
    m1, m2 = r.mean(axis=1), (r * r).mean(axis=1)
    if xs.ndim == 0:
        return float(m1[0]), float(m2[0])
    return m1.reshape(xs.shape), m2.reshape(xs.shape)
