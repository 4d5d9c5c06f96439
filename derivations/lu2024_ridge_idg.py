"""Derivation of the ridge (λ > 0) IDG error of Lu et al. (2024) at finite τ -- [DERIVED-HERE].

No available source states this formula: the authors' code has the ridge ICL error and the
ridgeless IDG error, not the ridge IDG error (note ``lu2024_asymptotic.md`` §3.2).  The steps
below (written out in ``docs/lu2024_ridge_idg.md``) derive it with the deterministic
equivalent that produces the package's ridge ICL error, and each step is checked here:

1. ``ridge-idg-step1-test-error``: the asymptotic test errors of Γ = [A | 0] per eigen-direction
   of the training-task Gram matrix R̂ (limits of the exact finite-d error, note §2.3), and the
   population minimiser a* = s/(s+q) with its residual ρ + qs/(s+q).
2. ``ridge-idg-step2-fixed-point``: the deterministic-equivalent fixed point of the effective
   ridge equals the package's self-consistent equation 1 - τ + τλ/ε = ε M_κ(q+ε).
3. ``ridge-idg-step3-machinery-icl``: the deterministic equivalent (mean estimator
   R̂(R̂+ν)^{-1} plus a variance term N·E[h (s+q)/(s+ν)²]/(τ - E₂)) reproduces the package's
   ridge ICL error exactly when h is the ICL Hessian 1 + q.
4. ``ridge-idg-step4-formula``: the same machinery with the training-distribution Hessian
   h = s + q gives e_IDG = τN/(τ - E₂), the encoded formula.

and the limits the issue asks for:

* ``ridge-idg-lam0-gt1`` / ``ridge-idg-lam0-lt1``: λ → 0 gives the authors' ridgeless IDG error
  on both sides of τ = 1;
* ``ridge-idg-tau-inf``: τ → ∞ gives the τ = ∞ ridge form already in the package;
* ``ridge-idg-kappa-inf``: at κ = ∞ the ridge IDG error equals the ridge ICL error for every ε.

Expectations over the Marchenko-Pastur law are taken by :func:`mp_expectation`, which writes
a rational function of s with poles only at s = -ν as a polynomial of degree <= 1 plus
A/(s+ν) + B/(s+ν)² and uses E[1] = E[s] = 1, E[1/(s+ν)] = M, E[1/(s+ν)²] = -M'.  A step is
PROVED when sympy reduces the difference of two independently built expressions to zero.
The one assumption that sympy cannot prove -- that the structured features behave, to
leading order, like Gaussian features with the population residual as independent noise
(the deterministic equivalent) -- is the assumption of the package's ridge ICL error itself
(step 3 shows that the two are the same machinery); it is tested by simulation in
:mod:`iclverify.checks.claims.lu2024.ridge_idg`.
"""

from __future__ import annotations

import mpmath
import sympy as sp

from iclverify.derivations.registry import FAILED, PROVED, DerivationResult, build_side, derivation, prove_sides
from iclverify.theory import _lu2024_formulas as F
from iclverify.theory import lu2024 as L
from iclverify.theory.rmt import mp_transform_derivative_expr, mp_transform_expr

PAPER = "lu2024"
_s = sp.Symbol("s", nonnegative=True)
_q, _rho, _tau, _eps, _lam, _a = sp.symbols("q rho tau epsilon lam a", positive=True)
_u = sp.Symbol("u", nonnegative=True)
_M, _dM = sp.symbols("M dM", real=True)   # M = M_kappa(nu), dM = M'_kappa(nu), nu = q + eps
_nu = _q + _eps


