"""Every exposed theory function validates every parameter against its one declaration.

In the manner of scikit-learn's ``test_public_functions.py`` (the idea, not the code): for each
function that ``iclverify theory NAME`` reaches,

* it is validated, and its declared parameters match its signature (each parameter, and each CLI
  parser, names a declared domain);
* each value outside an :class:`Interval`, outside an :class:`Options` set, not a boolean, or
  listed as invalid by a :class:`Checked` declaration raises a ``ValueError`` naming the parameter;
* each declared :class:`Exclusion` that the function covers raises a ``ValueError`` naming all of
  its parameters.

The other arguments of each call are in-domain values drawn from the same declarations
(``valid_value`` of ``tests/_public_functions.py``), so that the only thing wrong with a call is the value under test.
"""

from __future__ import annotations

import inspect
import math
import re

import numpy as np
import pytest

from _public_functions import naming, parameters, valid_value
from iclverify.theory.exposure import discovery_errors, exposed
from iclverify.theory.parameters import Checked, Interval, exclusions_of, parameter_space

_REGISTRY = exposed()
# one entry per function (a formula exposed under two names is tested once, under its first name)
_FUNCS: dict = {}
for _name, _exp in _REGISTRY.items():
    _FUNCS.setdefault(id(inspect.unwrap(_exp.func)), _exp)
EXPOSED = sorted(_FUNCS.values(), key=lambda e: e.name)


def _base_call(func) -> dict:
    """Keyword arguments: the signature default where there is one, else a declared in-domain value."""
    space = parameter_space(func)
    out = {}
    for p in parameters(func):
        if p.default is inspect.Parameter.empty:
            out[p.name] = valid_value(space[p.name])
        else:
            out[p.name] = p.default
    return out


def _bad_cases():
    for exp in EXPOSED:
        space = parameter_space(exp.func)
        if space is None:
            continue
        for p in parameters(exp.func):
            dom = space[p.name]
            for bad in dom.invalid_values():
                yield pytest.param(exp, p.name, bad, id=f"{exp.name}-{p.name}={bad!r}")


def _exclusion_cases():
    for exp in EXPOSED:
        space = parameter_space(exp.func)
        names = {p.name for p in parameters(exp.func)}
        for exc in (space.exclusions if space is not None else ()):
            # covered: the function takes every parameter and every excluded value lies in its own domain
            covered = all(k in names and bool(space[k].contains(v)) for k, v in exc.point.items())
            assert covered == (exc in exclusions_of(exp.func)), f"{exp.name}: {exc} enforced where it should not be"
            if covered:
                yield pytest.param(exp, exc, id=f"{exp.name}-{exc}")


def test_every_exposed_function_is_found():
    # discovery records a module that fails to import (e.g. an undeclared parameter) instead of raising
    assert not discovery_errors(), discovery_errors()
    assert len(EXPOSED) >= 40, f"only {len(EXPOSED)} exposed functions found"


@pytest.mark.parametrize("exp", EXPOSED, ids=lambda e: e.name)
def test_declared_parameters_match_the_signature(exp):
    space = parameter_space(exp.func)
    assert space is not None, f"{exp.name} is exposed but not @validated: its inputs go unchecked"
    params = [p.name for p in parameters(exp.func)]
    undeclared = [n for n in params if n not in space]
    assert not undeclared, f"{exp.name}: parameters without a declared domain: {undeclared}"
    stray = sorted(set(exp.parsers) - set(params))
    assert not stray, f"{exp.name}: CLI parsers for names that are not parameters: {stray}"
    for p in parameters(exp.func):  # a declared default lies in its own domain (None: "not given")
        if p.default is not inspect.Parameter.empty and p.default is not None:
            dom = space[p.name]
            if not isinstance(dom, Checked):
                assert np.all(dom.contains(p.default)), f"{exp.name}: default {p.name}={p.default!r} outside {dom}"


@pytest.mark.parametrize("exp, name, bad", list(_bad_cases()))
def test_a_bad_value_raises_naming_the_parameter(exp, name, bad):
    kwargs = _base_call(exp.func)
    kwargs[name] = bad
    with pytest.raises(ValueError, match=naming(name)):
        exp.func(**kwargs)


@pytest.mark.parametrize("exp, exc", list(_exclusion_cases()))
def test_an_excluded_combination_raises_naming_its_parameters(exp, exc):
    kwargs = _base_call(exp.func)
    kwargs.update(exc.point)
    with pytest.raises(ValueError) as info:
        exp.func(**kwargs)
    for name in exc.names:
        assert re.search(naming(name), str(info.value)), str(info.value)


@pytest.mark.parametrize("exp, exc", list(_exclusion_cases()))
def test_an_exclusion_is_only_that_point(exp, exc):
    """Moving either coordinate off the excluded point is accepted by validation (the exclusion is not wider)."""
    for name, value in exc.point.items():
        kwargs = _base_call(exp.func)
        kwargs.update(exc.point)
        kwargs[name] = value + 0.5
        exp.func(**kwargs)  # no ValueError


def test_the_cases_cover_every_kind_of_constraint():
    kinds = {type(parameter_space(e.func)[p.name]).__name__ for e in EXPOSED for p in parameters(e.func)}
    assert {"Interval", "Options", "Boolean", "Checked"} <= kinds
    assert list(_exclusion_cases()), "no exposed function covers a declared exclusion"
    assert math.isnan(next(v for v in Interval(0, 1).invalid_values()))
