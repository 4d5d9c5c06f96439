"""One-layer nonlinear transformer of Li et al. (2024), exact numpy gradients, SGD and pruning.

Model (note ``li2024_nonlinear.md`` §2.1, [SLIDES])::

    F(Ψ; P) = aᵀ ReLU( W_O Σ_i W_V p_i attn_i ),   attn = softmax_i( (W_K p_i)ᵀ W_Q p_q )

summed over the l contexts, or over the l contexts *and* the query column when
``include_query=True`` (the slides' formula vs their mechanism figure: note §2.1,
open question 3).  ``a_i = ±1/√m`` half each, fixed [RECONSTRUCTED]; ``W_Q = W_K = W_V
= δ I`` at initialisation [SLIDES], ``W_O ~ N(0, 1/d)`` [RECONSTRUCTED].  Loss: hinge
``max(0, 1 − z F)`` [SLIDES]; SGD with fresh prompts at every step [RECONSTRUCTED].

Gradients (note §2.5 [CHECKED-scratch], re-derived here; tested against central
finite differences in ``tests/checks/simulation/test_li2024_nonlinear_model.py``): with ``s_i = k_iᵀ qv``,
``k_i = W_K p_i``, ``qv = W_Q p_q``, ``α = softmax(s)``, ``c = Σ α_i p_i``, ``h = W_V c``,
``u = W_O h``, ``ℓ_F = −z 1[zF < 1] / B``, ``g = a ⊙ 1[u > 0]``::

    ∇W_O = Σ ℓ_F g hᵀ,  r = ℓ_F W_Oᵀ g,  ∇W_V = Σ r cᵀ,
    v_i = (W_Vᵀ r)ᵀ p_i,  w_i = α_i (v_i − Σ_j α_j v_j),
    ∇W_K = Σ_i w_i qv p_iᵀ,  ∇W_Q = (Σ_i w_i k_i) p_qᵀ.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from iclverify.checks.simulation.li2024_nonlinear_data import (
    PatternSet, Prompts, all_tasks, cyclic_tasks, in_domain_patterns, non_covering_tasks, sample_prompts,
    uniform_kappa,
)
from iclverify.theory.domains import LI2024_NONLINEAR
from iclverify.theory.parameters import Checked, Interval, Options, ParameterSpace, check_value

__all__ = [
    "Params",
    "TrainConfig",
    "TrainResult",
    "init_params",
    "forward",
    "hinge_loss",
    "loss_and_grads",
    "finite_difference_check",
    "train",
    "trained_model",
    "evaluate",
    "prune",
    "neuron_magnitudes",
    "LI2024_NONLINEAR_MODEL",
]

#: The model's and the training's parameters, declared once (the pruning rate is the theory's).
LI2024_NONLINEAR_MODEL = ParameterSpace(
    "li2024_nonlinear_model",
    {
        "m": Interval(2, float("inf"), low_open=False, integer=True,
                      description="hidden neurons, an even number (half of them positive)"),
        "tasks": Options(("cyclic", "all", "non_covering"), description="training tasks",
                         help={"cyclic": "the M1 tasks (j, j+1)", "all": "all M1(M1-1) ordered pairs",
                               "non_covering": "C2's violated coverage condition"}),
        "rate": LI2024_NONLINEAR["prune_rate"],
        "order": Options(("small", "random", "large"), description="which W_O rows are pruned first",
                         help={"small": "smallest magnitude", "random": "at random (needs rng)",
                               "large": "largest magnitude"}),
        "by": Options(("WO", "WOWV"), description="magnitude that ranks the neurons",
                      help={"WO": "row norms of W_O", "WOWV": "row norms of W_O W_V"}),
    },
)
_EVEN_M = Checked("an even integer >= 2 (half of the neurons positive)")
_RNG_FOR_RANDOM = Checked("a numpy Generator: order='random' draws the pruned rows")

_KEYS = ("WQ", "WK", "WV", "WO")


@dataclass
class Params:
    """Ψ = {W_Q, W_K, W_V, W_O, a}; ``a`` is fixed (not trained)."""

    WQ: np.ndarray
    WK: np.ndarray
    WV: np.ndarray
    WO: np.ndarray
    a: np.ndarray

    def copy(self) -> "Params":
        return Params(*(np.array(getattr(self, k)) for k in (*_KEYS, "a")))


def init_params(d: int, m: int = 64, delta: float = 0.1, wo_scale: float | None = None, *,
                rng: np.random.Generator) -> Params:
    """``W_{Q,K,V} = δ I_d`` [SLIDES], ``W_O ~ N(0, wo_scale²)`` with wo_scale = 1/√d, ``a = ±1/√m``. [RECONSTRUCTED]

    Examples
    --------
    >>> p = init_params(31, 64, rng=np.random.default_rng(0))
    >>> p.WO.shape, float(p.a.sum())
    ((64, 31), 0.0)
    """
    check_value("m", m, LI2024_NONLINEAR_MODEL["m"])
    if m % 2:
        _EVEN_M.reject("m", m)
    s = 1.0 / np.sqrt(d) if wo_scale is None else wo_scale
    a = np.concatenate([np.ones(m // 2), -np.ones(m // 2)]) / np.sqrt(m)
    return Params(delta * np.eye(d), delta * np.eye(d), delta * np.eye(d), s * rng.standard_normal((m, d)), a)


def _keys_and_query(tokens: np.ndarray, include_query: bool):
    keys = tokens if include_query else tokens[:, :-1, :]
    return keys, tokens[:, -1, :]


def forward(params: Params, tokens: np.ndarray, include_query: bool = False) -> dict:
    """Batched forward pass; returns ``F`` (n,) and the intermediate quantities.

    ``attn`` has shape (n, l) or (n, l+1) with ``include_query`` (query column last).
    """
    keys, pq = _keys_and_query(tokens, include_query)
    qv = pq @ params.WQ.T                              # (n, ma)
    kk = keys @ params.WK.T                            # (n, L, ma)
    s = np.matmul(kk, qv[:, :, None])[:, :, 0]
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    attn = e / e.sum(axis=1, keepdims=True)
    c = np.matmul(attn[:, None, :], keys)[:, 0, :]
    h = c @ params.WV.T
    u = h @ params.WO.T
    F = np.maximum(u, 0.0) @ params.a
    return {"F": F, "attn": attn, "c": c, "h": h, "u": u, "qv": qv, "kk": kk, "keys": keys, "pq": pq}


def hinge_loss(F: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Per-prompt hinge loss ``max(0, 1 − z F)`` [SLIDES]."""
    return np.maximum(0.0, 1.0 - z * F)