def mp_expectation(f: sp.Expr, nu: sp.Expr = _nu, m: sp.Expr = _M, dm: sp.Expr = _dM) -> sp.Expr:
    """:math:`\\mathbb E_{\\rm MP}[f(s)]` for a rational ``f`` whose only pole is ``s = -nu`` (order <= 2).

    Writes ``f = c0 + c1 s + A/(s+nu) + B/(s+nu)**2`` and returns ``c0 + c1 + A m - B dm``
    (mean of the MP law 1, :math:`M=\\mathbb E(s+\\nu)^{-1}`, :math:`M'=-\\mathbb E(s+\\nu)^{-2}`).

    Raises
    ------
    ValueError
        When ``f`` has another pole or grows faster than ``s``.
    """
    g = sp.cancel(sp.together(f * (_s + nu) ** 2))
    b = sp.simplify(g.subs(_s, -nu))
    a = sp.simplify(sp.diff(g, _s).subs(_s, -nu))
    rest = sp.cancel(sp.together(f - a / (_s + nu) - b / (_s + nu) ** 2))
    num, den = sp.fraction(rest)
    if sp.Poly(den, _s).degree() != 0 or sp.Poly(num, _s).degree() > 1:
        raise ValueError(f"f is not of the form c0 + c1 s + A/(s+nu) + B/(s+nu)^2: remainder {rest}")
    poly = sp.Poly(sp.expand(num / den), _s)
    c1 = poly.coeff_monomial(_s)
    c0 = poly.coeff_monomial(1)
    return c0 + c1 + a * m - b * dm


def _zero(expr: sp.Expr) -> bool:
    return sp.simplify(sp.together(expr)) == 0


#: Inputs both sides of an identity may share: the Marchenko-Pastur transform and its derivative.
_COMMON = ("mp_transform_expr", "mp_transform_derivative_expr")


def _together_simplify(e):
    return sp.simplify(sp.together(e))


def _sided(lhs_build, rhs_build, what: str, more: list[tuple[str, bool]], statement: str) -> DerivationResult:
    """The derivation's main identity as two independently built sides (:func:`prove_sides`), plus side checks.

    PROVED only when the sides are independent and reduce to zero and every further check reduces to zero.
    """
    lhs, rhs = build_side(lhs_build), build_side(rhs_build)
    main = prove_sides(lhs, rhs, what, common=_COMMON, simplify=_together_simplify)
    if main.status != PROVED:
        return main
    res = _result([(what, True)] + more, statement)
    res.detail = main.detail + "; " + res.detail
    res.sides, res.side_pairs = main.sides, main.side_pairs
    return res


def _result(ok_parts: list[tuple[str, bool]], statement: str) -> DerivationResult:
    bad = [name for name, ok in ok_parts if not ok]
    if bad:
        return DerivationResult(FAILED, f"sympy did not reduce to zero: {', '.join(bad)}")
    return DerivationResult(PROVED, statement + " (" + "; ".join(name for name, _ in ok_parts) + ": all == 0)")


def _checked(pairs, what: str, tol: float) -> tuple[str, float]:
    worst = max(float(abs(x - y) / max(abs(y), mpmath.mpf(10) ** -300)) for _, x, y in pairs)
    lines = "; ".join(f"{lab}: {mpmath.nstr(x, 12)} vs {mpmath.nstr(y, 12)}" for lab, x, y in pairs[:3])
    return f"{what}: largest relative difference {worst:.2e} (tolerance {tol:g}) at 50 digits; {lines}", worst


# --- the pieces of the deterministic equivalent, per eigenvalue s of R-hat --------------------

def train_error_integrand(a, s=_s, q=_q):
    """Training-distribution (IDG) error of Γ = [A | 0] per direction, noise ρ excluded: s - 2as + (s+q)a²."""
    return s - 2 * a * s + (s + q) * a**2


def icl_error_integrand(a, q=_q):
    """ICL error per direction, 1 + ρ excluded: -2a + (1+q)a² (fresh tasks: R-hat replaced by I)."""
    return -2 * a + (1 + q) * a**2


def mean_estimator(s=_s, nu=_nu):
    """Eigenvalue of the deterministic-equivalent mean of A*: s/(s+ν), i.e. R-hat(R-hat + ν)^{-1}."""
    return s / (s + nu)


def variance_weight(h, s=_s, q=_q, nu=_nu):
    """Integrand of the variance term for a test loss with per-direction Hessian weight h: h (s+q)/(s+ν)²."""
    return h * (s + q) / (s + nu) ** 2


def dof_integrand(s=_s, q=_q, nu=_nu):
    """E₂ integrand (s+q)²/(s+ν)²: Σ²(Σ+κ_e)^{-2} per direction (τ × degrees of freedom per sample)."""
    return (s + q) ** 2 / (s + nu) ** 2


def effective_noise():
    """N = ρ + E[train error of the mean estimator] (noise + bias of the deterministic equivalent), in M, M'."""
    return _rho + mp_expectation(train_error_integrand(mean_estimator()))


