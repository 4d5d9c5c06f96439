"""Li-Rawat-Oymak 2024, §4 of the note: RAG (Eq. 9) and task-feature alignment (Eq. 11).

**[RECONSTRUCTED] data models** -- the paper's Eqs. (9) and (11) could not be read.  Both are
encoded as a parameterised family x_i = a·anchor + b·g_i, g_i ~ N(0, I_d), β ~ N(0, I_d):

* RAG: anchor = the query x ~ N(0, I); the query label is y = xᵀβ + ξ.
* alignment: anchor = β, for demonstrations and query alike (x = aβ + b g₀).

The paper's α enters as a = α with b = √(1−α²) (``variant="unit"``, marginally x_i ~ N(0, I)) or
b = 1 (``variant="b1"``, x_i | x ~ N(αx, I)).  Both models are rotation invariant, so the PGD optimum
is W* = c*·I and L(cI) = A − 2cB + c²C, c* = B/C, L* = A − B²/C, with χ²_d moments
m_k = E[‖g‖^{2k}] = d(d+2)…(d+2k−2) (note §4, [MATH, CHECKED]):

RAG:  A = d + σ², B = n d (a²(d+2) + b²),
      D₁ = a⁴m₃ + a²b²(d+5)m₂ + b⁴m₂, D₂ = a⁴m₃ + 2a²b²m₂ + b⁴d, C = nD₁ + n(n−1)D₂ + σ²B.
alignment: A = a²m₂ + b²d + σ², B = n(a⁴m₃ + 2a²b²m₂ + b⁴d),
      E₂ = a⁶m₄ + 3a⁴b²m₃ + 3a²b⁴m₂ + b⁶d,
      E₁ = a²(a⁴m₄ + 6a²b²m₃ + 3b⁴m₂) + b²(a⁴m₃ + a²b²(d+5)m₂ + b⁴(d+2)d),
      E₀ = a⁴m₂ + 2a²b²d + b⁴d, C = n(n−1)E₂ + nE₁ + nσ²E₀.

Effective sample size (note §4.1-§4.2, small α, κ = 1 + α²d): L*_RAG ≈ d²/(κn + d) and
L*_align / E[y²] ≈ d/(κ²n + d).
"""

from __future__ import annotations

import math

import mpmath
import sympy as sp

from iclverify.theory.parameters import check_value, validated
from iclverify.theory.exposure import expose
from iclverify.theory._li2024_common import ClosedForm, to_rational
from iclverify.theory.domains import LI2024_FINEGRAINED as SPACE

__all__ = ["VARIANTS", "family_coefficients", "RAG_A", "RAG_B", "RAG_C", "ALIGN_A", "ALIGN_B", "ALIGN_C",
           "rag_quadratic", "alignment_quadratic", "rag_risk", "alignment_risk", "rag_optimal_risk",
           "alignment_optimal_risk", "rag_optimal_scale", "alignment_optimal_scale", "rag_effective_sample_size",
           "rag_approx_risk", "rag_risk_floor", "alignment_approx_normalized_risk", "RAG_OPTIMAL_RISK",
           "ALIGN_OPTIMAL_RISK", "RAG_FLOOR"]

VARIANTS = SPACE["variant"].choices  # declared in domains.LI2024_FINEGRAINED

_a, _b, _d, _n, _s2 = sp.symbols("a b d n sigma2", nonnegative=True)
_m1 = _d
_m2 = _d * (_d + 2)
_m3 = _d * (_d + 2) * (_d + 4)
_m4 = _d * (_d + 2) * (_d + 4) * (_d + 6)
_SYM = {"a": _a, "b": _b, "d": _d, "n": _n, "noise_var": _s2}

_rag_A = _d + _s2
_rag_B = _n * (_a**2 * _m2 + _b**2 * _d)
_rag_D1 = _a**4 * _m3 + _a**2 * _b**2 * (_d + 5) * _m2 + _b**4 * _m2
_rag_D2 = _a**4 * _m3 + 2 * _a**2 * _b**2 * _m2 + _b**4 * _d
_rag_C = _n * _rag_D1 + _n * (_n - 1) * _rag_D2 + _s2 * _rag_B

_al_A = _a**2 * _m2 + _b**2 * _d + _s2
_al_B = _n * (_a**4 * _m3 + 2 * _a**2 * _b**2 * _m2 + _b**4 * _d)
_al_E2 = _a**6 * _m4 + 3 * _a**4 * _b**2 * _m3 + 3 * _a**2 * _b**4 * _m2 + _b**6 * _d
_al_E1 = (_a**2 * (_a**4 * _m4 + 6 * _a**2 * _b**2 * _m3 + 3 * _b**4 * _m2)
          + _b**2 * (_a**4 * _m3 + _a**2 * _b**2 * (_d + 5) * _m2 + _b**4 * (_d + 2) * _d))
_al_E0 = _a**4 * _m2 + 2 * _a**2 * _b**2 * _d + _b**4 * _d
_al_C = _n * (_n - 1) * _al_E2 + _n * _al_E1 + _n * _s2 * _al_E0

