"""Measured family-wise false-alarm rate and power of the statistical claims (one table).

Three measurements, each over many independent seeds:

1. **Claims (family-wise).**  Each selected statistical claim, whose statement is exact for the
   simulated model (MATH / DERIVED closed forms), is run with ``RunConfig(quick=<scale is quick>,
   seed=s)`` for ``s = 0..N-1``, simulating afresh (no stored simulations are reused).  A seed is a
   *family-wise false alarm* when any claim is REFUTED, NOT REPRODUCED or ERROR at that seed; the
   fraction of such seeds is compared with the run-wide budget
   (:data:`iclverify.checks.statistics.ledger.FAMILY_WISE_BUDGET`) and with the family's Bonferroni share
   (primary tests of the family x per-test alpha).  The per-test rate is counted too (primary tests
   that rejected, over all primary tests run).  Power:

   * against each **control** (a wrong statement judged by the claim's own statistic on the same
     samples): its rejection rate over the seeds;
   * against the **standard scale mutants** x(1 + delta), x(1 - delta) (delta = 5 %) of the claim's
     theory value: each primary evidence row's theory value is scaled and judged by that row's own
     acceptance interval ``[estimate - crit*SE - allowance, estimate + crit*SE + allowance]`` (the same
     statistic on the same samples); the claim rejects the mutant when any such row does.  Rows of
     value comparisons are used; a claim whose only rows are exponents (slopes) has its exponent
     scaled.  Rows whose theory is 0 (a first-order condition) cannot see a scaling and are skipped.

2. **Exact truth (the comparison itself).**  For a fixed Gamma the exact finite-d test error is
   known (:mod:`iclverify.theory.lu2024_finite_d`); ``compare`` is run against test-set Monte Carlo
   (skewed squared errors) at nominal rates where a miscalibration shows with the seeds given.

3. **Tail calibration** (:func:`tail_calibration`).  The per-test rate of a report is 2e-5, which a
   few hundred seeds cannot check, and the skewness error of the t rule grows into the tail (its
   Edgeworth term is ``skewness * (2 z**2 + 1) / (6 sqrt(n))`` in units of the normal density).  The
   same exact-truth squared errors are decided, vectorised over many seeds, at nominal 1e-2 and
   1e-3 by: the raw t rule, t on batch means (40 batches), and Hall's skewness-corrected t
   (:func:`iclverify.checks.statistics.compare.hall_t_limits`) on each; lower and upper rejections are counted
   apart.  At the per-test rate itself (2e-5) the samples are drawn with replacement from a large
   pool of simulated squared errors, whose own mean is then the exact truth (the calibration is
   exact for that empirical law, a real skewed law of skewness about 11).  Gaussian samples of a
   few repeats check what the skewness correction costs where there is no skewness.

Usage::

    python benchmarks/calibration.py --seeds 100 --scale quick [--claims ID ...] [--exact-seeds 400]
        [--first-seed S] [--jsonl FILE] [--from-jsonl FILE ...] [--markdown]
        [--tail-seeds N --tail-n 1000] [--pool-seeds N --pool-size 2e7 --pool-n 1000]
        [--gamma-seeds N --gamma-n 200 2000] [--gaussian-seeds N]

The documented run and its figures are in ``docs/calibration.md``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import re
import sys
import time

import numpy as np

from iclverify.checks.statistics import ledger
from iclverify.checks.statistics.compare import compare, hall_t_limits
from iclverify.checks.simulation.lu2024_sim import sampled_test_errors
from iclverify.theory.lu2024_finite_d import finite_d_icl_error

#: Statistical claims whose statements are exact for the simulated model (a REFUTED is a false alarm)
#: and that cost about 4 s or less per seed at quick scale on a 2-core machine at load average 3-4
#: (measured 2026-12-01; the Lu et al. Monte Carlo claims other than the MP identity take 5-22 s per
#: seed, alignment-exact-risk and h3-advantage-ar1-drift about 7.5 s, the trained-model claims minutes).
DEFAULT_CLAIMS = (
    "liu_zhou_2026.performer-variance", "liu_zhou_2026.trig-rf-variance",
    "liu_zhou_2026.two-stage-first-stage", "liu_zhou_2026.kme-rate",
    "lu2024.mp-identity",
    "li2024_finegrained.iid-isotropic-optimum", "li2024_finegrained.noisy-isotropic-optimum",
    "li2024_finegrained.equicorrelated-optimum", "li2024_finegrained.general-covariance-optimum",
    "li2024_finegrained.wpgd-exchangeable-uniform",
    "li2024_finegrained.rag-exact-risk", "li2024_finegrained.h3-advantage-heteroscedastic",
)
#: Relative size of the standard scale mutants of a claim's theory value.
MUTANT_DELTA = 0.05
_FAILING = ("REFUTED", "NOT REPRODUCED", "ERROR")


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson interval of a binomial proportion."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, mid - half), min(1.0, mid + half)


# -- 1. claims ---------------------------------------------------------------------------------------------
def _mutant_rows(rows: list[dict]) -> list[dict]:
    """Primary rows that a scale mutant of the claim's theory value changes (see the module docstring)."""
    prim = [r for r in rows if r.get("role", "claim") == "claim" and r.get("theory") not in (None, 0.0)
            and r.get("se") is not None and r.get("estimate") is not None and math.isfinite(float(r["theory"]))]
    values = [r for r in prim if "slope" not in str(r.get("method", "")).lower()]
    return values or prim


