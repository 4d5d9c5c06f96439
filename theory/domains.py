"""Every model parameter's domain, declared once per paper, and the settings of the simulators.

Public functions validate through these declarations (see
:func:`iclverify.theory.parameters.validated`: every parameter of a validated function must be
declared here or in the function's overrides), the CLI builds its options and help from them, and
the property tests draw from them (``LU2024["alpha"].strategy(0.5, 50)``).  A function that needs
a narrower domain narrows the declaration here (``.with_(excluded=(1.0,))``) instead of
re-declaring it.
"""

from __future__ import annotations

import math

from iclverify.theory.parameters import Boolean, Checked, Exclusion, Interval, Options, ParameterSpace

inf = math.inf

__all__ = ["LU2024", "LI2024_FINEGRAINED", "LI2024_NONLINEAR", "LIU_ZHOU_2026", "RIDGELESS_TAU", "COMMON",
           "RIDGELESS_PEAK", "LU2024_ASYMPTOTIC", "LU2024_SIMULATION", "DEVICES"]

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
#: The ridgeless error has no value at the interpolation threshold (note §3.3: both branches diverge as tau -> 1).
RIDGELESS_PEAK = Exclusion({"tau": 1.0, "lam": 0.0},
                           "the ridgeless error diverges at the interpolation threshold tau = 1 "
                           "(note lu2024_asymptotic.md §3.3); use lam > 0 or tau != 1")
LU2024 = ParameterSpace(
    "lu2024",
    {
        "alpha": Interval(0, inf, description="context length ratio l/d"),
        "kappa": Interval(0, inf, allow_inf=True, description="task diversity k/d (inf: a fresh task per context)"),
        "tau": Interval(0, inf, description="pretraining ratio n/d^2"),
        "rho": Interval(0, inf, low_open=False, description="label-noise variance"),
        "lam": Interval(0, inf, low_open=False, description="ridge strength (penalty (n/d) lam ||Gamma||_F^2)"),
        "d": Interval(1, inf, low_open=False, integer=True, description="token dimension"),
        "ell": Interval(1, inf, low_open=False, integer=True, description="context length l (labelled pairs)"),
        "x": Interval(0, inf, description="argument of the Marchenko-Pastur transform M_kappa(x)"),
        "c": Interval(0, inf, low_open=False, description="limiting ratio alpha/tau in the memorisation limit"),
        "kind": Options(("icl", "idg"), description="which error curve",
                        help={"icl": "in-context learning error", "idg": "in-distribution generalisation error"}),
        "bounds": Checked("alpha scan range (low, high) with 0 < low < high < inf", invalid=((2.0, 1.0),)),
        "grid": Interval(5, inf, low_open=False, integer=True, description="points of the log-spaced alpha grid"),
        "branch": Options(("lt1", "gt1"), description="ridgeless formula branch",
                          help={"lt1": "tau < 1", "gt1": "tau > 1"}),
        "test_tasks": Options(("gaussian", "normalized"), default="gaussian",
                              description="law of the fresh task of the ICL error",
                              help={"gaussian": "w ~ N(0, I_d) (the paper)",
                                    "normalized": "the sphere ||w|| = sqrt(d) (the authors' gen_err_analytical_NEW)"}),
        "dps": COMMON["dps"],
    },
)
#: The d -> inf formulas: LU2024 without the ridgeless peak (the finite-d simulator is defined there and
#: validates against LU2024 itself).
LU2024_ASYMPTOTIC = LU2024.excluding(RIDGELESS_PEAK)
#: Ridgeless formulas have no value at tau = 1 exactly (the interpolation peak).
RIDGELESS_TAU = LU2024["tau"].with_(excluded=(1.0,), description="pretraining ratio n/d^2 (ridgeless: tau != 1)")

# ---------------------------------------------------------------------------------------
# Li, Rawat, Oymak 2024 (note li2024_finegrained.md §1-§6)


