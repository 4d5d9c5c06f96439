"""A built-in example for the extension battery: the one-step preconditioned-GD risk.

For isotropic Gaussian features x_i ~ N(0, I_d), task beta ~ N(0, I_d), label noise of
variance sigma2 and n in-context examples, one step of GD with the optimal
preconditioner W* = I / (n + d + 1 + sigma2) (equivalently the optimal one-layer linear
attention) has the exact risk

    L*(d, n, sigma2) = d + sigma2 - n d / (n + d + 1 + sigma2),

which is d (d + 1) / (n + d + 1) without noise (Li, Rawat, Oymak 2024, Eq. 8, special
case; note li2024_finegrained.md §3.1 [MATH; CHECKED]).  The simulator draws the
prompt, forms the estimate w = W* X^T y, and returns the risk conditional on the prompt,
``||beta - w||^2 + sigma2`` (the query and its noise integrated out exactly, which keeps
the variance low); its mean is L* exactly, for every d and n, so no finite-d allowance
is needed.

Not a ``claims_*`` module: it is registered on demand (:func:`register_example`) by the
self-test and the extension tests, not in the package's own report.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from iclverify.theory.parameters import Interval

__all__ = ["pgd_risk_expr", "simulate_pgd_risk", "PGD_DOMAINS", "register_example"]

inf = math.inf

#: Domains of the example's parameters.
PGD_DOMAINS = {
    "d": Interval(1, inf, low_open=False, integer=True, description="feature dimension"),
    "n": Interval(1, inf, low_open=False, integer=True, description="number of in-context examples"),
    "sigma2": Interval(0, inf, low_open=False, description="label-noise variance"),
}


def pgd_risk_expr() -> sp.Expr:
    """The exact risk ``d + sigma2 - n d / (n + d + 1 + sigma2)`` as a sympy expression.

    Examples
    --------
    >>> e = pgd_risk_expr()
    >>> d, n, s = sp.symbols("d n sigma2")
    >>> sp.simplify(e.subs(s, 0) - d * (d + 1) / (n + d + 1))
    0
    """
    d, n, s = sp.symbols("d n sigma2")
    return d + s - n * d / (n + d + 1 + s)


def simulate_pgd_risk(params: dict, rng: np.random.Generator, size: int) -> np.ndarray:
    """``size`` independent prompt-conditional risks of one-step GD with ``W* = I/(n+d+1+sigma2)``.

    Examples
    --------
    >>> x = simulate_pgd_risk({"d": 3, "n": 5, "sigma2": 0.0}, np.random.default_rng(0), 4)
    >>> x.shape
    (4,)
    """
    d, n, s2 = int(params["d"]), int(params["n"]), float(params["sigma2"])
    X = rng.standard_normal((size, n, d))
    beta = rng.standard_normal((size, d))
    y = np.einsum("snd,sd->sn", X, beta) + math.sqrt(s2) * rng.standard_normal((size, n))
    w = np.einsum("snd,sn->sd", X, y) / (n + d + 1 + s2)
    return np.sum((beta - w) ** 2, axis=1) + s2


def _risk_decreases_in_n(f, p) -> bool:
    """More in-context examples never hurt the optimally preconditioned step."""
    return f(**{**p, "n": p["n"] + 1}) <= f(**p)


def register_example(claim_id: str = "example.pgd-risk", expr: sp.Expr | None = None, **kwargs):
    """Register the example (or a variant ``expr`` of it) with :func:`register_formula`."""
    from iclverify.checks.extension.battery import register_formula

    d, n, s = sp.symbols("d n sigma2")
    options = dict(
        domains=PGD_DOMAINS, simulate=simulate_pgd_risk,
        regime={"d": (2, 8), "n": (1, 24), "sigma2": (0, 1)},
        limits=[("n", sp.oo, s)], properties=[_risk_decreases_in_n],
        statement="One-step GD with the optimal preconditioner has risk d + sigma2 - n d/(n + d + 1 + sigma2) "
                  "for isotropic Gaussian data (exact for all d, n)",
        paper=claim_id.split(".", 1)[0], label="MATH, CHECKED", note_section="li2024_finegrained.md §3.1",
        samples=(10000, 100000), mc_points=(2, 4),
    )
    options.update(kwargs)
    return register_formula(claim_id, pgd_risk_expr() if expr is None else expr, **options)
