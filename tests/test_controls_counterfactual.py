"""Registry-wide: no negative control's rejection may follow logically from its claim's pass.

A control proves power only if it could have come out the other way while the claim passed.
Every control of every claim outside the allow-lists below carries a counterfactual hook
(:attr:`iclverify.checks.claims.ControlOutcome.counterfactual`, built with
:func:`iclverify.checks.claims.counterfactual`) that runs the claim's own decision and the control's
on constructed data:

- ``jointly_possible`` must be True: on some data the claim's check passes and the control is not
  rejected (a swapped inequality on the same samples can never satisfy this);
- ``passes_under_control``: on data generated under the control (samples shifted to the control's value,
  the control's own samples, a fit moved to the control's slope) the claim's check should fail (``None``
  where the control lies inside a one-sided claim's region).  Where it passes, the check lacks the
  resolution to tell the control from the claim: ``run_claim`` then does not count the control as
  rejected (so the verdict cannot be CONFIRMED on it), which this test verifies.

The claims run once per session at quick scale (``claim_evidence`` in ``conftest.py``).
"""

from __future__ import annotations

import pytest

from iclverify.checks import ledger
from iclverify.checks.claims import all_claims

#: Claims of other papers whose controls have no counterfactual hook yet.  This list only shrinks: an entry
#: must be removed when its claim gains hooks, and a stale entry (no such claim) fails the test below.
ALLOW_LIST_WITHOUT_HOOKS = {
    "li2024_finegrained.alignment-exact-risk", "li2024_finegrained.equicorrelated-optimum",
    "li2024_finegrained.general-covariance-optimum", "li2024_finegrained.h3-advantage-ar1-drift",
    "li2024_finegrained.h3-advantage-heteroscedastic", "li2024_finegrained.iid-isotropic-optimum",
    "li2024_finegrained.lora-commuting", "li2024_finegrained.lora-exact-recovery",
    "li2024_finegrained.lowrank-lora-brute-force", "li2024_finegrained.lowrank-optimum",
    "li2024_finegrained.noisy-isotropic-optimum", "li2024_finegrained.rag-effective-sample-size",
    "li2024_finegrained.rag-exact-risk", "li2024_finegrained.trained-att-correlated-designs",
    "li2024_finegrained.trained-att-equicorrelated", "li2024_finegrained.trained-att-h3-iid",
    "li2024_finegrained.trained-h3-beats-att-drift", "li2024_finegrained.trained-lora",
    "li2024_finegrained.trained-lowrank-att", "li2024_finegrained.wpgd-exchangeable-uniform",
    "lu2024.alpha-minima", "lu2024.bayes-baseline", "lu2024.divergence-boundary", "lu2024.memorization-limit",
    "lu2024.mp-identity", "lu2024.nonmonotone-boundary", "lu2024.optimal-ridge", "lu2024.ridge-suppresses-peak",
    "lu2024.self-consistency-unique",
}

#: Deterministic identity / cost checks (no sampling): their controls are wrong formulas whose rejection shows that
#: the float64 tolerance is tighter than the formula difference.  A counterfactual "pass without rejection" would
#: need the two formulas to coincide, so the hook does not apply; listed, not silently skipped.
DETERMINISTIC_WITHOUT_HOOKS = {
    "liu_zhou_2026.causal-cost", "liu_zhou_2026.causal-forms", "liu_zhou_2026.compute-optimal-split",
    "liu_zhou_2026.context-invariance", "liu_zhou_2026.cosformer-decomposition", "liu_zhou_2026.kernel-smoother",
    "liu_zhou_2026.pinsker-link", "liu_zhou_2026.regularity-tradeoff", "liu_zhou_2026.taylor2-kernel",
}
# Lu et al.'s deterministic value checks (printed reference values; the self-consistency residual): their controls'
# distance from the truth is printed in each ControlOutcome (values missed, residuals), not implied by the pass.
DETERMINISTIC_WITHOUT_HOOKS |= {"lu2024.note-reference-values", "lu2024.self-consistency-value"}

#: Claims whose quick run is long (training sweeps): their counterfactual test runs in the slow suite.
SLOW = {"li2024_nonlinear.c4-iterations-vs-alpha", "li2024_nonlinear.c11-icl-vs-classical"}

_ALL = [c.id for c in all_claims()]
CHECKED = [cid for cid in _ALL if cid not in ALLOW_LIST_WITHOUT_HOOKS | DETERMINISTIC_WITHOUT_HOOKS]


def test_every_claim_is_checked_or_listed():
    listed = ALLOW_LIST_WITHOUT_HOOKS | DETERMINISTIC_WITHOUT_HOOKS
    stale = sorted(listed - set(_ALL))
    assert not stale, f"allow-listed claims that no longer exist (remove them): {stale}"
    assert not (ALLOW_LIST_WITHOUT_HOOKS & DETERMINISTIC_WITHOUT_HOOKS)
    assert set(CHECKED) | listed == set(_ALL)
    assert CHECKED, "no claim is checked"
    # the allow-list may only hold other papers' claims: the four papers' owners add hooks and shrink it
    assert not any(cid.startswith(("li2024_nonlinear.", "liu_zhou_2026.")) for cid in ALLOW_LIST_WITHOUT_HOOKS)


@pytest.mark.parametrize("claim_id", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW else c for c in CHECKED])
def test_no_control_is_implied_by_the_pass(claim_id, claim_evidence):
    ev = claim_evidence(claim_id)
    assert ev.controls, f"{claim_id}: no control outcome ({ev.verdict.value}: {ev.reason[:300]})"
    problems = []
    with ledger.run_ledger():  # the counterfactual re-checks are diagnostics: they must not touch a claim's ledger
        for k in ev.controls:
            if k.counterfactual is None:
                problems.append(f"{k.name}: no counterfactual hook")
                continue
            cf = k.counterfactual()
            if not cf.jointly_possible:
                problems.append(f"{k.name}: implied by the pass (no data on which the claim passes and this control "
                                f"is not rejected; {cf.detail})")
            if cf.passes_under_control and k.rejected:
                problems.append(f"{k.name}: counted as rejected although the claim's check passes on data generated "
                                f"under the control ({cf.detail})")
    assert not problems, f"{claim_id}: " + "; ".join(problems)


def test_a_swapped_inequality_control_is_caught():
    """The hook rejects the class of control this test exists for: 'mean(a) > t' swapped to 'mean(1-a) > t'."""
    import numpy as np

    from iclverify.checks import decide
    from iclverify.checks.claims import counterfactual

    a = np.random.default_rng(0).uniform(0.85, 0.95, 4000)

    def passes(x):
        return decide.mean_vs(x, 0.8, "above", role="diagnostic").confirmed

    def swapped_rejected(x):
        return not decide.mean_vs(1 - x, 0.8, "above", role="diagnostic").confirmed

    def stretched():
        # whatever the spread, A_same > 0.8 confirmed forces 1 - A_same < 0.2: the swapped control is rejected
        out = []
        for k in (1, 3, 10, 30):
            y = 0.9 + k * (a - a.mean())
            out.append(passes(y) and not swapped_rejected(y))
        return out

    with ledger.run_ledger():
        cf = counterfactual(passes, swapped_rejected, jointly=lambda: (a, a))()
        assert not cf.jointly_possible
        assert not any(stretched())
