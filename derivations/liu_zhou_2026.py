"""Symbolic identities of Liu & Zhou (2026) (note liu_zhou_2026_ghost.md §3 (a), (b), (c), (f), §2.2, §2.4).

Every identity here is [MATH]: it holds whatever the paper's full text says.  Each public
``*_difference`` helper returns the sympy expression ``lhs - rhs`` for the identity (with
an optional perturbation), so the claims in :mod:`iclverify.checks.claims_liu_zhou_2026`
run the same algebra on the right formula (must reduce to 0) and on its negative control
(must not).  Symbolic sizes are small but generic (symbols for every entry); the float64
checks at hypothesis-drawn sizes live in the claims and tests.
"""

from __future__ import annotations

import itertools

import sympy as sp

from iclverify.derivations.registry import CHECKED, FAILED, PROVED, DerivationResult, derivation
from iclverify.theory import feature_maps as fm
from iclverify.theory import liu_zhou_2026 as lz

PAPER = "liu_zhou_2026"

__all__ = [
    "is_zero", "kernel_smoother_difference", "invariance_differences", "taylor2_difference",
    "cosformer_difference", "moment_blindness_difference", "performer_moment_differences",
    "trig_moment_differences", "kme_variance_difference", "compute_optimal_difference", "hedgehog_difference",
]


def is_zero(expr) -> bool:
    """``True`` when sympy reduces every entry of ``expr`` to exactly 0."""
    entries = list(expr) if isinstance(expr, (sp.MatrixBase, list, tuple)) else [expr]
    return all(sp.simplify(sp.expand(e)) == 0 for e in entries)


def _mat(name: str, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}{j}", real=True))


# ---------------------------------------------------------------------------------------
# (a) linear attention = kernel smoother = KME inner product

def kernel_smoother_difference(m: int = 3, D: int = 2, dv: int = 2, *, normalized: bool = True,
                               swap: bool = False) -> sp.Matrix:
    """Linear attention through ``Sigma_mu`` minus the kernel smoother with ``k = phi(q).phi(k)``.

    Generic symbols: features ``P_K`` (m, D), query features ``p`` (D,), values ``V`` (m, dv)
    and positive weights ``w_j`` of the context measure.  ``swap=True`` is the negative
    control: the smoother uses ``k(k_j, q)`` with the key and query features exchanged in a
    non-symmetric bilinear form ``phi(k_j)^T G phi(q)`` with ``G != G^T`` -- a wrong kernel.
    """
    PK, V = _mat("phiK", m, D), _mat("v", m, dv)
    p = _mat("phiq", D, 1)
    w = sp.Matrix([sp.Symbol(f"w_{j}", positive=True) for j in range(m)])
    sigma = sum((w[j] * PK[j, :].T * V[j, :] for j in range(m)), sp.zeros(D, dv))  # D x dv
    zvec = sum((w[j] * PK[j, :].T for j in range(m)), sp.zeros(D, 1))
    lin = (p.T * sigma)
    if swap:
        G = sp.Matrix(D, D, lambda i, j: 1 if i <= j else 0)  # upper triangular: not symmetric
        ks = [(PK[j, :] * G * p)[0] for j in range(m)]
    else:
        ks = [(PK[j, :] * p)[0] for j in range(m)]
    smooth = sum((w[j] * ks[j] * V[j, :] for j in range(m)), sp.zeros(1, dv))
    if normalized:
        lin = lin / (p.T * zvec)[0]
        smooth = smooth / sum(w[j] * ks[j] for j in range(m))
    return sp.Matrix(lin - smooth)


@derivation("liu_zhou_2026.linear-attention-kernel-smoother", paper=PAPER,
            statement="phi(q)^T Sigma_mu (/ phi(q)^T z_mu) equals sum_j w_j k(q,k_j) v_j (/ sum_j w_j k(q,k_j)) "
                      "with k = <phi(.),phi(.)>: linear attention = kernel smoother = KME inner product [MATH]")
