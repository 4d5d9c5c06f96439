"""Lu et al. (2024) §6 claims by simulation: verdicts, resolution, controls that can fail, wrong formulas.

All quick-scale runs of one test session share one result store (a temporary SQLite file), so a
claim re-run with a wrong formula re-uses its simulations and costs only the theory.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iclverify.checks.claims.lu2024 import monte_carlo as mc
from _lu2024_controls import near_controls as _near_controls
from conftest import QUICK_SEED
from iclverify.checks.statistics import ledger
from iclverify.checks.claims import RunConfig, Verdict, get_claim, run_claim
from iclverify.checks.statistics.compare import compare
from iclverify.checks.simulation.lu2024_sim import simulate_lu2024
from iclverify.theory import lu2024 as L
from iclverify.theory.domains import LU2024

MC_CLAIMS = [
    "lu2024.mc-ridge-icl", "lu2024.mc-ridgeless-tau-lt-1", "lu2024.mc-ridgeless-tau-gt-1",
    "lu2024.mc-double-descent-peak", "lu2024.mc-kappa-inf-closed-form", "lu2024.mc-tau-inf-limit",
    "lu2024.mc-task-diversity-transition", "lu2024.mc-context-length-hurts", "lu2024.mc-context-length-dip",
]

#: Quick-scale verdicts at the default seed, measured 2026-12-01 (docs/lu2024_simulation.md has the table).
#: INCONCLUSIVE = the resolution reached at quick scale (6.9-10.8 % with the quadratic fit over d = 16-64 or
#: 20-80) is coarser than the 5 % required; these are the honest verdicts of the check at that scale, not
#: failures of the formula.
QUICK_EXPECTED = {cid: Verdict.INCONCLUSIVE for cid in MC_CLAIMS} | {
    cid: Verdict.CONFIRMED for cid in ("lu2024.mc-double-descent-peak", "lu2024.mc-ridge-icl",
                                       "lu2024.mc-ridgeless-tau-gt-1", "lu2024.mc-kappa-inf-closed-form",
                                       "lu2024.mc-tau-inf-limit")}

#: Whether the quick-scale check REFUTES the wrong formula (measured), not only leaves it unconfirmed.
#: g_task x 1.3 is a 30 % error against the 10.8 % resolution of mc-task-diversity-transition: rejected.
WRONG_REJECTED = {"gap x 1.3": True,
                  "icl - rho: lu2024.mc-ridgeless-tau-lt-1": True,       # at the rho = 0.5 point
                  "icl - rho: lu2024.mc-context-length-hurts": True}     # at alpha = 2


@pytest.fixture(scope="module")
def quick(session_store):
    """Quick-scale config on the session's result store (``ICLVERIFY_TEST_STORE`` may name a warm one)."""
    return RunConfig(quick=True, store=session_store)


@pytest.fixture(scope="module")
def quick_runs(quick, claim_evidence):
    # the session's quick runs (same seed and store): each claim simulates once per test session
    assert quick.seed == QUICK_SEED
    return {cid: claim_evidence(cid) for cid in MC_CLAIMS}


@pytest.mark.parametrize("claim_id", MC_CLAIMS)
def test_quick_verdict_and_resolution(claim_id, quick_runs):
    ev = quick_runs[claim_id]
    assert ev.verdict is QUICK_EXPECTED[claim_id], ev.reason
    assert ev.comparisons, "every primary comparison must be an evidence row"
    assert ev.resolution is not None and ev.resolution_required == 0.05
    assert all(float(r.get("allowance") or 0.0) == 0.0 for r in ev.comparisons), "no allowance may remain"
    if ev.verdict is Verdict.CONFIRMED:
        assert ev.resolution <= 0.05
        assert ev.controls and all(c.rejected for c in ev.controls), [(c.name, c.detail) for c in ev.controls]
    else:
        assert ev.verdict is not Verdict.REFUTED
    assert ev.seeds.get("root") is not None
    assert ev.statistics["primary_tests"] >= 1


def test_registered_with_resolution_requirement_and_no_allowance():
    import inspect

    src = inspect.getsource(mc)
    assert "Allowance" not in src and "allowance=" not in src
    for cid in MC_CLAIMS:
        c = get_claim(cid)
        assert c.resolution_required == (0.05, 0.02)
        assert c.paper == "lu2024" and len(c.controls) >= 2 and c.label and c.note_section.startswith("§")


