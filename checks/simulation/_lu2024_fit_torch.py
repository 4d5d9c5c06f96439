"""The ridge fit of Γ* (Lu et al., note §2.2) in PyTorch, float64, on CPU or CUDA.

Mirrors the numpy solvers of :mod:`iclverify.checks.simulation._lu2024_fit` (same algorithms,
same stopping rules), so the two agree to float64 rounding:

``dual``      kernel ``K = (X Xᵀ) ∘ (U Uᵀ)``, solve ``(K + λ' I) a = y`` (n ≤ p);
``cholesky``  Gram matrix ``Σ h hᵀ`` accumulated in chunks (upper block triangle only), Cholesky solve;
``cg``        Kronecker-preconditioned conjugate gradients (n ≥ 1.5 p).

On a GPU the ``cholesky`` accumulation (``n p²`` flops) is the dense-matrix workload
that the benchmark measures against the device's float64 peak.
"""

from __future__ import annotations

import numpy as np

from iclverify.theory.domains import LU2024_SIMULATION
from iclverify.theory.parameters import Options, check_value

__all__ = ["fit_gamma_torch"]

#: The declared solvers less "auto" (fit_gamma resolves it before calling here).
_TORCH_SOLVERS = Options(tuple(c for c in LU2024_SIMULATION["solver"].choices if c != "auto"),
                         description="solver of the torch backend (auto is resolved by fit_gamma first)")


def fit_gamma_torch(X: np.ndarray, U: np.ndarray, y: np.ndarray, lam_eff: float, solver: str, *,
                    device: str = "cpu", tol: float = 1e-11, maxiter: int = 500,
                    chunk: int = 4096) -> tuple[np.ndarray | None, dict]:
    """Fit Γ on the torch backend; returns ``(gamma, info)`` with gamma as numpy.

    ``gamma`` is ``None`` when CG did not converge (the caller falls back to
    ``cholesky``, as the numpy path does).
    """
    check_value("solver", solver, _TORCH_SOLVERS)
    import torch

    dev = torch.device(device)
    Xt = torch.as_tensor(np.ascontiguousarray(X), dtype=torch.float64, device=dev)
    Ut = torch.as_tensor(np.ascontiguousarray(U), dtype=torch.float64, device=dev)
    yt = torch.as_tensor(np.ascontiguousarray(y), dtype=torch.float64, device=dev)
    info: dict = {"solver": solver, "backend": f"torch:{dev.type}"}
    if solver == "dual":
        g = _dual(torch, Xt, Ut, yt, lam_eff)
    elif solver == "cholesky":
        g = _cholesky(torch, Xt, Ut, yt, lam_eff, chunk)
    elif solver == "cg":
        g, its = _cg(torch, Xt, Ut, yt, lam_eff, tol, maxiter)
        info["iterations"] = its
        if g is None:
            return None, info
    else:  # "lstsq" (checked at the top)
        g = _lstsq(torch, Xt, Ut, yt, lam_eff)  # pinv: same cut-off as numpy lstsq, eps·max(m, n)
    return g.cpu().numpy(), info


def _dual(torch, X, U, y, lam_eff):
    K = (X @ X.T) * (U @ U.T)
    if lam_eff > 0:
        K.diagonal().add_(lam_eff)
    L, status = torch.linalg.cholesky_ex(K)
    if int(status) == 0:
        a = torch.cholesky_solve(y[:, None], L)[:, 0]
    else:  # numerically singular kernel (ridgeless at the threshold): least squares
        a = torch.linalg.pinv(K, hermitian=True) @ y
    return X.T @ (a[:, None] * U)


def _cholesky(torch, X, U, y, lam_eff, chunk):
    n, d = X.shape
    p = d * (d + 1)
    G = torch.zeros((p, p), dtype=torch.float64, device=X.device)
    # torch has no symmetric rank-k update (BLAS syrk): accumulate the upper block triangle only,
    # column block by column block, which halves the n·p² flops of a full Hᵀ H product.
    width = max(256, -(-p // 8))
    for lo in range(0, n, chunk):
        Hc = (X[lo:lo + chunk, :, None] * U[lo:lo + chunk, None, :]).reshape(-1, p)
        for c0 in range(0, p, width):
            c1 = min(p, c0 + width)
            G[:c1, c0:c1].addmm_(Hc[:, :c1].T, Hc[:, c0:c1])
    G = torch.triu(G) + torch.triu(G, 1).T
    b = (X.T @ (y[:, None] * U)).reshape(p)
    G.diagonal().add_(lam_eff)
    L, status = torch.linalg.cholesky_ex(G)
    if int(status) == 0:
        g = torch.cholesky_solve(b[:, None], L)[:, 0]
    else:
        g = torch.linalg.pinv(G, hermitian=True) @ b
    return g.reshape(d, d + 1)


def _lstsq(torch, X, U, y, lam_eff):
    n, d = X.shape
    H = (X[:, :, None] * U[:, None, :]).reshape(n, d * (d + 1))
    if lam_eff > 0:
        H = torch.cat([H, (lam_eff ** 0.5) * torch.eye(H.shape[1], dtype=H.dtype, device=H.device)])
        y = torch.cat([y, torch.zeros(H.shape[1], dtype=y.dtype, device=y.device)])
    return (torch.linalg.pinv(H) @ y).reshape(d, d + 1)


def _cg(torch, X, U, y, lam_eff, tol, maxiter):
    n, d = X.shape
    dx, Vx = torch.linalg.eigh(X.T @ X)
    du, Vu = torch.linalg.eigh(U.T @ U)
    denom = torch.outer(dx.clamp(min=0), du.clamp(min=0)) / n + lam_eff
    if float(denom.min()) <= 0:
        return None, 0

    def apply(G):
        r = ((X @ G) * U).sum(dim=1)
        return X.T @ (r[:, None] * U) + lam_eff * G

    def precond(R):
        return Vx @ ((Vx.T @ R @ Vu) / denom) @ Vu.T

    B = X.T @ (y[:, None] * U)
    bnorm = float(torch.linalg.norm(B))
    if bnorm == 0:
        return torch.zeros((d, d + 1), dtype=X.dtype, device=X.device), 0
    G = precond(B)
    R = B - apply(G)
    Z = precond(R)
    P = Z.clone()
    rz = torch.sum(R * Z)
    for it in range(1, maxiter + 1):
        AP = apply(P)
        step = rz / torch.sum(P * AP)
        G += step * P
        R -= step * AP
        if float(torch.linalg.norm(R)) <= tol * bnorm:
            return G, it
        Z = precond(R)
        rz_new = torch.sum(R * Z)
        P = Z + (rz_new / rz) * P
        rz = rz_new
    return None, maxiter