RAG_A, RAG_B, RAG_C = (ClosedForm(e, _SYM) for e in (_rag_A, _rag_B, _rag_C))
ALIGN_A, ALIGN_B, ALIGN_C = (ClosedForm(e, _SYM) for e in (_al_A, _al_B, _al_C))
#: L* = A − B²/C for both families (sympy expressions in a, b, d, n, σ²).
RAG_OPTIMAL_RISK = ClosedForm(_rag_A - _rag_B**2 / _rag_C, _SYM)
ALIGN_OPTIMAL_RISK = ClosedForm(_al_A - _al_B**2 / _al_C, _SYM)
#: Floor of the RAG risk as n → ∞ at fixed (a, b): d + σ² − d²(a²(d+2) + b²)²/D₂ (note §4.1).
RAG_FLOOR = ClosedForm(sp.limit(_rag_A - _rag_B**2 / _rag_C, _n, sp.oo), _SYM)


def family_coefficients(corr: float, variant: str = "unit") -> tuple:
    """(a, b) of x_i = a·anchor + b·g_i: ``unit`` → (α, √(1−α²)), ``b1`` → (α, 1)  (note §1.2-§1.3).

    >>> family_coefficients(0.6)
    (0.6, 0.8)
    """
    check_value("variant", variant, SPACE["variant"])
    corr = float(corr)
    return (corr, math.sqrt(1.0 - corr * corr)) if variant == "unit" else (corr, 1.0)


def _coefs(corr, variant, anchor_coef, fresh_coef, dps=None):
    if anchor_coef is not None or fresh_coef is not None:
        if anchor_coef is None or fresh_coef is None:
            raise ValueError("give both anchor_coef and fresh_coef, or corr")
        return float(anchor_coef), float(fresh_coef)
    a, b = family_coefficients(corr, variant)
    if dps is not None and variant == "unit":
        # √(1−α²) is irrational: evaluate it at the working precision, not in float64
        with mpmath.workdps(dps + 10):
            am = mpmath.mpf(str(to_rational(corr).p)) / to_rational(corr).q
            return am, mpmath.sqrt(1 - am * am)
    return a, b


def _quad(which, d, n, noise_var, a, b, dps=None):
    A_, B_, C_ = (RAG_A, RAG_B, RAG_C) if which == "rag" else (ALIGN_A, ALIGN_B, ALIGN_C)
    kw = dict(a=a, b=b, d=d, n=n, noise_var=noise_var)
    if dps is not None:
        return A_.mp(dps, **kw), B_.mp(dps, **kw), C_.mp(dps, **kw)
    return A_.numpy(**kw), B_.numpy(**kw), C_.numpy(**kw)


@validated(SPACE)
def rag_quadratic(d: int, n: int, corr: float = 0.0, noise_var: float = 0.0, variant: str = "unit",
                  anchor_coef: float | None = None, fresh_coef: float | None = None) -> tuple:
    """(A, B, C) with L(cI) = A − 2cB + c²C for the RAG family (note §4.1, [RECONSTRUCTED] model)."""
    a, b = _coefs(corr, variant, anchor_coef, fresh_coef)
    return _quad("rag", d, n, noise_var, a, b)


@validated(SPACE)
def alignment_quadratic(d: int, n: int, corr: float = 0.0, noise_var: float = 0.0, variant: str = "unit",
                        anchor_coef: float | None = None, fresh_coef: float | None = None) -> tuple:
    """(A, B, C) with L(cI) = A − 2cB + c²C for the alignment family (note §4.2, [RECONSTRUCTED] model)."""
    a, b = _coefs(corr, variant, anchor_coef, fresh_coef)
    return _quad("align", d, n, noise_var, a, b)


@validated(SPACE)
def rag_risk(scale: float, d: int, n: int, corr: float = 0.0, noise_var: float = 0.0, variant: str = "unit",
             anchor_coef: float | None = None, fresh_coef: float | None = None) -> float:
    """Exact RAG risk of W = scale·I (note §4.1).

    >>> round(rag_risk(1/31, 10, 20), 6)   # α = 0 is the IID case
    3.548387
    """
    A, B, C = rag_quadratic(d, n, corr, noise_var, variant, anchor_coef, fresh_coef)
    return float(A - 2 * scale * B + scale**2 * C)


@validated(SPACE)
def alignment_risk(scale: float, d: int, n: int, corr: float = 0.0, noise_var: float = 0.0, variant: str = "unit",
                   anchor_coef: float | None = None, fresh_coef: float | None = None) -> float:
    """Exact task-feature-alignment risk of W = scale·I (note §4.2)."""
    A, B, C = alignment_quadratic(d, n, corr, noise_var, variant, anchor_coef, fresh_coef)
    return float(A - 2 * scale * B + scale**2 * C)


