"""Every Li-Rawat-Oymak 2024 claim (note §9) runs in quick mode, is CONFIRMED and rejects all its controls.

Closed-form / Monte Carlo / BFGS claims take seconds; most trained-model claims are marked slow.
"""

import pytest

from iclverify.checks.claims import RunConfig, Verdict, get_claim, run_claim, select_claims

FAST = [
    "iid-isotropic-optimum", "noisy-isotropic-optimum", "equicorrelated-optimum", "general-covariance-optimum",
    "wpgd-exchangeable-uniform", "h3-advantage-heteroscedastic", "h3-advantage-ar1-drift", "rag-exact-risk",
    "rag-effective-sample-size", "alignment-exact-risk", "lowrank-optimum", "lora-commuting", "lora-exact-recovery",
    "lowrank-lora-brute-force", "trained-att-h3-iid",
]
SLOW = ["trained-att-equicorrelated", "trained-att-correlated-designs", "trained-h3-beats-att-drift",
        "trained-lowrank-att", "trained-lora"]


def test_all_claims_registered_with_controls():
    ids = {c.id for c in select_claims(["li2024_finegrained"])}
    assert ids == {"li2024_finegrained." + k for k in FAST + SLOW}
    for cid in ids:
        c = get_claim(cid)
        assert c.controls and c.label and c.note_section.startswith("§")


def _check(short):
    ev = run_claim(get_claim("li2024_finegrained." + short), RunConfig(quick=True))
    assert ev.verdict == Verdict.CONFIRMED, ev.reason
    assert ev.controls and all(k.rejected for k in ev.controls), [(k.name, k.detail) for k in ev.controls]
    assert ev.seeds or ev.verdict == Verdict.CONFIRMED


@pytest.mark.parametrize("short", FAST)
def test_claim_quick(short):
    _check(short)


@pytest.mark.slow
@pytest.mark.parametrize("short", SLOW)
def test_trained_claim_quick(short):
    _check(short)
