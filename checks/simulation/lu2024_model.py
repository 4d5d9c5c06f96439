"""Lu et al. (2024) as one :class:`~iclverify.checks.simulation.model.Model`: the asymptotic theory and its simulator.

Parameters ``(alpha, kappa, tau, rho, lam)`` in the order of :func:`iclverify.theory.lu2024.icl_error` and of
:func:`iclverify.checks.simulation.lu2024_sim.simulate_lu2024` (which takes ``d`` after them); their domains are the
declared ``LU2024`` space (``rho`` narrowed to what float64 simulation can square,
:data:`~iclverify.checks.simulation.lu2024_sim.SIM_RHO`).

Quantities (note ``lu2024_asymptotic.md``):

``icl``
    :func:`~iclverify.theory.lu2024.icl_error`, the ICL error of the pretrained Γ* on a fresh task
    ([CODE]+[SIM]+[DATA], §3.2-§3.3; κ = ∞ and τ = ∞ limits [DERIVED]).  Not available at τ = 1 with λ = 0
    (the interpolation peak, where the ridgeless error diverges).
``idg``
    :func:`~iclverify.theory.lu2024.idg_error`, the error on the training tasks ([CODE]+[SIM]+[DATA], §3.4,
    ridgeless; for λ > 0 at finite τ: DERIVED-HERE, ``docs/lu2024_ridge_idg.md``).  Same exclusion.
``gap``
    :func:`~iclverify.theory.lu2024.task_generalization_gap`, ``icl - idg`` per repeat ([CODE] ``gtask_mean``,
    §1, Fig. 4).

Simulated samples are the exact finite-d errors of each repeat's Γ* (:class:`SimulationResult`); their mean
exceeds the d -> infinity value by O(1/d) (§5.3), which :meth:`Model.compare` removes when given three or
more d.

Examples
--------
>>> from iclverify.checks.simulation.lu2024_model import LU2024_MODEL
>>> round(LU2024_MODEL.theory("icl", (10, 0.5, 0.5, 0.01, 0.0)), 4)
0.8208
>>> LU2024_MODEL.unavailable("icl", {"alpha": 2, "kappa": 0.5, "tau": 1.0, "rho": 0.1, "lam": 0.0}) is None
False
>>> LU2024_MODEL.source("idg", (3, 0.6, 0.7, 0.05, 0.03))
'DERIVED-HERE (docs/lu2024_ridge_idg.md)'
"""

from __future__ import annotations

import math

from iclverify.checks.simulation.lu2024_sim import SIM_RHO, simulate_lu2024
from iclverify.checks.simulation.model import Model, Quantity
from iclverify.theory import lu2024 as _theory
from iclverify.theory.domains import LU2024

__all__ = ["LU2024_MODEL", "PARAMS"]

PARAMS = ("alpha", "kappa", "tau", "rho", "lam")


def _late(name: str):
    """``iclverify.theory.lu2024.<name>``, looked up at every call: a patched or mutated theory function
    (tests, :mod:`iclverify.mutation`) is what the model compares."""
    def theory(*args, **kwargs):
        return getattr(_theory, name)(*args, **kwargs)

    theory.__name__ = theory.__qualname__ = name
    theory.__doc__ = f"iclverify.theory.lu2024.{name}, looked up at each call"
    return theory


def _ridgeless_peak(alpha, kappa, tau, rho, lam) -> str | None:
    if lam == 0 and tau == 1:
        return "τ = 1 with λ = 0: the ridgeless error diverges at the interpolation peak"
    return None


def _source_icl(alpha, kappa, tau, rho, lam) -> str:
    if math.isinf(tau) or math.isinf(kappa):
        return "DERIVED (note §3.2, §3.5a)"
    return "CODE+SIM+DATA (note §3.2-§3.3)"


def _source_idg(alpha, kappa, tau, rho, lam) -> str:
    if lam > 0 and math.isfinite(tau) and math.isfinite(kappa):
        return "DERIVED-HERE (docs/lu2024_ridge_idg.md)"
    if math.isinf(tau) or math.isinf(kappa):
        return "DERIVED (note §3.2, §3.5a)"
    return "CODE+SIM+DATA (note §3.4)"


def _source_gap(alpha, kappa, tau, rho, lam) -> str:
    idg = _source_idg(alpha, kappa, tau, rho, lam)
    return "CODE (note §1, Fig. 4)" + ("; its IDG term " + idg if idg.startswith("DERIVED-HERE") else "")


#: The Lu et al. model: asymptotic ICL/IDG/gap closed forms beside the finite-d simulator.
LU2024_MODEL = Model(
    name="lu2024",
    params=PARAMS,
    space=LU2024.with_(rho=SIM_RHO),
    quantities={
        "icl": Quantity("icl", "ICL error of the pretrained Γ* on a fresh task w ~ N(0, I_d)",
                        _late("icl_error"), lambda res: res.icl, _source_icl, _ridgeless_peak),
        "idg": Quantity("idg", "in-distribution error of Γ* on the k pretraining tasks",
                        _late("idg_error"), lambda res: res.idg, _source_idg, _ridgeless_peak),
        "gap": Quantity("gap", "task-generalisation gap g_task = e_ICL - e_IDG (per repeat)",
                        _late("task_generalization_gap"), lambda res: res.gap, _source_gap, _ridgeless_peak),
    },
    simulator=simulate_lu2024,
)
