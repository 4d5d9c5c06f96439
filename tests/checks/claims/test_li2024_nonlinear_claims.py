"""Claims of Li et al. (2024) that the note measured robustly (C1, C2, C3, C5, C6, C8), each with its controls;
every statistical claim states its required resolution, the trained-model claims are decided over several
training seeds (C6 and C7 on samples pooled over them), and every mean or ordering of per-sample values uses
Hall's skewness-corrected t exactly where its sample set is skewed with n >= 100.

One process trains the shared models once (cached by configuration and seed): the
claims below reuse them, so this module trains the cyclic and the non-covering models
only.  C4, C7, C9-C12 run in the report (``iclverify report --only li2024_nonlinear``).
"""

from __future__ import annotations

import doctest
import importlib
import json

import numpy as np
import pytest

from iclverify.checks.claims import RunConfig, Verdict, get_claim

ROBUST = [
    "li2024_nonlinear.c1-unseen-task-generalization",
    "li2024_nonlinear.c2-coverage-needed",
    "li2024_nonlinear.c5-attention-concentration",
    "li2024_nonlinear.c6-qk-projects-relevant",
    "li2024_nonlinear.c8-pruning-order",
]

#: Claims whose samples are the trained models' own parameters (6 IDR / 24 IDI diagonal entries; the 64 neurons):
#: one model cannot reach the 10 % resolution, so they pool the samples over the training seeds (POOLED_SEED_RULE).
POOLED = [
    "li2024_nonlinear.c6-qk-projects-relevant",
    "li2024_nonlinear.c7-mlp-label-neurons",
]

#: Trained-model claims decided over several training seeds at quick scale (C3 runs one seed there, C4 a fresh
#: seed per training run).
SEEDED = [
    "li2024_nonlinear.c1-unseen-task-generalization", "li2024_nonlinear.c2-coverage-needed",
    "li2024_nonlinear.c5-attention-concentration", "li2024_nonlinear.c6-qk-projects-relevant",
    "li2024_nonlinear.c7-mlp-label-neurons", "li2024_nonlinear.c8-pruning-order",
    "li2024_nonlinear.c9-pruning-vs-alpha-test", "li2024_nonlinear.c10-ood-s1",
    "li2024_nonlinear.c11-icl-vs-classical", "li2024_nonlinear.c12-majority-floor",
]


@pytest.fixture(scope="module")
def config():
    return RunConfig(quick=True)


@pytest.mark.parametrize("claim_id", ROBUST)
def test_robust_claim_confirmed_and_controls_rejected(claim_id, config, claim_evidence):
    ev = claim_evidence(claim_id)
    assert ev.verdict is Verdict.CONFIRMED, ev.reason
    assert ev.controls and all(c.rejected for c in ev.controls), [(c.name, c.detail) for c in ev.controls]
    assert ev.seeds["train_seed"] == config.seed
    json.dumps(ev.as_dict())   # the report stores evidence as JSON


def test_every_claim_states_a_relative_resolution_requirement():
    from iclverify.checks.claims.li2024_nonlinear import trained as C
    from iclverify.checks.claims import select_claims

    for c in select_claims(["li2024_nonlinear"]):
        assert c.resolution_required is not None, c.id
        quick, full = c.resolution_required
        assert 0 < full <= quick < 1, c.id
    assert get_claim("li2024_nonlinear.c4-iterations-vs-alpha").resolution_required == C.SIGN_RESOLUTION
    assert get_claim(ROBUST[0]).resolution_required == C.THRESHOLD_RESOLUTION


@pytest.mark.parametrize("claim_id", POOLED)
def test_pooled_claims_decide_once_over_all_seeds(claim_id, config, claim_evidence):
    from iclverify.checks.claims.li2024_nonlinear import trained as C

    ev = claim_evidence(claim_id)
    seeds = ev.seeds["train_seeds"]
    assert len(seeds) == C.TRAIN_SEEDS_QUICK and seeds[0] == config.seed
    assert ev.measurements["seed_rule"] == C.POOLED_SEED_RULE and "pooled" in get_claim(claim_id).assumptions
    primary = [r for r in ev.comparisons if r.get("role", "claim") == "claim"]
    # one primary row per statement, each naming every pooled seed; the per-seed values are measured only
    assert primary and all(all(str(sd) in r["point"] for sd in seeds) for r in primary), [r["point"] for r in primary]
    assert set(ev.measurements["per_seed"]) == {str(sd) for sd in seeds}


