"""Claims C1–C12 of Li, Wang, Lu, Cui & Chen (2024) (note ``li2024_nonlinear.md`` §6).

Every claim trains (or reuses) the one-layer model of
:mod:`iclverify.checks.li2024_nonlinear_model` in the note's §6 configuration
[RECONSTRUCTED] and tests a statement of the paper (its source label in ``label``) with a
stated statistic at the suite's per-comparison false-alarm rate
``PER_COMPARISON_ALPHA`` (:mod:`iclverify.checks.compare`):

- error rates: one-sided Clopper–Pearson bounds over N independent test prompts;
- orderings of per-prompt losses: paired one-sided t-tests on the same prompts
  (Bonferroni over the grid);
- slopes: ordinary least squares with Student-t intervals, or a parametric bootstrap
  (normal interval with the same critical value) where the regressand is itself estimated.

Trained models are shared: :func:`~iclverify.checks.li2024_nonlinear_model.trained_model`
caches one model per (configuration, seed) per process, so the report trains five models
(cyclic, all-task and non-covering training sets; the note's lr-0.5 configuration for C1;
the query-in-attention variant for C5) plus C4's short early-stopped runs.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from iclverify.checks.claims import CheckKind, ControlOutcome, Evidence, RunConfig, Verdict, claim
from iclverify.checks.compare import PER_COMPARISON_ALPHA
from iclverify.checks.li2024_nonlinear_baselines import knn_predict, logistic_regression_predict
from iclverify.checks.li2024_nonlinear_data import (
    all_tasks, cyclic_tasks, flipped, in_domain_patterns, non_covering_tasks, ood_patterns, sample_prompts,
)
from iclverify.checks.li2024_nonlinear_model import (
    TrainConfig, evaluate, neuron_magnitudes, prune, train, trained_model,
)
from iclverify.theory.li2024_nonlinear import (
    covers_patterns_and_labels, deterministic_same_count, random_sampling_context_length,
    same_pattern_majority_floor,
)

PAPER = "li2024_nonlinear"
ALPHA = PER_COMPARISON_ALPHA
#: The note's §6 threshold for "the error is small" at l_ts = 20 (C3 uses 2 %) [CHECKED-scratch].
EPS = 0.02

__all__ = ["base_config", "shared_model", "unseen_tasks", "test_rng", "cp_upper", "cp_lower", "pruning_curves",
           "ood_errors", "trend_z"]


# ---------------------------------------------------------------------------------------
# Shared configuration, models and statistics


def base_config(tasks: str = "cyclic", **changes) -> TrainConfig:
    """The note's §6 configuration [RECONSTRUCTED] (M₁=6, M₂=24, m=64, α=0.8, l=20, B=64) at lr 0.4, 2000 steps.

    The note's lr 0.5 with 1500 steps put 2 of 16 seeds (among them the default root
    seed 20240515) into an in-weights solution: zero training error, unseen-task error
    ≈ 0.27, attention not concentrating.  lr 0.4 for 2000 steps generalised for the
    seeds tried (exploration recorded in ``docs/li2024_nonlinear.md``); the failure
    mode is reported, not hidden (claim C1 measures it in full mode).
    """
    kw = {"steps": 2000, "lr": 0.4, **changes}
    return TrainConfig(tasks=tasks, **kw)


def shared_model(config: RunConfig, tasks: str = "cyclic"):
    """The one trained model per (training set, seed), shared by every claim and figure."""
    return trained_model(base_config(tasks), int(config.seed))


def unseen_tasks(M1: int = 6) -> list[tuple[int, int]]:
    """In-domain test tasks ``T \\ T_tr`` for the cyclic training set (24 of 30)."""
    tr = set(cyclic_tasks(M1))
    return [t for t in all_tasks(M1) if t not in tr]


def test_rng(config: RunConfig, claim_no: int, sub: int = 0) -> np.random.Generator:
    """Test-prompt generator: ``SeedSequence(seed, spawn_key=(claim_no, sub))``."""
    return np.random.default_rng(np.random.SeedSequence(int(config.seed), spawn_key=(claim_no, sub)))


def _n(config: RunConfig, quick: int, full: int) -> int:
    return quick if config.quick else full


def cp_upper(k: int, n: int, alpha: float = ALPHA) -> float:
    """One-sided Clopper–Pearson upper confidence bound at level 1 − alpha."""
    return 1.0 if k >= n else float(stats.beta.ppf(1 - alpha, k + 1, n - k))


def cp_lower(k: int, n: int, alpha: float = ALPHA) -> float:
    """One-sided Clopper–Pearson lower confidence bound at level 1 − alpha."""
    return 0.0 if k <= 0 else float(stats.beta.ppf(alpha, k, n - k + 1))


def _paired_less(a: np.ndarray, b: np.ndarray, alpha: float) -> tuple[bool, float, float]:
    """One-sided paired t-test of mean(a) < mean(b); returns (rejects H0, mean diff, t)."""
    d = np.asarray(b, float) - np.asarray(a, float)
    se = d.std(ddof=1) / math.sqrt(d.size)
    t = d.mean() / se if se > 0 else (math.inf if d.mean() > 0 else 0.0)
    return bool(t > stats.t.ppf(1 - alpha, d.size - 1)), float(d.mean()), float(t)


def _ols_slope(x: np.ndarray, y: np.ndarray) -> tuple[float, float, int]:
    """OLS slope, its standard error and residual degrees of freedom."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    X = np.column_stack([np.ones_like(x), x])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    res = y - X @ coef
    dof = x.size - 2
    s2 = float(res @ res) / dof
    cov = s2 * np.linalg.inv(X.T @ X)
    return float(coef[1]), float(math.sqrt(cov[1, 1])), dof


def _err_stats(err: np.ndarray) -> tuple[int, int]:
    return int(np.sum(err)), int(err.size)


def _unseen_err(res, prompts) -> float:
    return float(evaluate(res.params, prompts)["err"].mean())


# ---------------------------------------------------------------------------------------
# C1: in-domain generalisation to unseen tasks (Theorem 1)


