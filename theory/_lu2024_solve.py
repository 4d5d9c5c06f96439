"""The self-consistent ridge scalar ε of Lu et al. (2024), note ``lu2024_asymptotic.md`` §3.2.

.. math::

   h(\\varepsilon) = \\varepsilon M_\\kappa(q+\\varepsilon) - (1-\\tau) - \\frac{\\tau\\lambda}{\\varepsilon} = 0 .

:math:`g(\\varepsilon)=\\varepsilon M_\\kappa(q+\\varepsilon)=\\mathbb E_{\\rm MP}[\\varepsilon/(s+q+\\varepsilon)]`
increases strictly from 0 to 1 and :math:`-(1-\\tau)-\\tau\\lambda/\\varepsilon` increases strictly, so :math:`h` is
strictly increasing and the positive root is unique ([DERIVED]).  A bracket is known in closed form:

* :math:`h(\\varepsilon)\\le\\tau(1-\\lambda/\\varepsilon)<0` for :math:`\\varepsilon\\le\\lambda` (since
  :math:`g<1`), and :math:`h\\le\\varepsilon/q-(1-\\tau)<0` for :math:`\\varepsilon\\le(1-\\tau)q/2` (since
  :math:`g\\le\\varepsilon/q`);
* by Jensen :math:`g(\\varepsilon)\\ge\\varepsilon/(1+q+\\varepsilon)`, so :math:`h>0` at
  :math:`\\varepsilon=\\max(2(1+q)/\\tau,\\,2\\lambda)`.

The root is found by Newton steps kept inside the shrinking bracket (bisection, geometric
while the bracket spans decades, whenever a step leaves it); never from many starting
guesses.  With λ = 0 and τ < 1 the same solver gives the ridgeless :math:`\\varepsilon_0`.
"""

from __future__ import annotations

import mpmath
import numpy as np

from iclverify.theory.rmt import _dm_mp, _dm_numpy, _m_mp, _m_numpy

__all__ = ["epsilon_bracket", "solve_epsilon_numpy", "solve_epsilon_mp"]


def epsilon_bracket(q, u, tau, lam):
    """Closed-form bracket ``(lo, hi)`` with ``h(lo) < 0 < h(hi)`` (numpy arrays)."""
    lo = np.maximum(lam, 0.5 * np.maximum(1.0 - tau, 0.0) * q)
    hi = np.maximum(2.0 * (1.0 + q) / tau, 2.0 * lam)
    return lo, hi


def solve_epsilon_numpy(q, u, tau, lam, *, rtol: float = 4e-16, max_iter: int = 200) -> np.ndarray:
    """Vectorised safeguarded Newton-bisection for ε (1-d float arrays, broadcast together).

    Requires λ > 0, or λ = 0 with τ < 1, elementwise.
    """
    q, u, tau, lam = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (q, u, tau, lam)))
    lo, hi = epsilon_bracket(q, u, tau, lam)
    lo, hi = lo.copy(), hi.copy()
    x = np.sqrt(lo * hi)
    active = np.ones(x.shape, dtype=bool)
    for _ in range(max_iter):
        idx = np.nonzero(active)[0]
        if idx.size == 0:
            break
        xa, qa, ua, ta, la = x[idx], q[idx], u[idx], tau[idx], lam[idx]
        nu = qa + xa
        mv = _m_numpy(nu, ua)
        dmv = _dm_numpy(nu, ua, mv)
        h = xa * mv - (1.0 - ta) - ta * la / xa
        dh = mv + xa * dmv + ta * la / xa**2
        neg = h < 0
        lo_a = np.where(neg, xa, lo[idx])
        hi_a = np.where(neg, hi[idx], xa)
        lo[idx], hi[idx] = lo_a, hi_a
        step = xa - h / dh
        inside = (step > lo_a) & (step < hi_a) & np.isfinite(step)
        bis = np.where(hi_a > 4.0 * lo_a, np.sqrt(lo_a * hi_a), 0.5 * (lo_a + hi_a))
        new = np.where(h == 0, xa, np.where(inside, step, bis))
        conv = (np.abs(new - xa) <= rtol * new) | (h == 0) | (hi_a - lo_a <= rtol * hi_a)
        x[idx] = new
        active[idx] = ~conv
    return x


def solve_epsilon_mp(q, u, tau, lam, dps: int):
    """The same root in mpmath at ``dps`` digits (scalar mpf inputs), bracketed Newton-bisection."""
    with mpmath.workdps(dps + 10):
        q, u, tau, lam = (mpmath.mpf(v) for v in (q, u, tau, lam))
        lo = max(lam, (1 - tau) * q / 2 if tau < 1 else mpmath.mpf(0))
        hi = max(2 * (1 + q) / tau, 2 * lam)
        x = mpmath.sqrt(lo * hi)
        tol = mpmath.mpf(10) ** (-(dps + 5))
        for _ in range(20 * dps + 400):
            nu = q + x
            mv, dmv = _m_mp(nu, u), _dm_mp(nu, u)
            h = x * mv - (1 - tau) - tau * lam / x
            if h == 0:
                break
            if h < 0:
                lo = x
            else:
                hi = x
            step = x - h / (mv + x * dmv + tau * lam / x**2)
            if lo < step < hi:
                new = step
            else:
                new = mpmath.sqrt(lo * hi) if hi > 4 * lo else (lo + hi) / 2
            if abs(new - x) <= tol * new or hi - lo <= tol * hi:
                x = new
                break
            x = new
        return +x
