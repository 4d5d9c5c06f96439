"""Trained-model claims of Li, Rawat & Oymak 2024 (note ``li2024_finegrained.md`` §2.4, §5, §6, §9).

Models are trained by Adam on fresh prompts (numpy, exact gradients; :mod:`.li2024_finegrained_train`) and
evaluated on fresh test prompts.  Stated up front, for every trained claim:

* **optimisation gap**: the trained risk may exceed the closed-form optimum by at most ``GAP`` = 2 % of it
  (the note observed ≤ 1 % after 6k steps, §8).  The gap is part of the statement ("the trained model
  reaches L* within 2 %"), not an allowance fitted to a simulator; the comparison is calibrated
  (``compare(L*, test batches, allowance=GAP·L*, bias="positive")``, ``allowance_source`` says so): below
  the optimum only sampling noise is allowed, since no model can beat the population optimum in
  expectation.  The comparison's **resolution includes the gap**: a wrong L*·(1 − δ) is only rejected
  once δ exceeds GAP plus the sampling half-width, so no trained claim can resolve better than 2 %.
  Required resolution: ``TRAINED_RESOLUTION`` = (5 %, 3 %), i.e. the stated 2 % gap plus at most 3 %
  (quick) / 1 % (full) of sampling and offset;
* **test risk**: integrated exactly over the query (every model here is linear in the query feature,
  :func:`iclverify.checks.simulation.li2024_finegrained_sim.mc_risk_of_integrated`), which removes the query's
  share of the variance;
* **learned preconditioner**: the effective W within ``W_TOL`` = 6 % (relative Frobenius) of the closed form;
* **junk blocks** (terms whose optimum is zero, note §2.4): each at most ``JUNK_TOL`` = 5 % of ‖W*‖_F (they
  decay slowly: the note saw ~1 % after 6k steps; quick mode trains 1.5k steps).

Negative controls are wrong closed forms (e.g. (n+1) → n, the isotropic formula for a non-isotropic task)
held to the same rule at the same test prompts (``role="control"`` in the ledger), and wrong
preconditioners held to the same ``W_TOL`` (deterministic distances of the learned W, not statistical tests).
Each carries a counterfactual hook: the risk controls :func:`iclverify.checks.statistics.decide.value_counterfactual`
(the gap applied to statement and control alike), the matrix controls :func:`_w_counterfactual`.
Quick mode trains small models (d ≤ 5, n ≤ 10; about 1.5k Adam steps of 512 prompts), full mode trains
longer with larger batches and test sets; the sizes are the same in both modes.
"""

from __future__ import annotations

import numpy as np

from iclverify.checks.claims.li2024_finegrained._tools import PAPER, comparison_fields, rng_for
from iclverify.checks.claims import CheckKind, ControlOutcome, Evidence, RunConfig, Verdict, claim, comparison_rows
from iclverify.checks.statistics import decide
from iclverify.checks.statistics.compare import compare
from iclverify.checks.statistics.counterfactual import counterfactual
from iclverify.checks.simulation.li2024_finegrained_sim import (AlignmentModel, DriftModel, IIDModel, RAGModel,
                                                     mc_risk_of_integrated)
from iclverify.checks.simulation.li2024_finegrained_train import H3Model, LinearAttention, LoRAAttention, adam_train
from iclverify.theory import li2024_finegrained as th
from iclverify.theory import li2024_finegrained_alignment as al
from iclverify.theory import li2024_finegrained_lowrank as lr
from iclverify.theory import li2024_finegrained_wpgd as wp

P = "li2024_finegrained."
GAP = 0.02
W_TOL = 0.06
JUNK_TOL = 0.05
FLAT_TOL = 0.10
PROFILE_TOL = 0.15
#: Relative distance of a wrong optimum value from the right one within which a risk control is run.
VALUE_CONTROL_BAND = (0.05, 0.10)
#: (quick, full) resolution a trained claim needs for CONFIRMED: the statement's 2 % gap is part of every
#: resolution, so 2 % is unreachable; 5 % / 3 % leaves 3 % / 1 % for sampling and the trained model's offset.
TRAINED_RESOLUTION = (0.05, 0.03)
GAP_SOURCE = ("part of the statement: the trained risk is within GAP = 2 % above the closed-form optimum "
              "(optimisation gap, one-sided; the note saw <= 1 % after 6k steps, §8)")


