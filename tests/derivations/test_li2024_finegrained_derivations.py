"""Li-Rawat-Oymak 2024 derivations: all PROVED, and the moment machinery rejects a perturbed formula."""

import pytest
import sympy as sp

from iclverify.derivations import li2024_finegrained as der
from iclverify.derivations.registry import PROVED, derivations, run_derivation


@pytest.mark.parametrize("d", [x for x in derivations("li2024_finegrained")], ids=lambda d: d.name)
def test_derivation_proved(d, derivation_results):
    res = derivation_results[d.name]  # run_derivation on each registered derivation, once per session (conftest.py)
    assert res.status == PROVED, res.detail


def test_gaussian_expectation_and_negative_control():
    z, w = sp.symbols("z w")
    assert der._gaussian_expectation(z**4 * w**2 + z**3, [z, w]) == 3
    # RAG at d = 1: the i = i term with (d+5) replaced by (d+4) is rejected by the same exact-moment comparison
    from iclverify.theory import li2024_finegrained_alignment as al

    a, b, s = sp.symbols("a b s", positive=True)
    x, g, beta = sp.symbols("x g beta")
    t = x * (a * x + b * g) * ((a * x + b * g) * beta)
    exact = der._gaussian_expectation(t**2, [x, g, beta])
    good = al._rag_D1.subs({al._a: a, al._b: b, al._d: 1})
    bad = (al._a**4 * al._m3 + al._a**2 * al._b**2 * (al._d + 4) * al._m2 + al._b**4 * al._m2).subs(
        {al._a: a, al._b: b, al._d: 1})
    assert sp.expand(good - exact) == 0
    assert sp.expand(bad - exact) != 0


def test_population_loss_sides_are_built_independently(monkeypatch):
    """Issue 15: the E[hhᵀ] of ``population-loss`` comes from MGF moments, the closed form is written
    separately, so a wrong closed form (Wishart n(n+1) → n²) or a wrong moment (Isserlis with one pairing
    dropped) makes the derivation fail instead of comparing an expression with itself."""
    Sx, Sb = der._sym_matrix("x", 2), der._sym_matrix("b", 2)
    s2 = sp.Symbol("sigma2")
    assert der._ehh_from_moments(Sx, Sb, s2) is not der._ehh_closed_form(Sx, Sb, s2)
    assert run_derivation(next(d for d in derivations("li2024_finegrained") if d.name.endswith("population-loss"))
                          ).status == PROVED

    def wrong_closed(Sx, Sb, s2):
        return der._n**2 * Sx * Sb * Sx + der._n * ((Sx * Sb).trace() + s2) * Sx

    monkeypatch.setattr(der, "_ehh_closed_form", wrong_closed)
    assert der.population_loss().status != PROVED


def test_population_loss_fails_on_a_wrong_moment(monkeypatch):
    orig = der._fourth_moment_from_mgf

    def two_pairings(Sigma):  # Isserlis with the Σ_ae Σ_bc pairing dropped
        out = orig(Sigma)
        return {k: v - Sigma[k[0], k[3]] * Sigma[k[1], k[2]] for k, v in out.items()}

    monkeypatch.setattr(der, "_fourth_moment_from_mgf", two_pairings)
    assert der.population_loss().status != PROVED
