"""Command-line input checks shared by the sub-commands: typed options, paper names, output paths.

Every check fails before any work starts, with one line that names the option, the value and
what was expected (the CLI turns ``ValueError`` into that line and exit status 2).
"""

from __future__ import annotations

import argparse
import difflib
import math
import os
import sys
from typing import Callable, Iterable

__all__ = ["int_at_least", "seed_value", "did_you_mean", "check_choice", "check_output_dir", "check_store_path",
           "jobs_value", "default_jobs", "interactive", "add_choice_argument"]


def parse_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if math.isfinite(value) and value == int(value) else None


def int_at_least(low: int, what: str = "integer") -> Callable[[str], int]:
    """An argparse type: an integer >= ``low`` (``1e3`` accepted when whole)."""

    def conv(text: str) -> int:
        value = parse_int(text)
        if value is None or value < low:
            raise argparse.ArgumentTypeError(f"expected an {what} >= {low}, got {text!r}")
        return value

    conv.__name__ = f"integer >= {low}"
    return conv


def seed_value(text: str) -> int:
    """An argparse type: a root seed, an integer in [0, 2**63)."""
    value = parse_int(text)
    if value is None or not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"expected a seed, an integer in [0, 2**63), got {text!r}")
    return value


def jobs_value(text: str) -> int:
    """An argparse type for ``--jobs``: N >= 1, or -1 / ``auto`` for one worker per available core."""
    if text.strip().lower() in ("auto", "-1"):
        from iclverify.checks.simulation.sweep import available_cores

        return available_cores()
    value = parse_int(text)
    if value is None or value < 1:
        raise argparse.ArgumentTypeError(f"expected a worker count >= 1 (or 'auto' / -1 for one per core), got {text!r}")
    return value


def default_jobs() -> int:
    """Default worker count: one per available core (each worker runs one BLAS thread)."""
    from iclverify.checks.simulation.sweep import available_cores

    return available_cores()


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'lu2024'?"`` for a close match, else ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def check_choice(option: str, value: str, choices: Iterable[str], what: str = "paper") -> None:
    """``ValueError`` for a value outside ``choices``, with a did-you-mean."""
    choices = sorted(set(choices))
    if value not in choices:
        raise ValueError(f"{option}: unknown {what} {value!r}{did_you_mean(value, choices)} "
                         f"(known: {', '.join(choices)})")


def check_output_dir(path: str, option: str = "--out") -> None:
    """The output folder can be created or written: not empty, not a file, writable parent.

    Raises
    ------
    ValueError
        Naming ``option`` and why, before any work starts.
    """
    if not str(path).strip():
        raise ValueError(f"{option}: empty path; give a folder")
    p = os.path.abspath(os.path.expanduser(path))
    if os.path.exists(p) and not os.path.isdir(p):
        raise ValueError(f"{option} {path}: exists and is not a folder")
    probe = p
    while not os.path.exists(probe):
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if not os.path.isdir(probe):
        raise ValueError(f"{option} {path}: {probe} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ValueError(f"{option} {path}: {probe} is not writable")


def check_store_path(path: str | None, option: str = "--store") -> None:
    """A store path given on the command line is not empty and not a folder."""
    if path is None:
        return
    if not str(path).strip():
        raise ValueError(f"{option}: empty path; give a file such as results.sqlite")
    if os.path.isdir(os.path.expanduser(path)):
        raise ValueError(f"{option} {path}: is a folder; give a file such as {os.path.join(path, 'results.sqlite')}")


def interactive(stream=None) -> bool:
    """Whether progress may redraw one line (a terminal, and not a CI log)."""
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("CI")


def add_choice_argument(p: argparse.ArgumentParser, flag: str, options, *, default: str | None = None,
                        dest: str | None = None) -> None:
    """An option whose choices, help text and default come from a declared :class:`~iclverify.theory.parameters.Options`.

    The help reads ``"<description>: <choice>: <meaning>; ..."`` followed by the default, so that no
    command retypes a list of choices (``iclverify.theory.domains.LU2024_SIMULATION``, ``DEVICES``).
    """
    default = options.default if default is None else default
    meaning = options.help_text()
    text = options.description + (f": {meaning}" if meaning else "")
    if default is not None:
        text += f" (default: {default})"
    kwargs = {"dest": dest} if dest is not None else {}
    p.add_argument(flag, choices=options.choices, default=default, help=text, **kwargs)