def _derive_kernel_smoother() -> DerivationResult:
    ok = is_zero(kernel_smoother_difference(normalized=False)) and is_zero(kernel_smoother_difference())
    bad = is_zero(kernel_smoother_difference(swap=True))
    if ok and not bad:
        return DerivationResult(PROVED, "m=3 tokens, D=2, dv=2, generic symbols and weights: difference == 0 "
                                        "(unnormalised and normalised); swapped-kernel control != 0")
    return DerivationResult(FAILED, f"identity zero: {ok}, control zero: {bad}")


def invariance_differences(m: int = 3, D: int = 2) -> dict:
    """Permutation and replication differences of the normalised and ``1/m`` forms (scalar values).

    Returns ``{"perm_normalized", "perm_mean", "rep_normalized", "rep_mean", "rep_sum"}``;
    the first four are identities (0), ``rep_sum`` -- the un-averaged sum
    ``sum_j k(q,k_j) v_j`` under replication of every token twice -- is the negative control.
    """
    PK = _mat("phiK", m, D)
    v = [sp.Symbol(f"v_{j}", real=True) for j in range(m)]
    p = _mat("phiq", D, 1)
    k = [(PK[j, :] * p)[0] for j in range(m)]

    def forms(idx):
        num = sum(k[j] * v[j] for j in idx)
        return {"normalized": num / sum(k[j] for j in idx), "mean": num / len(idx), "sum": num}

    base = forms(list(range(m)))
    perm = forms(list(reversed(range(1, m))) + [0])
    rep = forms([j for j in range(m) for _ in range(2)])
    return {"perm_normalized": base["normalized"] - perm["normalized"], "perm_mean": base["mean"] - perm["mean"],
            "rep_normalized": base["normalized"] - rep["normalized"], "rep_mean": base["mean"] - rep["mean"],
            "rep_sum": base["sum"] - rep["sum"]}


@derivation("liu_zhou_2026.permutation-replication-invariance", paper=PAPER,
            statement="normalised and 1/m linear attention depend on the context only through mu_hat: invariant "
                      "under permutation and under replicating every token [MATH] (note §2.2 F1)")
def _derive_invariance() -> DerivationResult:
    diffs = invariance_differences()
    ok = all(is_zero(diffs[k]) for k in ("perm_normalized", "perm_mean", "rep_normalized", "rep_mean"))
    if ok and not is_zero(diffs["rep_sum"]):
        return DerivationResult(PROVED, "m=3, D=2: permutation and 2x replication differences == 0; "
                                        "the un-averaged sum is not replication invariant (control)")
    return DerivationResult(FAILED, str({k: sp.simplify(v) for k, v in diffs.items()}))


# ---------------------------------------------------------------------------------------
# (c) Taylor-2 kernel, (b) cosFormer decomposition, Hedgehog kernel

def taylor2_difference(d: int = 3, coef=sp.Rational(1, 2)) -> sp.Expr:
    """``phi_T2(q).phi_T2(k) - (1 + u + coef u^2)`` with ``u = q.k``; 0 iff ``coef = 1/2``."""
    q = sp.Matrix(sp.symbols(f"q0:{d}", real=True))
    k = sp.Matrix(sp.symbols(f"k0:{d}", real=True))

    def phi(x):
        out = [sp.Integer(1)] + list(x) + [x[i]**2 / sp.sqrt(2) for i in range(d)]
        out += [x[i] * x[j] for i in range(d) for j in range(i + 1, d)]
        return sp.Matrix(out)

    u = (q.T * k)[0]
    return (phi(q).T * phi(k))[0] - (1 + u + coef * u**2)


@derivation("liu_zhou_2026.taylor2-kernel", paper=PAPER,
            statement="Taylor-2 features [1, x, x_i^2/sqrt2, x_i x_j (i<j)] have kernel 1 + q.k + (q.k)^2/2 [MATH]")
