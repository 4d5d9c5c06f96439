"""Hall's skewness-corrected t in ``compare(statistic="hall")``: its algebra, its asymmetric interval,
its ledger record, and that it repairs the t rule's false alarms on right-skewed samples.

The calibration figures themselves (down to the per-test rate) are measured by
``benchmarks/calibration.py`` and documented in ``docs/calibration.md``; the tests here are small,
seeded and deterministic.
"""

import math

import numpy as np
import pytest
from scipy import stats

from iclverify.checks.statistics import ledger
from iclverify.checks.statistics.compare import compare, critical_value, hall_t_limits, resolution_of, sample_skewness


def _hall_transform(t, g, n):
    """Hall (1992): G(T) = T + a T^2 + a^2 T^3 / 3 + b, a = g / (3 sqrt n), b = g / (6 sqrt n) (built directly)."""
    a, b = g / (3 * math.sqrt(n)), g / (6 * math.sqrt(n))
    return t + a * t**2 + a**2 * t**3 / 3 + b


@pytest.mark.parametrize("g", [-4.0, -0.5, 0.3, 2.0, 11.0])
@pytest.mark.parametrize("n", [10, 200, 4000])
def test_limits_invert_hall_transformation(g, n):
    crit = 4.26
    lo, hi = hall_t_limits(crit, g, n)
    assert _hall_transform(float(lo), g, n) == pytest.approx(-crit, abs=1e-9)
    assert _hall_transform(float(hi), g, n) == pytest.approx(crit, abs=1e-9)
    # right skew (g > 0) gives T a heavy left tail: the lower limit moves out further than the upper
    if g > 0:
        assert -float(lo) > float(hi)
    else:
        assert -float(lo) < float(hi)


def test_zero_skewness_is_the_t_rule():
    lo, hi = hall_t_limits(np.array([1.0, 3.0]), np.zeros(2), 50)
    assert np.allclose(lo, [-1.0, -3.0]) and np.allclose(hi, [1.0, 3.0])


def test_sample_skewness_matches_scipy():
    x = np.random.default_rng(0).lognormal(size=(3, 500))
    assert np.allclose(sample_skewness(x, axis=1), stats.skew(x, axis=1, bias=True))
    assert float(sample_skewness(np.ones(5))) == 0.0


def test_hall_row_names_statistic_and_ledger_counts_it():
    x = np.random.default_rng(1).lognormal(size=400)
    with ledger.run_ledger() as led:
        cmp = compare(float(np.exp(0.5)), x, statistic="hall", alpha=1e-3)
    assert "Hall skewness-corrected t" in cmp.method and "Hall" in cmp.row()["method"]
    assert [r.kind for r in led.records] == ["t-hall"]
    with pytest.raises(ValueError, match="statistic"):
        compare(1.0, x, statistic="bootstrap")


def test_hall_interval_and_resolution_are_the_asymmetric_ones():
    x = np.random.default_rng(2).lognormal(size=300)
    alpha = 1e-3
    mean, se = x.mean(), x.std(ddof=1) / math.sqrt(x.size)
    crit = critical_value(x.size, alpha)
    lo, hi = (float(v) for v in hall_t_limits(crit, float(sample_skewness(x)), x.size))
    # theory accepted in [mean - hi*se, mean - lo*se]: longer above the mean for right-skewed samples
    top, bottom = mean - lo * se, mean - hi * se
    assert top - mean > mean - bottom
    assert compare(top * (1 - 1e-9), x, statistic="hall", alpha=alpha).passed
    assert not compare(top * (1 + 1e-6), x, statistic="hall", alpha=alpha).passed
    assert compare(bottom * (1 + 1e-9), x, statistic="hall", alpha=alpha).passed
    assert not compare(bottom * (1 - 1e-6), x, statistic="hall", alpha=alpha).passed
    theory = float(np.exp(0.5))
    expect = max(top - theory, theory - bottom) / theory
    assert compare(theory, x, statistic="hall", alpha=alpha).resolution == pytest.approx(expect, rel=1e-12)
    assert resolution_of(1.0, 1.0, 0.1, lower_half_width=0.3) == pytest.approx(0.3)


def test_t_default_unchanged():
    x = np.random.default_rng(3).standard_normal(40)
    a, b = compare(0.1, x), compare(0.1, x, statistic="t")
    assert a == b and a.method == "mean"


def test_hall_repairs_false_alarms_on_right_skewed_samples():
    """Exponential samples (skewness 2), n = 40, nominal 1 %: t's false alarms are 2.5 times nominal (99),
    97 of them below the mean; Hall's are near nominal (50).  Seeded: the counts were measured and the
    bounds leave binomial room (4000 trials: expected 40 at nominal)."""
    rng = np.random.default_rng(20261201)
    t_alarms = hall_alarms = 0
    t_low = 0
    with ledger.run_ledger():
        for _ in range(4000):
            x = rng.exponential(size=40)
            ct = compare(1.0, x, alpha=0.01, bias="both")
            ch = compare(1.0, x, alpha=0.01, bias="both", statistic="hall")
            t_alarms += not ct.passed
            t_low += (not ct.passed) and ct.mean < 1.0
            hall_alarms += not ch.passed
    assert t_alarms >= 60 and t_low >= 0.9 * t_alarms       # anti-conservative, on the side the skew predicts
    assert hall_alarms <= 56                                # within ~2.5 binomial SDs of the nominal 40
    assert hall_alarms < t_alarms / 1.5