def test_c7_pooled_resolution_is_reported_and_still_inconclusive(claim_evidence):
    """Pooling three seeds' neurons narrows every interval (measured: 56 % against 88-123 % for one seed at quick
    scale), but the label-part Welch interval stays coarser than 10 %: INCONCLUSIVE, with the resolution given."""
    ev = claim_evidence("li2024_nonlinear.c7-mlp-label-neurons")
    assert ev.verdict is Verdict.INCONCLUSIVE, ev.reason
    assert "coarser than the 10%" in ev.reason and ev.resolution > ev.resolution_required
    one_seed = [v["resolution_one_seed"] for v in ev.measurements["per_seed"].values()]
    assert ev.resolution < min(one_seed)


def test_c6_pooled_reaches_the_resolution_one_seed_cannot(claim_evidence):
    ev = claim_evidence("li2024_nonlinear.c6-qk-projects-relevant")
    one_seed = [v["resolution"] for v in ev.measurements["per_seed"].values()]
    assert ev.resolution <= ev.resolution_required < min(one_seed)


@pytest.mark.parametrize("claim_id", ["li2024_nonlinear.c5-attention-concentration",
                                      "li2024_nonlinear.c8-pruning-order",
                                      "li2024_nonlinear.c7-mlp-label-neurons"])
def test_per_sample_tests_use_hall_exactly_where_skewed_and_large(claim_id, claim_evidence):
    from iclverify.checks.statistics import decide

    ev = claim_evidence(claim_id)
    rows = [r for r in ev.comparisons if "skewness" in r]
    assert rows, "no per-sample t-type decision recorded its sample's n and skewness"
    for r in rows:
        hall = "Hall" in r["method"]
        assert hall == (r["n"] >= decide.HALL_MIN_N and abs(r["skewness"]) > decide.SKEW_LIMIT), r
    sets = ev.measurements["sample_sets"]
    assert sum(v.get("count", 0) for v in sets.values()) >= len(rows) and "skewness" in ev.reason


@pytest.mark.parametrize("claim_id", [c for c in SEEDED if c not in ("li2024_nonlinear.c11-icl-vs-classical",)
                                      and c not in POOLED])
def test_trained_claims_are_decided_over_several_seeds(claim_id, config, claim_evidence):
    from iclverify.checks.claims.li2024_nonlinear import trained as C

    ev = claim_evidence(claim_id)
    seeds = ev.seeds["train_seeds"]
    assert len(seeds) == C.TRAIN_SEEDS_QUICK and seeds[0] == config.seed and len(set(seeds)) == len(seeds)
    # every seed's decisions are evidence rows, so the claim's resolution covers every seed
    rows = [r for r in ev.comparisons if r.get("role", "claim") == "claim"]
    assert all(any(f"seed {sd}" in r["point"] for r in rows) for sd in seeds), [r["point"] for r in rows]


def test_seed_rule():
    from iclverify.checks.claims.li2024_nonlinear import trained as C

    assert C.seed_verdict([(True, False)] * 3) is Verdict.CONFIRMED
    assert C.seed_verdict([(True, False), (False, False), (True, False)]) is Verdict.INCONCLUSIVE
    assert C.seed_verdict([(True, False), (False, True)]) is Verdict.REFUTED
    assert C.seed_verdict([(True, False), (False, True)], Verdict.NOT_REPRODUCED) is Verdict.NOT_REPRODUCED


def test_c4_slope_resolution_is_relative(claim_evidence):
    ev = claim_evidence("li2024_nonlinear.c4-iterations-vs-alpha")
    (row,) = ev.comparisons
    lo, hi = row["interval"]
    assert abs(row["resolution"] - (hi - lo) / 2 / (2 / 3)) < 1e-12
    assert "relative to" in row["scale_rule"]


def test_c3_exponent_not_resolved_at_quick_scale(claim_evidence):
    """At quick scale the slope interval of l* cannot tell -1 from -1/2 robustly: the control is not counted, so
    the claim is INCONCLUSIVE (the counterfactual shows the check would pass on data with exponent -1/2)."""
    ev = claim_evidence("li2024_nonlinear.c3-context-length")
    assert ev.verdict is Verdict.INCONCLUSIVE, ev.reason
    assert "not counted" in " ".join(k.detail for k in ev.controls)


def test_assumptions_follow_the_settings_that_run():
    from iclverify.checks.claims.li2024_nonlinear import trained as C

    text = get_claim(ROBUST[0]).assumptions
    assert f"lr={C.BASE_LR}" in text and f"steps={C.BASE_STEPS}" in text
    assert "lr 0.5" not in text and "1500 SGD" not in text


