"""The standard mutants of a closed form, and how each is put in place.

Three families, the same for every form (the issue's list):

* ``scale``: the value times ``1 + delta`` for ``delta`` in +-2, +-5, +-10 % (every numeric
  leaf of the result: arrays, dict entries, mpmath numbers; an integer result is rounded, a
  boolean result is not scaled);
* ``drop``: one additive term of the form's sympy expression removed.  For an extension
  formula that is the registered expression; for a theory function it is its sympy twin
  ``<name>_expr`` in the same module, evaluated with symbolic arguments
  (``f - term`` is then applied to the numeric function, so its branches and validation stay;
  a twin with a ``branch`` argument gives the terms of each side of tau = 1, each dropped only on
  its side, and a twin built at a default argument, e.g. ``lam=0``, is dropped only where the
  argument has that value).
  A form with no twin, or whose twin needs numeric arguments (a branch chosen by value, a
  solved fixed point), has no drop mutants; :func:`drop_terms` says why;
* ``shift``: one argument changed before the call, by name (:data:`SHIFTS`): kappa, alpha, gamma,
  corr and every other real parameter x 1.2; rho, lam and the noise variances x 2; tau x 1.1;
  integer parameters round(1.2 x), at least + 1.  A shifted value outside the parameter's
  declared domain (:mod:`iclverify.theory.domains`) is shifted the other way (x / 1.2).

A mutant is described by :class:`MutantSpec` (picklable: a form name and numbers) and built in
whichever process runs it.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Iterator

import numpy as np

from iclverify.theory.parameters import Interval

__all__ = ["MutantSpec", "SCALE_DELTAS", "SHIFTS", "mutants_of", "applied", "drop_terms", "shift_factor"]

SCALE_DELTAS = (Fraction(-10, 100), Fraction(-5, 100), Fraction(-2, 100), Fraction(2, 100), Fraction(5, 100),
                Fraction(10, 100))
#: Argument shifts by parameter name; a name not listed gets x 1.2 (integers: round(1.2 x), at least + 1).
SHIFTS = {"kappa": 1.2, "alpha": 1.2, "rho": 2.0, "tau": 1.1, "lam": 2.0, "noise_var": 2.0, "noise_vars": 2.0,
          "query_noise_var": 2.0}
#: Arguments never shifted: precision, seeds, switches.
# grid: a scan resolution, like dps.  noise_var_old: declared only since the parameter vocabulary became strict;
# shifting it would be a new mutant of lora_risk, to be added together with its measured kill rate.
NOT_SHIFTED = {"dps", "seed", "rng", "normalized", "variant", "branch", "kind", "grid", "noise_var_old"}


@dataclass(frozen=True)
class MutantSpec:
    """A mutant: ``form`` (its name), ``kind`` (scale/drop/shift) and its argument."""

    form: str
    kind: str
    arg: Any  # scale: Fraction delta; drop: term index; shift: parameter name

    @property
    def label(self) -> str:
        if self.kind == "scale":
            return f"{self.form} x {float(1 + self.arg):g}"
        if self.kind == "drop":
            return f"{self.form} - term[{self.arg}]"
        return f"{self.form}({self.arg} -> {shift_factor(self.arg):g} {self.arg})"

    @property
    def id(self) -> str:
        if self.kind == "scale":
            return f"{self.form}:scale{'+' if self.arg > 0 else '-'}{abs(float(self.arg)) * 100:g}%"
        return f"{self.form}:{self.kind}:{self.arg}"


def shift_factor(name: str) -> float:
    return SHIFTS.get(name, 1.2)


# -- numeric helpers ---------------------------------------------------------------------------------
def _map_numeric(x: Any, fn: Callable[[Any], Any]) -> Any:
    """Apply ``fn`` to every numeric leaf of a result (keeping containers and integer types)."""
    if isinstance(x, (bool, np.bool_)) or x is None or isinstance(x, str):
        return x
    if isinstance(x, dict):
        return {k: _map_numeric(v, fn) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*(_map_numeric(v, fn) for v in x))
    if isinstance(x, (list, tuple)):
        return type(x)(_map_numeric(v, fn) for v in x)
    if isinstance(x, (int, np.integer)):
        return type(x)(int(round(float(fn(float(x))))))
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "biu":
            return np.rint(fn(x.astype(float))).astype(x.dtype) if x.dtype.kind != "b" else x
        return fn(x)
    try:
        return fn(x)
    except TypeError:
        return x


def _scale_fn(delta: Fraction) -> Callable[[Any], Any]:
    f = 1 + delta

    def fn(v):
        try:
            import mpmath

            if isinstance(v, (mpmath.mpf, mpmath.mpc)):
                return v * mpmath.mpf(f.numerator) / f.denominator
        except ImportError:  # pragma: no cover
            pass
        return v * (f.numerator / f.denominator)

    return fn


# -- drop: sympy terms --------------------------------------------------------------------------------
def _terms(expr) -> list:
    import sympy as sp

    return list(expr.as_ordered_terms()) if isinstance(expr, sp.Add) else []


def drop_terms(form) -> tuple[list[tuple[str | None, Any]], list[str], str]:
    """``(terms, params, why)``: the additive terms of a form's sympy expression, in its parameters.

    ``terms`` holds ``(branch, term)`` pairs: ``branch`` is None, or for a twin with a
    ``branch`` argument (Lu et al.'s ridgeless formulas) ``"lt1"`` / ``"gt1"``, the side of
    tau = 1 on which the term belongs (the mutant drops it only there).  ``params`` are the
    names of the form's arguments the terms depend on.  ``terms`` is empty when there is no
    usable sympy form; ``why`` then says so.
    """
    import inspect
    import sys

    import sympy as sp

    if form.kind == "extension":
        spec = form.spec
        if spec.expr is None:
            return [], [], "registered as a numeric function (no sympy expression)"
        terms = _terms(spec.expr) or _terms(sp.expand(spec.expr))
        why = "" if terms else "the expression is a single term"
        return [(None, t) for t in terms], list(spec.params), why
    mod = sys.modules[form.func.__module__]
    twin = getattr(mod, form.func.__name__ + "_expr", None)
    if twin is None:
        return [], [], f"no sympy twin {form.func.__name__}_expr in {mod.__name__}"
    fparams = [p for p in form.signature().parameters]
    tsig = inspect.signature(twin)
    required = [p.name for p in tsig.parameters.values()
                if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.POSITIONAL_ONLY)]
    args = [sp.Symbol(p, positive=True) for p in required]
    branches = ("lt1", "gt1") if "branch" in tsig.parameters else (None,)
    out: list[tuple[str | None, Any]] = []
    names: set[str] = set()
    for b in branches:
        try:
            expr = twin(*args, **({"branch": b} if b else {}))
        except Exception as err:  # noqa: BLE001 - a twin that needs numbers is reported, not fatal
            return [], [], f"the sympy twin {twin.__name__} needs numeric arguments ({type(err).__name__}: {err})"
        if not isinstance(expr, sp.Expr):
            return [], [], f"the sympy twin {twin.__name__} returns {type(expr).__name__}"
        stray = sorted(s.name for s in expr.free_symbols if s.name not in fparams)
        if stray:
            return [], [], f"the sympy twin has symbols that are not arguments of the function ({', '.join(stray)})"
        names |= {s.name for s in expr.free_symbols}
        out += [(b, t) for t in _terms(expr)]
    why = "" if out else "the sympy twin is a single term"
    return out, sorted(names), why


def _twin_defaults(form) -> dict:
    """Arguments the sympy twin was built at by default (e.g. ``lam=0``: the ridgeless formula).

    A drop mutant applies only where the form's argument takes that value; elsewhere the
    twin is not the form's expression.
    """
    import inspect
    import sys

    mod = sys.modules[form.func.__module__]
    twin = getattr(mod, form.func.__name__ + "_expr", None)
    if twin is None:
        return {}
    fparams = form.signature().parameters
    return {p.name: p.default for p in inspect.signature(twin).parameters.values()
            if p.default is not p.empty and p.name in fparams and p.name != "branch"
            and isinstance(p.default, (int, float))}


# -- generation ---------------------------------------------------------------------------------------
def _shiftable(form) -> list[str]:
    if form.kind == "extension":
        return list(form.spec.params)
    space = form.space
    out = []
    for p in form.signature().parameters.values():
        if p.name in NOT_SHIFTED or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if space is not None and not isinstance(space.domains.get(p.name), Interval):
            continue  # undeclared, or a choice / switch / structured value: no numeric shift
        if p.default is not p.empty and isinstance(p.default, (bool, str)):
            continue
        out.append(p.name)
    return out


def mutants_of(form, deltas: tuple = SCALE_DELTAS) -> tuple[list[MutantSpec], str]:
    """The standard mutants of ``form`` and the reason it has no drop mutants ('' if it has).

    ``deltas`` are the relative changes of the scale mutants (``Fraction`` or decimal strings).
    """
    out = [MutantSpec(form.name, "scale", Fraction(d)) for d in deltas]
    terms, _, why = drop_terms(form)
    out += [MutantSpec(form.name, "drop", i) for i in range(len(terms))]
    out += [MutantSpec(form.name, "shift", p) for p in _shiftable(form)]
    return out, why


# -- building and applying ----------------------------------------------------------------------------
def _domain(form, name: str):
    if form.kind == "extension":
        return form.spec.space[name]
    space = form.space
    return None if space is None else space.domains.get(name)


def _shift_value(v: Any, factor: float, dom) -> Any:
    integer = isinstance(dom, Interval) and dom.integer

    def one(x, f):
        if integer:
            return int(max(round(x * f), x + 1)) if f > 1 else int(min(round(x * f), x - 1))
        return x * f

    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, np.ndarray) or isinstance(v, (list, tuple)):
        arr = np.asarray(v, dtype=float)
        return arr * factor
    if not isinstance(v, (int, float, np.integer, np.floating)):
        try:
            return v * factor  # mpmath numbers
        except TypeError:
            return v
    if isinstance(v, float) and not math.isfinite(v):
        return v
    w = one(v, factor)
    if dom is not None and not dom.contains(w):
        w = one(v, 1 / factor)
    return w


def _theory_mutant(form, m: MutantSpec) -> Callable[..., Any]:
    import functools
    import inspect

    orig = form.func
    if m.kind == "scale":
        fn = _scale_fn(m.arg)

        @functools.wraps(orig)
        def scaled(*a, **k):
            return _map_numeric(orig(*a, **k), fn)

        return scaled
    sig = inspect.signature(orig)
    if m.kind == "shift":
        factor, dom = shift_factor(m.arg), _domain(form, m.arg)

        @functools.wraps(orig)
        def shifted(*a, **k):
            b = sig.bind(*a, **k)
            if m.arg in b.arguments:
                b.arguments[m.arg] = _shift_value(b.arguments[m.arg], factor, dom)
            return orig(*b.args, **b.kwargs)

        return shifted
    import sympy as sp

    terms, params, _ = drop_terms(form)
    branch, term = terms[m.arg]
    at_default = _twin_defaults(form)
    syms = sorted(term.free_symbols, key=lambda x: x.name)
    names = [x.name for x in syms]
    f_np, f_mp = sp.lambdify(syms, term, "numpy"), sp.lambdify(syms, term, "mpmath")

    @functools.wraps(orig)
    def dropped(*a, **k):
        b = sig.bind(*a, **k)
        b.apply_defaults()
        out = orig(*b.args, **b.kwargs)
        args = [b.arguments[p] for p in names]
        try:
            import mpmath

            if isinstance(out, mpmath.mpf):
                t = float(mpmath.mpf(b.arguments.get("tau", 0)))
                if branch is not None and (t < 1) != (branch == "lt1"):
                    return out
                if any(float(b.arguments[k]) != v for k, v in at_default.items()):
                    return out
                return out - f_mp(*(mpmath.mpf(x) for x in args))
        except ImportError:  # pragma: no cover
            pass
        with np.errstate(all="ignore"):
            t = f_np(*(np.asarray(x, dtype=float) for x in args)) if syms else float(term)
            if branch is not None:
                tau = np.asarray(b.arguments["tau"], dtype=float)
                t = np.where((tau < 1) == (branch == "lt1"), t, 0.0)
            for k, v in at_default.items():
                t = np.where(np.asarray(b.arguments[k], dtype=float) == v, t, 0.0)
            res = out - t
            return type(out)(res) if isinstance(out, float) else res

    return dropped


@contextlib.contextmanager
def applied(form, m: MutantSpec) -> Iterator[None]:
    """Put mutant ``m`` of ``form`` in place for the duration of the block."""
    if form.kind == "theory":
        with form.replaced(_theory_mutant(form, m)):
            yield
        return
    import sympy as sp

    spec = form.spec
    if spec.expr is not None:
        if m.kind == "scale":
            new = spec.expr * sp.Rational(1 + m.arg)
        elif m.kind == "drop":
            new = spec.expr - drop_terms(form)[0][m.arg][1]
        else:
            s = spec.symbols[m.arg]
            new = spec.expr.xreplace({s: s * sp.Rational(shift_factor(m.arg)).limit_denominator(100)})
        with form.replaced_spec(expr=new):
            yield
        return
    orig = spec.func
    if m.kind == "scale":
        fn = _scale_fn(m.arg)

        def func(**p):
            return _map_numeric(orig(**p), fn)
    else:
        factor, dom = shift_factor(m.arg), _domain(form, m.arg)

        def func(**p):
            p = dict(p)
            p[m.arg] = _shift_value(p[m.arg], factor, dom)
            return orig(**p)
    with form.replaced_spec(func=func):
        yield