# --- steps ------------------------------------------------------------------------------------

@derivation("lu2024.ridge-idg-step1-test-error", paper=PAPER,
            statement="[DERIVED-HERE] step 1: per eigen-direction s of R-hat the d -> inf test errors of Γ = [A|0] "
                      "are IDG: rho + s - 2as + (s+q)a², ICL: 1 + rho - 2a + (1+q)a² (limits of note §2.3); "
                      "the IDG minimiser is a* = s/(s+q), its error rho + qs/(s+q), and "
                      "E_train(a) = E_train(a*) + (s+q)(a-a*)²")
def step1_test_error() -> DerivationResult:
    d, alpha = sp.symbols("d alpha", positive=True)
    ell = alpha * d
    sigma2 = 1 + _rho   # normalised tasks: ||w||²/d = 1
    # §2.3 coefficients of ||A||_F²/d and ||Aw||²/d (IDG), and of ||A||_F²/d (ICL) as d -> inf
    coef_f = sp.limit(sigma2 * d / ell, d, sp.oo)
    coef_w = sp.limit(1 + 1 / ell, d, sp.oo)
    coef_icl = sp.limit((1 + _rho) * d / ell + 1 + 1 / ell, d, sp.oo)
    q_def = (1 + _rho) / alpha
    idg_limit = _s - 2 * _a * _s + (coef_f + coef_w * _s) * _a**2      # per direction, rho excluded
    icl_limit = -2 * _a + coef_icl * _a**2
    a_star = sp.solve(sp.diff(train_error_integrand(_a), _a), _a)
    parts = [
        ("s(1-a)² + q a² - (s - 2as + (s+q)a²)", _zero(_s * (1 - _a) ** 2 + q_def * _a**2
                                                       - train_error_integrand(_a, q=q_def))),
        ("ICL limit - (-2a + (1+q)a²)", _zero(icl_limit - icl_error_integrand(_a, q=q_def))),
        ("a* - s/(s+q)", len(a_star) == 1 and _zero(a_star[0] - _s / (_s + _q))),
        ("E(a*) - qs/(s+q)", _zero(train_error_integrand(_s / (_s + _q)) - _q * _s / (_s + _q))),
        ("E(a) - E(a*) - (s+q)(a-a*)²", _zero(train_error_integrand(_a) - train_error_integrand(_s / (_s + _q))
                                              - (_s + _q) * (_a - _s / (_s + _q)) ** 2)),
    ]
    # rhs in its bias-variance form s(1-a)² + q a² (built apart from the limit, not the same expression tree)
    res = _sided(lambda: idg_limit, lambda: _s * (1 - _a) ** 2 + q_def * _a**2, "IDG limit - (s(1-a)² + q a²)",
                 parts, "limits of the §2.3 coefficients (sympy.limit) and the quadratic minimiser")
    res.detail += ("; the c column is dropped as in the ridge ICL derivation (its terms are O(1/d) for |c| = O(1); "
                   "the simulator keeps it)")
    return res


@derivation("lu2024.ridge-idg-step2-fixed-point", paper=PAPER,
            statement="[DERIVED-HERE] step 2: the deterministic-equivalent effective ridge k_e = eps/d of the "
                      "feature covariance (1/d) I ⊗ (q I + R-hat), n = tau d² samples, ridge lam/d on the mean "
                      "loss, solves k_e - lam/d = k_e (1/n) tr Σ(Σ + k_e)^-1  <=>  "
                      "1 - tau + tau lam/eps = eps M(q+eps)")
def step2_fixed_point() -> DerivationResult:
    # (1/n) tr Σ(Σ+k_e)^{-1} = (d²/(tau d²)) E[(s+q)/(s+nu)]; multiply the fixed point by d tau / eps
    fixed_point = _tau * (1 - _lam / _eps) - mp_expectation((_s + _q) / (_s + _nu))
    package = F.self_consistency(_tau, _lam, _eps, _M)
    del package
    parts = [("E[(s+q)/(s+nu)] - (1 - eps M)", _zero(mp_expectation((_s + _q) / (_s + _nu)) - (1 - _eps * _M)))]
    return _sided(lambda: fixed_point, lambda: -F.self_consistency(_tau, _lam, _eps, _M),
                  "fixed point + package equation", parts,
                  "the fixed point is minus the package's self-consistency function")


