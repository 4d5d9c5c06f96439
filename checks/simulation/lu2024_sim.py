"""Finite-d Monte Carlo of ridge-trained one-layer linear attention (Lu et al. 2024).

Model (note ``lu2024_asymptotic.md`` §1-§2): ``k = round(κd)`` pretraining tasks, ``n ≈ τd²``
contexts of ``ℓ = round(αd)`` labelled pairs plus a query, ``x ~ N(0, I_d/d)``,
``y = ⟨x, w⟩ + ε``, ``ε ~ N(0, ρ)``.  Each context gives
``H_Z = x_{ℓ+1} [ (d/ℓ) Σ y_i x_iᵀ , (1/ℓ) Σ y_i² ]`` and Γ* minimises
``Σ_μ (y^μ_{ℓ+1} - ⟨Γ, H_μ⟩)² + (n/d) λ ‖Γ‖_F²`` (λ = 0: minimum-norm).  The errors of Γ* are
the exact finite-d errors of :mod:`iclverify.theory.lu2024_finite_d` (no test-set noise).

Two simulators with the same law:

``method="reference"``
    builds every context matrix ``Z ∈ R^{(d+1)×(ℓ+1)}`` explicitly (§2.1), forms the n × p
    design of the vectorised ``H_Z`` and solves by SVD least squares (``numpy.linalg.lstsq``;
    ridge by augmenting the design).  Cost O(nℓd + np²).
``method="fast"``
    samples ``(x_q, v, s, y_q)`` from their exact conditional law given the task (note §5.1,
    rotational invariance: O(d) per context instead of O(ℓd)) and fits with
    :func:`iclverify.checks.simulation._lu2024_fit.fit_gamma` (dual kernel, syrk-Cholesky or
    Kronecker-preconditioned CG).

Task options (named, both the authors' variance-reduction devices of §1/§5.1):

``tasks="normalized"`` (default)
    each task rescaled to ``‖w‖ = √d``; ``tasks="gaussian"``: ``w ~ N(0, I_d)`` as in the paper.
``assignment="balanced"`` (default)
    each task used exactly ``r = round(τd²/k)`` times, ``n = rk``; ``assignment="iid"``:
    ``n = round(τd²)`` contexts each with a task drawn uniformly from the k.

Discretisation of the sizes (``discretisation=``):

``"nearest"`` (default)
    ``k = round(κd)``, ``ℓ = round(αd)``, balanced ``r = round(τd²/k)``.
``"authors"``
    the authors' ``errors_from_DATA`` (repository ``Pehlevan-Group/incontext-asymptotics-experiments``,
    ``theory_runs/common.py``, [CODE]): ``k = ⌊κd⌋``, ``ℓ = ⌊αd⌋``, ``r = round(τd²/k)``, ``n = rk``.
    The two differ where ``κd`` has a fractional part of 1/2 or more (d = 32: κ = 0.4 gives
    13 vs 12 tasks, κ = 0.8 gives 26 vs 25), which shifts the finite-d g_task by several SE;
    use it to compare with the authors' saved simulations.

``tasks="gaussian", assignment="iid"`` is the plain model of the paper; it is the
default-comparable alternative: it has the same asymptotic errors (tested: the means agree
with the default at finite d within Monte Carlo error) and larger variance.  ``κ = inf``
means a fresh task for every context (``k = n``).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from iclverify._version import __version__
from iclverify.checks.simulation._lu2024_fit import fit_gamma
from iclverify.checks.simulation.array_backend import get_backend
from iclverify.theory.resources import require_memory
from iclverify.checks.simulation.sweep import run_sweep, seed_sequence
from iclverify.theory.parameters import Checked, Interval, check_value, validated
from iclverify.theory.domains import COMMON, LU2024, LU2024_SIMULATION
from iclverify.theory.lu2024_finite_d import finite_d_icl_error, finite_d_idg_error

__all__ = [
    "METHODS", "TASKS", "ASSIGNMENTS", "DISCRETISATIONS", "sizes", "draw_tasks", "assign_contexts", "sample_contexts",
    "sample_features_fast", "sample_features_reference", "fit_reference", "sampled_test_errors", "simulate_once",
    "SimulationResult", "simulate_lu2024",
]

# the choices are declared once, in iclverify.theory.domains.LU2024_SIMULATION (the CLI reads them there too)
METHODS = LU2024_SIMULATION["method"].choices
TASKS = LU2024_SIMULATION["tasks"].choices
ASSIGNMENTS = LU2024_SIMULATION["assignment"].choices
DISCRETISATIONS = LU2024_SIMULATION["discretisation"].choices
_DIM = Interval(2, math.inf, low_open=False, integer=True, description="token dimension (d >= 2)")


#: Balanced assignment uses each task equally often.
_BALANCED_N = Checked("a multiple of the number of tasks k (balanced assignment uses each task n/k times)")


def sizes(alpha: float, kappa: float, tau: float, d: int, assignment: str = "balanced",
          discretisation: str = "nearest") -> dict:
    """Integer sizes of a finite-d run: context length ℓ, tasks k, contexts n, repeats per task r.

    ``discretisation="nearest"``: ``ℓ = max(1, round(αd))``; ``k = max(1, round(κd))`` (``k = n``
    for ``κ = inf``); balanced: ``r = max(1, round(τd²/k))``, ``n = rk``; iid:
    ``n = max(1, round(τd²))``.  ``discretisation="authors"``: ``ℓ = ⌊αd⌋``, ``k = ⌊κd⌋`` (the
    authors' ``errors_from_DATA`` truncates with ``np.int64``), the rest as above.

    Examples
    --------
    >>> sizes(10, 0.5, 2, 20)
    {'ell': 200, 'k': 10, 'n': 800, 'r': 80}
    >>> sizes(2, float("inf"), 2, 20)["k"]
    800
    >>> sizes(10, 0.4, 10, 32)["k"], sizes(10, 0.4, 10, 32, discretisation="authors")["k"]
    (13, 12)
    """
    check_value("discretisation", discretisation, LU2024_SIMULATION["discretisation"])
    to_int = (lambda x: int(round(x))) if discretisation == "nearest" else (lambda x: int(np.int64(x)))
    ell = max(1, to_int(alpha * d))
    if math.isinf(kappa):
        n = max(1, int(round(tau * d * d)))
        return {"ell": ell, "k": n, "n": n, "r": 1}
    k = max(1, to_int(kappa * d))
    if assignment == "balanced":
        r = max(1, int(round(tau * d * d / k)))
        return {"ell": ell, "k": k, "n": r * k, "r": r}
    n = max(1, int(round(tau * d * d)))
    return {"ell": ell, "k": k, "n": n, "r": None}


def draw_tasks(k: int, d: int, tasks: str, rng: np.random.Generator) -> np.ndarray:
    """``k`` tasks (rows) ``w ~ N(0, I_d)``, rescaled to ``‖w‖ = √d`` when ``tasks="normalized"``."""
    check_value("tasks", tasks, LU2024_SIMULATION["tasks"])
    W = rng.standard_normal((k, d))
    if tasks == "normalized":
        W *= math.sqrt(d) / np.linalg.norm(W, axis=1, keepdims=True)
    return W


def assign_contexts(k: int, n: int, assignment: str, rng: np.random.Generator) -> np.ndarray:
    """Task index of each of the ``n`` contexts: balanced (each task ``n/k`` times) or iid uniform."""
    check_value("assignment", assignment, LU2024_SIMULATION["assignment"])
    if assignment == "balanced":
        if n % k:
            _BALANCED_N.reject("n", n, f"k = {k}")
        return np.repeat(np.arange(k), n // k)
    return rng.integers(0, k, size=n)


def sample_features_fast(W_ctx: np.ndarray, ell: int, rho: float, rng: np.random.Generator):
    """Exact draw of ``(x_q, u = [v; s], y_q)`` for contexts with tasks ``W_ctx`` (rows), O(d) each.

    Rotate so that ``w = ‖w‖ e₁`` (note §5.1).  With ``X = G/√d`` and ``a = ‖w‖/√d`` the labels
    are ``y = a g₁ + ε``.  Writing ``ε = √ρ (η₁ g₁/‖g₁‖ + ε_⊥)``:
    ``g₁ᵀy = a‖g₁‖² + √ρ η₁ ‖g₁‖`` and ``‖y‖² = (a‖g₁‖ + √ρ η₁)² + ρ χ²_{ℓ-1}``, with
    ``‖g₁‖² ~ χ²_ℓ``, ``η₁ ~ N(0, 1)``; the other coordinates of ``Gᵀy`` are i.i.d.
    ``N(0, ‖y‖²)`` given ``y``, i.e. ``‖y‖ P_⊥ z`` with ``z ~ N(0, I_d)`` projected orthogonally
    to ``w``.  Then ``v = (√d/ℓ)[g₁ᵀy ŵ + ‖y‖ P_⊥ z]``, ``s = ‖y‖²/ℓ``, and the query
    ``x_q = g/√d``, ``y_q = ⟨x_q, w⟩ + √ρ ξ``.
    """
    n, d = W_ctx.shape
    wn = np.linalg.norm(W_ctx, axis=1)
    what = W_ctx / wn[:, None]
    a = wn / math.sqrt(d)
    r2 = rng.chisquare(ell, size=n)
    eta = rng.standard_normal(n)
    rest = rng.chisquare(ell - 1, size=n) if ell > 1 else np.zeros(n)
    sr = math.sqrt(rho)
    r = np.sqrt(r2)
    g1y = a * r2 + sr * eta * r
    ynorm2 = (a * r + sr * eta) ** 2 + rho * rest
    z = rng.standard_normal((n, d))
    z -= what * np.einsum("nd,nd->n", what, z)[:, None]
    U = np.empty((n, d + 1))
    U[:, :d] = (math.sqrt(d) / ell) * (g1y[:, None] * what + np.sqrt(ynorm2)[:, None] * z)
    U[:, d] = ynorm2 / ell
    X = rng.standard_normal((n, d)) / math.sqrt(d)
    y = np.einsum("nd,nd->n", X, W_ctx) + sr * rng.standard_normal(n)
    return X, U, y


def sample_contexts(W_ctx: np.ndarray, ell: int, rho: float, rng: np.random.Generator) -> np.ndarray:
    """Explicit context matrices ``Z ∈ R^{(d+1)×(ℓ+1)}`` (note §2.1), shape ``(m, d+1, ℓ+1)``.

    Columns are tokens ``[x_i; y_i]``; the query column holds ``[x_{ℓ+1}; 0]``.  The query label
    is returned separately by :func:`sample_features_reference`.
    """
    m, d = W_ctx.shape
    Xc = rng.standard_normal((m, ell + 1, d)) / math.sqrt(d)
    y = np.einsum("mid,md->mi", Xc, W_ctx) + math.sqrt(rho) * rng.standard_normal((m, ell + 1))
    Z = np.empty((m, d + 1, ell + 1))
    Z[:, :d, :] = Xc.transpose(0, 2, 1)
    Z[:, d, :] = y
    Z[:, d, ell] = 0.0
    return Z, y[:, ell]


def _h_from_z(Z: np.ndarray) -> np.ndarray:
    """``H_Z = x_{ℓ+1}[(d/ℓ) Σ_i y_i x_iᵀ, (1/ℓ) Σ_i y_i²]`` for a batch of Z, shape (m, d, d+1)."""
    d = Z.shape[1] - 1
    ell = Z.shape[2] - 1
    xs, ys, xq = Z[:, :d, :ell], Z[:, d, :ell], Z[:, :d, ell]
    row = np.concatenate([(d / ell) * np.einsum("mdi,mi->md", xs, ys), (ys * ys).sum(1, keepdims=True) / ell], 1)
    return xq[:, :, None] * row[:, None, :]


def sample_features_reference(W_ctx: np.ndarray, ell: int, rho: float, rng: np.random.Generator,
                              chunk: int = 128) -> tuple[np.ndarray, np.ndarray]:
    """Design matrix (rows ``vec H_Z``, shape (n, d(d+1))) and query labels, from explicit Z."""
    n, d = W_ctx.shape
    H = np.empty((n, d * (d + 1)))
    yq = np.empty(n)
    for lo in range(0, n, chunk):
        Z, y = sample_contexts(W_ctx[lo:lo + chunk], ell, rho, rng)
        H[lo:lo + chunk] = _h_from_z(Z).reshape(len(y), -1)
        yq[lo:lo + chunk] = y
    return H, yq


def fit_reference(H: np.ndarray, y: np.ndarray, lam_eff: float) -> np.ndarray:
    """Naive ridge / minimum-norm fit on the explicit design by SVD least squares (reference path)."""
    p = H.shape[1]
    d = int(round((math.sqrt(1 + 4 * p) - 1) / 2))
    if lam_eff > 0:
        H = np.vstack([H, math.sqrt(lam_eff) * np.eye(p)])
        y = np.concatenate([y, np.zeros(p)])
    return np.linalg.lstsq(H, y, rcond=None)[0].reshape(d, d + 1)


def sampled_test_errors(gamma: np.ndarray, rho: float, ell: int, n_test: int, rng: np.random.Generator, *,
                    tasks: np.ndarray | None = None, chunk: int = 256) -> np.ndarray:
    """Squared errors ``(y_{ℓ+1} - ⟨Γ, H_Z⟩)²`` of ``n_test`` explicit test contexts.

    ``tasks=None``: a fresh ``w ~ N(0, I_d)`` per context (ICL); else a task drawn uniformly from
    the rows of ``tasks`` (IDG).  The mean estimates the exact error of
    :mod:`iclverify.theory.lu2024_finite_d` with Monte Carlo error ``std/√n_test``.
    """
    d = gamma.shape[0]
    out = np.empty(n_test)
    for lo in range(0, n_test, chunk):
        m = min(chunk, n_test - lo)
        W = rng.standard_normal((m, d)) if tasks is None else tasks[rng.integers(0, len(tasks), size=m)]
        Z, yq = sample_contexts(W, ell, rho, rng)
        pred = np.einsum("mij,ij->m", _h_from_z(Z), gamma)
        out[lo:lo + m] = (yq - pred) ** 2
    return out


def simulate_once(params: dict, rng: np.random.Generator) -> dict:
    """One pretraining draw and fit; returns the exact finite-d ICL and IDG errors of Γ*.

    ``params`` holds ``alpha, kappa, tau, rho, lam, d, method, tasks, assignment, solver`` and
    optionally ``discretisation`` and ``test_tasks`` (``kappa`` may be ``"inf"``).  Top-level and picklable, for
    :func:`run_sweep`.
    """
    alpha, tau, rho, lam = (float(params[k]) for k in ("alpha", "tau", "rho", "lam"))
    kappa, d = float(params["kappa"]), int(params["d"])
    method, tasks = params.get("method", "fast"), params.get("tasks", "normalized")
    assignment, solver = params.get("assignment", "balanced"), params.get("solver", "auto")
    check_value("method", method, LU2024_SIMULATION["method"])
    sz = sizes(alpha, kappa, tau, d, assignment, params.get("discretisation", "nearest"))
    ell, k, n = sz["ell"], sz["k"], sz["n"]
    W = draw_tasks(k, d, tasks, rng)
    idx = np.arange(n) if math.isinf(kappa) else assign_contexts(k, n, assignment, rng)
    lam_eff = n / d * lam
    t0 = time.perf_counter()
    if method == "fast":
        X, U, y = sample_features_fast(W[idx], ell, rho, rng)
        t1 = time.perf_counter()
        gamma, info = fit_gamma(X, U, y, lam_eff, solver=solver, device=params.get("device", "cpu"))
    else:  # "reference"
        H, y = sample_features_reference(W[idx], ell, rho, rng)
        t1 = time.perf_counter()
        gamma = fit_reference(H, y, lam_eff)
        resid = y - H @ gamma.ravel()
        info = {"solver": "reference-lstsq", "train_mse": float(resid @ resid / n)}
    t2 = time.perf_counter()
    icl = float(finite_d_icl_error(gamma, rho, ell, test_tasks=params.get("test_tasks", "gaussian")))
    idg = float(finite_d_idg_error(gamma, W, rho, ell))
    return {"icl": icl, "idg": idg, "n": n, "k": k, "ell": ell, "train_mse": info["train_mse"],
            "solver": info["solver"], "iterations": info.get("iterations"),
            "time_sample_s": t1 - t0, "time_fit_s": t2 - t1}


@dataclass
class SimulationResult:
    """Per-repeat exact errors of Γ* and their summaries.

    Attributes
    ----------
    icl, idg : ndarray
        Exact finite-d errors of each repeat's Γ*.
    icl_mean, icl_se, idg_mean, idg_se, gap_mean, gap_se : float
        Means and standard errors (``std(ddof=1)/√reps``; NaN for one repeat); the gap is
        ``icl - idg`` per repeat.
    params : dict
        ``alpha, kappa, tau, rho, lam, d, method, tasks, assignment, solver``.
    d, n, k, ell : int
        Dimension and the integer sizes used (``tau_eff = n/d²``).
    seeds : dict
        ``entropy`` (root) and ``spawn_keys`` (one per repeat).
    version : str
        Package version.
    runtime_s : float
        Wall time of the call (cached repeats cost nothing).
    records : list of dict
        Per-repeat extras (solver, CG iterations, training MSE, timings, cached flag).
    """

    icl: np.ndarray
    idg: np.ndarray
    params: dict
    d: int
    n: int
    k: int
    ell: int
    seeds: dict
    version: str
    runtime_s: float
    records: list = field(default_factory=list)

    @property
    def reps(self) -> int:
        return int(self.icl.size)

    @staticmethod
    def _se(x: np.ndarray) -> float:
        return float(x.std(ddof=1) / math.sqrt(x.size)) if x.size > 1 else float("nan")

    @property
    def icl_mean(self) -> float:
        return float(self.icl.mean())

    @property
    def idg_mean(self) -> float:
        return float(self.idg.mean())

    @property
    def icl_se(self) -> float:
        return self._se(self.icl)

    @property
    def idg_se(self) -> float:
        return self._se(self.idg)

    @property
    def gap(self) -> np.ndarray:
        return self.icl - self.idg

    @property
    def gap_mean(self) -> float:
        return float(self.gap.mean())

    @property
    def gap_se(self) -> float:
        return self._se(self.gap)

    @property
    def tau_eff(self) -> float:
        return self.n / self.d**2

    def as_dict(self) -> dict:
        out = asdict(self)
        out.update(icl=self.icl.tolist(), idg=self.idg.tolist(), icl_mean=self.icl_mean, icl_se=self.icl_se,
                   idg_mean=self.idg_mean, idg_se=self.idg_se, gap_mean=self.gap_mean, gap_se=self.gap_se,
                   tau_eff=self.tau_eff, reps=self.reps)
        return out


#: Labels have variance 1 + rho and their squares are summed over a context: beyond this float64 overflows.
SIM_RHO = LU2024["rho"].with_(high=1e100, high_open=False,
                              description="label-noise variance (simulation: float64 squares the labels)")
_SIM_SPACE = LU2024.with_(d=_DIM, reps=COMMON["reps"], rho=SIM_RHO, **LU2024_SIMULATION.domains)


def simulation_bytes(alpha: float, kappa: float, tau: float, d: int, *, reps: int = 1, method: str = "fast",
                     assignment: str = "balanced") -> float:
    """Estimated peak memory (bytes) of one repeat plus the per-repeat records.

    Fast method: a few ``n x (d+1)`` float64 arrays of features, and the fit's ``m x m`` system with
    ``m = min(n, p)``, ``p = d(d+1)`` (dual kernel for n <= p, Gram matrix otherwise).  Reference
    method: the ``n x p`` design matrix.  Sizes in floating point, so an absurd input gives a huge
    number, not an overflow.
    """
    ell = max(1.0, alpha * d)
    n = tau * float(d) ** 2
    if not math.isinf(kappa) and assignment == "balanced":
        n = max(n, kappa * d)
    n = max(1.0, n)
    p = float(d) * (d + 1)
    features = 8.0 * (8 * n * (d + 1) + max(kappa * d if math.isfinite(kappa) else n, 1.0) * d)
    fit = 8.0 * min(n, p) ** 2 * 2 + (8.0 * n * p if method == "reference" else 0.0)
    context = 8.0 * ell if method == "reference" else 0.0
    return features + fit + context + 4096.0 * reps


def check_simulation_memory(alpha, kappa, tau, d, *, reps: int = 1, method: str = "fast",
                            assignment: str = "balanced") -> None:
    """``ValueError`` naming --d/--tau/--kappa/--alpha/--reps when one repeat cannot fit in memory."""
    one = simulation_bytes(float(alpha), float(kappa), float(tau), int(d), reps=0, method=method,
                           assignment=assignment)
    records = simulation_bytes(0.0, 0.0, 0.0, 1, reps=int(reps)) - simulation_bytes(0.0, 0.0, 0.0, 1, reps=0)
    # name the parameter that makes the estimate large: the one whose term dominates
    terms = {"reps": records, "tau": 8.0 * 8 * float(tau) * float(d) ** 3,
             "kappa": 8.0 * 8 * float(kappa) * float(d) ** 2 if math.isfinite(kappa) else 0.0,
             "d": 8.0 * 2 * (float(d) * (d + 1)) ** 2}
    culprit = max(terms, key=terms.get)
    require_memory(one + records, f"a d = {d} simulation (alpha = {alpha:g}, kappa = {kappa:g}, tau = {tau:g}, "
                                  f"{reps} repeats)", culprit)


@validated(_SIM_SPACE)
def simulate_lu2024(alpha, kappa, tau, rho, lam, d, *, reps: int = 8, seed: Any = 0, jobs: int = 1,
                    store: Any = None, method: str = "fast", tasks: str = "normalized",
                    assignment: str = "balanced", solver: str = "auto", backend: str = "loky",
                    progress: bool | None = None, device: str = "cpu",
                    scheduler: str | None = None, discretisation: str = "nearest",
                    test_tasks: str = "gaussian") -> SimulationResult:
    """Simulate ``reps`` independent pretraining draws and fits of Γ* at dimension ``d``.

    Parameters
    ----------
    alpha, kappa, tau, rho, lam : float
        ``ℓ/d``, ``k/d`` (``inf``: fresh task per context), ``n/d²``, noise variance, ridge.
    d : int
        Token dimension.
    reps : int
        Independent repeats; repeat ``r`` uses ``SeedSequence(seed, spawn_key=(…, r))``.
    seed : int or SeedSequence
        Root seed (a ``SeedSequence`` child from a sweep is extended by the repeat index).
    jobs, backend, progress : see :func:`iclverify.checks.simulation.sweep.run_sweep`.
    store : None, True, path or ResultStore
        Result store for per-repeat results.
    method : {"fast", "reference"}
    tasks : {"normalized", "gaussian"}
    assignment : {"balanced", "iid"}
    solver : {"auto", "dual", "cholesky", "lstsq", "cg"}
        Fit solver of the fast method (ignored by ``reference``).
    device : {"cpu", "gpu", "torch", "torch:cpu", "torch:cuda"}
        Array backend of the fit (random draws stay on numpy, so the same seed gives the
        same Γ* to float64 rounding on every backend).  Non-CPU devices are part of the
        store key.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:port``); implies
        ``backend="dask"``.  See :func:`iclverify.checks.simulation.sweep.run_sweep`.
    discretisation : {"nearest", "authors"}
        How ``k`` and ``ℓ`` are rounded (see :func:`sizes`); ``"authors"`` reproduces the
        authors' ``errors_from_DATA``.  Part of the store key only when not the default.
    test_tasks : {"gaussian", "normalized"}
        Law of the fresh task of the ICL error (:func:`~iclverify.theory.lu2024_finite_d.finite_d_icl_error`):
        the paper's ``w ~ N(0, I_d)``, or the sphere ``‖w‖ = √d`` of the authors'
        ``gen_err_analytical_NEW``.  Part of the store key only when not the default.

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> res = simulate_lu2024(10, 0.5, 0.5, 0.01, 0.0, 8, reps=3, seed=0)
    >>> res.reps, res.ell, res.k, res.n
    (3, 80, 4, 32)
    >>> bool(res.icl_mean > res.idg_mean > 0.01)
    True
    """
    # method, tasks, assignment, solver, discretisation, test_tasks and device: checked by @validated
    check_simulation_memory(alpha, kappa, tau, d, reps=reps, method=method, assignment=assignment)
    t0 = time.perf_counter()
    params = {"alpha": float(alpha), "kappa": float(kappa), "tau": float(tau), "rho": float(rho),
              "lam": float(lam), "d": int(d), "method": method, "tasks": tasks, "assignment": assignment,
              "solver": solver if method == "fast" else "reference-lstsq"}
    if get_backend(device).name != "numpy":  # CPU keys stay as they were; other backends are recorded
        params["device"] = device
    if discretisation != "nearest":  # default keys stay as they were, so stored results are reused
        params["discretisation"] = discretisation
    if test_tasks != "gaussian":
        params["test_tasks"] = test_tasks
    root = seed_sequence(seed)
    recs = run_sweep(simulate_once, [params] * int(reps), seed=root, jobs=jobs, backend=backend, store=store,
                     model=f"lu2024.simulate.{method}", progress=progress, scheduler=scheduler)
    vals = [r["value"] for r in recs]
    extras = [{k: v for k, v in r["value"].items() if k not in ("icl", "idg")} | {"cached": r["cached"]}
              for r in recs]
    return SimulationResult(
        icl=np.array([v["icl"] for v in vals]), idg=np.array([v["idg"] for v in vals]), params=params,
        d=int(d), n=int(vals[0]["n"]), k=int(vals[0]["k"]), ell=int(vals[0]["ell"]),
        seeds={"entropy": root.entropy, "spawn_keys": [r["spawn_key"] for r in recs]},
        version=__version__, runtime_s=time.perf_counter() - t0, records=extras)
