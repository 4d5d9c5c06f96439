"""Li, Rawat & Oymak 2024 -- optimal one-step preconditioned GD (= one-layer linear attention = H3).

Model (note ``li2024_finegrained.md`` §1.1, [RECONSTRUCTED] in detail): x_i, x ~ N(0, Σ_x)
i.i.d., β ~ (0, Σ_β) independent, y_i = x_iᵀβ + ξ_i, ξ_i ~ N(0, σ²).  Prediction
ŷ = xᵀ W Xᵀ y (unnormalised; ``normalized=True`` gives the 1/n convention, W̄ = n W) and
risk L(W) = E[(y − ŷ)²], including the query noise σ².

With S = XᵀX Wishart, h = Xᵀy and M₀ = tr(Σ_xΣ_β) + σ² = E[y²] (note §3.1, [MATH, CHECKED]):

* E[hhᵀ] = n(n+1) Σ_xΣ_βΣ_x + n M₀ Σ_x
* L(W) = M₀ − 2n tr(Σ_x W Σ_x Σ_β) + tr(Wᵀ Σ_x W E[hhᵀ])
* W* = Σ_β [(n+1) Σ_xΣ_β + M₀ I]⁻¹
* L* = M₀ − Σ_i n λ_i² / ((n+1) λ_i + M₀), λ_i the eigenvalues of Σ_xΣ_β  (Eq. 8)

Other modules: :mod:`.li2024_finegrained_wpgd` (H3 sample weighting, §5),
:mod:`.li2024_finegrained_alignment` (RAG and task-feature alignment, §4),
:mod:`.li2024_finegrained_lowrank` (rank-r and LoRA, §6).
"""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np
import sympy as sp

from iclverify.theory.parameters import validated
from iclverify.theory.exposure import expose
from iclverify.theory._li2024_common import (ClosedForm, CovarianceSpec, covariance_arg, infer_dim,
                                             parse_covariance, resolve_covariance, resolve_exact_covariance,
                                             to_rational)
from iclverify.theory.domains import LI2024_FINEGRAINED as SPACE

__all__ = [
    "PAPER", "COV_PARSERS", "parse_covariance", "CovarianceSpec",
    "response_second_moment", "population_loss", "optimal_preconditioner", "optimal_risk", "optimal_risk_exact",
    "spectral_optimal_risk", "isotropic_optimal_risk", "equicorrelated_optimal_risk", "ISOTROPIC_RISK",
    "EQUICORRELATED_RISK", "SPECTRAL_GAIN",
]

PAPER = "li2024_finegrained"
#: CLI parsers for covariance arguments (``--sigma-beta equicorrelated:0.5``).
COV_PARSERS = {"sigma_x": covariance_arg, "sigma_beta": covariance_arg}

# ---------------------------------------------------------------------------------------------
# symbolic closed forms
_d, _n, _s2, _g, _lam, _M0 = sp.symbols("d n sigma2 gamma lambda M0", positive=True)

#: Risk reduction of one eigen-direction: n λ² / ((n+1) λ + M₀)  (note §3.1, §6.1).
SPECTRAL_GAIN = ClosedForm(_n * _lam**2 / ((_n + 1) * _lam + _M0), {"n": _n, "lam": _lam, "M0": _M0})

#: Σ_x = Σ_β = I: L* = d + σ² − n d / (n + d + 1 + σ²)  (note §3.1, Fig. 2a/2b).
ISOTROPIC_RISK = ClosedForm(_d + _s2 - _n * _d / (_n + _d + 1 + _s2), {"d": _d, "n": _n, "noise_var": _s2})

_l1 = 1 + _g * (_d - 1)
_l2 = 1 - _g
_M0eq = _d + _s2
#: Σ_β = γ11ᵀ + (1−γ)I, Σ_x = I: λ₁ = 1 + γ(d−1) once, λ₂ = 1 − γ (d−1 times)  (note §3.1, Fig. 2c).
EQUICORRELATED_RISK = ClosedForm(
    _M0eq - _n * (_l1**2 / ((_n + 1) * _l1 + _M0eq) + (_d - 1) * _l2**2 / ((_n + 1) * _l2 + _M0eq)),
    {"d": _d, "n": _n, "gamma": _g, "noise_var": _s2})


# ---------------------------------------------------------------------------------------------


def response_second_moment(n: int, noise_var: float, sigma_x: np.ndarray, sigma_beta: np.ndarray) -> np.ndarray:
    """E[h hᵀ] for h = Xᵀy: n(n+1) Σ_xΣ_βΣ_x + n (tr(Σ_xΣ_β) + σ²) Σ_x  (note §3.1, Isserlis).

    Inputs are validated float arrays (see :func:`population_loss`).
    """
    m0 = float(np.trace(sigma_x @ sigma_beta)) + noise_var
    return n * (n + 1) * sigma_x @ sigma_beta @ sigma_x + n * m0 * sigma_x


