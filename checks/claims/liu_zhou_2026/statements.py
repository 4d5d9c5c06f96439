"""Claims of Liu & Zhou (2026), *Ghost in the Kernel* (note liu_zhou_2026_ghost.md §3 (a)-(f)).

Only the paper's abstract is known.  Each claim's ``label`` says which part is [MATH]
(holds regardless of the paper), [CHECKED] (the note's scratch runs, re-done here) and
[RECONSTRUCTED] (the note's guess at the paper's setting or exponents).  Identities are
PROVED with sympy where it closes the argument and checked in float64 at sizes drawn from
``config.seed``; rates are fitted exponents with standard errors and calibrated tests
(:class:`iclverify.checks.experiments.liu_zhou_2026_rates.SlopeFit`), never eyeballed.

Statistics: every test is recorded in the run's ledger (:mod:`iclverify.checks.statistics.ledger`) at its
per-test rate; squared errors are skewed, so value comparisons use Hall's skewness-corrected t
(:func:`iclverify.checks.statistics.decide.skew_robust`: skewness > 0.5 and n >= 100; calibrated in
docs/calibration.md, where batch means were not) and slope fits use batch means (40 batches) where
the sample skewness exceeds 0.5; a power law that misfits makes its claim
INCONCLUSIVE (no SE inflation).  Resolution: each comparison and slope row states it (value:
relative to the theory; slope: smallest exponent error rejected, relative to the exponent).  Every
statistical claim sets ``resolution_required`` (quick, full) to what its statement promises:

- :data:`VALUE_RESOLUTION` (5 % / 2 %, the project default) for an exact value (the random-feature
  variances, the oracle second-stage error) or an exact exponent (the MSE slopes -1, relative to |-1|);
- :data:`THRESHOLD_RESOLUTION` (10 % / 5 % of the threshold or of the compared quantities) for an
  inequality with a threshold fixed a priori or an ordering (the plateau's secant slope > -1/2, the
  Hedgehog orderings);
- kme-rate keeps the note's own tolerance (§3(d1): 15 % on the ratio); the trained slopes'
  d-independence requires its equivalence margin, 0.1 in exponent units, i.e. 10 % of the oracle
  exponent |-1|.

A claim that cannot reach its resolution is INCONCLUSIVE and says so (``run_claim``).  The Hedgehog
claim (a trained feature map) is decided over :data:`MIMICRY_SEEDS` training seeds by the rule of the
trained-model claims of Li et al. 2024 (:data:`SEED_RULE`).  Every control of every
claim carries a counterfactual hook (:func:`iclverify.checks.claims.counterfactual`); the controls of the
deterministic claims are wrong formulas whose difference from the reference at the claim's own checked points is
measured (:func:`formula_control`, ``measurements["control_effects"]``).
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import sympy as sp

from iclverify.checks.simulation import liu_zhou_2026_attention as att
from iclverify.checks.simulation import liu_zhou_2026_mimicry as mim
from iclverify.checks.experiments import liu_zhou_2026_rates as rates
from iclverify.checks.experiments.liu_zhou_2026_causal_cost import causal_cost_measurements
from iclverify.checks.statistics import decide
from iclverify.checks.statistics import ledger as _ledger
from iclverify.checks.claims import (
    CheckKind, ControlOutcome, Evidence, RunConfig, Verdict, claim, comparison_rows, counterfactual,
)
from iclverify.checks.statistics.compare import compare, critical_value
from iclverify.checks.claims.formula_controls import CONTROL_THRESHOLD, formula_control  # noqa: F401
from iclverify.derivations import liu_zhou_2026 as der
from iclverify.theory import feature_maps as fm
from iclverify.theory import liu_zhou_2026 as lz

PAPER = "liu_zhou_2026"
#: Required resolution (quick, full) of an exact value or exponent: the project default.
VALUE_RESOLUTION = (0.05, 0.02)
#: Required resolution of an inequality with an a-priori threshold or of an ordering, relative to the threshold or to
#: the compared quantities' scale (the same rule as the trained-model claims of Li et al. 2024).
THRESHOLD_RESOLUTION = (0.10, 0.05)
#: Training seeds (quick, full) over which the Hedgehog mimicry claim is decided (root seed first).  Six primary
#: decisions per seed: 3 at full scale too, so that a full report stays within the ledger's planned primary tests.
MIMICRY_SEEDS = (3, 3)
#: The seed rule (shared with the trained-model claims of Li et al. 2024).
SEED_RULE = ("CONFIRMED only if every primary decision is confirmed at every training seed; REFUTED if one is "
             "refuted at any seed; otherwise INCONCLUSIVE")
#: float64 agreement required of the exact identities (relative to the output scale).
FLOAT_TOL = 1e-12


def _rel_maxdiff(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def _identity_verdict(symbolic: bool, numeric: bool) -> Verdict:
    if symbolic and numeric:
        return Verdict.PROVED
    if numeric:
        return Verdict.CONFIRMED
    return Verdict.REFUTED


def _exp_clip_map(W: np.ndarray):
    """The note's §3(a) map ``exp(clip(W x))`` (positive, D = rows of W)."""
    return lambda x: np.exp(np.clip(x @ W.T, -10.0, 10.0))


# =======================================================================================
# (a) linear attention = kernel smoother = KME inner product; invariances

def _kernel_smoother_cases(config: RunConfig):
    """The claim's drawn cases: ``(sizes, pq, pk, V)`` per (draw, feature map), in the order the seed draws them."""
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(101,)))
    for _ in range(10 if config.quick else 50):
        m, d, D, dv, nq = (int(rng.integers(1, 600)), int(rng.integers(1, 24)), int(rng.integers(1, 80)),
                           int(rng.integers(1, 12)), int(rng.integers(1, 40)))
        W = rng.standard_normal((D, d)) / math.sqrt(d)
        for phi in (_exp_clip_map(W), lambda x, W=W: fm.elu_plus_one_map(x @ W.T)):
            Q, K, V = rng.standard_normal((nq, d)), rng.standard_normal((m, d)), rng.standard_normal((m, dv))
            yield (m, d, D, dv, nq), phi(Q), phi(K), V


def _smoother_true(pq, pk, V):
    return lz.kernel_smoother(pq @ pk.T, V)


def _smoother_swapped(pq, pk, V):
    """The control: a smoother with the non-symmetric kernel phi(k)^T G phi(q), G upper triangular ones."""
    G = np.triu(np.ones((pq.shape[1], pq.shape[1])))
    return lz.kernel_smoother((pk @ G @ pq.T).T, V)


@claim(
    id="liu_zhou_2026.kernel-smoother", paper=PAPER, label="MATH, CHECKED",
    statement="Linear attention phi(q)^T Sigma_mu (normalised by phi(q)^T z_mu or not) equals the kernel smoother "
              "with the implicit kernel k = <phi(.), phi(.)>, i.e. the KME inner product <Sigma_mu, phi(q)>.",
    formula="Phi_Q (Phi_K^T V) / Phi_Q (Phi_K^T 1) = (Phi_Q Phi_K^T) V / (Phi_Q Phi_K^T) 1; "
            "(1/m) Phi_Q Phi_K^T V = phi(q)^T Sigma_hat",
    check=CheckKind.SYMBOLIC,
    controls=("smoother with a swapped, non-symmetric kernel phi(k)^T G phi(q) (symbolic and float64)",),
    assumptions="any feature map, any positive context weights; float64 check with exp(clip(Wx)) and elu+1 maps at "
                "sizes m, D, dv, n_queries drawn from the seed",
    note_section="§3(a), §2.2", figure=None,
)
def _kernel_smoother(config: RunConfig) -> Evidence:
    sym_ok = der.is_zero(der.kernel_smoother_difference(normalized=False)) and der.is_zero(
        der.kernel_smoother_difference())
    sym_ctrl_zero = der.is_zero(der.kernel_smoother_difference(swap=True))
    worst, sizes = 0.0, []
    for size, pq, pk, V in _kernel_smoother_cases(config):
        if size not in sizes:
            sizes.append(size)
        m = size[0]
        gram = pq @ pk.T
        for normalized in (True, False):
            worst = max(worst, _rel_maxdiff(lz.linear_attention(pq, pk, V, normalized=normalized),
                                            lz.kernel_smoother(gram, V, normalized=normalized)))
        sigma = lz.kernel_mean_embedding(pk, V)
        kme_inner = np.einsum("nD,Dc->nc", pq, sigma)  # <Sigma, phi(q) (x) e_c>_F
        worst = max(worst, _rel_maxdiff(kme_inner, gram @ V / m))
    num_ok = worst <= FLOAT_TOL

    def diffs(smoother):
        # the normalised smoother against linear attention at every drawn case with D > 1 (D = 1 makes G = 1)
        return [_rel_maxdiff(smoother(pq, pk, V), lz.linear_attention(pq, pk, V))
                for size, pq, pk, V in _kernel_smoother_cases(config) if size[2] > 1]

    ctrl, effect = formula_control("swapped non-symmetric kernel", diffs, _smoother_true, _smoother_swapped,
                                   claim_tol=FLOAT_TOL, symbolic_nonzero=not sym_ctrl_zero,
                                   what=f"symbolic difference zero: {sym_ctrl_zero}; float64 ")
    return Evidence(
        _identity_verdict(sym_ok, num_ok),
        f"sympy: difference == 0 for generic m=3, D=2, dv=2 ({sym_ok}); float64 worst relative difference "
        f"{worst:.1e} over {len(sizes)} drawn sizes (tol {FLOAT_TOL:g})",
        seeds={"root": config.seed, "spawn_key": [101]},
        measurements={"float64_worst_rel": worst, "sizes_m_d_D_dv_nq": sizes, "control_min_rel": effect["effect"],
                      "control_effects": {ctrl.name: effect}},
        controls=[ctrl],
    )


def _invariance_cases(config: RunConfig):
    """The claim's drawn cases ``(pq, pk, V, perm, rep)``, in the order the seed draws them."""
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(102,)))
    for _ in range(10 if config.quick else 40):
        m, D, dv, k = (int(rng.integers(2, 400)), int(rng.integers(1, 40)), int(rng.integers(1, 8)),
                       int(rng.integers(2, 4)))
        pk, pq = np.exp(0.3 * rng.standard_normal((m, D))), np.exp(0.3 * rng.standard_normal((5, D)))
        V = rng.standard_normal((m, dv))
        perm = rng.permutation(m)
        rep = np.repeat(np.arange(m), k)
        yield pq, pk, V, perm, rep


def _mean_attention(pq, pk, V):
    return lz.linear_attention(pq, pk, V, normalized=False)


def _sum_attention(pq, pk, V):
    """The control: the un-averaged sum sum_j k(q, k_j) v_j."""
    return pq @ pk.T @ V


def _plain_first_query(pq, pk, V):
    return lz.linear_attention(pq[:1], pk, V)


