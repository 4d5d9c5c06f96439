"""Parameter domains: one declaration drives validation and hypothesis strategies.

In the style of scikit-learn's ``_parameter_constraints``: every public function names
the domain of each of its parameters once (see :mod:`iclverify.theory.domains`), and the
same :class:`Interval` object both validates calls (a ``ValueError`` naming the
parameter, its value and its domain) and generates property-test inputs.
"""

from __future__ import annotations

import functools
import inspect
import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

import numpy as np

__all__ = ["Interval", "ParameterSpace", "check_value", "validated"]


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


def check_value(name: str, value: Any, domain: Interval) -> Any:
    """Validate one parameter and return it as a float/int or float ndarray.

    Raises
    ------
    ValueError
        If any element is NaN or outside ``domain``; the message names the
        parameter, the offending value and the domain.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{name}={value!r} is not a number; domain of {name} is {domain}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r} is not a number; domain of {name} is {domain}") from None
    ok = domain.contains(arr)
    if not np.all(ok):
        bad = arr if arr.ndim == 0 else arr[~ok].ravel()[0]
        what = f"{name}={value!r}" if arr.ndim == 0 else f"{name} contains {float(bad)!r}"
        desc = f" ({domain.description})" if domain.description else ""
        raise ValueError(f"{what} is outside the domain of {name}{desc}: {domain}")
    if arr.ndim == 0:
        if domain.integer:
            return int(arr)
        # keep mpmath / exact inputs as they are so high-precision paths stay exact
        return value if not isinstance(value, (np.ndarray, list, tuple)) else float(arr)
    return arr


@dataclass(frozen=True)
class ParameterSpace:
    """The named parameters of one paper, each with its :class:`Interval`."""

    name: str
    domains: Mapping[str, Interval] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Interval:
        return self.domains[key]

    def __contains__(self, key: str) -> bool:
        return key in self.domains

    def with_(self, **overrides: Interval) -> "ParameterSpace":
        """A copy with some domains replaced (e.g. ridgeless ``tau`` excluding 1)."""
        merged = dict(self.domains)
        merged.update(overrides)
        return ParameterSpace(self.name, merged)

    def validate(self, **values: Any) -> dict:
        """Validate keyword values against their domains; unknown names pass through."""
        return {k: (check_value(k, v, self.domains[k]) if k in self.domains else v) for k, v in values.items()}

    def strategies(self, **ranges: tuple) -> dict:
        """Hypothesis strategies for the named parameters.

        ``ranges`` maps a parameter to ``(low, high)`` or ``(low, high, "log")``.
        """
        out = {}
        for k, r in ranges.items():
            log = len(r) == 3 and r[2] == "log"
            out[k] = self.domains[k].strategy(r[0], r[1], log=log)
        return out


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


def validated(space: ParameterSpace, **overrides: Interval) -> Callable:
    """Decorator: validate every argument of the function that ``space`` declares.

    Parameters
    ----------
    space : ParameterSpace
        Declared domains; a parameter of the function that is absent from the space
        is not validated.
    **overrides : Interval
        Function-specific narrowing (e.g. ``tau=LU2024["tau"].with_(excluded=(1.0,))``).
    """
    spc = space.with_(**overrides) if overrides else space

    def deco(func: Callable) -> Callable:
        sig = inspect.signature(func)
        has_dps = "dps" in sig.parameters

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = sig.bind(*args, **kwargs)
            shaped = {}
            for k, v in list(bound.arguments.items()):
                # None is accepted only where it is the declared default (e.g. dps=None: float64)
                if k in spc.domains and not (v is None and sig.parameters[k].default is None):
                    bound.arguments[k] = check_value(k, v, spc.domains[k])
                    if np.ndim(bound.arguments[k]) > 0:
                        shaped[k] = np.shape(bound.arguments[k])
            if len(shaped) > 1:
                try:
                    np.broadcast_shapes(*shaped.values())
                except ValueError:
                    raise ValueError("array parameters do not broadcast together: " + ", ".join(
                        f"{k} has shape {sh}" for k, sh in shaped.items())) from None
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
        return wrapper

    return deco
