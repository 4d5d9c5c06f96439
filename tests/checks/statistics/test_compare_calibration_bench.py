"""The calibration benchmark measures ``compare`` itself: its vectorised rules must decide exactly as
``compare`` does, and its claims table must count what it says."""

import numpy as np
import pytest

from iclverify.checks.statistics import ledger
from _benchmarks import load_benchmark
from iclverify.checks.statistics.compare import compare


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("calibration")


@pytest.mark.parametrize("alpha", [0.2, 0.05])
def test_vectorised_rules_decide_as_compare(bench, alpha):
    rng = np.random.default_rng(5)
    x = rng.gamma(0.5, size=(300, 80))           # skewed, so t and Hall disagree on some rows
    counts = bench.decide_many(x, 0.5, (alpha,), batches=8)
    expect = {}
    with ledger.run_ledger():
        for row in x:
            for rule, kw in {"t": {}, "Hall t": {"statistic": "hall"}, "t, batch means (8 batches)": {"batch": 10},
                             "Hall t, batch means (8 batches)": {"batch": 10, "statistic": "hall"}}.items():
                c = compare(0.5, row, bias="both", alpha=alpha, **kw)
                lo_hi = expect.setdefault(rule, [0, 0])
                if not c.passed:
                    lo_hi[0 if c.mean < 0.5 else 1] += 1
    for rule, lo_hi in expect.items():
        assert counts[(rule, alpha)] == lo_hi, rule
    assert counts[("t", alpha)] != counts[("Hall t", alpha)]


def test_row_rejects_uses_the_rows_interval(bench):
    row = {"estimate": 1.0, "se": 0.1, "crit": 2.0, "allowance": 0.05, "theory": 1.0}
    assert not bench.row_rejects(row, 1.24) and bench.row_rejects(row, 1.26)
    assert not bench.row_rejects(row, 0.76) and bench.row_rejects(row, 0.74)



def test_row_rejects_judges_hall_rows_as_compare_does(bench):
    # a right-skewed sample: compare(statistic="hall") accepts an asymmetric interval; the benchmark's
    # mutant check must accept and reject the same theory values from the row alone
    x = np.random.default_rng(3).gamma(0.25, 1.0, 400)
    row = compare(0.25, x, bias="both", statistic="hall").row("hall")
    assert "Hall" in row["method"]
    lo = row["estimate"] - row["crit"] * row["se"]
    hi = row["estimate"] + row["crit"] * row["se"]
    grid = np.linspace(lo - 0.5 * (hi - lo), hi + 0.5 * (hi - lo), 401)
    disagree = [v for v in grid
                if bench.row_rejects(row, v) != (not compare(v, x, bias="both", statistic="hall").passed)]
    # only values within rounding of the printed skewness (3 digits) of an interval end may differ
    assert len(disagree) <= 2, disagree
    # and the Hall interval is not the symmetric one: some value is judged differently from t
    assert any(bench.row_rejects(row, v) != (not lo <= v <= hi) for v in grid)

def test_claims_table_counts_family_and_drops_incomplete_seeds(bench):
    def rec(claim, seed, verdict, rejected=0, ctl=True, mut=False):
        return {"claim": claim, "seed": seed, "verdict": verdict, "seconds": 1.0, "primary_tests": 2,
                "primary_rejected": rejected, "controls": [["wrong", ctl]], "mutants": {"x1.05": mut, "x0.95": None},
                "mutant_rows": 1, "resolution": 0.01}

    records = [rec("a", 0, "CONFIRMED"), rec("b", 0, "REFUTED", rejected=1),
               rec("a", 1, "INCONCLUSIVE", ctl=False, mut=True), rec("b", 1, "CONFIRMED"),
               rec("a", 2, "REFUTED")]                                   # seed 2 incomplete: dropped
    rows, fam = bench.claims_table(records + records[:1])               # a duplicate record counts once
    assert fam["seeds"] == 2 and fam["family_false_alarm_seeds"] == 1
    assert fam["primary_tests"] == 8 and fam["primary_rejected"] == 1
    assert [r[2][:3] for r in rows if r[1] == "power vs control: wrong"] == ["1/2", "2/2"]   # claim a, claim b
    assert any(r[1] == "power vs mutant theory x1.05" and r[2].startswith("1/2") for r in rows)
    assert not any(r[1] == "power vs mutant theory x0.95" for r in rows)   # no row could judge it


def test_claims_not_expected_to_hold_are_refused(bench, tmp_path):
    # a REFUTED of a claim not expected to hold is a correct verdict, not a false alarm
    with pytest.raises(ValueError, match="not expected to hold"):
        bench.run_claims(["li2024_nonlinear.c9-pruning-vs-alpha-test"], 1, quick=True, jsonl=None, progress=None)