def _cosformer_first_query(pq, pk, V):
    """The control: cosFormer's position re-weighting cos(pi (i - j) / 2M) for the last query position, M = m."""
    m = pk.shape[0]
    pos = np.arange(m)
    cq, sq = np.cos(np.pi * (m - 1) / (2.0 * m)), np.sin(np.pi * (m - 1) / (2.0 * m))
    cw, sw = np.cos(np.pi * pos / (2.0 * m)), np.sin(np.pi * pos / (2.0 * m))
    return (pq[:1] * cq) @ (pk * cw[:, None]).T @ V + (pq[:1] * sq) @ (pk * sw[:, None]).T @ V


@claim(
    id="liu_zhou_2026.context-invariance", paper=PAPER, label="MATH, CHECKED",
    statement="Normalised and 1/m-averaged linear attention depend on the context only through the empirical "
              "measure mu_hat: permuting the tokens or replicating every token k times leaves the output unchanged "
              "(this makes 'a mapping from context distributions' well defined).",
    formula="A[mu_hat](x) with mu_hat = (1/m) sum_j delta_{z_j} is invariant under z -> z_pi and z -> (z, ..., z)",
    check=CheckKind.SYMBOLIC,
    controls=("the un-averaged sum sum_j k(q,k_j) v_j claimed replication invariant",
              "cosFormer position-reweighted attention claimed permutation invariant"),
    assumptions="exact identity; float64 check at drawn m, D, dv and k in {2, 3}",
    note_section="§2.2 (F1), §3(a)",
)
def _invariance(config: RunConfig) -> Evidence:
    diffs = der.invariance_differences()
    sym_ok = all(der.is_zero(diffs[k]) for k in ("perm_normalized", "perm_mean", "rep_normalized", "rep_mean"))
    sym_ctrl = der.is_zero(diffs["rep_sum"])
    worst = 0.0
    for pq, pk, V, perm, rep in _invariance_cases(config):
        for normalized in (True, False):
            base = lz.linear_attention(pq, pk, V, normalized=normalized)
            worst = max(worst, _rel_maxdiff(lz.linear_attention(pq, pk[perm], V[perm], normalized=normalized), base),
                        _rel_maxdiff(lz.linear_attention(pq, pk[rep], V[rep], normalized=normalized), base))
    num_ok = worst <= FLOAT_TOL

    def change_under(which):
        def d(form):
            return [_rel_maxdiff(form(pq, pk[idx], V[idx]), form(pq, pk, V))
                    for pq, pk, V, perm, rep in _invariance_cases(config)
                    for idx in ((perm,) if which == "perm" else (rep,))]
        return d

    c_sum, e_sum = formula_control("un-averaged sum replication invariant", change_under("rep"), _mean_attention,
                                   _sum_attention, claim_tol=FLOAT_TOL, symbolic_nonzero=not sym_ctrl,
                                   what=f"symbolic zero {sym_ctrl}; change under replication: ")
    c_cos, e_cos = formula_control("cosFormer permutation invariant", change_under("perm"), _plain_first_query,
                                   _cosformer_first_query, claim_tol=FLOAT_TOL,
                                   what="change under a random permutation: ")
    return Evidence(
        _identity_verdict(sym_ok, num_ok),
        f"sympy: permutation and 2x replication differences == 0 ({sym_ok}); float64 worst relative difference "
        f"{worst:.1e} (tol {FLOAT_TOL:g})",
        seeds={"root": config.seed, "spawn_key": [102]},
        measurements={"float64_worst_rel": worst, "control_sum_min_rel": e_sum["effect"],
                      "control_cos_min_rel": e_cos["effect"],
                      "control_effects": {c_sum.name: e_sum, c_cos.name: e_cos}},
        controls=[c_sum, c_cos],
    )


# =======================================================================================
# (b) causal forms and their cost; cosFormer decomposition

def _draw_causal_case(rng, *, force_multi_chunk: bool = False):
    L = int(rng.integers(1, 700))
    chunk = int(rng.integers(1, 97))
    if force_multi_chunk:
        chunk = int(rng.integers(1, max(2, L // 2) + 1))
        L = max(L, 2 * chunk + 1)
    D, dv = int(rng.integers(1, 33)), int(rng.integers(1, 9))
    q, k = fm.elu_plus_one_map(rng.standard_normal((2, L, D)))
    v = rng.standard_normal((L, dv))
    return L, chunk, D, dv, q, k, v


def _causal_cases(config: RunConfig):
    """The claim's drawn cases ``(L, chunk, D, dv, q, k, v)``, in the order the seed draws them."""
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(103,)))
    for i in range(8 if config.quick else 40):
        yield _draw_causal_case(rng, force_multi_chunk=(i % 2 == 0))


def _chunked_with_state(q, k, v, chunk, normalized):
    return att.causal_chunked(q, k, v, chunk, normalized=normalized)


def _chunked_without_state(q, k, v, chunk, normalized):
    """The control: the chunked form that drops the inter-chunk state."""
    return att.causal_chunked_without_state(q, k, v, chunk, normalized=normalized)


@claim(
    id="liu_zhou_2026.causal-forms", paper=PAPER, label="MATH, CHECKED",
    statement="Causal linear attention computed recurrently (O(L) state updates), as a masked O(L^2) product, and "
              "in chunks (state across chunks + masked block inside) gives the same outputs to float64 precision, "
              "for any chunk size including L not a multiple of it.",
    formula="S_t = S_{t-1} + phi(k_t) v_t^T, o_t = S_t^T phi(q_t) / z_t^T phi(q_t)  ==  tril(Phi_Q Phi_K^T) V / "
            "tril(Phi_Q Phi_K^T) 1  ==  chunked",
    check=CheckKind.HIGH_PRECISION,
    controls=("a chunked form that drops the inter-chunk state",),
    assumptions="elu+1 features; L, chunk, D, dv drawn from the seed (L in [1, 700), chunk in [1, 97)); normalised "
                "and unnormalised",
    note_section="§3(b)",
)
def _causal_forms(config: RunConfig) -> Evidence:
    worst, cases = 0.0, []
    for L, chunk, D, dv, q, k, v in _causal_cases(config):
        cases.append((L, chunk, D, dv))
        for normalized in (True, False):
            ref = att.causal_masked(q, k, v, normalized=normalized)
            worst = max(worst, _rel_maxdiff(att.causal_recurrent(q, k, v, normalized=normalized), ref),
                        _rel_maxdiff(att.causal_chunked(q, k, v, chunk, normalized=normalized), ref))
    ok = worst <= FLOAT_TOL

    def diffs(chunked):
        # a chunked form against the masked reference, at every drawn case spanning more than one chunk
        return [_rel_maxdiff(chunked(q, k, v, chunk, normalized), att.causal_masked(q, k, v, normalized=normalized))
                for L, chunk, D, dv, q, k, v in _causal_cases(config) if L > chunk for normalized in (True, False)]

    ctrl, effect = formula_control("chunked without inter-chunk state", diffs, _chunked_with_state,
                                   _chunked_without_state, claim_tol=FLOAT_TOL)
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"worst relative difference {worst:.1e} over {len(cases)} drawn (L, chunk, D, dv), "
        f"{sum(c[0] % c[1] != 0 for c in cases)} with L not a multiple of chunk (tol {FLOAT_TOL:g})",
        seeds={"root": config.seed, "spawn_key": [103]},
        measurements={"worst_rel": worst, "cases_L_chunk_D_dv": cases, "control_effects": {ctrl.name: effect}},
        controls=[ctrl],
    )


@claim(
    id="liu_zhou_2026.causal-cost", paper=PAPER, label="MATH (FLOP count), CHECKED (timing)",
    statement="The recurrent and chunked causal forms cost O(L) and the masked form O(L^2): the exact FLOP counts "
              "have asymptotic log-log slopes 1 and 2; wall-time slopes are measured and reported.",
    formula="masked ~ 2 L^2 (D + dv); recurrent ~ 4 L D dv; chunked ~ 2 L C (D + dv) + 4 L D dv",
    check=CheckKind.THEORY,
    controls=("the recurrent form claimed O(L log L) (local slope 1 + 1/ln L ~ 1.09 at the checked L)",
              "the masked form claimed O(L^2 log L) (local slope ~ 2.09)"),
    assumptions="D = 16, dv = 8, chunk 64; verdict from the deterministic FLOP count (slope over the last doubling "
                "within 0.05 of the claimed law's local slope, 1 or 2); timings on a shared 2-core machine are "
                "informative only (note's tolerance: masked in [1.6, 2.4], linear in [0.7, 1.3])",
    note_section="§3(b)", figure="liu_zhou_2026-causal-cost",
)
def _causal_cost(config: RunConfig) -> Evidence:
    Ls = [256, 512, 1024, 2048] if config.quick else [512, 1024, 2048, 4096]
    big = [2**k for k in range(12, 18)]
    fl = {f: float(np.log(att.causal_flops(f, big[-1], 16, 8) / att.causal_flops(f, big[-2], 16, 8)) / np.log(2))
          for f in ("masked", "chunked", "recurrent")}
    meas = causal_cost_measurements(Ls, repeats=3 if config.quick else 5, seed=config.seed)
    ok = abs(fl["masked"] - 2) < 0.05 and abs(fl["chunked"] - 1) < 0.05 and abs(fl["recurrent"] - 1) < 0.05
    ts = meas["time_slope"]
    timing_in_range = 1.6 <= ts["masked"] <= 2.4 and 0.7 <= ts["chunked"] <= 1.3 and 0.7 <= ts["recurrent"] <= 1.3

    def local_slope(law):
        return float(np.log(law(float(big[-1])) / law(float(big[-2]))) / np.log(2))

    def diffs(laws):
        # the claim's statistic: the exact FLOP count's local slope against the claimed cost law's, per form
        return [abs(fl[form] - local_slope(law)) for form, law in laws.items()]

    controls, effects = [], {}
    for name, form, true_law, wrong_law in (
            ("recurrent claimed O(L log L) (a scan with a tree reduction)", "recurrent", lambda L: L,
             lambda L: L * np.log(L)),
            ("masked claimed O(L^2 log L)", "masked", lambda L: L**2, lambda L: L**2 * np.log(L))):
        c, e = formula_control(name, diffs, {form: true_law}, {form: wrong_law}, claim_tol=0.05, threshold=0.05,
                               what=f"|{form} FLOP slope {fl[form]:.3f} - claimed law's local slope "
                                    f"{local_slope(wrong_law):.3f}|: ")
        controls.append(c)
        effects[name] = e
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"FLOP-count slopes at L = 2^16 -> 2^17: masked {fl['masked']:.3f}, chunked {fl['chunked']:.3f}, recurrent "
        f"{fl['recurrent']:.3f}; wall-time slopes over L = {Ls}: masked {ts['masked']:.2f}, chunked "
        f"{ts['chunked']:.2f}, recurrent {ts['recurrent']:.2f} (in the note's ranges: {timing_in_range}; shared "
        "machine, informative only)",
        seeds={"root": config.seed},
        measurements={"flop_slope_asymptotic": fl, **meas, "timing_in_note_ranges": timing_in_range,
                      "control_effects": effects},
        controls=controls,
    )


def _cosformer_cases(config: RunConfig):
    """The claim's drawn cases ``(chunk, x, y, v, pos, L)``, in the order the seed draws them."""
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(104,)))
    for _ in range(6 if config.quick else 30):
        L, chunk, d, dv = (int(rng.integers(2, 500)), int(rng.integers(1, 80)), int(rng.integers(1, 17)),
                           int(rng.integers(1, 6)))
        x, y = rng.standard_normal((2, L, d))
        v = rng.standard_normal((L, dv))
        yield chunk, x, y, v, np.arange(L), L


