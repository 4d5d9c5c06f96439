"""The Model pairing a theory with its simulator (checks/model.py): one comparison for CLI, hunt, claims, figures."""

import math

import numpy as np
import pytest

from iclverify.checks.statistics.compare import compare, compare_extrapolated
from iclverify.checks.simulation.lu2024_model import LU2024_MODEL as M
from iclverify.checks.simulation.lu2024_sim import simulate_lu2024
from iclverify.checks.simulation.model import calibrated_comparison, seed_for
from iclverify.theory import lu2024 as L

P = (10, 0.5, 0.5, 0.01, 0.0)


def test_theory_is_the_theory_functions_value_exactly():
    assert M.theory("icl", P) == L.icl_error(*P)
    assert M.theory("idg", P) == L.idg_error(*P)
    assert M.theory("gap", P) == L.task_generalization_gap(*P)
    assert M.theory("icl", dict(zip(M.params, P))) == L.icl_error(*P)


def test_theory_is_looked_up_at_call_time(monkeypatch):
    """A patched (or mutated) theory function is what the model compares: mutation testing relies on it."""
    monkeypatch.setattr(L, "icl_error", lambda *a, **k: 42.0)
    assert M.theory("icl", P) == 42.0


def test_availability_and_sources():
    peak = (2, 0.5, 1.0, 0.1, 0.0)
    assert "τ = 1" in M.unavailable("icl", peak) and "τ = 1" in M.unavailable("idg", peak)
    assert M.unavailable("icl", (2, 0.5, 1.0, 0.1, 0.1)) is None          # ridge: defined at τ = 1
    assert M.source("idg", (3, 0.6, 0.7, 0.05, 0.03)).startswith("DERIVED-HERE")
    assert M.source("idg", P).startswith("CODE")


@pytest.mark.parametrize("bad, match", [((1, 2, 3), "needs 5 values"), ({"alpha": 1}, "missing"),
                                        ((-1, 0.5, 0.5, 0.01, 0.0), "alpha")])
def test_bad_points_are_named(bad, match):
    with pytest.raises(ValueError, match=match):
        M.theory("icl", bad)


def test_quantity_outside_the_model_is_named():
    with pytest.raises(ValueError, match="quantity"):
        M.theory("ood", P)


def test_one_d_simulates_exactly_what_the_simulator_does_and_compares_with_compare():
    c = M.compare(P, 8, 4, 3)
    res = simulate_lu2024(*P, 8, reps=4, seed=3)
    assert c.results[8].icl.tolist() == res.icl.tolist() and c.results[8].idg.tolist() == res.idg.tolist()
    ref = compare(L.icl_error(*P), res.icl, 8, role="diagnostic", label="lu2024 icl")
    got = c.comparisons["icl"]
    assert (got.mean, got.se, got.crit, got.resolution, got.passed) == (ref.mean, ref.se, ref.crit, ref.resolution,
                                                                          ref.passed)
    assert got.z == pytest.approx((res.icl_mean - L.icl_error(*P)) / res.icl_se, rel=1e-12)
    assert "finite-d bias not removed" in str(c) and "resolution" in str(c)


def test_several_d_extrapolate_with_their_own_seeds():
    ds = (8, 10, 12)
    c = M.compare(P, ds, {8: 4, 10: 3, 12: 3}, 5, quantities=("icl",))
    assert c.extrapolated and set(c.comparisons) == {"icl"}
    for d in ds:
        ss = seed_for(5, d)
        assert (ss.entropy, ss.spawn_key) == (5, (d,))
        assert c.results[d].icl.tolist() == simulate_lu2024(*P, d, reps=c.results[d].reps, seed=ss).icl.tolist()
    ref = compare_extrapolated(L.icl_error(*P), ds, [c.results[d].icl for d in ds], role="diagnostic")
    got = c.comparisons["icl"]
    assert (got.mean, got.se, got.resolution) == (ref.mean, ref.se, ref.resolution)
    assert "extrapolated" in got.method and "intercept over d = 8, 10, 12" in str(c)


