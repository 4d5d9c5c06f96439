"""Built-in mutation testing (``iclverify mutate``): kills, equivalents, store reuse, CLI."""

import math

import numpy as np
import pytest
import sympy as sp

from iclverify.api import Interval, register_formula, unregister
from iclverify.checks.simulation.store import ResultStore
from iclverify.cli import main
from iclverify.mutation.engine import MutationOptions, run_mutation
from iclverify.mutation.forms import import_time_bindings

mu, s = sp.symbols("mu s")
TOY = "toymut.shifted-mean"
CALLS = {"n": 0}


def _simulate(p, rng, n):
    """Samples whose mean is 2 mu + s exactly (the toy formula)."""
    CALLS["n"] += 1
    return rng.normal(2 * p["mu"] + p["s"], 1.0, size=n)


@pytest.fixture
def toy():
    register_formula(TOY, 2 * mu + s, domains={"mu": Interval(0, math.inf), "s": Interval(0, math.inf)},
                     simulate=_simulate, regime={"mu": (1, 2), "s": (0.5, 1)}, samples=(4000, 40000),
                     mc_points=(2, 2), figure=False)
    yield TOY
    unregister(TOY)


def _by_label(result):
    return {m["label"]: m for m in result["mutants"]}


def test_toy_formula_mutants_killed_equivalent_and_store_reused(toy, tmp_path):
    store = str(tmp_path / "store.sqlite")
    opts = MutationOptions(quick=True, seed=7, only=(TOY,), store=store, jobs=1,
                           scale_deltas=("5/100", "1/10000"))
    CALLS["n"] = 0
    first = run_mutation(opts, progress=None)
    cold_calls = CALLS["n"]
    m = _by_label(first)
    assert first["baseline"][TOY]["verdict"] == "CONFIRMED"
    big, tiny = m[f"{TOY} x 1.05"], m[f"{TOY} x 1.0001"]
    assert big["status"] == "killed" and big["killed_by"] == [TOY]
    assert abs(big["effect"] - 0.05) < 1e-9
    assert tiny["status"] == "equivalent" and tiny["effect"] < 0.025
    drops = [x for x in first["mutants"] if x["kind"] == "drop"]
    assert len(drops) == 2 and all(x["status"] == "killed" for x in drops)
    assert first["summary"]["killed"] == first["summary"]["counted"] > 0
    assert cold_calls > 0 and first["timing"]["store_rows_added_baseline"] > 0
    # mutants reuse the baseline's simulations: only theory changes
    assert first["timing"]["mutant_simulations_computed"] == 0
    assert first["timing"]["store_rows_added_mutants"] == 0

    n_rows = len(ResultStore(store))
    CALLS["n"] = 0
    second = run_mutation(opts, progress=None)
    assert CALLS["n"] == 0, "a warm store must not simulate again"
    assert len(ResultStore(store)) == n_rows
    assert second["timing"]["baseline_simulations_computed"] == 0
    assert [(x["id"], x["status"]) for x in second["mutants"]] == [(x["id"], x["status"]) for x in first["mutants"]]


