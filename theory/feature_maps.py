"""Feature maps of linear attention and the implicit ("ghost") kernels they induce.

Liu & Zhou (2026) read linear attention with a feature map ``phi`` as a kernel method
with the implicit kernel ``k(x, y) = <phi(x), phi(y)>`` (note liu_zhou_2026_ghost.md
§2.2, [RECONSTRUCTED] as the paper's setting; the identities themselves are [MATH]).
This module holds each feature map as a vectorised numpy function (last axis = features)
and its kernel in closed form where one exists:

===================  =====================================================  ===========
map                  kernel ``<phi(x), phi(y)>``                             source
===================  =====================================================  ===========
identity             ``x . y``                                              [MATH]
elu + 1              ``sum_i (elu(x_i) + 1)(elu(y_i) + 1)`` (coordinatewise) [MATH]
ReLU                 ``sum_i relu(x_i) relu(y_i)``                           [MATH]
Taylor-2             ``1 + x.y + (x.y)^2 / 2``                               [MATH, CHECKED]
cosFormer            ``relu(x).relu(y) cos(pi (i - j) / (2 M))``             [MATH, CHECKED]
Performer (FAVOR+)   ``E = exp(x.y)``; ``Var = e^{2x.y}(e^{|x+y|^2}-1)/m``   [MATH]
trigonometric RF     ``E = exp(x.y)``; ``Var = e^{|x|^2+|y|^2}(1-e^{-|x-y|^2})^2/(2m)`` [MATH]
Hedgehog (exp pair)  ``sum_r 2 cosh(w_r . (x + y))``                         [MATH]
===================  =====================================================  ===========

The random-feature variances are sympy expressions built from exact integers, lambdified
to numpy and mpmath; :mod:`iclverify.derivations.liu_zhou_2026` re-derives them from the
Gaussian integrals.
"""

from __future__ import annotations

from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from iclverify.theory.closed_form import ClosedForm
from iclverify.theory.parameters import check_value, validated
from iclverify.theory.exposure import expose
from iclverify.theory.domains import LIU_ZHOU_2026 as SPACE

__all__ = [
    "identity_map", "elu_plus_one_map", "relu_map", "taylor2_map", "cosformer_features",
    "performer_positive_features", "trig_random_features", "hedgehog_map", "softmax_hedgehog_map",
    "FEATURE_MAPS", "implicit_kernel", "taylor2_kernel", "taylor2_kernel_expr", "hedgehog_kernel",
    "performer_prf_variance", "performer_prf_variance_expr", "trig_rf_variance", "trig_rf_variance_expr",
    "softmax_kernel",
]


# ---------------------------------------------------------------------------------------
# Deterministic feature maps (last axis: input coordinates -> features)

def identity_map(x: np.ndarray) -> np.ndarray:
    """``phi(x) = x``: plain linear attention, kernel ``x . y``.

    >>> identity_map(np.array([1.0, -2.0])).tolist()
    [1.0, -2.0]
    """
    return np.asarray(x, dtype=float)


def elu_plus_one_map(x: np.ndarray) -> np.ndarray:
    """``phi(x) = elu(x) + 1`` (Katharopoulos et al. 2020), positive coordinatewise.

    >>> elu_plus_one_map(np.array([0.0, 1.0])).tolist()
    [1.0, 2.0]
    """
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))


def relu_map(x: np.ndarray) -> np.ndarray:
    """``phi(x) = max(x, 0)`` (T2R / cosFormer base map).

    >>> relu_map(np.array([-1.0, 2.0])).tolist()
    [0.0, 2.0]
    """
    return np.maximum(np.asarray(x, dtype=float), 0.0)


