"""Asymptotic ICL / IDG errors of ridge-trained linear attention (Lu, Letey, Zavatone-Veth, Maiti, Pehlevan 2024).

Regime (note ``lu2024_asymptotic.md`` §3): :math:`d\\to\\infty` with :math:`\\alpha=\\ell/d`, :math:`\\kappa=k/d`,
:math:`\\tau=n/d^2` fixed; label noise :math:`\\rho`, ridge :math:`\\lambda` with penalty
:math:`(n/d)\\lambda\\|\\Gamma\\|_F^2` on the summed loss.  Every formula is built from
:math:`q=(1+\\rho)/\\alpha` and the Marchenko-Pastur transform :math:`M_\\kappa`
(:mod:`iclverify.theory.rmt`).  Source labels of the note are kept on every function:
[CODE] authors' theory code, [SIM] the note's brute-force simulation, [DATA] the authors' saved
simulations, [DERIVED] derived by the note's author (not necessarily in the paper), [RECALL]
unverified recollection of the paper.

Each public function

* validates its inputs against :data:`iclverify.theory.domains.LU2024` (a ``ValueError`` names the
  parameter, its value and its domain; ridgeless :math:`\\tau=1` is rejected);
* broadcasts over numpy arrays (float64, vectorised; no Python loop over grid points);
* with ``dps=N`` evaluates the same expression with mpmath at ``N`` digits;
* has a sympy twin ``<name>_expr`` built from ``Rational`` s (see :mod:`iclverify.theory._lu2024_expr`).

``kappa=inf`` (a fresh task per context) is accepted everywhere and uses :math:`M_\\infty(x)=1/(1+x)`.
"""

from __future__ import annotations

import functools
import inspect
import math
from typing import Any

import mpmath
import numpy as np

from iclverify.theory import _lu2024_formulas as F
from iclverify.theory.parameters import validated
from iclverify.theory.exposure import expose
from iclverify.theory._lu2024_solve import solve_epsilon_mp, solve_epsilon_numpy
from iclverify.theory.closed_form import blocked, broadcast_flat, finish, mp_adaptive, mp_elementwise, to_mpf
from iclverify.theory.domains import COMMON, LU2024, LU2024_ASYMPTOTIC, RIDGELESS_TAU
from iclverify.theory.rmt import _dm_mp, _dm_numpy, _m_mp, _m_numpy, inverse_kappa
from iclverify.theory._lu2024_expr import *  # noqa: F401,F403 - the sympy twins are part of the public API
from iclverify.theory._lu2024_expr import __all__ as _EXPR_ALL

__all__ = [
    "icl_error", "idg_error", "task_generalization_gap",
    "ridge_icl_error", "ridge_idg_error", "ridgeless_icl_error", "ridgeless_idg_error",
    "self_consistent_epsilon", "icl_error_tau_inf", "idg_error_tau_inf",
    "icl_error_kappa_inf", "idg_error_kappa_inf",
    "bayes_ridge_icl_error", "context_divergence_slope", "memorization_limit_icl_error",
    "memorization_limit_idg_error", "optimal_ridge", "alpha_minimum",
] + list(_EXPR_ALL)

#: τ may be +inf (infinite pretraining data) in the dispatching functions.
TAU_OR_INF = LU2024["tau"].with_(allow_inf=True, description="pretraining ratio n/d^2 (inf: infinite data)")
#: Ridge formulas need λ > 0.
RIDGE_LAM = LU2024["lam"].with_(low_open=True, description="ridge strength, > 0 for the ridge formula")
#: Closed forms at κ = ∞ only take finite κ-free inputs.
_DPS = COMMON["dps"]

_NP_ARGS = ("alpha", "kappa", "tau", "rho", "lam")


# ---------------------------------------------------------------------------------------------
# plumbing: broadcasting, scalars, mpmath conversion


# The shared closed-form plumbing (iclverify.theory.closed_form), under the names this module's kernels use.
_flat, _finish, _mp = broadcast_flat, finish, to_mpf
_mp_adaptive, _mp_loop, _blocked = mp_adaptive, mp_elementwise, blocked


#: Inputs whose magnitude leaves [1e-6, 1e6] (or a non-finite float64 result) send a point to mpmath.
_F64_SAFE = (1e-6, 1e6)


