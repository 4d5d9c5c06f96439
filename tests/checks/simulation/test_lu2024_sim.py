"""Finite-d error, fast vs reference simulators, fit solvers and dMMSE sampling (Lu et al. 2024)."""

import math

import numpy as np
import pytest
from scipy import stats

from iclverify.checks.simulation._lu2024_fit import fit_gamma
from iclverify.checks.statistics.compare import compare
from iclverify.checks.simulation.lu2024_dmmse import dmmse_errors
from iclverify.checks.simulation.lu2024_sim import (
    draw_tasks, fit_reference, sample_contexts, sample_features_fast, sample_features_reference,
    sampled_test_errors, simulate_lu2024, sizes,
)
from iclverify.theory.lu2024_finite_d import finite_d_icl_error, finite_d_idg_error, task_error

# Two-sample and moment tests run at a fixed seed; their level is the suite's per-comparison rate.
LEVEL = 1e-4


def _random_gamma(rng, d, scale=0.3):
    g = scale * rng.standard_normal((d, d + 1))
    g[:, :d] += np.eye(d) * 0.8
    return g


def test_exact_error_matches_test_set_monte_carlo():
    rng = np.random.default_rng(11)
    d, ell, rho = 6, 9, 0.2
    gamma = _random_gamma(rng, d)
    gamma[:, d] = rng.standard_normal(d)          # a sizeable c, so that its terms matter
    W = draw_tasks(5, d, "gaussian", rng)
    for theory, errs in [
        (float(finite_d_icl_error(gamma, rho, ell)), sampled_test_errors(gamma, rho, ell, 40000, rng)),
        (float(finite_d_idg_error(gamma, W, rho, ell)), sampled_test_errors(gamma, rho, ell, 40000, rng, tasks=W)),
    ]:
        res = compare(theory, errs, bias="both")
        assert res.passed, res
    # negative control: drop the c-term 2σ²(1+2/ℓ)cᵀAw -- the same test rejects it
    A, c = gamma[:, :d], gamma[:, d]
    s2 = (W ** 2).sum(1) / d + rho
    wrong = float(finite_d_idg_error(gamma, W, rho, ell) - np.mean(2 * s2 * (1 + 2 / ell) * (W @ A.T @ c)) / d)
    errs = sampled_test_errors(gamma, rho, ell, 40000, np.random.default_rng(5), tasks=W)
    assert not compare(wrong, errs, bias="both").passed


def test_icl_error_is_average_of_task_error_over_gaussian_tasks():
    rng = np.random.default_rng(2)
    d, ell, rho = 5, 7, 0.3
    gamma = _random_gamma(rng, d, 0.5)
    Wt = rng.standard_normal((200000, d))
    vals = task_error(gamma, Wt, rho, ell)
    assert compare(float(finite_d_icl_error(gamma, rho, ell)), vals, bias="both").passed
    normed = float(finite_d_icl_error(gamma, rho, ell, test_tasks="normalized"))
    Wn = draw_tasks(200000, d, "normalized", rng)
    assert compare(normed, task_error(gamma, Wn, rho, ell), bias="both").passed


def test_batch_of_gammas_is_vectorised():
    rng = np.random.default_rng(3)
    G = np.stack([_random_gamma(rng, 4) for _ in range(5)])
    W = rng.standard_normal((3, 4))
    batch = finite_d_idg_error(G, W, 0.1, 6)
    loop = [float(finite_d_idg_error(g, W, 0.1, 6)) for g in G]
    np.testing.assert_allclose(batch, loop, rtol=1e-13)
    np.testing.assert_allclose(finite_d_icl_error(G, 0.1, 6), [float(finite_d_icl_error(g, 0.1, 6)) for g in G])


def _isserlis(w, rho, ell):
    d = w.size
    s2 = w @ w / d + rho
    return {"v": w, "vv": s2 * d / ell * np.eye(d) + (1 + 1 / ell) * np.outer(w, w),
            "sv": s2 * (1 + 2 / ell) * w, "s": s2, "ss": s2 ** 2 * (1 + 2 / ell)}


