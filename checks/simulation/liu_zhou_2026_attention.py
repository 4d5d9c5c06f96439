"""Causal linear attention in three forms: recurrent O(L), masked O(L^2), chunked (note §3(b)).

For feature-mapped queries ``Phi_Q`` (L, D), keys ``Phi_K`` (L, D) and values ``V`` (L, dv),
causal linear attention is ``o_t = sum_{s<=t} (phi_t^Q . phi_s^K) v_s`` (optionally divided
by ``sum_{s<=t} phi_t^Q . phi_s^K``).  The three forms compute the same numbers [MATH]:

* **recurrent** (Katharopoulos et al. 2020; fla ``naive_recurrent_linear_attn``):
  ``S_t = S_{t-1} + phi(k_t) v_t^T``, ``z_t = z_{t-1} + phi(k_t)``,
  ``o_t = S_t^T phi(q_t) / z_t^T phi(q_t)``: O(L D dv) time, O(D dv) state;
* **masked** (quadratic): ``tril(Phi_Q Phi_K^T) V / tril(Phi_Q Phi_K^T) 1``: O(L^2 (D + dv));
* **chunked** (fla ``naive_chunk_linear_attn``, chunk C): the state carried across chunks
  plus a masked C x C block inside each chunk: O(L C (D + dv) + L D dv).

The code is this project's own numpy float64 reference (torch is not installed here);
the layout is (L, features) for one head.
"""

from __future__ import annotations

import numpy as np

from iclverify.theory.domains import LIU_ZHOU_2026
from iclverify.theory.parameters import Checked, Options, ParameterSpace, check_value

__all__ = ["causal_recurrent", "causal_masked", "causal_chunked", "causal_chunked_without_state",
           "causal_flops", "CAUSAL_FORMS", "ATTENTION_PARAMETERS"]

_SHAPES = Checked("phi_q, phi_k of shape (L, D) and v of shape (L, dv)")


def _check(phi_q: np.ndarray, phi_k: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    phi_q, phi_k, v = (np.asarray(a, dtype=float) for a in (phi_q, phi_k, v))
    if phi_q.ndim != 2 or phi_q.shape != phi_k.shape or v.ndim != 2 or v.shape[0] != phi_q.shape[0]:
        _SHAPES.reject("phi_q, phi_k, v", f"<shapes {phi_q.shape}, {phi_k.shape}, {v.shape}>")
    return phi_q, phi_k, v


def causal_recurrent(phi_q, phi_k, v, *, normalized: bool = True) -> np.ndarray:
    """Recurrent form: one state update per token, O(L D dv).

    >>> rng = np.random.default_rng(0)
    >>> q, k, v = rng.random((7, 3)), rng.random((7, 3)), rng.random((7, 2))
    >>> bool(np.allclose(causal_recurrent(q, k, v), causal_masked(q, k, v)))
    True
    """
    phi_q, phi_k, v = _check(phi_q, phi_k, v)
    L, D = phi_q.shape
    S = np.zeros((D, v.shape[1]))
    z = np.zeros(D)
    out = np.empty((L, v.shape[1]))
    for t in range(L):
        S += np.outer(phi_k[t], v[t])
        z += phi_k[t]
        num = phi_q[t] @ S
        out[t] = num / (phi_q[t] @ z) if normalized else num
    return out


def causal_masked(phi_q, phi_k, v, *, normalized: bool = True) -> np.ndarray:
    """Masked quadratic form ``tril(Phi_Q Phi_K^T) V``, O(L^2 (D + dv))."""
    phi_q, phi_k, v = _check(phi_q, phi_k, v)
    A = np.tril(phi_q @ phi_k.T)
    out = A @ v
    if normalized:
        out = out / A.sum(axis=1, keepdims=True)
    return out


def causal_chunked(phi_q, phi_k, v, chunk: int = 64, *, normalized: bool = True) -> np.ndarray:
    """Chunked form: inter-chunk state ``S`` plus the masked intra-chunk block.

    ``L`` need not be a multiple of ``chunk`` (the last chunk is shorter).
    """
    return _chunked(phi_q, phi_k, v, chunk, normalized, carry_state=True)


def causal_chunked_without_state(phi_q, phi_k, v, chunk: int = 64, *, normalized: bool = True) -> np.ndarray:
    """A WRONG chunked form that forgets the inter-chunk state (negative control only)."""
    return _chunked(phi_q, phi_k, v, chunk, normalized, carry_state=False)


def _chunked(phi_q, phi_k, v, chunk, normalized, carry_state):
    phi_q, phi_k, v = _check(phi_q, phi_k, v)
    check_value("chunk", chunk, ATTENTION_PARAMETERS["chunk"])
    L, D = phi_q.shape
    S = np.zeros((D, v.shape[1]))
    z = np.zeros(D)
    out = np.empty((L, v.shape[1]))
    for start in range(0, L, chunk):
        sl = slice(start, min(start + chunk, L))
        q, k, vv = phi_q[sl], phi_k[sl], v[sl]
        A = np.tril(q @ k.T)
        num = q @ S + A @ vv
        den = q @ z + A.sum(axis=1)
        out[sl] = num / den[:, None] if normalized else num
        if carry_state:
            S += k.T @ vv
            z += k.sum(axis=0)
    return out


CAUSAL_FORMS = {"recurrent": causal_recurrent, "masked": causal_masked, "chunked": causal_chunked}

#: The parameters of the causal forms, declared once; ``form`` lists :data:`CAUSAL_FORMS` (in its order).
ATTENTION_PARAMETERS = ParameterSpace(
    "liu_zhou_2026_attention",
    {
        "form": Options(tuple(CAUSAL_FORMS), description="form of causal linear attention",
                        help={"recurrent": "one state update per token, O(L D dv)",
                              "masked": "tril(Phi_Q Phi_K^T) V, O(L^2 (D + dv))",
                              "chunked": "carried state plus a masked block per chunk"}),
        "chunk": LIU_ZHOU_2026["chunk"],
        "L": LIU_ZHOU_2026["L"],
        "D": LIU_ZHOU_2026["D"],
        "dv": LIU_ZHOU_2026["dv"],
    },
)


def causal_flops(form: str, L: int, D: int, dv: int, chunk: int = 64) -> int:
    """Deterministic multiply-add count of one causal pass (numerator and normaliser).

    A multiply-add counts 2.  ``masked``: the score matrix ``L^2 D`` plus ``A V`` and row
    sums ``L^2 (dv + 1)``, so ``~2 L^2 (D + dv)``.  ``recurrent``: per token a rank-1
    update ``D dv`` and a read-out ``D (dv + 1)``, so ``~4 L D dv``.  ``chunked``: per
    chunk the intra block ``C^2 (D + dv + 1)``, the state read-out ``C D (dv + 1)`` and
    update ``C D dv``.  Counts the full (not half) masked products, as numpy computes them.

    >>> causal_flops("masked", 2, 1, 1)
    24
    """
    ATTENTION_PARAMETERS.validate(form=form, L=L, D=D, dv=dv, chunk=chunk)
    if form == "masked":
        return 2 * (L * L * D + L * L * (dv + 1))
    if form == "recurrent":
        return 2 * L * (D * dv + D + D * (dv + 1))
    total = 0  # "chunked"
    for start in range(0, L, chunk):
        c = min(chunk, L - start)
        total += 2 * (c * c * (D + dv + 1) + c * D * (dv + 1) + c * D * dv + c * D)
    return total
