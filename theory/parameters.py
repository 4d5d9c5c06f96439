"""Parameter vocabulary: one declaration per parameter drives validation, the CLI and the tests.

Every public theory function declares the domain of each of its parameters once (the per-paper
spaces are in :mod:`iclverify.theory.domains`), and the same declaration

* validates calls (:func:`validated`: a ``ValueError`` that names the parameter, its value and
  its domain),
* builds the command-line options and their help text (``iclverify theory NAME --help``,
  ``iclverify simulate``),
* generates property-test inputs (:meth:`Interval.strategy`, :meth:`Options.strategy`) and the
  invalid values that the public-function test feeds to every exposed function
  (:meth:`Interval.invalid_values`, ...).

The constraint kinds follow the vocabulary of scikit-learn's parameter validation (an interval,
a set of string options; the design is theirs, the code is written here):

:class:`Interval`
    A real or integer interval with open or closed ends and excluded points.
:class:`Options`
    A finite set of strings (scikit-learn's ``StrOptions``).
:class:`Boolean`
    ``True`` or ``False``.
:class:`Checked`
    A structured value (a matrix, a covariance spec, a vector) whose checks live in the function
    body; the declaration says what it is and gives values the body rejects.
:class:`Exclusion`
    A combination of values excluded although each value lies in its own domain, e.g. the
    ridgeless interpolation peak ``tau = 1`` with ``lam = 0`` (note lu2024_asymptotic.md §3).

Validation is strict: :func:`validated` refuses (at decoration time) a function that has a
parameter without a declared domain, so no input goes unchecked by omission.

Examples
--------
>>> import math
>>> space = ParameterSpace("demo", {"x": Interval(0, math.inf, description="a scale"),
...                                 "kind": Options(("icl", "idg"), description="which error")})
>>> @validated(space)
... def f(x, kind="icl"):
...     return x
>>> f(2.0)
2.0
>>> f(-1.0)
Traceback (most recent call last):
...
ValueError: x=-1.0 is outside the domain of x (a scale): (0, inf)
>>> f(1.0, kind="icl2")
Traceback (most recent call last):
...
ValueError: kind='icl2' is outside the domain of kind (which error): one of {'icl', 'idg'}; did you mean 'icl'?
"""

from __future__ import annotations

import difflib
import functools
import inspect
import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

import numpy as np

__all__ = ["Interval", "Options", "Boolean", "Checked", "Exclusion", "ParameterSpace", "Constraint",
           "UndeclaredParameterError", "check_value", "validated", "parameter_space", "exclusions_of"]


def _desc(description: str) -> str:
    return f" ({description})" if description else ""


