"""Negative controls of deterministic claims: wrong formulas whose difference from the claim's reference is measured.

Shared by the claims of every paper whose check is deterministic (an identity, a closed form against BFGS or a
printed table): :func:`formula_control` evaluates the wrong formula through the claim's own comparison at the
claim's own checked points, reports the effect size (``measurements["control_effects"]``, checked by
``tests/checks/claims/test_controls_counterfactual.py``) and attaches the counterfactual hook.
"""

from __future__ import annotations

import numpy as np

from iclverify.checks.claims.registry import ControlOutcome
from iclverify.checks.statistics.counterfactual import counterfactual

__all__ = ["CONTROL_THRESHOLD", "formula_control"]


#: A deterministic control (a wrong formula) is rejected when its difference from what the claim's check compares it
#: with exceeds this at every checked point: far above every identity tolerance of these claims (FLOAT_TOL, 1e-40).
CONTROL_THRESHOLD = 1e-6


def formula_control(name: str, diffs, truth, control, *, claim_tol: float, threshold: float = CONTROL_THRESHOLD,
                    symbolic_nonzero: bool = True, what: str = "") -> tuple[ControlOutcome, dict]:
    """A negative control of a deterministic claim: a wrong formula whose difference is measured, not asserted.

    Parameters
    ----------
    diffs : callable
        ``diffs(formula) -> per-point differences`` between ``formula`` and what the claim's check compares it with,
        at the claim's own checked points (recomputed on each call).
    truth, control : object
        The claim's formula and the control's wrong one, as ``diffs`` takes them.
    claim_tol : float
        The claim's tolerance: its check passes a formula whose largest difference is at most this.
    threshold : float
        The control is rejected when its smallest difference exceeds this (>= ``claim_tol``) and its symbolic
        difference, where the claim has one, is nonzero.

    Returns
    -------
    (ControlOutcome, dict)
        The outcome, with a counterfactual hook, and the effect: smallest difference, threshold, their ratio and the
        number of points.  The hook puts the claim's own formula in the control's place (its difference must stay
        within the tolerance, so the control's rejection is computed from the formula, not implied by the check's
        construction) and runs the claim's check on the control's formula (it must fail: the formulas differ by more
        than the claim's tolerance at the checked points).
    """
    d = np.asarray(diffs(control), dtype=float).ravel()
    eff = float(d.min()) if d.size else 0.0
    effect = {"effect": eff, "threshold": threshold, "claim_tolerance": claim_tol, "ratio": eff / threshold,
              "points": int(d.size)}
    rejected = bool(symbolic_nonzero and d.size and eff > threshold)
    hook = counterfactual(lambda f: float(np.max(diffs(f))) <= claim_tol,
                          lambda f: float(np.min(diffs(f))) > threshold,
                          jointly=lambda: (truth, truth), under_control=lambda: control,
                          detail="the claim's own formula in the control's place stays within the tolerance (the "
                                 "difference is computed from the formula); the claim's check on the control's "
                                 "formula fails")
    text = (f"{what}smallest difference {eff:.3g} over {d.size} checked points = {eff / threshold:.3g} x the "
            f"rejection threshold {threshold:g} (claim tolerance {claim_tol:g})"
            + ("" if symbolic_nonzero else "; symbolic difference is zero"))
    return ControlOutcome(name, rejected, text, counterfactual=hook), effect