def _guard_float64(func):
    """Decorator for a public function with a ``dps`` path: float64 results it cannot trust are redone in mpmath.

    A point is redone (at 17 digits, :func:`_mp_adaptive`) when its float64 value is not finite, or
    when an input's magnitude leaves :data:`_F64_SAFE`, where terms of the closed forms cancel or
    overflow (measured against ``dps=100`` over log-uniform draws in tests/test_theory_extremes.py).
    """
    sig = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        out = func(*args, **kwargs)
        bound = sig.bind(*args, **kwargs)
        if bound.arguments.get("dps") is not None:
            return out
        names = [k for k in bound.arguments if k != "dps"]
        try:
            arrays = np.broadcast_arrays(*(np.asarray(bound.arguments[k], dtype=float) for k in names),
                                         np.asarray(out, dtype=float))
        except (TypeError, ValueError):
            return out
        ins, res = arrays[:-1], arrays[-1]
        lo, hi = _F64_SAFE
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(res)
            for x in ins:
                ax = np.abs(x)
                bad |= (ax != 0) & np.isfinite(ax) & ((ax < lo) | (ax > hi))
        if not np.any(bad):
            return out
        res = np.array(res, dtype=float)
        for idx in zip(*np.nonzero(bad)) if res.ndim else [()]:
            res[idx] = float(func(**{k: x[idx] for k, x in zip(names, ins)}, dps=_F64_DPS))
        return float(res) if np.ndim(out) == 0 else res

    return wrapper


# ---------------------------------------------------------------------------------------------
# numpy kernels on flat arrays (q, u, tau, rho, lam)


def _np_ridgeless_icl(q, u, tau, rho):
    out = np.empty_like(q)
    lt = tau < 1
    if np.any(lt):
        t = tau[lt]
        mu = q[lt] * _m_numpy(q[lt], u[lt] * t)
        out[lt] = F.OUTER["ridgeless_icl_lt1"].f_numpy(q[lt], rho[lt], t, mu)
    gt = ~lt
    if np.any(gt):
        m = _m_numpy(q[gt], u[gt])
        dm = _dm_numpy(q[gt], u[gt], m)
        out[gt] = F.OUTER["ridgeless_icl_gt1"].f_numpy(q[gt], rho[gt], tau[gt], m, dm)
    return out


def _np_ridgeless_idg(q, u, tau, rho):
    out = np.empty_like(q)
    lt = tau < 1
    if np.any(lt):
        t = tau[lt]
        mu = q[lt] * _m_numpy(q[lt], u[lt] * t)
        out[lt] = F.OUTER["ridgeless_idg_lt1"].f_numpy(q[lt], rho[lt], t, u[lt], mu)
    gt = ~lt
    if np.any(gt):
        out[gt] = F.OUTER["ridgeless_idg_gt1"].f_numpy(q[gt], rho[gt], tau[gt], _m_numpy(q[gt], u[gt]))
    return out


def _np_tau_inf(name, q, u, rho, lam):
    nu = q + lam
    m = _m_numpy(nu, u)
    return F.OUTER[name].f_numpy(q, rho, lam, m, _dm_numpy(nu, u, m))


def _np_ridge(name, q, u, tau, rho, lam):
    """Ridge ICL (``name="ridge_icl"``) or IDG (``"ridge_idg"``) at the self-consistent ε."""
    e = solve_epsilon_numpy(q, u, tau, lam)
    nu = q + e
    m = _m_numpy(nu, u)
    return F.OUTER[name].f_numpy(q, rho, tau, e, m, _dm_numpy(nu, u, m))


def _np_ridge_icl(q, u, tau, rho, lam):
    return _np_ridge("ridge_icl", q, u, tau, rho, lam)


def _np_error(kind: str, alpha, kappa, tau, rho, lam):
    return _blocked(lambda *flat: _np_error_flat(kind, *flat), alpha, kappa, tau, rho, lam)


def _np_error_flat(kind: str, a, k, t, r, l_):
    q = (1.0 + r) / a
    u = inverse_kappa(k)
    u = np.asarray(u, dtype=float).reshape(q.shape)
    out = np.full(q.shape, np.nan)
    tinf = np.isposinf(t)
    ridgeless = (l_ == 0) & ~tinf
    ridge = (l_ > 0) & ~tinf
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if np.any(tinf):
            name = "icl_tau_inf" if kind == "icl" else "idg_tau_inf"
            out[tinf] = _np_tau_inf(name, q[tinf], u[tinf], r[tinf], l_[tinf])
        if np.any(ridgeless):
            fn = _np_ridgeless_icl if kind == "icl" else _np_ridgeless_idg
            out[ridgeless] = fn(q[ridgeless], u[ridgeless], t[ridgeless], r[ridgeless])
        if np.any(ridge):
            # ridge IDG: [DERIVED-HERE] (docs/lu2024_ridge_idg.md); at kappa = inf it equals the ridge ICL
            name = "ridge_icl" if kind == "icl" else "ridge_idg"
            out[ridge] = _np_ridge(name, q[ridge], u[ridge], t[ridge], r[ridge], l_[ridge])
    redo = np.nonzero(_float64_unreliable(q, u, t, l_, out))[0]
    for i in redo:  # few points, far out in the domain: exact enough in mpmath, one at a time
        out[i] = float(_mp_adaptive(lambda *v: _mp_error(kind, *v, _F64_DPS), _F64_DPS, a[i], k[i], t[i], r[i], l_[i]))
    return out


