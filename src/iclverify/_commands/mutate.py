"""``iclverify mutate``: perturb every closed form, re-run the claims that use it, count the kills."""

from __future__ import annotations

import argparse
import sys

NAME = "mutate"
HELP = ("mutation testing: perturb every exposed closed form (x(1+-delta), a term dropped, an argument "
        "shifted), re-run the claims that use it against stored simulations, print the kill rate")
ORDER = 6


def add_arguments(p: argparse.ArgumentParser) -> None:
    from iclverify._commands._validate import add_setting_argument
    from iclverify.checks.simulation.run_config import RUN_SETTINGS

    add_setting_argument(p, "quick", RUN_SETTINGS["quick"])
    p.add_argument("--only", nargs="+", action="extend", default=[], metavar="PAPER|CLAIM",
                   help="mutate the forms of these papers / the forms these claims use, and run only these claims")
    p.add_argument("--claims", nargs="+", action="extend", default=[], metavar="FILE_OR_MODULE",
                   help="also load claims (and registered formulas) from these files or modules; without --only, "
                        "only their claims are run")
    add_setting_argument(p, "store", RUN_SETTINGS["store"],
                         note="default: $ICLVERIFY_STORE or ~/.cache/iclverify/results.sqlite; a warm store makes "
                              "a run cost little more than theory")
    add_setting_argument(p, "jobs", RUN_SETTINGS["jobs"], note="here worker processes over claims and mutants")
    add_setting_argument(p, "seed", RUN_SETTINGS["seed"], note="used by every claim")
    p.add_argument("--equivalent-below", type=float, default=None, metavar="X",
                   help="relative effect below which a mutant is equivalent (default 0.01: half the smallest "
                        "scale mutant, 2 %%)")
    p.add_argument("--json", default=None, metavar="FILE", help="also write the full result as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace) -> int:
    from iclverify.checks.simulation.store import default_store_path
    from iclverify.mutation.engine import MutationOptions, run_mutation
    from iclverify.mutation.summary import format_table, write_json

    if args.equivalent_below is not None and not 0 <= args.equivalent_below < 1:
        print(f"iclverify mutate: --equivalent-below must lie in [0, 1), got {args.equivalent_below}",
              file=sys.stderr)
        return 2
    opts = MutationOptions(quick=args.quick, seed=args.seed,
                           only=tuple(args.only), claims_specs=tuple(args.claims),
                           store=str(args.store or default_store_path()), jobs=args.jobs,
                           equivalent_below=args.equivalent_below)
    try:
        result = run_mutation(opts, progress=None if args.quiet else sys.stderr)
    except (KeyError, FileNotFoundError, ImportError) as err:
        msg = err.args[0] if isinstance(err, KeyError) and err.args else err
        print(f"iclverify mutate: {msg}", file=sys.stderr)
        return 2
    print(format_table(result))
    if args.json:
        write_json(result, args.json)
    return 0