def loss_and_grads(params: Params, tokens: np.ndarray, z: np.ndarray, include_query: bool = False):
    """Mean hinge loss over the batch and its exact gradients w.r.t. W_Q, W_K, W_V, W_O.

    Returns ``(loss, grads, fwd)`` with ``grads`` a dict keyed ``"WQ", "WK", "WV", "WO"``.
    At the hinge kink (zF = 1) and the ReLU kink (u = 0) the subgradient 0 is used.
    """
    f = forward(params, tokens, include_query)
    B = tokens.shape[0]
    F = f["F"]
    loss = float(hinge_loss(F, z).mean())
    lF = np.where(z * F < 1.0, -z, 0.0) / B                 # (n,)
    g = params.a[None, :] * (f["u"] > 0)                    # (n, m)
    lg = lF[:, None] * g
    gWO = lg.T @ f["h"]
    r = lg @ params.WO                                      # (n, mb)
    gWV = r.T @ f["c"]
    vv = np.matmul(f["keys"], (r @ params.WV)[:, :, None])[:, :, 0]  # v_i = (W_V^T r)^T p_i
    attn = f["attn"]
    w = attn * (vv - (attn * vv).sum(axis=1, keepdims=True))
    # contract over the context index first, then over the batch (two matmuls, no 3-operand einsum)
    gWK = f["qv"].T @ np.matmul(w[:, None, :], f["keys"])[:, 0, :]
    gWQ = np.matmul(w[:, None, :], f["kk"])[:, 0, :].T @ f["pq"]
    return loss, {"WQ": gWQ, "WK": gWK, "WV": gWV, "WO": gWO}, f


