"""Li-Rawat-Oymak 2024 simulators and trainers: MC vs closed forms (with controls), first-order test,
regression ground truth, gradient checks, BFGS."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iclverify.checks.claims.li2024_finegrained._tools import foc_test
from iclverify.checks.statistics.compare import compare
from iclverify.checks.simulation.li2024_finegrained_sim import (AlignmentModel, DriftModel, IIDModel, RAGModel,
                                                     first_order_integrated, first_order_statistics, mc_risk,
                                                     mc_risk_integrated, mc_risk_of_integrated, predict_pgd,
                                                     regression_optimum)
from iclverify.checks.simulation.li2024_finegrained_train import (H3Model, LinearAttention, LoRAAttention, adam_train,
                                                       bfgs_lora, bfgs_lowrank, gradient_check, test_risk)
from iclverify.theory import li2024_finegrained as th
from iclverify.theory import li2024_finegrained_alignment as al
from iclverify.theory import li2024_finegrained_lowrank as lr
from iclverify.theory import li2024_finegrained_wpgd as wp


def _spd(seed, d, cond=4.0):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return (Q * np.exp(rng.uniform(0, np.log(cond), d))) @ Q.T


MC = {"size": 2000, "batches": 30}


def _cases():
    d, n = 3, 5
    Sx, Sb = _spd(1, d), _spd(2, d)
    a, b = al.family_coefficients(0.6)
    drift = DriftModel.ar1(d, n, 0.7, 0.3)
    Pm, rho = wp.ar1_drift_moments(n, 0.7)
    u = wp.sequence_optimal_risks(d, Pm, rho, 0.3, 0.3)["weights_h3"]
    sv = np.linspace(0, 20, n)
    w = 1 / (d + 1 + sv)
    return {
        "iid-general": (IIDModel(d, n, Sx, Sb, 0.4), th.optimal_preconditioner(d, n, 0.4, Sx, Sb), None,
                        th.optimal_risk(d, n, 0.4, Sx, Sb), th.optimal_risk(d, n - 1, 0.4, Sx, Sb)),
        "rag": (RAGModel(d, n, a, b, 0.2), al.rag_optimal_scale(d, n, 0.6, 0.2) * np.eye(d), None,
                al.rag_optimal_risk(d, n, 0.6, 0.2), th.isotropic_optimal_risk(d, n, 0.2)),
        "alignment": (AlignmentModel(d, n, a, b, 0.2), al.alignment_optimal_scale(d, n, 0.6, 0.2) * np.eye(d), None,
                      al.alignment_optimal_risk(d, n, 0.6, 0.2), al.rag_optimal_risk(d, n, 0.6, 0.2)),
        "drift-h3": (drift, np.eye(d), u, wp.ar1_drift_risks(d, n, 0.7, 0.3)["h3"],
                     wp.ar1_drift_risks(d, n, 0.7, 0.3)["att"]),
        "heteroscedastic-h3": (IIDModel(d, n, noise_vars=sv, query_noise_var=0.5),
                               wp.wpgd_optimal_preconditioner(w, d, sv), w, wp.heteroscedastic_risks(d, sv, 0.5)["h3"],
                               wp.heteroscedastic_risks(d, sv, 0.5)["att"]),
    }


@pytest.mark.parametrize("name", list(_cases()))
def test_mc_matches_closed_form_and_rejects_control(name):
    model, W, omega, L, wrong = _cases()[name]
    # 60 batches: at the ledger's per-test rate (2e-5) 30 raw batches cannot tell the drift H3 from ATT (4 %)
    samples = mc_risk(model, W, omega, rng=np.random.default_rng(11), size=2000, batches=60)
    assert compare(L, samples, bias="both").passed
    assert not compare(wrong, samples, bias="both").passed


def test_first_order_test_accepts_optimum_rejects_wrong():
    d, n, s2 = 3, 5, 0.4
    Sx, Sb = _spd(3, d), _spd(4, d)
    model = IIDModel(d, n, Sx, Sb, s2)
    rng = np.random.default_rng(5)
    W = th.optimal_preconditioner(d, n, s2, Sx, Sb)
    assert foc_test(first_order_statistics(model, W, rng=rng, **MC), label="optimum").passed
    m0 = np.trace(Sx @ Sb) + s2
    W_bad = Sb @ np.linalg.inv(n * Sx @ Sb + m0 * np.eye(d))  # (n+1) -> n
    assert not foc_test(first_order_statistics(model, W_bad, rng=rng, **MC), label="(n+1)->n", role="control").passed
    # projected version agrees with the full one
    full = first_order_statistics(model, W_bad, rng=np.random.default_rng(1), size=500, batches=3)
    proj = first_order_statistics(model, W_bad, rng=np.random.default_rng(1), size=500, batches=3,
                                  directions=np.eye(d)[None])
    np.testing.assert_allclose(proj[:, 0], full.reshape(3, d, d).trace(axis1=1, axis2=2), rtol=1e-10)


def test_regression_ground_truth_recovers_rag_optimum():
    d, n = 3, 5
    a, b = al.family_coefficients(0.4)
    model = RAGModel(d, n, a, b, 0.1)
    cstar = al.rag_optimal_scale(d, n, 0.4, 0.1)
    rng = np.random.default_rng(8)
    scales = []
    for _ in range(12):
        W_hat, _ = regression_optimum(model, size=2000, batches=5, rng=rng)
        scales.append(np.trace(W_hat) / d)
    assert compare(cstar, scales, bias="both").passed
    assert not compare(1 / (n + d + 1 + 0.1), scales, bias="both").passed  # the IID optimum


@pytest.mark.parametrize("make", [
    lambda rng: LinearAttention(3, 5, rng=rng),
    lambda rng: LinearAttention(3, 5, 2, normalized=True, rng=rng),
    lambda rng: LinearAttention(3, 5, 1, rng=rng, value_init="label"),
    lambda rng: LoRAAttention(np.eye(3) / 9, 5, 2, rng=rng),
    lambda rng: H3Model(3, 5, rng=rng),
    lambda rng: H3Model(3, 5, 2, rng=rng),
], ids=["att", "att-rank2-normalized", "att-rank1-label", "lora", "h3", "h3-2ch"])
def test_gradients_match_finite_differences(make):
    rng = np.random.default_rng(2)
    model = make(rng)
    for k in model.params:  # move away from special starting points (LoRA's W_up = 0)
        model.params[k] = model.params[k] + 0.3 * rng.standard_normal(model.params[k].shape)
    p = IIDModel(3, 5, noise_vars=0.2).sample(64, rng)
    assert gradient_check(model, p, rng=rng) < 1e-6


def test_effective_matrices_reproduce_predictions():
    """With the junk blocks removed, each model's prediction is xᵀ W_eff Xᵀ(ω ⊙ y) (note §2.1, §2.3)."""
    rng = np.random.default_rng(4)
    d, n = 3, 5
    p = IIDModel(d, n).sample(16, rng)
    att = LinearAttention(d, n, rng=rng)
    att.params["Wv"][:d, -1] = 0.0  # v_x = 0 kills the cubic junk
    att.params["Wq"][d] = 0.0  # the query's label slot is 0 anyway
    P = att.params["Wq"] @ att.params["Wk"].T
    yhat = att.predict(p)
    h = np.einsum("bnd,bn->bd", p.X, p.y)
    label_junk = att.params["Wv"][d, -1] * np.einsum("bd,d->b", p.x, P[:d, d]) * np.sum(p.y**2, axis=1)
    np.testing.assert_allclose(yhat, np.einsum("bd,de,be->b", p.x, att.effective()["W"], h) + label_junk, rtol=1e-10)
    h3 = H3Model(d, n, rng=rng)
    h3.params["Wk"][d] = 0.0  # K_y = 0 and V_x = 0: only the y_i x_i term survives
    h3.params["Wv"][:d] = 0.0
    e = h3.effective()
    hw = np.einsum("bnd,bn->bd", p.X, p.y * e["weights"])
    np.testing.assert_allclose(h3.predict(p), np.einsum("bd,de,be->b", p.x, e["W"], hw), rtol=1e-10)
    assert e["junk_cubic"] == 0 and e["junk_label"] == 0