def _budget(config: RunConfig) -> dict:
    if config.quick:
        return {"steps": 1500, "batch": 512, "lr": 0.01, "test_size": 5000, "test_batches": 40}
    return {"steps": 6000, "batch": 2048, "lr": 0.005, "test_size": 25000, "test_batches": 40}


def _train(model, data, config, rng):
    b = _budget(config)
    hist = adam_train(model, data, steps=b["steps"], batch=b["batch"], lr=b["lr"], rng=rng)
    samples = mc_risk_of_integrated(data, model.predict, size=b["test_size"], batches=b["test_batches"], rng=rng)
    return samples, hist


def _risk_check(theory, samples, label="trained risk", rows=None):
    c = compare(theory, samples, allowance=GAP * theory, bias="positive", role="claim", label=label,
                allowance_source=GAP_SOURCE)
    if rows is not None:
        rows.extend(comparison_rows([(label, c)]))
    return c


def _risk_controls(samples, controls: dict, prefix: str, reference: float):
    """Wrong values of the optimum judged by the claim's own rule on the same test batches.

    With ``reference`` (the right value) only wrong values within :data:`VALUE_CONTROL_BAND` (5-10 %) are
    run: a farther one is rejected by any CONFIRMED comparison of the same samples and would prove nothing;
    a nearer one lies inside the 5 % the claim promises to resolve (the 2 % gap is part of it).

    Each outcome carries :func:`iclverify.checks.statistics.decide.value_counterfactual` on the claim's comparison of
    ``reference`` (the gap applied to theory and control alike)."""
    out = []
    for name, value in controls.items():
        rel = abs(value / reference - 1)
        if not (VALUE_CONTROL_BAND[0] <= rel <= VALUE_CONTROL_BAND[1]):
            continue
        c = compare(value, samples, allowance=GAP * value, bias="positive", role="control", label=prefix + name,
                    allowance_source=GAP_SOURCE)
        hook = decide.value_counterfactual([(reference, value, samples)], relative_allowance=GAP, bias="positive",
                                           allowance_source=GAP_SOURCE)
        out.append(ControlOutcome(prefix + name, not c.passed, str(c), comparisons=[c.row(prefix + name)],
                                  counterfactual=hook))
    return out


def _rel(A, B):
    return float(np.linalg.norm(np.asarray(A) - np.asarray(B)) / np.linalg.norm(B))


def _w_controls(W_learned, wrongs: dict, prefix: str, reference, tol=W_TOL):
    """Wrong closed forms of the learned matrix (or weight profile), held to the claim's own tolerance.

    Only wrong forms at a distance in (1.25·tol, 2·tol] from the right one (``reference``) are run:
    farther, the claim's pass (learned within tol of the right one) already implies the rejection by the
    triangle inequality; nearer, the learned model's own error (up to tol) can hide the difference."""
    out = []
    for name, Wc in wrongs.items():
        if not (1.25 * tol < _rel(Wc, reference) <= 2 * tol):
            continue
        dist = _rel(W_learned, Wc)
        out.append(ControlOutcome(prefix + name, dist > tol, f"rel. distance {dist:.3f} (tolerance {tol}); "
                                                              f"wrong form {_rel(Wc, reference):.3f} from the "
                                                              f"right one",
                                  counterfactual=_w_counterfactual(reference, Wc, tol)))
    return out


def _w_counterfactual(reference, wrong, tol):
    """Hook for a wrong closed form of a learned matrix held to the claim's distance tolerance.

    Jointly possible: a matrix on the segment from the right form to the wrong one (the first of 201 evenly
    spaced ones) within ``tol`` of both -- the claim's check passes and the control is not rejected.  Under the
    control: the wrong form itself as the learned matrix (the claim's check must fail on it)."""
    reference, wrong = np.asarray(reference, float), np.asarray(wrong, float)

    def jointly():
        for t in np.linspace(0.0, 1.0, 201):
            W = reference + t * (wrong - reference)
            if _rel(W, reference) <= tol and _rel(W, wrong) <= tol:
                return W, W
        return reference, reference

    return counterfactual(lambda W: _rel(W, reference) <= tol, lambda W: _rel(W, wrong) > tol, jointly=jointly,
                          under_control=lambda: wrong,
                          detail="a matrix between the right and the wrong form within the tolerance of both "
                                 "(jointly); the wrong form as the learned one (under it)")


