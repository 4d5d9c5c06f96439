"""Theory-only claims of Lu et al. (2024): limits, baselines, boundaries and identities (no model training).

Every check is deterministic (or, for the Wishart identity, a calibrated comparison over a
few independent draws) and runs in seconds; each has negative controls -- a perturbed
formula or statement -- that the same check must reject.  The controls of the deterministic
checks are wrong formulas whose difference from what the claim's check compares with is
measured at the claim's own checked points (:func:`~iclverify.checks.claims.formula_controls.formula_control`,
``measurements["control_effects"]``), restricted to the points where the perturbation is active
(e.g. a dropped ``(1-kappa)_+`` term only where ``kappa < 1``); the Wishart identity's controls carry
the Monte Carlo claims' hook (:func:`~iclverify.checks.claims.lu2024.monte_carlo.counterfactual_hook`).
Source labels follow the note
``lu2024_asymptotic.md``: [CODE] authors' code, [SIM] the note's simulation, [DATA] the
authors' saved runs, [DERIVED] derived by the note's author, not necessarily in the paper.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from iclverify.checks.claims import CheckKind, ControlOutcome, Evidence, RunConfig, Verdict, claim
from iclverify.checks.claims.formula_controls import formula_control
from iclverify.theory import lu2024 as L
from iclverify.theory import rmt

PAPER = "lu2024"
inf = math.inf


def _verdict(ok: bool) -> Verdict:
    return Verdict.CONFIRMED if ok else Verdict.REFUTED


# ------------------------------------------------------------------------------------------------
# memorisation limit (§3.5e)


def _memorization_gap(limit_fn, taus=("1e8", "1e16", "1e24"), error="icl_error") -> tuple[float, list]:
    """Largest relative gap between e(alpha = c tau, tau) at the largest tau and ``limit_fn``, and the gap trend.

    ``error`` names the finite-tau error of :mod:`iclverify.theory.lu2024` (``icl_error`` or ``idg_error``).
    """
    rows, worst = [], 0.0
    with mpmath.workdps(50):
        for k, r, c in (("0.5", "0.01", "5"), ("0.2", "0.5", "1"), ("1.5", "0.1", "2"), ("0.9", "1", "0.5")):
            k, r, c = (mpmath.mpf(v) for v in (k, r, c))
            lim = limit_fn(k, r, c)
            gaps = []
            for t in taus:
                t = mpmath.mpf(t)
                gaps.append(float(abs(getattr(L, error)(c * t, k, t, r, 0, dps=50) - lim) / lim))
            rows.append({"kappa": float(k), "rho": float(r), "c": float(c), "limit": float(lim), "rel_gaps": gaps})
            worst = max(worst, gaps[-1])
    return worst, rows


@claim(id="lu2024.memorization-limit", paper=PAPER, label="DERIVED",
       statement="As alpha, tau -> inf with alpha/tau -> c, the ridgeless ICL error tends to "
                 "rho + (1-kappa)_+ (1 + c rho/(1+rho)) while the IDG error tends to rho: memorisation for kappa < 1.",
       formula="e_ICL -> rho + (1-kappa)_+ (1 + c rho/(1+rho)),  e_IDG -> rho",
       check=CheckKind.HIGH_PRECISION,
       controls=("limit without the c rho/(1+rho) term", "limit with (1-kappa)_+^2 instead of (1-kappa)_+",
                 "IDG limit rho (1 + 1/c) instead of rho"),
       assumptions="lam = 0; alpha = c tau with tau = 1e8, 1e16, 1e24; 50-digit mpmath; kappa in {0.2, 0.5, 0.9, 1.5}",
       note_section="§3.5e; §6 claim 8")
def memorization_limit(config: RunConfig) -> Evidence:
    tol = 1e-12
    worst_icl, rows = _memorization_gap(lambda k, r, c: L.memorization_limit_icl_error(k, r, c, dps=50))
    worst_idg, rows_idg = _memorization_gap(lambda k, r, c: L.memorization_limit_idg_error(k, r, c, dps=50),
                                            error="idg_error")
    worst = max(worst_icl, worst_idg)
    ref = L.icl_error(1e6, 0.5, 2e5, 0.01)

    def gaps(error, where):
        # the claim's statistic: relative gap at tau = 1e24, at the rows where the control's perturbation is active
        return lambda fn: [row["rel_gaps"][-1] for row in _memorization_gap(fn, error=error)[1] if where(row)]

    icl_lim = lambda k, r, c: L.memorization_limit_icl_error(k, r, c, dps=50)  # noqa: E731
    idg_lim = lambda k, r, c: L.memorization_limit_idg_error(k, r, c, dps=50)  # noqa: E731
    below_one = lambda row: row["kappa"] < 1  # noqa: E731  -- where (1-kappa)_+ > 0
    controls, effects = [], {}
    for name, truth, fn, error, where in (
        ("limit without the c rho/(1+rho) term", icl_lim, lambda k, r, c: r + max(1 - k, 0), "icl_error", below_one),
        ("limit with (1-kappa)_+^2 instead of (1-kappa)_+", icl_lim,
         lambda k, r, c: r + max(1 - k, 0) ** 2 * (1 + c * r / (1 + r)), "icl_error", below_one),
        ("IDG limit rho (1 + 1/c) instead of rho", idg_lim, lambda k, r, c: r * (1 + 1 / c), "idg_error",
         lambda row: True),
    ):
        c_, effects[name] = formula_control(name, gaps(error, where), truth, fn, claim_tol=tol,
                                            what="relative gap at tau = 1e24 (rows where the perturbation is active): ")
        controls.append(c_)
    ok = worst <= tol
    rows = rows + [{**row, "error": "idg"} for row in rows_idg]
    return Evidence(_verdict(ok), f"largest relative gap at tau = 1e24 is {worst_icl:.2e} (ICL), {worst_idg:.2e} (IDG) "
                                  f"(tolerance {tol:g}); "
                                  f"note §3.5e check alpha = 1e6, tau = 2e5, kappa = 0.5: {ref:.6f} (note 0.534754)",
                    theory=L.memorization_limit_icl_error(0.5, 0.01, 5.0), estimate=ref,
                    measurements={"rows": rows, "control_effects": effects}, controls=controls)


# ------------------------------------------------------------------------------------------------
# Bayes baseline (§3.5f)


@claim(id="lu2024.bayes-baseline", paper=PAPER, label="CODE+DATA",
       statement="The Bayes-optimal (posterior-mean ridge) ICL error rho (1 + S_W(rho, alpha)) lower-bounds the "
                 "linear-attention ICL error for every kappa, tau, lam; it is 0.011110 at alpha = 10, rho = 0.01.",
       formula="e_Bayes = rho (1 + S_W(rho, alpha)) <= e_ICL(alpha, kappa, tau, rho, lam)",
       check=CheckKind.THEORY,
       controls=("baseline rho (1 + 2 S_W) (wrong coefficient)", "the null predictor's error 1 + rho as a 'baseline'"),
       assumptions="grid alpha in [0.1, 300], kappa in [0.05, 50] and inf, tau in [0.1, 50] (not 1) and inf, "
                   "rho in {0, 0.01, 0.1, 1}, lam in {0, 0.01, 1}",
       note_section="§3.5f; §6 claim 13")
def bayes_baseline(config: RunConfig) -> Evidence:
    n = 12 if config.quick else 40
    a = np.geomspace(0.1, 300, n)[:, None, None, None, None]
    k = np.r_[np.geomspace(0.05, 50, n - 1), inf][None, :, None, None, None]
    t = np.r_[np.geomspace(0.1, 0.95, n // 2), np.geomspace(1.05, 50, n // 2), inf][None, None, :, None, None]
    r = np.array([0.0, 0.01, 0.1, 1.0])[None, None, None, :, None]
    lam = np.array([0.0, 0.01, 1.0])[None, None, None, None, :]
    icl = L.icl_error(a, k, t, r, lam)
    bayes = L.bayes_ridge_icl_error(a, r)

    bound_tol, ref_tol = 1e-12, 5e-7

    def check(baseline, ref_value):
        margin = float(np.min(icl - baseline))
        return margin >= -bound_tol and abs(ref_value - 0.011110) <= ref_tol, margin

    ok, margin = check(bayes, L.bayes_ridge_icl_error(10, 0.01))

    def misses(base_fn):
        # the claim's two checks, each in units of its tolerance: the bound's largest violation on the grid and
        # the miss of the printed value at (alpha, rho) = (10, 0.01)
        viol = max(0.0, float(np.max(base_fn(a, r) - icl)))
        return [viol / bound_tol, abs(float(base_fn(10, 0.01)) - 0.011110) / ref_tol]

    def sw(a_, r_):  # rho * S_W
        return L.bayes_ridge_icl_error(a_, r_) - r_

    controls, effects = [], {}
    for name, base_fn in (
        ("baseline rho (1 + 2 S_W) (wrong coefficient)", lambda a_, r_: r_ + 2 * sw(a_, r_)),
        ("the null predictor's error 1 + rho as a 'baseline'", lambda a_, r_: (1 + r_) + 0 * a_),
    ):
        c_, effects[name] = formula_control(name, misses, L.bayes_ridge_icl_error, base_fn, claim_tol=1.0,
                                            threshold=1.0, what="bound violation / 1e-12 and printed-value miss / "
                                                                "5e-7 (both must exceed 1): ")
        controls.append(c_)
    return Evidence(_verdict(ok), f"min over {icl.size} grid points of e_ICL - e_Bayes = {margin:.4g} >= 0; "
                                  f"e_Bayes(10, 0.01) = {L.bayes_ridge_icl_error(10, 0.01):.6f} (note 0.011110, "
                                  f"saved data 0.01111)",
                    theory=L.bayes_ridge_icl_error(10, 0.01),
                    measurements={"min_margin": margin, "control_effects": effects}, controls=controls)


# ------------------------------------------------------------------------------------------------
# optimal ridge (§3.5c) -- DERIVED, not claimed by the paper


def _numerical_optimal_ridge(a, r, t):
    from scipy.optimize import minimize_scalar

    res = minimize_scalar(lambda s: L.icl_error(a, inf, t, r, math.exp(s)), bounds=(-14, 8), method="bounded",
                          options={"xatol": 1e-10})
    return math.exp(res.x)


@claim(id="lu2024.optimal-ridge", paper=PAPER, label="DERIVED (not claimed by the paper)",
       statement="For kappa = inf the ICL-optimal ridge is lam_opt = (1+q)[(1+rho)(1+q) - 1]/tau, q = (1+rho)/alpha: "
                 "tau lam_opt does not depend on tau.",
       formula="tau lam_opt = (1+q)[(1+rho)(1+q) - 1]",
       check=CheckKind.THEORY,
       controls=("lam_opt without the 1/tau factor", "lam_opt with the -1 dropped"),
       assumptions="kappa = inf; bounded Brent minimisation of the ridge ICL error over log lam",
       note_section="§3.5c; §6 claim 14",
       finding="This law is the note's derivation; the available sources do not show the paper stating it.")
def optimal_ridge(config: RunConfig) -> Evidence:
    pts = [(10, 0.01, 1.0), (2, 0.5, 0.5), (1, 0.1, 3.0), (5, 0.2, 2.0), (30, 1.0, 0.3)]
    if not config.quick:
        pts += [(a, r, t) for a in (0.5, 3, 50) for r in (0.05, 0.5) for t in (0.2, 1.5, 8)]
    numeric = [_numerical_optimal_ridge(*p) for p in pts]
    tol = 1e-4

    def worst(fn):
        return max(abs(fn(*p) - v) / v for p, v in zip(pts, numeric))

    w = worst(lambda a, r, t: L.optimal_ridge(a, r, t))

    def rel_errors(where):
        # the claim's statistic at each checked point where the control's perturbation is active
        return lambda fn: [abs(fn(*p) - v) / v for p, v in zip(pts, numeric) if where(p)]

    controls, effects = [], {}
    for name, fn, where in (
        ("lam_opt without the 1/tau factor", lambda a, r, t: L.optimal_ridge(a, r, t) * t, lambda p: p[2] != 1),
        ("lam_opt with the -1 dropped", lambda a, r, t: (1 + (1 + r) / a) ** 2 * (1 + r) / t, lambda p: True),
    ):
        c_, effects[name] = formula_control(name, rel_errors(where), L.optimal_ridge, fn, claim_tol=tol, threshold=tol,
                                            what="relative error against the numerical argmin: ")
        controls.append(c_)
    return Evidence(_verdict(w <= tol), f"numerical argmin over lam matches the formula at {len(pts)} points, "
                                        f"max relative difference {w:.2e} (tolerance {tol:g}, the optimiser's)",
                    measurements={"points": pts, "numerical": numeric, "control_effects": effects}, controls=controls)


# ------------------------------------------------------------------------------------------------
# divergence in context length (§3.5d)


def _slopes(kappas, tau, rho):
    a1, a2 = 1e6, 2e6
    return (L.icl_error(a2, kappas, tau, rho) - L.icl_error(a1, kappas, tau, rho)) / (a2 - a1)


@claim(id="lu2024.divergence-boundary", paper=PAPER, label="DERIVED",
       statement="The ridgeless ICL error grows linearly in alpha, with slope "
                 "rho (min(tau,1) - kappa)/((1+rho)|tau-1|), exactly when kappa < min(tau, 1); otherwise it stays "
                 "bounded. The IDG error stays bounded.",
       formula="e_ICL ~ rho (min(tau,1) - kappa)_+ / ((1+rho)|tau-1|) * alpha + O(1)",
       check=CheckKind.THEORY,
       controls=("boundary kappa < 1 (ignoring tau)", "slope without the 1/(1+rho) factor"),
       assumptions="finite-difference slope between alpha = 1e6 and 2e6; tau in {0.3, 0.5, 2, 20}, rho in {0.1, 0.5}; "
                   "kappa at least 0.02 away from min(tau, 1) (on the line itself the growth is sqrt(alpha), see "
                   "finding)",
       note_section="§3.5d; §6 claim 9; Fig. 3 red line", figure="lu2024-fig2c",
       finding="On the boundary itself the ridgeless errors still diverge, but like sqrt(alpha), not linearly: at "
               "kappa = min(tau, 1) the ICL error grows x10 per x100 in alpha (e.g. kappa = 1, tau = 2, rho = 0.5: "
               "408.5 / 4082.7 / 40825 at alpha = 1e6 / 1e8 / 1e10, 50 digits), and for kappa = tau < 1 the IDG error "
               "does too (kappa = tau = 0.5, rho = 0.5: 204.9 / 2042.0 / 20413) -- so the note's 'e_IDG always stays "
               "bounded' fails on the line kappa = tau < 1, while it holds (finite limit) off it.")
def divergence_boundary(config: RunConfig) -> Evidence:
    kappas_all = np.linspace(0.05, 2.0, 40 if config.quick else 400)
    cands = {
        "formula": L.context_divergence_slope,
        "kappa<1": lambda k, tau, rho: rho * np.maximum(1 - k, 0) / ((1 + rho) * abs(tau - 1)),
        "no 1/(1+rho)": lambda k, tau, rho: rho * np.maximum(min(tau, 1) - k, 0) / abs(tau - 1),
    }
    rows, worst, panels = [], {name: 0.0 for name in cands}, []
    for tau in (0.3, 0.5, 2.0, 20.0):
        for rho in (0.1, 0.5):
            kappas = kappas_all[np.abs(kappas_all - min(tau, 1.0)) >= 0.02]
            s = _slopes(kappas, tau, rho)
            panels.append((tau, rho, kappas, s))
            for name, fn in cands.items():
                # error measured against the O(1/alpha) resolution of the finite difference
                pred = fn(kappas, tau, rho)
                worst[name] = max(worst[name], float(np.max(np.abs(s - pred) / (np.abs(pred) + 1e-3))))
            rows.append({"tau": tau, "rho": rho, "max_slope": float(s.max())})
    tol = 1e-2

    def panel_errors(where):
        # the claim's statistic (largest scaled slope error) per (tau, rho) panel where the perturbation is active
        return lambda fn: [float(np.max(np.abs(s - fn(k, tau, rho)) / (np.abs(fn(k, tau, rho)) + 1e-3)))
                           for tau, rho, k, s in panels if where(tau)]

    controls, effects = [], {}
    for name, key, where in (("boundary kappa < 1 (ignoring tau)", "kappa<1", lambda tau: tau < 1),  # min(tau,1) != 1
                             ("slope without the 1/(1+rho) factor", "no 1/(1+rho)", lambda tau: True)):
        c_, effects[name] = formula_control(name, panel_errors(where), cands["formula"], cands[key], claim_tol=tol,
                                            threshold=tol, what="largest scaled slope error per (tau, rho) panel: ")
        controls.append(c_)
    # boundedness of IDG off the line: the value at alpha = 1e6 and 1e8 agree to 1 %
    idg_ok = True
    for tau in (0.3, 0.5, 2.0, 20.0):
        kap = kappas_all[np.abs(kappas_all - tau) >= 0.02]
        g6, g8 = L.idg_error(1e6, kap, tau, 0.5), L.idg_error(1e8, kap, tau, 0.5)
        idg_ok &= bool(np.all(np.abs(g8 - g6) <= 1e-2 * g6))
    # on the line: growth exponent d log e / d log alpha between 1e8 and 1e10
    on_line = {}
    for name, fn, k, t in (("ICL kappa=1 tau=2", L.icl_error, 1.0, 2.0), ("ICL kappa=tau=0.5", L.icl_error, 0.5, 0.5),
                           ("IDG kappa=tau=0.5", L.idg_error, 0.5, 0.5)):
        e8, e10 = fn(1e8, k, t, 0.5), fn(1e10, k, t, 0.5)
        on_line[name] = math.log(e10 / e8) / math.log(100)
    ok = worst["formula"] <= tol and idg_ok
    return Evidence(_verdict(ok), f"finite-difference slopes match the formula off the line (max scaled error "
                                  f"{worst['formula']:.2e}, tolerance {tol:g}); IDG converges off kappa = tau: "
                                  f"{idg_ok}; growth exponents on the line: "
                                  + ", ".join(f"{k} {v:.3f}" for k, v in on_line.items()),
                    measurements={"rows": rows, "errors": worst, "growth_exponent_on_line": on_line,
                                  "control_effects": effects}, controls=controls)


# ------------------------------------------------------------------------------------------------
# non-monotonicity boundary (Fig. 3) -- the verifier's finding

_FIG3_TABLE = {  # panel -> rho -> (lower, upper) boundary of the non-monotone kappa region (note §4 Fig. 3)
    ("icl", 0.5): {0.1: (None, 0.70), 0.5: (None, 1.07), 0.9: (None, 1.375)},
    ("idg", 0.5): {0.1: (0.30, 0.80), 0.5: (0.18, 1.25), 0.9: (0.135, 1.6)},
    ("icl", 20.0): {0.1: (None, 1.145), 0.5: (None, 1.35), 0.9: (None, 1.47)},
}
_ALPHAS = np.logspace(-2, 3, 500)


def _nonmonotone(kind, kappas, tau, rho, perturb=None):
    """Fig. 3 criterion: the alpha-grid minimum is interior (neither end point).

    ``perturb(fn, alpha, kappa, tau, rho)`` evaluates a perturbed formula instead (negative controls).
    """
    fn = L.icl_error if kind == "icl" else L.idg_error
    if perturb is None:
        e = fn(_ALPHAS[None, :], kappas[:, None], tau, rho)
    else:
        e = perturb(fn, _ALPHAS[None, :], kappas[:, None], tau, rho)
    i = np.argmin(e, axis=1)
    return (i > 0) & (i < _ALPHAS.size - 1)


def _boundaries(kind, tau, rho, step=0.005, perturb=None):
    kappas = np.round(np.arange(0.1, 2.1 + step / 2, step), 6)
    nm = _nonmonotone(kind, kappas, tau, rho, perturb)
    if not nm.any():
        return None, None
    first, last = np.nonzero(nm)[0][[0, -1]]
    lower = float(kappas[first]) if first > 0 else None
    return lower, float(kappas[min(last + 1, kappas.size - 1)])


@claim(id="lu2024.nonmonotone-boundary", paper=PAPER, label="DERIVED",
       statement="The region of task diversity where the error is non-monotone in context length depends on rho and "
                 "extends past kappa = min(tau, 1) (the divergence line); it is not 'kappa < min(tau, 1)'.",
       formula="{kappa : argmin_alpha e(alpha) interior} != {kappa < min(tau, 1)}; boundaries of note §4 Fig. 3",
       check=CheckKind.THEORY,
       controls=("task diversity read 10 % too large: kappa -> 1.1 kappa in e(alpha, kappa)",
                 "noise std used for its variance: rho -> rho^2 in e(alpha, kappa)"),
       assumptions="alpha = logspace(-2, 3, 500) as in the Fig. 3 notebook; kappa grid step 0.005; lam = 0; "
                   "panels ICL tau = 0.5, IDG tau = 0.5, ICL tau = 20; rho in {0.1, 0.5, 0.9}",
       note_section="§4 Fig. 3", figure="lu2024-fig3",
       finding="The red line kappa = min(tau, 1) of the Fig. 3 heat maps is the divergence boundary (§3.5d), not the "
               "non-monotonicity boundary: non-monotone curves occur up to kappa = 0.70 / 1.07 / 1.375 (ICL, "
               "tau = 0.5), [0.30, 0.80) / [0.18, 1.25) / [0.135, 1.6) (IDG, tau = 0.5) and 1.145 / 1.35 / 1.47 (ICL, "
               "tau = 20) for rho = 0.1 / 0.5 / 0.9 -- rho-dependent and past the red line in every panel.")
def nonmonotone_boundary(config: RunConfig) -> Evidence:
    step = 0.005
    found, mismatches, past_line = {}, [], []
    for (kind, tau), per_rho in _FIG3_TABLE.items():
        for rho, (lo_ref, hi_ref) in per_rho.items():
            lo, hi = _boundaries(kind, tau, rho, step)
            found[f"{kind} tau={tau} rho={rho}"] = (lo, hi)
            if hi is None or abs(hi - hi_ref) > step + 1e-9 or (lo_ref is not None
                                                                  and (lo is None or abs(lo - lo_ref) > step + 1e-9)):
                mismatches.append(f"{kind} tau={tau} rho={rho}: found {lo}-{hi}, note {lo_ref}-{hi_ref}")
            past_line.append(hi is not None and hi > min(tau, 1.0) + step)
    upper = [v[1] for k, v in found.items() if k.startswith("icl tau=0.5")]
    rho_dependent = len(set(upper)) == len(upper)
    ok = not mismatches and all(past_line) and rho_dependent
    # Controls: perturbed formulas run through the same boundary computation and the same match
    # against the note's table.  Whether a perturbed formula's boundaries miss the table is a
    # separate computation, not implied by the correct formula matching it.
    cache: dict = {}

    def misses(perturb):
        # the claim's statistic per panel: the boundaries' distance from the note's table (a missing one: the
        # whole kappa range, 2.0)
        if perturb not in cache:
            out = []
            for (kind, tau), per_rho in _FIG3_TABLE.items():
                for rho, (lo_ref, hi_ref) in per_rho.items():
                    lo, hi = found[f"{kind} tau={tau} rho={rho}"] if perturb is None else _boundaries(
                        kind, tau, rho, step, perturb)
                    m = 2.0 if hi is None else abs(hi - hi_ref)
                    if lo_ref is not None:
                        m = max(m, 2.0 if lo is None else abs(lo - lo_ref))
                    out.append(m)
            cache[perturb] = out
        return cache[perturb]

    controls, effects = [], {}
    for name, perturb in (("task diversity read 10 % too large: kappa -> 1.1 kappa in e(alpha, kappa)",
                           lambda fn, a, k, t, r: fn(a, 1.1 * k, t, r)),
                          ("noise std used for its variance: rho -> rho^2 in e(alpha, kappa)",
                           lambda fn, a, k, t, r: fn(a, k, t, r * r))):
        c_, effects[name] = formula_control(name, misses, None, perturb, claim_tol=step + 1e-9,
                                            threshold=step + 1e-9,
                                            what="distance of the boundaries from the note's table, per panel: ")
        controls.append(c_)
    reason = ("all 9 boundaries reproduce the note's Fig. 3 table within one kappa step (0.005), every upper boundary "
              "lies past kappa = min(tau, 1), and they change with rho" if ok else "; ".join(mismatches) or
              "boundary not past the red line or not rho-dependent")
    return Evidence(_verdict(ok), reason, measurements={"boundaries": found, "control_effects": effects},
                    controls=controls)


# ------------------------------------------------------------------------------------------------
# Fig. 2 interior minima


_FIG2 = [("idg", 0.3, 0.5, 0.5, 6.1525, 4), ("idg", 0.5, 0.5, 0.5, 5.6169, 4), ("idg", 0.7, 0.5, 0.5, 7.4077, 4),
         ("icl", 0.2, 0.5, 0.1, 2.3084, 4), ("icl", 0.4, 0.5, 0.1, 5.4656, 4), ("icl", 0.5, 0.5, 0.1, 9.6031, 4),
         ("icl", 0.6, 0.5, 0.1, 22.554, 3), ("icl", 0.25, 20, 0.5, 4.6755, 4), ("icl", 0.75, 20, 0.5, 16.726, 3),
         ("icl", 1.0, 20, 0.5, 44.998, 3), ("icl", 1.1, 20, 0.5, 78.951, 3)]


@claim(id="lu2024.alpha-minima", paper=PAPER, label="DERIVED",
       statement="The Fig. 2 error curves have interior minima in context length at the alpha* of the note's table "
                 "(IDG tau = 0.5, rho = 0.5; ICL tau = 0.5, rho = 0.1; ICL tau = 20, rho = 0.5).",
       formula="alpha* = argmin_alpha e(alpha; kappa, tau, rho), lam = 0",
       check=CheckKind.THEORY,
       controls=("ICL and IDG swapped (the other error's minimum)", "kappa perturbed by +10%"),
       assumptions="package optimiser alpha_minimum (log grid + bounded Brent); agreement to one unit in the last "
                   "printed digit (the note's optimiser stopped early on the flat kappa = 0.6 curve)",
       note_section="§4 Fig. 2; §6 claim 10", figure="lu2024-fig2b")
def alpha_minima(config: RunConfig) -> Evidence:
    def misses(swap=False, kfac=1.0):
        bad = []
        for kind, k, t, r, a_ref, dec in _FIG2:
            kk = ("idg" if kind == "icl" else "icl") if swap else kind
            res = L.alpha_minimum(kk, k * kfac, t, r)
            if res is None or abs(res["alpha"] - a_ref) > 10.0 ** (-dec) + 1e-9:
                bad.append((kind, k, t, r, a_ref, None if res is None else res["alpha"]))
        return bad

    bad = misses()
    # a curve with no interior minimum where the note prints one is a miss (counted in ``bad``), not a crash
    rows = {f"{kind} k={k} t={t} r={r}": (m or {}).get("alpha")
            for kind, k, t, r, *_ in _FIG2 for m in [L.alpha_minimum(kind, k, t, r)]}

    def digits_off(form):
        # the claim's statistic per row: |alpha* - printed| in units of the printed last digit (the claim allows 1);
        # a curve without an interior minimum counts as 1e9 units
        swap, kfac = form
        out = []
        for kind, k, t, r, a_ref, dec in _FIG2:
            res = L.alpha_minimum(("idg" if kind == "icl" else "icl") if swap else kind, k * kfac, t, r)
            out.append(1e9 if res is None else abs(res["alpha"] - a_ref) / (10.0 ** (-dec) + 1e-9))
        return out

    controls, effects = [], {}
    for name, form in (("ICL and IDG swapped (the other error's minimum)", (True, 1.0)),
                       ("kappa perturbed by +10%", (False, 1.1))):
        c_, effects[name] = formula_control(name, digits_off, (False, 1.0), form, claim_tol=1.0, threshold=1.0,
                                            what="|alpha* - printed| in units of the last printed digit, per row: ")
        controls.append(c_)
    return Evidence(_verdict(not bad), "all 11 alpha* reproduced" if not bad else f"missed: {bad}",
                    measurements={"alpha_star": rows, "control_effects": effects}, controls=controls)


# ------------------------------------------------------------------------------------------------
# ridge suppresses the double-descent peak (Fig. 1C)


def _has_interior_peak(lam, taus):
    e = L.icl_error(10, inf, taus, 0.01, lam)
    return bool(np.any((e[1:-1] > e[:-2]) & (e[1:-1] > e[2:]))), float(e.max())


def _peak_rise(lam, taus) -> float:
    """Rise of the highest interior local maximum of e_ICL(tau) above its lower neighbour, relative to max e
    (0 when there is no interior local maximum)."""
    e = L.icl_error(10, inf, taus, 0.01, lam)
    rise = np.minimum(e[1:-1] - e[:-2], e[1:-1] - e[2:])
    return float(max(0.0, rise.max()) / np.max(np.abs(e)))


@claim(id="lu2024.ridge-suppresses-peak", paper=PAPER, label="CODE+SIM",
       statement="With a ridge lam >= 0.1 the ICL error (alpha = 10, kappa = inf, rho = 0.01) has no double-descent "
                 "peak in tau; ridgeless it diverges at tau = 1.",
       formula="lam in {0.1, 1}: e_ICL(tau) has no interior local maximum on tau in [0.2, 2]; "
               "lam -> 0: e ~ 1/|tau - 1|",
       check=CheckKind.THEORY,
       controls=("lam = 1e-5 (near-ridgeless) must show the peak",),
       assumptions="tau grid of 400 points in [0.2, 2] including 1",
       note_section="§3.5c; §4 Fig. 1C; §6 claims 1 and 4")
def ridge_suppresses_peak(config: RunConfig) -> Evidence:
    taus = np.unique(np.r_[np.linspace(0.2, 2, 400), 1.0])
    results = {lam: _has_interior_peak(lam, taus) for lam in (0.1, 1.0)}
    ok = not any(p for p, _ in results.values())
    delta = np.array([1e-3, 1e-5])
    pole = [float(d * L.icl_error(10, inf, 1 + d, 0.01)) for d in delta]
    ok = ok and abs(pole[0] / pole[1] - 1) < 0.05
    # The control: the statement "no interior peak" at lam = 1e-5 (the ridge assumption violated), judged by the
    # claim's statistic (the relative rise of an interior local maximum; the claim allows none: 1e-12, float noise)
    name = "lam = 1e-5 (near-ridgeless) must show the peak"
    ctrl, effect = formula_control(name, lambda lams: [_peak_rise(lam, taus) for lam in lams], (0.1, 1.0), (1e-5,),
                                   claim_tol=1e-12, what="relative rise of the highest interior local maximum: ")
    return Evidence(_verdict(ok), f"no interior peak for lam = 0.1, 1 (max {results[0.1][1]:.4f}, "
                                  f"{results[1.0][1]:.4f}); ridgeless (tau-1) e -> {pole[1]:.4g} (simple pole at "
                                  f"tau = 1)",
                    measurements={"max_by_lam": {str(k): v[1] for k, v in results.items()}, "pole_residue": pole,
                                  "control_effects": {name: effect}},
                    controls=[ctrl])


# ------------------------------------------------------------------------------------------------
# self-consistency root unique (§3.2)


def _positive_roots_true(q, u, t, lam):
    """Sign changes of the (unsquared) self-consistency function on a dense log grid."""
    grid = np.geomspace(1e-12, 1e6, 20000)
    k = inf if u == 0 else 1 / u
    h = grid * rmt.mp_transform(q + grid, k) - (1 - t) - t * lam / grid
    return int(np.count_nonzero(np.diff(np.sign(h)) != 0))


def _positive_roots_quartic(q, u, t, lam):
    """Positive real roots of the authors' squared (quartic) form (Fig. 3 notebook ``full_lambda``)."""
    import numpy.polynomial.polynomial as P

    a = P.Polynomial([t * lam, 1 - t])  # (1-tau) eps + tau lam
    e = P.Polynomial([0, 1])
    poly = u * (q + e) * a**2 + (q + e + 1 - u) * a * e**2 - e**4
    r = poly.roots()
    return int(np.sum((np.abs(r.imag) < 1e-9 * (1 + np.abs(r.real))) & (r.real > 1e-12)))


