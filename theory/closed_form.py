"""One closed-form evaluator: a sympy expression evaluated exactly, in mpmath at a given precision, and in numpy.

Every closed form of the package is written once, as a sympy expression in named symbols, and evaluated
three ways from that one expression:

* **exact** (:meth:`ClosedForm.exact`): sympy at a rational point (floats read as the decimal they print as);
* **mpmath** (:meth:`ClosedForm.mp`): at ``dps`` digits, inputs converted exactly;
* **numpy** (:meth:`ClosedForm.numpy`): float64, broadcasting its inputs.

The raw lambdified callables (positional, in symbol order) are :attr:`ClosedForm.f_numpy` and
:attr:`ClosedForm.f_mpmath`, for callers that evaluate inner pieces of a larger computation (the Lu et al.
outer formulas, the Liu-Zhou risks, the random-feature variances, a registered extension formula).

For formulas that combine several closed forms with root-finding (Lu et al.), the module also holds the
evaluation plumbing they share: :func:`blocked` (numpy over large broadcast grids in cache-sized blocks),
:func:`mp_adaptive` / :func:`mp_elementwise` (mpmath correct to ``dps`` digits whatever cancellation the
formula suffers, elementwise over broadcast inputs) and :func:`to_mpf` (exact input conversion).

The matching three-way test (sympy vs mpmath vs numpy) is :func:`iclverify.testing.assert_three_way`.

Examples
--------
>>> import sympy as sp
>>> x, y = sp.symbols("x y", positive=True)
>>> f = ClosedForm(x / (x + y), {"x": x, "y": y})
>>> f.exact(x=1, y=2)
1/3
>>> f.numpy(x=[1.0, 2.0], y=2.0).tolist()
[0.3333333333333333, 0.5]
>>> import mpmath
>>> mpmath.nstr(f.mp(30, x=0.1, y=0.2), 30)
'0.333333333333333333333333333333'
"""

from __future__ import annotations

import fractions
import math
from typing import Any, Callable, Mapping, Sequence

import mpmath
import numpy as np
import sympy as sp

__all__ = ["ClosedForm", "to_rational", "to_mpf", "broadcast_flat", "finish", "blocked", "mp_adaptive",
           "mp_elementwise", "BLOCK", "GUARD_DIGITS", "MAX_DOUBLINGS"]


def to_rational(v: Any) -> sp.Rational:
    """Exact rational from an int, a float (its decimal repr), a string or a sympy number.

    >>> to_rational(0.1), to_rational("3/4"), to_rational(2)
    (1/10, 3/4, 2)
    """
    if isinstance(v, sp.Basic):
        return sp.nsimplify(v, rational=True) if not v.is_Rational else v
    if isinstance(v, (int, np.integer)):
        return sp.Integer(int(v))
    return sp.Rational(repr(float(v))) if not isinstance(v, str) else sp.Rational(v)


