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
    CHECKED, FAILED, PROVED, DerivationResult, Side, build_side, check_sides, combine, derivation, prove_sides,
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


#: Inputs both sides of an identity may share: the Marchenko-Pastur transform and its derivative (their own
#: formulas are derived by ``mp-quadratic-root`` and ``mp-derivative``).
_COMMON = ("mp_transform_expr", "mp_transform_derivative_expr")


def _side_of(side: Side, expr) -> Side:
    """A side transformed after it was built (a limit, a substitution): same construction record."""
    return Side(expr, side.builders, side.calls)


def _quadratic(x, u, m):
    """The Marchenko-Pastur quadratic :math:`u x M^2 + (x+1-u)M - 1` (note §3.1), written here from the note."""
    return u * x * m**2 + (x + 1 - u) * m - 1


@derivation("lu2024.mp-quadratic-root", paper=PAPER,
            statement="M_kappa(x) is the positive root of (x/kappa) M^2 + (x + 1 - 1/kappa) M - 1 = 0 (note §3.1)")
def mp_quadratic_root() -> DerivationResult:
    """[CODE] transform against the note's quadratic: lhs ``u x M² + (x+1-u) M`` with M from ``mp_transform_expr``,
    rhs the constant 1 (the quadratic's constant term, no theory call)."""
    lhs = build_side(lambda: (lambda m: _u * _x * m**2 + (_x + 1 - _u) * m)(mp_transform_expr(_x, _u)))
    res = prove_sides(lhs, Side(sp.Integer(1)), "u x M^2 + (x+1-u) M - 1")
    # positivity: the denominator b + sqrt(b^2 + 4xu) exceeds b + |b| >= 0, and the other root is negative
    # (product of the roots is -1/(u x) < 0), so M is the positive one.
    m = mp_transform_expr(_x, _u)
    other = -1 / (_u * _x * m)
    if res.status == PROVED and sp.simplify(m * other + 1 / (_u * _x)) == 0:
        res.detail += "; the other root is -1/(u x M) < 0, so M is the positive root"
    return res


@derivation("lu2024.mp-derivative", paper=PAPER,
            statement="M'_kappa(x) = -M^2/2 (1 + (x+1+1/kappa)/sqrt((x+1-1/kappa)^2 + 4x/kappa)) (note §3.1)")
def mp_derivative() -> DerivationResult:
    """lhs: sympy's derivative of ``mp_transform_expr``; rhs: the stated ``mp_transform_derivative_expr``, which
    is written in terms of M (so M is a shared input, the derivative formula is what is tested)."""
    lhs = build_side(lambda: sp.diff(mp_transform_expr(_x, _u), _x))
    rhs = build_side(lambda: mp_transform_derivative_expr(_x, _u))
    return prove_sides(lhs, rhs, "d/dx M - M'", common=("mp_transform_expr",))


@derivation("lu2024.kstar-identity", paper=PAPER,
            statement="k* m*^2 = -M'_kappa(q), k* = [1 - kappa (m*/(kappa+m*))^2]^{-1}, m* = M_kappa(q) (note §3.1)")
def kstar_identity() -> DerivationResult:
    """lhs: the [CODE] ``k_star`` times m*²; rhs: minus the derivative formula (both in terms of the shared M)."""
    lhs = build_side(lambda: (lambda m: F.k_star(_u, m) * m**2)(mp_transform_expr(_q, _u)))
    rhs = build_side(lambda: -mp_transform_derivative_expr(_q, _u))
    return prove_sides(lhs, rhs, "k* m*^2 + M'(q)", common=("mp_transform_expr",))


@derivation("lu2024.ridgeless-icl-code-form", paper=PAPER,
            statement="the authors' tau > 1 ridgeless ICL formula (with k*) equals e_inf + m*(1+q)(q+rho-q^2 "
                      "m*)/(tau-1)")
def ridgeless_code_form() -> DerivationResult:
    """[CODE] ``ridgeless_icl_gt1_code`` (through k*) against the [DERIVED] clean form ``ridgeless_icl_gt1``
    (through ``icl_tau_inf``): neither calls the other."""
    code = build_side(lambda: F.ridgeless_icl_gt1_code(_q, _rho, _tau, _u, mp_transform_expr(_q, _u)))
    clean = build_side(lambda: F.ridgeless_icl_gt1(_q, _rho, _tau, mp_transform_expr(_q, _u),
                                                   mp_transform_derivative_expr(_q, _u)))
    return prove_sides(code, clean, "code form - clean form", common=_COMMON)