@validated(SPACE)
def population_loss(W: Any, n: int, noise_var: float = 0.0, sigma_x: Any = None, sigma_beta: Any = None, *,
                    normalized: bool = False) -> float:
    """Exact population risk L(W) = E[(y − xᵀWXᵀy)²] of the preconditioner W.

    L(W) = M₀ − 2n tr(Σ_x W Σ_x Σ_β) + tr(Wᵀ Σ_x W E[hhᵀ])  (note §3.1, [MATH]).

    Parameters
    ----------
    W : (d, d) array
        Preconditioner (any real matrix).
    n : int
        Number of demonstrations.
    noise_var : float
        σ².
    sigma_x, sigma_beta : array, spec string or None
        Covariances (``None`` = identity).
    normalized : bool
        Interpret W as the 1/n-normalised preconditioner (ŷ = xᵀWXᵀy / n).

    Examples
    --------
    >>> round(population_loss(np.eye(2) / 5, n=2), 6)   # Σ=I, d=2, n=2: W* = I/(n+d+1)
    1.2
    """
    W = np.asarray(W, dtype=float)
    if W.ndim != 2 or W.shape[0] != W.shape[1] or not np.all(np.isfinite(W)):
        raise ValueError(f"W must be a finite square matrix; got shape {W.shape}")
    d = W.shape[0]
    Sx = resolve_covariance("sigma_x", sigma_x, d)
    Sb = resolve_covariance("sigma_beta", sigma_beta, d)
    if normalized:
        W = W / n
    H = response_second_moment(n, noise_var, Sx, Sb)
    m0 = float(np.trace(Sx @ Sb)) + noise_var
    return float(m0 - 2 * n * np.trace(Sx @ W @ Sx @ Sb) + np.trace(W.T @ Sx @ W @ H))


@expose("li2024_finegrained.optimal_preconditioner", parsers=COV_PARSERS)
@validated(SPACE)
def optimal_preconditioner(d: int | None = None, n: int = 1, noise_var: float = 0.0, sigma_x: Any = None,
                           sigma_beta: Any = None, normalized: bool = False) -> np.ndarray:
    """Optimal preconditioner W* = Σ_β [(n+1) Σ_xΣ_β + M₀ I]⁻¹ (note §3.1, Theorem 1 / Eq. 8).

    With ``normalized=True`` returns n·W*, the optimum of ŷ = xᵀWXᵀy / n.

    Examples
    --------
    >>> optimal_preconditioner(d=2, n=3).round(6)   # I/(n+d+1)
    array([[0.166667, 0.      ],
           [0.      , 0.166667]])
    """
    d = infer_dim(d, sigma_x, sigma_beta)
    Sx = resolve_covariance("sigma_x", sigma_x, d)
    Sb = resolve_covariance("sigma_beta", sigma_beta, d)
    m0 = float(np.trace(Sx @ Sb)) + noise_var
    W = Sb @ np.linalg.inv((n + 1) * Sx @ Sb + m0 * np.eye(d))
    return n * W if normalized else W


@expose("li2024_finegrained.optimal_risk", parsers=COV_PARSERS)
@validated(SPACE)
def optimal_risk(d: int | None = None, n: int = 1, noise_var: float = 0.0, sigma_x: Any = None,
                 sigma_beta: Any = None, dps: int | None = None) -> float:
    """Optimal PGD / linear-attention / H3 risk L* (note §3.1, Eq. 8, [MATH, CHECKED]).

    L* = M₀ − n tr(Σ_x W* Σ_x Σ_β) = M₀ − Σ_i n λ_i² / ((n+1) λ_i + M₀),
    λ_i = eig(Σ_xΣ_β), M₀ = tr(Σ_xΣ_β) + σ².

    Parameters
    ----------
    d, n : int
        Dimension (may be omitted when a matrix is given) and number of demonstrations.
    noise_var : float
        σ² (the risk includes the query's noise).
    sigma_x, sigma_beta : array, spec or None
        SPD covariances or specs ``identity``, ``equicorrelated:g``, ``diag:...``,
        ``geometric:ratio`` (``None`` = identity).
    dps : int, optional
        Evaluate with mpmath matrices at this many digits (returns ``mpmath.mpf``).

    Examples
    --------
    >>> round(optimal_risk(d=10, n=20), 6)          # 110/31, note §9 claim 1
    3.548387
    >>> round(optimal_risk(d=10, n=20, sigma_beta="equicorrelated:0.5"), 5)   # claim 3
    2.98416
    """
    d = infer_dim(d, sigma_x, sigma_beta)
    if dps is not None:
        return _optimal_risk_mp(d, n, noise_var, sigma_x, sigma_beta, dps)
    Sx = resolve_covariance("sigma_x", sigma_x, d)
    Sb = resolve_covariance("sigma_beta", sigma_beta, d)
    lam = np.sort(np.linalg.eigvals(Sx @ Sb).real)[::-1]
    return spectral_optimal_risk(lam, n, noise_var)


