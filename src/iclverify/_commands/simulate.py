"""``iclverify simulate lu2024 --d 40 --alpha 10 ...``: finite-d Monte Carlo next to the theory."""

from __future__ import annotations

import argparse
import json
import math
import sys

NAME = "simulate"
HELP = "simulate a model at finite d and print the errors next to the theory (e.g. `simulate lu2024 --d 40`)"
ORDER = 30
MODELS = ("lu2024",)


def add_arguments(p: argparse.ArgumentParser) -> None:
    from iclverify._commands._validate import add_choice_argument, default_jobs, int_at_least, jobs_value, seed_value
    from iclverify._commands.theory import number
    from iclverify.theory.domains import LU2024_SIMULATION as SIM

    p.add_argument("model", choices=MODELS, help="which model (lu2024: ridge-trained linear attention)")
    p.add_argument("--d", type=int_at_least(1), default=40, help="token dimension")
    p.add_argument("--alpha", type=number, default=10.0, help="context length l/d")
    p.add_argument("--kappa", type=number, default=0.5, help="task diversity k/d (inf: fresh task per context)")
    p.add_argument("--tau", type=number, default=0.5, help="pretraining contexts n/d^2")
    p.add_argument("--rho", type=number, default=0.01, help="label-noise variance")
    p.add_argument("--lam", type=number, default=0.0, help="ridge strength (0: minimum-norm)")
    p.add_argument("--reps", type=int_at_least(1), default=8,
                   help="independent repeats (>= 2 for a standard error)")
    p.add_argument("--seed", type=seed_value, default=0, help="root seed")
    p.add_argument("--jobs", "-j", type=jobs_value, default=default_jobs(),
                   help="parallel workers, one BLAS thread each ('auto': one per available core); results "
                        "are bit-identical for any worker count")
    for name in ("method", "tasks", "assignment", "solver"):  # choices, help and defaults as declared
        add_choice_argument(p, "--" + name, SIM[name])
    p.add_argument("--store", default=None,
                   help="result store: a file path, or 'default' for the user cache (default: no store)")
    p.add_argument("--repair", action="store_true",
                   help="recompute stored records that fail their checksum instead of stopping")
    add_choice_argument(p, "--device", SIM["device"])
    p.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                   help="run the repeats on a running Dask cluster (pip install 'icl-verifier[dask]')")
    p.add_argument("--json", action="store_true", help="print the result as JSON (NaN/inf as null)")


def theory_values(alpha, kappa, tau, rho, lam) -> dict:
    """Asymptotic ICL/IDG from :mod:`iclverify.theory.lu2024` (None where unavailable)."""
    out = {"icl": None, "idg": None, "note": ""}
    try:
        from iclverify.theory.lu2024 import icl_error, idg_error
    except ImportError as err:  # a partial install (the theory subpackage missing): say so, do not crash
        out["note"] = f"theory unavailable ({err})"
        return out
    for key, fn in (("icl", icl_error), ("idg", idg_error)):
        try:
            out[key] = float(fn(alpha, kappa, tau, rho, lam))
        except (ValueError, ArithmeticError, NotImplementedError) as err:
            out["note"] += f"{key}: {err}. "
    if out["idg"] is not None and lam > 0 and math.isfinite(tau) and math.isfinite(kappa):
        out["note"] += ("IDG theory for lam > 0 at finite tau: DERIVED-HERE (no available source states it; "
                        "docs/lu2024_ridge_idg.md, claim lu2024.mc-ridge-idg). ")
    return out


def json_safe(v):
    """Non-finite floats as ``null``, so that the output is valid JSON (RFC 8259 has no NaN)."""
    from iclverify.serialization import json_ready

    return json_ready(v, nonfinite="null")


def run(args: argparse.Namespace) -> int:
    from iclverify._commands._validate import check_store_path
    from iclverify.checks.simulation.lu2024_sim import simulate_lu2024
    from iclverify.checks.simulation.store import open_store

    if args.store != "default":
        check_store_path(args.store)
    # open the store first: a corrupt, foreign or unwritable store is reported before any work
    store = open_store(None if args.store is None else (True if args.store == "default" else args.store),
                      repair=args.repair)
    res = simulate_lu2024(args.alpha, args.kappa, args.tau, args.rho, args.lam, args.d, reps=args.reps,
                          seed=args.seed, jobs=args.jobs, store=store, method=args.method, tasks=args.tasks,
                          assignment=args.assignment, solver=args.solver, device=args.device,
                          scheduler=args.scheduler)
    if store is not None and store.repaired:
        print(f"repaired {store.repaired} corrupt record(s) in {store.path}", file=sys.stderr)
    th = theory_values(args.alpha, args.kappa, args.tau, args.rho, args.lam)
    if args.json:
        out = res.as_dict()
        out["theory"] = th
        print(json.dumps(json_safe(out), allow_nan=False))
        return 0
    print(f"lu2024 linear attention, d = {res.d}: l = {res.ell}, k = {res.k}, n = {res.n} "
          f"(tau_eff = {res.tau_eff:.4g}), {res.reps} repeats, method = {args.method}, "
          f"{res.runtime_s:.2f} s")
    for key, mean, se in (("ICL", res.icl_mean, res.icl_se), ("IDG", res.idg_mean, res.idg_se)):
        t = th[key.lower()]
        tt = f"{t:.6g}" if t is not None else "n/a"
        diff = f"  (sim - theory = {mean - t:+.4g})" if t is not None else ""
        err = f"+/- {se:.3g} (SE)" if math.isfinite(se) else "(no SE: one repeat)"
        print(f"{key}: {mean:.6g} {err}   theory (d -> inf): {tt}{diff}")
    if th["note"]:
        print(th["note"].strip())
    if not math.isnan(res.gap_se):
        print(f"g_task = ICL - IDG: {res.gap_mean:.6g} +/- {res.gap_se:.3g}")
    print(f"seed entropy {res.seeds['entropy']}, spawn keys (0,)..({res.reps - 1},); version {res.version}")
    return 0
