"""Registry of derivations run by ``iclverify derive`` and by the report.

A derivation is a function returning a :class:`DerivationResult`; it re-derives a
formula from first principles (Isserlis moments, first-order conditions, limits) and
compares it with the expression encoded in :mod:`iclverify.theory`.
"""

from __future__ import annotations

import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from iclverify.discovery import discover_modules

__all__ = ["PROVED", "CHECKED", "FAILED", "SHARED", "DerivationResult", "Derivation", "Side", "derivation",
           "derivations", "registered_derivations", "run_derivation", "build_side", "shared_construction",
           "prove_sides", "check_sides", "combine", "side_pairs"]

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
    #: The two independently built sides ``(lhs, rhs)`` (:class:`Side`) of the derivation's main identity, before
    #: simplification (for CHECKED-NUMERICALLY: the two lists of high-precision values compared).
    sides: tuple = ()
    #: Every identity of the derivation as ``(what, lhs, rhs, common)``: ``common`` names the shared inputs
    #: allowed to both sides (see :func:`shared_construction`).  Empty when only ``sides`` was set.
    side_pairs: tuple = ()


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


#: Theory modules whose frames are plumbing, not formulas (argument validation).
_PLUMBING = ("iclverify.theory.parameters",)


def _transparent(frame) -> bool:
    """A decorator's ``wrapper`` or a validation frame: skipped, so the decorated function is what is recorded.

    Without this every validated public function (``icl_error``, ``icl_error_tau_inf``, ...) would be recorded as
    the same ``parameters.wrapper``, and any two of them would look like one construction.
    """
    mod = frame.f_globals.get("__name__", "")
    return mod in _PLUMBING or (mod.startswith(_THEORY) and frame.f_code.co_name == "wrapper")


