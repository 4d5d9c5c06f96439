"""Helpers shared by the Li-Rawat-Oymak 2024 claim modules (private).

Every statistical test here takes its rate from the active ledger (:func:`iclverify.checks.statistics.ledger.test_alpha`)
and records itself (:func:`iclverify.checks.statistics.ledger.record`); negative controls are perturbed statements judged
by the claim's own statistic on the claim's own samples, with ``role="control"``.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from iclverify.checks.statistics import ledger
from iclverify.checks.claims import ControlOutcome, Evidence, Verdict
from iclverify.checks.statistics.compare import Comparison, compare, critical_value

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


def mc_controls(samples, controls: Mapping[str, float], *, prefix: str = "", **kw) -> list:
    """Each wrong value must FAIL the claim's comparison on the claim's samples to count as rejected."""
    out = []
    for name, value in controls.items():
        c = compare(value, samples, bias="both", role="control", label=prefix + name, **kw)
        out.append(ControlOutcome(prefix + name, not c.passed, str(c), comparisons=[c.row(prefix + name)]))
    return out


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


def foc_control(name: str, stats: np.ndarray, *, d: int | None = None) -> ControlOutcome:
    """A wrong closed form W judged by the claim's first-order test (same prompts): it must fail."""
    r = foc_test(stats, label=name, role="control", d=d)
    return ControlOutcome(name, not r.passed, str(r), comparisons=[r.row])


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
