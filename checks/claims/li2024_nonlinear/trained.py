"""Claims C1–C12 of Li, Wang, Lu, Cui & Chen (2024) (note ``li2024_nonlinear.md`` §6).

Every claim trains (or reuses) the one-layer model of
:mod:`iclverify.checks.simulation.li2024_nonlinear_model` in the note's §6 configuration
[RECONSTRUCTED] and tests a statement of the paper (its source label in ``label``).

Statistics (:mod:`iclverify.checks.statistics.decide`): every test takes its rate from the run's ledger
(:func:`iclverify.checks.statistics.ledger.test_alpha`) and is recorded there; grids are not split further
(each grid point is one recorded test of the ledger's Bonferroni plan).  Inequalities are decided
three ways -- confirmed when the interval lies on the statement's side, refuted when it lies on the
other, INCONCLUSIVE otherwise:

- error rates: Clopper–Pearson intervals over N independent test prompts;
- means and orderings of per-sample values (attention masses, paired per-prompt hinge or error differences,
  cosines over neurons): t intervals, chosen per sample set by :data:`SKEW_RULE`
  (:func:`iclverify.checks.statistics.decide.skew_robust`): Hall's skewness-corrected t on the raw samples where
  |skewness| > 0.5 and n >= 100 (calibrated there, docs/calibration.md; batch means were not), the t rule
  otherwise (calibrated for near-Gaussian samples, and the better choice below n = 100, where Hall's
  noisy skewness estimate costs 3-8x the nominal rate).  Two independent samples of equal size (C9) are
  paired by index for Hall's rule; unequal small samples (C6, C7) keep Welch's t.  Each decision records
  the n and skewness of its sample set (evidence rows and ``measurements.sample_sets``);
- slopes: ordinary least squares with Student-t intervals, or a parametric bootstrap (normal interval)
  where the regressand is itself estimated.

Resolution: each decision states the half-width of its interval relative to the statement's threshold
or stated scale (:attr:`Decision.resolution <iclverify.checks.statistics.decide.Decision.resolution>`);
``Evidence.resolution`` is the largest over the claim's primary decisions, at every training seed.
Every claim sets ``resolution_required``.  These statements are inequalities with thresholds fixed a
priori (eps = 0.02, 0.8, 1/2, 1 %, a floor formula) or orderings, so the required resolution is
:data:`THRESHOLD_RESOLUTION` (10 % quick / 5 % full of the threshold or of the compared quantities'
scale): the check must decide every true value more than that fraction away from the threshold, i.e.
a statement whose threshold were wrong by 10 % (5 %) would have been told apart.  The two slope claims
state their resolution relative to an exponent (``scale_rule`` in their rows): C3 relative to the
claimed exponent |-1|, C4 (a sign claim) relative to Theorem 1's order |-2/3| with
:data:`SIGN_RESOLUTION`.  A claim that cannot reach it is INCONCLUSIVE and its reason gives the
resolution reached (:func:`iclverify.checks.claims.run_claim`).

Negative controls are perturbed statements (a wrong threshold or exponent, a swapped argument) or
violated assumptions (untrained model, shuffled labels, random instead of deterministic prompts),
judged by the claim's own statistic; each carries a counterfactual hook
(:func:`iclverify.checks.claims.counterfactual`) that shows its rejection does not follow from the pass.

Seeds: every claim whose verdict rests on a trained model is decided over several training seeds
(:func:`claim_seeds`: the root seed ``RunConfig.seed`` first, then seeds spawned from it) by
:data:`SEED_RULE`: CONFIRMED only if every primary decision is confirmed at every seed; REFUTED (NOT
REPRODUCED for a reconstructed setting) if one is refuted at any seed; otherwise INCONCLUSIVE.  The
seed counts are :data:`TRAIN_SEEDS_QUICK` / :data:`TRAIN_SEEDS_FULL`, except where a claim says
otherwise (C3 runs one seed at quick scale, where its slope cannot reach the required resolution at
any seed; C4 draws a fresh training seed for each of its runs).  Controls and measurements use the
root seed's models; the test prompts are shared across seeds (each seed's model is judged on the
same prompts).  C6 and C7, whose samples are one model's own parameters (6 + 24 diagonal entries; 64
neurons), are decided by :data:`POOLED_SEED_RULE` instead: one test per statement on the samples pooled
over the claim's training seeds (per-seed values measured, not tested), so their resolution improves with
the number of seeds and not with the prompt count.

Trained models are shared: :func:`~iclverify.checks.simulation.li2024_nonlinear_model.trained_model`
caches one model per (configuration, seed) per process.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from iclverify.checks.statistics import decide
from iclverify.checks.statistics import ledger as _ledger
from iclverify.checks.claims import CheckKind, ControlOutcome, Evidence, RunConfig, Verdict, claim, counterfactual
from iclverify.checks.simulation.li2024_nonlinear_baselines import knn_predict, logistic_regression_predict
from iclverify.checks.simulation.li2024_nonlinear_data import (
    all_tasks, cyclic_tasks, flipped, in_domain_patterns, non_covering_tasks, ood_patterns, sample_prompts,
)
from iclverify.checks.simulation.li2024_nonlinear_model import (
    TrainConfig, evaluate, neuron_magnitudes, prune, train, trained_model,
)
from iclverify.checks.experiments.li2024_nonlinear import (
    BASE_LR, BASE_STEPS, NOTE_LR, NOTE_STEPS, PRUNING_RATES, base_config, errors_by_model, pruning_curves,
    shared_model, test_rng, unseen_tasks,
)
from iclverify.theory.li2024_nonlinear import (
    covers_patterns_and_labels, deterministic_same_count, random_sampling_context_length,
    same_pattern_majority_floor,
)

PAPER = "li2024_nonlinear"
#: The note's §6 threshold for "the error is small" at l_ts = 20 (C3 uses 2 %) [CHECKED-scratch].
EPS = 0.02
#: Training seeds over which a trained-model claim is decided (quick / full).
TRAIN_SEEDS_QUICK, TRAIN_SEEDS_FULL = 3, 8
#: Full-scale seeds of the claims with several primary decisions per seed (C3, C8, C10, C11, C12): 8 seeds
#: would make the full report's primary tests exceed the ledger's plan
#: (:data:`~iclverify.checks.statistics.ledger.PLANNED_PRIMARY_TESTS`).
TRAIN_SEEDS_GRID_FULL = 3
#: Required resolution (quick, full) of a threshold or ordering statement: the interval's half-width relative to
#: the threshold (or the compared quantities' scale).  The thresholds are stated a priori to one significant
#: figure (eps = 0.02, 0.8, 1/2, 1 %); the check must decide a true value 10 % (5 %) of the threshold away from it.
THRESHOLD_RESOLUTION = (0.10, 0.05)
#: Required resolution of C4's sign claim, relative to Theorem 1's order |-2/3|: the check must decide the sign of
#: a slope half (a quarter) of that order.
SIGN_RESOLUTION = (0.50, 0.25)
#: The rule by which a trained-model claim is decided over its training seeds.
SEED_RULE = ("CONFIRMED only if every primary decision is confirmed at every training seed; REFUTED (NOT "
             "REPRODUCED for a reconstructed setting) if one is refuted at any seed; otherwise INCONCLUSIVE")
#: The rule for pooled-seed claims (C6, C7), whose per-seed samples are one trained model's parameters.
POOLED_SEED_RULE = ("one test per statement on the samples pooled over the training seeds' models (entries of "
                    "every model treated as independent draws; the between-seed spread stays in the pooled "
                    "variance, which is conservative for the pooled mean); CONFIRMED only if every pooled test is "
                    "confirmed, REFUTED if one is refuted, otherwise INCONCLUSIVE; per-seed values are measured, "
                    "not tested")
#: Largest skewness of the laws on which Hall's rule was measured (docs/calibration.md: test-set squared errors,
#: skewness about 13, 3.9x the nominal 2e-5; Gamma(1/4), skewness 4, 1.1x).
CALIBRATED_SKEWNESS = 13.0
#: The statistic of every mean or ordering of per-sample values
#: (:func:`iclverify.checks.statistics.decide.skew_robust`).
SKEW_RULE = (f"Hall's skewness-corrected t on the raw samples where |skewness| > {decide.SKEW_LIMIT} and n >= "
             f"{decide.HALL_MIN_N} (calibrated there: 1.1x the nominal 2e-5 on Gamma(1/4) at n = 200, where t on "
             "batch means was 44x; docs/calibration.md); otherwise the t rule (calibrated for near-Gaussian "
             "samples; below n = 100 Hall's noisy skewness estimate costs 3-8x nominal, so small skewed samples "
             "keep t, which is not calibrated for them either: they are flagged with their n and skewness). Hall's "
             f"rule was measured on laws of skewness up to {CALIBRATED_SKEWNESS:g} (3.9x nominal there); sample sets "
             "more skewed than that (a few non-zero values among thousands) are flagged as outside the measured "
             "range")
#: Test prompts (quick, full) behind the per-prompt sample sets of C5, C8, C9 (per alpha') and C11 (per l), so the
#: assumptions text states the counts that run.
C5_PROMPTS, C8_PROMPTS, C9_PROMPTS, C11_PROMPTS = (4000, 20000), (3000, 15000), (10000, 40000), (3000, 15000)

__all__ = ["assumptions_text", "cp_upper", "cp_lower", "ood_errors", "trend_z", "training_seeds", "claim_seeds",
           "seed_verdict", "sample_sets", "THRESHOLD_RESOLUTION", "SIGN_RESOLUTION", "SEED_RULE", "POOLED_SEED_RULE",
           "SKEW_RULE"]


# ---------------------------------------------------------------------------------------
# Shared configuration, models and statistics


def assumptions_text(cfg: TrainConfig | None = None, extra: str = "") -> str:
    """The training settings that actually run, as text (so a claim's assumptions cannot drift from its code)."""
    c = cfg or base_config()
    fields = ", ".join(f"{k}={getattr(c, k)}" for k in ("M1", "M2", "beta", "kappa_max", "m", "alpha", "context_len",
                                                     "batch", "lr", "steps")
                       if hasattr(c, k))
    return f"training: {fields} ({c.tasks} T_tr) [RECONSTRUCTED]" + (f"; {extra}" if extra else "")


def training_seeds(config: RunConfig, n: int) -> list[int]:
    """The root seed first, then ``n - 1`` seeds spawned from it (``SeedSequence(root, spawn_key=(1, k))``)."""
    root = int(config.seed)
    return [root] + [int(np.random.SeedSequence(root, spawn_key=(1, k)).generate_state(1)[0]) for k in range(n - 1)]


def claim_seeds(config: RunConfig, quick: int = TRAIN_SEEDS_QUICK, full: int = TRAIN_SEEDS_FULL) -> list[int]:
    """The training seeds a claim is decided over at this scale (the root seed first, see :func:`training_seeds`)."""
    return training_seeds(config, quick if config.quick else full)


def seed_verdict(decided: list[tuple[bool, bool]], refuted: Verdict = Verdict.REFUTED) -> Verdict:
    """:data:`SEED_RULE` over ``[(all confirmed, any refuted) per seed]``."""
    if decided and all(ok for ok, _ in decided):
        return Verdict.CONFIRMED
    if any(bad for _, bad in decided):
        return refuted
    return Verdict.INCONCLUSIVE


def seed_summary(decided: list[tuple[bool, bool]], seeds: list[int]) -> str:
    """How many seeds confirmed and refuted, for a claim's reason."""
    return (f"over {len(seeds)} training seeds ({SEED_RULE.split(';')[0]}): {sum(ok for ok, _ in decided)} "
            f"confirmed, {sum(bad for _, bad in decided)} refuted")


def _n(config: RunConfig, quick: int, full: int) -> int:
    return quick if config.quick else full


def cp_upper(k: int, n: int, alpha: float | None = None) -> float:
    """One-sided Clopper–Pearson upper bound at level 1 − alpha (default: the ledger's per-test rate)."""
    return decide.cp_upper(k, n, _ledger.test_alpha() if alpha is None else alpha)


def cp_lower(k: int, n: int, alpha: float | None = None) -> float:
    """One-sided Clopper–Pearson lower bound at level 1 − alpha (default: the ledger's per-test rate)."""
    return decide.cp_lower(k, n, _ledger.test_alpha() if alpha is None else alpha)


def _prop(err, thr, side, role="claim", label=""):
    """Ledger-counted Clopper–Pearson decision on error indicators ``err``."""
    err = np.asarray(err)
    return decide.proportion(int(err.sum()), int(err.size), thr, side, role=role, label=label)


def _diag(fn):
    """Run a decision for a counterfactual under the ``diagnostic`` role (it must not spend the budget)."""
    def run(*a, **k):
        k["role"] = "diagnostic"
        return fn(*a, **k)
    return run


def _max_res(decisions) -> float:
    return float(max(d.resolution for d in decisions))


def _robust(x) -> dict:
    """The statistic of :data:`SKEW_RULE` for the sample set ``x`` (keyword arguments of the decide functions)."""
    return decide.skew_robust(x)


def sample_sets(decisions) -> tuple[dict, str]:
    """The n, skewness and statistic of the sample sets behind t-type decisions: a measurements entry and a
    sentence for the claim's reason (computed in the run; Clopper-Pearson and Welch decisions carry no skewness)."""
    by_method: dict = {}
    for d in decisions:
        if d.n and math.isfinite(d.skewness):
            by_method.setdefault(d.method, []).append((d.n, d.skewness))
    meas = {m: {"count": len(v), "n": sorted({n for n, _ in v}), "skewness_min": float(min(g for _, g in v)),
                "skewness_max": float(max(g for _, g in v)),
                # flagged: skewed but too small for Hall (t kept, calibrated for neither), or beyond the measured laws
                "small_and_skewed": sum(n < decide.HALL_MIN_N and abs(g) > decide.SKEW_LIMIT for n, g in v),
                "beyond_measured_skewness": sum(abs(g) > CALIBRATED_SKEWNESS for _, g in v)}
            for m, v in by_method.items()}

    def flags(v):
        out = [f"{v['small_and_skewed']} skewed with n < {decide.HALL_MIN_N} (t kept; calibrated for neither rule)"
               if v["small_and_skewed"] else "",
               f"{v['beyond_measured_skewness']} with |skewness| > {CALIBRATED_SKEWNESS:g} (beyond the laws Hall's "
               "rule was measured on)" if v["beyond_measured_skewness"] else ""]
        return "".join(f"; {f}" for f in out if f)

    text = "; ".join(f"{v['count']} by {m} (n = {', '.join(map(str, v['n']))}; skewness "
                     f"{v['skewness_min']:+.2f} to {v['skewness_max']:+.2f}{flags(v)})" for m, v in meas.items())
    return meas, text


# ---------------------------------------------------------------------------------------
# C1: in-domain generalisation to unseen tasks (Theorem 1)


def _prop_counterfactual(claim_err, thr, side, ctrl_err):
    """Counterfactual of a violated-assumption control judged by the same proportion test on other samples.

    Jointly possible: the control's world producing the claim's own samples would not be rejected; under
    the control: the claim's check on the control's samples.
    """
    def passes(e):
        return _diag(_prop)(e, thr, side).confirmed

    def rejected(e):
        return not passes(e)

    return counterfactual(passes, rejected, jointly=lambda: (claim_err, claim_err), under_control=lambda: ctrl_err,
                          detail=f"claim and control judged by the Clopper-Pearson test 'err {side} {thr}'")


@claim(
    id="li2024_nonlinear.c1-unseen-task-generalization", paper=PAPER, label="SLIDES; CHECKED-scratch",
    statement="Trained on the M1 cyclic tasks (6 of 30, covering every pattern and label), the model "
              "classifies prompts of the 24 unseen tasks with small error (Theorem 1), for every training seed "
              "tried.",
    formula="Pr[sign F != z] <= eps on T \\ T_tr (alpha'=0.8, l_ts=20; eps = 0.02 stated a priori), Clopper-Pearson "
            f"at each of {TRAIN_SEEDS_QUICK} (quick) / {TRAIN_SEEDS_FULL} (full) training seeds",
    check=CheckKind.TRAINED,
    controls=("untrained model (initialisation) must fail the same error bound",
              "context labels shuffled within each prompt (no in-context information) must fail it"),
    assumptions=assumptions_text(extra=f"random test sampling; decided over {TRAIN_SEEDS_QUICK} (quick) / "
                                       f"{TRAIN_SEEDS_FULL} (full) training seeds: CONFIRMED only if confirmed "
                                       "at every seed, REFUTED/NOT REPRODUCED if refuted at any"),
    note_section="§3.1, §6 C1", resolution_required=THRESHOLD_RESOLUTION,
    finding=f"Training is not always in the ICL regime: with the note's lr {NOTE_LR} / {NOTE_STEPS} steps, 2 of 16 "
            "seeds (including the default root seed) fit the 6 training tasks in-weights (training error 0, "
            f"unseen-task error ~0.27, attention not concentrating). The shared model uses lr {BASE_LR} / "
            f"{BASE_STEPS} steps; measurements.training_runs records the note's configuration at the same seeds.",
)
def c1_unseen_tasks(config: RunConfig) -> Evidence:
    """C1 [SLIDES]+[CHECKED-scratch]: Clopper–Pearson decision on the unseen-task error ≤ ε, at every training seed."""
    ps = in_domain_patterns()
    # N: the Clopper-Pearson half-width at err <= 0.012 is below 10 % of eps at 60000 prompts, 5 % at 240000
    N = _n(config, 60000, 240000)
    seeds = claim_seeds(config)
    errs = errors_by_model([trained_model(base_config(), sd).params for sd in seeds], ps, unseen_tasks(), N, 20, 0.8,
                           rng=test_rng(config, 1, 2))
    per_seed, decisions = {}, []
    for sd, e in zip(seeds, errs):
        dec = _prop(e, EPS, "below", label=f"unseen-task error, training seed {sd}")
        decisions.append(dec)
        per_seed[str(sd)] = {"err": float(e.mean()), "cp_interval": [dec.lo, dec.hi], "confirmed": dec.confirmed,
                             "refuted": dec.refuted}
    # controls and measurements at the root seed's model, on 4000 (quick) / 20000 (full) prompts
    Nc = _n(config, 4000, 20000)
    pr = sample_prompts(ps, unseen_tasks(), Nc, 20, 0.8, rng=test_rng(config, 1))
    res = shared_model(config)
    ev = evaluate(res.params, pr)
    by_ap = {}
    for j, ap in enumerate((1.0, 0.8, 0.6)):
        e = evaluate(res.params, sample_prompts(ps, unseen_tasks(), Nc, 20, ap, rng=test_rng(config, 1, 10 + j)))
        by_ap[f"alpha'={ap}"] = {"err": float(e["err"].mean()), "hinge": float(e["hinge"].mean())}
    e0 = evaluate(res.init, pr)["err"]
    pr_shuf = sample_prompts(ps, unseen_tasks(), Nc, 20, 0.8, rng=test_rng(config, 1, 1), shuffle_labels=True)
    es = evaluate(res.params, pr_shuf)["err"]
    d0 = _prop(e0, EPS, "below", role="control", label="untrained model")
    ds = _prop(es, EPS, "below", role="control", label="shuffled labels")
    # the note's own lr 0.5 / 1500 steps at the same seeds: measured, not tested (the failure mode)
    runs = {f"note_lr{NOTE_LR}_seed_{sd}": float(evaluate(trained_model(base_config(lr=NOTE_LR, steps=NOTE_STEPS), sd)
                                                          .params, pr)["err"].mean()) for sd in seeds[:1]}
    e_root = errs[0]
    controls = [
        ControlOutcome("untrained model", d0.refuted, d0.text,
                       counterfactual=_prop_counterfactual(e_root, EPS, "below", e0)),
        ControlOutcome("shuffled context labels", ds.refuted, ds.text,
                       counterfactual=_prop_counterfactual(e_root, EPS, "below", es)),
    ]
    if all(d.confirmed for d in decisions):
        verdict = Verdict.CONFIRMED
    elif any(d.refuted for d in decisions):
        verdict = Verdict.NOT_REPRODUCED
    else:
        verdict = Verdict.INCONCLUSIVE
    errs = ", ".join(f"{v['err']:.4f}" for v in per_seed.values())
    return Evidence(
        verdict,
        f"unseen-task error at {len(seeds)} training seeds: {errs} (Clopper-Pearson at the ledger's per-test rate vs "
        f"eps={EPS}: {sum(d.confirmed for d in decisions)} confirmed, {sum(d.refuted for d in decisions)} refuted"
        + ("; our reconstruction's training failed the statement at some seed" if verdict is Verdict.NOT_REPRODUCED
           else "") + ").",
        theory=EPS, estimate=float(np.mean([d.estimate for d in decisions])), reps=N,
        seeds={"train_seed": int(config.seed), "train_seeds": seeds, "test_spawn_key": [1, 2],
               "control_spawn_key": [1, 0]},
        measurements={"per_seed": per_seed, "err_root_seed": float(e_root.mean()),
                      "hinge_root_seed": float(ev["hinge"].mean()), "by_alpha_test": by_ap, "seed_rule": SEED_RULE,
                      "train_steps": res.steps_run, "final_train_ema_loss": float(res.history["ema"][-1]),
                      "training_runs": runs,
                      "resolution_rule": "half-width of the Clopper-Pearson interval relative to max(eps, error)"},
        comparisons=[d.row(f"seed {sd}") for d, sd in zip(decisions, seeds)],
        resolution=_max_res(decisions),
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
    assumptions=assumptions_text(base_config("non_covering"),
                                 "non-covering T_tr = {(a,b): a in {0,1,2}, b in {3,4,5}}; decided over "
                                 f"{TRAIN_SEEDS_QUICK} (quick) / {TRAIN_SEEDS_FULL} (full) training seeds of the "
                                 "non-covering model: " + SEED_RULE),
    note_section="§1.3, §3.1 (1), §6 C2", resolution_required=THRESHOLD_RESOLUTION,
)
def c2_coverage(config: RunConfig) -> Evidence:
    """C2 [SLIDES]: violated coverage → flipped-task error above ½ (Clopper–Pearson decision)."""
    nc = non_covering_tasks(6)
    covers_nc, covers_cyc = covers_patterns_and_labels(nc, 6), covers_patterns_and_labels(cyclic_tasks(6), 6)
    res_nc = shared_model(config, "non_covering")
    res_cy = shared_model(config)
    ps = in_domain_patterns()
    N = _n(config, 4000, 20000)
    pr_flip = sample_prompts(ps, flipped(nc), N, 20, 0.8, rng=test_rng(config, 2))
    pr_same = sample_prompts(ps, nc, N, 20, 0.8, rng=test_rng(config, 2, 1))
    seeds = claim_seeds(config)
    flips = [evaluate(trained_model(base_config("non_covering"), sd).params, pr_flip)["err"] for sd in seeds]
    decs = [_prop(e, 0.5, "above", label=f"flipped tasks, non-covering model, training seed {sd}")
            for sd, e in zip(seeds, flips)]
    e_flip = flips[0]
    e_same = evaluate(res_nc.params, pr_same)["err"]
    e_cov = evaluate(res_cy.params, pr_flip)["err"]
    d_cov = _prop(e_cov, 0.5, "above", role="control", label="covering model on flipped tasks")
    d_same = _prop(e_same, 0.5, "above", role="control", label="non-covering model, training orientation")
    controls = [
        ControlOutcome("covering model on flipped tasks", d_cov.refuted, d_cov.text,
                       counterfactual=_prop_counterfactual(e_flip, 0.5, "above", e_cov)),
        ControlOutcome("non-covering model, training orientation", d_same.refuted, d_same.text,
                       counterfactual=_prop_counterfactual(e_flip, 0.5, "above", e_same)),
    ]
    design = not covers_nc and covers_cyc
    decided = [(d.confirmed, d.refuted) for d in decs]
    verdict = seed_verdict(decided, Verdict.NOT_REPRODUCED)
    if verdict is Verdict.CONFIRMED and not design:
        verdict = Verdict.INCONCLUSIVE
    return Evidence(
        verdict,
        f"non-covering T_tr (covers={covers_nc}): flipped-task error "
        + ", ".join(f"{e.mean():.4f}" for e in flips) + f" at training seeds {seeds} (Clopper-Pearson vs 1/2, "
        f"{seed_summary(decided, seeds)}); the covering T_tr reaches {e_cov.mean():.4f} on the same tasks.",
        estimate=float(e_flip.mean()), reps=int(e_flip.size),
        seeds={"train_seed": int(config.seed), "train_seeds": seeds, "test_spawn_key": [2, 0]},
        measurements={"err_flipped_noncovering": float(e_flip.mean()), "err_same_orientation": float(e_same.mean()),
                      "err_flipped_covering": float(e_cov.mean()), "covers(non_covering)": covers_nc,
                      "covers(cyclic)": covers_cyc},
        comparisons=[d.row(f"flipped tasks, seed {sd}") for d, sd in zip(decs, seeds)],
        resolution=_max_res(decs),
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
    assumptions=assumptions_text(extra="alpha' in {0.4,0.5,0.6,0.8,1}; l grid 2..60 step 2 (quick), 2..80 (full); "
                                       "parametric bootstrap of the per-cell binomial errors; one training seed "
                                       f"(quick) / {TRAIN_SEEDS_GRID_FULL} (full): " + SEED_RULE),
    note_section="§1.4, §3.1, §6 C3", resolution_required=THRESHOLD_RESOLUTION,
)
def c3_context_length(config: RunConfig) -> Evidence:
    """C3 [SLIDES]: (a) bootstrap interval on the log–log slope of l*(α′); (b) deterministic prompts at l=⌈1/α′⌉."""
    ps = in_domain_patterns()
    unseen = unseen_tasks()
    N = _n(config, 2000, 8000)
    ls = _L_GRID_QUICK if config.quick else np.arange(2, 82, 2)
    # one seed at quick scale: the slope's resolution (~90 % of |-1|) cannot reach the requirement at any seed there
    seeds = claim_seeds(config, 1, TRAIN_SEEDS_GRID_FULL)
    models = [trained_model(base_config(), sd).params for sd in seeds]
    k_err = np.zeros((len(seeds), len(_ALPHA_TESTS), ls.size), dtype=int)
    for i, ap in enumerate(_ALPHA_TESTS):
        for j, l in enumerate(ls):
            for s_, e in enumerate(errors_by_model(models, ps, unseen, N, int(l), ap,
                                                   rng=test_rng(config, 3, 100 * i + j))):
                k_err[s_, i, j] = int(e.sum())
    la = np.log(np.array(_ALPHA_TESTS))

    def slope_ok(fit, exponent, role):
        s_, se_ = fit
        z = float(stats.norm.ppf(1 - _ledger.test_alpha(role) / 2))
        inside = s_ - z * se_ <= exponent <= s_ + z * se_
        _ledger.record("bootstrap slope interval", not inside, role=role, label=f"exponent {exponent}")
        return inside, (s_ - z * se_, s_ + z * se_)

    per_seed, rows, decided = {}, [], []
    lstar_root = None
    for s_, sd in enumerate(seeds):
        p_hat = k_err[s_] / N
        lstar = np.array([_last_crossing(p_hat[i], ls, EPS) for i in range(len(_ALPHA_TESTS))])
        lstar_root = lstar if lstar_root is None else lstar_root
        info = {"l_star": dict(zip(map(str, _ALPHA_TESTS), lstar.tolist()))}
        if not np.all(np.isfinite(lstar)):
            info["never_reached"] = {str(a): float(p_hat[i, -1]) for i, a in enumerate(_ALPHA_TESTS)
                                     if not np.isfinite(lstar[i])}
            per_seed[str(sd)] = info
            decided.append((False, True))  # the premise (some l suffices) failed at this seed
            continue
        slope = float(np.polyfit(la, np.log(lstar), 1)[0])
        boot_rng = test_rng(config, 3, 99999 + s_)
        B = 1000 if config.quick else 4000
        sl = []
        for _ in range(B):
            pb = boot_rng.binomial(N, p_hat) / N
            lb_ = np.array([_last_crossing(pb[i], ls, EPS) for i in range(len(_ALPHA_TESTS))])
            if np.all(np.isfinite(lb_)):
                sl.append(np.polyfit(la, np.log(lb_), 1)[0])
        se = float(np.std(sl, ddof=1))
        ok_a, (lo, hi) = slope_ok((slope, se), -1.0, "claim")
        # resolution of the exponent: the smallest relative error of the exponent -1 rejected on both sides
        res_a = max(hi + 1.0, -1.0 - lo) / 1.0
        info.update({"slope": slope, "slope_se_boot": se, "slope_interval": [lo, hi], "bootstrap_reps": len(sl),
                     "slope_resolution": res_a,
                     "alpha_l_star": dict(zip(map(str, _ALPHA_TESTS), (np.array(_ALPHA_TESTS) * lstar).tolist()))})
        per_seed[str(sd)] = info
        rows.append({"point": f"(a) log-log slope, seed {sd}", "theory": -1.0, "estimate": slope,
                     "interval": [lo, hi], "resolution": res_a, "passed": bool(ok_a), "role": "claim",
                     "method": "parametric bootstrap slope, normal interval",
                     "scale_rule": "smallest exponent error rejected on both sides, relative to |exponent| = 1"})
        decided.append((ok_a, not ok_a))
    meas = {"per_seed": per_seed, "seed_rule": SEED_RULE,
            "floor_length(eps=0.02)": {str(a): random_sampling_context_length(a, EPS) for a in _ALPHA_TESTS},
            "floor_length_slope": float(np.polyfit(la, np.log([random_sampling_context_length(a, EPS)
                                                              for a in _ALPHA_TESTS]), 1)[0]),
            "resolution_rule": "slope: smallest exponent error rejected on both sides, relative to |-1|; (b): "
                               "Clopper-Pearson half-width relative to eps"}
    root = per_seed[str(seeds[0])]
    controls = []
    if "slope" in root:
        slope, se, (lo, hi) = root["slope"], root["slope_se_boot"], root["slope_interval"]
        for wrong in (-0.5, -2.0):
            inside, _ = slope_ok((slope, se), wrong, "control")

            def passes(fit, _e=-1.0):
                return _diag_slope_inside(fit, _e)

            def rejected(fit, _w=wrong):
                return not _diag_slope_inside(fit, _w)

            mid, half = (wrong - 1.0) / 2, abs(wrong + 1.0)
            controls.append(ControlOutcome(
                f"exponent {wrong}", not inside, f"interval [{lo:.3f}, {hi:.3f}] (root seed)",
                counterfactual=counterfactual(passes, rejected, jointly=lambda m=mid, h=half: ((m, h),) * 2,
                                              under_control=lambda w=wrong: (w, se),
                                              detail="slope and bootstrap SE: a wide interval around the midpoint "
                                                     "contains both; the claim's interval moved to the control's "
                                                     "slope excludes -1")))
    # (b) deterministic construction, every seed's model on the same prompts
    det, rnd = {}, {}
    ctrl_b = True
    Nb = _n(config, 2000, 10000)
    dec_b, rnd_errs, det_errs = [], [], []
    ok_b_seed = [True] * len(seeds)
    bad_b_seed = [False] * len(seeds)
    for i, ap in enumerate(_ALPHA_TESTS):
        l = int(math.ceil(1 / ap - 1e-12))
        eds = errors_by_model(models, ps, unseen, Nb, l, ap, rng=test_rng(config, 3, 5000 + i), mode="deterministic")
        pr = sample_prompts(ps, unseen, Nb, l, ap, rng=test_rng(config, 3, 6000 + i))
        er = evaluate(models[0], pr)["err"]
        dr = _prop(er, EPS, "below", role="control", label=f"random sampling, alpha'={ap}, l={l}")
        for s_, (sd, ed) in enumerate(zip(seeds, eds)):
            dd = _prop(ed, EPS, "below", label=f"deterministic, alpha'={ap}, l={l}, seed {sd}")
            dec_b.append(dd)
            ok_b_seed[s_] &= dd.confirmed
            bad_b_seed[s_] |= dd.refuted
        det_errs.append(eds[0])
        rnd_errs.append(er)
        det[str(ap)] = {"l": l, "same_count": deterministic_same_count(ap, l),
                        "err_by_seed": [float(e.mean()) for e in eds]}
        rnd[str(ap)] = {"l": l, "err": float(er.mean()), "cp_interval": [dr.lo, dr.hi]}
        ctrl_b &= dr.refuted
    meas.update({"deterministic": det, "random_same_l": rnd})
    e_det_all, e_rnd_all = np.concatenate(det_errs), np.concatenate(rnd_errs)
    controls.append(ControlOutcome("random sampling at l=ceil(1/alpha')", ctrl_b,
                                   "errors " + ", ".join(f"{k}: {v['err']:.3f}" for k, v in rnd.items()),
                                   counterfactual=_prop_counterfactual(e_det_all, EPS, "below", e_rnd_all)))
    decided = [(a_ok and b_ok, a_bad or b_bad) for (a_ok, a_bad), b_ok, b_bad in zip(decided, ok_b_seed, bad_b_seed)]
    never = {sd: v["never_reached"] for sd, v in per_seed.items() if "never_reached" in v}
    if never:
        verdict = Verdict.NOT_REPRODUCED
        reason = (f"the trained model never reached err <= {EPS} up to l = {int(ls[-1])} at training seed(s) "
                  f"{', '.join(never)} (error at the largest l: {never}): our reconstruction fails Theorem 1 (2)'s "
                  "premise that some context length suffices")
    else:
        verdict = seed_verdict(decided)
        reason = ("(a) slope of log l* on log alpha': " + "; ".join(
            f"seed {sd}: {v['slope']:.3f}, interval [{v['slope_interval'][0]:.3f}, {v['slope_interval'][1]:.3f}] "
            f"({'contains' if v['slope_interval'][0] <= -1 <= v['slope_interval'][1] else 'excludes'} -1; alpha' l* "
            "= " + ", ".join(f"{x:.1f}" for x in v["alpha_l_star"].values()) + ")" for sd, v in per_seed.items())
            + f"; (b) deterministic err at l=ceil(1/alpha') max "
            f"{max(max(v['err_by_seed']) for v in det.values()):.4f} ({sum(d.confirmed for d in dec_b)} of "
            f"{len(dec_b)} confirmed <= {EPS}); {seed_summary(decided, seeds)}.")
    meas.update({"l_star": {str(a): float(x) for a, x in zip(_ALPHA_TESTS, lstar_root)}})
    if "slope" in root:
        meas.update({"slope": root["slope"], "slope_interval": root["slope_interval"]})
    rows += [d.row(d.text.split(":")[0]) for d in dec_b]
    return Evidence(verdict, reason, estimate=root.get("slope"), theory=-1.0,
                    seeds={"train_seed": int(config.seed), "train_seeds": seeds, "test_spawn_key": [3]},
                    measurements=meas, comparisons=rows,
                    resolution=max([r["resolution"] for r in rows]) if rows else None, controls=controls)


def _rescaled(x, lo: float, hi: float, **stat) -> np.ndarray:
    """Counterfactual data: ``x`` moved and stretched so that its interval (t, or Hall's with ``statistic="hall"``:
    both are equivariant under increasing affine maps) is ``[lo, hi]``."""
    x = np.asarray(x, float)
    d = decide.mean_vs(x, 0.0, "above", role="diagnostic", **stat)
    k = (hi - lo) / max(d.hi - d.lo, 1e-300)
    return lo + k * (x - d.lo)  # the interval is affine-equivariant: it maps [d.lo, d.hi] onto [lo, hi]


def _diag_slope_inside(fit, exponent) -> bool:
    """Counterfactual helper: is ``exponent`` inside the normal interval of ``fit = (slope, se)`` (diagnostic)?"""
    s_, se_ = fit
    z = float(stats.norm.ppf(1 - _ledger.test_alpha("diagnostic") / 2))
    inside = s_ - z * se_ <= exponent <= s_ + z * se_
    _ledger.record("bootstrap slope interval", not inside, role="diagnostic", label="counterfactual")
    return inside


# ---------------------------------------------------------------------------------------
# C4: iterations decrease with alpha (T ∝ alpha^{-2/3} is an upper-bound order)


@claim(
    id="li2024_nonlinear.c4-iterations-vs-alpha", paper=PAPER, label="SLIDES; SECONDARY; CHECKED-scratch",
    statement="Training needs fewer iterations for larger alpha (Theorem 1 (3): T = Theta(alpha^{-2/3}) suffices). "
              "Only the sign of the log-log slope is tested; the exponent -2/3 is an upper-bound order.",
    formula="slope of log T_stop on log alpha < 0 (T_stop: EMA of batch hinge < 0.05)",
    check=CheckKind.TRAINED,
    controls=("wrong exponent: T proportional to alpha^-2 (slope -2, three times Theorem 1's order) must fall "
              "outside the slope's interval",),
    assumptions=assumptions_text(base_config(steps=5000, stop_loss=0.05),
                                 "alpha in {0.4, 0.6, 0.8, 1}; 4 training seeds per alpha (quick), 8 (full), each "
                                 "run at its own seed, so the slope is already an average over training seeds; "
                                 "T_stop: first step whose EMA of the batch hinge is below 0.05 (cap 5000)"),
    note_section="§3.1, §6 C4", resolution_required=SIGN_RESOLUTION,
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
    x, y = np.array(xs), np.array(ys)
    slope, se, lo, hi, dof = decide.slope_interval(x, y)
    ok, bad = hi < 0, lo > 0
    _ledger.record("slope t interval", bad, role="claim", label="slope < 0")
    wrong = -2.0
    ctrl = not (lo <= wrong <= hi)
    _ledger.record("slope t interval", ctrl, role="control", label="slope -2")
    resid = y - (np.polyval(np.polyfit(x, y, 1), x))

    def passes(data):
        return decide.slope_interval(*data, role="diagnostic")[3] < 0

    def rejected(data):
        _, _, lo_, hi_, _ = decide.slope_interval(*data, role="diagnostic")
        return not (lo_ <= wrong <= hi_)

    def synthetic(sl, noise=1.0):
        # the claim's own design and residuals, with the slope replaced (and the residuals scaled by ``noise``)
        return x, float(np.mean(y)) + sl * (x - x.mean()) + noise * resid

    # both possible: residuals rescaled to an interval of half-width 1 around -1.5, i.e. [-2.5, -0.5].  Data with
    # slope -2 would pass the one-sided claim (the control lies inside its region), so there is no under-control run.
    scale_to_unit = 1.0 / max((hi - lo) / 2, 1e-12)
    cf = counterfactual(passes, rejected, jointly=lambda: (synthetic(-1.5, scale_to_unit),) * 2,
                        detail="synthetic log T over the claim's design and residuals: slope -1.5, residuals scaled "
                               "to an interval [-2.5, -0.5] (contains -2, excludes 0)")
    controls = [ControlOutcome("slope -2", ctrl, f"interval [{lo:.3f}, {hi:.3f}]", counterfactual=cf)]
    # resolution of the sign claim: the interval's half-width relative to the theorem's order |-2/3|
    res = (hi - lo) / 2 / (2 / 3)
    return Evidence(
        Verdict.CONFIRMED if ok else (Verdict.REFUTED if bad else Verdict.INCONCLUSIVE),
        f"slope {slope:.3f} +/- {se:.3f} (t interval [{lo:.3f}, {hi:.3f}], df={dof}); -2/3 "
        f"{'inside' if lo <= -2 / 3 <= hi else 'outside'} the interval (not tested: upper-bound order)"
        + ("" if ok or bad else "; the interval contains 0: too few training runs at this scale to decide the sign")
        + ".",
        estimate=slope, se=se, theory=-2 / 3, reps=len(xs),
        seeds={"root": int(config.seed), "spawn_keys": "(4, alpha index, seed index)"},
        measurements={"steps": table, "median_steps": {k: float(np.median(v)) for k, v in table.items()},
                      "slope_interval": [lo, hi],
                      "resolution_rule": "slope: half-width of the t interval relative to |-2/3|"},
        comparisons=[{"point": "log-log slope", "theory": 0.0, "estimate": slope, "interval": [lo, hi],
                      "resolution": res, "passed": bool(ok), "refuted": bool(bad), "role": "claim",
                      "method": "OLS slope, t",
                      "scale_rule": "half-width of the slope's t interval relative to Theorem 1's order |-2/3| "
                                    "(a sign claim: the smallest slope, as a fraction of that order, whose sign the "
                                    "same runs decide)"}],
        resolution=res,
        controls=controls,
    )


# ---------------------------------------------------------------------------------------
# C5: attention concentrates on same-pattern contexts (Proposition 1)


@claim(
    id="li2024_nonlinear.c5-attention-concentration", paper=PAPER, label="SLIDES; CHECKED-scratch",
    statement="During training the attention mass on contexts sharing the query's pattern rises from about their "
              "fraction (~alpha/2) to a large value (Proposition 1; Fig. 9: 0.42 -> 1.0). Threshold 0.8 is the "
              "note's stated expectation for this model (the hinge loss reaches 0 and gradients stop before 1). "
              "Tested: the trained value exceeds 0.8; the initial value is measured, not tested.",
    formula="mean A_same(trained) > 0.8 on training-distribution prompts; A_same(init) ~ fraction of same contexts",
    check=CheckKind.TRAINED,
    controls=("the initial model must fail the A_same > 0.8 test",
              "wrong coefficient: full concentration A_same >= 0.99 (Fig. 9's end point 1.0, which the hinge loss's "
              "vanishing gradients do not reach) must be rejected by the same t interval"),
    assumptions=assumptions_text(extra=f"prompts from T_tr with alpha=0.8, l=20; per-prompt A_same of {C5_PROMPTS[0]} "
                                       f"(quick) / {C5_PROMPTS[1]} (full) prompts, one-sided interval by " + SKEW_RULE
                                       + " (the per-prompt masses are left-skewed; n and skewness of every "
                                       "sample set are in the evidence); decided over "
                                       f"{TRAIN_SEEDS_QUICK} (quick) / {TRAIN_SEEDS_FULL} (full) training seeds: "
                                       + SEED_RULE),
    note_section="§3.3, §6 C5", resolution_required=THRESHOLD_RESOLUTION,
    figure="li2024_nonlinear-attention",
)
def c5_attention(config: RunConfig) -> Evidence:
    """C5 [SLIDES]: one-sided t lower bound on mean A_same after training > 0.8."""
    res = shared_model(config)
    ps = in_domain_patterns()
    N = _n(config, *C5_PROMPTS)
    pr = sample_prompts(ps, cyclic_tasks(6), N, 20, 0.8, rng=test_rng(config, 5))
    seeds = claim_seeds(config)
    a_seed = [evaluate(trained_model(base_config(), sd).params, pr)["attn_same"] for sd in seeds]
    decs = [decide.mean_vs(a, 0.8, "above", label=f"A_same(trained) > 0.8, seed {sd}", **_robust(a))
            for a, sd in zip(a_seed, seeds)]
    a1, dec = a_seed[0], decs[0]
    a0 = evaluate(res.init, pr)["attn_same"]
    frac = pr.same_mask.mean(axis=1)
    # the controls are judged by the claim's own rule on their samples (SKEW_RULE)
    d0 = decide.mean_vs(a0, 0.8, "above", role="control", label="A_same(init) > 0.8", **_robust(a0))
    dfull = decide.mean_vs(a1, 0.99, "above", role="control", label="A_same(trained) >= 0.99", **_robust(a1))
    sets, sets_text = sample_sets(decs)
    lb1 = dec.lo
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
    def passes(x):
        return decide.mean_vs(x, 0.8, "above", role="diagnostic", **_robust(x)).confirmed

    controls = [ControlOutcome("initial model", d0.refuted, d0.text,
                               counterfactual=counterfactual(passes, lambda x: not passes(x),
                                                             jointly=lambda: (a1, a1), under_control=lambda: a0,
                                                             detail="the initial model producing the trained "
                                                                    "model's attention would pass")),
                ControlOutcome("full concentration A_same >= 0.99", dfull.refuted, dfull.text,
                               counterfactual=counterfactual(
                                   passes, lambda x: decide.mean_vs(x, 0.99, "above", role="diagnostic",
                                                                    **_robust(x)).refuted,
                                   jointly=lambda: (_rescaled(a1, 0.805, 0.995, **_robust(a1)),) * 2,
                                   detail="the trained samples rescaled to an interval [0.805, 0.995]: > 0.8 "
                                          "confirmed and >= 0.99 not rejected"))]
    decided = [(d.confirmed, d.refuted) for d in decs]
    h = res.history
    return Evidence(
        seed_verdict(decided),
        f"A_same {a0.mean():.3f} at init (same-pattern fraction {frac.mean():.3f}) -> "
        + ", ".join(f"{a.mean():.3f}" for a in a_seed) + f" after {res.steps_run} steps at training seeds {seeds}; "
        f"root seed interval [{dec.lo:.3f}, {dec.hi:.3f}] ({dec.method}) vs 0.8; {seed_summary(decided, seeds)}; "
        f"per-prompt sample sets: {sets_text}.",
        comparisons=[d.row(f"A_same(trained), seed {sd}") for d, sd in zip(decs, seeds)], resolution=_max_res(decs),
        estimate=float(a1.mean()), theory=0.8, reps=N,
        seeds={"train_seed": int(config.seed), "train_seeds": seeds, "test_spawn_key": [5, 0]},
        measurements={"sample_sets": sets, "skew_rule": SKEW_RULE,
                      "A_same_init": float(a0.mean()), "same_fraction": float(frac.mean()),
                      "A_same_trained": float(a1.mean()), "lower_bound": lb1,
                      "A_same_unseen_tasks_by_alpha_test": test_by_ap,
                      "include_query_variant": query_variant,
                      "training_curve": {"step": h["log_step"][::10].tolist(),
                                         "A_same": np.round(h["attn_same"][::10], 4).tolist()}},
        controls=controls,
    )


# ---------------------------------------------------------------------------------------
# C6: W_Q, W_K project onto the relevant patterns (Proposition 1)


@claim(
    id="li2024_nonlinear.c6-qk-projects-relevant", paper=PAPER, label="SLIDES; CHECKED-scratch",
    statement="After training the diagonal of W_Q^T W_K weights the relevant (IDR) coordinates above the "
              "irrelevant (IDI) ones (mean difference decided by a Welch interval over the trained models) and its "
              "IDR mean exceeds every label entry at every training seed (Proposition 1; Fig. 8).  How far above "
              "is measured, not tested.",
    formula="mean diag(W_Q^T W_K)[IDR] > mean diag[IDI] (Welch one-sided, entries pooled over the training seeds' "
            "models), and > the label entry at every seed",
    check=CheckKind.TRAINED,
    controls=("the initial W_Q^T W_K = delta^2 I must fail the test",
              "swapped argument: W_Q^T W_K projects onto the mean pattern mu_bar (rank one on the IDR block: "
              "off-diagonal IDR entries as large as the diagonal) must be rejected by the same Welch test"),
    assumptions=assumptions_text(extra=f"{TRAIN_SEEDS_QUICK} (quick) / {TRAIN_SEEDS_FULL} (full) training seeds, "
                                       "decided by the pooled-seed rule: " + POOLED_SEED_RULE + ". The samples "
                                       f"are the 6 IDR and 24 IDI diagonal entries of each model "
                                       f"({6 * TRAIN_SEEDS_QUICK} + {24 * TRAIN_SEEDS_QUICK} quick, "
                                       f"{6 * TRAIN_SEEDS_FULL} + {24 * TRAIN_SEEDS_FULL} "
                                       "full): one model's entries cannot reach the required resolution (each "
                                       "seed's own resolution is measured in the evidence), so the resolution "
                                       "improves with the number of seeds, not the scale. Welch's t (unequal "
                                       "groups, the IDR group below n = 100, where Hall's rule is not calibrated; "
                                       "the IDI entries are nearly constant); the controls pool the same way. The "
                                       "label entry condition is a per-seed comparison of measured values, not a test"),
    note_section="§3.3, §6 C6", resolution_required=THRESHOLD_RESOLUTION,
)
def c6_qk(config: RunConfig) -> Evidence:
    """C6 [SLIDES]: Welch test on the diagonal of W_QᵀW_K, IDR block vs IDI block, pooled over training seeds."""
    res = shared_model(config)
    M1, M2 = 6, 24

    def blocks(p):
        dg = np.diag(p.WQ.T @ p.WK)
        W = p.WQ.T @ p.WK
        return dg[:M1], dg[M1:M1 + M2], dg[M1 + M2:], W[:M1, :M1][~np.eye(M1, dtype=bool)]

    seeds = claim_seeds(config)
    per_seed, above_label, parts, init_parts = {}, [], [], []
    for sd in seeds:
        r_ = trained_model(base_config(), sd)
        i_, j_, l_, o_ = blocks(r_.params)
        parts.append((i_, j_, l_, o_))
        init_parts.append(blocks(r_.init))
        above_label.append(bool(i_.mean() > l_.max()))
        per_seed[str(sd)] = {"IDR_mean": float(i_.mean()), "IDI_mean": float(j_.mean()), "label_max": float(l_.max()),
                             "IDR_above_label": above_label[-1], "offdiag_IDR_mean": float(o_.mean())}
    idr, idi, lab, off = (np.concatenate([p_[k] for p_ in parts]) for k in range(4))
    i0, j0 = (np.concatenate([p_[k] for p_ in init_parts]) for k in range(2))
    seeds_txt = ", ".join(map(str, seeds))
    dec = decide.welch_greater(idr, idi, label=f"diag IDR > diag IDI, pooled over seeds {seeds_txt}")
    verdict = (Verdict.CONFIRMED if dec.confirmed and all(above_label) else
               Verdict.REFUTED if dec.refuted or not all(above_label) else Verdict.INCONCLUSIVE)
    d0 = decide.welch_greater(i0, j0, role="control", label="initial W_Q^T W_K (pooled)")
    drank1 = decide.welch_greater(idr, off, role="control", label="diag IDR > off-diagonal IDR (pooled)")

    def passes(data):
        x, y, lb = data[:3]
        return decide.welch_greater(x, y, role="diagnostic").confirmed and x.mean() > lb.max()

    cf0 = counterfactual(passes, lambda d: not passes(d), jointly=lambda: ((idr, idi, lab),) * 2,
                         under_control=lambda: (i0, j0, lab),
                         detail="the initial matrices equal to the trained ones would pass")
    cf1 = counterfactual(passes, lambda d: decide.welch_greater(d[0], d[3], role="diagnostic").confirmed,
                         jointly=lambda: ((idr, idi, lab, idr.copy()),) * 2,
                         detail="rank-one IDR blocks (off-diagonal = diagonal entries) pass the claim and are not "
                                "rejected")
    # per-seed Welch intervals: measured, not tested (one model's 6 + 24 entries; the diagnostic role spends nothing)
    for sd, (i_, j_, _, _) in zip(seeds, parts):
        d_ = decide.welch_greater(i_, j_, role="diagnostic", label=f"seed {sd}")
        per_seed[str(sd)].update({"welch_interval": [d_.lo, d_.hi], "resolution": d_.resolution})
    # Fig. 8: share of ||W_Q p_q|| along the query's relevant pattern
    ps = in_domain_patterns()
    pr = sample_prompts(ps, unseen_tasks(), 1000, 20, 0.8, rng=test_rng(config, 6))
    qv = pr.tokens[:, -1, :] @ res.params.WQ.T
    along = np.abs(qv[np.arange(pr.n), pr.patterns[:, -1]]) / np.linalg.norm(qv, axis=1)
    return Evidence(
        verdict,
        f"diag(W_Q^T W_K) pooled over {len(seeds)} training seeds ({idr.size} IDR, {idi.size} IDI entries): IDR "
        f"{idr.mean():.3f} vs IDI {idi.mean():.4f}, Welch interval of the difference [{dec.lo:.3f}, {dec.hi:.3f}] "
        f"(resolution {dec.resolution:.1%}; one seed's entries alone reach "
        + ", ".join(f"{v['resolution']:.0%}" for v in per_seed.values()) + "); IDR mean above the largest label "
        f"entry at {sum(above_label)} of {len(seeds)} seeds; IDR mean by seed "
        + ", ".join(f"{v['IDR_mean']:.3f}" for v in per_seed.values())
        + f"; off-diagonal IDR mean {off.mean():.3f}. Rule: {POOLED_SEED_RULE.split(' (')[0]}. Welch groups: IDR n = "
        f"{idr.size}, skewness {decide.skewness(idr):+.2f}; IDI n = {idi.size}, skewness {decide.skewness(idi):+.2f} "
        f"(below n = {decide.HALL_MIN_N}: Welch's t kept).",
        comparisons=[dec.row(dec.text.split(":")[0])],
        resolution=dec.resolution,
        estimate=float(idr.mean()),
        seeds={"train_seed": int(config.seed), "train_seeds": seeds},
        measurements={"per_seed": per_seed, "seed_rule": POOLED_SEED_RULE, "pooled_n": [int(idr.size), int(idi.size)],
                      "sample_sets": {"welch": {"n": [int(idr.size), int(idi.size)],
                                                "skewness": [decide.skewness(idr), decide.skewness(idi)]}},
                      "diag_IDR": idr.tolist(), "diag_IDI_mean": float(idi.mean()), "diag_label": lab.tolist(),
                      "offdiag_IDR_mean": float(off.mean()), "offdiag_IDR_min": float(off.min()),
                      "query_norm_share_along_pattern": float(along.mean())},
        controls=[ControlOutcome("initial W_Q^T W_K", d0.refuted, f"IDR {i0.mean():.4f} vs IDI {j0.mean():.4f}",
                                 counterfactual=cf0),
                  ControlOutcome("projects onto mu_bar (rank one)", drank1.confirmed, drank1.text,
                                 counterfactual=cf1)],
    )


# ---------------------------------------------------------------------------------------
# C7: MLP neurons read the label embedding with the sign of a_i (Proposition 2)


@claim(
    id="li2024_nonlinear.c7-mlp-label-neurons", paper=PAPER, label="SLIDES; CHECKED-scratch",
    statement="Rows of W_O W_V (Proposition 2; Figs 10-11), as far as tested: among the learned neurons (label "
              "part |.| > half the largest, the note's definition) more than half have a label part of the sign of "
              "a_i, and their feature parts have a positive mean cosine with the mean IDR pattern mu_bar; over all "
              "neurons the label part is larger for a_i > 0 than for a_i < 0.  Measured, not tested: the share that "
              "agrees, the size of the cosine, and that the other neurons stay near initialisation.",
    formula="neurons pooled over the training seeds' models: learned neurons #{sign(label part) = sign(a_i)} "
            "one-sided binomial vs 1/2; mean cos(feature part, mu_bar) > 0 (one-sided t or Hall); label part(a>0) > "
            "label part(a<0) over all neurons (Welch, or Hall on index-paired samples)",
    check=CheckKind.TRAINED,
    controls=("the initial model must fail the sign-agreement test",
              "swapped argument: the learned neurons' feature part is aligned with a single pattern mu_1 rather "
              "than the mean mu_bar (cos with mu_1 at least cos with mu_bar) must be rejected by a paired t interval"),
    assumptions=assumptions_text(extra="bimodality of the row norms is measured, not tested (the note did not "
                                       f"reproduce it); {TRAIN_SEEDS_QUICK} (quick) / {TRAIN_SEEDS_FULL} (full) "
                                       "training seeds, decided by the pooled-seed rule: " + POOLED_SEED_RULE
                                       + ". The samples are each model's m = 64 neurons (learned neurons for the "
                                       "sign and cosine tests, all neurons split by the sign of a_i for the label "
                                       "parts): one model's neurons cannot reach the required resolution (each "
                                       "seed's own resolution is measured in the evidence), so the resolution "
                                       "improves with the number of seeds, not "
                                       "the scale; pooled, the three tests are three ledger tests at any seed count. "
                                       "Sign test: Clopper-Pearson on the pooled counts; cosine and label-part "
                                       "tests: " + SKEW_RULE + " (the pooled cosines are left-skewed; n and "
                                       "skewness in the evidence); the controls pool the same way"),
    note_section="§3.4, §6 C7", resolution_required=THRESHOLD_RESOLUTION,
)
def c7_mlp(config: RunConfig) -> Evidence:
    """C7 [SLIDES]: binomial sign test and t-tests over the learned neurons, pooled over training seeds."""
    res = shared_model(config)
    M1, dx = 6, 30
    mu_bar = np.zeros(dx)
    mu_bar[:M1] = 1.0 / M1

    def stats_of(p, sign=1.0):
        R = p.WO @ p.WV
        lab = R[:, dx]
        big = np.abs(lab) > 0.5 * np.abs(lab).max()
        agree = int(np.sum(np.sign(lab[big]) == sign * np.sign(p.a[big])))
        pval = float(stats.binom.sf(agree - 1, int(big.sum()), 0.5))  # reported only; the decision is sign_test
        feat = R[:, :dx]
        cos = feat @ mu_bar / (np.linalg.norm(feat, axis=1) * np.linalg.norm(mu_bar))
        return agree, int(big.sum()), pval, cos, lab, R, big

    seeds = claim_seeds(config)
    per_seed, pooled, pooled_init = {}, {"agree": 0, "n": 0, "cos": [], "cos1": [], "pos": [], "neg": []}, [0, 0]
    for sd in seeds:
        r_ = trained_model(base_config(), sd)
        p_ = r_.params
        ag_, nb_, _, cos_, lab_, R_, big_ = stats_of(p_)
        f_ = R_[big_, :dx]
        pooled["agree"] += ag_
        pooled["n"] += nb_
        pooled["cos"].append(cos_[big_])
        pooled["cos1"].append(f_[:, 0] / np.linalg.norm(f_, axis=1))
        pooled["pos"].append(lab_[p_.a > 0])
        pooled["neg"].append(lab_[p_.a < 0])
        a0_, n0_, *_ = stats_of(r_.init)
        pooled_init[0] += a0_
        pooled_init[1] += n0_
        per_seed[str(sd)] = {"n_learned": nb_, "agree_learned": ag_, "mean_cos_mu_bar": float(cos_[big_].mean()),
                             "mean_label_part_pos": float(lab_[p_.a > 0].mean()),
                             "mean_label_part_neg": float(lab_[p_.a < 0].mean())}
    cb, cos1, lp, ln = (np.concatenate(pooled[k]) for k in ("cos", "cos1", "pos", "neg"))
    agree, nbig = pooled["agree"], pooled["n"]
    seeds_txt = ", ".join(map(str, seeds))
    d_sign = decide.sign_test(agree, nbig, label=f"sign(label part) = sign(a_i), learned neurons, pooled over seeds "
                                                 f"{seeds_txt}")
    d_cos = decide.mean_vs(cb, 0.0, "above", scale=1.0, label=f"cos(feature part, mu_bar) > 0, pooled over seeds "
                                                               f"{seeds_txt}", **_robust(cb))
    d_grp = decide.welch_greater(lp, ln, label=f"label part a>0 vs a<0, pooled over seeds {seeds_txt}",
                                 **_robust(lp - ln))
    decs = [d_sign, d_cos, d_grp]
    verdict = seed_verdict([(all(d.confirmed for d in decs), any(d.refuted for d in decs))])
    rows = [d.row(d.text.split(":")[0]) for d in decs]
    # per-seed decisions: measured, not tested (diagnostic role: one model's neurons cannot reach the resolution)
    for sd, c_, pos_, neg_ in zip(seeds, pooled["cos"], pooled["pos"], pooled["neg"]):
        v = per_seed[str(sd)]
        v["resolution_one_seed"] = max(decide.sign_test(v["agree_learned"], v["n_learned"],
                                                        role="diagnostic").resolution,
                                       decide.mean_vs(c_, 0.0, "above", scale=1.0, role="diagnostic").resolution,
                                       decide.welch_greater(pos_, neg_, role="diagnostic").resolution)
    a0, n0 = pooled_init
    d_init = decide.sign_test(a0, n0, role="control", label="initial models' sign agreement (pooled)")
    d_mu1 = decide.paired_less(cos1, cb, role="control", scale=1.0, label="cos(f, mu_1) < cos(f, mu_bar) (pooled)",
                               **_robust(cos1 - cb))
    sets, sets_text = sample_sets(decs + [d_mu1])

    def passes(c):
        return decide.mean_vs(c[1], 0.0, "above", scale=1.0, role="diagnostic", **_robust(c[1])).confirmed

    def mu1_rejected(c):
        return decide.paired_less(c[0], c[1], scale=1.0, role="diagnostic", **_robust(c[0] - c[1])).confirmed

    cf_mu1 = counterfactual(passes, mu1_rejected,
                            jointly=lambda: ((np.ones_like(cb), np.full_like(cb, 1 / math.sqrt(6))),) * 2,
                            detail=f"feature parts equal to mu_1 ({cb.size} neurons): cos(f, mu_bar) = "
                                   "1/sqrt(6) > 0 passes, and mu_1 alignment is not rejected")

    def sign_passes(c):
        return decide.sign_test(*c, role="diagnostic").confirmed

    cf_init = counterfactual(sign_passes, lambda c: not sign_passes(c), jointly=lambda: ((agree, nbig),) * 2,
                             under_control=lambda: (a0, n0),
                             detail="the initial models with the trained models' agreement counts would pass")
    _, _, _, cos_root, lab, R, _ = stats_of(res.params)
    all_agree = int(np.sum(np.sign(lab) == np.sign(res.params.a)))
    norms = np.linalg.norm(R, axis=1)
    return Evidence(
        verdict,
        f"pooled over {len(seeds)} training seeds: {nbig} learned neurons, {agree} with a label part of the sign of "
        f"a_i (Clopper-Pearson [{d_sign.lo:.3f}, {d_sign.hi:.3f}] vs 1/2, resolution {d_sign.resolution:.1%}); "
        f"mean cos(feature, mu_bar) = {cb.mean():.3f} [{d_cos.lo:.3f}, {d_cos.hi:.3f}] (vs cos with mu_1 "
        f"{cos1.mean():.3f}; resolution {d_cos.resolution:.1%}); mean label part {lp.mean():+.3f} (a>0) vs "
        f"{ln.mean():+.3f} (a<0), difference [{d_grp.lo:.3f}, {d_grp.hi:.3f}] (resolution {d_grp.resolution:.1%}); "
        "one seed alone reaches " + ", ".join(f"{v['resolution_one_seed']:.0%}" for v in per_seed.values())
        + f". Sample sets: {sets_text}; label-part groups ({d_grp.method}): n = {lp.size} and {ln.size}, skewness "
        f"{decide.skewness(lp):+.2f} and {decide.skewness(ln):+.2f}. Root seed: over all {lab.size} neurons only "
        f"{all_agree} agree (the rest stay "
        "near initialisation).",
        estimate=agree / max(nbig, 1), reps=nbig,
        seeds={"train_seed": int(config.seed), "train_seeds": seeds},
        measurements={"per_seed": per_seed, "seed_rule": POOLED_SEED_RULE,
                      "sample_sets": {**sets, "label_part_groups": {
                          "method": d_grp.method, "n": [int(lp.size), int(ln.size)],
                          "skewness": [decide.skewness(lp), decide.skewness(ln)]}},
                      "skew_rule": SKEW_RULE, "n_learned": nbig, "agree_learned": agree, "agree_all_root": all_agree,
                      "mean_label_part_pos": float(lp.mean()), "mean_label_part_neg": float(ln.mean()),
                      "welch_interval_groups": [d_grp.lo, d_grp.hi], "mean_cos_feature_mu1_learned": float(cos1.mean()),
                      "mean_cos_feature_mu_bar_learned": float(cb.mean()),
                      "mean_cos_feature_mu_bar_all_root": float(cos_root.mean()),
                      "row_norm_quantiles_root": np.quantile(norms, [0, .1, .25, .5, .75, .9, 1]).round(3).tolist()},
        comparisons=rows, resolution=max(r["resolution"] for r in rows),
        controls=[ControlOutcome("initial model", not d_init.confirmed,
                                 f"{a0}/{n0} agree", counterfactual=cf_init),
                  ControlOutcome("aligned with mu_1, not mu_bar", d_mu1.confirmed, d_mu1.text, counterfactual=cf_mu1)],
    )


# ---------------------------------------------------------------------------------------
# C8: pruning curves (Theorem 3)

@claim(
    id="li2024_nonlinear.c8-pruning-order", paper=PAPER, label="SLIDES; CHECKED-scratch",
    statement="Pruning W_O rows by magnitude: small-first hurts least, large-first most, random in between, at each "
              "R in {0.1, ..., 0.6}, and the large-first loss at R = 0.6 exceeds that at R = 0.1 (Theorem 3; "
              "Fig. 22). Metric: hinge loss (the 0-1 error barely moves).",
    formula="hinge(small, R) < hinge(random, R) < hinge(large, R) for R in {0.1..0.6}; hinge(large, 0.6) > "
            "hinge(large, 0.1) (paired one-sided t-tests)",
    check=CheckKind.TRAINED,
    controls=("wrong coefficient: small-first pruning is lossless up to R = 0.6 (hinge(small, 0.6) = unpruned "
              "hinge) must be rejected by the same paired interval",),
    assumptions=assumptions_text(extra="unseen tasks, alpha'=0.8, l_ts=20; random pruning averaged over 5 draws; "
                                       f"paired intervals on the per-prompt hinge differences of the same "
                                       f"{C8_PROMPTS[0]} (quick) / {C8_PROMPTS[1]} (full) prompts by "
                                       + SKEW_RULE + " (n and skewness of "
                                       "each difference set are in the evidence), each of the "
                                       "2 x 6 order tests and the growth test one ledger test; decided over "
                                       f"{TRAIN_SEEDS_QUICK} (quick) / {TRAIN_SEEDS_GRID_FULL} (full) training "
                                       "seeds: " + SEED_RULE),
    note_section="§4, §6 C8", resolution_required=THRESHOLD_RESOLUTION,
    figure="li2024_nonlinear-pruning",
    finding="Ranked by rows of W_O W_V (Theorem 3's magnitude) instead of W_O, the norms split at a gap (~42 % "
            "small) and small-first pruning is lossless up to that fraction (measurements.hinge_by_WOWV_ranking).",
)
def c8_pruning(config: RunConfig) -> Evidence:
    """C8 [SLIDES]: paired one-sided t-tests of the pruning order at each R (Bonferroni)."""
    res = shared_model(config)
    N = _n(config, *C8_PROMPTS)
    pr = sample_prompts(in_domain_patterns(), unseen_tasks(), N, 20, 0.8, rng=test_rng(config, 8))
    seeds = claim_seeds(config, TRAIN_SEEDS_QUICK, TRAIN_SEEDS_GRID_FULL)
    decs, decided, rows, cur = [], [], {}, None
    for k, sd in enumerate(seeds):
        cur_ = pruning_curves(trained_model(base_config(), sd).params, pr, rng=test_rng(config, 8, 1 + k))
        ds_ = []
        for i, R in enumerate(PRUNING_RATES):
            s, r, l_ = cur_["small"]["hinge"][i], cur_["random"]["hinge"][i], cur_["large"]["hinge"][i]
            d1 = decide.paired_less(s, r, label=f"small < random, R={R}, seed {sd}", **_robust(s - r))
            d2 = decide.paired_less(r, l_, label=f"random < large, R={R}, seed {sd}", **_robust(r - l_))
            ds_ += [d1, d2]
            if k == 0:
                rows[str(R)] = {"small": float(s.mean()), "random": float(r.mean()), "large": float(l_.mean()),
                                "small<random": d1.confirmed, "random<large": d2.confirmed,
                                "err_small": float(cur_["small"]["err"][i].mean()),
                                "err_large": float(cur_["large"]["err"][i].mean())}
        g0, g6 = cur_["large"]["hinge"][0], cur_["large"]["hinge"][-1]
        ds_.append(decide.paired_less(g0, g6, label=f"large-first grows, seed {sd}", **_robust(g0 - g6)))
        decs += ds_
        decided.append((all(d.confirmed for d in ds_), any(d.refuted for d in ds_)))
        cur = cur or cur_
    verdict = seed_verdict(decided)
    lg = np.array([cur["large"]["hinge"][i].mean() for i in range(len(PRUNING_RATES))])
    slope = float(np.polyfit(PRUNING_RATES, lg, 1)[0])
    grows = decs[len(PRUNING_RATES) * 2].confirmed
    base_h, small6 = cur["baseline"]["hinge"], cur["small"]["hinge"][-1]
    # control: "lossless" = no increase; rejected when the paired interval puts the unpruned hinge below the pruned one
    d_ctrl = decide.paired_less(base_h, small6, role="control", label="unpruned < small-first at R=0.6",
                                **_robust(base_h - small6))

    def passes(c):  # the claim's own paired statistic
        return decide.paired_less(c[0], c[1], role="diagnostic", **_robust(c[0] - c[1])).confirmed

    def lossless_rejected(c):
        return decide.paired_less(c[2], c[0], role="diagnostic", **_robust(c[2] - c[0])).confirmed

    cf = counterfactual(passes, lossless_rejected,
                        jointly=lambda: ((base_h, cur["random"]["hinge"][-1], base_h.copy()),) * 2,
                        detail="small-first hinge at R=0.6 equal to the unpruned hinge (lossless) still passes "
                               "small < random at R=0.6, and the lossless statement is then not rejected")
    mags = np.sort(neuron_magnitudes(res.params))
    # Theorem 3 speaks of rows of W_O W_V: the same pruning ranked by those norms (measured, not tested)
    mv = np.sort(neuron_magnitudes(res.params, "WOWV"))
    gap = int(np.argmax(np.diff(mv)))
    by_wowv = {str(R): {o: float(evaluate(prune(res.params, R, o, by="WOWV"), pr)["hinge"].mean())
                        for o in ("small", "large")} for R in PRUNING_RATES}
    failed = sorted({d.text.split(":")[0] for d in decs if not d.confirmed})
    sets, sets_text = sample_sets(decs)
    return Evidence(
        verdict,
        f"baseline hinge {cur['baseline']['hinge'].mean():.4f}; at R=0.3: small {rows['0.3']['small']:.4f} / random "
        f"{rows['0.3']['random']:.4f} / large {rows['0.3']['large']:.4f}; at R=0.6: {rows['0.6']['small']:.4f} / "
        f"{rows['0.6']['random']:.4f} / {rows['0.6']['large']:.4f}. "
        + (f"Root seed shown; {seed_summary(decided, seeds)}"
           + ("." if not failed else f"; not confirmed: {', '.join(failed)}."))
        + f" Paired per-prompt hinge differences: {sets_text}.",
        reps=N, seeds={"train_seed": int(config.seed), "train_seeds": seeds, "test_spawn_key": [8, 0],
                       "prune_spawn_key": "[8, 1 + seed index]"},
        measurements={"sample_sets": sets, "skew_rule": SKEW_RULE,
                      "by_rate": rows, "baseline_hinge": float(cur["baseline"]["hinge"].mean()),
                      "large_first_slope_ols": slope, "large_first_grows": grows,
                      "sorted_WO_row_norms": mags.round(3).tolist(),
                      "hinge_by_WOWV_ranking": by_wowv, "sorted_WOWV_row_norms": mv.round(3).tolist(),
                      "WOWV_largest_gap": {"below": float(mv[gap]), "above": float(mv[gap + 1]),
                                           "fraction_below": (gap + 1) / mv.size}},
        comparisons=[d.row(d.text.split(":")[0]) for d in decs], resolution=_max_res(decs),
        controls=[ControlOutcome("small-first lossless up to R=0.6", d_ctrl.confirmed, d_ctrl.text,
                                 counterfactual=cf)],
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
    assumptions=assumptions_text(extra="unseen tasks; l_ts=10; magnitude (small-first) pruning. The note did not "
                                       "reproduce this trend (hinge increase +0.037/+0.042/+0.041 for "
                                       f"alpha'=0.6/0.8/1); D from independent prompt sets of {C9_PROMPTS[0]} (quick) "
                                       f"/ {C9_PROMPTS[1]} "
                                       "(full) per alpha', its interval by " + SKEW_RULE + " (Hall's rule on the "
                                       "index-paired per-prompt increases, Welch's t otherwise; n and skewness in "
                                       "the evidence); decided over "
                                       f"{TRAIN_SEEDS_QUICK} (quick) / {TRAIN_SEEDS_FULL} (full) training seeds: "
                                       + SEED_RULE + " (refuted: the interval excludes the paper-scale 0.02)"),
    expected=False, resolution_required=THRESHOLD_RESOLUTION,
    not_reproduced_in="li2024_nonlinear.md §6 C9 (hinge increase +0.037/+0.042/+0.041 for alpha'=0.6/0.8/1)",
    note_section="§4, §5 Fig. 23, §6 C9",
    finding="The note's scratch model did not reproduce Fig. 23; the paper's effect probably needs the bimodal "
            "neuron-norm regime (note §6 C9).",
)
def c9_pruning_alpha(config: RunConfig) -> Evidence:
    """C9 [SLIDES]: normal interval on the difference of paired error increases; REFUTED if it excludes 0.02."""
    res = shared_model(config)
    ps = in_domain_patterns()
    # N: the Welch half-width is 10 % of the paper-scale effect 0.02 at ~10000 prompts per alpha'
    N = _n(config, *C9_PROMPTS)
    seeds = claim_seeds(config)
    prompts = {ap: sample_prompts(ps, unseen_tasks(), N, 10, ap, rng=test_rng(config, 9, j))
               for j, ap in enumerate((0.6, 0.8, 1.0))}
    inc, base, hinge_inc, wowv_inc = {}, {}, {}, {}
    for ap, pr in prompts.items():
        e0 = evaluate(res.params, pr)
        e1 = evaluate(prune(res.params, 0.4, "small"), pr)
        inc[ap] = e1["err"] - e0["err"]
        base[ap] = e0["err"]
        hinge_inc[str(ap)] = float((e1["hinge"] - e0["hinge"]).mean())
        # the bimodal magnitude (rows of W_O W_V), past its small fraction: measured, not tested
        e2 = evaluate(prune(res.params, 0.6, "small", by="WOWV"), pr)
        wowv_inc[str(ap)] = {"err": float((e2["err"] - e0["err"]).mean()),
                             "hinge": float((e2["hinge"] - e0["hinge"]).mean())}
    def diff_interval(x6, x1, role):
        # interval on the difference of the mean increases (independent prompt sets of equal size per alpha'):
        # Welch's t, or Hall's t on the index-paired differences where those are skewed (SKEW_RULE)
        return decide.welch_greater(x6, x1, role=role, scale=0.02, label="D = inc(0.6) - inc(1)",
                                    **_robust(x6 - x1))

    decs, decided, D_by_seed = [], [], {}
    for sd in seeds:
        p_ = trained_model(base_config(), sd).params
        pp = prune(p_, 0.4, "small")
        inc_ = {ap: evaluate(pp, prompts[ap])["err"] - evaluate(p_, prompts[ap])["err"] for ap in (0.6, 1.0)}
        d_ = decide.welch_greater(inc_[0.6], inc_[1.0], role="claim", scale=0.02,
                                  label=f"D = inc(0.6) - inc(1), seed {sd}", **_robust(inc_[0.6] - inc_[1.0]))
        below_ = d_.hi < 0.02
        _ledger.record(d_.method, below_, role="claim", label=f"D >= 0.02 (paper-scale effect), seed {sd}")
        decs.append(d_)
        decided.append((d_.confirmed, below_))
        D_by_seed[str(sd)] = {"D": d_.estimate, "interval": [d_.lo, d_.hi]}
    dD = decs[0]
    D, lo, hi = dD.estimate, dD.lo, dD.hi
    verdict = seed_verdict(decided)
    word = {Verdict.CONFIRMED: "reproduced at every seed",
            Verdict.REFUTED: "not reproduced (some seed's interval excludes the paper-scale effect 0.02)"}.get(
        verdict, "undecided (an interval contains both 0 and 0.02)")
    b6, b1 = base[0.6], base[1.0]
    d_base = decide.welch_greater(b6, b1, role="control", label="baseline err(0.6) > err(1)", **_robust(b6 - b1))
    sets, sets_text = sample_sets(decs + [d_base])

    def passes(c):
        return diff_interval(c[0], c[1], "diagnostic").confirmed

    def base_rejected(c):
        return decide.welch_greater(c[2], c[3], role="diagnostic", **_robust(c[2] - c[3])).confirmed

    cf = counterfactual(passes, base_rejected,
                        jointly=lambda: ((inc[1.0] + 0.05, inc[1.0], b1, b1.copy()),) * 2,
                        detail="increases at alpha'=0.6 shifted up by 0.05 pass D > 0 while the baselines are equal")
    return Evidence(
        verdict,
        f"Fig. 23 trend {word}: D = " + ", ".join(f"{v['D']:.4f} [{v['interval'][0]:.4f}, {v['interval'][1]:.4f}]"
                                                   for v in D_by_seed.values())
        + f" at training seeds {seeds} ({decs[0].method}); {seed_summary(decided, seeds)}; per-prompt sample sets "
        f"(index-paired error increases; the control's baseline errors): {sets_text}; root seed's error "
        "increases at R=0.4: " + ", ".join(f"alpha'={k}: {v.mean():+.4f}" for k, v in inc.items()) + ".",
        estimate=float(D), theory=0.02, reps=N,
        seeds={"train_seed": int(config.seed), "train_seeds": seeds, "test_spawn_key": [9]},
        measurements={"sample_sets": sets, "skew_rule": SKEW_RULE,
                      "D_by_seed": D_by_seed, "err_increase": {str(k): float(v.mean()) for k, v in inc.items()},
                      "baseline_err": {str(k): float(v.mean()) for k, v in base.items()},
                      "hinge_increase": hinge_inc, "interval": [lo, hi],
                      "increase_WOWV_small_first_R0.6": wowv_inc},
        comparisons=[d.row(f"D, seed {sd}") for d, sd in zip(decs, seeds)], resolution=_max_res(decs),
        controls=[ControlOutcome("baseline independent of alpha'", d_base.confirmed,
                                 f"err(0.6)={b6.mean():.4f} vs err(1)={b1.mean():.4f}, interval "
                                 f"[{d_base.lo:.4f}, {d_base.hi:.4f}]", counterfactual=cf)],
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


def ood_errors_by_model(params_list, S1s, construction: str, context_len: int, N, *, config: RunConfig,
                        key: int) -> list:
    """:func:`ood_errors` of several models on the same prompts: one list of per-S₁ arrays per model.

    ``N`` is one prompt count or one per S₁."""
    ps = in_domain_patterns()
    Ns = [int(N)] * len(S1s) if np.isscalar(N) else [int(n) for n in N]
    per_s1 = [errors_by_model(params_list, ood_patterns(ps, S1, construction=construction), all_tasks(3), n,
                              context_len, 0.8, rng=test_rng(config, key, i)) for i, (S1, n) in enumerate(zip(S1s, Ns))]
    return [[per_s1[i][k] for i in range(len(S1s))] for k in range(len(params_list))]


def trend_z(errs: list, scores) -> float:
    """Cochran–Armitage trend statistic of error indicators over ordered groups (negative: decreasing)."""
    s = np.asarray(scores, float)
    n = np.array([e.size for e in errs], float)
    x = np.array([e.sum() for e in errs], float)
    p = x.sum() / n.sum()
    T = float(np.sum(s * (x - n * p)))
    V = p * (1 - p) * (np.sum(n * s ** 2) - np.sum(n * s) ** 2 / n.sum())
    return T / math.sqrt(V) if V > 0 else 0.0


def _decreasing(errs: list, scores=None, *, role: str = "claim", label: str = "") -> tuple[bool, float]:
    """One-sided Cochran–Armitage test that the error decreases over the ordered groups (ledger-counted;
    each side at half the per-test rate).  Records ``rejected`` when the trend is significantly increasing."""
    z = trend_z(errs, np.arange(len(errs)) if scores is None else scores)
    crit = float(stats.norm.ppf(1 - _ledger.test_alpha(role) / 2))
    _ledger.record("cochran-armitage", bool(z > crit), role=role, label=label)
    return bool(z < -crit), z


@claim(
    id="li2024_nonlinear.c10-ood-s1", paper=PAPER, label="SLIDES; RECONSTRUCTED; "
                                                         "CHECKED-scratch (construction-dependent)",
    statement="Out-of-domain ICL works when ODR patterns correlate positively with the IDR patterns (Theorem 2, "
              "S1 >= 1; Fig. 18). Encoded as the note recommends: under construction (i) "
              "(mu'_j = S1/2 (mu_2j + mu_2j+1)), with a model trained on all 30 tasks, the OOD error at l_ts=20 "
              "decreases in S1 and is below 1% only for S1 >= 1, on the grid S1 in {0.5, 0.7, 0.9, 1.1, 1.3}.",
    formula="err(S1) decreasing over S1 in {0.5,...,1.3} (one-sided Cochran-Armitage); CP upper < 0.01 for S1 in "
            "{1.1, 1.3}, CP lower > 0.01 for S1 in {0.5, 0.7, 0.9}",
    check=CheckKind.TRAINED,
    controls=("construction (ii) (unit-norm combinations) under cyclic training must fail the decreasing test",),
    assumptions=assumptions_text(base_config("all"),
                                 "alpha'=0.8; ODI = IDI; M1'=3 ODR patterns on disjoint IDR pairs. The trend is "
                                 "construction-dependent (note §6 caveat to C10); decided over "
                                 f"{TRAIN_SEEDS_QUICK} (quick) / {TRAIN_SEEDS_GRID_FULL} (full) training seeds of the "
                                 "all-task model: " + SEED_RULE),
    note_section="§1.5, §3.2, §6 C10", resolution_required=THRESHOLD_RESOLUTION,
    figure="li2024_nonlinear-ood-s1",
    finding="The trend depends on how the out-of-domain patterns are built. When they are unit-norm combinations "
            "of the in-domain patterns (the research note's construction (ii)) and the model is trained on the "
            "cyclic subset of tasks, the out-of-domain error INCREASES with the coefficient sum S1; trained on all "
            "tasks, the error is near 0 for every S1 (li2024_nonlinear.md, section 6, caveat to claim C10).",
)
def c10_ood(config: RunConfig) -> Evidence:
    """C10 [SLIDES]: Cochran–Armitage trend over S₁ and Clopper–Pearson decisions around 1 %."""
    res_all = shared_model(config, "all")
    res_cy = shared_model(config)
    # N per S1: the Clopper-Pearson half-width relative to max(1 %, err) is below 10 % (quick) / 5 % (full) at each
    # S1 (measured errors ~0.26, 0.10, 0.03, 0.003, 0.0002; the errors near the threshold need the most prompts)
    N = tuple(n * (1 if config.quick else 4) for n in (20000, 40000, 200000, 80000, 40000))
    Nm = _n(config, 6000, 30000)  # control and measurements
    seeds = claim_seeds(config, TRAIN_SEEDS_QUICK, TRAIN_SEEDS_GRID_FULL)
    by_seed = ood_errors_by_model([trained_model(base_config("all"), sd).params for sd in seeds], _S1_GRID, "i", 20,
                                  N, config=config, key=14)
    crit_up = float(stats.norm.ppf(1 - _ledger.test_alpha() / 2))
    th_all, decided, z_by_seed = [], [], {}
    for sd, es in zip(seeds, by_seed):
        dec_, z_ = _decreasing(es, _S1_GRID, label=f"construction (i) decreasing, seed {sd}")
        th_ = [_prop(e, 0.01, "below" if S1 >= 1 else "above", label=f"S1={S1} vs 1%, seed {sd}")
               for S1, e in zip(_S1_GRID, es)]
        th_all += th_
        decided.append((dec_ and all(d.confirmed for d in th_),
                        any(d.refuted for d in th_) or (not dec_ and z_ > crit_up)))
        z_by_seed[str(sd)] = z_
    errs, th = by_seed[0], th_all[:len(_S1_GRID)]
    z_i = z_by_seed[str(seeds[0])]
    dec = z_i < -crit_up
    thr = all(d.confirmed for d in th)
    errs_ii = ood_errors(res_cy.params, _S1_GRID, "ii", 20, Nm, config=config, key=11)
    dec_ii, z_ii = _decreasing(errs_ii, _S1_GRID, role="control", label="construction (ii), cyclic")

    def passes(es):
        return _decreasing(es, _S1_GRID, role="diagnostic")[0]

    cf = counterfactual(passes, lambda es: not passes(es), jointly=lambda: (errs, errs),
                        under_control=lambda: errs_ii,
                        detail="construction (ii) producing construction (i)'s errors would pass the trend test")
    errs_ii_all = ood_errors(res_all.params, _S1_GRID, "ii", 20, Nm, config=config, key=12)
    errs_i_cy = ood_errors(res_cy.params, _S1_GRID, "i", 20, Nm, config=config, key=13)

    def fmt(es):
        return {str(s): float(e.mean()) for s, e in zip(_S1_GRID, es)}

    return Evidence(
        seed_verdict(decided),
        "construction (i), all-task model (root seed): err at l=20 = " + ", ".join(f"{e.mean():.4f}" for e in errs)
        + f" for S1 = {_S1_GRID} (Cochran-Armitage z = {z_i:.1f}, decreasing: {dec}; 1% threshold between 0.9 "
        f"and 1.1: {thr}); trend z by seed " + ", ".join(f"{z:.1f}" for z in z_by_seed.values())
        + f"; {seed_summary(decided, seeds)}. "
        "CONSTRUCTION-DEPENDENT: construction (ii) with cyclic training gives "
        + ", ".join(f"{e.mean():.4f}" for e in errs_ii) + f" (trend z = {z_ii:+.1f}).",
        reps=int(sum(N)), seeds={"train_seed": int(config.seed), "train_seeds": seeds,
                                 "test_spawn_keys": [14, 11, 12, 13]},
        measurements={"construction_i_all_tasks_by_seed": {str(sd): fmt(es) for sd, es in zip(seeds, by_seed)},
                      "construction_i_all_tasks": fmt(errs), "construction_ii_cyclic": fmt(errs_ii),
                      "construction_ii_all_tasks": fmt(errs_ii_all), "construction_i_cyclic": fmt(errs_i_cy)},
        comparisons=[d.row(d.text.split(":")[0]) for d in th_all], resolution=_max_res(th_all),
        controls=[ControlOutcome("construction (ii), cyclic training", not dec_ii, str(fmt(errs_ii)),
                                 counterfactual=cf)],
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
    assumptions=assumptions_text(extra="unseen tasks; random sampling; logistic regression with L2 1e-2 (Newton); "
                                       "Euclidean k-NN [RECONSTRUCTED: the slides do not say how the baselines were "
                                       "fit]; paired intervals on the per-prompt 0-1 error differences of the same "
                                       f"{C11_PROMPTS[0]} (quick) / {C11_PROMPTS[1]} (full) prompts by "
                                       + SKEW_RULE + " (n and skewness "
                                       "in the evidence), per (baseline, l), each one ledger test; "
                                       f"decided over {TRAIN_SEEDS_QUICK} (quick) / {TRAIN_SEEDS_GRID_FULL} (full) "
                                       "training seeds: " + SEED_RULE),
    note_section="§5 Figs 20-21, §6 C11", resolution_required=THRESHOLD_RESOLUTION,
    finding="The note never ran C11.  In this reconstructed data model (orthonormal patterns, |kappa| < 1/2) the "
            "per-prompt 1-NN and logistic baselines can reach the error floor, so a NOT REPRODUCED verdict here is "
            "a finding about the reconstruction (the paper's Fig. 21 presumably used noisier inputs); the numbers "
            "are in the verdict's reason.",
)
def c11_classical(config: RunConfig) -> Evidence:
    """C11 [SLIDES]: paired one-sided t-tests on per-prompt 0-1 errors, ICL vs each baseline."""
    res = shared_model(config)
    res_all = shared_model(config, "all")
    ps = in_domain_patterns()
    N = _n(config, *C11_PROMPTS)
    ls = (6, 10, 14, 20)
    seeds = claim_seeds(config, TRAIN_SEEDS_QUICK, TRAIN_SEEDS_GRID_FULL)
    models = [trained_model(base_config(), sd).params for sd in seeds]
    table, decs, ctrl_beats = {}, [], False
    seed_decs = {sd: [] for sd in seeds}
    first = None
    for j, l in enumerate(ls):
        pr = sample_prompts(ps, unseen_tasks(), N, l, 0.6, rng=test_rng(config, 11, j))
        e_seeds = [evaluate(p_, pr)["err"] for p_ in models]
        e_icl = e_seeds[0]
        e_all = evaluate(res_all.params, pr)["err"]
        e_init = evaluate(res.init, pr)["err"]
        base = {"logistic": (logistic_regression_predict(pr, 30) != pr.z).astype(float),
                "1-NN": (knn_predict(pr, 30, 1) != pr.z).astype(float),
                "3-NN": (knn_predict(pr, 30, 3) != pr.z).astype(float)}
        row = {"ICL": float(e_icl.mean()), "ICL(all-task model)": float(e_all.mean())}
        for name, e in base.items():
            for sd, e_s in zip(seeds, e_seeds):
                d_s = decide.paired_less(e_s, e, label=f"ICL < {name}, l={l}, seed {sd}", **_robust(e_s - e))
                seed_decs[sd].append(d_s)
                decs.append(d_s)
            d = seed_decs[seeds[0]][-1]
            w0 = decide.paired_less(e_init, e, role="control", label=f"init < {name}, l={l}", **_robust(e_init - e))
            ctrl_beats |= w0.confirmed
            first = first or (e_icl, e)
            row[name] = float(e.mean())
            row[f"ICL<{name}"] = "confirmed" if d.confirmed else "refuted" if d.refuted else "undecided"
        table[str(l)] = row
    decided = [(all(d.confirmed for d in v), any(d.refuted for d in v)) for v in seed_decs.values()]
    ok = all(ok_ for ok_, _ in decided)
    lost = [d.text.split(":")[0] for d in decs if d.refuted]

    def passes(c):
        return decide.paired_less(c[0], c[1], role="diagnostic", **_robust(c[0] - c[1])).confirmed

    sets, sets_text = sample_sets(decs)
    cf = counterfactual(passes, lambda c: not passes(c),
                        jointly=lambda: ((np.zeros_like(first[1]), first[1]),) * 2,
                        detail="an error-free model (ICL or initial) beats the baseline: the claim passes and the "
                               "untrained model producing the same errors would not be rejected")
    verdict = seed_verdict(decided, Verdict.NOT_REPRODUCED)
    return Evidence(
        verdict,
        f"{seed_summary(decided, seeds)}; root seed's errors (ICL / logistic / 1-NN / 3-NN): " + "; ".join(
            f"l={l}: {r['ICL']:.4f} / {r['logistic']:.4f} / {r['1-NN']:.4f} / {r['3-NN']:.4f}"
            for l, r in table.items())
        + (". ICL beats every baseline at every l." if ok else
           f". NOT REPRODUCED in this reconstruction: the baseline is significantly better in {len(lost)} of "
           f"{len(decs)} paired comparisons over {len(seeds)} training seeds ({', '.join(lost)})." if lost else
           ". ICL does not significantly beat every baseline (undecided comparisons).")
        + f" Paired per-prompt error differences: {sets_text}.",
        reps=N, seeds={"train_seed": int(config.seed), "train_seeds": seeds, "test_spawn_key": [11]},
        measurements={"by_l": table, "sample_sets": sets, "skew_rule": SKEW_RULE},
        comparisons=[d.row(d.text.split(":")[0]) for d in decs], resolution=_max_res(decs),
        controls=[ControlOutcome("untrained model", not ctrl_beats, "", counterfactual=cf)],
    )


# ---------------------------------------------------------------------------------------
# C12: the same-pattern-majority floor


@claim(
    id="li2024_nonlinear.c12-majority-floor", paper=PAPER, label="RECONSTRUCTED; CHECKED-scratch",
    statement="Under random sampling the trained model's error is not below the floor 1/2 (1 - alpha'/2)^l "
              "(probability that no context shares the query's pattern, times a coin flip) at alpha' in "
              "{0.4, 0.6, 0.8}, l in {5, 10}.  The floor's reason (no learner that reads only same-pattern "
              "contexts can beat it) is derived, not tested here.",
    formula="err(alpha', l) >= 1/2 (1 - alpha'/2)^l; tested: CP upper bound on err >= floor at every grid point",
    check=CheckKind.TRAINED,
    controls=("a too-large floor 1/2 (1 - alpha'/2)^(l/2) must be rejected (error significantly below it somewhere)",
              "deterministic prompts (assumption violated: a same-pattern context always present) must go below "
              "the floor somewhere"),
    assumptions=assumptions_text(extra="unseen tasks; alpha' in {0.4, 0.6, 0.8}, l in {5, 10}; decided over "
                                       f"{TRAIN_SEEDS_QUICK} (quick) / {TRAIN_SEEDS_GRID_FULL} (full) training seeds: "
                                       + SEED_RULE),
    note_section="§1.4, §6 C12", resolution_required=THRESHOLD_RESOLUTION,
)
def c12_floor(config: RunConfig) -> Evidence:
    """C12 [RECONSTRUCTED]: Clopper–Pearson decisions of err ≥ ½(1−α′/2)^l at every grid point."""
    res = shared_model(config)
    ps = in_domain_patterns()
    # N per grid point: the Clopper-Pearson half-width relative to the error (measured ~0.23, 0.11, 0.15, 0.057,
    # 0.09, 0.035 in grid order) is ~9 % (quick) / ~4.5 % (full, 4x the prompts) at each point
    Ns = [n * (1 if config.quick else 4) for n in (15000, 25000, 20000, 50000, 30000, 80000)]
    N = max(Ns)
    Nc = _n(config, 6000, 30000)  # the deterministic-prompts control
    seeds = claim_seeds(config, TRAIN_SEEDS_QUICK, TRAIN_SEEDS_GRID_FULL)
    models = [trained_model(base_config(), sd).params for sd in seeds]
    grid = [(ap, l) for ap in (0.4, 0.6, 0.8) for l in (5, 10)]
    rows, decs, all_decs, c_wrong, c_det = {}, [], [], False, False
    seed_ok, seed_bad = [True] * len(seeds), [False] * len(seeds)
    floors, wrongs, errs = [], [], []
    for i, (ap, l) in enumerate(grid):
        fl = float(same_pattern_majority_floor(ap, l))
        wrong = 0.5 * (1 - ap / 2) ** (l / 2)
        rng_i = test_rng(config, 12, i)
        pr = sample_prompts(ps, unseen_tasks(), Nc, l, ap, rng=rng_i)  # for the same-pattern measurements
        e_seeds = errors_by_model(models, ps, unseen_tasks(), Ns[i], l, ap, rng=rng_i)
        e = e_seeds[0]
        pd = sample_prompts(ps, unseen_tasks(), Nc, l, ap, rng=test_rng(config, 12, 100 + i), mode="deterministic")
        ed = evaluate(res.params, pd)["err"]
        for k, (sd, e_s) in enumerate(zip(seeds, e_seeds)):
            d_s = _prop(e_s, fl, "above", label=f"err >= floor, alpha'={ap}, l={l}, seed {sd}")
            all_decs.append(d_s)
            seed_ok[k] &= d_s.confirmed
            seed_bad[k] |= d_s.refuted
        d = all_decs[-len(seeds)]
        dw = _prop(e, wrong, "above", role="control", label=f"err >= l/2 floor, alpha'={ap}, l={l}")
        dd = _prop(ed, fl, "above", role="control", label=f"deterministic err >= floor, alpha'={ap}, l={l}")
        decs.append(d)
        c_wrong |= dw.refuted
        c_det |= dd.refuted
        floors.append(fl)
        wrongs.append(wrong)
        errs.append(e)
        none = ~pr.same_mask.any(axis=1)
        e_pr = evaluate(res.params, pr)["err"]
        rows[f"{ap},{l}"] = {"floor": fl, "err": float(e.mean()), "cp_interval": [d.lo, d.hi], "wrong_floor": wrong,
                             "err_by_seed": [float(x.mean()) for x in e_seeds],
                             "err_deterministic": float(ed.mean()), "frac_no_same": float(none.mean()),
                             "err_given_no_same": float(e_pr[none].mean()) if none.any() else None}
    decided = list(zip(seed_ok, seed_bad))
    given_no_same = [v["err_given_no_same"] for v in rows.values() if v["err_given_no_same"] is not None]

    def passes(es):
        return all(_diag(_prop)(e, fl, "above").confirmed for e, fl in zip(es, floors))

    def wrong_rejected(es):
        return any(_diag(_prop)(e, w, "above").refuted for e, w in zip(es, wrongs))

    def at_rate(p):
        x = np.zeros(Ns[-1])
        x[: int(math.ceil(p * N))] = 1.0
        return x

    cf_wrong = counterfactual(passes, wrong_rejected, jointly=lambda: ([at_rate(w) for w in wrongs],) * 2,
                              detail="errors exactly at the l/2 floor everywhere: above the true floor, and the l/2 "
                                     "floor not rejected")
    cf_det = counterfactual(passes, lambda es: not passes(es), jointly=lambda: (errs, errs),
                            detail="deterministic prompts producing the random prompts' errors would not go below "
                                   "the floor")
    return Evidence(
        seed_verdict(decided),
        "err vs floor (root seed): " + "; ".join(f"(alpha'={k}) {v['err']:.4f} vs {v['floor']:.4f}"
                                                 for k, v in rows.items())
        + f"; {seed_summary(decided, seeds)}"
        + (f". Given no same-pattern context the model errs with probability {min(given_no_same):.2f}-"
           f"{max(given_no_same):.2f}." if given_no_same else "."),
        reps=int(sum(Ns)), seeds={"train_seed": int(config.seed), "train_seeds": seeds, "test_spawn_key": [12]},
        measurements={"grid": rows, "prompts_per_point": Ns, "seed_rule": SEED_RULE},
        comparisons=[d.row(d.text.split(":")[0]) for d in all_decs], resolution=_max_res(all_decs),
        controls=[ControlOutcome("too-large floor (l/2 exponent)", c_wrong, "", counterfactual=cf_wrong),
                  ControlOutcome("deterministic prompts", c_det, "", counterfactual=cf_det)],
    )