@pytest.mark.parametrize("sampler", ["fast", "reference"])
def test_feature_moments_match_isserlis(sampler):
    rng = np.random.default_rng(7)
    d, ell, rho, n = 4, 6, 0.3, 40000
    w = np.array([2.0, -1.0, 0.5, 1.5])
    Wc = np.tile(w, (n, 1))
    if sampler == "fast":
        X, U, y = sample_features_fast(Wc, ell, rho, rng)
    else:
        Z, y = sample_contexts(Wc, ell, rho, rng)
        xs, ys = Z[:, :d, :ell], Z[:, d, :ell]
        U = np.concatenate([(d / ell) * np.einsum("mdi,mi->md", xs, ys), (ys ** 2).mean(1, keepdims=True)], 1)
        X = Z[:, :d, ell]
    v, s = U[:, :d], U[:, d]
    ref = _isserlis(w, rho, ell)
    samples = {"v": v, "vv": v[:, :, None] * v[:, None, :], "sv": s[:, None] * v, "s": s, "ss": s * s}
    n_cmp = sum(np.size(ref[k]) for k in ref) + 2
    for key, arr in samples.items():
        flat = arr.reshape(n, -1)
        th = np.ravel(ref[key])
        for j in range(flat.shape[1]):
            assert compare(th[j], flat[:, j], bias="both", alpha=LEVEL / n_cmp * 100).passed, (key, j)
    # query: E[x xᵀ] = I/d, E[y_q x] = w/d
    assert compare(1 / d, X[:, 0] ** 2, bias="both").passed
    assert compare(w[1] / d, y * X[:, 1], bias="both").passed
    # negative control: a (1 + 1/ℓ) dropped from E[v vᵀ] is rejected by the same test
    wrong = ref["vv"][0, 0] - w[0] ** 2 / ell
    assert not compare(wrong, v[:, 0] ** 2, bias="both").passed


def test_reference_design_equals_kronecker_of_fast_layout():
    """vec(H_Z) rows of the explicit design are x_q ⊗ [v; s] (the fast fit's layout)."""
    rng = np.random.default_rng(1)
    d, ell = 3, 5
    W = rng.standard_normal((4, d))
    Z, _ = sample_contexts(W, ell, 0.1, np.random.default_rng(9))
    H, _ = sample_features_reference(W, ell, 0.1, np.random.default_rng(9))
    xs, ys, xq = Z[:, :d, :ell], Z[:, d, :ell], Z[:, :d, ell]
    u = np.concatenate([(d / ell) * np.einsum("mdi,mi->md", xs, ys), (ys ** 2).sum(1, keepdims=True) / ell], 1)
    np.testing.assert_allclose(H, np.stack([np.kron(a, b) for a, b in zip(xq, u)]), rtol=1e-14)


@pytest.mark.parametrize("n_over_p,lam", [(0.6, 0.0), (0.6, 0.3), (2.5, 0.0), (4.0, 0.0), (4.0, 0.05)])
def test_fit_solvers_agree(n_over_p, lam):
    rng = np.random.default_rng(4)
    d = 6
    p = d * (d + 1)
    n = int(n_over_p * p)
    W = draw_tasks(3, d, "normalized", rng)
    X, U, y = sample_features_fast(W[rng.integers(0, 3, n)], 12, 0.1, rng)
    lam_eff = n / d * lam
    ref = fit_reference((X[:, :, None] * U[:, None, :]).reshape(n, -1), y, lam_eff)
    solvers = ["dual", "lstsq"] if n <= p else ["cholesky", "lstsq", "cg", "auto"]
    for solver in solvers:
        g, info = fit_gamma(X, U, y, lam_eff, solver=solver)
        np.testing.assert_allclose(g, ref, rtol=1e-6, atol=1e-8 * np.abs(ref).max(), err_msg=solver)
    if n <= p and lam == 0:
        assert fit_gamma(X, U, y, 0.0)[1]["train_mse"] < 1e-16   # interpolation below the threshold


def test_fast_and_reference_simulators_agree_in_distribution():
    kw = dict(alpha=3, kappa=0.5, tau=1.6, rho=0.1, lam=0.02, d=8, reps=40)
    fast = simulate_lu2024(**kw, seed=1, method="fast")
    ref = simulate_lu2024(**kw, seed=2, method="reference")
    for a, b in [(fast.icl, ref.icl), (fast.idg, ref.idg)]:
        assert stats.ks_2samp(a, b).pvalue > LEVEL
        assert stats.ttest_ind(a, b, equal_var=False).pvalue > LEVEL
    # negative control: the same test tells a different ridge apart (λ = 0.02 vs 0.2)
    other = simulate_lu2024(**{**kw, "lam": 0.2}, seed=3, method="fast")
    assert stats.ttest_ind(fast.icl, other.icl, equal_var=False).pvalue < LEVEL