@derivation("lu2024.ridge-idg-step3-machinery-icl", paper=PAPER,
            statement="[DERIVED-HERE] step 3: the deterministic equivalent e = e_test(mean) + N E[h (s+q)/(s+nu)²]/"
                      "(tau - E2), N = rho + E[train error of the mean], E2 = E[(s+q)²/(s+nu)²], with the ICL "
                      "Hessian h = 1 + q, reproduces the package's ridge ICL error ([CODE] ridge_icl) exactly")
def step3_machinery_icl() -> DerivationResult:
    n_eff = effective_noise()
    e2 = mp_expectation(dof_integrand())
    icl_mean = 1 + _rho + mp_expectation(icl_error_integrand(mean_estimator()))
    icl = icl_mean + n_eff * mp_expectation(variance_weight(1 + _q)) / (_tau - e2)
    package = F.ridge_icl(_q, _rho, _tau, _eps, _M, _dM)
    # the noise + bias split of N: rho + qs/(s+q) (population residual) + (s+q)(mean - a*)² (bias), pointwise
    split = (train_error_integrand(mean_estimator()) - _q * _s / (_s + _q)
             - (_s + _q) * (mean_estimator() - _s / (_s + _q)) ** 2)
    del package
    parts = [("N integrand - residual - bias", _zero(split))]
    return _sided(lambda: icl, lambda: F.ridge_icl(_q, _rho, _tau, _eps, _M, _dM),
                  "deterministic-equivalent ICL - package ridge ICL", parts,
                  "with M = M_kappa(nu), M' free symbols, so it holds at every eps, in particular the root")


@derivation("lu2024.ridge-idg-step4-formula", paper=PAPER,
            statement="[DERIVED-HERE] step 4: with the training-distribution Hessian h = s + q the same deterministic "
                      "equivalent gives e_IDG = N + N E2/(tau - E2) = tau N/(tau - E2) (the encoded ridge_idg); "
                      "the IDG error of the mean estimator is N itself")
def step4_formula() -> DerivationResult:
    n_eff = effective_noise()
    e2 = mp_expectation(dof_integrand())
    idg_mean = _rho + mp_expectation(train_error_integrand(mean_estimator()))
    idg = idg_mean + n_eff * mp_expectation(variance_weight(_s + _q)) / (_tau - e2)
    parts = [("E[h (s+q)/(s+nu)²] at h = s+q - E2", _zero(mp_expectation(variance_weight(_s + _q)) - e2)),
             ("encoded ridge_idg + tau c_e (ICL code)", _zero(
                 F.ridge_idg(_q, _rho, _tau, _eps, _M, _dM) + _tau * _ce(_q, _rho, _tau, _eps, _M, _dM)))]
    return _sided(lambda: idg, lambda: F.ridge_idg(_q, _rho, _tau, _eps, _M, _dM),
                  "deterministic-equivalent IDG - encoded ridge_idg", parts,
                  "M, M' free symbols; e_IDG = -tau c_e where c_e is the ICL code's variance coefficient")


def _ce(q, rho, tau, eps, m, dm):
    """The ICL code's c_e (note §3.2), written out here from the note, independently of the encoded IDG formula."""
    nu = q + eps
    return (rho + nu - nu**2 * m - eps * (1 - 2 * nu * m - nu**2 * dm)) / (1 - 2 * eps * m - eps**2 * dm - tau)


# --- limits -----------------------------------------------------------------------------------

def _lam_sequence(points) -> tuple[str, float]:
    pairs = []
    with mpmath.workdps(50):
        for a, k, t, r in points:
            a, t, r = mpmath.mpf(a), mpmath.mpf(t), mpmath.mpf(r)
            k = mpmath.inf if k == "inf" else mpmath.mpf(k)
            target = L.idg_error(a, k, t, r, 0, dps=50)
            pairs.append((f"a={mpmath.nstr(a, 4)},k={k},t={mpmath.nstr(t, 4)},lam=1e-30",
                          L.idg_error(a, k, t, r, mpmath.mpf("1e-30"), dps=50), target))
    return _checked(pairs, "ridge IDG at lam = 1e-30 vs the ridgeless IDG (code)", 1e-25)