@claim(id="lu2024.self-consistency-unique", paper=PAPER, label="DERIVED",
       statement="For lam > 0 the self-consistency equation 1 - tau + tau lam/eps = eps M_kappa(q + eps) has exactly "
                 "one positive root (so a bracketing solver is exact, and the authors' many-guess fsolve is "
                 "unnecessary).",
       formula="#{eps > 0 : h(eps) = 0} = 1, h increasing",
       check=CheckKind.THEORY,
       controls=("the squared (quartic) form of the equation used in the Fig. 3 notebook",),
       assumptions="random (alpha, kappa, tau, rho, lam) points, kappa in [0.05, 20], tau in [0.05, 50], lam in [1e-4, "
                   "10]; roots counted as sign changes on 20000 log-spaced eps in [1e-12, 1e6]",
       note_section="§3.2; §6 claim 11")
def self_consistency_unique(config: RunConfig) -> Evidence:
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(11,)))
    n = 40 if config.quick else 400
    pts = np.column_stack([np.exp(rng.uniform(np.log(0.2), np.log(200), n)),
                           np.exp(rng.uniform(np.log(0.05), np.log(20), n)),
                           np.exp(rng.uniform(np.log(0.05), np.log(50), n)),
                           rng.uniform(0, 1, n), np.exp(rng.uniform(np.log(1e-4), np.log(10), n))])
    counts, quartic = [], []
    for a, k, t, r, lam in pts:
        q, u = (1 + r) / a, 1 / k
        counts.append(_positive_roots_true(q, u, t, lam))
        quartic.append(_positive_roots_quartic(q, u, t, lam))
    ok = all(c == 1 for c in counts)
    eps = L.self_consistent_epsilon(pts[:, 0], pts[:, 1], pts[:, 2], pts[:, 3], pts[:, 4])
    resid = (eps * rmt.mp_transform((1 + pts[:, 3]) / pts[:, 0] + eps, pts[:, 1]) - (1 - pts[:, 2])
             - pts[:, 2] * pts[:, 4] / eps)
    multi = sum(c > 1 for c in quartic)
    roots = {"equation": counts, "quartic": quartic}
    name = "the squared (quartic) form of the equation used in the Fig. 3 notebook"
    # the claim's statistic: the number of points whose positive-root count is not 1 (the claim allows none)
    ctrl, effect = formula_control(name, lambda form: [sum(c != 1 for c in roots[form])], "equation", "quartic",
                                   claim_tol=0.5, threshold=0.5,
                                   what=f"points (of {n}) without exactly one positive root ({multi} with more): ")
    return Evidence(_verdict(ok), f"exactly one sign change at all {n} points; bracketed solver residual "
                                  f"max {np.max(np.abs(resid)):.1e}",
                    seeds={"root": config.seed, "spawn_key": [11]},
                    measurements={"max_residual": float(np.max(np.abs(resid))), "control_effects": {name: effect}},
                    controls=[ctrl])


