"""PROVED means two independently built expressions reduced to zero: a derivation's sides must not share construction.

Derivations that return their two sides (``DerivationResult.sides``, built with
:func:`iclverify.derivations.registry.build_side`) are checked here: the sides are not the same
object, and no theory function that builds one side directly is called while building the other.
Derivations that do not return sides yet are listed explicitly (a shrinking allow-list; a stale entry fails).
"""

from __future__ import annotations

import sympy as sp

from iclverify.derivations.registry import (
    PROVED, SHARED, Side, build_side, derivations, prove_sides, run_derivation, shared_construction,
)
from iclverify.theory import _lu2024_formulas as F
from iclverify.theory.rmt import mp_transform_derivative_expr, mp_transform_expr

#: Derivations that return their two sides (run here).
WITH_SIDES = ("lu2024.tau-inf-limit", "lu2024.finite-d-error")

#: Registered derivations that do not return sides yet (their owners convert them; the list only shrinks).
WITHOUT_SIDES = {
    "li2024_finegrained.att-reduces-to-pgd", "li2024_finegrained.h3-reduces-to-wpgd",
    "li2024_finegrained.lowrank-eckart-young", "li2024_finegrained.population-loss",
    "li2024_finegrained.rag-alignment-moments", "li2024_finegrained.wishart-isserlis",
    "liu_zhou_2026.compute-optimal-split", "liu_zhou_2026.cosformer-decomposition", "liu_zhou_2026.hedgehog-kernel",
    "liu_zhou_2026.kme-variance", "liu_zhou_2026.linear-attention-kernel-smoother", "liu_zhou_2026.moment-blindness",
    "liu_zhou_2026.performer-moments", "liu_zhou_2026.permutation-replication-invariance",
    "liu_zhou_2026.regularity-zeta", "liu_zhou_2026.taylor2-kernel", "liu_zhou_2026.trig-rf-moments",
    "lu2024.epsilon0-identity", "lu2024.idg-tau-ratio", "lu2024.kappa-inf-limit", "lu2024.kstar-identity",
    "lu2024.memorization-limit", "lu2024.mp-derivative", "lu2024.mp-quadratic-root", "lu2024.ridge-to-ridgeless",
    "lu2024.ridgeless-icl-code-form", "lu2024.tau-inf-limit-ridge",
}

q, rho, tau, u = sp.symbols("q rho tau u", positive=True)


def test_every_derivation_is_checked_or_listed():
    names = {d.name for d in derivations()}
    assert not (set(WITH_SIDES) - names), "a checked derivation is not registered"
    stale = sorted(WITHOUT_SIDES - names)
    assert not stale, f"listed derivations that no longer exist (remove them): {stale}"
    # new derivations of other helpers may appear on main; they must be listed or return sides
    unlisted = sorted(names - WITHOUT_SIDES - set(WITH_SIDES))
    for name in unlisted:
        (d,) = [d for d in derivations() if d.name == name]
        res = run_derivation(d)
        assert res.status != PROVED or res.sides, f"{name} is PROVED without returning its sides (list it or add them)"


def test_proved_derivations_have_independent_sides():
    for d in derivations("lu2024"):
        if d.name not in WITH_SIDES:
            continue
        res = run_derivation(d)
        assert res.status == PROVED, (d.name, res.detail)
        lhs, rhs = res.sides
        assert lhs is not rhs and lhs.expr is not rhs.expr
        assert shared_construction(lhs, rhs) == [], (d.name, shared_construction(lhs, rhs))


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