#: Digits asked of the mpmath fallback of the float64 path (float64 itself carries ~16).
_F64_DPS = 17
#: Box of (q, u = 1/kappa, tau, lam / nu) inside which the float64 kernels are accurate to ~1e-10
#: relative (measured against dps=100 over log-uniform draws: tests/test_theory_extremes.py).  Outside
#: it, terms of size q, 1/lam or 1/kappa cancel down to an O(1) result, or intermediates overflow.
_F64_BOX = {"q": (1e-6, 1e5), "u": (0.0, 1e6), "tau": (1e-8, 1e8), "lam": (1e-6, 1e6)}


def _float64_unreliable(q, u, tau, lam, out) -> np.ndarray:
    """Points whose float64 value is not trusted: non-finite, or inputs outside :data:`_F64_BOX`."""
    bad = ~np.isfinite(out)
    lo, hi = _F64_BOX["q"]
    bad |= (q < lo) | (q > hi)
    bad |= u > _F64_BOX["u"][1]
    lo, hi = _F64_BOX["tau"]
    finite_tau = np.isfinite(tau)
    bad |= finite_tau & ((tau < lo) | (tau > hi) | (np.abs(tau - 1.0) < 1e-6))
    lo, hi = _F64_BOX["lam"]
    bad |= (lam > 0) & ((lam < lo) | (lam > hi))
    return bad


# ---------------------------------------------------------------------------------------------
# mpmath kernels (scalar mpf)


def _mp_error(kind: str, alpha, kappa, tau, rho, lam, dps: int):
    q = (1 + rho) / alpha
    u = inverse_kappa(kappa)
    if mpmath.isinf(tau):
        nu = q + lam
        name = "icl_tau_inf" if kind == "icl" else "idg_tau_inf"
        return F.OUTER[name].f_mpmath(q, rho, lam, _m_mp(nu, u), _dm_mp(nu, u))
    if lam == 0:
        if tau < 1:
            mu = q * _m_mp(q, u * tau)
            if kind == "icl":
                return F.OUTER["ridgeless_icl_lt1"].f_mpmath(q, rho, tau, mu)
            return F.OUTER["ridgeless_idg_lt1"].f_mpmath(q, rho, tau, u, mu)
        if kind == "icl":
            return F.OUTER["ridgeless_icl_gt1"].f_mpmath(q, rho, tau, _m_mp(q, u), _dm_mp(q, u))
        return F.OUTER["ridgeless_idg_gt1"].f_mpmath(q, rho, tau, _m_mp(q, u))
    e = solve_epsilon_mp(q, u, tau, lam, mpmath.mp.dps)
    nu = q + e
    name = "ridge_icl" if kind == "icl" else "ridge_idg"  # ridge IDG: [DERIVED-HERE]
    return F.OUTER[name].f_mpmath(q, rho, tau, e, _m_mp(nu, u), _dm_mp(nu, u))


def _error(kind, alpha, kappa, tau, rho, lam, dps):
    if dps is None:
        return _np_error(kind, alpha, kappa, tau, rho, lam)
    return _mp_loop(lambda *a: _mp_error(kind, *a, dps), dps, alpha, kappa, tau, rho, lam)


# ---------------------------------------------------------------------------------------------
# public: dispatching errors


@expose("lu2024.icl_error")
@validated(LU2024_ASYMPTOTIC, tau=TAU_OR_INF, dps=_DPS)
def icl_error(alpha: Any, kappa: Any, tau: Any, rho: Any, lam: Any = 0.0, *, dps: int | None = None) -> Any:
    """Asymptotic ICL error :math:`e^{\\rm ICL}(\\tau,\\alpha,\\kappa,\\rho,\\lambda)` of the pretrained Γ*.

    Dispatches elementwise: λ = 0 → :func:`ridgeless_icl_error` (τ ≠ 1); λ > 0 →
    :func:`ridge_icl_error`; τ = inf → :func:`icl_error_tau_inf`.  Sources: [CODE]
    ``ridge_icl`` / ``ridgeless_icl`` + [SIM] + [DATA] (note §3.2-§3.3); the τ = ∞ form is [DERIVED].

    Parameters
    ----------
    alpha, kappa, tau, rho, lam : float or array_like
        Context ratio ℓ/d, task diversity k/d (``inf`` allowed), pretraining ratio n/d²
        (``inf`` allowed), noise variance, ridge strength.  Broadcast together.
    dps : int, optional
        Evaluate with mpmath at this many digits (returns mpf / object array).

    Returns
    -------
    float or ndarray

    Raises
    ------
    ValueError
        A parameter outside its domain, or τ = 1 with λ = 0.

    Examples
    --------
    >>> round(icl_error(10, 0.5, 0.5, 0.01), 4)          # note §6 claim 2
    0.8208
    >>> round(icl_error(10, float("inf"), 1.0, 0.01, 0.1), 4)   # Fig. 1C, ridge at tau = 1
    0.3607
    """
    return _error("icl", alpha, kappa, tau, rho, lam, dps)


