"""``iclverify derive [--paper P] [--json]``: run every symbolic re-derivation."""

from __future__ import annotations

import argparse
import json

NAME = "derive"
HELP = "re-derive the theory symbolically and print each identity as PROVED / CHECKED-NUMERICALLY"
ORDER = 20


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--paper", default=None, help="only this paper's derivations (e.g. lu2024)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")


def run(args: argparse.Namespace) -> int:
    from iclverify.derivations.registry import FAILED, SHARED, derivations, run_derivation

    if args.paper is not None:
        from iclverify._commands._validate import check_choice

        check_choice("--paper", args.paper, {d.paper for d in derivations()})
    results = []
    for d in derivations(args.paper):
        res = run_derivation(d)
        results.append(res)
        if not args.json:
            print(f"{res.status:<20} {res.name}  ({res.runtime_s:.2f} s)\n    {res.statement}\n    {res.detail}",
                  flush=True)
    if args.json:
        print(json.dumps([{"name": r.name, "paper": r.paper, "statement": r.statement, "status": r.status,
                           "detail": r.detail, "runtime_s": r.runtime_s} for r in results], indent=2))
    else:
        n_bad = sum(r.status in (FAILED, SHARED) for r in results)
        print(f"{len(results)} derivations, {n_bad} failed")
    return 1 if any(r.status in (FAILED, SHARED) for r in results) else 0
