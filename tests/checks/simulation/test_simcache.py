"""Store-backed simulators that draw from a caller's generator (checks.simulation.simcache)."""

import numpy as np

from iclverify.checks.simulation.li2024_finegrained_sim import IIDModel, mc_risk
from iclverify.checks.simulation.li2024_finegrained_train import LinearAttention, adam_train, test_risk
from iclverify.checks.simulation.simcache import active_store, reset_simulation_counts, simulation_counts
from iclverify.checks.simulation.store import ResultStore


def _claim_like(seed):
    """A claim's draws: a stored simulation, a training run, then more draws from the same generator."""
    rng = np.random.default_rng(seed)
    model = IIDModel(3, 5)
    risk = mc_risk(model, np.eye(3) / 9, size=200, batches=4, rng=rng)
    att = LinearAttention(3, 5, rng=np.random.default_rng(1))
    hist = adam_train(att, model, steps=20, batch=16, lr=0.01, rng=rng)
    test = test_risk(att, model, size=50, batches=3, rng=rng)
    return risk, hist, test, rng.random(4)


def test_stored_run_is_bit_identical_and_moves_the_generator(tmp_path):
    path = tmp_path / "s.sqlite"
    plain = _claim_like(5)
    reset_simulation_counts()
    with active_store(path):
        cold = _claim_like(5)
    assert simulation_counts() == {"hits": 0, "computed": 3}
    rows = len(ResultStore(path))
    with active_store(path):
        warm = _claim_like(5)
    assert simulation_counts() == {"hits": 3, "computed": 3}
    assert len(ResultStore(path)) == rows
    for a, b, c in zip(plain, cold, warm):  # the later draws too: the generator was moved to its stored state
        assert np.array_equal(a, b) and np.array_equal(a, c)


def test_other_arguments_or_seed_miss(tmp_path):
    path = tmp_path / "s.sqlite"
    with active_store(path):
        a = mc_risk(IIDModel(3, 5), np.eye(3) / 9, size=100, batches=3, rng=np.random.default_rng(1))
        reset_simulation_counts()
        b = mc_risk(IIDModel(3, 5), np.eye(3) / 8, size=100, batches=3, rng=np.random.default_rng(1))
        c = mc_risk(IIDModel(3, 5), np.eye(3) / 9, size=100, batches=3, rng=np.random.default_rng(2))
    assert simulation_counts() == {"hits": 0, "computed": 2}
    assert not np.array_equal(a, b) and not np.array_equal(a, c)


def test_no_active_store_no_storing(tmp_path):
    reset_simulation_counts()
    mc_risk(IIDModel(2, 3), np.eye(2) / 6, size=10, batches=2, rng=np.random.default_rng(0))
    assert simulation_counts() == {"hits": 0, "computed": 0}