@dataclass(frozen=True)
class Interval:
    """A real interval, optionally integer-valued, with excluded points.

    Parameters
    ----------
    low, high : float
        End points (``-inf``/``inf`` allowed).
    low_open, high_open : bool
        Whether each end point is excluded.
    allow_inf : bool
        Accept ``+inf`` as a value even though the interval is open at infinity
        (e.g. task diversity ``kappa = inf``).
    integer : bool
        Values must be integers.
    excluded : tuple of float
        Isolated points that are not in the domain (e.g. ``tau = 1`` for ridgeless
        formulas).
    description : str
        What the parameter means, for error messages and the CLI help.
    """

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = True
    high_open: bool = True
    allow_inf: bool = False
    integer: bool = False
    excluded: tuple = ()
    description: str = ""

    def __str__(self) -> str:
        lo = ("(" if self.low_open else "[") + _fmt(self.low)
        hi = _fmt(self.high) + (")" if self.high_open and not (self.allow_inf and self.high == math.inf) else "]")
        text = f"{lo}, {hi}"
        if self.integer:
            text = "integers in " + text
        if self.excluded:
            text += " excluding {" + ", ".join(_fmt(e) for e in self.excluded) + "}"
        return text

    def with_(self, **changes: Any) -> "Interval":
        """Return a copy with some fields changed (e.g. ``excluded=(1.0,)``)."""
        return replace(self, **changes)

    def contains(self, value: Any) -> np.ndarray:
        """Elementwise membership test (NaN is never a member)."""
        x = np.asarray(value, dtype=float)
        ok = ~np.isnan(x)
        inf_ok = self.allow_inf & np.isposinf(x)
        lo_ok = (x > self.low) if self.low_open else (x >= self.low)
        hi_ok = (x < self.high) if self.high_open else (x <= self.high)
        ok &= (lo_ok & hi_ok) | inf_ok
        ok &= np.isfinite(x) | inf_ok
        if self.integer:
            ok &= np.isfinite(x) & (np.floor(x) == x)
        for e in self.excluded:
            ok &= x != e
        return ok

    def check(self, name: str, value: Any) -> Any:
        """Validate ``value`` (scalar or array); see :func:`check_value`."""
        if isinstance(value, (bool, np.bool_)) or value is None:
            raise ValueError(f"{name}={value!r} is not a number; domain of {name} is {self}")
        if self.integer and isinstance(value, (int, np.integer)):
            # compared exactly (Python compares an int with a float bound without rounding): a float64
            # would round a seed such as 2**63 - 1 up to 2**63 and return a different integer
            v = int(value)
            ok = ((v > self.low) if self.low_open else (v >= self.low)) and \
                 ((v < self.high) if self.high_open else (v <= self.high)) and all(v != e for e in self.excluded)
            if not ok:
                raise ValueError(f"{name}={value!r} is outside the domain of {name}{_desc(self.description)}: "
                                 f"{self}")
            return v
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name}={value!r} is not a number; domain of {name} is {self}") from None
        ok = self.contains(arr)
        if not np.all(ok):
            bad = arr if arr.ndim == 0 else arr[~ok].ravel()[0]
            what = f"{name}={value!r}" if arr.ndim == 0 else f"{name} contains {float(bad)!r}"
            raise ValueError(f"{what} is outside the domain of {name}{_desc(self.description)}: {self}")
        if arr.ndim == 0:
            if self.integer:
                return int(arr)
            # keep mpmath / exact inputs as they are so high-precision paths stay exact
            return value if not isinstance(value, (np.ndarray, list, tuple)) else float(arr)
        return arr

    def invalid_values(self) -> list:
        """Values outside the interval, one per way of leaving it (for the public-function test)."""
        cand: list = [math.nan]
        if math.isfinite(self.low):
            cand.append(float(self.low) if self.low_open else float(self.low) - 1.0)
        else:
            cand.append(-math.inf)
        if math.isfinite(self.high):
            cand.append(float(self.high) if self.high_open else float(self.high) + 1.0)
        elif not self.allow_inf:
            cand.append(math.inf)
        cand.extend(float(e) for e in self.excluded)
        if self.integer:
            inside = self.low if math.isfinite(self.low) else 0.0
            cand.append(math.floor(inside) + 1.5)
        return [v for v in cand if not bool(self.contains(v))]

    def strategy(self, low: float | None = None, high: float | None = None, *, log: bool = False):
        """A hypothesis strategy over (a sub-range of) the interval.

        Parameters
        ----------
        low, high : float, optional
            Narrow the drawn range (must lie inside the interval).
        log : bool
            Draw uniformly in log-space (useful for scale parameters such as ridge
            strength spanning decades).
        """
        from hypothesis import strategies as st

        lo = self.low if low is None else max(low, self.low)
        hi = self.high if high is None else min(high, self.high)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"strategy needs a finite range inside {self}; got low={lo}, high={hi}")
        if self.integer:
            lo_i = math.ceil(lo) + (1 if self.low_open and lo == math.ceil(lo) and lo == self.low else 0)
            hi_i = math.floor(hi) - (1 if self.high_open and hi == math.floor(hi) and hi == self.high else 0)
            base = st.integers(lo_i, hi_i)
        elif log:
            if lo <= 0:
                raise ValueError("a log-uniform strategy needs a positive lower bound")
            base = st.floats(math.log(lo), math.log(hi)).map(math.exp)
        else:
            base = st.floats(lo, hi, exclude_min=self.low_open and lo == self.low,
                             exclude_max=self.high_open and hi == self.high)
        return base.filter(lambda v: bool(self.contains(v)))


def _fmt(x: float) -> str:
    if x == math.inf:
        return "inf"
    if x == -math.inf:
        return "-inf"
    return f"{x:g}"


