"""dMMSE baseline: the Bayes posterior mean under the uniform prior on the k training tasks.

Note ``lu2024_asymptotic.md`` §3.5(f) and §5.1 ([CODE] ``dmmse.py``).  Given a context
``(X, y)`` (``X ∈ R^{ℓ×d}`` rows ``x_i ~ N(0, I/d)``, ``y = Xw + ε``, ``ε ~ N(0, ρ I)``),

.. math::

    \\hat w = \\sum_j w_j \\frac{e^{-\\|y - X w_j\\|^2/2ρ}}{\\sum_{j'} e^{-\\|y - X w_{j'}\\|^2/2ρ}},
    \\qquad \\hat y = x_{ℓ+1}^\\top \\hat w .

No closed form: Monte Carlo only.  The ICL error draws a fresh task ``w ~ N(0, I_d)``, the
IDG error a task uniformly from the k training tasks.

Sampling (``method="wishart"``, default): the posterior depends on the context only through
``S = XᵀX`` and ``t = Xᵀε`` (``‖y - Xw_j‖² = (w-w_j)ᵀS(w-w_j) + 2(w-w_j)ᵀt + ‖ε‖²``, the last
term common to all j).  ``dS = LLᵀ`` with the Bartlett factor ``L`` (``L_ii² ~ χ²_{ℓ-i+1}``,
``L_ij ~ N(0,1)`` below the diagonal; exact for ``ℓ ≥ d``) and ``t = √(ρ/d) L ξ`` has the exact
conditional law ``N(0, ρS)``: O(d²) random numbers per draw instead of O(ℓd).
``method="explicit"`` draws X and ε (reference path; used automatically when ``ℓ < d``).

``query="exact"`` (default) averages the squared query error analytically over the fresh
query and its noise, ``‖w - ŵ‖²/d + ρ`` (Rao-Blackwellised: same mean, smaller variance
than one sampled query); ``query="sampled"`` draws one query per context, as the authors do.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from iclverify.checks.simulation.sweep import seed_sequence
from iclverify.theory.parameters import Interval, Options, ParameterSpace, check_value
from iclverify.theory.domains import LU2024, LU2024_SIMULATION

__all__ = ["dmmse_errors", "simulate_dmmse", "DMMSE_PARAMETERS"]

#: The dMMSE simulator's parameters, declared once; the model's own are narrowed from LU2024.
DMMSE_PARAMETERS = ParameterSpace(
    "lu2024_dmmse",
    {
        "alpha": LU2024["alpha"],
        "kappa": LU2024["kappa"].with_(allow_inf=False, description="task diversity k/d (dMMSE: finite, the "
                                                                    "prior needs finitely many tasks)"),
        "rho": LU2024["rho"].with_(low_open=True, description="label-noise variance (dMMSE needs rho > 0)"),
        "ell": Interval(1, math.inf, low_open=False, integer=True, description="context length l"),
        "n_draws": Interval(1, math.inf, low_open=False, integer=True, description="test contexts drawn"),
        "test": Options(("icl", "idg"), description="which error",
                        help={"icl": "a fresh task", "idg": "a task from the training set"}),
        "query": Options(("exact", "sampled"), description="how the query is integrated",
                         help={"exact": "the query's expectation in closed form", "sampled": "one query drawn"}),
        "method": Options(("wishart", "explicit"), description="how the context's sufficient statistics are drawn",
                          help={"wishart": "Bartlett draws of the Wishart matrix (l >= d)",
                                "explicit": "the l tokens themselves"}),
        "tasks": LU2024_SIMULATION["tasks"],
    },
)


def _wishart_draws(B: int, d: int, ell: int, rho: float, rng: np.random.Generator):
    L = np.tril(rng.standard_normal((B, d, d)), -1)
    diag = np.sqrt(rng.chisquare(ell - np.arange(d), size=(B, d)))
    idx = np.arange(d)
    L[:, idx, idx] = diag
    S = L @ L.transpose(0, 2, 1) / d
    t = math.sqrt(rho / d) * np.einsum("bij,bj->bi", L, rng.standard_normal((B, d)))
    return S, t


def _explicit_draws(B: int, d: int, ell: int, rho: float, rng: np.random.Generator):
    X = rng.standard_normal((B, ell, d)) / math.sqrt(d)
    eps = math.sqrt(rho) * rng.standard_normal((B, ell))
    return X.transpose(0, 2, 1) @ X, np.einsum("bld,bl->bd", X, eps)


def dmmse_errors(train_tasks, ell: int, rho: float, n_draws: int, *, test: str = "icl",
                 rng: np.random.Generator, query: str = "exact", method: str = "wishart",
                 batch: int | None = None) -> np.ndarray:
    """Per-draw squared query errors of the dMMSE estimator.

    Parameters
    ----------
    train_tasks : array_like, shape (k, d)
        The training tasks (the support of the discrete prior).
    ell : int
        Context length ``ℓ``.
    rho : float
        Noise variance (> 0).
    n_draws : int
        Independent contexts.
    test : {"icl", "idg"}
        Fresh Gaussian test task, or a uniformly drawn training task.
    rng : numpy.random.Generator
    query : {"exact", "sampled"}
    method : {"wishart", "explicit"}
    batch : int, optional
        Draws per vectorised block (default: about 4·10⁶ floats per block).

    Returns
    -------
    ndarray, shape (n_draws,)

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> W = rng.standard_normal((3, 4))
    >>> e = dmmse_errors(W, 40, 0.01, 200, test="idg", rng=rng)
    >>> bool(abs(e.mean() - 0.01) < 0.01)        # three well-separated tasks: IDG ≈ ρ
    True
    """
    W = np.asarray(train_tasks, dtype=float)
    k, d = W.shape
    rho = float(check_value("rho", rho, DMMSE_PARAMETERS["rho"]))
    ell = int(check_value("ell", ell, DMMSE_PARAMETERS["ell"]))
    n_draws = int(check_value("n_draws", n_draws, DMMSE_PARAMETERS["n_draws"]))
    DMMSE_PARAMETERS.validate(test=test, query=query, method=method)
    if ell < d:
        method = "explicit"
    batch = batch or max(1, min(n_draws, int(4e6 // (d * max(k, ell, d)))))
    M = W.T                                                  # (d, k)
    out = np.empty(n_draws)
    for lo in range(0, n_draws, batch):
        B = min(batch, n_draws - lo)
        w = rng.standard_normal((B, d)) if test == "icl" else W[rng.integers(0, k, size=B)]
        S, t = (_wishart_draws if method == "wishart" else _explicit_draws)(B, d, ell, rho, rng)
        quad = np.einsum("dk,bdk->bk", M, (S.reshape(B * d, d) @ M).reshape(B, d, k))  # w_jᵀ S w_j
        lin = (np.einsum("bij,bj->bi", S, w) + t) @ M                                # w_jᵀ (S w + t)
        logit = (2 * lin - quad) / (2 * rho)
        logit -= logit.max(axis=1, keepdims=True)
        p = np.exp(logit)
        p /= p.sum(axis=1, keepdims=True)
        diff = w - p @ W
        if query == "exact":
            out[lo:lo + B] = np.einsum("bd,bd->b", diff, diff) / d + rho
        else:
            xq = rng.standard_normal((B, d)) / math.sqrt(d)
            out[lo:lo + B] = (np.einsum("bd,bd->b", xq, diff) + math.sqrt(rho) * rng.standard_normal(B)) ** 2
    return out


def simulate_dmmse(alpha: float, kappa: float, rho: float, d: int, *, n_draws: int = 1000, seed: Any = 0,
                   tasks: str = "gaussian", query: str = "exact", method: str = "wishart") -> dict:
    """dMMSE ICL and IDG errors at ``(α, κ, ρ)`` and dimension ``d`` (note §3.5f).

    Draws ``k = round(κd)`` training tasks (Gaussian, as the authors' ``dmmse.py``; or
    ``"normalized"``) from ``SeedSequence(seed)``, then ``n_draws`` ICL and ``n_draws`` IDG
    contexts.  Returns per-draw arrays, means, standard errors and the gap ``ICL - IDG``
    (its SE combines the two independent samples).

    Examples
    --------
    >>> r = simulate_dmmse(10, 0.5, 0.01, 8, n_draws=200, seed=1)
    >>> bool(r["icl_mean"] > r["idg_mean"])
    True
    """
    from iclverify.checks.simulation.lu2024_sim import draw_tasks

    DMMSE_PARAMETERS.validate(alpha=alpha, kappa=kappa, rho=rho, n_draws=n_draws, tasks=tasks, query=query,
                              method=method)
    ss = seed_sequence(seed)
    rng = np.random.default_rng(ss)
    ell, k = max(1, int(round(alpha * d))), max(1, int(round(kappa * d)))
    W = draw_tasks(k, d, tasks, rng)
    icl = dmmse_errors(W, ell, rho, n_draws, test="icl", rng=rng, query=query, method=method)
    idg = dmmse_errors(W, ell, rho, n_draws, test="idg", rng=rng, query=query, method=method)
    se = lambda x: float(x.std(ddof=1) / math.sqrt(x.size))  # noqa: E731
    return {"icl": icl, "idg": idg, "icl_mean": float(icl.mean()), "idg_mean": float(idg.mean()),
            "icl_se": se(icl), "idg_se": se(idg), "gap_mean": float(icl.mean() - idg.mean()),
            "gap_se": math.hypot(se(icl), se(idg)), "d": d, "k": k, "ell": ell,
            "seed": {"entropy": ss.entropy, "spawn_key": list(ss.spawn_key)},
            "params": {"alpha": alpha, "kappa": kappa, "rho": rho, "d": d, "n_draws": n_draws, "tasks": tasks,
                       "query": query, "method": method}}
