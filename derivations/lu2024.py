"""Re-derivations of the Lu et al. (2024) closed forms (note ``lu2024_asymptotic.md`` §3).

Each derivation states an identity, tries to close it with sympy (PROVED), and where sympy
cannot (limits through the transcendental ridge root, the memorisation limit) checks it at
50 digits with mpmath along a shrinking sequence (CHECKED-NUMERICALLY), reporting the
largest difference.  The finite-d (Isserlis) error derivation lives in another module.
"""

from __future__ import annotations

import mpmath
import sympy as sp

from iclverify.derivations.registry import (
    CHECKED, FAILED, PROVED, DerivationResult, Side, build_side, derivation, prove_sides,
)
from iclverify.theory import _lu2024_formulas as F
from iclverify.theory import lu2024 as L
from iclverify.theory import rmt
from iclverify.theory.rmt import mp_transform_derivative_expr, mp_transform_expr

PAPER = "lu2024"
_x, _u, _q, _rho, _tau, _eps = sp.symbols("x u q rho tau epsilon", positive=True)


def _proved(diff: sp.Expr, what: str) -> DerivationResult:
    d = sp.simplify(diff)
    if d == 0:
        return DerivationResult(PROVED, f"simplify({what}) == 0 for symbolic positive arguments")
    return DerivationResult(FAILED, f"simplify({what}) = {d}")


def _checked(pairs, what: str, tol: float) -> DerivationResult:
    """``pairs``: list of (label, lhs, rhs) mpf values at 50 digits."""
    worst = max(float(abs(a - b) / max(abs(b), mpmath.mpf(1e-300))) for _, a, b in pairs)
    lines = "; ".join(f"{lab}: {mpmath.nstr(a, 12)} vs {mpmath.nstr(b, 12)}" for lab, a, b in pairs[:4])
    status = CHECKED if worst <= tol else FAILED
    return DerivationResult(status, f"{what}: largest relative difference {worst:.2e} (tolerance {tol:g}) at 50 "
                                    f"digits; {lines}", data={"max_rel_diff": worst})


@derivation("lu2024.mp-quadratic-root", paper=PAPER,
            statement="M_kappa(x) is the positive root of (x/kappa) M^2 + (x + 1 - 1/kappa) M - 1 = 0 (note §3.1)")
def mp_quadratic_root() -> DerivationResult:
    m = mp_transform_expr(_x, _u)
    res = _proved(_u * _x * m**2 + (_x + 1 - _u) * m - 1, "u x M^2 + (x+1-u) M - 1")
    # positivity: the denominator b + sqrt(b^2 + 4xu) exceeds b + |b| >= 0, and the other root is negative
    # (product of the roots is -1/(u x) < 0), so M is the positive one.
    other = -1 / (_u * _x * m)
    if res.status == PROVED and sp.simplify(m * other + 1 / (_u * _x)) == 0:
        res.detail += "; the other root is -1/(u x M) < 0, so M is the positive root"
    return res


@derivation("lu2024.mp-derivative", paper=PAPER,
            statement="M'_kappa(x) = -M^2/2 (1 + (x+1+1/kappa)/sqrt((x+1-1/kappa)^2 + 4x/kappa)) (note §3.1)")
def mp_derivative() -> DerivationResult:
    return _proved(sp.diff(mp_transform_expr(_x, _u), _x) - mp_transform_derivative_expr(_x, _u),
                   "d/dx M - M'")


@derivation("lu2024.kstar-identity", paper=PAPER,
            statement="k* m*^2 = -M'_kappa(q), k* = [1 - kappa (m*/(kappa+m*))^2]^{-1}, m* = M_kappa(q) (note §3.1)")
def kstar_identity() -> DerivationResult:
    m = mp_transform_expr(_q, _u)
    return _proved(F.k_star(_u, m) * m**2 + mp_transform_derivative_expr(_q, _u), "k* m*^2 + M'(q)")