def _np1_preconditioner(n, noise_var, Sx, Sb):
    """Negative control: (n+1) replaced by n in W* = Σ_β[(n+1)Σ_xΣ_β + M₀I]⁻¹."""
    d = Sb.shape[0]
    m0 = float(np.trace(Sx @ Sb)) + noise_var
    return Sb @ np.linalg.inv(n * Sx @ Sb + m0 * np.eye(d))


def _finish(passed, reasons, seeds, ctl, meas, c, d, rows):
    return Evidence(Verdict.CONFIRMED if passed else Verdict.REFUTED, "; ".join(reasons), d=d, seeds=seeds,
                    controls=ctl, measurements=meas, comparisons=rows, **comparison_fields(c))


# -------------------------------------------------------------------------------------------------
@claim(id=P + "trained-att-h3-iid", paper=PAPER, label="MATH, CHECKED (Theorem 1 / Proposition 1, Fig. 2a)",
       statement="On IID isotropic noiseless data (d = 3, n = 6) one-layer linear attention (full W_k, W_q, W_v) and "
                 "H3 (learnable filter) trained by Adam reach L* = d(d+1)/(n+d+1) = 1.2 within the stated 2 % gap; "
                 "their effective preconditioners are within 6 % of W* = I/(n+d+1), the junk blocks vanish and "
                 "H3's learned filter is flat (exchangeable data: H3 = ATT).",
       formula="L* = d(d+1)/(n+d+1); W_eff = v_yA + bv_xᵀ → W*", check=CheckKind.TRAINED,
       resolution_required=TRAINED_RESOLUTION,
       controls=("(n+1) replaced by n in L* (risk) and in W* (preconditioner), each where it lies in the control "
                 "band",),
       assumptions="Gap 2 %, W tolerance 6 %, junk ≤ 5 % of ‖W*‖, flatness: weights within 10 % of their mean; "
                   "all parameters initialised at random.",
       note_section="§2.4, §3.1, §9 claims 1 and 6", figure="li2024_finegrained-fig2a",
       finding="Random initialisation is not always safe at very small d: with d = 2, n = 4 (1.5k Adam steps) 3 of "
               "8 random starts of the full linear attention ended > 5 % above L*, in the rank-one b v_xᵀ local "
               "minimum (v_y ≈ 0); 0 of 8 with the value read-out started at the label channel. At d = 3 (n = 6) "
               "and d = 5 (n = 10), 0 of 8 random starts got stuck.")
def _trained_iid(config: RunConfig) -> Evidence:
    cid = P + "trained-att-h3-iid"
    d, n = 3, 6
    rng, seeds = rng_for(config, cid)
    data = IIDModel(d, n)
    L, W = th.optimal_risk(d, n), th.optimal_preconditioner(d, n)
    wrong_L = float(d - n * d / (n + d))  # (n+1) -> n
    wrong_W = np.eye(d) / (n + d)
    passed, reasons, ctl, meas, rows = True, [], [], {}, []
    first = None
    for name, model in (("ATT", LinearAttention(d, n, rng=rng)), ("H3", H3Model(d, n, rng=rng))):
        samples, _ = _train(model, data, config, rng)
        c = _risk_check(L, samples, f"{name}: trained risk", rows)
        first = first or c
        e = model.effective()
        We = e["W"] * (e["weights"].mean() if name == "H3" else 1.0)
        relW = _rel(We, W)
        junk = max(e["junk_cubic"], e["junk_label"]) / np.linalg.norm(W)
        ok = c.passed and relW <= W_TOL and junk <= JUNK_TOL
        meas[name] = {"risk": c.as_dict(), "W_rel_error": relW, "junk_rel": junk}
        if name == "H3":
            w = e["weights"]
            flat = float(np.max(np.abs(w / w.mean() - 1)))
            ok &= flat <= FLAT_TOL
            meas[name]["filter"] = w
            meas[name]["filter_max_dev"] = flat
            # No "non-flat profile" control: the heteroscedastic profile 1/(d+1+σ_i²), σ_i² = 0..8, deviates
            # 74 % from flat, so a flat learned filter (≤ 10 %) implies its rejection -- it would prove nothing.
        passed &= ok
        reasons.append(f"{name}: {c}; W rel. error {relW:.3f}, junk {junk:.4f}")
        ctl += _risk_controls(samples, {"(n+1)->n in L*": wrong_L}, f"{name}: ", L)
        ctl += _w_controls(We, {"(n+1)->n in W*": wrong_W}, f"{name}: ", W)
    return _finish(passed, reasons, seeds, ctl, meas, first, d, rows)