def _covariance(what: str) -> Checked:
    return Checked(f"{what}: a symmetric positive-definite d x d matrix, a spec such as 'equicorrelated:0.5', "
                   "'geometric:0.5', 'diag:4,3,2,1' or 'identity', or None (identity)",
                   invalid=(((1.0, 2.0), (2.0, 1.0)),))


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
        "noise_var_old": Interval(0, inf, low_open=False, description="label-noise variance of the old task (LoRA)"),
        "variant": Options(("unit", "b1"), description="feature family x_i = a anchor + b g_i",
                           help={"unit": "(a, b) = (alpha, sqrt(1 - alpha^2))", "b1": "(a, b) = (alpha, 1)"}),
        "normalized": Boolean("divide the risk by E[y^2]"),
        "dps": COMMON["dps"],
        # structured inputs: the function bodies check them (theory/_li2024_common.py: resolve_covariance,
        # check_weights); ``invalid`` lists values they reject with a message naming the parameter
        "sigma_x": _covariance("feature covariance Sigma_x"),
        "sigma_beta": _covariance("task covariance Sigma_beta"),
        "sigma_beta_old": _covariance("task covariance of the old task (LoRA)"),
        "sigma_beta_new": _covariance("task covariance of the new task (LoRA)"),
        "W": Checked("preconditioner W: a finite d x d matrix", invalid=(((1.0, 2.0, 3.0),),)),
        "W_old": Checked("pretrained preconditioner W_old: a finite d x d matrix", invalid=(((1.0, 2.0, 3.0),),)),
        "omega": Checked("per-demonstration WPGD weights omega: a finite, not all-zero 1-D vector",
                         invalid=((0.0, 0.0),), example=(1.0, 1.0)),
        "eig_old": Checked("eigenvalues of the old task covariance: a positive vector", invalid=((-1.0, 1.0),)),
        "eig_new": Checked("eigenvalues of the new task covariance: a positive vector of the same length",
                           invalid=((-1.0, 1.0),)),
        "P": Checked("task correlation across demonstrations: symmetric, unit diagonal, positive semi-definite",
                     invalid=(((1.0, 2.0), (2.0, 1.0)),)),
        "rho": Checked("correlation of each demonstration's task with the query task (length-n vector)"),
        "u": Checked("combined per-position weights u = c omega of W = c I (length-n vector)"),
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
        "tasks": Checked("training tasks: ordered pairs (a, b) of distinct IDR pattern indices in [0, M1)",
                         invalid=(((0, 0),),)),
        "coefficients": Checked("coefficients k_{j,i} of an out-of-domain pattern: a finite 1-D sequence",
                                invalid=((math.nan,),)),
        "dps": COMMON["dps"],
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
        "dps": COMMON["dps"],
        "M": Interval(0, inf, description="cosFormer position scale M (at least the sequence length)"),
        "kernel_name": Options(("identity", "elu+1", "relu", "taylor2"),
                               description="deterministic feature map with a closed-form kernel "
                                           "(the random and learnable maps have their own)"),
    },
)

# ---------------------------------------------------------------------------------------
# Settings of the lu2024 Monte Carlo simulator (checks/lu2024_sim.py).  They are declared here, in the
# lowest layer, so that the simulator, the CLI, the figures and the benchmarks read one declaration
# instead of retyping the choices.  Each default equals the simulator's signature default (tested).

#: Array backends of the ridge fits (random draws stay on numpy).
DEVICES = Options(
    ("cpu", "gpu", "torch", "torch:cpu", "torch:cuda", "numpy"), default="cpu",
    description="array backend of the ridge fits",
    help={"cpu": "numpy", "gpu": "PyTorch on CUDA", "torch": "PyTorch, on CUDA when one is available",
          "torch:cpu": "the same torch code on the CPU", "torch:cuda": "PyTorch on CUDA", "numpy": "same as cpu"},
)

LU2024_SIMULATION = ParameterSpace(
    "lu2024_simulation",
    {
        "method": Options(("fast", "reference"), default="fast", description="how Gamma* is fitted",
                          help={"fast": "exact O(d)-per-context feature draws and structured fits",
                                "reference": "the literal d^2-feature regression (slow, for cross-checks)"}),
        "tasks": Options(("normalized", "gaussian"), default="normalized", description="pretraining task vectors",
                         help={"normalized": "rescaled to norm sqrt(d) (the authors' code)",
                               "gaussian": "i.i.d. Gaussian"}),
        "assignment": Options(("balanced", "iid"), default="balanced", description="contexts per task",
                              help={"balanced": "n = r k, each task r times", "iid": "drawn i.i.d."}),
        "solver": Options(("auto", "dual", "cholesky", "lstsq", "cg"), default="auto",
                          description="ridge-fit solver of the fast method",
                          help={"auto": "dual kernel for n <= d(d+1), Cholesky of the Gram matrix otherwise, "
                                        "CG for n >> d^2"}),
        "discretisation": Options(("nearest", "authors"), default="nearest",
                                  description="rounding of k and l",
                                  help={"nearest": "round to the nearest integer",
                                        "authors": "truncate, as the authors' errors_from_DATA"}),
        "test_tasks": LU2024["test_tasks"],
        "device": DEVICES,
        # run plumbing, checked where it is used (checks/sweep.py, checks/store.py)
        "seed": Checked("root seed: an integer in [0, 2**63) or a numpy SeedSequence"),
        "jobs": Checked("parallel workers, one BLAS thread each (an integer >= 1; checked by run_sweep)"),
        "store": Checked("result store: None, True (the user cache), a file path or a ResultStore"),
        "backend": Checked("sweep backend: 'serial', 'loky' or 'dask' (checked by run_sweep)"),
        "progress": Checked("show progress: None (when interactive), True or False"),
        "scheduler": Checked("address of a running Dask scheduler (tcp://host:port), or None"),
    },
)
