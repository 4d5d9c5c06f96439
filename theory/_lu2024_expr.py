"""Sympy expressions of every Lu et al. (2024) closed form, built from ``Rational`` s.

Each ``<name>_expr`` function takes the same parameters as its numeric twin in
:mod:`iclverify.theory.lu2024` and returns a sympy expression: exact numbers (a float is
read as the decimal it prints as, ``0.01 -> 1/100``; ``inf``/``sp.oo`` for κ = ∞) give an
exact algebraic number, symbols give a symbolic formula.  The Marchenko-Pastur transform
enters as the exact radical :func:`iclverify.theory.rmt.mp_transform_expr` with
:math:`u=1/\\kappa`.

The ridge (λ > 0) ICL error depends on the root ε of a transcendental equation; its
expression keeps ε as the symbol :data:`EPS` and :func:`self_consistency_expr` gives the
equation (zero at the root).  :func:`evaluate_expr` evaluates any of these to ``dps`` digits
(solving for ε with sympy's ``nsolve`` at that precision when it appears).
"""

from __future__ import annotations

import math
from typing import Any

import sympy as sp

from iclverify.theory import _lu2024_formulas as F
from iclverify.theory.domains import LU2024, RIDGELESS_TAU
from iclverify.theory.parameters import check_value
from iclverify.theory.rmt import mp_transform_derivative_expr as _dM
from iclverify.theory.rmt import mp_transform_expr as _M

__all__ = [
    "EPS", "to_sympy", "evaluate_expr",
    "icl_error_expr", "idg_error_expr", "task_generalization_gap_expr",
    "ridge_icl_error_expr", "ridge_idg_error_expr", "self_consistency_expr", "ridgeless_icl_error_expr",
    "ridgeless_icl_error_code_expr",
    "ridgeless_idg_error_expr", "epsilon0_expr", "icl_error_tau_inf_expr", "idg_error_tau_inf_expr",
    "icl_error_kappa_inf_expr", "bayes_ridge_icl_error_expr", "context_divergence_slope_expr",
    "memorization_limit_icl_error_expr", "optimal_ridge_expr", "k_star_expr",
]

#: The self-consistent ridge scalar ε in ridge expressions.
EPS = F.eps


def to_sympy(v: Any) -> sp.Expr:
    """Exact sympy number for ``v`` (float → the decimal it prints as; ``inf`` → ``oo``); symbols pass through."""
    if isinstance(v, sp.Basic):
        return v
    if isinstance(v, float):
        if math.isinf(v):
            return sp.oo if v > 0 else -sp.oo
        return sp.Rational(repr(v))
    if isinstance(v, int):
        return sp.Integer(v)
    try:
        import mpmath

        if isinstance(v, mpmath.mpf):
            return sp.Rational(*mpmath.mpf(v).as_integer_ratio()) if mpmath.isfinite(v) else sp.oo
    except ImportError:  # pragma: no cover
        pass
    return sp.nsimplify(v, rational=True)


def _u(kappa) -> sp.Expr:
    k = to_sympy(kappa)
    return sp.Integer(0) if k == sp.oo else 1 / k


def _q(alpha, rho) -> sp.Expr:
    return (1 + to_sympy(rho)) / to_sympy(alpha)


def _branch(tau, branch: str | None) -> str:
    if branch is not None:
        return check_value("branch", branch, LU2024["branch"])
    t = to_sympy(tau)
    if t.is_number:
        if t == 1:
            check_value("tau", 1.0, RIDGELESS_TAU)  # raises, in the declaration's words
        return "lt1" if t < 1 else "gt1"
    raise ValueError("a symbolic tau needs branch='lt1' or 'gt1' to choose the ridgeless formula")


def _is_zero(v) -> bool:
    return bool(to_sympy(v) == 0)


def _is_inf(v) -> bool:
    return to_sympy(v) == sp.oo


# ---------------------------------------------------------------------------------------------


def k_star_expr(alpha, kappa, rho) -> sp.Expr:
    """:math:`k^*=[1-\\kappa(m^*/(\\kappa+m^*))^2]^{-1}` with :math:`m^*=M_\\kappa(q)` ([CODE], note §3.1)."""
    q = _q(alpha, rho)
    return F.k_star(_u(kappa), _M(q, _u(kappa)))


def epsilon0_expr(alpha, kappa, tau, rho) -> sp.Expr:
    """:math:`\\varepsilon_0=(1-\\tau)q/(\\tau\\mu^*)`, :math:`\\mu^*=qM_{\\kappa/\\tau}(q)`
    ([CODE]/[DERIVED], note §3.2)."""
    q, t = _q(alpha, rho), to_sympy(tau)
    return F.epsilon0(q, t, q * _M(q, _u(kappa) * t))


