"""Liu & Zhou (2026), *Ghost in the Kernel*: linear attention as a kernel-mean-embedding operator.

Only the paper's abstract is known (note liu_zhou_2026_ghost.md §1).  The setting below
is the note's reconstruction (§2, [RECONSTRUCTED]); the identities are [MATH]:

* **Attention operator** (§2.2).  For a context measure ``mu`` on tokens ``z`` with
  values ``v(z) = W_V z`` and keys ``W_K z``, and a query ``x``,

  ``A[mu](x) = W_V Sigma_mu phi(W_Q x)``,  ``Sigma_mu = int v(z) (x) phi(W_K z) dmu(z)``

  (unnormalised) and ``A~[mu](x) = A[mu](x) / int k(z, x) dmu(z)`` (normalised, a
  Nadaraya-Watson smoother with the implicit kernel ``k = <phi(W_K .), phi(W_Q .)>``).
  With a finite context ``mu_hat = sum_j w_j delta_{z_j}`` the O(mD) linear-attention
  computation equals the O(m^2) kernel smoother exactly.
* **Second-stage error** (§2.2 (F2), [MATH]).  ``E||Sigma_mu_hat - Sigma_mu||_F^2 =
  (E||v (x) phi||^2 - ||Sigma_mu||^2) / m <= B^2 kappa^2 / m``: dimension-free.
* **Two-stage rates** (§2.4, [RECONSTRUCTED]): first stage ``sigma^2 D / N`` for a
  linear readout on ``D`` features (exact mean ``sigma^2 D/(N-D-1)`` for Gaussian
  features, [MATH]); a template ``a N^-p + b m^-q`` with exponents as parameters; its
  compute-optimal split ``m* = (b q / (a p))^{1/(p+q)} T^{p/(p+q)}`` under ``N m = T``.
* **Regularity template** (§2.5 T1 / §3(d3), [RECONSTRUCTED] as the paper's statement,
  [MATH] as arithmetic): truncation error ``1/2 sum_{k>D} k^{-(s+t+1)} =
  1/2 zeta(s+t+1, D+1) ~ D^{-(s+t)} / (2(s+t))``, which depends on ``s + t`` only.
"""

from __future__ import annotations

from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from iclverify.theory.closed_form import ClosedForm
from iclverify.theory.parameters import validated
from iclverify.theory.exposure import expose
from iclverify.theory.domains import LIU_ZHOU_2026 as SPACE

__all__ = [
    "kernel_mean_embedding", "attention_operator", "linear_attention", "kernel_smoother",
    "kme_mse", "kme_mse_bound", "first_stage_risk", "first_stage_risk_gaussian",
    "two_stage_risk", "two_stage_risk_expr", "compute_optimal_m", "compute_optimal_m_expr",
    "regularity_truncation_error", "regularity_truncation_asymptotic", "RECONSTRUCTED_RATES",
]


# ---------------------------------------------------------------------------------------
# The attention operator on a (weighted) discrete context measure

def _weights(m: int, weights) -> np.ndarray:
    if weights is None:
        return np.full(m, 1.0 / m)
    w = np.asarray(weights, dtype=float)
    if w.shape != (m,) or np.any(w < 0) or not np.isclose(w.sum(), 1.0):
        raise ValueError(f"weights must be a probability vector of length m={m}; got shape {w.shape}, "
                         f"sum {w.sum():g}")
    return w


def kernel_mean_embedding(phi_keys: np.ndarray, values: np.ndarray, weights=None) -> np.ndarray:
    """``Sigma_mu = sum_j w_j phi(k_j) v_j^T``, shape (D, dv) (note §2.2).

    ``weights`` is the context measure (default uniform ``1/m``: the empirical measure
    ``mu_hat``).  This is the (vector-valued) kernel mean embedding of ``mu``.

    >>> kernel_mean_embedding(np.array([[1.0], [3.0]]), np.array([[2.0], [4.0]])).tolist()
    [[7.0]]
    """
    phi_keys = np.asarray(phi_keys, dtype=float)
    w = _weights(phi_keys.shape[0], weights)
    return (phi_keys * w[:, None]).T @ np.asarray(values, dtype=float)


def attention_operator(embedding: np.ndarray, phi_queries: np.ndarray) -> np.ndarray:
    """Unnormalised ``A[mu](x) = Sigma_mu^T phi(W_Q x)`` for row-stacked queries, (n, dv)."""
    return np.asarray(phi_queries, dtype=float) @ np.asarray(embedding, dtype=float)


