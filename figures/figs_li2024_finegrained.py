"""Figure data for Li, Rawat & Oymak 2024, Figs. 2-3 (note ``li2024_finegrained.md`` §7).

Theory curves are the closed forms of :mod:`iclverify.theory.li2024_finegrained` (and its ``_wpgd``,
``_alignment``, ``_lowrank`` companions).  Points: in quick mode, Monte Carlo risk of the closed-form optimum
(ATT ≡ PGD ≡ H3 at the optimum, note §2.4) with modest N; in full mode, models trained by Adam on fresh prompts
(linear attention, H3, rank-r attention, LoRA), each evaluated on fresh test prompts.  Trained linear
attention starts its value read-out at the label channel (``value_init="label"``): from fully random starts,
small-d models can end in the rank-one ``b v_xᵀ`` local minimum (see the trained claims' findings).  The paper's d, n,
σ, γ and spectra are unknown (note §7): the values used here are stated in each caption.  Grid point i draws from
``SeedSequence(config.seed, spawn_key=(i,))``.
"""

from __future__ import annotations

import numpy as np

from iclverify.checks.simulation.li2024_finegrained_sim import AlignmentModel, IIDModel, RAGModel, mc_risk
from iclverify.checks.simulation.li2024_finegrained_train import (H3Model, LinearAttention, LoRAAttention, adam_train,
                                                                   test_risk)
from iclverify.figures.registry import FigureConfig, FigureData, LinePanel, Series, figure
from iclverify.theory import li2024_finegrained as th
from iclverify.theory import li2024_finegrained_alignment as al
from iclverify.theory import li2024_finegrained_lowrank as lr

PAPER = "li2024_finegrained"


def _rng(config: FigureConfig, i: int):
    return np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(i,)))


def _mc_sizes(config: FigureConfig) -> dict:
    # many small batches rather than few large ones: the squared errors are heavy-tailed, and the SE of a
    # mean of few batch means is itself too noisy for the error bars to be trusted
    reps = config.reps or (20 if config.quick else 40)
    return {"size": 500 if config.quick else 5000, "batches": max(reps, 2)}


def _train_sizes(config: FigureConfig) -> dict:
    return {"steps": 3000, "batch": 1024, "lr": 0.01, "test_size": 5000, "test_batches": max(config.reps or 20, 2)}


def _point(samples, meta):
    return float(np.mean(samples)), float(np.std(samples, ddof=1) / np.sqrt(len(samples))), meta


def _mc_point(config, i, model, W, omega=None, **meta):
    s = _mc_sizes(config)
    samples = mc_risk(model, W, omega, rng=_rng(config, i), **s)
    return _point(samples, {"seed": config.seed, "spawn_key": [i], "N": s["size"] * s["batches"], **meta})


def _trained_point(config, i, make_model, data, **meta):
    rng = _rng(config, i)
    t = _train_sizes(config)
    model = make_model(rng)
    adam_train(model, data, steps=t["steps"], batch=t["batch"], lr=t["lr"], rng=rng)
    samples = test_risk(model, data, size=t["test_size"], batches=t["test_batches"], rng=rng)
    return _point(samples, {"seed": config.seed, "spawn_key": [i], "steps": t["steps"], **meta})


def _points_series(label, xs, pts, group):
    return Series(label, xs, [p[0] for p in pts], kind="points", yerr=[p[1] for p in pts], group=group,
                  meta=[p[2] for p in pts])


def _n_grid(config, d):
    return np.unique(np.r_[1, np.linspace(2, 3 * d, 6 if config.quick else 12).round().astype(int)])


def _fig2(config: FigureConfig, noise_vars, sigma_beta_fn, caption, label_fn, title=None):
    d = config.d or 5
    ns = _n_grid(config, d)
    fine = np.arange(1, 3 * d + 1)
    series, i = [], 0
    for k, param in enumerate(noise_vars):
        s2, Sb = sigma_beta_fn(param)
        grp = label_fn(param)
        series.append(Series(f"theory (Eq. 8), {grp}", fine, [th.optimal_risk(d, int(n), s2, None, Sb) for n in fine],
                             group=grp, linestyle=":"))
        if config.quick:
            pts = []
            for n in ns:
                pts.append(_mc_point(config, i, IIDModel(d, int(n), None, Sb, s2),
                                     th.optimal_preconditioner(d, int(n), s2, None, Sb), d=d, n=int(n)))
                i += 1
            series.append(_points_series(f"MC at $W^*$ (ATT = H3 = PGD), {grp}", ns, pts, grp))
        else:
            for name, make in (("ATT", lambda rng, n: LinearAttention(d, n, rng=rng, value_init="label")),
                               ("H3", lambda rng, n: H3Model(d, n, rng=rng))):
                pts = []
                for n in ns:
                    pts.append(_trained_point(config, i, lambda rng, n=int(n): make(rng, n),
                                              IIDModel(d, int(n), None, Sb, s2), d=d, n=int(n), model=name))
                    i += 1
                series.append(_points_series(f"trained {name}, {grp}", ns, pts, grp))
    return FigureData([LinePanel(title or caption, "number of in-context examples $n$", "test risk $L$", series)],
                      caption=caption + f" d = {d}; risk includes σ².", info={"d": d, "quick": config.quick})