def build_side(build: Callable[[], Any]) -> Side:
    """Build one side of an identity, recording which theory functions it was built from.

    The sympy cache is cleared first (see the comment below).  A profiler hook sees every Python call made while
    ``build()`` runs; calls into a module of
    :mod:`iclverify.theory` are recorded, and those whose caller is not itself a theory function are
    the side's *builders*.  :func:`shared_construction` compares the two sides' records.
    """
    from sympy.core.cache import clear_cache

    builders: set[str] = set()
    calls: set[str] = set()
    # sympy hash-conses: with its cache warm, an equal expression built independently comes back as the *same*
    # object, so "same object" would not tell a captured expression from a rebuilt one.  Cleared, a side is the
    # other's object only when its builder hands back an expression that already existed (a shared construction).
    clear_cache()

    def prof(frame, event, arg):
        if event != "call":
            return
        mod = frame.f_globals.get("__name__", "")
        if not mod.startswith(_THEORY) or _transparent(frame):
            return
        name = f"{mod}.{frame.f_code.co_name}"
        calls.add(name)
        back = frame.f_back
        while back is not None and _transparent(back):  # a decorator's wrapper is not the caller
            back = back.f_back
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
    side directly is also called (at any depth) while building the other -- e.g. ``f(x) = g(x) + h(x)`` compared with
    ``g(x)`` plus a limit.  ``common`` names the shared *inputs* both sides may use (e.g. the Marchenko-Pastur
    transform), matched by the end of the function's qualified name.
    """
    why = []
    # Equal srepr alone is not a shared construction: two expanded polynomials built independently (Isserlis
    # moments against the note's formula) have the same canonical form exactly when the identity holds.
    if lhs is rhs:
        why.append("both sides are the same object")
    elif lhs.expr is rhs.expr and not getattr(lhs.expr, "is_Number", False):
        # a sympy number is a singleton (two sides that both reduce to 0 are one object), anything else that is
        # the same object was handed to both sides (build_side clears sympy's cache before each build)
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

    pairs = ((what, lhs, rhs, tuple(common)),)
    why = shared_construction(lhs, rhs, common)
    if why:
        return DerivationResult(SHARED, f"{what}: the two sides share construction ({'; '.join(why)})",
                                sides=(lhs, rhs), side_pairs=pairs)
    simplify = simplify or sp.simplify
    diff = lhs.expr - rhs.expr
    d = diff.applyfunc(simplify) if isinstance(diff, sp.MatrixBase) else simplify(diff)
    zero = all(z == 0 for z in d) if isinstance(d, sp.MatrixBase) else d == 0
    if zero:
        return DerivationResult(PROVED, f"simplify({what}) == 0; the sides are built independently (lhs from "
                                        f"{_names(lhs)}, rhs from {_names(rhs)})", sides=(lhs, rhs), side_pairs=pairs)
    return DerivationResult(FAILED, f"simplify({what}) = {d}", sides=(lhs, rhs), side_pairs=pairs)


def check_sides(lhs: Side, rhs: Side, what: str, tol: float, *, labels=None,
                common: tuple[str, ...] = ()) -> DerivationResult:
    """CHECKED-NUMERICALLY when two independently built lists of high-precision values agree to ``tol``.

    ``lhs.expr`` and ``rhs.expr`` are equally long sequences of numbers (mpmath ``mpf`` at the working
    precision); the largest relative difference is reported.  Never PROVED: numerical agreement at finitely many
    points is evidence, not a proof.  ``SHARED`` when the sides share construction, ``FAILED`` beyond ``tol``.
    """
    import mpmath

    pairs = ((what, lhs, rhs, tuple(common)),)
    why = shared_construction(lhs, rhs, common)
    if why:
        return DerivationResult(SHARED, f"{what}: the two sides share construction ({'; '.join(why)})",
                                sides=(lhs, rhs), side_pairs=pairs)
    a_vals, b_vals = list(lhs.expr), list(rhs.expr)
    if len(a_vals) != len(b_vals) or not a_vals:
        return DerivationResult(FAILED, f"{what}: {len(a_vals)} values against {len(b_vals)}", sides=(lhs, rhs),
                                side_pairs=pairs)
    labels = list(labels) if labels is not None else [str(i) for i in range(len(a_vals))]
    rel = [abs(a - b) / max(abs(b), mpmath.mpf(10) ** -300) for a, b in zip(a_vals, b_vals)]
    worst = float(max(rel))
    shown = "; ".join(f"{lab}: {mpmath.nstr(a, 12)} vs {mpmath.nstr(b, 12)}"
                      for lab, a, b in list(zip(labels, a_vals, b_vals))[:4])
    status = CHECKED if worst <= tol else FAILED
    return DerivationResult(status, f"{what}: largest relative difference {worst:.2e} (tolerance {tol:g}); lhs from "
                                    f"{_names(lhs)}, rhs from {_names(rhs)}; {shown}",
                            data={"max_rel_diff": worst}, sides=(lhs, rhs), side_pairs=pairs)


#: Order of the statuses from worst to best: a derivation is as weak as its weakest identity.
_RANK = {FAILED: 0, SHARED: 1, CHECKED: 2, PROVED: 3}


def combine(parts: list[DerivationResult], summary: str = "", *, checks: list[DerivationResult] = (),
            data: dict | None = None) -> DerivationResult:
    """One derivation made of several identities (each from :func:`prove_sides` or :func:`check_sides`).

    The status is the weakest part's (FAILED < SHARED-CONSTRUCTION < CHECKED-NUMERICALLY < PROVED), the main
    ``sides`` are the first part's and ``side_pairs`` collects every part's, so the shared-construction test sees
    them all.  ``checks`` are supplementary checks of the implementation (e.g. a root finder against the proved
    closed form): their sides are listed too and a FAILED or SHARED check sinks the derivation, but a
    CHECKED-NUMERICALLY check does not lower a PROVED identity (it is not part of the identity's proof).
    """
    if not parts:
        raise ValueError("a derivation needs at least one identity")
    status = min((p.status for p in parts), key=lambda s: _RANK.get(s, 0))
    bad_checks = [c.status for c in checks if c.status in (FAILED, SHARED)]
    if bad_checks:
        status = min([status, *bad_checks], key=lambda s: _RANK.get(s, 0))
    parts = list(parts) + list(checks)
    pairs = tuple(pair for p in parts for pair in (p.side_pairs or ((p.detail, *p.sides, ()),) if p.sides else ()))
    if status in (FAILED, SHARED):
        detail = " | ".join(p.detail for p in parts if p.status == status)
    else:
        detail = (summary + ": " if summary else "") + " | ".join(p.detail for p in parts)
    merged: dict = {}
    for p in parts:
        for k, v in p.data.items():
            merged[k] = max(merged[k], v) if k == "max_rel_diff" and k in merged else v
    merged.update(data or {})
    return DerivationResult(status, detail, data=merged, sides=parts[0].sides, side_pairs=pairs)


def side_pairs(res: DerivationResult) -> tuple:
    """``(what, lhs, rhs, common)`` for every identity of a result (its ``sides`` alone when no pairs are listed)."""
    if res.side_pairs:
        return res.side_pairs
    return (("main identity", *res.sides, ()),) if res.sides else ()


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


_DISCOVERY_ERRORS: dict[str, str] = {}


def _discover() -> None:
    discover_modules("iclverify.derivations", _DISCOVERY_ERRORS, skip=("registry",))


def discovery_errors() -> dict[str, str]:
    """Derivation modules that failed to import (module name -> traceback); empty when all loaded."""
    _discover()
    return dict(_DISCOVERY_ERRORS)


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