# ------------------------------------------------------------------------------------------------
# k* m*^2 = -M'(q) against a Wishart matrix (claim 12)


@claim(id="lu2024.mp-identity", paper=PAPER, label="DERIVED",
       statement="k* m*^2 = -M'_kappa(q) = lim (1/d) tr (R + q I)^{-2} and m* = lim (1/d) tr (R + q I)^{-1} for the "
                 "empirical task covariance R = (1/k) sum_j w_j w_j^T (the d -> infinity limit of the simulated traces "
                 "matches to within 5 % quick / 2 % full).",
       formula="k* m*^2 = -M'_kappa(q) = E_MP[(s+q)^{-2}]",
       check=CheckKind.MONTE_CARLO,
       controls=("m*^2 alone (k* dropped)", "k* m*^2 evaluated at kappa/0.9 (wrong task diversity)"),
       assumptions="d = 100 / 150 / 200 / 300 (quick: 48 draws each; full: 256), kappa in {0.5, 2}, q in {0.1, 1}; "
                   "the finite-d bias is removed by the a + b/d + c/d^2 extrapolation over the four d "
                   "(compare_extrapolated, min_order=2: the linear model's intercept was measured biased), no "
                   "allowance; k* m*^2 = -M' is checked to 1e-12 deterministically",
       note_section="§3.1; §6 claim 12", resolution_required=(0.05, 0.02))