def _derive_taylor2() -> DerivationResult:
    ok = is_zero(taylor2_difference(3)) and is_zero(taylor2_difference(4))
    expr_ok = sp.simplify(fm.taylor2_kernel_expr() - (1 + sp.Symbol("u", real=True)
                                                        + sp.Symbol("u", real=True)**2 / 2)) == 0
    ctrl = is_zero(taylor2_difference(3, coef=1))
    if ok and expr_ok and not ctrl:
        return DerivationResult(PROVED, "d=3,4 generic: expand(phi(q).phi(k) - (1+u+u^2/2)) == 0; matches "
                                        "theory.feature_maps.taylor2_kernel_expr; coefficient-1 control != 0")
    return DerivationResult(FAILED, f"identity {ok}, theory {expr_ok}, control zero {ctrl}")


def cosformer_difference(m: int = 3, D: int = 2, *, drop_sin: bool = False) -> sp.Expr:
    """Re-weighted causal smoother minus two linear attentions (cos and sin blocks), for the last query.

    ``sum_{j<=i} (r_i . r_j) cos(a_i - a_j) v_j`` with ``r = relu`` features (symbols) and
    angles ``a_i = pi i / (2M)`` (symbols) versus ``c_i^T S_c + s_i^T S_s`` with
    ``S_c = sum_j cos(a_j) r_j v_j`` etc.  ``drop_sin=True`` is the control.
    """
    R = _mat("r", m, D)
    v = [sp.Symbol(f"v_{j}", real=True) for j in range(m)]
    a = [sp.Symbol(f"a_{j}", real=True) for j in range(m)]
    i = m - 1
    lhs = sum((R[i, :] * R[j, :].T)[0] * sp.cos(a[i] - a[j]) * v[j] for j in range(m))
    Sc = sum((sp.cos(a[j]) * R[j, :].T * v[j] for j in range(m)), sp.zeros(D, 1))
    Ss = sum((sp.sin(a[j]) * R[j, :].T * v[j] for j in range(m)), sp.zeros(D, 1))
    rhs = (sp.cos(a[i]) * R[i, :] * Sc)[0] + (0 if drop_sin else (sp.sin(a[i]) * R[i, :] * Ss)[0])
    return sp.expand(sp.expand_trig(lhs) - rhs)


@derivation("liu_zhou_2026.cosformer-decomposition", paper=PAPER,
            statement="cos(pi(i-j)/2M) = cos(pi i/2M)cos(pi j/2M) + sin(pi i/2M)sin(pi j/2M), so the cosFormer "
                      "re-weighted attention is two linear attentions [MATH] (note §3(b))")
def _derive_cosformer() -> DerivationResult:
    ok = is_zero(cosformer_difference())
    ctrl = is_zero(cosformer_difference(drop_sin=True))
    if ok and not ctrl:
        return DerivationResult(PROVED, "m=3, D=2 generic angles: expand_trig(lhs) - rhs == 0; dropping the "
                                        "sin block leaves a nonzero difference (control)")
    return DerivationResult(FAILED, f"identity {ok}, control zero {ctrl}")


def hedgehog_difference(R: int = 2, d: int = 2) -> sp.Expr:
    """``[e^{Wx}, e^{-Wx}] . [e^{Wy}, e^{-Wy}] - sum_r 2 cosh(w_r.(x+y))``."""
    W = _mat("W", R, d)
    x = sp.Matrix(sp.symbols(f"x0:{d}", real=True))
    y = sp.Matrix(sp.symbols(f"y0:{d}", real=True))
    px, py = W * x, W * y
    lhs = sum(sp.exp(px[r]) * sp.exp(py[r]) + sp.exp(-px[r]) * sp.exp(-py[r]) for r in range(R))
    rhs = sum(2 * sp.cosh(px[r] + py[r]) for r in range(R))
    return sp.simplify((lhs - rhs.rewrite(sp.exp)))


@derivation("liu_zhou_2026.hedgehog-kernel", paper=PAPER,
            statement="the exp-pair map [exp(Wx), exp(-Wx)] has kernel sum_r 2 cosh(w_r.(x+y)) [MATH]")
