"""The extension API: external claims get the whole battery; bad registrations fail at once."""

import math
import textwrap

import mpmath
import numpy as np
import pytest
import sympy as sp

from iclverify.api import (Interval, RegistrationError, RunConfig, Verdict, get_claim, get_spec, load_claims,
                           register_formula, unregister, verify)
from iclverify.checks.extension.battery_example import PGD_DOMAINS, pgd_risk_expr, simulate_pgd_risk
from iclverify.figures.registry import FigureConfig, get_figure

inf = math.inf
d, n, s, x = sp.symbols("d n sigma2 x")

EXTERNAL = textwrap.dedent('''
    """A user's claims, outside the package: the noiseless one-step GD risk and a wrong variant."""
    import math
    import numpy as np
    import sympy as sp
    from iclverify.api import Interval, register_formula

    d, n = sp.symbols("d n")
    DOMAINS = {"d": Interval(1, math.inf, low_open=False, integer=True),
               "n": Interval(1, math.inf, low_open=False, integer=True)}

    def simulate(p, rng, size):
        d, n = p["d"], p["n"]
        X = rng.standard_normal((size, n, d))
        beta = rng.standard_normal((size, d))
        w = np.einsum("snd,sn->sd", X, np.einsum("snd,sd->sn", X, beta)) / (n + d + 1)
        return np.sum((beta - w) ** 2, axis=1)

    for cid, expr in [("user.gd-risk", d * (d + 1) / (n + d + 1)), ("user.gd-risk-wrong", d * (d + 1) / (n + d + 2))]:
        register_formula(cid, expr, domains=DOMAINS, simulate=simulate, regime={"d": (2, 6), "n": (2, 20)},
                         limits=[("n", sp.oo, 0)], samples=(40000, 300000))
''')


@pytest.fixture
def external(tmp_path, registered):
    path = tmp_path / "my_claims.py"
    path.write_text(EXTERNAL)
    ids = load_claims(str(path))
    registered.extend(ids)
    return path, ids


def test_external_module_correct_confirmed_perturbed_refuted(external):
    path, ids = external
    assert ids == ["user.gd-risk", "user.gd-risk-wrong"]
    good, bad = verify("user.gd-risk"), verify("user.gd-risk-wrong")
    assert good.verdict is Verdict.CONFIRMED, good.reason
    assert good.controls and all(c.rejected for c in good.controls)
    assert bad.verdict is Verdict.REFUTED and "Monte Carlo" in bad.reason
    assert good.seeds["root_entropy"] == 20240515 and good.seeds["spawn_keys"] == [[0], [1]]
    # The claim joins the ledger like a package claim.
    c = get_claim("user.gd-risk")
    assert c.paper == "user" and c.figure == "ext-user-gd-risk" and c.describe()["controls"]


def test_loading_the_same_file_twice_is_idempotent(external):
    path, ids = external
    assert set(load_claims(str(path))) <= set(ids)
    assert get_spec("user.gd-risk") is not None and verify("user.gd-risk").verdict is Verdict.CONFIRMED
    run = get_claim("user.gd-risk").run
    assert run.__module__.startswith("iclverify_user_claims_my_claims") and run.source == str(path)


def test_claim_run_pickles_and_reloads_its_source_in_a_fresh_registry(external):
    import pickle

    path, _ = external
    run = pickle.loads(pickle.dumps(get_claim("user.gd-risk").run))
    unregister("user.gd-risk")  # as in a fresh worker process: the spec is gone until the file is loaded
    assert run(RunConfig()).verdict is Verdict.CONFIRMED
    assert get_spec("user.gd-risk") is not None


def test_same_id_different_definition_is_rejected(external):
    with pytest.raises(RegistrationError, match="'user.gd-risk' is already registered"):
        register_formula("user.gd-risk", d * (d + 1) / (n + d + 3),
                         domains={k: PGD_DOMAINS[k] for k in ("d", "n")},
                         limits=[("n", sp.oo, 0)], regime={"d": (2, 6), "n": (2, 20)})


def test_auto_controls_are_all_rejected_and_named(registered):
    registered.append("t.pgd")
    spec = register_formula("t.pgd", pgd_risk_expr(), domains=PGD_DOMAINS, simulate=simulate_pgd_risk,
                            regime={"d": (2, 8), "n": (1, 24), "sigma2": (0, 1)}, samples=(10000, 100000))
    names = [c.name for c in spec.controls]
    assert names[0] == "scale x(1+1/10)" and any(k.startswith("drop term") for k in names) \
        and any(k.startswith("coefficient") for k in names)
    ev = verify("t.pgd")
    assert ev.verdict is Verdict.CONFIRMED, ev.reason
    kept = {c.name for c in ev.controls}
    dropped = {r["control"] for r in ev.measurements["discarded_controls"]}
    assert kept | dropped == set(names) and len(kept) >= 5
    assert all(c.rejected and "Monte Carlo" in c.detail for c in ev.controls)
    # every dropped control really is below the stated resolution delta/2 at the Monte Carlo points
    for row in ev.measurements["mc_points"]:
        for name in dropped:
            assert abs(row["controls"][name]["theory"] - row["theory"]) < 0.05 * row["theory"]