class ClosedForm:
    """A sympy expression in named symbols, evaluated exactly, in mpmath or in numpy.

    Parameters
    ----------
    expr : sympy.Expr
        Built from ``Rational``s (a float coefficient would carry its binary rounding into every path).
    symbols : mapping str -> sympy.Symbol, or sequence of sympy.Symbol
        The arguments in order: a mapping gives each a keyword name, a sequence uses the symbols' names.
    cse : bool
        Common-subexpression elimination in the numpy callable (faster for long expressions; the mpmath
        callable never uses it).

    Attributes
    ----------
    expr, symbols, names
    f_numpy, f_mpmath : callable
        The lambdified expression (positional arguments in symbol order).
    """

    def __init__(self, expr: sp.Expr, symbols: Mapping[str, sp.Symbol] | Sequence[sp.Symbol], *, cse: bool = False):
        self.expr = expr
        self.symbols = dict(symbols) if isinstance(symbols, Mapping) else {s.name: s for s in symbols}
        self.names = tuple(self.symbols)
        order = list(self.symbols.values())
        self.f_numpy = sp.lambdify(order, expr, "numpy", cse=True) if cse else sp.lambdify(order, expr, "numpy")
        self.f_mpmath = sp.lambdify(order, expr, "mpmath")

    @property
    def args(self) -> tuple:
        """The argument symbols in order."""
        return tuple(self.symbols.values())

    def exact(self, **values: Any) -> sp.Expr:
        """Substitute exact rationals and simplify (sympy)."""
        subs = {self.symbols[k]: to_rational(v) for k, v in values.items()}
        return sp.nsimplify(sp.simplify(self.expr.subs(subs)))

    def numpy(self, **values: Any):
        """Vectorised float64 evaluation (broadcasting); a float for scalar inputs."""
        args = [np.asarray(values[k], dtype=float) for k in self.symbols]
        out = self.f_numpy(*args)
        out = np.broadcast_to(out, np.broadcast(*args).shape) if args else out
        return float(out) if np.ndim(out) == 0 else np.array(out, dtype=float)

    def mp(self, dps: int = 50, **values: Any):
        """mpmath evaluation at ``dps`` digits (inputs converted exactly from their decimal repr; mpf kept)."""
        with mpmath.workdps(dps):
            args = [values[k] if isinstance(values[k], mpmath.mpf) else
                    mpmath.mpf(str(to_rational(values[k]).p)) / mpmath.mpf(str(to_rational(values[k]).q))
                    for k in self.symbols]
            return +self.f_mpmath(*args)

    def __repr__(self) -> str:
        return f"ClosedForm({self.expr}, ({', '.join(self.names)}))"


# ---------------------------------------------------------------------------------------------
# numpy: broadcasting and blocked evaluation


def broadcast_flat(*values):
    """Broadcast to a common shape and flatten; returns (shape, scalar?, flat float arrays)."""
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in values))
    shape = arrays[0].shape
    scalar = all(np.ndim(v) == 0 for v in values)
    return shape, scalar, [a.ravel().copy() for a in arrays]


def finish(out: np.ndarray, shape, scalar) -> Any:
    """Reshape a flat result to ``shape``; a float for scalar inputs."""
    out = out.reshape(shape)
    return float(out) if scalar else out


#: Points per block of :func:`blocked`.
BLOCK = 1 << 16


