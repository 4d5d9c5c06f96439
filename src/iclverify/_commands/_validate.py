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
           "jobs_value", "default_jobs", "interactive", "add_choice_argument", "add_setting_argument"]


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
    """An argparse type: a root seed, as the declared ``seed`` run setting (an integer in [0, 2**63))."""
    from iclverify.checks.simulation.run_config import RUN_SETTINGS

    return _declared_value("seed", RUN_SETTINGS["seed"].domain)(text)


def jobs_value(text: str) -> int:
    """An argparse type for ``--jobs``: N >= 1 (the declared ``jobs`` run setting), or ``auto`` / -1 for one
    worker per available core."""
    from iclverify.checks.simulation.run_config import AUTO_JOBS, RUN_SETTINGS

    if text.strip().lower() in (AUTO_JOBS, "-1"):
        return default_jobs()
    return _declared_value("jobs", RUN_SETTINGS["jobs"].domain)(text)


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


def _declared_value(name: str, domain) -> Callable[[str], object]:
    """An argparse type that parses a number and checks it against a declared :class:`Interval`.

    A value outside the domain gives argparse's one-line error with the declaration's own words:
    ``argument --seed: seed=-1 ...`` followed by the domain (:meth:`Interval.check`'s message).
    """

    def conv(text: str):
        value = parse_int(text) if domain.integer else _parse_float(text)
        if value is None:
            raise argparse.ArgumentTypeError(f"expected {'an integer' if domain.integer else 'a number'}, got "
                                             f"{text!r}; the domain of {name} is {domain}")
        try:
            return domain.check(name, value)
        except ValueError as err:  # the value as typed (1e300, not its 301 digits)
            raise argparse.ArgumentTypeError(str(err).replace(f"{name}={value!r}", f"{name}={text}", 1)) from None

    conv.__name__ = name
    return conv


def _parse_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


#: How a declared setting is spelled on the command line beyond ``--NAME`` (a short flag, a metavar, what a
#: command line accepts besides the domain); its meaning, domain and default are declared with the setting.
_SPELLING = {
    "jobs": {"flags": ("-j",), "metavar": "N", "type": jobs_value,
             "extra": "'auto' or -1: one per available core"},
    "seed": {"metavar": "S"},
    "store": {"metavar": "PATH"},
    "scheduler": {"metavar": "tcp://HOST:PORT"},
}

_UNSET = object()


def add_setting_argument(p, name: str, declared, *, default=_UNSET, note: str = "", dest: str | None = None):
    """Add the option ``--NAME`` built from a declaration: its type or choices, its help text and its default.

    Parameters
    ----------
    p : argparse.ArgumentParser or argument group
        Where the option goes.
    name : str
        The declared name; the flag is ``--NAME`` (underscores as dashes) and the destination ``NAME``.
    declared : Setting or Interval, Options, Boolean, Checked
        A run setting (:data:`iclverify.checks.simulation.run_config.RUN_SETTINGS`, ``FIGURE_SETTINGS``) or a
        bare domain.  The help is the domain's ``description`` (with each choice's meaning for
        :class:`Options`); an :class:`Interval` is parsed and checked against the domain, so a bad value exits
        with status 2 and one line naming the option and the domain.  A :class:`Boolean` setting with a
        ``negation`` becomes two exclusive flags (``--quick`` / ``--full``); one without, a flag.
    default : object, optional
        This command's default where it differs from the declared one (e.g. ``simulate --seed`` defaults to 0);
        otherwise the setting's ``command_default`` (or an :class:`Options`' ``default``).
    note : str
        What the command does with the option beyond its declared meaning (e.g. what no ``--store`` means there).

    Returns
    -------
    argparse.Action
        The option's action (for a flag pair, the first), carrying the declaration as ``action.declared``.
    """
    from iclverify.theory.parameters import Boolean, Checked, Interval, Options

    domain = getattr(declared, "domain", declared)
    if default is _UNSET:
        default = declared.command_default if hasattr(declared, "command_default") else getattr(domain, "default", None)
    spelling = _SPELLING.get(name, {})
    flags = ("--" + name.replace("_", "-"), *spelling.get("flags", ()))
    dest = dest or name
    text = domain.description
    if isinstance(domain, Options) and domain.help_text():
        text += f": {domain.help_text()}"
    if spelling.get("extra"):
        text += f" ({spelling['extra']})"
    if note:
        text += f"; {note}"
    if default is not None and not isinstance(domain, Boolean):
        text += f" (default: {default})"  # shown even when it is 0 (the help formatter hides falsy defaults)
    if isinstance(domain, Boolean):
        negation = getattr(declared, "negation", None)
        if negation is None:
            action = p.add_argument(*flags, dest=dest, action="store_true", default=bool(default), help=text)
        else:
            group = p.add_mutually_exclusive_group()
            action = group.add_argument(*flags, dest=dest, action="store_true", default=bool(default),
                                        help=text + (" (default)" if default else ""))
            neg = group.add_argument("--" + negation[0], dest=dest, action="store_false",
                                     help=negation[1] + ("" if default else " (default)"))
            neg.declared = declared
    elif isinstance(domain, Options):
        action = p.add_argument(*flags, dest=dest, choices=domain.choices, default=default, help=text)
    elif isinstance(domain, Interval):
        action = p.add_argument(*flags, dest=dest, type=spelling.get("type") or _declared_value(name, domain),
                                default=default, metavar=spelling.get("metavar"), help=text)
    elif isinstance(domain, Checked):
        action = p.add_argument(*flags, dest=dest, default=default, metavar=spelling.get("metavar"), help=text)
    else:
        raise TypeError(f"{name}: cannot build an option from {declared!r}")
    action.declared = declared
    return action


def add_choice_argument(p: argparse.ArgumentParser, flag: str, options, *, default: str | None = None,
                        dest: str | None = None) -> None:
    """An option whose choices, help text and default come from a declared :class:`~iclverify.theory.parameters.Options`
    (:func:`add_setting_argument` for one named ``flag``).

    The help reads ``"<description>: <choice>: <meaning>; ..."`` followed by the default, so that no
    command retypes a list of choices (``iclverify.theory.domains.LU2024_SIMULATION``, ``DEVICES``).
    """
    name = flag.lstrip("-").replace("-", "_")
    add_setting_argument(p, name, options, default=options.default if default is None else default, dest=dest)