def _derive_hedgehog() -> DerivationResult:
    if is_zero(hedgehog_difference()):
        return DerivationResult(PROVED, "R=2, d=2 generic W: difference == 0")
    return DerivationResult(FAILED, str(hedgehog_difference()))


# ---------------------------------------------------------------------------------------
# (f) moment blindness of polynomial feature maps

#: Gauss-Hermite (probabilists') rules: nodes and weights; both match N(0,1) moments up to order 3.
GH2 = ((-1, sp.Rational(1, 2)), (1, sp.Rational(1, 2)))
GH3 = ((-sp.sqrt(3), sp.Rational(1, 6)), (0, sp.Rational(2, 3)), (sp.sqrt(3), sp.Rational(1, 6)))


def moment_blindness_difference(feature: str = "poly", degree: int = 2, *, with_query: bool = True) -> sp.Expr:
    """Unnormalised attention output for the 2-point minus the 3-point Gauss-Hermite context.

    Values ``v(z) = z``.  ``feature="poly"``: a generic polynomial map of the given degree,
    ``phi(z) = sum_{n<=degree} c_n z^n e_n`` read out by a generic query vector; the output
    ``phi(q)^T Sigma_mu`` depends on ``mu`` through ``E_mu[z^{n+1}]``, ``n <= degree``
    (moments up to ``degree + 1``).  ``feature="exp"``: ``k(z, q) = exp(q z)``.
    """
    qs = sp.Symbol("q", real=True)
    if feature == "exp":
        def out(rule):
            return sum(w * z * sp.exp(qs * z) for z, w in rule)
    elif feature == "poly":
        c = sp.symbols(f"c0:{degree + 1}", real=True)
        g = sp.symbols(f"g0:{degree + 1}", real=True) if with_query else [1] * (degree + 1)

        def out(rule):
            return sum(w * z * sum(c[n] * g[n] * z**n for n in range(degree + 1)) for z, w in rule)
    else:
        raise ValueError(f"feature={feature!r} is outside the domain of feature: {{'poly', 'exp'}}")
    return sp.expand(out(GH2) - out(GH3))


@derivation("liu_zhou_2026.moment-blindness", paper=PAPER,
            statement="contexts sharing moments up to order p+1 (2- and 3-point Gauss-Hermite, p+1 = 3) give "
                      "identical unnormalised linear-attention outputs for every polynomial feature map of degree "
                      "p <= 2; degree 3 and the exp kernel separate them [MATH] (note §3(f), §2.2 F3)")
def _derive_moment_blindness() -> DerivationResult:
    blind = all(is_zero(moment_blindness_difference("poly", p)) for p in (0, 1, 2))
    sep3 = not is_zero(moment_blindness_difference("poly", 3))
    exp_diff = moment_blindness_difference("exp")
    series = sp.series(exp_diff, sp.Symbol("q", real=True), 0, 5).removeO()
    sep_exp = sp.simplify(series) != 0
    if blind and sep3 and sep_exp:
        return DerivationResult(PROVED, f"degree 0,1,2 generic maps: difference == 0; degree 3 != 0; exp kernel: "
                                        f"difference = {sp.simplify(series)} + O(q^5) != 0")
    return DerivationResult(FAILED, f"blind {blind}, degree-3 separates {sep3}, exp separates {sep_exp}")


# ---------------------------------------------------------------------------------------
# (c) random-feature moments from Gaussian integrals

def _gauss_mgf_1d(a):
    """``E e^{a w}``, ``w ~ N(0,1)``, by sympy integration (real or imaginary ``a``)."""
    w = sp.Symbol("w", real=True)
    return sp.simplify(sp.integrate(sp.exp(a * w - w**2 / 2), (w, -sp.oo, sp.oo)) / sp.sqrt(2 * sp.pi))