@claim(
    id="li2024_nonlinear.c1-unseen-task-generalization", paper=PAPER, label="SLIDES; CHECKED-scratch",
    statement="Trained on the M1 cyclic tasks (6 of 30, covering every pattern and label), the model "
              "classifies prompts of the 24 unseen tasks with small error (Theorem 1).",
    formula="Pr[sign F != z] <= eps on T \\ T_tr (alpha'=0.8, l_ts=20; eps = 0.02 stated a priori)",
    check=CheckKind.TRAINED,
    controls=("untrained model (initialisation) must fail the same error bound",
              "context labels shuffled within each prompt (no in-context information) must fail it"),
    assumptions="M1=6, M2=24, beta=1, kappa~U(-.5,.5), m=64, alpha=0.8, l_tr=20, B=64, lr 0.5, 1500 SGD steps "
                "[RECONSTRUCTED]; random test sampling",
    note_section="§3.1, §6 C1",
    finding="Training is not always in the ICL regime: with the note's lr 0.5 / 1500 steps, 2 of 16 seeds "
            "(including the default root seed) fit the 6 training tasks in-weights (training error 0, unseen-task "
            "error ~0.27, attention not concentrating). The shared model uses lr 0.4 / 2000 steps; "
            "measurements.training_runs records the note's configuration at the same seed (and 8 seeds in full mode).",
)
def c1_unseen_tasks(config: RunConfig) -> Evidence:
    """C1 [SLIDES]+[CHECKED-scratch]: one-sided Clopper–Pearson upper bound on the unseen-task error ≤ ε."""
    res = shared_model(config)
    ps = in_domain_patterns()
    N = _n(config, 4000, 20000)
    pr = sample_prompts(ps, unseen_tasks(), N, 20, 0.8, rng=test_rng(config, 1))
    ev = evaluate(res.params, pr)
    k, n = _err_stats(ev["err"])
    ub = cp_upper(k, n)
    by_ap = {}
    for j, ap in enumerate((1.0, 0.8, 0.6)):
        e = evaluate(res.params, sample_prompts(ps, unseen_tasks(), N, 20, ap, rng=test_rng(config, 1, 10 + j)))
        by_ap[f"alpha'={ap}"] = {"err": float(e["err"].mean()), "hinge": float(e["hinge"].mean())}
    e0 = evaluate(res.init, pr)["err"]
    pr_shuf = sample_prompts(ps, unseen_tasks(), N, 20, 0.8, rng=test_rng(config, 1, 1), shuffle_labels=True)
    es = evaluate(res.params, pr_shuf)["err"]
    ub0, ubs = cp_upper(*_err_stats(e0)), cp_upper(*_err_stats(es))
    # Robustness over training runs (Theorem 1 holds "with high probability"): the note's own
    # lr 0.5 / 1500 steps, and the base configuration, over further seeds (full mode only).
    runs = {"note_config_lr0.5_root_seed": _unseen_err(trained_model(base_config(lr=0.5, steps=1500),
                                                                      int(config.seed)), pr)}
    if not config.quick:
        for name, cfg in (("base", base_config()), ("note_lr0.5", base_config(lr=0.5, steps=1500))):
            errs = [_unseen_err(trained_model(cfg, int(np.random.SeedSequence(int(config.seed), spawn_key=(1, k))
                                                       .generate_state(1)[0])), pr) for k in range(8)]
            runs[f"{name}_8_seeds"] = errs
            runs[f"{name}_fraction_err<=eps"] = float(np.mean(np.array(errs) <= EPS))
    controls = [
        ControlOutcome("untrained model", ub0 > EPS, f"err {e0.mean():.4f}, CP upper {ub0:.4f} vs eps {EPS}"),
        ControlOutcome("shuffled context labels", ubs > EPS, f"err {es.mean():.4f}, CP upper {ubs:.4f}"),
    ]
    ok = ub <= EPS
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"unseen-task error {k}/{n} = {k / n:.4f} (hinge {ev['hinge'].mean():.4f}); one-sided CP upper bound "
        f"{ub:.4f} {'<=' if ok else '>'} eps={EPS} at level {ALPHA:g}.",
        theory=EPS, estimate=k / n, reps=n,
        seeds={"train_seed": int(config.seed), "test_spawn_key": [1, 0]},
        measurements={"err": k / n, "cp_upper": ub, "hinge": float(ev["hinge"].mean()), "by_alpha_test": by_ap,
                      "train_steps": res.steps_run, "final_train_ema_loss": float(res.history["ema"][-1]),
                      "training_runs": runs},
        controls=controls,
    )


# ---------------------------------------------------------------------------------------
# C2: the coverage condition is needed (negative control of Theorem 1)


@claim(
    id="li2024_nonlinear.c2-coverage-needed", paper=PAPER, label="SLIDES; RECONSTRUCTED; CHECKED-scratch",
    statement="Without Theorem 1's coverage condition (patterns 0-2 always +1, 3-5 always -1; 9 tasks) the model "
              "learns an in-weights pattern->label map and fails on the label-flipped tasks.",
    formula="err(flipped tasks | non-covering T_tr) > 1/2, while a covering T_tr gives err <= eps on the same tasks",
    check=CheckKind.TRAINED,
    controls=("the covering (cyclic) model on the same flipped tasks must fail the 'error > 1/2' test",
              "the non-covering model on its own training orientation must fail it"),
    assumptions="as C1; non-covering T_tr = {(a,b): a in {0,1,2}, b in {3,4,5}}",
    note_section="§1.3, §3.1 (1), §6 C2",
)
def c2_coverage(config: RunConfig) -> Evidence:
    """C2 [SLIDES]: violated coverage → flipped-task error above ½ (one-sided CP lower bound)."""
    nc = non_covering_tasks(6)
    covers_nc, covers_cyc = covers_patterns_and_labels(nc, 6), covers_patterns_and_labels(cyclic_tasks(6), 6)
    res_nc = shared_model(config, "non_covering")
    res_cy = shared_model(config)
    ps = in_domain_patterns()
    N = _n(config, 4000, 20000)
    pr_flip = sample_prompts(ps, flipped(nc), N, 20, 0.8, rng=test_rng(config, 2))
    pr_same = sample_prompts(ps, nc, N, 20, 0.8, rng=test_rng(config, 2, 1))
    e_flip = evaluate(res_nc.params, pr_flip)["err"]
    e_same = evaluate(res_nc.params, pr_same)["err"]
    e_cov = evaluate(res_cy.params, pr_flip)["err"]
    lb = cp_lower(*_err_stats(e_flip))
    lb_cov, ub_cov = cp_lower(*_err_stats(e_cov)), cp_upper(*_err_stats(e_cov))
    lb_same = cp_lower(*_err_stats(e_same))
    controls = [
        ControlOutcome("covering model on flipped tasks", lb_cov <= 0.5,
                       f"err {e_cov.mean():.4f} (CP lower {lb_cov:.4f}, upper {ub_cov:.4f})"),
        ControlOutcome("non-covering model, training orientation", lb_same <= 0.5,
                       f"err {e_same.mean():.4f} (CP lower {lb_same:.4f})"),
    ]
    ok = lb > 0.5 and not covers_nc and covers_cyc
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"non-covering T_tr (covers={covers_nc}): flipped-task error {e_flip.mean():.4f}, CP lower bound {lb:.4f} "
        f"> 1/2; the covering T_tr reaches {e_cov.mean():.4f} on the same tasks.",
        estimate=float(e_flip.mean()), reps=int(e_flip.size),
        seeds={"train_seed": int(config.seed), "test_spawn_key": [2, 0]},
        measurements={"err_flipped_noncovering": float(e_flip.mean()), "err_same_orientation": float(e_same.mean()),
                      "err_flipped_covering": float(e_cov.mean()), "covers(non_covering)": covers_nc,
                      "covers(cyclic)": covers_cyc},
        controls=controls,
    )


# ---------------------------------------------------------------------------------------
# C3: required context length ∝ 1/alpha'


_L_GRID_QUICK = np.arange(2, 62, 2)
_ALPHA_TESTS = (0.4, 0.5, 0.6, 0.8, 1.0)


def _last_crossing(errs: np.ndarray, ls: np.ndarray, thr: float) -> float:
    """Smallest l from which every larger grid l has error <= thr (NaN if none)."""
    ok = errs <= thr
    if not ok[-1]:
        return math.nan
    bad = np.nonzero(~ok)[0]
    return float(ls[0] if bad.size == 0 else ls[bad[-1] + 1])