#: How ``compare`` names Hall's skewness-corrected t in a row's method (with the skewness it used).
_HALL_METHOD = re.compile(r"Hall skewness-corrected t \(sample skewness ([-+0-9.eE]+|nan|inf)\)")


def row_rejects(row: dict, value: float) -> bool:
    """Whether a primary evidence row's own interval rejects ``value`` in place of its theory.

    t rows: ``[estimate - crit*SE, estimate + crit*SE]``.  Hall rows (``statistic="hall"``, named
    with their sample skewness in ``method``): ``T = (estimate - value)/SE`` is accepted in
    ``hall_t_limits(crit, skewness, n)``, an interval longer on the side of the skew (the symmetric
    ``crit*SE`` would judge them by a statistic the claim does not use).  The skewness is read from
    the method text (3 significant digits; the limits move by far less than the SE's own error).
    The allowance (recorded without its side) is applied on both sides, which can only make a
    rejection rarer: the power measured this way is a lower bound.
    """
    allow = float(row.get("allowance") or 0.0)
    se = float(row["se"])
    est = float(row["estimate"])
    t_lo, t_hi = -float(row["crit"]), float(row["crit"])
    hall = _HALL_METHOD.search(str(row.get("method", "")))
    if hall:
        t_lo, t_hi = (float(v) for v in hall_t_limits(float(row["crit"]), float(hall.group(1)), int(row["n"])))
    # value accepted when estimate - value in [t_lo*SE - allowance, t_hi*SE + allowance]
    return not (est - t_hi * se - allow <= value <= est - t_lo * se + allow)


def run_one(claim_id: str, seed: int, *, quick: bool = True, delta: float = MUTANT_DELTA) -> dict:
    """One claim at one seed: verdict, primary tests and their rejections, controls, scale mutants."""
    from iclverify.checks.claims import RunConfig, get_claim, run_claim

    t0 = time.perf_counter()
    ev = run_claim(get_claim(claim_id), RunConfig(quick=quick, seed=seed))
    recs = ev.statistics.get("records", [])
    rows = _mutant_rows(ev.comparisons)
    mut = {}
    for sign in (+1, -1):
        mut[f"x{1 + sign * delta:g}"] = (any(row_rejects(r, float(r["theory"]) * (1 + sign * delta)) for r in rows)
                                         if rows else None)
    return {"claim": claim_id, "seed": seed, "verdict": ev.verdict.value, "seconds": time.perf_counter() - t0,
            "primary_tests": sum(r["role"] == "claim" for r in recs),
            "primary_rejected": sum(r["role"] == "claim" and bool(r["rejected"]) for r in recs),
            "controls": [[k.name, bool(k.rejected)] for k in ev.controls],
            "mutants": mut, "mutant_rows": len(rows), "resolution": ev.resolution}


