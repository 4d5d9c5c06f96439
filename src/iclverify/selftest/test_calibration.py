"""The calibrated comparison: false alarms within the stated budget, power against wrong values."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from iclverify.checks.statistics.compare import PER_COMPARISON_ALPHA, FiniteDAllowance, compare, critical_value


@given(st.integers(2, 10_000))
def test_critical_value_is_the_student_t_quantile(n):
    assert math.isclose(critical_value(n), stats.t.ppf(1 - PER_COMPARISON_ALPHA / 2, n - 1), rel_tol=1e-12)


def test_false_alarm_rate_within_budget():
    # 4000 comparisons of a correct mean at alpha = PER_COMPARISON_ALPHA: the expected number of false
    # alarms is 0.2; P(>= 3 | binomial) < 2e-3, so more than 2 means the test is miscalibrated.
    rng = np.random.default_rng(11)
    alarms = sum(not compare(0.0, rng.standard_normal(10)).passed for _ in range(4000))
    assert alarms <= 2


@given(st.integers(0, 2**32 - 1), st.integers(20, 200), st.floats(-3, 3))
def test_power_against_a_shift_of_twelve_standard_errors(seed, n, mu):
    rng = np.random.default_rng(seed)
    x = mu + rng.standard_normal(n)
    shift = 12 / math.sqrt(n)
    # (no assertion that the true mean passes: under the random `dev` profile that would be a 5e-5 coin per
    # example; the false-alarm rate is tested above, with a fixed seed)
    assert not compare(mu + shift, x).passed and not compare(mu - shift, x).passed


def test_finite_d_allowance_is_one_sided():
    x = 1.0 + 0.2 / 10 + 0.001 * np.random.default_rng(3).standard_normal(30)
    assert compare(1.0, x, d=10, allowance=FiniteDAllowance(0.3)).passed
    assert not compare(1.0 + 0.04, x, d=10, allowance=FiniteDAllowance(0.3)).passed