@claim(
    id="li2024_nonlinear.c3-context-length", paper=PAPER, label="SLIDES; RECONSTRUCTED; CHECKED-scratch",
    statement="The test context length needed for small error scales as 1/alpha' (Theorem 1 (2)); under the "
              "deterministic construction l = ceil(1/alpha') already suffices.",
    formula="(a) log l*(alpha') = c - 1 * log alpha' with l* = min{l: err <= 0.02}; (b) err(l=ceil(1/alpha')) <= eps",
    check=CheckKind.TRAINED,
    controls=("(a) exponents -1/2 and -2 must fall outside the slope's interval",
              "(b) random sampling at the same l = ceil(1/alpha') must fail the error bound"),
    assumptions="cyclic model of C1; alpha' in {0.4,0.5,0.6,0.8,1}; l grid 2..60 step 2; parametric bootstrap "
                "of the per-cell binomial errors",
    note_section="§1.4, §3.1, §6 C3",
)
def c3_context_length(config: RunConfig) -> Evidence:
    """C3 [SLIDES]: (a) bootstrap interval on the log–log slope of l*(α′); (b) deterministic prompts at l=⌈1/α′⌉."""
    res = shared_model(config)
    ps = in_domain_patterns()
    unseen = unseen_tasks()
    N = _n(config, 2000, 8000)
    ls = _L_GRID_QUICK if config.quick else np.arange(2, 82, 2)
    k_err = np.zeros((len(_ALPHA_TESTS), ls.size), dtype=int)
    for i, ap in enumerate(_ALPHA_TESTS):
        for j, l in enumerate(ls):
            pr = sample_prompts(ps, unseen, N, int(l), ap, rng=test_rng(config, 3, 100 * i + j))
            k_err[i, j] = int(evaluate(res.params, pr)["err"].sum())
    p_hat = k_err / N
    lstar = np.array([_last_crossing(p_hat[i], ls, EPS) for i in range(len(_ALPHA_TESTS))])
    la = np.log(np.array(_ALPHA_TESTS))
    meas = {"l_star": dict(zip(map(str, _ALPHA_TESTS), lstar.tolist())),
            "alpha_l_star": dict(zip(map(str, _ALPHA_TESTS), (np.array(_ALPHA_TESTS) * lstar).tolist())),
            "floor_length(eps=0.02)": {str(a): random_sampling_context_length(a, EPS) for a in _ALPHA_TESTS}}
    controls = []
    verdict_a = None
    if np.all(np.isfinite(lstar)):
        slope = float(np.polyfit(la, np.log(lstar), 1)[0])
        boot_rng = test_rng(config, 3, 99999)
        B = 1000 if config.quick else 4000
        sl = []
        for _ in range(B):
            pb = boot_rng.binomial(N, p_hat) / N
            lb_ = np.array([_last_crossing(pb[i], ls, EPS) for i in range(len(_ALPHA_TESTS))])
            if np.all(np.isfinite(lb_)):
                sl.append(np.polyfit(la, np.log(lb_), 1)[0])
        se = float(np.std(sl, ddof=1))
        z = float(stats.norm.ppf(1 - ALPHA / 2))
        lo, hi = slope - z * se, slope + z * se
        verdict_a = lo <= -1.0 <= hi
        theory_slope = float(np.polyfit(la, np.log([random_sampling_context_length(a, EPS) for a in _ALPHA_TESTS]),
                                        1)[0])
        meas.update({"slope": slope, "slope_se_boot": se, "slope_interval": [lo, hi], "bootstrap_reps": len(sl),
                     "floor_length_slope": theory_slope})
        for wrong in (-0.5, -2.0):
            controls.append(ControlOutcome(f"exponent {wrong}", not (lo <= wrong <= hi),
                                           f"interval [{lo:.3f}, {hi:.3f}]"))
    # (b) deterministic construction
    det, rnd = {}, {}
    ok_b, ctrl_b = True, True
    alpha_b = ALPHA / len(_ALPHA_TESTS)
    Nb = _n(config, 2000, 10000)
    for i, ap in enumerate(_ALPHA_TESTS):
        l = int(math.ceil(1 / ap - 1e-12))
        pd = sample_prompts(ps, unseen, Nb, l, ap, rng=test_rng(config, 3, 5000 + i), mode="deterministic")
        pr = sample_prompts(ps, unseen, Nb, l, ap, rng=test_rng(config, 3, 6000 + i))
        kd, kr = int(evaluate(res.params, pd)["err"].sum()), int(evaluate(res.params, pr)["err"].sum())
        ud, ur = cp_upper(kd, Nb, alpha_b), cp_upper(kr, Nb, alpha_b)
        det[str(ap)] = {"l": l, "same_count": deterministic_same_count(ap, l), "err": kd / Nb, "cp_upper": ud}
        rnd[str(ap)] = {"l": l, "err": kr / Nb, "cp_upper": ur}
        ok_b &= ud <= EPS
        ctrl_b &= ur > EPS
    meas.update({"deterministic": det, "random_same_l": rnd})
    controls.append(ControlOutcome("random sampling at l=ceil(1/alpha')", ctrl_b,
                                   "errors " + ", ".join(f"{k}: {v['err']:.3f}" for k, v in rnd.items())))
    if verdict_a is None:
        verdict, reason = Verdict.INCONCLUSIVE, "some alpha' never reached err <= 0.02 on the l grid"
    else:
        verdict = Verdict.CONFIRMED if (verdict_a and ok_b) else Verdict.REFUTED
        reason = (f"(a) slope of log l* on log alpha' = {meas['slope']:.3f}, interval "
                  f"[{meas['slope_interval'][0]:.3f}, {meas['slope_interval'][1]:.3f}] "
                  f"{'contains' if verdict_a else 'excludes'} -1 (alpha' l* = "
                  + ", ".join(f"{v:.1f}" for v in meas["alpha_l_star"].values())
                  + f"); (b) deterministic err at l=ceil(1/alpha') max "
                  f"{max(v['err'] for v in det.values()):.4f} ({'all' if ok_b else 'not all'} CP upper <= {EPS}).")
    return Evidence(verdict, reason, estimate=meas.get("slope"), theory=-1.0,
                    seeds={"train_seed": int(config.seed), "test_spawn_key": [3]}, measurements=meas,
                    controls=controls)


# ---------------------------------------------------------------------------------------
# C4: iterations decrease with alpha (T ∝ alpha^{-2/3} is an upper-bound order)