def mp_identity(config: RunConfig) -> Evidence:
    from iclverify.checks.claims import comparison_rows
    from iclverify.checks.statistics.compare import compare_extrapolated

    from iclverify.checks.claims.lu2024.monte_carlo import Series, counterfactual_hook

    ds, reps = (100, 150, 200, 300), (48 if config.quick else 256)
    names = ("m*^2 alone (k* dropped)", "k* m*^2 evaluated at kappa/0.9 (wrong task diversity)")
    comps, ctl_comps, results = [], {n: [] for n in names}, []
    series, ctl_values = [], {n: {} for n in names}  # for the controls' counterfactual hooks
    ident_ok = True
    for i, kappa in enumerate((0.5, 2.0)):
        spectra = {d: [] for d in ds}
        for d in ds:
            k = int(kappa * d)
            for j in range(reps):
                rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(12, i, d, j)))
                w = rng.standard_normal((d, k))
                spectra[d].append(np.linalg.eigvalsh(w @ w.T / k))
        for q in (0.1, 1.0):
            emp2 = [[rmt.empirical_transform(q, s)[1] for s in spectra[d]] for d in ds]
            emp1 = [[rmt.empirical_transform(q, s)[0] for s in spectra[d]] for d in ds]
            m = rmt.mp_transform(q, kappa)
            kstar = 1 / (1 - kappa * (m / (kappa + m)) ** 2)
            theory = kstar * m * m
            ident_ok &= abs(theory + rmt.mp_transform_derivative(q, kappa)) < 1e-12 * theory
            tag = f"kappa={kappa:g} q={q:g}"
            c2 = compare_extrapolated(theory, ds, emp2, label=f"tr2 {tag}", min_order=2)
            c1 = compare_extrapolated(m, ds, emp1, label=f"tr1 {tag}", min_order=2)
            comps += [(f"(1/d) tr (R+q)^-2, {tag}", c2), (f"(1/d) tr (R+q)^-1, {tag}", c1)]
            series += [Series(f"tr2 {tag}", theory, ds, emp2), Series(f"tr1 {tag}", m, ds, emp1)]
            results.append({"kappa": kappa, "q": q, "k*m*^2": theory, "tr2": str(c2), "tr1": str(c1)})
            m_w = rmt.mp_transform(q, kappa / 0.9)
            wrong = {names[0]: m * m,
                     names[1]: m_w * m_w / (1 - kappa / 0.9 * (m_w / (kappa / 0.9 + m_w)) ** 2)}
            for name, val in wrong.items():
                ctl_values[name][f"tr2 {tag}"] = val
                ctl_comps[name].append((f"(1/d) tr (R+q)^-2, {tag}",
                                        compare_extrapolated(val, ds, emp2, role="control", label=f"{name}: {tag}",
                                                             min_order=2)))
    # A misfitting extrapolation (the quadratic rejected by its chi-square at p < 0.01) says nothing about
    # the value compared: it makes the claim INCONCLUSIVE, never REFUTED, and rejects no control.
    # (Measured over 100 seeds: counting misfits as failures gave 7 false alarms; benchmarks/calibration.py.)
    failed = [lbl for lbl, c in comps if not c.passed and not c.misfit]
    misfit = [lbl for lbl, c in comps if c.misfit]
    ok = ident_ok and not failed and not misfit
    # rule: a control is rejected when the claim's check fails for its values on a comparison that fits
    # hook: the Monte Carlo claims' (samples moved half-way and stretched; samples moved to the control's values)
    controls = [ControlOutcome(n, any(not c.passed and not c.misfit for _, c in cc),
                               "; ".join(f"{lbl}: {c}" for lbl, c in cc), comparisons=comparison_rows(cc),
                               counterfactual=counterfactual_hook(series, ctl_values[n]))
                for n, cc in ctl_comps.items()]
    verdict = (Verdict.CONFIRMED if ok else Verdict.REFUTED if (failed or not ident_ok) else Verdict.INCONCLUSIVE)
    lead = (f"the a + b/d + c/d² model misfits at {misfit} (INCONCLUSIVE); "
            if misfit and verdict is Verdict.INCONCLUSIVE else "")
    return Evidence(verdict, lead + f"{len(comps)} extrapolated comparisons over d = {list(ds)}, {reps} draws each"
                                  f"{'' if ident_ok else ' (k* m*^2 = -M FAILED)'}: "
                                  + "; ".join(r["tr2"] for r in results),
                    d=max(ds), reps=reps, seeds={"root": config.seed, "spawn_key": [12, "i", "d", "j"]},
                    measurements={"rows": results}, controls=controls, comparisons=comparison_rows(comps))


