"""Lu et al. (2024) closed forms written once, in terms of Marchenko-Pastur transform values.

Each formula below is a plain arithmetic function of the scalars it needs
(:math:`q=(1+\\rho)/\\alpha`, :math:`\\rho`, :math:`\\tau`, :math:`u=1/\\kappa`, :math:`\\varepsilon`) and of
the transform values :math:`M=M_\\kappa(\\cdot)`, :math:`M'`.  Called with sympy symbols it yields
the sympy expression; :data:`OUTER` holds those expressions as
:class:`~iclverify.theory.closed_form.ClosedForm` objects (numpy / mpmath lambdifications).  The transform values are
computed by :mod:`iclverify.theory.rmt` (a cancellation-free numpy form, mpmath at any precision, or the exact sympy
radical), so the same expression serves all three evaluators (note ``lu2024_asymptotic.md`` §3).
"""

from __future__ import annotations

from typing import Callable

import sympy as sp

from iclverify.theory.closed_form import ClosedForm

# -- symbols (all real and positive except u >= 0)
q, rho, tau, lam, eps = sp.symbols("q rho tau lam epsilon", positive=True)
u = sp.Symbol("u", nonnegative=True)
alpha, kappa = sp.symbols("alpha kappa", positive=True)
m, dm, mu, mnu, dmnu = sp.symbols("m dm mu M_nu dM_nu", real=True)
c_ratio = sp.Symbol("c", nonnegative=True)


# ---------------------------------------------------------------------------------------------
# formulas (generic arithmetic: sympy, numpy arrays or mpf)


def ridgeless_icl_lt1(q, rho, tau, mu):
    """τ < 1, [CODE] ``ridgeless_icl``; ``mu`` = :math:`\\mu^*=qM_{\\kappa/\\tau}(q)` (note §3.3)."""
    return (tau * (1 + q) / (1 - tau) * (1 - tau * (1 - mu) ** 2 - (q - rho) / q * mu)
            - 2 * tau * (1 - mu) + 1 + rho)


def icl_tau_inf(q, rho, eps, mnu, dmnu):
    """τ = ∞ (ridge ε = λ, ν = q + λ):
    :math:`1+\\rho-2\\mathbb E\\frac{s}{s+\\nu}+(1+q)\\mathbb E\\frac{s^2}{(s+\\nu)^2}`
    [DERIVED] (§3.2, §3.5b)."""
    nu = q + eps
    return 1 + rho - 2 * (1 - nu * mnu) + (1 + q) * (1 - 2 * nu * mnu - nu**2 * dmnu)


def ridgeless_icl_gt1(q, rho, tau, m, dm):
    """τ > 1, the [DERIVED] clean form :math:`e_\\infty + m^*(1+q)(q+\\rho-q^2m^*)/(\\tau-1)` (note §3.3)."""
    return icl_tau_inf(q, rho, 0, m, dm) + m * (1 + q) * (q + rho - q**2 * m) / (tau - 1)


def k_star(u, m):
    """:math:`k^*=[1-\\kappa(m^*/(\\kappa+m^*))^2]^{-1}=[1-u\\,m^{*2}/(1+u\\,m^*)^2]^{-1}` ([CODE], §3.1)."""
    return 1 / (1 - u * m**2 / (1 + u * m) ** 2)


def ridgeless_icl_gt1_code(q, rho, tau, u, m):
    """τ > 1 exactly as the authors' code writes it ([CODE] ``ridgeless_icl``, note §3.3)."""
    k = k_star(u, m)
    return ((k - 1 / (tau - 1)) * (1 + q) * (q * m) ** 2 + (3 - 2 * tau) / (tau - 1) * m * q**2
            + ((1 + rho) * m / (tau - 1) + 1) * q + rho * m / (tau - 1) + rho)


def epsilon0(q, tau, mu):
    """:math:`\\varepsilon_0=(1-\\tau)q/(\\tau\\mu^*)` ([CODE] ``ridgeless_idg``; = λ→0 root, [DERIVED])."""
    return (1 - tau) * q / (tau * mu)


def ridgeless_idg_lt1(q, rho, tau, u, mu):
    """τ < 1, [CODE] ``ridgeless_idg`` (note §3.4); κ/(1+κε₀/(1-τ))² written as u/(u+q/(τμ*))²."""
    e0 = epsilon0(q, tau, mu)
    c = 1 / (1 - u / (u + q / (tau * mu)) ** 2)
    return tau * ((q + e0) ** 2 / e0 + (rho + q - 2 * q * (1 - tau) * (q / e0 + 1)) / (1 - tau - c * (1 - tau) ** 2))


def idg_tau_inf(q, rho, eps, mnu, dmnu):
    """τ = ∞: :math:`1+\\rho-2\\mathbb E\\frac{s^2}{s+\\nu}+\\mathbb E\\frac{s^2(s+q)}{(s+\\nu)^2}` [DERIVED]
    (§3.2, §3.5b)."""
    nu = q + eps
    s2_over = 1 - nu + nu**2 * mnu
    return 1 + rho - s2_over - eps * (1 - 2 * nu * mnu - nu**2 * dmnu)


def ridgeless_idg_gt1(q, rho, tau, m):
    """τ > 1: :math:`\\frac{\\tau}{\\tau-1}(\\rho+q(1-qm^*))` ([CODE] ``ridgeless_idg``, §3.4)."""
    return tau / (tau - 1) * (rho + q * (1 - q * m))