def blocked(kernel: Callable[..., Any], *values):
    """Apply ``kernel`` (flat float arrays -> flat array) over broadcast inputs in cache-sized blocks.

    Large grids (Lu et al. Fig. 3: 401 x 300 x 500 points) are never materialised as full flat copies of
    every input and every temporary: each block of about 65k points is made contiguous, evaluated and
    written into the output.
    """
    views = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in values))
    shape = views[0].shape
    scalar = all(np.ndim(v) == 0 for v in values)
    if views[0].size <= BLOCK or len(shape) == 0:
        out = kernel(*[np.ascontiguousarray(v).ravel() for v in views])
        return finish(np.asarray(out, dtype=float), shape, scalar)
    lead = shape[0]
    inner = int(np.prod(shape[1:], dtype=np.int64))
    if inner > BLOCK and len(shape) > 1:
        # block along the first axis one index at a time, recursing into the rest
        out = np.empty(shape)
        for i in range(lead):
            out[i] = blocked(kernel, *(v[i] for v in views))
        return out
    rows = max(1, BLOCK // max(inner, 1))
    out = np.empty(shape)
    for s in range(0, lead, rows):
        blk = [np.ascontiguousarray(v[s:s + rows]).ravel() for v in views]
        out[s:s + rows] = np.asarray(kernel(*blk), dtype=float).reshape(out[s:s + rows].shape)
    return out


# ---------------------------------------------------------------------------------------------
# mpmath: exact inputs, adaptive precision, elementwise over broadcast inputs


def to_mpf(v: Any):
    """A scalar as mpf at the current precision; exact for ints, Fractions, Rationals, decimal strings.

    A float stands for the decimal the user wrote (0.01 means 1/100, not its binary rounding).
    """
    if isinstance(v, mpmath.mpf):
        return +v
    if isinstance(v, fractions.Fraction):  # exact: a ratio of integers
        return mpmath.mpf(v.numerator) / v.denominator
    if isinstance(v, sp.Basic):
        if v is sp.oo or v == sp.oo:
            return mpmath.inf
        v = sp.nsimplify(v)
        if isinstance(v, sp.Rational):
            return mpmath.mpf(int(v.p)) / int(v.q)
        return mpmath.mpf(sp.N(v, mpmath.mp.dps + 5))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isinf(v):
            return mpmath.inf
        return mpmath.mpf(repr(v))
    return mpmath.mpf(v)


#: Guard digits added to the requested precision before the first evaluation.
GUARD_DIGITS = 15
#: Working precision is doubled at most this many times (dps + 15 digits up to 2^8 times that).
MAX_DOUBLINGS = 8


def _spread_digits(values) -> int:
    """Digits that cancellation may cost: twice the largest decimal exponent among the inputs.

    Closed forms that combine q = (1+ρ)/α, 1/κ, λ and their squares cancel terms up to about
    ``max|x|^2 / min|x|^2``; starting there keeps two successive precisions from agreeing on a value
    whose digits all cancelled (at α = 1e-300 a 64-digit evaluation returns 1+ρ at every precision
    below ~600 digits).
    """
    top = 0.0
    for v in values:
        try:
            x = abs(float(v))
        except (TypeError, ValueError, OverflowError):
            continue
        if x > 0 and math.isfinite(x):
            top = max(top, abs(math.log10(x)))
    return int(2 * top)


def mp_adaptive(fn: Callable[..., Any], dps: int, *values):
    """``fn`` (scalar mpf -> mpf) correct to ``dps`` digits, whatever cancellation it suffers.

    Closed forms subtract terms that grow like q = (1+ρ)/α, 1/λ or 1/κ (e.g. 1 - νM at large ν), so a
    fixed working precision loses as many digits as those terms have above the result: at α = 1e-50 a
    30-digit evaluation returns 1.01 instead of 2.02.  Here the evaluation is repeated at doubling working
    precision (first ``dps + 15`` digits plus the inputs' spread of decimal exponents) until two successive
    values agree to ``dps + 2`` digits; a division by an intermediate that vanished at low precision
    (ZeroDivisionError) also moves on to the next precision.  The accepted value is rounded to ``dps``.

    Raises
    ------
    ArithmeticError
        If no two successive precisions up to ``(dps + 15) * 2**8`` digits agree.
    """
    spread = _spread_digits(values)
    work = dps + GUARD_DIGITS + spread
    prev = None
    for _ in range(MAX_DOUBLINGS + 1):
        with mpmath.workdps(work):
            tol = mpmath.mpf(10) ** (-(dps + 2))
            # rounding noise of the previous (half) precision on terms up to 10^spread: a value
            # that stays below it at two precisions is zero to every digit asked for
            noise = mpmath.mpf(10) ** (spread + 3 - work // 2)
            try:
                val = fn(*(to_mpf(v) for v in values))
            except ZeroDivisionError:
                val = None
            if val is not None and prev is not None:
                if val == prev or (mpmath.isfinite(val) and abs(val - prev) <= tol * abs(val)):
                    with mpmath.workdps(dps):
                        return +val
                if mpmath.isfinite(val) and max(abs(val), abs(prev)) <= noise:
                    return mpmath.mpf(0)
            prev = val
        work *= 2
    raise ArithmeticError(f"no {dps}-digit value reached within {work // 2} working digits "
                          f"(inputs {', '.join(repr(v) for v in values)})")


def mp_elementwise(fn: Callable[..., Any], dps: int, *values):
    """:func:`mp_adaptive` over broadcast inputs: an mpf for scalars, else an object array."""
    if all(np.ndim(v) == 0 for v in values):
        return mp_adaptive(fn, dps, *values)
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=object) for v in values))
    out = np.empty(arrays[0].shape, dtype=object)
    for idx in np.ndindex(out.shape):
        out[idx] = mp_adaptive(fn, dps, *(a[idx] for a in arrays))
    return out
