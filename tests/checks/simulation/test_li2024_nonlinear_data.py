"""Data generator of Li et al. (2024): calibrated checks of its statistics, each with a control."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from iclverify.checks.statistics.compare import PER_COMPARISON_ALPHA
from iclverify.checks.simulation.li2024_nonlinear_data import (
    all_tasks, cyclic_tasks, flipped, in_domain_patterns, non_covering_tasks, ood_coefficients, ood_patterns,
    sample_prompts,
)
from iclverify.theory.li2024_nonlinear import deterministic_same_count

Z = stats.norm.ppf(1 - PER_COMPARISON_ALPHA / 2)


def _binomial_ok(k: int, n: int, p: float) -> bool:
    """Two-sided CLT test of a binomial proportion at the suite's per-comparison rate."""
    return abs(k / n - p) <= Z * math.sqrt(p * (1 - p) / n)


@pytest.fixture(scope="module")
def prompts():
    ps = in_domain_patterns()
    return ps, sample_prompts(ps, all_tasks(6), 20000, 20, 0.6, rng=np.random.default_rng(11))


def test_patterns_orthogonal_with_norm_beta():
    ps = in_domain_patterns(6, 24, beta=2.0)
    G = np.vstack([ps.relevant, ps.irrelevant])
    np.testing.assert_allclose(G @ G.T, 4.0 * np.eye(30), atol=0)
    assert ps.d == 31


def test_context_pattern_fractions(prompts):
    ps, pr = prompts
    a, b = pr.tasks[:, 0], pr.tasks[:, 1]
    cp = pr.patterns[:, :-1]
    n = cp.size
    k_same = int(pr.same_mask.sum())
    other = np.where(pr.z > 0, b, a)
    k_other = int((cp == other[:, None]).sum())
    k_irr = n - k_same - k_other
    assert _binomial_ok(k_same, n, 0.3)           # alpha/2
    assert _binomial_ok(k_other, n, 0.3)          # alpha/2
    assert _binomial_ok(k_irr, n, 0.4)            # 1 - alpha over M1-2 patterns
    # control: the same test rejects the wrong fraction alpha for the query's pattern
    assert not _binomial_ok(k_same, n, 0.6)
    # each irrelevant pattern (1 - alpha)/(M1 - 2) = 0.1: test pattern index 0 when it is not in the task
    mask = (a != 0) & (b != 0)
    k0 = int((cp[mask] == 0).sum())
    assert _binomial_ok(k0, cp[mask].size, 0.1)
    assert not _binomial_ok(k0, cp[mask].size, 0.15)


def test_labels_follow_the_task_and_are_balanced(prompts):
    ps, pr = prompts
    a, b = pr.tasks[:, 0], pr.tasks[:, 1]
    cp = pr.patterns[:, :-1]
    assert np.all(pr.labels[cp == a[:, None]] == 1) and np.all(pr.labels[cp == b[:, None]] == -1)
    # query label: +1 iff the query pattern is a; balanced
    assert np.all((pr.z > 0) == (pr.patterns[:, -1] == a))
    assert _binomial_ok(int((pr.z > 0).sum()), pr.n, 0.5)
    assert not _binomial_ok(int((pr.z > 0).sum()), pr.n, 0.55)
    irr = (cp != a[:, None]) & (cp != b[:, None])
    k = int((pr.labels[irr] > 0).sum())
    assert _binomial_ok(k, int(irr.sum()), 0.5)
    # label embedding: y = label * q in the last coordinate, 0 for the query
    np.testing.assert_array_equal(pr.tokens[:, :-1, -1], pr.labels)
    assert np.all(pr.tokens[:, -1, -1] == 0)


