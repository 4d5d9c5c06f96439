"""Helpers shared by the Li-Rawat-Oymak 2024 claim modules (private).

Every statistical test here takes its rate from the active ledger
(:func:`iclverify.checks.statistics.ledger.test_alpha`) and records itself
(:func:`iclverify.checks.statistics.ledger.record`); negative controls are perturbed statements judged by the claim's
own statistic on the claim's own samples, with ``role="control"``.

Every control carries a counterfactual hook (:attr:`iclverify.checks.claims.ControlOutcome.counterfactual`):
a wrong value on the claim's samples gets :func:`iclverify.checks.statistics.decide.value_counterfactual` (samples
moved half-way and stretched until both pass; samples shifted to the wrong value); a wrong closed form's first-order
statistics on the claim's prompts get :func:`foc_counterfactual` (both statistics stretched by the smallest factor
at which the control stands; the claim's test on the control's statistics); a control judged on another model's
samples puts the claim's samples in its place and runs the claim's check on the control's own samples
(:func:`other_samples_counterfactual`).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field, replace
from typing import Mapping

import numpy as np

from iclverify.checks.statistics import decide, ledger
from iclverify.checks.claims import ControlOutcome, Evidence, Verdict
from iclverify.checks.statistics.compare import Comparison, compare, critical_value
from iclverify.checks.statistics.counterfactual import counterfactual

PAPER = "li2024_finegrained"
#: Resolution a Monte Carlo claim of this paper needs for CONFIRMED: 5 % at quick scale, 2 % at paper scale.
MC_RESOLUTION = (0.05, 0.02)


def rng_for(config, claim_id: str, *extra: int) -> tuple:
    """Generator for a claim: ``SeedSequence(config.seed, spawn_key=(crc32(id), *extra))``; returns (rng, seeds)."""
    key = (zlib.crc32(claim_id.encode()), *extra)
    ss = np.random.SeedSequence(config.seed, spawn_key=key)
    return np.random.default_rng(ss), {"root": config.seed, "spawn_key": list(key)}


def mc_compare(theory: float, samples, label: str, *, role: str = "claim", **kw) -> Comparison:
    """The claim's statistic: two-sided calibrated comparison, no allowance (the formulas are exact at finite d)."""
    return compare(theory, samples, bias="both", role=role, label=label, **kw)


def mc_controls(samples, controls: Mapping[str, float], *, theory: float, prefix: str = "", **kw) -> list:
    """Each wrong value must FAIL the claim's comparison (of ``theory``) on the claim's samples to count as rejected.

    Each outcome carries :func:`iclverify.checks.statistics.decide.value_counterfactual` on the claim's comparison."""
    out = []
    for name, value in controls.items():
        c = compare(value, samples, bias="both", role="control", label=prefix + name, **kw)
        hook = decide.value_counterfactual([(theory, value, samples)], bias="both", **kw)
        out.append(ControlOutcome(prefix + name, not c.passed, str(c), comparisons=[c.row(prefix + name)],
                                  counterfactual=hook))
    return out


def other_samples_counterfactual(claim_passes, claim_data, control_data, *, what: str):
    """Hook for a control judged on samples of its own by the claim's own check (``claim_passes``).

    Jointly possible: the claim's data put in the control's place (the control's check is the claim's, so it is
    not rejected where the claim passes: its rejection is computed from its own samples, not implied by the pass).
    Under the control: the claim's check on the control's own samples."""
    return counterfactual(claim_passes, lambda x: not claim_passes(x), jointly=lambda: (claim_data, claim_data),
                          under_control=lambda: control_data,
                          detail=f"the claim's {what} in the control's place (jointly); the claim's check on the "
                                 f"control's own {what} (under it)")


@dataclass
class FocResult:
    """Outcome of a first-order-condition test (see :func:`foc_test`)."""

    passed: bool
    worst: float
    crit: float
    resolution: float
    label: str
    role: str
    n: int
    p: int
    row: dict = field(default_factory=dict)

    def __str__(self) -> str:
        verdict = "pass" if self.passed else "FAIL"
        res = f", resolution={self.resolution:.2%} of W" if math.isfinite(self.resolution) else ""
        return (f"{verdict}: first-order max |t| = {self.worst:.2f} (crit {self.crit:.2f}, {self.p} coordinates, "
                f"n={self.n}{res})")


