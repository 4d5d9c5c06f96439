"""One converter from the package's values to JSON: claims.json, the result store's keys, the mutation summary and
the commands' ``--json`` output all use :func:`json_ready`.

Numpy scalars and arrays become Python numbers and lists, tuples and sets become lists, enums their value, mpmath
numbers their text at the working precision, and anything else its text, so a check's measurements can never make a
JSON file unwritable.  RFC 8259 has no NaN or infinity: ``nonfinite="text"`` writes them as ``"nan"``, ``"inf"``,
``"-inf"`` (hashable, and what the store's keys and claims.json use), ``nonfinite="null"`` as ``null`` (the
commands' ``--json`` output, for tools that read numbers only).
"""

from __future__ import annotations

import enum
import math
from typing import Any

import numpy as np

__all__ = ["json_ready"]


def json_ready(x: Any, *, nonfinite: str = "text") -> Any:
    """A copy of ``x`` that :func:`json.dumps` writes with ``allow_nan=False``.

    Parameters
    ----------
    x : object
        Nested dicts, lists, tuples, sets, numpy arrays and scalars, enums, mpmath numbers, ...
    nonfinite : {"text", "null"}
        How NaN and infinities are written.

    Examples
    --------
    >>> json_ready({"a": np.float64("inf"), "b": (np.int64(2), np.array([0.5]))})
    {'a': 'inf', 'b': [2, [0.5]]}
    >>> json_ready([float("nan")], nonfinite="null")
    [None]
    """
    if nonfinite not in ("text", "null"):
        raise ValueError(f"nonfinite={nonfinite!r} must be 'text' or 'null'")
    return _convert(x, nonfinite == "null")


def _convert(x: Any, null: bool) -> Any:
    if isinstance(x, dict):
        return {str(k): _convert(v, null) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_convert(v, null) for v in x]
    if isinstance(x, (set, frozenset)):
        return [_convert(v, null) for v in sorted(x, key=str)]
    if isinstance(x, np.ndarray):
        return _convert(x.tolist(), null)
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        v = float(x)
        if math.isfinite(v):
            return v
        return None if null else repr(v)
    if isinstance(x, enum.Enum):
        return _convert(x.value, null)
    if x is None or isinstance(x, str):
        return x
    if type(x).__module__.startswith("mpmath"):
        import mpmath

        return mpmath.nstr(x, mpmath.mp.dps)
    return str(x)