# ------------------------------------------------------------------------------------------------
# the value of the self-consistent eps (§3.2), against an independently built M_kappa


def _mp_transform_by_quadrature(z, kappa):
    """M_kappa(z) = E[1/(s + z)] over the Marchenko-Pastur law, by mpmath quadrature of its density.

    Built from the law itself (eigenvalues of R = W W^T/k, W d x k Gaussian, k = kappa d: ratio
    c = 1/kappa, an atom 1 - kappa at 0 when kappa < 1, s = 1 when kappa = inf), not from the
    closed form of :func:`iclverify.theory.rmt.mp_transform` that the theory uses.
    """
    z = mpmath.mpf(z)
    if kappa == inf:
        return 1 / (1 + z)
    kappa = mpmath.mpf(kappa)
    c = 1 / kappa
    lo, hi = (1 - mpmath.sqrt(c)) ** 2, (1 + mpmath.sqrt(c)) ** 2
    density = lambda s: mpmath.sqrt((hi - s) * (s - lo)) / (2 * mpmath.pi * c * s)  # noqa: E731
    return mpmath.quad(lambda s: density(s) / (s + z), [lo, (lo + hi) / 2, hi]) + max(1 - kappa, 0) / z


def _self_consistency_residuals(pts, eps) -> np.ndarray:
    """|h(eps)| / (size of its terms), h = eps M(q + eps) - (1 - tau) - tau lam/eps, M by quadrature."""
    out = []
    with mpmath.workdps(20):
        for (a, k, t, r, lam), e in zip(pts, eps):
            if not (math.isfinite(e) and e > 0):
                out.append(math.inf)
                continue
            e = mpmath.mpf(float(e))
            m = _mp_transform_by_quadrature((1 + mpmath.mpf(r)) / a + e, k)
            h = e * m - (1 - mpmath.mpf(t)) - t * mpmath.mpf(lam) / e
            out.append(float(abs(h) / (abs(1 - mpmath.mpf(t)) + t * lam / e + e * m)))
    return np.array(out)