def test_control_the_check_cannot_resolve_makes_the_claim_inconclusive(registered):
    registered.append("t.weak")
    register_formula("t.weak", pgd_risk_expr(), domains=PGD_DOMAINS, simulate=simulate_pgd_risk,
                     regime={"d": (2, 8), "n": (1, 24), "sigma2": (0, 1)}, samples=(500, 500),
                     controls={"off by 0.1%": pgd_risk_expr() * sp.Rational(1001, 1000)},
                     resolution_required=(0.99, 0.99))  # isolate the control rule from the resolution rule
    ev = verify("t.weak")
    assert ev.verdict is Verdict.INCONCLUSIVE and "off by 0.1%" in ev.reason


def _mean_abs_normal(sigma, dps=None):
    """E|X| for X ~ N(0, sigma^2): sigma sqrt(2/pi); mpmath at ``dps`` digits when asked."""
    if dps is None:
        return sigma * np.sqrt(2 / np.pi)
    with mpmath.workdps(dps):
        return mpmath.mpf(sigma) * mpmath.sqrt(2 / mpmath.pi)


def test_numeric_function_claim_with_and_without_dps(registered):
    registered += ["t.absmean", "t.absmean-nodps"]
    sim = lambda p, rng, k: np.abs(p["sigma"] * rng.standard_normal(k))  # noqa: E731
    dom = {"sigma": Interval(0, inf)}
    spec = register_formula("t.absmean", _mean_abs_normal, domains=dom, simulate=sim, regime={"sigma": (0.5, 4)},
                            samples=(12000, 80000))
    assert [c.name for c in spec.controls] == ["scale x(1+0.1)", "scale x(1-0.1)", "argument sigma -> sigma x(1+0.1)"]
    ev = verify("t.absmean")
    assert ev.verdict is Verdict.CONFIRMED, ev.reason
    assert ev.measurements["checks"][0]["status"] == "pass"
    register_formula("t.absmean-nodps", lambda sigma: sigma * math.sqrt(2 / math.pi), domains=dom, simulate=sim,
                     regime={"sigma": (0.5, 4)}, samples=(12000, 80000))
    ev2 = verify("t.absmean-nodps")
    first = ev2.measurements["checks"][0]
    assert ev2.verdict is Verdict.CONFIRMED and first["status"] == "skip" and "no `dps`" in first["detail"]


def test_three_way_check_lists_points_where_float64_loses_precision(registered):
    registered.append("t.cancel")
    # exp(x) - 1 - x ~ x^2/2 suffers catastrophic cancellation in float64 for tiny x.
    register_formula("t.cancel", sp.exp(x) - 1 - x, domains={"x": Interval(0, 1)},
                     regime={"x": (1e-12, 1e-9, "log")}, limits=[("x", 0, 0)])
    ev = verify("t.cancel")
    assert ev.verdict is Verdict.REFUTED
    detail = ev.measurements["checks"][0]["detail"]
    assert ev.measurements["checks"][0]["status"] == "fail" and detail.count("rel diff") >= 2


def test_stated_property_and_limit_reject_wrong_formula_without_simulator(registered):
    registered += ["t.noisy-ok", "t.noisy-bad"]
    kw = dict(domains=PGD_DOMAINS, regime={"d": (2, 8), "n": (1, 24), "sigma2": (0, 1)}, limits=[("n", sp.oo, s)],
              properties=[lambda f, p: f(**{**p, "n": p["n"] + 1}) <= f(**p)])
    register_formula("t.noisy-ok", pgd_risk_expr(), **kw)
    register_formula("t.noisy-bad", d + s + n * d / (n + d + 1 + s), **kw)
    ok, bad = verify("t.noisy-ok"), verify("t.noisy-bad")
    assert bad.verdict is Verdict.REFUTED and "limit n -> oo" in bad.reason and "property" in bad.reason
    # Without a simulator, a limit at n -> oo and monotonicity in n cannot see a changed additive constant in
    # the denominator: the claim is honestly INCONCLUSIVE, naming exactly those controls.
    assert ok.verdict is Verdict.INCONCLUSIVE
    missed = {c.name for c in ok.controls if not c.rejected}
    assert missed == {"drop term 1 from d + n + sigma2 + 1", "coefficient 1 -> 11/10 in d + n + sigma2 + 1"}
    assert all(c.rejected for c in ok.controls if c.name.startswith("scale") or "from -d*n" in c.name)