def finite_difference_check(params: Params, tokens: np.ndarray, z: np.ndarray, include_query: bool = False,
                            h: float = 1e-6, n_entries: int = 12, *, rng: np.random.Generator) -> dict:
    """Central finite differences at ``n_entries`` random entries of each matrix.

    Returns, per matrix, ``(analytic, numeric)`` arrays.  Kinks are avoided by the
    caller (choose a point where no ``zF`` or ``u`` sits within ``h`` of its kink).
    """
    _, grads, _ = loss_and_grads(params, tokens, z, include_query)
    out = {}
    for k in _KEYS:
        M = getattr(params, k)
        idx = [tuple(rng.integers(0, s) for s in M.shape) for _ in range(n_entries)]
        num = []
        for ij in idx:
            pp, pm = params.copy(), params.copy()
            getattr(pp, k)[ij] += h
            getattr(pm, k)[ij] -= h
            lp = hinge_loss(forward(pp, tokens, include_query)["F"], z).mean()
            lm = hinge_loss(forward(pm, tokens, include_query)["F"], z).mean()
            num.append((lp - lm) / (2 * h))
        out[k] = (np.array([grads[k][ij] for ij in idx]), np.array(num))
    return out


# ---------------------------------------------------------------------------------------
# Training


@dataclass(frozen=True)
class TrainConfig:
    """Training configuration; defaults are the note's §6 configuration [RECONSTRUCTED].

    ``tasks`` is ``"cyclic"`` (the M₁ tasks (j, j+1)), ``"all"`` (all M₁(M₁−1)) or
    ``"non_covering"`` (C2's violated coverage condition).  ``stop_loss``: stop when
    the EMA (factor ``ema``) of the batch hinge loss falls below it (C4).
    """

    M1: int = 6
    M2: int = 24
    beta: float = 1.0
    kappa_max: float = 0.5
    tasks: str = "cyclic"
    alpha: float = 0.8
    context_len: int = 20
    m: int = 64
    delta: float = 0.1
    lr: float = 0.5
    batch: int = 64
    steps: int = 800
    include_query: bool = False
    stop_loss: float | None = None
    ema: float = 0.05
    log_every: int = 20
    log_prompts: int = 256

    def __post_init__(self) -> None:
        check_value("tasks", self.tasks, LI2024_NONLINEAR_MODEL["tasks"])

    def task_list(self) -> list[tuple[int, int]]:
        if self.tasks == "cyclic":
            return cyclic_tasks(self.M1)
        if self.tasks == "all":
            return all_tasks(self.M1)
        return non_covering_tasks(self.M1)  # "non_covering" (checked when the config is made)

    def patterns(self) -> PatternSet:
        return in_domain_patterns(self.M1, self.M2, self.beta)


@dataclass
class TrainResult:
    """Initial and trained parameters, and the training history.

    ``history`` holds arrays ``step``, ``loss`` (batch hinge), ``ema``, and at every
    ``log_every`` steps ``log_step``, ``attn_same`` / ``attn_other`` (attention mass on
    same-pattern / other contexts, on a fixed set of training prompts) and
    ``frac_same`` (their fraction of same-pattern contexts).
    """

    config: TrainConfig
    init: Params
    params: Params
    history: dict = field(default_factory=dict)
    steps_run: int = 0
    seed: int | None = None


def attention_same(params: Params, prompts: Prompts, include_query: bool = False) -> np.ndarray:
    """Per-prompt attention mass on contexts that share the query's pattern (note §3.3)."""
    attn = forward(params, prompts.tokens, include_query)["attn"][:, :prompts.tokens.shape[1] - 1]
    return (attn * prompts.same_mask).sum(axis=1)


