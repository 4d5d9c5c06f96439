"""Registry of derivations run by ``iclverify derive`` and by the report.

A derivation is a function returning a :class:`DerivationResult`; it re-derives a
formula from first principles (Isserlis moments, first-order conditions, limits) and
compares it with the expression encoded in :mod:`iclverify.theory`.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["PROVED", "CHECKED", "FAILED", "SHARED", "DerivationResult", "Derivation", "Side", "derivation",
           "derivations", "registered_derivations", "run_derivation", "build_side", "shared_construction",
           "prove_sides"]

PROVED = "PROVED"
CHECKED = "CHECKED-NUMERICALLY"
FAILED = "FAILED"
#: The two sides reduce to each other but one is built from the other: nothing was shown (not counted as PROVED).
SHARED = "SHARED-CONSTRUCTION"


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
    #: The two independently built sides ``(lhs, rhs)`` (:class:`Side`) of a PROVED identity, before simplification.
    sides: tuple = ()


@dataclass(frozen=True)
class Side:
    """One side of an identity and how it was built.

    Attributes
    ----------
    expr : sympy expression (or Matrix)
        The side as built, before any simplification.
    builders : frozenset of str
        ``module.function`` of the theory functions called *directly* by the builder (its outermost theory calls).
    calls : frozenset of str
        Every theory function called, at any depth, while building the side.
    """

    expr: Any
    builders: frozenset = frozenset()
    calls: frozenset = frozenset()


_THEORY = "iclverify.theory"


def build_side(build: Callable[[], Any]) -> Side:
    """Build one side of an identity, recording which theory functions it was built from.

    A profiler hook sees every Python call made while ``build()`` runs; calls into a module of
    :mod:`iclverify.theory` are recorded, and those whose caller is not itself a theory function are
    the side's *builders*.  :func:`shared_construction` compares the two sides' records.
    """
    builders: set[str] = set()
    calls: set[str] = set()

    def prof(frame, event, arg):
        if event != "call":
            return
        mod = frame.f_globals.get("__name__", "")
        if not mod.startswith(_THEORY):
            return
        name = f"{mod}.{frame.f_code.co_name}"
        calls.add(name)
        back = frame.f_back
        if back is None or not back.f_globals.get("__name__", "").startswith(_THEORY):
            builders.add(name)

    old = sys.getprofile()
    sys.setprofile(prof)
    try:
        expr = build()
    finally:
        sys.setprofile(old)
    return Side(expr, frozenset(builders), frozenset(calls))


def shared_construction(lhs: Side, rhs: Side, common: tuple[str, ...] = ()) -> list[str]:
    """Why two sides are not independent (empty list: they are).

    Two sides share construction when they are the same object, or when a theory function that builds one
    side directly is also called (at any depth) while building the other -- e.g. ``f(x) = g(x) + h(x)`` compared with ``g(x)`` plus a limit.  ``common``
    names the shared *inputs* both sides may use (e.g. the Marchenko-Pastur transform), matched by the end of
    the function's qualified name.
    """
    why = []
    # Equal srepr alone is not a shared construction: two expanded polynomials built independently (Isserlis
    # moments against the note's formula) have the same canonical form exactly when the identity holds.
    if lhs.expr is rhs.expr:
        why.append("both sides are the same object")

    def free(names):
        return {n for n in names if not any(n.endswith("." + c) for c in common)}

    for a, b, an, bn in ((lhs, rhs, "lhs", "rhs"), (rhs, lhs, "rhs", "lhs")):
        shared = sorted(free(a.builders) & b.calls)
        if shared:
            why.append(f"{an} is built by {', '.join(shared)}, which the {bn} also calls")
    return why


def prove_sides(lhs: Side, rhs: Side, what: str, *, common: tuple[str, ...] = (),
                simplify: Callable[[Any], Any] | None = None) -> DerivationResult:
    """PROVED only when the two sides are built independently and sympy reduces their difference to zero.

    Returns ``SHARED`` when :func:`shared_construction` finds a common construction (whatever sympy says),
    ``FAILED`` when the difference does not reduce.
    """
    import sympy as sp

    why = shared_construction(lhs, rhs, common)
    if why:
        return DerivationResult(SHARED, f"{what}: the two sides share construction ({'; '.join(why)})",
                                sides=(lhs, rhs))
    simplify = simplify or sp.simplify
    diff = lhs.expr - rhs.expr
    d = diff.applyfunc(simplify) if isinstance(diff, sp.MatrixBase) else simplify(diff)
    zero = all(z == 0 for z in d) if isinstance(d, sp.MatrixBase) else d == 0
    if zero:
        return DerivationResult(PROVED, f"simplify({what}) == 0; the sides are built independently (lhs from "
                                        f"{_names(lhs)}, rhs from {_names(rhs)})", sides=(lhs, rhs))
    return DerivationResult(FAILED, f"simplify({what}) = {d}", sides=(lhs, rhs))


def _names(side: Side) -> str:
    return ", ".join(sorted(n.rsplit(".", 1)[-1] for n in side.builders)) or "first principles (no theory call)"


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


def registered_derivations() -> list[Derivation]:
    """The derivations registered so far (no discovery), in name order."""
    return [d for _, d in sorted(_REGISTRY.items())]


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
