"""Measured false-alarm rate and power of the calibrated comparison (Lu et al. 2024 checks).

Two measurements, each over many independent seeds:

1. **Exact truth.**  For a fixed Γ the exact finite-d test error is known
   (:mod:`iclverify.theory.lu2024_finite_d`); ``compare`` is run against test-set Monte Carlo
   (``n_test = 4000`` skewed, non-Gaussian squared errors per seed; with 400 the Student-t rule
   was measured anti-conservative: 9 % false alarms at a nominal 5 %, 1/400 at the suite level).  The fraction of seeds that fail is the
   false-alarm rate of the Student-t rule; it is printed at the suite's per-comparison level and
   at a nominal 5 % (where a miscalibration would be visible with a few hundred seeds).
   The power is the rejection rate of two perturbed formulas (a dropped c-term and
   (1+ρ)² replaced by 1+ρ² in the exact error).
2. **Claims.**  Each selected claim of :mod:`iclverify.checks.claims_lu2024_mc` is run in quick
   mode with ``seed = 0..N-1``: the fraction not CONFIRMED is its false-alarm rate (it includes
   the adequacy of the stated finite-d allowance), and each control's rejection rate is its power.

Usage::

    python benchmarks/calibration.py [--seeds 100] [--claims lu2024.mc-ridgeless-tau-lt-1 ...] [--exact-seeds 400]
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np

from iclverify.checks.compare import PER_COMPARISON_ALPHA, SUITE_FALSE_ALARM_BUDGET, compare
from iclverify.checks.lu2024_sim import sampled_test_errors
from iclverify.theory.lu2024_finite_d import finite_d_icl_error

DEFAULT_CLAIMS = ("lu2024.mc-ridgeless-tau-lt-1", "lu2024.mc-ridge-icl", "lu2024.mc-tau-inf-limit",
                  "lu2024.mc-task-diversity-transition", "lu2024.mc-context-length-dip")


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson interval of a binomial proportion."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, mid - half), min(1.0, mid + half)


def exact_truth_calibration(seeds: int, *, d: int = 6, ell: int = 9, rho: float = 0.5, n_test: int = 4000) -> dict:
    """False alarms of ``compare`` against an exactly known mean, and its power on two perturbed formulas."""
    g = np.random.default_rng(12345)
    gamma = 0.3 * g.standard_normal((d, d + 1))
    gamma[:, :d] += 0.8 * np.eye(d)
    gamma[:, d] = g.standard_normal(d)
    truth = float(finite_d_icl_error(gamma, rho, ell))
    A, c = gamma[:, :d], gamma[:, d]
    cc = float(c @ c)
    wrong_rho = truth - ((1 + rho) ** 2 - (1 + rho * rho)) * (1 + 2 / ell) * cc / d     # (1+ρ)² -> 1+ρ²
    wrong_c = truth - ((1 + rho) ** 2 + 2 / d) * (1 + 2 / ell) * cc / d                # ‖c‖² term dropped
    counts = {"false alarm (suite level)": 0, "false alarm (nominal 5%)": 0,
              "power: (1+rho)^2 -> 1+rho^2": 0, "power: c-term dropped": 0}
    for s in range(seeds):
        x = sampled_test_errors(gamma, rho, ell, n_test, np.random.default_rng(np.random.SeedSequence(s)))
        counts["false alarm (suite level)"] += not compare(truth, x, bias="both").passed
        counts["false alarm (nominal 5%)"] += not compare(truth, x, bias="both", alpha=0.05).passed
        counts["power: (1+rho)^2 -> 1+rho^2"] += not compare(wrong_rho, x, bias="both").passed
        counts["power: c-term dropped"] += not compare(wrong_c, x, bias="both").passed
    return {"seeds": seeds, "truth": truth, "counts": counts}


def claim_calibration(claim_id: str, seeds: int) -> dict:
    """Run one claim in quick mode for seeds 0..N-1; count non-confirmations and control rejections."""
    from iclverify.checks.claims import RunConfig, Verdict, get_claim, run_claim

    c = get_claim(claim_id)
    fails, inconclusive, rejected, t0 = 0, 0, {}, time.perf_counter()
    for s in range(seeds):
        ev = run_claim(c, RunConfig(quick=True, seed=s))
        fails += ev.verdict in (Verdict.REFUTED, Verdict.ERROR)
        inconclusive += ev.verdict is Verdict.INCONCLUSIVE
        for k in ev.controls:
            rejected[k.name] = rejected.get(k.name, 0) + bool(k.rejected)
    return {"claim": claim_id, "seeds": seeds, "refuted": fails, "inconclusive": inconclusive,
            "control_rejections": rejected, "seconds": time.perf_counter() - t0}


def _rate(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{k}/{n} = {k / n:.3f} (95% CI {lo:.3f}-{hi:.3f})"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=100, help="seeds per claim")
    p.add_argument("--exact-seeds", type=int, default=400, help="seeds for the exact-truth calibration")
    p.add_argument("--claims", nargs="*", default=list(DEFAULT_CLAIMS))
    args = p.parse_args(argv)
    print(f"suite false-alarm budget {SUITE_FALSE_ALARM_BUDGET}, per-comparison alpha {PER_COMPARISON_ALPHA:g}")
    ex = exact_truth_calibration(args.exact_seeds)
    print(f"\n[exact truth] compare(finite-d exact ICL error, test-set MC), {ex['seeds']} seeds:")
    for name, k in ex["counts"].items():
        print(f"  {name:<32} {_rate(k, ex['seeds'])}")
    for cid in args.claims:
        r = claim_calibration(cid, args.seeds)
        print(f"\n[claim] {cid}, quick mode, seeds 0..{args.seeds - 1} ({r['seconds']:.1f} s):")
        print(f"  {'false alarm (REFUTED/ERROR)':<32} {_rate(r['refuted'], args.seeds)}")
        print(f"  {'INCONCLUSIVE (a control missed)':<32} {_rate(r['inconclusive'], args.seeds)}")
        for name, k in r["control_rejections"].items():
            print(f"  power: {name:<25} {_rate(k, args.seeds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
