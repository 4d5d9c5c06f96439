"""One-layer model of Li et al. (2024): exact gradients, deterministic training, pruning, baselines."""

from __future__ import annotations

import numpy as np
import pytest

from iclverify.checks.simulation.li2024_nonlinear_baselines import knn_predict, logistic_regression_predict
from iclverify.checks.simulation.li2024_nonlinear_data import cyclic_tasks, in_domain_patterns, sample_prompts
from iclverify.checks.simulation.li2024_nonlinear_model import (
    TrainConfig, evaluate, finite_difference_check, forward, init_params, neuron_magnitudes, prune,
    train,
)


def _random_point(seed):
    rng = np.random.default_rng(seed)
    ps = in_domain_patterns()
    pr = sample_prompts(ps, cyclic_tasks(6), 24, 8, 0.8, rng=rng)
    p = init_params(ps.d, 16, rng=rng)
    for k in ("WQ", "WK", "WV"):
        getattr(p, k)[...] += 0.3 * rng.standard_normal(getattr(p, k).shape)
    p.WO *= 3.0   # push F into the hinge's active region for some prompts, not all
    return p, pr, rng


@pytest.mark.parametrize("include_query", [False, True])
@pytest.mark.parametrize("seed", [0, 1])
def test_gradients_match_finite_differences(include_query, seed):
    p, pr, rng = _random_point(seed)
    f = forward(p, pr.tokens, include_query)
    margin = pr.z * f["F"]
    # stay away from the kinks so that central differences are valid: a step h = 1e-6 in one
    # entry moves u and zF by at most h times a token/hidden norm (< 3 here)
    assert np.min(np.abs(margin - 1)) > 1e-4 and np.min(np.abs(f["u"])) > 5e-6
    assert np.any(margin < 1)   # some prompts contribute gradient
    out = finite_difference_check(p, pr.tokens, pr.z, include_query, h=1e-6, n_entries=15, rng=rng)
    for k, (ana, num) in out.items():
        scale = max(np.max(np.abs(ana)), 1e-8)
        np.testing.assert_allclose(ana, num, atol=1e-6 * scale + 1e-9, err_msg=k)
        # control: a wrong gradient (factor 1.1) is rejected by the same tolerance
        if np.max(np.abs(ana)) > 1e-6:
            assert not np.allclose(1.1 * ana, num, atol=1e-6 * scale + 1e-9, rtol=0)


def test_query_flag_changes_the_attention_support():
    p, pr, _ = _random_point(2)
    a0 = forward(p, pr.tokens, False)["attn"]
    a1 = forward(p, pr.tokens, True)["attn"]
    assert a0.shape[1] == 8 and a1.shape[1] == 9
    np.testing.assert_allclose(a0.sum(axis=1), 1.0)
    np.testing.assert_allclose(a1.sum(axis=1), 1.0)


def test_batched_forward_equals_loop():
    p, pr, _ = _random_point(3)
    F = forward(p, pr.tokens)["F"]
    for i in range(3):
        P = pr.tokens[i]
        ctx, q = P[:-1], P[-1]
        s = (ctx @ p.WK.T) @ (p.WQ @ q)
        w = np.exp(s - s.max())
        w /= w.sum()
        u = p.WO @ (p.WV @ (w @ ctx))
        assert F[i] == pytest.approx(p.a @ np.maximum(u, 0), rel=1e-12)


def test_training_is_deterministic_for_a_fixed_seed():
    cfg = TrainConfig(steps=40, log_every=10, log_prompts=32)
    r1 = train(cfg, rng=np.random.default_rng(7))
    r2 = train(cfg, rng=np.random.default_rng(7))
    r3 = train(cfg, rng=np.random.default_rng(8))
    for k in ("WQ", "WK", "WV", "WO"):
        np.testing.assert_array_equal(getattr(r1.params, k), getattr(r2.params, k))
    np.testing.assert_array_equal(r1.history["loss"], r2.history["loss"])
    assert not np.array_equal(r1.params.WO, r3.params.WO)
    assert r1.steps_run == 40 and r1.history["log_step"].tolist() == [0, 10, 20, 30, 40]


def test_training_decreases_the_loss_and_a_stays_fixed():
    r = train(TrainConfig(steps=500, log_every=100, log_prompts=64), rng=np.random.default_rng(0))
    assert r.history["loss"][-50:].mean() < 0.5 * r.history["loss"][:50].mean()
    np.testing.assert_array_equal(r.params.a, r.init.a)


def test_early_stopping():
    r = train(TrainConfig(steps=3000, stop_loss=0.5, log_every=10**9), rng=np.random.default_rng(0))
    assert r.steps_run < 3000 and r.history["ema"][-1] < 0.5 <= r.history["ema"][-2]


def test_pruning_orders():
    p = init_params(31, 20, rng=np.random.default_rng(0))
    mags = neuron_magnitudes(p)
    small = prune(p, 0.25, "small")
    large = prune(p, 0.25, "large")
    rnd = prune(p, 0.25, "random", rng=np.random.default_rng(1))
    for q in (small, large, rnd):
        assert int((np.abs(q.WO).sum(axis=1) == 0).sum()) == 5
    zs = np.abs(small.WO).sum(axis=1) == 0
    zl = np.abs(large.WO).sum(axis=1) == 0
    assert mags[zs].max() <= mags[~zs].min() and mags[zl].min() >= mags[~zl].max()
    np.testing.assert_array_equal(prune(p, 0.0, "large").WO, p.WO)
    assert np.all(prune(p, 1.0, "small").WO == 0)
    with pytest.raises(ValueError, match="rng"):
        prune(p, 0.5, "random")
    with pytest.raises(ValueError, match="rate"):
        prune(p, 1.5)
    np.testing.assert_allclose(neuron_magnitudes(p, "WOWV"), 0.1 * mags)   # W_V = 0.1 I at init


def test_baselines_learn_clean_prompts_and_fail_on_shuffled_labels():
    ps = in_domain_patterns()
    rng = np.random.default_rng(4)
    pr = sample_prompts(ps, cyclic_tasks(6), 1000, 20, 1.0, rng=rng)
    sh = sample_prompts(ps, cyclic_tasks(6), 1000, 20, 1.0, rng=rng, shuffle_labels=True)
    for pred in (lambda q: logistic_regression_predict(q, 30), lambda q: knn_predict(q, 30, 1),
                 lambda q: knn_predict(q, 30, 3)):
        assert (pred(pr) != pr.z).mean() < 0.02
        assert (pred(sh) != sh.z).mean() > 0.3
    with pytest.raises(ValueError, match="k="):
        knn_predict(pr, 30, 0)


def test_evaluate_reports_attention_on_same_pattern():
    p, pr, _ = _random_point(5)
    ev = evaluate(p, pr)
    attn = forward(p, pr.tokens)["attn"]
    np.testing.assert_allclose(ev["attn_same"], (attn * pr.same_mask).sum(axis=1))
    assert set(np.unique(ev["err"])) <= {0.0, 1.0}