def _cosformer_reweighted(x, y, v, pos, L):
    """cosFormer's re-weighted causal attention, computed directly (the O(L^2) reference)."""
    W = np.cos(np.pi * (pos[:, None] - pos[None, :]) / (2.0 * L))
    return np.tril((fm.relu_map(x) @ fm.relu_map(y).T) * W) @ v


def _cos_plus_sin(chunk, x, y, v, pos, L):
    cq, sq = fm.cosformer_features(x, pos, L)
    ck, sk = fm.cosformer_features(y, pos, L)
    return att.causal_chunked(cq, ck, v, chunk, normalized=False) + att.causal_recurrent(sq, sk, v, normalized=False)


def _cos_only(chunk, x, y, v, pos, L):
    """The control: the decomposition with the sin block dropped."""
    cq, _ = fm.cosformer_features(x, pos, L)
    ck, _ = fm.cosformer_features(y, pos, L)
    return att.causal_chunked(cq, ck, v, chunk, normalized=False)


@claim(
    id="liu_zhou_2026.cosformer-decomposition", paper=PAPER, label="MATH, CHECKED",
    statement="cosFormer's re-weighting cos(pi (i - j) / 2M) keeps attention linear: the re-weighted causal "
              "attention equals the sum of two causal linear attentions with features relu(.) cos(pi i/2M) and "
              "relu(.) sin(pi i/2M).",
    formula="cos(a_i - a_j) = cos a_i cos a_j + sin a_i sin a_j",
    check=CheckKind.SYMBOLIC,
    controls=("the decomposition with the sin block dropped",),
    assumptions="M = L; unnormalised causal attention; float64 at drawn L, chunk, d, dv",
    note_section="§3(b)",
)
def _cosformer(config: RunConfig) -> Evidence:
    sym_ok = der.is_zero(der.cosformer_difference())
    sym_ctrl = der.is_zero(der.cosformer_difference(drop_sin=True))

    def diffs(decomposition):
        return [_rel_maxdiff(decomposition(chunk, x, y, v, pos, L), _cosformer_reweighted(x, y, v, pos, L))
                for chunk, x, y, v, pos, L in _cosformer_cases(config)]

    worst = float(max(diffs(_cos_plus_sin)))
    ctrl, effect = formula_control("sin block dropped", diffs, _cos_plus_sin, _cos_only, claim_tol=FLOAT_TOL,
                                   symbolic_nonzero=not sym_ctrl, what=f"symbolic zero {sym_ctrl}; ")
    return Evidence(
        _identity_verdict(sym_ok, worst <= FLOAT_TOL),
        f"sympy expand_trig difference == 0 ({sym_ok}); float64 worst relative difference {worst:.1e}",
        seeds={"root": config.seed, "spawn_key": [104]},
        measurements={"float64_worst_rel": worst, "control_min_rel": effect["effect"],
                      "control_effects": {ctrl.name: effect}},
        controls=[ctrl],
    )


# =======================================================================================
# (c) Taylor-2 kernel, random-feature variances

def _taylor2_cases(config: RunConfig):
    """The claim's drawn cases ``(q, k, u)``, in the order the seed draws them."""
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(105,)))
    for _ in range(10 if config.quick else 50):
        d = int(rng.integers(1, 33))
        q, k = rng.standard_normal((2, 7, d)) * d**-0.25
        yield q, k, sp.Rational(int(rng.integers(-4000, 4000)), 1000)


def _taylor2_kernel_half(u):
    return 1 + u + u**2 / 2


def _taylor2_kernel_one(u):
    """The control: coefficient 1 instead of 1/2 on u^2."""
    return 1 + u + u**2


@claim(
    id="liu_zhou_2026.taylor2-kernel", paper=PAPER, label="MATH, CHECKED",
    statement="The Taylor-2 feature map [1, x, x_i^2/sqrt2, x_i x_j (i<j)] has implicit kernel 1 + q.k + (q.k)^2/2 "
              "exactly; its error to the softmax kernel exp(q.k) is the Taylor remainder sum_{n>=3} (q.k)^n/n!.",
    formula="phi(q).phi(k) = 1 + u + u^2/2,  u = q.k",
    check=CheckKind.SYMBOLIC,
    controls=("kernel 1 + u + u^2 (coefficient 1 instead of 1/2)",),
    assumptions="sympy for d = 3, 4; three-way sympy (exact rational) -> mpmath 50 digits -> numpy float64 at "
                "drawn points; feature inner products in float64 at drawn d",
    note_section="§3(c)",
)
def _taylor2(config: RunConfig) -> Evidence:
    sym_ok = der.is_zero(der.taylor2_difference(3)) and der.is_zero(der.taylor2_difference(4))
    sym_ctrl = der.is_zero(der.taylor2_difference(3, coef=1))
    worst_feat, worst_exact, worst_float, worst_rem = 0.0, 0.0, 0.0, 0.0
    expr = fm.taylor2_kernel_expr()
    u_sym = sp.Symbol("u", real=True)
    for q, k, u in _taylor2_cases(config):
        feat = fm.taylor2_map(q) @ fm.taylor2_map(k).T
        worst_feat = max(worst_feat, _rel_maxdiff(feat, fm.implicit_kernel("taylor2", q, k)))
        exact = sp.Rational(expr.subs(u_sym, u))
        with mpmath.workdps(50):
            uu = mpmath.mpf(u.p) / u.q
            hp = fm.taylor2_kernel(uu, dps=50)  # mpmath at the exact rational point
            worst_exact = max(worst_exact, float(abs(hp - mpmath.mpf(exact.p) / exact.q) / abs(hp)))
            worst_float = max(worst_float, float(abs(fm.taylor2_kernel(float(u)) - hp) / abs(hp)))
            rem = mpmath.exp(uu) - hp
            series = mpmath.nsum(lambda n: uu**n / mpmath.factorial(n), [3, mpmath.inf])
            worst_rem = max(worst_rem, float(abs(rem - series) / max(abs(series), mpmath.mpf(10) ** -40)))
    worst_3way = max(worst_exact, worst_float)
    num_ok = worst_feat <= FLOAT_TOL and worst_exact <= 1e-45 and worst_float <= 1e-14 and worst_rem <= 1e-30

    def diffs(kernel):
        # the feature inner products against the kernel formula at the drawn (q, k)
        return [_rel_maxdiff(fm.taylor2_map(q) @ fm.taylor2_map(k).T, kernel(q @ k.T))
                for q, k, _ in _taylor2_cases(config)]

    ctrl, effect = formula_control("coefficient 1 instead of 1/2", diffs, _taylor2_kernel_half, _taylor2_kernel_one,
                                   claim_tol=FLOAT_TOL, symbolic_nonzero=not sym_ctrl,
                                   what=f"symbolic zero {sym_ctrl}; float64 ")
    return Evidence(
        _identity_verdict(sym_ok, num_ok),
        f"sympy expand == 0 ({sym_ok}); features vs closed form worst rel {worst_feat:.1e}; three-way "
        f"sympy->mpmath(50) worst rel {worst_exact:.1e}, mpmath->numpy {worst_float:.1e}; exp remainder vs sum_(n>=3) "
        f"rel {worst_rem:.1e} (50 digits)",
        seeds={"root": config.seed, "spawn_key": [105]},
        measurements={"features_worst_rel": worst_feat, "three_way_worst_rel": worst_3way, "remainder_rel": worst_rem,
                      "control_effects": {ctrl.name: effect}},
        controls=[ctrl],
    )


def _performer_pair(config: RunConfig, d: int = 16, scale: float = 0.125):
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(106,)))
    return scale * rng.standard_normal(d), scale * rng.standard_normal(d)


def _rf_claim(config: RunConfig, kind: str) -> Evidence:
    x, y = _performer_pair(config)
    ms = [16, 64, 256, 1024] if config.quick else [16, 32, 64, 128, 256, 512, 1024, 2048]
    trials = 2000 if config.quick else 6000
    errs = rates.simulate_performer_errors(x, y, ms, trials, kind=kind, root=config.seed)
    xy, ssum = float(x @ y), float((x + y) @ (x + y))
    nx, ny, dsq = float(x @ x), float(y @ y), float((x - y) @ (x - y))
    if kind == "positive":
        theory = [fm.performer_prf_variance(xy, ssum, m) for m in ms]
        wrong = [math.exp(2 * xy) * math.exp(ssum) / m for m in ms]  # the "-1" dropped
        sym = der.performer_moment_differences(2)
        sym_ctrl = der.is_zero(der.performer_moment_differences(2, drop_minus_one=True)[1])
        wrong_name = "variance without the -1: e^{2x.y} e^{|x+y|^2}/m"
    else:
        theory = [fm.trig_rf_variance(nx, ny, dsq, m) for m in ms]
        wrong = [2 * t for t in theory]  # 1/m instead of 1/(2m)
        sym = der.trig_moment_differences(2)
        sym_ctrl = der.is_zero(der.trig_moment_differences(2, factor=1)[1])
        wrong_name = "variance with 1/m instead of 1/(2m)"
    sym_ok = der.is_zero(sym[0]) and der.is_zero(sym[1])
    # squared errors of random-feature estimates are skewed: Hall's corrected t where they are (calibrated on
    # such samples, docs/calibration.md; batch means were not)
    skew = [decide.skew_robust(errs[:, i]) for i in range(len(ms))]
    comps = [compare(t, errs[:, i], bias="both", label=f"m={m}", **skew[i])
             for i, (t, m) in enumerate(zip(theory, ms))]
    wrong_comps = [compare(t, errs[:, i], bias="both", role="control", label=f"m={m}", **skew[i])
                   for i, (t, m) in enumerate(zip(wrong, ms))]
    fit = rates.loglog_slope(ms, errs)
    boot_se, _ = rates.bootstrap_slope(ms, errs, rng=config.seed)
    slope_ok = fit.test(-1.0)
    ok = all(c.passed for c in comps) and slope_ok
    # The MC comparison decides a statistical verdict; sympy closing the moments is reported alongside, and the
    # verdict stays CONFIRMED (a statistical claim with a resolution), never PROVED on Monte Carlo evidence.
    verdict = Verdict.CONFIRMED if ok else Verdict.REFUTED
    ctrl_slope = not fit.test(-0.5, role="control")
    same_skew = skew[0] if all(k == skew[0] for k in skew) else {}
    cf_value = decide.value_counterfactual([(t, w, errs[:, i]) for i, (t, w) in enumerate(zip(theory, wrong))],
                                           bias="both", **same_skew)
    return Evidence(
        verdict,
        f"sympy Gaussian integrals close the mean and variance ({sym_ok}); Monte Carlo MSE / exact variance = "
        + ", ".join(f"{c.mean / c.theory:.3f}" for c in comps) + f" at m = {ms} ({trials} trials, all pass: "
        f"{all(c.passed for c in comps)}; statistic per m: {[k.get('statistic', 't') for k in skew]}); MSE "
        f"{fit.summary(-1.0)} (bootstrap SE {boot_se:.4f})",
        theory=comps[-1].theory, estimate=comps[-1].mean, se=comps[-1].se, d=x.size, reps=trials,
        comparisons=comparison_rows([(f"m={m}", c) for m, c in zip(ms, comps)]) + [fit.row("MSE slope in m", -1.0)],
        seeds={"root": config.seed, "pair_spawn_key": [106], "per_m_spawn_key": "(4, i)"},
        measurements={"m": ms, "comparisons": [c.as_dict() for c in comps], "slope": fit.as_dict(),
                      "bootstrap_slope_se": boot_se, "x.y": xy, "|x+y|^2": ssum, "|x-y|^2": dsq},
        controls=[ControlOutcome(wrong_name, (not sym_ctrl) and any(not c.passed for c in wrong_comps),
                                 "rejected at m = " + str([m for m, c in zip(ms, wrong_comps) if not c.passed]),
                                 counterfactual=cf_value),
                  ControlOutcome("MSE slope -1/2 (the RMSE exponent mistaken for the MSE's)", ctrl_slope,
                                 fit.summary(-0.5), counterfactual=decide.slope_counterfactual(fit, -1.0, -0.5))],
    )


