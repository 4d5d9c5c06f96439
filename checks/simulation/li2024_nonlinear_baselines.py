"""Classical per-prompt learners for Li et al. (2024) claim C11 (note §5 Fig. 20–21, §6).

Each learner is fit on one prompt's l context examples ``(x_i, y_i)`` and predicts the
query's label [RECONSTRUCTED: the slides do not say how the baselines were fit].  All
prompts of a batch are fit at once (batched Newton steps / batched distances), in numpy.
Contexts whose pattern is task-irrelevant carry *random* labels, which these learners
see as label noise; the transformer's attention can filter them out (note §6, C11).
"""

from __future__ import annotations

import numpy as np

from iclverify.checks.simulation.li2024_nonlinear_data import Prompts
from iclverify.theory.parameters import Checked, ParameterSpace

__all__ = ["logistic_regression_predict", "knn_predict", "BASELINE_PARAMETERS"]

#: The baselines' parameters, declared once (``k`` is bounded by the prompt's context length, so the body checks it).
BASELINE_PARAMETERS = ParameterSpace(
    "li2024_nonlinear_baselines",
    {"k": Checked("neighbours of the k-NN vote: an integer in [1, context length]", invalid=(0, 10**6))},
)


def _split(prompts: Prompts, d_x: int):
    tok = prompts.tokens
    X = tok[:, :-1, :d_x]
    y = prompts.labels
    xq = tok[:, -1, :d_x]
    return X, y, xq


def logistic_regression_predict(prompts: Prompts, d_x: int, l2: float = 1e-2, iters: int = 25) -> np.ndarray:
    """Per-prompt L2-regularised logistic regression (with intercept), predicted ±1 for the query.

    Minimises ``Σ_i log(1 + exp(−y_i (wᵀx_i + b))) + (l2/2)‖w‖²`` by ``iters`` batched
    Newton steps (the intercept is not penalised; a tiny ridge keeps the Newton system
    solvable).  Ties (score exactly 0) predict +1.

    Examples
    --------
    >>> from iclverify.checks.simulation.li2024_nonlinear_data import in_domain_patterns, cyclic_tasks, sample_prompts
    >>> pr = sample_prompts(in_domain_patterns(), cyclic_tasks(6), 3, 20, 1.0, rng=np.random.default_rng(0))
    >>> logistic_regression_predict(pr, 30).shape
    (3,)
    """
    X, y, xq = _split(prompts, d_x)
    n, l, d = X.shape
    Xa = np.concatenate([X, np.ones((n, l, 1))], axis=2)
    w = np.zeros((n, d + 1))
    reg = np.full(d + 1, l2)
    reg[-1] = 1e-8
    for _ in range(iters):
        s = np.einsum("nld,nd->nl", Xa, w)
        m = y * s
        sig = 1.0 / (1.0 + np.exp(np.clip(m, -50, 50)))    # sigma(-m)
        grad = -np.einsum("nl,nld->nd", y * sig, Xa) + reg * w
        wt = sig * (1.0 - sig)
        H = np.einsum("nl,nld,nle->nde", wt, Xa, Xa) + np.diag(reg)[None]
        w = w - np.linalg.solve(H, grad[..., None])[..., 0]
    sq = np.einsum("nd,nd->n", np.concatenate([xq, np.ones((n, 1))], axis=1), w)
    return np.where(sq >= 0, 1.0, -1.0)


def knn_predict(prompts: Prompts, d_x: int, k: int = 1) -> np.ndarray:
    """Per-prompt k-nearest-neighbour vote (Euclidean on x), predicted ±1 for the query.

    Even-k ties predict +1.

    Examples
    --------
    >>> from iclverify.checks.simulation.li2024_nonlinear_data import in_domain_patterns, cyclic_tasks, sample_prompts
    >>> pr = sample_prompts(in_domain_patterns(), cyclic_tasks(6), 3, 20, 1.0, rng=np.random.default_rng(0))
    >>> knn_predict(pr, 30, k=3).shape
    (3,)
    """
    X, y, xq = _split(prompts, d_x)
    if not 1 <= k <= X.shape[1]:
        BASELINE_PARAMETERS["k"].reject("k", k, f"context length {X.shape[1]}")
    dist = ((X - xq[:, None, :]) ** 2).sum(axis=2)
    idx = np.argsort(dist, axis=1, kind="stable")[:, :k]
    vote = np.take_along_axis(y, idx, axis=1).sum(axis=1)
    return np.where(vote >= 0, 1.0, -1.0)
