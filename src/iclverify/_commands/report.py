"""``iclverify report``: run the claims ledger and write index.html, report.md and claims.json."""

from __future__ import annotations

import argparse
import os
import shlex
import sys

NAME = "report"
HELP = "run every claim, derivation and figure and write the verification report (HTML, Markdown, JSON)"
ORDER = 5


def add_arguments(p: argparse.ArgumentParser) -> None:
    scale = p.add_mutually_exclusive_group()
    scale.add_argument("--quick", dest="quick", action="store_true", default=True,
                       help="small d and few repeats: minutes on 2 cores (default)")
    scale.add_argument("--full", dest="quick", action="store_false", help="paper-scale d and repeats")
    p.add_argument("--out", default="report", metavar="DIR", help="output folder (default: ./report)")
    p.add_argument("--only", nargs="+", action="extend", default=[], metavar="PAPER|CLAIM",
                   help="run only these papers, claim ids, derivation names or figure ids (comma or space "
                        "separated)")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="worker processes over claims, derivations and figures (default 1; -1: one per core)")
    p.add_argument("--claims", nargs="+", action="extend", default=[], metavar="FILE_OR_MODULE",
                   help="also load claims from these Python files or modules")
    p.add_argument("--list", action="store_true", help="list the selected claims and exit without running them")
    p.add_argument("--no-figures", dest="figures", action="store_false", help="do not draw figures")
    p.add_argument("--no-derivations", dest="derivations", action="store_false", help="do not run derivations")
    p.add_argument("--seed", type=int, default=None, metavar="S", help="root seed of every check and figure")
    p.add_argument("--strict", action="store_true",
                   help="also fail (exit 1) on INCONCLUSIVE claims that should hold and on figures that "
                        "could not be drawn")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")
    p.add_argument("--store", default=None, metavar="PATH",
                   help="result store (SQLite file) backing every simulation: a second run with the same "
                        "seed and scale reuses them all (default: none)")
    p.add_argument("--mutation-summary", default=None, metavar="FILE",
                   help="JSON written by `iclverify mutate --json FILE`: its kill rate joins the summary")
    p.add_argument("--junit", metavar="FILE", default=None,
                   help="also write JUnit XML (one test case per claim, derivation and figure) for CI")


def _list(sel) -> int:
    from iclverify.report.legend import label_families

    width = max((len(c.id) for c in sel.claims), default=5)
    for c in sel.claims:
        fam = "+".join(label_families(c.label)) or "-"
        exp = "" if c.expected else "  [expected=False]"
        fig = f"  figure={c.figure}" if c.figure else ""
        print(f"{c.id:<{width}}  {c.paper:<20} {c.check.value:<26} {c.label} ({fam}){fig}{exp}")
    for d in sel.derivations:
        print(f"{d.name:<{width}}  {d.paper:<20} {'derivation':<26} {d.statement}")
    for f in sel.figures:
        print(f"{f.id:<{width}}  {f.paper:<20} {'figure':<26} {f.title or '(not registered)'}")
    print(f"{len(sel.claims)} claims, {len(sel.derivations)} derivations, {len(sel.figures)} figures")
    return 0


def _canonical_command(args: argparse.Namespace, seed: int) -> str:
    """The command line that repeats this run exactly (every setting spelled out)."""
    parts = ["iclverify", "report", "--quick" if args.quick else "--full", "--seed", str(seed)]
    if args.only:
        parts += ["--only", *args.only]
    if args.claims:
        parts += ["--claims", *args.claims]
    if args.jobs != 1:
        parts += ["--jobs", str(args.jobs)]
    if not args.figures:
        parts.append("--no-figures")
    if not args.derivations:
        parts.append("--no-derivations")
    if args.strict:
        parts.append("--strict")
    if args.store:
        parts += ["--store", args.store]
    if args.mutation_summary:
        parts += ["--mutation-summary", args.mutation_summary]
    parts += ["--out", args.out]
    if args.junit:
        parts += ["--junit", args.junit]
    return shlex.join(parts)


def run(args: argparse.Namespace) -> int:
    from iclverify.checks.claims import RunConfig
    from iclverify.report import write_report
    from iclverify.report.runner import ReportOptions, run_report, select

    if args.jobs == -1:
        args.jobs = os.cpu_count() or 1
    if args.jobs < 1:
        print(f"iclverify report: --jobs must be at least 1 (or -1 for every core), got {args.jobs}",
              file=sys.stderr)
        return 2
    seed = RunConfig().seed if args.seed is None else args.seed
    mutation = None
    if args.mutation_summary:
        from iclverify.mutation.summary import read_summary

        try:
            mutation = read_summary(args.mutation_summary)
        except (OSError, ValueError) as err:
            print(f"iclverify report: --mutation-summary: {err}", file=sys.stderr)
            return 2
    opts = ReportOptions(quick=args.quick, seed=seed,
                         jobs=args.jobs, only=tuple(args.only), claims_specs=tuple(args.claims),
                         figures=args.figures, derivations=args.derivations, out_dir=args.out,
                         strict=args.strict, command=_canonical_command(args, seed), store=args.store)
    try:
        sel = select(opts)
    except (KeyError, FileNotFoundError, ImportError) as err:
        msg = err.args[0] if isinstance(err, KeyError) and err.args else err
        print(f"iclverify report: {msg}", file=sys.stderr)
        return 2
    if args.list:
        return _list(sel)
    data = run_report(opts, progress=None if args.quiet else sys.stderr, selection=sel)
    data.mutation = mutation
    written = write_report(data, args.out, junit=args.junit)
    print(f"wrote {os.path.join(args.out, 'index.html')}, report.md, summary.md, claims.json"
          + (f", {written['junit']}" if args.junit else ""))
    for line in data.failures():
        print(f"FAIL {line}")
    print(data.summary_line())  # last, so that `tail -1` of a CI log says it all
    return data.exit_status()