@figure("li2024_finegrained-fig2a", paper=PAPER, title="IID isotropic, noiseless: L* = d(d+1)/(n+d+1)")
def fig2a(config: FigureConfig) -> FigureData:
    """Fig. 2a: Σ_x = Σ_β = I, σ = 0 (note §3.1)."""
    return _fig2(config, [0.0], lambda p: (p, None), "Σ_x = Σ_β = I, σ = 0", lambda p: r"$\sigma^2 = 0$",
                 title=r"$\Sigma_x = \Sigma_\beta = I,\ \sigma = 0$")


@figure("li2024_finegrained-fig2b", paper=PAPER, title="IID isotropic, noisy labels")
def fig2b(config: FigureConfig) -> FigureData:
    """Fig. 2b: σ² ∈ {0.5, 2} (the paper's σ values are unknown)."""
    return _fig2(config, [0.5, 2.0], lambda p: (p, None), "Σ_x = Σ_β = I, noisy labels",
                 lambda p: f"$\\sigma^2 = {p:g}$", title=r"$\Sigma_x = \Sigma_\beta = I$, noisy labels")


@figure("li2024_finegrained-fig2c", paper=PAPER, title="Equicorrelated task covariance γ11ᵀ + (1−γ)I")
def fig2c(config: FigureConfig) -> FigureData:
    """Fig. 2c: Σ_β = γ11ᵀ + (1−γ)I, γ ∈ {0.3, 0.7}, σ = 0."""
    return _fig2(config, [0.3, 0.7], lambda g: (0.0, f"equicorrelated:{g}"), "Σ_β = γ11ᵀ + (1−γ)I, σ = 0",
                 lambda g: f"$\\gamma = {g:g}$",
                 title=r"$\Sigma_\beta = \gamma\,\mathbf{1}\mathbf{1}^\top + (1 - \gamma) I,\ \sigma = 0$")


def _alpha_grid(config):
    return np.linspace(0, 0.6, 4 if config.quick else 7)


@figure("li2024_finegrained-fig3a", paper=PAPER, title="RAG (reconstructed Eq. 9): risk vs α")
def fig3a(config: FigureConfig) -> FigureData:
    """Fig. 3a: x_i = αx + √(1−α²)g_i (note §1.2, [RECONSTRUCTED]); exact risk, effective-sample-size approximation."""
    d = config.d or 5
    fine = np.linspace(0, 0.6, 61)
    series, i = [], 0
    for n in (d, 2 * d):
        grp = f"$n = {n}$"
        series.append(Series(f"theory (exact), {grp}", fine, [al.rag_optimal_risk(d, n, a) for a in fine], group=grp,
                             linestyle=":"))
        series.append(Series(r"$n_{\mathrm{eff}}$ approximation $d^2/(\kappa n + d)$, " + grp, fine,
                             [al.rag_approx_risk(d, n, a) for a in fine],
                             group=grp, linestyle="--"))
        pts, alphas = [], _alpha_grid(config)
        for a in alphas:
            ca, cb = al.family_coefficients(a)
            data = RAGModel(d, n, ca, cb)
            if config.quick:
                pts.append(_mc_point(config, i, data, al.rag_optimal_scale(d, n, a) * np.eye(d), d=d, n=n, alpha=a))
            else:
                pts.append(_trained_point(config, i, lambda rng: LinearAttention(d, n, rng=rng, value_init="label"),
                                          data, d=d, n=n, alpha=a, model="ATT"))
            i += 1
        series.append(_points_series(("MC at c*I" if config.quick else "trained ATT") + f", {grp}", alphas, pts, grp))
    return FigureData([LinePanel("RAG: query-correlated demonstrations", r"correlation $\alpha$", "test risk $L$",
                                 series)],
                      caption=f"Reconstructed RAG model, d = {d}, σ = 0.", info={"d": d, "quick": config.quick})


