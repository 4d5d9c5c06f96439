"""iclverify.testing: the one three-way test (sympy exact vs mpmath vs numpy) can fail, and says where."""

import mpmath
import pytest
import sympy as sp

from iclverify.testing import assert_three_way, rel_diff, three_way_failures
from iclverify.theory.closed_form import ClosedForm

x, y = sp.symbols("x y", positive=True)
F = ClosedForm(x**2 / (x + y), {"x": x, "y": y})
POINTS = [(sp.Rational(1, 3), sp.Rational(2, 7)), (3, 5), (sp.Rational(1, 10**6), 1)]


def _exact(a, b):
    return F.exact(x=a, y=b)


def test_closed_form_agrees_three_ways():
    assert_three_way(POINTS, _exact, lambda a, b: F.mp(60, x=a, y=b), lambda a, b: F.numpy(x=float(a), y=float(b)),
                     rtol_np=1e-15)


def test_a_float64_slip_is_listed_with_its_point():
    bad = three_way_failures(POINTS, _exact, lambda a, b: F.mp(60, x=a, y=b),
                             lambda a, b: F.numpy(x=float(a), y=float(b)) * (1 + 1e-7))
    assert len(bad) == 3 and bad[1].startswith("point (3, 5)")
    with pytest.raises(AssertionError, match="3 point"):
        assert_three_way(POINTS, _exact, lambda a, b: F.mp(60, x=a, y=b),
                         lambda a, b: F.numpy(x=float(a), y=float(b)) * (1 + 1e-7))


def test_a_low_precision_mpmath_path_is_caught():
    def mp15(a, b):
        with mpmath.workdps(15):
            return +F.mp(15, x=a, y=b)

    assert three_way_failures([(sp.Rational(1, 3), sp.Rational(2, 7))], _exact, mp15,
                              lambda a, b: F.numpy(x=float(a), y=float(b)))


def test_non_finite_float64_fails_and_a_vanishing_value_uses_the_scale():
    assert three_way_failures([(1, 1)], _exact, lambda a, b: F.mp(60, x=a, y=b), lambda a, b: float("nan"))
    assert rel_diff(0, 1e-30, scale=1.0) == pytest.approx(1e-30)
    assert rel_diff(0, 1e-30) == 1.0
