"""Benchmark: the full Lu et al. (2024) Fig. 1 and Fig. 4 simulation sweeps at paper scale, per backend.

Workload (the paper's figures; ``figures/figs_lu2024.py``, note ``lu2024_asymptotic.md`` §4-§5):

* Fig. 1, panels A/B: α ∈ {1, 10, 100}, κ = 0.5, ρ = 0.01, τ ∈ {0.2, 0.5, 0.85, 1.15, 1.5, 2},
  λ = 1e-8 (18 points); panel C: α = 10, κ = ∞, ρ = 0.01, τ ∈ {0.2, 0.5, 0.85, 1, 1.15, 1.5, 2},
  λ ∈ {1e-5, 0.1, 1} (21 points).
* Fig. 4: α ∈ {6, 10, 20, 40}, τ = 0.2α, ρ = 0.01, κ ∈ {0.2, 0.5, 1, 10, 50}, λ = 1e-6 (20 points).

each at ``d`` (default 100, the paper's) with ``reps`` (default 10) independent Γ* fits per
point, run exactly as the figures run them: :func:`iclverify.checks.simulation.lu2024_sim.simulate_once`
(fast sampler, ``solver="auto"``, the figure's balanced/iid assignment rule) with fit ``r`` of
point ``i`` of figure ``f`` seeded by ``SeedSequence(seed, spawn_key=(f, i, r))``.

Flop model of one fit (``n`` contexts, ``p = d(d+1)`` parameters; flops, a multiply-add = 2)::

    dual      kernel K = (X Xᵀ)∘(U Uᵀ): 2n²(2d+1) + n²;  Cholesky of K: n³/3;
              solves and Γ = Xᵀ(aU): 2n² + 2nd(d+1)
    cholesky  Gram Σ h hᵀ (symmetric rank-k update): n·p²;  Cholesky: p³/3;
              right-hand side and solves: 2nd(d+1) + 2p²
    cg        set-up XᵀX, UᵀU, two eigh, right-hand side: 2nd² + 2n(d+1)² + 9d³ + 9(d+1)³ + 2nd(d+1);
              per iteration (Gram applied as Γ ↦ Xᵀ diag(xᵀΓu) U): ≈ 4·n·d·(d+1) + 4n(d+1),
              plus the Kronecker preconditioner 4d(d+1)(2d+1)

(torch has no symmetric rank-k update; its ``cholesky`` accumulates the upper block triangle of
the Gram matrix in 8 column blocks, executing ≈ 1.125·n·p² flops where the model credits n·p²;
the model counts useful work only).  The
achieved rate is Σ model flops / Σ fit seconds, and its fraction of the machine's peak float64
rate, measured in the same run by a large float64 matrix product (``2N³`` flops, best of three)
on the same backend and thread settings (numpy backend: the faster of numpy's and scipy's
BLAS, which are separate OpenBLAS builds in the wheels and both serve the fits).

Usage::

    python benchmarks/bench_paper_scale.py --device cpu --figure both              # full: hours on 2 cores
    python benchmarks/bench_paper_scale.py --device cpu --max-fits 6               # 6 fits per figure, extrapolated
    python benchmarks/bench_paper_scale.py --device cpu --d 32                     # the full sweep at d = 32
    python benchmarks/bench_paper_scale.py --device gpu --json out.json            # on a CUDA machine

``--max-fits N`` times a deterministic subset of N fits per figure: the fits are sorted by
their model flops and N are taken evenly spaced along that order, always including the most
and the least expensive (repeat 0 of each chosen point).  The total of the whole sweep is
then *extrapolated*: per solver, seconds per model flop of the timed fits × the model flops
of all fits (CG iteration counts of untimed fits: the mean of the timed CG fits of that
figure); it is printed as "extrapolated", never as measured.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time

import numpy as np

from iclverify.checks.simulation._lu2024_fit import choose_solver
from iclverify.checks.simulation.array_backend import get_backend
from iclverify.checks.simulation.lu2024_sim import simulate_once, sizes
from iclverify.figures.figs_lu2024 import _assignment
from iclverify.theory.domains import DEVICES

FIG1_AB = [(a, 0.5, t, 0.01, 1e-8) for a in (1.0, 10.0, 100.0) for t in (0.2, 0.5, 0.85, 1.15, 1.5, 2.0)]
FIG1_C = [(10.0, math.inf, t, 0.01, lam) for lam in (1e-5, 0.1, 1.0) for t in (0.2, 0.5, 0.85, 1.0, 1.15, 1.5, 2.0)]
FIG4 = [(a, k, 0.2 * a, 0.01, 1e-6) for a in (6.0, 10.0, 20.0, 40.0) for k in (0.2, 0.5, 1.0, 10.0, 50.0)]
FIGURES = {"fig1": FIG1_AB + FIG1_C, "fig4": FIG4}
DEFAULT_CG_ITERS = 50  # only if a figure's subset timed no CG fit (a rough middle of 20 at n = 10p, 75 at n = 2p)


def fit_flops(solver: str, n: int, d: int, iterations: float | None = None) -> float:
    """Model flops of one fit (see the module docstring)."""
    p = d * (d + 1)
    if solver == "dual":
        return 2.0 * n * n * (2 * d + 1) + n * n + n ** 3 / 3 + 2.0 * n * n + 2.0 * n * p
    if solver.startswith("cholesky"):
        return float(n) * p * p + p ** 3 / 3 + 2.0 * n * p + 2.0 * p * p
    if solver == "cg":
        its = DEFAULT_CG_ITERS if iterations is None else iterations
        setup = 2.0 * n * d * d + 2.0 * n * (d + 1) ** 2 + 9.0 * d ** 3 + 9.0 * (d + 1) ** 3 + 2.0 * n * p
        per_it = 4.0 * n * p + 4.0 * n * (d + 1) + 4.0 * d * (d + 1) * (2 * d + 1)
        return setup + its * per_it
    raise ValueError(f"no flop model for solver {solver!r}")


def peak_gflops(device: str, n: int, repeats: int = 3) -> dict:
    """Best-of-``repeats`` float64 rate of an ``n × n`` matrix product on the backend (GFLOP/s).

    On the numpy backend the fits call two BLAS libraries: numpy's (``@``) and scipy's
    (``dsyrk``, the LAPACK solves); the wheels bundle separate OpenBLAS builds whose kernels
    can differ by 2× on the same CPU.  Both products are timed and the larger rate is the peak.
    Returns ``{"peak": ..., <library>: ...}``.
    """
    backend = get_backend(device)
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((n, n)), rng.standard_normal((n, n))

    def best(call, sync=lambda: None):
        call()  # warm-up (thread pool start)
        sync()
        t = math.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            call()
            sync()
            t = min(t, time.perf_counter() - t0)
        return 2.0 * n ** 3 / t / 1e9

    if backend.is_numpy:
        from scipy.linalg import blas

        Af, Bf = np.asfortranarray(A), np.asfortranarray(B)
        rates = {"numpy matmul": best(lambda: A @ B), "scipy dgemm": best(lambda: blas.dgemm(1.0, Af, Bf))}
    else:
        import torch

        dev = torch.device(backend.device)
        At, Bt = torch.as_tensor(A, device=dev), torch.as_tensor(B, device=dev)
        sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
        rates = {f"torch matmul ({dev.type})": best(lambda: At @ Bt, sync)}
    return {"peak": max(rates.values()), **rates}


def plan(points, d: int, reps: int) -> list[dict]:
    """Every fit of a figure with its sizes, solver and predicted model flops."""
    fits = []
    for i, (alpha, kappa, tau, rho, lam) in enumerate(points):
        assignment = _assignment(kappa, tau, d)
        sz = sizes(alpha, kappa, tau, d, assignment)
        solver = choose_solver(sz["n"], d, sz["n"] / d * lam)
        for r in range(reps):
            fits.append({"point": i, "rep": r, "alpha": alpha, "kappa": kappa, "tau": tau, "rho": rho, "lam": lam,
                         "assignment": assignment, "n": sz["n"], "solver_planned": solver,
                         "flops_planned": fit_flops(solver, sz["n"], d)})
    return fits


def choose_subset(fits: list[dict], max_fits: int | None) -> list[int]:
    """Indices of the fits to time: all, or ``max_fits`` repeat-0 fits evenly spaced in model flops."""
    if max_fits is None or max_fits >= len(fits):
        return list(range(len(fits)))
    firsts = sorted((f["flops_planned"], j) for j, f in enumerate(fits) if f["rep"] == 0)
    m = min(max_fits, len(firsts))
    picks = np.unique(np.round(np.linspace(0, len(firsts) - 1, m)).astype(int))
    return sorted(firsts[k][1] for k in picks)


def run_figure(name: str, d: int, reps: int, device: str, seed: int, max_fits: int | None, fig_index: int,
               verbose: bool = True) -> dict:
    fits = plan(FIGURES[name], d, reps)
    chosen = choose_subset(fits, max_fits)
    timed = []
    t_all = time.perf_counter()
    for j in chosen:
        f = fits[j]
        params = {"alpha": f["alpha"], "kappa": f["kappa"], "tau": f["tau"], "rho": f["rho"], "lam": f["lam"],
                  "d": d, "method": "fast", "tasks": "normalized", "assignment": f["assignment"], "solver": "auto",
                  "device": device}
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(fig_index, f["point"], f["rep"])))
        t0 = time.perf_counter()
        out = simulate_once(params, rng)
        wall = time.perf_counter() - t0
        solver = "cg" if out["solver"] == "cg" else ("cholesky" if out["solver"].startswith("cholesky")
                                                      else out["solver"])
        flops = fit_flops(solver, out["n"], d, out.get("iterations"))
        rec = dict(f, solver=out["solver"], iterations=out.get("iterations"), wall_s=wall,
                   fit_s=out["time_fit_s"], sample_s=out["time_sample_s"], flops=flops, icl=out["icl"],
                   idg=out["idg"])
        timed.append(rec)
        if verbose:
            its = f", {rec['iterations']} it" if rec["iterations"] else ""
            print(f"  {name} point {f['point']:2d} rep {f['rep']}: alpha={f['alpha']:g} kappa={f['kappa']:g} "
                  f"tau={f['tau']:g} lam={f['lam']:g} n={out['n']} {out['solver']}{its}: fit {rec['fit_s']:.2f} s, "
                  f"total {wall:.2f} s, {flops / max(rec['fit_s'], 1e-12) / 1e9:.1f} GFLOP/s", flush=True)
    measured = time.perf_counter() - t_all
    res = {"figure": name, "d": d, "reps": reps, "device": device, "fits_total": len(fits), "fits_timed": len(timed),
           "points": len(FIGURES[name]), "timed": timed, "measured_s": measured,
           "complete": len(timed) == len(fits)}
    res["by_solver"] = _by_solver(timed)
    if not res["complete"]:
        res["extrapolated_s"] = _extrapolate(fits, timed, d)
    return res


def _by_solver(timed: list[dict]) -> dict:
    out: dict = {}
    for r in timed:
        key = "cg" if r["solver"] == "cg" else ("cholesky" if r["solver"].startswith("cholesky") else r["solver"])
        s = out.setdefault(key, {"fits": 0, "flops": 0.0, "fit_s": 0.0, "wall_s": 0.0, "iterations": []})
        s["fits"] += 1
        s["flops"] += r["flops"]
        s["fit_s"] += r["fit_s"]
        s["wall_s"] += r["wall_s"]
        if r["iterations"]:
            s["iterations"].append(r["iterations"])
    return out


def _extrapolate(fits: list[dict], timed: list[dict], d: int) -> float:
    """Whole-sweep wall time from the timed subset: per solver, seconds per model flop × all model flops."""
    by = _by_solver(timed)
    its = by.get("cg", {}).get("iterations") or [DEFAULT_CG_ITERS]
    all_rate = sum(s["wall_s"] for s in by.values()) / sum(s["flops"] for s in by.values())
    total = 0.0
    for f in fits:
        s = f["solver_planned"]
        flops = fit_flops(s, f["n"], d, float(np.mean(its)) if s == "cg" else None)
        rate = by[s]["wall_s"] / by[s]["flops"] if s in by else all_rate
        total += flops * rate
    return total


def _print(res: dict, peak: float) -> None:
    name, d = res["figure"], res["d"]
    print(f"\n== {name}, d = {d}, {res['points']} points x {res['reps']} fits = {res['fits_total']} fits, "
          f"device {res['device']}")
    if res["complete"]:
        print(f"measured wall time of the whole sweep: {res['measured_s']:.1f} s ({res['measured_s'] / 60:.2f} min)")
    else:
        print(f"timed {res['fits_timed']} of {res['fits_total']} fits in {res['measured_s']:.1f} s; "
              f"EXTRAPOLATED whole sweep: {res['extrapolated_s']:.0f} s ({res['extrapolated_s'] / 3600:.2f} h) "
              "(per-solver seconds per model flop of the timed fits x model flops of all fits)")
    print(f"{'solver':>9} {'fits':>5} {'GFLOP':>10} {'fit s':>9} {'wall s':>9} {'GFLOP/s':>8} {'of peak':>8}  CG its")
    tot_f = tot_t = 0.0
    for key, s in sorted(res["by_solver"].items()):
        rate = s["flops"] / max(s["fit_s"], 1e-12) / 1e9
        its = f"{np.mean(s['iterations']):.0f}" if s["iterations"] else ""
        print(f"{key:>9} {s['fits']:5d} {s['flops'] / 1e9:10.1f} {s['fit_s']:9.2f} {s['wall_s']:9.2f} {rate:8.1f} "
              f"{rate / peak:8.1%}  {its}")
        tot_f += s["flops"]
        tot_t += s["fit_s"]
    rate = tot_f / max(tot_t, 1e-12) / 1e9
    if any(s["flops"] / max(s["fit_s"], 1e-12) / 1e9 > peak for s in res["by_solver"].values()):
        print("  note: a solver ran faster than the measured 'peak': the matrix product of --peak-n "
              "underestimates this machine's float64 rate (try a larger --peak-n)")
    print(f"{'all':>9} {res['fits_timed']:5d} {tot_f / 1e9:10.1f} {tot_t:9.2f} {res['measured_s']:9.2f} {rate:8.1f} "
          f"{rate / peak:8.1%}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--device", default=DEVICES.default, choices=DEVICES.choices,
                   help=f"{DEVICES.description}: {DEVICES.help_text()} (default {DEVICES.default})")
    p.add_argument("--figure", choices=("fig1", "fig4", "both"), default="both")
    p.add_argument("--d", type=int, default=100, help="token dimension (default 100, the paper's)")
    p.add_argument("--reps", type=int, default=10, help="fits per point (default 10, the paper's)")
    p.add_argument("--max-fits", type=int, default=None,
                   help="time only this many fits per figure (deterministic subset) and extrapolate the total")
    p.add_argument("--seed", type=int, default=20240515)
    p.add_argument("--peak-n", type=int, default=None,
                   help="size of the peak-rate matrix product (default 3000 on CPU, 8192 on GPU)")
    p.add_argument("--json", default=None, metavar="PATH", help="also write the results as JSON")
    p.add_argument("--quiet", action="store_true", help="no per-fit lines")
    args = p.parse_args(argv)
    backend = get_backend(args.device)
    peak_n = args.peak_n or (8192 if backend.device == "cuda" and not backend.is_numpy else 3000)
    threads = {k: os.environ.get(k, "unset") for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    info = {"device": args.device, "backend": backend.describe(), "cores": os.cpu_count(), "threads": threads,
            "python": platform.python_version(), "numpy": np.__version__, "load_avg_start": load}
    if not backend.is_numpy:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
        if backend.device == "cuda":
            info["gpu"] = torch.cuda.get_device_name(0)
    print(f"paper-scale Lu et al. sweeps: d = {args.d}, {args.reps} fits per point, backend {backend.describe()}, "
          f"{os.cpu_count()} cores, threads {threads}" + (f", GPU {info['gpu']}" if "gpu" in info else ""))
    if load:
        print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (timings need an idle machine)")
    rates = peak_gflops(args.device, peak_n)
    peak = rates["peak"]
    info["peak_gflops"] = rates
    info["peak_n"] = peak_n
    each = ", ".join(f"{k} {v:.1f}" for k, v in rates.items() if k != "peak")
    print(f"peak float64 rate (best of 3, {peak_n}x{peak_n} matrix product on {backend.describe()}): "
          f"{peak:.1f} GFLOP/s ({each})", flush=True)
    names = ("fig1", "fig4") if args.figure == "both" else (args.figure,)
    results = []
    for name in names:
        res = run_figure(name, args.d, args.reps, args.device, args.seed, args.max_fits,
                         fig_index=("fig1", "fig4").index(name), verbose=not args.quiet)
        _print(res, peak)
        results.append(res)
    info["load_avg_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    if info["load_avg_end"]:
        print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in info['load_avg_end'])}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"info": info, "results": results}, fh, indent=1, default=str)
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
