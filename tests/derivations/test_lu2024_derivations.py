"""Every Lu et al. (2024) derivation closes (PROVED or CHECKED-NUMERICALLY) and `iclverify derive` lists it."""

from __future__ import annotations

import json

import pytest

from iclverify.cli import main
from iclverify.derivations.registry import CHECKED, PROVED

EXPECTED = {
    "lu2024.mp-quadratic-root": PROVED,
    "lu2024.mp-derivative": PROVED,
    "lu2024.kstar-identity": PROVED,
    "lu2024.ridgeless-icl-code-form": PROVED,
    "lu2024.idg-tau-ratio": PROVED,
    "lu2024.tau-inf-limit": PROVED,
    "lu2024.tau-inf-limit-ridge": CHECKED,
    "lu2024.kappa-inf-limit": PROVED,
    "lu2024.epsilon0-identity": (PROVED, CHECKED),
    "lu2024.ridge-to-ridgeless": CHECKED,
    "lu2024.memorization-limit": CHECKED,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_derivation_closes(name, derivation_results):
    res = derivation_results[name]  # run_derivation on each registered derivation, once per session (conftest.py)
    assert res.paper == "lu2024"
    allowed = EXPECTED[name] if isinstance(EXPECTED[name], tuple) else (EXPECTED[name],)
    assert res.status in allowed, res.detail


def test_derive_cli_lists_them(capsys):
    assert main(["derive", "--paper", "lu2024", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    names = {r["name"] for r in out}
    assert set(EXPECTED) <= names
    assert all(r["status"] in (PROVED, CHECKED) for r in out if r["name"] in EXPECTED)


def test_a_wrong_identity_is_not_proved():
    """The machinery rejects a perturbed identity (negative control for the derivations)."""
    import sympy as sp

    from iclverify.derivations.lu2024 import _proved
    from iclverify.theory import _lu2024_formulas as F
    from iclverify.theory.rmt import mp_transform_derivative_expr, mp_transform_expr

    q, u = sp.symbols("q u", positive=True)
    m = mp_transform_expr(q, u)
    wrong = 1 / (1 - u * m**2 / (1 + m) ** 2)  # k* with kappa + m replaced by 1 + m
    assert _proved(wrong * m**2 + mp_transform_derivative_expr(q, u), "wrong k*").status != PROVED
    assert _proved(F.k_star(u, m) * m**2 + mp_transform_derivative_expr(q, u), "k*").status == PROVED
