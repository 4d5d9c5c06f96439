"""Li-Rawat-Oymak 2024, §6 of the note: low-rank attention and LoRA adaptation.

Rank-r attention (W_k, W_q ∈ ℝ^{(d+1)×r} ⇒ rank W ≤ r).  Whitening W̃ = Σ_x^{1/2} W Σ_x^{1/2} turns
the population loss into L(W) = L* + ‖(W̃ − W̃*) K^{1/2}‖_F² with Σ̃ = Σ_x^{1/2}Σ_βΣ_x^{1/2} and
K = n[(n+1)Σ̃ + M₀ I]; Eckart-Young then gives (note §6.1, [MATH, CHECKED]):

* L*_r = M₀ − Σ_{i≤r} n λ_i² / ((n+1) λ_i + M₀) (λ sorted decreasingly; M₀ keeps all λ)
* W̃*_r = Σ_{i≤r} λ_i / ((n+1) λ_i + M₀) u_i u_iᵀ (top-r eigenvectors of Σ̃).

LoRA (note §6.2, [MATH, CHECKED]): W = W_old + ΔW, rank ΔW ≤ r, adapted to Σ_β^new; with s_i the
singular values of (W̃_new − W̃_old) K_new^{1/2}:

* L_LoRA(r) = L*_new + Σ_{i>r} s_i²;
* if Σ̃_new − Σ̃_old has rank r and tr Σ̃_new = tr Σ̃_old, rank(W_new − W_old) ≤ r and rank-r LoRA
  recovers L*_new exactly.

The paper calls its LoRA result an upper bound [KNOWN, reviewer]; this module gives the exact
optimum of the PGD surrogate.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from iclverify.theory.parameters import check_value, validated
from iclverify.theory.exposure import expose
from iclverify.theory._li2024_common import infer_dim, resolve_covariance
from iclverify.theory.domains import LI2024_FINEGRAINED as SPACE
from iclverify.theory.li2024_finegrained import COV_PARSERS, optimal_preconditioner, spectral_optimal_risk

__all__ = ["whitened_spectrum", "lowrank_optimal_risk", "lowrank_optimal_preconditioner",
           "spectral_preconditioner", "lowrank_risk_curve", "lora_singular_values", "lora_risk",
           "lora_risk_curve", "lora_optimal_update", "lora_direction_scores", "weight_shift",
           "trace_preserving_shift"]


def _sqrtm(S):
    lam, U = np.linalg.eigh(S)
    return (U * np.sqrt(lam)) @ U.T, (U / np.sqrt(lam)) @ U.T




def whitened_spectrum(d: int | None = None, sigma_x: Any = None, sigma_beta: Any = None) -> tuple:
    """Eigen-decomposition of Σ̃ = Σ_x^{1/2} Σ_β Σ_x^{1/2}, eigenvalues decreasing.

    Returns ``(lam, U, Sx_half, Sx_inv_half)``.
    """
    d = infer_dim(d, sigma_x, sigma_beta)
    Sx = resolve_covariance("sigma_x", sigma_x, d)
    Sb = resolve_covariance("sigma_beta", sigma_beta, d)
    half, ihalf = _sqrtm(Sx)
    lam, U = np.linalg.eigh(half @ Sb @ half)
    order = np.argsort(lam)[::-1]
    return lam[order], U[:, order], half, ihalf


def _check_r(r, d):
    """r <= d: the declared rank domain, capped at this call's dimension."""
    check_value("r", r, SPACE["r"].with_(high=d, high_open=False, description=f"rank, at most d = {d}"))