def _self_consistency_points(config: RunConfig) -> np.ndarray:
    """Random (alpha, kappa, tau, rho, lam) with lam > 0, ridgeless tau < 1 points, and the Monte Carlo claims' ridge
    points."""
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(15,)))
    n = 30 if config.quick else 200
    ridge = np.column_stack([np.exp(rng.uniform(np.log(0.2), np.log(200), n)),
                             np.exp(rng.uniform(np.log(0.05), np.log(20), n)),
                             np.exp(rng.uniform(np.log(0.05), np.log(50), n)),
                             rng.uniform(0, 1, n), np.exp(rng.uniform(np.log(1e-4), np.log(10), n))])
    m = n // 3
    ridgeless = np.column_stack([np.exp(rng.uniform(np.log(0.2), np.log(200), m)),
                                 np.exp(rng.uniform(np.log(0.05), np.log(20), m)),
                                 rng.uniform(0.05, 0.95, m), rng.uniform(0, 1, m), np.zeros(m)])
    fixed = np.array([[10, inf, 1.0, 0.01, 0.1], [10, inf, 1.0, 0.01, 1.0], [2, 0.5, 1.5, 0.1, 0.3],
                      [2, 0.5, 0.5, 0.1, 0.5], [5, 2, 3, 0.2, 0.05], [10, 0.5, 0.5, 0.01, 0.0]])
    return np.vstack([ridge, ridgeless, fixed])


