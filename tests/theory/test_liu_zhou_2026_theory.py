"""Theory of Liu & Zhou (2026): feature-map kernels, closed forms, domains, CLI (note §2-§3)."""

import json
import math
import subprocess
import sys

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, strategies as st

from iclverify.testing import assert_three_way
from iclverify.theory import feature_maps as fm
from iclverify.theory import liu_zhou_2026 as lz
from iclverify.theory.domains import LIU_ZHOU_2026 as SPACE

small = st.integers(1, 12)


@given(d=small, n=st.integers(1, 6), k=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_deterministic_maps_match_their_closed_form_kernels(d, n, k, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((n, d)), rng.standard_normal((k, d))
    for name, f in fm.FEATURE_MAPS.items():
        np.testing.assert_allclose(f(x) @ f(y).T, fm.implicit_kernel(name, x, y), rtol=1e-13, atol=1e-13,
                                   err_msg=name)
    u = x @ y.T
    np.testing.assert_allclose(fm.taylor2_map(x) @ fm.taylor2_map(y).T, 1 + u + u**2 / 2, rtol=1e-13, atol=1e-13)
    assert fm.taylor2_map(x).shape[-1] == 1 + d + d * (d + 1) // 2


@given(d=small, R=st.integers(1, 10), seed=st.integers(0, 2**32 - 1))
def test_hedgehog_kernel_is_sum_of_cosh(d, R, seed):
    rng = np.random.default_rng(seed)
    W, x, y = 0.5 * rng.standard_normal((R, d)), rng.standard_normal((3, d)), rng.standard_normal((4, d))
    np.testing.assert_allclose(fm.hedgehog_map(x, W) @ fm.hedgehog_map(y, W).T, fm.hedgehog_kernel(x, y, W),
                               rtol=1e-12)
    # the bounded variant sums to one and keeps kappa <= 1
    f = fm.softmax_hedgehog_map(x, W)
    np.testing.assert_allclose(f.sum(axis=-1), 1.0)
    assert np.all(np.linalg.norm(f, axis=-1) <= 1 + 1e-15)


def test_cosformer_blocks_reproduce_the_reweighted_kernel():
    rng = np.random.default_rng(0)
    L, d = 9, 3
    x, y = rng.standard_normal((2, L, d))
    pos = np.arange(L)
    cx, sx = fm.cosformer_features(x, pos, L)
    cy, sy = fm.cosformer_features(y, pos, L)
    W = np.cos(np.pi * (pos[:, None] - pos[None, :]) / (2 * L))
    np.testing.assert_allclose(cx @ cy.T + sx @ sy.T, (fm.relu_map(x) @ fm.relu_map(y).T) * W, atol=1e-14)


def _three_way(expr, symbols, func, points, rel_mp=1e-40, rel_np=1e-13):
    """The public three-way test, with the points' exact rationals passed to the ``dps=50`` path at 60 digits."""
    def mp(*pt):
        with mpmath.workdps(60):
            args = [mpmath.mpf(p.p) / p.q for p in pt]
        return func(*args, dps=50)

    assert_three_way(points, lambda *pt: expr.subs(dict(zip(symbols, pt))), mp,
                     lambda *pt: func(*[float(p) for p in pt]), rtol_mp=rel_mp, rtol_np=rel_np, dps=50)


@given(st.lists(st.tuples(st.fractions(-2, 2, max_denominator=50), st.fractions(0, 3, max_denominator=50),
                          st.integers(1, 4096)), min_size=1, max_size=5))
def test_performer_variance_three_way(points):
    pts = [(sp.Rational(a.numerator, a.denominator), sp.Rational(b.numerator, b.denominator), sp.Integer(m))
           for a, b, m in points if b != 0]
    if pts:
        _three_way(fm.performer_prf_variance_expr(), sp.symbols("xy sum_sq m", real=True),
                   fm.performer_prf_variance, pts)


@given(st.lists(st.tuples(*[st.fractions(0, 3, max_denominator=40)] * 3, st.integers(1, 4096)),
                min_size=1, max_size=5))
def test_trig_variance_three_way(points):
    pts = [tuple(sp.Rational(f.numerator, f.denominator) for f in p[:3]) + (sp.Integer(p[3]),) for p in points
           if p[2] != 0]
    if pts:
        _three_way(fm.trig_rf_variance_expr(), sp.symbols("norm_sq_x norm_sq_y diff_sq m", real=True),
                   fm.trig_rf_variance, pts)


def test_vectorised_equals_loop():
    xy, ss, m = np.array([0.1, -0.3, 0.7]), np.array([0.2, 1.5, 0.0]), np.array([3, 10, 100])
    vec = fm.performer_prf_variance(xy, ss, m)
    assert np.allclose(vec, [fm.performer_prf_variance(a, b, int(c)) for a, b, c in zip(xy, ss, m)], rtol=1e-15)
    vm = lz.compute_optimal_m(np.array([1e4, 1e6]), 1.0, 2.0, 0.5, 1.5)
    assert np.allclose(vm, [lz.compute_optimal_m(t, 1.0, 2.0, 0.5, 1.5) for t in (1e4, 1e6)])


@given(T=st.floats(1e3, 1e9), a=st.floats(0.1, 10), b=st.floats(0.1, 10), p=st.floats(0.2, 2), q=st.floats(0.2, 2))
def test_compute_optimal_m_minimises_the_template(T, a, b, p, q):
    mstar = lz.compute_optimal_m(T, a, b, p, q)
    risk = lambda mm: a * (T / mm) ** (-p) + b * mm ** (-q)  # noqa: E731
    assert risk(mstar) <= min(risk(mstar * 1.01), risk(mstar / 1.01)) * (1 + 1e-12)
    # exponent of T: p/(p+q)
    ratio = lz.compute_optimal_m(10 * T, a, b, p, q) / mstar
    assert math.isclose(math.log10(ratio), p / (p + q), rel_tol=1e-10)


def test_regularity_template_depends_on_s_plus_t_only_and_matches_asymptotics():
    for D in (10, 100, 1000):
        vals = [lz.regularity_truncation_error(D, s, 2.0 - s, dps=40) for s in (0.25, 1.0, 1.75)]
        assert max(vals) - min(vals) < mpmath.mpf(10) ** -35
    r = float(lz.regularity_truncation_error(10**4, 1.0, 1.0)) / lz.regularity_truncation_asymptotic(10**4, 1.0, 1.0)
    assert abs(r - 1) < 2e-3


def test_kme_mse_and_bounds():
    assert lz.kme_mse(1.5, 0.5, 10) == pytest.approx(0.1)
    assert lz.kme_mse(1.5, 0.5, 10) <= lz.kme_mse_bound(math.sqrt(1.5), 1.0, 10)
    with pytest.raises(ValueError, match="Jensen"):
        lz.kme_mse(0.5, 1.0, 10)
    assert lz.first_stage_risk_gaussian(0.01, 40, 441) == pytest.approx(0.001)
    with pytest.raises(ValueError, match="N"):
        lz.first_stage_risk_gaussian(0.01, 40, 41)


@pytest.mark.parametrize("call, name", [
    (lambda: lz.kme_mse(1.0, 0.5, 0), "m"),
    (lambda: lz.kme_mse(1.0, 0.5, 2.5), "m"),
    (lambda: lz.kme_mse(-1.0, 0.5, 3), "second_moment"),
    (lambda: fm.performer_prf_variance(0.1, -1.0, 3), "sum_sq"),
    (lambda: lz.two_stage_risk(10, 10, 1.0, 1.0, 0.0, 1.0), "p"),
    (lambda: lz.regularity_truncation_error(5, -1.0, 1.0), "s"),
    (lambda: lz.first_stage_risk(-0.1, 4, 100), "sigma2"),
])
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=rf"\b{name}\b.*domain"):
        call()


def test_attention_operator_weights_validation():
    with pytest.raises(ValueError, match="weights"):
        lz.kernel_mean_embedding(np.ones((3, 2)), np.ones((3, 1)), weights=[0.5, 0.5, 0.5])
    assert set(lz.RECONSTRUCTED_RATES) <= set(lz.__all__)
    assert "M" in SPACE and "dv" in SPACE


def test_cli_theory_json():
    out = subprocess.run([sys.executable, "-m", "iclverify", "theory", "liu_zhou_2026.kme_mse", "--second-moment",
                          "1.5", "--embedding-norm-sq", "0.5", "--m", "10", "--json"],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["value"] == pytest.approx(0.1)
    bad = subprocess.run([sys.executable, "-m", "iclverify", "theory", "liu_zhou_2026.kme_mse", "--second-moment",
                          "1.5", "--embedding-norm-sq", "0.5", "--m", "0"], capture_output=True, text=True)
    assert bad.returncode == 2 and "m" in bad.stderr


@pytest.mark.parametrize("module", ["iclverify.theory.feature_maps", "iclverify.theory.liu_zhou_2026",
                                    "iclverify.checks.simulation.liu_zhou_2026_attention",
                                    "iclverify.checks.experiments.liu_zhou_2026_rates"])
def test_docstring_examples(module):
    import doctest
    import importlib

    res = doctest.testmod(importlib.import_module(module))
    assert res.attempted > 0 and res.failed == 0
