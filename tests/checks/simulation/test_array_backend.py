"""The array backend switch (numpy / PyTorch) of the Γ* ridge fit and the Lu et al. simulator.

The torch path runs the same algorithms in float64 (``checks/simulation/_lu2024_fit_torch.py``); these tests
run it on the CPU build of PyTorch, which is the same code that runs on a GPU with
``device="gpu"``.  They skip cleanly when torch is not installed.

Tolerance of the torch-vs-numpy comparison
------------------------------------------
The two backends call different BLAS/LAPACK kernels (OpenBLAS through numpy/scipy versus the
kernels bundled with torch), so sums are taken in different orders and the results differ by
rounding.  A backward-stable solve of a system with condition number κ has a relative
forward error of order κ·ε (ε = 2.2e-16); two such solves differ by at most about twice that.
So each case gets ``rtol = 64·ε·κ`` for the direct solvers (``dual``, ``cholesky``, ``lstsq``),
with κ the condition number of the matrix the solver factorises: the dual kernel
``K + λ'I`` (n × n) for ``dual``, the normal matrix ``HᵀH + λ'I`` (p × p) for the others; where
that matrix has a null space its smallest eigenvalue is λ', and at λ' = 0 the pseudo-inverse
fall-backs resolve the range only, so κ is taken there.  Conjugate gradients stop at a
relative residual ``tol = 1e-11``, so each CG solution is within ``κ·tol`` (relative) of the
exact one: there ``rtol = 2·κ·tol + 64·ε·κ``.  Nothing is tuned: the bound comes from the solvers' own
stopping rules and standard perturbation theory, and it is printed when a case fails.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from iclverify.checks.simulation._lu2024_fit import fit_gamma
from iclverify.checks.simulation.array_backend import BACKENDS, ArrayBackend, get_backend, torch_available
from iclverify.checks.simulation.lu2024_sim import draw_tasks, sample_features_fast, simulate_lu2024

EPS = np.finfo(np.float64).eps
CG_TOL = 1e-11
D = 6
P = D * (D + 1)  # 42 parameters
SIZES = {"n<p": P // 3, "n=p": P, "n>>p": 4 * P}


# --------------------------------------------------------------------------- get_backend
def test_numpy_specs_resolve_without_torch():
    assert get_backend("cpu") == ArrayBackend("numpy")
    assert get_backend("numpy").is_numpy
    assert get_backend("numpy").describe() == "numpy"
    b = ArrayBackend("torch", "cpu")
    assert get_backend(b) is b


@pytest.mark.parametrize("spec", ["cuda", "tpu", "torch:mps", "", None, 0])
def test_unknown_spec_is_rejected_by_name(spec):
    with pytest.raises(ValueError, match="outside the domain of backend"):
        get_backend(spec)


def test_torch_specs_without_torch_say_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    assert not torch_available()
    for spec in ("torch", "torch:cpu", "gpu"):
        with pytest.raises(ValueError, match=r"needs PyTorch.*icl-verifier\[gpu\]"):
            get_backend(spec)
    assert get_backend("cpu").is_numpy  # numpy never needs torch


def test_torch_specs_resolve():
    torch = pytest.importorskip("torch")
    assert get_backend("torch:cpu") == ArrayBackend("torch", "cpu")
    assert get_backend("torch:cpu").describe() == "torch (cpu)"
    assert get_backend("torch").device == ("cuda" if torch.cuda.is_available() else "cpu")
    assert set(BACKENDS) >= {"cpu", "numpy", "gpu", "torch", "torch:cpu", "torch:cuda"}


@pytest.mark.parametrize("spec", ["gpu", "torch:cuda"])
def test_gpu_without_cuda_is_a_clear_error(spec, monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match=rf"backend='{spec}'.*no CUDA device"):
        get_backend(spec)
    with pytest.raises(ValueError, match="no CUDA device"):  # and through the public entry points
        fit_gamma(np.ones((3, 2)), np.ones((3, 3)), np.ones(3), 0.0, device=spec)
    with pytest.raises(ValueError, match="no CUDA device"):
        simulate_lu2024(10, 0.5, 0.5, 0.01, 0.0, 4, reps=1, device=spec)
    assert get_backend("torch").device == "cpu"  # "torch" falls back to the CPU instead


# --------------------------------------------------------------------------- fits
def _problem(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    W = draw_tasks(max(1, n // 4), D, "normalized", rng)
    X, U, y = sample_features_fast(W[np.arange(n) % len(W)], 5 * D, 0.01, rng)
    return X, U, y


def _bound(X, U, lam_eff: float, solver: str) -> tuple[float, float]:
    """(rtol, κ) for the torch-vs-numpy difference of one fit (see the module docstring).

    κ is that of the matrix the solver works with: ``K + λ'I`` (n × n) for ``dual``,
    ``HᵀH + λ'I`` (p × p) otherwise.  Where that matrix has a null space (rank H below its
    size) the smallest eigenvalue is λ'; at λ' = 0 the solvers resolve the range only
    (pseudo-inverse fall-backs), so κ is taken there.
    """
    n = X.shape[0]
    H = (X[:, :, None] * U[:, None, :]).reshape(n, -1)
    s2 = np.linalg.svd(H, compute_uv=False) ** 2
    nonzero = s2[s2 > s2[0] * EPS * max(H.shape)]
    size = n if solver == "dual" else H.shape[1]
    low = lam_eff if (nonzero.size < size and lam_eff > 0) else nonzero[-1] + lam_eff
    kappa = (s2[0] + lam_eff) / low
    if solver == "cg":
        return 2 * kappa * CG_TOL + 64 * EPS * kappa, kappa
    return 64 * EPS * kappa, kappa


CASES = [(s, size, lam) for s in ("dual", "cholesky", "cg", "lstsq", "auto") for size in SIZES
         for lam in (0.0, 1e-3, 0.5)
         # Normal equations of a rank-deficient design (n < p, λ = 0): singular, the solution is not
         # unique and neither backend's Cholesky promises the minimum-norm one (auto never picks it);
         # tested separately below.  CG there: κ = ∞, no bound.
         if not (s in ("cholesky", "cg") and size == "n<p" and lam == 0.0)]


@pytest.mark.parametrize("solver,size,lam", CASES, ids=[f"{s}-{z}-lam{l:g}" for s, z, l in CASES])
def test_torch_cpu_fit_equals_numpy(solver, size, lam):
    pytest.importorskip("torch")
    X, U, y = _problem(SIZES[size])
    g_np, i_np = fit_gamma(X, U, y, lam, solver=solver, tol=CG_TOL)
    g_t, i_t = fit_gamma(X, U, y, lam, solver=solver, tol=CG_TOL, device="torch:cpu")
    assert i_t["backend"] == "torch:cpu" and "backend" not in i_np
    assert i_t["solver"] == i_np["solver"]
    used = i_np["solver"] if i_np["solver"] in ("dual", "cholesky", "cg", "lstsq") else "cholesky"
    rtol, kappa = _bound(X, U, lam, used)
    rel = np.linalg.norm(g_t - g_np) / np.linalg.norm(g_np)
    assert rel <= rtol, (f"{solver} ({used}) n={SIZES[size]} p={P} λ'={lam}: rel diff {rel:.3e} > {rtol:.3e} "
                         f"(κ={kappa:.3e})")
    # training residuals: ‖H ΔΓ‖ ≤ ‖H‖₂ ‖ΔΓ‖, plus rounding in forming the residual
    n = X.shape[0]
    h2 = np.linalg.norm((X[:, :, None] * U[:, None, :]).reshape(n, -1), 2)
    rms_tol = (h2 * rtol * np.linalg.norm(g_np) + 64 * EPS * np.linalg.norm(y)) / np.sqrt(n)
    assert abs(np.sqrt(i_t["train_mse"]) - np.sqrt(i_np["train_mse"])) <= rms_tol


def test_torch_cpu_fit_detects_a_different_problem():
    """Negative control: the comparison above is sharp enough to see a change of λ' by 1e-6 (relative)."""
    pytest.importorskip("torch")
    X, U, y = _problem(SIZES["n>>p"])
    lam = 0.5
    g_np, _ = fit_gamma(X, U, y, lam, solver="cholesky")
    g_t, _ = fit_gamma(X, U, y, lam * (1 + 1e-6), solver="cholesky", device="torch:cpu")
    rtol, _ = _bound(X, U, lam, "cholesky")
    assert np.linalg.norm(g_t - g_np) / np.linalg.norm(g_np) > rtol