def performer_moment_differences(d: int = 2, *, drop_minus_one: bool = False) -> tuple[sp.Expr, sp.Expr]:
    """Mean and variance of one FAVOR+ feature product from Gaussian integrals, minus the closed forms.

    One feature contributes ``f = exp(w.(x+y) - (|x|^2+|y|^2)/2)``; the estimator with ``m``
    features is their mean, so ``Var = Var(f)/m``.  The integrals factorise over
    coordinates; each 1-D integral is done by sympy.  ``drop_minus_one`` perturbs the
    closed form to ``e^{2x.y} e^{|x+y|^2}/m`` (control).
    """
    x = sp.symbols(f"x0:{d}", real=True)
    y = sp.symbols(f"y0:{d}", real=True)
    m = sp.Symbol("m", positive=True)
    a = sp.Symbol("a", real=True)
    mgf = _gauss_mgf_1d(a)
    s = [x[i] + y[i] for i in range(d)]
    shift = sp.exp(-(sum(xi**2 for xi in x) + sum(yi**2 for yi in y)) / 2)
    mean = shift * sp.Mul(*[mgf.subs(a, si) for si in s])
    second = shift**2 * sp.Mul(*[mgf.subs(a, 2 * si) for si in s])
    var = (second - mean**2) / m
    xy = sum(x[i] * y[i] for i in range(d))
    ssum = sum(si**2 for si in s)
    closed = fm.performer_prf_variance_expr().subs({sp.Symbol("xy", real=True): xy,
                                                    sp.Symbol("sum_sq", real=True): ssum,
                                                    sp.Symbol("m", real=True): m})
    if drop_minus_one:
        closed = sp.exp(2 * xy) * sp.exp(ssum) / m
    return sp.simplify(sp.powsimp(sp.expand(mean - sp.exp(xy)))), sp.simplify(sp.powsimp(sp.expand(var - closed)))


@derivation("liu_zhou_2026.performer-moments", paper=PAPER,
            statement="FAVOR+ positive random features: E[phi(x).phi(y)] = e^{x.y}, "
                      "Var = e^{2x.y}(e^{|x+y|^2} - 1)/m, from Gaussian integrals [MATH] (note §3(c))")
def _derive_performer() -> DerivationResult:
    dm, dv = performer_moment_differences(2)
    _, dv_bad = performer_moment_differences(2, drop_minus_one=True)
    if is_zero(dm) and is_zero(dv) and not is_zero(dv_bad):
        return DerivationResult(PROVED, "d=2, sympy Gaussian integrals: mean - e^{x.y} == 0, variance - closed "
                                        "form == 0; the form without '-1' != 0 (control)")
    return DerivationResult(FAILED, f"mean diff {dm}, var diff {dv}, control {dv_bad}")


def trig_moment_differences(d: int = 2, *, factor=sp.Rational(1, 2)) -> tuple[sp.Expr, sp.Expr]:
    """Mean and variance of the trigonometric estimator from Gaussian characteristic functions.

    The estimator is ``e^{(|x|^2+|y|^2)/2} (1/m) sum_r cos(w_r.(x-y))``; ``E cos(w.z) =
    Re E e^{i w.z}`` and ``cos^2 = (1 + cos 2.)/2``.  ``factor`` perturbs the ``1/(2m)``
    of the closed form (control: ``factor = 1``).
    """
    x = sp.symbols(f"x0:{d}", real=True)
    y = sp.symbols(f"y0:{d}", real=True)
    m = sp.Symbol("m", positive=True)
    a = sp.Symbol("a", real=True)
    cf = _gauss_mgf_1d(sp.I * a)  # E e^{i a w} = e^{-a^2/2}, real
    z = [x[i] - y[i] for i in range(d)]
    ecos = sp.Mul(*[cf.subs(a, zi) for zi in z])
    ecos2 = sp.Mul(*[cf.subs(a, 2 * zi) for zi in z])
    nx, ny = sum(t**2 for t in x), sum(t**2 for t in y)
    mean = sp.exp((nx + ny) / 2) * ecos
    var = sp.exp(nx + ny) * ((1 + ecos2) / 2 - ecos**2) / m
    dsq = sum(zi**2 for zi in z)
    closed = factor * 2 * fm.trig_rf_variance_expr().subs({sp.Symbol("norm_sq_x", real=True): nx,
                                                            sp.Symbol("norm_sq_y", real=True): ny,
                                                            sp.Symbol("diff_sq", real=True): dsq,
                                                            sp.Symbol("m", real=True): m})
    xy = sum(x[i] * y[i] for i in range(d))
    return sp.simplify(sp.expand(mean - sp.exp(xy))), sp.simplify(sp.expand(var - closed))