def run_claims(claims, seeds: int, *, quick: bool, jsonl: str | None, progress=sys.stderr,
               first_seed: int = 0) -> list[dict]:
    """Seeds outer, claims inner (a partial run covers every claim); each record is appended to ``jsonl``.

    ``first_seed`` lets several processes share the seeds (``--first-seed``; concatenate their files).
    Only claims expected to hold can be run: a REFUTED counts as a false alarm here.
    """
    from iclverify.checks.claims import get_claim

    not_expected = [cid for cid in claims if not get_claim(cid).expected]
    if not_expected:
        raise ValueError(f"claims not expected to hold cannot measure false alarms: {not_expected}")
    out, t0 = [], time.perf_counter()
    fh = open(jsonl, "a") if jsonl else None
    try:
        for s in range(first_seed, first_seed + seeds):
            for cid in claims:
                r = run_one(cid, s, quick=quick)
                out.append(r)
                if fh:
                    fh.write(json.dumps(r) + "\n")
                    fh.flush()
            if progress is not None:
                bad = [r["claim"] for r in out if r["seed"] == s and r["verdict"] in _FAILING]
                progress.write(f"seed {s}: {time.perf_counter() - t0:.0f} s{'  FAIL ' + str(bad) if bad else ''}\n")
                progress.flush()
    finally:
        if fh:
            fh.close()
    return out


def claims_table(records: list[dict]) -> tuple[list[list[str]], dict]:
    """A row per claim (false alarms, INCONCLUSIVE, power vs each control and mutant), then the family."""
    seen: set = set()
    records = [r for r in records if not ((r["claim"], r["seed"]) in seen or seen.add((r["claim"], r["seed"])))]
    claims = list(dict.fromkeys(r["claim"] for r in records))
    seeds = sorted({r["seed"] for r in records})
    # only seeds where every claim ran count (a run cut short mid-seed)
    seeds = [s for s in seeds if sum(r["seed"] == s for r in records) == len(claims)]
    recs = [r for r in records if r["seed"] in set(seeds)]
    n = len(seeds)
    rows, primary_per_seed = [], 0
    for cid in claims:
        mine = [r for r in recs if r["claim"] == cid]
        fails = sum(r["verdict"] in _FAILING for r in mine)
        errors = sum(r["verdict"] == "ERROR" for r in mine)
        prim = max(r["primary_tests"] for r in mine)
        primary_per_seed += prim
        secs = sum(r["seconds"] for r in mine) / n
        rows.append([cid, "false alarm (REFUTED / NOT REPRODUCED / ERROR)", _rate(fails, n),
                     f"{prim} primary tests/run, {secs:.1f} s/seed" + (f", {errors} ERROR" if errors else "")])
        verdicts = {}
        for r in mine:
            verdicts[r["verdict"]] = verdicts.get(r["verdict"], 0) + 1
        rows.append(["", "INCONCLUSIVE", _rate(verdicts.get("INCONCLUSIVE", 0), n),
                     ", ".join(f"{v} {k}" for k, v in sorted(verdicts.items()))])
        ctl: dict[str, list[int]] = {}
        for r in mine:
            for name, rej in r["controls"]:
                c = ctl.setdefault(name, [0, 0])
                c[0] += rej
                c[1] += 1
        for name, (k, m) in ctl.items():
            rows.append(["", f"power vs control: {name}", _rate(k, m), "" if m == n else f"{m // n} instances/run"])
        for mname in (mine[0]["mutants"] or {}):
            vals = [r["mutants"][mname] for r in mine if r["mutants"].get(mname) is not None]
            if vals:
                rows.append(["", f"power vs mutant theory {mname}", _rate(sum(vals), len(vals)),
                             f"{mine[0]['mutant_rows']} row(s) judged"])
    fail_seeds = {r["seed"] for r in recs if r["verdict"] in _FAILING}
    tests = sum(r["primary_tests"] for r in recs)
    rejected = sum(r["primary_rejected"] for r in recs)
    bound = min(1.0, primary_per_seed * ledger.PER_TEST_ALPHA)
    rows.append(["FAMILY", "seeds with any false alarm", _rate(len(fail_seeds), n),
                 f"Bonferroni bound {primary_per_seed} x {ledger.PER_TEST_ALPHA:.0e} = {bound:.1e} "
                 f"(run-wide budget {ledger.FAMILY_WISE_BUDGET})"])
    rows.append(["FAMILY", "primary tests rejected", _rate(rejected, tests),
                 f"per-test alpha {ledger.PER_TEST_ALPHA:g}"])
    return rows, {"seeds": n, "seed_range": f"{min(seeds)}..{max(seeds)}" if seeds else "-",
                  "family_false_alarm_seeds": len(fail_seeds), "bound": bound,
                  "primary_tests_per_seed": primary_per_seed, "primary_tests": tests, "primary_rejected": rejected}