def test_two_d_and_unavailable_quantities():
    with pytest.raises(ValueError, match="at least three"):
        M.compare(P, (8, 10), 3, 0)
    c = M.compare((2, 0.5, 1.0, 0.1, 0.0), 6, 3, 0)
    assert not c.comparisons and set(c.unavailable) == {"icl", "idg", "gap"}
    one = M.compare(P, 6, 1, 0)
    assert not one.comparisons and "one repeat" in one.unavailable["icl"]


def test_wrong_theory_is_rejected_by_the_same_comparison():
    """The model's extrapolated comparison resolves < 10 % and rejects a wrong statement (ridge IDG with λ dropped,
    134 % off) on the same samples, at a cheap low-variance point."""
    p, ds = (3.0, 1.5, 0.75, 0.2, 0.5), (12, 16, 20, 24)
    c = M.compare(p, ds, 32, 7, quantities=("idg",), role="claim")
    ok = c.comparisons["idg"]
    assert ok.passed and not ok.misfit and ok.resolution < 0.1, ok
    assert c.sources["idg"].startswith("DERIVED-HERE")
    wrong = calibrated_comparison(L.idg_error(*p[:4], 0.0), ds, [c.results[d].idg for d in ds], role="control")
    assert not wrong.passed, wrong


def test_calibrated_comparison_refuses_an_allowance_when_extrapolating():
    x = [np.ones(3), np.ones(3) * 1.1, np.ones(3) * 1.2]
    with pytest.raises(ValueError, match="allowance"):
        calibrated_comparison(1.0, (8, 10, 12), x, allowance=0.1)


def test_formula_spec_is_a_model_with_one_quantity():
    """The extension API's FormulaSpec *is* a Model: its comparison is compare() with the battery's statistic."""
    import sympy as sp

    from iclverify.api import Interval, Model, register_formula, unregister
    from iclverify.checks.statistics.decide import skew_robust

    sig = sp.Symbol("sigma", positive=True)
    sim = lambda p, rng, k: np.abs(p["sigma"] * rng.standard_normal(k))  # noqa: E731
    spec = register_formula("t.model-absmean", sig * sp.sqrt(2 / sp.pi), domains={"sigma": Interval(0, math.inf)},
                            simulate=sim, regime={"sigma": (0.5, 4)}, figure=False)
    try:
        assert isinstance(spec, Model)
        assert spec.params == ("sigma",) and list(spec.quantities) == ["value"] and spec.name == spec.id
        assert spec.theory("value", {"sigma": 2.0}) == spec.value({"sigma": 2.0})
        c = spec.compare({"sigma": 2.0}, None, 500, np.random.default_rng(9), role="claim")
        x = sim({"sigma": 2.0}, np.random.default_rng(9), 500)
        ref = compare(spec.value({"sigma": 2.0}), x, None, role="claim", **skew_robust(x))
        got = c.comparisons["value"]
        assert (got.mean, got.se, got.resolution, got.passed, got.method) == (ref.mean, ref.se, ref.resolution,
                                                                              ref.passed, ref.method)
        assert c.ds == (None,) and "no dimension" in str(c)
        with pytest.raises(ValueError, match="takes no dimension"):
            spec.compare({"sigma": 2.0}, 16, 50, 0)
        with pytest.warns(DeprecationWarning, match="as_model"):
            assert spec.as_model() is spec
        with pytest.warns(DeprecationWarning, match="evaluate"):
            assert spec.theory(sigma=2.0) == spec.evaluate(sigma=2.0)
    finally:
        unregister("t.model-absmean")


def test_a_mutant_put_in_place_by_mutation_testing_is_what_the_model_compares():
    from iclverify.mutation.forms import theory_forms

    form = next(f for f in theory_forms() if f.name == "lu2024.icl_error")
    right = M.theory("icl", P)
    with form.replaced(lambda *a, **k: 1.1 * form.func(*a, **k)):
        assert M.theory("icl", P) == pytest.approx(1.1 * right, rel=1e-15)
    assert M.theory("icl", P) == right