@claim(
    id="liu_zhou_2026.performer-variance", paper=PAPER, label="MATH (Choromanski et al. Lemma), CHECKED",
    statement="FAVOR+ positive random features estimate exp(x.y) without bias with exact variance "
              "e^{2x.y}(e^{|x+y|^2} - 1)/m, so the mean squared error decays as m^{-1} (RMSE m^{-1/2}).",
    formula="E[phi(x).phi(y)] = e^{x.y};  Var = e^{2x.y}(e^{||x+y||^2} - 1)/m",
    check=CheckKind.MONTE_CARLO,
    controls=("variance without the -1", "MSE slope -1/2"),
    assumptions="d = 16, one pair x, y ~ 0.125 N(0, I) drawn from the seed (|x+y|^2 ~ 0.5; at the note's scale 0.3 the "
                "lognormal tails make a mean-based calibrated test unreliable at 2000 trials); 2000 trials per m "
                "(quick), 6000 (full); per-m comparison (Hall's skewness-corrected t where the squared errors are "
                "skewed) and a log-log slope with delta-method SE (no inflation; a misfitting power law makes the "
                "claim INCONCLUSIVE)",
    note_section="§3(c)", figure="liu_zhou_2026-performer", resolution_required=VALUE_RESOLUTION,
)
def _performer(config: RunConfig) -> Evidence:
    return _rf_claim(config, "positive")


@claim(
    id="liu_zhou_2026.trig-rf-variance", paper=PAPER, label="MATH, CHECKED",
    statement="Trigonometric random features estimate exp(x.y) without bias with exact variance "
              "e^{|x|^2+|y|^2}(1 - e^{-|x-y|^2})^2/(2m).",
    formula="Var = e^{||x||^2+||y||^2} (1 - e^{-||x-y||^2})^2 / (2m)",
    check=CheckKind.MONTE_CARLO,
    controls=("variance with 1/m instead of 1/(2m)", "MSE slope -1/2"),
    assumptions="same pair and trial counts as liu_zhou_2026.performer-variance",
    note_section="§3(c)", resolution_required=VALUE_RESOLUTION,
)
def _trig(config: RunConfig) -> Evidence:
    return _rf_claim(config, "trig")


# =======================================================================================
# (d) two-stage rates

@claim(
    id="liu_zhou_2026.kme-rate", paper=PAPER,
    label="MATH, CHECKED (the m^-1 rate); RECONSTRUCTED (that this is the paper's 'dimension-independent' rate)",
    # the note's own tolerance for this check (§3(d1)): ratio in [0.85, 1.15], slope within 0.1 of -1
    resolution_required=(0.15, 0.15),
    statement="The empirical kernel mean embedding of m context tokens has mean squared error exactly "
              "(E||v (x) phi||^2 - ||Sigma_mu||^2)/m <= B^2 kappa^2/m, whatever the token dimension d: the MSE slope "
              "in m is -1 for every d.",
    formula="E||Sigma_hat - Sigma||_F^2 = (E||z (x) phi||^2 - ||Sigma||^2)/m",
    check=CheckKind.MONTE_CARLO,
    controls=("MSE slope -1/2 claimed", "theory without the -||Sigma||^2 term"),
    assumptions="normalised RFF (D = 256, kappa = 1), y = 1 + tanh(a.x), x ~ U[-1,1]^d on a 4096-point pool (so the "
                "exact value is a finite sum); d in {2, 16, 128}; 200 (quick) / 600 (full) repeats per (d, m); "
                "slopes by WLS with delta-method SE, tested against -1 with the suite's t critical value",
    note_section="§3(d1), §2.2 (F2)", figure="liu_zhou_2026-kme-rate",
)
def _kme_rate(config: RunConfig) -> Evidence:
    ms = [16, 32, 64, 128, 256, 512] if config.quick else [16, 32, 64, 128, 256, 512, 1024]
    reps = 200 if config.quick else 600
    ds = (2, 16, 128)
    ok, fits, ratios, ctrl_slope, ctrl_norm, bound_ok, comps_all = True, {}, {}, True, True, True, []
    rows, cf_points = [], []
    for d in ds:
        pool = rates.make_kme_pool(d, rng=rates.child_rng(config.seed, 7, d))
        errs = rates.simulate_kme_errors(pool, ms, reps, root=config.seed, key=(8, d))
        exact = pool.exact_mse(ms)
        skew = decide.skew_robust(errs[:, 0])
        comps = [compare(t, errs[:, i], bias="both", label=f"d={d}, m={m}", **skew)
                 for i, (t, m) in enumerate(zip(exact, ms))]
        comps_all += comps
        wrong = [compare(pool.second_moment / m, errs[:, i], bias="both", role="control", **skew,
                         label=f"d={d}, m={m}") for i, m in enumerate(ms)]
        fit = rates.loglog_slope(ms, errs)
        fits[d] = fit
        ratios[d] = [c.mean / c.theory for c in comps]
        ok &= all(c.passed for c in comps) and fit.test(-1.0, label=f"d={d}: slope -1")
        bound = lz.kme_mse_bound(pool.B, 1.0, np.asarray(ms))
        bound_ok &= bool(np.all(exact <= bound))
        ctrl_slope &= not fit.test(-0.5, role="control", label=f"d={d}: slope -1/2")
        ctrl_norm &= any(not c.passed for c in wrong)
        rows += comparison_rows([(f"d={d}, m={m}", c) for m, c in zip(ms, comps)]) + [fit.row(f"d={d} slope", -1.0)]
        cf_points.append((d, exact, [pool.second_moment / m for m in ms], errs, skew))
    dslope = fits[ds[-1]].slope - fits[ds[0]].slope
    dse = math.hypot(fits[ds[-1]].se, fits[ds[0]].se)
    crit = critical_value(fits[ds[0]].n_reps)
    dfree = abs(dslope) <= crit * dse
    _ledger.record("slope difference t", not dfree, role="claim", label="slope(d=128) - slope(d=2) = 0")
    ok &= dfree and bound_ok
    # counterfactuals: per d, every control judged as in the claim (slope -1/2 for every d; the norm control at
    # some m for every d) -- the d = 2 data carry the demonstration
    d0, exact0, wrong0, errs0, skew0 = cf_points[0]
    cf_norm = decide.value_counterfactual([(t, w, errs0[:, i]) for i, (t, w) in enumerate(zip(exact0, wrong0))],
                                          bias="both", **skew0)
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        "; ".join(f"d={d}: {fits[d].summary(-1.0)}, MSE/exact in [{min(ratios[d]):.3f}, {max(ratios[d]):.3f}]"
                  for d in ds)
        + f"; slope(d=128) - slope(d=2) = {dslope:+.4f} +/- {dse:.4f} (consistent with 0: {dfree}); exact <= "
          f"B^2 kappa^2/m: {bound_ok}",
        reps=reps, seeds={"root": config.seed, "pool_spawn_key": "(7, d)", "draw_spawn_key": "(8, d, i)"},
        measurements={"m": ms, "slopes": {d: f.as_dict() for d, f in fits.items()}, "ratios": ratios,
                      "slope_difference": dslope, "slope_difference_se": dse,
                      "comparisons": [c.as_dict() for c in comps_all]},
        comparisons=rows,
        controls=[ControlOutcome("MSE slope -1/2", ctrl_slope, "; ".join(f"d={d}: z={fits[d].z(-0.5):+.1f}"
                                                                          for d in ds),
                                 counterfactual=decide.slope_counterfactual(fits[ds[0]], -1.0, -0.5)),
                  ControlOutcome("theory without -||Sigma||^2", ctrl_norm, "rejected at some m for every d",
                                 counterfactual=cf_norm)],
    )


def _two_stage_problem(config: RunConfig) -> rates.TwoStageProblem:
    return rates.TwoStageProblem(d=5, D=40, s=0.5, sigma=0.1, seed=config.seed)


@claim(
    id="liu_zhou_2026.two-stage-first-stage", paper=PAPER,
    label="MATH, CHECKED (sigma^2 D/N for least squares); RECONSTRUCTED (the paper's first-stage rate)",
    statement="With exact (m = infinity) context embeddings, the excess risk of the ridge readout of D features "
              "decays as sigma^2 D / N: slope -1 in N.",
    formula="E[excess] = sigma^2 D/(N - D - 1) (Gaussian features; leading order sigma^2 D/N)",
    check=CheckKind.MONTE_CARLO,
    controls=("first-stage slope -1/2 (the sqrt(Pdim/N) bound rate) claimed",),
    assumptions="mu_theta = N(theta, 0.25 I_5), theta ~ U[-1,1]^5, RFF D = 40, sigma = 0.1, lambda = 1e-8 N; the "
                "excess risk of each fit is exact (closed-form C); the slope is fitted to risk * (N - D - 1)/N "
                "(finite-N factor of the Gaussian-design formula) with delta-method SE; 80 (quick) / 400 (full) fits "
                "per N",
    note_section="§3(d2), §2.4", figure="liu_zhou_2026-two-stage", resolution_required=VALUE_RESOLUTION,
)
def _first_stage(config: RunConfig) -> Evidence:
    P = _two_stage_problem(config)
    Ns = [400, 800, 1600, 3200, 6400] if config.quick else [400, 800, 1600, 3200, 6400, 12800]
    # reps: the slope's resolution (relative to |-1|) is ~5 % at 80 fits per N, ~2 % at 400
    reps = 80 if config.quick else 400
    risks = rates.first_stage_risks(P, Ns, reps, root=config.seed)
    corr = np.array([N / (N - P.D - 1) for N in Ns])
    fit = rates.loglog_slope(Ns, risks / corr)
    ratio = risks.mean(axis=0) / np.array([lz.first_stage_risk_gaussian(P.sigma**2, P.D, N) for N in Ns])
    ok = fit.test(-1.0)
    ctrl = not fit.test(-0.5, role="control")
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"{fit.summary(-1.0)}; risk / (sigma^2 D/(N-D-1)) = " + ", ".join(f"{r:.3f}" for r in ratio)
        + f" at N = {Ns}",
        reps=reps, seeds={"root": config.seed, "spawn_key": "(1, i)"},
        measurements={"N": Ns, "slope": fit.as_dict(), "ratio_to_gaussian_formula": ratio.tolist(),
                      "mean_risk": risks.mean(axis=0).tolist()},
        comparisons=[fit.row("first-stage slope in N", -1.0)],
        controls=[ControlOutcome("slope -1/2", ctrl, fit.summary(-0.5),
                                 counterfactual=decide.slope_counterfactual(fit, -1.0, -0.5))],
    )


