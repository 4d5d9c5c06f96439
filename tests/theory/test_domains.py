import math

import numpy as np
import pytest
from hypothesis import given

from iclverify.theory.parameters import Interval, ParameterSpace, check_value, validated
from iclverify.theory.domains import LU2024, RIDGELESS_TAU

SPACE = ParameterSpace("t", {"a": Interval(0, math.inf), "k": Interval(0, math.inf, allow_inf=True),
                             "n": Interval(1, math.inf, low_open=False, integer=True)})


@validated(SPACE, a=SPACE["a"].with_(excluded=(1.0,)))
def _f(a, k=1.0, n=2):
    return a, k, n


@pytest.mark.parametrize("kwargs, name", [
    ({"a": -1.0}, "a"), ({"a": 0.0}, "a"), ({"a": float("nan")}, "a"), ({"a": 1.0}, "a"),
    ({"a": 2.0, "k": -3.0}, "k"), ({"a": 2.0, "n": 1.5}, "n"), ({"a": 2.0, "n": 0}, "n"),
    ({"a": np.array([0.5, -0.5])}, "a"), ({"a": "x"}, "a"),
])
def test_bad_input_names_parameter_value_and_domain(kwargs, name):
    with pytest.raises(ValueError, match=rf"\b{name}\b.*domain"):
        _f(**kwargs)


def test_good_input_passes_and_inf_allowed_only_where_declared():
    assert _f(2.0, math.inf, 3) == (2.0, math.inf, 3)
    with pytest.raises(ValueError, match="a"):
        _f(math.inf)
    out = _f(np.array([0.5, 2.0]))[0]
    assert isinstance(out, np.ndarray)


def test_interval_str():
    assert str(RIDGELESS_TAU) == "(0, inf) excluding {1}"
    assert str(LU2024["kappa"]) == "(0, inf]"
    assert str(LU2024["rho"]) == "[0, inf)"


@given(LU2024["alpha"].strategy(1e-3, 1e3, log=True), RIDGELESS_TAU.strategy(0.05, 5))
def test_strategies_stay_in_domain(alpha, tau):
    assert check_value("alpha", alpha, LU2024["alpha"]) == alpha
    assert tau != 1.0 and check_value("tau", tau, RIDGELESS_TAU) == tau


# -- the rest of the vocabulary: Options, Boolean, Checked, Exclusion, strictness ------------------------------
from iclverify.theory.domains import DEVICES, LU2024_ASYMPTOTIC, LU2024_SIMULATION, RIDGELESS_PEAK  # noqa: E402
from iclverify.theory.parameters import (Boolean, Checked, Exclusion, Options,  # noqa: E402
                                         UndeclaredParameterError)

_VOCAB = ParameterSpace("v", {"x": Interval(0, math.inf), "y": Interval(0, math.inf, low_open=False),
                              "kind": Options(("icl", "idg"), description="which error"),
                              "flag": Boolean("a switch"), "mat": Checked("a matrix, checked in the body")},
                        exclusions=(Exclusion({"x": 1.0, "y": 0.0}, "x = 1 needs y > 0"),))


@validated(_VOCAB)
def _g(x, y=0.0, kind="icl", flag=False, mat=None):
    return x, y, kind, flag, mat


@pytest.mark.parametrize("kwargs, pattern", [
    ({"x": 2.0, "kind": "icll"}, r"kind='icll' is outside the domain of kind \(which error\): one of "
                                 r"\{'icl', 'idg'\}; did you mean 'icl'\?"),
    ({"x": 2.0, "kind": 1}, r"kind=1 is outside the domain of kind"),
    ({"x": 2.0, "flag": "no"}, r"flag='no' is outside the domain of flag \(a switch\): \{True, False\}"),
    ({"x": 1.0}, r"x=1 with y=0 is outside the domain of \(x, y\): x = 1 needs y > 0"),
    ({"x": np.array([0.5, 1.0]), "y": np.array([0.0, 0.0])}, r"x=1 with y=0"),
])
def test_options_booleans_and_exclusions_raise_with_the_declared_words(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        _g(**kwargs)


def test_an_exclusion_is_that_point_only_and_a_checked_value_passes_through():
    assert _g(1.0, 0.5)[:2] == (1.0, 0.5) and _g(2.0, 0.0)[:2] == (2.0, 0.0)
    out = _g(np.array([0.5, 1.0]), np.array([0.0, 0.1]))
    assert out[0].shape == (2,)
    m = object()
    assert _g(2.0, mat=m)[4] is m
    assert _g(2.0, flag=np.bool_(True))[3] is True


def test_a_parameter_without_a_declaration_is_an_error_at_definition():
    with pytest.raises(UndeclaredParameterError, match=r"undeclared_thing"):
        @validated(_VOCAB)
        def _h(x, undeclared_thing=1):
            return x
    with pytest.raises(ValueError, match=r"z: not a parameter of v"):
        _VOCAB.validate(z=1.0)


def test_declarations_must_be_constraints():
    with pytest.raises(TypeError, match="expected one of"):
        ParameterSpace("bad", {"a": (0, 1)})
    with pytest.raises(TypeError, match="undeclared parameters"):
        ParameterSpace("bad", {"a": Interval()}, exclusions=(Exclusion({"b": 0.0}, "?"),))
    with pytest.raises(TypeError, match="not one of"):
        Options(("a", "b"), default="c")


def test_the_ridgeless_peak_is_excluded_from_the_asymptotic_formulas_only():
    assert RIDGELESS_PEAK in LU2024_ASYMPTOTIC.exclusions and not LU2024.exclusions
    from iclverify.theory.lu2024 import icl_error

    with pytest.raises(ValueError, match=r"tau=1 with lam=0 is outside the domain of \(tau, lam\)"):
        icl_error(10, 0.5, 1.0, 0.01, 0.0)
    assert icl_error(10, 0.5, 1.0, 0.01, 0.1) > 0  # lam > 0 removes the divergence (note §3.2)


def test_the_simulator_settings_are_declared_once():
    """The simulator's tuples, its signature defaults and the CLI's choices are the declared Options."""
    import inspect as _inspect

    from iclverify.checks.simulation import _lu2024_fit, array_backend, lu2024_sim
    from iclverify.cli import build_parser

    assert set(DEVICES.choices) == set(array_backend.BACKENDS)
    for name, tup in (("method", lu2024_sim.METHODS), ("tasks", lu2024_sim.TASKS),
                      ("assignment", lu2024_sim.ASSIGNMENTS), ("solver", _lu2024_fit.SOLVERS),
                      ("discretisation", lu2024_sim.DISCRETISATIONS)):
        assert tuple(LU2024_SIMULATION[name].choices) == tuple(tup), name
    sig = _inspect.signature(lu2024_sim.simulate_lu2024).parameters
    for name, dom in LU2024_SIMULATION.domains.items():
        if isinstance(dom, Options):
            assert sig[name].default == dom.default, name
    args = build_parser().parse_args(["simulate", "lu2024"])
    for name in ("method", "tasks", "assignment", "solver", "device"):
        assert getattr(args, name) == LU2024_SIMULATION[name].default