@expose("lu2024.idg_error")
@validated(LU2024_ASYMPTOTIC, tau=TAU_OR_INF, dps=_DPS)
def idg_error(alpha: Any, kappa: Any, tau: Any, rho: Any, lam: Any = 0.0, *, dps: int | None = None) -> Any:
    """Asymptotic in-distribution (IDG) error :math:`e^{\\rm IDG}`: test tasks drawn from the k training tasks.

    Dispatches elementwise: λ = 0 → :func:`ridgeless_idg_error` (τ ≠ 1; [CODE] ``ridgeless_idg`` +
    [SIM] + [DATA], note §3.4); λ > 0 at finite τ → :func:`ridge_idg_error` ([DERIVED-HERE]: no
    available source states it; derived in ``docs/lu2024_ridge_idg.md`` with the machinery of the
    ridge ICL error, confirmed by simulation); τ = ∞ → :func:`idg_error_tau_inf` ([DERIVED], note
    §3.2).  At κ = ∞ it equals :func:`icl_error` for every λ ≥ 0 (note §3.5a; a fresh task per
    context makes the training-task distribution the test distribution).

    Raises
    ------
    ValueError
        A parameter outside its domain, or τ = 1 with λ = 0.

    Examples
    --------
    >>> round(idg_error(10, 0.5, 0.5, 0.01), 4)
    0.2463
    >>> round(idg_error(2, 0.5, 2.0, 0.1), 4)
    0.5863
    >>> round(idg_error(3, 0.6, 0.7, 0.05, 0.03), 4)     # ridge, finite tau: [DERIVED-HERE]
    0.6305
    """
    return _error("idg", alpha, kappa, tau, rho, lam, dps)


@expose("lu2024.task_generalization_gap")
@validated(LU2024_ASYMPTOTIC, tau=TAU_OR_INF, dps=_DPS)
@_guard_float64
def task_generalization_gap(alpha: Any, kappa: Any, tau: Any, rho: Any, lam: Any = 0.0, *,
                            dps: int | None = None) -> Any:
    """Task-generalisation gap :math:`g_{\\rm task}=e^{\\rm ICL}-e^{\\rm IDG}` ([CODE] ``gtask_mean``, note §1, Fig. 4).

    Same domain as :func:`idg_error`; for λ > 0 at finite τ the IDG term is [DERIVED-HERE].

    Examples
    --------
    >>> round(task_generalization_gap(10, 1.0, 2.0, 0.01), 4)   # Fig. 4 table
    0.309
    """
    if dps is None:
        return _np_error("icl", alpha, kappa, tau, rho, lam) - _np_error("idg", alpha, kappa, tau, rho, lam)
    return _mp_loop(lambda *a: _mp_error("icl", *a, dps) - _mp_error("idg", *a, dps), dps,
                    alpha, kappa, tau, rho, lam)


# ---------------------------------------------------------------------------------------------
# public: the individual formulas


@expose("lu2024.ridge_icl_error")
@validated(LU2024_ASYMPTOTIC, lam=RIDGE_LAM, dps=_DPS)
def ridge_icl_error(alpha: Any, kappa: Any, tau: Any, rho: Any, lam: Any, *, dps: int | None = None) -> Any:
    """Ridge (λ > 0) ICL error at the self-consistent ε ([CODE] ``ridge_icl``/``full_lambda``; [SIM], note §3.2).

    With :math:`\\nu=q+\\varepsilon`, :math:`M=M_\\kappa(\\nu)`, :math:`M'=M'_\\kappa(\\nu)`:

    .. math::

        c_e=\\frac{\\rho+\\nu-\\nu^2M-\\varepsilon(1-2\\nu M-\\nu^2M')}{1-2\\varepsilon M-\\varepsilon^2M'-\\tau},\\quad
        e^{\\rm ICL}=(1+q)[1-2\\nu M-\\nu^2M'-c_e(M+\\varepsilon M')]-2(1-\\nu M)+1+\\rho .

    ε is the unique root of :math:`1-\\tau+\\tau\\lambda/\\varepsilon=\\varepsilon M_\\kappa(q+\\varepsilon)`
    (see :func:`self_consistent_epsilon`).

    Examples
    --------
    >>> round(ridge_icl_error(10, float("inf"), 1.0, 0.01, 1.0), 4)
    0.5116
    """
    return _error("icl", alpha, kappa, tau, rho, lam, dps)


