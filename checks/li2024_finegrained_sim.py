"""Monte Carlo simulators for Li-Rawat-Oymak 2024 (note ``li2024_finegrained.md`` §1, §5, §8).

Data models (each draws fresh prompts with ``sample(size, rng)``):

* :class:`IIDModel` -- x_i, x ~ N(0, Σ_x), β ~ N(0, Σ_β), per-demonstration noise σ_i², query noise σ_q²
  (note §1.1, §5.2);
* :class:`DriftModel` -- Σ_x = I, a task β_i per demonstration with E[β_iβ_jᵀ] = P_ij I and
  E[β_iβ_qᵀ] = ρ_i I, e.g. AR(1) drift toward the query (note §5.3);
* :class:`RAGModel`, :class:`AlignmentModel` -- x_i = a·anchor + b·g_i (note §1.2-§1.3, [RECONSTRUCTED]).

Estimators:

* :func:`mc_risk` -- per-batch mean squared errors of ŷ = xᵀ W Xᵀ(ω ⊙ y) (independent batches, for
  :func:`iclverify.checks.compare.compare`);
* :func:`first_order_statistics` -- per-batch means of the gradient φ (y − φᵀvec W), φ = x ⊗ h; its mean is
  zero iff W is the population optimum of PGD, an unbiased (ratio-free) test of a closed-form W*;
* :func:`regression_optimum` -- the note's §8 "ground truth": vec W* = G⁻¹g with G = E[φφᵀ], g = E[yφ],
  for any data model (RAG and alignment included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from iclverify.checks.simcache import stored_simulation
from iclverify.theory._li2024_common import resolve_covariance

__all__ = ["Prompts", "IIDModel", "DriftModel", "RAGModel", "AlignmentModel", "predict_pgd", "mc_risk",
           "mc_risk_of", "first_order_statistics", "regression_optimum"]


@dataclass
class Prompts:
    """A batch of prompts: demonstrations ``X (B, n, d)``, labels ``y (B, n)``, query ``x (B, d)``, target ``yq``."""

    X: np.ndarray
    y: np.ndarray
    x: np.ndarray
    yq: np.ndarray

    @property
    def size(self) -> int:
        return self.yq.shape[0]


def _chol(S):
    return np.linalg.cholesky(S)


@dataclass
class IIDModel:
    """Independent design (note §1.1): x_i, x ~ N(0, Σ_x), β ~ N(0, Σ_β), y_i = x_iᵀβ + ξ_i."""

    d: int
    n: int
    sigma_x: Any = None
    sigma_beta: Any = None
    noise_vars: Any = 0.0
    query_noise_var: float | None = None
    _Lx: np.ndarray = field(init=False, repr=False)
    _Lb: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        self._Lx = _chol(resolve_covariance("sigma_x", self.sigma_x, self.d))
        self._Lb = _chol(resolve_covariance("sigma_beta", self.sigma_beta, self.d))
        self._sv = np.broadcast_to(np.asarray(self.noise_vars, dtype=float), (self.n,)).copy()
        if np.any(self._sv < 0):
            raise ValueError("noise_vars must be non-negative")
        if self.query_noise_var is None:
            self.query_noise_var = float(self.noise_vars) if np.ndim(self.noise_vars) == 0 else 0.0

    def sample(self, size: int, rng: np.random.Generator) -> Prompts:
        d, n = self.d, self.n
        X = rng.standard_normal((size, n, d)) @ self._Lx.T
        x = rng.standard_normal((size, d)) @ self._Lx.T
        beta = rng.standard_normal((size, d)) @ self._Lb.T
        y = np.einsum("bnd,bd->bn", X, beta) + rng.standard_normal((size, n)) * np.sqrt(self._sv)
        yq = np.einsum("bd,bd->b", x, beta) + rng.standard_normal(size) * np.sqrt(self.query_noise_var)
        return Prompts(X, y, x, yq)


@dataclass
class DriftModel:
    """Per-demonstration tasks (note §5.3): Σ_x = I, β_1..β_n, β_q jointly Gaussian with correlation ``P_full``.

    ``P_full`` is the (n+1)×(n+1) correlation of (β_1, …, β_n, β_q) across positions (identity across
    coordinates).  :meth:`ar1` builds the AR(1) drift P_ij = g^|i−j| with the query at position n+1.
    """

    d: int
    n: int
    P_full: np.ndarray
    noise_var: float = 0.0

    def __post_init__(self):
        P = np.asarray(self.P_full, dtype=float)
        if P.shape != (self.n + 1, self.n + 1):
            raise ValueError(f"P_full must be ({self.n + 1}, {self.n + 1})")
        lam, U = np.linalg.eigh(P)
        if lam[0] < -1e-10:
            raise ValueError("P_full must be positive semi-definite")
        self._half = U * np.sqrt(np.clip(lam, 0, None))

    @classmethod
    def ar1(cls, d: int, n: int, drift: float, noise_var: float = 0.0) -> "DriftModel":
        idx = np.arange(1, n + 2)
        return cls(d, n, drift ** np.abs(idx[:, None] - idx[None, :]).astype(float), noise_var)

    def sample(self, size: int, rng: np.random.Generator) -> Prompts:
        d, n = self.d, self.n
        G = rng.standard_normal((size, n + 1, d))
        B = np.einsum("ij,bjd->bid", self._half, G)  # tasks (B, n+1, d)
        X = rng.standard_normal((size, n, d))
        x = rng.standard_normal((size, d))
        s = np.sqrt(self.noise_var)
        y = np.einsum("bnd,bnd->bn", X, B[:, :n]) + s * rng.standard_normal((size, n))
        yq = np.einsum("bd,bd->b", x, B[:, n]) + s * rng.standard_normal(size)
        return Prompts(X, y, x, yq)


def _noisy_labels(X: np.ndarray, x: np.ndarray, beta: np.ndarray, noise_var: float,
                  rng: np.random.Generator) -> Prompts:
    """Prompts with labels y_i = x_iᵀβ + ξ_i and y = xᵀβ + ξ (one task β per prompt, noise drawn last)."""
    s = np.sqrt(noise_var)
    y = np.einsum("bnd,bd->bn", X, beta) + s * rng.standard_normal(X.shape[:2])
    yq = np.einsum("bd,bd->b", x, beta) + s * rng.standard_normal(x.shape[0])
    return Prompts(X, y, x, yq)


@dataclass
class RAGModel:
    """RAG (note §1.2, [RECONSTRUCTED] Eq. 9): x ~ N(0, I), x_i = a·x + b·g_i, β ~ N(0, I)."""

    d: int
    n: int
    a: float
    b: float
    noise_var: float = 0.0

    def sample(self, size: int, rng: np.random.Generator) -> Prompts:
        d, n = self.d, self.n
        x = rng.standard_normal((size, d))
        X = self.a * x[:, None, :] + self.b * rng.standard_normal((size, n, d))
        beta = rng.standard_normal((size, d))
        return _noisy_labels(X, x, beta, self.noise_var, rng)


@dataclass
class AlignmentModel:
    """Task-feature alignment (note §1.3, [RECONSTRUCTED] Eq. 11): β ~ N(0, I), x_i = a·β + b·g_i, x = a·β + b·g₀."""

    d: int
    n: int
    a: float
    b: float
    noise_var: float = 0.0

    def sample(self, size: int, rng: np.random.Generator) -> Prompts:
        d, n = self.d, self.n
        beta = rng.standard_normal((size, d))
        X = self.a * beta[:, None, :] + self.b * rng.standard_normal((size, n, d))
        x = self.a * beta + self.b * rng.standard_normal((size, d))
        return _noisy_labels(X, x, beta, self.noise_var, rng)


# ---------------------------------------------------------------------------------------------


def predict_pgd(p: Prompts, W: np.ndarray, omega: Any = None) -> np.ndarray:
    """ŷ = xᵀ W Xᵀ(ω ⊙ y) for every prompt (ω = 𝟏 by default)."""
    wy = p.y if omega is None else p.y * np.asarray(omega, dtype=float)
    h = np.einsum("bnd,bn->bd", p.X, wy)
    return np.einsum("bd,de,be->b", p.x, np.asarray(W, dtype=float), h)


def mc_risk_of(model: Any, predictor: Callable[[Prompts], np.ndarray], *, size: int, batches: int,
               rng: np.random.Generator) -> np.ndarray:
    """Per-batch mean squared error of any predictor over ``batches`` independent batches of fresh prompts.

    Returns ``batches`` i.i.d. values whose mean estimates the risk (include the query noise).
    """
    if batches < 2 or size < 1:
        raise ValueError("need batches >= 2 and size >= 1")
    out = np.empty(batches)
    for k in range(batches):
        p = model.sample(size, rng)
        out[k] = np.mean((p.yq - predictor(p)) ** 2)
    return out


@stored_simulation("li2024_finegrained.mc_risk")
def mc_risk(model: Any, W: np.ndarray, omega: Any = None, *, size: int = 2000, batches: int = 50,
            rng: np.random.Generator) -> np.ndarray:
    """Per-batch Monte Carlo risk of (W)PGD with preconditioner ``W`` and weights ``omega``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> r = mc_risk(IIDModel(2, 3), np.eye(2) / 6, size=4000, batches=10, rng=rng)   # L* = 1
    >>> bool(abs(r.mean() - 1.0) < 0.05)
    True
    """
    return mc_risk_of(model, lambda p: predict_pgd(p, W, omega), size=size, batches=batches, rng=rng)


def _features(p: Prompts, omega=None):
    wy = p.y if omega is None else p.y * np.asarray(omega, dtype=float)
    h = np.einsum("bnd,bn->bd", p.X, wy)
    return np.einsum("bj,bk->bjk", p.x, h).reshape(p.size, -1)  # φ_(j,k) = x_j h_k, so xᵀWh = vec_row(W)·φ


@stored_simulation("li2024_finegrained.first_order_statistics")
def first_order_statistics(model: Any, W: np.ndarray, omega: Any = None, *, size: int = 2000, batches: int = 50,
                           rng: np.random.Generator, directions: Any = None) -> np.ndarray:
    """Per-batch means of the negative half-gradient e = φ (y − xᵀWh), shape ``(batches, d*d)``.

    E[e] = g − G vec W = 0 exactly when W is the PGD population optimum (note §8), so testing each
    coordinate's mean against 0 checks a closed-form W* without the ratio bias of G⁻¹g.  With
    ``directions`` (k matrices D, shape ``(k, d, d)``) only the projections ⟨D, e⟩ = (xᵀDh)(y − xᵀWh)
    are returned, shape ``(batches, k)`` (cheaper at large d).
    """
    W = np.asarray(W, dtype=float)
    dirs = None if directions is None else np.asarray(directions, dtype=float).reshape(-1, *W.shape)
    out = np.empty((batches, W.size if dirs is None else dirs.shape[0]))
    for k in range(batches):
        p = model.sample(size, rng)
        wy = p.y if omega is None else p.y * np.asarray(omega, dtype=float)
        h = np.einsum("bnd,bn->bd", p.X, wy)
        resid = p.yq - np.einsum("bd,de,be->b", p.x, W, h)
        if dirs is None:
            phi = np.einsum("bj,bk->bjk", p.x, h).reshape(p.size, -1)
            out[k] = (phi * resid[:, None]).mean(axis=0)
        else:
            out[k] = [float(np.einsum("be,be->b", p.x @ D, h) @ resid) / p.size for D in dirs]
    return out


@stored_simulation("li2024_finegrained.regression_optimum")
def regression_optimum(model: Any, omega: Any = None, *, size: int = 2000, batches: int = 50,
                       rng: np.random.Generator) -> tuple:
    """The note's §8 ground truth: vec W* = G⁻¹g, L* = E[y²] − gᵀG⁻¹g from fresh prompts.

    Returns ``(W_hat, L_hat)``; L_hat is the in-sample value (biased low by O(d²/N)).

    Examples
    --------
    >>> W, L = regression_optimum(IIDModel(2, 3), size=5000, batches=8, rng=np.random.default_rng(1))
    >>> bool(np.allclose(W, np.eye(2) / 6, atol=0.03))
    True
    """
    G = g = None
    yy = 0.0
    total = 0
    for _ in range(batches):
        p = model.sample(size, rng)
        phi = _features(p, omega)
        G = phi.T @ phi if G is None else G + phi.T @ phi
        g = phi.T @ p.yq if g is None else g + phi.T @ p.yq
        yy += float(p.yq @ p.yq)
        total += p.size
    G, g, yy = G / total, g / total, yy / total
    w = np.linalg.solve(G, g)
    d = int(round(np.sqrt(w.size)))
    return w.reshape(d, d), float(yy - g @ w)