@claim(
    id="liu_zhou_2026.two-stage-second-stage", paper=PAPER,
    label="MATH, CHECKED (oracle m^-1 with exact variance); RECONSTRUCTED (trained exponent q in (0, 1])",
    statement="The second-stage error decays polynomially in m: for the true readout exactly "
              "w*^T (M2 - C) w*/m; for the ridge readout trained and tested on m-token contexts with slope q in "
              "(0, 1] (the note's m^-alpha, alpha <= 1).",
    formula="E|<w*, e_hat_m - e>|^2 = w*^T (M2 - C) w* / m;  risk(N, m) ~ m^-q, 0 < q <= 1",
    check=CheckKind.MONTE_CARLO,
    controls=("oracle variance without the -C term", "q = 2 (trained slope -2)"),
    assumptions="as two-stage-first-stage; oracle: 2000 (quick) / 6000 contexts per m, calibrated t-test per m; "
                "trained: N = 2000 (quick) / 5000, m in 4..64 (quick) / 4..256, exact excess risk per fit",
    note_section="§3(d2), §2.4", resolution_required=VALUE_RESOLUTION,
)
def _second_stage(config: RunConfig) -> Evidence:
    P = _two_stage_problem(config)
    ms = [4, 8, 16, 32, 64] if config.quick else [4, 8, 16, 32, 64, 128, 256]
    n_ctx = 2000 if config.quick else 6000
    oracle = rates.oracle_second_stage_errors(P, ms, n_ctx, root=config.seed)
    ov = P.oracle_variance()
    skew = decide.skew_robust(oracle[:, 0])
    comps = [compare(ov / m, oracle[:, i], bias="both", label=f"oracle m={m}", **skew) for i, m in enumerate(ms)]
    wrong_ov = float(P.w_star @ P.M2 @ P.w_star)
    wrong = [compare(wrong_ov / m, oracle[:, i], bias="both", role="control", label=f"oracle m={m}", **skew)
             for i, m in enumerate(ms)]
    N = 2000 if config.quick else 5000
    reps = 6 if config.quick else 20
    trained = rates.second_stage_risks(P, N, ms, reps, root=config.seed)
    fit = rates.loglog_slope(ms, trained)
    lo, hi = fit.ci

    def q_in_range(f):
        lo_, hi_ = f.ci
        return hi_ < 0 and hi_ >= -1.0

    in_range = q_in_range(fit)
    _ledger.record("slope t interval", not in_range, role="claim", label="trained slope in [-1, 0)")
    ctrl_q2 = not fit.test(-2.0, role="control", label="trained slope -2")
    ok = all(c.passed for c in comps) and in_range
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        "oracle MC / exact = " + ", ".join(f"{c.mean / c.theory:.3f}" for c in comps)
        + f" (all pass: {all(c.passed for c in comps)}); trained ridge (N = {N}) {fit.summary(-1.0)}: q in (0, 1] "
          f"{in_range}",
        theory=comps[0].theory, estimate=comps[0].mean, se=comps[0].se, reps=reps,
        seeds={"root": config.seed, "oracle_spawn_key": "(3, i)", "trained_spawn_key": "(2, i)"},
        measurements={"m": ms, "oracle": [c.as_dict() for c in comps], "trained_slope": fit.as_dict(),
                      "trained_mean_risk": fit.y},
        comparisons=comparison_rows([(f"oracle m={m}", c) for m, c in zip(ms, comps)])
        + [dict(fit.row("trained slope in m (q in (0, 1])", -1.0), passed=in_range)],
        controls=[ControlOutcome("oracle variance without -C", any(not c.passed for c in wrong),
                                 f"rejected at m = {[m for m, c in zip(ms, wrong) if not c.passed]}",
                                 counterfactual=decide.value_counterfactual(
                                     [(ov / m, wrong_ov / m, oracle[:, i]) for i, m in enumerate(ms)],
                                     bias="both", **skew)),
                  ControlOutcome("q = 2", ctrl_q2, fit.summary(-2.0),
                                 counterfactual=decide.slope_counterfactual(fit, -1.0, -2.0, claim_passes=q_in_range))],
    )


@claim(
    id="liu_zhou_2026.two-stage-trained-d-independence", paper=PAPER,
    label="RECONSTRUCTED (note §3(d2): 'second-stage exponent independent of d'); CHECKED here",
    statement="The fitted second-stage slope in m of the TRAINED ridge readout (N fixed, train and test contexts of "
              "size m) is the same for d in {2, 8, 32} when the features are norm-controlled (RFF bandwidth "
              "sqrt(d/5)).",
    formula="slope_m(d=2) = slope_m(d=8) = slope_m(d=32)",
    check=CheckKind.MONTE_CARLO,
    controls=("fixed bandwidth at d = 32 (embedding signal ~ e^{-s^2 d/2}, not norm-controlled) claimed to share the "
              "d = 2 slope",),
    assumptions="N = 1000, m in {4, 8, 16, 32}, 10 (quick) / 30 (full) independent fits per (d, m); exact excess risk "
                "per fit; equivalence test: CONFIRMED only if every pairwise slope difference's CI (the ledger's t "
                "critical value) lies within +/- 0.1; NOT REPRODUCED (our reconstruction) if a difference is "
                "significantly nonzero; else INCONCLUSIVE",
    note_section="§3(d2)", resolution_required=(0.10, 0.10),
    finding="The note lists this as a check to encode (§3(d2)), not as a result.  Where our reconstruction gives "
            "NOT REPRODUCED, the likely cause is that the pre-asymptotic trained slope depends on the draw of the "
            "problem (omega, w*) and on d even with norm-controlled features (the errors-in-variables attenuation "
            "depends on the spectrum of C); the ORACLE second-stage error is exactly m^-1 for every d (claims "
            "kme-rate, two-stage-second-stage).  The slopes are in the verdict's reason.",
)
def _trained_d_independence(config: RunConfig) -> Evidence:
    ms = [4, 8, 16, 32]
    reps = 10 if config.quick else 30
    fits = {}
    for d in (2, 8, 32):
        P = rates.TwoStageProblem(d=d, seed=config.seed, bandwidth=math.sqrt(d / 5))
        fits[d] = rates.loglog_slope(ms, rates.second_stage_risks(P, 1000, ms, reps, root=config.seed, key=30 + d))
    P_fixed = rates.TwoStageProblem(d=32, seed=config.seed, bandwidth=1.0)
    fit_fixed = rates.loglog_slope(ms, rates.second_stage_risks(P_fixed, 1000, ms, reps, root=config.seed, key=70))
    crit = critical_value(reps)
    margin = 0.1  # equivalence margin on the slope difference: 10 % of the oracle exponent |-1| (resolution_required)

    def differ(a, b, role="claim", label=""):
        diff, se = a.slope - b.slope, math.hypot(a.se, b.se)
        sig = abs(diff) > crit * se
        if role:
            _ledger.record("slope difference t", sig, role=role, label=label)
        # resolution: the largest slope difference the interval does not exclude, relative to |-1|
        return sig, diff / se if se > 0 else math.inf, abs(diff) + crit * se <= margin, (abs(diff) + crit * se) / 1.0

    pairs = {f"{a} vs {b}": differ(fits[a], fits[b], label=f"slope d={a} = slope d={b}")
             for a, b in ((2, 8), (2, 32), (8, 32))}
    misfit = [d for d, f in fits.items() if f.misfit]
    # equivalence (TOST-style): CONFIRMED only if every difference's CI lies inside +/- margin;
    # NOT REPRODUCED (our reconstructed setting) if some difference is significantly nonzero; else undecided
    if misfit:
        verdict = Verdict.INCONCLUSIVE
    elif all(v[2] for v in pairs.values()):
        verdict = Verdict.CONFIRMED
    elif any(v[0] for v in pairs.values()):
        verdict = Verdict.NOT_REPRODUCED
    else:
        verdict = Verdict.INCONCLUSIVE
    ctrl_rejected, zc, _, _ = differ(fit_fixed, fits[2], role="control", label="fixed bandwidth d=32 = d=2")

    def equivalent(pair):
        return differ(*pair, role="")[2]

    def control_differs(pair):
        return differ(*pair, role="")[0]

    precise = fits[2].moved(fits[2].slope, margin / (4 * crit))
    cf = counterfactual(equivalent, control_differs, jointly=lambda: ((precise, precise.moved(precise.slope)),) * 2,
                        under_control=lambda: (fit_fixed, fits[2]),
                        detail="two equal slopes known to SE margin/(4 crit): equivalent, and the control's equal "
                               "slope is not rejected; the control's own fits judged by the equivalence test")
    rows = [{"point": f"slope difference {k}", "theory": 0.0, "estimate": v[1] * math.hypot(
        fits[int(k.split()[0])].se, fits[int(k.split()[-1])].se), "resolution": v[3], "passed": v[2], "role": "claim",
        "method": "difference of WLS slopes, t",
        "scale_rule": "|difference| + crit SE relative to the oracle exponent |-1| (the equivalence margin 0.1 is 10 % "
                      "of it)",
        "misfit": bool(fits[int(k.split()[0])].misfit or fits[int(k.split()[-1])].misfit)} for k, v in pairs.items()]
    return Evidence(
        verdict,
        "; ".join(f"d={d}: {f.summary()}" for d, f in fits.items())
        + "; pairwise z: " + ", ".join(f"{k} {v[1]:+.1f}" for k, v in pairs.items()) + f" (crit {crit:.2f}); fixed "
        f"bandwidth d=32: {fit_fixed.summary()}"
        + (f"; the trained risk is not a power law in m at these sizes (chi-square misfit at d = {misfit}), so 'the "
           "second-stage exponent' is not defined here and its d-independence is undecided" if misfit else "")
        + ("; NOT REPRODUCED in our reconstruction: the trained slopes differ between d" if verdict is
           Verdict.NOT_REPRODUCED else ""),
        reps=reps, seeds={"root": config.seed, "spawn_key": "(30 + d, i), (70, i)"},
        measurements={"slopes": {d: f.as_dict() for d, f in fits.items()}, "fixed_bandwidth_d32": fit_fixed.as_dict(),
                      "pairwise_z": {k: v[1] for k, v in pairs.items()}, "equivalence_margin": margin},
        comparisons=rows, resolution=max(r["resolution"] for r in rows),
        controls=[ControlOutcome("fixed bandwidth d=32 shares the d=2 slope", ctrl_rejected, f"z = {zc:+.1f}",
                                 counterfactual=cf)],
    )