def _rate(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{k}/{n} = {k / n:.3g} (95% CI {lo:.3g}-{hi:.3g})" if n else "0/0"


def _print_table(header, rows, markdown: bool = False) -> None:
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for r in rows:
            print("| " + " | ".join(str(x).replace("|", "/") for x in r) + " |")
        return
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(str(x).ljust(w) for x, w in zip(r, widths)))


# -- 2. exact truth --------------------------------------------------------------------------------------
def exact_gamma(d: int = 6) -> np.ndarray:
    """The fixed Gamma of the exact-truth calibration (a perturbed identity with a c-column)."""
    g = np.random.default_rng(12345)
    gamma = 0.3 * g.standard_normal((d, d + 1))
    gamma[:, :d] += 0.8 * np.eye(d)
    gamma[:, d] = g.standard_normal(d)
    return gamma


def exact_truth_calibration(seeds: int, *, d: int = 6, ell: int = 9, rho: float = 0.5, n_test: int = 4000) -> dict:
    """False alarms of ``compare`` against an exactly known mean, and its power on two standard mutants."""
    gamma = exact_gamma(d)
    truth = float(finite_d_icl_error(gamma, rho, ell))
    c = gamma[:, d]
    cc = float(c @ c)
    wrong_rho = truth - ((1 + rho) ** 2 - (1 + rho * rho)) * (1 + 2 / ell) * cc / d     # (1+rho)^2 -> 1+rho^2
    wrong_c = truth - ((1 + rho) ** 2 + 2 / d) * (1 + 2 / ell) * cc / d                # ||c||^2 term dropped
    values = {"false alarm": truth, "power vs (1+rho)^2 -> 1+rho^2": wrong_rho, "power vs c-term dropped": wrong_c,
              f"power vs theory x{1 + MUTANT_DELTA:g}": truth * (1 + MUTANT_DELTA),
              f"power vs theory x{1 - MUTANT_DELTA:g}": truth * (1 - MUTANT_DELTA)}
    rules = {"t": {}, "Hall t": {"statistic": "hall"}}
    counts = {}
    with ledger.run_ledger():
        for s in range(seeds):
            x = sampled_test_errors(gamma, rho, ell, n_test, np.random.default_rng(np.random.SeedSequence(s)))
            for rule, kw in rules.items():
                for what, v in values.items():
                    key = f"{what} ({rule}, per-test alpha)"
                    counts[key] = counts.get(key, 0) + (not compare(v, x, bias="both", **kw).passed)
                key = f"false alarm ({rule}, nominal 5%)"
                counts[key] = counts.get(key, 0) + (not compare(truth, x, bias="both", alpha=0.05, **kw).passed)
            key = "false alarm (t, nominal 5%, batch means of 100)"
            counts[key] = counts.get(key, 0) + (not compare(truth, x, bias="both", alpha=0.05, batch=100).passed)
    return {"seeds": seeds, "truth": truth, "counts": counts, "n_test": n_test}


# -- 3. tail calibration -----------------------------------------------------------------------------------
#: Rules of the tail calibration (see :func:`decide_many`).
TAIL_BATCHES = 40