@claim(id="lu2024.self-consistency-value", paper=PAPER, label="DERIVED",
       statement="The epsilon returned for the ridge ICL/IDG errors solves the note's self-consistency equation "
                 "1 - tau + tau lam/eps = eps M_kappa(q + eps), q = (1+rho)/alpha (for lam = 0, tau < 1: "
                 "eps M_kappa(q + eps) = 1 - tau), with M_kappa evaluated independently by quadrature of the "
                 "Marchenko-Pastur density.",
       formula="h(eps*) = eps* E_MP[1/(s + q + eps*)] - (1 - tau) - tau lam/eps* = 0",
       check=CheckKind.HIGH_PRECISION,
       controls=("eps* x 1.02 (a 2 % slip in the root)", "eps* solved with q = 1/alpha (the noise left out of q)",
                 "eps* solved at tau/1.1"),
       assumptions="random points alpha in [0.2, 200], kappa in [0.05, 20], tau in [0.05, 50], rho in [0, 1], "
                   "lam in [1e-4, 10] (quick 30 / full 200), a third as many ridgeless points with tau < 1, and the "
                   "six ridge points of the Monte Carlo claims; the residual |h| relative to the size of its terms "
                   "must be <= 1e-9 (M_kappa by 20-digit mpmath quadrature)",
       note_section="§3.2; §6 claim 11")
