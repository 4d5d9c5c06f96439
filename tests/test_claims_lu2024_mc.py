"""Lu et al. (2024) §6 claims by simulation: each check passes and rejects its negative controls."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iclverify.checks.claims import RunConfig, Verdict, get_claim, run_claim
from iclverify.checks.compare import compare
from iclverify.checks.lu2024_sim import simulate_lu2024
from iclverify.theory.domains import LU2024
from iclverify.theory.lu2024 import icl_error, idg_error

MC_CLAIMS = [
    "lu2024.mc-ridge-icl", "lu2024.mc-ridgeless-tau-lt-1", "lu2024.mc-ridgeless-tau-gt-1",
    "lu2024.mc-double-descent-peak", "lu2024.mc-kappa-inf-closed-form", "lu2024.mc-tau-inf-limit",
    "lu2024.mc-task-diversity-transition", "lu2024.mc-context-length-hurts", "lu2024.mc-context-length-dip",
]


def _assert_confirmed(ev):
    assert ev.verdict is Verdict.CONFIRMED, ev.reason
    assert ev.controls and all(c.rejected for c in ev.controls), [(c.name, c.detail) for c in ev.controls]
    assert ev.seeds.get("root") is not None


@pytest.mark.parametrize("claim_id", MC_CLAIMS)
def test_claim_quick_confirms_and_rejects_controls(claim_id):
    _assert_confirmed(run_claim(get_claim(claim_id), RunConfig(quick=True)))


@pytest.mark.slow
@pytest.mark.parametrize("claim_id", MC_CLAIMS)
def test_claim_full_scale(claim_id):
    """d = 40-60 (paper-like scale): the same verdicts."""
    _assert_confirmed(run_claim(get_claim(claim_id), RunConfig(quick=False)))


def test_claims_are_registered_with_controls_and_labels():
    for cid in MC_CLAIMS:
        c = get_claim(cid)
        assert c.paper == "lu2024" and len(c.controls) >= 1 and c.label and c.note_section.startswith("§")


# --- property-based agreement ----------------------------------------------------------------

#: Relative finite-d allowance c·theory/d for the property test.  Measured excess in this region
#: (tau away from 1, alpha >= 2) is at most ~2·theory/d at d = 10-20 (`iclverify hunt --score relative`).
PROPERTY_C = 4.0
PROPERTY_D = 20


def _rel(c, theory):
    return lambda d: c * abs(theory) / d


@settings(max_examples=12)
@given(alpha=LU2024["alpha"].strategy(2, 10, log=True),
       kappa=st.one_of(LU2024["kappa"].strategy(0.5, 4, log=True), st.just(math.inf)),
       tau=st.one_of(LU2024["tau"].strategy(0.2, 0.6), LU2024["tau"].strategy(3, 6)),
       rho=LU2024["rho"].strategy(0.01, 0.5, log=True),
       lam=st.one_of(st.just(0.0), LU2024["lam"].strategy(0.01, 1, log=True)),
       seed=st.integers(0, 2**31 - 1))
def test_simulation_agrees_with_theory_in_informative_region(alpha, kappa, tau, rho, lam, seed):
    res = simulate_lu2024(alpha, kappa, tau, rho, lam, PROPERTY_D, reps=16, seed=seed)
    pairs = [(float(icl_error(alpha, kappa, tau, rho, lam)), res.icl)]
    if lam == 0:
        pairs.append((float(idg_error(alpha, kappa, tau, rho)), res.idg))
    for theory, samples in pairs:
        ok = compare(theory, samples, PROPERTY_D, allowance=_rel(PROPERTY_C, theory))
        assert ok.passed, ok
        # negative controls: a 30 % wrong coefficient either way is rejected by the same check
        for factor in (0.7, 1.3):
            wrong = factor * theory
            assert not compare(wrong, samples, PROPERTY_D, allowance=_rel(PROPERTY_C, wrong)).passed, factor
