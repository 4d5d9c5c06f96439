"""Figure data for Liu & Zhou (2026) (note liu_zhou_2026_ghost.md §3 (b)-(d)).

The paper's own figures are unknown (only its abstract is available); these figures
show the verifier's checks: the dimension-free KME rate, the two-stage rates and
plateau, the random-feature error against its exact variance, and the cost of the
three causal forms.  Builders compute data only; the shared renderer draws them.
"""

from __future__ import annotations

import math
import time

import numpy as np

from iclverify.checks.experiments import liu_zhou_2026_rates as rates
from iclverify.figures.registry import FigureConfig, FigureData, LinePanel, Series, figure
from iclverify.theory import feature_maps as fm
from iclverify.theory import liu_zhou_2026 as lz

PAPER = "liu_zhou_2026"


def _igrid(lo: float, hi: float, n: int = 50) -> np.ndarray:
    """Integer log-spaced grid (m and N are integers in the declared domains)."""
    return np.unique(np.round(np.geomspace(lo, hi, n))).astype(float)


def _points(label, x, samples, group, meta=None) -> Series:
    s = np.asarray(samples, dtype=float)
    return Series(label, x, s.mean(axis=0), kind="points", yerr=s.std(axis=0, ddof=1) / math.sqrt(s.shape[0]),
                  group=group, meta=meta or [])


@figure("liu_zhou_2026-kme-rate", paper=PAPER, title="Kernel-mean-embedding error vs context size m, several d",
        description="E||Sigma_hat - Sigma||^2 against m for d in {2, 16, 128} with the exact (E||y phi||^2 - "
                    "||Sigma||^2)/m lines and the dimension-free bound B^2 kappa^2/m (note §3(d1)).")
def kme_rate(config: FigureConfig) -> FigureData:
    ms = [16, 32, 64, 128, 256, 512] if config.quick else [16, 32, 64, 128, 256, 512, 1024, 2048]
    reps = config.reps or (200 if config.quick else 800)
    series, info = [], {"reps": reps, "slopes": {}}
    for d in (2, 16, 128):
        pool = rates.make_kme_pool(d, rng=rates.child_rng(config.seed, 7, d))
        errs = rates.simulate_kme_errors(pool, ms, reps, root=config.seed, key=(8, d))
        grid = _igrid(ms[0], ms[-1])
        series.append(Series(f"exact, $d = {d}$", grid, pool.exact_mse(grid), group=f"d{d}"))
        series.append(_points(f"Monte Carlo, $d = {d}$", ms, errs, f"d{d}",
                              [{"d": d, "m": m, "reps": reps, "root": config.seed, "spawn_key": (8, d, i)}
                               for i, m in enumerate(ms)]))
        info["slopes"][d] = rates.loglog_slope(ms, errs).as_dict()
    grid = _igrid(ms[0], ms[-1])
    series.append(Series(r"bound $B^2\kappa^2/m$ ($B = 2,\ \kappa = 1$)", grid, lz.kme_mse_bound(2.0, 1.0, grid),
                         linestyle="--", group="bound"))
    panel = LinePanel("KME error: slope $-1$ for every $d$", "context tokens $m$",
                      r"$\mathbb{E}\,\|\hat\Sigma - \Sigma\|_F^2$", series,
                      xscale="log", yscale="log")
    return FigureData([panel], caption="Dimension-free second-stage concentration (note §2.2 F2, §3(d1)).", info=info)


@figure("liu_zhou_2026-two-stage", paper=PAPER, title="Two-stage distribution regression: risk vs N and vs m",
        description="Excess risk of the ridge readout vs N (m = infinity and fixed m: plateau) and vs m (trained "
                    "and oracle), note §3(d2).")
