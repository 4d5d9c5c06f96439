"""Benchmark: causal linear attention in three forms over the sequence length L (note §3(b)).

Times the recurrent O(L), masked O(L^2) and chunked forms of
:mod:`iclverify.checks.simulation.liu_zhou_2026_attention` (median of repeats) and prints the log-log
slopes of time against L, next to the deterministic FLOP-count slopes.  Expected: masked
~2, recurrent and chunked ~1 (note's tolerance: masked in [1.6, 2.4], linear in
[0.7, 1.3]).  Timings on a shared machine are noisy; the FLOP slopes are exact.

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_causal_forms.py [--L 512 1024 2048 4096] [--repeats 5]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np


def main(argv: list[str] | None = None) -> int:
    from iclverify.checks.experiments.liu_zhou_2026_causal_cost import causal_cost_measurements

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--L", type=int, nargs="+", default=[512, 1024, 2048, 4096])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--D", type=int, default=16)
    p.add_argument("--dv", type=int, default=8)
    p.add_argument("--chunk", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    meas = causal_cost_measurements(args.L, D=args.D, dv=args.dv, chunk=args.chunk, repeats=args.repeats,
                                    seed=args.seed)
    forms = list(meas["time_s"])
    print(f"causal linear attention, D={args.D}, dv={args.dv}, chunk={args.chunk}, median of {args.repeats}")
    print(f"{'L':>8} " + " ".join(f"{f + ' [s]':>16}" for f in forms))
    for i, L in enumerate(args.L):
        print(f"{L:>8} " + " ".join(f"{meas['time_s'][f][i]:>16.5f}" for f in forms))
    print(f"{'slope':>8} " + " ".join(f"{meas['time_slope'][f]:>16.3f}" for f in forms) + "   (wall time)")
    print(f"{'slope':>8} " + " ".join(f"{meas['flop_slope'][f]:>16.3f}" for f in forms) + "   (FLOP count)")
    ok = (1.6 <= meas["time_slope"]["masked"] <= 2.4
          and all(0.7 <= meas["time_slope"][f] <= 1.3 for f in forms if f != "masked"))
    print("timing slopes inside the note's ranges" if ok else
          "timing slopes OUTSIDE the note's ranges (shared machine? rerun with more repeats)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
