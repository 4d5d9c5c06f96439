"""Re-derive the exact finite-d test error of Γ = [A | c] (Lu et al. 2024, note §2.3) with sympy.

Starting point: one context pair is ``x = g/√d``, ``y = ⟨x, w⟩ + √ρ e`` with independent
standard normals ``g_1..g_d, e``; the features are ``v = (d/ℓ) Σ_i y_i x_i`` and
``s = (1/ℓ) Σ_i y_i²`` over ℓ i.i.d. pairs.  Gaussian moments come from Isserlis' theorem
(for independent standard normals, ``E ∏ g_i^{k_i} = ∏ (k_i - 1)!!``), the ℓ-pair sums from
independence (``E[v vᵀ] = (d/ℓ)²(ℓ E[y² x xᵀ] + ℓ(ℓ-1) E[yx] E[yx]ᵀ)`` and so on), and the error
of the prediction ``x_qᵀ(Av + cs)`` from ``E_{x_q,ε_q}(y_q - ŷ)² = ρ + ‖w - Av - cs‖²/d``.
Done at d = 2, 3 and 4 with every entry of A, c and w symbolic.  The note's formula depends on d
only through the terms ``d/ℓ`` and ``2/d`` (coefficients ``c0 + c1 d + c2/d`` of ‖A‖_F² and ‖c‖²), so
agreement at three values of d pins that dependence exactly: a wrong one such as ``6/d²`` (equal to
``2/d`` at d = 3 only) fails at d = 2 and 4.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from iclverify.derivations.registry import FAILED, PROVED, DerivationResult, Side, build_side, derivation, prove_sides

#: Default dimension of the single-d helpers; the registered derivation runs at every d in ``DIMENSIONS``.
D = 3
#: Dimensions at which the derivation is done (three values pin a ``c0 + c1 d + c2/d`` dependence).
DIMENSIONS = (2, 3, 4)


def _gauss_expect(expr: sp.Expr, normals: list) -> sp.Expr:
    """E[expr] for independent standard normals ``normals`` (Isserlis: E g^k = (k-1)!! for even k)."""
    poly = sp.Poly(sp.expand(expr), *normals)
    total = sp.Integer(0)
    for powers, coeff in poly.terms():
        m = sp.Integer(1)
        for k in powers:
            if k % 2:
                m = 0
                break
            m *= sp.factorial2(k - 1) if k else 1
        total += coeff * m
    return sp.expand(total)


def _symbols(D: int = D):
    rho, ell = sp.symbols("rho ell", positive=True)
    w = sp.Matrix(sp.symbols(f"w0:{D}", real=True))
    A = sp.Matrix(D, D, sp.symbols(f"a0:{D * D}", real=True))
    c = sp.Matrix(sp.symbols(f"c0:{D}", real=True))
    return rho, ell, w, A, c


def derive_moments(D: int = D):
    """(E v, E v vᵀ, E s v, E s, E s²) given w, from single-pair Isserlis moments."""
    rho, ell, w, _, _ = _symbols(D)
    g = list(sp.symbols(f"g0:{D}", real=True))
    e = sp.Symbol("e", real=True)
    x = sp.Matrix(g) / sp.sqrt(D)
    y = (x.T * w)[0] + sp.sqrt(rho) * e
    nm = g + [e]
    Ey = _gauss_expect(y**2, nm)
    Ey4 = _gauss_expect(y**4, nm)
    Eyx = x.applyfunc(lambda xi: _gauss_expect(y * xi, nm))
    Ey3x = x.applyfunc(lambda xi: _gauss_expect(y**3 * xi, nm))
    Ey2xx = sp.Matrix(D, D, lambda i, j: _gauss_expect(y**2 * x[i] * x[j], nm))
    dd = sp.Integer(D)
    Ev = dd * Eyx                                                         # (d/ℓ)·ℓ·E[yx]
    Evv = (dd / ell) ** 2 * (ell * Ey2xx + ell * (ell - 1) * Eyx * Eyx.T)
    Esv = dd / ell**2 * (ell * Ey3x + ell * (ell - 1) * Ey * Eyx)
    Es = Ey
    Ess = (ell * Ey4 + ell * (ell - 1) * Ey**2) / ell**2
    return {"v": Ev, "vv": Evv, "sv": Esv, "s": Es, "ss": Ess}


def note_moments(D: int = D):
    """The moments as the note states them (§2.3)."""
    rho, ell, w, _, _ = _symbols(D)
    s2 = (w.T * w)[0] / D + rho
    return {"v": w, "vv": s2 * D / ell * sp.eye(D) + (1 + 1 / ell) * w * w.T, "sv": s2 * (1 + 2 / ell) * w,
            "s": s2, "ss": s2**2 * (1 + 2 / ell)}


def derived_task_error(D: int = D):
    """e(w) = ρ + E‖w - Av - cs‖²/d expanded with the derived moments."""
    rho, ell, w, A, c = _symbols(D)
    m = derive_moments(D)
    # E‖w - Av - cs‖² = ‖w‖² - 2wᵀA E[v] - 2wᵀc E[s] + tr(AᵀA E[vvᵀ]) + 2cᵀA E[sv] + ‖c‖² E[s²]
    quad = ((w.T * w)[0] - 2 * (w.T * A * m["v"])[0] - 2 * (w.T * c)[0] * m["s"]
            + (A.T * A * m["vv"]).trace() + 2 * (c.T * A * m["sv"])[0] + (c.T * c)[0] * m["ss"])
    return sp.expand(rho + quad / D)


def note_task_error(D: int = D):
    rho, ell, w, A, c = _symbols(D)
    s2 = (w.T * w)[0] / D + rho
    Aw = A * w
    fro = sum(a * a for a in A)
    inner = (s2 * D / ell * fro + (1 + 1 / ell) * (Aw.T * Aw)[0] + 2 * s2 * (1 + 2 / ell) * (c.T * Aw)[0]
             + s2**2 * (1 + 2 / ell) * (c.T * c)[0] - 2 * (w.T * Aw)[0] - 2 * s2 * (w.T * c)[0] + (w.T * w)[0])
    return sp.expand(rho + inner / D)


def derived_icl_error(D: int = D):
    """E_w e(w) for w ~ N(0, I_d), by Isserlis on w."""
    rho, ell, w, A, c = _symbols(D)
    return _gauss_expect(note_task_error(D), list(w))


def note_icl_error(D: int = D):
    rho, ell, w, A, c = _symbols(D)
    fro = sum(a * a for a in A)
    return sp.expand(1 + rho - 2 * A.trace() / D + (((1 + rho) * D / ell + 1 + 1 / ell) * fro
                                                    + ((1 + rho) ** 2 + sp.Rational(2, D)) * (1 + 2 / ell)
                                                    * (c.T * c)[0]) / D)


def _numeric_against_module(expr_task, expr_icl, points: int = 5, D: int = D) -> float:
    """Largest relative difference between the sympy expressions and the numpy module at random points."""
    from iclverify.theory.lu2024_finite_d import finite_d_icl_error, task_error

    rho, ell, w, A, c = _symbols(D)
    syms = [rho, ell, *w, *A, *c]
    f_task = sp.lambdify(syms, expr_task, "numpy")
    f_icl = sp.lambdify(syms, expr_icl, "numpy")
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(points):
        r, L = float(rng.uniform(0.01, 2)), int(rng.integers(1, 30))
        wv, Av, cv = rng.standard_normal(D), rng.standard_normal((D, D)), rng.standard_normal(D)
        args = [r, L, *wv, *Av.ravel(), *cv]
        G = np.hstack([Av, cv[:, None]])
        for a, b in ((f_task(*args), task_error(G, wv[None], r, L)[0]), (f_icl(*args), finite_d_icl_error(G, r, L))):
            worst = max(worst, abs(float(a) - float(b)) / abs(float(b)))
    return worst


@derivation("lu2024.finite-d-error", paper="lu2024",
            statement="Exact finite-d test error of Γ = [A|c]: the Isserlis moments of (v, s) given w, "
                      "e(w) and its Gaussian-task average e_ICL equal note §2.3 and the numpy module")
def finite_d_error_derivation() -> DerivationResult:
    worst, sides = 0.0, ()
    for D in DIMENSIONS:
        got, want = derive_moments(D), note_moments(D)
        bad = [k for k in got if not _is_zero(got[k] - want[k])]
        if bad:
            return DerivationResult(FAILED, f"d = {D}: moments differ from the note: {bad}")
        task = derived_task_error(D)
        if not _is_zero(task - note_task_error(D)):
            return DerivationResult(FAILED, f"d = {D}: e(w) from the moments differs from the note's formula")
        icl = derived_icl_error(D)
        res = prove_sides(Side(icl), build_side(lambda: note_icl_error(D)), f"E_w e(w) - e_ICL[note] at d = {D}")
        if res.status != PROVED:
            return res
        sides = sides or res.sides
        worst = max(worst, _numeric_against_module(task, icl, D=D))
    if worst > 1e-12:
        return DerivationResult(FAILED, f"sympy vs iclverify.theory.lu2024_finite_d: max rel. diff {worst:.2e}")
    dims = ", ".join(map(str, DIMENSIONS))
    return DerivationResult(PROVED, f"at d = {dims} with symbolic A, c, w, rho, ell: simplify(derived - note) == 0 "
                                    f"for the 5 moments, e(w) and e_ICL (three d pin the note's d/ell and 2/d terms); "
                                    f"numpy module agrees to {worst:.1e} (max rel. diff at 5 random points per d)",
                            data={"max_rel_diff_module": worst, "dimensions": list(DIMENSIONS)}, sides=sides)


def _is_zero(expr) -> bool:
    if isinstance(expr, sp.MatrixBase):
        return all(sp.simplify(z) == 0 for z in expr)
    return sp.simplify(expr) == 0