@expose("lu2024.ridge_idg_error")
@validated(LU2024_ASYMPTOTIC, lam=RIDGE_LAM, dps=_DPS)
def ridge_idg_error(alpha: Any, kappa: Any, tau: Any, rho: Any, lam: Any, *, dps: int | None = None) -> Any:
    """Ridge (λ > 0) IDG error at the self-consistent ε -- [DERIVED-HERE]: no available source states it.

    Derived in ``docs/lu2024_ridge_idg.md`` (derivations ``lu2024.ridge-idg-*`` of
    ``iclverify derive``) with the deterministic equivalent that gives the ridge ICL error
    (same ε, same :math:`M_\\kappa`, training-task Gram matrix :math:`\\hat R`).  With
    :math:`\\nu=q+\\varepsilon`, :math:`M=M_\\kappa(\\nu)`, :math:`M'=M'_\\kappa(\\nu)`:

    .. math::

        N=\\rho+\\nu(1-\\nu M)-\\varepsilon(1-2\\nu M-\\nu^2M'),\\quad E_2=1-2\\varepsilon M-\\varepsilon^2M',\\quad
        e^{\\rm IDG}=\\frac{\\tau N}{\\tau-E_2}=-\\tau c_\\varepsilon .

    Reduces to the ridgeless IDG error as λ → 0 on both sides of τ = 1, to
    :func:`idg_error_tau_inf` as τ → ∞, and to :func:`ridge_icl_error` at κ = ∞.

    Examples
    --------
    >>> round(ridge_idg_error(3, 0.6, 0.7, 0.05, 0.03), 4)
    0.6305
    """
    return _error("idg", alpha, kappa, tau, rho, lam, dps)


@expose("lu2024.ridgeless_icl_error")
@validated(LU2024_ASYMPTOTIC, tau=RIDGELESS_TAU, dps=_DPS)
def ridgeless_icl_error(alpha: Any, kappa: Any, tau: Any, rho: Any, *, dps: int | None = None) -> Any:
    """Ridgeless (λ → 0⁺) ICL error ([CODE] ``ridgeless_icl``; [SIM] + [DATA], note §3.3).

    τ < 1: :math:`\\frac{\\tau(1+q)}{1-\\tau}[1-\\tau(1-\\mu^*)^2-\\frac{q-\\rho}{q}\\mu^*]-2\\tau(1-\\mu^*)+1+\\rho`,
    :math:`\\mu^*=qM_{\\kappa/\\tau}(q)`.
    τ > 1: :math:`e_\\infty+m^*(1+q)(q+\\rho-q^2m^*)/(\\tau-1)` ([DERIVED] form of the code's formula,
    :math:`m^*=M_\\kappa(q)`; the equality is a derivation in :mod:`iclverify.derivations.lu2024`).

    Examples
    --------
    >>> round(ridgeless_icl_error(2, 0.5, 2.0, 0.1), 4)     # note §6 claim 3
    1.3385
    """
    return _error("icl", alpha, kappa, tau, rho, 0.0, dps)


@expose("lu2024.ridgeless_idg_error")
@validated(LU2024_ASYMPTOTIC, tau=RIDGELESS_TAU, dps=_DPS)
def ridgeless_idg_error(alpha: Any, kappa: Any, tau: Any, rho: Any, *, dps: int | None = None) -> Any:
    """Ridgeless IDG error ([CODE] ``ridgeless_idg`` = ``prop_idg``; [SIM] + [DATA], note §3.4).

    τ < 1: :math:`\\tau[\\frac{(q+\\varepsilon_0)^2}{\\varepsilon_0}+\\frac{\\rho+q-2q(1-\\tau)(q/\\varepsilon_0+1)}
    {1-\\tau-c(1-\\tau)^2}]`, :math:`\\varepsilon_0=\\frac{(1-\\tau)q}{\\tau\\mu^*}`,
    :math:`c=[1-\\kappa/(1+\\kappa\\varepsilon_0/(1-\\tau))^2]^{-1}`.
    τ > 1: :math:`\\frac{\\tau}{\\tau-1}(\\rho+q(1-qm^*))`.

    Examples
    --------
    >>> round(ridgeless_idg_error(10, 0.5, 2.0, 0.01), 4)    # Fig. 1B, alpha = 10, tau = 2
    0.1124
    """
    return _error("idg", alpha, kappa, tau, rho, 0.0, dps)


