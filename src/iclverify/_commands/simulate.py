"""``iclverify simulate lu2024 --d 40 --alpha 10 ...``: finite-d Monte Carlo compared with the theory (calibrated)."""

from __future__ import annotations

import argparse
import json
import math
import sys

NAME = "simulate"
HELP = ("simulate a model at finite d and compare it with the theory: theory, mean +- SE, z, resolution "
        "(e.g. `simulate lu2024 --d 40`; `--extrapolate 24,32,48` removes the finite-d bias)")
ORDER = 30
MODELS = ("lu2024",)


#: The point simulated when an option is not given (a ridgeless point below the interpolation peak, tau < 1).
DEFAULT_POINT = {"d": 40, "alpha": 10.0, "kappa": 0.5, "tau": 0.5, "rho": 0.01, "lam": 0.0}

#: This command's defaults where they differ from the declared ones (an exploratory command: seed 0, 8 repeats).
RUN_DEFAULTS = {"seed": 0, "reps": 8, "d": DEFAULT_POINT["d"]}

#: The run settings this command takes (declared in iclverify.checks.simulation.run_config.RUN_SETTINGS).
RUN_OPTIONS = ("seed", "jobs", "store", "device", "scheduler")


def add_arguments(p: argparse.ArgumentParser) -> None:
    from iclverify._commands._validate import add_choice_argument, add_setting_argument
    from iclverify._commands.theory import number
    from iclverify.checks.simulation.run_config import RUN_SETTINGS
    from iclverify.theory.domains import LU2024_SIMULATION as SIM

    p.add_argument("model", choices=MODELS, help="which model (lu2024: ridge-trained linear attention)")
    from iclverify.theory.domains import LU2024

    add_setting_argument(p, "d", LU2024["d"], default=RUN_DEFAULTS["d"])
    for name in ("alpha", "kappa", "tau", "rho", "lam"):  # help and domain as declared; the default is this command's
        dom = LU2024[name]
        p.add_argument("--" + name, type=number, default=DEFAULT_POINT[name], help=f"{dom.description}, in {dom}")
    add_setting_argument(p, "reps", RUN_SETTINGS["reps"].domain.with_(
        description="independent repeats (>= 2 for a standard error)"), default=RUN_DEFAULTS["reps"])
    for name in ("method", "tasks", "assignment", "solver"):  # choices, help and defaults as declared
        add_choice_argument(p, "--" + name, SIM[name])
    notes = {"store": "a file path, or 'default' for the user cache (default: no store)"}
    for name in RUN_OPTIONS:  # type, help and default as declared (seed: this command's own default)
        add_setting_argument(p, name, RUN_SETTINGS[name], note=notes.get(name, ""),
                             **({"default": RUN_DEFAULTS[name]} if name in RUN_DEFAULTS else {}))
    p.add_argument("--repair", action="store_true",
                   help="recompute stored records that fail their checksum instead of stopping")
    p.add_argument("--extrapolate", type=dims_value, default=None, metavar="D1,D2,D3[,...]",
                   help="simulate at these three or more d (instead of --d) and compare the d -> inf intercept of "
                        "a weighted a + b/d (+ c/d^2) fit with the theory: the finite-d bias is removed")
    p.add_argument("--json", action="store_true", help="print the result as JSON (NaN/inf as null)")


def dims_value(text: str) -> tuple:
    """An argparse type for ``--extrapolate``: three or more distinct dimensions >= 2, comma-separated."""
    from iclverify._commands._validate import parse_int

    ds = [parse_int(t) for t in text.split(",") if t.strip()]
    if any(d is None or d < 2 for d in ds) or len(set(ds)) < 3:
        raise argparse.ArgumentTypeError(f"expected three or more distinct dimensions >= 2 (e.g. 16,24,32), "
                                         f"got {text!r}")
    return tuple(sorted(set(ds)))