def test_mutate_rejects_unknown_paper(capsys):
    assert main(["mutate", "--only", "no_such_paper", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no_such_paper" in err


def test_mutate_parses_options():
    from iclverify.cli import build_parser

    args = build_parser().parse_args(["mutate", "--only", "lu2024", "--full", "--store", "x.sqlite", "--jobs", "3",
                                      "--json", "out.json", "--claims", "my_claims.py", "--equivalent-below", "0.01"])
    assert (args.only, args.quick, args.store, args.jobs, args.json, args.claims, args.equivalent_below) == (
        ["lu2024"], False, "x.sqlite", 3, "out.json", ["my_claims.py"], 0.01)
    assert build_parser().parse_args(["mutate"]).jobs >= 1


def test_report_has_store_and_mutation_summary_options():
    from iclverify.cli import build_parser

    args = build_parser().parse_args(["report", "--store", "s.sqlite", "--mutation-summary", "m.json"])
    assert (args.store, args.mutation_summary) == ("s.sqlite", "m.json")


#: Modules that bound a theory function at import time: mutants of these functions do not reach
#: them.  The claim owners fix theirs; a new entry fails this test so that it is noticed.
KNOWN_IMPORT_TIME_BINDINGS = {
    ("iclverify.checks.claims.li2024_nonlinear.trained", "deterministic_same_count"),
    ("iclverify.checks.claims.li2024_nonlinear.trained", "random_sampling_context_length"),
    ("iclverify.checks.claims.li2024_nonlinear.trained", "same_pattern_majority_floor"),
    ("iclverify.checks.simulation.li2024_nonlinear_data", "deterministic_same_count"),
}


def test_import_time_bindings_are_listed():
    found = {(m, a) for m, a, _ in import_time_bindings()}
    assert found <= KNOWN_IMPORT_TIME_BINDINGS, f"new import-time bindings: {found - KNOWN_IMPORT_TIME_BINDINGS}"


def test_report_summary_line_carries_the_kill_rate(tmp_path):
    import json

    from iclverify.mutation.summary import read_summary
    from iclverify.report.model import ReportData

    path = tmp_path / "m.json"
    path.write_text(json.dumps({"schema": "iclverify-mutation", "config": {"quick": True},
                                "summary": {"line": "mutation kill rate (quick scale, seed 1) 3/4 (75%) of "
                                                    "non-equivalent mutants"}}))
    data = ReportData(claims=[], mutation=read_summary(str(path)))
    assert data.summary_line().endswith("3/4 (75%) of non-equivalent mutants")
    assert data.as_dict()["summary"]["mutation"]["line"].startswith("mutation kill rate")
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(ValueError):
        read_summary(str(bad))


TOY_FILE = '''
import math
import numpy as np
import sympy as sp
from iclverify.api import Interval, register_formula

mu = sp.Symbol("mu")
COUNT = {"n": 0}


def simulate(p, rng, n):
    COUNT["n"] += n > 4  # n = 4 is register_formula's probe at registration, not a simulation of the run
    return rng.normal(3 * p["mu"], 1.0, size=n)


register_formula("toyfile.mean", 3 * mu, domains={"mu": Interval(0, math.inf)}, simulate=simulate,
                 regime={"mu": (1, 2)}, samples=(8000, 60000), mc_points=(2, 2), figure=False)
'''


def test_report_store_second_run_reuses_every_simulation(tmp_path, capsys):
    """`iclverify report --store PATH` twice: the second run adds no result and simulates nothing."""
    import sys

    claims = tmp_path / "toy_claims.py"
    claims.write_text(TOY_FILE)
    store = tmp_path / "s.sqlite"
    argv = ["report", "--claims", str(claims), "--only", "toyfile.mean", "--no-figures", "--no-derivations",
            "--store", str(store), "--quiet"]
    try:
        assert main(argv + ["--out", str(tmp_path / "r1")]) == 0
        rows = len(ResultStore(store))
        assert rows > 0
        module = next(m for n, m in sys.modules.items() if n.startswith("iclverify_user_claims_toy_claims"))
        assert main(argv + ["--out", str(tmp_path / "r2")]) == 0
        module = next(m for n, m in sys.modules.items() if n.startswith("iclverify_user_claims_toy_claims"))
        assert module.COUNT["n"] == 0  # the file is re-executed by the second run: a fresh counter
        assert len(ResultStore(store)) == rows
    finally:
        unregister("toyfile.mean")
    capsys.readouterr()


def test_same_result_for_any_worker_count(tmp_path):
    """Mutants run over loky workers (which load the claims file themselves) give the serial result."""
    claims = tmp_path / "toy_claims.py"
    claims.write_text(TOY_FILE)
    try:
        runs = [run_mutation(MutationOptions(seed=3, claims_specs=(str(claims),), store=str(tmp_path / f"s{j}.sqlite"),
                                             jobs=j, scale_deltas=("5/100",)), progress=None) for j in (1, 2)]
    finally:
        unregister("toyfile.mean")
    serial, parallel = ([(m["id"], m["status"], m["effect"], m.get("verdicts")) for m in r["mutants"]] for r in runs)
    assert serial == parallel and len(serial) == 2  # x 1.05 and mu -> 1.2 mu (3 mu has no term to drop)
    assert [v["verdict"] for v in runs[0]["baseline"].values()] == [v["verdict"] for v in runs[1]["baseline"].values()]


def test_claim_level_effect_and_stillborn_mutants():
    """Equivalence is judged on the values a claim compares; a mutant raising everywhere is stillborn."""
    from types import SimpleNamespace

    from iclverify.mutation import engine

    base = {"compared": [1.0, 2.0]}
    assert engine._claim_effect(base, {"compared": [1.0, 2.0]}) == 0.0
    assert engine._claim_effect(base, {"compared": [1.0, 2.1]}) == pytest.approx(0.05)
    assert engine._claim_effect(base, {"compared": [1.0]}) == math.inf
    assert engine._claim_effect({"compared": []}, {"compared": [3.0]}) is None

    def form_fn(x):
        return 2.0 * x

    form = SimpleNamespace(kind="theory", current=lambda: form_fn)
    good = SimpleNamespace(id="ok")
    bad = SimpleNamespace(id="breaks")
    import contextlib

    def applied(f, m):
        nonlocal form_fn
        old = form_fn

        @contextlib.contextmanager
        def ctx():
            nonlocal form_fn
            form_fn = (lambda x: 2.02 * x) if m.id == "ok" else (lambda x: (_ for _ in ()).throw(ValueError("shape")))
            try:
                yield
            finally:
                form_fn = old
        return ctx()

    orig = engine.applied
    engine.applied = applied
    try:
        still: set = set()
        eff = engine._effects(form, [good, bad], {"c": [("call", (1.0,), {}), ("call", (2.0,), {})]}, still)
    finally:
        engine.applied = orig
    assert eff["ok"]["c"] == pytest.approx(0.01) and eff["breaks"]["c"] == math.inf
    assert still == {"breaks"}