@claim(
    id="liu_zhou_2026.two-stage-plateau", paper=PAPER, label="CHECKED; RECONSTRUCTED (Szabo-type saturation)",
    statement="At a fixed context size m the risk saturates in N at a second-stage floor: its slope in N is far "
              "shallower than the first-stage rate and it stays above the m = infinity risk.",
    formula="risk(N, m) -> floor(m) > 0 as N -> infinity",
    check=CheckKind.MONTE_CARLO,
    controls=("violated assumption: with exact (m = infinity) embeddings the same N sweep must NOT show a plateau "
              "(fail the same secant-slope test)",),
    assumptions="m = 8, N in {200, 800, 3200} (quick) / {200, 800, 3200, 12800}; 24 (quick) / 48 repeats; the claim is "
                "'secant slope of the mean risk between the smallest and largest N significantly above -1/2' (no "
                "power-law model: a saturating curve is not one) and 'floor above the m = infinity risk at the "
                "largest N'",
    note_section="§3(d2), §2.4", figure="liu_zhou_2026-two-stage", resolution_required=THRESHOLD_RESOLUTION,
)
def _plateau(config: RunConfig) -> Evidence:
    P = _two_stage_problem(config)
    Ns = [200, 800, 3200] if config.quick else [200, 800, 3200, 12800]
    # reps: the secant slope's half-width is ~6 % of the 1/2 threshold at 24 repeats (t with 23 dof), ~4 % at 48
    reps = 24 if config.quick else 48
    m = 8
    risks = np.empty((reps, len(Ns)))
    inf_risk = np.empty(reps)
    for i, N in enumerate(Ns):
        rng = rates.child_rng(config.seed, 5, i)
        for r in range(reps):
            risks[r, i] = P.excess_risk(P.fit(N, m, rng), m_test=m)
    rng = rates.child_rng(config.seed, 6)
    for r in range(reps):
        inf_risk[r] = P.excess_risk(P.fit(Ns[-1], math.inf, rng))
    inf_risks = np.empty((reps, len(Ns)))
    for i, N in enumerate(Ns):
        rng = rates.child_rng(config.seed, 6, 1, i)
        for r in range(reps):
            inf_risks[r, i] = P.excess_risk(P.fit(N, math.inf, rng))
    crit = critical_value(reps)

    def secant(x):
        # slope of log(mean risk) between the smallest and largest N, delta-method SE (no power-law model)
        m1, m2 = x[:, 0].mean(), x[:, -1].mean()
        se1, se2 = x[:, 0].std(ddof=1) / math.sqrt(x.shape[0]), x[:, -1].std(ddof=1) / math.sqrt(x.shape[0])
        span = math.log(Ns[-1] / Ns[0])
        return math.log(m2 / m1) / span, math.hypot(se1 / m1, se2 / m2) / span

    def is_shallow(x, role="diagnostic", label=""):
        sl, se = secant(x)
        ok = sl - crit * se > -0.5
        if role != "diagnostic" or label:
            _ledger.record("secant slope t", sl + crit * se <= -0.5, role=role, label=label)
        return ok

    sl, sl_se = secant(risks)
    shallow = is_shallow(risks, "claim", "secant slope > -1/2")
    ctrl = not is_shallow(inf_risks, "control", "m = inf: secant slope > -1/2")
    sl_inf, _ = secant(inf_risks)
    gap = compare(0.0, risks[:, -1] - inf_risk, bias="both", role="diagnostic", scale=float(inf_risk.mean()),
                  label="floor - m=inf risk")
    floor_pos = gap.mean - gap.crit * gap.se > 0
    _ledger.record("t", not floor_pos and gap.mean + gap.crit * gap.se < 0, role="claim", label="floor above m=inf")
    ok = floor_pos and shallow
    cf = counterfactual(is_shallow, lambda x: not is_shallow(x), jointly=lambda: (risks, risks),
                        under_control=lambda: inf_risks,
                        detail="the m = infinity sweep producing the m = 8 risks would plateau too; its own risks "
                               "judged by the claim's secant test")
    res = (crit * sl_se) / 0.5
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"fixed m = {m}: secant slope {sl:+.3f} +/- {sl_se:.3f} (crit {crit:.2f}) between N = {Ns[0]} and {Ns[-1]}; "
        f"mean risks {np.round(risks.mean(axis=0), 5).tolist()}; m = infinity: secant slope {sl_inf:+.3f}; floor "
        f"minus m=inf risk at N = {Ns[-1]}: {gap.mean:.4g} +/- {gap.se:.2g} (> 0: {floor_pos})",
        reps=reps, seeds={"root": config.seed, "spawn_key": "(5, i), (6,), (6, 1, i)"},
        measurements={"N": Ns, "m": m, "secant_slope": sl, "secant_slope_se": sl_se, "mean_risk":
                      risks.mean(axis=0).tolist(), "m_inf_mean_risk": inf_risks.mean(axis=0).tolist(),
                      "inf_risk_at_max_N": float(inf_risk.mean()),
                      "resolution_rule": "secant slope: half-width of its interval relative to the 1/2 threshold"},
        comparisons=[{"point": "secant slope in N at fixed m (> -1/2)", "theory": -0.5, "estimate": sl,
                      "interval": [sl - crit * sl_se, sl + crit * sl_se], "resolution": res, "passed": shallow,
                      "role": "claim", "method": "secant slope, delta-method SE, t",
                      "scale_rule": "half-width / 0.5"}, gap.row("floor minus m = inf risk")],
        resolution=res,
        controls=[ControlOutcome("m = infinity shows no plateau", ctrl, f"secant slope {sl_inf:+.3f}",
                                 counterfactual=cf)],
    )


@claim(
    id="liu_zhou_2026.compute-optimal-split", paper=PAPER, label="MATH given the RECONSTRUCTED template",
    statement="For a two-stage risk a N^-p + b m^-q under the budget N m = T, the optimal context size is "
              "m* = (bq/(ap))^{1/(p+q)} T^{p/(p+q)}: m must grow polynomially with the budget.",
    formula="m* proportional to T^{p/(p+q)}",
    check=CheckKind.SYMBOLIC,
    controls=("m* proportional to T^{q/(p+q)} (exponents swapped)",),
    assumptions="exponents p, q > 0 are parameters (the paper's values are unknown); numerical minimisation over a "
                "fine log grid at drawn (a, b, p, q, T)",
    note_section="§3(d2)",
)
def _split(config: RunConfig) -> Evidence:
    d1, _ = der.compute_optimal_difference()
    sym_ok = sp.simplify(d1) == 0
    bad, _ = der.compute_optimal_difference(swap_exponent=True)
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(109,)))
    worst = 0.0
    grid = np.logspace(-3, 12, 300001)
    risk_fn = sp.lambdify(sp.symbols("N m a b p q", positive=True), lz.two_stage_risk_expr(), modules="numpy")
    points = []  # (T, a, b, p, q, grid minimiser)
    for _ in range(8 if config.quick else 40):
        a, b = rng.uniform(0.1, 10, 2)
        p, q = rng.uniform(0.2, 2.0, 2)
        T = 10 ** rng.uniform(4, 10)
        mm = grid[grid < T]
        risk = risk_fn(T / mm, mm, a, b, p, q)  # the template with a real-valued N = T/m
        m_num = mm[np.argmin(risk)]
        m_cf = lz.compute_optimal_m(T, a, b, p, q)
        worst = max(worst, abs(math.log(m_num / m_cf)))
        points.append((T, a, b, p, q, float(m_num)))
    step = math.log(grid[1] / grid[0])
    num_ok = worst <= step

    def swapped(T, a, b, p, q):
        """The control: m* with the exponents swapped, proportional to T^{q/(p+q)}."""
        return (b * q / (a * p)) ** (1 / (p + q)) * T ** (q / (p + q))

    def diffs(m_star):
        # |log| of the grid minimiser over the formula, at the drawn points where the exponents differ (p != q)
        return [abs(math.log(mn / m_star(T, a, b, p, q))) for T, a, b, p, q, mn in points if abs(p - q) > 0.05]

    ctrl, effect = formula_control("exponents swapped", diffs, lz.compute_optimal_m, swapped, claim_tol=step,
                                   threshold=10 * step, symbolic_nonzero=sp.simplify(bad) != 0,
                                   what="|log(grid minimiser / formula)|: ")
    ctrl_min = effect["effect"]
    return Evidence(
        _identity_verdict(sym_ok, num_ok),
        f"sympy: dR/dm(m*) == 0 ({sym_ok}); grid minimiser vs closed form: worst |log ratio| {worst:.2e} "
        f"(grid step {step:.1e})",
        seeds={"root": config.seed, "spawn_key": [109]},
        measurements={"worst_log_ratio": worst, "grid_step": step, "control_min_log_ratio": ctrl_min,
                      "control_effects": {ctrl.name: effect}},
        controls=[ctrl],
    )