@expose("li2024_finegrained.rag_optimal_risk")
@validated(SPACE)
def rag_optimal_risk(d: int, n: int, corr: float = 0.0, noise_var: float = 0.0, variant: str = "unit",
                     anchor_coef: float | None = None, fresh_coef: float | None = None, dps: int | None = None):
    """Optimal PGD risk for RAG data, L* = A − B²/C (note §4.1, claim 9; model [RECONSTRUCTED]).

    Examples
    --------
    >>> [round(rag_optimal_risk(10, 20, c), 4) for c in (0.0, 0.2, 0.4, 0.6)]
    [3.5484, 2.8947, 2.1211, 1.7262]
    """
    a, b = _coefs(corr, variant, anchor_coef, fresh_coef, dps)
    if dps is not None:
        return RAG_OPTIMAL_RISK.mp(dps, a=a, b=b, d=d, n=n, noise_var=noise_var)
    A, B, C = _quad("rag", d, n, noise_var, float(a), float(b))
    return A - B**2 / C


@validated(SPACE)
def rag_optimal_scale(d: int, n: int, corr: float = 0.0, noise_var: float = 0.0, variant: str = "unit",
                      anchor_coef: float | None = None, fresh_coef: float | None = None):
    """c* = B/C of W* = c*·I for RAG data (note §4.1, claim 9).

    >>> [round(rag_optimal_scale(10, 20, c), 6) for c in (0.0, 0.2)]
    [0.032258, 0.024671]
    """
    a, b = _coefs(corr, variant, anchor_coef, fresh_coef)
    A, B, C = _quad("rag", d, n, noise_var, a, b)
    return B / C


@expose("li2024_finegrained.alignment_optimal_risk")
@validated(SPACE)
def alignment_optimal_risk(d: int, n: int, corr: float = 0.0, noise_var: float = 0.0, variant: str = "unit",
                           anchor_coef: float | None = None, fresh_coef: float | None = None,
                           normalized: bool = False, dps: int | None = None):
    """Optimal PGD risk for task-feature-aligned data (note §4.2, claim 11; model [RECONSTRUCTED]).

    ``normalized=True`` divides by E[y²] = A.

    Examples
    --------
    >>> [round(alignment_optimal_risk(10, 20, c), 4) for c in (0.0, 0.2, 0.4, 0.6)]
    [3.5484, 3.3262, 3.8805, 6.2235]
    >>> [round(alignment_optimal_risk(10, 20, c, normalized=True), 4) for c in (0.2, 0.6)]
    [0.231, 0.1255]
    """
    a, b = _coefs(corr, variant, anchor_coef, fresh_coef, dps)
    if dps is not None:
        val = ALIGN_OPTIMAL_RISK.mp(dps, a=a, b=b, d=d, n=n, noise_var=noise_var)
        return val / ALIGN_A.mp(dps, a=a, b=b, d=d, n=n, noise_var=noise_var) if normalized else val
    A, B, C = _quad("align", d, n, noise_var, float(a), float(b))
    L = A - B**2 / C
    return L / A if normalized else L


@validated(SPACE)
def alignment_optimal_scale(d: int, n: int, corr: float = 0.0, noise_var: float = 0.0, variant: str = "unit",
                            anchor_coef: float | None = None, fresh_coef: float | None = None):
    """c* = B/C of W* = c*·I for task-feature-aligned data (note §4.2)."""
    a, b = _coefs(corr, variant, anchor_coef, fresh_coef)
    A, B, C = _quad("align", d, n, noise_var, a, b)
    return B / C


@expose("li2024_finegrained.rag_effective_sample_size")
@validated(SPACE)
def rag_effective_sample_size(d: int, n: int, corr: float) -> float:
    """n_eff ≈ n (1 + α² d) for RAG (note §4.1, small-α approximation, claim 10).

    >>> rag_effective_sample_size(50, 50, 0.1)
    75.0
    """
    return float(n * (1 + corr**2 * d))


@expose("li2024_finegrained.rag_approx_risk")
@validated(SPACE)
def rag_approx_risk(d: int, n: int, corr: float) -> float:
    """Leading-order RAG risk d²/(κn + d), κ = 1 + α²d, noiseless (note §4.1, claim 10).

    >>> round(rag_approx_risk(50, 50, 0.1), 3)
    20.0
    """
    return float(d**2 / ((1 + corr**2 * d) * n + d))


@validated(SPACE)
def rag_risk_floor(d: int, corr: float, noise_var: float = 0.0, variant: str = "unit") -> float:
    """lim_{n→∞} L*_RAG = d + σ² − d²(a²(d+2) + b²)²/D₂ (note §4.1): the approximation's breakdown."""
    a, b = family_coefficients(corr, variant)
    return RAG_FLOOR.numpy(a=a, b=b, d=d, n=1, noise_var=noise_var)  # n is not a free symbol of the limit


@validated(SPACE)
def alignment_approx_normalized_risk(d: int, n: int, corr: float) -> float:
    """Leading-order L*_align/E[y²] ≈ d/(κ²n + d), κ = 1 + α²d (note §4.2)."""
    k = 1 + corr**2 * d
    return float(d / (k**2 * n + d))