@claim(id=P + "trained-att-equicorrelated", paper=PAPER, label="MATH, CHECKED (Fig. 2c)",
       statement="For Σ_β = 0.5·11ᵀ + 0.5·I (d = 4, n = 8) trained linear attention reaches L* and its effective "
                 "matrix v_yA + bv_xᵀ matches W* = Σ_β[(n+1)Σ_β + M₀I]⁻¹ within 6 % (Frobenius).",
       formula="W* = Σ_β[(n+1)Σ_β + M₀I]⁻¹", check=CheckKind.TRAINED, resolution_required=TRAINED_RESOLUTION,
       controls=("isotropic formula for L* (Σ_β treated as I)", "(n+1) replaced by n in W*",
                 "isotropic W* = I/(n+d+1) (each where it lies in the control band)"),
       assumptions="Gap 2 %, W tolerance 6 %.", note_section="§3.1, §9 claim 3", figure="li2024_finegrained-fig2c")
def _trained_equi(config: RunConfig) -> Evidence:
    cid = P + "trained-att-equicorrelated"
    d, n, spec = 4, 8, "equicorrelated:0.5"
    rng, seeds = rng_for(config, cid)
    L, W = th.optimal_risk(d, n, sigma_beta=spec), th.optimal_preconditioner(d, n, sigma_beta=spec)
    model = LinearAttention(d, n, rng=rng)
    samples, _ = _train(model, IIDModel(d, n, sigma_beta=spec), config, rng)
    rows = []
    c = _risk_check(L, samples, "trained risk", rows)
    e = model.effective()
    relW = _rel(e["W"], W)
    junk = max(e["junk_cubic"], e["junk_label"]) / np.linalg.norm(W)
    ctl = _risk_controls(samples, {"isotropic L*": th.optimal_risk(d, n)}, "", L)
    Sb = 0.5 * np.eye(d) + 0.5 * np.ones((d, d))
    ctl += _w_controls(e["W"], {"isotropic W*": th.optimal_preconditioner(d, n),
                                "(n+1)->n in W*": _np1_preconditioner(n, 0.0, np.eye(d), Sb)}, "", W)
    ok = c.passed and relW <= W_TOL and junk <= JUNK_TOL
    return _finish(ok, [f"{c}; W rel. error {relW:.3f}; junk {junk:.4f}"], seeds, ctl,
                   {"W_rel_error": relW, "junk_rel": junk, "W_learned": e["W"], "W_star": W}, c, d, rows)


@claim(id=P + "trained-att-correlated-designs", paper=PAPER,
       label="MATH, CHECKED; models RECONSTRUCTED (Eqs. 9, 11; Theorem 1 spirit)",
       statement="On RAG and task-feature-aligned data (d = 5, n = 10, α = 0.4, σ² = 0.1) trained linear attention "
                 "reaches the PGD optimum (1.5401 for RAG, 2.2740 for alignment) within the 2 % gap, its effective W "
                 "is within 6 % of c*·I and the junk blocks vanish: ATT ≡ PGD under these correlated designs.",
       formula="L*_ATT = L*_PGD = A − B²/C, W_eff → (B/C) I", check=CheckKind.TRAINED,
       resolution_required=TRAINED_RESOLUTION,
       controls=("the IID optimum (α = 0) as the claimed risk", "the IID preconditioner I/(n+d+1+σ²)",
                 "the b = 1 variant's c* for √(1−α²) data (each where it lies in the control band)"),
       assumptions="Gap 2 %, W tolerance 6 %, junk ≤ 5 %.", note_section="§2.4, §4, §9 claim 5",
       figure="li2024_finegrained-fig3a")