@derivation("lu2024.ridge-idg-lam0-gt1", paper=PAPER,
            statement="[DERIVED-HERE] lam -> 0, tau > 1: eps -> 0 and the ridge IDG error tends to the authors' "
                      "ridgeless tau/(tau-1) (rho + q(1 - q m*)) ([CODE] ridgeless_idg)")
def lam0_gt1() -> DerivationResult:
    res = _sided(lambda: F.ridge_idg(_q, _rho, _tau, 0, mp_transform_expr(_q, _u),
                                     mp_transform_derivative_expr(_q, _u)),
                 lambda: F.ridgeless_idg_gt1(_q, _rho, _tau, mp_transform_expr(_q, _u)),
                 "ridge_idg(eps = 0) - ridgeless_idg_gt1", [],
                 "symbolic q, rho, tau, u; the formula is continuous at eps = 0 (tau - E2 -> tau - 1 > 0), and eps -> "
                 "0 as lam -> 0 for tau > 1 (eps M < eps/q forces tau lam/eps -> tau - 1)")
    if res.status != PROVED:
        return res
    num, worst = _lam_sequence([(2, "0.5", "2", "0.1"), (5, "2", "1.3", "0.2"), ("0.7", "inf", "3", "0.5")])
    res.detail += "; " + num
    res.data = {"max_rel_diff": worst}
    if worst > 1e-25:
        res.status = FAILED
    return res


@derivation("lu2024.ridge-idg-lam0-lt1", paper=PAPER,
            statement="[DERIVED-HERE] lam -> 0, tau < 1: eps -> eps0 = (1-tau) q/(tau mu*) and the ridge IDG error "
                      "tends to the authors' ridgeless tau < 1 IDG error ([CODE] ridgeless_idg)")
def lam0_lt1() -> DerivationResult:
    e0 = sp.Symbol("epsilon0", positive=True)
    m0 = (1 - _tau) / e0                     # eps0 M(q + eps0) = 1 - tau
    nu0 = _q + e0
    # M' from the quadratic u x M² + (x+1-u) M - 1 = 0 by implicit differentiation (checked below)
    dm0 = -(_u * m0**2 + m0) / (2 * _u * nu0 * m0 + nu0 + 1 - _u)
    q_of_e0 = sp.solve(_u * nu0 * m0**2 + (nu0 + 1 - _u) * m0 - 1, _q)
    if len(q_of_e0) != 1:
        return DerivationResult(FAILED, f"the quadratic is not linear in q: {q_of_e0}")
    mu = _q * (1 - _tau) / (_tau * e0)       # the definition eps0 = (1-tau) q/(tau mu*), solved for mu*
    x = sp.Symbol("x", positive=True)
    mx = mp_transform_expr(x, _u)
    implicit = -(_u * mx**2 + mx) / (2 * _u * x * mx + x + 1 - _u) - mp_transform_derivative_expr(x, _u)
    parts = [("implicit M' - M'", _zero(implicit))]
    res = _sided(lambda: F.ridge_idg(_q, _rho, _tau, e0, m0, dm0).subs(_q, q_of_e0[0]),
                 lambda: F.ridgeless_idg_lt1(_q, _rho, _tau, _u, mu).subs(_q, q_of_e0[0]),
                 "ridge_idg(eps0) - ridgeless_idg_lt1 on the quadratic's solution set", parts,
                 "eps0 kept as a free symbol, q eliminated through the MP quadratic at nu = q + eps0 "
                         "(linear in q), M = (1-tau)/eps0 (the lam = 0 root, derivation lu2024.epsilon0-identity)")
    if res.status != PROVED:
        return res
    num, worst = _lam_sequence([(10, "0.5", "0.5", "0.01"), (1, "0.1", "0.9", "0.5"), (3, "4", "0.2", "0.3")])
    res.detail += "; " + num
    res.data = {"max_rel_diff": worst}
    if worst > 1e-25:
        res.status = FAILED
    return res


@derivation("lu2024.ridge-idg-tau-inf", paper=PAPER,
            statement="[DERIVED-HERE] tau -> inf: eps -> lam and the ridge IDG error tends to the tau = inf ridge form "
                      "1 + rho - 2E[s²/(s+nu)] + E[s²(s+q)/(s+nu)²] ([DERIVED], note §3.2)")