def foc_test(stats: np.ndarray, scale: np.ndarray | None = None, *, label: str, role: str = "claim",
             d: int | None = None) -> FocResult:
    """First-order-condition test: every coordinate mean of ``stats (batches, p)`` equals 0.

    Bonferroni over the p coordinates inside one test's share of the ledger's budget (rate
    ``ledger.test_alpha(role)``), recorded in the ledger as one test of kind ``"foc-max-t"``.

    **Resolution** (with ``scale``, the same statistic with the residual replaced by the prediction):
    rescaling the closed form W to (1+δ)W shifts the mean of each coordinate by −δ·scale_j, so the
    statement "(1+δ)W is the optimum" is rejected when some ``|m_j − δ s_j| > crit·SE_j``.  The
    resolution is the larger of the smallest rejected δ > 0 and the smallest rejected |δ|, δ < 0
    (plug-in: the sample s_j and SE_j of the closed form are used for the perturbed one).
    """
    stats = np.asarray(stats, dtype=float)
    k, p = stats.shape
    alpha = ledger.test_alpha(role)
    mean = stats.mean(axis=0)
    se = stats.std(axis=0, ddof=1) / math.sqrt(k)
    z = mean / np.where(se > 0, se, np.inf)
    crit = critical_value(k, alpha / p)
    worst = float(np.max(np.abs(z)))
    passed = worst <= crit
    ledger.record("foc-max-t", not passed, role=role, alpha=alpha, label=label)
    res = math.inf
    if scale is not None:
        s = np.asarray(scale, dtype=float).mean(axis=0)
        ok = np.abs(s) > 0
        c = crit * se[ok]
        sg, ms, sa = np.sign(s[ok]), mean[ok], np.abs(s[ok])
        up = np.min((c + sg * ms) / sa) if ok.any() else math.inf
        down = np.min((c - sg * ms) / sa) if ok.any() else math.inf
        res = float(max(up, down, 0.0))  # 0 when the closed form itself is already rejected
    row = {"point": label, "theory": 0.0, "estimate": float(mean[int(np.argmax(np.abs(z)))]),
           "se": float(se[int(np.argmax(np.abs(z)))]), "z": float(z[int(np.argmax(np.abs(z)))]), "crit": crit,
           "resolution": res, "scale_rule": "relative rescaling of W that the first-order test rejects",
           "passed": passed, "method": f"first-order max |t| over {p} coordinates (Bonferroni)", "n": int(k),
           "d": d, "role": role, "allowance": 0.0, "allowance_source": "", "misfit": False}
    return FocResult(passed, worst, crit, res, label, role, int(k), int(p), row)


def foc_control(name: str, stats: np.ndarray, claim_stats: np.ndarray, *, d: int | None = None) -> ControlOutcome:
    """A wrong closed form W judged by the claim's first-order test (same prompts): it must fail.

    ``claim_stats``: the first-order statistics at the claim's W (same prompts), for the counterfactual hook
    (:func:`foc_counterfactual`)."""
    r = foc_test(stats, label=name, role="control", d=d)
    return ControlOutcome(name, not r.passed, str(r), comparisons=[r.row],
                          counterfactual=foc_counterfactual(claim_stats, stats, label=name, d=d))


def _stretched(stats: np.ndarray, k: float) -> np.ndarray:
    """Per-batch statistics with their spread about each coordinate's mean multiplied by ``k``."""
    m = stats.mean(axis=0)
    return m + k * (stats - m)


def foc_counterfactual(claim_stats, control_stats, *, label: str, d: int | None = None):
    """Hook for a first-order control: a wrong W's statistics on the claim's prompts, judged by :func:`foc_test`.

    Jointly possible: the claim's and the control's statistics with their spread about each coordinate's mean
    multiplied by the smallest common factor ``k*`` at which the control's test is no longer rejected
    (``k* = 1.01 max(1, max|t| / crit)``; every ``|t|`` shrinks by ``k``, the critical value does not change) -- the
    claim's test then passes wherever it passed at the observed spread.  ``k*``, in the detail, is how many times the
    observed spread a pass would need to leave the control standing.  Under the control: the claim's test on the
    control's own statistics (it must fail)."""
    claim_stats, control_stats = np.asarray(claim_stats, float), np.asarray(control_stats, float)

    def passes(x):
        return foc_test(x, label=label, role="diagnostic", d=d).passed

    state: dict = {}

    def jointly():
        r = foc_test(control_stats, label=label, role="diagnostic", d=d)
        k = 1.01 * max(1.0, r.worst / r.crit)
        state["k"] = k
        return _stretched(claim_stats, k), _stretched(control_stats, k)

    hook = counterfactual(passes, lambda x: not passes(x), jointly=jointly, under_control=lambda: control_stats)

    def run():
        cf = hook()
        return replace(cf, detail=f"both first-order statistics with their spread x{state['k']:.3g} (the smallest "
                                  f"factor at which the control's test stands) (jointly); the claim's test on the "
                                  f"control's own statistics (under it)")

    return run


#: Relative distance from the statement within which a scalar negative control is run.  Above twice the
#: required quick resolution (10 %) a CONFIRMED of the same comparison already implies the control's
#: rejection, so it would prove nothing; below 3 % it asks for more than the claim promises.
CONTROL_BAND = (0.03, 0.10)


def in_control_band(wrong, right) -> bool:
    """Whether a wrong value (or a wrong rescaled matrix) lies in :data:`CONTROL_BAND` around the right one."""
    wrong, right = np.asarray(wrong, dtype=float), np.asarray(right, dtype=float)
    rel = float(np.linalg.norm(wrong - right) / np.linalg.norm(right))
    return CONTROL_BAND[0] <= rel <= CONTROL_BAND[1]


def verdict_from(passed: bool, reason: str, **kw) -> Evidence:
    return Evidence(Verdict.CONFIRMED if passed else Verdict.REFUTED, reason, **kw)


def comparison_fields(c: Comparison) -> dict:
    return {"theory": c.theory, "estimate": c.mean, "se": c.se, "reps": c.n}


def near(a: float, b: float, tol: float) -> bool:
    return abs(float(a) - float(b)) <= tol
