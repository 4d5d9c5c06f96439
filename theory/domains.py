"""Every model parameter's domain, declared once per paper.

Public functions validate through these declarations (see
:func:`iclverify.theory._domains.validated`) and the property tests draw from them
(``LU2024["alpha"].strategy(0.5, 50)``).  A function that needs a narrower domain
narrows the declaration here (``.with_(excluded=(1.0,))``) instead of re-declaring it.
"""

from __future__ import annotations

import math

from iclverify.theory._domains import Interval, ParameterSpace

inf = math.inf

__all__ = ["LU2024", "LI2024_FINEGRAINED", "LI2024_NONLINEAR", "LIU_ZHOU_2026", "RIDGELESS_TAU", "COMMON"]

# ---------------------------------------------------------------------------------------
# Shared numerical settings
COMMON = ParameterSpace(
    "common",
    {
        "dps": Interval(10, 1000, low_open=False, high_open=False, integer=True,
                        description="mpmath working precision in decimal digits"),
        "reps": Interval(1, inf, low_open=False, integer=True, description="Monte Carlo repeats"),
        "seed": Interval(0, 2**63, low_open=False, integer=True, description="root random seed"),
    },
)

# ---------------------------------------------------------------------------------------
# Lu, Letey, Zavatone-Veth, Maiti, Pehlevan 2024 (note lu2024_asymptotic.md §1-§3)
LU2024 = ParameterSpace(
    "lu2024",
    {
        "alpha": Interval(0, inf, description="context length ratio l/d"),
        "kappa": Interval(0, inf, allow_inf=True, description="task diversity k/d (inf: a fresh task per context)"),
        "tau": Interval(0, inf, description="pretraining ratio n/d^2"),
        "rho": Interval(0, inf, low_open=False, description="label-noise variance"),
        "lam": Interval(0, inf, low_open=False, description="ridge strength (penalty (n/d) lam ||Gamma||_F^2)"),
        "d": Interval(1, inf, low_open=False, integer=True, description="token dimension"),
        "x": Interval(0, inf, description="argument of the Marchenko-Pastur transform M_kappa(x)"),
        "c": Interval(0, inf, low_open=False, description="limiting ratio alpha/tau in the memorisation limit"),
    },
)
#: Ridgeless formulas have no value at tau = 1 exactly (the interpolation peak).
RIDGELESS_TAU = LU2024["tau"].with_(excluded=(1.0,), description="pretraining ratio n/d^2 (ridgeless: tau != 1)")

# ---------------------------------------------------------------------------------------
# Li, Rawat, Oymak 2024 (note li2024_finegrained.md §1-§6)
LI2024_FINEGRAINED = ParameterSpace(
    "li2024_finegrained",
    {
        "d": Interval(1, inf, low_open=False, integer=True, description="feature dimension"),
        "n": Interval(1, inf, low_open=False, integer=True, description="number of in-context examples"),
        "noise_var": Interval(0, inf, low_open=False, description="label-noise variance sigma^2"),
        "r": Interval(0, inf, low_open=False, integer=True, description="rank of the attention weights / LoRA adapter"),
        "gamma": Interval(0, 1, low_open=False, high_open=True,
                          description="equicorrelation of the task covariance gamma 11^T + (1-gamma) I"),
        "corr": Interval(0, 1, low_open=False, high_open=True,
                         description="RAG / task-feature alignment correlation (the paper's alpha)"),
        "drift": Interval(0, 1, low_open=False, high_open=False, description="AR(1) task-drift coefficient g"),
        "query_noise_var": Interval(0, inf, low_open=False, description="label-noise variance of the query"),
        "noise_vars": Interval(0, inf, low_open=False,
                               description="per-demonstration label-noise variances sigma_i^2"),
        "anchor_coef": Interval(0, inf, low_open=False,
                                description="coefficient a of the anchor in x_i = a anchor + b g_i (RAG/alignment)"),
        "fresh_coef": Interval(0, inf, low_open=False,
                               description="coefficient b of the fresh noise in x_i = a anchor + b g_i"),
        "ratio": Interval(0, 1, low_open=True, high_open=False,
                          description="ratio of a geometric covariance spectrum lambda_k = ratio^k"),
        "scale": Interval(-inf, inf, description="scalar preconditioner W = scale * I"),
    },
)