@derivation("lu2024.ridgeless-icl-code-form", paper=PAPER,
            statement="the authors' tau > 1 ridgeless ICL formula (with k*) equals e_inf + m*(1+q)(q+rho-q^2 m*)/(tau-1)")
def ridgeless_code_form() -> DerivationResult:
    m = mp_transform_expr(_q, _u)
    code = F.ridgeless_icl_gt1_code(_q, _rho, _tau, _u, m)
    clean = F.ridgeless_icl_gt1(_q, _rho, _tau, m, mp_transform_derivative_expr(_q, _u))
    return _proved(code - clean, "code form - clean form")


@derivation("lu2024.idg-tau-ratio", paper=PAPER,
            statement="for tau > 1, e_IDG = tau/(tau-1) * e_IDG(tau = inf) (note §6 claim 6)")
def idg_tau_ratio() -> DerivationResult:
    m = mp_transform_expr(_q, _u)
    lhs = F.ridgeless_idg_gt1(_q, _rho, _tau, m)
    rhs = _tau / (_tau - 1) * F.idg_tau_inf(_q, _rho, 0, m, mp_transform_derivative_expr(_q, _u))
    return _proved(lhs - rhs, "e_IDG - tau/(tau-1) e_IDG_inf")


@derivation("lu2024.tau-inf-limit", paper=PAPER,
            statement="lim_{tau->inf} of the ridgeless tau > 1 ICL / IDG errors equals the tau = inf forms (§3.5b)")
def tau_inf_limit() -> DerivationResult:
    """Limits of the authors' [CODE] tau > 1 forms against the [DERIVED] tau = inf forms, built independently.

    The clean form ``ridgeless_icl_gt1`` is *built* as ``icl_tau_inf + .../(tau-1)``, so its limit says
    nothing; the [CODE] form ``ridgeless_icl_gt1_code`` (with k*) is built independently of ``icl_tau_inf``
    (``build_side`` records which theory functions each side calls), and so is the [CODE] IDG form.  Shared
    inputs: the Marchenko-Pastur transform and its derivative.
    """
    m, dm = mp_transform_expr(_q, _u), mp_transform_derivative_expr(_q, _u)
    code_icl = build_side(lambda: F.ridgeless_icl_gt1_code(_q, _rho, _tau, _u, m))
    code_idg = build_side(lambda: F.ridgeless_idg_gt1(_q, _rho, _tau, m))
    lhs_icl = Side(sp.limit(code_icl.expr, _tau, sp.oo), code_icl.builders, code_icl.calls)
    lhs_idg = Side(sp.limit(code_idg.expr, _tau, sp.oo), code_idg.builders, code_idg.calls)
    rhs_icl = build_side(lambda: F.icl_tau_inf(_q, _rho, 0, m, dm))
    rhs_idg = build_side(lambda: F.idg_tau_inf(_q, _rho, 0, m, dm))
    icl = prove_sides(lhs_icl, rhs_icl, "lim_{tau->inf} ICL[CODE form] - e_ICL(tau=inf)")
    idg = prove_sides(lhs_idg, rhs_idg, "lim_{tau->inf} IDG[CODE form] - e_IDG(tau=inf)")
    worst = next((r for r in (icl, idg) if r.status != PROVED), None)
    if worst is not None:
        return worst
    return DerivationResult(PROVED, f"ICL: {icl.detail}; IDG: {idg.detail}", sides=(lhs_icl, rhs_icl))


@derivation("lu2024.tau-inf-limit-ridge", paper=PAPER,
            statement="lam > 0: the ridge ICL error at tau -> inf approaches its tau = inf form (§3.5b)")
