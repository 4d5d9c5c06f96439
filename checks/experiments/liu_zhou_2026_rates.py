"""Monte Carlo of the two-stage rates of Liu & Zhou (2026) (note liu_zhou_2026_ghost.md §3 (c), (d)).

* :func:`simulate_kme_errors` -- second stage, dimension-free: squared error of the
  empirical kernel mean embedding of ``m`` tokens drawn from a finite pool (so the exact
  value :func:`iclverify.theory.liu_zhou_2026.kme_mse` is known to float precision) for
  several token dimensions ``d`` (§3(d1)).
* :class:`TwoStageProblem` -- distribution regression = "linear attention + linear
  readout" on Gaussian contexts with random Fourier features, with the population
  embedding, its second moments and the excess risk of a readout in closed form (§3(d2)).
* :func:`simulate_performer_errors` -- squared error of FAVOR+ / trigonometric random
  features against :func:`iclverify.theory.feature_maps.performer_prf_variance` (§3(c)).
* :func:`loglog_slope` -- the fitted exponent with a standard error and a calibrated test
  against a predicted exponent; slopes are never eyeballed.

Every random function takes ``rng`` or a ``SeedSequence``; grid point ``i`` of a sweep
uses ``SeedSequence(root, spawn_key=(i,))``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from scipy import stats

from iclverify.checks.statistics import ledger as _ledger
from iclverify.checks.statistics.compare import critical_value, resolution_of
from iclverify.checks.statistics.decide import SKEW_LIMIT, skewness
from iclverify.theory import feature_maps as fm
from iclverify.theory import liu_zhou_2026 as lz
from iclverify.theory.parameters import Checked, Options, ParameterSpace, check_value

__all__ = [
    "SlopeFit", "loglog_slope", "bootstrap_slope", "KMEPool", "make_kme_pool", "simulate_kme_errors",
    "TwoStageProblem", "first_stage_risks", "second_stage_risks", "oracle_second_stage_errors",
    "simulate_performer_errors", "child_rng", "RATES_PARAMETERS",
]

#: The rate experiments' parameters, declared once (the shape of ``samples`` is checked against ``x`` in the body).
RATES_PARAMETERS = ParameterSpace(
    "liu_zhou_2026_rates",
    {
        "samples": Checked("independent repeats at each grid point: an array (reps >= 2, len(x)) with positive "
                           "column means (a log-log slope)", invalid=(((1.0, 1.0),), ((-1.0, 1.0), (-1.0, 1.0))),
                           example=((1.0, 0.5), (1.1, 0.55))),
        "kind": Options(("positive", "trig"), description="random features of the exp(x.y) estimate",
                        help={"positive": "FAVOR+ positive features", "trig": "trigonometric features"}),
    },
)


def child_rng(root: int, *key: int) -> np.random.Generator:
    """Generator of grid point ``key`` under the root seed (order- and worker-independent)."""
    return np.random.default_rng(np.random.SeedSequence(root, spawn_key=tuple(int(k) for k in key)))


# ---------------------------------------------------------------------------------------
# Slopes with standard errors and a calibrated test

@dataclass
class SlopeFit:
    """Weighted least-squares fit ``log y = c + slope * log x`` with known per-point variances.

    ``se`` is the slope's standard error propagated from the per-point standard errors of
    the means (delta method: ``sd(log ybar) = se(ybar)/ybar``), never inflated: a power law
    that does not fit is reported as a misfit (``misfit``: the chi-square of the fit exceeds
    its quantile at the ledger's per-test rate), and a claim resting on a misfitting fit is
    INCONCLUSIVE, not passed with a wider interval.  ``crit`` is the Student-t critical value
    of the ledger's per-test rate with ``n_reps - 1`` degrees of freedom (``n_reps`` counts
    batches when the samples were batched because they are skewed: ``batch``).
    **Resolution** of a slope test: the smallest error in the exponent that the interval
    rejects on both sides, relative to ``|exponent|`` (:meth:`resolution`).
    """

    slope: float
    se: float
    intercept: float
    crit: float
    chi2: float
    dof: int
    n_reps: int
    x: list = field(default_factory=list)
    y: list = field(default_factory=list)
    yerr: list = field(default_factory=list)
    misfit_p: float = 1.0
    misfit_alpha: float = 0.0
    batch: int = 1
    max_skewness: float = 0.0

    @property
    def misfit(self) -> bool:
        """The power law is rejected by its chi-square at the per-test rate (the slope means nothing then)."""
        return self.misfit_p < self.misfit_alpha

    def test(self, exponent: float, *, role: str = "claim", label: str = "") -> bool:
        """:meth:`consistent_with`, counted in the active ledger (``rejected`` = not consistent)."""
        ok = self.consistent_with(exponent)
        _ledger.record("slope t interval", not ok, role=role, label=label or f"slope vs {exponent:+g}")
        return ok

    def resolution(self, exponent: float) -> float:
        """Smallest relative error in ``exponent`` rejected on both sides (scale ``|exponent|``, or 1 at 0)."""
        return resolution_of(exponent, self.slope, self.crit * self.se, scale=abs(exponent) or 1.0)

    def row(self, label: str, exponent: float) -> dict:
        """An evidence row for the slope test against ``exponent`` (with the misfit flag)."""
        lo, hi = self.ci
        return {"point": label, "theory": exponent, "estimate": self.slope, "se": self.se, "crit": self.crit,
                "interval": [lo, hi], "resolution": self.resolution(exponent), "passed": self.consistent_with(exponent),
                "role": "claim", "method": "WLS log-log slope, delta-method SE" + (
                    f", batch means of {self.batch}" if self.batch > 1 else ""),
                "scale_rule": "smallest exponent error rejected, relative to |exponent|", "misfit": self.misfit,
                "chi2": self.chi2, "dof": self.dof}

    def moved(self, slope: float, se: float | None = None) -> "SlopeFit":
        """The same fit with another slope (and SE): counterfactual data for a control."""
        from dataclasses import replace

        return replace(self, slope=float(slope), se=float(self.se if se is None else se))

    @property
    def ci(self) -> tuple[float, float]:
        return (self.slope - self.crit * self.se, self.slope + self.crit * self.se)

    def consistent_with(self, exponent: float) -> bool:
        """Calibrated two-sided test: ``|slope - exponent| <= crit * se``."""
        return abs(self.slope - exponent) <= self.crit * self.se

    def z(self, exponent: float) -> float:
        return (self.slope - exponent) / self.se

    def summary(self, exponent: float | None = None) -> str:
        lo, hi = self.ci
        text = f"slope {self.slope:+.4f} +/- {self.se:.4f} (CI [{lo:+.3f}, {hi:+.3f}], crit {self.crit:.2f})"
        if self.misfit:
            text += f" [MISFIT: power law chi2 = {self.chi2:.1f} on {self.dof} dof, p = {self.misfit_p:.1e}]"
        if exponent is not None:
            text += f", z vs {exponent:+g} = {self.z(exponent):+.2f}"
        return text

    def as_dict(self) -> dict:
        lo, hi = self.ci
        return {"slope": self.slope, "se": self.se, "ci_low": lo, "ci_high": hi, "crit": self.crit,
                "chi2": self.chi2, "dof": self.dof, "n_reps": self.n_reps, "misfit": self.misfit,
                "misfit_p": self.misfit_p, "batch": self.batch, "max_skewness": self.max_skewness}


def loglog_slope(x, samples, *, alpha: float | None = None, batch: int | None = None) -> SlopeFit:
    """Fit the exponent of ``E[Y(x)] ~ C x^slope`` from independent repeats.

    Parameters
    ----------
    x : array (k,)
        Grid (e.g. context sizes ``m``).
    samples : array (reps, k)
        Independent repeats at each grid point (columns may come from different draws).
    alpha : float, optional
        Per-test rate (default: the active ledger's).
    batch : int, optional
        Batch size for batch means.  By default, when some column's sample skewness exceeds
        :data:`~iclverify.checks.statistics.decide.SKEW_LIMIT` (squared errors are skewed) and there are at
        least 80 repeats, the repeats are grouped into 40 batches and the means of the batches
        are the repeats (the t critical value is then calibrated for skewed samples).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.array([10.0, 20, 40, 80])
    >>> fit = loglog_slope(x, (1 / x) * rng.exponential(size=(400, 4)))
    >>> fit.consistent_with(-1.0), fit.consistent_with(-0.5)
    (True, False)
    """
    x = np.asarray(x, dtype=float)
    s = np.asarray(samples, dtype=float)
    if s.ndim != 2 or s.shape[1] != x.size or s.shape[0] < 2:
        RATES_PARAMETERS["samples"].reject("samples", f"<array of shape {s.shape}>", f"len(x) = {x.size}")
    alpha = _ledger.test_alpha() if alpha is None else alpha
    skew = float(max(abs(skewness(s[:, j])) for j in range(s.shape[1])))
    if batch is None:
        batch = s.shape[0] // 40 if (skew > SKEW_LIMIT and s.shape[0] >= 80) else 1
    if batch > 1:
        nb = s.shape[0] // batch
        s = s[: nb * batch].reshape(nb, batch, s.shape[1]).mean(axis=1)
    mean = s.mean(axis=0)
    se = s.std(axis=0, ddof=1) / math.sqrt(s.shape[0])
    if np.any(mean <= 0):
        RATES_PARAMETERS["samples"].reject("samples", f"<column means {mean.tolist()}>", "a mean is not positive")
    ly, sly = np.log(mean), np.maximum(se / mean, 1e-300)
    X = np.column_stack([np.ones_like(x), np.log(x)])
    w = 1.0 / sly**2
    cov = np.linalg.inv(X.T @ (w[:, None] * X))
    coef = cov @ (X.T @ (w * ly))
    resid = ly - X @ coef
    chi2 = float(np.sum(w * resid**2))
    dof = int(x.size - 2)
    # No inflation: a misfitting power law is reported as a misfit (chi-square p-value below the per-test rate).
    p_fit = float(stats.chi2.sf(chi2, dof)) if dof > 0 else 1.0
    return SlopeFit(float(coef[1]), float(math.sqrt(cov[1, 1])), float(coef[0]),
                    critical_value(s.shape[0], alpha), chi2, dof, int(s.shape[0]),
                    x.tolist(), mean.tolist(), se.tolist(), p_fit, float(alpha), int(batch), skew)


def bootstrap_slope(x, samples, *, n_boot: int = 400, rng=None) -> tuple[float, float]:
    """Bootstrap (over repeats) standard error and mean of the OLS log-log slope of the means.

    A cross-check of :func:`loglog_slope`'s delta-method standard error.
    """
    rng = np.random.default_rng(rng)
    s = np.asarray(samples, dtype=float)
    lx = np.log(np.asarray(x, dtype=float))
    idx = rng.integers(0, s.shape[0], size=(n_boot, s.shape[0]))
    means = s[idx].mean(axis=1)  # (n_boot, k)
    slopes = np.polyfit(lx, np.log(means).T, 1)[0]
    return float(slopes.std(ddof=1)), float(slopes.mean())


# ---------------------------------------------------------------------------------------
# (d1) dimension-free KME concentration

@dataclass
class KMEPool:
    """A finite context distribution: ``n`` tokens with embedded values ``y_j phi(x_j)``.

    ``phi`` is a normalised random-Fourier-feature map (``||phi|| = 1``, so ``kappa = 1``),
    ``y = 1 + tanh(a . x)`` (so ``B = sup|y| < 2``).  The measure is uniform on the pool,
    hence ``Sigma_mu`` and ``E||y phi||^2`` are exact finite sums.
    """

    d: int
    embedded: np.ndarray  # (n, D): y_j phi(x_j)
    sigma: np.ndarray  # (D,)
    second_moment: float
    B: float

    @property
    def embedding_norm_sq(self) -> float:
        return float(self.sigma @ self.sigma)

    def exact_mse(self, m) -> np.ndarray:
        return np.asarray(lz.kme_mse(self.second_moment, self.embedding_norm_sq, np.asarray(m)), dtype=float)


def make_kme_pool(d: int, *, D: int = 256, n: int = 4096, rng=None) -> KMEPool:
    """Build the pool of §3(d1): ``x ~ U[-1,1]^d``, normalised RFF of bandwidth ``sqrt(d)``."""
    rng = np.random.default_rng(rng)
    x = rng.uniform(-1.0, 1.0, size=(n, d))
    omega = rng.standard_normal((D, d)) / math.sqrt(d)
    b = rng.uniform(0.0, 2 * math.pi, size=D)
    phi = np.cos(x @ omega.T + b)
    phi /= np.linalg.norm(phi, axis=1, keepdims=True)
    a = rng.standard_normal(d) * (2.0 / math.sqrt(d))
    y = 1.0 + np.tanh(x @ a)
    emb = y[:, None] * phi
    sigma = emb.mean(axis=0)
    return KMEPool(d, emb, sigma, float(np.mean(np.sum(emb**2, axis=1))), float(np.max(np.abs(y))))


def simulate_kme_errors(pool: KMEPool, ms, reps: int, *, root: int = 0, key: tuple = ()) -> np.ndarray:
    """Squared errors ``||Sigma_mu_hat - Sigma_mu||^2``, shape (reps, len(ms)).

    Column ``i`` uses ``SeedSequence(root, spawn_key=key + (i,))``.
    """
    out = np.empty((reps, len(ms)))
    n = pool.embedded.shape[0]
    for i, m in enumerate(ms):
        rng = child_rng(root, *key, i)
        idx = rng.integers(0, n, size=(reps, int(m)))
        est = pool.embedded[idx].mean(axis=1)
        out[:, i] = np.sum((est - pool.sigma) ** 2, axis=1)
    return out


# ---------------------------------------------------------------------------------------
# (d2) two-stage distribution regression with closed-form embeddings

def _mean_cos_uniform(v: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``E cos(v . theta + c)`` for ``theta ~ U[-1,1]^d``: ``cos(c) prod_i sinc(v_i)`` [MATH]."""
    return np.cos(c) * np.prod(np.sinc(v / np.pi), axis=-1)


@dataclass
class TwoStageProblem:
    """Contexts ``mu_theta = N(theta, s^2 I_d)``, ``theta ~ U[-1,1]^d``; features
    ``phi(x) = sqrt(2/D) cos(omega x + b)`` with ``omega ~ N(0, I/bandwidth^2)``; target ``F(mu) = <w*, E_mu phi>``; noise ``sigma``.

    Closed forms [MATH]: ``E_mu phi = sqrt(2/D) e^{-s^2|omega|^2/2} cos(omega theta + b)``;
    the first- and second-moment matrices ``C = E_theta e e^T`` and
    ``M2 = E_theta E_x phi phi^T`` follow from ``E cos(v.theta + c) = cos(c) prod sinc(v_i)``.
    The excess risk of a readout ``w`` on test contexts of size ``m`` is
    ``(w - w*)^T C (w - w*) + w^T (M2 - C) w / m`` exactly.
    """

    d: int = 5
    D: int = 40
    s: float = 0.5
    sigma: float = 0.1
    seed: int = 0
    bandwidth: float = 1.0
    omega: np.ndarray = field(init=False)
    b: np.ndarray = field(init=False)
    w_star: np.ndarray = field(init=False)
    C: np.ndarray = field(init=False)
    M2: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(10**6,)))
        self.omega = rng.standard_normal((self.D, self.d)) / self.bandwidth
        self.b = rng.uniform(0.0, 2 * math.pi, size=self.D)
        self.w_star = rng.standard_normal(self.D)
        damp = np.exp(-0.5 * self.s**2 * np.sum(self.omega**2, axis=1))
        dif = self.omega[:, None, :] - self.omega[None, :, :]
        summ = self.omega[:, None, :] + self.omega[None, :, :]
        bd = self.b[:, None] - self.b[None, :]
        bs = self.b[:, None] + self.b[None, :]
        scale = 2.0 / self.D
        self.C = scale * damp[:, None] * damp[None, :] * 0.5 * (
            _mean_cos_uniform(dif, bd) + _mean_cos_uniform(summ, bs))
        gd = np.exp(-0.5 * self.s**2 * np.sum(dif**2, axis=-1))
        gs = np.exp(-0.5 * self.s**2 * np.sum(summ**2, axis=-1))
        self.M2 = scale * 0.5 * (gd * _mean_cos_uniform(dif, bd) + gs * _mean_cos_uniform(summ, bs))
        self._damp = damp

    def thetas(self, n: int, rng) -> np.ndarray:
        return rng.uniform(-1.0, 1.0, size=(n, self.d))

    def population_embedding(self, theta: np.ndarray) -> np.ndarray:
        return math.sqrt(2.0 / self.D) * self._damp * np.cos(theta @ self.omega.T + self.b)

    def empirical_embedding(self, theta: np.ndarray, m: int, rng) -> np.ndarray:
        """Mean of ``phi`` over ``m`` tokens ``x ~ N(theta, s^2 I)``, shape (n, D)."""
        out = np.zeros((theta.shape[0], self.D))
        for start in range(0, int(m), 64):  # bounded memory
            k = min(64, int(m) - start)
            x = theta[:, None, :] + self.s * rng.standard_normal((theta.shape[0], k, self.d))
            out += np.cos(x @ self.omega.T + self.b).sum(axis=1)
        return math.sqrt(2.0 / self.D) * out / int(m)

    def oracle_variance(self) -> float:
        """``E|<w*, e_hat_1 - e>|^2`` for one token: ``w*^T (M2 - C) w*`` (divide by ``m``)."""
        return float(self.w_star @ (self.M2 - self.C) @ self.w_star)

    def excess_risk(self, w: np.ndarray, m_test: float = math.inf) -> float:
        dw = w - self.w_star
        risk = float(dw @ self.C @ dw)
        if math.isfinite(m_test):
            risk += float(w @ (self.M2 - self.C) @ w) / m_test
        return risk

    def fit(self, N: int, m: float, rng, lam_per_n: float = 1e-8) -> np.ndarray:
        """Ridge readout on ``N`` prompts with ``m``-token contexts (``m = inf``: exact embeddings)."""
        th = self.thetas(N, rng)
        target = self.population_embedding(th) @ self.w_star
        X = self.population_embedding(th) if not math.isfinite(m) else self.empirical_embedding(th, int(m), rng)
        y = target + self.sigma * rng.standard_normal(N)
        return np.linalg.solve(X.T @ X + lam_per_n * N * np.eye(self.D), X.T @ y)


