"""A wrong formula must not be CONFIRMED (issue 14, part 3).

Public theory functions of ``iclverify.theory.li2024_finegrained*`` are wrapped the way a user (or a
mutation tool) would: by replacing the module attribute.  The claims look their theory functions up
as module attributes at call time, so the wrapped version is the one they judge; each registered
claim that uses the mutated function is re-run at quick scale and must not come out CONFIRMED.

The families: the Eq. 8 optimal risk scaled by 1.02 and 1.05; the H3 / WPGD sample weights (the family
whose mutant survived the exercise reported in issue 14) with the Wishart "+1" dropped or tilted by
±5 %; the WPGD preconditioner and risk scaled.
"""

import ast
import functools
import pathlib

import numpy as np
import pytest

from iclverify.checks.claims import RunConfig, Verdict, get_claim, run_claim
from iclverify.theory import li2024_finegrained as th
from iclverify.theory import li2024_finegrained_wpgd as wp

P = "li2024_finegrained."


def _scaled(f, factor):
    @functools.wraps(f)
    def wrong(*args, **kwargs):
        return f(*args, **kwargs) * factor

    return wrong


def _verdict(short):
    return run_claim(get_claim(P + short), RunConfig(quick=True))


@pytest.mark.parametrize("factor", [1.02, 1.05])
@pytest.mark.parametrize("short", ["iid-isotropic-optimum", "noisy-isotropic-optimum", "equicorrelated-optimum",
                                   "general-covariance-optimum"])
def test_eq8_optimal_risk_scaled_is_not_confirmed(monkeypatch, short, factor):
    monkeypatch.setattr(th, "optimal_risk", _scaled(th.optimal_risk, factor))
    ev = _verdict(short)
    assert ev.verdict is not Verdict.CONFIRMED, ev.reason


def test_eq8_optimal_risk_scaled_fails_the_monte_carlo_comparison(monkeypatch):
    """Claim 4 (random covariances) is the one whose only check of Eq. 8 is the Monte Carlo risk: 2 % must be
    rejected by the comparison itself, not by a table lookup."""
    monkeypatch.setattr(th, "optimal_risk", _scaled(th.optimal_risk, 1.02))
    ev = _verdict("general-covariance-optimum")
    rows = [r for r in ev.comparisons if r["point"] == "risk at W*"]
    assert ev.verdict is Verdict.REFUTED and rows and not rows[0]["passed"], ev.reason


def test_optimal_preconditioner_scaled_is_not_confirmed(monkeypatch):
    monkeypatch.setattr(th, "optimal_preconditioner", _scaled(th.optimal_preconditioner, 1.05))
    ev = _verdict("general-covariance-optimum")
    assert ev.verdict is not Verdict.CONFIRMED, ev.reason


def _heteroscedastic_weights(kind):
    orig = wp.heteroscedastic_risks

    @functools.wraps(orig)
    def wrong(d, noise_vars, query_noise_var=0.0):
        out = dict(orig(d, noise_vars, query_noise_var))
        sv = np.atleast_1d(np.asarray(noise_vars, dtype=float))
        w = 1 / (d + sv) if kind == "no +1" else (1 / (d + 1 + sv)) * (1 + 0.05 * np.linspace(-1, 1, sv.size))
        out["weights_h3"] = w / np.max(w)
        return out

    return wrong


@pytest.mark.parametrize("kind", ["no +1", "tilt 5 %"])
def test_h3_sample_weights_mutant_is_not_confirmed(monkeypatch, kind):
    monkeypatch.setattr(wp, "heteroscedastic_risks", _heteroscedastic_weights(kind))
    ev = _verdict("h3-advantage-heteroscedastic")
    assert ev.verdict is not Verdict.CONFIRMED, ev.reason


def test_sequence_weights_tilted_is_not_confirmed(monkeypatch):
    orig = wp.sequence_optimal_risks

    @functools.wraps(orig)
    def wrong(d, P, rho, noise_vars=0.0, query_noise_var=0.0):
        out = dict(orig(d, P, rho, noise_vars, query_noise_var))
        u = out["weights_h3"]
        out["weights_h3"] = u * (1 + 0.05 * np.linspace(-1, 1, u.size))
        return out

    monkeypatch.setattr(wp, "sequence_optimal_risks", wrong)
    ev = _verdict("h3-advantage-ar1-drift")
    assert ev.verdict is not Verdict.CONFIRMED, ev.reason


@pytest.mark.parametrize("short", ["wpgd-exchangeable-uniform", "h3-advantage-heteroscedastic"])
def test_wpgd_preconditioner_scaled_is_not_confirmed(monkeypatch, short):
    monkeypatch.setattr(wp, "wpgd_optimal_preconditioner", _scaled(wp.wpgd_optimal_preconditioner, 1.05))
    ev = _verdict(short)
    assert ev.verdict is not Verdict.CONFIRMED, ev.reason


@pytest.mark.parametrize("name, factor", [("isotropic_wpgd_risk", 1.02), ("effective_sample_size", 1.05)])
def test_wpgd_risk_forms_scaled_are_not_confirmed(monkeypatch, name, factor):
    monkeypatch.setattr(wp, name, _scaled(getattr(wp, name), factor))
    ev = _verdict("wpgd-exchangeable-uniform")
    assert ev.verdict is not Verdict.CONFIRMED, ev.reason


def test_unmutated_claims_used_above_are_confirmed(claim_evidence):
    """The same claims with the right formulas are CONFIRMED (so the tests above test the mutation).

    Their quick runs at the default seed are the session's shared ones (``claim_evidence``, the same configuration as
    :func:`_verdict` plus the session's result store), computed once for every test that reads them."""
    for short in ("general-covariance-optimum", "h3-advantage-heteroscedastic", "h3-advantage-ar1-drift",
                  "wpgd-exchangeable-uniform"):
        ev = claim_evidence(P + short)
        assert ev.verdict is Verdict.CONFIRMED, (short, ev.reason)


_CHECKS = pathlib.Path(__file__).resolve().parents[2] / "checks"
_USERS = ["claims/li2024_finegrained/statements.py", "claims/li2024_finegrained/trained.py",
          "claims/li2024_finegrained/_tools.py", "simulation/li2024_finegrained_sim.py",
          "simulation/li2024_finegrained_train.py"]


@pytest.mark.parametrize("fname", _USERS)
def test_theory_functions_are_looked_up_at_call_time(fname):
    """No ``from iclverify.theory.li2024_finegrained* import <function>`` in the claims and their helpers:
    a name bound at import would keep the original function when a mutation tool replaces the module
    attribute.  Modules are imported whole (``from iclverify.theory import li2024_finegrained as th``)."""
    tree = ast.parse((_CHECKS / fname).read_text(encoding="utf-8"))
    bound = [f"{node.module}.{a.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
             and (node.module or "").startswith("iclverify.theory.li2024_finegrained") for a in node.names]
    assert not bound, f"{fname} binds theory functions at import: {bound}"
    from_pkg = [a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.module == "iclverify.theory" for a in node.names]
    assert all(name.startswith("li2024_finegrained") for name in from_pkg), from_pkg