@expose("lu2024.self_consistent_epsilon")
@validated(LU2024_ASYMPTOTIC, dps=_DPS)
@_guard_float64
def self_consistent_epsilon(alpha: Any, kappa: Any, tau: Any, rho: Any, lam: Any, *, dps: int | None = None) -> Any:
    """The unique positive root ε of :math:`1-\\tau+\\tau\\lambda/\\varepsilon=\\varepsilon M_\\kappa(q+\\varepsilon)`
    (note §3.2).

    Uniqueness ([DERIVED]): :math:`\\varepsilon M_\\kappa(q+\\varepsilon)` increases strictly from 0 to 1
    and the left side decreases strictly, so one root exists for λ > 0 (and for λ = 0 when
    τ < 1, where it is :math:`\\varepsilon_0=(1-\\tau)q/(\\tau\\mu^*)`).  Found in a closed-form bracket
    by a vectorised safeguarded Newton-bisection (mpmath at ``dps`` digits), never from many
    starting guesses -- unlike the authors' ``fsolve`` from 100 guesses or the quartic with a
    cut-off (note §3.2).  λ = 0 with τ > 1 returns the limit 0.

    Examples
    --------
    >>> round(self_consistent_epsilon(10, float("inf"), 1e6, 0.01, 0.3), 5)   # tau -> inf: eps -> lam
    0.3
    """
    shape, scalar, (a, k, t, r, l_) = _flat(alpha, kappa, tau, rho, lam)
    if dps is not None:
        def one(a_, k_, t_, r_, l__):
            if l__ == 0 and t_ > 1:
                return mpmath.mpf(0)
            return solve_epsilon_mp((1 + r_) / a_, inverse_kappa(k_), t_, l__, mpmath.mp.dps)
        return _mp_loop(one, dps, alpha, kappa, tau, rho, lam)
    q = (1.0 + r) / a
    u = np.asarray(inverse_kappa(k), dtype=float).reshape(q.shape)
    out = np.zeros(q.shape)
    need = (l_ > 0) | (t < 1)
    if np.any(need):
        out[need] = solve_epsilon_numpy(q[need], u[need], t[need], l_[need])
    return _finish(out, shape, scalar)


@expose("lu2024.icl_error_tau_inf")
@validated(LU2024_ASYMPTOTIC, dps=_DPS)
def icl_error_tau_inf(alpha: Any, kappa: Any, rho: Any, lam: Any = 0.0, *, dps: int | None = None) -> Any:
    """τ → ∞ ICL error: :math:`1+\\rho-2\\mathbb E\\frac{s}{s+\\nu}+(1+q)\\mathbb E\\frac{s^2}{(s+\\nu)^2}`, ν = q + λ.

    [DERIVED] (note §3.5b; λ = 0 gives :math:`\\rho+q-2q^2m^*+(1+q)q^2\\mathbb E(s+q)^{-2}`).

    Examples
    --------
    >>> round(icl_error_tau_inf(10, 0.5, 0.01), 5)     # Fig. 1 tau -> inf table
    0.55876
    """
    return _error("icl", alpha, kappa, math.inf, rho, lam, dps)


@expose("lu2024.idg_error_tau_inf")
@validated(LU2024_ASYMPTOTIC, dps=_DPS)
def idg_error_tau_inf(alpha: Any, kappa: Any, rho: Any, lam: Any = 0.0, *, dps: int | None = None) -> Any:
    """τ → ∞ IDG error: :math:`1+\\rho-2\\mathbb E\\frac{s^2}{s+\\nu}+\\mathbb E\\frac{s^2(s+q)}{(s+\\nu)^2}`,
    ν = q + λ.

    [DERIVED] (note §3.2, §3.5b; λ = 0 gives :math:`\\rho+q-q^2m^*`; [SIM] at λ = 0.5, τ = 60).

    Examples
    --------
    >>> round(idg_error_tau_inf(10, 0.5, 0.01), 5)
    0.0562
    """
    return _error("idg", alpha, kappa, math.inf, rho, lam, dps)


@expose("lu2024.icl_error_kappa_inf")
@validated(LU2024_ASYMPTOTIC, tau=RIDGELESS_TAU, dps=_DPS)
@_guard_float64
def icl_error_kappa_inf(alpha: Any, tau: Any, rho: Any, *, dps: int | None = None) -> Any:
    """κ → ∞ ridgeless ICL (= IDG) error in closed form ([DERIVED], note §3.5a).

    τ < 1: :math:`1+\\rho+\\frac{\\tau[(1+\\rho)-\\tau/(1+q)]}{1-\\tau}-\\frac{2\\tau}{1+q}`;
    τ > 1: :math:`\\rho+\\frac{1}{1+q}[q+\\frac{\\rho+(1+\\rho)q}{\\tau-1}]`.

    Examples
    --------
    >>> round(icl_error_kappa_inf(2, 2.0, 0.1), 4)     # note §6 claim 5
    0.9097
    """
    def np_path(a, t, r):
        shape, scalar, (a, t, r) = _flat(a, t, r)
        q = (1.0 + r) / a
        out = np.where(t < 1, F.OUTER["kappa_inf_icl_lt1"].f_numpy(q, r, t),
                       F.OUTER["kappa_inf_icl_gt1"].f_numpy(q, r, t))
        return _finish(np.asarray(out, dtype=float), shape, scalar)

    if dps is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np_path(alpha, tau, rho)

    def one(a, t, r):
        name = "kappa_inf_icl_lt1" if t < 1 else "kappa_inf_icl_gt1"
        return F.OUTER[name].f_mpmath((1 + r) / a, r, t)
    return _mp_loop(one, dps, alpha, tau, rho)


