"""Three-way, ledger-counted decisions for inequality statements (trained models, rates, orderings).

A statement such as "the error is at most eps" or "mean(a) < mean(b)" is decided from one confidence
interval at the per-test rate of the active :class:`~iclverify.checks.statistics.ledger.TestLedger`:

- **confirmed** when the whole interval lies on the statement's side of the threshold,
- **refuted** when the whole interval lies on the other side,
- **undecided** otherwise (the caller reports INCONCLUSIVE: the samples could not tell).

Every decision is one test recorded in the ledger (``rejected`` = refuted), so a correct statement is
reported REFUTED with probability at most the per-test rate, and a wrong one CONFIRMED with at most the
same.  Each decision states its **resolution**: the half-width of its interval relative to the
statement's scale (the larger of the threshold and the estimate, or a stated scale for a difference of
two means), i.e. the smallest relative error of the threshold's side that the same samples resolve.

Skewed samples (test-set squared errors, per-prompt hinge losses) use batch means (``batch=``) here by
default; the sample skewness and size are measured and reported with every decision
(:attr:`Decision.skewness`, :attr:`Decision.n`).  Batch means do *not* remove the skewness term of the t
statistic's error (measured, docs/calibration.md): for skewed samples with n >= 100, :func:`skew_robust`
selects Hall's skewness-corrected t -- of :func:`~iclverify.checks.statistics.compare.compare` for value
comparisons, and of :func:`mean_vs`, :func:`paired_less` and :func:`welch_greater` (``statistic="hall"``)
for the decisions here (false alarms 1.1x nominal at 2e-5 on Gamma(1/4) samples at n = 200, against 44x
for t on 40 batch means; 3.9x on samples as heavy-tailed as test-set squared errors, excess kurtosis
about 250, where t was 56x).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from iclverify.checks.statistics import ledger as _ledger
from iclverify.checks.statistics.compare import COMPARE_PARAMETERS, hall_t_limits
from iclverify.theory.parameters import Checked, Interval, Options, ParameterSpace, check_value

__all__ = ["skew_robust", "HALL_MIN_N", "Decision", "cp_upper", "cp_lower", "proportion", "mean_vs", "paired_less",
           "welch_greater", "sign_test", "slope_interval", "skewness", "batch_means", "SKEW_LIMIT", "BATCH", "DECIDE_PARAMETERS"]

#: Above this |sample skewness| a t interval on raw samples is not trusted; batch means are used instead.
SKEW_LIMIT = 0.5
#: Default batch size for batch means of skewed per-prompt samples (a few thousand prompts -> >= 40 batches).
BATCH = 50

#: The parameters of the decisions, declared once (iclverify.theory.parameters); ``statistic`` and ``role``
#: are the comparisons' and the ledger's own declarations.  Cross-parameter conditions (a batch size against
#: the sample size, Hall's t against batching or unequal sizes) are checked in the bodies, in the same words.
DECIDE_PARAMETERS = ParameterSpace(
    "decide",
    {
        "side": Options(("below", "above"), description="side of the threshold the statement puts the estimate",
                        help={"below": "estimate <= threshold", "above": "estimate > threshold"}),
        "statistic": COMPARE_PARAMETERS["statistic"],
        "role": COMPARE_PARAMETERS["role"],
        "batch": Interval(1, math.inf, low_open=False, integer=True,
                          description="samples per batch mean (at least 2 batch means)"),
    },
)
_BATCHES_OF_N = Checked("1 <= batch <= n/2 (at least 2 batch means of the n samples)")
_HALL_RAW = Checked("None with statistic='hall': Hall's t runs on the raw samples (on batch means it is worse, "
                    "docs/calibration.md)")
_HALL_PAIRED = Checked("a sample of the size of x with statistic='hall': it pairs the samples by index and needs "
                       "equal sizes")


@dataclass(frozen=True)
class Decision:
    """Outcome of one three-way decision.

    ``lo, hi`` is the two-sided interval at the ledger's per-test rate (one-sided statements use one
    end each, so each direction errs with at most half that rate).
    """

    confirmed: bool
    refuted: bool
    estimate: float
    lo: float
    hi: float
    threshold: float
    resolution: float
    text: str = ""
    method: str = ""
    #: Size and moment skewness of the sample the interval was computed from (the paired differences for
    #: :func:`paired_less`; NaN where the decision has no such sample, e.g. Clopper-Pearson).
    n: int = 0
    skewness: float = math.nan

    @property
    def decided(self) -> bool:
        return self.confirmed or self.refuted

    def row(self, label: str) -> dict:
        """An evidence row in the shape of :meth:`iclverify.checks.statistics.compare.Comparison.row`."""
        return {"point": label, "theory": self.threshold, "estimate": self.estimate, "interval": [self.lo, self.hi],
                "resolution": self.resolution, "passed": self.confirmed, "refuted": self.refuted, "role": "claim",
                "method": self.method, "scale_rule": "interval width / |threshold or stated scale|",
                **({"n": self.n} if self.n else {}),
                **({"skewness": self.skewness} if math.isfinite(self.skewness) else {})}


def _alpha(role: str, alpha: float | None) -> float:
    return _ledger.test_alpha(role) if alpha is None else float(alpha)


def cp_upper(k: int, n: int, alpha: float) -> float:
    """One-sided Clopper-Pearson upper confidence bound at level 1 - alpha."""
    return 1.0 if k >= n else float(stats.beta.ppf(1 - alpha, k + 1, n - k))


def cp_lower(k: int, n: int, alpha: float) -> float:
    """One-sided Clopper-Pearson lower confidence bound at level 1 - alpha."""
    return 0.0 if k <= 0 else float(stats.beta.ppf(alpha, k, n - k + 1))


def _decide(est, lo, hi, thr, side, scale, kind, role, label, strict=False, n=0, skew=math.nan) -> Decision:
    check_value("side", side, DECIDE_PARAMETERS["side"])
    if side == "below" and strict:  # "x < thr": equality (a zero-width interval at thr) refutes it
        confirmed, refuted = hi < thr, lo >= thr
    elif side == "below":
        confirmed, refuted = hi <= thr, lo > thr
    else:  # "above" (checked at the top)
        confirmed, refuted = lo > thr, hi <= thr
    # resolution: the interval's half-width relative to the statement's scale -- the larger of the threshold
    # and the estimate (a rate far above its threshold is resolved relative to itself), or a stated scale
    s = max(abs(thr), abs(est)) if scale is None else abs(scale)
    res = (hi - lo) / 2 / s if s > 0 else math.inf
    _ledger.record(kind, refuted, role=role, label=label)
    word = "<=" if side == "below" else ">"
    text = (f"{label}: {est:.4g} in [{lo:.4g}, {hi:.4g}] vs '{word} {thr:g}': "
            + ("confirmed" if confirmed else "refuted" if refuted else "undecided"))
    return Decision(bool(confirmed), bool(refuted), float(est), float(lo), float(hi), float(thr), float(res), text,
                    kind, int(n), float(skew))


def proportion(k: int, n: int, thr: float, side: str, *, role: str = "claim", label: str = "",
               alpha: float | None = None) -> Decision:
    """Is a binomial proportion ``below`` (``p <= thr``) or ``above`` (``p > thr``) a threshold?  Clopper-Pearson."""
    a = _alpha(role, alpha) / 2
    return _decide(k / n, cp_lower(k, n, a), cp_upper(k, n, a), thr, side, None, "clopper-pearson", role, label)


def skewness(x) -> float:
    x = np.asarray(x, float)
    s = x.std()
    return float(np.mean((x - x.mean()) ** 3) / s**3) if s > 0 else 0.0


def batch_means(x, batch: int) -> np.ndarray:
    """Means of consecutive batches of ``batch`` samples (the remainder is dropped)."""
    x = np.asarray(x, float)
    check_value("batch", batch, DECIDE_PARAMETERS["batch"])
    nb = x.size // batch
    if nb < 2:
        _BATCHES_OF_N.reject("batch", batch, f"n = {x.size} leaves fewer than 2 batches")
    return x[: nb * batch].reshape(nb, batch).mean(axis=1)


def _t_interval(x, alpha: float, batch: int | None, statistic: str = "t") -> tuple[float, float, float, str]:
    """Two-sided interval for the mean of ``x`` at rate ``alpha``: ``(mean, lo, hi, method)``.

    ``statistic="t"``: Student t, on batch means of :data:`BATCH` when the samples are skewed (|skewness| >
    :data:`SKEW_LIMIT`) and there are at least ``4 * BATCH`` of them (or of ``batch`` when given).
    ``statistic="hall"``: Hall's skewness-corrected t on the raw samples
    (:func:`~iclverify.checks.statistics.compare.hall_t_limits`): with ``T = (mean - mu) / SE`` accepted in
    ``[t_lo, t_hi]``, the interval for ``mu`` is ``[mean - t_hi SE, mean - t_lo SE]`` (longer on the side of
    the skew).  Calibrated for skewed samples of n >= 100 only (see :func:`skew_robust`).
    """
    x = np.asarray(x, float)
    check_value("statistic", statistic, DECIDE_PARAMETERS["statistic"])
    if batch is not None:
        check_value("batch", batch, DECIDE_PARAMETERS["batch"])
    if statistic == "hall":
        if batch:
            _HALL_RAW.reject("batch", batch)
        se = x.std(ddof=1) / math.sqrt(x.size)
        crit = float(stats.t.ppf(1 - alpha / 2, x.size - 1))
        g = skewness(x)
        t_lo, t_hi = (float(v) for v in hall_t_limits(crit, g, x.size))
        m = float(x.mean())
        return m, float(m - t_hi * se), float(m - t_lo * se), "Hall skewness-corrected t"
    if batch is None and abs(skewness(x)) > SKEW_LIMIT and x.size >= 4 * BATCH:
        batch = BATCH
    y = batch_means(x, batch) if batch else x
    se = y.std(ddof=1) / math.sqrt(y.size)
    crit = float(stats.t.ppf(1 - alpha / 2, y.size - 1))
    return float(y.mean()), float(y.mean() - crit * se), float(y.mean() + crit * se), (
        f"t(batch means of {batch})" if batch else "t")


def mean_vs(x, thr: float, side: str, *, role: str = "claim", label: str = "", scale: float | None = None,
            batch: int | None = None, alpha: float | None = None, statistic: str = "t") -> Decision:
    """Is a mean ``below``/``above`` a threshold?  Student t, on batch means of ``batch`` when the samples are
    skewed (|skewness| > :data:`SKEW_LIMIT`, batch :data:`BATCH` unless given); Hall's skewness-corrected t on
    the raw samples with ``statistic="hall"`` (pass ``**skew_robust(x)``)."""
    x = np.asarray(x, float)
    m, lo, hi, method = _t_interval(x, _alpha(role, alpha), batch, statistic)
    return _decide(m, lo, hi, thr, side, scale, method, role, label, n=x.size, skew=skewness(x))


def paired_less(a, b, *, role: str = "claim", label: str = "", scale: float | None = None,
                batch: int | None = None, alpha: float | None = None, statistic: str = "t") -> Decision:
    """Is ``mean(a) < mean(b)`` on paired samples?  t on the differences ``a - b`` (batch means if skewed, or
    Hall's skewness-corrected t with ``statistic="hall"``: pass ``**skew_robust(a - b)``).

    The resolution is relative to ``scale`` (default: the larger of the two means)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = scale if scale is not None else max(abs(a.mean()), abs(b.mean()), 1e-300)
    m, lo, hi, method = _t_interval(a - b, _alpha(role, alpha), batch, statistic)
    return _decide(m, lo, hi, 0.0, "below", scale, f"paired {method}", role, label, strict=True, n=a.size,
                   skew=skewness(a - b))


def welch_greater(x, y, *, role: str = "claim", label: str = "", scale: float | None = None,
                  alpha: float | None = None, statistic: str = "t") -> Decision:
    """Is ``mean(x) > mean(y)`` for independent samples?  Welch t with Satterthwaite degrees of freedom.

    ``statistic="hall"`` (samples of equal size only): the two independent samples are paired by index, so the
    differences ``x_i - y_i`` are independent and identically distributed with mean ``mean(x) - mean(y)`` and
    variance ``var x + var y``, and Hall's skewness-corrected one-sample t (calibrated for n >= 100,
    :func:`skew_robust` of the differences) decides their mean.  The differences' skewness is reported.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    scale = scale if scale is not None else max(abs(x.mean()), abs(y.mean()), 1e-300)
    if statistic == "hall":
        if x.size != y.size:
            _HALL_PAIRED.reject("y", f"<{y.size} values>", f"x has {x.size}")
        m, lo, hi, method = _t_interval(x - y, _alpha(role, alpha), None, "hall")
        return _decide(m, lo, hi, 0.0, "above", scale, f"{method} on index-paired independent samples", role, label,
                       n=x.size, skew=skewness(x - y))
    check_value("statistic", statistic, DECIDE_PARAMETERS["statistic"])
    vx, vy = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
    diff = float(x.mean() - y.mean())
    se = math.sqrt(vx + vy)
    df = (vx + vy) ** 2 / (vx**2 / (x.size - 1) + vy**2 / (y.size - 1)) if se > 0 else 1.0
    crit = float(stats.t.ppf(1 - _alpha(role, alpha) / 2, df))
    return _decide(diff, diff - crit * se, diff + crit * se, 0.0, "above", scale, "welch", role, label,
                   n=min(x.size, y.size))


def sign_test(agree: int, n: int, *, role: str = "claim", label: str = "", alpha: float | None = None) -> Decision:
    """Is the agreement probability above 1/2?  Exact binomial (Clopper-Pearson interval on agree/n)."""
    return proportion(agree, n, 0.5, "above", role=role, label=label, alpha=alpha)


def slope_interval(x, y, *, alpha: float | None = None, role: str = "claim") -> tuple[float, float, float, float, int]:
    """OLS slope with its Student-t interval at the per-test rate: ``(slope, se, lo, hi, dof)`` (not recorded:
    the caller records the decision it takes from the interval)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    X = np.column_stack([np.ones_like(x), x])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    res = y - X @ coef
    dof = x.size - 2
    s2 = float(res @ res) / dof
    se = math.sqrt(s2 * np.linalg.inv(X.T @ X)[1, 1])
    crit = float(stats.t.ppf(1 - _alpha(role, alpha) / 2, dof))
    return float(coef[1]), se, float(coef[1] - crit * se), float(coef[1] + crit * se), dof


def batch_for(samples, n_batches: int = 40) -> int | None:
    """Batch size for :func:`iclverify.checks.statistics.compare.compare` on skewed samples (``None`` when not skewed).

    Squared errors are skewed; when ``|skewness| > SKEW_LIMIT`` and there are at least ``2 * n_batches``
    samples, the t test runs on ``n_batches`` batch means (the stated batch size is ``len // n_batches``).
    """
    x = np.asarray(samples, float)
    if abs(skewness(x)) > SKEW_LIMIT and x.size >= 2 * n_batches:
        return x.size // n_batches
    return None


#: Smallest sample for Hall's corrected t (measured: 3.2x nominal at n = 30 on Gaussian samples, 1.1x at 100).
HALL_MIN_N = 100


def skew_robust(samples) -> dict:
    """Keyword arguments for :func:`~iclverify.checks.statistics.compare.compare` on possibly skewed samples.

    ``{"statistic": "hall"}`` when ``|skewness| > SKEW_LIMIT`` and there are at least :data:`HALL_MIN_N`
    samples (Hall's skewness-corrected t on the raw samples, calibrated there); otherwise ``{}`` (the t
    rule, calibrated for near-Gaussian samples and the better choice for small ones).
    """
    x = np.asarray(samples, float)
    return {"statistic": "hall"} if abs(skewness(x)) > SKEW_LIMIT and x.size >= HALL_MIN_N else {}


def value_counterfactual(points, *, relative_allowance: float = 0.0, **compare_kw):
    """Counterfactual hook for a control that replaces theory values by wrong ones, judged by ``compare``.

    Parameters
    ----------
    points : list of (theory, control_value, samples)
        The claim's comparisons (the claim passes when every one passes) and the control's value at each.
    relative_allowance : float
        Where the statement carries a stated allowance proportional to the compared value (e.g. an
        optimisation gap), ``allowance = relative_allowance * value`` for theory and control alike, as the claim
        and its controls are judged.
    compare_kw
        The keyword arguments the claim passes to :func:`~iclverify.checks.statistics.compare.compare` (batch...).

    Jointly possible: every sample set moved to the midpoint of theory and control and stretched until
    both lie inside its interval.  Under the control: the samples shifted to the control's values.
    """
    from iclverify.checks.statistics.counterfactual import counterfactual
    from iclverify.checks.statistics.compare import compare

    kw = dict(compare_kw)
    kw["role"] = "diagnostic"

    def cmp_at(value, x):
        extra = {"allowance": relative_allowance * abs(value)} if relative_allowance else {}
        return compare(value, x, **kw, **extra)

    def passes(data):
        return all(cmp_at(t, x).passed for (t, _, _), x in zip(points, data))

    def rejected(data):
        return any(not cmp_at(c, x).passed for (_, c, _), x in zip(points, data))

    def jointly():
        out = []
        for t, c, x in points:
            x = np.asarray(x, float)
            cmp = cmp_at(t, x)
            half = cmp.crit * cmp.se
            need = abs(t - c) / 2 * 1.5 + 1e-300
            k = max(1.0, need / max(half, 1e-300))
            out.append((t + c) / 2 + k * (x - x.mean()))
        return out, out

    def under():
        return [np.asarray(x, float) + (c - np.mean(x)) for _, c, x in points]

    return counterfactual(passes, rejected, jointly=jointly, under_control=under,
                          detail="samples moved to the midpoint of theory and control and stretched (both pass); "
                                 "samples shifted to the control's values (the claim's comparisons)")


def slope_counterfactual(fit, claim_exponent: float, control_exponent: float, claim_passes=None):
    """Counterfactual hook for a slope control: the same fit moved to the midpoint with its SE stretched until
    both exponents are inside (jointly possible), and moved to the control's exponent (under the control).

    ``claim_passes(fit)`` defaults to "the claim's exponent is inside the interval"."""
    from iclverify.checks.statistics.counterfactual import counterfactual

    passes = claim_passes or (lambda f: f.consistent_with(claim_exponent))
    mid, half = (claim_exponent + control_exponent) / 2, abs(claim_exponent - control_exponent) / 2
    wide = fit.moved(mid, max(fit.se, 1.5 * half / max(fit.crit, 1e-300)))
    return counterfactual(passes, lambda f: not f.consistent_with(control_exponent),
                          jointly=lambda: (wide, wide), under_control=lambda: fit.moved(control_exponent),
                          detail=f"slope moved to {mid:+.3g} with SE {wide.se:.3g} (both exponents inside); "
                                 f"slope moved to the control's {control_exponent:+g}")