def taylor2_map(x: np.ndarray) -> np.ndarray:
    """Second-order Taylor feature map ``[1, x, x_i^2/sqrt2, x_i x_j (i<j)]``.

    Its kernel is exactly ``1 + x.y + (x.y)^2/2``, the degree-2 Taylor polynomial of
    ``exp(x.y)`` (Based, arXiv:2402.18668 [MEMORY]; note §3(c) [MATH, CHECKED]).  Callers
    that want the softmax temperature ``1/sqrt(d)`` pre-scale ``x`` by ``d**-0.25``.
    Feature dimension ``1 + d + d(d+1)/2``.

    >>> taylor2_map(np.array([1.0, 2.0])).shape
    (6,)
    """
    x = np.asarray(x, dtype=float)
    d = x.shape[-1]
    iu, ju = np.triu_indices(d, k=1)
    ones = np.ones(x.shape[:-1] + (1,))
    sq = x**2 / np.sqrt(2.0)
    cross = x[..., iu] * x[..., ju]
    return np.concatenate([ones, x, sq, cross], axis=-1)


def cosformer_features(x: np.ndarray, positions: np.ndarray, M: float) -> tuple[np.ndarray, np.ndarray]:
    """cosFormer's two feature blocks ``relu(x) cos(pi i / 2M)`` and ``relu(x) sin(pi i / 2M)``.

    Because ``cos(a - b) = cos a cos b + sin a sin b``, the re-weighted kernel
    ``relu(x_i).relu(y_j) cos(pi (i - j) / (2M))`` is the sum of the kernels of these two
    blocks: two linear attentions (OpenNLPLab/cosFormer, arXiv:2202.08791; note §3(b)).

    Parameters
    ----------
    x : array (..., L, d)
    positions : array (L,)
        Token positions ``i``.
    M : float
        Position scale (at least the sequence length so that the weight stays >= 0).
    """
    base = relu_map(x)
    ang = np.pi * np.asarray(positions, dtype=float) / (2.0 * M)
    return base * np.cos(ang)[:, None], base * np.sin(ang)[:, None]


def performer_positive_features(x: np.ndarray, omega: np.ndarray) -> np.ndarray:
    """FAVOR+ positive random features ``m^{-1/2} exp(omega_r . x - |x|^2/2)``.

    ``omega`` has shape ``(m, d)`` with i.i.d. N(0, 1) rows; then
    ``E[phi(x).phi(y)] = exp(x.y)`` (Choromanski et al. 2020, arXiv:2009.14794; [MATH]).
    No max-subtraction and no ``eps`` (lucidrains' ``eps=1e-4`` biases the estimator,
    note §4), so the estimator is exactly unbiased.
    """
    x = np.asarray(x, dtype=float)
    m = omega.shape[0]
    return np.exp(x @ omega.T - 0.5 * np.sum(x * x, axis=-1, keepdims=True)) / np.sqrt(m)


def trig_random_features(x: np.ndarray, omega: np.ndarray) -> np.ndarray:
    """Trigonometric random features of the softmax kernel ``e^{|x|^2/2} m^{-1/2}[cos wx, sin wx]``.

    ``E[phi(x).phi(y)] = exp(x.y)``; the variance is :func:`trig_rf_variance` [MATH].
    """
    x = np.asarray(x, dtype=float)
    m = omega.shape[0]
    proj = x @ omega.T
    scale = np.exp(0.5 * np.sum(x * x, axis=-1, keepdims=True)) / np.sqrt(m)
    return np.concatenate([scale * np.cos(proj), scale * np.sin(proj)], axis=-1)


