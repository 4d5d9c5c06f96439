"""The shared experiments of Li et al. (2024, nonlinear one-layer transformer): the trained model, test prompts,
per-model errors and pruning curves.

Used by the claims (``iclverify.checks.claims.li2024_nonlinear``) and by the figures, so that every figure shows
the model its claim judged.  Training configuration [RECONSTRUCTED] from the note's §6.
"""

from __future__ import annotations

import numpy as np

from iclverify.checks.simulation.li2024_nonlinear_data import all_tasks, cyclic_tasks, sample_prompts
from iclverify.checks.simulation.li2024_nonlinear_model import TrainConfig, evaluate, prune, trained_model
from iclverify.checks.simulation.run_config import RunConfig

__all__ = ["CHUNK", "BASE_LR", "BASE_STEPS", "NOTE_LR", "NOTE_STEPS", "PRUNING_RATES", "base_config",
           "errors_by_model", "shared_model", "unseen_tasks", "test_rng", "pruning_curves"]

#: Prompts evaluated per chunk (memory stays bounded at large n).
CHUNK = 20000
#: The shared model's training schedule (see :func:`base_config`).
BASE_LR, BASE_STEPS = 0.4, 2000
#: The note's §6 schedule, which put 2 of 16 seeds into an in-weights solution.
NOTE_LR, NOTE_STEPS = 0.5, 1500


def base_config(tasks: str = "cyclic", **changes) -> TrainConfig:
    """The note's §6 configuration [RECONSTRUCTED] (M₁=6, M₂=24, m=64, α=0.8, l=20, B=64) at lr 0.4, 2000 steps.

    The note's lr 0.5 with 1500 steps put 2 of 16 seeds (among them the default root
    seed 20240515) into an in-weights solution: zero training error, unseen-task error
    ≈ 0.27, attention not concentrating.  lr 0.4 for 2000 steps generalised for the
    seeds tried (exploration recorded in ``docs/li2024_nonlinear.md``); the failure
    mode is reported, not hidden (claim C1 measures it).
    """
    kw = {"steps": BASE_STEPS, "lr": BASE_LR, **changes}
    return TrainConfig(tasks=tasks, **kw)



def errors_by_model(params_list, patterns, tasks, n: int, context_len: int, alpha: float, *,
                    rng: np.random.Generator, key: str = "err", chunk: int = CHUNK, **kw) -> list[np.ndarray]:
    """Per-prompt ``key`` (error indicator, hinge, attention) of each model on the same ``n`` prompts.

    The prompts are drawn in chunks of ``chunk`` from ``rng`` (so memory stays bounded at large ``n``) and every
    model is judged on the same prompts.
    """
    outs = [[] for _ in params_list]
    left = int(n)
    while left > 0:
        k = min(chunk, left)
        pr = sample_prompts(patterns, tasks, k, context_len, alpha, rng=rng, **kw)
        for o, p in zip(outs, params_list):
            o.append(evaluate(p, pr)[key])
        left -= k
    return [np.concatenate(o) for o in outs]


def shared_model(config: RunConfig, tasks: str = "cyclic"):
    """The one trained model per (training set, seed), shared by every claim and figure."""
    return trained_model(base_config(tasks), int(config.seed))


def unseen_tasks(M1: int = 6) -> list[tuple[int, int]]:
    """In-domain test tasks ``T \\ T_tr`` for the cyclic training set (24 of 30)."""
    tr = set(cyclic_tasks(M1))
    return [t for t in all_tasks(M1) if t not in tr]


def test_rng(config: RunConfig, claim_no: int, sub: int = 0) -> np.random.Generator:
    """Test-prompt generator: ``SeedSequence(seed, spawn_key=(claim_no, sub))``."""
    return np.random.default_rng(np.random.SeedSequence(int(config.seed), spawn_key=(claim_no, sub)))



PRUNING_RATES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)


def pruning_curves(params, prompts, rates=PRUNING_RATES, random_draws: int = 5, *, rng: np.random.Generator) -> dict:
    """Per-prompt hinge and error after small-first, random (mean of draws) and large-first pruning."""
    out = {o: {"hinge": [], "err": []} for o in ("small", "random", "large")}
    for R in rates:
        for o in ("small", "large"):
            ev = evaluate(prune(params, R, o), prompts)
            out[o]["hinge"].append(ev["hinge"])
            out[o]["err"].append(ev["err"])
        hs, es = [], []
        for _ in range(random_draws):
            ev = evaluate(prune(params, R, "random", rng=rng), prompts)
            hs.append(ev["hinge"])
            es.append(ev["err"])
        out["random"]["hinge"].append(np.mean(hs, axis=0))
        out["random"]["err"].append(np.mean(es, axis=0))
    base = evaluate(params, prompts)
    out["baseline"] = {"hinge": base["hinge"], "err": base["err"]}
    return out