def ridgeless_icl_error_expr(alpha, kappa, tau, rho, *, branch: str | None = None) -> sp.Expr:
    """Ridgeless ICL error (note §3.3; [CODE] τ < 1, [DERIVED] clean form τ > 1)."""
    q, r, t, u = _q(alpha, rho), to_sympy(rho), to_sympy(tau), _u(kappa)
    if _branch(tau, branch) == "lt1":
        return F.ridgeless_icl_lt1(q, r, t, q * _M(q, u * t))
    return F.ridgeless_icl_gt1(q, r, t, _M(q, u), _dM(q, u))


def ridgeless_icl_error_code_expr(alpha, kappa, tau, rho) -> sp.Expr:
    """Ridgeless ICL error for τ > 1 exactly as the authors' code writes it (with :math:`k^*`; [CODE], note §3.3)."""
    q, r, t, u = _q(alpha, rho), to_sympy(rho), to_sympy(tau), _u(kappa)
    return F.ridgeless_icl_gt1_code(q, r, t, u, _M(q, u))


def ridgeless_idg_error_expr(alpha, kappa, tau, rho, *, branch: str | None = None) -> sp.Expr:
    """Ridgeless IDG error ([CODE] ``ridgeless_idg``, note §3.4)."""
    q, r, t, u = _q(alpha, rho), to_sympy(rho), to_sympy(tau), _u(kappa)
    if _branch(tau, branch) == "lt1":
        return F.ridgeless_idg_lt1(q, r, t, u, q * _M(q, u * t))
    return F.ridgeless_idg_gt1(q, r, t, _M(q, u))


def icl_error_tau_inf_expr(alpha, kappa, rho, lam=0) -> sp.Expr:
    """τ = ∞ ICL error, ε = λ ([DERIVED], note §3.5b)."""
    q, r, l_, u = _q(alpha, rho), to_sympy(rho), to_sympy(lam), _u(kappa)
    return F.icl_tau_inf(q, r, l_, _M(q + l_, u), _dM(q + l_, u))


def idg_error_tau_inf_expr(alpha, kappa, rho, lam=0) -> sp.Expr:
    """τ = ∞ IDG error, ε = λ ([DERIVED], note §3.2, §3.5b)."""
    q, r, l_, u = _q(alpha, rho), to_sympy(rho), to_sympy(lam), _u(kappa)
    return F.idg_tau_inf(q, r, l_, _M(q + l_, u), _dM(q + l_, u))


def ridge_icl_error_expr(alpha, kappa, tau, rho, eps=EPS) -> sp.Expr:
    """Ridge ICL error as a function of ε (default: the symbol :data:`EPS`) ([CODE] ``ridge_icl``, note §3.2)."""
    q, r, t, u = _q(alpha, rho), to_sympy(rho), to_sympy(tau), _u(kappa)
    e = to_sympy(eps)
    return F.ridge_icl(q, r, t, e, _M(q + e, u), _dM(q + e, u))


def ridge_idg_error_expr(alpha, kappa, tau, rho, eps=EPS) -> sp.Expr:
    """Ridge IDG error as a function of ε (default: the symbol :data:`EPS`) -- [DERIVED-HERE], no source states it.

    :math:`\\tau N/(\\tau-E_2)` (``docs/lu2024_ridge_idg.md``); at κ = ∞ it equals
    :func:`ridge_icl_error_expr` for every ε.
    """
    q, r, t, u = _q(alpha, rho), to_sympy(rho), to_sympy(tau), _u(kappa)
    e = to_sympy(eps)
    return F.ridge_idg(q, r, t, e, _M(q + e, u), _dM(q + e, u))


def self_consistency_expr(alpha, kappa, tau, rho, lam, eps=EPS) -> sp.Expr:
    """:math:`1-\\tau+\\tau\\lambda/\\varepsilon-\\varepsilon M_\\kappa(q+\\varepsilon)` (zero at the ridge ε;
    note §3.2)."""
    q, t, l_, u = _q(alpha, rho), to_sympy(tau), to_sympy(lam), _u(kappa)
    e = to_sympy(eps)
    return F.self_consistency(t, l_, e, _M(q + e, u))


def icl_error_expr(alpha, kappa, tau, rho, lam=0, *, branch: str | None = None) -> sp.Expr:
    """Sympy twin of :func:`iclverify.theory.lu2024.icl_error` (ridge: a function of :data:`EPS`)."""
    if _is_inf(tau):
        return icl_error_tau_inf_expr(alpha, kappa, rho, lam)
    if _is_zero(lam):
        return ridgeless_icl_error_expr(alpha, kappa, tau, rho, branch=branch)
    return ridge_icl_error_expr(alpha, kappa, tau, rho)


