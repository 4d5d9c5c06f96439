"""PROVED means two independently built expressions reduced to zero: a derivation's sides must not share construction.

Derivations that return their two sides (``DerivationResult.sides``, built with
:func:`iclverify.derivations.registry.build_side`) are checked here: the sides are not the same
object, and no theory function that builds one side directly is called while building the other.
Every registered derivation, of every paper, returns its sides (the allow-list of derivations without sides is
gone); numerical ones compare two independently built lists of 50-digit values and are never PROVED.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from iclverify.derivations.registry import (
    CHECKED, FAILED, PROVED, SHARED, Side, build_side, check_sides, combine, derivations, prove_sides,
    shared_construction, side_pairs,
)
from iclverify.theory import _lu2024_formulas as F
from iclverify.theory.rmt import mp_transform_derivative_expr, mp_transform_expr

q, rho, tau, u = sp.symbols("q rho tau u", positive=True)


@pytest.fixture(scope="module")
def results(derivation_results):
    """Every registered derivation, of every paper, run once (the session's shared run, ``conftest.py``)."""
    return derivation_results


def test_every_derivation_returns_its_sides(results):
    """No allow-list: a derivation that is PROVED or CHECKED-NUMERICALLY shows the two sides it compared."""
    papers = {r.paper for r in results.values()}
    assert {"lu2024", "li2024_finegrained", "liu_zhou_2026"} <= papers
    missing = sorted(name for name, r in results.items() if not side_pairs(r))
    assert not missing, f"derivations without sides: {missing}"


@pytest.mark.parametrize("name", [d.name for d in derivations()])
def test_proved_derivations_have_independent_sides(results, name):
    res = results[name]
    assert res.status in (PROVED, CHECKED), (name, res.status, res.detail)
    for what, lhs, rhs, common in side_pairs(res):
        assert lhs is not rhs, (name, what)
        assert lhs.expr is not rhs.expr or getattr(lhs.expr, "is_Number", False), (name, what)
        assert shared_construction(lhs, rhs, common) == [], (name, what, shared_construction(lhs, rhs, common))


def test_numerical_derivations_are_never_proved(results):
    """The derivations resting on mpmath at large tau / small lam are CHECKED-NUMERICALLY, not PROVED."""
    for name in ("lu2024.tau-inf-limit-ridge", "lu2024.ridge-to-ridgeless", "lu2024.memorization-limit"):
        assert results[name].status == CHECKED, (name, results[name].detail)


def test_the_tautological_tau_limit_is_caught():
    """The old construction: the clean tau > 1 form is *built* as icl_tau_inf + .../(tau-1)."""
    m, dm = mp_transform_expr(q, u), mp_transform_derivative_expr(q, u)
    clean = build_side(lambda: F.ridgeless_icl_gt1(q, rho, tau, m, dm))
    lhs = Side(sp.limit(clean.expr, tau, sp.oo), clean.builders, clean.calls)
    rhs = build_side(lambda: F.icl_tau_inf(q, rho, 0, m, dm))
    why = shared_construction(lhs, rhs)
    assert why and "icl_tau_inf" in why[0]
    assert prove_sides(lhs, rhs, "tautological limit").status == SHARED


def test_the_same_object_on_both_sides_is_caught():
    side = build_side(lambda: F.k_star(u, q))
    assert prove_sides(side, side, "x - x").status == SHARED


def test_independent_sides_that_differ_fail():
    """The check is not a rubber stamp: independently built, unequal sides are FAILED."""
    m = mp_transform_expr(q, u)
    lhs = build_side(lambda: F.ridgeless_idg_gt1(q, rho, tau, m))
    rhs = build_side(lambda: F.idg_tau_inf(q, rho, 0, m, mp_transform_derivative_expr(q, u)))
    assert prove_sides(lhs, rhs, "finite tau vs tau = inf").status == "FAILED"


def test_decorated_theory_functions_are_told_apart():
    """Validated public functions run through one decorator ``wrapper``; build_side records the functions themselves."""
    from iclverify.theory import lu2024 as L

    with mpmath.workdps(30):
        finite = build_side(lambda: L.icl_error(10, 0.5, mpmath.mpf("1e10"), mpmath.mpf("0.01"), mpmath.mpf("0.1"),
                                                dps=30))
        at_inf = build_side(lambda: L.icl_error_tau_inf(10, 0.5, mpmath.mpf("0.01"), mpmath.mpf("0.1"), dps=30))
        again = build_side(lambda: L.icl_error(10, 0.5, mpmath.mpf("1e20"), mpmath.mpf("0.01"), mpmath.mpf("0.1"),
                                               dps=30))
    assert finite.builders == {"iclverify.theory.lu2024.icl_error"}
    assert at_inf.builders == {"iclverify.theory.lu2024.icl_error_tau_inf"}
    assert shared_construction(finite, at_inf) == []
    # one function at two arguments is one construction: numerically equal values of it prove nothing
    assert shared_construction(finite, again)


def test_numerical_sides_are_checked_never_proved():
    with mpmath.workdps(50):  # 1/3 against 22 threes: relative difference 1e-22
        lhs = build_side(lambda: [mpmath.mpf(1) / 3, mpmath.mpf(2)])
        rhs = build_side(lambda: [mpmath.mpf("0.3333333333333333333333"), mpmath.mpf(2)])
        assert check_sides(lhs, rhs, "values", 1e-15).status == CHECKED
        assert check_sides(lhs, rhs, "values", 1e-30).status == FAILED
        assert check_sides(lhs, lhs, "values", 1e-15).status == SHARED


def test_a_derivation_is_as_weak_as_its_weakest_identity():
    a = build_side(lambda: (q + 1) ** 2)
    b = build_side(lambda: q**2 + 2 * q + 1)
    proved = prove_sides(a, b, "binomial")
    shared = prove_sides(a, a, "x - x")
    checked = check_sides(build_side(lambda: [mpmath.mpf(1)]), build_side(lambda: [mpmath.mpf(1)]), "one", 1e-12)
    assert combine([proved]).status == PROVED
    assert combine([proved, checked]).status == CHECKED
    assert combine([proved, shared, checked]).status == SHARED
    assert len(combine([proved, checked]).side_pairs) == 2
    # a supplementary numerical check of the implementation does not lower a proof, a failed one sinks it
    assert combine([proved], checks=[checked]).status == PROVED
    failed = check_sides(build_side(lambda: [mpmath.mpf(1)]), build_side(lambda: [mpmath.mpf(2)]), "one", 1e-12)
    assert combine([proved], checks=[failed]).status == FAILED


def test_the_epsilon0_proof_rejects_a_wrong_epsilon0(monkeypatch):
    """eps0 without the 1/tau factor does not solve the quadratic: the proof fails instead of passing."""
    from iclverify.derivations import lu2024 as der

    assert der.epsilon0_identity().status == PROVED
    monkeypatch.setattr(der.F, "epsilon0", lambda q, tau, mu: (1 - tau) * q / mu)
    assert der.epsilon0_identity().status == FAILED


def test_the_compute_optimal_split_rejects_a_wrong_exponent(monkeypatch):
    from iclverify.derivations import liu_zhou_2026 as der

    a, b, p, q_, T = (sp.Symbol(n, positive=True) for n in ("a", "b", "p", "q", "T"))
    wrong = (b * q_ / (a * p)) ** (1 / (p + q_)) * T ** (q_ / (p + q_))  # T^{q/(p+q)} instead of T^{p/(p+q)}
    monkeypatch.setattr(der.lz, "compute_optimal_m_expr", lambda: wrong)
    assert der._derive_split().status == FAILED
