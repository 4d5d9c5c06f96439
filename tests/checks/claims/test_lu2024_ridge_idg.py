"""The ridge (λ > 0) IDG error of Lu et al. at finite τ ([DERIVED-HERE], docs/lu2024_ridge_idg.md).

Three-way agreement (sympy exact at rational points / mpmath 50 digits / numpy float64) for the new
form and its limits, the derivations of ``iclverify derive``, the κ = ∞ identity, the claims'
registration and labels, the command line, and a fast Monte Carlo sanity check.
"""

from __future__ import annotations

import json
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from iclverify.testing import three_way_failures as three_way
from iclverify.cli import main
from iclverify.theory import _lu2024_expr as E
from iclverify.theory import lu2024 as L

inf = math.inf

#: Rational points (alpha, kappa, tau, rho, lam) spanning tau < 1 / > 1 / = 1, kappa < 1 / > 1 / inf.
POINTS = [
    (3, sp.Rational(3, 5), sp.Rational(7, 10), sp.Rational(1, 20), sp.Rational(3, 100)),
    (2, sp.Rational(1, 2), 2, sp.Rational(1, 10), sp.Rational(1, 20)),
    (5, sp.Rational(3, 2), 3, sp.Rational(1, 10), 1),
    (4, 2, sp.Rational(1, 2), sp.Rational(1, 20), sp.Rational(1, 50)),
    (sp.Rational(1, 2), sp.Rational(1, 10), 1, sp.Rational(1, 2), sp.Rational(1, 10)),
    (10, sp.oo, sp.Rational(17, 10), sp.Rational(1, 100), sp.Rational(3, 10)),
]


def _num(v):
    return inf if v == sp.oo else float(v)


def _exact(a, k, t, r, lam):
    """Sympy: the exact algebraic expression in ε, with ε solved at 60 digits from its own equation."""
    return E.evaluate_expr(E.ridge_idg_error_expr(a, k, t, r), 60, equation=E.self_consistency_expr(a, k, t, r, lam),
                           guess=L.self_consistent_epsilon(*(_num(v) for v in (a, k, t, r, lam))))


def _mp(a, k, t, r, lam):
    return L.ridge_idg_error(*(mpmath.inf if v == sp.oo else mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q
                               for v in (a, k, t, r, lam)), dps=50)


def _np(a, k, t, r, lam):
    return L.ridge_idg_error(*(_num(v) for v in (a, k, t, r, lam)))


def test_three_way_ridge_idg_at_rational_points():
    failures = three_way(POINTS, _exact, _mp, _np, rtol_mp=1e-40, rtol_np=1e-11)
    assert not failures, "three-way disagreement at:\n" + "\n".join(failures)


def test_idg_error_dispatches_to_the_ridge_form():
    for p in POINTS:
        x = tuple(_num(v) for v in p)
        assert L.idg_error(*x) == pytest.approx(L.ridge_idg_error(*x), rel=1e-15)
        assert L.task_generalization_gap(*x) == pytest.approx(L.icl_error(*x) - L.idg_error(*x), abs=1e-14)
    assert round(L.idg_error(3, 0.6, 0.7, 0.05, 0.03), 10) == 0.6305048867


_alpha = st.floats(0.3, 50)
_kappa = st.one_of(st.floats(0.05, 20), st.just(inf))
_tau = st.one_of(st.floats(0.05, 0.95), st.floats(1.05, 30))
_rho = st.floats(0.001, 2)
_lam = st.floats(1e-3, 5)


def _six(x):
    return float(f"{x:.6g}") if math.isfinite(x) else x


@settings(max_examples=10)
@given(st.lists(st.tuples(_alpha, _kappa, _tau, _rho, _lam).map(lambda t: tuple(_six(v) for v in t)),
                min_size=3, max_size=3))
def test_three_way_ridge_idg_random_decimals(points):
    def exact(a, k, t, r, lam):
        return E.evaluate_expr(E.idg_error_expr(a, k, t, r, lam), 60, equation=E.self_consistency_expr(a, k, t, r, lam),
                               guess=L.self_consistent_epsilon(a, k, t, r, lam))

    failures = three_way(points, exact, lambda *p: L.idg_error(*p, dps=50), L.idg_error, rtol_np=1e-8)
    assert not failures, "three-way disagreement at:\n" + "\n".join(failures)


# --- limits -----------------------------------------------------------------------------------

@pytest.mark.parametrize("p", [(10, 0.5, 0.5, 0.01), (1, 0.1, 0.9, 0.5), (3, 4, 0.2, 0.3), (2, 0.5, 2.0, 0.1),
                               (5, 2, 1.3, 0.2), (0.7, inf, 3.0, 0.5)])
