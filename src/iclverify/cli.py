"""The ``iclverify`` console script.

Each sub-command lives in its own module of :mod:`iclverify._commands`, defining
``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``; this file only
collects them, and turns every input error into one line on stderr and exit status 2
(an interrupt into exit status 130), never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import warnings

from iclverify._version import __version__

from iclverify._commands._parser import EXIT_INTERRUPTED, EXIT_USAGE, Formatter, Parser, UsageError  # noqa: F401


def _command_modules() -> list:
    import iclverify._commands as pkg

    mods = [importlib.import_module(f"{pkg.__name__}.{m.name}") for m in pkgutil.iter_modules(pkg.__path__)
            if not m.name.startswith("_")]
    return sorted(mods, key=lambda m: getattr(m, "ORDER", 100))


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="iclverify",
        description="Hold closed-form ICL theory against Monte Carlo simulation of one-layer attention.",
    )
    parser.add_argument("--version", action="version", version=f"iclverify {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for mod in _command_modules():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def _one_line_warnings() -> None:
    """Warnings (e.g. a read-only result store) as ``iclverify: warning: ...`` lines, no source excerpt."""

    def show(message, category, filename, lineno, file=None, line=None):
        print(f"iclverify: warning: {message}", file=file or sys.stderr)

    warnings.showwarning = show


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv:
        parser.print_help()
        return EXIT_USAGE
    _one_line_warnings()
    prog = "iclverify"
    try:
        args, extra = parser.parse_known_args(argv)
        prog = f"iclverify {getattr(args, 'command', '') or ''}".strip()
        if extra and not getattr(args, "_accepts_extra", False):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        if not hasattr(args, "_run"):
            parser.error(f"choose a command: {', '.join(m.NAME for m in _command_modules())}")
        args._extra = extra
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted (Ctrl-C); results computed so far are in the result store, if one was used",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except SystemExit as stop:  # argparse errors and --help: already printed
        return int(stop.code or 0) if isinstance(stop.code, int) or stop.code is None else EXIT_USAGE
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep the interpreter's final flush quiet
        except OSError:
            pass
        return 0
    except Exception as err:  # noqa: BLE001 - the command line prints one line, never a traceback
        if os.environ.get("ICLVERIFY_DEBUG"):
            raise
        from iclverify.checks.simulation.store import StoreError

        text = " ".join(str(err).split()) or type(err).__name__
        if isinstance(err, (ValueError, StoreError, ArithmeticError, MemoryError, NotImplementedError,
                            FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)):
            print(f"{prog}: {text}", file=sys.stderr)
            return EXIT_USAGE
        print(f"{prog}: internal error ({type(err).__name__}): {text}; set ICLVERIFY_DEBUG=1 for the traceback",
              file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
