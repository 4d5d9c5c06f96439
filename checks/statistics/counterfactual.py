"""Counterfactual hooks: evidence that a negative control's rejection does not follow from the claim's pass.

A control proves power only if some data would let the claim pass while the control stands; a hook builds that
data (and data generated under the control) lazily, for the registry-wide test of every claim's controls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["Counterfactual", "counterfactual"]


@dataclass(frozen=True)
class Counterfactual:
    """Evidence that a control's rejection does not follow logically from the claim's pass.

    Attributes
    ----------
    jointly_possible : bool
        On some data the claim's own check passes *and* the control is not rejected (for a control judged
        on other samples: the claim's samples put in the control's place; for one judged on the claim's
        samples: the same samples moved between the two statements with their spread inflated).  Must be
        True: otherwise "controls rejected" is implied by the pass and proves nothing.
    passes_under_control : bool or None
        The claim's check on data generated under the control (samples shifted to the control's value,
        synthetic data with the control's slope, the control's own samples).  ``None`` where the control's
        statement lies inside the claim's accepted region (a one-sided claim with a control on the same side).
    detail : str
        The numbers behind both.
    """

    jointly_possible: bool
    passes_under_control: bool | None = None
    detail: str = ""


def counterfactual(claim_passes: Callable[[Any], bool], control_rejected: Callable[[Any], bool], *,
                   jointly: Callable[[], tuple[Any, Any]], under_control: Callable[[], Any] | None = None,
                   detail: str = "") -> Callable[[], Counterfactual]:
    """Build a lazy :class:`Counterfactual` hook for :attr:`ControlOutcome.counterfactual`.

    Parameters
    ----------
    claim_passes, control_rejected : callable
        The claim's own decision and the control's, each on one data set (samples, a fit, counts...).
    jointly : callable
        Returns ``(data for the claim, data for the control)`` on which both could hold; for a control judged on
        the claim's samples the two must be the same object.
    under_control : callable, optional
        Returns data generated under the control, for the claim's check.

    The hook runs only when asked (by the registry-wide test), inside whatever ledger is active.
    """

    def run() -> Counterfactual:
        a, b = jointly()
        jp = bool(claim_passes(a)) and not bool(control_rejected(b))
        puc = None if under_control is None else bool(claim_passes(under_control()))
        return Counterfactual(jp, puc, detail)

    return run