def test_g_task_resolution_is_relative_to_the_curve_scale(quick_runs):
    ev = quick_runs["lu2024.mc-task-diversity-transition"]
    scale = float(L.task_generalization_gap(10, 0.5, 2.0, 0.01))
    for row in ev.comparisons:
        assert "largest value" in row["scale_rule"]
    big = [r for r in ev.comparisons if r["point"] == "kappa=10"][0]
    # resolution relative to g(0.5), not to g(10) ~ 0.011
    assert big["resolution"] < 0.2 and abs(big["theory"]) < 0.02 * scale


# --- wrong formulas wrapped the way a user would (issue 14) ---------------------------------

def _wrong_not_confirmed(ev, must_reject: bool):
    """The wrong formula is not CONFIRMED; where the quick-scale resolution allows, a comparison rejects it."""
    assert ev.verdict is not Verdict.CONFIRMED, ev.reason
    if must_reject:
        assert ev.verdict is Verdict.REFUTED, ev.reason
        assert any(not r["passed"] and not r.get("misfit") for r in ev.comparisons), ev.reason


def test_gap_times_1_3_is_not_confirmed_by_task_diversity_transition(monkeypatch, quick, quick_runs):
    orig = L.task_generalization_gap
    monkeypatch.setattr(L, "task_generalization_gap", lambda *a, **k: 1.3 * orig(*a, **k))
    _wrong_not_confirmed(run_claim(get_claim("lu2024.mc-task-diversity-transition"), quick),
                         WRONG_REJECTED["gap x 1.3"])


@pytest.mark.parametrize("claim_id", ["lu2024.mc-ridgeless-tau-lt-1", "lu2024.mc-context-length-hurts"])
def test_icl_minus_rho_is_not_confirmed(claim_id, monkeypatch, quick, quick_runs):
    orig = L.icl_error

    def wrong(alpha, kappa, tau, rho, lam=0.0, **kw):
        return orig(alpha, kappa, tau, rho, lam, **kw) - rho

    monkeypatch.setattr(L, "icl_error", wrong)
    _wrong_not_confirmed(run_claim(get_claim(claim_id), quick), WRONG_REJECTED[f"icl - rho: {claim_id}"])


# --- control independence (issue 15) ---------------------------------------------------------

@pytest.mark.parametrize("claim_id", sorted(mc.PLANS))
def test_no_control_rejection_is_implied_by_the_pass(claim_id, quick, quick_runs):
    """Data generated under a control (the samples shifted to the control's values) fail the claim's own check.

    So a control's rejection is a fact about the samples, not a consequence of the claim passing:
    had the control been true, the same check on the same kind of data would have failed.  Checked
    for every control the claim's run rejected (a control it did not reject already makes the claim
    INCONCLUSIVE).
    """
    plan = mc.PLANS[claim_id](quick)
    rejected = {c.name for c in quick_runs[claim_id].controls if c.rejected}
    if not rejected:  # then the claim cannot be CONFIRMED (run_claim's rule); nothing to check here
        assert quick_runs[claim_id].verdict is not Verdict.CONFIRMED
        return
    for name, values in plan.controls:
        if name not in rejected:
            continue
        shifted = mc.shifted_to(plan.series, values)
        comps = mc.judge(shifted)
        assert any(not c.passed and not c.misfit for _, c in comps), (claim_id, name)
        # and the unshifted samples pass where the claim passed
        if quick_runs[claim_id].verdict is Verdict.CONFIRMED:
            assert all(c.passed for _, c in mc.judge(plan.series))


def test_double_descent_controls_test_points_inside_the_window(quick_runs):
    """The controls put the peak at n = d² and n = d(d+1) + d, both inside the claim's window [d², p + d]:
    the claim's pass tests only points outside it, so the controls' Welch tests are separate tests.  Each has
    a counterfactual hook: with n_c given the samples of p the claim passes and the control is not rejected
    (at the observed spread), and with the samples of p and n_c swapped the claim's check fails."""
    ev = quick_runs["lu2024.mc-double-descent-peak"]
    d = ev.d
    p = d * (d + 1)
    assert {d * d, p + d} <= set(ev.measurements["n"])
    assert all("Welch" in c.detail for c in ev.controls)
    assert all(f"{1 / (d + 1) / 0.05:.2f} x the required resolution" in c.detail for c in ev.controls)
    with ledger.run_ledger():
        for c in ev.controls:
            cf = c.counterfactual()
            assert cf.jointly_possible, (c.name, cf.detail)
            assert c.rejected and cf.passes_under_control is False, (c.name, cf.detail)


