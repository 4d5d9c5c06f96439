"""``iclverify figures list | make ID... | all | replot CSV...``: regenerate the papers' figures.

``make`` writes ``<id>.png``, ``<id>.pdf`` and ``<id>.csv`` per figure and prints each
figure's run time and the total.  ``--quick`` (default) uses small d and few repeats;
``--full`` the papers' values; ``--style paper|slides`` picks the layout and ``--title``
draws the figure's title (off by default).  Simulated points are kept in the result store
(``--store``; default: ``$ICLVERIFY_STORE`` or the user cache), so a second run re-plots
at once.  ``replot`` re-draws from the CSV files alone.
"""

from __future__ import annotations

import argparse
import sys
import time

NAME = "figures"
HELP = "list the registered figures, make them (PNG + PDF + CSV), or re-plot them from CSV"
ORDER = 40


def add_arguments(p: argparse.ArgumentParser) -> None:
    from iclverify._commands._validate import add_setting_argument
    from iclverify.figures.registry import FIGURE_SETTINGS as S

    sub = p.add_subparsers(dest="figures_cmd", metavar="ACTION", parser_class=type(p))
    ls = sub.add_parser("list", help="list registered figure ids")
    ls.add_argument("--paper", default=None, help="only this paper's figures (e.g. lu2024)")
    mk = sub.add_parser("make", help="build figures: ID... or 'all'")
    mk.add_argument("ids", nargs="+", metavar="ID", help="figure ids, a paper prefix such as 'lu2024', or 'all'")
    # every setting of FigureConfig (but theory_only and store, whose option pair is below) from its declaration
    add_setting_argument(mk, "quick", S["quick"])
    for name in ("d", "reps", "jobs", "seed", "device", "scheduler"):
        add_setting_argument(mk, name, S[name])  # pip install 'icl-verifier[gpu]' for the torch devices
    mk.add_argument("--out", default="figures-out", help="output folder (default ./figures-out)")
    _style_arguments(mk)
    st = mk.add_mutually_exclusive_group()
    add_setting_argument(st, "store", S["store"], note="default: $ICLVERIFY_STORE or the user cache")
    mk.add_argument("--repair", action="store_true",
                    help="recompute stored records that fail their checksum instead of stopping")
    st.add_argument("--no-store", action="store_true", help="simulate afresh and keep nothing")
    rp = sub.add_parser("replot", help="re-draw figures from their CSV files (no computation)")
    rp.add_argument("csv", nargs="+", help="CSV files written by 'figures make'")
    rp.add_argument("--out", default=None, help="output folder (default: next to each CSV)")
    _style_arguments(rp)


def _style_arguments(p: argparse.ArgumentParser) -> None:
    from iclverify._commands._validate import add_setting_argument
    from iclverify.figures.registry import FIGURE_SETTINGS as S

    add_setting_argument(p, "style", S["style"])
    add_setting_argument(p, "title", S["title"])


def _select(ids: list[str]) -> list[str]:
    from iclverify.figures.registry import all_figures, canonical_figure_id

    known = [s.id for s in all_figures()]
    if "all" in ids:
        return known
    chosen: list[str] = []
    for i in map(canonical_figure_id, ids):
        if i in known:
            matches = [i]
        else:
            matches = [k for k in known if k.startswith(i + "-") or k.split("-")[0] == i]
        if not matches:
            from iclverify._commands._validate import did_you_mean

            raise KeyError(f"no figure {i!r}{did_you_mean(i, known + sorted({k.split('-')[0] for k in known}))}; "
                           "see `iclverify figures list`")
        chosen += [m for m in matches if m not in chosen]
    return chosen


def _list(args) -> int:
    from iclverify.figures.registry import all_figures

    specs = [s for s in all_figures() if args.paper is None or s.paper == args.paper or s.id.startswith(args.paper)]
    if args.paper is not None and not specs:
        from iclverify._commands._validate import check_choice

        check_choice("--paper", args.paper, {s.paper for s in all_figures()} | {s.id.split("-")[0] for s in all_figures()})
    width = max((len(s.id) for s in specs), default=10)
    for s in specs:
        print(f"{s.id:<{width}}  {s.paper:<18}  {s.title}")
    print(f"{len(specs)} figures")
    from iclverify.figures.registry import discovery_errors

    for mod, err in discovery_errors().items():
        print(f"figure module {mod} failed to import: {err}", file=sys.stderr)
    return 1 if discovery_errors() else 0