def decide_many(x: np.ndarray, mu: float, alphas, batches: int | None = TAIL_BATCHES) -> dict:
    """Decide ``mean == mu`` for every row of ``x`` (seeds x n) by each rule and rate.

    Returns ``{(rule, alpha): [lower rejections, upper rejections]}``; "lower" is ``T < lower limit``
    (the sample mean far below ``mu``).  The rules are those of :func:`~iclverify.checks.statistics.compare.compare`
    (``statistic="t"`` / ``"hall"``, with and without ``batch``), computed row-wise.
    """
    from scipy import stats

    from iclverify.checks.statistics.compare import hall_t_limits, sample_skewness

    seeds, n = x.shape
    variants = [("t", x)]
    if batches:
        variants.append((f"t, batch means ({batches} batches)", x[:, : (n // batches) * batches]
                         .reshape(seeds, batches, -1).mean(-1)))
    out = {}
    for name, y in variants:
        k = y.shape[1]
        t = (y.mean(1) - mu) / (y.std(1, ddof=1) / math.sqrt(k))
        g = sample_skewness(y, axis=1)
        for a in alphas:
            c = float(stats.t.ppf(1 - a / 2, k - 1))
            out[(name, a)] = [int(np.sum(t < -c)), int(np.sum(t > c))]
            lo, hi = hall_t_limits(c, g, k)
            out[(name.replace("t", "Hall t", 1), a)] = [int(np.sum(t < lo)), int(np.sum(t > hi))]
    return out


def _add(acc: dict, new: dict) -> None:
    for k, (lo, hi) in new.items():
        a = acc.setdefault(k, [0, 0])
        a[0] += lo
        a[1] += hi


def tail_calibration(seeds: int, n_test: int, alphas=(1e-2, 1e-3), *, chunk: int = 500, d: int = 6, ell: int = 9,
                     rho: float = 0.5, base_seed: int = 2026) -> dict:
    """False-alarm rates of each rule against the exact finite-d ICL error, fresh test sets per seed."""
    gamma = exact_gamma(d)
    truth = float(finite_d_icl_error(gamma, rho, ell))
    counts: dict = {}
    t0 = time.perf_counter()
    for i, lo in enumerate(range(0, seeds, chunk)):
        m = min(chunk, seeds - lo)
        rng = np.random.default_rng(np.random.SeedSequence([base_seed, n_test, i]))
        x = sampled_test_errors(gamma, rho, ell, m * n_test, rng, chunk=8192).reshape(m, n_test)
        _add(counts, decide_many(x, truth, alphas))
    return {"source": f"fresh test sets, n_test {n_test}", "seeds": seeds, "n": n_test, "counts": counts,
            "seconds": time.perf_counter() - t0}


def pool_tail_calibration(seeds: int, n: int, pool_size: int, alphas=(1e-3, 1e-4, 2e-5), *, chunk: int = 5000,
                          d: int = 6, ell: int = 9, rho: float = 0.5, base_seed: int = 2027) -> dict:
    """As :func:`tail_calibration`, resampling from a pool of ``pool_size`` squared errors (its mean is the truth)."""
    gamma = exact_gamma(d)
    t0 = time.perf_counter()
    pool = sampled_test_errors(gamma, rho, ell, pool_size, np.random.default_rng([base_seed, 0]), chunk=8192)
    mu = float(pool.mean())
    from iclverify.checks.statistics.compare import sample_skewness

    skew = float(sample_skewness(pool))
    rng = np.random.default_rng([base_seed, 1])
    counts: dict = {}
    for lo in range(0, seeds, chunk):
        m = min(chunk, seeds - lo)
        _add(counts, decide_many(pool[rng.integers(0, pool_size, size=(m, n))], mu, alphas))
    return {"source": f"resampled pool of {pool_size:.0e} squared errors (skewness {skew:.1f}), n {n}",
            "seeds": seeds, "n": n, "counts": counts, "seconds": time.perf_counter() - t0}


def gamma_calibration(seeds: int, n: int, shape: float, alphas=(1e-3, 1e-4, 2e-5), *, chunk: int = 20000,
                      base_seed: int = 2029) -> dict:
    """The rules on Gamma(shape) samples (skewness 2/sqrt(shape), exact mean ``shape``), vectorised.

    Gamma(1/4), n = 200 in 40 batches of 5 is the regime of ``liu_zhou_2026.kme-rate``'s primary
    comparisons (raw skewness about 3.9 at n = 200, batch means of 5, measured at seed 0).
    """
    t0 = time.perf_counter()
    rng = np.random.default_rng([base_seed, n, int(shape * 1000)])
    counts: dict = {}
    for lo in range(0, seeds, chunk):
        m = min(chunk, seeds - lo)
        _add(counts, decide_many(rng.gamma(shape, size=(m, n)), shape, alphas))
    return {"source": f"Gamma({shape:g}) samples (skewness {2 / math.sqrt(shape):.2g}), n {n}", "seeds": seeds, "n": n,
            "counts": counts, "seconds": time.perf_counter() - t0}


def gaussian_calibration(seeds: int, n: int, alphas=(5e-2, 1e-3, 2e-5), *, chunk: int = 50000,
                         base_seed: int = 2028) -> dict:
    """The same rules on Gaussian samples (no skewness): what the correction costs where it is not needed."""
    t0 = time.perf_counter()
    rng = np.random.default_rng([base_seed, n])
    counts: dict = {}
    for lo in range(0, seeds, chunk):
        _add(counts, decide_many(rng.standard_normal((min(chunk, seeds - lo), n)), 0.0, alphas, batches=None))
    return {"source": f"Gaussian samples, n {n}", "seeds": seeds, "n": n, "counts": counts,
            "seconds": time.perf_counter() - t0}


def tail_rows(res: dict) -> list[list[str]]:
    rows = []
    for (rule, a), (lo, hi) in res["counts"].items():
        rows.append([f"tail: {res['source']}", f"false alarm, {rule}, nominal {a:g}", _rate(lo + hi, res["seeds"]),
                     f"{(lo + hi) / res['seeds'] / a:.2g} x nominal; lower/upper {lo}/{hi}"])
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=100, help="seeds per claim (>= 100 for the documented figures)")
    p.add_argument("--scale", choices=("quick", "full"), default="quick", help="claim scale (quick: reduced)")
    p.add_argument("--exact-seeds", type=int, default=400, help="seeds for the exact-truth calibration (0: skip)")
    p.add_argument("--claims", nargs="*", default=list(DEFAULT_CLAIMS))
    p.add_argument("--tail-seeds", type=int, default=0,
                   help="seeds of the tail calibration at each --tail-n (fresh test sets; 0: skip)")
    p.add_argument("--tail-n", type=int, nargs="*", default=[1000, 4000], help="test-set sizes of the tail calibration")
    p.add_argument("--pool-seeds", type=int, default=0, help="seeds of the per-test-rate calibration (resampled pool)")
    p.add_argument("--pool-size", type=int, default=20_000_000)
    p.add_argument("--pool-n", type=int, default=1000)
    p.add_argument("--gaussian-seeds", type=int, default=0, help="seeds of the Gaussian check (n = 8, 30, 100)")
    p.add_argument("--gamma-seeds", type=int, default=0,
                   help="seeds of the Gamma(1/4) check (skewness 4: the kme-rate regime at n = 200, the "
                        "performer / trig-rf regime at n = 2000) at 1e-3, 1e-4, 2e-5")
    p.add_argument("--gamma-n", type=int, nargs="*", default=[200, 2000])
    p.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    p.add_argument("--first-seed", type=int, default=0, help="run seeds first-seed .. first-seed + seeds - 1")
    p.add_argument("--jsonl", help="append each claim run's record to this file as it finishes")
    p.add_argument("--from-jsonl", nargs="*", help="print the claims table from a previous run's records (runs no "
                                                   "claim)")
    args = p.parse_args(argv)
    quick = args.scale == "quick"
    t0 = time.perf_counter()
    if args.from_jsonl:
        records = []
        for path in args.from_jsonl:
            with open(path) as fh:
                records += [json.loads(line) for line in fh if line.strip()]
    elif args.seeds > 0 and args.claims:
        records = run_claims(args.claims, args.seeds, quick=quick, jsonl=args.jsonl, first_seed=args.first_seed)
    else:
        records = []
    rows = []
    if records:
        rows, fam = claims_table(records)
        print(f"{datetime.date.today()}: run-wide false-alarm budget {ledger.FAMILY_WISE_BUDGET}, per-test alpha "
              f"{ledger.PER_TEST_ALPHA:g}; claims at {args.scale} scale, {fam['seeds']} seeds ({fam['seed_range']}); "
              f"scale mutants x(1 +- {MUTANT_DELTA:g}) judged row by row")
    if args.exact_seeds:
        ex = exact_truth_calibration(args.exact_seeds)
        for name, k in ex["counts"].items():
            rows.append(["exact truth: compare(finite-d ICL error, MC)", name, _rate(k, ex["seeds"]),
                         f"n_test {ex['n_test']}"])
    for n in (args.tail_n if args.tail_seeds else []):
        res = tail_calibration(args.tail_seeds, n)
        rows += tail_rows(res)
        print(f"tail calibration n_test {n}: {res['seconds']:.0f} s", file=sys.stderr)
    if args.pool_seeds:
        res = pool_tail_calibration(args.pool_seeds, args.pool_n, args.pool_size)
        rows += tail_rows(res)
        print(f"pool calibration: {res['seconds']:.0f} s", file=sys.stderr)
    if args.gamma_seeds:
        for n in args.gamma_n:
            res = gamma_calibration(args.gamma_seeds, n, 0.25, chunk=max(1, 4_000_000 // n))
            rows += tail_rows(res)
            print(f"gamma calibration n {n}: {res['seconds']:.0f} s", file=sys.stderr)
    for n in ((8, 30, 100) if args.gaussian_seeds else ()):
        rows += tail_rows(gaussian_calibration(args.gaussian_seeds, n))
    print()
    _print_table(["claim", "measure", "rate", "note"], rows, markdown=args.markdown)
    print(f"\nwall time {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