@claim(
    id="liu_zhou_2026.regularity-tradeoff", paper=PAPER,
    label="MATH, CHECKED (the arithmetic); RECONSTRUCTED (T1: that this is the paper's tradeoff)",
    statement="With density coefficients k^-(s+1/2) and latent-feature coefficients k^-(t+1/2), the truncation "
              "error after D modes is 1/2 zeta(s+t+1, D+1) ~ D^-(s+t)/(2(s+t)): it depends on s + t only, so "
              "smoother data can make up for rougher features.",
    formula="err(D) = 1/2 sum_{k>D} k^{-(s+t+1)} = 1/2 zeta(s+t+1, D+1)",
    check=CheckKind.SYMBOLIC,
    controls=("the tail summed from k = D (off by one): 1/2 zeta(s+t+1, D)",
              "exponent s+t instead of s+t+1: 1/2 zeta(s+t, D+1)"),
    assumptions="(s, t) in {(0.5, 1.5), (1, 1), (1.5, 0.5)} and (0.5, 0.5); D in 8..2048; direct sums at 50 digits",
    note_section="§3(d3), §2.5 (T1)",
)
def _regularity(config: RunConfig) -> Evidence:
    k, D = sp.symbols("k D", integer=True, positive=True)
    s, t = sp.symbols("s t", positive=True)
    closed = sp.Sum(sp.powsimp(k**(-(s + sp.Rational(1, 2))) * k**(-(t + sp.Rational(1, 2)))),
                    (k, D + 1, sp.oo)).doit()
    sym_ok = sp.simplify(closed - sp.zeta(s + t + 1, D + 1)) == 0 and not closed.has(s - t)
    Ds = [8, 32, 128, 512, 2048]
    pairs = [(0.5, 1.5), (1.0, 1.0), (1.5, 0.5)]
    worst_direct, spread, slopes, directs = 0.0, 0.0, {}, []
    with mpmath.workdps(50):
        for (sv, tv) in pairs + [(0.5, 0.5)]:
            vals = [lz.regularity_truncation_error(Dv, sv, tv, dps=50) for Dv in Ds]
            # independent route: Riemann zeta minus the explicit head sum_{k<=D} k^-(s+t+1)
            r1 = mpmath.mpf(sv) + mpmath.mpf(tv) + 1
            direct = (mpmath.zeta(r1) - mpmath.fsum(mpmath.mpf(kk) ** (-r1) for kk in range(1, Ds[0] + 1))) / 2
            directs.append((sv, tv, direct))
            worst_direct = max(worst_direct, float(abs(direct - vals[0]) / direct))
            slopes[(sv, tv)] = float(mpmath.log(vals[-1] / vals[-2]) / mpmath.log(mpmath.mpf(Ds[-1]) / Ds[-2]))
        # the functional <psi, mu> truncated at D, built from separate coefficient sequences a_k, b_k
        # (finite window D < k <= 40 D), so "s + t only" is not true by construction of the theory function

        def window(sv, tv, Dv):
            return mpmath.fsum(mpmath.mpf(kk) ** (-(mpmath.mpf(sv) + 0.5)) * mpmath.mpf(kk) ** (-(mpmath.mpf(tv) + 0.5))
                               for kk in range(Dv + 1, 40 * Dv + 1)) / 2

        for Dv in Ds[:3]:
            ref = window(*pairs[0], Dv)
            spread = max(spread, max(float(abs(window(*pr, Dv) - ref) / ref) for pr in pairs[1:]))
    slope_ok = all(abs(v + (a + b)) < 0.01 for (a, b), v in slopes.items())
    num_ok = worst_direct < 1e-40 and spread < 1e-40 and slope_ok

    def diffs(err_formula):
        # the claim's statistic: relative difference from the independent route (zeta minus head sum) at D = 8
        with mpmath.workdps(50):
            return [float(abs(d_ - err_formula(Ds[0], sv, tv)) / d_) for sv, tv, d_ in directs]

    def true_err(Dv, sv, tv):
        return lz.regularity_truncation_error(Dv, sv, tv, dps=50)

    def tail_from_D(Dv, sv, tv):
        """The control: the tail summed from k = D (off by one), 1/2 zeta(s+t+1, D)."""
        return mpmath.zeta(mpmath.mpf(sv) + mpmath.mpf(tv) + 1, int(Dv)) / 2

    def exponent_s_plus_t(Dv, sv, tv):
        """The control: exponent s + t instead of s + t + 1, 1/2 zeta(s+t, D+1)."""
        return mpmath.zeta(mpmath.mpf(sv) + mpmath.mpf(tv), int(Dv) + 1) / 2

    controls, effects = [], {}
    for name, wrong in (("tail from k = D (off by one)", tail_from_D),
                        ("exponent s+t instead of s+t+1", exponent_s_plus_t)):
        c, e = formula_control(name, diffs, true_err, wrong, claim_tol=1e-40,
                               what="relative difference from zeta(s+t+1) - head sum at D = 8: ")
        controls.append(c)
        effects[name] = e
    return Evidence(
        _identity_verdict(sym_ok, num_ok),
        f"sympy Sum == zeta(s+t+1, D+1) ({sym_ok}); Hurwitz zeta vs zeta(s+t+1) - head sum rel {worst_direct:.1e}; "
        f"spread across (s,t) with s+t=2: {spread:.1e}; local slopes at D=2048: "
        + ", ".join(f"(s,t)={k_}: {v:.4f}" for k_, v in slopes.items()),
        seeds={"root": config.seed},
        measurements={"slopes": {str(k_): v for k_, v in slopes.items()}, "spread": spread,
                      "zeta_vs_direct": worst_direct, "control_effects": effects},
        controls=controls,
    )


# =======================================================================================
# (e) Hedgehog mimicry and the Pinsker link

def _mimicry(config: RunConfig) -> mim.MimicryResult:
    return _mimicry_cached(config.seed, config.quick)


@functools.lru_cache(maxsize=16)
def _mimicry_cached(seed: int, quick: bool) -> mim.MimicryResult:
    """One training per (seed, scale), shared by the mimicry and Pinsker claims (read-only).

    Test sequences: 1000 (quick) / 2000 (full), so that the paired intervals (batch means of 50 where the
    differences are skewed, i.e. 20 / 40 batches) reach :data:`THRESHOLD_RESOLUTION`: 80 test sequences gave
    ~15 %, 1000 give <= 6 % at the three quick seeds, 2000 <= 4 %.
    """
    config = RunConfig(quick=quick, seed=seed)
    if config.quick:
        return mim.run_mimicry(seed=config.seed, n_train=24, n_test=1000, R=16, maxiter=80)
    return mim.run_mimicry(seed=config.seed, n_train=40, n_test=2000, R=32, maxiter=200)


def mimicry_seeds(config: RunConfig) -> list[int]:
    """The root seed first, then seeds spawned from it (``SeedSequence(root, spawn_key=(111, k))``)."""
    n = MIMICRY_SEEDS[0] if config.quick else MIMICRY_SEEDS[1]
    root = int(config.seed)
    return [root] + [int(np.random.SeedSequence(root, spawn_key=(111, k)).generate_state(1)[0]) for k in range(n - 1)]


def _hedgehog_decisions(M: dict, H_soft: np.ndarray, role: str = "claim") -> dict:
    """The claim's six paired decisions on per-test-sequence metrics ``M`` (ledger-counted under ``role``)."""
    pl = decide.paired_less
    return {
        "CE-trained KL < init KL": pl(M["hedgehog-ce"]["kl"], M["hedgehog-init"]["kl"], role=role),
        "MSE-trained output MSE < init": pl(M["hedgehog-mse"]["mse"], M["hedgehog-init"]["mse"], role=role),
        "CE-trained KL < elu+1": pl(M["hedgehog-ce"]["kl"], M["elu+1"]["kl"], role=role),
        "CE-trained KL < ReLU": pl(M["hedgehog-ce"]["kl"], M["relu"]["kl"], role=role),
        "CE-trained KL < Performer": pl(M["hedgehog-ce"]["kl"], M["performer"]["kl"], role=role),
        "entropy moves toward softmax": pl(np.abs(M["hedgehog-ce"]["entropy"] - H_soft),
                                           np.abs(M["hedgehog-init"]["entropy"] - H_soft), role=role),
    }


_BASELINES = ("elu+1", "relu", "performer")


@claim(
    id="liu_zhou_2026.hedgehog-mimicry", paper=PAPER,
    label="CHECKED (small, robust expectations only); RECONSTRUCTED (the paper's activation/loss design message)",
    statement="A Hedgehog-style learned feature map [exp(Wx), exp(-Wx)] trained by L-BFGS mimics softmax better than "
              "at initialisation (CE- and MSE-trained), beats elu+1, ReLU and Performer in KL(a || a_hat), and its "
              "attention becomes spikier (row entropy moves toward softmax's).  Not asserted: that it beats Taylor-2 "
              "(it does not on isotropic random q, k), nor that beating elu+1, ReLU and Performer is due to training "
              "(the untrained map beats them too here: measured).",
    formula="KL_trained < KL_init, KL_trained < KL_{elu+1, ReLU, Performer}, |H_trained - H_soft| < |H_init - H_soft|",
    check=CheckKind.TRAINED,
    controls=("wrong statement: the CE-trained map also beats Taylor-2 in KL (must be refuted by the same paired "
              "interval)",
              "wrong coefficient: full mimicry, the CE-trained map's row entropy equal to softmax's (must be "
              "rejected by the paired interval on H_trained - H_soft)"),
    assumptions="d = 8, L = 32, q, k ~ N(0, 1.5^2 I), logits q.k/sqrt(d); quick: 24 train / 1000 test sequences, "
                "W 16x8, 80 L-BFGS iterations; full: 40 / 2000, 32x8, 200; paired t intervals across test sequences "
                "(batch means where skewed) at the ledger's per-test rate, each a ledger test; decided over "
                f"{MIMICRY_SEEDS[0]} (quick) / {MIMICRY_SEEDS[1]} (full) seeds (each draws its own training and test "
                "sequences and initial W): " + SEED_RULE,
    note_section="§3(e), §2.6", resolution_required=THRESHOLD_RESOLUTION,
)
def _hedgehog(config: RunConfig) -> Evidence:
    seeds = mimicry_seeds(config)
    rows, decided, by_seed = [], [], {}
    for sd in seeds:
        r_ = _mimicry_cached(sd, config.quick)
        t_ = _hedgehog_decisions(r_.metrics, r_.softmax_entropy)
        rows += [v.row(f"{k}, seed {sd}") for k, v in t_.items()]
        decided.append((all(v.confirmed for v in t_.values()), any(v.refuted for v in t_.values())))
        by_seed[str(sd)] = {k: [v.confirmed, v.estimate, v.lo, v.hi] for k, v in t_.items()}
    res = _mimicry(config)
    M = res.metrics
    H_soft = res.softmax_entropy
    tests = _hedgehog_decisions(M, H_soft, role="diagnostic")  # the root seed's, already counted above
    ok = all(c for c, _ in decided)
    refuted = any(b for _, b in decided)
    d_t2 = decide.paired_less(M["hedgehog-ce"]["kl"], M["taylor2"]["kl"], role="control",
                              label="CE-trained KL < Taylor-2")
    d_init = {b: decide.paired_less(M["hedgehog-init"]["kl"], M[b]["kl"], role="control", label=f"init KL < {b}")
              for b in _BASELINES}

    def passes(metrics):
        return all(v.confirmed for v in _hedgehog_decisions(metrics, H_soft, role="diagnostic").values())

    def with_(name, **kw):
        out = {k: dict(v) for k, v in M.items()}
        out[name].update(kw)
        return out

    # Taylor-2's KL scattered around the trained map's (mean difference 0, spread of the elu+1 column x 3):
    # neither 'beats' nor 'is beaten' is decided, so the control is not refuted
    spread = 3.0 * (M["elu+1"]["kl"] - M["elu+1"]["kl"].mean())
    t2_equal = with_("taylor2", kl=M["hedgehog-ce"]["kl"] + spread)
    cf_t2 = counterfactual(passes, lambda m: decide.paired_less(m["hedgehog-ce"]["kl"], m["taylor2"]["kl"],
                                                                role="diagnostic").refuted,
                           jointly=lambda: (t2_equal, t2_equal),
                           detail="Taylor-2's KL scattered around the trained map's: the claim passes, 'beats "
                                  "Taylor-2' is not refuted")
    def entropy_gap(metrics, role):
        return decide.mean_vs(metrics["hedgehog-ce"]["entropy"] - H_soft, 0.0, "above", role=role,
                              scale=float(np.mean(np.abs(metrics["hedgehog-init"]["entropy"] - H_soft))),
                              label="H_trained - H_soft = 0")

    def full_mimicry_rejected(metrics, role="diagnostic"):
        d = entropy_gap(metrics, role)
        return d.lo > 0 or d.hi < 0

    d_full = entropy_gap(M, "control")
    # jointly possible: trained entropies equal to softmax's up to a centred 1 % jitter -- the claim's entropy test
    # passes and equality is not rejected (full mimicry lies inside the claim's region: no under-control run)
    jitter = 0.01 * (M["elu+1"]["entropy"] - M["elu+1"]["entropy"].mean())
    mimic = with_("hedgehog-ce", entropy=H_soft + jitter)
    cf_full = counterfactual(passes, full_mimicry_rejected, jointly=lambda: (mimic, mimic),
                             detail="trained entropies at softmax's up to a centred jitter: the claim passes and full "
                                    "mimicry is not rejected")
    # the untrained map against the baselines (measured, not a control: it beats them here)
    d_init = {b: decide.paired_less(M["hedgehog-init"]["kl"], M[b]["kl"], role="diagnostic", label=f"init KL < {b}")
              for b in _BASELINES}
    table = mim.mean_table(res)
    return Evidence(
        Verdict.CONFIRMED if ok else (Verdict.REFUTED if refuted else Verdict.INCONCLUSIVE),
        f"over {len(seeds)} training seeds ({SEED_RULE.split(';')[0]}): {sum(c for c, _ in decided)} confirmed, "
        f"{sum(b for _, b in decided)} refuted. Root seed: "
        + "; ".join(f"{k}: {'yes' if v.confirmed else 'NO'} (diff {v.estimate:+.3f}, interval [{v.lo:+.3f}, "
                    f"{v.hi:+.3f}])" for k, v in tests.items())
        + f"; Taylor-2 KL {table['taylor2']['kl']:.3f} vs CE-trained {table['hedgehog-ce']['kl']:.3f} (a control, not "
          "asserted); the untrained map already beats " + ", ".join(b for b, d in d_init.items() if d.confirmed)
        + " (measured)",
        reps=len(H_soft), seeds={"root": config.seed, "train_seeds": seeds},
        measurements={"table": table, "tests_by_seed": by_seed, "seed_rule": SEED_RULE,
                      "untrained_beats_baselines": {b: [d.confirmed, d.estimate, d.lo, d.hi]
                                                    for b, d in d_init.items()}},
        comparisons=rows, resolution=max(r["resolution"] for r in rows),
        controls=[ControlOutcome("CE-trained beats Taylor-2", d_t2.refuted, d_t2.text, counterfactual=cf_t2),
                  ControlOutcome("full mimicry: trained row entropy equal to softmax's",
                                 d_full.lo > 0 or d_full.hi < 0, d_full.text, counterfactual=cf_full)],
    )