# ---------------------------------------------------------------------------------------
# Li, Wang, Lu, Cui, Chen 2024 (note li2024_nonlinear.md §1-§4)
LI2024_NONLINEAR = ParameterSpace(
    "li2024_nonlinear",
    {
        "alpha": Interval(0, 1, low_open=True, high_open=False,
                          description="fraction of task-relevant contexts in training prompts"),
        "alpha_test": Interval(0, 1, low_open=True, high_open=False,
                               description="fraction alpha' of task-relevant contexts in test prompts"),
        "M1": Interval(3, inf, low_open=False, integer=True, description="number of relevant (IDR) patterns"),
        "M2": Interval(1, inf, low_open=False, integer=True, description="number of irrelevant (IDI) patterns"),
        "context_len": Interval(1, inf, low_open=False, integer=True, description="prompt length l"),
        "prune_rate": Interval(0, 1, low_open=False, high_open=False, description="fraction R of W_O rows pruned"),
        "S1": Interval(0, inf, description="coefficient sum of an out-of-domain relevant pattern"),
        "epsilon": Interval(0, 1, description="target generalisation error"),
        "beta": Interval(0, inf, description="norm of the relevant (IDR) patterns (note §1.2, [SECONDARY])"),
        "const": Interval(0, inf, description="unknown order constant of a bound (not given by the note)"),
        "M_prune": Interval(1, inf, low_open=False, integer=True,
                            description="pattern count M in the pruning bound O(eps + M^-1/2) (M2 or M1, note §4)"),
        "n_train_tasks": Interval(1, inf, low_open=False, integer=True, description="number of training tasks |T_tr|"),
        "task_exponent": Interval(0, inf, description="exponent e of the task-fraction bound (M1-1)^-e (note §1.3)"),
    },
)

# ---------------------------------------------------------------------------------------
# Liu, Zhou 2026 (note liu_zhou_2026_ghost.md §2-§3)
LIU_ZHOU_2026 = ParameterSpace(
    "liu_zhou_2026",
    {
        "m": Interval(1, inf, low_open=False, integer=True, description="context tokens per prompt (second stage)"),
        "N": Interval(1, inf, low_open=False, integer=True, description="number of prompts / domains (first stage)"),
        "D": Interval(1, inf, low_open=False, integer=True, description="feature dimension of the feature map"),
        "d": Interval(1, inf, low_open=False, integer=True, description="token dimension"),
        "L": Interval(1, inf, low_open=False, integer=True, description="sequence length"),
        "chunk": Interval(1, inf, low_open=False, integer=True, description="chunk size of chunked causal attention"),
        "s": Interval(0, inf, description="regularity of the data distribution"),
        "t": Interval(0, inf, description="regularity of the latent feature"),
        "dv": Interval(1, inf, low_open=False, integer=True, description="value dimension"),
        "sigma2": Interval(0, inf, low_open=False, description="label-noise variance sigma^2"),
        "u": Interval(-inf, inf, description="inner product q.k of a query and a key"),
        "xy": Interval(-inf, inf, description="inner product x.y of the two kernel arguments"),
        "sum_sq": Interval(0, inf, low_open=False, description="squared norm ||x + y||^2"),
        "diff_sq": Interval(0, inf, low_open=False, description="squared norm ||x - y||^2"),
        "norm_sq_x": Interval(0, inf, low_open=False, description="squared norm ||x||^2"),
        "norm_sq_y": Interval(0, inf, low_open=False, description="squared norm ||y||^2"),
        "second_moment": Interval(0, inf, low_open=False,
                                  description="E||v(z) (x) phi(z)||^2, second moment of one embedded token"),
        "embedding_norm_sq": Interval(0, inf, low_open=False,
                                      description="||Sigma_mu||_F^2, squared norm of the kernel mean embedding"),
        "B": Interval(0, inf, description="bound on the value norm ||v(z)|| <= B"),
        "kappa": Interval(0, inf, description="bound on the feature norm sup ||phi|| <= kappa"),
        "a": Interval(0, inf, description="first-stage constant of the rate a N^-p (RECONSTRUCTED)"),
        "b": Interval(0, inf, description="second-stage constant of the rate b m^-q (RECONSTRUCTED)"),
        "p": Interval(0, inf, description="first-stage exponent of the rate a N^-p (RECONSTRUCTED)"),
        "q": Interval(0, inf, description="second-stage exponent of the rate b m^-q (RECONSTRUCTED)"),
        "T": Interval(0, inf, description="sample budget T = N m (prompts x tokens)"),
        "M": Interval(0, inf, description="cosFormer position scale M (at least the sequence length)"),
    },
)