def test_figure_is_registered_with_theory_and_simulated_points(registered):
    registered.append("t.fig")
    register_formula("t.fig", pgd_risk_expr(), domains=PGD_DOMAINS, simulate=simulate_pgd_risk,
                     regime={"d": 4, "n": (1, 30), "sigma2": sp.Rational(1, 4)}, samples=(2000, 2000))
    data = get_figure("ext-t-fig").build(FigureConfig(quick=True))
    series = {sr.label: sr for sr in data.panels[0].series}
    theory, pts = series["theory"], series["simulation (mean +/- SE)"]
    assert data.panels[0].xlabel == "n" and len(pts.x) == 5
    th = np.array([float(pgd_risk_expr().subs({d: 4, s: sp.Rational(1, 4), n: int(v)})) for v in pts.x])
    assert np.all(np.abs(pts.y - th) <= 5 * pts.yerr)
    assert np.allclose(np.interp(pts.x, theory.x, theory.y), th)


# ---------------------------------------------------------------------------------------
# Bad registrations fail at registration time, naming the culprit

GOOD = dict(domains=PGD_DOMAINS, simulate=simulate_pgd_risk, regime={"d": (2, 8), "n": (1, 24), "sigma2": (0, 1)})


def _with(**changes):
    kw = dict(GOOD)
    kw.update(changes)
    return kw


@pytest.mark.parametrize("theory, kwargs, match", [
    (pgd_risk_expr(), _with(domains={"d": PGD_DOMAINS["d"], "sigma2": PGD_DOMAINS["sigma2"]}),
     r"free symbol\(s\) n of the expression have no declared domain"),
    (pgd_risk_expr() + x, GOOD, r"free symbol\(s\) x .*no declared domain"),
    (pgd_risk_expr(), _with(domains={**PGD_DOMAINS, "q": Interval(0, 1)}), "domains declared for q"),
    (pgd_risk_expr() * 0.5, GOOD, "floating-point numbers"),
    (pgd_risk_expr(), _with(simulate=lambda p, rng, k: np.ones((k, 2))), r"shape \(4, 2\) for n=4"),
    (pgd_risk_expr(), _with(simulate=lambda p, rng, k: np.ones(k + 1)), r"shape \(5,\) for n=4"),
    (pgd_risk_expr(), _with(simulate=lambda p, rng, k: np.full(k, np.inf)), "non-finite"),
    (pgd_risk_expr(), _with(simulate=lambda p, rng: np.ones(3)), "simulator raised TypeError"),
    (pgd_risk_expr(), _with(simulate=lambda p, rng, k: ["a"] * k), "not an array of numbers"),
    (pgd_risk_expr(), _with(regime={"d": (0, 8), "n": (1, 24), "sigma2": (0, 1)}),
     r"regime \(0, 8\) of 'd' is outside its domain"),
    (pgd_risk_expr(), _with(regime={"d": (2, 8), "n": (1, 24), "sigma2": (-1, 1)}), "'sigma2' is outside"),
    (pgd_risk_expr(), _with(regime={"d": (2, 8), "sigma2": (0, 1)}), "'n' has the unbounded domain"),
    (pgd_risk_expr(), _with(regime={"d": (2, 8), "n": (1, 24), "sigma2": (0, 1), "k": 3}),
     "regime given for k"),
    (pgd_risk_expr(), _with(regime={"d": (8, 2), "n": (1, 24), "sigma2": (0, 1)}), "low <= high"),
    (pgd_risk_expr(), _with(limits=[("k", sp.oo, 0)]), "limit variable 'k' is not a parameter"),
    (pgd_risk_expr(), _with(limits=[("n", -sp.oo, 0)]), "leaves the domain"),
    (pgd_risk_expr(), _with(limits=[("n", sp.oo, sp.Symbol("z"))]), "undeclared symbol"),
    (pgd_risk_expr(), _with(properties=[lambda f: True]), "property '<lambda>' raised TypeError"),
    (pgd_risk_expr(), _with(properties=[3]), "not callable"),
    (pgd_risk_expr(), _with(controls={}), "at least one negative control"),
    (pgd_risk_expr(), _with(controls={"c": pgd_risk_expr() + sp.Symbol("z")}), "undeclared symbol"),
    (pgd_risk_expr(), _with(simulate=None), "nothing that could reject a wrong formula"),
    (pgd_risk_expr(), _with(d_param="dim"), "d_param='dim' is not a parameter"),
    (pgd_risk_expr(), _with(samples=(1, 10)), "samples=.*at least 2"),
    (lambda d, n, sigma2, k: d, GOOD, r"argument\(s\) k of <lambda> have no declared domain"),
    ("d + 1", GOOD, "must be a sympy expression or a callable"),
])
def test_bad_registration_raises_a_clear_error(theory, kwargs, match):
    with pytest.raises(RegistrationError, match=match):
        register_formula("t.bad", theory, **kwargs)
    with pytest.raises(KeyError):  # nothing half-registered
        get_claim("t.bad")


