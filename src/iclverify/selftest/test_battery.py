"""The extension battery on the built-in example claim (one-step preconditioned-GD risk)."""

import numpy as np
import pytest
import sympy as sp

from iclverify.api import RegistrationError, Verdict, assert_battery, unregister, verify
from iclverify.checks.extension.battery_example import PGD_DOMAINS, register_example, simulate_pgd_risk

d, n, s = sp.symbols("d n sigma2")


@pytest.fixture
def example():
    ids = []

    def reg(claim_id, expr=None, **kw):
        ids.append(claim_id)
        return register_example(claim_id, expr, **kw)

    yield reg
    for i in ids:
        unregister(i)


def test_correct_formula_is_confirmed_and_every_control_rejected(example):
    spec = example("selftest.pgd-risk")
    ev = assert_battery("selftest.pgd-risk")
    assert ev.controls and all(c.rejected for c in ev.controls)
    assert len(spec.controls) >= 5
    names = {r["name"]: r["status"] for r in ev.measurements["checks"]}
    assert names == {"three-way precision": "pass", "limit n -> oo": "pass",
                     "property _risk_decreases_in_n": "pass", "Monte Carlo": "pass"}


def test_perturbed_formula_is_refuted(example):
    example("selftest.pgd-wrong", d + s - n * d / (n + d + 2 + s))
    ev = verify("selftest.pgd-wrong")
    assert ev.verdict is Verdict.REFUTED and "Monte Carlo" in ev.reason


def test_wrong_limit_is_refuted_without_simulation(example):
    example("selftest.pgd-limit", simulate=None, limits=[("n", sp.oo, s + 1)], properties=[])
    ev = verify("selftest.pgd-limit")
    assert ev.verdict is Verdict.REFUTED and "limit" in ev.reason


def test_bad_simulator_fails_at_registration(example):
    with pytest.raises(RegistrationError, match=r"shape \(4, 1\)"):
        example("selftest.pgd-shape", simulate=lambda p, rng, k: simulate_pgd_risk(p, rng, k)[:, None])
    with pytest.raises(RegistrationError, match="non-finite"):
        example("selftest.pgd-nan", simulate=lambda p, rng, k: np.full(k, np.nan))


def test_missing_domain_fails_at_registration(example):
    doms = {k: v for k, v in PGD_DOMAINS.items() if k != "n"}
    with pytest.raises(RegistrationError, match="free symbol.*n.*no declared domain"):
        example("selftest.pgd-dom", domains=doms)
