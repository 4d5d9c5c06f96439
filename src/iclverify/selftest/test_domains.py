"""Domain machinery: one declaration validates calls and generates hypothesis draws."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iclverify.theory.parameters import Interval, ParameterSpace, check_value, validated

SPACE = ParameterSpace("selftest", {
    "a": Interval(0, math.inf, description="a positive scale"),
    "k": Interval(0, math.inf, allow_inf=True),
    "n": Interval(1, math.inf, low_open=False, integer=True),
    "t": Interval(0, 10, excluded=(1.0,)),
})


@validated(SPACE)
def _f(a, k=1.0, n=2, t=0.5):
    return a, k, n, t


@given(SPACE["a"].strategy(1e-3, 1e3, log=True), SPACE["n"].strategy(1, 50), SPACE["t"].strategy(0, 10))
def test_drawn_values_are_members_and_pass_validation(a, n, t):
    assert SPACE["a"].contains(a) and SPACE["n"].contains(n) and SPACE["t"].contains(t)
    assert _f(a, n=n, t=t) == (a, 1.0, n, t)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_membership_matches_the_definition(x):
    inside = (not math.isnan(x)) and 0 < x < 10 and x != 1.0
    assert bool(SPACE["t"].contains(x)) == inside


@pytest.mark.parametrize("kwargs, name", [({"a": -1.0}, "a"), ({"a": 1.0, "n": 2.5}, "n"),
                                          ({"a": 1.0, "t": 1.0}, "t"), ({"a": float("nan")}, "a")])
def test_bad_values_raise_naming_parameter_value_and_domain(kwargs, name):
    with pytest.raises(ValueError, match=rf"\b{name}\b.*domain of {name}"):
        _f(**kwargs)


def test_infinity_only_where_declared():
    assert _f(1.0, k=math.inf)[1] == math.inf
    with pytest.raises(ValueError, match="domain of a"):
        check_value("a", math.inf, SPACE["a"])


def test_choices_and_excluded_combinations_are_declared_too():
    from iclverify.theory.parameters import Exclusion, Options

    space = ParameterSpace("selftest-choices", {"a": Interval(0, math.inf), "b": Interval(0, math.inf, low_open=False),
                                                "kind": Options(("icl", "idg"))},
                           exclusions=(Exclusion({"a": 1.0, "b": 0.0}, "a = 1 needs b > 0"),))

    @validated(space)
    def g(a, b=0.0, kind="icl"):
        return a

    assert g(2.0) == 2.0 and g(1.0, 0.5) == 1.0
    with pytest.raises(ValueError, match="kind='x' is outside the domain of kind"):
        g(2.0, kind="x")
    with pytest.raises(ValueError, match=r"a=1 with b=0 is outside the domain of \(a, b\)"):
        g(1.0)