def theory_values(alpha, kappa, tau, rho, lam) -> dict:
    """Asymptotic ICL/IDG of the shared model :data:`iclverify.checks.simulation.lu2024_model.LU2024_MODEL` (None where
    it has no closed form, with the reason in ``note``)."""
    from iclverify.checks.simulation.lu2024_model import LU2024_MODEL as model

    point = (alpha, kappa, tau, rho, lam)
    out = {"icl": None, "idg": None, "note": ""}
    for key in ("icl", "idg"):
        why = model.unavailable(key, point)
        if why is None:
            out[key] = float(model.theory(key, point))
        else:
            out["note"] += f"{key}: {why}. "
    if out["idg"] is not None and model.source("idg", point).startswith("DERIVED-HERE"):
        out["note"] += ("IDG theory for lam > 0 at finite tau: DERIVED-HERE (no available source states it; "
                        "docs/lu2024_ridge_idg.md, claim lu2024.mc-ridge-idg). ")
    return out


def run(args: argparse.Namespace) -> int:
    from iclverify._commands._validate import check_store_path
    from iclverify.checks.simulation.lu2024_model import LU2024_MODEL as model
    from iclverify.checks.simulation.store import open_store

    if args.store != "default":
        check_store_path(args.store)
    # open the store first: a corrupt, foreign or unwritable store is reported before any work
    store = open_store(None if args.store is None else (True if args.store == "default" else args.store),
                      repair=args.repair)
    point = (args.alpha, args.kappa, args.tau, args.rho, args.lam)
    ds = getattr(args, "extrapolate", None) or (args.d,)
    # the shared Model simulates (one d: the seed as given; several: seed extended by d) and compares
    cmp = model.compare(point, ds if len(ds) > 1 else ds[0], args.reps, args.seed, jobs=args.jobs, store=store,
                        method=args.method, tasks=args.tasks, assignment=args.assignment, solver=args.solver,
                        device=args.device, scheduler=args.scheduler)
    if store is not None and store.repaired:
        print(f"repaired {store.repaired} corrupt record(s) in {store.path}", file=sys.stderr)
    th = theory_values(*point)
    if args.json:
        out = cmp.results[ds[0]].as_dict() if len(ds) == 1 else {"by_d": {str(d): r.as_dict()
                                                                         for d, r in cmp.results.items()}}
        out["theory"] = th
        out["comparison"] = cmp.as_dict()
        from iclverify.serialization import json_ready

        print(json.dumps(json_ready(out, nonfinite="null"), allow_nan=False))  # NaN/inf as null
        return 0
    for d, res in cmp.results.items():
        print(f"lu2024 linear attention, d = {res.d}: l = {res.ell}, k = {res.k}, n = {res.n} "
              f"(tau_eff = {res.tau_eff:.4g}), {res.reps} repeats, method = {args.method}, "
              f"{res.runtime_s:.2f} s")
        for key, mean, se in (("ICL", res.icl_mean, res.icl_se), ("IDG", res.idg_mean, res.idg_se)):
            err = f"+/- {se:.3g} (SE)" if math.isfinite(se) else "(no SE: one repeat)"
            print(f"  {key}: {mean:.6g} {err}")
        if not math.isnan(res.gap_se):
            print(f"  g_task = ICL - IDG: {res.gap_mean:.6g} +/- {res.gap_se:.3g}")
        print(f"  seed entropy {res.seeds['entropy']}, spawn keys {_keys(res.seeds['spawn_keys'])}; "
              f"version {res.version}")
    print(cmp)
    if th["note"]:
        print(th["note"].strip())
    return 0


def _keys(keys: list) -> str:
    """The repeats' spawn keys, first and last (``(0,)..(7,)``)."""
    fmt = lambda k: "(" + ", ".join(map(str, k)) + ("," if len(k) == 1 else "") + ")"  # noqa: E731
    return fmt(keys[0]) if len(keys) == 1 else f"{fmt(keys[0])}..{fmt(keys[-1])}"