@derivation("lu2024.idg-tau-ratio", paper=PAPER,
            statement="for tau > 1, e_IDG = tau/(tau-1) * e_IDG(tau = inf) (note §6 claim 6)")
def idg_tau_ratio() -> DerivationResult:
    """[CODE] ridgeless tau > 1 IDG form against tau/(tau-1) times the [DERIVED] tau = inf moment form."""
    lhs = build_side(lambda: F.ridgeless_idg_gt1(_q, _rho, _tau, mp_transform_expr(_q, _u)))
    rhs = build_side(lambda: _tau / (_tau - 1) * F.idg_tau_inf(_q, _rho, 0, mp_transform_expr(_q, _u),
                                                                mp_transform_derivative_expr(_q, _u)))
    return prove_sides(lhs, rhs, "e_IDG - tau/(tau-1) e_IDG_inf", common=_COMMON)


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
    return combine([icl, idg], "ICL and IDG")


@derivation("lu2024.tau-inf-limit-ridge", paper=PAPER,
            statement="lam > 0: the ridge ICL error at tau -> inf approaches its tau = inf form (§3.5b)")
def tau_inf_limit_ridge() -> DerivationResult:
    """[CHECKED-NUMERICALLY] 50-digit values at tau = 1e10, 1e20 (sympy cannot take the limit through the
    transcendental self-consistent epsilon); the gap must also shrink from 1e10 to 1e20.

    lhs: ``icl_error`` at finite tau (the [CODE] ``ridge_icl`` form at the solved epsilon); rhs:
    ``icl_error_tau_inf`` (the [DERIVED] tau = inf form ``icl_tau_inf`` at epsilon = lam).
    """
    labels, conv = [], []
    cases = ((10, 0.5, "0.01", "0.1"), (2, 2, "0.1", "1"))
    with mpmath.workdps(50):
        def finite():
            out = []
            for a, k, r, lam in cases:
                for t in ("1e10", "1e20"):
                    out.append(L.icl_error(a, k, mpmath.mpf(t), mpmath.mpf(r), mpmath.mpf(lam), dps=50))
                    labels.append(f"ridge ICL tau={t}, a={a}")
            return out

        def at_inf():
            return [L.icl_error_tau_inf(a, k, mpmath.mpf(r), mpmath.mpf(lam), dps=50)
                    for a, k, r, lam in cases for _ in range(2)]

        lhs, rhs = build_side(finite), build_side(at_inf)
        res = check_sides(lhs, rhs, "ridge ICL at tau = 1e10, 1e20 vs tau = inf (50 digits)", 1e-8, labels=labels)
        gaps = [abs(a - b) for a, b in zip(lhs.expr, rhs.expr)]
    conv = [gaps[i + 1] <= gaps[i] for i in range(0, len(gaps), 2)]
    if res.status == CHECKED and not all(conv):
        res.status = FAILED
        res.detail += "; the gap does not shrink from tau = 1e10 to 1e20"
    return res


@derivation("lu2024.kappa-inf-limit", paper=PAPER,
            statement="at kappa = inf (u = 0) the general formulas reduce to the closed forms of §3.5a and e_IDG = "
                      "e_ICL")
