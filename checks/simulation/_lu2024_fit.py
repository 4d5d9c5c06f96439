"""Fit of the linear-attention matrix Γ* by the ridge objective of Lu et al. (note §2.2).

.. math::

    Γ^* = \\arg\\min_Γ \\sum_{μ=1}^n (y^μ - ⟨Γ, H_μ⟩)^2 + λ' \\|Γ\\|_F^2,\\qquad λ' = \\tfrac{n}{d} λ,

with ``H_μ = x_μ u_μᵀ`` (``x_μ`` the query, ``u_μ = [v_μ; s_μ]``), so that
``vec(H_μ) = x_μ ⊗ u_μ`` and the Gram matrix ``Σ h hᵀ = Σ (x xᵀ) ⊗ (u uᵀ)``.  λ' = 0 gives the
minimum-norm least-squares solution.

All linear algebra of the fit lives in :func:`fit_gamma`, which takes plain arrays
``(X, U, y, lam_eff)`` so that another array backend (e.g. torch on a GPU) can be slotted in
without touching the samplers.  Solvers:

``dual``
    ``n ≤ p = d(d+1)``: Γ = Σ_μ a_μ x_μ u_μᵀ with ``(K + λ' I) a = y`` and the kernel
    ``K = (X Xᵀ) ∘ (U Uᵀ)`` (Hadamard product: cost n²(2d+1) instead of n² p).
``cholesky``
    Gram matrix accumulated in chunks with the BLAS symmetric rank-k update ``dsyrk``
    (half the flops of a general product, no n × p matrix held), then a Cholesky solve.
``lstsq``
    SVD-based least squares on the explicit n × p design (robust near the interpolation
    threshold n ≈ p, where the normal equations lose digits).
``cg``
    Conjugate gradients on the normal equations, applying the Gram matrix as
    ``Γ ↦ Xᵀ diag(x_μᵀ Γ u_μ) U`` (2np flops, never formed) and preconditioned by the
    Kronecker product ``n (XᵀX/n) ⊗ (UᵀU/n) + λ' I``, inverted exactly through the two
    small eigendecompositions.  Because the query ``x`` is independent of ``u``,
    ``E[h hᵀ] = E[x xᵀ] ⊗ E[u uᵀ]``: the preconditioned system is well conditioned when
    ``n ≫ p`` and CG converges in a few dozen products.  Converged to a relative residual of
    ``tol`` (default 1e-11), it reproduces the direct solve to ~10 digits; if it does not
    converge within ``maxiter`` products it falls back to ``cholesky``.
``auto``
    ``cg`` if n ≥ 1.5p (measured: ~20 products at n = 10p, ~75 at n = 2p, λ' = 0), or where a
    ridge bounds the conditioning and CG's products cost less than the direct solve
    (:func:`choose_solver`); else ``dual`` if n ≤ p, ``cholesky`` otherwise (which falls back to
    least squares on the Gram matrix if it is numerically singular).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
from scipy.linalg import blas

from iclverify.checks.simulation._lu2024_fit_torch import fit_gamma_torch
from iclverify.checks.simulation.array_backend import get_backend
from iclverify.theory.domains import LU2024_SIMULATION
from iclverify.theory.parameters import Checked, check_value

__all__ = ["SOLVERS", "fit_gamma", "choose_solver", "cg_products_bound"]

SOLVERS = LU2024_SIMULATION["solver"].choices  # declared in iclverify.theory.domains
#: The design of the fit: features X (n, d), the context summaries U (n, d+1) and the labels y (n,).
_FEATURE_SHAPES = Checked("U of shape (n, d+1) and y of shape (n,) for X of shape (n, d)")


def cg_products_bound(lam: float) -> float:
    """Preconditioned-CG products to converge with the paper's ridge ``lam`` (= λ' d / n), near n ≈ p.

    Measured at τ = 1, κ = ∞, d = 48 and 64 (tol 1e-11): 28 products at λ = 1, 80 at 0.1, 234 at
    0.01, i.e. about 27 λ^(-0.47); this bound (30 λ^(-1/2)) is what the solver choice assumes.
    The ridge bounds the condition number of the preconditioned system by about 1 + c/λ, so the
    count does not grow with d.
    """
    return 30.0 / np.sqrt(lam)


def choose_solver(n: int, d: int, lam_eff: float) -> str:
    """The solver ``auto`` picks for ``n`` contexts, dimension ``d`` and ridge ``lam_eff`` (= λ n / d).

    ``cg`` when ``n ≥ 1.5 p`` (well conditioned by the sample size), or when a ridge makes it
    cheaper than the direct solve: ``4 n p`` flops per product times :func:`cg_products_bound`
    against ``m³/3`` (+ the dual kernel ``2 n² d``) for ``m = min(n, p)``.  Measured at τ = 1,
    d = 64: 6× faster at λ = 0.1, 16× at λ = 1, agreeing with the direct solve to 1e-11.
    Otherwise ``dual`` if ``n ≤ p``, else ``cholesky``.
    """
    p = d * (d + 1)
    if 2 * n >= 3 * p:
        return "cg"
    lam = lam_eff * d / n if n else 0.0
    if lam > 0:
        direct = min(n, p) ** 3 / 3 + (2 * n * n * d if n <= p else n * p * p)
        if 4 * n * p * cg_products_bound(lam) < direct:
            return "cg"
    return "dual" if n <= p else "cholesky"


def fit_gamma(X: np.ndarray, U: np.ndarray, y: np.ndarray, lam_eff: float, *, solver: str = "auto",
              tol: float = 1e-11, maxiter: int = 500, chunk: int = 2048,
              device: str = "cpu") -> tuple[np.ndarray, dict]:
    """Ridge / minimum-norm fit of Γ (d × (d+1)) from queries, features and labels.

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Query vectors ``x_{ℓ+1}`` of the n pretraining contexts.
    U : ndarray, shape (n, d+1)
        ``[v; s]`` per context, so that ``H_μ = x_μ u_μᵀ``.
    y : ndarray, shape (n,)
        Query labels ``y_{ℓ+1}``.
    lam_eff : float
        ``λ' = (n/d) λ`` (0: minimum-norm solution).
    solver : {"auto", "dual", "cholesky", "lstsq", "cg"}
    tol, maxiter : CG settings.
    chunk : int
        Contexts per ``dsyrk`` block (bounds memory at ``chunk × p``).
    device : str
        Array backend of the linear algebra (:func:`iclverify.checks.simulation.array_backend.get_backend`):
        ``"cpu"``/``"numpy"`` (default) or ``"gpu"``/``"torch"``/``"torch:cpu"``/``"torch:cuda"``.
        The torch path runs the same solvers in float64 and agrees with numpy to rounding.

    Returns
    -------
    gamma : ndarray, shape (d, d+1)
    info : dict
        ``solver`` used, ``iterations`` (CG) and ``train_mse`` (mean squared training residual).
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    U = np.ascontiguousarray(U, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    n, d = X.shape
    if U.shape != (n, d + 1) or y.shape != (n,):
        _FEATURE_SHAPES.reject("U, y", f"<shapes {U.shape}, {y.shape}>", f"X has shape {X.shape}")
    check_value("solver", solver, LU2024_SIMULATION["solver"])
    if solver == "auto":
        solver = choose_solver(n, d, lam_eff)
    info: dict = {"solver": solver}
    backend = get_backend(device)
    if not backend.is_numpy:
        gamma, tinfo = fit_gamma_torch(X, U, y, lam_eff, solver, device=backend.device, tol=tol, maxiter=maxiter)
        info.update(tinfo)
        if gamma is None:  # CG did not converge: the direct solve, as on the numpy path
            info["solver"] = "cholesky (cg did not converge)"
            gamma, _ = fit_gamma_torch(X, U, y, lam_eff, "cholesky", device=backend.device)
        resid = y - np.einsum("nd,nd->n", X @ gamma, U)
        info["train_mse"] = float(resid @ resid / n)
        return gamma, info
    if solver == "dual":
        gamma = _dual(X, U, y, lam_eff)
    elif solver == "cholesky":
        gamma = _cholesky(X, U, y, lam_eff, chunk)
    elif solver == "lstsq":
        gamma = _lstsq(X, U, y, lam_eff)
    else:
        gamma, its = _cg(X, U, y, lam_eff, tol, maxiter)
        info["iterations"] = its
        if gamma is None:  # not converged: fall back to the direct solve
            info["solver"] = "cholesky (cg did not converge)"
            gamma = _cholesky(X, U, y, lam_eff, chunk)
    resid = y - np.einsum("nd,nd->n", X @ gamma, U)
    info["train_mse"] = float(resid @ resid / n)
    return gamma, info


def _dual(X, U, y, lam_eff):
    K = (X @ X.T) * (U @ U.T)
    if lam_eff > 0:
        K[np.diag_indices_from(K)] += lam_eff
    try:
        a = sla.solve(K, y, assume_a="pos", check_finite=False)
    except (sla.LinAlgError, np.linalg.LinAlgError):
        a = np.linalg.lstsq(K, y, rcond=None)[0]
    return X.T @ (a[:, None] * U)


def _design_rows(X, U):
    """Rows ``x_μ ⊗ u_μ`` of the n × p design matrix."""
    n, d = X.shape
    return (X[:, :, None] * U[:, None, :]).reshape(n, d * (d + 1))


def _cholesky(X, U, y, lam_eff, chunk):
    n, d = X.shape
    p = d * (d + 1)
    G = np.zeros((p, p), order="F")
    for lo in range(0, n, chunk):
        Hc = _design_rows(X[lo:lo + chunk], U[lo:lo + chunk])
        # upper triangle of G += Hcᵀ Hc (symmetric rank-k update)
        G = blas.dsyrk(1.0, Hc, beta=1.0, c=G, trans=1, lower=0, overwrite_c=1)
    b = (X.T @ (y[:, None] * U)).ravel()
    G[np.diag_indices(p)] += lam_eff
    try:
        cf = sla.cho_factor(G, lower=False, overwrite_a=True, check_finite=False)
        g = sla.cho_solve(cf, b, check_finite=False)
    except (sla.LinAlgError, np.linalg.LinAlgError):
        Gs = np.triu(G) + np.triu(G, 1).T
        g = np.linalg.lstsq(Gs, b, rcond=None)[0]
    return g.reshape(d, d + 1)


def _lstsq(X, U, y, lam_eff):
    n, d = X.shape
    H = _design_rows(X, U)
    if lam_eff > 0:
        H = np.vstack([H, np.sqrt(lam_eff) * np.eye(H.shape[1])])
        y = np.concatenate([y, np.zeros(H.shape[1])])
    return np.linalg.lstsq(H, y, rcond=None)[0].reshape(d, d + 1)


def _cg(X, U, y, lam_eff, tol, maxiter):
    n, d = X.shape
    dx, Vx = np.linalg.eigh(X.T @ X)
    du, Vu = np.linalg.eigh(U.T @ U)
    denom = np.outer(np.maximum(dx, 0), np.maximum(du, 0)) / n + lam_eff
    if np.min(denom) <= 0:
        return None, 0

    def apply(G):
        r = np.einsum("nd,nd->n", X @ G, U)
        return X.T @ (r[:, None] * U) + lam_eff * G

    def precond(R):
        return Vx @ ((Vx.T @ R @ Vu) / denom) @ Vu.T

    B = X.T @ (y[:, None] * U)
    bnorm = np.linalg.norm(B)
    if bnorm == 0:
        return np.zeros((d, d + 1)), 0
    G = precond(B)
    R = B - apply(G)
    Z = precond(R)
    P = Z.copy()
    rz = np.vdot(R, Z)
    for it in range(1, maxiter + 1):
        AP = apply(P)
        step = rz / np.vdot(P, AP)
        G += step * P
        R -= step * AP
        if np.linalg.norm(R) <= tol * bnorm:
            return G, it
        Z = precond(R)
        rz_new = np.vdot(R, Z)
        P = Z + (rz_new / rz) * P
        rz = rz_new
    return None, maxiter