def test_lam_to_zero_gives_ridgeless_both_sides_of_tau_one(p):
    target = L.ridgeless_idg_error(*p, dps=50)
    with mpmath.workdps(50):
        gaps = [abs(L.idg_error(*p, mpmath.mpf(lam), dps=50) - target) for lam in ("1e-10", "1e-20", "1e-30")]
    assert gaps[2] < mpmath.mpf(10) ** -25 * abs(target)
    assert gaps[1] < gaps[0] * mpmath.mpf(10) ** -8          # linear in lam
    assert L.idg_error(*p, 1e-12) == pytest.approx(float(target), rel=1e-8)


@pytest.mark.parametrize("p", [(2, 0.5, 0.1, 0.5), (10, 2, 0.01, 0.1), (1, inf, 1.0, 2.0)])
def test_tau_to_infinity_gives_the_tau_inf_form(p):
    a, k, r, lam = p
    with mpmath.workdps(50):
        got = L.idg_error(a, k, mpmath.mpf("1e20"), r, lam, dps=50)
        want = L.idg_error_tau_inf(a, k, r, lam, dps=50)
    assert abs(got - want) < mpmath.mpf(10) ** -15 * want
    assert L.idg_error(a, k, 1e12, r, lam) == pytest.approx(L.idg_error_tau_inf(a, k, r, lam), rel=1e-9)


def test_kappa_inf_idg_equals_icl_for_every_lam():
    a, t, r, lam = np.meshgrid(np.geomspace(0.3, 100, 7), [0.2, 0.7, 1.0, 1.7, 5.0, inf], [0.0, 0.01, 0.5],
                               [0.0, 1e-4, 0.03, 1.0], indexing="ij")
    ok = ~((t == 1.0) & (lam == 0.0))
    icl = L.icl_error(a[ok], inf, t[ok], r[ok], lam[ok])
    idg = L.idg_error(a[ok], inf, t[ok], r[ok], lam[ok])
    np.testing.assert_allclose(idg, icl, rtol=1e-12)
    for p in POINTS[5:]:   # sympy: ridge IDG - ridge ICL at u = 0 is 0 for a symbolic eps
        d = E.ridge_idg_error_expr(*p[:4]) - E.ridge_icl_error_expr(*p[:4])
        assert sp.simplify(d) == 0


def test_ridge_idg_is_finite_above_rho_and_below_ridgeless_peak():
    a, k, t, r, lam = np.meshgrid(np.geomspace(0.3, 100, 6), [0.1, 0.5, 1.5, 10.0], np.geomspace(0.1, 10, 9),
                                  [0.0, 0.01, 0.5], [1e-3, 0.1, 2.0], indexing="ij")
    e = L.idg_error(a, k, t, r, lam)
    assert np.all(np.isfinite(e)) and np.all(e >= r)
    assert math.isfinite(L.idg_error(2, 0.5, 1.0, 0.1, 0.1))     # tau = 1 is fine with a ridge


def test_derivations_pass():
    from iclverify.derivations.registry import PROVED, derivations, run_derivation

    ds = [d for d in derivations("lu2024") if ".ridge-idg-" in d.name]
    names = {d.name for d in ds}
    assert {"lu2024.ridge-idg-lam0-gt1", "lu2024.ridge-idg-lam0-lt1", "lu2024.ridge-idg-tau-inf",
            "lu2024.ridge-idg-kappa-inf", "lu2024.ridge-idg-step3-machinery-icl",
            "lu2024.ridge-idg-step4-formula"} <= names
    for d in ds:
        res = run_derivation(d)
        assert res.status == PROVED, f"{d.name}: {res.detail}"


def test_mp_expectation_against_a_sampled_spectrum():
    """The partial-fraction expectation equals the average over an explicit spectrum with mean 1."""
    from iclverify.derivations.lu2024_ridge_idg import _M, _dM, _eps, _q, _s, mp_expectation

    ev = np.array([0.0, 0.5, 1.5, 2.0])     # mean 1
    q, eps = 0.3, 0.2
    nu = q + eps
    m, dm = np.mean(1 / (ev + nu)), -np.mean(1 / (ev + nu) ** 2)
    for f in (_s**2 / (_s + _q + _eps), (_s + _q) ** 2 / (_s + _q + _eps) ** 2, _s - 2 * _s**2 / (_s + _q + _eps)):
        got = float(mp_expectation(f).subs({_M: m, _dM: dm, _q: q, _eps: eps}))
        want = float(np.mean([float(f.subs({_s: s, _q: q, _eps: eps})) for s in ev]))
        assert got == pytest.approx(want, rel=1e-12)
    with pytest.raises(ValueError):
        mp_expectation(_s**3 / (_s + _q + _eps))


