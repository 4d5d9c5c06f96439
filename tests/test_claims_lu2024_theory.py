"""The theory-only Lu et al. (2024) claims: each confirms and each of its negative controls is rejected."""

from __future__ import annotations

import pytest

from iclverify.checks.claims import RunConfig, Verdict, all_claims, run_claim

IDS = ["lu2024.memorization-limit", "lu2024.bayes-baseline", "lu2024.optimal-ridge", "lu2024.divergence-boundary",
       "lu2024.nonmonotone-boundary", "lu2024.alpha-minima", "lu2024.ridge-suppresses-peak",
       "lu2024.self-consistency-unique", "lu2024.mp-identity"]


def _claims():
    return {c.id: c for c in all_claims()}


@pytest.mark.parametrize("claim_id", IDS)
def test_claim_confirms_and_controls_are_rejected(claim_id):
    c = _claims()[claim_id]
    ev = run_claim(c, RunConfig(quick=True))
    assert ev.verdict is Verdict.CONFIRMED, ev.reason
    assert ev.controls and all(k.rejected for k in ev.controls), [(k.name, k.detail) for k in ev.controls]
    assert ev.runtime_s < 60


def test_labels_and_findings():
    cl = _claims()
    assert "DERIVED" in cl["lu2024.optimal-ridge"].label and "not claimed" in cl["lu2024.optimal-ridge"].label
    assert "min(tau, 1)" in cl["lu2024.nonmonotone-boundary"].finding
    assert "sqrt(alpha)" in cl["lu2024.divergence-boundary"].finding
    for cid in IDS:
        assert cl[cid].note_section and cl[cid].controls


def test_mp_identity_is_reproducible():
    c = _claims()["lu2024.mp-identity"]
    a, b = run_claim(c, RunConfig(seed=5)), run_claim(c, RunConfig(seed=5))
    assert a.reason == b.reason and a.seeds["root"] == 5