def test_training_reaches_optimum_small():
    rng = np.random.default_rng(0)
    d, n = 2, 4
    data = IIDModel(d, n)
    model = LinearAttention(d, n, rng=rng)
    adam_train(model, data, steps=600, batch=256, lr=0.02, rng=rng)
    samples = test_risk(model, data, size=4000, batches=20, rng=rng)
    L = th.optimal_risk(d, n)
    assert compare(L, samples, allowance=0.03 * L, bias="positive").passed
    assert not compare(th.optimal_risk(d, n - 1), samples, allowance=0.03 * L, bias="positive").passed


def test_value_init_validation():
    with pytest.raises(ValueError, match="value_init"):
        LinearAttention(2, 3, rng=np.random.default_rng(0), value_init="bogus")


@settings(max_examples=6)
@given(d=st.integers(2, 5), n=st.integers(1, 10), seed=st.integers(0, 10**6))
def test_bfgs_matches_lowrank_and_lora_formulas(d, n, seed):
    rng = np.random.default_rng(seed)
    Sx, Sb, So = _spd(seed, d), _spd(seed + 1, d), _spd(seed + 2, d)
    r = int(rng.integers(1, d + 1))
    Lb, _ = bfgs_lowrank(r, d, n, 0.3, Sx, Sb, restarts=3, rng=rng)
    assert Lb == pytest.approx(lr.lowrank_optimal_risk(r, d, n, 0.3, Sx, Sb), abs=1e-7)
    W_old = th.optimal_preconditioner(d, n, 0.3, Sx, So)
    Lb, _ = bfgs_lora(r, W_old, n, 0.3, Sx, Sb, restarts=3, rng=rng)
    assert Lb == pytest.approx(lr.lora_risk(r, d, n, 0.3, Sb, So, sigma_x=Sx), abs=1e-7)


