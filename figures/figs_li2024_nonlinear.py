"""Figure data for Li, Wang, Lu, Cui & Chen (2024) (note ``li2024_nonlinear.md`` §5).

Builders compute data only; the shared renderer draws them.  They reuse the trained
models of the claims (:func:`iclverify.checks.claims.li2024_nonlinear.trained.shared_model`,
cached per configuration and seed), so building figures after the report retrains
nothing.

- ``li2024_nonlinear-attention``: attention mass on same-pattern contexts during training
  (slides Fig. 9 analogue, in-domain training prompts) [SLIDES]/[CHECKED-scratch];
- ``li2024_nonlinear-pruning``: hinge loss and error vs pruning rate for small-first, random and
  large-first magnitude pruning, plus the sorted W_O row norms (Fig. 22 analogue);
- ``li2024_nonlinear-ood-s1``: OOD error vs test context length for S₁ ∈ {0.5, …, 1.3},
  construction (i), all-task model (Fig. 18 analogue for the one-layer model,
  construction-dependent: note §6 C10).
"""

from __future__ import annotations

import numpy as np

from iclverify.checks.experiments.li2024_nonlinear import pruning_curves, shared_model, test_rng, unseen_tasks
from iclverify.checks.simulation.run_config import RunConfig
from iclverify.checks.simulation.li2024_nonlinear_data import (all_tasks, in_domain_patterns, ood_patterns,
                                                                sample_prompts)
from iclverify.checks.simulation.li2024_nonlinear_model import evaluate, neuron_magnitudes, prune
from iclverify.figures.registry import FigureConfig, FigureData, LinePanel, Series, figure

PAPER = "li2024_nonlinear"


def _rc(cfg: FigureConfig) -> RunConfig:
    # the claims' model at the figure's seed and scale; the figure's store and workers do not change it
    return RunConfig(quick=cfg.quick, seed=cfg.seed)


@figure("li2024_nonlinear-attention", paper=PAPER,
        title="Attention concentrates on same-pattern contexts during training")
def fig_attention(cfg: FigureConfig) -> FigureData:
    """A_same and A_other vs SGD step on fixed training prompts, with the same-pattern fraction."""
    res = shared_model(_rc(cfg))
    h = res.history
    panel = LinePanel(
        title=r"one-layer model, cyclic $T_{\mathrm{tr}}$, $\alpha = 0.8$, $\ell = 20$", xlabel="SGD step",
        ylabel="attention mass",
        series=[Series("same pattern as query", h["log_step"], h["attn_same"]),
                Series("other contexts", h["log_step"], h["attn_other"]),
                Series("fraction of same-pattern contexts", h["log_step"], h["frac_same"], linestyle="--")],
        ylim=(0.0, 1.0),
    )
    return FigureData([panel], caption="Slides Fig. 9 analogue (in-domain prompts). The rise stops below 1 once the "
                                       "hinge loss reaches 0 and the gradients vanish (note §6 C5).",
                      info={"train_seed": cfg.seed, "steps": res.steps_run})