def self_consistency_value(config: RunConfig) -> Evidence:
    tol = 1e-9
    pts = _self_consistency_points(config)
    cols = [pts[:, i] for i in range(5)]
    eps = np.asarray(L.self_consistent_epsilon(*cols), dtype=float)
    resid = _self_consistency_residuals(pts, eps)
    worst = float(np.max(resid))
    wrong = {
        "eps* x 1.02 (a 2 % slip in the root)": eps * 1.02,
        # q = 1/alpha is q = (1 + rho)/alpha' with alpha' = alpha (1 + rho)
        "eps* solved with q = 1/alpha (the noise left out of q)":
            np.asarray(L.self_consistent_epsilon(cols[0] * (1 + cols[3]), *cols[1:]), dtype=float),
        "eps* solved at tau/1.1": np.asarray(L.self_consistent_epsilon(cols[0], cols[1], cols[2] / 1.1, *cols[3:]),
                                             dtype=float),
    }
    controls = []
    for name, e in wrong.items():
        r = _self_consistency_residuals(pts, e)
        n_bad = int(np.sum(r > tol))
        controls.append(ControlOutcome(name, n_bad > 0, f"{n_bad} of {len(pts)} points with relative residual > "
                                                        f"{tol:g} (median {np.median(r):.2g})"))
    return Evidence(_verdict(worst <= tol),
                    f"largest relative residual of the self-consistency equation over {len(pts)} points: {worst:.1e} "
                    f"(tolerance {tol:g}; M_kappa by quadrature, not the closed form)",
                    seeds={"root": config.seed, "spawn_key": [15]},
                    measurements={"max_relative_residual": worst, "points": len(pts)}, controls=controls)


# ------------------------------------------------------------------------------------------------
# every theory value the note prints (§4, §5.3, §6)


def _note_value_misses(rows, transform=None) -> list[str]:
    """Rows whose value (after ``transform(row, value)``) does not round to the printed number."""
    from iclverify.checks.reference.lu2024_note_values import matches_printed

    misses = []
    for row in rows:
        value = float(getattr(L, row.function)(*row.args))  # looked up now: a replaced function is the one evaluated
        if transform is not None:
            value = transform(row, value)
        if not matches_printed(value, row.printed):
            misses.append(f"{row.describe()}: got {value:.6g}")
    return misses


def _at_args(scale: dict):
    """A transform that re-evaluates a row with the named arguments scaled (``{"rho": 2}``)."""
    import inspect

    def transform(row, value):
        fn = getattr(L, row.function)
        names = [p.name for p in inspect.signature(fn).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        args = [x * scale.get(name, 1) for name, x in zip(names, row.args)] + list(row.args[len(names):])
        if args == list(row.args):
            return value
        return float(fn(*args))
    return transform


@claim(id="lu2024.note-reference-values", paper=PAPER, label="CODE+DERIVED",
       statement="The exposed closed forms reproduce, to the printed digits, every theory value the research note "
                 "prints: Fig. 1A/B and 1C, the tau -> inf limits, Fig. 4's g_task table and theory columns, the "
                 "§5.3 points and the §6 claim values.",
       formula="round(f(args), printed decimals) = printed, for each of the note's printed values",
       check=CheckKind.THEORY,
       controls=("every value 2 % high (a coefficient slip)", "the values at 2 rho (noise variance doubled)",
                 "the values at 1.2 kappa (task count off by 20 %)"),
       assumptions="the numbers and arguments are those printed in lu2024_asymptotic.md §4, §5.3 and §6 "
                   "(checks/reference/lu2024_note_values.py); a value matches when it is within half a unit of the "
                   "last printed digit (+1e-9)",
       note_section="§4, §5.3, §6")
def note_reference_values(config: RunConfig) -> Evidence:
    from iclverify.checks.reference.lu2024_note_values import decimals_of, note_values

    rows = note_values()
    misses = _note_value_misses(rows)
    controls = []
    for name, transform in (("every value 2 % high (a coefficient slip)", lambda row, v: 1.02 * v),
                            ("the values at 2 rho (noise variance doubled)", _at_args({"rho": 2})),
                            ("the values at 1.2 kappa (task count off by 20 %)", _at_args({"kappa": 1.2}))):
        bad = _note_value_misses(rows, transform)
        controls.append(ControlOutcome(name, bad != [], f"{len(bad)} of {len(rows)} printed values missed"))
    rel = sorted(0.5 * 10.0 ** (-decimals_of(r.printed)) / abs(float(r.printed)) for r in rows)
    functions = sorted({r.function for r in rows})
    return Evidence(_verdict(not misses),
                    f"{len(rows) - len(misses)} of {len(rows)} printed values reproduced, by {len(functions)} forms"
                    + (f"; missed: {'; '.join(misses[:5])}" if misses else ""),
                    measurements={"values": len(rows), "missed": misses, "functions": functions,
                                  "printed_relative_precision": {"finest": rel[0], "median": rel[len(rel) // 2],
                                                                 "coarsest": rel[-1]}},
                    controls=controls)