@expose("li2024_finegrained.lowrank_optimal_risk", parsers=COV_PARSERS)
@validated(SPACE)
def lowrank_optimal_risk(r: int, d: int | None = None, n: int = 1, noise_var: float = 0.0, sigma_x: Any = None,
                         sigma_beta: Any = None) -> float:
    """Optimal risk of rank-r attention, L*_r = M₀ − Σ_{i≤r} nλ_i²/((n+1)λ_i + M₀) (note §6.1, claim 12).

    Examples
    --------
    >>> [round(lowrank_optimal_risk(r, 10, 20, sigma_beta="equicorrelated:0.5"), 4) for r in (1, 2, 5, 10)]
    [5.1793, 4.9354, 4.2037, 2.9842]
    >>> [round(lowrank_optimal_risk(r, 10, 20, sigma_beta="geometric:0.5"), 4) for r in (0, 1, 2, 3)]
    [10.0, 5.6476, 3.6453, 2.7821]
    """
    lam = whitened_spectrum(d, sigma_x, sigma_beta)[0]
    _check_r(r, lam.size)
    return spectral_optimal_risk(lam, n, noise_var, r=r)


def spectral_preconditioner(keep: Sequence[int], d: int | None = None, n: int = 1, noise_var: float = 0.0,
                            sigma_x: Any = None, sigma_beta: Any = None) -> np.ndarray:
    """W = Σ_x^{-1/2} [Σ_{i∈keep} λ_i/((n+1)λ_i + M₀) u_iu_iᵀ] Σ_x^{-1/2}; indices into the decreasing spectrum.

    ``keep = range(r)`` is W*_r; other index sets (e.g. the bottom r) serve as negative controls.
    """
    lam, U, _, ihalf = whitened_spectrum(d, sigma_x, sigma_beta)
    m0 = float(lam.sum()) + noise_var
    keep = np.asarray(list(keep), dtype=int)
    w = lam[keep] / ((n + 1) * lam[keep] + m0)
    Wt = (U[:, keep] * w) @ U[:, keep].T
    return ihalf @ Wt @ ihalf


@expose("li2024_finegrained.lowrank_optimal_preconditioner", parsers=COV_PARSERS)
@validated(SPACE)
def lowrank_optimal_preconditioner(r: int, d: int | None = None, n: int = 1, noise_var: float = 0.0,
                                   sigma_x: Any = None, sigma_beta: Any = None) -> np.ndarray:
    """W*_r: keep the top-r eigendirections of Σ̃ (note §6.1).

    Examples
    --------
    >>> W = lowrank_optimal_preconditioner(2, 4, 5, sigma_beta="diag:4,3,2,1")
    >>> int(np.linalg.matrix_rank(W)), bool(W[0, 0] > 0 and W[3, 3] == 0)
    (2, True)
    """
    d = infer_dim(d, sigma_x, sigma_beta)
    _check_r(r, d)
    return spectral_preconditioner(range(r), d, n, noise_var, sigma_x, sigma_beta)


@validated(SPACE)
def lowrank_risk_curve(d: int | None = None, n: int = 1, noise_var: float = 0.0, sigma_x: Any = None,
                       sigma_beta: Any = None) -> np.ndarray:
    """L*_r for r = 0..d (non-increasing; L*_d = L*)."""
    lam = whitened_spectrum(d, sigma_x, sigma_beta)[0]
    return np.array([spectral_optimal_risk(lam, n, noise_var, r=r) for r in range(lam.size + 1)])


# ---------------------------------------------------------------------------------------------
# LoRA


def _lora_setup(d, n, noise_var, sigma_beta_new, sigma_beta_old, W_old, sigma_x, noise_var_old):
    d = infer_dim(d, sigma_x, sigma_beta_new, sigma_beta_old, W_old)
    Sx = resolve_covariance("sigma_x", sigma_x, d)
    Sn = resolve_covariance("sigma_beta_new", sigma_beta_new, d)
    if W_old is None:
        So = resolve_covariance("sigma_beta_old", sigma_beta_old, d)
        W_old = optimal_preconditioner(d, n, noise_var if noise_var_old is None else noise_var_old, Sx, So)
    W_old = np.asarray(W_old, dtype=float)
    if W_old.shape != (d, d) or not np.all(np.isfinite(W_old)):
        raise ValueError(f"W_old must be a finite {d}x{d} matrix")
    W_new = optimal_preconditioner(d, n, noise_var, Sx, Sn)
    half, ihalf = _sqrtm(Sx)
    St = half @ Sn @ half
    m0 = float(np.trace(St)) + noise_var
    K = n * ((n + 1) * St + m0 * np.eye(d))
    Khalf, Kihalf = _sqrtm(K)
    D = half @ (W_new - W_old) @ half
    return dict(d=d, Sx=Sx, Sn=Sn, W_old=W_old, W_new=W_new, half=half, ihalf=ihalf, Khalf=Khalf,
                Kihalf=Kihalf, M=D @ Khalf, L_new=spectral_optimal_risk(np.linalg.eigvalsh(St), n, noise_var))


