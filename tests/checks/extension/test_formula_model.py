"""A registered formula is a Model: the battery's Monte Carlo check is ``Model.compare``, and a d -> infinity
formula (``ds=``) is extrapolated over three or more d like the package's own models."""

import math

import numpy as np
import pytest
import sympy as sp

from iclverify.api import Interval, Model, RegistrationError, RunConfig, Verdict, register_formula, verify
from iclverify.checks.extension.battery_example import register_example

mu = sp.Symbol("mu")
DOM = {"mu": Interval(0, math.inf)}
DS = (8, 16, 32)


def biased(p, rng, n, d):
    """Samples whose mean is mu (1 + 2/d): the d -> infinity limit is mu, the excess is exactly 2 mu / d."""
    return rng.normal(p["mu"] * (1 + 2 / d), 0.5, size=n)


def test_the_battery_monte_carlo_rows_are_the_models_comparison(registered):
    """One path: the battery's row at the regime's centre is ``spec.compare`` at that point with the point's seed."""
    registered.append("fm.pgd")
    spec = register_example("fm.pgd", figure=False)
    assert isinstance(spec, Model)
    ev = verify("fm.pgd")
    row = ev.measurements["mc_points"][0]
    seed = np.random.SeedSequence(RunConfig().seed, spawn_key=(0,)).spawn(2)[1]
    c = spec.compare(spec.reference, None, spec.sample_sizes[0], np.random.default_rng(seed), role="diagnostic")
    got = c.comparisons["value"]
    assert row["spawn_key"] == [0] and row["params"] == spec.reference
    assert (row["theory"], row["mean"], row["se"], row["z"], row["resolution"], row["passed"]) == \
        (got.theory, got.mean, got.se, got.z, got.resolution, got.passed)


def test_a_d_to_infinity_formula_is_extrapolated_over_its_ds(registered):
    registered += ["fm.limit", "fm.limit-at-largest-d"]
    kw = dict(domains=DOM, simulate=biased, regime={"mu": (1, 2)}, ds=DS, samples=(20000, 20000), figure=False)
    spec = register_formula("fm.limit", mu, **kw)
    ev = verify("fm.limit")
    assert ev.verdict is Verdict.CONFIRMED, ev.reason
    assert ev.resolution <= 0.05 and all(c.rejected for c in ev.controls) and ev.controls
    for row in ev.measurements["mc_points"]:
        assert row["ds"] == list(DS) and "extrapolated" in row["method"] and row["passed"]
    # The same samples at one d keep the finite-d excess (2/32 = 6 % at the largest d) and reject the limit:
    # extrapolation removes the bias that a one-d comparison would have to allow for.
    one = spec.compare({"mu": 1.5}, 32, 20000, 0).comparisons["value"]
    assert not one.passed and one.mean == pytest.approx(1.5 * (1 + 2 / 32), rel=0.01)
    # A wrong statement, the finite-d value at the largest d, is refused by the extrapolated check.
    wrong = register_formula("fm.limit-at-largest-d", mu * (1 + sp.Rational(2, 32)), **kw)
    assert wrong.ds == DS
    bad = verify("fm.limit-at-largest-d")
    assert bad.verdict is Verdict.REFUTED and "Monte Carlo" in bad.reason


def test_a_formula_without_ds_keeps_its_one_point_comparison(registered):
    registered.append("fm.plain")
    spec = register_formula("fm.plain", 3 * mu, domains=DOM, simulate=lambda p, rng, n: rng.normal(3 * p["mu"], 1, n),
                            regime={"mu": (1, 2)}, samples=(4000, 4000), figure=False)
    assert spec.ds is None
    ev = verify("fm.plain")
    assert ev.verdict is Verdict.CONFIRMED and all("ds" not in r for r in ev.measurements["mc_points"])
    assert all(r["d"] is None and r["method"].startswith("mean") for r in ev.measurements["mc_points"])


@pytest.mark.parametrize("kwargs, match", [
    (dict(ds=(8, 16)), "at least three distinct dimensions"),
    (dict(ds=(8, 8, 16)), "at least three distinct dimensions"),
    (dict(ds=(0, 8, 16)), "at least three distinct dimensions"),
    (dict(ds=DS, allowance=0.1), "excludes d_param= and allowance="),
    (dict(ds=DS, simulate=lambda p, rng, n: rng.normal(p["mu"], 1, n)), "take the dimension as a keyword"),
    (dict(ds=DS, simulate=None, limits=[("mu", 0, 0)]), "needs a simulator"),
    (dict(ds="abc"), "integer dimensions"),
])
def test_bad_ds_is_refused_at_registration(kwargs, match):
    kw = dict(domains=DOM, simulate=biased, regime={"mu": (1, 2)}, figure=False) | kwargs
    with pytest.raises(RegistrationError, match=match):
        register_formula("fm.bad", mu, **kw)
