"""The argument parser every command uses: one-line errors, defaults shown in the help.

Lives below the commands (the console script :mod:`iclverify.cli` re-exports it), so that a command never imports
the script that collects it.
"""

from __future__ import annotations

import argparse

#: Exit status of bad input (argparse's convention) and of Ctrl-C (128 + SIGINT).
EXIT_USAGE, EXIT_INTERRUPTED = 2, 130


class UsageError(ValueError):
    """An input error found by a command: printed as one line, exit status 2."""


class Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Every option's help shows its default; descriptions keep their line breaks."""

    def _get_help_string(self, action):
        text = action.help or ""
        if action.nargs == 0:  # flags (store_true/false, help, version): their "default" says nothing useful
            return text
        if action.default in (None, False, [], argparse.SUPPRESS) or "%(default)" in text or "default" in text:
            return text
        if action.option_strings or action.nargs in (argparse.OPTIONAL, argparse.ZERO_OR_MORE):
            return text + " (default: %(default)s)"
        return text


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: ``iclverify CMD: argument --x: ...``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # noqa: D102 - argparse API
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see `{self.prog} --help`)\n")