@validated(SPACE)
def lora_singular_values(d: int | None = None, n: int = 1, noise_var: float = 0.0, sigma_beta_new: Any = None,
                         sigma_beta_old: Any = None, W_old: Any = None, sigma_x: Any = None,
                         noise_var_old: float | None = None) -> np.ndarray:
    """s₁ ≥ s₂ ≥ … of (W̃_new − W̃_old) K_new^{1/2} (note §6.2)."""
    s = _lora_setup(d, n, noise_var, sigma_beta_new, sigma_beta_old, W_old, sigma_x, noise_var_old)
    return np.linalg.svd(s["M"], compute_uv=False)


_LORA_PARSERS = {name: COV_PARSERS["sigma_x"] for name in ("sigma_x", "sigma_beta_new", "sigma_beta_old")}


@expose("li2024_finegrained.lora_risk", parsers=_LORA_PARSERS)
@validated(SPACE)
def lora_risk(r: int, d: int | None = None, n: int = 1, noise_var: float = 0.0, sigma_beta_new: Any = None,
              sigma_beta_old: Any = None, W_old: Any = None, sigma_x: Any = None,
              noise_var_old: float | None = None) -> float:
    """Optimal rank-r LoRA risk L_LoRA(r) = L*_new + Σ_{i>r} s_i² (note §6.2, claims 13-15).

    ``W_old`` defaults to W*(Σ_x, Σ_β^old); r = 0 gives the un-adapted risk L_new(W_old).

    Examples
    --------
    >>> old, new = "diag:3,2,1,1,1,.5,.5,.5,.25,.25", "diag:.25,.25,.5,.5,.5,1,1,1,2,3"
    >>> [round(lora_risk(r, 10, 20, sigma_beta_new=new, sigma_beta_old=old), 4) for r in (0, 1, 2, 10)]
    [5.088, 4.1971, 3.6906, 3.1647]
    """
    s = _lora_setup(d, n, noise_var, sigma_beta_new, sigma_beta_old, W_old, sigma_x, noise_var_old)
    _check_r(r, s["d"])
    sv = np.linalg.svd(s["M"], compute_uv=False)
    return float(s["L_new"] + np.sum(sv[r:] ** 2))


@validated(SPACE)
def lora_risk_curve(d: int | None = None, n: int = 1, noise_var: float = 0.0, sigma_beta_new: Any = None,
                    sigma_beta_old: Any = None, W_old: Any = None, sigma_x: Any = None) -> np.ndarray:
    """L_LoRA(r) for r = 0..d."""
    s = _lora_setup(d, n, noise_var, sigma_beta_new, sigma_beta_old, W_old, sigma_x, None)
    sv = np.linalg.svd(s["M"], compute_uv=False)
    return np.array([s["L_new"] + np.sum(sv[r:] ** 2) for r in range(s["d"] + 1)])


@validated(SPACE)
def lora_optimal_update(r: int, d: int | None = None, n: int = 1, noise_var: float = 0.0,
                        sigma_beta_new: Any = None, sigma_beta_old: Any = None, W_old: Any = None,
                        sigma_x: Any = None) -> np.ndarray:
    """The optimal rank-r update ΔW (Eckart-Young in the K-weighted, whitened norm; note §6.2)."""
    s = _lora_setup(d, n, noise_var, sigma_beta_new, sigma_beta_old, W_old, sigma_x, None)
    _check_r(r, s["d"])
    U, sv, Vt = np.linalg.svd(s["M"])
    Mr = (U[:, :r] * sv[:r]) @ Vt[:r]
    return s["ihalf"] @ (Mr @ s["Kihalf"]) @ s["ihalf"]