def tau_inf_limit_ridge() -> DerivationResult:
    """[CHECKED-NUMERICALLY] 50-digit values at tau = 1e10, 1e20 (sympy cannot take the limit through the
    transcendental self-consistent epsilon); the gap must also shrink from 1e10 to 1e20."""
    pairs, conv = [], []
    with mpmath.workdps(50):
        for a, k, r, lam in ((10, 0.5, "0.01", "0.1"), (2, 2, "0.1", "1")):
            inf_form = L.icl_error_tau_inf(a, k, mpmath.mpf(r), mpmath.mpf(lam), dps=50)
            gaps = []
            for t in ("1e10", "1e20"):
                v = L.icl_error(a, k, mpmath.mpf(t), mpmath.mpf(r), mpmath.mpf(lam), dps=50)
                gaps.append(abs(v - inf_form))
                pairs.append((f"ridge ICL tau={t}, a={a}", v, inf_form))
            conv.append(gaps[1] <= gaps[0])
    res = _checked(pairs, "ridge ICL at tau = 1e10, 1e20 vs tau = inf", 1e-8)
    if not all(conv):
        res.status = FAILED
        res.detail += "; the gap does not shrink from tau = 1e10 to 1e20"
    return res


@derivation("lu2024.kappa-inf-limit", paper=PAPER,
            statement="at kappa = inf (u = 0) the general formulas reduce to the closed forms of §3.5a and e_IDG = e_ICL")
def kappa_inf_limit() -> DerivationResult:
    z = sp.Integer(0)
    m0, dm0 = mp_transform_expr(_q, z), mp_transform_derivative_expr(_q, z)
    mu0 = _q * mp_transform_expr(_q, z)
    diffs = [
        F.ridgeless_icl_lt1(_q, _rho, _tau, mu0) - F.kappa_inf_icl_lt1(_q, _rho, _tau),
        F.ridgeless_idg_lt1(_q, _rho, _tau, z, mu0) - F.kappa_inf_icl_lt1(_q, _rho, _tau),
        F.ridgeless_icl_gt1(_q, _rho, _tau, m0, dm0) - F.kappa_inf_icl_gt1(_q, _rho, _tau),
        F.ridgeless_idg_gt1(_q, _rho, _tau, m0) - F.kappa_inf_icl_gt1(_q, _rho, _tau),
    ]
    bad = [i for i, d in enumerate(diffs) if sp.simplify(d) != 0]
    if bad:
        return DerivationResult(FAILED, f"branches {bad} do not reduce")
    # and the limit kappa -> inf of the general formula is continuous (u -> 0+)
    lim = sp.limit(F.ridgeless_icl_gt1(_q, _rho, _tau, mp_transform_expr(_q, _u), mp_transform_derivative_expr(_q, _u)),
                   _u, 0, "+") - F.kappa_inf_icl_gt1(_q, _rho, _tau)
    if sp.simplify(lim) != 0:
        return DerivationResult(FAILED, f"lim u->0+ differs by {sp.simplify(lim)}")
    return DerivationResult(PROVED, "ICL and IDG, tau < 1 and tau > 1, at u = 1/kappa = 0 simplify to the §3.5a closed "
                                    "forms (so e_IDG = e_ICL), and lim_{u->0+} of the tau > 1 ICL formula agrees")


@derivation("lu2024.epsilon0-identity", paper=PAPER,
            statement="eps0 = (1-tau) q/(tau mu*), mu* = q M_{kappa/tau}(q), solves eps M_kappa(q+eps) = 1 - tau (tau < 1)")