@figure("li2024_nonlinear-pruning", paper=PAPER, title="Pruning W_O neurons: small-first vs random vs large-first")
def fig_pruning(cfg: FigureConfig) -> FigureData:
    """Mean hinge loss and error on unseen tasks vs pruning rate, and the sorted neuron magnitudes."""
    rc = _rc(cfg)
    res = shared_model(rc)
    N = cfg.reps or (2000 if cfg.quick else 10000)
    rates = np.round(np.arange(0.0, 0.61, 0.05), 2)
    pr = sample_prompts(in_domain_patterns(), unseen_tasks(), N, 20, 0.8, rng=test_rng(rc, 80))
    cur = pruning_curves(res.params, pr, rates=tuple(rates), rng=test_rng(rc, 80, 1))
    panels = []
    for metric, ylabel in (("hinge", "hinge loss"), ("err", "classification error")):
        series = []
        # the three orders are drawn side by side (a few points apart) so that their error bars stay apart
        for o, lab, dodge in (("small", "magnitude, small first", -3.5), ("random", "random (mean of 5)", 0.0),
                              ("large", "magnitude, large first", 3.5)):
            arr = np.array(cur[o][metric])
            series.append(Series(lab, rates, arr.mean(axis=1), kind="points", group=o, dodge=dodge,
                                 yerr=arr.std(axis=1, ddof=1) / np.sqrt(arr.shape[1])))
        panels.append(LinePanel(title=r"unseen tasks, $\alpha^{\prime} = 0.8$, $\ell = 20$", xlabel="pruning rate $R$",
                                ylabel=ylabel, series=series))
    wowv = {o: [float(evaluate(prune(res.params, R, o, by="WOWV"), pr)["hinge"].mean()) for R in rates]
            for o in ("small", "large")}
    panels.append(LinePanel(title=r"ranked by rows of $W_O W_V$ (Theorem 3)", xlabel="pruning rate $R$",
                            ylabel="hinge loss",
                            series=[Series("$W_O W_V$, small first", rates, wowv["small"], kind="points",
                                           group="small"),
                                    Series("$W_O W_V$, large first", rates, wowv["large"], kind="points",
                                           group="large")]))
    mags = np.sort(neuron_magnitudes(res.params))
    mv = np.sort(neuron_magnitudes(res.params, "WOWV"))
    panels.append(LinePanel(title="sorted neuron magnitudes", xlabel="neuron rank / m", ylabel="row norm",
                            series=[Series(r"$\|W_O[i]\|$", (np.arange(mags.size) + 0.5) / mags.size, mags,
                                           kind="points", marker="."),
                                    Series(r"$\|(W_O W_V)[i]\|$", (np.arange(mv.size) + 0.5) / mv.size, mv,
                                           kind="points", marker=".")]))
    return FigureData(panels, caption="Slides Fig. 22 analogue (in-domain unseen tasks). Theorem 3 predicts "
                                      "small-first ~ lossless up to the small-neuron fraction, large-first >= "
                                      "Omega(R).", info={"N": N, "train_seed": cfg.seed})


@figure("li2024_nonlinear-ood-s1", paper=PAPER,
        title="Out-of-domain error vs context length for several S1 (construction i)")
def fig_ood_s1(cfg: FigureConfig) -> FigureData:
    """OOD classification error vs l_ts per S₁, construction (i), model trained on all 30 tasks."""
    rc = _rc(cfg)
    res = shared_model(rc, "all")
    N = cfg.reps or (2000 if cfg.quick else 10000)
    ls = np.array([2, 4, 6, 8, 10, 12, 14, 16, 18, 20])
    ps = in_domain_patterns()
    series = []
    for i, S1 in enumerate((0.5, 0.7, 0.9, 1.1, 1.3)):
        ood = ood_patterns(ps, S1, construction="i")
        err, se = [], []
        for j, l in enumerate(ls):
            e = evaluate(res.params, sample_prompts(ood, all_tasks(3), N, int(l), 0.8,
                                                    rng=test_rng(rc, 180, 100 * i + j)))["err"]
            p = max(e.mean(), 0.5 / N)  # zero errors drawn at half a count on the log axis
            err.append(p)
            se.append(np.sqrt(p * (1 - p) / N))
        series.append(Series(f"$S_1 = {S1}$", ls, err, kind="points", yerr=se))
    panel = LinePanel(title=r"one-layer model, all-task training, $\alpha^{\prime} = 0.8$",
                      xlabel=r"test context length $\ell_{\mathrm{ts}}$",
                      ylabel="OOD classification error", series=series, yscale="log",
                      hlines=[(1e-2, "1 %")])
    return FigureData([panel], caption="Slides Fig. 18 analogue. Construction (i): mu'_j = S1/2 (mu_2j + mu_2j+1). "
                                       "The S1 threshold is construction-dependent (note §6 C10). Zero error counts "
                                       "are drawn at 0.5/N.", info={"N": N, "train_seed": cfg.seed})