@claim(
    id="li2024_nonlinear.c4-iterations-vs-alpha", paper=PAPER, label="SLIDES; SECONDARY; CHECKED-scratch",
    statement="Training needs fewer iterations for larger alpha (Theorem 1 (3): T = Theta(alpha^{-2/3}) suffices). "
              "Only the sign of the log-log slope is tested; the exponent -2/3 is an upper-bound order.",
    formula="slope of log T_stop on log alpha < 0 (T_stop: EMA of batch hinge < 0.05)",
    check=CheckKind.TRAINED,
    controls=("slope 0 (iterations independent of alpha) must be rejected",
              "slope +2/3 (swapped sign of the exponent) must be rejected"),
    assumptions="alpha in {0.4, 0.6, 0.8, 1}; 4 seeds per alpha (quick), 8 (full); lr 0.5; cyclic T_tr",
    note_section="§3.1, §6 C4",
)
def c4_iterations(config: RunConfig) -> Evidence:
    """C4 [SLIDES]: OLS slope of log(steps to EMA hinge < 0.05) on log α, Student-t interval."""
    alphas = (0.4, 0.6, 0.8, 1.0)
    seeds = 4 if config.quick else 8
    xs, ys, table = [], [], {}
    for i, a in enumerate(alphas):
        st = []
        for s in range(seeds):
            rng = np.random.default_rng(np.random.SeedSequence(int(config.seed), spawn_key=(4, i, s)))
            r = train(base_config(alpha=a, steps=5000, stop_loss=0.05, log_every=10**9), rng=rng)
            st.append(r.steps_run)
            xs.append(math.log(a))
            ys.append(math.log(r.steps_run))
        table[str(a)] = st
    slope, se, dof = _ols_slope(np.array(xs), np.array(ys))
    crit = float(stats.t.ppf(1 - ALPHA / 2, dof))
    lo, hi = slope - crit * se, slope + crit * se
    ok = hi < 0
    controls = [ControlOutcome("slope 0", not (lo <= 0.0 <= hi), f"interval [{lo:.3f}, {hi:.3f}]"),
                ControlOutcome("slope +2/3", not (lo <= 2 / 3 <= hi), f"interval [{lo:.3f}, {hi:.3f}]")]
    return Evidence(
        Verdict.CONFIRMED if ok else (Verdict.REFUTED if lo > 0 else Verdict.INCONCLUSIVE),
        f"slope {slope:.3f} +/- {se:.3f} (t interval [{lo:.3f}, {hi:.3f}], df={dof}); -2/3 "
        f"{'inside' if lo <= -2 / 3 <= hi else 'outside'} the interval (not tested: upper-bound order).",
        estimate=slope, se=se, theory=-2 / 3, reps=len(xs),
        seeds={"root": int(config.seed), "spawn_keys": "(4, alpha index, seed index)"},
        measurements={"steps": table, "median_steps": {k: float(np.median(v)) for k, v in table.items()},
                      "slope_interval": [lo, hi]},
        controls=controls,
    )


# ---------------------------------------------------------------------------------------
# C5: attention concentrates on same-pattern contexts (Proposition 1)


@claim(
    id="li2024_nonlinear.c5-attention-concentration", paper=PAPER, label="SLIDES; CHECKED-scratch",
    statement="During training the attention mass on contexts sharing the query's pattern rises from about their "
              "fraction (~alpha/2) to a large value (Proposition 1; Fig. 9: 0.42 -> 1.0). Threshold 0.8 is the "
              "note's stated expectation for this model (the hinge loss reaches 0 and gradients stop before 1).",
    formula="mean A_same(trained) > 0.8 on training-distribution prompts; A_same(init) ~ fraction of same contexts",
    check=CheckKind.TRAINED,
    controls=("the initial model must fail the A_same > 0.8 test",
              "the swapped statement A_other > 0.8 must fail on the trained model"),
    assumptions="as C1; prompts from T_tr with alpha=0.8, l=20",
    note_section="§3.3, §6 C5",
    figure="li2024nl-attention",
)
def c5_attention(config: RunConfig) -> Evidence:
    """C5 [SLIDES]: one-sided t lower bound on mean A_same after training > 0.8."""
    res = shared_model(config)
    ps = in_domain_patterns()
    N = _n(config, 4000, 20000)
    pr = sample_prompts(ps, cyclic_tasks(6), N, 20, 0.8, rng=test_rng(config, 5))
    a1 = evaluate(res.params, pr)["attn_same"]
    a0 = evaluate(res.init, pr)["attn_same"]
    frac = pr.same_mask.mean(axis=1)
    tcrit = float(stats.t.ppf(1 - ALPHA, N - 1))

    def lower(x):
        return float(x.mean() - tcrit * x.std(ddof=1) / math.sqrt(x.size))

    lb1, lb0, lbo = lower(a1), lower(a0), lower(1 - a1)
    test_by_ap = {}
    for j, ap in enumerate((1.0, 0.8, 0.6)):
        p2 = sample_prompts(ps, unseen_tasks(), N, 20, ap, rng=test_rng(config, 5, 10 + j))
        test_by_ap[str(ap)] = float(evaluate(res.params, p2)["attn_same"].mean())
    # open question 3 (note §7): the same training with the query column inside the softmax and the sum
    rq = trained_model(base_config(include_query=True), int(config.seed))
    pq_ = sample_prompts(ps, unseen_tasks(), N, 20, 0.8, rng=test_rng(config, 5, 20))
    evq = evaluate(rq.params, pq_, include_query=True)
    query_variant = {"A_same_trained_prompts": float(evaluate(rq.params, pr, include_query=True)["attn_same"].mean()),
                     "unseen_task_err": float(evq["err"].mean())}
    controls = [ControlOutcome("initial model", lb0 <= 0.8, f"A_same(init) {a0.mean():.3f} (lower {lb0:.3f})"),
                ControlOutcome("swapped: A_other > 0.8", lbo <= 0.8, f"A_other {1 - a1.mean():.3f}")]
    ok = lb1 > 0.8
    h = res.history
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"A_same {a0.mean():.3f} at init (same-pattern fraction {frac.mean():.3f}) -> {a1.mean():.3f} after "
        f"{res.steps_run} steps; one-sided lower bound {lb1:.3f} {'>' if ok else '<='} 0.8.",
        estimate=float(a1.mean()), theory=0.8, reps=N,
        seeds={"train_seed": int(config.seed), "test_spawn_key": [5, 0]},
        measurements={"A_same_init": float(a0.mean()), "same_fraction": float(frac.mean()),
                      "A_same_trained": float(a1.mean()), "lower_bound": lb1,
                      "A_same_unseen_tasks_by_alpha_test": test_by_ap,
                      "include_query_variant": query_variant,
                      "training_curve": {"step": h["log_step"][::10].tolist(),
                                         "A_same": np.round(h["attn_same"][::10], 4).tolist()}},
        controls=controls,
    )


# ---------------------------------------------------------------------------------------
# C6: W_Q, W_K project onto the relevant patterns (Proposition 1)


