import numpy as np
import pytest

from iclverify.checks.statistics.compare import (PER_COMPARISON_ALPHA, FiniteDAllowance, compare, compare_extrapolated,
                                      critical_value)


def test_critical_value_matches_budget():
    # With many samples the t quantile tends to the normal one for the per-comparison rate.
    from scipy.stats import norm
    assert critical_value(10**6) == pytest.approx(norm.ppf(1 - PER_COMPARISON_ALPHA / 2), rel=1e-3)
    assert critical_value(5) > critical_value(50)


def test_allowance_is_one_sided_for_positive_bias():
    rng = np.random.default_rng(1)
    x = 1.1 + 0.01 * rng.standard_normal(20)
    assert not compare(1.0, x, d=10).passed
    assert compare(1.0, x, d=10, allowance=FiniteDAllowance(2.0)).passed          # 1.0 + 2/10 covers +0.1
    assert not compare(1.2, x, d=10, allowance=FiniteDAllowance(2.0)).passed      # below theory: no allowance


def test_false_alarm_rate_is_within_budget_and_power_on_wrong_value():
    rng = np.random.default_rng(2)
    trials = 2000
    false = sum(not compare(0.0, rng.standard_normal(8)).passed for _ in range(trials))
    # expected PER_COMPARISON_ALPHA * trials = 0.1 false alarms; 3 would be > 30x the budget
    assert false <= 2
    power = np.mean([not compare(3.0, rng.standard_normal(30)).passed for _ in range(200)])
    assert power > 0.99


def test_extrapolation_recovers_intercept():
    rng = np.random.default_rng(3)
    ds = [20, 30, 40, 60]
    samples = [1.0 + 4.0 / d + 0.01 * rng.standard_normal(16) for d in ds]
    assert compare_extrapolated(1.0, ds, samples).passed
    assert not compare_extrapolated(1.05, ds, samples).passed


def test_bad_samples_raise():
    with pytest.raises(ValueError, match="at least 2"):
        compare(1.0, [1.0])
    with pytest.raises(ValueError, match="bias"):
        compare(1.0, [1.0, 2.0], bias="up")


def test_claim_resolution_is_never_finer_than_its_coarsest_row():
    """A check-supplied resolution finer than its rows, or a NaN row, cannot make a claim CONFIRMED."""
    from iclverify.checks.claims import CheckKind, Claim, ControlOutcome, Evidence, RunConfig, Verdict, run_claim

    def make(rows, supplied):
        def run(config):
            return Evidence(Verdict.CONFIRMED, "toy", comparisons=rows, resolution=supplied,
                            controls=[ControlOutcome("wrong", True)])
        return Claim(id="toy.res", paper="toy", label="DERIVED", statement="s", formula="f",
                     check=CheckKind.MONTE_CARLO, run=run, controls=("wrong",), resolution_required=(0.05, 0.02))

    coarse = [{"role": "claim", "resolution": 0.01}, {"role": "claim", "resolution": 0.30}]
    ev = run_claim(make(coarse, 0.01), RunConfig())
    assert ev.resolution == 0.30 and ev.verdict is Verdict.INCONCLUSIVE
    nan_row = [{"role": "claim", "resolution": 0.01}, {"role": "claim", "resolution": float("nan")}]
    ev = run_claim(make(nan_row, None), RunConfig())
    assert ev.verdict is Verdict.INCONCLUSIVE
    fine = [{"role": "claim", "resolution": 0.01}, {"role": "control", "resolution": 0.9}]
    assert run_claim(make(fine, None), RunConfig()).verdict is Verdict.CONFIRMED
