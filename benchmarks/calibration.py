"""Measured family-wise false-alarm rate and power of the statistical claims (one table).

Two measurements, each over many independent seeds:

1. **Claims (family-wise).**  Each selected statistical claim, whose statement is known to be
   correct for the simulated model (the closed form is exact, MATH-labelled), is run with
   ``RunConfig(quick=<scale is quick>, seed=s)`` for ``s = 0..N-1``.  A seed is a *family-wise false
   alarm* when any of the claims is REFUTED, NOT REPRODUCED or ERROR at that seed; the fraction of
   such seeds is compared with the run-wide budget (:data:`iclverify.checks.ledger.FAMILY_WISE_BUDGET`)
   scaled to the family's share of the plan (primary tests of the family x per-test alpha).  Each
   control's rejection rate is the claim's **power** against that wrong statement, and INCONCLUSIVE
   counts the seeds whose resolution or controls fell short.
2. **Exact truth (the comparison itself).**  For a fixed Gamma the exact finite-d test error is
   known (:mod:`iclverify.theory.lu2024_finite_d`); ``compare`` is run against test-set Monte Carlo
   (``n_test = 4000`` skewed squared errors per seed) at the per-test rate and at a nominal 5 % (where
   a miscalibration shows with a few hundred seeds), with and without batch means; the power is the
   rejection rate of the standard mutants (1+rho)^2 -> 1+rho^2 and the dropped c-term.

No stored simulations are reused: the claims simulate afresh at the stated scale (quick unless
``--scale full``).  Usage::

    python benchmarks/calibration.py --seeds 100 --scale quick [--claims ID ...] [--exact-seeds 400]
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np

from iclverify.checks import ledger
from iclverify.checks.compare import compare
from iclverify.checks.lu2024_sim import sampled_test_errors
from iclverify.theory.lu2024_finite_d import finite_d_icl_error

#: Statistical claims whose statements are exact for the simulated model (a REFUTED is a false alarm).
DEFAULT_CLAIMS = ("liu_zhou_2026.performer-variance", "liu_zhou_2026.trig-rf-variance",
                  "liu_zhou_2026.two-stage-first-stage", "liu_zhou_2026.kme-rate")


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
    """False alarms of ``compare`` against an exactly known mean, and its power on two standard mutants."""
    g = np.random.default_rng(12345)
    gamma = 0.3 * g.standard_normal((d, d + 1))
    gamma[:, :d] += 0.8 * np.eye(d)
    gamma[:, d] = g.standard_normal(d)
    truth = float(finite_d_icl_error(gamma, rho, ell))
    c = gamma[:, d]
    cc = float(c @ c)
    wrong_rho = truth - ((1 + rho) ** 2 - (1 + rho * rho)) * (1 + 2 / ell) * cc / d     # (1+rho)^2 -> 1+rho^2
    wrong_c = truth - ((1 + rho) ** 2 + 2 / d) * (1 + 2 / ell) * cc / d                # ||c||^2 term dropped
    counts = {"false alarm (per-test alpha)": 0, "false alarm (nominal 5%)": 0,
              "false alarm (nominal 5%, batch means of 100)": 0,
              "power: (1+rho)^2 -> 1+rho^2": 0, "power: c-term dropped": 0}
    with ledger.run_ledger():
        for s in range(seeds):
            x = sampled_test_errors(gamma, rho, ell, n_test, np.random.default_rng(np.random.SeedSequence(s)))
            counts["false alarm (per-test alpha)"] += not compare(truth, x, bias="both").passed
            counts["false alarm (nominal 5%)"] += not compare(truth, x, bias="both", alpha=0.05).passed
            counts["false alarm (nominal 5%, batch means of 100)"] += not compare(truth, x, bias="both", alpha=0.05,
                                                                                  batch=100).passed
            counts["power: (1+rho)^2 -> 1+rho^2"] += not compare(wrong_rho, x, bias="both").passed
            counts["power: c-term dropped"] += not compare(wrong_c, x, bias="both").passed
    return {"seeds": seeds, "truth": truth, "counts": counts}


def claim_calibration(claim_id: str, seeds: int, *, quick: bool = True) -> dict:
    """Run one claim for seeds 0..N-1; count failures, INCONCLUSIVE, primary tests and control rejections."""
    from iclverify.checks.claims import RunConfig, Verdict, get_claim, run_claim

    c = get_claim(claim_id)
    failed_seeds, inconclusive, rejected, primary, t0 = [], 0, {}, 0, time.perf_counter()
    for s in range(seeds):
        ev = run_claim(c, RunConfig(quick=quick, seed=s))
        if ev.verdict in (Verdict.REFUTED, Verdict.NOT_REPRODUCED, Verdict.ERROR):
            failed_seeds.append(s)
        inconclusive += ev.verdict is Verdict.INCONCLUSIVE
        primary = max(primary, int(ev.statistics.get("primary_tests", 0)))
        for k in ev.controls:
            rejected[k.name] = rejected.get(k.name, 0) + bool(k.rejected)
    return {"claim": claim_id, "seeds": seeds, "failed_seeds": failed_seeds, "refuted": len(failed_seeds),
            "inconclusive": inconclusive, "primary_tests_per_run": primary, "control_rejections": rejected,
            "seconds": time.perf_counter() - t0}


def family_table(results: list[dict], seeds: int) -> tuple[list[list[str]], dict]:
    """One table: a row per claim and per control, then the family-wise row."""
    rows = []
    for r in results:
        rows.append([r["claim"], "false alarm (REFUTED / NOT REPRODUCED / ERROR)", _rate(r["refuted"], seeds),
                     f"{r['primary_tests_per_run']} primary tests/run, {r['seconds'] / seeds:.1f} s/seed"])
        rows.append(["", "INCONCLUSIVE", _rate(r["inconclusive"], seeds), ""])
        for name, k in r["control_rejections"].items():
            rows.append(["", f"power vs control: {name}", _rate(k, seeds), ""])
    any_fail = len({s for r in results for s in r["failed_seeds"]})
    primary = sum(r["primary_tests_per_run"] for r in results)
    bound = min(1.0, primary * ledger.PER_TEST_ALPHA)
    rows.append(["FAMILY", "seeds with any false alarm", _rate(any_fail, seeds),
                 f"Bonferroni bound {primary} x {ledger.PER_TEST_ALPHA:.0e} = {bound:.1e} "
                 f"(run-wide budget {ledger.FAMILY_WISE_BUDGET})"])
    return rows, {"family_false_alarm_seeds": any_fail, "bound": bound, "primary_tests": primary}


def _rate(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{k}/{n} = {k / n:.3f} (95% CI {lo:.3f}-{hi:.3f})"


def _print_table(header, rows) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths))
    print(line)
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(str(x).ljust(w) for x, w in zip(r, widths)))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=100, help="seeds per claim (>= 100 for the documented figures)")
    p.add_argument("--scale", choices=("quick", "full"), default="quick", help="claim scale (quick: reduced)")
    p.add_argument("--exact-seeds", type=int, default=400, help="seeds for the exact-truth calibration (0: skip)")
    p.add_argument("--claims", nargs="*", default=list(DEFAULT_CLAIMS))
    args = p.parse_args(argv)
    quick = args.scale == "quick"
    print(f"run-wide false-alarm budget {ledger.FAMILY_WISE_BUDGET}, per-test alpha {ledger.PER_TEST_ALPHA:g}; "
          f"claims at {args.scale} scale, seeds 0..{args.seeds - 1}")
    results = [claim_calibration(cid, args.seeds, quick=quick) for cid in args.claims]
    rows, fam = family_table(results, args.seeds)
    if args.exact_seeds:
        ex = exact_truth_calibration(args.exact_seeds)
        for name, k in ex["counts"].items():
            rows.append(["exact truth: compare(finite-d ICL error, MC)", name, _rate(k, ex["seeds"]), "n_test 4000"])
    print()
    _print_table(["claim", "measure", "rate", "note"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
