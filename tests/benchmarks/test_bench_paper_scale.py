"""Smoke test of ``benchmarks/bench_paper_scale.py``: workload, flop model, subset and labelled extrapolation."""

from __future__ import annotations

import json

import pytest

from _benchmarks import load_benchmark


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("bench_paper_scale")


def test_workload_is_the_papers(bench):
    assert len(bench.FIGURES["fig1"]) == 18 + 21 and len(bench.FIGURES["fig4"]) == 20
    assert {p[4] for p in bench.FIG1_AB} == {1e-8} and {p[4] for p in bench.FIG1_C} == {1e-5, 0.1, 1.0}
    assert all(abs(t - 0.2 * a) < 1e-12 for a, _, t, _, _ in bench.FIG4)
    fits = bench.plan(bench.FIGURES["fig1"], 100, 10)
    assert len(fits) == 390 and {f["solver_planned"] for f in fits} == {"dual", "cholesky", "cg"}


def test_flop_model(bench):
    d, n = 100, 15000
    p = d * (d + 1)
    assert bench.fit_flops("cholesky", n, d) == pytest.approx(n * p * p + p ** 3 / 3, rel=1e-3)
    assert bench.fit_flops("dual", n, d) == pytest.approx(2 * n * n * (2 * d + 1) + n ** 3 / 3, rel=1e-2)
    per_iteration = bench.fit_flops("cg", n, d, 20) - bench.fit_flops("cg", n, d, 10)
    assert per_iteration == pytest.approx(10 * 4 * n * p, rel=0.03)  # + 4n(d+1) and the preconditioner
    with pytest.raises(ValueError):
        bench.fit_flops("lstsq", n, d)


def test_subset_is_deterministic_and_spans_the_costs(bench):
    fits = bench.plan(bench.FIGURES["fig4"], 100, 10)
    sub = bench.choose_subset(fits, 6)
    assert sub == bench.choose_subset(fits, 6) and len(sub) == 6
    costs = [fits[j]["flops_planned"] for j in sub]
    assert max(costs) == max(f["flops_planned"] for f in fits)
    assert min(costs) == min(f["flops_planned"] for f in fits)
    assert bench.choose_subset(fits, None) == list(range(len(fits)))


def test_main_prints_an_extrapolated_total(bench, tmp_path, capsys):
    out = tmp_path / "b.json"
    assert bench.main(["--d", "6", "--reps", "2", "--max-fits", "3", "--figure", "fig4", "--peak-n", "200",
                       "--quiet", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "EXTRAPOLATED whole sweep" in text and "peak float64 rate" in text
    res = json.loads(out.read_text())["results"][0]
    assert res["fits_timed"] == 3 and res["fits_total"] == 40 and not res["complete"]
    assert res["extrapolated_s"] > res["measured_s"] > 0