def linear_attention(phi_queries: np.ndarray, phi_keys: np.ndarray, values: np.ndarray, *,
                     normalized: bool = True, weights=None) -> np.ndarray:
    """Linear attention computed through the embedding, O(m D dv) (note §2.2, §3(a)).

    Unnormalised: ``phi(q)^T Sigma``; normalised: ``phi(q)^T Sigma / phi(q)^T z`` with
    ``z = sum_j w_j phi(k_j)`` (the embedding of the constant value 1).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> pq, pk, v = rng.random((3, 4)), rng.random((5, 4)), rng.random((5, 2))
    >>> bool(np.allclose(linear_attention(pq, pk, v), kernel_smoother(pq @ pk.T, v)))
    True
    """
    sigma = kernel_mean_embedding(phi_keys, values, weights)
    out = attention_operator(sigma, phi_queries)
    if normalized:
        z = kernel_mean_embedding(phi_keys, np.ones((np.shape(phi_keys)[0], 1)), weights)
        out = out / attention_operator(z, phi_queries)
    return out


def kernel_smoother(gram: np.ndarray, values: np.ndarray, *, normalized: bool = True, weights=None) -> np.ndarray:
    """Kernel smoother ``sum_j w_j k(q, k_j) v_j`` (optionally divided by ``sum_j w_j k(q, k_j)``), O(m^2).

    ``gram[i, j] = k(q_i, k_j)``.  With ``gram = exp(Q K^T)`` and ``normalized=True`` this is
    softmax attention (Nadaraya-Watson with the exp kernel).
    """
    gram = np.asarray(gram, dtype=float)
    w = _weights(gram.shape[1], weights)
    gw = gram * w[None, :]
    out = gw @ np.asarray(values, dtype=float)
    if normalized:
        out = out / gw.sum(axis=1, keepdims=True)
    return out


# ---------------------------------------------------------------------------------------
# Rates: closed forms as sympy expressions (exponents are parameters where RECONSTRUCTED)

_N, _m, _D, _T = sp.symbols("N m D T", positive=True)
_a, _b, _p, _q, _s2 = sp.symbols("a b p q sigma2", positive=True)

#: Which rate expressions are reconstructions (note §2.4-2.5) rather than theorems of the paper.
RECONSTRUCTED_RATES = ("two_stage_risk", "compute_optimal_m", "regularity_truncation_error")


def two_stage_risk_expr() -> sp.Expr:
    """``a N^-p + b m^-q`` [RECONSTRUCTED] (note §2.4: first-stage + second-stage terms)."""
    return _a * _N**(-_p) + _b * _m**(-_q)


def compute_optimal_m_expr() -> sp.Expr:
    """``m* = (b q / (a p))^{1/(p+q)} T^{p/(p+q)}``: minimiser of ``a (T/m)^-p + b m^-q`` (sympy)."""
    return (_b * _q / (_a * _p))**(1 / (_p + _q)) * _T**(_p / (_p + _q))


@lru_cache(maxsize=None)
def _closed_form(which: str) -> ClosedForm:
    """The rate expression ``which`` in the shared evaluator (:class:`~iclverify.theory.closed_form.ClosedForm`)."""
    if which == "two_stage":
        return ClosedForm(two_stage_risk_expr(), (_N, _m, _a, _b, _p, _q))
    if which == "mstar":
        return ClosedForm(compute_optimal_m_expr(), (_T, _a, _b, _p, _q))
    raise KeyError(which)