@dataclass(frozen=True)
class Options:
    """A finite set of string choices (scikit-learn's ``StrOptions``).

    Parameters
    ----------
    choices : tuple of str
        The accepted strings, in the order the CLI lists them.
    description : str
        What the parameter means, for error messages and the CLI help.
    help : mapping of str to str
        Optional one-line meaning of each choice, for the CLI help.
    default : str, optional
        The choice used when none is given (for settings whose default the CLI shows before
        the function that takes them is imported; a test holds it equal to that function's
        signature default).

    Examples
    --------
    >>> kind = Options(("icl", "idg"), description="which error curve")
    >>> str(kind), bool(kind.contains("idg")), bool(kind.contains("ICL"))
    ("{'icl', 'idg'}", True, False)
    """

    choices: tuple
    description: str = ""
    help: Mapping[str, str] = field(default_factory=dict, compare=False)
    default: str | None = None

    def __post_init__(self) -> None:
        if not self.choices or not all(isinstance(c, str) for c in self.choices):
            raise TypeError(f"Options needs a non-empty tuple of strings; got {self.choices!r}")
        object.__setattr__(self, "choices", tuple(self.choices))
        if self.default is not None and self.default not in self.choices:
            raise TypeError(f"Options default {self.default!r} is not one of {self}")
        unknown = set(self.help) - set(self.choices)
        if unknown:
            raise TypeError(f"Options help names unknown choices {sorted(unknown)}")

    def __str__(self) -> str:
        return "{" + ", ".join(repr(c) for c in self.choices) + "}"

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)

    def contains(self, value: Any) -> bool:
        return isinstance(value, str) and value in self.choices

    def check(self, name: str, value: Any) -> Any:
        if not self.contains(value):
            close = difflib.get_close_matches(value, self.choices, n=2, cutoff=0.6) if isinstance(value, str) else []
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(f"{name}={value!r} is outside the domain of {name}{_desc(self.description)}: "
                             f"one of {self}{hint}")
        return value

    def with_(self, **changes: Any) -> "Options":
        return replace(self, **changes)

    def help_text(self) -> str:
        """``"a: meaning; b: meaning"`` from :attr:`help` (empty when none is given)."""
        return "; ".join(f"{c}: {self.help[c]}" for c in self.choices if c in self.help)

    def invalid_values(self) -> list:
        return ["<not-an-option>", 1.0]

    def strategy(self):
        from hypothesis import strategies as st

        return st.sampled_from(self.choices)


@dataclass(frozen=True)
class Boolean:
    """``True`` or ``False`` (NumPy's ``bool_`` included); strings and numbers are refused."""

    description: str = ""

    def __str__(self) -> str:
        return "{True, False}"

    def contains(self, value: Any) -> bool:
        return isinstance(value, (bool, np.bool_))

    def check(self, name: str, value: Any) -> Any:
        if not self.contains(value):
            raise ValueError(f"{name}={value!r} is outside the domain of {name}{_desc(self.description)}: {self}")
        return bool(value)

    def invalid_values(self) -> list:
        return ["no"]

    def strategy(self):
        from hypothesis import strategies as st

        return st.booleans()


@dataclass(frozen=True)
class Checked:
    """A structured value whose checks live in the function body (a matrix, a covariance spec, a vector).

    Declaring it keeps validation strict (every parameter has a declaration) and states, in one
    place, what the value is and which values the body rejects.

    Parameters
    ----------
    description : str
        What the value is and what the body checks (shown in the CLI help).
    invalid : tuple
        Values the function body rejects with a ``ValueError`` naming the parameter; the
        public-function test feeds them in.
    example : object, optional
        A valid value, for calls that must pass a required parameter (the public-function test).
    """

    description: str
    invalid: tuple = ()
    example: Any = None

    def __str__(self) -> str:
        return self.description

    def contains(self, value: Any) -> bool:  # the body decides
        return True

    def check(self, name: str, value: Any) -> Any:
        return value

    def invalid_values(self) -> list:
        return list(self.invalid)

    def reject(self, name: str, value: Any, detail: str = "") -> None:
        """Raise the ``ValueError`` of a body check, in the same words as every other constraint."""
        extra = f"; {detail}" if detail else ""
        raise ValueError(f"{name}={value!r} is outside the domain of {name}: {self.description}{extra}")


#: What a parameter may be declared with.
Constraint = (Interval, Options, Boolean, Checked)