@pytest.mark.parametrize("claim_id", sorted(mc.PLANS))
def test_every_value_claim_has_a_near_control(claim_id, quick_runs):
    """Issue 15 review: a control 1-2 x the required resolution from theory, whose rejection the pass does not
    imply at (about) the observed spread -- unlike the far controls (25-200 % away)."""
    ev = quick_runs[claim_id]
    near = _near_controls(ev)
    assert mc.SLIP_NAME in near, sorted(near)
    dist, k = near[mc.SLIP_NAME]
    assert dist == pytest.approx(2.0, rel=1e-6)
    slip = [c for c in ev.controls if c.name == mc.SLIP_NAME][0]
    with ledger.run_ledger():
        cf = slip.counterfactual()
    assert cf.jointly_possible, cf.detail
    assert f"x{k * 1.01:.3g}" in cf.detail     # the construction inflates by exactly the stated k* (x 1.01)


def test_spread_factor_is_the_smallest_at_which_both_statements_pass():
    """k* = max(1, |Δ|/(2 crit SE)): below it the midpoint data reject theory or control, at it both pass."""
    import numpy as np

    rng = np.random.default_rng(3)
    ds = (16, 24, 32, 48)
    samples = [1.0 + 0.5 / d + 2.0 / d**2 + 0.05 * rng.standard_normal(60) for d in ds]
    s = mc.Series("x", 1.0, ds, samples)
    with ledger.run_ledger():
        (_, c), = mc.judge([s], role="diagnostic")
        half = c.crit * c.se
        for delta, want in ((0.5 * half, 1.0), (2 * half, 1.0), (6 * half, 3.0)):
            means, k = mc.spread_factor_for_both([s], {"x": 1.0 + delta})
            assert k == pytest.approx(want, rel=1e-9) and means["x"] == pytest.approx(c.mean)
            cf = mc.counterfactual_hook([s], {"x": 1.0 + delta})()
            assert cf.jointly_possible, cf.detail
        # a control inside the interval of the observed data is not rejected: k* = 1 is exact, not a floor
        assert not mc.judge_control("near", [s], {"x": c.mean + 0.5 * half}).rejected


@pytest.mark.slow
@pytest.mark.parametrize("claim_id", MC_CLAIMS)
def test_claim_full_scale(claim_id):
    """d = 24-48 (paper-like scale): never REFUTED; CONFIRMED ones reject every control."""
    ev = run_claim(get_claim(claim_id), RunConfig(quick=False))
    assert ev.verdict in (Verdict.CONFIRMED, Verdict.INCONCLUSIVE), ev.reason
    if ev.verdict is Verdict.CONFIRMED:
        assert all(c.rejected for c in ev.controls)


# --- property-based agreement ----------------------------------------------------------------

#: Relative finite-d allowance c·theory/d for this smoke test of the simulator (not a claim, not in
#: the report): measured excess in this region is at most ~2·theory/d at d = 10-20.
PROPERTY_C = 4.0
PROPERTY_D = 20


def _rel(c, theory):
    return lambda d: c * abs(theory) / d


@settings(max_examples=12)
@given(alpha=LU2024["alpha"].strategy(2, 10, log=True),
       kappa=st.one_of(LU2024["kappa"].strategy(0.5, 4, log=True), st.just(math.inf)),
       tau=st.one_of(LU2024["tau"].strategy(0.2, 0.6), LU2024["tau"].strategy(3, 6)),
       rho=LU2024["rho"].strategy(0.01, 0.5, log=True),
       lam=st.one_of(st.just(0.0), LU2024["lam"].strategy(0.01, 1, log=True)),
       seed=st.integers(0, 2**31 - 1))
def test_simulation_agrees_with_theory_in_informative_region(alpha, kappa, tau, rho, lam, seed):
    res = simulate_lu2024(alpha, kappa, tau, rho, lam, PROPERTY_D, reps=16, seed=seed)
    pairs = [(float(L.icl_error(alpha, kappa, tau, rho, lam)), res.icl)]
    if lam == 0:
        pairs.append((float(L.idg_error(alpha, kappa, tau, rho)), res.idg))
    for theory, samples in pairs:
        ok = compare(theory, samples, PROPERTY_D, allowance=_rel(PROPERTY_C, theory), role="diagnostic")
        assert ok.passed, ok
        for factor in (0.7, 1.3):
            wrong = factor * theory
            assert not compare(wrong, samples, PROPERTY_D, allowance=_rel(PROPERTY_C, wrong),
                               role="diagnostic").passed, factor