def two_stage(config: FigureConfig) -> FigureData:
    P = rates.TwoStageProblem(d=5, D=40, s=0.5, sigma=0.1, seed=config.seed)
    Ns = [200, 400, 800, 1600, 3200, 6400] if config.quick else [200, 400, 800, 1600, 3200, 6400, 12800]
    reps = config.reps or (6 if config.quick else 40)
    inf_r = rates.first_stage_risks(P, Ns, reps, root=config.seed)
    fixed = {}
    for j, m in enumerate((8, 32)):
        out = np.empty((reps, len(Ns)))
        for i, N in enumerate(Ns):
            rng = rates.child_rng(config.seed, 20 + j, i)
            if config.quick and N > 3200:
                out[:, i] = np.nan
                continue
            for r in range(reps):
                out[r, i] = P.excess_risk(P.fit(N, m, rng), m_test=m)
        fixed[m] = out
    gridN = _igrid(Ns[0], Ns[-1])
    left = [Series(r"$m = \infty$, theory $\sigma^2 D/(N - D - 1)$", gridN[gridN > P.D + 2],
                   lz.first_stage_risk_gaussian(P.sigma**2, P.D, gridN[gridN > P.D + 2]), group="inf"),
            _points(r"$m = \infty$", Ns, inf_r, "inf")]
    for m, out in fixed.items():
        keep = ~np.isnan(out[0])
        left.append(_points(f"$m = {m}$", np.asarray(Ns)[keep], out[:, keep], f"m{m}"))
    ms = [4, 8, 16, 32, 64, 128] if config.quick else [4, 8, 16, 32, 64, 128, 256]
    N = 2000 if config.quick else 5000
    tr = rates.second_stage_risks(P, N, ms, max(3, reps // 2), root=config.seed)
    orc = rates.oracle_second_stage_errors(P, ms, 1000 if config.quick else 4000, root=config.seed)
    gridm = _igrid(ms[0], ms[-1])
    right = [_points(f"trained ridge, $N = {N}$", ms, tr, "tr"),
             _points(r"oracle $|\langle w^*, \hat e - e\rangle|^2$", ms, orc, "or"),
             Series(r"oracle, theory $w^{*\top} (M_2 - C)\, w^* / m$", gridm, P.oracle_variance() / gridm, group="or")]
    panels = [LinePanel("risk vs $N$ (plateau at fixed $m$)", "prompts $N$", "excess risk", left, xscale="log",
                        yscale="log"),
              LinePanel("risk vs $m$", "context tokens $m$", "excess risk", right, xscale="log", yscale="log")]
    info = {"reps": reps, "first_stage_slope": rates.loglog_slope(Ns, inf_r).as_dict(),
            "trained_m_slope": rates.loglog_slope(ms, tr).as_dict()}
    return FigureData(panels, caption="Two-stage sampling (note §2.4, §3(d2)); exponents of the paper unknown.",
                      info=info)


@figure("liu_zhou_2026-performer", paper=PAPER, title="Random-feature estimate of exp(x.y): MSE vs exact variance",
        description="FAVOR+ and trigonometric features: Monte Carlo MSE against the exact variances (note §3(c)).")
def performer(config: FigureConfig) -> FigureData:
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(106,)))
    x, y = 0.125 * rng.standard_normal(16), 0.125 * rng.standard_normal(16)
    ms = [16, 64, 256, 1024] if config.quick else [16, 32, 64, 128, 256, 512, 1024, 2048]
    trials = config.reps or (1000 if config.quick else 6000)
    grid = _igrid(ms[0], ms[-1])
    pos = rates.simulate_performer_errors(x, y, ms, trials, kind="positive", root=config.seed)
    trig = rates.simulate_performer_errors(x, y, ms, trials, kind="trig", root=config.seed + 1)
    series = [Series(r"FAVOR+: $e^{2x\cdot y}(e^{|x+y|^2} - 1)/m$", grid,
                     fm.performer_prf_variance(float(x @ y), float((x + y) @ (x + y)), grid), group="pos"),
              _points("positive (FAVOR+)", ms, pos, "pos"),
              Series(r"trigonometric: $e^{|x|^2+|y|^2}(1 - e^{-|x-y|^2})^2/(2m)$", grid,
                     fm.trig_rf_variance(float(x @ x), float(y @ y), float((x - y) @ (x - y)), grid), group="trig"),
              _points("trigonometric", ms, trig, "trig")]
    panel = LinePanel("random features: MSE = exact variance", "features $m$",
                      r"MSE of the $\exp(x \cdot y)$ estimate", series,
                      xscale="log", yscale="log")
    return FigureData([panel], caption="Unbiased random features; d = 16, one pair (note §3(c)).",
                      info={"trials": trials})


@figure("liu_zhou_2026-causal-cost", paper=PAPER, title="Causal linear attention: cost of the three forms vs L",
        description="Wall time (median) and FLOP count of recurrent, masked and chunked causal linear attention.")
def causal_cost(config: FigureConfig) -> FigureData:
    from iclverify.checks.experiments.liu_zhou_2026_causal_cost import causal_cost_measurements

    Ls = [256, 512, 1024, 2048] if config.quick else [512, 1024, 2048, 4096, 8192]
    t0 = time.perf_counter()
    meas = causal_cost_measurements(Ls, repeats=3 if config.quick else 5, seed=config.seed)
    timing = [Series(f"{f} (slope {meas['time_slope'][f]:.2f})", Ls, meas["time_s"][f], kind="points", group=f)
              for f in meas["time_s"]]
    flops = [Series(f"{f} (slope {meas['flop_slope'][f]:.2f})", Ls, meas["flops"][f], group=f) for f in meas["flops"]]
    panels = [LinePanel("wall time (shared CPU, median)", "sequence length $L$", "seconds", timing, xscale="log",
                        yscale="log"),
              LinePanel("FLOP count (deterministic)", "sequence length $L$", "FLOPs", flops, xscale="log",
                        yscale="log")]
    return FigureData(panels, caption="O(L) recurrent/chunked vs O(L^2) masked (note §3(b)).",
                      info={"time_slopes": meas["time_slope"], "flop_slopes": meas["flop_slope"],
                            "build_s": time.perf_counter() - t0})