def _greater(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[bool, float]:
    """Welch one-sided test mean(x) > mean(y); zero-variance differences never reject."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    diff = x.mean() - y.mean()
    se = math.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
    if se == 0:
        return False, float(diff)
    vx, vy = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
    df = (vx + vy) ** 2 / (vx ** 2 / (x.size - 1) + vy ** 2 / (y.size - 1))
    return bool(diff / se > stats.t.ppf(1 - alpha, df)), float(diff / se)


@claim(
    id="li2024_nonlinear.c6-qk-projects-relevant", paper=PAPER, label="SLIDES; CHECKED-scratch",
    statement="After training W_Q^T W_K weights the relevant (IDR) coordinates far above the irrelevant (IDI) "
              "and label coordinates (Proposition 1; Fig. 8).",
    formula="mean diag(W_Q^T W_K)[IDR] > mean diag[IDI] (Welch one-sided), and > the label entry",
    check=CheckKind.TRAINED,
    controls=("the initial W_Q^T W_K = delta^2 I must fail the test",
              "the swapped statement diag[IDI] > diag[IDR] must fail on the trained model"),
    assumptions="cyclic model of C1",
    note_section="§3.3, §6 C6",
)
def c6_qk(config: RunConfig) -> Evidence:
    """C6 [SLIDES]: Welch test on the diagonal of W_QᵀW_K, IDR block vs IDI block."""
    res = shared_model(config)
    M1, M2 = 6, 24

    def blocks(p):
        dg = np.diag(p.WQ.T @ p.WK)
        return dg[:M1], dg[M1:M1 + M2], dg[M1 + M2:]

    idr, idi, lab = blocks(res.params)
    ok, t = _greater(idr, idi, ALPHA)
    ok = ok and idr.mean() > lab.max()
    i0, j0, _ = blocks(res.init)
    ctrl0, _ = _greater(i0, j0, ALPHA)
    ctrls, _ = _greater(idi, idr, ALPHA)
    # Fig. 8: share of ||W_Q p_q|| along the query's relevant pattern
    ps = in_domain_patterns()
    pr = sample_prompts(ps, unseen_tasks(), 1000, 20, 0.8, rng=test_rng(config, 6))
    qv = pr.tokens[:, -1, :] @ res.params.WQ.T
    along = np.abs(qv[np.arange(pr.n), pr.patterns[:, -1]]) / np.linalg.norm(qv, axis=1)
    W = res.params.WQ.T @ res.params.WK
    off = W[:M1, :M1][~np.eye(M1, dtype=bool)]
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"diag(W_Q^T W_K): IDR {idr.mean():.3f} vs IDI {idi.mean():.4f} vs label {lab.mean():.4f} (Welch t={t:.1f}).",
        estimate=float(idr.mean()),
        seeds={"train_seed": int(config.seed)},
        measurements={"diag_IDR": idr.tolist(), "diag_IDI_mean": float(idi.mean()), "diag_label": lab.tolist(),
                      "offdiag_IDR_mean": float(off.mean()), "offdiag_IDR_min": float(off.min()),
                      "query_norm_share_along_pattern": float(along.mean())},
        controls=[ControlOutcome("initial W_Q^T W_K", not ctrl0, f"IDR {i0.mean():.4f} vs IDI {j0.mean():.4f}"),
                  ControlOutcome("swapped IDI > IDR", not ctrls, "")],
    )


# ---------------------------------------------------------------------------------------
# C7: MLP neurons read the label embedding with the sign of a_i (Proposition 2)


@claim(
    id="li2024_nonlinear.c7-mlp-label-neurons", paper=PAPER, label="SLIDES; CHECKED-scratch",
    statement="Rows of W_O W_V: the learned neurons (label part |.| > half the largest, the note's definition) "
              "have label part of the sign of a_i (+q for positive, -q for negative neurons) and a feature part "
              "aligned with the mean IDR pattern mu_bar; the others stay near initialisation "
              "(Proposition 2; Figs 10-11).",
    formula="learned neurons: #{sign(label part) = sign(a_i)} one-sided binomial vs 1/2; mean cos(feature part, "
            "mu_bar) > 0 (one-sided t); label part(a>0) > label part(a<0) over all neurons (Welch)",
    check=CheckKind.TRAINED,
    controls=("the initial model must fail the sign-agreement test",
              "the swapped statement (label part has the sign of -a_i) must fail"),
    assumptions="cyclic model of C1; bimodality of the row norms is measured, not tested (the note did not "
                "reproduce it)",
    note_section="§3.4, §6 C7",
)
def c7_mlp(config: RunConfig) -> Evidence:
    """C7 [SLIDES]: binomial sign test and t-test on cos(feature part, μ̄) over the learned neurons."""
    res = shared_model(config)
    M1, dx = 6, 30
    mu_bar = np.zeros(dx)
    mu_bar[:M1] = 1.0 / M1

    def stats_of(p, sign=1.0):
        R = p.WO @ p.WV
        lab = R[:, dx]
        big = np.abs(lab) > 0.5 * np.abs(lab).max()
        agree = int(np.sum(np.sign(lab[big]) == sign * np.sign(p.a[big])))
        pval = float(stats.binom.sf(agree - 1, int(big.sum()), 0.5))
        feat = R[:, :dx]
        cos = feat @ mu_bar / (np.linalg.norm(feat, axis=1) * np.linalg.norm(mu_bar))
        return agree, int(big.sum()), pval, cos, lab, R, big

    agree, nbig, pval, cos, lab, R, big = stats_of(res.params)
    cb = cos[big]
    tcos = cb.mean() / (cb.std(ddof=1) / math.sqrt(cb.size)) if cb.size > 1 else 0.0
    ok_cos = tcos > stats.t.ppf(1 - ALPHA, max(cb.size - 1, 1))
    ok_groups, t_groups = _greater(lab[res.params.a > 0], lab[res.params.a < 0], ALPHA)
    all_agree = int(np.sum(np.sign(lab) == np.sign(res.params.a)))
    ok = pval < ALPHA and ok_cos and ok_groups
    a0, n0, p0, *_ = stats_of(res.init)
    a_s, n_s, p_s, *_ = stats_of(res.params, -1.0)
    norms = np.linalg.norm(R, axis=1)
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"{nbig}/{lab.size} learned neurons; their label part has the sign of a_i for {agree}/{nbig} (binomial "
        f"p={pval:.2g}); their mean cos(feature, mu_bar) = {cb.mean():.3f} (t={tcos:.1f}); mean label part "
        f"{lab[res.params.a > 0].mean():+.3f} (a>0) vs {lab[res.params.a < 0].mean():+.3f} (a<0). Over all "
        f"{lab.size} neurons only {all_agree} agree (the rest stay near initialisation).",
        estimate=agree / max(nbig, 1), reps=nbig,
        seeds={"train_seed": int(config.seed)},
        measurements={"n_learned": nbig, "agree_learned": agree, "agree_all": all_agree,
                      "mean_label_part_pos": float(lab[res.params.a > 0].mean()),
                      "mean_label_part_neg": float(lab[res.params.a < 0].mean()), "welch_t_groups": t_groups,
                      "mean_cos_feature_mu_bar_learned": float(cb.mean()),
                      "mean_cos_feature_mu_bar_all": float(cos.mean()),
                      "row_norm_quantiles": np.quantile(norms, [0, .1, .25, .5, .75, .9, 1]).round(3).tolist()},
        controls=[ControlOutcome("initial model", not (p0 < ALPHA), f"{a0}/{n0} agree, p={p0:.2g}"),
                  ControlOutcome("swapped sign", not (p_s < ALPHA), f"{a_s}/{n_s} agree with -a, p={p_s:.2g}")],
    )


# ---------------------------------------------------------------------------------------
# C8: pruning curves (Theorem 3)

_RATES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)


def pruning_curves(params, prompts, rates=_RATES, random_draws: int = 5, *, rng: np.random.Generator) -> dict:
    """Per-prompt hinge and error after small-first, random (mean of draws) and large-first pruning."""
    out = {o: {"hinge": [], "err": []} for o in ("small", "random", "large")}
    for R in rates:
        for o in ("small", "large"):
            ev = evaluate(prune(params, R, o), prompts)
            out[o]["hinge"].append(ev["hinge"])
            out[o]["err"].append(ev["err"])
        hs, es = [], []
        for _ in range(random_draws):
            ev = evaluate(prune(params, R, "random", rng=rng), prompts)
            hs.append(ev["hinge"])
            es.append(ev["err"])
        out["random"]["hinge"].append(np.mean(hs, axis=0))
        out["random"]["err"].append(np.mean(es, axis=0))
    base = evaluate(params, prompts)
    out["baseline"] = {"hinge": base["hinge"], "err": base["err"]}
    return out


@claim(
    id="li2024_nonlinear.c8-pruning-order", paper=PAPER, label="SLIDES; CHECKED-scratch",
    statement="Pruning W_O rows by magnitude: small-first hurts least, large-first most, random in between, and the "
              "large-first loss grows with R (Theorem 3; Fig. 22). Metric: hinge loss (the 0-1 error barely moves).",
    formula="hinge(small, R) < hinge(random, R) < hinge(large, R) for R in {0.1..0.6}; hinge(large, 0.6) > "
            "hinge(large, 0.1) (paired one-sided t-tests)",
    check=CheckKind.TRAINED,
    controls=("the swapped ordering hinge(large) < hinge(small) must fail the same paired test at every R",),
    assumptions="cyclic model of C1; unseen tasks, alpha'=0.8, l_ts=20; random pruning averaged over 5 draws; "
                "paired one-sided t-tests on the same prompts, Bonferroni over 2 x 6 comparisons (plus one growth test)",
    note_section="§4, §6 C8",
    figure="li2024nl-pruning",
    finding="Ranked by rows of W_O W_V (Theorem 3's magnitude) instead of W_O, the norms split at a gap (~42 % "
            "small) and small-first pruning is lossless up to that fraction (measurements.hinge_by_WOWV_ranking).",
)
def c8_pruning(config: RunConfig) -> Evidence:
    """C8 [SLIDES]: paired one-sided t-tests of the pruning order at each R (Bonferroni)."""
    res = shared_model(config)
    N = _n(config, 3000, 15000)
    pr = sample_prompts(in_domain_patterns(), unseen_tasks(), N, 20, 0.8, rng=test_rng(config, 8))
    cur = pruning_curves(res.params, pr, rng=test_rng(config, 8, 1))
    a = ALPHA / (2 * len(_RATES))
    rows, ok, ctrl = {}, True, True
    for i, R in enumerate(_RATES):
        s, r, l_ = cur["small"]["hinge"][i], cur["random"]["hinge"][i], cur["large"]["hinge"][i]
        p1, d1, _ = _paired_less(s, r, a)
        p2, d2, _ = _paired_less(r, l_, a)
        p3, _, _ = _paired_less(l_, s, a)
        ok &= p1 and p2
        ctrl &= not p3
        rows[str(R)] = {"small": float(s.mean()), "random": float(r.mean()), "large": float(l_.mean()),
                        "small<random": p1, "random<large": p2,
                        "err_small": float(cur["small"]["err"][i].mean()),
                        "err_large": float(cur["large"]["err"][i].mean())}
    lg = np.array([cur["large"]["hinge"][i].mean() for i in range(len(_RATES))])
    slope = float(np.polyfit(_RATES, lg, 1)[0])
    grows, _, _ = _paired_less(cur["large"]["hinge"][0], cur["large"]["hinge"][-1], ALPHA)
    ok &= grows
    mags = np.sort(neuron_magnitudes(res.params))
    # Theorem 3 speaks of rows of W_O W_V: the same pruning ranked by those norms (measured, not tested)
    mv = np.sort(neuron_magnitudes(res.params, "WOWV"))
    gap = int(np.argmax(np.diff(mv)))
    by_wowv = {str(R): {o: float(evaluate(prune(res.params, R, o, by="WOWV"), pr)["hinge"].mean())
                        for o in ("small", "large")} for R in _RATES}
    failed = [k for k, v in rows.items() if not (v["small<random"] and v["random<large"])]
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"baseline hinge {cur['baseline']['hinge'].mean():.4f}; at R=0.3: small {rows['0.3']['small']:.4f} / random "
        f"{rows['0.3']['random']:.4f} / large {rows['0.3']['large']:.4f}; at R=0.6: {rows['0.6']['small']:.4f} / "
        f"{rows['0.6']['random']:.4f} / {rows['0.6']['large']:.4f}. "
        + ("Ordering significant at every R." if ok else f"Ordering not significant at R = {', '.join(failed)}."),
        reps=N, seeds={"train_seed": int(config.seed), "test_spawn_key": [8, 0], "prune_spawn_key": [8, 1]},
        measurements={"by_rate": rows, "baseline_hinge": float(cur["baseline"]["hinge"].mean()),
                      "large_first_slope_ols": slope, "large_first_grows": grows,
                      "sorted_WO_row_norms": mags.round(3).tolist(),
                      "hinge_by_WOWV_ranking": by_wowv, "sorted_WOWV_row_norms": mv.round(3).tolist(),
                      "WOWV_largest_gap": {"below": float(mv[gap]), "above": float(mv[gap + 1]),
                                           "fraction_below": (gap + 1) / mv.size}},
        controls=[ControlOutcome("swapped ordering", ctrl, "")],
    )


# ---------------------------------------------------------------------------------------
# C9: larger alpha' tolerates more pruning (Fig. 23) -- not reproduced in the note


@claim(
    id="li2024_nonlinear.c9-pruning-vs-alpha-test", paper=PAPER, label="SLIDES; CHECKED-scratch (not reproduced)",
    statement="Larger alpha' tolerates more magnitude pruning (Fig. 23): the error increase caused by small-first "
              "pruning at R=0.4 is larger at alpha'=0.6 than at alpha'=1.",
    formula="D = [err(0.6, R=0.4) - err(0.6, 0)] - [err(1, R=0.4) - err(1, 0)] > 0; paper scale D ~ 0.02",
    check=CheckKind.TRAINED,
    controls=("'alpha' does not change the unpruned error' must be rejected (shows the test has power at this N)",),
    assumptions="cyclic model of C1; unseen tasks; l_ts=10; magnitude (small-first) pruning. The note did not "
                "reproduce this trend (hinge increase +0.037/+0.042/+0.041 for alpha'=0.6/0.8/1)",
    expected=False,
    note_section="§4, §5 Fig. 23, §6 C9",
    finding="The note's scratch model did not reproduce Fig. 23; the paper's effect probably needs the bimodal "
            "neuron-norm regime (note §6 C9).",
)
def c9_pruning_alpha(config: RunConfig) -> Evidence:
    """C9 [SLIDES]: normal interval on the difference of paired error increases; REFUTED if it excludes 0.02."""
    res = shared_model(config)
    ps = in_domain_patterns()
    N = _n(config, 6000, 30000)
    inc, base, hinge_inc, wowv_inc = {}, {}, {}, {}
    for j, ap in enumerate((0.6, 0.8, 1.0)):
        pr = sample_prompts(ps, unseen_tasks(), N, 10, ap, rng=test_rng(config, 9, j))
        e0 = evaluate(res.params, pr)
        e1 = evaluate(prune(res.params, 0.4, "small"), pr)
        inc[ap] = e1["err"] - e0["err"]
        base[ap] = e0["err"]
        hinge_inc[str(ap)] = float((e1["hinge"] - e0["hinge"]).mean())
        # the bimodal magnitude (rows of W_O W_V), past its small fraction: measured, not tested
        e2 = evaluate(prune(res.params, 0.6, "small", by="WOWV"), pr)
        wowv_inc[str(ap)] = {"err": float((e2["err"] - e0["err"]).mean()),
                             "hinge": float((e2["hinge"] - e0["hinge"]).mean())}
    D = inc[0.6].mean() - inc[1.0].mean()
    se = math.sqrt(inc[0.6].var(ddof=1) / N + inc[1.0].var(ddof=1) / N)
    z = float(stats.norm.ppf(1 - ALPHA / 2))
    lo, hi = D - z * se, D + z * se
    if lo > 0:
        verdict, word = Verdict.CONFIRMED, "reproduced"
    elif hi < 0.02:
        verdict, word = Verdict.REFUTED, "not reproduced (interval excludes the paper-scale effect 0.02)"
    else:
        verdict, word = Verdict.INCONCLUSIVE, "undecided (interval contains both 0 and 0.02)"
    b6, b1 = base[0.6], base[1.0]
    pool = (b6.sum() + b1.sum()) / (2 * N)
    zb = (b6.mean() - b1.mean()) / math.sqrt(max(pool * (1 - pool) * 2 / N, 1e-300))
    return Evidence(
        verdict,
        f"Fig. 23 trend {word}: D = {D:.4f} (interval [{lo:.4f}, {hi:.4f}]); error increases at R=0.4: "
        + ", ".join(f"alpha'={k}: {v.mean():+.4f}" for k, v in inc.items()) + ".",
        estimate=float(D), se=float(se), theory=0.02, reps=N,
        seeds={"train_seed": int(config.seed), "test_spawn_key": [9]},
        measurements={"err_increase": {str(k): float(v.mean()) for k, v in inc.items()},
                      "baseline_err": {str(k): float(v.mean()) for k, v in base.items()},
                      "hinge_increase": hinge_inc, "interval": [lo, hi],
                      "increase_WOWV_small_first_R0.6": wowv_inc},
        controls=[ControlOutcome("baseline independent of alpha'", bool(zb > z),
                                 f"err(0.6)={b6.mean():.4f} vs err(1)={b1.mean():.4f}, z={zb:.1f}")],
    )


# ---------------------------------------------------------------------------------------
# C10: OOD error vs S1 (Theorem 2), construction-dependent


_S1_GRID = (0.5, 0.7, 0.9, 1.1, 1.3)


def ood_errors(params, S1s, construction: str, context_len: int, N: int, *, config: RunConfig, key: int) -> list:
    """Per-S₁ error indicator arrays of OOD prompts (ODR from construction (i)/(ii), α′=0.8)."""
    ps = in_domain_patterns()
    out = []
    for i, S1 in enumerate(S1s):
        ood = ood_patterns(ps, S1, construction=construction)
        pr = sample_prompts(ood, all_tasks(3), N, context_len, 0.8, rng=test_rng(config, key, i))
        out.append(evaluate(params, pr)["err"])
    return out


def trend_z(errs: list, scores) -> float:
    """Cochran–Armitage trend statistic of error indicators over ordered groups (negative: decreasing)."""
    s = np.asarray(scores, float)
    n = np.array([e.size for e in errs], float)
    x = np.array([e.sum() for e in errs], float)
    p = x.sum() / n.sum()
    T = float(np.sum(s * (x - n * p)))
    V = p * (1 - p) * (np.sum(n * s ** 2) - np.sum(n * s) ** 2 / n.sum())
    return T / math.sqrt(V) if V > 0 else 0.0


def _decreasing(errs: list, alpha: float, scores=None) -> tuple[bool, float]:
    """One-sided Cochran–Armitage test that the error decreases over the ordered groups."""
    z = trend_z(errs, np.arange(len(errs)) if scores is None else scores)
    return bool(z < -stats.norm.ppf(1 - alpha)), z


@claim(
    id="li2024_nonlinear.c10-ood-s1", paper=PAPER, label="SLIDES; RECONSTRUCTED; CHECKED-scratch (construction-dependent)",
    statement="Out-of-domain ICL works when ODR patterns correlate positively with the IDR patterns (Theorem 2, "
              "S1 >= 1; Fig. 18). Encoded as the note recommends: under construction (i) "
              "(mu'_j = S1/2 (mu_2j + mu_2j+1)), with a model trained on all 30 tasks, the OOD error at l_ts=20 "
              "decreases in S1 and is below 1% only for S1 >= 1.",
    formula="err(S1) decreasing over S1 in {0.5,...,1.3} (one-sided Cochran-Armitage); CP upper < 0.01 for S1 in {1.1, 1.3}, "
            "CP lower > 0.01 for S1 in {0.5, 0.7, 0.9}",
    check=CheckKind.TRAINED,
    controls=("the swapped trend (error increasing in S1) must fail the same test",
              "construction (ii) (unit-norm combinations) under cyclic training must fail the decreasing test"),
    assumptions="all-task training; alpha'=0.8; ODI = IDI; M1'=3 ODR patterns on disjoint IDR pairs. The trend is "
                "construction-dependent (note §6 caveat to C10)",
    note_section="§1.5, §3.2, §6 C10",
    figure="li2024nl-ood-s1",
    finding="The trend depends on how the out-of-domain patterns are built. When they are unit-norm combinations "
            "of the in-domain patterns (the research note's construction (ii)) and the model is trained on the "
            "cyclic subset of tasks, the out-of-domain error INCREASES with the coefficient sum S1; trained on all "
            "tasks, the error is near 0 for every S1 (li2024_nonlinear.md, section 6, caveat to claim C10).",
)
def c10_ood(config: RunConfig) -> Evidence:
    """C10 [SLIDES]: consecutive two-proportion z-tests and Clopper–Pearson bounds around 1 %."""
    res_all = shared_model(config, "all")
    res_cy = shared_model(config)
    N = _n(config, 6000, 30000)
    errs = ood_errors(res_all.params, _S1_GRID, "i", 20, N, config=config, key=10)
    dec, z_i = _decreasing(errs, ALPHA / 2, _S1_GRID)
    a_cp = ALPHA / len(_S1_GRID)
    thr = all(cp_upper(*_err_stats(e), a_cp) < 0.01 for S1, e in zip(_S1_GRID, errs) if S1 >= 1) and \
        all(cp_lower(*_err_stats(e), a_cp) > 0.01 for S1, e in zip(_S1_GRID, errs) if S1 < 1)
    inc, _ = _decreasing(errs, ALPHA / 2, [-v for v in _S1_GRID])
    errs_ii = ood_errors(res_cy.params, _S1_GRID, "ii", 20, N, config=config, key=11)
    dec_ii, z_ii = _decreasing(errs_ii, ALPHA / 2, _S1_GRID)
    errs_ii_all = ood_errors(res_all.params, _S1_GRID, "ii", 20, N, config=config, key=12)
    errs_i_cy = ood_errors(res_cy.params, _S1_GRID, "i", 20, N, config=config, key=13)
    ok = dec and thr

    def fmt(es):
        return {str(s): float(e.mean()) for s, e in zip(_S1_GRID, es)}

    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        "construction (i), all-task model: err at l=20 = " + ", ".join(f"{e.mean():.4f}" for e in errs)
        + f" for S1 = {_S1_GRID} (Cochran-Armitage z = {z_i:.1f}, decreasing: {dec}; 1% threshold between 0.9 "
        f"and 1.1: {thr}). "
        "CONSTRUCTION-DEPENDENT: construction (ii) with cyclic training gives "
        + ", ".join(f"{e.mean():.4f}" for e in errs_ii) + f" (trend z = {z_ii:+.1f}).",
        reps=N, seeds={"train_seed": int(config.seed), "test_spawn_keys": [10, 11, 12, 13]},
        measurements={"construction_i_all_tasks": fmt(errs), "construction_ii_cyclic": fmt(errs_ii),
                      "construction_ii_all_tasks": fmt(errs_ii_all), "construction_i_cyclic": fmt(errs_i_cy)},
        controls=[ControlOutcome("swapped trend", not inc, ""),
                  ControlOutcome("construction (ii), cyclic training", not dec_ii, str(fmt(errs_ii)))],
    )


# ---------------------------------------------------------------------------------------
# C11: ICL vs classical per-prompt learners at alpha'=0.6 (Fig. 21)


@claim(
    id="li2024_nonlinear.c11-icl-vs-classical", paper=PAPER, label="SLIDES; RECONSTRUCTED",
    statement="At alpha'=0.6 the trained one-layer model beats logistic regression, 1-NN and 3-NN fit on each "
              "prompt's context examples, at every l in {6, 10, 14, 20} (Fig. 21).",
    formula="err_ICL(l) < err_baseline(l), paired one-sided test on the same prompts, Bonferroni over 3 x 4",
    check=CheckKind.TRAINED,
    controls=("the untrained (initial) model must fail to beat the baselines",),
    assumptions="cyclic model of C1; unseen tasks; random sampling; logistic regression with L2 1e-2 (Newton); "
                "Euclidean k-NN [RECONSTRUCTED: the slides do not say how the baselines were fit]",
    note_section="§5 Figs 20-21, §6 C11",
    expected=False,
    finding="Not reproduced in the reconstructed data model: the note never ran C11, and with orthonormal patterns "
            "and |kappa| < 1/2 the per-prompt 1-NN and logistic baselines already reach the error floor (at l = 20: "
            "ICL ~0.014, logistic ~0.001, 1-NN ~0.001). The paper's Fig. 21 presumably used noisier inputs; the "
            "claim is registered as a paper-reported trend that this reconstruction does not show (expected=False).",
)
def c11_classical(config: RunConfig) -> Evidence:
    """C11 [SLIDES]: paired one-sided t-tests on per-prompt 0-1 errors, ICL vs each baseline."""
    res = shared_model(config)
    res_all = shared_model(config, "all")
    ps = in_domain_patterns()
    N = _n(config, 3000, 15000)
    ls = (6, 10, 14, 20)
    a = ALPHA / (3 * len(ls))
    table, ok, ctrl_beats = {}, True, False
    for j, l in enumerate(ls):
        pr = sample_prompts(ps, unseen_tasks(), N, l, 0.6, rng=test_rng(config, 11, j))
        e_icl = evaluate(res.params, pr)["err"]
        e_all = evaluate(res_all.params, pr)["err"]
        e_init = evaluate(res.init, pr)["err"]
        base = {"logistic": (logistic_regression_predict(pr, 30) != pr.z).astype(float),
                "1-NN": (knn_predict(pr, 30, 1) != pr.z).astype(float),
                "3-NN": (knn_predict(pr, 30, 3) != pr.z).astype(float)}
        row = {"ICL": float(e_icl.mean()), "ICL(all-task model)": float(e_all.mean())}
        for name, e in base.items():
            wins, _, _ = _paired_less(e_icl, e, a)
            w0, _, _ = _paired_less(e_init, e, a)
            ok &= wins
            ctrl_beats |= w0
            row[name] = float(e.mean())
            row[f"ICL<{name}"] = wins
        table[str(l)] = row
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        "errors (ICL / logistic / 1-NN / 3-NN): " + "; ".join(
            f"l={l}: {r['ICL']:.4f} / {r['logistic']:.4f} / {r['1-NN']:.4f} / {r['3-NN']:.4f}"
            for l, r in table.items())
        + (". ICL beats every baseline at every l." if ok else
           ". ICL does NOT beat every baseline: on orthogonal patterns with small kappa the nearest context is "
           "almost always a same-pattern one, so 1-NN and logistic regression are strong."),
        reps=N, seeds={"train_seed": int(config.seed), "test_spawn_key": [11]},
        measurements={"by_l": table},
        controls=[ControlOutcome("untrained model", not ctrl_beats, "")],
    )


# ---------------------------------------------------------------------------------------
# C12: the same-pattern-majority floor


@claim(
    id="li2024_nonlinear.c12-majority-floor", paper=PAPER, label="RECONSTRUCTED; CHECKED-scratch",
    statement="Under random sampling no learner that reads only same-pattern contexts can beat the floor "
              "1/2 (1 - alpha'/2)^l (probability that no context shares the query's pattern, times a coin flip); "
              "the trained model's error is not below it.",
    formula="err(alpha', l) >= 1/2 (1 - alpha'/2)^l; tested: CP upper bound on err >= floor at every grid point",
    check=CheckKind.TRAINED,
    controls=("a too-large floor 1/2 (1 - alpha'/2)^(l/2) must be rejected (error significantly below it somewhere)",
              "deterministic prompts (assumption violated: a same-pattern context always present) must go below "
              "the floor somewhere"),
    assumptions="cyclic model of C1; unseen tasks; alpha' in {0.4, 0.6, 0.8}, l in {5, 10}",
    note_section="§1.4, §6 C12",
)
def c12_floor(config: RunConfig) -> Evidence:
    """C12 [RECONSTRUCTED]: one-sided CP bounds against ½(1−α′/2)^l (Bonferroni over the grid)."""
    res = shared_model(config)
    ps = in_domain_patterns()
    N = _n(config, 6000, 30000)
    grid = [(ap, l) for ap in (0.4, 0.6, 0.8) for l in (5, 10)]
    a = ALPHA / len(grid)
    rows, ok, c_wrong, c_det = {}, True, False, False
    for i, (ap, l) in enumerate(grid):
        fl = float(same_pattern_majority_floor(ap, l))
        wrong = 0.5 * (1 - ap / 2) ** (l / 2)
        pr = sample_prompts(ps, unseen_tasks(), N, l, ap, rng=test_rng(config, 12, i))
        e = evaluate(res.params, pr)["err"]
        pd = sample_prompts(ps, unseen_tasks(), N, l, ap, rng=test_rng(config, 12, 100 + i), mode="deterministic")
        ed = evaluate(res.params, pd)["err"]
        ub, ubd = cp_upper(*_err_stats(e), a), cp_upper(*_err_stats(ed), a)
        ok &= ub >= fl
        c_wrong |= ub < wrong
        c_det |= ubd < fl
        none = ~pr.same_mask.any(axis=1)
        rows[f"{ap},{l}"] = {"floor": fl, "err": float(e.mean()), "cp_upper": ub, "wrong_floor": wrong,
                             "err_deterministic": float(ed.mean()), "frac_no_same": float(none.mean()),
                             "err_given_no_same": float(e[none].mean()) if none.any() else None}
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        "err vs floor: " + "; ".join(f"(alpha'={k}) {v['err']:.4f} vs {v['floor']:.4f}" for k, v in rows.items())
        + ". Given no same-pattern context the model errs with probability ~0.7-0.9 (worse than a coin).",
        reps=N, seeds={"train_seed": int(config.seed), "test_spawn_key": [12]},
        measurements={"grid": rows},
        controls=[ControlOutcome("too-large floor (l/2 exponent)", c_wrong, ""),
                  ControlOutcome("deterministic prompts", c_det, "")],
    )