def test_inputs_are_pattern_plus_kappa_noise(prompts):
    ps, pr = prompts
    x = pr.tokens[..., :30]
    rel = x[..., :6]
    onehot = np.eye(6)[pr.patterns]
    np.testing.assert_array_equal(rel, onehot)
    noise = x[..., 6:]
    assert np.all((noise != 0).sum(axis=-1) <= 1)
    kap = noise.sum(axis=-1).ravel()
    assert np.all(np.abs(kap) < 0.5)
    # Uniform(-1/2, 1/2): mean 0, variance 1/12 (CLT on the mean and on the second moment)
    n = kap.size
    assert abs(kap.mean()) <= Z * math.sqrt(1 / 12 / n)
    m2_sd = math.sqrt((1 / 80 - (1 / 12) ** 2) / n)   # E k^4 = 1/80 for U(-1/2, 1/2)
    assert abs((kap ** 2).mean() - 1 / 12) <= Z * m2_sd
    assert not abs((kap ** 2).mean() - 1 / 3) <= Z * m2_sd   # control: U(-1, 1) variance rejected
    # squared input norm E||x||^2 = beta^2 + E kappa^2
    assert abs((x ** 2).sum(axis=-1).mean() - (1 + 1 / 12)) <= Z * m2_sd


def test_deterministic_construction_exact_count():
    ps = in_domain_patterns()
    rng = np.random.default_rng(3)
    for ap, l in ((0.4, 3), (0.6, 2), (0.8, 20), (1.0, 1), (0.5, 7)):
        pr = sample_prompts(ps, cyclic_tasks(6), 500, l, ap, rng=rng, mode="deterministic")
        assert np.all(pr.same_mask.sum(axis=1) == deterministic_same_count(ap, l))
    # positions are shuffled: the same-pattern contexts are not always first
    pr = sample_prompts(ps, cyclic_tasks(6), 4000, 10, 0.4, rng=rng, mode="deterministic")
    assert _binomial_ok(int(pr.same_mask[:, 0].sum()), pr.n, 0.2)


def test_shuffle_labels_keeps_each_prompts_label_multiset():
    ps = in_domain_patterns()
    p1 = sample_prompts(ps, cyclic_tasks(6), 200, 12, 0.8, rng=np.random.default_rng(5))
    p2 = sample_prompts(ps, cyclic_tasks(6), 200, 12, 0.8, rng=np.random.default_rng(5), shuffle_labels=True)
    np.testing.assert_array_equal(np.sort(p1.labels, axis=1), np.sort(p2.labels, axis=1))
    assert np.any(p1.labels != p2.labels)


def test_tasks_and_ood_constructions():
    assert len(all_tasks(6)) == 30 and len(non_covering_tasks(6)) == 9
    assert flipped([(0, 3)]) == [(3, 0)]
    ps = in_domain_patterns()
    for S1 in (0.5, 1.1, 1.3):
        k = ood_coefficients(S1)
        np.testing.assert_allclose(k.sum(axis=1), S1)
        assert np.all(k >= 0)
        ood = ood_patterns(ps, S1)
        np.testing.assert_allclose(np.linalg.norm(ood.relevant, axis=1), S1 / math.sqrt(2))
        k2 = ood_coefficients(S1, construction="ii")
        np.testing.assert_allclose(k2.sum(axis=1), S1)
        np.testing.assert_allclose((k2 ** 2).sum(axis=1), 1.0)
    # ODI lies in span{IDI}; ODR orthogonal to ODI
    ood = ood_patterns(ps, 1.1, irrelevant="rotated")
    P = ps.irrelevant.T @ np.linalg.pinv(ps.irrelevant.T)
    np.testing.assert_allclose(P @ ood.irrelevant.T, ood.irrelevant.T, atol=1e-12)
    np.testing.assert_allclose(ood.relevant @ ood.irrelevant.T, 0, atol=1e-12)
    with pytest.raises(ValueError, match="S1"):
        ood_coefficients(1.5, construction="ii")


def test_sampler_rejects_bad_input():
    ps = in_domain_patterns()
    with pytest.raises(ValueError, match="alpha"):
        sample_prompts(ps, cyclic_tasks(6), 2, 3, 0.0, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="mode"):
        sample_prompts(ps, cyclic_tasks(6), 2, 3, 0.5, rng=np.random.default_rng(0), mode="x")
