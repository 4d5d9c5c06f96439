"""Monte Carlo machinery of Liu & Zhou (2026): slope fits, KME pool, two-stage closed forms, mimicry."""

import math

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from iclverify.checks.simulation import liu_zhou_2026_mimicry as mim
from iclverify.checks.experiments import liu_zhou_2026_rates as rates
from iclverify.checks.statistics.compare import compare


def test_slope_test_is_calibrated_and_has_power():
    """At alpha = 0.05 a correct exponent is rejected ~5% of the time, a wrong one almost always."""
    x = np.array([16.0, 32, 64, 128, 256])
    rng = np.random.default_rng(0)
    rejected_true = rejected_wrong = 0
    n = 300
    for _ in range(n):
        samples = (3.0 / x) * rng.chisquare(4, size=(60, x.size)) / 4
        fit = rates.loglog_slope(x, samples, alpha=0.05)
        rejected_true += not fit.consistent_with(-1.0)
        rejected_wrong += not fit.consistent_with(-0.8)
    assert 0.01 <= rejected_true / n <= 0.11
    assert rejected_wrong / n >= 0.95


def test_bootstrap_se_agrees_with_delta_method():
    x = np.array([10.0, 20, 40, 80])
    s = (1 / x) * np.random.default_rng(1).exponential(size=(400, 4))
    fit = rates.loglog_slope(x, s)
    boot, _ = rates.bootstrap_slope(x, s, rng=2)
    assert 0.7 < boot / fit.se < 1.4


def test_a_misfitting_power_law_is_reported_not_inflated():
    """A curved log-log relation is flagged as a misfit (chi-square), and its SE is the plain delta-method SE."""
    x = np.array([1.0, 2, 4, 8, 16])
    curved = np.exp(-np.log(x) ** 2)[None, :] * (1 + 0.01 * np.random.default_rng(3).standard_normal((50, 5)))
    fit = rates.loglog_slope(x, curved)
    assert fit.chi2 > fit.dof and fit.misfit and "MISFIT" in fit.summary()
    assert fit.row("curved", -1.0)["misfit"] is True
    straight = (1 / x)[None, :] * (1 + 0.01 * np.random.default_rng(3).standard_normal((50, 5)))
    assert not rates.loglog_slope(x, straight).misfit
    # no inflation: the SE is the weighted least-squares SE from the per-point SEs alone
    mean, se = curved.mean(axis=0), curved.std(axis=0, ddof=1) / math.sqrt(50)
    X = np.column_stack([np.ones(5), np.log(x)])
    w = (mean / se) ** 2
    assert math.isclose(fit.se, math.sqrt(np.linalg.inv(X.T @ (w[:, None] * X))[1, 1]), rel_tol=1e-9)


def test_skewed_repeats_are_batched():
    x = np.array([10.0, 20, 40, 80])
    s = (1 / x) * np.random.default_rng(1).exponential(size=(400, 4))
    fit = rates.loglog_slope(x, s)
    assert fit.max_skewness > 0.5 and fit.batch == 10 and fit.n_reps == 40


def test_kme_pool_exact_mse_passes_and_control_is_rejected():
    pool = rates.make_kme_pool(8, D=64, n=512, rng=0)
    ms = [8, 64]
    errs = rates.simulate_kme_errors(pool, ms, 400, root=1)
    for i, m in enumerate(ms):
        assert compare(float(pool.exact_mse(m)), errs[:, i], bias="both").passed
        assert not compare(pool.second_moment / m, errs[:, i], bias="both").passed
    assert np.all(pool.exact_mse(ms) <= pool.B**2 / np.array(ms))


def test_sweeps_are_reproducible_and_independent_of_grid_order():
    pool = rates.make_kme_pool(2, D=16, n=64, rng=0)
    a = rates.simulate_kme_errors(pool, [4, 8], 10, root=5)
    b = rates.simulate_kme_errors(pool, [4, 8], 10, root=5)
    np.testing.assert_array_equal(a, b)


def test_two_stage_closed_forms_match_sampling():
    P = rates.TwoStageProblem(d=3, D=12, s=0.5, seed=0)
    rng = np.random.default_rng(1)
    th = P.thetas(40000, rng)
    e = P.population_embedding(th)
    C_mc = e.T @ e / th.shape[0]
    assert np.linalg.norm(C_mc - P.C) / np.linalg.norm(P.C) < 0.02
    # population embedding = limit of the empirical one
    th1 = P.thetas(3, rng)
    emp = P.empirical_embedding(th1, 40000, rng)
    assert np.max(np.abs(emp - P.population_embedding(th1))) < 0.02
    assert P.oracle_variance() > 0
    # exact m = inf excess risk of the true readout is 0; of a perturbed one is the quadratic form
    assert P.excess_risk(P.w_star) == 0.0
    dw = 0.1 * np.ones(P.D)
    assert math.isclose(P.excess_risk(P.w_star + dw), float(dw @ P.C @ dw))


def test_random_feature_estimators_are_unbiased():
    from iclverify.theory import feature_maps as fm

    rng = np.random.default_rng(0)
    x, y = 0.3 * rng.standard_normal(4), 0.3 * rng.standard_normal(4)
    omega = rng.standard_normal((4000, 8, 4))
    for fmap in (fm.performer_positive_features, fm.trig_random_features):
        est = np.array([fmap(x, om) @ fmap(y, om) for om in omega])
        assert compare(math.exp(x @ y), est, bias="both").passed
        assert not compare(1.1 * math.exp(x @ y), est, bias="both").passed


@pytest.mark.parametrize("loss", ["ce", "mse"])
def test_hedgehog_gradient_matches_finite_differences(loss):
    data = mim.make_mimicry_data(2, d=4, L=6, rng=0)
    W = 0.3 * np.random.default_rng(1).standard_normal((5, 4))
    f = lambda w: mim.hedgehog_loss_and_grad(w, data, loss, 5)[0]  # noqa: E731
    g = mim.hedgehog_loss_and_grad(W.ravel(), data, loss, 5)[1]
    num = approx_fprime(W.ravel(), f, 1e-7)
    assert np.max(np.abs(g - num)) <= 1e-5 * max(1.0, np.max(np.abs(num)))


def test_pinsker_holds_and_wrong_constant_fails():
    data = mim.make_mimicry_data(5, rng=2)
    A = mim.fixed_map_weights(data, "elu+1")
    assert mim.pinsker_check(data, A)["violations"] == 0
    assert mim.pinsker_check(data, A)["l1_violations"] == 0
    assert mim.pinsker_check(data, A, constant=0.5)["l1_violations"] > 0