def tau_inf() -> DerivationResult:
    tau_inf_form = F.idg_tau_inf(_q, _rho, _lam, _M, _dM)
    # the note's moment form, built from the MP expectation independently of F.idg_tau_inf
    nu = _q + _lam
    note_form = 1 + _rho - 2 * mp_expectation(_s**2 / (_s + nu), nu=nu) \
        + mp_expectation(_s**2 * (_s + _q) / (_s + nu) ** 2, nu=nu)
    parts = [("idg_tau_inf - note's moment form", _zero(tau_inf_form - note_form))]
    res = _sided(lambda: sp.limit(F.ridge_idg(_q, _rho, _tau, _lam, _M, _dM), _tau, sp.oo),
                 lambda: F.idg_tau_inf(_q, _rho, _lam, _M, _dM),
                 "lim_{tau->inf} ridge_idg(eps = lam) - idg_tau_inf", parts, "sympy.limit in tau with M, M' free")
    if res.status != PROVED:
        return res
    pairs = []
    with mpmath.workdps(50):
        for a, k, r, lam in ((2, "0.5", "0.1", "0.5"), (10, "2", "0.01", "0.1")):
            a, k, r, lam = (mpmath.mpf(v) for v in (a, k, r, lam))
            pairs.append((f"tau=1e20,a={a}", L.idg_error(a, k, mpmath.mpf("1e20"), r, lam, dps=50),
                          L.idg_error_tau_inf(a, k, r, lam, dps=50)))
    num, worst = _checked(pairs, "ridge IDG at tau = 1e20 (eps solved) vs tau = inf", 1e-15)
    res.detail += "; eps -> lam: " + num
    res.data = {"max_rel_diff": worst}
    if worst > 1e-15:
        res.status = FAILED
    return res


@derivation("lu2024.ridge-idg-kappa-inf", paper=PAPER,
            statement="[DERIVED-HERE] kappa = inf (u = 0): the ridge IDG error equals the ridge ICL error for every "
                      "eps (so for every lam > 0), and with lam = 0 the ridgeless IDG equals the ridgeless ICL (note "
                      "§3.5a)")
def kappa_inf() -> DerivationResult:
    z = sp.Integer(0)
    nu = _q + _eps
    m0, dm0 = mp_transform_expr(nu, z), mp_transform_derivative_expr(nu, z)
    mq, dmq = mp_transform_expr(_q, z), mp_transform_derivative_expr(_q, z)
    mu0 = _q * mp_transform_expr(_q, z)
    parts = [("ridgeless IDG - ICL, tau > 1, u = 0", _zero(F.ridgeless_idg_gt1(_q, _rho, _tau, mq)
                                                           - F.ridgeless_icl_gt1(_q, _rho, _tau, mq, dmq))),
             ("ridgeless IDG - ICL, tau < 1, u = 0", _zero(F.ridgeless_idg_lt1(_q, _rho, _tau, z, mu0)
                                                           - F.ridgeless_icl_lt1(_q, _rho, _tau, mu0)))]
    res = _sided(lambda: F.ridge_idg(_q, _rho, _tau, _eps, mp_transform_expr(nu, z),
                                     mp_transform_derivative_expr(nu, z)),
                 lambda: F.ridge_icl(_q, _rho, _tau, _eps, mp_transform_expr(nu, z),
                                     mp_transform_derivative_expr(nu, z)),
                 "ridge_idg - ridge_icl at u = 0", parts, "eps a free symbol, M_inf(x) = 1/(1+x)")
    if res.status == PROVED:
        with mpmath.workdps(50):
            got = L.idg_error(3, mpmath.inf, mpmath.mpf("1.7"), mpmath.mpf("0.2"), mpmath.mpf("0.03"), dps=50)
            want = L.icl_error(3, mpmath.inf, mpmath.mpf("1.7"), mpmath.mpf("0.2"), mpmath.mpf("0.03"), dps=50)
        res.detail += f"; idg_error = icl_error at (3, inf, 1.7, 0.2, 0.03): {mpmath.nstr(got, 20)} vs " \
                      f"{mpmath.nstr(want, 20)}"
        if abs(got - want) > mpmath.mpf(10) ** -40:
            res.status = FAILED
    return res