@derivation("liu_zhou_2026.trig-rf-moments", paper=PAPER,
            statement="trigonometric random features: E = e^{x.y}, Var = e^{|x|^2+|y|^2}(1-e^{-|x-y|^2})^2/(2m) "
                      "[MATH] (note §3(c))")
def _derive_trig() -> DerivationResult:
    dm, dv = trig_moment_differences(2)
    _, bad = trig_moment_differences(2, factor=1)
    if is_zero(dm) and is_zero(dv) and not is_zero(bad):
        return DerivationResult(PROVED, "d=2, sympy characteristic functions: mean and variance differences == 0; "
                                        "1/m instead of 1/(2m) != 0 (control)")
    return DerivationResult(FAILED, f"mean diff {dm}, var diff {dv}, control {bad}")


# ---------------------------------------------------------------------------------------
# (d) second-stage KME variance, compute-optimal split, regularity template

def kme_variance_difference(m: int = 3, *, drop_norm: bool = False) -> sp.Expr:
    """Exact ``E||mean of m draws - E X||^2`` for a 2-point law in R^2 minus ``(E||X||^2 - ||E X||^2)/m``.

    Enumerates all ``2^m`` outcomes with symbolic support points and probability ``p``.
    ``drop_norm=True`` is the control ``E||X||^2 / m`` (the ``-||Sigma||^2`` term dropped).
    """
    p = sp.Symbol("p", positive=True)
    pts = [sp.Matrix(sp.symbols(f"a{i}_0:2", real=True)) for i in range(2)]
    probs = [p, 1 - p]
    mean = probs[0] * pts[0] + probs[1] * pts[1]
    lhs = 0
    for outcome in itertools.product(range(2), repeat=m):
        pr = sp.Mul(*[probs[o] for o in outcome])
        avg = sum((pts[o] for o in outcome), sp.zeros(2, 1)) / m
        dev = avg - mean
        lhs += pr * (dev.T * dev)[0]
    second = sum(probs[i] * (pts[i].T * pts[i])[0] for i in range(2))
    rhs = second / m if drop_norm else (second - (mean.T * mean)[0]) / m
    return sp.expand(lhs - rhs)


@derivation("liu_zhou_2026.kme-variance", paper=PAPER,
            statement="E||Sigma_mu_hat - Sigma_mu||^2 = (E||v (x) phi||^2 - ||Sigma_mu||^2)/m for m i.i.d. tokens "
                      "[MATH] (note §2.2 F2)")
def _derive_kme() -> DerivationResult:
    ok = all(is_zero(kme_variance_difference(m)) for m in (1, 2, 3, 4))
    ctrl = is_zero(kme_variance_difference(3, drop_norm=True))
    if ok and not ctrl:
        return DerivationResult(PROVED, "2-point law in R^2 with symbolic points and p, m = 1..4 enumerated "
                                        "exactly: difference == 0; dropping -||Sigma||^2 != 0 (control)")
    return DerivationResult(FAILED, f"identity {ok}, control zero {ctrl}")


