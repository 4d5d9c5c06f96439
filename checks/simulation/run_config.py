"""How a run is configured: quick or paper scale, parallelism, root seed and result store.

One object for claims, figures, experiments and mutation runs, so that the scale and the seed of a simulation
mean the same everywhere (``DEFAULT_SEED`` lives in :mod:`iclverify.checks.simulation.sweep`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from iclverify.checks.simulation.sweep import DEFAULT_SEED

__all__ = ["RunConfig", "DEFAULT_SEED"]


@dataclass(frozen=True)
class RunConfig:
    """How a claim's check runs: quick or paper scale, parallelism, seed, result store.

    ``store`` (None, True, a path or a :class:`~iclverify.checks.simulation.store.ResultStore`) backs the
    simulations: simulators that take ``store=`` get it from the claim, and those marked with
    :func:`iclverify.checks.simulation.simcache.stored_simulation` find it through :func:`run_claim`.
    """

    quick: bool = True
    jobs: int = 1
    seed: int = DEFAULT_SEED
    store: Any = None