def kappa_inf_limit() -> DerivationResult:
    """Each general branch ([CODE] tau < 1 forms, [DERIVED]/[CODE] tau > 1 forms) at u = 0 against the
    [DERIVED] kappa = inf closed forms ``kappa_inf_icl_lt1`` / ``kappa_inf_icl_gt1``, which call no other formula;
    and sympy's limit u -> 0+ of the general tau > 1 ICL form against the same closed form."""
    z = sp.Integer(0)

    def mu0():
        return _q * mp_transform_expr(_q, z)

    lt1 = build_side(lambda: F.kappa_inf_icl_lt1(_q, _rho, _tau))
    gt1 = build_side(lambda: F.kappa_inf_icl_gt1(_q, _rho, _tau))
    general = build_side(lambda: F.ridgeless_icl_gt1(_q, _rho, _tau, mp_transform_expr(_q, _u),
                                                     mp_transform_derivative_expr(_q, _u)))
    parts = [
        prove_sides(build_side(lambda: F.ridgeless_icl_lt1(_q, _rho, _tau, mu0())), lt1,
                    "ICL tau < 1 at u = 0 - §3.5a"),
        prove_sides(build_side(lambda: F.ridgeless_idg_lt1(_q, _rho, _tau, z, mu0())), lt1,
                    "IDG tau < 1 at u = 0 - §3.5a ICL"),
        prove_sides(build_side(lambda: F.ridgeless_icl_gt1(_q, _rho, _tau, mp_transform_expr(_q, z),
                                                           mp_transform_derivative_expr(_q, z))), gt1,
                    "ICL tau > 1 at u = 0 - §3.5a"),
        prove_sides(build_side(lambda: F.ridgeless_idg_gt1(_q, _rho, _tau, mp_transform_expr(_q, z))), gt1,
                    "IDG tau > 1 at u = 0 - §3.5a ICL"),
        prove_sides(_side_of(general, sp.limit(general.expr, _u, 0, "+")), gt1, "lim_{u->0+} ICL tau > 1 - §3.5a"),
    ]
    return combine(parts, "ICL and IDG, tau < 1 and tau > 1, at u = 1/kappa = 0 reduce to the §3.5a closed forms "
                          "(so e_IDG = e_ICL), and lim_{u->0+} of the tau > 1 ICL formula agrees")


@derivation("lu2024.epsilon0-identity", paper=PAPER,
            statement="eps0 = (1-tau) q/(tau mu*), mu* = q M_{kappa/tau}(q), solves eps M_kappa(q+eps) = 1 - tau "
                      "(tau < 1)")
def epsilon0_identity() -> DerivationResult:
    """[DERIVED-HERE] proof through the quadratic, plus a 50-digit check of the package's root finder.

    With m = (1 - tau)/eps0 = tau mu*/q, the quadratic of ``mp-quadratic-root`` at (x, u) = (q + eps0, u),
    written with the [CODE] ``epsilon0`` and mu* a free symbol, equals tau times the same quadratic at
    (q, u tau) in M = mu*/q -- which vanishes because mu*/q = M_{kappa/tau}(q) is its root.  Since m > 0 and
    the quadratic's other root is negative, m = M_kappa(q + eps0), i.e. eps0 M_kappa(q + eps0) = 1 - tau.
    The supplementary check compares the bracketed lam = 0 root of ``self_consistent_epsilon`` with eps0
    evaluated from the transform (CHECKED-NUMERICALLY; it tests the implementation, not the identity).
    """
    mu = sp.Symbol("mu", positive=True)
    lhs = build_side(lambda: (lambda e0: _quadratic(_q + e0, _u, (1 - _tau) / e0))(F.epsilon0(_q, _tau, mu)))
    rhs = build_side(lambda: _tau * _quadratic(_q, _u * _tau, mu / _q))
    proof = prove_sides(lhs, rhs, "Q_u(q + eps0; (1-tau)/eps0) - tau Q_{u tau}(q; mu/q)")
    cases = ((10, "0.5", "0.5", "0.01"), (1, "0.1", "0.9", "0.5"), (3, "4", "0.2", "0"), ("0.3", "1", "0.7", "1"),
             (50, "0.05", "0.05", "0.1"))
    with mpmath.workdps(50):
        def solver():
            return [L.self_consistent_epsilon(*(mpmath.mpf(v) for v in c), 0, dps=50) for c in cases]

        def from_transform():
            out = []
            for a, k, t, r in ((mpmath.mpf(v) for v in c) for c in cases):
                q = (1 + r) / a
                out.append((1 - t) * q / (t * q * rmt.mp_transform(q, k / t, dps=50)))
            return out

        check = check_sides(build_side(solver), build_side(from_transform),
                            "bracketed lam = 0 root vs eps0 from M_{kappa/tau}(q)", 1e-40,
                            labels=[f"a={a},k={k},t={t}" for a, k, t, _ in cases])
    return combine([proof], "eps0 solves the quadratic whose positive root is M_kappa(q + eps0)", checks=[check])


@derivation("lu2024.ridge-to-ridgeless", paper=PAPER,
            statement="ridge ICL error -> ridgeless ICL error as lam -> 0+, on both sides of tau = 1 (§3.2-§3.3)")