def compute_optimal_difference(*, swap_exponent: bool = False) -> tuple[sp.Expr, sp.Expr]:
    """Stationarity of ``a (T/m)^-p + b m^-q`` at the closed-form ``m*`` and its curvature there.

    Returns ``(dR/dm at m*, d^2R/dm^2 at m*)``.  ``swap_exponent`` plugs the wrong
    ``T^{q/(p+q)}`` (control).
    """
    a, b, p, q, T, m = sp.symbols("a b p q T m", positive=True)
    risk = lz.two_stage_risk_expr().subs({sp.Symbol("N", positive=True): T / m, sp.Symbol("m", positive=True): m,
                                          sp.Symbol("a", positive=True): a, sp.Symbol("b", positive=True): b,
                                          sp.Symbol("p", positive=True): p, sp.Symbol("q", positive=True): q})
    mstar = lz.compute_optimal_m_expr().subs({sp.Symbol("T", positive=True): T})
    if swap_exponent:
        mstar = (b * q / (a * p))**(1 / (p + q)) * T**(q / (p + q))
    d1 = sp.diff(risk, m).subs(m, mstar)
    d2 = sp.diff(risk, m, 2).subs(m, mstar)
    return sp.simplify(sp.powsimp(sp.expand_power_base(sp.expand(d1 * m**0), force=True), force=True)), d2


@derivation("liu_zhou_2026.compute-optimal-split", paper=PAPER,
            statement="for risk a N^-p + b m^-q with N m = T, the optimum is m* = (bq/(ap))^{1/(p+q)} T^{p/(p+q)} "
                      "[MATH given the RECONSTRUCTED template] (note §3(d2))")
def _derive_split() -> DerivationResult:
    d1, d2 = compute_optimal_difference()
    ok = sp.simplify(d1) == 0
    # curvature: positive at generic positive parameter values (checked at rational points)
    pts = [dict(zip(sp.symbols("a b p q T", positive=True), v)) for v in
           [(1, 1, 1, 1, 10**4), (2, sp.Rational(1, 3), sp.Rational(1, 2), 2, 777), (5, 7, 3, sp.Rational(1, 4), 99)]]
    convex = all(sp.N(d2.subs(pt), 30) > 0 for pt in pts)
    bad, _ = compute_optimal_difference(swap_exponent=True)
    bad_zero = sp.simplify(bad) == 0
    if ok and convex and not bad_zero:
        return DerivationResult(PROVED, "dR/dm(m*) simplifies to 0 (symbolic); d2R/dm2(m*) > 0 at 3 rational "
                                        "points; T^{q/(p+q)} control is not stationary")
    return DerivationResult(FAILED, f"stationary {ok}, convex {convex}, control stationary {bad_zero}")


@derivation("liu_zhou_2026.regularity-zeta", paper=PAPER,
            statement="1/2 sum_{k>D} k^-(s+1/2) k^-(t+1/2) = 1/2 zeta(s+t+1, D+1): a function of s+t only "
                      "[MATH; RECONSTRUCTED as the paper's tradeoff] (note §3(d3))")
def _derive_zeta() -> DerivationResult:
    k, D = sp.symbols("k D", integer=True, positive=True)
    s, t = sp.symbols("s t", positive=True)
    summed = sp.Sum(k**(-(s + sp.Rational(1, 2))) * k**(-(t + sp.Rational(1, 2))), (k, D + 1, sp.oo))
    closed = sp.Sum(sp.powsimp(summed.function), (k, D + 1, sp.oo)).doit()
    target = sp.zeta(s + t + 1, D + 1)
    if sp.simplify(closed - target) == 0:
        import mpmath

        v = lz.regularity_truncation_error(7, 0.75, 1.25, dps=40)
        direct = mpmath.nsum(lambda kk: kk**(-3) / 2, [8, mpmath.inf])
        rel = abs(v - direct) / direct
        return DerivationResult(PROVED, f"sympy Sum(...).doit() == zeta(s+t+1, D+1); theory value at D=7, s+t=2 "
                                        f"matches nsum to rel {float(rel):.1e}")
    return DerivationResult(CHECKED if closed.has(sp.zeta) else FAILED, f"sympy gave {closed}")
