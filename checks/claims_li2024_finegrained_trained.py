"""Trained-model claims of Li, Rawat & Oymak 2024 (note ``li2024_finegrained.md`` §2.4, §5, §6, §9).

Models are trained by Adam on fresh prompts (numpy, exact gradients; :mod:`.li2024_finegrained_train`) and
evaluated on fresh test prompts.  Stated up front, for every trained claim:

* **optimisation gap**: the trained risk may exceed the closed-form optimum by at most ``GAP`` = 2 % of it
  (the note observed ≤ 1 % after 6k steps, §8); the comparison is calibrated
  (``compare(L*, test batches, allowance=GAP·L*, bias="positive")``): below the optimum only sampling noise
  is allowed, since no model can beat the population optimum in expectation;
* **learned preconditioner**: the effective W within ``W_TOL`` = 6 % (relative Frobenius) of the closed form;
* **junk blocks** (terms whose optimum is zero, note §2.4): each at most ``JUNK_TOL`` = 5 % of ‖W*‖_F (they
  decay slowly: the note saw ~1 % after 6k steps; quick mode trains 1.5k steps).

Negative controls are wrong closed forms (e.g. (n+1) → n, the isotropic formula for a non-isotropic task)
held to the same rule at the same test prompts, and wrong preconditioners held to the same ``W_TOL``.
Quick mode trains small models (d ≤ 5, n ≤ 10; about 1.5k Adam steps of 512 prompts), full mode trains
longer with larger batches and test sets; the sizes are the same in both modes.
"""

from __future__ import annotations

import numpy as np

from iclverify.checks._li2024_claim_tools import PAPER, comparison_fields, rng_for
from iclverify.checks.claims import CheckKind, ControlOutcome, Evidence, RunConfig, Verdict, claim
from iclverify.checks.compare import compare
from iclverify.checks.li2024_finegrained_sim import AlignmentModel, DriftModel, IIDModel, RAGModel
from iclverify.checks.li2024_finegrained_train import H3Model, LinearAttention, LoRAAttention, adam_train, test_risk
from iclverify.theory import li2024_finegrained as th
from iclverify.theory import li2024_finegrained_alignment as al
from iclverify.theory import li2024_finegrained_lowrank as lr
from iclverify.theory import li2024_finegrained_wpgd as wp

P = "li2024_finegrained."
GAP = 0.02
W_TOL = 0.06
JUNK_TOL = 0.05
FLAT_TOL = 0.10


def _budget(config: RunConfig) -> dict:
    if config.quick:
        return {"steps": 1500, "batch": 512, "lr": 0.01, "test_size": 5000, "test_batches": 40}
    return {"steps": 6000, "batch": 2048, "lr": 0.005, "test_size": 25000, "test_batches": 40}


def _train(model, data, config, rng):
    b = _budget(config)
    hist = adam_train(model, data, steps=b["steps"], batch=b["batch"], lr=b["lr"], rng=rng)
    samples = test_risk(model, data, size=b["test_size"], batches=b["test_batches"], rng=rng)
    return samples, hist


def _risk_check(theory, samples):
    return compare(theory, samples, allowance=GAP * theory, bias="positive")


def _risk_controls(samples, controls: dict, prefix=""):
    out = []
    for name, value in controls.items():
        c = compare(value, samples, allowance=GAP * value, bias="positive")
        out.append(ControlOutcome(prefix + name, not c.passed, str(c)))
    return out


def _rel(A, B):
    return float(np.linalg.norm(np.asarray(A) - np.asarray(B)) / np.linalg.norm(B))


def _w_controls(W_learned, wrongs: dict, prefix=""):
    return [ControlOutcome(prefix + name, _rel(W_learned, Wc) > W_TOL, f"rel. distance {_rel(W_learned, Wc):.3f} "
                                                                       f"(tolerance {W_TOL})")
            for name, Wc in wrongs.items()]


def _finish(passed, reasons, seeds, ctl, meas, c, d):
    return Evidence(Verdict.CONFIRMED if passed else Verdict.REFUTED, "; ".join(reasons), d=d, seeds=seeds,
                    controls=ctl, measurements=meas, **comparison_fields(c))