def _make(args) -> int:
    from iclverify.figures.registry import FigureConfig
    from iclverify.figures.render import make_figure

    from iclverify._commands._validate import check_output_dir, check_store_path, interactive

    try:
        ids = _select(args.ids)
    except KeyError as e:
        print(f"iclverify figures make: {e.args[0]}", file=sys.stderr)
        return 2
    check_output_dir(args.out)
    check_store_path(args.store)
    kw = {"quick": args.quick, "d": args.d, "reps": args.reps, "jobs": args.jobs, "seed": args.seed,
          "device": args.device, "scheduler": args.scheduler, "style": args.style, "title": args.title}
    if args.device != "cpu":  # fail before any figure is built, with the backend's own message
        from iclverify.checks.simulation.array_backend import get_backend

        try:
            get_backend(args.device)
        except ValueError as e:
            print(f"iclverify figures: {e}", file=sys.stderr)
            return 2
    from iclverify.checks.simulation.store import ResultStore, StoreError

    if args.no_store:
        kw["store"] = False
    else:  # opened now, so that a corrupt, foreign or unwritable store stops the run before any work
        kw["store"] = ResultStore(args.store, repair=args.repair) if args.store else ResultStore(repair=args.repair)
    config = FigureConfig(**kw)
    mode = "quick" if args.quick else "full"
    print(f"making {len(ids)} figure(s), {mode} mode, into {args.out}", flush=True)
    t0, c0 = time.perf_counter(), time.process_time()
    failed = []
    live = interactive()
    for n_done, fid in enumerate(ids):
        if live and n_done:  # an ETA on a terminal; CI logs get the plain per-figure lines only
            left = (time.perf_counter() - t0) / n_done * (len(ids) - n_done)
            sys.stderr.write(f"\r[{n_done}/{len(ids)}] ~{left:.0f} s left, now {fid} ")
            sys.stderr.flush()
        c1 = time.process_time()
        try:
            res = make_figure(fid, config, args.out)
        except StoreError:  # a corrupt record: stop the run (one line, exit 2), never draw around it
            raise
        except Exception as e:  # one broken figure must not stop the others; report it and fail at the end
            failed.append(fid)
            print(f"  FAILED {fid}: {type(e).__name__}: {e}", flush=True)
            continue
        extra = ", ".join(f"{k}={v}" for k, v in res["info"].items() if k in ("d", "reps", "grid"))
        cpu = time.process_time() - c1
        print(f"  {fid:<24} {res['runtime_s']:7.2f} s (cpu {cpu:6.2f} s)  -> {res['png'].name}, {res['pdf'].name}, "
              f"{res['csv'].name}" + (f"  ({extra})" if extra else ""), flush=True)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    # cpu: this process only (workers started by --jobs > 1 are not counted); wall time on a shared
    # machine depends on the load, cpu time much less so
    print(f"total {total:.2f} s (cpu {cpu:.2f} s) for {len(ids) - len(failed)} figure(s)" +
          (f"; {len(failed)} failed: {' '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def _replot(args) -> int:
    import os

    from iclverify._commands._validate import check_output_dir
    from iclverify.figures.render import replot_from_csv

    for path in args.csv:  # every input checked before anything is drawn
        if not os.path.isfile(path):
            raise ValueError(f"figures replot {path}: no such file")
        if os.path.getsize(path) == 0:
            raise ValueError(f"figures replot {path}: the file is empty")
    if args.out is not None:
        check_output_dir(args.out)
    for path in args.csv:
        try:
            res = replot_from_csv(path, args.out, style_name=args.style, title=args.title)
        except (OSError, ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError) as err:
            raise ValueError(f"figures replot {path}: not a figure CSV written by `iclverify figures make` "
                             f"({type(err).__name__}: {' '.join(str(err).split())[:120]})") from None
        print(f"  {res['id']:<24} {res['runtime_s']:7.2f} s  -> {res['png']}, {res['pdf']}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.figures_cmd == "list":
        return _list(args)
    if args.figures_cmd == "make":
        return _make(args)
    if args.figures_cmd == "replot":
        return _replot(args)
    print("usage: iclverify figures {list,make,replot} ...  (see --help)", file=sys.stderr)
    return 2