def idg_error_expr(alpha, kappa, tau, rho, lam=0, *, branch: str | None = None) -> sp.Expr:
    """Sympy twin of :func:`iclverify.theory.lu2024.idg_error` (ridge: a function of :data:`EPS`, [DERIVED-HERE])."""
    if _is_inf(tau):
        return idg_error_tau_inf_expr(alpha, kappa, rho, lam)
    if _is_zero(lam):
        return ridgeless_idg_error_expr(alpha, kappa, tau, rho, branch=branch)
    return ridge_idg_error_expr(alpha, kappa, tau, rho)


def task_generalization_gap_expr(alpha, kappa, tau, rho, lam=0, *, branch: str | None = None) -> sp.Expr:
    """:math:`g_{\\rm task}=e^{\\rm ICL}-e^{\\rm IDG}` as a sympy expression (note §1)."""
    return (icl_error_expr(alpha, kappa, tau, rho, lam, branch=branch)
            - idg_error_expr(alpha, kappa, tau, rho, lam, branch=branch))


def icl_error_kappa_inf_expr(alpha, tau, rho, *, branch: str | None = None) -> sp.Expr:
    """κ = ∞ ridgeless closed form ([DERIVED], note §3.5a)."""
    q, r, t = _q(alpha, rho), to_sympy(rho), to_sympy(tau)
    if _branch(tau, branch) == "lt1":
        return F.kappa_inf_icl_lt1(q, r, t)
    return F.kappa_inf_icl_gt1(q, r, t)


def bayes_ridge_icl_error_expr(alpha, rho) -> sp.Expr:
    """:math:`\\rho(1+S_W(\\rho,\\alpha))`, :math:`S_W=\\frac{2}{\\rho+\\alpha-1+\\sqrt{(\\rho+\\alpha-1)^2+4\\rho}}`
    ([CODE], §3.5f)."""
    a, r = to_sympy(alpha), to_sympy(rho)
    b = r + a - 1
    # rho * S_W = (sqrt(b^2 + 4 rho) - b) / 2 (rationalised); exact at rho = 0 too, where it is (1 - alpha)_+
    return r + (sp.sqrt(b**2 + 4 * r) - b) / 2


def context_divergence_slope_expr(kappa, tau, rho) -> sp.Expr:
    """:math:`\\rho(\\min(\\tau,1)-\\kappa)_+/((1+\\rho)|\\tau-1|)` ([DERIVED], note §3.5d)."""
    k, t, r = to_sympy(kappa), to_sympy(tau), to_sympy(rho)
    pos = sp.Integer(0) if k == sp.oo else sp.Max(sp.Min(t, 1) - k, 0)
    return F.divergence_slope(pos, r, t)


def memorization_limit_icl_error_expr(kappa, rho, c) -> sp.Expr:
    """:math:`\\rho+(1-\\kappa)_+(1+c\\rho/(1+\\rho))` ([DERIVED], note §3.5e)."""
    k, r, c_ = to_sympy(kappa), to_sympy(rho), to_sympy(c)
    pos = sp.Integer(0) if k == sp.oo else sp.Max(1 - k, 0)
    return F.memorization_limit(pos, r, c_)


def optimal_ridge_expr(alpha, rho, tau) -> sp.Expr:
    """κ = ∞ optimal ridge :math:`(1+q)[(1+\\rho)(1+q)-1]/\\tau` ([DERIVED], not claimed by the paper; §3.5c)."""
    return F.optimal_ridge(_q(alpha, rho), to_sympy(rho), to_sympy(tau))


# ---------------------------------------------------------------------------------------------


def evaluate_expr(expr: sp.Expr, dps: int = 50, *, equation: sp.Expr | None = None, guess: float | None = None,
                  bracket: tuple | None = None) -> sp.Float:
    """Evaluate an exact expression to ``dps`` digits.

    If ``expr`` contains :data:`EPS`, ``equation`` (from :func:`self_consistency_expr`) is solved
    for ε first with sympy's ``nsolve`` at ``dps + 10`` digits, by bisection-free Newton from
    ``guess`` (the root is unique, note §3.2), or inside ``bracket`` with the Anderson solver.

    Examples
    --------
    >>> float(evaluate_expr(optimal_ridge_expr(10, 0.01, 1), 30))
    0.12332301
    """
    if EPS in expr.free_symbols:
        if equation is None:
            raise ValueError("expr contains epsilon: pass the self-consistency equation")
        if bracket is not None:
            root = sp.nsolve(equation, EPS, bracket, solver="anderson", prec=dps + 10)
        else:
            root = sp.nsolve(equation, EPS, sp.Float(guess, dps + 10), prec=dps + 10)
        expr = expr.subs(EPS, root)
    return sp.N(expr, dps)