def _trained_corr(config: RunConfig) -> Evidence:
    cid = P + "trained-att-correlated-designs"
    d, n, a, s2 = 5, 10, 0.4, 0.1
    rng, seeds = rng_for(config, cid)
    ca, cb = al.family_coefficients(a)
    L_iid = th.isotropic_optimal_risk(d, n, s2)
    W_iid = th.optimal_preconditioner(d, n, s2)
    cases = {"RAG": (RAGModel(d, n, ca, cb, s2), al.rag_optimal_risk(d, n, a, s2), al.rag_optimal_scale(d, n, a, s2)),
             "alignment": (AlignmentModel(d, n, ca, cb, s2), al.alignment_optimal_risk(d, n, a, s2),
                           al.alignment_optimal_scale(d, n, a, s2))}
    passed, reasons, ctl, meas, first, rows = True, [], [], {}, None, []
    for name, (data, L, cstar) in cases.items():
        model = LinearAttention(d, n, rng=rng)
        samples, _ = _train(model, data, config, rng)
        c = _risk_check(L, samples, f"{name}: trained risk", rows)
        first = first or c
        e = model.effective()
        W = cstar * np.eye(d)
        relW = _rel(e["W"], W)
        junk = max(e["junk_cubic"], e["junk_label"]) / np.linalg.norm(W)
        passed &= c.passed and relW <= W_TOL and junk <= JUNK_TOL
        reasons.append(f"{name}: {c}; W rel. error {relW:.3f}; junk {junk:.4f}")
        meas[name] = {"L*": L, "c*": cstar, "risk": c.as_dict(), "W_rel_error": relW, "junk_rel": junk}
        ctl += _risk_controls(samples, {"IID optimum": L_iid}, f"{name}: ", L)
        b1 = (al.rag_optimal_scale(d, n, a, s2, variant="b1") if name == "RAG"
              else al.alignment_optimal_scale(d, n, a, s2, variant="b1"))
        ctl += _w_controls(e["W"], {"IID preconditioner": W_iid, "b=1 variant's c*": b1 * np.eye(d)}, f"{name}: ", W)
    return _finish(passed, reasons, seeds, ctl, meas, first, d, rows)


@claim(id=P + "trained-h3-beats-att-drift", paper=PAPER, label="MATH, CHECKED; setting RECONSTRUCTED (§5.3)",
       statement="Under AR(1) task drift (d = 5, n = 10, g = 0.8, σ² = 0.2) a trained H3 reaches L*_H3 = 4.3357 "
                 "within the 2 % gap and beats linear attention's optimum L*_ATT = 4.6519, which a trained linear "
                 "attention reaches; H3's learned per-position weights match R⁻¹ρ within 15 %.",
       formula="L*_H3 = d + σ² − dρᵀR⁻¹ρ < L*_ATT = d + σ² − d(1ᵀρ)²/1ᵀR1", check=CheckKind.TRAINED,
       resolution_required=TRAINED_RESOLUTION,
       controls=("trained H3 claimed to tie with ATT (L*_ATT)", "trained ATT claimed to reach L*_H3",
                 "optimal weights with the query's position off by one (ρ_i = g^(n−i)) as H3's learned profile",
                 "uniform weights (ATT's) as H3's learned profile (each where it lies in the control band)"),
       assumptions="Gap 2 %; weight-profile tolerance 15 % (relative L2 of u = ω·tr(W_eff)/d).",
       note_section="§5.3, §9 claim 8")
