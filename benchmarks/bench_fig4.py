"""Benchmark: the authors' quick Fig.-4 workload (Lu et al. 2024), timed against their times.

Workload (``/work/shared/BENCHMARKS.md``; the authors' ``quick_and_easy_figure/run.py``):
κ ∈ {0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.6, 2, 4, 8, 16, 32}, α = τ = 10, ρ = 0.01, λ = 1e-6; per κ
20 independent Γ* fits (k = ⌊κd⌋ tasks renormalised to ‖w‖ = √d, balanced assignment,
n = round(τd²/k)·k -- the authors' own discretisation, ``--discretisation authors`` -- exact
finite-d ICL and IDG errors) and 1000 dMMSE draws (ICL and IDG each).

Usage::

    python benchmarks/bench_fig4.py --d 10 32 [64] [--jobs 2] [--reference-d 10] [--solver auto]

Prints g_task = ICL - IDG per κ (mean and standard deviation over the 20 fits) beside the authors'
saved g_task at d = 10 / 32 / 64 (``checks/reference/data/lu2024_authors_fig4_gamma.csv``) with the
calibrated comparison of the two (z, resolution, agree: see
:func:`iclverify.checks.reference.lu2024_authors_data.gap_vs_authors`), the dMMSE gap,
the wall time per d, and its ratio to the authors' published serial times (18 / 260 / 4393 s)
and to their script measured on a 2-core machine (16.8 / 277 / ≈4500 s).  ``--reference-d``
runs the same linear-attention sweep with the explicit-Z reference simulator (direct SVD fit)
at that d, as an in-run speed ratio.  Wall times are only meaningful on an otherwise idle
machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from iclverify.checks.statistics.ledger import PER_TEST_ALPHA
from iclverify.checks.reference.lu2024_authors_data import authors_fig4_rows, gap_vs_authors
from iclverify.checks.simulation.lu2024_dmmse import simulate_dmmse
from iclverify.checks.simulation.lu2024_sim import simulate_lu2024

KAPPAS = (0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.6, 2.0, 4.0, 8.0, 16.0, 32.0)
ALPHA = TAU = 10.0
RHO, LAM, FITS, DMMSE_DRAWS = 0.01, 1e-6, 20, 1000
PUBLISHED = {10: 18.0, 32: 260.0, 64: 4393.0}
MEASURED_2CORE = {10: 16.8, 32: 277.0, 64: 4500.0}


def run_workload(d: int, *, method: str, jobs: int, seed: int, solver: str, dmmse: bool = True,
                 discretisation: str = "authors") -> dict:
    root = np.random.SeedSequence(seed)
    rows = []
    t0, c0 = time.perf_counter(), time.process_time()
    for i, kappa in enumerate(KAPPAS):
        child = np.random.SeedSequence(root.entropy, spawn_key=(d, i))
        res = simulate_lu2024(ALPHA, kappa, TAU, RHO, LAM, d, reps=FITS, seed=child, jobs=jobs, method=method,
                              tasks="normalized", assignment="balanced",
                              solver=solver if method == "fast" else "auto", progress=False,
                              discretisation=discretisation,
                              test_tasks="normalized" if discretisation == "authors" else "gaussian")
        row = {"kappa": kappa, "gap_mean": res.gap_mean, "gap_std": float(res.gap.std(ddof=1)),
               "icl": res.icl_mean, "idg": res.idg_mean, "solver": res.records[0]["solver"], "k": res.k}
        saved = [r for r in authors_fig4_rows() if r["d"] == d and np.isclose(r["kappa"], kappa)]
        if saved:
            row["authors"] = gap_vs_authors(res.gap, saved[0], role="diagnostic")
        if dmmse:
            dm = simulate_dmmse(ALPHA, kappa, RHO, d, n_draws=DMMSE_DRAWS,
                                seed=np.random.SeedSequence(root.entropy, spawn_key=(d, i, 1)))
            row["dmmse_gap"] = dm["gap_mean"]
        rows.append(row)
    return {"d": d, "method": method, "seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
            "jobs": jobs, "rows": rows}


def _print(out: dict) -> None:
    d, secs = out["d"], out["seconds"]
    cpu = (f", {out['cpu']:.2f} s CPU (one process; with one BLAS thread ~ wall time on an idle core)"
           if out["jobs"] == 1 else f" ({out['jobs']} worker processes)")
    print(f"\n== d = {d}, method = {out['method']}: {secs:.2f} s wall{cpu}")
    print(f"{'kappa':>6} {'k':>4} {'g_task':>9} {'std':>8} {'authors':>9} {'z':>6} {'resol.':>7} {'agree':>5} "
          f"{'ICL':>8} {'IDG':>8} {'dMMSE gap':>10}  solver")
    for r in out["rows"]:
        dm = f"{r['dmmse_gap']:10.4f}" if "dmmse_gap" in r else f"{'-':>10}"
        a = r.get("authors")
        au = (f"{a.theory:9.4f} {a.z:6.2f} {a.resolution:7.1%} {'yes' if a.passed else 'NO':>5}" if a
              else f"{'-':>9} {'-':>6} {'-':>7} {'-':>5}")
        print(f"{r['kappa']:6.1f} {r['k']:4d} {r['gap_mean']:9.4f} {r['gap_std']:8.4f} {au} {r['icl']:8.4f} "
              f"{r['idg']:8.4f} {dm}  {r['solver']}")
    cmps = [r["authors"] for r in out["rows"] if "authors" in r]
    if cmps:
        print(f"against the authors' saved d = {d} values: {sum(c.passed for c in cmps)}/{len(cmps)} kappas agree "
              f"(Welch, two-sided rate {PER_TEST_ALPHA:g} each, critical t ~ {cmps[0].crit:.2f}; "
              f"coarsest resolution {max(c.resolution for c in cmps):.1%})")
    if d in PUBLISHED and all("dmmse_gap" in r for r in out["rows"]):
        by_cpu = f", {PUBLISHED[d] / out['cpu']:.1f}x (CPU)" if out["jobs"] == 1 else ""
        print(f"authors: published {PUBLISHED[d]:.0f} s -> {PUBLISHED[d] / secs:.1f}x faster (wall){by_cpu}; "
              f"their script on a 2-core machine {MEASURED_2CORE[d]:.0f} s -> {MEASURED_2CORE[d] / secs:.1f}x (wall)")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--d", type=int, nargs="+", default=[10, 32])
    p.add_argument("--jobs", type=int, default=1, help="worker processes per kappa (loky)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--solver", default="auto", help="fit solver of the fast simulator")
    p.add_argument("--discretisation", choices=("authors", "nearest"), default="authors",
                   help="k = floor(kappa d) as the authors' script (default), or round(kappa d)")
    p.add_argument("--reference-d", type=int, default=10,
                   help="also run the linear-attention sweep with the reference simulator at this d (0: skip)")
    args = p.parse_args(argv)
    print(f"Fig.-4 quick workload: {len(KAPPAS)} kappas x ({FITS} fits + {DMMSE_DRAWS} dMMSE draws), "
          f"alpha = tau = {ALPHA:g}, rho = {RHO:g}, lambda = {LAM:g}; jobs = {args.jobs}, "
          f"OPENBLAS_NUM_THREADS = {os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, cores = {os.cpu_count()}")
    print("(timings are unreliable while other processes share the cores)")
    for d in args.d:
        _print(run_workload(d, method="fast", jobs=args.jobs, seed=args.seed, solver=args.solver,
                            discretisation=args.discretisation))
    if args.reference_d:
        d = args.reference_d
        f = run_workload(d, method="fast", jobs=args.jobs, seed=args.seed, solver=args.solver, dmmse=False)
        ref = run_workload(d, method="reference", jobs=args.jobs, seed=args.seed, solver="auto", dmmse=False)
        _print(ref)
        by_cpu = (f", {ref['cpu']:.2f} s vs {f['cpu']:.2f} s CPU -> {ref['cpu'] / max(f['cpu'], 1e-9):.1f}x"
                  if args.jobs == 1 else "")
        print(f"in-run ratio at d = {d} (linear-attention fits only, no dMMSE): reference {ref['seconds']:.2f} s "
              f"vs fast {f['seconds']:.2f} s wall -> {ref['seconds'] / f['seconds']:.1f}x{by_cpu}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