# -------------------------------------------------------------------------------------------------
@claim(id=P + "trained-att-h3-iid", paper=PAPER, label="MATH, CHECKED (Theorem 1 / Proposition 1, Fig. 2a)",
       statement="On IID isotropic noiseless data (d = 3, n = 6) one-layer linear attention (full W_k, W_q, W_v) and "
                 "H3 (learnable filter) trained by Adam reach L* = d(d+1)/(n+d+1) = 1.2 within the stated 2 % gap; "
                 "their effective preconditioners are within 6 % of W* = I/(n+d+1), the junk blocks vanish and "
                 "H3's learned filter is flat (exchangeable data: H3 = ATT).",
       formula="L* = d(d+1)/(n+d+1); W_eff = v_yA + bv_xᵀ → W*", check=CheckKind.TRAINED,
       controls=("(n+1) replaced by n in L* (risk) and in W* (preconditioner)",
                 "a non-flat filter profile (heteroscedastic optimum 1/(d+1+σ_i²), σ_i² = 0..8) for H3's weights"),
       assumptions="Gap 2 %, W tolerance 6 %, junk ≤ 5 % of ‖W*‖, flatness: weights within 10 % of their mean; "
                   "all parameters initialised at random.",
       note_section="§2.4, §3.1, §9 claims 1 and 6", figure="li2024-fig2a",
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
    passed, reasons, ctl, meas = True, [], [], {}
    first = None
    for name, model in (("ATT", LinearAttention(d, n, rng=rng)), ("H3", H3Model(d, n, rng=rng))):
        samples, _ = _train(model, data, config, rng)
        c = _risk_check(L, samples)
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
            prof = 1 / (d + 1 + np.linspace(0, 8, n))
            dev = float(np.max(np.abs((w / w.mean()) / (prof / prof.mean()) - 1)))
            ctl.append(ControlOutcome("H3: non-flat profile", dev > FLAT_TOL, f"max deviation {dev:.3f}"))
        passed &= ok
        reasons.append(f"{name}: {c}; W rel. error {relW:.3f}, junk {junk:.4f}")
        ctl += _risk_controls(samples, {"(n+1)->n in L*": wrong_L}, f"{name}: ")
        ctl += _w_controls(We, {"(n+1)->n in W*": wrong_W}, f"{name}: ")
    return _finish(passed, reasons, seeds, ctl, meas, first, d)


@claim(id=P + "trained-att-equicorrelated", paper=PAPER, label="MATH, CHECKED (Fig. 2c)",
       statement="For Σ_β = 0.5·11ᵀ + 0.5·I (d = 4, n = 8) trained linear attention reaches L* and its effective "
                 "matrix v_yA + bv_xᵀ matches W* = Σ_β[(n+1)Σ_β + M₀I]⁻¹ within 6 % (Frobenius).",
       formula="W* = Σ_β[(n+1)Σ_β + M₀I]⁻¹", check=CheckKind.TRAINED,
       controls=("isotropic formula for L* (Σ_β treated as I)", "isotropic W* = I/(n+d+1)"),
       assumptions="Gap 2 %, W tolerance 6 %.", note_section="§3.1, §9 claim 3", figure="li2024-fig2c")
def _trained_equi(config: RunConfig) -> Evidence:
    cid = P + "trained-att-equicorrelated"
    d, n, spec = 4, 8, "equicorrelated:0.5"
    rng, seeds = rng_for(config, cid)
    L, W = th.optimal_risk(d, n, sigma_beta=spec), th.optimal_preconditioner(d, n, sigma_beta=spec)
    model = LinearAttention(d, n, rng=rng)
    samples, _ = _train(model, IIDModel(d, n, sigma_beta=spec), config, rng)
    c = _risk_check(L, samples)
    e = model.effective()
    relW = _rel(e["W"], W)
    junk = max(e["junk_cubic"], e["junk_label"]) / np.linalg.norm(W)
    ctl = _risk_controls(samples, {"isotropic L*": th.optimal_risk(d, n)})
    ctl += _w_controls(e["W"], {"isotropic W*": th.optimal_preconditioner(d, n)})
    ok = c.passed and relW <= W_TOL and junk <= JUNK_TOL
    return _finish(ok, [f"{c}; W rel. error {relW:.3f}; junk {junk:.4f}"], seeds, ctl,
                   {"W_rel_error": relW, "junk_rel": junk, "W_learned": e["W"], "W_star": W}, c, d)


@claim(id=P + "trained-att-correlated-designs", paper=PAPER,
       label="MATH, CHECKED; models RECONSTRUCTED (Eqs. 9, 11; Theorem 1 spirit)",
       statement="On RAG and task-feature-aligned data (d = 5, n = 10, α = 0.4, σ² = 0.1) trained linear attention "
                 "reaches the PGD optimum (1.5401 for RAG, 2.2740 for alignment) within the 2 % gap, its effective W "
                 "is within 6 % of c*·I and the junk blocks vanish: ATT ≡ PGD under these correlated designs.",
       formula="L*_ATT = L*_PGD = A − B²/C, W_eff → (B/C) I", check=CheckKind.TRAINED,
       controls=("the IID optimum (α = 0) as the claimed risk", "the IID preconditioner I/(n+d+1+σ²)"),
       assumptions="Gap 2 %, W tolerance 6 %, junk ≤ 5 %.", note_section="§2.4, §4, §9 claim 5",
       figure="li2024-fig3a")
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
    passed, reasons, ctl, meas, first = True, [], [], {}, None
    for name, (data, L, cstar) in cases.items():
        model = LinearAttention(d, n, rng=rng)
        samples, _ = _train(model, data, config, rng)
        c = _risk_check(L, samples)
        first = first or c
        e = model.effective()
        W = cstar * np.eye(d)
        relW = _rel(e["W"], W)
        junk = max(e["junk_cubic"], e["junk_label"]) / np.linalg.norm(W)
        passed &= c.passed and relW <= W_TOL and junk <= JUNK_TOL
        reasons.append(f"{name}: {c}; W rel. error {relW:.3f}; junk {junk:.4f}")
        meas[name] = {"L*": L, "c*": cstar, "risk": c.as_dict(), "W_rel_error": relW, "junk_rel": junk}
        ctl += _risk_controls(samples, {"IID optimum": L_iid}, f"{name}: ")
        ctl += _w_controls(e["W"], {"IID preconditioner": W_iid}, f"{name}: ")
    return _finish(passed, reasons, seeds, ctl, meas, first, d)


@claim(id=P + "trained-h3-beats-att-drift", paper=PAPER, label="MATH, CHECKED; setting RECONSTRUCTED (§5.3)",
       statement="Under AR(1) task drift (d = 5, n = 10, g = 0.8, σ² = 0.2) a trained H3 reaches L*_H3 = 4.3357 "
                 "within the 2 % gap and beats linear attention's optimum L*_ATT = 4.6519, which a trained linear "
                 "attention reaches; H3's learned per-position weights match R⁻¹ρ within 15 %.",
       formula="L*_H3 = d + σ² − dρᵀR⁻¹ρ < L*_ATT = d + σ² − d(1ᵀρ)²/1ᵀR1", check=CheckKind.TRAINED,
       controls=("trained H3 claimed to tie with ATT (L*_ATT)", "uniform weights (ATT's) as H3's learned profile",
                 "trained ATT claimed to reach L*_H3"),
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
    c1, c2 = _risk_check(r["h3"], s_h3), _risk_check(r["att"], s_att)
    e = h3.effective()
    u = e["weights"] * np.trace(e["W"]) / d
    rel_u = _rel(u, u_star)
    uni = np.full(n, r["scale_att"])
    rel_uni = _rel(uni, u_star)
    ctl = _risk_controls(s_h3, {"H3 ties ATT": r["att"]}) + _risk_controls(s_att, {"ATT reaches H3": r["h3"]})
    ctl.append(ControlOutcome("uniform profile", _rel(u, uni) > 0.15, f"rel. distance {_rel(u, uni):.3f}"))
    ok = c1.passed and c2.passed and rel_u <= 0.15
    return _finish(ok, [f"H3 {c1}", f"ATT {c2}", f"weights rel. error {rel_u:.3f}"], seeds, ctl,
                   {"u_learned": u, "u_star": u_star, "att": c2.as_dict(), "uniform_vs_optimal": rel_uni}, c1, d)


@claim(id=P + "trained-lowrank-att", paper=PAPER, label="MATH, CHECKED (Fig. 3c)",
       statement="Rank-r linear attention (W_k, W_q ∈ ℝ^{(d+1)×r}; d = 4, n = 8, geometric Σ_β spectrum) trained by "
                 "Adam reaches L*_r within the 2 % gap for r = 1, 2, and its effective W is within 6 % of W*_r, the "
                 "top-r eigendirection solution.",
       formula="L*_r = M₀ − Σ_{i≤r} nλ_i²/((n+1)λ_i + M₀)", check=CheckKind.TRAINED,
       controls=("full-rank L* claimed for the rank-r model", "bottom-r directions as the learned W",
                 "L*_{r+1} claimed"),
       assumptions="Σ_x = I; gap 2 %, W tolerance 6 %; value read-out initialised at the label channel "
                   "(v = [0; 1], W_q, W_k random).", note_section="§6.1, §9 claim 12", figure="li2024-fig3c",
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
    passed, reasons, ctl, meas, first = True, [], [], {}, None
    for r in (1, 2):
        model = LinearAttention(d, n, r, rng=rng, value_init="label")
        samples, _ = _train(model, data, config, rng)
        L = lr.lowrank_optimal_risk(r, d, n, sigma_beta=spec)
        Wr = lr.lowrank_optimal_preconditioner(r, d, n, sigma_beta=spec)
        c = _risk_check(L, samples)
        first = first or c
        We = model.effective()["W"]
        relW = _rel(We, Wr)
        passed &= c.passed and relW <= W_TOL
        reasons.append(f"r={r}: {c}; W rel. error {relW:.3f}")
        meas[f"r={r}"] = {"L*_r": L, "risk": c.as_dict(), "W_rel_error": relW}
        ctl += _risk_controls(samples, {"full-rank L*": th.optimal_risk(d, n, sigma_beta=spec),
                                        "L*_{r+1}": lr.lowrank_optimal_risk(r + 1, d, n, sigma_beta=spec)}, f"r={r}: ")
        ctl += _w_controls(We, {"bottom-r": lr.spectral_preconditioner(range(d - r, d), d, n, sigma_beta=spec)},
                           f"r={r}: ")
    return _finish(passed, reasons, seeds, ctl, meas, first, d)


@claim(id=P + "trained-lora", paper=PAPER, label="MATH, CHECKED (Fig. 3d)",
       statement="A rank-r LoRA adapter W_up W_downᵀ on a linear attention pretrained at W*(Σ_old) (d = 4, n = 8, "
                 "Σ_old = diag(3, .5, .25, .25), Σ_new = diag(.25, .25, .5, 3)), trained on Σ_new, reaches "
                 "L_LoRA(r) = L*_new + Σ_{i>r} s_i² within the 2 % gap for r = 1, 2 and spends rank 1 on the most "
                 "shifted direction (coordinate 3).",
       formula="L_LoRA(r) = L*_new + Σ_{i>r} s_i²", check=CheckKind.TRAINED,
       controls=("un-adapted risk L_new(W_old) claimed", "full adaptation L*_new claimed for r = 1",
                 "rank spent on the largest-old-variance direction (coordinate 0)"),
       assumptions="Σ_x = I; the pretrained model is set to W*(Σ_old) exactly (not trained); gap 2 %, "
                   "W tolerance 6 %.", note_section="§6.2, §9 claim 13", figure="li2024-fig3d")
def _trained_lora(config: RunConfig) -> Evidence:
    cid = P + "trained-lora"
    d, n = 4, 8
    old, new = np.diag([3, .5, .25, .25]), np.diag([.25, .25, .5, 3])
    rng, seeds = rng_for(config, cid)
    W_old = th.optimal_preconditioner(d, n, 0.0, None, old)
    W_new = th.optimal_preconditioner(d, n, 0.0, None, new)
    data = IIDModel(d, n, sigma_beta=new)
    passed, reasons, ctl, meas, first = True, [], [], {}, None
    for r in (1, 2):
        model = LoRAAttention(W_old, n, r, rng=rng)
        samples, _ = _train(model, data, config, rng)
        L = lr.lora_risk(r, d, n, 0.0, new, old)
        c = _risk_check(L, samples)
        first = first or c
        W_opt = W_old + lr.lora_optimal_update(r, d, n, 0.0, new, old)
        We = model.effective()["W"]
        relW = _rel(We, W_opt)
        passed &= c.passed and relW <= W_TOL
        reasons.append(f"r={r}: {c}; W rel. error {relW:.3f}")
        delta = np.abs(np.diag(We - W_old))
        meas[f"r={r}"] = {"L_LoRA": L, "risk": c.as_dict(), "W_rel_error": relW, "delta_diag": delta}
        controls = {"un-adapted": lr.lora_risk(0, d, n, 0.0, new, old)}
        if r == 1:
            controls["full adaptation"] = th.optimal_risk(d, n, 0.0, None, new)
            passed &= int(np.argmax(delta)) == 3
            wrong = W_old.copy()
            wrong[0, 0] = W_new[0, 0]
            ctl += _w_controls(We, {"largest-old-variance direction": wrong}, "r=1: ")
        ctl += _risk_controls(samples, controls, f"r={r}: ")
    return _finish(passed, reasons, seeds, ctl, meas, first, d)