@figure("li2024_finegrained-fig3b", paper=PAPER, title="Task-feature alignment (reconstructed Eq. 11): L/E[y²] vs α")
def fig3b(config: FigureConfig) -> FigureData:
    """Fig. 3b: x_i = αβ + √(1−α²)g_i (note §1.3, [RECONSTRUCTED]); risk normalised by E[y²]."""
    d = config.d or 5
    fine = np.linspace(0, 0.6, 61)
    series, i = [], 0
    for n in (d, 2 * d):
        grp = f"$n = {n}$"
        series.append(Series(f"theory, {grp}", fine, [al.alignment_optimal_risk(d, n, a, normalized=True)
                                                       for a in fine], group=grp, linestyle=":"))
        pts, alphas = [], _alpha_grid(config)
        for a in alphas:
            ca, cb = al.family_coefficients(a)
            data = AlignmentModel(d, n, ca, cb)
            ey2 = al.alignment_quadratic(d, n, a)[0]
            if config.quick:
                m, se, meta = _mc_point(config, i, data, al.alignment_optimal_scale(d, n, a) * np.eye(d), d=d, n=n,
                                        alpha=a)
            else:
                m, se, meta = _trained_point(config, i, lambda rng: LinearAttention(d, n, rng=rng, value_init="label"),
                                             data, d=d, n=n, alpha=a, model="ATT")
            pts.append((m / ey2, se / ey2, meta))
            i += 1
        series.append(_points_series(("MC at c*I" if config.quick else "trained ATT") + f", {grp}", alphas, pts, grp))
    return FigureData([LinePanel("Task-feature alignment", r"correlation $\alpha$",
                                 r"normalised risk $L\,/\,\mathbb{E}[y^2]$", series)],
                      caption=f"Reconstructed alignment model, d = {d}, σ = 0.", info={"d": d, "quick": config.quick})


@figure("li2024_finegrained-fig3c", paper=PAPER, title="Low-rank attention: L*_r vs n for several r")
def fig3c(config: FigureConfig) -> FigureData:
    """Fig. 3c: rank-r attention (W_k, W_q ∈ ℝ^{(d+1)×r}), geometric task spectrum (ratio 0.5, trace d), σ = 0."""
    d = config.d or 5
    spec = "geometric:0.5"
    ns = _n_grid(config, d)
    fine = np.arange(1, 3 * d + 1)
    series, i = [], 0
    for r in (1, 2, d):
        grp = f"$r = {r}$"
        series.append(Series(f"theory $L^*_r$, {grp}", fine, [lr.lowrank_optimal_risk(r, d, int(n), sigma_beta=spec)
                                                            for n in fine], group=grp, linestyle=":"))
        pts = []
        for n in ns:
            n = int(n)
            if config.quick:
                pts.append(_mc_point(config, i, IIDModel(d, n, None, spec),
                                     lr.lowrank_optimal_preconditioner(r, d, n, sigma_beta=spec), d=d, n=n, r=r))
            else:
                pts.append(_trained_point(config, i, lambda rng, n=n: LinearAttention(d, n, r, rng=rng,
                                                                                      value_init="label"),
                                          IIDModel(d, n, None, spec), d=d, n=n, r=r, model="rank-r ATT"))
            i += 1
        series.append(_points_series(("MC at $W^*_r$" if config.quick else "trained rank-$r$ ATT") + f", {grp}", ns,
                                     pts,
                                     grp))
    return FigureData([LinePanel("Low-rank attention", "number of in-context examples $n$", "test risk $L$", series)],
                      caption=f"Σ_x = I, Σ_β geometric (ratio 0.5, trace d), d = {d}, σ = 0.",
                      info={"d": d, "quick": config.quick})


@figure("li2024_finegrained-fig3d", paper=PAPER, title="LoRA adaptation: L_LoRA(r) vs adapter rank")
def fig3d(config: FigureConfig) -> FigureData:
    """Fig. 3d: LoRA on a linear attention pretrained at W*(Σ_old), adapted to Σ_new (Σ_new = reversed Σ_old)."""
    d = config.d or 5
    n = 2 * d
    old_diag = np.geomspace(3, 0.25, d)
    old_diag *= d / old_diag.sum()
    old, new = np.diag(old_diag), np.diag(old_diag[::-1])
    W_old = th.optimal_preconditioner(d, n, 0.0, None, old)
    rs = np.arange(0, d + 1)
    curve = lr.lora_risk_curve(d, n, 0.0, new, old)
    pts = []
    for i, r in enumerate(rs):
        r = int(r)
        if config.quick or r == 0:
            W = W_old + (lr.lora_optimal_update(r, d, n, 0.0, new, old) if r else 0)
            pts.append(_mc_point(config, i, IIDModel(d, n, None, new), W, d=d, n=n, r=r))
        else:
            pts.append(_trained_point(config, i, lambda rng, r=r: LoRAAttention(W_old, n, r, rng=rng),
                                      IIDModel(d, n, None, new), d=d, n=n, r=r, model="LoRA"))
    lab = r"MC at $W_{\mathrm{old}} + \Delta W^*_r$" if config.quick else "trained LoRA"
    series = [Series(r"theory $L^*_{\mathrm{new}} + \sum_{i>r} s_i^2$", rs, curve, linestyle=":", group="lora"),
              _points_series(lab, rs, pts, "lora")]
    panel = LinePanel("LoRA adaptation", "adapter rank $r$", "test risk $L$ on the new task", series,
                      hlines=[(float(curve[-1]), r"$L^*_{\mathrm{new}}$"),
                              (float(curve[0]), r"$L_{\mathrm{new}}(W_{\mathrm{old}})$")])
    return FigureData([panel], caption=f"Σ_x = I, Σ_old = diag(geometric 3 → 0.25, trace d), Σ_new reversed, d = {d}, "
                                       f"n = {n}, σ = 0.", info={"d": d, "n": n, "quick": config.quick})