def spectral_optimal_risk(eigenvalues: Any, n: int, noise_var: float = 0.0, r: int | None = None) -> float:
    """L*_r = M₀ − Σ_{i≤r} n λ_i² / ((n+1) λ_i + M₀) from the spectrum of Σ_xΣ_β (note §3.1, §6.1).

    ``r=None`` keeps every direction (Eq. 8).  M₀ always uses the whole spectrum.

    Examples
    --------
    >>> round(spectral_optimal_risk([1.0, 1.0], n=3), 6)   # d(d+1)/(n+d+1) = 6/6
    1.0
    """
    lam = np.sort(np.asarray(eigenvalues, dtype=float))[::-1]
    if lam.ndim != 1 or np.any(lam <= 0):
        raise ValueError("eigenvalues must be a positive 1-D vector")
    m0 = float(lam.sum()) + float(noise_var)
    k = lam.size if r is None else int(r)
    gains = n * lam**2 / ((n + 1) * lam + m0)
    return float(m0 - gains[:k].sum())


def _optimal_risk_mp(d, n, noise_var, sigma_x, sigma_beta, dps):
    Sx = resolve_exact_covariance("sigma_x", sigma_x, d) if _is_exactable(sigma_x) else None
    Sb = resolve_exact_covariance("sigma_beta", sigma_beta, d) if _is_exactable(sigma_beta) else None
    with mpmath.workdps(dps):
        def mpm(exact, value, name):
            if exact is not None:
                return mpmath.matrix([[mpmath.mpf(e.p) / e.q for e in exact.row(i)] for i in range(d)])
            return mpmath.matrix(resolve_covariance(name, value, d).tolist())

        X = mpm(Sx, sigma_x, "sigma_x")
        B = mpm(Sb, sigma_beta, "sigma_beta")
        s2 = mpmath.mpf(to_rational(noise_var).p) / to_rational(noise_var).q
        XB = X * B
        m0 = sum(XB[i, i] for i in range(d)) + s2
        W = B * mpmath.inverse((n + 1) * XB + m0 * mpmath.eye(d))
        T = X * W * X * B
        return +(m0 - n * sum(T[i, i] for i in range(d)))


def _is_exactable(v) -> bool:
    if v is None or isinstance(v, (str, CovarianceSpec)):
        return True
    return False


def optimal_risk_exact(d: int, n: int, noise_var: Any = 0, sigma_x: Any = None, sigma_beta: Any = None) -> sp.Expr:
    """L* in exact rational arithmetic (sympy matrices) for rational covariances.

    Examples
    --------
    >>> optimal_risk_exact(10, 20)
    110/31
    """
    Sx = resolve_exact_covariance("sigma_x", sigma_x, d)
    Sb = resolve_exact_covariance("sigma_beta", sigma_beta, d)
    s2 = to_rational(noise_var)
    m0 = (Sx * Sb).trace() + s2
    W = Sb * ((n + 1) * Sx * Sb + m0 * sp.eye(d)).inv()
    return sp.nsimplify(sp.simplify(m0 - n * (Sx * W * Sx * Sb).trace()))


@expose("li2024_finegrained.isotropic_optimal_risk")
@validated(SPACE)
def isotropic_optimal_risk(d: int, n: int, noise_var: float = 0.0, dps: int | None = None):
    """Σ_x = Σ_β = I: L* = d + σ² − nd/(n+d+1+σ²); σ = 0 gives d(d+1)/(n+d+1) (Fig. 2a/b, note §3.1).

    Vectorised over array inputs.

    Examples
    --------
    >>> round(isotropic_optimal_risk(10, 20, 1.0), 6)   # note §9 claim 2
    4.75
    """
    if dps is not None:
        return ISOTROPIC_RISK.mp(dps, d=d, n=n, noise_var=noise_var)
    return ISOTROPIC_RISK.numpy(d=d, n=n, noise_var=noise_var)


@expose("li2024_finegrained.equicorrelated_optimal_risk")
@validated(SPACE)
def equicorrelated_optimal_risk(d: int, n: int, gamma: float, noise_var: float = 0.0, dps: int | None = None):
    """Σ_β = γ11ᵀ + (1−γ)I, Σ_x = I (Fig. 2c, note §3.1).

    L* = d + σ² − n[λ₁²/((n+1)λ₁ + d + σ²) + (d−1) λ₂²/((n+1)λ₂ + d + σ²)],
    λ₁ = 1 + γ(d−1), λ₂ = 1 − γ.

    Examples
    --------
    >>> round(equicorrelated_optimal_risk(10, 20, 0.5), 5)   # note §9 claim 3
    2.98416
    """
    if dps is not None:
        return EQUICORRELATED_RISK.mp(dps, d=d, n=n, gamma=gamma, noise_var=noise_var)
    return EQUICORRELATED_RISK.numpy(d=d, n=n, gamma=gamma, noise_var=noise_var)