def test_plain_gaussian_iid_model_has_the_same_mean_as_the_default():
    kw = dict(alpha=4, kappa=1.0, tau=0.6, rho=0.1, lam=0.0, d=10, reps=30)
    default = simulate_lu2024(**kw, seed=4)
    plain = simulate_lu2024(**kw, seed=5, tasks="gaussian", assignment="iid")
    assert plain.params["tasks"] == "gaussian" and plain.n == round(0.6 * 100)
    for a, b in [(default.icl, plain.icl), (default.idg, plain.idg)]:
        assert stats.ttest_ind(a, b, equal_var=False).pvalue > LEVEL


def test_simulation_is_reproducible_and_records_seeds():
    kw = dict(alpha=2, kappa=0.5, tau=0.5, rho=0.1, lam=0.0, d=8, reps=3)
    a, b = simulate_lu2024(**kw, seed=123), simulate_lu2024(**kw, seed=123)
    np.testing.assert_array_equal(a.icl, b.icl)
    assert a.seeds == {"entropy": 123, "spawn_keys": [[0], [1], [2]]}
    assert not np.array_equal(a.icl, simulate_lu2024(**kw, seed=124).icl)
    d = a.as_dict()
    assert d["reps"] == 3 and math.isclose(d["icl_mean"], a.icl.mean())


def test_invalid_parameters_raise_named_errors():
    with pytest.raises(ValueError, match="alpha"):
        simulate_lu2024(-1, 0.5, 0.5, 0.1, 0.0, 8, reps=2)
    with pytest.raises(ValueError, match="method"):
        simulate_lu2024(1, 0.5, 0.5, 0.1, 0.0, 8, reps=2, method="magic")
    with pytest.raises(ValueError, match="d"):
        simulate_lu2024(1, 0.5, 0.5, 0.1, 0.0, 1, reps=2)


def test_sizes_balanced_and_infinite_kappa():
    assert sizes(10, 0.5, 0.5, 20) == {"ell": 200, "k": 10, "n": 200, "r": 20}
    s = sizes(1, math.inf, 0.5, 10)
    assert s["k"] == s["n"] == 50


def test_dmmse_wishart_sampling_matches_explicit_contexts():
    rng = np.random.default_rng(8)
    W = rng.standard_normal((6, 8))
    for test in ("icl", "idg"):
        a = dmmse_errors(W, 12, 0.5, 3000, test=test, rng=np.random.default_rng(1), method="wishart")
        b = dmmse_errors(W, 12, 0.5, 3000, test=test, rng=np.random.default_rng(2), method="explicit")
        assert stats.ks_2samp(a, b).pvalue > LEVEL, test
        s = dmmse_errors(W, 12, 0.5, 3000, test=test, rng=np.random.default_rng(3), query="sampled")
        assert stats.ttest_ind(a, s, equal_var=False).pvalue > LEVEL, test
    # negative control: a doubled noise variance in the sampler is detected
    c = dmmse_errors(W, 12, 1.0, 3000, test="icl", rng=np.random.default_rng(4))
    assert stats.ks_2samp(a, c).pvalue < LEVEL


def test_cg_falls_back_to_direct_solve_when_not_converged():
    rng = np.random.default_rng(6)
    d = 5
    n = 4 * d * (d + 1)
    W = draw_tasks(2, d, "gaussian", rng)
    X, U, y = sample_features_fast(W[rng.integers(0, 2, n)], 10, 0.1, rng)
    g_cg, info = fit_gamma(X, U, y, 0.01, solver="cg", maxiter=2)
    g_ch, _ = fit_gamma(X, U, y, 0.01, solver="cholesky")
    assert info["solver"].startswith("cholesky") and info["iterations"] == 2
    np.testing.assert_allclose(g_cg, g_ch, rtol=1e-12)
    with pytest.raises(ValueError, match="solver"):
        fit_gamma(X, U, y, 0.0, solver="qr")
