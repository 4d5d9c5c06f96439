"""Exact finite-d test error of a given linear-attention matrix Γ = [A | c] (Lu et al. 2024).

Source: note ``lu2024_asymptotic.md`` §2.3 ([CODE] ``gen_err_analytical_NEW``, re-derived by
Isserlis, [SIM]); re-derived symbolically in :mod:`iclverify.derivations.lu2024_finite_d`.

The prediction of one-layer linear attention is ``ŷ = x_{ℓ+1}ᵀ (A v + c s)`` with
``v = (d/ℓ) Σ_i y_i x_i`` and ``s = (1/ℓ) Σ_i y_i²``, ``x ~ N(0, I/d)``, ``y = ⟨x, w⟩ + ε``,
``ε ~ N(0, ρ)``.  For a fixed test task ``w`` with ``σ_w² = ‖w‖²/d + ρ``,

.. math::

    e(w) = ρ + \\tfrac1d\\Big[\\tfrac{σ_w^2 d}{ℓ}\\|A\\|_F^2 + (1+\\tfrac1ℓ)\\|Aw\\|^2
           + 2σ_w^2(1+\\tfrac2ℓ)c^\\top Aw + σ_w^4(1+\\tfrac2ℓ)\\|c\\|^2
           - 2w^\\top Aw - 2σ_w^2 w^\\top c + \\|w\\|^2\\Big].

``e_IDG`` averages ``e(w_j)`` over the training tasks (any norms: the tasks need not be
renormalised), ``e_ICL`` averages over a fresh ``w ~ N(0, I_d)``:

.. math::

    e_{ICL} = 1 + ρ - \\tfrac2d \\mathrm{tr}A + \\tfrac1d\\Big[(\\tfrac{(1+ρ)d}{ℓ} + 1 + \\tfrac1ℓ)\\|A\\|_F^2
              + ((1+ρ)^2 + \\tfrac2d)(1+\\tfrac2ℓ)\\|c\\|^2\\Big].

With ``test_tasks="normalized"`` (a fresh task with ``‖w‖ = √d``, as in the authors' code)
the ``2/d`` (the variance of ``‖w‖²/d``) is absent.

All functions are vectorised over a leading batch of Γ's.
"""

from __future__ import annotations

import numpy as np

from iclverify.theory.parameters import check_value
from iclverify.theory.domains import LU2024

__all__ = ["split_gamma", "task_error", "finite_d_icl_error", "finite_d_idg_error"]

def split_gamma(gamma) -> tuple[np.ndarray, np.ndarray]:
    """Split ``Γ`` of shape ``(..., d, d+1)`` into ``A`` ``(..., d, d)`` and ``c`` ``(..., d)``."""
    g = np.asarray(gamma, dtype=float)
    if g.ndim < 2 or g.shape[-1] != g.shape[-2] + 1:
        raise ValueError(f"gamma must have shape (..., d, d+1); got {g.shape}")
    return g[..., :-1], g[..., -1]


def _validate(rho, ell):
    rho = check_value("rho", rho, LU2024["rho"])
    ell = check_value("ell", ell, LU2024["ell"])
    return float(rho), int(ell)


