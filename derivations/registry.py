"""Registry of derivations run by ``iclverify derive`` and by the report.

A derivation is a function returning a :class:`DerivationResult`; it re-derives a
formula from first principles (Isserlis moments, first-order conditions, limits) and
compares it with the expression encoded in :mod:`iclverify.theory`.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable

__all__ = ["PROVED", "CHECKED", "FAILED", "DerivationResult", "Derivation", "derivation", "derivations",
           "run_derivation"]

PROVED = "PROVED"
CHECKED = "CHECKED-NUMERICALLY"
FAILED = "FAILED"


@dataclass
class DerivationResult:
    """Outcome of one derivation.

    Attributes
    ----------
    status : str
        ``PROVED`` (sympy reduced the difference to 0), ``CHECKED-NUMERICALLY``
        (agreement at high precision where sympy cannot close the argument) or
        ``FAILED``.
    detail : str
        What was shown, e.g. ``"simplify(lhs - rhs) == 0"`` or the largest relative
        difference at 50 digits.
    """

    status: str
    detail: str = ""
    name: str = ""
    paper: str = ""
    statement: str = ""
    runtime_s: float = 0.0
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Derivation:
    name: str
    paper: str
    statement: str
    func: Callable[[], DerivationResult]


_REGISTRY: dict[str, Derivation] = {}


def derivation(name: str, *, paper: str, statement: str) -> Callable:
    """Register a derivation under a unique ``name`` (e.g. ``"lu2024.mp-quadratic-root"``)."""

    def deco(func: Callable[[], DerivationResult]) -> Callable[[], DerivationResult]:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"derivation {name!r} registered twice")
        _REGISTRY[name] = Derivation(name, paper, statement, func)
        return func

    return deco


def _discover() -> None:
    import iclverify.derivations as pkg

    for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."):
        leaf = info.name.rsplit(".", 1)[-1]
        if not leaf.startswith("_") and leaf != "registry":
            importlib.import_module(info.name)


def derivations(paper: str | None = None) -> list[Derivation]:
    """All registered derivations (optionally of one paper), in name order."""
    _discover()
    return [d for _, d in sorted(_REGISTRY.items()) if paper is None or d.paper == paper]


def run_derivation(d: Derivation) -> DerivationResult:
    """Run one derivation, timing it and turning an exception into ``FAILED``."""
    t0 = time.perf_counter()
    try:
        res = d.func()
    except Exception:  # a crash is a failed derivation, reported with its traceback
        res = DerivationResult(FAILED, traceback.format_exc(limit=3))
    res.name, res.paper, res.statement = d.name, d.paper, d.statement
    res.runtime_s = time.perf_counter() - t0
    return res
