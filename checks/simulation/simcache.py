"""Store-backed simulators that draw from a caller's ``numpy.random.Generator``.

:func:`iclverify.checks.simulation.sweep.run_sweep` keys its results by seed entropy and spawn key.  Many
simulators instead draw from a generator handed to them (``rng=``), interleaved with other draws
of the same claim.  :func:`stored_simulation` makes such a simulator store-backed without
changing its callers: while a result store is *active* (:func:`active_store`, entered by
:func:`iclverify.checks.claims.run_claim` from ``RunConfig.store``), a call is keyed by

* the simulator's model name,
* its arguments in canonical form (arrays as lists, dataclasses as their fields), and
* the generator's bit-generator state *before* the call,

and the stored value carries the generator's state *after* the call.  A hit returns the stored
value and moves the caller's generator to that state, so every later draw of the claim is the
same as in the run that computed it: a rerun, or a mutation run whose theory feeds the same
arguments, reuses the simulation bit for bit (floats round-trip exactly through JSON), while a
run whose arguments differ (a preconditioner computed from a mutated formula, say) simulates
afresh.  With no active store the simulator runs as before.

:func:`simulation_counts` counts hits and computed calls in this process (tests and
``iclverify mutate`` use it to show that a warm run recomputes nothing).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
from typing import Any, Callable, Iterator

import numpy as np

from iclverify.checks.simulation.store import ResultStore, open_store

__all__ = ["StatefulModel", "active_store", "current_store", "stored_simulation", "stored_call", "simulation_counts",
           "reset_simulation_counts"]

_ACTIVE: list[ResultStore | None] = [None]
_COUNTS = {"hits": 0, "computed": 0}


@contextlib.contextmanager
def active_store(store: Any) -> Iterator[ResultStore | None]:
    """Make ``store`` (None, True, a path or a :class:`ResultStore`) the store of store-backed simulators."""
    st = open_store(store)
    _ACTIVE.append(st)
    try:
        yield st
    finally:
        _ACTIVE.pop()


def current_store() -> ResultStore | None:
    """The innermost active store (None outside :func:`active_store`)."""
    return _ACTIVE[-1]


def simulation_counts() -> dict:
    """``{"hits": ..., "computed": ...}`` of store-backed calls in this process (with a store active)."""
    return dict(_COUNTS)


def reset_simulation_counts() -> None:
    _COUNTS.update(hits=0, computed=0)


class _Unkeyable(Exception):
    pass


class StatefulModel:
    """Mixin: an object whose instance ``__dict__`` is its whole state, so that it can key a stored call."""


def _canon_arg(x: Any) -> Any:
    """JSON-ready canonical form of an argument, or :class:`_Unkeyable` (then the call is not stored)."""
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x)
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in "biuf":
            raise _Unkeyable
        return {"__array__": x.tolist(), "shape": list(x.shape)}
    if isinstance(x, (list, tuple)):
        return [_canon_arg(v) for v in x]
    if isinstance(x, dict):
        return {str(k): _canon_arg(v) for k, v in sorted(x.items(), key=lambda kv: str(kv[0]))}
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {"__class__": f"{type(x).__module__}.{type(x).__qualname__}",
                **{f.name: _canon_arg(getattr(x, f.name)) for f in dataclasses.fields(x)}}
    if isinstance(x, StatefulModel):  # a model whose whole state is its instance dictionary
        return {"__class__": f"{type(x).__module__}.{type(x).__qualname__}", **_canon_arg(vars(x))}
    raise _Unkeyable


def _encode(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return {"__nd__": x.tolist(), "dtype": str(x.dtype), "shape": list(x.shape)}
    if isinstance(x, tuple):
        return {"__tuple__": [_encode(v) for v in x]}
    if isinstance(x, list):
        return [_encode(v) for v in x]
    if isinstance(x, dict):
        return {"__dict__": [[k, _encode(v)] for k, v in x.items()]}
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    raise _Unkeyable


def _decode(x: Any) -> Any:
    if isinstance(x, dict):
        if "__nd__" in x:
            return np.array(x["__nd__"], dtype=x["dtype"]).reshape(x["shape"])
        if "__tuple__" in x:
            return tuple(_decode(v) for v in x["__tuple__"])
        if "__dict__" in x:
            return {k: _decode(v) for k, v in x["__dict__"]}
    if isinstance(x, list):
        return [_decode(v) for v in x]
    return x


def stored_call(model: str, func: Callable, args: dict, rng: np.random.Generator | None,
                compute: Callable[[], Any]) -> Any:
    """``compute()``, or its stored value (see the module docstring); ``args`` are the keyed arguments."""
    st = current_store()
    if st is None:
        return compute()
    try:
        key = {"model": model, "args": _canon_arg(args),
               "rng": None if rng is None else rng.bit_generator.state}
    except _Unkeyable:
        return compute()
    hit = st.get(key)
    if hit is not None:
        if rng is not None:
            rng.bit_generator.state = hit["rng_after"]
        _COUNTS["hits"] += 1
        return _decode(hit["value"])
    out = compute()
    _COUNTS["computed"] += 1
    try:
        value = {"value": _encode(out), "rng_after": None if rng is None else rng.bit_generator.state}
    except _Unkeyable:
        return out
    st.put(key, value)
    return out


def stored_simulation(model: str) -> Callable[[Callable], Callable]:
    """Decorator: make a simulator with an ``rng`` argument store-backed (see the module docstring).

    Parameters
    ----------
    model : str
        Name hashed into the key; change it when the simulator's output for the same
        arguments changes (the package version is hashed in as well).
    """

    def deco(func: Callable) -> Callable:
        sig = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if current_store() is None:
                return func(*args, **kwargs)
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            keyed = {k: v for k, v in bound.arguments.items() if k != "rng"}
            rng = bound.arguments.get("rng")
            if rng is not None and not isinstance(rng, np.random.Generator):
                return func(*args, **kwargs)
            return stored_call(model, func, keyed, rng, lambda: func(*args, **kwargs))

        wrapper.__stored_model__ = model
        return wrapper

    return deco
