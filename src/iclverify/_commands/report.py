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
    from iclverify._commands._validate import add_setting_argument
    from iclverify.checks.simulation.run_config import RUN_SETTINGS

    add_setting_argument(p, "quick", RUN_SETTINGS["quick"])
    p.add_argument("--out", default="report", metavar="DIR", help="output folder (default: ./report)")
    p.add_argument("--only", nargs="+", action="extend", default=[], metavar="PAPER|CLAIM",
                   help="run only these papers, claim ids, derivation names or figure ids (comma or space "
                        "separated)")
    add_setting_argument(p, "jobs", RUN_SETTINGS["jobs"], note="here worker processes over claims, derivations "
                                                               "and figures")
    p.add_argument("--claims", nargs="+", action="extend", default=[], metavar="FILE_OR_MODULE",
                   help="also load claims from these Python files or modules")
    p.add_argument("--list", action="store_true", help="list the selected claims and exit without running them")
    p.add_argument("--no-figures", dest="figures", action="store_false", help="do not draw figures")
    p.add_argument("--no-derivations", dest="derivations", action="store_false", help="do not run derivations")
    add_setting_argument(p, "seed", RUN_SETTINGS["seed"], note="used by every check and figure")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="per-claim time limit; a claim over it is ERROR with the reason and the rest still run "
                        "(default: 600 s with --quick, 6 h with --full; 0: none)")
    p.add_argument("--strict", action="store_true",
                   help="also fail (exit 1) on INCONCLUSIVE claims that should hold and on figures that "
                        "could not be drawn")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")
    add_setting_argument(p, "store", RUN_SETTINGS["store"], note="default: none")
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
    if args.timeout is not None:
        parts += ["--timeout", f"{args.timeout:g}"]
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


def _publish(staging: str, out: str) -> None:
    """Move the finished report from ``staging`` to ``out``, replacing a previous one only now."""
    import shutil
    import tempfile

    out_abs = os.path.abspath(out)
    if os.path.isdir(out_abs):
        old = tempfile.mkdtemp(prefix=".old-", dir=os.path.dirname(out_abs))
        os.rmdir(old)
        os.rename(out_abs, old)
        os.rename(staging, out_abs)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, out_abs)


def run(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    from iclverify._commands._validate import check_output_dir
    from iclverify.report import write_report
    from iclverify.report.runner import ReportOptions, run_report, select

    if any(not str(o).strip(" ,") for o in args.only):
        raise ValueError("--only: empty name; give a paper, claim id, derivation or figure (see --list)")
    if args.timeout is not None and not args.timeout >= 0:
        raise ValueError(f"--timeout: expected seconds >= 0 (0: no limit), got {args.timeout!r}")
    if not args.list:
        check_output_dir(args.out)  # before any claim runs: a bad --out must not cost the whole run
    if args.store is not None:
        from iclverify._commands._validate import check_store_path
        from iclverify.checks.simulation.store import ResultStore

        check_store_path(args.store)
        ResultStore(args.store)  # a corrupt, foreign or unwritable store stops the run before any work
    seed = args.seed
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
                         strict=args.strict, command=_canonical_command(args, seed), store=args.store,
                         timeout_s=args.timeout)
    try:
        sel = select(opts)
    except (KeyError, FileNotFoundError, ImportError) as err:
        msg = err.args[0] if isinstance(err, KeyError) and err.args else err
        print(f"iclverify report: {msg}", file=sys.stderr)
        return 2
    if args.list:
        return _list(sel)
    # Everything is written into a staging folder next to --out and moved into place at the end, so an
    # interrupted or crashed run leaves the previous report as it was.
    out_abs = os.path.abspath(args.out)
    parent = os.path.dirname(out_abs)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(out_abs)}.partial-", dir=parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)  # mkdtemp's 0700 would otherwise become the published report's mode
    try:
        from dataclasses import replace

        data = run_report(replace(opts, out_dir=staging), progress=None if args.quiet else sys.stderr,
                          selection=sel)
        data.mutation = mutation
        write_report(data, staging)
        # judged while the figure files are still where the data points to them
        failures, summary, status = data.failures(), data.summary_line(), data.exit_status()
        _publish(staging, args.out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if args.junit:  # after publishing, so that a --junit path inside --out is not replaced by the move
        from iclverify.report.junit import write_junit

        write_junit(data, args.junit)
    print(f"wrote {os.path.join(args.out, 'index.html')}, report.md, summary.md, claims.json"
          + (f", {args.junit}" if args.junit else ""))
    for line in failures:
        print(f"FAIL {line}")
    print(summary)  # last, so that `tail -1` of a CI log says it all
    return status