@dataclass(frozen=True)
class Exclusion:
    """A combination of parameter values that is excluded although each value is in its own domain.

    Parameters
    ----------
    point : mapping of str to float
        The excluded combination, e.g. ``{"tau": 1.0, "lam": 0.0}``.
    reason : str
        Why (shown in the error message).

    Notes
    -----
    An exclusion applies to every function of the space that takes all of its parameters
    (defaults included); array inputs are compared elementwise after broadcasting.
    """

    point: Mapping[str, float]
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "point", dict(self.point))

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.point.items())), self.reason))

    @property
    def names(self) -> tuple:
        return tuple(self.point)

    def __str__(self) -> str:
        return " with ".join(f"{k}={_fmt(v)}" for k, v in self.point.items())

    def check(self, values: Mapping[str, Any]) -> None:
        """``ValueError`` if ``values`` (already validated one by one) hit the excluded point anywhere."""
        try:
            arrays = np.broadcast_arrays(*(np.asarray(values[k], dtype=float) for k in self.names))
        except (TypeError, ValueError):  # not numeric (e.g. mpmath objects): compare as floats one by one
            arrays = [np.asarray(float(values[k])) for k in self.names]
        hit = np.ones(arrays[0].shape, dtype=bool)
        for a, v in zip(arrays, self.point.values()):
            hit &= a == v
        if np.any(hit):
            raise ValueError(f"{self} is outside the domain of ({', '.join(self.names)}): {self.reason}")


def check_value(name: str, value: Any, domain: Any) -> Any:
    """Validate one parameter and return it (a float/int or float ndarray for an :class:`Interval`).

    Raises
    ------
    ValueError
        If the value is outside ``domain`` (any element NaN or outside, for an interval); the
        message names the parameter, the offending value and the domain.
    """
    return domain.check(name, value)


class UndeclaredParameterError(TypeError):
    """A validated function has a parameter with no declared domain (a programming error)."""


@dataclass(frozen=True)
class ParameterSpace:
    """The named parameters of one paper (or one simulator), each with its constraint, and the excluded combinations."""

    name: str
    domains: Mapping[str, Any] = field(default_factory=dict)
    exclusions: tuple = ()

    def __post_init__(self) -> None:
        for key, dom in self.domains.items():
            if not isinstance(dom, Constraint):
                raise TypeError(f"{self.name}: parameter {key!r} is declared with {dom!r}; expected one of "
                                f"{', '.join(c.__name__ for c in Constraint)}")
        for exc in self.exclusions:
            missing = [k for k in exc.names if k not in self.domains]
            if missing:
                raise TypeError(f"{self.name}: exclusion {exc} names undeclared parameters {missing}")

    def __getitem__(self, key: str) -> Any:
        return self.domains[key]

    def __contains__(self, key: str) -> bool:
        return key in self.domains

    def with_(self, **overrides: Any) -> "ParameterSpace":
        """A copy with some domains replaced or added (e.g. ridgeless ``tau`` excluding 1)."""
        merged = dict(self.domains)
        merged.update(overrides)
        return ParameterSpace(self.name, merged, self.exclusions)

    def excluding(self, *exclusions: Exclusion) -> "ParameterSpace":
        """A copy that also excludes the given combinations (e.g. the asymptotic formulas' ``tau = 1, lam = 0``)."""
        return ParameterSpace(self.name, dict(self.domains), tuple(self.exclusions) + tuple(exclusions))

    def validate(self, **values: Any) -> dict:
        """Validate keyword values against their domains and the exclusions that they cover.

        Raises
        ------
        ValueError
            For a value outside its domain, an excluded combination, or a name the space does not declare.
        """
        unknown = [k for k in values if k not in self.domains]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not a parameter of {self.name} "
                             f"(declared: {', '.join(self.domains)})")
        out = {k: check_value(k, v, self.domains[k]) for k, v in values.items()}
        for exc in self.exclusions:
            if all(k in out for k in exc.names):
                exc.check(out)
        return out

    def strategies(self, **ranges: tuple) -> dict:
        """Hypothesis strategies for the named parameters.

        ``ranges`` maps a parameter to ``(low, high)`` or ``(low, high, "log")``.
        """
        out = {}
        for k, r in ranges.items():
            log = len(r) == 3 and r[2] == "log"
            out[k] = self.domains[k].strategy(r[0], r[1], log=log)
        return out


def parameter_space(func: Callable) -> ParameterSpace | None:
    """The space a :func:`validated` function checks its arguments against (None if it is not validated)."""
    return getattr(func, "__parameter_space__", None)


def exclusions_of(func: Callable) -> tuple:
    """The exclusions a :func:`validated` function enforces (those whose parameters and values it takes)."""
    return getattr(func, "__exclusions__", ())


#: Digits of the mpmath re-evaluation of a scalar whose float64 value came out non-finite.
_RESCUE_DPS = 30