@expose("lu2024.idg_error_kappa_inf")
@validated(LU2024_ASYMPTOTIC, tau=RIDGELESS_TAU, dps=_DPS)
def idg_error_kappa_inf(alpha: Any, tau: Any, rho: Any, *, dps: int | None = None) -> Any:
    """κ → ∞ ridgeless IDG error; equals :func:`icl_error_kappa_inf` ([DERIVED], note §3.5a: checked with κ = 1e9).

    Examples
    --------
    >>> round(idg_error_kappa_inf(2, 2.0, 0.1), 4)
    0.9097
    """
    return icl_error_kappa_inf(alpha, tau, rho, dps=dps)


# ---------------------------------------------------------------------------------------------
# public: limits and baselines


@expose("lu2024.bayes_ridge_icl_error")
@validated(LU2024_ASYMPTOTIC, dps=_DPS)
@_guard_float64
def bayes_ridge_icl_error(alpha: Any, rho: Any, *, dps: int | None = None) -> Any:
    """Bayes-optimal (posterior-mean ridge) ICL error :math:`\\rho(1+S_W(\\rho,\\alpha))` ([CODE]
    ``bayes_estimator.py``, §3.5f).

    :math:`S_W(c,\\alpha)=\\frac{2}{c+\\alpha-1+\\sqrt{(c+\\alpha-1)^2+4c}}=\\frac1\\alpha M_\\alpha(\\rho/\\alpha)`;
    :math:`\\rho S_W` is evaluated in the cancellation-free form, so ρ = 0 gives the limit
    :math:`(1-\\alpha)_+`.

    Examples
    --------
    >>> round(bayes_ridge_icl_error(10, 0.01), 6)
    0.01111
    """
    def rho_sw_np(a, r):
        b = r + (a - 1.0)  # a - 1 first: exact near alpha = 1, so a tiny rho is not rounded away
        root = np.sqrt(b * b + 4.0 * r)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(b >= 0, np.where(r == 0, 0.0, 2.0 * r / (b + root)), 0.5 * (root - b))

    if dps is None:
        shape, scalar, (a, r) = _flat(alpha, rho)
        return _finish(r + rho_sw_np(a, r), shape, scalar)

    def one(a, r):
        b = r + (a - 1)
        root = mpmath.sqrt(b * b + 4 * r)
        rsw = (2 * r / (b + root) if r != 0 else mpmath.mpf(0)) if b >= 0 else (root - b) / 2
        return r + rsw
    return _mp_loop(one, dps, alpha, rho)


@expose("lu2024.context_divergence_slope")
@validated(LU2024_ASYMPTOTIC, tau=RIDGELESS_TAU, dps=_DPS)
@_guard_float64
def context_divergence_slope(kappa: Any, tau: Any, rho: Any, *, dps: int | None = None) -> Any:
    """Slope of the ridgeless ICL error's linear growth in α:
    :math:`\\frac{\\rho(\\min(\\tau,1)-\\kappa)_+}{(1+\\rho)|\\tau-1|}`.

    [DERIVED] (note §3.5d): for κ < min(τ, 1) and ρ > 0, :math:`e^{\\rm ICL}\\simeq{\\rm slope}\\cdot\\alpha+O(1)`;
    0 (bounded) otherwise.

    Examples
    --------
    >>> round(context_divergence_slope(0.2, 0.5, 0.1), 5)    # note §6 claim 9
    0.05455
    """
    def body(k, t, r, lib):
        if lib is np:
            pos = np.maximum(np.minimum(t, 1.0) - k, 0.0)
            pos = np.where(np.isposinf(k), 0.0, pos)
            return r * pos / ((1.0 + r) * np.abs(t - 1.0))
        pos = max(min(t, 1) - k, 0) if not mpmath.isinf(k) else mpmath.mpf(0)
        return F.divergence_slope(pos, r, t)

    if dps is None:
        shape, scalar, (k, t, r) = _flat(kappa, tau, rho)
        return _finish(body(k, t, r, np), shape, scalar)
    return _mp_loop(lambda k, t, r: body(k, t, r, mpmath), dps, kappa, tau, rho)


@expose("lu2024.memorization_limit_icl_error")
@validated(LU2024_ASYMPTOTIC, dps=_DPS)
@_guard_float64
def memorization_limit_icl_error(kappa: Any, rho: Any, c: Any, *, dps: int | None = None) -> Any:
    """ICL error as α, τ → ∞ with α/τ → c: :math:`\\rho+(1-\\kappa)_+(1+\\frac{c\\rho}{1+\\rho})` ([DERIVED], note
    §3.5e).

    The memorisation → ICL transition sits at κ = 1; ``c = 0`` is τ → ∞ first.  The IDG error
    tends to ρ (:func:`memorization_limit_idg_error`), so the gap is the second term.

    Examples
    --------
    >>> round(memorization_limit_icl_error(0.5, 0.01, 5.0), 6)     # note §3.5e check
    0.534752
    """
    if dps is None:
        shape, scalar, (k, r, c_) = _flat(kappa, rho, c)
        pos = np.where(np.isposinf(k), 0.0, np.maximum(1.0 - k, 0.0))
        return _finish(F.memorization_limit(pos, r, c_), shape, scalar)

    def one(k, r, c_):
        pos = mpmath.mpf(0) if mpmath.isinf(k) else max(1 - k, 0)
        return F.memorization_limit(pos, r, c_)
    return _mp_loop(one, dps, kappa, rho, c)


