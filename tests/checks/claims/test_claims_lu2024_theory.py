"""The theory-only Lu et al. (2024) claims: each confirms and each of its negative controls is rejected.

The quick run of each claim is the session's shared one (``claim_evidence``: the default seed, quick mode), which the
registry-wide control test reads too; the tests that patch a formula run the claim themselves.
"""

from __future__ import annotations

import functools

import pytest

from iclverify.checks.claims import RunConfig, Verdict, all_claims, run_claim

IDS = ["lu2024.memorization-limit", "lu2024.bayes-baseline", "lu2024.optimal-ridge", "lu2024.divergence-boundary",
       "lu2024.nonmonotone-boundary", "lu2024.alpha-minima", "lu2024.ridge-suppresses-peak",
       "lu2024.self-consistency-unique", "lu2024.mp-identity", "lu2024.self-consistency-value",
       "lu2024.note-reference-values"]


def _claims():
    return {c.id: c for c in all_claims()}


@pytest.mark.parametrize("claim_id", IDS)
def test_claim_confirms_and_controls_are_rejected(claim_id, claim_evidence):
    ev = claim_evidence(claim_id)
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


def test_self_consistency_value_rejects_a_wrong_root_solver(monkeypatch):
    """A solver that returns a root 1 % off (or the root at the wrong q) is REFUTED, not passed."""
    from iclverify.theory import lu2024 as L

    c = _claims()["lu2024.self-consistency-value"]
    right = L.self_consistent_epsilon
    for wrong in (lambda a, k, t, r, lam: 1.01 * right(a, k, t, r, lam),
                  lambda a, k, t, r, lam: right(a, k, t, 1.5 * r, lam)):
        monkeypatch.setattr(L, "self_consistent_epsilon", wrong)
        assert run_claim(c, RunConfig(quick=True)).verdict is Verdict.REFUTED
    monkeypatch.setattr(L, "self_consistent_epsilon", right)


def test_note_reference_values_reach_every_form_they_name(monkeypatch):
    """Each form the table claim names is evaluated at call time: a 2 % error in any one of them is REFUTED."""
    from iclverify.checks.reference.lu2024_note_values import note_values
    from iclverify.theory import lu2024 as L

    c = _claims()["lu2024.note-reference-values"]
    for name in sorted({r.function for r in note_values()}):
        right = getattr(L, name)
        monkeypatch.setattr(L, name, functools.wraps(right)(lambda *a, _f=right, **kw: 1.02 * _f(*a, **kw)))
        assert run_claim(c, RunConfig(quick=True)).verdict is Verdict.REFUTED, name
        monkeypatch.setattr(L, name, right)


def test_mp_identity_misfit_is_inconclusive_not_refuted():
    """Seed 31 misfits one extrapolation (found by benchmarks/calibration.py): a misfit is no rejection."""
    ev = run_claim(_claims()["lu2024.mp-identity"], RunConfig(quick=True, seed=31))
    assert ev.verdict is Verdict.INCONCLUSIVE and "misfits" in ev.reason