def test_bad_id_raises():
    with pytest.raises(RegistrationError, match="must match"):
        register_formula("Bad Id", pgd_risk_expr(), **GOOD)


def _compound(n, dps=None):
    """(1 + 1/n)^n, at ``dps`` digits when asked."""
    if dps is None:
        return (1 + 1 / n) ** n
    with mpmath.workdps(dps):
        return (1 + 1 / mpmath.mpf(n)) ** n


def test_numeric_limit_of_a_function_and_an_argument_shift_it_cannot_see(registered):
    registered += ["t.e", "t.e-wrong"]
    dom = {"n": Interval(1, inf, low_open=False, integer=True)}
    register_formula("t.e", _compound, domains=dom, regime={"n": (1, 100)}, limits=[("n", sp.oo, math.e)])
    ev = verify("t.e")
    assert ev.measurements["checks"][1] == {"name": "limit n -> oo", "status": "pass", "detail": f"lim n->oo = "
                                            f"{math.e} holds"}
    fates = {c.name: c.rejected for c in ev.controls}
    # scaling changes the limit; n -> n + 1 does not, so the limit alone lacks power: INCONCLUSIVE, named.
    assert fates == {"scale x(1+0.1)": True, "scale x(1-0.1)": True, "argument n -> n + 1": False}
    assert ev.verdict is Verdict.INCONCLUSIVE and "argument n -> n + 1" in ev.reason
    register_formula("t.e-wrong", _compound, domains=dom, regime={"n": (1, 100)}, limits=[("n", sp.oo, 2.7)])
    bad = verify("t.e-wrong")
    assert bad.verdict is Verdict.REFUTED and "relative error along n -> oo" in bad.reason


@pytest.mark.parametrize("module", ["iclverify.api", "iclverify.checks.statistics.perturb",
                                    "iclverify.checks.extension.battery_example"])
def test_docstring_examples(module):
    import doctest
    import importlib

    res = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert res.attempted > 0 and res.failed == 0


def test_resolution_rule_applies_to_registered_formulas(registered):
    """Issue 14: a simulated extension claim is CONFIRMED only at the resolution it declares (default 5 % quick)."""
    registered += ["t.coarse", "t.fine", "t.loose"]
    kw = dict(domains=PGD_DOMAINS, simulate=simulate_pgd_risk, regime={"d": 4, "n": 8, "sigma2": sp.Rational(1, 4)},
              mc_points=(1, 1), figure=False)
    register_formula("t.coarse", pgd_risk_expr(), samples=(500, 500), **kw)
    coarse = verify("t.coarse")
    assert get_claim("t.coarse").resolution_required == (0.05, 0.02)
    assert coarse.verdict is Verdict.INCONCLUSIVE and coarse.resolution > 0.05, coarse.reason
    assert f"resolution {coarse.resolution:.2%} is coarser than the 5%" in coarse.reason
    assert coarse.comparisons and coarse.comparisons[0]["role"] == "claim"
    register_formula("t.fine", pgd_risk_expr(), samples=(40000, 40000), **kw)
    fine = verify("t.fine")
    assert fine.verdict is Verdict.CONFIRMED and fine.resolution <= 0.05, fine.reason
    # the same coarse samples meet a threshold the user chose (and states): the rule is a parameter
    register_formula("t.loose", pgd_risk_expr(), samples=(500, 500), resolution_required=(0.9, 0.5), **kw)
    loose = verify("t.loose")
    assert loose.resolution_required == 0.9 and loose.resolution == pytest.approx(coarse.resolution)
    assert "coarser than" not in loose.reason  # (at 500 samples it still lacks power against its 10 % controls)
    with pytest.raises(RegistrationError, match="resolution_required"):
        register_formula("t.bad-res", pgd_risk_expr(), samples=(500, 500), resolution_required=(0, 0.02), **kw)
    with pytest.raises(RegistrationError, match="needs a simulator"):
        register_formula("t.bad-res2", d * (d + 1) / (n + d + 1), domains={k: PGD_DOMAINS[k] for k in ("d", "n")},
                         limits=[("n", sp.oo, 0)], regime={"d": (2, 6), "n": (2, 20)}, resolution_required=(0.1, 0.1))