def _finite_or_mpmath(func: Callable, bound: inspect.BoundArguments, out: Any) -> Any:
    """A scalar float64 result that is NaN or ±inf is re-evaluated with the function's own ``dps`` path.

    Inside the declared domain a NaN is never the right answer: it comes from an intermediate that
    overflowed or an ``inf - inf`` (e.g. ``b*b`` with ``b = 1e160``).  The mpmath path has no
    overflow; its value, rounded to float64, replaces the float64 one when it is finite (a true
    value beyond float64's range stays ±inf).  Only scalar inputs and results (matrix-valued
    functions are left alone).
    """
    if isinstance(out, (bool, np.bool_)) or np.ndim(out) != 0:
        return out
    try:
        value = float(out)
    except (TypeError, ValueError):
        return out
    if math.isfinite(value):
        return out
    try:
        redo = func(*bound.args, **{**bound.kwargs, "dps": _RESCUE_DPS})
        better = float(redo)
    except Exception:  # noqa: BLE001 - no better value: keep float64's
        return out
    return better if (math.isfinite(better) or math.isnan(value)) else out


def _declared_names(sig: inspect.Signature) -> list:
    return [p.name for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def validated(space: ParameterSpace, **overrides: Any) -> Callable:
    """Decorator: validate every argument of the function against its declared domain.

    Parameters
    ----------
    space : ParameterSpace
        Declared domains and exclusions.  Every parameter of the decorated function must be
        declared (in ``space`` or in ``overrides``): an undeclared one raises
        :class:`UndeclaredParameterError` when the function is defined.
    **overrides : constraint
        Function-specific narrowing or additions (e.g. ``tau=LU2024["tau"].with_(excluded=(1.0,))``).

    Notes
    -----
    ``None`` is accepted only where it is the parameter's default (e.g. ``dps=None``: float64).
    An :class:`Exclusion` of the space applies when the function takes all of its parameters.
    """
    spc = space.with_(**overrides) if overrides else space

    def deco(func: Callable) -> Callable:
        sig = inspect.signature(func)
        names = _declared_names(sig)
        missing = [k for k in names if k not in spc.domains]
        if missing:
            raise UndeclaredParameterError(
                f"{func.__module__}.{func.__qualname__}: parameter(s) {', '.join(missing)} have no declared "
                f"domain in the {spc.name!r} space; declare each with Interval, Options, Boolean or Checked")
        has_dps = "dps" in sig.parameters
        # an exclusion applies where the function takes all its parameters and each excluded value is in the
        # function's own domain (the ridge formulas, lam > 0, never reach tau = 1 with lam = 0)
        exclusions = tuple(e for e in spc.exclusions
                           if all(k in names and bool(np.all(spc.domains[k].contains(v))) for k, v in e.point.items()))

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = sig.bind(*args, **kwargs)
            shaped = {}
            for k, v in list(bound.arguments.items()):
                # None is accepted only where it is the declared default (e.g. dps=None: float64)
                if k in spc.domains and not (v is None and sig.parameters[k].default is None):
                    bound.arguments[k] = check_value(k, v, spc.domains[k])
                    if isinstance(spc.domains[k], Interval) and np.ndim(bound.arguments[k]) > 0:
                        shaped[k] = np.shape(bound.arguments[k])
            if len(shaped) > 1:
                try:
                    np.broadcast_shapes(*shaped.values())
                except ValueError:
                    raise ValueError("array parameters do not broadcast together: " + ", ".join(
                        f"{k} has shape {sh}" for k, sh in shaped.items())) from None
            if exclusions:
                full = {p.name: p.default for p in sig.parameters.values()}
                full.update(bound.arguments)
                for exc in exclusions:
                    if all(full[k] is not None and full[k] is not inspect.Parameter.empty for k in exc.names):
                        exc.check(full)
            try:
                out = func(*bound.args, **bound.kwargs)
            except (ZeroDivisionError, OverflowError) as err:  # float64 ran out of range: mpmath has none
                if not (has_dps and bound.arguments.get("dps") is None and not shaped):
                    raise ValueError(f"{func.__name__}: the inputs leave the floating-point range "
                                     f"({type(err).__name__}: {err}); "
                                     + ", ".join(f"{k}={v!r}" for k, v in bound.arguments.items())) from None
                out = func(*bound.args, **{**bound.kwargs, "dps": _RESCUE_DPS})
                return float(out) if np.ndim(out) == 0 else out
            if has_dps and bound.arguments.get("dps") is None and not shaped:
                out = _finite_or_mpmath(func, bound, out)
            return out

        wrapper.__parameter_space__ = spc  # type: ignore[attr-defined]
        wrapper.__exclusions__ = exclusions  # type: ignore[attr-defined]
        return wrapper

    return deco