def first_stage_risks(problem: TwoStageProblem, Ns, reps: int, *, root: int = 0) -> np.ndarray:
    """Exact excess risks of ``reps`` independent m = infinity fits at each ``N``, (reps, len(Ns))."""
    out = np.empty((reps, len(Ns)))
    for i, N in enumerate(Ns):
        rng = child_rng(root, 1, i)
        for r in range(reps):
            out[r, i] = problem.excess_risk(problem.fit(int(N), math.inf, rng))
    return out


def second_stage_risks(problem: TwoStageProblem, N: int, ms, reps: int, *, root: int = 0,
                       key: int = 2) -> np.ndarray:
    """Exact excess risks (train and test contexts of size ``m``), (reps, len(ms))."""
    out = np.empty((reps, len(ms)))
    for i, m in enumerate(ms):
        rng = child_rng(root, key, i)
        for r in range(reps):
            out[r, i] = problem.excess_risk(problem.fit(int(N), m, rng), m_test=m)
    return out


def oracle_second_stage_errors(problem: TwoStageProblem, ms, n_ctx: int, *, root: int = 0) -> np.ndarray:
    """Monte Carlo ``|<w*, e_hat_m - e>|^2`` over ``n_ctx`` contexts per ``m``, (n_ctx, len(ms))."""
    out = np.empty((n_ctx, len(ms)))
    for i, m in enumerate(ms):
        rng = child_rng(root, 3, i)
        th = problem.thetas(n_ctx, rng)
        diff = problem.empirical_embedding(th, int(m), rng) - problem.population_embedding(th)
        out[:, i] = (diff @ problem.w_star) ** 2
    return out


# ---------------------------------------------------------------------------------------
# (c) random-feature approximation of exp(x.y)

def simulate_performer_errors(x: np.ndarray, y: np.ndarray, ms, trials: int, *, kind: str = "positive",
                              root: int = 0, batch: int = 100) -> np.ndarray:
    """Squared errors of the random-feature estimate of ``exp(x.y)``, shape (trials, len(ms)).

    ``kind="positive"``: FAVOR+ features; ``kind="trig"``: trigonometric features.  Each
    trial draws fresh ``omega ~ N(0, I)`` of shape (m, d).
    """
    check_value("kind", kind, RATES_PARAMETERS["kind"])
    fmap = {"positive": fm.performer_positive_features, "trig": fm.trig_random_features}[kind]
    target = math.exp(float(x @ y))
    out = np.empty((trials, len(ms)))
    for i, m in enumerate(ms):
        rng = child_rng(root, 4, i)
        for start in range(0, trials, batch):
            k = min(batch, trials - start)
            omega = rng.standard_normal((k, int(m), x.size))
            fx = np.stack([fmap(x, om) for om in omega])
            fy = np.stack([fmap(y, om) for om in omega])
            out[start:start + k, i] = (np.sum(fx * fy, axis=-1) - target) ** 2
    return out
