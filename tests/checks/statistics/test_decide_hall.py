"""Hall's skewness-corrected t in the three-way decisions of ``iclverify.checks.statistics.decide`` (``mean_vs``,
``paired_less``, ``welch_greater`` with ``statistic="hall"``): the interval is the one
``compare(statistic="hall")`` accepts, every decision records its sample's n and skewness, and
``skew_robust`` picks Hall only for skewed samples of n >= 100.  Small, seeded and deterministic.
"""

import math

import numpy as np
import pytest

from iclverify.checks.statistics import decide, ledger
from iclverify.checks.statistics.compare import compare


def _edges(x, alpha):
    """The theory values ``compare(statistic="hall")`` accepts at the edges, found by bisection (built from
    ``compare`` alone, not from decide's formula)."""
    m, s = float(np.mean(x)), float(np.std(x, ddof=1))

    def edge(inside, outside):
        for _ in range(200):
            mid = (inside + outside) / 2
            if compare(mid, x, statistic="hall", alpha=alpha, role="diagnostic").passed:
                inside = mid
            else:
                outside = mid
        return inside

    return edge(m, m - 10 * s), edge(m, m + 10 * s)


def test_mean_vs_hall_interval_is_the_one_compare_accepts():
    x = np.random.default_rng(5).gamma(0.25, size=400)
    alpha = 1e-3
    d = decide.mean_vs(x, 0.0, "above", statistic="hall", alpha=alpha, role="diagnostic")
    lo, hi = _edges(x, alpha)
    assert d.lo == pytest.approx(lo, abs=1e-9) and d.hi == pytest.approx(hi, abs=1e-9)
    # right skew: longer above the mean than below
    assert d.hi - d.estimate > d.estimate - d.lo
    assert d.method == "Hall skewness-corrected t" and d.n == 400
    assert d.skewness == pytest.approx(decide.skewness(x))
    row = d.row("x")
    assert row["n"] == 400 and row["skewness"] == pytest.approx(d.skewness) and "Hall" in row["method"]


def test_paired_less_hall_runs_on_the_differences_and_is_counted():
    rng = np.random.default_rng(6)
    b = rng.exponential(size=300)
    a = b - rng.gamma(0.3, size=300)          # a < b, right-skewed differences b - a (left-skewed a - b)
    with ledger.run_ledger() as led:
        d = decide.paired_less(a, b, statistic="hall", label="a < b")
    ref = decide.mean_vs(a - b, 0.0, "below", statistic="hall", role="diagnostic")
    assert (d.lo, d.hi) == (ref.lo, ref.hi) and d.n == 300
    assert d.skewness == pytest.approx(decide.skewness(a - b)) and d.skewness < -0.5
    assert [r.kind for r in led.records] == ["paired Hall skewness-corrected t"] and d.confirmed


def test_welch_hall_pairs_equal_samples_by_index_and_refuses_unequal_ones():
    rng = np.random.default_rng(7)
    x, y = rng.gamma(0.25, size=500), rng.gamma(0.25, size=500)
    d = decide.welch_greater(x, y, statistic="hall", alpha=1e-3, role="diagnostic")
    ref = decide.mean_vs(x - y, 0.0, "above", statistic="hall", alpha=1e-3, role="diagnostic")
    assert (d.lo, d.hi, d.n) == (ref.lo, ref.hi, 500) and "index-paired" in d.method
    with pytest.raises(ValueError, match="equal sizes"):
        decide.welch_greater(x, y[:-1], statistic="hall", role="diagnostic")
    with pytest.raises(ValueError, match="statistic"):
        decide.mean_vs(x, 0.0, "above", statistic="bootstrap", role="diagnostic")
    with pytest.raises(ValueError, match="raw samples"):
        decide.mean_vs(x, 0.0, "above", statistic="hall", batch=10, role="diagnostic")


def test_t_default_unchanged_and_welch_row_has_no_skewness():
    x = np.random.default_rng(8).standard_normal(60)
    d = decide.mean_vs(x, 0.0, "above", role="diagnostic")
    se = x.std(ddof=1) / math.sqrt(x.size)
    assert d.method == "t" and d.hi - d.estimate == pytest.approx(d.estimate - d.lo)
    assert (d.hi - d.lo) / 2 / se == pytest.approx(compare(0.0, x, role="diagnostic").crit)
    w = decide.welch_greater(x, x + 1, role="diagnostic").row("w")
    assert "skewness" not in w     # Welch's t reports no single sample's skewness


@pytest.mark.parametrize("n, law, hall", [
    (99, "gamma", False),      # too small for Hall (calibrated from n = 100)
    (100, "gamma", True),
    (5000, "normal", False),   # not skewed
    (5000, "gamma", True),
])
def test_skew_robust_rule(n, law, hall):
    rng = np.random.default_rng(9)
    x = rng.gamma(0.25, size=n) if law == "gamma" else rng.standard_normal(n)
    assert decide.skew_robust(x) == ({"statistic": "hall"} if hall else {})