def _trained_drift(config: RunConfig) -> Evidence:
    cid = P + "trained-h3-beats-att-drift"
    d, n, g, s2 = 5, 10, 0.8, 0.2
    rng, seeds = rng_for(config, cid)
    r = wp.ar1_drift_risks(d, n, g, s2)
    Pm, rho = wp.ar1_drift_moments(n, g)
    u_star = wp.sequence_optimal_risks(d, Pm, rho, s2, s2)["weights_h3"]
    data = DriftModel.ar1(d, n, g, s2)
    h3 = H3Model(d, n, rng=rng)
    s_h3, _ = _train(h3, data, config, rng)
    att = LinearAttention(d, n, rng=rng)
    s_att, _ = _train(att, data, config, rng)
    rows = []
    c1, c2 = (_risk_check(r["h3"], s_h3, "H3: trained risk", rows),
              _risk_check(r["att"], s_att, "ATT: trained risk", rows))
    e = h3.effective()
    u = e["weights"] * np.trace(e["W"]) / d
    rel_u = _rel(u, u_star)
    uni = np.full(n, r["scale_att"])
    rel_uni = _rel(uni, u_star)
    ctl = _risk_controls(s_h3, {"H3 ties ATT": r["att"]}, "", r["h3"])
    ctl += _risk_controls(s_att, {"ATT reaches H3": r["h3"]}, "", r["att"])
    rho_off = rho / g  # ρ_i = g^{n−i}: the query's position off by one
    ctl += _w_controls(u, {"uniform profile": uni,
                           "query position off by one (ρ_i = g^(n−i))": np.linalg.solve(Pm + (d + 1 + s2) * np.eye(n),
                                                                                        rho_off)},
                       "", u_star, tol=PROFILE_TOL)
    ok = c1.passed and c2.passed and rel_u <= PROFILE_TOL
    return _finish(ok, [f"H3 {c1}", f"ATT {c2}", f"weights rel. error {rel_u:.3f}"], seeds, ctl,
                   {"u_learned": u, "u_star": u_star, "att": c2.as_dict(), "uniform_vs_optimal": rel_uni}, c1, d, rows)


@claim(id=P + "trained-lowrank-att", paper=PAPER, label="MATH, CHECKED (Fig. 3c)",
       statement="Rank-r linear attention (W_k, W_q ∈ ℝ^{(d+1)×r}; d = 4, n = 8, geometric Σ_β spectrum) trained by "
                 "Adam reaches L*_r within the 2 % gap for r = 1, 2, and its effective W is within 6 % of W*_r, the "
                 "top-r eigendirection solution.",
       formula="L*_r = M₀ − Σ_{i≤r} nλ_i²/((n+1)λ_i + M₀)", check=CheckKind.TRAINED,
       resolution_required=TRAINED_RESOLUTION,
       controls=("full-rank L* claimed for the rank-r model", "L*_{r+1} claimed", "(n+1) replaced by n in W*_r",
                 "bottom-r directions as the learned W (each where it lies in the control band)"),
       assumptions="Σ_x = I; gap 2 %, W tolerance 6 %; value read-out initialised at the label channel "
                   "(v = [0; 1], W_q, W_k random).",
       note_section="§6.1, §9 claim 12", figure="li2024_finegrained-fig3c",
       finding="From a fully random initialisation the rank-2 model (d = 4, n = 8) ended in the rank-one "
               "local minimum W_eff = b v_xᵀ (v_y ≈ 0, risk ≈ L*_1) for 4 of 6 seeds, at 1.5k and at 5k Adam "
               "steps: the b v_xᵀ route to a preconditioner is rank one by construction and switching to v_yA "
               "turns on the label junk term. Starting the value read-out at the label channel avoided it for "
               "6 of 6 seeds. The paper's initialisation is unknown.")
def _trained_lowrank(config: RunConfig) -> Evidence:
    cid = P + "trained-lowrank-att"
    d, n, spec = 4, 8, "geometric:0.5"
    rng, seeds = rng_for(config, cid)
    data = IIDModel(d, n, sigma_beta=spec)
    passed, reasons, ctl, meas, first, rows = True, [], [], {}, None, []
    for r in (1, 2):
        model = LinearAttention(d, n, r, rng=rng, value_init="label")
        samples, _ = _train(model, data, config, rng)
        L = lr.lowrank_optimal_risk(r, d, n, sigma_beta=spec)
        Wr = lr.lowrank_optimal_preconditioner(r, d, n, sigma_beta=spec)
        c = _risk_check(L, samples, f"r={r}: trained risk", rows)
        first = first or c
        We = model.effective()["W"]
        relW = _rel(We, Wr)
        passed &= c.passed and relW <= W_TOL
        reasons.append(f"r={r}: {c}; W rel. error {relW:.3f}")
        meas[f"r={r}"] = {"L*_r": L, "risk": c.as_dict(), "W_rel_error": relW}
        ctl += _risk_controls(samples, {"full-rank L*": th.optimal_risk(d, n, sigma_beta=spec),
                                        "L*_{r+1}": lr.lowrank_optimal_risk(r + 1, d, n, sigma_beta=spec)},
                              f"r={r}: ", L)
        lam, U = lr.whitened_spectrum(d, None, spec)[:2]
        w_np1 = np.where(np.arange(d) < r, lam / (n * lam + lam.sum()), 0.0)  # (n+1) -> n, top-r kept
        ctl += _w_controls(We, {"bottom-r": lr.spectral_preconditioner(range(d - r, d), d, n, sigma_beta=spec),
                                "(n+1)->n in W*_r": (U * w_np1) @ U.T}, f"r={r}: ", Wr)
    return _finish(passed, reasons, seeds, ctl, meas, first, d, rows)