def task_error(gamma, tasks, rho, ell) -> np.ndarray:
    """Exact test error ``e(w)`` of each Γ on each fixed task ``w`` (note §2.3).

    Parameters
    ----------
    gamma : array_like, shape (..., d, d+1)
        Batch of attention matrices ``Γ = [A | c]``.
    tasks : array_like, shape (k, d)
        Test tasks (rows); any norms.
    rho : float
        Label-noise variance.
    ell : int
        Context length ``ℓ`` (number of labelled pairs).

    Returns
    -------
    ndarray, shape (..., k)

    Examples
    --------
    >>> import numpy as np
    >>> d = 4; w = np.ones((1, d)) * 2.0            # ||w||^2 / d = 4
    >>> float(task_error(np.zeros((d, d + 1)), w, 0.1, 8)[0])   # Γ = 0: ||w||²/d + ρ
    4.1
    """
    rho, ell = _validate(rho, ell)
    A, c = split_gamma(gamma)
    W = np.asarray(tasks, dtype=float)
    d = A.shape[-1]
    if W.ndim != 2 or W.shape[1] != d:
        raise ValueError(f"tasks must have shape (k, {d}); got {W.shape}")
    wn2 = np.einsum("kd,kd->k", W, W)                      # ||w_j||^2
    sig2 = wn2 / d + rho                                    # sigma_w^2
    AW = A @ W.T                                            # (..., d, k)
    aw2 = np.einsum("...dk,...dk->...k", AW, AW)            # ||A w_j||^2
    caw = np.einsum("...d,...dk->...k", c, AW)              # c^T A w_j
    waw = np.einsum("kd,...dk->...k", W, AW)                # w_j^T A w_j
    wc = c @ W.T                                            # w_j^T c
    fro = np.einsum("...ij,...ij->...", A, A)[..., None]    # ||A||_F^2
    cc = np.einsum("...d,...d->...", c, c)[..., None]       # ||c||^2
    inner = (sig2 * d / ell * fro + (1 + 1 / ell) * aw2 + 2 * sig2 * (1 + 2 / ell) * caw
             + sig2**2 * (1 + 2 / ell) * cc - 2 * waw - 2 * sig2 * wc + wn2)
    return rho + inner / d


def finite_d_idg_error(gamma, tasks, rho, ell) -> np.ndarray:
    """Exact in-distribution error: the mean of :func:`task_error` over the training tasks.

    ``e_IDG(Γ) = (1/k) Σ_j e(w_j)`` (note §2.3); the tasks need not be normalised.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[2.0, 0.0], [0.0, 0.0]])
    >>> float(finite_d_idg_error(np.zeros((2, 3)), W, 0.0, 5))   # mean of 2 and 0
    1.0
    """
    return task_error(gamma, tasks, rho, ell).mean(axis=-1)


def finite_d_icl_error(gamma, rho, ell, *, test_tasks: str = "gaussian") -> np.ndarray:
    """Exact in-context-learning error of Γ on a fresh task (note §2.3).

    Parameters
    ----------
    gamma : array_like, shape (..., d, d+1)
    rho : float
        Label-noise variance.
    ell : int
        Context length ``ℓ``.
    test_tasks : {"gaussian", "normalized"}
        Law of the fresh test task: ``w ~ N(0, I_d)`` (the paper's definition; adds the
        ``2/d`` variance of ``‖w‖²/d`` to the ``‖c‖²`` coefficient) or uniform on the
        sphere ``‖w‖ = √d`` (the authors' code).

    Examples
    --------
    >>> import numpy as np
    >>> d = 3
    >>> float(finite_d_icl_error(np.zeros((d, d + 1)), 0.25, 6))          # Γ = 0 → 1 + ρ
    1.25
    >>> G = np.hstack([np.eye(d), np.zeros((d, 1))])                       # one GD step, A = I
    >>> round(float(finite_d_icl_error(G, 0.25, 6)), 12)   # 1 + ρ - 2 + (1.25·3/6 + 1 + 1/6)
    1.041666666667
    """
    rho, ell = _validate(rho, ell)
    check_value("test_tasks", test_tasks, LU2024["test_tasks"])
    A, c = split_gamma(gamma)
    d = A.shape[-1]
    fro = np.einsum("...ij,...ij->...", A, A)
    cc = np.einsum("...d,...d->...", c, c)
    tr = np.trace(A, axis1=-2, axis2=-1)
    var_norm = 2.0 / d if test_tasks == "gaussian" else 0.0
    return (1 + rho - 2 * tr / d
            + (((1 + rho) * d / ell + 1 + 1 / ell) * fro + ((1 + rho) ** 2 + var_norm) * (1 + 2 / ell) * cc) / d)