def _scalar(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


def _log_mstar(T, a, b, p, q):
    """log m* in float64: the ratios and powers of m* over- or underflow long before m* itself does."""
    T, a, b, p, q = (np.asarray(v, dtype=float) for v in (T, a, b, p, q))
    s = p + q
    # (p/s, q/s) as weights, so that huge or tiny exponents do not overflow the sum p + q first
    w = np.where(np.isfinite(s), p / s, 0.5)
    return (np.log(b) + np.log(q) - np.log(a) - np.log(p)) / s + w * np.log(T)


def _run(which: str, args: tuple, dps: int | None):
    if dps is None:
        if which == "mstar":
            with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                return _scalar(np.exp(_log_mstar(*args)))
        return _scalar(_closed_form(which).f_numpy(*[np.asarray(a, dtype=float) for a in args]))
    with mpmath.workdps(dps):
        return _closed_form(which).f_mpmath(*[mpmath.mpf(a) for a in args])


@expose("liu_zhou_2026.kme_mse")
@validated(SPACE)
def kme_mse(second_moment, embedding_norm_sq, m):
    """Exact mean squared error of the empirical kernel mean embedding [MATH] (note §2.2 F2).

    ``E||Sigma_mu_hat - Sigma_mu||_F^2 = (E||v(z) (x) phi(z)||^2 - ||Sigma_mu||_F^2) / m``
    for ``m`` i.i.d. tokens: the variance of a mean of i.i.d. Hilbert-space vectors, with no
    dependence on the token dimension ``d``.

    >>> kme_mse(1.0, 0.25, 4)
    0.1875
    """
    if np.any(np.asarray(embedding_norm_sq) > np.asarray(second_moment)):
        raise ValueError(f"embedding_norm_sq={embedding_norm_sq!r} exceeds second_moment={second_moment!r}: "
                         "||E X||^2 <= E||X||^2 (Jensen) is violated")
    return _scalar((np.asarray(second_moment, dtype=float) - embedding_norm_sq) / m)


@expose("liu_zhou_2026.kme_mse_bound")
@validated(SPACE)
def kme_mse_bound(B, kappa, m):
    """Dimension-free bound ``B^2 kappa^2 / m`` on :func:`kme_mse` [MATH] (note §2.2 F2).

    >>> kme_mse_bound(1.0, 1.0, 100)
    0.01
    """
    return B**2 * kappa**2 / m


@expose("liu_zhou_2026.first_stage_risk")
@validated(SPACE)
def first_stage_risk(sigma2, D, N):
    """Leading-order first-stage excess risk ``sigma^2 D / N`` of least squares on ``D`` exact
    (m = infinity) embedding features [MATH, CHECKED] (note §3(d2)).

    >>> first_stage_risk(0.01, 40, 400)
    0.001
    """
    return sigma2 * D / N


@expose("liu_zhou_2026.first_stage_risk_gaussian")
@validated(SPACE)
def first_stage_risk_gaussian(sigma2, D, N):
    """Exact ``E[excess] = sigma^2 D / (N - D - 1)`` for Gaussian features (``N > D + 1``) [MATH].

    Uses ``E (X^T X)^{-1} = C^{-1} / (N - D - 1)`` for an inverse-Wishart; for other
    feature laws it is the finite-N correction to leading order in ``D/N``.

    >>> first_stage_risk_gaussian(1.0, 10, 111)
    0.1
    """
    if np.any(np.asarray(N) <= np.asarray(D) + 1):
        raise ValueError(f"N={N!r} must exceed D + 1 = {np.asarray(D) + 1!r} for the inverse-Wishart mean")
    return sigma2 * D / (N - D - 1)


@expose("liu_zhou_2026.two_stage_risk")
@validated(SPACE)
def two_stage_risk(N, m, a, b, p, q, dps: int | None = None):
    """Template two-stage excess risk ``a N^-p + b m^-q`` [RECONSTRUCTED] (note §2.4).

    The paper's exponents are unknown; the note's candidates are ``p = 2beta/(2beta+1)``
    (or 1, or 1/2) and ``q = alpha/2`` (or alpha).  At fixed ``m`` it plateaus at ``b m^-q``.

    >>> two_stage_risk(100, 4, 1.0, 1.0, 1.0, 1.0)
    0.26
    """
    return _run("two_stage", (N, m, a, b, p, q), dps)


@expose("liu_zhou_2026.compute_optimal_m")
@validated(SPACE)
def compute_optimal_m(T, a, b, p, q, dps: int | None = None):
    """Compute-optimal context size for the budget ``N m = T`` [MATH given the RECONSTRUCTED template].

    ``m* = (b q / (a p))^{1/(p+q)} T^{p/(p+q)}``; derived in
    ``derivations/liu_zhou_2026.py::compute-optimal-split``.

    >>> round(float(compute_optimal_m(1e4, 1.0, 1.0, 1.0, 1.0)), 6)
    100.0
    """
    return _run("mstar", (T, a, b, p, q), dps)


@expose("liu_zhou_2026.regularity_truncation_error")
@validated(SPACE)
def regularity_truncation_error(D, s, t, dps: int = 30):
    """Exact truncation error ``1/2 zeta(s+t+1, D+1)`` of the (s+t) template (note §3(d3)).

    On the torus take a density ``p = 1 + sum_k a_k cos(kx)`` with ``a_k = k^{-(s+1/2)}``
    and a latent feature ``psi = sum_k b_k cos(kx)`` with ``b_k = k^{-(t+1/2)}``; the error
    of ``<psi, mu>`` after keeping ``D`` modes is ``1/2 sum_{k>D} a_k b_k`` (Hurwitz zeta).
    It depends on ``(s, t)`` only through ``s + t`` [MATH]; that this is the paper's
    tradeoff is [RECONSTRUCTED] (§2.5 T1).  Returns an ``mpmath.mpf``.

    >>> float(regularity_truncation_error(1, 0.5, 0.5)) == float(mpmath.zeta(2, 2) / 2)
    True
    """
    with mpmath.workdps(dps):
        return mpmath.zeta(mpmath.mpf(s) + mpmath.mpf(t) + 1, int(D) + 1) / 2


@expose("liu_zhou_2026.regularity_truncation_asymptotic")
@validated(SPACE)
def regularity_truncation_asymptotic(D, s, t):
    """Leading term ``D^{-(s+t)} / (2(s+t))`` of :func:`regularity_truncation_error` (note §3(d3)).

    >>> regularity_truncation_asymptotic(10, 0.5, 0.5)
    0.05
    """
    r = s + t
    return float(D) ** (-r) / (2.0 * r)
