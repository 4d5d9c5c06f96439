"""The ``iclverify`` console script.

Each sub-command lives in its own module of :mod:`iclverify._commands`, defining
``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``; this file only
collects them.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from iclverify._version import __version__


def _command_modules() -> list:
    import iclverify._commands as pkg

    mods = [importlib.import_module(f"{pkg.__name__}.{m.name}") for m in pkgutil.iter_modules(pkg.__path__)
            if not m.name.startswith("_")]
    return sorted(mods, key=lambda m: getattr(m, "ORDER", 100))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iclverify",
        description="Hold closed-form ICL theory against Monte Carlo simulation of one-layer attention.",
    )
    parser.add_argument("--version", action="version", version=f"iclverify {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for mod in _command_modules():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv:
        parser.print_help()
        return 2
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "_accepts_extra", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args._extra = extra
    return int(args._run(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