# --- claims, labels, command line ----------------------------------------------------------------

def test_claims_registered_with_resolution_rule_and_label():
    from iclverify.checks.claims import SOURCE_LABELS, get_claim
    from iclverify.report.legend import FAMILY_LEGEND, SOURCE_LABEL_LEGEND, label_families

    assert "DERIVED-HERE" in SOURCE_LABELS
    assert "derived here" in FAMILY_LEGEND and "no available source states it" in FAMILY_LEGEND["derived here"]
    assert ("DERIVED-HERE", "derived here") in {(lab, fam) for lab, fam, *_ in SOURCE_LABEL_LEGEND}
    for cid in ("lu2024.mc-ridge-idg", "lu2024.mc-idg-equals-icl-kappa-inf"):
        c = get_claim(cid)
        assert c.resolution_required == (0.05, 0.02)
        assert "derived here" in label_families(c.label)
        assert len(c.controls) >= 3
    assert label_families(get_claim("lu2024.mc-ridge-idg").label) == ["derived here"]


def test_ridge_points_have_exact_sizes():
    from iclverify.checks.claims.lu2024.ridge_idg import DS, KAPPA_INF_POINTS, RIDGE_IDG_POINTS
    from iclverify.checks.simulation.lu2024_sim import sizes

    for ds in DS.values():
        for _, (a, k, t, r, lam), _ in RIDGE_IDG_POINTS + KAPPA_INF_POINTS:
            for d in ds:
                sz = sizes(a, k, t, d)
                assert sz["n"] == t * d * d and sz["ell"] == a * d
                if math.isfinite(k):
                    assert sz["k"] == k * d


def test_controls_differ_from_the_theory_by_more_than_the_required_resolution():
    """At least one point of each control lies beyond 5 % (quick) of the theory, so a passing run can reject it."""
    from iclverify.checks.claims.lu2024.ridge_idg import RIDGE_IDG_POINTS, variance_dropped, variance_with_icl_hessian

    for wrong in (lambda p: L.idg_error(*p[:4], 0.0), lambda p: L.idg_error(*p[:4], 2 * p[4]),
                  lambda p: variance_with_icl_hessian(*p), lambda p: variance_dropped(*p)):
        rel = [abs(wrong(p) / L.idg_error(*p) - 1) for _, p, _ in RIDGE_IDG_POINTS]
        assert max(rel) > 0.1


def test_cli_theory_prints_a_number(capsys):
    assert main(["theory", "lu2024.idg_error", "--alpha", "3", "--kappa", "0.6", "--tau", "0.7", "--rho", "0.05",
                 "--lam", "0.03"]) == 0
    assert float(capsys.readouterr().out) == pytest.approx(0.6305048866569232, rel=1e-12)


def test_cli_simulate_prints_the_ridge_idg_theory(capsys):
    assert main(["simulate", "lu2024", "--d", "8", "--alpha", "3", "--kappa", "0.5", "--tau", "0.75", "--rho", "0.05",
                 "--lam", "0.03", "--reps", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["theory"]["idg"] == pytest.approx(L.idg_error(3, 0.5, 0.75, 0.05, 0.03), rel=1e-12)
    assert "DERIVED-HERE" in out["theory"]["note"]


# --- fast Monte Carlo sanity ----------------------------------------------------------------------

def test_fast_monte_carlo_sanity():
    """A cheap, low-variance point: the 1/d-extrapolated IDG agrees with the theory and rejects the ridgeless value."""
    from iclverify.checks.statistics.compare import compare_extrapolated
    from iclverify.checks.simulation.lu2024_sim import simulate_lu2024

    p, ds = (3.0, 1.5, 0.75, 0.2, 0.5), (12, 16, 20, 24)     # ridgeless value 134 % above the ridge value
    samples = [simulate_lu2024(*p, d, reps=32, seed=np.random.SeedSequence(7, spawn_key=(d,))).idg for d in ds]
    th = L.idg_error(*p)
    ok = compare_extrapolated(th, ds, samples)
    assert ok.passed and not ok.misfit, ok
    assert ok.resolution < 0.1, ok
    assert not compare_extrapolated(L.idg_error(*p[:4], 0.0), ds, samples, role="control").passed
