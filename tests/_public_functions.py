"""Shared helpers of the public-function tests (``tests/theory/`` and ``tests/checks/``).

Both tests feed each declared bad value into a function whose other arguments are ordinary in-domain
values drawn from the same declarations, so that the only thing wrong with a call is the value under test.
"""

from __future__ import annotations

import inspect
import re

from iclverify.theory.parameters import Boolean, Checked, Interval, Options


def valid_value(dom):
    """A value inside ``dom`` (small and ordinary: the call fails on the value under test, not on size)."""
    if isinstance(dom, Interval):
        for v in (2, 1, 3, 0.5, 5, 0.25, 0.0, 10, -1.0):
            if bool(dom.contains(v)):
                return int(v) if dom.integer else float(v)
        raise AssertionError(f"no ordinary value inside {dom}")
    if isinstance(dom, Options):
        return dom.default if dom.default is not None else dom.choices[0]
    if isinstance(dom, Boolean):
        return False
    if isinstance(dom, Checked):
        return dom.example
    raise AssertionError(f"unknown constraint {dom!r}")


def parameters(func) -> list:
    """The named parameters of ``func`` (``*args`` and ``**kwargs`` left out)."""
    return [p for p in inspect.signature(func).parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def naming(name: str) -> str:
    """A pattern that finds ``name`` as a whole word in an error message."""
    return rf"(?<![\w]){re.escape(name)}(?![\w])"
