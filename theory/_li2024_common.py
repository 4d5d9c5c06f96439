"""Shared plumbing for the Li-Rawat-Oymak 2024 theory modules (private).

* covariance specifications (``identity``, ``equicorrelated:g``, ``diag:3,2,1``,
  ``geometric:ratio``) that the CLI parses and the functions resolve at a given ``d``;
* SPD validation with a ``ValueError`` naming the parameter;
* :class:`ClosedForm` (re-exported from the public :mod:`iclverify.theory.closed_form`), one sympy
  expression evaluated three ways (exact sympy at a rational point, mpmath at ``dps`` digits,
  vectorised numpy float64).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

# the one closed-form evaluator (public); the Li-Rawat-Oymak modules import these two from here as before
from iclverify.theory.closed_form import ClosedForm, to_rational

__all__ = ["bool_arg", "infer_dim", "CovarianceSpec", "parse_covariance", "covariance_arg", "resolve_covariance",
           "resolve_exact_covariance",
           "check_weights", "ClosedForm", "to_rational"]

_KINDS = ("identity", "equicorrelated", "diag", "geometric")


@dataclass(frozen=True)
class CovarianceSpec:
    """A covariance family, turned into a ``d x d`` matrix by :meth:`matrix`.

    ``kind`` is one of ``identity``, ``equicorrelated`` (``gamma 11^T + (1-gamma) I``,
    params ``(gamma,)``), ``diag`` (params: the diagonal) or ``geometric``
    (``diag(ratio^k)``, k = 0..d-1, rescaled to trace ``d``).  Parameters are kept as
    strings so that the exact (sympy) path sees the decimal the user typed.
    """

    kind: str
    params: tuple = ()

    def __str__(self) -> str:
        return self.kind + (":" + ",".join(self.params) if self.params else "")

    def matrix(self, d: int, *, exact: bool = False):
        """The covariance matrix at dimension ``d`` (numpy float64, or sympy Rational if ``exact``)."""
        num = (lambda s: sp.Rational(s)) if exact else float
        if self.kind == "identity":
            return sp.eye(d) if exact else np.eye(d)
        if self.kind == "equicorrelated":
            g = num(self.params[0])
            if exact:
                return g * sp.ones(d, d) + (1 - g) * sp.eye(d)
            return g * np.ones((d, d)) + (1 - g) * np.eye(d)
        if self.kind == "diag":
            if len(self.params) != d:
                raise ValueError(f"covariance spec {self}: diag has {len(self.params)} entries but d={d}")
            vals = [num(p) for p in self.params]
            return sp.diag(*vals) if exact else np.diag(np.asarray(vals, dtype=float))
        if self.kind == "geometric":
            q = num(self.params[0])
            vals = [q**k for k in range(d)]
            tot = sum(vals)
            vals = [d * v / tot for v in vals]
            return sp.diag(*vals) if exact else np.diag(np.asarray(vals, dtype=float))
        raise ValueError(f"unknown covariance kind {self.kind!r}; expected one of {_KINDS}")


def parse_covariance(text: str) -> CovarianceSpec:
    """Parse ``identity`` | ``equicorrelated:g`` | ``diag:v1,v2,...`` | ``geometric:ratio``.

    Examples
    --------
    >>> parse_covariance("equicorrelated:0.5").matrix(2)
    array([[1. , 0.5],
           [0.5, 1. ]])
    >>> parse_covariance("geometric:0.5").matrix(2).diagonal().round(4)
    array([1.3333, 0.6667])
    """
    if isinstance(text, CovarianceSpec):
        return text
    text = str(text).strip()
    kind, _, rest = text.partition(":")
    kind = kind.strip().lower()
    params = tuple(p.strip() for p in rest.split(",") if p.strip()) if rest else ()
    if kind not in _KINDS:
        raise ValueError(f"covariance spec {text!r}: kind must be one of {', '.join(_KINDS)}")
    for p in params:
        try:
            float(p)
        except ValueError:
            raise ValueError(f"covariance spec {text!r}: {p!r} is not a number") from None
    if kind == "identity" and params:
        raise ValueError(f"covariance spec {text!r}: identity takes no parameters")
    if kind in ("equicorrelated", "geometric") and len(params) != 1:
        raise ValueError(f"covariance spec {text!r}: {kind} takes exactly one parameter")
    if kind == "equicorrelated" and not 0 <= float(params[0]) < 1:
        raise ValueError(f"covariance spec {text!r}: equicorrelation gamma must lie in [0, 1)")
    if kind == "geometric" and not 0 < float(params[0]) <= 1:
        raise ValueError(f"covariance spec {text!r}: geometric ratio must lie in (0, 1]")
    if kind == "diag" and (not params or any(float(p) <= 0 for p in params)):
        raise ValueError(f"covariance spec {text!r}: diag needs positive entries")
    return CovarianceSpec(kind, params)


def infer_dim(d, *mats) -> int:
    """``d`` if given (the matrices are then checked against it), else the size of the first matrix given."""
    if d is not None:
        return int(d)
    for m in mats:
        if m is not None and not isinstance(m, (str, CovarianceSpec)):
            return int(np.asarray(m).shape[0])
    raise ValueError("d is required when no covariance matrix is given")


def bool_arg(text: str) -> bool:
    """CLI parser for flags given a value: ``1/true/yes`` or ``0/false/no``.

    >>> bool_arg("yes"), bool_arg("0")
    (True, False)
    """
    t = str(text).strip().lower()
    if t in ("1", "true", "yes", "y"):
        return True
    if t in ("0", "false", "no", "n"):
        return False
    raise ValueError(f"{text!r} is not a boolean (use 1/0, true/false, yes/no)")


def covariance_arg(text: str) -> str:
    """CLI parser: validate a covariance spec and return its canonical string (JSON-friendly).

    >>> covariance_arg("Equicorrelated: 0.5")
    'equicorrelated:0.5'
    """
    return str(parse_covariance(text))


def resolve_covariance(name: str, value: Any, d: int | None) -> np.ndarray:
    """Turn ``None`` / spec / string / array into a validated SPD float64 matrix.

    Raises
    ------
    ValueError
        Naming ``name`` if the matrix is not square of size ``d``, not finite, not
        symmetric, or not positive definite.
    """
    if d is not None and (value is None or isinstance(value, (str, CovarianceSpec))):
        from iclverify.theory.resources import require_memory

        # the d x d matrix and the O(d^2) workspace of its eigen/Cholesky factorisations
        require_memory(8.0 * 4 * float(d) ** 2, f"a {d} x {d} covariance ({name})", "d")
    if value is None:
        if d is None:
            raise ValueError(f"{name}: give d or a matrix")
        return np.eye(d)
    if isinstance(value, (str, CovarianceSpec)):
        if d is None:
            raise ValueError(f"{name}={value!s}: a covariance spec needs d")
        return parse_covariance(value).matrix(d)
    M = np.asarray(value, dtype=float)
    if M.ndim != 2 or M.shape[0] != M.shape[1]:
        raise ValueError(f"{name} must be a square matrix; got shape {M.shape}")
    if d is not None and M.shape[0] != d:
        raise ValueError(f"{name} has size {M.shape[0]} but d={d}")
    if not np.all(np.isfinite(M)):
        raise ValueError(f"{name} must be finite")
    scale = max(1.0, float(np.abs(M).max()))
    if not np.allclose(M, M.T, rtol=0, atol=1e-10 * scale):
        raise ValueError(f"{name} must be symmetric positive definite; it is not symmetric")
    M = (M + M.T) / 2
    lo = float(np.linalg.eigvalsh(M)[0])
    if not lo > 1e-13 * scale:
        raise ValueError(f"{name} must be symmetric positive definite; its smallest eigenvalue is {lo:.3g}")
    return M


def resolve_exact_covariance(name: str, value: Any, d: int) -> sp.Matrix:
    """Exact (sympy Rational) version of :func:`resolve_covariance` for the three-way tests."""
    if value is None:
        return sp.eye(d)
    if isinstance(value, (str, CovarianceSpec)):
        M = parse_covariance(value).matrix(d, exact=True)
    else:
        M = sp.Matrix(value).applyfunc(to_rational)
    if M.shape != (d, d) or M != M.T or not M.is_positive_definite:
        raise ValueError(f"{name} must be a symmetric positive-definite {d}x{d} matrix")
    return M


def check_weights(name: str, omega: Any, n: int | None = None) -> np.ndarray:
    """Validate a real weight vector (finite, 1-D, not summing to 0)."""
    w = np.asarray(omega, dtype=float)
    if w.ndim != 1 or w.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D vector; got shape {w.shape}")
    if n is not None and w.size != n:
        raise ValueError(f"{name} has {w.size} entries but n={n}")
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{name} must be finite")
    if not np.any(w != 0):
        raise ValueError(f"{name} must not be all zero")
    return w


