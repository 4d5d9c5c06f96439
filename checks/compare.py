"""Calibrated theory-versus-simulation comparison.

A closed form ``theory`` passes against independent Monte Carlo repeats when

    -crit * SE  <=  mean - theory  <=  crit * SE + allowance(d)

where ``crit`` is the Student-t quantile for the per-comparison false-alarm rate and
``allowance(d) = c / d`` absorbs the finite-d bias, which for Lu et al. is O(1/d) and
positive (note lu2024_asymptotic.md §5.3).  Alternatively the 1/d trend is fitted over
several d and the intercept is compared with the theory (:func:`compare_extrapolated`).

The false-alarm budget is written down here: with at most ``SUITE_COMPARISONS``
calibrated comparisons of correct formulas in one run, the probability that any one of
them fails by chance is at most ``SUITE_FALSE_ALARM_BUDGET`` (Bonferroni).  The run it is
sized for is one verification report: a quick report calls :func:`compare` about 205
times *including* the negative controls (counted on 2026-11-23), so its comparisons of
correct formulas stay below 200.  The test suite re-runs those checks and adds
property-based draws, so it makes more comparisons than that; its seeds are fixed, so a
chance failure there would be a reproducible, inspectable event rather than noise, but
the 1 % family-wise statement applies to the report, not to the whole test suite.
Every comparison is paired with negative controls (perturbed formulas) that the same
test, at the same d and repeats, must reject: a check that cannot reject them has no
power and must not be reported as a confirmation.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable, Sequence

import numpy as np
from scipy import stats

__all__ = [
    "SUITE_FALSE_ALARM_BUDGET",
    "SUITE_COMPARISONS",
    "PER_COMPARISON_ALPHA",
    "critical_value",
    "FiniteDAllowance",
    "Comparison",
    "compare",
    "compare_extrapolated",
]

#: Probability that at least one correct formula fails somewhere in the suite.
SUITE_FALSE_ALARM_BUDGET = 0.01
#: Upper bound on the number of calibrated comparisons the suite and report make.
SUITE_COMPARISONS = 200
#: Two-sided false-alarm rate of one comparison (Bonferroni split of the budget).
PER_COMPARISON_ALPHA = SUITE_FALSE_ALARM_BUDGET / SUITE_COMPARISONS


def critical_value(n: int, alpha: float = PER_COMPARISON_ALPHA) -> float:
    """Two-sided Student-t critical value for a mean of ``n`` independent samples.

    With few repeats the sample SE is itself uncertain; the t quantile with ``n - 1``
    degrees of freedom keeps the false-alarm rate at ``alpha`` for Gaussian repeats.
    """
    if n < 2:
        raise ValueError(f"n={n} is outside the domain of n: need at least 2 samples for a standard error")
    return float(stats.t.ppf(1.0 - alpha / 2.0, df=n - 1))


@dataclass(frozen=True)
class FiniteDAllowance:
    """Finite-d bias allowance ``c / d**power`` stated per claim."""

    c: float
    power: float = 1.0

    def __call__(self, d: float | None) -> float:
        if d is None or self.c == 0:
            return 0.0
        return self.c / float(d) ** self.power


@dataclass(frozen=True)
class Comparison:
    """Outcome of a calibrated comparison; ``passed`` is the verdict."""

    passed: bool
    theory: float
    mean: float
    se: float
    n: int
    crit: float
    allowance: float
    d: float | None
    method: str = "mean"

    @property
    def discrepancy(self) -> float:
        """``mean - theory``."""
        return self.mean - self.theory

    @property
    def z(self) -> float:
        """Standardised discrepancy (mean - theory) / SE, allowance not subtracted."""
        return self.discrepancy / self.se if self.se > 0 else math.copysign(math.inf, self.discrepancy or 1.0)

    def as_dict(self) -> dict:
        out = asdict(self)
        out["discrepancy"] = self.discrepancy
        out["z"] = self.z
        return out

    def __str__(self) -> str:
        verdict = "pass" if self.passed else "FAIL"
        d = f", d={self.d:g}" if self.d is not None else ""
        return (f"{verdict}: theory={self.theory:.6g}, {self.method}={self.mean:.6g} +/- {self.se:.3g} "
                f"(n={self.n}{d}, crit={self.crit:.2f}, allowance={self.allowance:.3g}, z={self.z:.2f})")


def compare(
    theory: float,
    samples: Sequence[float],
    d: float | None = None,
    *,
    allowance: FiniteDAllowance | Callable[[float | None], float] | float | None = None,
    bias: str = "positive",
    alpha: float = PER_COMPARISON_ALPHA,
) -> Comparison:
    """Compare a theory value with independent Monte Carlo repeats.

    Parameters
    ----------
    theory : float
        The closed-form value.
    samples : sequence of float
        One value per independent repeat (e.g. the exact finite-d error of each fit).
    d : float, optional
        Dimension, passed to ``allowance``.
    allowance : FiniteDAllowance, callable, float or None
        Finite-d bias allowance; a float is used as is.
    bias : {"positive", "negative", "both"}
        Side(s) on which the allowance applies: Lu et al.'s finite-d excess is
        positive (simulation above theory).
    alpha : float
        Two-sided false-alarm rate of this comparison.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> compare(1.0, 1.0 + 0.1 * rng.standard_normal(50)).passed
    True
    >>> compare(1.5, 1.0 + 0.1 * rng.standard_normal(50)).passed
    False
    """
    x = np.asarray(samples, dtype=float).ravel()
    if x.size < 2 or not np.all(np.isfinite(x)):
        raise ValueError(f"samples must hold at least 2 finite values; got {x.size} values, "
                         f"{int(np.sum(~np.isfinite(x)))} non-finite")
    if bias not in ("positive", "negative", "both"):
        raise ValueError(f"bias={bias!r} is outside the domain of bias: {{'positive', 'negative', 'both'}}")
    mean = float(x.mean())
    se = float(x.std(ddof=1) / math.sqrt(x.size))
    crit = critical_value(x.size, alpha)
    allow = _allowance_value(allowance, d)
    diff = mean - float(theory)
    upper = crit * se + (allow if bias in ("positive", "both") else 0.0)
    lower = -crit * se - (allow if bias in ("negative", "both") else 0.0)
    return Comparison(bool(lower <= diff <= upper), float(theory), mean, se, int(x.size), crit, allow, d)


def compare_extrapolated(
    theory: float,
    ds: Sequence[float],
    samples_by_d: Sequence[Sequence[float]],
    *,
    alpha: float = PER_COMPARISON_ALPHA,
) -> Comparison:
    """Fit ``mean(d) = a + b / d`` by weighted least squares and compare ``a`` with theory.

    The intercept's standard error propagates the per-d standard errors; the critical
    value uses Student-t with ``sum(n_d) - 2`` degrees of freedom.  Use this where the
    finite-d bias is too large for a single-d allowance (e.g. Lu et al. τ > 1 near
    the peak, claim 3 of the note).
    """
    ds = np.asarray(ds, dtype=float)
    if ds.size < 2:
        raise ValueError("compare_extrapolated needs at least two dimensions d")
    means, ses, ns = [], [], []
    for s in samples_by_d:
        x = np.asarray(s, dtype=float).ravel()
        if x.size < 2:
            raise ValueError("each d needs at least 2 repeats")
        means.append(x.mean())
        ses.append(x.std(ddof=1) / math.sqrt(x.size))
        ns.append(x.size)
    means, ses = np.asarray(means), np.maximum(np.asarray(ses), 1e-300)
    X = np.column_stack([np.ones_like(ds), 1.0 / ds])
    w = 1.0 / ses**2
    cov = np.linalg.inv(X.T @ (w[:, None] * X))
    coef = cov @ (X.T @ (w * means))
    a, se_a = float(coef[0]), float(math.sqrt(cov[0, 0]))
    crit = float(stats.t.ppf(1.0 - alpha / 2.0, df=max(int(sum(ns)) - 2, 1)))
    passed = abs(a - float(theory)) <= crit * se_a
    return Comparison(bool(passed), float(theory), a, se_a, int(sum(ns)), crit, 0.0, None, method="1/d-extrapolated")


def _allowance_value(allowance, d) -> float:
    if allowance is None:
        return 0.0
    if callable(allowance):
        return float(allowance(d))
    return float(allowance)
