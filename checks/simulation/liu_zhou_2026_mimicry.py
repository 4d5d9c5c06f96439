"""Softmax mimicry by feature maps: Hedgehog-style learned maps vs fixed maps (note §3(e), §2.6).

Small and robust by design (d = 8, L = 32, 40 + 40 random sequences): queries and keys
``q, k ~ N(0, 1.5^2 I_d)``, softmax logits ``q.k / sqrt(d)`` (implemented by pre-scaling
both by ``d^{-1/4}``), values ``v ~ N(0, I_4)``.  A feature map ``phi`` gives the linear
attention weights ``a_hat_ij = k_ij / sum_l k_il`` with ``k_ij = phi(q_i).phi(k_j)``.

The learnable map is the exp pair ``[exp(W x), exp(-W x)]`` (Hedgehog, arXiv:2402.04347;
one ``W`` shared by queries and keys, ``W in R^{32 x 8}``, init ``0.3 N(0,1)``), whose kernel
is ``sum_r 2 cosh(w_r.(q+k))`` (PROVED in ``derivations/liu_zhou_2026.py``).  It is trained
by L-BFGS (scipy) with an analytic gradient on either

* ``"ce"``: Hedgehog's attention cross-entropy ``-sum_j a_ij log a_hat_ij``, or
* ``"mse"``: LoLCATs' output MSE ``||a_hat V - a V||^2``.

Metrics on held-out sequences: row KL(a || a_hat), output MSE, row entropy of a_hat.  A
``1e-6`` floor is added to fixed-map kernels (ReLU rows can vanish), the same for all maps.

Only the note's robust expectations are checked (trained < init; trained beats elu+1, ReLU
and Performer in KL; trained entropy moves toward softmax's; the Pinsker bound).  Whether
a learned map beats Taylor-2 is NOT asserted: on isotropic random q/k it does not (§3(e)).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

from iclverify.theory import feature_maps as fm
from iclverify.theory.parameters import Options, ParameterSpace, check_value

__all__ = ["MimicryData", "MimicryResult", "make_mimicry_data", "attention_metrics", "hedgehog_loss_and_grad",
           "train_hedgehog", "fixed_map_weights", "hedgehog_weights", "pinsker_check", "run_mimicry", "mean_table",
           "MIMICRY_PARAMETERS"]

#: The mimicry experiment's parameters, declared once.
MIMICRY_PARAMETERS = ParameterSpace(
    "liu_zhou_2026_mimicry",
    {"loss": Options(("ce", "mse"), description="Hedgehog training loss",
                     help={"ce": "cross-entropy to the softmax attention weights",
                           "mse": "squared error of the attention outputs"})},
)

_EPS = 1e-6


@dataclass
class MimicryData:
    """Scaled queries/keys (n, L, d), values (n, L, dv) and softmax weights (n, L, L)."""

    q: np.ndarray
    k: np.ndarray
    v: np.ndarray
    a: np.ndarray

    @property
    def target_out(self) -> np.ndarray:
        return self.a @ self.v


def make_mimicry_data(n: int, *, d: int = 8, L: int = 32, dv: int = 4, scale: float = 1.5, rng=None) -> MimicryData:
    """Random sequences with softmax attention ``softmax(q k^T / sqrt d)`` as the target."""
    rng = np.random.default_rng(rng)
    q = scale * rng.standard_normal((n, L, d)) * d**-0.25
    k = scale * rng.standard_normal((n, L, d)) * d**-0.25
    v = rng.standard_normal((n, L, dv))
    logits = q @ np.swapaxes(k, 1, 2)
    logits -= logits.max(axis=-1, keepdims=True)
    a = np.exp(logits)
    a /= a.sum(axis=-1, keepdims=True)
    return MimicryData(q, k, v, a)


def _normalise(K: np.ndarray) -> np.ndarray:
    return K / K.sum(axis=-1, keepdims=True)


def fixed_map_weights(data: MimicryData, name: str, *, rng=None, n_features: int = 128) -> np.ndarray:
    """Linear-attention weights of a fixed map: ``elu+1``, ``relu``, ``taylor2``, ``performer``, ``identity+``."""
    if name == "performer":
        omega = np.random.default_rng(rng).standard_normal((n_features, data.q.shape[-1]))
        fq, fk = fm.performer_positive_features(data.q, omega), fm.performer_positive_features(data.k, omega)
    else:
        f = fm.FEATURE_MAPS[name]
        fq, fk = f(data.q), f(data.k)
    return _normalise(fq @ np.swapaxes(fk, 1, 2) + _EPS)


def hedgehog_weights(data: MimicryData, W: np.ndarray) -> np.ndarray:
    """Weights of the exp-pair map through its closed-form kernel ``sum_r 2 cosh(w_r.(q_i+k_j))``."""
    s = data.q[:, :, None, :] + data.k[:, None, :, :]
    return _normalise(2.0 * np.cosh(s @ W.T).sum(axis=-1))


def hedgehog_loss_and_grad(wflat: np.ndarray, data: MimicryData, loss: str, R: int) -> tuple[float, np.ndarray]:
    """Loss and analytic gradient in ``W`` (flattened ``R x d``) for ``loss in {"ce", "mse"}``."""
    n, L, d = data.q.shape
    W = wflat.reshape(R, d)
    s = data.q[:, :, None, :] + data.k[:, None, :, :]  # (n, L, L, d)
    P = s @ W.T  # (n, L, L, R)
    if np.max(np.abs(P)) > 300:  # cosh would overflow: steer the line search back
        return 1e6, np.zeros_like(wflat)
    K = 2.0 * np.cosh(P).sum(axis=-1)
    Z = K.sum(axis=-1, keepdims=True)
    A_hat = K / Z
    if loss == "ce":
        value = -float(np.sum(data.a * np.log(A_hat))) / (n * L)
        dK = -(data.a / K - 1.0 / Z) / (n * L)
    elif loss == "mse":
        dv = data.v.shape[-1]
        diff = A_hat @ data.v - data.target_out
        value = float(np.sum(diff**2)) / (n * L * dv)
        G = 2.0 * diff @ np.swapaxes(data.v, 1, 2) / (n * L * dv)
        dK = (G - np.sum(G * A_hat, axis=-1, keepdims=True)) / Z
    else:  # not one of the options: raises
        check_value("loss", loss, MIMICRY_PARAMETERS["loss"])
    grad = np.einsum("nij,nijr,nijd->rd", dK, 2.0 * np.sinh(P), s)
    return value, grad.ravel()


def train_hedgehog(data: MimicryData, W0: np.ndarray, loss: str = "ce", *, maxiter: int = 200) -> np.ndarray:
    """Train ``W`` by L-BFGS (scipy) from ``W0``; returns the trained ``W``."""
    check_value("loss", loss, MIMICRY_PARAMETERS["loss"])  # once here, not in every objective call
    R = W0.shape[0]
    res = minimize(hedgehog_loss_and_grad, W0.ravel(), args=(data, loss, R), jac=True, method="L-BFGS-B",
                   options={"maxiter": maxiter})
    return res.x.reshape(W0.shape)


def attention_metrics(data: MimicryData, A_hat: np.ndarray) -> dict:
    """Per-sequence means: row KL(a || a_hat), output MSE, row entropy of a_hat; arrays of shape (n,)."""
    kl = np.sum(data.a * (np.log(data.a) - np.log(A_hat)), axis=-1).mean(axis=-1)
    mse = np.mean((A_hat @ data.v - data.target_out) ** 2, axis=(1, 2))
    ent = -np.sum(A_hat * np.log(A_hat), axis=-1).mean(axis=-1)
    return {"kl": kl, "mse": mse, "entropy": ent}


def pinsker_check(data: MimicryData, A_hat: np.ndarray, *, constant: float = 2.0) -> dict:
    """Row-wise ``||o_soft - o_lin|| <= max_j ||v_j|| sqrt(constant * KL(a || a_hat))``.

    ``constant = 2`` is Pinsker's inequality ([MATH], note §2.6); ``constant = 1/2`` is a
    wrong (too strong) bound used as a negative control.
    """
    kl = np.maximum(np.sum(data.a * (np.log(data.a) - np.log(A_hat)), axis=-1), 0.0)  # (n, L)
    lhs = np.linalg.norm(A_hat @ data.v - data.target_out, axis=-1)
    vmax = np.linalg.norm(data.v, axis=-1).max(axis=-1, keepdims=True)
    rhs = vmax * np.sqrt(constant * kl)
    l1 = np.abs(data.a - A_hat).sum(axis=-1)
    return {"rows": int(lhs.size), "violations": int(np.sum(lhs > rhs * (1 + 1e-12) + 1e-15)),
            "l1_violations": int(np.sum(l1 > np.sqrt(constant * kl) * (1 + 1e-12) + 1e-15))}


@dataclass
class MimicryResult:
    metrics: dict = field(default_factory=dict)  # map name -> metric arrays on the test set
    softmax_entropy: np.ndarray | None = None
    weights: dict = field(default_factory=dict)  # map name -> A_hat on the test set
    test: MimicryData | None = None


def run_mimicry(*, seed: int = 0, n_train: int = 40, n_test: int = 40, R: int = 32, maxiter: int = 200,
                d: int = 8, L: int = 32) -> MimicryResult:
    """Train the Hedgehog map with CE and with MSE and score all maps on the test sequences."""
    ss = np.random.SeedSequence(seed)
    r_train, r_test, r_init, r_perf = (np.random.default_rng(c) for c in ss.spawn(4))
    train = make_mimicry_data(n_train, d=d, L=L, rng=r_train)
    test = make_mimicry_data(n_test, d=d, L=L, rng=r_test)
    W0 = 0.3 * r_init.standard_normal((R, d))
    out = MimicryResult(test=test)
    weights = {name: fixed_map_weights(test, name) for name in ("elu+1", "relu", "taylor2")}
    weights["performer"] = fixed_map_weights(test, "performer", rng=r_perf)
    weights["hedgehog-init"] = hedgehog_weights(test, W0)
    for loss in ("ce", "mse"):
        weights[f"hedgehog-{loss}"] = hedgehog_weights(test, train_hedgehog(train, W0, loss, maxiter=maxiter))
    out.weights = weights
    out.metrics = {k: attention_metrics(test, A) for k, A in weights.items()}
    out.softmax_entropy = -np.sum(test.a * np.log(test.a), axis=-1).mean(axis=-1)
    return out


def mean_table(result: MimicryResult) -> dict:
    """``{map: {metric: mean over test sequences}}`` (plus the softmax entropy)."""
    tab = {k: {m: float(np.mean(v)) for m, v in met.items()} for k, met in result.metrics.items()}
    tab["softmax"] = {"kl": 0.0, "mse": 0.0, "entropy": float(np.mean(result.softmax_entropy))}
    return tab