def ridge_icl(q, rho, tau, eps, mnu, dmnu):
    """λ > 0 at the self-consistent ε ([CODE] ``ridge_icl`` / ``full_lambda``, note §3.2)."""
    nu = q + eps
    ce = (rho + nu - nu**2 * mnu - eps * (1 - 2 * nu * mnu - nu**2 * dmnu)) / (
        1 - 2 * eps * mnu - eps**2 * dmnu - tau)
    return (1 + q) * (1 - 2 * nu * mnu - nu**2 * dmnu - ce * (mnu + eps * dmnu)) - 2 * (1 - nu * mnu) + 1 + rho


def ridge_idg(q, rho, tau, eps, mnu, dmnu):
    """λ > 0 IDG error at the self-consistent ε: :math:`\\tau N/(\\tau-E_2)` ([DERIVED-HERE],
    ``docs/lu2024_ridge_idg.md``).

    No available source states it.  With :math:`\\nu=q+\\varepsilon`, :math:`s\\sim` MP(1/κ):
    :math:`N=\\rho+\\nu\\mathbb E\\frac{s}{s+\\nu}-\\varepsilon\\mathbb E\\frac{s^2}{(s+\\nu)^2}` (the
    training-distribution error of the mean estimator :math:`\\hat R(\\hat R+\\nu)^{-1}`, also the effective noise of
    the deterministic equivalent) and :math:`E_2=\\mathbb E\\frac{(s+q)^2}{(s+\\nu)^2}` (degrees of freedom per sample
    × τ); the moments are written with :math:`M=M_\\kappa(\\nu)`, :math:`M'=M'_\\kappa(\\nu)`.
    """
    nu = q + eps
    n_eff = rho + nu * (1 - nu * mnu) - eps * (1 - 2 * nu * mnu - nu**2 * dmnu)
    e2 = 1 - 2 * eps * mnu - eps**2 * dmnu
    return tau * n_eff / (tau - e2)


def self_consistency(tau, lam, eps, mnu):
    """:math:`1-\\tau+\\tau\\lambda/\\varepsilon-\\varepsilon M_\\kappa(q+\\varepsilon)` (zero at the root;
    note §3.2)."""
    return 1 - tau + tau * lam / eps - eps * mnu


def kappa_inf_icl_lt1(q, rho, tau):
    """κ = ∞, τ < 1 (note §3.5a, [DERIVED])."""
    return 1 + rho + tau * ((1 + rho) - tau / (1 + q)) / (1 - tau) - 2 * tau / (1 + q)


def kappa_inf_icl_gt1(q, rho, tau):
    """κ = ∞, τ > 1 (note §3.5a, [DERIVED]; claim 5 of §6)."""
    return rho + (q + (rho + (1 + rho) * q) / (tau - 1)) / (1 + q)


def memorization_limit(kappa_pos_part, rho, c):
    """:math:`\\rho+(1-\\kappa)_+(1+c\\rho/(1+\\rho))` (note §3.5e, [DERIVED]); first argument is
    :math:`(1-\\kappa)_+`."""
    return rho + kappa_pos_part * (1 + c * rho / (1 + rho))


def bayes_ridge(rho, alpha, sw):
    """:math:`\\rho(1+S_W(\\rho,\\alpha))`, ``sw`` = :math:`S_W=\\frac1\\alpha M_\\alpha(\\rho/\\alpha)`
    ([CODE] ``bayes_estimator.py``, §3.5f)."""
    return rho * (1 + sw)


def optimal_ridge(q, rho, tau):
    """κ = ∞: :math:`\\lambda_{\\rm opt}=(1+q)[(1+\\rho)(1+q)-1]/\\tau` ([DERIVED], not claimed by the paper; §3.5c)."""
    return (1 + q) * ((1 + rho) * (1 + q) - 1) / tau


def divergence_slope(pos_part, rho, tau):
    """:math:`\\rho(\\min(\\tau,1)-\\kappa)_+/((1+\\rho)|\\tau-1|)` (note §3.5d, [DERIVED]); first argument is the
    positive part."""
    return rho * pos_part / ((1 + rho) * abs(tau - 1))


# ---------------------------------------------------------------------------------------------
# sympy expressions of the outer formulas and their lambdifications


#: One outer formula: argument symbols (``.args``), sympy expression (``.expr``) and its numpy / mpmath
#: callables (``.f_numpy`` with common-subexpression elimination, ``.f_mpmath``): the shared evaluator.
Outer = ClosedForm


def _outer(func: Callable, *args: sp.Symbol) -> ClosedForm:
    return ClosedForm(func(*args), args, cse=True)


OUTER = {
    "ridgeless_icl_lt1": _outer(ridgeless_icl_lt1, q, rho, tau, mu),
    "ridgeless_icl_gt1": _outer(ridgeless_icl_gt1, q, rho, tau, m, dm),
    "ridgeless_icl_gt1_code": _outer(ridgeless_icl_gt1_code, q, rho, tau, u, m),
    "icl_tau_inf": _outer(icl_tau_inf, q, rho, eps, mnu, dmnu),
    "ridgeless_idg_lt1": _outer(ridgeless_idg_lt1, q, rho, tau, u, mu),
    "ridgeless_idg_gt1": _outer(ridgeless_idg_gt1, q, rho, tau, m),
    "idg_tau_inf": _outer(idg_tau_inf, q, rho, eps, mnu, dmnu),
    "ridge_icl": _outer(ridge_icl, q, rho, tau, eps, mnu, dmnu),
    "ridge_idg": _outer(ridge_idg, q, rho, tau, eps, mnu, dmnu),
    "self_consistency": _outer(self_consistency, tau, lam, eps, mnu),
    "kappa_inf_icl_lt1": _outer(kappa_inf_icl_lt1, q, rho, tau),
    "kappa_inf_icl_gt1": _outer(kappa_inf_icl_gt1, q, rho, tau),
    "optimal_ridge": _outer(optimal_ridge, q, rho, tau),
}