def hedgehog_map(x: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Hedgehog-style learnable map ``[exp(W x), exp(-W x)]`` (arXiv:2402.04347).

    Its kernel is ``sum_r 2 cosh(w_r . (x + y))`` (:func:`hedgehog_kernel`, [MATH]).
    """
    proj = np.asarray(x, dtype=float) @ np.asarray(W, dtype=float).T
    return np.concatenate([np.exp(proj), np.exp(-proj)], axis=-1)


def softmax_hedgehog_map(x: np.ndarray, W: np.ndarray) -> np.ndarray:
    """fla's bounded variant ``softmax([W x, -W x])`` over the feature axis (note §4).

    Bounded (``||phi|| <= 1``), which keeps the concentration constant ``kappa`` of
    §2.2 (F2) at 1; its kernel has no closed form beyond the definition.
    """
    proj = np.asarray(x, dtype=float) @ np.asarray(W, dtype=float).T
    z = np.concatenate([proj, -proj], axis=-1)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


#: Deterministic maps by name (the random-feature and learnable maps need extra arguments).
FEATURE_MAPS = {
    "identity": identity_map,
    "elu+1": elu_plus_one_map,
    "relu": relu_map,
    "taylor2": taylor2_map,
}


# ---------------------------------------------------------------------------------------
# Closed-form kernels

def softmax_kernel(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The exp kernel ``exp(x . y)`` whose normalised smoother is softmax attention [MATH].

    Returns the Gram matrix ``exp(X Y^T)`` for row-stacked inputs.
    """
    return np.exp(np.asarray(x, dtype=float) @ np.asarray(y, dtype=float).T)


def hedgehog_kernel(x: np.ndarray, y: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Closed form ``k(x, y) = sum_r 2 cosh(w_r . (x + y))`` of :func:`hedgehog_map` [MATH].

    ``exp(a)exp(b) + exp(-a)exp(-b) = 2 cosh(a + b)`` for each row ``w_r``.  Returns the
    Gram matrix for row-stacked ``x`` (n, d) and ``y`` (k, d).

    >>> W = np.eye(2); x = np.array([[0.1, 0.2]]); y = np.array([[0.3, -0.4]])
    >>> bool(np.allclose(hedgehog_kernel(x, y, W), hedgehog_map(x, W) @ hedgehog_map(y, W).T))
    True
    """
    px = np.asarray(x, dtype=float) @ np.asarray(W, dtype=float).T
    py = np.asarray(y, dtype=float) @ np.asarray(W, dtype=float).T
    return 2.0 * np.cosh(px[:, None, :] + py[None, :, :]).sum(axis=-1)


def implicit_kernel(name: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Closed-form Gram matrix ``k(x_i, y_j)`` of a deterministic feature map.

    Parameters
    ----------
    name : {"identity", "elu+1", "relu", "taylor2"}
    x, y : arrays (n, d) and (k, d)

    Examples
    --------
    >>> x = np.array([[0.5, -1.0]]); y = np.array([[2.0, 0.25]])
    >>> float(implicit_kernel("taylor2", x, y)[0, 0])  # u = 0.75: 1 + u + u^2/2
    2.03125
    """
    check_value("name", name, SPACE["kernel_name"])
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if name == "identity":
        return x @ y.T
    if name == "taylor2":
        u = x @ y.T
        return 1.0 + u + 0.5 * u * u
    if name in ("elu+1", "relu"):
        f = FEATURE_MAPS[name]
        # the coordinatewise product sum, written without forming features of the pair
        return np.einsum("ik,jk->ij", f(x), f(y))
    raise AssertionError(f"unreachable: {name!r} passed the check of SPACE['kernel_name']")


# ---------------------------------------------------------------------------------------
# Symbolic closed forms (sympy from integers) and their numpy / mpmath evaluators

_u, _xy, _ssum, _sdiff, _nx, _ny, _m = sp.symbols("u xy sum_sq diff_sq norm_sq_x norm_sq_y m", real=True)


def taylor2_kernel_expr() -> sp.Expr:
    """``1 + u + u^2/2`` with ``u = q . k`` (sympy)."""
    return 1 + _u + sp.Rational(1, 2) * _u**2


def performer_prf_variance_expr() -> sp.Expr:
    """``Var[phi(x).phi(y)] = e^{2 x.y}(e^{|x+y|^2} - 1)/m`` for FAVOR+ features (sympy) [MATH]."""
    return sp.exp(2 * _xy) * (sp.exp(_ssum) - 1) / _m


def trig_rf_variance_expr() -> sp.Expr:
    """``Var = e^{|x|^2+|y|^2}(1 - e^{-|x-y|^2})^2 / (2m)`` for trigonometric features (sympy) [MATH]."""
    return sp.exp(_nx + _ny) * (1 - sp.exp(-_sdiff))**2 / (2 * _m)


@lru_cache(maxsize=None)
def _closed_form(which: str) -> ClosedForm:
    """The expression ``which`` in the shared evaluator (:class:`~iclverify.theory.closed_form.ClosedForm`)."""
    expr, args = {
        "taylor2": (taylor2_kernel_expr(), (_u,)),
        "prf": (performer_prf_variance_expr(), (_xy, _ssum, _m)),
        "trig": (trig_rf_variance_expr(), (_nx, _ny, _sdiff, _m)),
    }[which]
    return ClosedForm(expr, args)


def _log_variance(which: str, args: tuple) -> np.ndarray:
    """log of the PRF / trigonometric variance in float64, free of cancellation and of inf * 0.

    ``e^s - 1`` and ``1 - e^{-t}`` lose every digit for tiny ``s``, ``t`` (``expm1`` keeps them), and
    ``e^{2 x.y}`` or ``e^{|x|^2 + |y|^2}`` overflow where the product need not: summing logs first
    gives the correctly rounded float64 result (``inf`` or ``0`` only where the true value is out
    of float64's range).
    """
    if which == "prf":
        xy, ssum, m = (np.asarray(a, dtype=float) for a in args)
        return 2.0 * xy + np.log(np.expm1(ssum)) - np.log(m)
    nx, ny, sdiff, m = (np.asarray(a, dtype=float) for a in args)
    return nx + ny + 2.0 * np.log(-np.expm1(-sdiff)) - np.log(2.0 * m)


def _evaluate(which: str, args: tuple, dps: int | None):
    if dps is None:
        if which in ("prf", "trig"):
            with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                out = np.exp(_log_variance(which, args))
        else:
            out = np.asarray(_closed_form(which).f_numpy(*[np.asarray(a, dtype=float) for a in args]), dtype=float)
        return float(out) if out.ndim == 0 else out
    with mpmath.workdps(dps):
        v = [mpmath.mpf(a) if not isinstance(a, mpmath.mpf) else a for a in args]
        # the variances through expm1, as in float64: e^s - 1 at tiny s would cancel every digit of dps
        if which == "prf":
            return mpmath.exp(2 * v[0]) * mpmath.expm1(v[1]) / v[2]
        if which == "trig":
            return mpmath.exp(v[0] + v[1]) * mpmath.expm1(-v[2]) ** 2 / (2 * v[3])
        return _closed_form(which).f_mpmath(*v)


@expose("liu_zhou_2026.taylor2_kernel")
@validated(SPACE)
def taylor2_kernel(u, dps: int | None = None):
    """Taylor-2 kernel ``1 + u + u^2/2`` at ``u = q . k`` [MATH, CHECKED] (note §3(c)).

    >>> taylor2_kernel(1.0)
    2.5
    """
    return _evaluate("taylor2", (u,), dps)


@expose("liu_zhou_2026.performer_prf_variance")
@validated(SPACE)
def performer_prf_variance(xy, sum_sq, m, dps: int | None = None):
    """Exact variance of the FAVOR+ estimate of ``exp(x.y)`` with ``m`` features [MATH].

    ``Var = e^{2 x.y} (e^{||x+y||^2} - 1) / m`` (Choromanski et al. 2020, Lemma 2; note
    §3(c)); re-derived from Gaussian integrals in
    ``derivations/liu_zhou_2026.py::performer-moments``.

    >>> round(performer_prf_variance(0.0, 0.0, 16), 12)
    0.0
    """
    return _evaluate("prf", (xy, sum_sq, m), dps)


@expose("liu_zhou_2026.trig_rf_variance")
@validated(SPACE)
def trig_rf_variance(norm_sq_x, norm_sq_y, diff_sq, m, dps: int | None = None):
    """Exact variance of the trigonometric-feature estimate of ``exp(x.y)`` [MATH] (note §3(c)).

    ``Var = e^{||x||^2+||y||^2} (1 - e^{-||x-y||^2})^2 / (2m)``.

    >>> trig_rf_variance(0.5, 0.5, 0.0, 8)
    0.0
    """
    return _evaluate("trig", (norm_sq_x, norm_sq_y, diff_sq, m), dps)