def test_rank_deficient_cholesky_interpolates_on_both_backends():
    """n < p, λ = 0: no unique Γ, but every solution either backend returns fits the data exactly."""
    pytest.importorskip("torch")
    X, U, y = _problem(SIZES["n<p"])
    for device in ("cpu", "torch:cpu"):
        _, info = fit_gamma(X, U, y, 0.0, solver="dual", device=device)
        assert info["train_mse"] < 1e-20 * float(y @ y)


@pytest.mark.parametrize("maxiter", [1, 2])
def test_cg_nonconvergence_falls_back_to_cholesky_on_torch(maxiter):
    pytest.importorskip("torch")
    X, U, y = _problem(SIZES["n>>p"])
    lam = 1e-3
    g_t, info = fit_gamma(X, U, y, lam, solver="cg", maxiter=maxiter, tol=1e-15, device="torch:cpu")
    assert info["solver"] == "cholesky (cg did not converge)"
    assert info["iterations"] == maxiter
    g_ref, _ = fit_gamma(X, U, y, lam, solver="cholesky")
    rtol, _ = _bound(X, U, lam, "cholesky")
    assert np.linalg.norm(g_t - g_ref) / np.linalg.norm(g_ref) <= rtol
    _, info_np = fit_gamma(X, U, y, lam, solver="cg", maxiter=maxiter, tol=1e-15)
    assert info_np["solver"] == info["solver"]  # the same rule on both backends