@claim(id=P + "trained-lora", paper=PAPER, label="MATH, CHECKED (Fig. 3d)",
       statement="A rank-r LoRA adapter W_up W_downᵀ on a linear attention pretrained at W*(Σ_old) (d = 4, n = 8, "
                 "Σ_old = diag(3, .5, .25, .25), Σ_new = diag(.25, .25, .5, 3)), trained on Σ_new, reaches "
                 "L_LoRA(r) = L*_new + Σ_{i>r} s_i² within the 2 % gap for r = 1, 2 and spends rank 1 on the most "
                 "shifted direction (coordinate 3).",
       formula="L_LoRA(r) = L*_new + Σ_{i>r} s_i²", check=CheckKind.TRAINED, resolution_required=TRAINED_RESOLUTION,
       controls=("un-adapted risk L_new(W_old) claimed", "full adaptation L*_new claimed",
                 "(n+1) replaced by n in the adapted entries of W",
                 "rank spent on the largest-old-variance direction (coordinate 0) (each where it lies in the "
                 "control band)"),
       assumptions="Σ_x = I; the pretrained model is set to W*(Σ_old) exactly (not trained); gap 2 %, "
                   "W tolerance 6 %.", note_section="§6.2, §9 claim 13", figure="li2024_finegrained-fig3d")
def _trained_lora(config: RunConfig) -> Evidence:
    cid = P + "trained-lora"
    d, n = 4, 8
    old, new = np.diag([3, .5, .25, .25]), np.diag([.25, .25, .5, 3])
    rng, seeds = rng_for(config, cid)
    W_old = th.optimal_preconditioner(d, n, 0.0, None, old)
    W_new = th.optimal_preconditioner(d, n, 0.0, None, new)
    data = IIDModel(d, n, sigma_beta=new)
    passed, reasons, ctl, meas, first, rows = True, [], [], {}, None, []
    for r in (1, 2):
        model = LoRAAttention(W_old, n, r, rng=rng)
        samples, _ = _train(model, data, config, rng)
        L = lr.lora_risk(r, d, n, 0.0, new, old)
        c = _risk_check(L, samples, f"r={r}: trained risk", rows)
        first = first or c
        W_opt = W_old + lr.lora_optimal_update(r, d, n, 0.0, new, old)
        We = model.effective()["W"]
        relW = _rel(We, W_opt)
        passed &= c.passed and relW <= W_TOL
        reasons.append(f"r={r}: {c}; W rel. error {relW:.3f}")
        delta = np.abs(np.diag(We - W_old))
        meas[f"r={r}"] = {"L_LoRA": L, "risk": c.as_dict(), "W_rel_error": relW, "delta_diag": delta}
        controls = {"un-adapted": lr.lora_risk(0, d, n, 0.0, new, old),
                    "full adaptation L*_new": th.optimal_risk(d, n, 0.0, None, new)}
        wrong = W_old.copy()
        wrong[0, 0] = W_new[0, 0]
        adapted = np.where(np.abs(np.diag(W_opt - W_old)) > 1e-12)[0]
        np1 = W_opt.copy()
        np1[adapted, adapted] = (np.diag(new) / (n * np.diag(new) + np.trace(new)))[adapted]  # (n+1) -> n
        ctl += _w_controls(We, {"largest-old-variance direction": wrong,
                                "(n+1)->n in the adapted entries": np1}, f"r={r}: ", W_opt)
        if r == 1:
            passed &= int(np.argmax(delta)) == 3
        ctl += _risk_controls(samples, controls, f"r={r}: ", L)
    return _finish(passed, reasons, seeds, ctl, meas, first, d, rows)
