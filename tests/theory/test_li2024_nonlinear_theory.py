"""Theory functions of Li et al. (2024): exact forms, three-way agreement, domains."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, strategies as st

from iclverify.testing import assert_three_way
from iclverify.theory import li2024_nonlinear as th
from iclverify.theory.domains import LI2024_NONLINEAR as SPACE


def test_task_counts_and_coverage():
    assert th.num_tasks(6) == 30
    assert len(th.cyclic_tasks(6)) == th.min_train_tasks(6) == 6
    assert th.covers_patterns_and_labels(th.cyclic_tasks(6), 6)
    assert not th.covers_patterns_and_labels([(a, b) for a in range(3) for b in range(3, 6)], 6)
    # every pattern appears with +1 but pattern 0 never with -1
    assert not th.covers_patterns_and_labels([(0, 1), (1, 2), (2, 1), (3, 4), (4, 5), (5, 3)], 6)
    with pytest.raises(ValueError, match="tasks"):
        th.covers_patterns_and_labels([(0, 0)], 6)


def test_task_fraction_exponent_ambiguity():
    # |T_tr| = M1 of M1(M1-1) tasks is exactly (M1-1)^-1, the slides print (M1-1)^-1/2
    M1 = 7
    assert th.train_task_fraction_bound(M1, task_exponent=1.0) == pytest.approx(M1 / th.num_tasks(M1))
    assert th.train_task_fraction_bound(M1) == pytest.approx((M1 - 1) ** -0.5)


def test_deterministic_count_is_exact_ceiling():
    for ap in (0.2, 0.4, 0.6, 0.8, 1.0):
        for l in range(1, 41):
            assert th.deterministic_same_count(ap, l) == math.ceil(sp.Rational(str(ap)) * l / 2)


@given(ap=SPACE["alpha_test"].strategy(0.05, 1.0), l=st.integers(1, 60))
def test_floor_three_way(ap, l):
    e, (a_, l_) = th.floor_expr()
    apr = sp.Rational(ap)
    assert_three_way([(ap, l)], lambda ap, l: e.subs({a_: apr, l_: l}),
                     lambda ap, l: th.same_pattern_majority_floor(ap, l, dps=50),
                     lambda ap, l: th.same_pattern_majority_floor(ap, l), rtol_mp=1e-45, rtol_np=1e-13, dps=50)


def test_floor_is_probability_of_no_same_context():
    # Monte Carlo: fraction of prompts with no same-pattern context, times 1/2
    rng = np.random.default_rng(0)
    ap, l, n = 0.6, 5, 200_000
    none = (rng.random((n, l)) >= ap / 2).all(axis=1).mean()
    assert 0.5 * none == pytest.approx(float(th.same_pattern_majority_floor(ap, l)), abs=5 * 0.5 * math.sqrt(
        0.168 * 0.832 / n))
    # the floor is decreasing in l and in alpha'
    assert np.all(np.diff(th.same_pattern_majority_floor(0.5, np.arange(1, 30))) < 0)
    assert np.all(np.diff(th.same_pattern_majority_floor(np.linspace(0.1, 1, 10), 8)) < 0)


def test_random_sampling_length_inverts_floor():
    for ap in (0.3, 0.6, 1.0):
        l = th.random_sampling_context_length(ap, 0.01)
        assert 0.5 * (1 - ap / 2) ** l == pytest.approx(0.01, rel=1e-12)
        # the smallest integer length meets the floor, one less does not
        li = math.ceil(l)
        assert th.same_pattern_majority_floor(ap, li) <= 0.01 < th.same_pattern_majority_floor(ap, li - 1)
    assert th.random_sampling_context_length(0.5, 0.6) == 0.0


def test_orders_and_exponents():
    # T ∝ alpha^{-2/3}: log-log slope exactly -2/3; N = B T
    a = np.array([0.2, 0.4, 0.8])
    T = np.array([th.iterations_order(x) for x in a])
    assert np.polyfit(np.log(a), np.log(T), 1)[0] == pytest.approx(-2 / 3)
    assert th.sample_complexity_order(0.3, 0.05, 6) == pytest.approx(
        th.batch_size_order(0.05, 6) * th.iterations_order(0.3))
    assert th.required_context_length(0.25, const=2) == 8.0
    assert th.pruning_error_bound(0.01, 24) == pytest.approx(0.01 + 24 ** -0.5)
    assert th.pruning_large_lower_bound(0.4) == 0.4


def test_ood_quantities():
    k = [0.6, 0.5, 0, 0, 0, 0]
    assert th.coefficient_sum(k) == pytest.approx(1.1)
    assert th.ood_relevant_condition(1.0) and not th.ood_relevant_condition(0.99)
    # mu_bar^T mu' = S1 beta^2 / M1 checked against the vectors
    mu = 2.0 * np.eye(6)
    mu_prime = np.asarray(k) @ mu
    assert mu.mean(axis=0) @ mu_prime == pytest.approx(th.mean_idr_overlap(1.1, 6, beta=2.0))


@pytest.mark.parametrize("call, name", [
    (lambda: th.num_tasks(2), "M1"),
    (lambda: th.iterations_order(0.0), "alpha"),
    (lambda: th.same_pattern_majority_floor(1.5, 3), "alpha_test"),
    (lambda: th.pruning_large_lower_bound(1.2), "prune_rate"),
    (lambda: th.pruning_error_bound(0.1, 0), "M_prune"),
])
def test_domain_errors_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