@claim(
    id="liu_zhou_2026.pinsker-link", paper=PAPER, label="MATH, CHECKED",
    statement="Attention-weight cross-entropy (Hedgehog) controls the output error (LoLCATs): row-wise "
              "||o_soft - o_lin|| <= max_j ||v_j|| ||a - a_hat||_1 <= max_j ||v_j|| sqrt(2 KL(a || a_hat)).",
    formula="||a - a_hat||_1 <= sqrt(2 KL(a || a_hat)) (Pinsker)",
    check=CheckKind.HIGH_PRECISION,
    controls=("Pinsker with constant 1/2: ||a - a_hat||_1 <= sqrt(KL/2)",),
    assumptions="every test row of every feature map of liu_zhou_2026.hedgehog-mimicry",
    note_section="§2.6, §3(e)",
)
def _pinsker(config: RunConfig) -> Evidence:
    res = _mimicry(config)
    rows = viol = l1viol = ctrl_viol = 0
    for A in res.weights.values():
        good, bad = mim.pinsker_check(res.test, A), mim.pinsker_check(res.test, A, constant=0.5)
        rows += good["rows"]
        viol += good["violations"]
        l1viol += good["l1_violations"]
        ctrl_viol += bad["l1_violations"]
    ok = viol == 0 and l1viol == 0

    def ratios(constant):
        # the L1 statistic per row: ||a - a_hat||_1 / sqrt(constant KL(a || a_hat)); above 1 is a violation
        out = []
        for A in res.weights.values():
            kl = np.maximum(np.sum(res.test.a * (np.log(res.test.a) - np.log(A)), axis=-1), 0.0)
            l1 = np.abs(res.test.a - A).sum(axis=-1)
            out.append((l1 / np.maximum(np.sqrt(constant * kl), 1e-300)).ravel())
        return np.concatenate(out)

    tol = 1 + 1e-12
    worst_ctrl = float(ratios(0.5).max())
    # an inequality falls to one counterexample: the control is rejected when some row violates it
    cf = counterfactual(lambda c: float(ratios(c).max()) <= tol, lambda c: float(ratios(c).max()) > tol,
                        jointly=lambda: (2.0, 2.0), under_control=lambda: 0.5,
                        detail="Pinsker's constant 2 in the control's place: no row violates it (the statistic is "
                               "computed from the constant); the claim's L1 check with constant 1/2 fails")
    effect = {"effect": worst_ctrl, "threshold": tol, "claim_tolerance": tol, "ratio": worst_ctrl / tol,
              "points": rows, "violating_rows": ctrl_viol}
    return Evidence(
        Verdict.CONFIRMED if ok else Verdict.REFUTED,
        f"{rows} rows over {len(res.weights)} maps: {viol} output-bound and {l1viol} L1-bound violations",
        seeds={"root": config.seed}, measurements={"rows": rows, "control_violations": ctrl_viol,
                                                   "control_effects": {"constant 1/2": effect}},
        controls=[ControlOutcome("constant 1/2", ctrl_viol > 0,
                                 f"{ctrl_viol} of {rows} rows violate it; largest ||a - a_hat||_1 / sqrt(KL/2) = "
                                 f"{worst_ctrl:.3g}", counterfactual=cf)],
    )


# =======================================================================================
# (f) which feature maps keep information about the context

#: A two-point context with mean 0 and variance 1 like the 2-point Gauss-Hermite rule, but third moment 3/2:
#: the pair (GH2, SKEW2) is matched to order 2 only (it separates "order p + 1" from the wrong "order p").
SKEW2 = (np.array([-0.5, 2.0]), np.array([0.8, 0.2]))


def moment_blindness_outputs(seed: int, *, D: int = 6) -> dict:
    """float64 outputs of unnormalised attention for the 2- and 3-point Gauss-Hermite contexts.

    Feature maps: random linear combinations of monomials of degree <= p (p = 1, 2, 3), and
    the exp kernel ``exp(q z)``; values ``v(z) = z``; 16 queries in [-2, 2].  ``poly2_skew`` is the
    degree-2 map on the pair (GH2, :data:`SKEW2`), matched to order 2 only.
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(110,)))
    gh2 = (np.array([-1.0, 1.0]), np.array([0.5, 0.5]))
    gh3 = (np.array([-math.sqrt(3), 0.0, math.sqrt(3)]), np.array([1 / 6, 2 / 3, 1 / 6]))
    qs = rng.uniform(-2, 2, 16)
    out = {}
    for p in (1, 2, 3):
        Wk, Wq = rng.standard_normal((D, p + 1)), rng.standard_normal((D, p + 1))

        def phi(z, W):
            return np.vander(np.atleast_1d(z), p + 1, increasing=True) @ W.T

        res = []
        for z, w in (gh2, gh3):
            sigma = lz.kernel_mean_embedding(phi(z, Wk), z[:, None], weights=w)
            res.append(lz.attention_operator(sigma, phi(qs, Wq)))
        out[f"poly{p}"] = float(np.max(np.abs(res[0] - res[1])))
        if p == 2:
            z, w = SKEW2
            skew = lz.attention_operator(lz.kernel_mean_embedding(phi(z, Wk), z[:, None], weights=w), phi(qs, Wq))
            out["poly2_skew"] = float(np.max(np.abs(res[0] - skew)))
    res = []
    for z, w in (gh2, gh3):
        res.append(lz.kernel_smoother(np.exp(np.outer(qs, z)), z[:, None], normalized=False, weights=w))
    out["exp"] = float(np.max(np.abs(res[0] - res[1])))
    return out


def _skew_pair_difference_degree2() -> sp.Expr:
    """Symbolic degree-2 output for GH2 minus :data:`SKEW2` (generic coefficients; v(z) = z)."""
    c, g = sp.symbols("c0:3", real=True), sp.symbols("g0:3", real=True)

    def out(rule):
        return sum(w * z * sum(c[n] * g[n] * z**n for n in range(3)) for z, w in rule)

    gh2 = ((sp.Integer(-1), sp.Rational(1, 2)), (sp.Integer(1), sp.Rational(1, 2)))
    skew = ((sp.Rational(-1, 2), sp.Rational(4, 5)), (sp.Integer(2), sp.Rational(1, 5)))
    return sp.expand(out(gh2) - out(skew))


def _blindness_passes(out: dict) -> bool:
    return out["poly1"] <= 1e-13 and out["poly2"] <= 1e-13 and out["poly3"] > 1e-3 and out["exp"] > 1e-3


@claim(
    id="liu_zhou_2026.moment-blindness", paper=PAPER, label="MATH, CHECKED",
    statement="Unnormalised linear attention with a polynomial feature map of degree p sees the context only through "
              "its moments up to order p+1: the 2- and 3-point Gauss-Hermite contexts (equal moments up to 3) give "
              "identical outputs for p <= 2, while degree 3 and the exp (softmax) kernel separate them.",
    formula="A[mu](x) = sum_n c_n(x) E_mu[z^{n+1}], n <= p",
    check=CheckKind.SYMBOLIC,
    controls=("wrong exponent: the map sees moments only up to order p (the value factor z dropped), so a degree-2 "
              "map would be blind to two contexts matched to order 2 (GH2 and a skewed two-point context with the "
              "same mean and variance); must be rejected by a nonzero output difference",),
    assumptions="values v(z) = z; generic symbolic coefficients (sympy) and random coefficients / 16 queries (float64)",
    note_section="§3(f), §2.2 (F3)",
)
def _moment_blindness(config: RunConfig) -> Evidence:
    sym_blind = all(der.is_zero(der.moment_blindness_difference("poly", p)) for p in (0, 1, 2))
    sym_sep3 = not der.is_zero(der.moment_blindness_difference("poly", 3))
    out = moment_blindness_outputs(config.seed)
    num_ok = _blindness_passes(out)
    sym_skew = not der.is_zero(_skew_pair_difference_degree2())
    ctrl = sym_skew and out["poly2_skew"] > 1e-3
    cf = counterfactual(_blindness_passes, lambda o: o["poly2_skew"] > 1e-3,
                        jointly=lambda: ({**out, "poly2_skew": 0.0},) * 2,
                        detail="the measured outputs with the order-2-matched pair's difference set to 0 (a map that "
                               "reads moments up to order p only there) still pass the claim; the control then "
                               "stands: its rejection rests on a number the claim's check does not constrain")
    return Evidence(
        _identity_verdict(sym_blind and sym_sep3, num_ok),
        f"sympy: degree <= 2 difference == 0 ({sym_blind}), degree 3 != 0 ({sym_sep3}); float64 max |difference|: "
        + ", ".join(f"{k} {v:.2e}" for k, v in out.items()),
        seeds={"root": config.seed, "spawn_key": [110]},
        measurements={**out, "control_effects": {"moments only up to order p": {
            "effect": out["poly2_skew"], "threshold": 1e-3, "claim_tolerance": 1e-13,
            "ratio": out["poly2_skew"] / 1e-3, "points": 16}}},
        controls=[ControlOutcome("moments only up to order p", ctrl,
                                 f"degree-2 map on (GH2, skewed two-point): sympy difference nonzero ({sym_skew}), "
                                 f"float64 max |difference| {out['poly2_skew']:.3f}", counterfactual=cf)],
    )
