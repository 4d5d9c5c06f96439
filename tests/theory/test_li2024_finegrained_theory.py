"""Li-Rawat-Oymak 2024 theory: note values, validation, three-way agreement, properties, CLI."""

import doctest
import json

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from iclverify.cli import main
from iclverify.theory import _li2024_common as common
from iclverify.theory import li2024_finegrained as th
from iclverify.theory import li2024_finegrained_alignment as al
from iclverify.theory import li2024_finegrained_lowrank as lr
from iclverify.theory import li2024_finegrained_wpgd as wp
from iclverify.testing import assert_three_way
from iclverify.theory.domains import LI2024_FINEGRAINED as SPACE

MODULES = [common, th, al, lr, wp]


@pytest.mark.parametrize("mod", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_doctests(mod):
    res = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted > 0


def _spd(seed, d, cond=6.0):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return (Q * np.exp(rng.uniform(0, np.log(cond), d))) @ Q.T


# ----------------------------------------------------------------------------- note values (§9)
def test_note_values_iid_and_special_cases():
    assert th.optimal_risk_exact(10, 20) == sp.Rational(110, 31)
    assert th.optimal_risk(10, 20, 1.0) == pytest.approx(4.75, abs=1e-12)
    assert th.equicorrelated_optimal_risk(10, 20, 0.5) == pytest.approx(2.98416, abs=5e-6)
    assert th.optimal_risk(10, 20, sigma_beta="equicorrelated:0.5") == pytest.approx(2.98416, abs=5e-6)
    np.testing.assert_allclose(th.optimal_preconditioner(10, 20, normalized=True), np.eye(10) * 20 / 31)
    # note §3.1 MC table rows (closed-form column)
    assert th.optimal_risk(5, 10) == pytest.approx(1.8750, abs=5e-5)
    assert th.optimal_risk(5, 10, 0.5) == pytest.approx(2.4697, abs=5e-5)


def test_note_values_lowrank_lora():
    curve = lr.lowrank_risk_curve(10, 20, sigma_beta="geometric:0.5")
    np.testing.assert_allclose(curve[[0, 1, 2, 3, 5, 10]], [10, 5.6476, 3.6453, 2.7821, 2.3257, 2.2746], atol=5e-5)
    old, new = np.diag([3, 2, 1, 1, 1, .5, .5, .5, .25, .25]), np.diag([.25, .25, .5, .5, .5, 1, 1, 1, 2, 3])
    c = lr.lora_risk_curve(10, 20, 0.0, new, old)
    np.testing.assert_allclose(c[[0, 1, 2, 3, 5, 10]], [5.0880, 4.1971, 3.6906, 3.5045, 3.3176, 3.1647], atol=5e-5)


def test_note_values_rag_alignment_wpgd():
    assert al.rag_optimal_risk(20, 20, 0.2) == pytest.approx(7.450, abs=5e-4)
    assert al.rag_optimal_risk(20, 20, 0.6) == pytest.approx(2.807, abs=5e-4)
    assert al.rag_approx_risk(20, 20, 0.6) == pytest.approx(2.174, abs=5e-4)
    assert al.rag_optimal_risk(6, 12, 0.4, 0.1, variant="b1") == pytest.approx(1.7501, abs=5e-5)
    assert al.alignment_optimal_risk(6, 12, 0.6, 0.25) == pytest.approx(3.9320, abs=5e-5)
    r = wp.ar1_drift_risks(5, 10, 0.8, 0.2)
    w = r["weights_h3"]
    assert w[-1] == 1 and w[-2] == pytest.approx(0.71, abs=0.01) and w[0] == pytest.approx(0.05, abs=0.01)


# ----------------------------------------------------------------------------- validation
@pytest.mark.parametrize("bad, match", [
    (np.array([[1.0, 2.0], [2.0, 1.0]]), "positive definite"),
    (np.array([[1.0, 0.5], [0.0, 1.0]]), "symmetric"),
    (np.eye(3), "size 3 but d=2"),
    (np.array([[np.nan, 0], [0, 1]]), "finite"),
])
def test_spd_validation_names_parameter(bad, match):
    with pytest.raises(ValueError, match="sigma_beta") as e:
        th.optimal_risk(2, 5, sigma_beta=bad)
    assert match in str(e.value)


@pytest.mark.parametrize("spec", ["foo:1", "equicorrelated:1.5", "diag:1,-1", "geometric:0", "identity:2",
                                  "equicorrelated:x"])
def test_bad_covariance_specs(spec):
    with pytest.raises(ValueError, match="covariance spec"):
        common.parse_covariance(spec)


def test_domain_validation():
    with pytest.raises(ValueError, match="noise_var"):
        th.optimal_risk(3, 4, -1.0)
    with pytest.raises(ValueError, match="n=0"):
        th.optimal_risk(3, 0)
    with pytest.raises(ValueError, match="corr"):
        al.rag_optimal_risk(3, 4, 1.0)
    with pytest.raises(ValueError, match="r=5"):
        lr.lowrank_optimal_risk(5, 4, 3)
    with pytest.raises(ValueError, match="variant"):
        al.rag_optimal_risk(3, 4, 0.2, variant="wrong")
    with pytest.raises(ValueError, match="omega"):
        wp.wpgd_optimal_risk(np.zeros(3), 2)


# ----------------------------------------------------------------------------- three-way agreement
def _three_way(points, exact, mp50, f64):
    """sympy exact vs the 50-digit path (rel <= 1e-45) vs float64 (rel <= 1e-12): the public helper."""
    assert_three_way(points, exact, mp50, f64, rtol_mp=1e-45, rtol_np=1e-12, dps=50)


@settings(max_examples=15)
@given(d=SPACE["d"].strategy(1, 12), n=SPACE["n"].strategy(1, 60), s2=st.sampled_from(["0", "1/2", "3", "0.25"]),
       g=st.sampled_from(["0", "1/4", "1/2", "0.9"]))
def test_three_way_isotropic_equicorrelated(d, n, s2, g):
    s2r, gr = sp.Rational(s2), sp.Rational(g)
    _three_way([(d, n, s2r)], lambda d, n, s: th.ISOTROPIC_RISK.exact(d=d, n=n, noise_var=s),
               lambda d, n, s: th.isotropic_optimal_risk(d, n, float(s), dps=50),
               lambda d, n, s: th.isotropic_optimal_risk(d, n, float(s)))
    _three_way([(d, n, gr, s2r)], lambda d, n, g_, s: th.EQUICORRELATED_RISK.exact(d=d, n=n, gamma=g_, noise_var=s),
               lambda d, n, g_, s: th.equicorrelated_optimal_risk(d, n, float(g_), float(s), dps=50),
               lambda d, n, g_, s: th.equicorrelated_optimal_risk(d, n, float(g_), float(s)))
    # the matrix formula, in exact rational arithmetic, equals the spectral special case
    spec = f"equicorrelated:{g}" if "/" not in g else f"equicorrelated:{float(gr)}"
    if d <= 6:
        assert th.optimal_risk_exact(d, n, s2r, None, spec) == th.EQUICORRELATED_RISK.exact(
            d=d, n=n, gamma=sp.Rational(str(float(gr))), noise_var=s2r)


@settings(max_examples=10)
@given(d=st.integers(1, 5), n=st.integers(1, 30), diag=st.lists(st.sampled_from(["1/4", "1/2", "1", "2", "3"]),
                                                                  min_size=5, max_size=5))
def test_three_way_matrix_formula(d, n, diag):
    vals = [str(float(sp.Rational(v))) for v in diag[:d]]
    spec_x = "diag:" + ",".join(vals)
    spec_b = "equicorrelated:0.3"
    _three_way([(d, n)], lambda d, n: th.optimal_risk_exact(d, n, "0.3", spec_x, spec_b),
               lambda d, n: th.optimal_risk(d, n, 0.3, spec_x, spec_b, dps=50),
               lambda d, n: th.optimal_risk(d, n, 0.3, spec_x, spec_b))


@settings(max_examples=10)
@given(d=st.integers(1, 30), n=st.integers(1, 80), a=st.sampled_from(["0", "1/5", "2/5", "3/5"]),
       s2=st.sampled_from(["0", "1/10", "1"]), variant=st.sampled_from(al.VARIANTS))
def test_three_way_rag_alignment(d, n, a, s2, variant):
    ar, sr = sp.Rational(a), sp.Rational(s2)
    br = sp.sqrt(1 - ar**2) if variant == "unit" else sp.Integer(1)
    for closed, func in ((al.RAG_OPTIMAL_RISK, al.rag_optimal_risk),
                         (al.ALIGN_OPTIMAL_RISK, al.alignment_optimal_risk)):
        assert_three_way([(d, n)], lambda d, n: closed.expr.subs({al._a: ar, al._b: br, al._d: d, al._n: n,
                                                                   al._s2: sr}),
                         lambda d, n: func(d, n, float(ar), float(sr), variant, dps=50),
                         lambda d, n: func(d, n, float(ar), float(sr), variant), rtol_mp=1e-40, rtol_np=1e-11)


def test_rag_alignment_reduce_to_iid_at_zero_correlation():
    for d, n, s2 in [(1, 1, 0.0), (3, 7, 0.5), (10, 20, 0.0), (25, 4, 2.0)]:
        iid = th.isotropic_optimal_risk(d, n, s2)
        assert al.rag_optimal_risk(d, n, 0.0, s2) == pytest.approx(iid, rel=1e-12)
        assert al.alignment_optimal_risk(d, n, 0.0, s2) == pytest.approx(iid, rel=1e-12)
        assert al.rag_optimal_scale(d, n, 0.0, s2) == pytest.approx(1 / (n + d + 1 + s2), rel=1e-12)
    # symbolic: at a = 0, b = 1 both equal d + σ² − nd/(n+d+1+σ²)
    sub = {al._a: 0, al._b: 1}
    iso = th.ISOTROPIC_RISK.expr.subs({th._d: al._d, th._n: al._n, th._s2: al._s2})
    assert sp.simplify(al.RAG_OPTIMAL_RISK.expr.subs(sub) - iso) == 0
    assert sp.simplify(al.ALIGN_OPTIMAL_RISK.expr.subs(sub) - iso) == 0


# ----------------------------------------------------------------------------- properties
cov_case = st.tuples(st.integers(1, 6), st.integers(1, 40), st.integers(0, 10**6), SPACE["noise_var"].strategy(0, 3))


@settings(max_examples=25)
@given(case=cov_case)
def test_lowrank_decreasing_and_full_at_r_equals_d(case):
    d, n, seed, s2 = case
    Sx, Sb = _spd(seed, d), _spd(seed + 1, d)
    curve = lr.lowrank_risk_curve(d, n, s2, Sx, Sb)
    assert np.all(np.diff(curve) <= 1e-12)
    assert curve[-1] == pytest.approx(th.optimal_risk(d, n, s2, Sx, Sb), rel=1e-12)
    assert curve[0] == pytest.approx(np.trace(Sx @ Sb) + s2, rel=1e-12)
    for r in range(d + 1):  # W*_r attains L*_r and has rank r
        Wr = lr.lowrank_optimal_preconditioner(r, d, n, s2, Sx, Sb)
        assert th.population_loss(Wr, n, s2, Sx, Sb) == pytest.approx(curve[r], rel=1e-9, abs=1e-12)
        assert np.linalg.matrix_rank(Wr, tol=1e-10) == r


@settings(max_examples=25)
@given(case=cov_case, wseed=st.integers(0, 10**6))
def test_optimum_beats_random_W_and_first_order_condition(case, wseed):
    d, n, seed, s2 = case
    Sx, Sb = _spd(seed, d), _spd(seed + 7, d)
    Ls = th.optimal_risk(d, n, s2, Sx, Sb)
    Ws = th.optimal_preconditioner(d, n, s2, Sx, Sb)
    assert th.population_loss(Ws, n, s2, Sx, Sb) == pytest.approx(Ls, rel=1e-10)
    rng = np.random.default_rng(wseed)
    for _ in range(3):
        W = Ws + rng.standard_normal((d, d)) * rng.uniform(1e-3, 1) * np.abs(Ws).max()
        assert th.population_loss(W, n, s2, Sx, Sb) >= Ls - 1e-10 * abs(Ls)
    # 1/n convention: same risk
    assert th.population_loss(n * Ws, n, s2, Sx, Sb, normalized=True) == pytest.approx(Ls, rel=1e-10)


@settings(max_examples=25)
@given(case=cov_case, c=st.floats(0.1, 10), qseed=st.integers(0, 10**6))
def test_symmetry_and_scaling_laws(case, c, qseed):
    d, n, seed, s2 = case
    Sx, Sb = _spd(seed, d), _spd(seed + 3, d)
    L = th.optimal_risk(d, n, s2, Sx, Sb)
    Q, _ = np.linalg.qr(np.random.default_rng(qseed).standard_normal((d, d)))
    # joint rotation leaves L* unchanged; W* rotates covariantly
    assert th.optimal_risk(d, n, s2, Q @ Sx @ Q.T, Q @ Sb @ Q.T) == pytest.approx(L, rel=1e-9)
    np.testing.assert_allclose(th.optimal_preconditioner(d, n, s2, Q @ Sx @ Q.T, Q @ Sb @ Q.T),
                               Q @ th.optimal_preconditioner(d, n, s2, Sx, Sb) @ Q.T, atol=1e-10)
    # (Σ_β, σ²) -> c(Σ_β, σ²) scales the risk by c; (Σ_x, Σ_β) -> (cΣ_x, Σ_β/c) leaves it unchanged
    assert th.optimal_risk(d, n, c * s2, Sx, c * Sb) == pytest.approx(c * L, rel=1e-9)
    assert th.optimal_risk(d, n, s2, c * Sx, Sb / c) == pytest.approx(L, rel=1e-9)
    # bounds: 0 < L* ≤ M₀ and L* ≥ σ²
    assert s2 - 1e-12 <= L <= np.trace(Sx @ Sb) + s2 + 1e-12


@settings(max_examples=25)
@given(d=st.integers(1, 8), n=st.integers(1, 20), s2=SPACE["noise_var"].strategy(0, 3),
       w=st.lists(st.floats(0.05, 5), min_size=20, max_size=20), seed=st.integers(0, 10**6), c=st.floats(0.2, 5))
def test_wpgd_uniform_optimal_for_exchangeable(d, n, s2, w, seed, c):
    Sx, Sb = _spd(seed, d), _spd(seed + 5, d)
    omega = np.asarray(w[:n])
    Lw = wp.wpgd_optimal_risk(omega, d, s2, None, Sx, Sb)
    Lu = wp.wpgd_optimal_risk(np.ones(n), d, s2, None, Sx, Sb)
    assert Lu == pytest.approx(th.optimal_risk(d, n, s2, Sx, Sb), rel=1e-10)
    assert Lw >= Lu - 1e-10 * Lu
    assert wp.wpgd_optimal_risk(c * omega, d, s2, None, Sx, Sb) == pytest.approx(Lw, rel=1e-10)  # scale invariance
    W = wp.wpgd_optimal_preconditioner(omega, d, s2, Sx, Sb)
    assert wp.wpgd_loss(W, omega, s2, None, Sx, Sb) == pytest.approx(Lw, rel=1e-9)
    assert wp.effective_sample_size(omega) <= n + 1e-9


@settings(max_examples=20)
@given(d=st.integers(2, 10), sv=st.lists(st.floats(0, 8), min_size=2, max_size=12), sq=st.floats(0, 2))
def test_heteroscedastic_formulas_match_general_wpgd(d, sv, sq):
    sv = np.asarray(sv)
    r = wp.heteroscedastic_risks(d, sv, sq)
    w = 1 / (d + 1 + sv)
    assert wp.wpgd_optimal_risk(w, d, sv, sq) == pytest.approx(r["h3"], rel=1e-10)
    assert wp.wpgd_optimal_risk(np.ones(sv.size), d, sv, sq) == pytest.approx(r["att"], rel=1e-10)
    assert r["h3"] <= r["att"] + 1e-12
    seq = wp.sequence_optimal_risks(d, np.ones((sv.size, sv.size)), np.ones(sv.size), sv, sq)
    assert seq["h3"] == pytest.approx(r["h3"], rel=1e-10) and seq["att"] == pytest.approx(r["att"], rel=1e-10)


@settings(max_examples=20)
@given(d=st.integers(1, 8), n=st.integers(1, 15), g=SPACE["drift"].strategy(0, 1), s2=st.floats(0, 2))
def test_ar1_gap_nonnegative_and_iid_limit(d, n, g, s2):
    r = wp.ar1_drift_risks(d, n, g, s2)
    assert r["h3"] <= r["att"] + 1e-10
    if g == 1.0:  # a single task: back to the IID optimum, no H3 advantage
        assert r["h3"] == pytest.approx(th.isotropic_optimal_risk(d, n, s2), rel=1e-10)
        assert r["att"] == pytest.approx(r["h3"], rel=1e-10)


@settings(max_examples=20)
@given(d=st.integers(1, 6), n=st.integers(1, 20), seed=st.integers(0, 10**6), s2=st.floats(0, 2))
def test_lora_endpoints_and_monotone(d, n, seed, s2):
    Sx, So, Sn = _spd(seed, d), _spd(seed + 1, d), _spd(seed + 2, d)
    curve = lr.lora_risk_curve(d, n, s2, Sn, So, sigma_x=Sx)
    W_old = th.optimal_preconditioner(d, n, s2, Sx, So)
    assert curve[0] == pytest.approx(th.population_loss(W_old, n, s2, Sx, Sn), rel=1e-9)
    assert curve[-1] == pytest.approx(th.optimal_risk(d, n, s2, Sx, Sn), rel=1e-9)
    assert np.all(np.diff(curve) <= 1e-12)
    for r in range(d + 1):
        dW = lr.lora_optimal_update(r, d, n, s2, Sn, So, sigma_x=Sx)
        assert np.linalg.matrix_rank(dW, tol=1e-10) <= r
        assert th.population_loss(W_old + dW, n, s2, Sx, Sn) == pytest.approx(curve[r], rel=1e-8)


@settings(max_examples=20)
@given(d=st.integers(2, 7), r=st.integers(2, 7), n=st.integers(1, 20), seed=st.integers(0, 10**6), s2=st.floats(0, 2))
def test_trace_preserving_shift_rank(d, r, n, seed, s2):
    r = min(r, d)
    rng = np.random.default_rng(seed)
    So = _spd(seed, d)
    Sn = lr.trace_preserving_shift(So, r, rng=rng)
    assert np.trace(Sn) == pytest.approx(np.trace(So), rel=1e-12)
    ws = lr.weight_shift(d, n, s2, So, Sn)
    assert ws["rank"] <= r
    assert lr.lora_risk(r, d, n, s2, Sn, So) == pytest.approx(th.optimal_risk(d, n, s2, None, Sn), rel=1e-10)


def test_lora_directions_commuting_case():
    old = np.array([3, 2, 1, 1, 1, .5, .5, .5, .25, .25])
    scores = lr.lora_direction_scores(20, 0.0, old, old[::-1])
    s_full = np.sort(lr.lora_singular_values(10, 20, 0.0, np.diag(old[::-1]), np.diag(old)) ** 2)[::-1]
    np.testing.assert_allclose(np.sort(scores)[::-1], s_full, rtol=1e-9, atol=1e-14)


# ----------------------------------------------------------------------------- CLI
@pytest.mark.parametrize("name", ["li2024.optimal_risk", "li2024_finegrained.optimal_risk"])
def test_cli_optimal_risk(name, capsys):
    """One name per paper: the old ``li2024.`` key still works, with a FutureWarning naming the new one."""
    if name.startswith("li2024."):
        assert main(["theory", name, "--d", "10", "--n", "20", "--noise-var", "1", "--sigma-beta",
                     "equicorrelated:0.5", "--json"]) == 0
        err = capsys.readouterr().err  # the command line prints warnings as one line on stderr
        assert "old paper key 'li2024'; use 'li2024_finegrained.optimal_risk'" in err
    assert main(["theory", name, "--d", "10", "--n", "20", "--noise-var", "1", "--sigma-beta", "equicorrelated:0.5",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["value"] == pytest.approx(th.optimal_risk(10, 20, 1.0, sigma_beta="equicorrelated:0.5"))
    assert out["params"]["sigma_beta"] == "equicorrelated:0.5"


@pytest.mark.parametrize("argv, expected", [
    (["li2024_finegrained.lowrank_optimal_risk", "--r", "2", "--d", "10", "--n", "20", "--sigma-beta", "geometric:0.5"],
     3.6453),
    (["li2024_finegrained.lora_risk", "--r", "1", "--d", "10", "--n", "20",
      "--sigma-beta-old", "diag:3,2,1,1,1,.5,.5,.5,.25,.25", "--sigma-beta-new", "diag:.25,.25,.5,.5,.5,1,1,1,2,3"],
     4.1971),
    (["li2024_finegrained.rag_optimal_risk", "--d", "10", "--n", "20", "--corr", "0.4"], 2.1211),
    (["li2024_finegrained.alignment_optimal_risk", "--d", "10", "--n", "20", "--corr", "0.6"], 6.2235),
    (["li2024_finegrained.isotropic_optimal_risk", "--d", "10", "--n", "20"], 3.5484),
])
def test_cli_other_entries(argv, expected, capsys):
    assert main(["theory", *argv, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == pytest.approx(expected, abs=5e-5)


def test_cli_h3_entries_and_errors(capsys):
    assert main(["theory", "li2024_finegrained.ar1_drift_risks", "--d", "5", "--n", "10", "--drift", "0.8",
                 "--noise-var", "0.2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"]["h3"] == pytest.approx(4.3357, abs=5e-5)
    assert main(["theory", "li2024_finegrained.optimal_risk", "--d", "3", "--n", "4", "--sigma-x", "diag:1,2"]) == 2
    assert "diag has 2 entries" in capsys.readouterr().err


def test_vectorised_equals_loop():
    d = np.array([1, 3, 10, 10])
    n = np.array([[1], [5], [20]])
    s2 = 0.5
    vec = th.isotropic_optimal_risk(d, n, s2)
    assert vec.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            assert vec[i, j] == pytest.approx(th.isotropic_optimal_risk(int(d[j]), int(n[i, 0]), s2), rel=1e-14)
            assert vec[i, j] == pytest.approx(th.optimal_risk(int(d[j]), int(n[i, 0]), s2), rel=1e-12)
    g = np.linspace(0, 0.9, 5)
    np.testing.assert_allclose(th.equicorrelated_optimal_risk(6, 9, g),
                               [th.optimal_risk(6, 9, sigma_beta=f"equicorrelated:{x}") for x in g], rtol=1e-12)


def test_one_cli_name_per_formula(capsys):
    """One name per paper (issue 16): each Li-Rawat-Oymak formula is listed once, under li2024_finegrained."""
    assert main(["theory", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("optimal_risk", "lowrank_optimal_risk", "lora_risk", "rag_optimal_risk", "alignment_optimal_risk",
                 "heteroscedastic_risks", "ar1_drift_risks", "wpgd_optimal_risk"):
        lines = [ln for ln in out.splitlines() if ln.split(" ", 1)[0].endswith(f".{name}")]
        assert [ln.split(" ", 1)[0] for ln in lines] == [f"li2024_finegrained.{name}"], lines
        assert "also:" not in lines[0]
    assert not any(ln.startswith("li2024.") for ln in out.splitlines())
