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

from iclverify.checks.statistics import ledger
from iclverify.checks.claims import STATISTICAL_KINDS, all_claims, get_claim

#: Claims whose controls have no counterfactual hook yet.  This list only shrinks: an entry must be removed when its
#: claim gains hooks, and a stale entry (no such claim) fails the test below.  Empty: the Li-Rawat-Oymak claims
#: (value, first-order, matrix and BFGS controls) and Lu et al.'s theory-only claims have hooks.
ALLOW_LIST_WITHOUT_HOOKS: set = set()

#: Deterministic identity / value checks (no sampling) without hooks.  The Liu & Zhou ones, Lu et al.'s theory-only
#: claims and the Li-Rawat-Oymak BFGS / approximation claims have hooks: their controls are wrong formulas
#: (:func:`iclverify.checks.claims.formula_controls.formula_control`), the hook's data is the formula, and
#: :func:`test_deterministic_control_effects_are_measured` checks the measured effect sizes.
#: Lu et al.'s deterministic value checks (printed reference values; the self-consistency residual): their controls'
#: distance from the truth is printed in each ControlOutcome (values missed, residuals), not implied by the pass.
DETERMINISTIC_WITHOUT_HOOKS = {"lu2024.note-reference-values", "lu2024.self-consistency-value"}

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


DETERMINISTIC = [cid for cid in CHECKED if get_claim(cid).check not in STATISTICAL_KINDS]


def test_deterministic_claims_are_found():
    assert len(DETERMINISTIC) >= 10, DETERMINISTIC


@pytest.mark.parametrize("claim_id", DETERMINISTIC)
def test_deterministic_control_effects_are_measured(claim_id, claim_evidence):
    """A deterministic claim's control is a wrong formula whose difference from the reference exceeds the check's
    tolerance at the checked points -- measured there, with its effect size / threshold ratio, and consistent with
    the rejection; the counterfactual hook (above) shows the difference is computed from the formula (the claim's
    own formula in the control's place is not rejected) and that the claim's check fails on the control's formula."""
    import math

    ev = claim_evidence(claim_id)
    effects = ev.measurements.get("control_effects")
    assert isinstance(effects, dict), f"{claim_id}: no measurements['control_effects']"
    assert {k.name for k in ev.controls} == set(effects), (sorted(effects), [k.name for k in ev.controls])
    for k in ev.controls:
        e = effects[k.name]
        assert e["points"] >= 1 and math.isfinite(e["effect"]) and e["threshold"] >= e["claim_tolerance"] > 0, e
        assert math.isclose(e["ratio"], e["effect"] / e["threshold"], rel_tol=1e-9), e
        # the rejection follows the measured effect, not a flag set beside it
        assert k.rejected == (e["ratio"] > 1), (k.name, k.rejected, e)
        assert k.rejected, (k.name, k.detail)


def test_formula_control_measures_rather_than_asserts():
    """The helper's rejection and hook follow the formulas: the true formula in the control's place is not rejected
    and passes; a formula closer than the threshold is not rejected; one farther is, and fails the claim's check."""
    import numpy as np

    from iclverify.checks.claims.formula_controls import formula_control

    xs = np.linspace(0.1, 1.0, 7)

    def diffs(f):
        return np.abs(f(xs) - xs**2) / xs**2

    truth = lambda x: x**2  # noqa: E731
    near = lambda x: x**2 * (1 + 1e-9)  # noqa: E731
    far = lambda x: x**2 * 1.1  # noqa: E731
    with ledger.run_ledger():
        c_near, e_near = formula_control("near", diffs, truth, near, claim_tol=1e-12)
        c_far, e_far = formula_control("far", diffs, truth, far, claim_tol=1e-12)
        assert not c_near.rejected and e_near["ratio"] < 1
        assert c_far.rejected and abs(e_far["effect"] - 0.1) < 1e-12
        cf = c_far.counterfactual()
        assert cf.jointly_possible and cf.passes_under_control is False


def test_a_swapped_inequality_control_is_caught():
    """The hook rejects the class of control this test exists for: 'mean(a) > t' swapped to 'mean(1-a) > t'."""
    import numpy as np

    from iclverify.checks.statistics import decide
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
