"""Li-Rawat-Oymak 2024, §5 of the note: H3's sample weighting = weighted preconditioned GD (WPGD).

ŷ = xᵀ W Xᵀ(ω ⊙ y) = Σ_i ω_i xᵀ W x_i y_i  (note §2.2-§2.3; H3's filter taps are the ω_i,
[RECONSTRUCTED] parameterisation, [MATH] reduction).

Independent design with per-example noise σ_i² and query noise σ_q² (note §5.1, [MATH]):
with S₁ = Σω_i, S₂ = Σω_i², S_σ = Σω_i²σ_i²,

* E[hhᵀ] = (S₁² + S₂) Σ_xΣ_βΣ_x + (S₂ tr(Σ_xΣ_β) + S_σ) Σ_x
* L(W, ω) = tr(Σ_xΣ_β) + σ_q² − 2 S₁ tr(Σ_xWΣ_xΣ_β) + tr(WᵀΣ_xW E[hhᵀ])
* W(ω) = S₁ Σ_β [(S₁² + S₂) Σ_xΣ_β + (S₂ tr(Σ_xΣ_β) + S_σ) I]⁻¹
* L*(ω) = tr(Σ_xΣ_β) + σ_q² − Σ_i S₁² λ_i² / ((S₁² + S₂) λ_i + S₂ tr(Σ_xΣ_β) + S_σ).

Sequence (non-exchangeable) model with Σ_x = I (note §5.2-§5.3, [MATH, CHECKED]): demonstration
i has its own task β_i, E[β_iβ_jᵀ] = P_ij I (P_ii = 1), E[β_iβ_qᵀ] = ρ_i I, noise σ_i².  For the
combined weights u = c ω (W = cI), with R = P + diag(d + 1 + σ_i²):

* L(u) = d + σ_q² − 2 d uᵀρ + d uᵀ R u
* H3 (free u): L*_H3 = d + σ_q² − d ρᵀR⁻¹ρ at u = R⁻¹ρ
* ATT (u = c𝟏): L*_ATT = d + σ_q² − d (𝟏ᵀρ)² / 𝟏ᵀR𝟏.

Heteroscedastic noise is P = 𝟏𝟏ᵀ, ρ = 𝟏; AR(1) drift is P_ij = g^|i−j|, ρ_i = g^{n+1−i}.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from iclverify.theory.parameters import validated
from iclverify.theory.exposure import expose
from iclverify.theory._li2024_common import ClosedForm, check_weights, infer_dim, resolve_covariance
from iclverify.theory.domains import LI2024_FINEGRAINED as SPACE
from iclverify.theory.li2024_finegrained import COV_PARSERS

__all__ = ["wpgd_loss", "wpgd_optimal_preconditioner", "wpgd_optimal_risk", "ISOTROPIC_WPGD_RISK",
           "isotropic_wpgd_risk", "effective_sample_size", "sequence_wpgd_loss", "sequence_optimal_risks",
           "heteroscedastic_risks", "ar1_drift_risks", "ar1_drift_moments"]


def _float_list(text: str) -> list:
    return [float(t) for t in str(text).split(",") if t.strip()]


_S1, _S2, _d, _s2 = sp.symbols("S1 S2 d sigma2", positive=True)
#: Σ_x = Σ_β = I, homoscedastic: L*(ω) = d + σ² − d S₁² / (S₁² + (d + 1 + σ²) S₂)  (note §5.1).
ISOTROPIC_WPGD_RISK = ClosedForm(_d + _s2 - _d * _S1**2 / (_S1**2 + (_d + 1 + _s2) * _S2),
                                 {"S1": _S1, "S2": _S2, "d": _d, "noise_var": _s2})


def _moments(omega, noise_vars):
    w = omega
    s1, s2 = float(w.sum()), float((w**2).sum())
    ssig = float((w**2 * noise_vars).sum())
    return s1, s2, ssig


def _noise(noise_vars, n):
    v = np.broadcast_to(np.asarray(noise_vars, dtype=float), (n,)).copy()
    return v


@validated(SPACE)
def wpgd_loss(W: Any, omega: Any, noise_vars: Any = 0.0, query_noise_var: float | None = None,
              sigma_x: Any = None, sigma_beta: Any = None) -> float:
    """Exact WPGD risk L(W, ω) for independent demonstrations (note §5.1, [MATH]).

    Parameters
    ----------
    W : (d, d) array
    omega : (n,) array
        Sample weights (H3 filter taps).
    noise_vars : float or (n,) array
        Per-demonstration noise variances σ_i².
    query_noise_var : float, optional
        σ_q² (default: ``noise_vars`` if it is a scalar, else 0).

    Examples
    --------
    >>> round(wpgd_loss(np.eye(2) / 5, np.ones(2)), 6)   # uniform ω = PGD, L(I/(n+d+1)) = 1.2
    1.2
    """
    W = np.asarray(W, dtype=float)
    d = W.shape[0]
    w = check_weights("omega", omega)
    sv = _noise(noise_vars, w.size)
    sq = _default_query_noise(noise_vars, query_noise_var)
    Sx = resolve_covariance("sigma_x", sigma_x, d)
    Sb = resolve_covariance("sigma_beta", sigma_beta, d)
    s1, s2, ssig = _moments(w, sv)
    t = float(np.trace(Sx @ Sb))
    H = (s1**2 + s2) * Sx @ Sb @ Sx + (s2 * t + ssig) * Sx
    return float(t + sq - 2 * s1 * np.trace(Sx @ W @ Sx @ Sb) + np.trace(W.T @ Sx @ W @ H))


def _default_query_noise(noise_vars, query_noise_var):
    if query_noise_var is not None:
        return float(query_noise_var)
    return float(noise_vars) if np.ndim(noise_vars) == 0 else 0.0


@validated(SPACE)
def wpgd_optimal_preconditioner(omega: Any, d: int | None = None, noise_vars: Any = 0.0, sigma_x: Any = None,
                                sigma_beta: Any = None) -> np.ndarray:
    """W(ω) = S₁ Σ_β [(S₁² + S₂) Σ_xΣ_β + (S₂ tr(Σ_xΣ_β) + S_σ) I]⁻¹ (note §5.1); ω = 𝟏 gives W*.

    Examples
    --------
    >>> wpgd_optimal_preconditioner(np.ones(3), d=2).round(6)[0]
    array([0.166667, 0.      ])
    """
    w = check_weights("omega", omega)
    d = infer_dim(d, sigma_x, sigma_beta)
    sv = _noise(noise_vars, w.size)
    Sx = resolve_covariance("sigma_x", sigma_x, d)
    Sb = resolve_covariance("sigma_beta", sigma_beta, d)
    s1, s2, ssig = _moments(w, sv)
    t = float(np.trace(Sx @ Sb))
    return s1 * Sb @ np.linalg.inv((s1**2 + s2) * Sx @ Sb + (s2 * t + ssig) * np.eye(d))




@expose("li2024_finegrained.wpgd_optimal_risk", parsers={"omega": _float_list, "noise_vars": _float_list,
                                                          **COV_PARSERS})
@validated(SPACE)
def wpgd_optimal_risk(omega: Any, d: int | None = None, noise_vars: Any = 0.0, query_noise_var: float | None = None,
                      sigma_x: Any = None, sigma_beta: Any = None) -> float:
    """min_W L(W, ω) for fixed weights ω, independent design (note §5.1, [MATH]).

    L*(ω) = tr(Σ_xΣ_β) + σ_q² − Σ_i S₁² λ_i² / ((S₁² + S₂) λ_i + S₂ tr(Σ_xΣ_β) + S_σ).
    Invariant to ω → cω; for homoscedastic noise it depends on ω only through the effective
    sample size (Σω)²/Σω², so uniform ω is optimal (H3 = ATT for exchangeable data).

    Examples
    --------
    >>> round(wpgd_optimal_risk([1.0] * 20, d=10), 6)   # = L* = 110/31
    3.548387
    """
    w = check_weights("omega", omega)
    d = infer_dim(d, sigma_x, sigma_beta)
    sv = _noise(noise_vars, w.size)
    sq = _default_query_noise(noise_vars, query_noise_var)
    Sx = resolve_covariance("sigma_x", sigma_x, d)
    Sb = resolve_covariance("sigma_beta", sigma_beta, d)
    s1, s2, ssig = _moments(w, sv)
    lam = np.linalg.eigvals(Sx @ Sb).real
    t = float(lam.sum())
    return float(t + sq - np.sum(s1**2 * lam**2 / ((s1**2 + s2) * lam + s2 * t + ssig)))


@validated(SPACE)
def isotropic_wpgd_risk(omega: Any, d: int, noise_var: float = 0.0, dps: int | None = None):
    """Σ_x = Σ_β = I: L*(ω) = d + σ² − d S₁²/(S₁² + (d+1+σ²) S₂) (note §5.1, claim 6).

    Examples
    --------
    >>> round(isotropic_wpgd_risk(np.ones(20), 10), 6)
    3.548387
    """
    w = check_weights("omega", omega)
    s1, s2 = float(w.sum()), float((w**2).sum())
    if dps is not None:
        return ISOTROPIC_WPGD_RISK.mp(dps, S1=s1, S2=s2, d=d, noise_var=noise_var)
    return ISOTROPIC_WPGD_RISK.numpy(S1=s1, S2=s2, d=d, noise_var=noise_var)


def effective_sample_size(omega: Any) -> float:
    """n_eff = (Σω)² / Σω² ≤ n, with equality iff ω is uniform (note §5.1).

    >>> effective_sample_size([1, 1, 0, 0])
    2.0
    """
    w = check_weights("omega", omega)
    return float(w.sum() ** 2 / (w**2).sum())


# ---------------------------------------------------------------------------------------------
# sequence model: Σ_x = I, per-demonstration tasks and noises


def _sequence_R(P, noise_vars, d):
    P = np.asarray(P, dtype=float)
    n = P.shape[0]
    if P.shape != (n, n) or not np.allclose(P, P.T) or not np.allclose(np.diag(P), 1.0):
        raise ValueError("P (task correlation across demonstrations) must be symmetric with unit diagonal")
    if np.linalg.eigvalsh(P)[0] < -1e-12:
        raise ValueError("P (task correlation across demonstrations) must be positive semi-definite")
    sv = _noise(noise_vars, n)
    return P + np.diag(d + 1 + sv)


@validated(SPACE)
def sequence_wpgd_loss(u: Any, d: int, P: Any, rho: Any, noise_vars: Any = 0.0,
                       query_noise_var: float = 0.0) -> float:
    """L(u) = d + σ_q² − 2d uᵀρ + d uᵀRu, R = P + diag(d+1+σ_i²) (note §5.3, [MATH]).

    ``u = c ω`` are the combined per-position weights of W = cI (Σ_x = I, tasks β_i ~ N(0, I)).

    Examples
    --------
    >>> round(sequence_wpgd_loss(np.full(2, 1/5), 2, np.ones((2, 2)), np.ones(2)), 6)
    1.2
    """
    uu = np.asarray(u, dtype=float)
    R = _sequence_R(P, noise_vars, d)
    rho = np.asarray(rho, dtype=float)
    return float(d + query_noise_var - 2 * d * uu @ rho + d * uu @ R @ uu)


@validated(SPACE)
def sequence_optimal_risks(d: int, P: Any, rho: Any, noise_vars: Any = 0.0, query_noise_var: float = 0.0) -> dict:
    """Optimal H3 (free weights) and ATT (uniform weights) risks of the sequence model (note §5.2-§5.3).

    Returns ``{"h3", "att", "weights_h3", "scale_att"}`` with ``weights_h3 = R⁻¹ρ`` (the optimal
    u = cω) and ``scale_att`` the optimal c of W = cI with uniform weights.
    """
    R = _sequence_R(P, noise_vars, d)
    rho = np.asarray(rho, dtype=float)
    u = np.linalg.solve(R, rho)
    one = np.ones_like(rho)
    h3 = d + query_noise_var - d * float(rho @ u)
    att = d + query_noise_var - d * float(one @ rho) ** 2 / float(one @ R @ one)
    return {"h3": h3, "att": att, "weights_h3": u, "scale_att": float(one @ rho) / float(one @ R @ one)}


@expose("li2024_finegrained.heteroscedastic_risks", parsers={"noise_vars": _float_list})
@validated(SPACE)
def heteroscedastic_risks(d: int, noise_vars: Any, query_noise_var: float = 0.0) -> dict:
    """H3 vs ATT under heteroscedastic demonstrations, Σ_x = Σ_β = I (note §5.2, claim 7).

    With a_i = d + 1 + σ_i² and T = Σ 1/a_i: L*_H3 = d + σ_q² − d T/(1+T) at ω_i ∝ 1/a_i;
    L*_ATT = d + σ_q² − d n²/(n² + Σ a_i).

    Examples
    --------
    >>> r = heteroscedastic_risks(5, list(np.linspace(0, 8, 10)), 0.5)
    >>> round(r["h3"], 4), round(r["att"], 4)
    (2.9109, 3.0)
    """
    sv = np.atleast_1d(np.asarray(noise_vars, dtype=float))
    n = sv.size
    a = d + 1 + sv
    T = float(np.sum(1 / a))
    h3 = d + query_noise_var - d * T / (1 + T)
    att = d + query_noise_var - d * n**2 / (n**2 + float(a.sum()))
    w = (1 / a) / np.max(1 / a)
    return {"h3": h3, "att": att, "weights_h3": w}


def ar1_drift_moments(n: int, drift: float) -> tuple:
    """P_ij = g^|i−j|, ρ_i = g^{n+1−i} (i = 1..n; the query is position n+1), note §5.3."""
    idx = np.arange(1, n + 1)
    P = drift ** np.abs(idx[:, None] - idx[None, :]).astype(float)
    rho = drift ** (n + 1 - idx).astype(float)
    return P, rho


@expose("li2024_finegrained.ar1_drift_risks")
@validated(SPACE)
def ar1_drift_risks(d: int, n: int, drift: float, noise_var: float = 0.0) -> dict:
    """H3 vs ATT under AR(1) task drift toward the query (note §5.3, claim 8).

    L*_H3 = d + σ² − d ρᵀR⁻¹ρ, L*_ATT = d + σ² − d(𝟏ᵀρ)²/𝟏ᵀR𝟏, R = P + (d+1+σ²)I.

    Examples
    --------
    >>> r = ar1_drift_risks(5, 10, 0.8, 0.2)
    >>> round(r["h3"], 4), round(r["att"], 4)
    (4.3357, 4.6519)
    """
    P, rho = ar1_drift_moments(n, drift)
    out = sequence_optimal_risks(d, P, rho, noise_var, noise_var)
    top = np.max(np.abs(out["weights_h3"]))
    if top > 0:  # g = 0: the demonstrations carry no information about the query's task, all weights vanish
        out["weights_h3"] = out["weights_h3"] / top
    return out