def ridge_to_ridgeless() -> DerivationResult:
    """[CHECKED-NUMERICALLY] lhs: ``ridge_icl_error`` ([CODE] ``ridge_icl`` at the solved epsilon) at
    lam = 1e-10, 1e-20, 1e-30; rhs: ``ridgeless_icl_error`` (the [CODE] ridgeless branches), 50 digits."""
    cases = [(10, "0.5", "0.5", "0.01"), (2, "0.5", "2", "0.1"), (1, "inf", "0.8", "0.5"), (5, "2", "1.3", "0.2")]
    lams = ("1e-10", "1e-20", "1e-30")

    def args(c):
        a, k, t, r = c
        return (mpmath.mpf(a), mpmath.inf if k == "inf" else mpmath.mpf(k), mpmath.mpf(t), mpmath.mpf(r))

    with mpmath.workdps(50):
        ridge = build_side(lambda: [L.ridge_icl_error(*args(c), mpmath.mpf(lam), dps=50)
                                    for c in cases for lam in lams])
        ridgeless = build_side(lambda: [L.ridgeless_icl_error(*args(c), dps=50) for c in cases for _ in lams])
        gaps = [abs(a - b) for a, b in zip(ridge.expr, ridgeless.expr)]
        at_smallest = check_sides(_side_of(ridge, ridge.expr[2::3]), _side_of(ridgeless, ridgeless.expr[2::3]),
                                  "ridge ICL at lam = 1e-30 vs ridgeless (50 digits)", 1e-25,
                                  labels=[f"a={a},k={k},t={t}" for a, k, t, _ in cases])
    rates = [float(gaps[i + 1] / gaps[i]) if gaps[i] else 0.0 for i in range(0, len(gaps), 3)]
    at_smallest.detail += f"; gap ratio lam=1e-20 / lam=1e-10: max {max(rates):.1e} (linear convergence in lam)"
    if not all(r_ < 1e-8 for r_ in rates):  # the gap shrinks linearly in lam (1e-10 per step of 1e-10)
        at_smallest.status = FAILED
    return at_smallest


@derivation("lu2024.memorization-limit", paper=PAPER,
            statement="alpha, tau -> inf with alpha/tau = c: e_ICL -> rho + (1-kappa)_+ (1 + c rho/(1+rho)), e_IDG -> "
                      "rho (§3.5e)")
def memorization_limit() -> DerivationResult:
    """[CHECKED-NUMERICALLY] lhs: ``icl_error`` / ``idg_error`` along tau = 1e8, 1e16, 1e24 with alpha = c tau;
    rhs: the [DERIVED] limit ``memorization_limit_icl_error`` and rho (first principles), 50 digits."""
    cases = [("0.5", "0.01", "5"), ("0.2", "0.5", "1"), ("1.5", "0.1", "2"), ("0.9", "1", "0.5")]
    taus = ("1e8", "1e16", "1e24")
    with mpmath.workdps(50):
        pts = [tuple(mpmath.mpf(v) for v in c) for c in cases]
        icl = build_side(lambda: [L.icl_error(c * mpmath.mpf(t), k, mpmath.mpf(t), r, 0, dps=50)
                                  for k, r, c in pts for t in taus])
        idg = build_side(lambda: [L.idg_error(c * mpmath.mpf(t), k, mpmath.mpf(t), r, 0, dps=50)
                                  for k, r, c in pts for t in taus])
        lim_icl = build_side(lambda: [L.memorization_limit_icl_error(k, r, c, dps=50) for k, r, c in pts for _ in taus])
        lim_idg = Side([r for k, r, c in pts for _ in taus])
        labels = [f"k={k},c={c}" for k, _, c in cases]
        parts = [check_sides(_side_of(icl, icl.expr[2::3]), _side_of(lim_icl, lim_icl.expr[2::3]),
                             "ICL at tau = 1e24, alpha = c tau vs the limit", 1e-12, labels=labels),
                 check_sides(_side_of(idg, idg.expr[2::3]), _side_of(lim_idg, lim_idg.expr[2::3]),
                             "IDG at tau = 1e24 vs rho", 1e-12, labels=labels)]
        gaps = [abs(a - b) for a, b in zip(icl.expr, lim_icl.expr)]
    res = combine(parts, "alpha = c tau -> inf")
    if res.status == CHECKED and not all(gaps[i + 2] <= gaps[i] for i in range(0, len(gaps), 3)):
        res.status = FAILED
        res.detail += "; the gap does not shrink along tau = 1e8, 1e16, 1e24"
    return res