@pytest.mark.parametrize("name", list(_cases()))
def test_query_integrated_risk_is_unbiased_and_sharper(name):
    """The query-integrated risk estimates the same closed form as the raw squared error (unbiased), rejects the
    same control, and has a smaller standard error on the same number of prompts."""
    model, W, omega, L, wrong = _cases()[name]
    integrated = mc_risk_integrated(model, [(W, omega)], rng=np.random.default_rng(11), **MC)[:, 0]
    raw = mc_risk(model, W, omega, rng=np.random.default_rng(11), **MC)
    assert compare(L, integrated, bias="both").passed
    assert not compare(wrong, integrated, bias="both").passed
    assert integrated.std() < raw.std()


def test_integrated_risk_of_a_linear_predictor_equals_the_pgd_form():
    """mc_risk_of_integrated (query read off by predicting at x = e_j) gives exactly mc_risk_integrated for PGD."""
    d, n = 3, 5
    a, b = al.family_coefficients(0.5)
    model = RAGModel(d, n, a, b, 0.3)
    W = al.rag_optimal_scale(d, n, 0.5, 0.3) * np.eye(d)
    one = mc_risk_of_integrated(model, lambda p: predict_pgd(p, W), size=300, batches=3, rng=np.random.default_rng(2))
    two = mc_risk_integrated(model, [(W, None)], size=300, batches=3, rng=np.random.default_rng(2))[:, 0]
    np.testing.assert_allclose(one, two, rtol=1e-10)
    with pytest.raises(ValueError, match="not linear"):
        mc_risk_of_integrated(model, lambda p: predict_pgd(p, W) + 1.0, size=50, batches=2,
                              rng=np.random.default_rng(2))


def test_integrated_first_order_statistics_match_the_raw_ones_in_mean():
    """Query-integrated first-order statistics in W and in ω estimate the same means as the raw gradient
    (paired on the same prompts: the integrated ones are conditional expectations of the raw ones)."""
    d, n, s2 = 3, 5, 0.4
    Sx, Sb = _spd(3, d), _spd(4, d)
    model = IIDModel(d, n, Sx, Sb, s2)
    m0 = np.trace(Sx @ Sb) + s2
    W_bad = Sb @ np.linalg.inv(n * Sx @ Sb + m0 * np.eye(d))
    (st, _), = first_order_integrated(model, [(W_bad, None)], size=2000, batches=20, rng=np.random.default_rng(4))
    raw = first_order_statistics(model, W_bad, size=2000, batches=20, rng=np.random.default_rng(4))
    diff = st - raw  # mean zero, coordinate by coordinate
    z = diff.mean(axis=0) / (diff.std(axis=0, ddof=1) / np.sqrt(diff.shape[0]))
    assert np.max(np.abs(z)) < 5.0
    assert np.all(st.std(axis=0) <= raw.std(axis=0))
    # the ω statistic vanishes at the joint H3 optimum and not at uniform weights (heteroscedastic noise)
    sv = np.linspace(0, 8, n)
    het = IIDModel(d, n, noise_vars=sv, query_noise_var=0.5)
    w = wp.heteroscedastic_risks(d, sv, 0.5)["weights_h3"]
    good, bad = first_order_integrated(het, [(wp.wpgd_optimal_preconditioner(w, d, sv), w),
                                             (wp.wpgd_optimal_preconditioner(np.ones(n), d, sv), None)],
                                       size=2000, batches=30, rng=np.random.default_rng(6), weights=True)
    assert foc_test(*good, label="H3 optimum").passed
    assert not foc_test(bad[0], label="uniform", role="control").passed