@validated(SPACE)
def lora_direction_scores(n: int, noise_var: float = 0.0, eig_old: Any = None, eig_new: Any = None) -> np.ndarray:
    """Commuting case: per-direction s_i² = k_i (w_i^new − w_i^old)² (note §6.2).

    w_i = λ_i/((n+1)λ_i + M₀) (each with its own M₀), k_i = n[(n+1)λ_i^new + M₀^new].  LoRA of rank r
    spends its rank on the r largest scores.

    >>> s = lora_direction_scores(20, 0.0, [3, 2, 1, 1, 1, .5, .5, .5, .25, .25], [.25, .25, .5, .5, .5, 1, 1, 1, 2, 3])
    >>> [int(i) for i in np.argsort(s)[::-1][:2]]
    [9, 8]
    """
    lo = np.asarray(eig_old, dtype=float)
    ln = np.asarray(eig_new, dtype=float)
    if lo.shape != ln.shape or lo.ndim != 1 or np.any(lo <= 0) or np.any(ln <= 0):
        raise ValueError("eig_old and eig_new must be positive vectors of equal length")
    m_o, m_n = lo.sum() + noise_var, ln.sum() + noise_var
    w_o = lo / ((n + 1) * lo + m_o)
    w_n = ln / ((n + 1) * ln + m_n)
    k = n * ((n + 1) * ln + m_n)
    return k * (w_n - w_o) ** 2


@validated(SPACE)
def weight_shift(d: int | None = None, n: int = 1, noise_var: float = 0.0, sigma_beta_old: Any = None,
                 sigma_beta_new: Any = None, sigma_x: Any = None) -> dict:
    """W_new − W_old, its singular values and numerical rank (note §6.2 corollary, claim 14).

    For Σ_x = I and tr Σ_new = tr Σ_old:
    W_new − W_old = (M₀/(n+1)) [((n+1)Σ_old + M₀I)⁻¹ − ((n+1)Σ_new + M₀I)⁻¹], rank ≤ rank(Σ_new − Σ_old).
    """
    d = infer_dim(d, sigma_x, sigma_beta_old, sigma_beta_new)
    Wo = optimal_preconditioner(d, n, noise_var, sigma_x, sigma_beta_old)
    Wn = optimal_preconditioner(d, n, noise_var, sigma_x, sigma_beta_new)
    D = Wn - Wo
    sv = np.linalg.svd(D, compute_uv=False)
    tol = max(d, 1) * np.finfo(float).eps * max(np.abs(Wo).max(), np.abs(Wn).max())
    return {"delta": D, "singular_values": sv, "rank": int(np.sum(sv > tol)), "tol": float(tol)}


def trace_preserving_shift(sigma_old: Any, r: int, *, rng: np.random.Generator, magnitude: float = 0.5) -> np.ndarray:
    """Σ_new = Σ_old + U D Uᵀ with tr D = 0, rank r (r ≥ 2), kept SPD (note §9 claim 14).

    U has orthonormal random columns; D's entries alternate in sign with zero sum and are scaled
    down until Σ_new is positive definite.
    """
    S = resolve_covariance("sigma_old", sigma_old, None)
    d = S.shape[0]
    r = check_value("r", r, SPACE["r"].with_(low=2, low_open=False, high=d, high_open=False,
                                             description=f"rank of a trace-zero shift, 2 <= r <= d = {d}"))
    U, _ = np.linalg.qr(rng.standard_normal((d, r)))
    D = rng.uniform(0.5, 1.5, size=r) * np.where(np.arange(r) % 2 == 0, 1.0, -1.0)
    D -= D.mean()
    D *= magnitude * np.linalg.eigvalsh(S)[0] / np.abs(D).max()
    return S + (U * D) @ U.T