@expose("lu2024.memorization_limit_idg_error")
@validated(LU2024_ASYMPTOTIC, dps=_DPS)
def memorization_limit_idg_error(kappa: Any, rho: Any, c: Any, *, dps: int | None = None) -> Any:
    """IDG error in the same limit: ρ for every κ ([DERIVED], note §3.5e).

    Examples
    --------
    >>> memorization_limit_idg_error(0.5, 0.01, 5.0)
    0.01
    """
    if dps is None:
        shape, scalar, (k, r, c_) = _flat(kappa, rho, c)
        return _finish(r.copy(), shape, scalar)
    return _mp_loop(lambda k, r, c_: r, dps, kappa, rho, c)


@expose("lu2024.optimal_ridge")
@validated(LU2024_ASYMPTOTIC, dps=_DPS)
@_guard_float64
def optimal_ridge(alpha: Any, rho: Any, tau: Any, *, dps: int | None = None) -> Any:
    """Optimal ridge at κ = ∞: :math:`\\lambda_{\\rm opt}=(1+q)[(1+\\rho)(1+q)-1]/\\tau`.

    [DERIVED] -- not claimed by the paper (note §3.5c): :math:`\\tau\\lambda_{\\rm opt}` does not
    depend on τ.  Tested against a numerical minimisation of :func:`ridge_icl_error` over λ.

    Examples
    --------
    >>> round(optimal_ridge(10, 0.01, 1.0), 5)
    0.12332
    """
    if dps is None:
        shape, scalar, (a, r, t) = _flat(alpha, rho, tau)
        return _finish(F.OUTER["optimal_ridge"].f_numpy((1.0 + r) / a, r, t), shape, scalar)
    return _mp_loop(lambda a, r, t: F.OUTER["optimal_ridge"].f_mpmath((1 + r) / a, r, t), dps, alpha, rho, tau)


# ---------------------------------------------------------------------------------------------
# the interior alpha-minimum (Fig. 2)


def _parse_bounds(text: str) -> tuple:
    lo, hi = (float(v) for v in text.split(","))
    return lo, hi


@expose("lu2024.alpha_minimum", parsers={"bounds": _parse_bounds})
@validated(LU2024_ASYMPTOTIC, tau=TAU_OR_INF)
def alpha_minimum(kind: str, kappa: float, tau: float, rho: float, lam: float = 0.0,
                  bounds: tuple = (1e-2, 1e3), grid: int = 2001) -> dict | None:
    """Interior local minimum in α of the ICL (``kind="icl"``) or IDG (``"idg"``) error curve (Fig. 2).

    Scans a log-spaced α grid (``grid`` points over ``bounds``), takes the lowest interior
    grid minimum (a point strictly below both neighbours), and refines it with a bounded
    Brent search in log α between its two neighbours (``scipy.optimize.minimize_scalar``,
    ``method="bounded"``).  Returns ``None`` when the curve has no interior minimum on the
    grid (monotone).  The note's α* table is [DERIVED] with a bounded optimiser (note §4, Fig. 2).

    Returns
    -------
    dict or None
        ``{"alpha": α*, "value": e(α*), "kind": kind}``.

    Examples
    --------
    >>> r = alpha_minimum("icl", 0.5, 0.5, 0.1)
    >>> round(r["alpha"], 3), round(r["value"], 5)
    (9.603, 1.17595)
    """
    from scipy.optimize import minimize_scalar

    # kind and grid are checked by their declarations (domains.LU2024); bounds is a pair, checked here
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        LU2024["bounds"].reject("bounds", bounds)
    if not (0 < lo < hi < math.inf):
        LU2024["bounds"].reject("bounds", bounds)
    fn = icl_error if kind == "icl" else idg_error
    alphas = np.geomspace(lo, hi, grid)
    vals = fn(alphas, kappa, tau, rho, lam)
    interior = np.nonzero((vals[1:-1] < vals[:-2]) & (vals[1:-1] < vals[2:]))[0] + 1
    if interior.size == 0:
        return None
    i = interior[np.argmin(vals[interior])]
    res = minimize_scalar(lambda t: float(fn(math.exp(t), kappa, tau, rho, lam)),
                          bounds=(math.log(alphas[i - 1]), math.log(alphas[i + 1])), method="bounded",
                          options={"xatol": 1e-12})
    a_star = math.exp(res.x)
    return {"alpha": a_star, "value": float(fn(a_star, kappa, tau, rho, lam)), "kind": kind}
