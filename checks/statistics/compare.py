"""Calibrated theory-versus-simulation comparison, with the resolution of every verdict.

A closed form ``theory`` passes against independent Monte Carlo repeats when

    -crit * SE - A_neg  <=  mean - theory  <=  crit * SE + A_pos

where ``crit`` is the Student-t quantile at the per-test false-alarm rate of the run's
:class:`~iclverify.checks.statistics.ledger.TestLedger` (one family-wise budget for every statistical
test of a run), and ``A_pos``/``A_neg`` is an *allowance*.  An allowance is only admissible
when it is part of the statement (e.g. "the trained loss is within 2 % of the optimum") or
derived independently of the simulator it judges; it is recorded with its source
(``allowance_source``) and shown in the report.  Finite-d bias is removed instead: by the
1/d extrapolation over several d (:func:`compare_extrapolated`), or by a derived finite-d
correction subtracted from the theory side by the caller.

**Resolution.**  Every comparison states the smallest relative error that the same samples
would reject on both sides: a statement ``theory * (1 + delta)`` is rejected when it lies
outside ``[mean - crit*SE - A_pos, mean + crit*SE + A_neg]``, so

    resolution = max(mean + crit*SE + A_neg - theory, theory - mean + crit*SE + A_pos) / scale

with ``scale = |theory|`` by default.  For quantities that vanish along a curve (g_task at
large κ, a difference of two errors) the caller passes the curve's scale instead (e.g. the
largest value on the curve), and the comparison says so.  A claim compares the largest
resolution of its primary comparisons with the resolution it requires
(:attr:`iclverify.checks.claims.Claim.resolution_required`): a coarser check is INCONCLUSIVE.

**Skewed samples.**  The symmetric t rule assumes a nearly Gaussian studentised mean.  On
right-skewed samples (squared errors) it rejects a true value *above* the sample mean far more
often than its nominal rate, and the excess grows into the tail where the per-test rate of a
report lies (``docs/calibration.md``).  ``statistic="hall"`` uses Hall's skewness-corrected t
(:func:`hall_t_limits`), whose interval is longer on the side of the skew.

Every comparison is counted by the active ledger (``role="claim"`` for the statement,
``role="control"`` for a negative control: a perturbed statement judged by the same
statistic on the same samples).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Callable, Sequence

import numpy as np
from scipy import stats

from iclverify.checks.statistics import ledger as _ledger
from iclverify.theory.parameters import Checked, Interval, Options, ParameterSpace, check_value

__all__ = [
    "SUITE_FALSE_ALARM_BUDGET",
    "PER_COMPARISON_ALPHA",
    "critical_value",
    "hall_t_limits",
    "sample_skewness",
    "STATISTICS",
    "FiniteDAllowance",
    "Comparison",
    "compare",
    "compare_extrapolated",
    "compare_to_reference",
    "resolution_of",
    "COMPARE_PARAMETERS",
]

#: Family-wise false-alarm budget of one run (see :mod:`iclverify.checks.statistics.ledger`).
SUITE_FALSE_ALARM_BUDGET = _ledger.FAMILY_WISE_BUDGET
#: Two-sided false-alarm rate of one primary test under the default plan.
PER_COMPARISON_ALPHA = _ledger.PER_TEST_ALPHA


def critical_value(n: int, alpha: float | None = None) -> float:
    """Two-sided Student-t critical value for a mean of ``n`` independent samples.

    With few repeats the sample SE is itself uncertain; the t quantile with ``n - 1``
    degrees of freedom keeps the false-alarm rate at ``alpha`` for Gaussian repeats.
    ``alpha`` defaults to the active ledger's per-test rate.
    """
    check_value("n", n, COMPARE_PARAMETERS["n"])
    alpha = _ledger.test_alpha() if alpha is None else alpha
    return float(stats.t.ppf(1.0 - alpha / 2.0, df=n - 1))


#: The parameters of the comparisons, declared once (iclverify.theory.parameters).  The structured ones
#: (``samples``, ``samples_by_d``, ``ds``) and the cross-parameter conditions (``batch`` against the sample
#: size, ``min_order`` against ``max_order``) are checked in the function bodies, in the same words.
COMPARE_PARAMETERS = ParameterSpace(
    "compare",
    {
        "n": Interval(2, math.inf, low_open=False, integer=True,
                      description="independent samples of the mean (2 at least, for a standard error)"),
        "samples": Checked("independent repeats: at least 2 values, all finite",
                           invalid=((1.0,), (1.0, math.nan)), example=(0.9, 1.0, 1.1)),
        "bias": Options(("positive", "negative", "both"), description="side(s) on which the allowance applies"),
        "role": _ledger.LEDGER_PARAMETERS["role"],
        "batch": Interval(1, math.inf, low_open=False, integer=True,
                          description="samples per batch mean (at most n/2: at least 2 batch means)"),
        "statistic": Options(("t", "hall"), description="statistic of a comparison of a mean",
                             help={"t": "the symmetric Student-t rule",
                                   "hall": "Hall's skewness-corrected t (skewed samples, n >= 100)"}),
        "ds": Checked("dimensions of a 1/d extrapolation: at least 3, and at least min_order + 2",
                      invalid=((8.0, 16.0),), example=(8.0, 16.0, 32.0)),
        "samples_by_d": Checked("one sample per d, each of at least 2 finite repeats",
                                invalid=(((1.0,), (1.0, 1.1), (1.0, 1.1)),),
                                example=((1.0, 1.1), (1.0, 1.1), (1.0, 1.1))),
        "max_order": Interval(1, 2, low_open=False, high_open=False, integer=True,
                              description="highest order of the 1/d extrapolation"),
        "min_order": Interval(1, 2, low_open=False, high_open=False, integer=True,
                              description="lowest order of the 1/d extrapolation (at most max_order)"),
        "ref_se": Interval(0, math.inf, description="standard error of the reference mean"),
        "ref_n": Interval(2, math.inf, low_open=False, integer=True, description="repeats of the reference mean"),
    },
)
#: Statistics :func:`compare` can use: the Student-t rule, or Hall's skewness-corrected t.
STATISTICS = COMPARE_PARAMETERS["statistic"].choices
#: Cross-parameter conditions, in the words of every other domain check.
_BATCH_OF_N = Checked("1 <= batch <= n/2 (at least 2 batch means of the n samples)")
_MIN_ORDER_AT_MOST_MAX = Checked("integers in [1, 2], at most max_order")


def _check_samples(x: np.ndarray, samples, name: str = "samples") -> None:
    """At least 2 finite values (``x`` is ``samples`` as a flat float array)."""
    if x.size < 2 or not np.all(np.isfinite(x)):
        shown = samples if x.size <= 8 else f"<{x.size} values>"
        COMPARE_PARAMETERS[name].reject(name, shown, f"got {x.size} values, {int(np.sum(~np.isfinite(x)))} non-finite")


def sample_skewness(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Moment skewness ``m3 / m2**1.5`` (biased central moments) along ``axis``; 0 where ``m2 = 0``."""
    x = np.asarray(x, dtype=float)
    c = x - x.mean(axis=axis, keepdims=True)
    m2 = np.mean(c * c, axis=axis)
    m3 = np.mean(c * c * c, axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.where(m2 > 0, m3 / np.where(m2 > 0, m2, 1.0) ** 1.5, 0.0)
    return g


def hall_t_limits(crit, skewness, n):
    """Acceptance limits ``(lo, hi)`` of the studentised mean under Hall's skewness-corrected t.

    With ``T = (mean - mu) / SE`` and sample skewness ``g``, the one-term Edgeworth expansion of a
    studentised mean is ``P(T <= x) = Phi(x) + g (2 x**2 + 1) phi(x) / (6 sqrt(n)) + O(1/n)``
    (Hall 1992, *The Bootstrap and Edgeworth Expansion*, Sec. 2.6): a right-skewed sample gives
    ``T`` a heavy *left* tail, so the symmetric t rule rejects a true mean that lies above the
    sample mean too often.  Hall (1992, J. R. Statist. Soc. B 54, 221-228) removes the skewness term
    by the monotone transformation

        G(T) = T + a T**2 + a**2 T**3 / 3 + b,   a = g / (3 sqrt(n)),  b = g / (6 sqrt(n)),

    and accepts when ``|G(T)| <= crit``.  ``G(T) = ((1 + a T)**3 - 1) / (3 a) + b`` is increasing,
    so the accepted ``T`` are ``[G^-1(-crit), G^-1(crit)]`` with
    ``G^-1(y) = (cbrt(1 + 3 a (y - b)) - 1) / a`` (``y - b`` as ``a -> 0``: the t rule).
    Vectorised over arrays of ``skewness`` (and ``n``).

    Examples
    --------
    >>> lo, hi = hall_t_limits(2.0, 0.0, 100)
    >>> float(lo), float(hi)
    (-2.0, 2.0)
    >>> lo, hi = hall_t_limits(2.0, 3.0, 100)      # right skew: the lower limit of T moves out
    >>> bool(lo < -2.0 < 2.0 > hi)
    True
    """
    g = np.asarray(skewness, dtype=float)
    rn = np.sqrt(np.asarray(n, dtype=float))
    a, b = g / (3.0 * rn), g / (6.0 * rn)
    small = np.abs(a) < 1e-12
    a_safe = np.where(small, 1.0, a)

    def inv(y):
        return np.where(small, y - b, (np.cbrt(1.0 + 3.0 * a_safe * (y - b)) - 1.0) / a_safe)

    return inv(-np.asarray(crit, dtype=float)), inv(np.asarray(crit, dtype=float))


@dataclass(frozen=True)
class FiniteDAllowance:
    """Allowance ``c / d**power``: admissible only when derived, never fitted to the judged simulator."""

    c: float
    power: float = 1.0

    def __call__(self, d: float | None) -> float:
        if d is None or self.c == 0:
            return 0.0
        return self.c / float(d) ** self.power


def resolution_of(theory: float, mean: float, half_width: float, *, allow_pos: float = 0.0,
                  allow_neg: float = 0.0, scale: float | None = None,
                  lower_half_width: float | None = None) -> float:
    """Smallest relative error ``delta`` such that ``theory*(1 +- delta)`` is rejected on both sides.

    The accepted interval is ``[mean - lower_half_width - allow_pos, mean + half_width + allow_neg]``
    (``lower_half_width = half_width`` unless given: an asymmetric interval, e.g. Hall's
    skewness-corrected t).

    Examples
    --------
    >>> round(resolution_of(1.0, 1.0, 0.03), 12)
    0.03
    >>> round(resolution_of(1.0, 1.01, 0.03), 12)     # the discrepancy adds to the half-width
    0.04
    """
    s = abs(float(theory)) if scale is None else abs(float(scale))
    low = half_width if lower_half_width is None else lower_half_width
    up = mean + half_width + allow_neg - theory
    down = theory - mean + low + allow_pos
    if s == 0.0:
        return math.inf
    return float(max(up, down) / s)


@dataclass(frozen=True)
class Comparison:
    """Outcome of a calibrated comparison; ``passed`` is the verdict.

    ``resolution`` is the smallest relative error the same samples reject on both sides
    (relative to ``scale``); ``misfit`` marks an extrapolation whose model does not fit the
    data (such a comparison cannot confirm anything).
    """

    passed: bool
    theory: float
    mean: float
    se: float
    n: int
    crit: float
    allowance: float
    d: float | None
    method: str = "mean"
    resolution: float = math.inf
    scale: float | None = None
    scale_rule: str = "|theory|"
    label: str = ""
    role: str = "claim"
    allowance_source: str = ""
    misfit: bool = False
    fit: dict = field(default_factory=dict)

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

    def row(self, point: str = "") -> dict:
        """The report's evidence row: point | theory | estimate +- SE | z | resolution | pass."""
        return {"point": point or self.label, "theory": self.theory, "estimate": self.mean, "se": self.se,
                "z": self.z, "crit": self.crit, "resolution": self.resolution, "scale_rule": self.scale_rule,
                "passed": self.passed, "method": self.method, "n": self.n, "d": self.d, "role": self.role,
                "allowance": self.allowance, "allowance_source": self.allowance_source, "misfit": self.misfit}

    def __str__(self) -> str:
        verdict = "pass" if self.passed else ("MISFIT" if self.misfit else "FAIL")
        d = f", d={self.d:g}" if self.d is not None else ""
        allow = f", allowance={self.allowance:.3g}" if self.allowance else ""
        return (f"{verdict}: theory={self.theory:.6g}, {self.method}={self.mean:.6g} +/- {self.se:.3g} "
                f"(n={self.n}{d}, crit={self.crit:.2f}{allow}, z={self.z:.2f}, resolution={self.resolution:.2%})")


def compare(
    theory: float,
    samples: Sequence[float],
    d: float | None = None,
    *,
    allowance: FiniteDAllowance | Callable[[float | None], float] | float | None = None,
    bias: str = "positive",
    alpha: float | None = None,
    role: str = "claim",
    scale: float | None = None,
    scale_rule: str | None = None,
    label: str = "",
    allowance_source: str = "",
    batch: int | None = None,
    statistic: str = "t",
) -> Comparison:
    """Compare a theory value with independent Monte Carlo repeats.

    Parameters
    ----------
    theory : float
        The closed-form value (with any derived finite-d correction already applied).
    samples : sequence of float
        One value per independent repeat (e.g. the exact finite-d error of each fit).
    d : float, optional
        Dimension, passed to ``allowance`` and recorded.
    allowance : FiniteDAllowance, callable, float or None
        An allowance that is part of the statement or derived independently of the
        simulator (give its ``allowance_source``); a float is used as is.
    bias : {"positive", "negative", "both"}
        Side(s) on which the allowance applies.
    alpha : float, optional
        Two-sided false-alarm rate; the active ledger's per-test rate by default.
    role : {"claim", "control", "diagnostic"}
        How the ledger counts this test: the statement, a negative control, or a
        diagnostic that decides no verdict.
    scale : float, optional
        What the resolution is relative to (default ``|theory|``); pass the curve's scale
        for quantities that vanish along it, and say which in ``scale_rule``.
    label : str
        The point or quantity compared (shown in the evidence table).
    allowance_source : str
        Where the allowance comes from (its derivation, or the statement's tolerance).
    batch : int, optional
        Average consecutive samples in batches of this size first (batch means; left-over
        samples are dropped and the count is recorded).  Batch means guard against
        dependence between consecutive samples; they do **not** repair the t rule on skewed
        samples: the skewness term of the studentised mean is skewness/sqrt(n) for the raw
        samples and for their batch means alike (measured in ``docs/calibration.md``: on test-set
        squared errors of skewness about 13, n = 1000, t false-alarms at 56x the nominal 2e-5,
        t on 40 batch means at 31x, Hall's t at 3.9x).
    statistic : {"t", "hall"}
        ``"t"``: the symmetric Student-t rule ``|mean - theory| <= crit * SE``.  ``"hall"``:
        Hall's skewness-corrected t (:func:`hall_t_limits`, sample skewness of the samples or of
        their batch means): the accepted interval is asymmetric, longer on the side of the
        skewness (for right-skewed samples, above the mean).  The row's ``method`` names it; its
        ``crit`` is the t quantile that ``|G(T)|`` is held to, so the accepted interval is *not*
        ``mean +- crit * SE`` (``resolution`` is computed from the asymmetric interval).
        Use it for skewed samples of n >= 100: measured at the per-test rate 2e-5
        (``docs/calibration.md``), it is calibrated on Gamma(1/4) samples (skewness 4) at n = 200
        where t false-alarms at 71x nominal, and 3.9x (t: 56x) on test-set squared errors of
        skewness 13 and kurtosis about 250 at n = 1000; but on Gaussian samples its noisy skewness
        estimate costs 7.8x at n = 8 and 3.2x at n = 30 (1.1x at n = 100), so it is not the default.

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
    _check_samples(x, samples)
    check_value("bias", bias, COMPARE_PARAMETERS["bias"])
    check_value("role", role, COMPARE_PARAMETERS["role"])
    method = "mean"
    if batch is not None:
        b = check_value("batch", batch, COMPARE_PARAMETERS["batch"])
        if x.size // b < 2:
            _BATCH_OF_N.reject("batch", batch, f"n = {x.size}")
        x = x[: (x.size // b) * b].reshape(-1, b).mean(axis=1)
        method = f"batch means (batch {b})"
    check_value("statistic", statistic, COMPARE_PARAMETERS["statistic"])
    alpha = _ledger.test_alpha(role) if alpha is None else float(alpha)
    mean = float(x.mean())
    se = float(x.std(ddof=1) / math.sqrt(x.size))
    crit = critical_value(x.size, alpha)
    # accepted mean - theory: [-half_low, half_up] (symmetric for t; for Hall, T = (mean - mu)/SE in
    # [t_lo, t_hi] means mu in [mean - t_hi SE, mean - t_lo SE], i.e. mean - mu in [t_lo SE, t_hi SE])
    half_low = half_up = crit * se
    if statistic == "hall":
        skew = float(sample_skewness(x))
        t_lo, t_hi = (float(v) for v in hall_t_limits(crit, skew, x.size))
        half_low, half_up = -t_lo * se, t_hi * se
        method += f", Hall skewness-corrected t (sample skewness {skew:.3g})"
    allow = _allowance_value(allowance, d)
    a_pos = allow if bias in ("positive", "both") else 0.0
    a_neg = allow if bias in ("negative", "both") else 0.0
    diff = mean - float(theory)
    passed = bool(-half_low - a_neg <= diff <= half_up + a_pos)
    # theory accepted in [mean - half_up - a_pos, mean + half_low + a_neg]
    res = resolution_of(float(theory), mean, half_low, allow_pos=a_pos, allow_neg=a_neg, scale=scale,
                        lower_half_width=half_up)
    kind = ("t" if batch is None else "t-batch-means") + ("-hall" if statistic == "hall" else "")
    _ledger.record(kind, not passed, role=role, alpha=alpha, label=label)
    return Comparison(passed, float(theory), mean, se, int(x.size), crit, allow, d, method=method, resolution=res,
                      scale=None if scale is None else float(scale),
                      scale_rule=scale_rule or ("|theory|" if scale is None else f"scale {float(scale):.4g}"),
                      label=label, role=role, allowance_source=allowance_source if allow else "")


#: Model-selection rule of :func:`compare_extrapolated`: a model "fits" when the chi-square
#: goodness-of-fit p-value of its weighted residuals is at least this.
EXTRAPOLATION_FIT_LEVEL = 0.01


def compare_extrapolated(
    theory: float,
    ds: Sequence[float],
    samples_by_d: Sequence[Sequence[float]],
    *,
    alpha: float | None = None,
    role: str = "claim",
    scale: float | None = None,
    scale_rule: str | None = None,
    label: str = "",
    max_order: int = 2,
    min_order: int = 1,
) -> Comparison:
    """Remove the finite-d bias by extrapolating ``mean(d)`` to ``d = infinity``; compare the intercept.

    The model is ``a + b/d`` (order 1) or ``a + b/d + c/d**2`` (order 2), fitted by weighted
    least squares with the per-d standard errors as known weights.  **Model selection
    rule**: the lowest order whose chi-square goodness-of-fit p-value is at least
    :data:`EXTRAPOLATION_FIT_LEVEL` is used; order 2 needs at least 4 dimensions (one
    degree of freedom left to test its fit).  If no admissible model fits, the comparison
    is a *misfit*: ``passed`` is False and ``misfit`` True, and the claim must report it as
    such (INCONCLUSIVE), never pass it.  The standard errors are not inflated by the misfit
    (inflating them would make a wrong model easier to pass).

    ``min_order=2`` starts the selection at the quadratic model: for a caller who has shown
    that the 1/d² term biases the linear intercept by more than its SE while the linear model
    still passes its fit test (the chi-square test has little power against curvature over a
    short range of d).

    The intercept is a linear combination ``sum(w_i * mean_i)`` of the per-d means; its SE
    propagates the per-d SEs and its critical value is Student-t with the
    Welch-Satterthwaite degrees of freedom of that combination.
    """
    ds = np.asarray(ds, dtype=float)
    if ds.size < 3:
        COMPARE_PARAMETERS["ds"].reject("ds", ds.tolist(), "3 dimensions at least, to extrapolate over d and test "
                                                           "the fit")
    check_value("max_order", max_order, COMPARE_PARAMETERS["max_order"])
    check_value("min_order", min_order, COMPARE_PARAMETERS["min_order"])
    check_value("role", role, COMPARE_PARAMETERS["role"])
    if int(min_order) > int(max_order):
        _MIN_ORDER_AT_MOST_MAX.reject("min_order", min_order, f"max_order = {max_order!r}")
    if ds.size < int(min_order) + 2:
        COMPARE_PARAMETERS["ds"].reject("ds", ds.tolist(), f"an order-{int(min_order)} extrapolation needs at least "
                                        f"{int(min_order) + 2} dimensions (one degree of freedom to test its fit)")
    means, ses, ns = [], [], []
    for s in samples_by_d:
        x = np.asarray(s, dtype=float).ravel()
        if x.size < 2 or not np.all(np.isfinite(x)):
            COMPARE_PARAMETERS["samples_by_d"].reject(
                "samples_by_d", f"<sample {len(means)}: {x.size} values, {int(np.sum(~np.isfinite(x)))} non-finite>")
        means.append(x.mean())
        ses.append(x.std(ddof=1) / math.sqrt(x.size))
        ns.append(x.size)
    means, ses, ns = np.asarray(means), np.maximum(np.asarray(ses), 1e-300), np.asarray(ns)
    chosen = None
    tried = {}
    for order in (1, 2)[int(min_order) - 1: int(max_order)]:
        k = order + 1
        if ds.size - k < 1:
            break
        X = np.column_stack([ds ** (-j) for j in range(k)])
        w = 1.0 / ses**2
        A = np.linalg.inv(X.T @ (w[:, None] * X))
        weights = (A @ (X.T * w))[0]  # intercept = weights @ means
        coef = A @ (X.T @ (w * means))
        resid = (means - X @ coef) / ses
        chi2 = float(resid @ resid)
        p_fit = float(stats.chi2.sf(chi2, ds.size - k))
        tried[order] = {"coef": coef.tolist(), "chi2": chi2, "dof": int(ds.size - k), "p_fit": p_fit}
        chosen = (order, coef, weights, p_fit)
        if p_fit >= EXTRAPOLATION_FIT_LEVEL:
            break
    order, coef, weights, p_fit = chosen
    misfit = p_fit < EXTRAPOLATION_FIT_LEVEL
    a = float(coef[0])
    var_terms = weights**2 * ses**2
    se_a = float(math.sqrt(var_terms.sum()))
    dof = float(var_terms.sum() ** 2 / np.sum(var_terms**2 / np.maximum(ns - 1, 1)))
    alpha = _ledger.test_alpha(role) if alpha is None else float(alpha)
    crit = float(stats.t.ppf(1.0 - alpha / 2.0, df=max(dof, 1.0)))
    passed = (not misfit) and abs(a - float(theory)) <= crit * se_a
    res = resolution_of(float(theory), a, crit * se_a, scale=scale)
    _ledger.record("extrapolated", not passed, role=role, alpha=alpha, label=label)
    method = "1/d-extrapolated" if order == 1 else "1/d+1/d^2-extrapolated"
    fit = {"ds": ds.tolist(), "means": means.tolist(), "ses": ses.tolist(), "ns": ns.tolist(), "order": order,
           "coef": [float(c) for c in coef], "p_fit": p_fit, "dof_t": dof, "models": tried,
           "rule": f"lowest order with chi-square p >= {EXTRAPOLATION_FIT_LEVEL} ({min_order} <= order <= {max_order})"}
    return Comparison(bool(passed), float(theory), a, se_a, int(ns.sum()), crit, 0.0, None, method=method,
                      resolution=res, scale=None if scale is None else float(scale),
                      scale_rule=scale_rule or ("|theory|" if scale is None else f"scale {float(scale):.4g}"),
                      label=label, role=role, misfit=bool(misfit), fit=fit)


def compare_to_reference(
    samples: Sequence[float],
    ref_mean: float,
    ref_se: float,
    ref_n: int,
    *,
    alpha: float | None = None,
    role: str = "claim",
    label: str = "",
    d: float | None = None,
    dof: float | None = None,
) -> Comparison:
    """Welch two-sample comparison of our repeats with a published Monte Carlo mean +- SE.

    Used to hold the simulator against someone else's saved simulation of the same finite-d
    model (not against theory).  The combined SE is ``sqrt(SE_ours² + ref_se²)`` and the
    critical value is Student-t with Welch-Satterthwaite degrees of freedom, or ``dof`` when
    given (e.g. ``n - 1`` when ``ref_se`` is computed from our own sample variance, so that only
    one variance is estimated).  The resolution is relative to ``|ref_mean|``.
    ``Comparison.theory`` holds the reference mean.
    """
    x = np.asarray(samples, dtype=float).ravel()
    _check_samples(x, samples)
    check_value("ref_se", ref_se, COMPARE_PARAMETERS["ref_se"])
    check_value("ref_n", ref_n, COMPARE_PARAMETERS["ref_n"])
    check_value("role", role, COMPARE_PARAMETERS["role"])
    alpha = _ledger.test_alpha(role) if alpha is None else float(alpha)
    mean = float(x.mean())
    se1 = float(x.std(ddof=1) / math.sqrt(x.size))
    se = math.sqrt(se1**2 + float(ref_se) ** 2)
    if dof is None:
        dof = se**4 / (se1**4 / (x.size - 1) + float(ref_se) ** 4 / (int(ref_n) - 1))
    crit = float(stats.t.ppf(1.0 - alpha / 2.0, df=dof))
    passed = abs(mean - float(ref_mean)) <= crit * se
    res = resolution_of(float(ref_mean), mean, crit * se)
    _ledger.record("welch-reference", not passed, role=role, alpha=alpha, label=label)
    return Comparison(bool(passed), float(ref_mean), mean, se, int(x.size), crit, 0.0, d,
                      method="Welch vs reference", resolution=res, label=label, role=role)


def _allowance_value(allowance, d) -> float:
    if allowance is None:
        return 0.0
    if callable(allowance):
        return float(allowance(d))
    return float(allowance)