def test_c1_numbers_match_the_note(config, claim_evidence):
    ev = claim_evidence(ROBUST[0])
    # note §6 C1: unseen-task error 0.004 / 0.0075 / 0.017 for alpha' = 1 / 0.8 / 0.6 (scratch model);
    # the error must rise as alpha' falls
    e = [ev.measurements["by_alpha_test"][f"alpha'={a}"]["err"] for a in (1.0, 0.8, 0.6)]
    assert e[0] <= e[1] <= e[2] < 0.05


def test_claims_are_registered_with_labels_and_controls():
    from iclverify.checks.claims import select_claims

    cs = select_claims(["li2024_nonlinear"])
    assert len(cs) == 12
    assert all(c.controls and c.label for c in cs)
    c9 = get_claim("li2024_nonlinear.c9-pruning-vs-alpha-test")
    assert not c9.expected and "§6 C9" in c9.not_reproduced_in
    # only C9 is reported as not reproduced by the note; C11 was never run there (note §6 C11)
    assert [c.id for c in cs if not c.expected] == [c9.id]
    assert "CONSTRUCTION" in get_claim("li2024_nonlinear.c10-ood-s1").label.upper()


def test_figures_build_from_the_shared_model():
    from iclverify.figures.registry import FigureConfig, get_figure

    cfg = FigureConfig(quick=True, reps=300)
    att = get_figure("li2024_nonlinear-attention").build(cfg)
    s = {x.label: x for x in att.panels[0].series}
    same = s["same pattern as query"].y
    assert same[-1] > 0.8 and abs(same[0] - s["fraction of same-pattern contexts"].y[0]) < 0.05
    pr = get_figure("li2024_nonlinear-pruning").build(cfg)
    hinge = {x.label: x.y for x in pr.panels[0].series}
    assert hinge["magnitude, large first"][-1] > hinge["magnitude, small first"][-1]
    ood = get_figure("li2024_nonlinear-ood-s1").build(cfg)
    assert len(ood.panels[0].series) == 5
    assert np.all(np.isfinite(ood.panels[0].series[0].y))


@pytest.mark.parametrize("module", [
    "iclverify.theory.li2024_nonlinear", "iclverify.checks.simulation.li2024_nonlinear_data",
    "iclverify.checks.simulation.li2024_nonlinear_model", "iclverify.checks.simulation.li2024_nonlinear_baselines",
])
def test_doctests(module):
    res = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert res.attempted > 0 and res.failed == 0


@pytest.mark.slow
@pytest.mark.parametrize("claim_id, verdicts", [
    # quick: 4 training runs per alpha leave the slope interval across 0 (measured [-1.72, 0.03])
    ("li2024_nonlinear.c4-iterations-vs-alpha", {Verdict.INCONCLUSIVE}),
    ("li2024_nonlinear.c10-ood-s1", {Verdict.CONFIRMED}),
    ("li2024_nonlinear.c12-majority-floor", {Verdict.CONFIRMED}),
    # the note did not reproduce Fig. 23; the check must not confirm it either
    ("li2024_nonlinear.c9-pruning-vs-alpha-test", {Verdict.REFUTED, Verdict.INCONCLUSIVE}),
    # measured, not in the note: per-prompt 1-NN / logistic regression beat the trained model here
    ("li2024_nonlinear.c11-icl-vs-classical", {Verdict.NOT_REPRODUCED}),
])
def test_remaining_claims_measured_verdicts(claim_id, verdicts, config, claim_evidence):
    ev = claim_evidence(claim_id)
    assert ev.verdict in verdicts, ev.reason
    json.dumps(ev.as_dict())


def test_c3_model_failure_is_not_reproduced_not_inconclusive(monkeypatch):
    """A trained model that never reaches err <= 0.02 on the l grid fails Theorem 1 (2)'s premise: the verdict is
    NOT REPRODUCED (a failure of our reconstruction, with the errors in the reason), never INCONCLUSIVE."""
    from iclverify.checks.claims.li2024_nonlinear import trained as C
    from iclverify.checks.claims import run_claim

    real = C.errors_by_model

    def failing(params_list, patterns, tasks, n, context_len, alpha, *, rng, **kw):
        if kw.get("mode") == "deterministic":
            return real(params_list, patterns, tasks, n, context_len, alpha, rng=rng, **kw)
        return [np.full(int(n), 0.25) for _ in params_list]   # error 0.25 at every l: never <= eps

    monkeypatch.setattr(C, "errors_by_model", failing)
    ev = run_claim(get_claim("li2024_nonlinear.c3-context-length"), RunConfig(quick=True))
    assert ev.verdict is Verdict.NOT_REPRODUCED, ev.reason
    assert "never reached" in ev.reason and "0.25" in ev.reason
