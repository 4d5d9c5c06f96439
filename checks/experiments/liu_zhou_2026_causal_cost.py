"""Cost of the causal forms of linear attention (Liu & Zhou 2026, §3(b)): exact FLOP counts and wall times.

Shared by the claim ``liu_zhou_2026.causal-cost``, its figure and ``benchmarks/bench_causal_forms.py``.
"""

from __future__ import annotations

import time

import numpy as np

from iclverify.checks.simulation import liu_zhou_2026_attention as att
from iclverify.theory import feature_maps as fm

__all__ = ["causal_cost_measurements"]


def _time_median(fn, repeats: int) -> float:
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts))


def causal_cost_measurements(Ls, *, D: int = 16, dv: int = 8, chunk: int = 64, repeats: int = 5,
                             seed: int = 0, forms=("masked", "chunked", "recurrent")) -> dict:
    """FLOP counts and median wall times of the causal forms over ``Ls``, with log-log slopes.

    Slopes are OLS fits of ``log`` cost against ``log L``; FLOP counts are exact and
    deterministic, wall times are shared-machine timings (median of ``repeats``).
    """
    rng = np.random.default_rng(seed)
    out = {"L": list(Ls), "flops": {}, "time_s": {}, "flop_slope": {}, "time_slope": {}, "flop_local_slope": {}}
    for form in forms:
        flops = [att.causal_flops(form, int(L), D, dv, chunk) for L in Ls]
        out["flops"][form] = flops
        out["flop_slope"][form] = float(np.polyfit(np.log(Ls), np.log(flops), 1)[0])
        out["flop_local_slope"][form] = float(np.log(flops[-1] / flops[-2]) / np.log(Ls[-1] / Ls[-2]))
        times = []
        for L in Ls:
            q, k = fm.elu_plus_one_map(rng.standard_normal((2, int(L), D)))
            v = rng.standard_normal((int(L), dv))
            fn = {"masked": lambda: att.causal_masked(q, k, v), "chunked": lambda: att.causal_chunked(q, k, v, chunk),
                  "recurrent": lambda: att.causal_recurrent(q, k, v)}[form]
            times.append(_time_median(fn, repeats))
        out["time_s"][form] = times
        out["time_slope"][form] = float(np.polyfit(np.log(Ls), np.log(times), 1)[0])
    return out