def train(config: TrainConfig, *, rng: np.random.Generator) -> TrainResult:
    """SGD on the batch-mean hinge loss with fresh prompts at every step.

    Deterministic for a fixed ``rng`` state (one generator drives initialisation, the
    training prompts and the logging prompts, in a fixed order).
    """
    ps = config.patterns()
    tasks = config.task_list()
    kappa = uniform_kappa(config.kappa_max)
    p0 = init_params(ps.d, config.m, config.delta, rng=rng)
    p = p0.copy()
    log_rng = np.random.default_rng(rng.integers(2**63))
    log_prompts = sample_prompts(ps, tasks, config.log_prompts, config.context_len, config.alpha, rng=log_rng,
                                 kappa=kappa)
    losses, emas, lsteps, same, frac = [], [], [], [], []
    ema = None
    step = 0
    for step in range(1, config.steps + 1):
        if (step - 1) % config.log_every == 0:
            a_s = attention_same(p, log_prompts, config.include_query)
            lsteps.append(step - 1)
            same.append(float(a_s.mean()))
            frac.append(float(log_prompts.same_mask.mean()))
        pr = sample_prompts(ps, tasks, config.batch, config.context_len, config.alpha, rng=rng, kappa=kappa)
        loss, g, _ = loss_and_grads(p, pr.tokens, pr.z, config.include_query)
        for k in _KEYS:
            getattr(p, k)[...] -= config.lr * g[k]
        ema = loss if ema is None else (1 - config.ema) * ema + config.ema * loss
        losses.append(loss)
        emas.append(ema)
        if config.stop_loss is not None and ema < config.stop_loss:
            break
    a_s = attention_same(p, log_prompts, config.include_query)
    lsteps.append(step)
    same.append(float(a_s.mean()))
    frac.append(float(log_prompts.same_mask.mean()))
    hist = {"step": np.arange(1, len(losses) + 1), "loss": np.array(losses), "ema": np.array(emas),
            "log_step": np.array(lsteps), "attn_same": np.array(same), "attn_other": 1.0 - np.array(same),
            "frac_same": np.array(frac)}
    return TrainResult(config, p0, p, hist, step)


@functools.lru_cache(maxsize=48)
def trained_model(config: TrainConfig, seed: int) -> TrainResult:
    """Train once per (config, seed) in this process and share the result across claims.

    The generator is ``default_rng(SeedSequence(seed))``; the result is cached, so every
    claim and figure in one process sees the same trained model.  Callers must not
    mutate the returned parameters (use :meth:`Params.copy`).
    """
    res = train(config, rng=np.random.default_rng(np.random.SeedSequence(seed)))
    res.seed = seed
    return res


# ---------------------------------------------------------------------------------------
# Evaluation and pruning


def evaluate(params: Params, prompts: Prompts, include_query: bool = False) -> dict:
    """Per-prompt 0-1 error, hinge loss and same-pattern attention mass (arrays of length n)."""
    f = forward(params, prompts.tokens, include_query)
    F = f["F"]
    l = prompts.tokens.shape[1] - 1
    same = (f["attn"][:, :l] * prompts.same_mask).sum(axis=1)
    # sign(F) = 0 counts as an error (no decision)
    return {"err": (np.sign(F) != prompts.z).astype(float), "hinge": hinge_loss(F, prompts.z), "attn_same": same,
            "F": F}


def neuron_magnitudes(params: Params, by: str = "WO") -> np.ndarray:
    """Row norms of ``W_O`` (``by="WO"``, Fig. 22 [SLIDES]) or of ``W_O W_V`` (``"WOWV"``, Thm 3)."""
    check_value("by", by, LI2024_NONLINEAR_MODEL["by"])
    if by == "WO":
        return np.linalg.norm(params.WO, axis=1)
    return np.linalg.norm(params.WO @ params.WV, axis=1)  # "WOWV"


def prune(params: Params, rate: float, order: str = "small", by: str = "WO",
          rng: np.random.Generator | None = None) -> Params:
    """Zero ``round(rate·m)`` rows of W_O: smallest-magnitude first, random, or largest first. [SLIDES]

    Parameters
    ----------
    rate : float in [0, 1]
        Pruning rate R.
    order : {"small", "random", "large"}
    by : {"WO", "WOWV"}
        Magnitude used to rank the neurons.
    rng : Generator
        Required for ``order="random"``.

    Examples
    --------
    >>> p = init_params(4, 4, rng=np.random.default_rng(0))
    >>> q = prune(p, 0.5, "small")
    >>> int((np.abs(q.WO).sum(axis=1) == 0).sum())
    2
    """
    check_value("rate", rate, LI2024_NONLINEAR_MODEL["rate"])
    check_value("order", order, LI2024_NONLINEAR_MODEL["order"])
    m = params.WO.shape[0]
    k = int(round(rate * m))
    mag = neuron_magnitudes(params, by)
    if order == "small":
        idx = np.argsort(mag, kind="stable")[:k]
    elif order == "large":
        idx = np.argsort(-mag, kind="stable")[:k]
    else:  # "random"
        if rng is None:
            _RNG_FOR_RANDOM.reject("rng", rng)
        idx = rng.choice(m, size=k, replace=False)
    out = params.copy()
    out.WO[idx, :] = 0.0
    return out
