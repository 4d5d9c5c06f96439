"""Trained models for Li-Rawat-Oymak 2024 (note ``li2024_finegrained.md`` §2, §6, §7), in numpy.

Models with exact hand-written gradients of the batch loss mean((ŷ − y)²) (checked against finite
differences by :func:`gradient_check` in the tests):

* :class:`LinearAttention` -- ŷ = [(Z W_q W_kᵀ Zᵀ) Z W_v]_{n+1, d+1} summed over the n demonstrations
  (optional 1/n), full parameters W_q, W_k ∈ ℝ^{(d+1)×r}, W_v ∈ ℝ^{(d+1)×(d+1)}; r = d+1 is the
  full model, r < d+1 the low-rank model of Fig. 3c.  With P = W_qW_kᵀ = [[A, b], …] and
  v = W_v e_{d+1} = [v_x; v_y], ŷ = xᵀ(v_yA + bv_xᵀ)Xᵀy + junk (note §2.1, [MATH]).
* :class:`LoRAAttention` -- a pretrained model with P = P₀ + W_up W_downᵀ, only the adapter trained (Fig. 3d).
* :class:`H3Model` -- simplified H3 (note §2.3, [RECONSTRUCTED]): ŷ = uᵀ[q ⊙ Σ_i ω_i (k_i ⊙ v_i)] with
  m channels and a learnable filter (taps f by lag, ω_i = f_{n+1−i}).

Training: :func:`adam_train` on fresh prompts every step (cosine learning rate).  Population-loss
optimisation: :func:`bfgs_lowrank` (W = UVᵀ) and :func:`bfgs_lora` (W = W_old + UVᵀ), BFGS with
restarts on the exact loss of :func:`iclverify.theory.li2024_finegrained.population_loss`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import optimize

from iclverify.checks.simulation.li2024_finegrained_sim import Prompts
from iclverify.checks.simulation.simcache import StatefulModel, stored_call, stored_simulation
from iclverify.theory._li2024_common import resolve_covariance
from iclverify.theory.parameters import Options, ParameterSpace, check_value

__all__ = ["LinearAttention", "LoRAAttention", "H3Model", "adam_train", "gradient_check", "test_risk",
           "bfgs_lowrank", "bfgs_lora", "population_loss_and_grad", "TRAIN_PARAMETERS"]

#: The trained models' parameters, declared once.
TRAIN_PARAMETERS = ParameterSpace(
    "li2024_finegrained_train",
    {"value_init": Options(("random", "label"), description="initial value read-out of linear attention",
                           help={"random": "Gaussian entries",
                                 "label": "v = W_v e_{d+1} = [0; 1], the label channel"})},
)


def _tokens(p: Prompts):
    Z = np.concatenate([p.X, p.y[..., None]], axis=-1)  # (B, n, d+1)
    q = np.concatenate([p.x, np.zeros((p.size, 1))], axis=-1)  # (B, d+1): query token [x; 0]
    return Z, q


class _Model(StatefulModel):
    params: dict

    def predict(self, p: Prompts) -> np.ndarray:
        return self._forward(p)[0]

    def loss_and_grads(self, p: Prompts) -> tuple:
        yhat, cache = self._forward(p)
        resid = yhat - p.yq
        g = 2.0 * resid / p.size
        return float(np.mean(resid**2)), self._backward(g, cache)


class LinearAttention(_Model):
    """One-layer linear attention with full (W_k, W_q, W_v) parameters, rank r of W_qW_kᵀ.

    Parameters
    ----------
    d : int
    r : int, optional
        Columns of W_q, W_k (default d+1: unconstrained).
    normalized : bool
        Divide the attention sum by n (W̄ = nW).
    rng : numpy Generator
        Initialisation.
    init_scale : float
        Standard deviation of the initial entries (times 1/√(d+1)).
    value_init : {"random", "label"}
        ``"label"`` starts the value read-out at v = W_v e_{d+1} = [0; 1] (the label channel), which keeps
        training away from the rank-one ``b v_xᵀ`` local minimum that random starts of the low-rank model
        can reach (see :func:`iclverify.checks.claims.li2024_finegrained.trained`).
    """

    def __init__(self, d: int, n: int, r: int | None = None, *, normalized: bool = False,
                 rng: np.random.Generator, init_scale: float = 0.5, value_init: str = "random"):
        check_value("value_init", value_init, TRAIN_PARAMETERS["value_init"])
        self.d, self.n, self.r = d, n, (d + 1 if r is None else r)
        self.normalized = normalized
        s = init_scale / math.sqrt(d + 1)
        self.params = {"Wq": s * rng.standard_normal((d + 1, self.r)), "Wk": s * rng.standard_normal((d + 1, self.r)),
                       "Wv": s * rng.standard_normal((d + 1, d + 1))}
        if value_init == "label":
            self.params["Wv"][:, -1] = 0.0
            self.params["Wv"][-1, -1] = 1.0

    def _forward(self, p):
        Z, q = _tokens(p)
        Wq, Wk, Wv = self.params["Wq"], self.params["Wk"], self.params["Wv"]
        v = Wv[:, -1]
        c = 1.0 / self.n if self.normalized else 1.0
        Cv = c * np.einsum("bni,bn->bi", Z, Z @ v)  # C v with C = Σ z_i z_iᵀ
        qq = q @ Wq  # (B, r)
        a = Cv @ Wk  # (B, r)
        return np.sum(qq * a, axis=1), (Z, q, Cv, qq, a, c)

    def _backward(self, g, cache):
        Z, q, Cv, qq, a, c = cache
        Wk = self.params["Wk"]
        t = qq @ Wk.T  # (B, d+1) = W_k W_qᵀ q
        Ct = c * np.einsum("bni,bn->bi", Z, np.einsum("bni,bi->bn", Z, t))  # C W_k W_qᵀ q
        dWv = np.zeros_like(self.params["Wv"])
        dWv[:, -1] = Ct.T @ g
        return {"Wq": q.T @ (g[:, None] * a), "Wk": Cv.T @ (g[:, None] * qq), "Wv": dWv}

    def effective(self) -> dict:
        """Effective preconditioner W = v_y A + b v_xᵀ and the junk-block sizes (note §2.1).

        Junk terms: xᵀA XᵀX v_x (size ‖A‖_F‖v_x‖) and v_y xᵀb‖y‖² (size |v_y|‖b‖).  W is scaled by 1/n
        when the model is normalised, so it is always comparable with the unnormalised W*.
        """
        d = self.d
        P = self.params["Wq"] @ self.params["Wk"].T
        A, b = P[:d, :d], P[:d, d]
        v = self.params["Wv"][:, -1]
        vx, vy = v[:d], v[d]
        c = 1.0 / self.n if self.normalized else 1.0
        W = c * (vy * A + np.outer(b, vx))
        return {"W": W, "junk_cubic": c * float(np.linalg.norm(A) * np.linalg.norm(vx)),
                "junk_label": c * float(abs(vy) * np.linalg.norm(b))}


class LoRAAttention(_Model):
    """Pretrained linear attention with a rank-r adapter on P: P = P₀ + W_up W_downᵀ (Fig. 3d).

    Built "pretrained at the PGD optimum" from ``W_old``: P₀ = [[W_old, 0], [0, 0]], v = e_{d+1}, so
    the model's effective preconditioner is W_old + (W_up W_downᵀ)[:d, :d].  W_up starts at 0 (standard
    LoRA initialisation), W_down random.
    """

    def __init__(self, W_old: np.ndarray, n: int, r: int, *, rng: np.random.Generator, init_scale: float = 0.5):
        W_old = np.asarray(W_old, dtype=float)
        d = W_old.shape[0]
        self.d, self.n, self.r = d, n, r
        self.P0 = np.zeros((d + 1, d + 1))
        self.P0[:d, :d] = W_old
        self.v = np.zeros(d + 1)
        self.v[d] = 1.0
        self.params = {"U": np.zeros((d + 1, r)), "V": init_scale / math.sqrt(d + 1) * rng.standard_normal((d + 1, r))}

    def _forward(self, p):
        Z, q = _tokens(p)
        Cv = np.einsum("bni,bn->bi", Z, Z @ self.v)
        base = np.einsum("bi,ij,bj->b", q, self.P0, Cv)
        qU = q @ self.params["U"]
        CvV = Cv @ self.params["V"]
        return base + np.sum(qU * CvV, axis=1), (q, Cv, qU, CvV)

    def _backward(self, g, cache):
        q, Cv, qU, CvV = cache
        return {"U": q.T @ (g[:, None] * CvV), "V": Cv.T @ (g[:, None] * qU)}

    def effective(self) -> dict:
        d = self.d
        D = self.params["U"] @ self.params["V"].T
        return {"W": self.P0[:d, :d] + D[:d, :d], "delta": D[:d, :d], "junk_label": float(np.linalg.norm(D[:d, d]))}


class H3Model(_Model):
    """Simplified one-layer H3 with m channels and a learnable filter (note §2.3, [RECONSTRUCTED]).

    ŷ = Σ_c u_c q_c Σ_{i≤n} ω_i k_{ic} v_{ic}, q = W_qᵀ[x; 0], k_i = W_kᵀz_i, v_i = W_vᵀz_i, and
    ω_i = f_{n+1−i} are the filter taps (f indexed by lag, f[0] = newest demonstration).
    """

    def __init__(self, d: int, n: int, m: int | None = None, *, rng: np.random.Generator, init_scale: float = 0.5):
        self.d, self.n, self.m = d, n, (d if m is None else m)
        s = init_scale / math.sqrt(d + 1)
        self.params = {"Wq": s * rng.standard_normal((d + 1, self.m)), "Wk": s * rng.standard_normal((d + 1, self.m)),
                       "Wv": s * rng.standard_normal((d + 1, self.m)), "u": rng.standard_normal(self.m) * init_scale,
                       "f": np.ones(n)}

    @property
    def weights(self) -> np.ndarray:
        """Sample weights ω_i (position order, i = 1..n)."""
        return self.params["f"][::-1]

    def _forward(self, p):
        Z, qt = _tokens(p)
        P = self.params
        w = P["f"][::-1]
        q = qt @ P["Wq"]
        K = Z @ P["Wk"]
        V = Z @ P["Wv"]
        s = np.einsum("n,bnm,bnm->bm", w, K, V)
        return np.sum(P["u"] * q * s, axis=1), (Z, qt, q, K, V, s, w)

    def _backward(self, g, cache):
        Z, qt, q, K, V, s, w = cache
        u = self.params["u"]
        t = g[:, None] * u * q  # dL/ds  (B, m)
        gw = t[:, None, :] * w[None, :, None]  # dL/d(k⊙v) per position
        dw = np.einsum("bm,bnm,bnm->n", t, K, V)
        return {"Wq": qt.T @ (g[:, None] * u * s), "Wk": np.einsum("bni,bnm->im", Z, gw * V),
                "Wv": np.einsum("bni,bnm->im", Z, gw * K), "u": np.sum(g[:, None] * q * s, axis=0),
                "f": dw[::-1]}

    def effective(self) -> dict:
        """Per-position preconditioners ω_i W_eff, W_eff = Q_x diag(u⊙V_y) K_xᵀ + Q_x diag(u⊙K_y) V_xᵀ.

        Junk: the cubic term Σ_c u_c Q_x[:, c] ⊗ K_x[:, c] ⊗ V_x[:, c] and the label term Q_x(u⊙K_y⊙V_y).
        """
        d = self.d
        P = self.params
        Qx = P["Wq"][:d]
        Kx, Ky = P["Wk"][:d], P["Wk"][d]
        Vx, Vy = P["Wv"][:d], P["Wv"][d]
        u = P["u"]
        W = (Qx * (u * Vy)) @ Kx.T + (Qx * (u * Ky)) @ Vx.T
        cubic = np.einsum("ac,bc,ec,c->abe", Qx, Kx, Vx, u)
        return {"W": W, "weights": self.weights, "junk_cubic": float(np.linalg.norm(cubic)),
                "junk_label": float(np.linalg.norm(Qx @ (u * Ky * Vy)))}


# ---------------------------------------------------------------------------------------------


def gradient_check(model: _Model, p: Prompts, eps: float = 1e-6, rng: np.random.Generator | None = None,
                   n_dirs: int = 6) -> float:
    """Largest relative error between the analytic directional derivative and a central difference."""
    rng = rng or np.random.default_rng(0)
    _, grads = model.loss_and_grads(p)
    worst = 0.0
    for _ in range(n_dirs):
        dirs = {k: rng.standard_normal(v.shape) for k, v in model.params.items()}
        analytic = sum(float(np.sum(grads[k] * dirs[k])) for k in dirs)
        saved = {k: v.copy() for k, v in model.params.items()}
        for k in dirs:
            model.params[k] = saved[k] + eps * dirs[k]
        lp = model.loss_and_grads(p)[0]
        for k in dirs:
            model.params[k] = saved[k] - eps * dirs[k]
        lm = model.loss_and_grads(p)[0]
        model.params.update(saved)
        numeric = (lp - lm) / (2 * eps)
        worst = max(worst, abs(numeric - analytic) / max(abs(analytic), abs(numeric), 1e-8))
    return worst


def adam_train(model: _Model, data: Any, *, steps: int, batch: int, lr: float, rng: np.random.Generator,
               betas: tuple = (0.9, 0.999), warmup: int = 0, fixed: tuple = ()) -> np.ndarray:
    """Adam on fresh prompts each step, cosine-decayed learning rate; returns the per-step batch losses.

    ``fixed`` names parameters not to train.  Store-backed (:mod:`iclverify.checks.simulation.simcache`): with a
    store active, a training run already done from the same model state, data model, settings and
    generator state sets the trained parameters from the store instead of training again.
    """
    args = {"model": model, "data": data, "steps": steps, "batch": batch, "lr": lr, "betas": betas,
            "warmup": warmup, "fixed": fixed}

    def compute():
        hist = _adam_train(model, data, steps=steps, batch=batch, lr=lr, rng=rng, betas=betas, warmup=warmup,
                           fixed=fixed)
        return hist, dict(model.params)

    hist, params = stored_call("li2024_finegrained.adam_train", _adam_train, args, rng, compute)
    model.params.update(params)
    return hist


def _adam_train(model: _Model, data: Any, *, steps: int, batch: int, lr: float, rng: np.random.Generator,
                betas: tuple, warmup: int, fixed: tuple) -> np.ndarray:
    b1, b2 = betas
    m = {k: np.zeros_like(v) for k, v in model.params.items()}
    s = {k: np.zeros_like(v) for k, v in model.params.items()}
    hist = np.empty(steps)
    for t in range(1, steps + 1):
        p = data.sample(batch, rng)
        loss, grads = model.loss_and_grads(p)
        hist[t - 1] = loss
        rate = lr * (t / warmup if warmup and t <= warmup else 0.5 * (1 + math.cos(math.pi * (t - 1) / steps)))
        for k, gk in grads.items():
            if k in fixed:
                continue
            m[k] = b1 * m[k] + (1 - b1) * gk
            s[k] = b2 * s[k] + (1 - b2) * gk * gk
            mh = m[k] / (1 - b1**t)
            sh = s[k] / (1 - b2**t)
            model.params[k] = model.params[k] - rate * mh / (np.sqrt(sh) + 1e-12)
    return hist


@stored_simulation("li2024_finegrained.test_risk")
def test_risk(model: _Model, data: Any, *, size: int, batches: int, rng: np.random.Generator) -> np.ndarray:
    """Per-batch mean squared error of a trained model on fresh test prompts (independent batches)."""
    out = np.empty(batches)
    for k in range(batches):
        p = data.sample(size, rng)
        out[k] = np.mean((p.yq - model.predict(p)) ** 2)
    return out


test_risk.__test__ = False  # not a pytest test despite its name


# ---------------------------------------------------------------------------------------------
# population loss, BFGS


def population_loss_and_grad(W: np.ndarray, n: int, noise_var: float, Sx: np.ndarray, Sb: np.ndarray) -> tuple:
    """L(W) (note §3.1) and ∇L = −2n Σ_xΣ_βΣ_x + 2 Σ_x W E[hhᵀ], for validated float matrices."""
    m0 = float(np.trace(Sx @ Sb)) + noise_var
    H = n * (n + 1) * Sx @ Sb @ Sx + n * m0 * Sx
    SxW = Sx @ W
    L = m0 - 2 * n * np.trace(SxW @ Sx @ Sb) + np.trace(W.T @ SxW @ H)
    G = -2 * n * Sx @ Sb @ Sx + 2 * SxW @ H
    return float(L), G


def _bfgs_factorised(W0, r, d, n, noise_var, Sx, Sb, restarts, rng):
    best = (math.inf, None)
    for _ in range(restarts):
        x0 = rng.standard_normal(2 * d * r) / math.sqrt(d * (n + d))

        def fun(z):
            U, V = z[: d * r].reshape(d, r), z[d * r:].reshape(d, r)
            L, G = population_loss_and_grad(W0 + U @ V.T, n, noise_var, Sx, Sb)
            return L, np.concatenate([(G @ V).ravel(), (G.T @ U).ravel()])

        res = optimize.minimize(fun, x0, jac=True, method="BFGS", options={"gtol": 1e-11, "maxiter": 20000})
        if res.fun < best[0]:
            U, V = res.x[: d * r].reshape(d, r), res.x[d * r:].reshape(d, r)
            best = (float(res.fun), W0 + U @ V.T)
    return best


@stored_simulation("li2024_finegrained.bfgs_lowrank")
def bfgs_lowrank(r: int, d: int, n: int, noise_var: float = 0.0, sigma_x: Any = None, sigma_beta: Any = None, *,
                 restarts: int = 5, rng: np.random.Generator) -> tuple:
    """min over W = UVᵀ (U, V ∈ ℝ^{d×r}) of the exact population loss, BFGS with restarts.

    Returns ``(loss, W)``.  r = 0 returns L(0) = M₀.
    """
    Sx = resolve_covariance("sigma_x", sigma_x, d)
    Sb = resolve_covariance("sigma_beta", sigma_beta, d)
    if r == 0:
        return population_loss_and_grad(np.zeros((d, d)), n, noise_var, Sx, Sb)[0], np.zeros((d, d))
    return _bfgs_factorised(np.zeros((d, d)), r, d, n, noise_var, Sx, Sb, restarts, rng)


@stored_simulation("li2024_finegrained.bfgs_lora")
def bfgs_lora(r: int, W_old: np.ndarray, n: int, noise_var: float = 0.0, sigma_x: Any = None,
              sigma_beta_new: Any = None, *, restarts: int = 5, rng: np.random.Generator) -> tuple:
    """min over W = W_old + UVᵀ of the exact population loss under Σ_β^new, BFGS with restarts."""
    W_old = np.asarray(W_old, dtype=float)
    d = W_old.shape[0]
    Sx = resolve_covariance("sigma_x", sigma_x, d)
    Sb = resolve_covariance("sigma_beta_new", sigma_beta_new, d)
    if r == 0:
        return population_loss_and_grad(W_old, n, noise_var, Sx, Sb)[0], W_old
    return _bfgs_factorised(W_old, r, d, n, noise_var, Sx, Sb, restarts, rng)
