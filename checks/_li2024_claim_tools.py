"""Helpers shared by the Li-Rawat-Oymak 2024 claim modules (private)."""

from __future__ import annotations

import zlib
from typing import Mapping

import numpy as np

from iclverify.checks.claims import ControlOutcome, Evidence, Verdict
from iclverify.checks.compare import PER_COMPARISON_ALPHA, Comparison, compare

PAPER = "li2024_finegrained"


def rng_for(config, claim_id: str, *extra: int) -> tuple:
    """Generator for a claim: ``SeedSequence(config.seed, spawn_key=(crc32(id), *extra))``; returns (rng, seeds)."""
    key = (zlib.crc32(claim_id.encode()), *extra)
    ss = np.random.SeedSequence(config.seed, spawn_key=key)
    return np.random.default_rng(ss), {"root": config.seed, "spawn_key": list(key)}


def mc_controls(samples, controls: Mapping[str, float], *, allowance: float = 0.0, bias: str = "both",
                alpha: float = PER_COMPARISON_ALPHA) -> list:
    """Each control value must FAIL the same comparison at the same samples to count as rejected."""
    out = []
    for name, value in controls.items():
        c = compare(value, samples, allowance=allowance, bias=bias, alpha=alpha)
        out.append(ControlOutcome(name, not c.passed, str(c)))
    return out


def foc_test(stats: np.ndarray, alpha: float = PER_COMPARISON_ALPHA) -> tuple:
    """First-order-condition test: every coordinate mean of ``stats (batches, p)`` equals 0.

    Bonferroni over the p coordinates inside one comparison's budget; returns ``(passed, worst |z|, crit)``.
    """
    from iclverify.checks.compare import critical_value

    k, p = stats.shape
    se = stats.std(axis=0, ddof=1) / np.sqrt(k)
    z = stats.mean(axis=0) / np.where(se > 0, se, np.inf)
    crit = critical_value(k, alpha / p)
    worst = float(np.max(np.abs(z)))
    return worst <= crit, worst, crit


def verdict_from(passed: bool, reason: str, **kw) -> Evidence:
    return Evidence(Verdict.CONFIRMED if passed else Verdict.REFUTED, reason, **kw)


def comparison_fields(c: Comparison) -> dict:
    return {"theory": c.theory, "estimate": c.mean, "se": c.se, "reps": c.n}


def near(a: float, b: float, tol: float) -> bool:
    return abs(float(a) - float(b)) <= tol
