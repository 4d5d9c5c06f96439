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