def test_cg_singular_preconditioner_falls_back_on_torch():
    """Fewer contexts than d with λ' = 0: the Kronecker preconditioner is singular, CG declines."""
    pytest.importorskip("torch")
    X, U, y = _problem(D - 2)
    _, info = fit_gamma(X, U, y, 0.0, solver="cg", device="torch:cpu")
    assert info["solver"] == "cholesky (cg did not converge)" and info["iterations"] == 0


# --------------------------------------------------------------------------- simulator
@pytest.mark.parametrize("kappa,tau,lam", [(0.5, 0.5, 0.0), (1.0, 2.0, 1e-3), (float("inf"), 4.0, 0.0)])
def test_simulate_torch_cpu_equals_cpu(kappa, tau, lam):
    """Same seed → same draws (numpy on the host) → Γ* and errors equal to float64 rounding.

    The three points use the dual (n < p), CG (n ≥ 1.5p) and CG-with-fresh-tasks solvers; all
    are far from the interpolation threshold (κ of the fit ≲ 1e3), so 1e-10 relative is
    ~ 1e3 times the rounding bound 64·ε·κ and still far below any Monte Carlo effect.
    """
    pytest.importorskip("torch")
    args = (10.0, kappa, tau, 0.01, lam, 8)
    a = simulate_lu2024(*args, reps=3, seed=7)
    b = simulate_lu2024(*args, reps=3, seed=7, device="torch:cpu")
    np.testing.assert_allclose(b.icl, a.icl, rtol=1e-10)
    np.testing.assert_allclose(b.idg, a.idg, rtol=1e-10)
    assert [r["solver"] for r in a.records] == [r["solver"] for r in b.records]
    assert b.params["device"] == "torch:cpu" and "device" not in a.params  # recorded in the store key
    c = simulate_lu2024(*args, reps=3, seed=8, device="torch:cpu")  # a different seed is visibly different
    assert np.max(np.abs(c.icl / a.icl - 1)) > 1e-6


def test_torch_cholesky_block_triangular_gram_equals_numpy():
    """p = 342 > 256: the torch Gram matrix is accumulated in several column blocks (upper triangle only)."""
    pytest.importorskip("torch")
    d = 18
    p = d * (d + 1)
    rng = np.random.default_rng(3)
    W = draw_tasks(9, d, "normalized", rng)
    X, U, y = sample_features_fast(W[np.arange(2 * p) % 9], 5 * d, 0.01, rng)
    for lam in (1e-3, 0.5):
        g_np, _ = fit_gamma(X, U, y, lam, solver="cholesky")
        g_t, _ = fit_gamma(X, U, y, lam, solver="cholesky", device="torch:cpu")
        rtol, kappa = _bound(X, U, lam, "cholesky")
        rel = np.linalg.norm(g_t - g_np) / np.linalg.norm(g_np)
        assert rel <= rtol, f"λ'={lam}: rel diff {rel:.3e} > {rtol:.3e} (κ={kappa:.3e})"
