"""Monte Carlo simulators for Li-Rawat-Oymak 2024 (note ``li2024_finegrained.md`` §1, §5, §8).

Data models (each draws fresh prompts with ``sample(size, rng)``):

* :class:`IIDModel` -- x_i, x ~ N(0, Σ_x), β ~ N(0, Σ_β), per-demonstration noise σ_i², query noise σ_q²
  (note §1.1, §5.2);
* :class:`DriftModel` -- Σ_x = I, a task β_i per demonstration with E[β_iβ_jᵀ] = P_ij I and
  E[β_iβ_qᵀ] = ρ_i I, e.g. AR(1) drift toward the query (note §5.3);
* :class:`RAGModel`, :class:`AlignmentModel` -- x_i = a·anchor + b·g_i (note §1.2-§1.3, [RECONSTRUCTED]).

Estimators:

* :func:`mc_risk` -- per-batch mean squared errors of ŷ = xᵀ W Xᵀ(ω ⊙ y) (independent batches, for
  :func:`iclverify.checks.statistics.compare.compare`);
* :func:`first_order_statistics` -- per-batch means of the gradient φ (y − φᵀvec W), φ = x ⊗ h; its mean is
  zero iff W is the population optimum of PGD, an unbiased (ratio-free) test of a closed-form W*;
* :func:`regression_optimum` -- the note's §8 "ground truth": vec W* = G⁻¹g with G = E[φφᵀ], g = E[yφ],
  for any data model (RAG and alignment included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from iclverify.checks.simulation.simcache import stored_simulation
from iclverify.theory._li2024_common import resolve_covariance
from iclverify.theory.domains import LI2024_FINEGRAINED
from iclverify.theory.parameters import Checked, Interval, ParameterSpace, check_value

__all__ = ["Prompts", "IIDModel", "DriftModel", "RAGModel", "AlignmentModel", "predict_pgd", "mc_risk",
           "mc_risk_of", "first_order_statistics", "regression_optimum", "mc_risk_integrated",
           "first_order_integrated", "mc_risk_of_integrated", "FINEGRAINED_SIM_PARAMETERS"]

#: The Monte Carlo's parameters, declared once; the model's own (noise variances) are the theory's.
FINEGRAINED_SIM_PARAMETERS = ParameterSpace(
    "li2024_finegrained_sim",
    {
        "size": Interval(1, float("inf"), low_open=False, integer=True, description="prompts per batch"),
        "batches": Interval(2, float("inf"), low_open=False, integer=True,
                            description="independent batches (2 at least, for a standard error)"),
        "noise_vars": LI2024_FINEGRAINED["noise_vars"],
        "P_full": Checked("task correlation of the n demonstrations and the query: an (n+1) x (n+1) positive "
                          "semi-definite matrix", invalid=(((1.0, 2.0), (2.0, 1.0)),)),
        "b": Checked("coefficient b of the fresh noise in x_i = a x + b g_i: non-zero to integrate the query"),
    },
)
_SIM = FINEGRAINED_SIM_PARAMETERS.domains


@dataclass
class Prompts:
    """A batch of prompts: demonstrations ``X (B, n, d)``, labels ``y (B, n)``, query ``x (B, d)``, target ``yq``."""

    X: np.ndarray
    y: np.ndarray
    x: np.ndarray
    yq: np.ndarray
    beta_q: np.ndarray | None = None  # the query's task (B, d): kept for the query-integrated estimators

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
        check_value("noise_vars", self._sv, _SIM["noise_vars"])
        if self.query_noise_var is None:
            self.query_noise_var = float(self.noise_vars) if np.ndim(self.noise_vars) == 0 else 0.0

    def sample(self, size: int, rng: np.random.Generator) -> Prompts:
        d, n = self.d, self.n
        X = rng.standard_normal((size, n, d)) @ self._Lx.T
        x = rng.standard_normal((size, d)) @ self._Lx.T
        beta = rng.standard_normal((size, d)) @ self._Lb.T
        y = np.einsum("bnd,bd->bn", X, beta) + rng.standard_normal((size, n)) * np.sqrt(self._sv)
        yq = np.einsum("bd,bd->b", x, beta) + rng.standard_normal(size) * np.sqrt(self.query_noise_var)
        return Prompts(X, y, x, yq, beta)

    def query_law(self, p: Prompts) -> tuple:
        """x given everything else: N(0, Σ_x) (independent design); returns ``(mean (B, d), cov (d, d), σ_q²)``."""
        return np.zeros_like(p.x), self._Lx @ self._Lx.T, float(self.query_noise_var)


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
            _SIM["P_full"].reject("P_full", f"<shape {P.shape}>", f"n = {self.n}")
        lam, U = np.linalg.eigh(P)
        if lam[0] < -1e-10:
            _SIM["P_full"].reject("P_full", f"<smallest eigenvalue {lam[0]:.3g}>")
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
        return Prompts(X, y, x, yq, B[:, n])

    def query_law(self, p: Prompts) -> tuple:
        """x given everything else: N(0, I); returns ``(mean, cov, σ_q²)``."""
        return np.zeros_like(p.x), np.eye(self.d), float(self.noise_var)


def _noisy_labels(X: np.ndarray, x: np.ndarray, beta: np.ndarray, noise_var: float,
                  rng: np.random.Generator) -> Prompts:
    """Prompts with labels y_i = x_iᵀβ + ξ_i and y = xᵀβ + ξ (one task β per prompt, noise drawn last)."""
    s = np.sqrt(noise_var)
    y = np.einsum("bnd,bd->bn", X, beta) + s * rng.standard_normal(X.shape[:2])
    yq = np.einsum("bd,bd->b", x, beta) + s * rng.standard_normal(x.shape[0])
    return Prompts(X, y, x, yq, beta)


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

    def query_law(self, p: Prompts) -> tuple:
        """x given the demonstrations (x_i = a x + b g_i, x ~ N(0, I)): Gaussian with precision
        1 + n a²/b² and mean (a/b²) Σ_i x_i / (1 + n a²/b²) (conjugate update); returns ``(mean, cov, σ²)``."""
        if self.b == 0:
            _SIM["b"].reject("b", self.b, "with b = 0 the query is a function of the demonstrations")
        prec = 1.0 + self.n * self.a**2 / self.b**2
        mean = (self.a / self.b**2) * p.X.sum(axis=1) / prec
        return mean, np.eye(self.d) / prec, float(self.noise_var)


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

    def query_law(self, p: Prompts) -> tuple:
        """x given β and the demonstrations: N(aβ, b²I) (its own fresh g₀); returns ``(mean, cov, σ²)``."""
        return self.a * p.beta_q, self.b**2 * np.eye(self.d), float(self.noise_var)


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
    FINEGRAINED_SIM_PARAMETERS.validate(batches=batches, size=size)
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


# ---------------------------------------------------------------------------------------------
# Query-integrated estimators (variance reduction, DERIVED-HERE)
#
# Given everything except the query feature x and the query noise ξ, the error of (W)PGD is
# e = xᵀv + ξ with v = β_q − W h, h = Xᵀ(ω ⊙ y).  Every model here has x | rest ~ N(m, C) with m, C
# known in closed form (``model.query_law``), so the exact conditional expectations are
#
#   E[e² | rest]                 = (mᵀv)² + vᵀCv + σ_q²                 (risk)
#   E[x_j h_k e | rest]          = (E[xxᵀ] v)_j h_k,  E[xxᵀ] = C + mmᵀ    (W first-order statistic)
#   E[e · xᵀWx_i y_i ω-free | rest] = vᵀ E[xxᵀ] W x_i y_i                   (ω first-order statistic)
#
# Averaging these instead of the raw squares removes the query's share of the variance (the
# chi-square of x) while keeping the estimators unbiased: E[E[· | rest]] = E[·].


def _query_pieces(model: Any, p: Prompts, W: np.ndarray, omega: Any):
    if p.beta_q is None:
        raise ValueError(f"{type(model).__name__}.sample did not keep the query's task: cannot integrate the query")
    m, C, sq = model.query_law(p)
    wy = p.y if omega is None else p.y * np.asarray(omega, dtype=float)
    h = np.einsum("bnd,bn->bd", p.X, wy)
    Wh = h @ np.asarray(W, dtype=float).T
    v = p.beta_q - Wh
    return m, C, sq, h, Wh, v


def _second_moment_times(m: np.ndarray, C: np.ndarray, v: np.ndarray) -> np.ndarray:
    """E[xxᵀ | rest] v = C v + m (mᵀv), row-wise."""
    return v @ C.T + m * np.einsum("bd,bd->b", m, v)[:, None]


def mc_risk_integrated(model: Any, pairs: Any, *, size: int = 2000, batches: int = 50,
                       rng: np.random.Generator) -> np.ndarray:
    """Per-batch means of the query-integrated risk (m ᵀv)² + vᵀCv + σ_q² for several ``(W, ω)`` pairs.

    All pairs are evaluated on the *same* prompts (common random numbers), so the difference of two
    columns estimates a risk difference with the shared noise cancelled.  Returns ``(batches, len(pairs))``.

    Examples
    --------
    >>> r = mc_risk_integrated(IIDModel(2, 3), [(np.eye(2) / 6, None)], size=4000, batches=10,
    ...                        rng=np.random.default_rng(0))      # L* = 1
    >>> bool(abs(r.mean() - 1.0) < 0.05)
    True
    """
    FINEGRAINED_SIM_PARAMETERS.validate(batches=batches, size=size)
    pairs = list(pairs)
    out = np.empty((batches, len(pairs)))
    for k in range(batches):
        p = model.sample(size, rng)
        for j, (W, omega) in enumerate(pairs):
            m, C, sq, _, _, v = _query_pieces(model, p, W, omega)
            out[k, j] = np.mean(np.einsum("bd,bd->b", m, v) ** 2 + np.einsum("bd,de,be->b", v, C, v) + sq)
    return out


def first_order_integrated(model: Any, pairs: Any, *, size: int = 2000, batches: int = 50,
                           rng: np.random.Generator, weights: bool = False) -> list:
    """Query-integrated first-order statistics of several ``(W, ω)`` pairs on the same prompts.

    For each pair returns ``(stats, scale)``, both ``(batches, p)`` per-batch means:

    * ``weights=False``: p = d² coordinates of E[(E[xxᵀ]v) ⊗ h] (the negative half-gradient in W);
    * ``weights=True``: p = n coordinates vᵀE[xxᵀ]W x_i y_i (the negative half-gradient in ω).

    ``stats`` has mean zero exactly when (W, ω) satisfies that first-order condition.  ``scale`` is the
    same statistic with v replaced by Wh: rescaling W to (1+δ)W shifts the mean of ``stats`` by
    −δ·mean(``scale``), which gives the test's resolution (see ``claims.li2024_finegrained._tools.foc_test``).
    """
    pairs = list(pairs)
    res = [(None, None)] * len(pairs)
    stats = [[] for _ in pairs]
    scales = [[] for _ in pairs]
    for _ in range(batches):
        p = model.sample(size, rng)
        for j, (W, omega) in enumerate(pairs):
            m, C, _, h, Wh, v = _query_pieces(model, p, W, omega)
            Mv, MWh = _second_moment_times(m, C, v), _second_moment_times(m, C, Wh)
            if weights:
                g = np.einsum("bnd,de,bn->bne", p.X, np.asarray(W, dtype=float).T, p.y)  # (Wx_i) y_i
                stats[j].append(np.einsum("be,bne->n", Mv, g) / p.size)
                scales[j].append(np.einsum("be,bne->n", MWh, g) / p.size)
            else:
                stats[j].append(np.einsum("bj,bk->jk", Mv, h).ravel() / p.size)
                scales[j].append(np.einsum("bj,bk->jk", MWh, h).ravel() / p.size)
    for j in range(len(pairs)):
        res[j] = (np.asarray(stats[j]), np.asarray(scales[j]))
    return res


def mc_risk_of_integrated(model: Any, predictor: Callable[[Prompts], np.ndarray], *, size: int, batches: int,
                          rng: np.random.Generator) -> np.ndarray:
    """Query-integrated per-batch risk of any predictor that is linear in the query feature, ŷ = xᵀg(X, y).

    One-layer linear attention, its LoRA and low-rank variants and H3 all are (the query token [x; 0]
    enters every term once, and the query is not among the keys), so g is read off by predicting at
    x = e_j, and E[(y − ŷ)² | rest] = (mᵀv)² + vᵀCv + σ_q² with v = β_q − g.  Linearity is verified on
    every batch (a predictor that is not linear in x raises instead of being mis-estimated).
    """
    FINEGRAINED_SIM_PARAMETERS.validate(batches=batches, size=size)
    out = np.empty(batches)
    for k in range(batches):
        p = model.sample(size, rng)
        d = p.x.shape[1]
        G = np.stack([predictor(Prompts(p.X, p.y, np.broadcast_to(np.eye(d)[j], p.x.shape).copy(), p.yq, p.beta_q))
                      for j in range(d)], axis=1)  # (B, d): ŷ = xᵀ g
        direct = predictor(p)
        if not np.allclose(direct, np.einsum("bd,bd->b", p.x, G), rtol=1e-8, atol=1e-8 * (1 + np.abs(direct).max())):
            raise ValueError("the predictor is not linear in the query feature x: cannot integrate the query")
        m, C, sq = model.query_law(p)
        v = p.beta_q - G
        out[k] = np.mean(np.einsum("bd,bd->b", m, v) ** 2 + np.einsum("bd,de,be->b", v, C, v) + sq)
    return out