def epsilon0_identity() -> DerivationResult:
    e0 = F.epsilon0(_q, _tau, _q * mp_transform_expr(_q, _u * _tau))
    expr = e0 * mp_transform_expr(_q + e0, _u) - (1 - _tau)
    d = sp.simplify(sp.radsimp(expr))
    if d == 0:
        return DerivationResult(PROVED, "simplify(eps0 M(q + eps0) - (1 - tau)) == 0")
    # sympy does not close the nested radicals: check at 50 digits on a spread of points
    pairs = []
    with mpmath.workdps(50):
        for a, k, t, r in ((10, "0.5", "0.5", "0.01"), (1, "0.1", "0.9", "0.5"), (3, "4", "0.2", "0"),
                           ("0.3", "1", "0.7", "1"), (50, "0.05", "0.05", "0.1")):
            a, k, t, r = (mpmath.mpf(v) for v in (a, k, t, r))
            q = (1 + r) / a
            mu = q * rmt.mp_transform(q, k / t, dps=50)
            e0n = (1 - t) * q / (t * mu)
            pairs.append((f"a={a},k={k},t={t}", e0n * rmt.mp_transform(q + e0n, k, dps=50), 1 - t))
            pairs.append((f"root a={a},k={k},t={t}", L.self_consistent_epsilon(a, k, t, r, 0, dps=50), e0n))
    return _checked(pairs, "eps0 M(q+eps0) vs 1 - tau, and the bracketed lam = 0 root vs eps0", 1e-40)


@derivation("lu2024.ridge-to-ridgeless", paper=PAPER,
            statement="ridge ICL error -> ridgeless ICL error as lam -> 0+, on both sides of tau = 1 (§3.2-§3.3)")
def ridge_to_ridgeless() -> DerivationResult:
    pairs, rates = [], []
    with mpmath.workdps(50):
        for a, k, t, r in ((10, "0.5", "0.5", "0.01"), (2, "0.5", "2", "0.1"), (1, "inf", "0.8", "0.5"),
                           (5, "2", "1.3", "0.2")):
            a, t, r = mpmath.mpf(a), mpmath.mpf(t), mpmath.mpf(r)
            k = mpmath.inf if k == "inf" else mpmath.mpf(k)
            target = L.icl_error(a, k, t, r, 0, dps=50)
            gaps = []
            for lam in ("1e-10", "1e-20", "1e-30"):
                v = L.icl_error(a, k, t, r, mpmath.mpf(lam), dps=50)
                gaps.append(abs(v - target))
                pairs.append((f"a={a},k={k},t={t},lam={lam}", v, target))
            rates.append(float(gaps[1] / gaps[0]) if gaps[0] else 0.0)
    res = _checked(pairs[2::3], "ridge ICL at lam = 1e-30 vs ridgeless", 1e-25)
    ok_rate = all(r_ < 1e-8 for r_ in rates)  # the gap shrinks linearly in lam (1e-10 per decade step of 10)
    res.detail += f"; gap ratio lam=1e-20 / lam=1e-10: max {max(rates):.1e} (linear convergence in lam)"
    if not ok_rate:
        res.status = FAILED
    return res


@derivation("lu2024.memorization-limit", paper=PAPER,
            statement="alpha, tau -> inf with alpha/tau = c: e_ICL -> rho + (1-kappa)_+ (1 + c rho/(1+rho)), e_IDG -> rho (§3.5e)")
def memorization_limit() -> DerivationResult:
    pairs, last, conv = [], [], []
    with mpmath.workdps(50):
        for k, r, c in (("0.5", "0.01", "5"), ("0.2", "0.5", "1"), ("1.5", "0.1", "2"), ("0.9", "1", "0.5")):
            k, r, c = (mpmath.mpf(v) for v in (k, r, c))
            lim_icl = L.memorization_limit_icl_error(k, r, c, dps=50)
            gaps = []
            for t in ("1e8", "1e16", "1e24"):
                t = mpmath.mpf(t)
                v = L.icl_error(c * t, k, t, r, 0, dps=50)
                gaps.append(abs(v - lim_icl))
                pairs.append((f"ICL k={k},c={c},tau={t}", v, lim_icl))
                pairs.append((f"IDG k={k},tau={t}", L.idg_error(c * t, k, t, r, 0, dps=50), r))
            last += pairs[-2:]
            conv.append(gaps[-1] <= gaps[0])
    res = _checked(last, "errors at tau = 1e24, alpha = c tau vs the limit", 1e-12)
    if not all(conv):
        res.status = FAILED
        res.detail += "; the gap does not shrink along tau = 1e8, 1e16, 1e24"
    return res
