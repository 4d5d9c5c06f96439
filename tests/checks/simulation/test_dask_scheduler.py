"""Sweeps on a running Dask cluster (``scheduler="tcp://…"``) give bit-identical results to the serial run.

One ``distributed.LocalCluster`` with two single-threaded worker *processes* (as on a real
cluster: the work is pickled and shipped to other interpreters) is started once for the
module and shut down at its end; every test connects to it only through its ``tcp://``
address, exactly as a user would pass ``--scheduler tcp://host:port``.  If worker processes
cannot be spawned here, the fixture falls back to in-process workers (``processes=False``)
and says so in the test output.  Skipped when dask/distributed are not installed.
"""

from __future__ import annotations

import json
import os
import warnings

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask")

from iclverify.checks.simulation.lu2024_sim import simulate_lu2024  # noqa: E402
from iclverify.checks.simulation.sweep import run_sweep  # noqa: E402
from iclverify.cli import main  # noqa: E402


def _draw(params: dict, rng: np.random.Generator) -> dict:
    """A top-level (picklable) sweep function whose output depends on the whole random stream."""
    x = rng.standard_normal(int(params["m"])) * params["scale"]
    return {"sum": float(x.sum()), "first": float(x[0]), "bits": x.tobytes().hex()[:32]}


@pytest.fixture(scope="module")
def scheduler_address():
    kw = dict(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            cluster = distributed.LocalCluster(processes=True, **kw)
            mode = "processes"
        except Exception as err:  # pragma: no cover - depends on the sandbox
            print(f"\nLocalCluster(processes=True) failed ({type(err).__name__}: {err}); "
                  "falling back to processes=False")
            cluster = distributed.LocalCluster(processes=False, **kw)
            mode = "threads"
    print(f"\nLocalCluster ({mode}) at {cluster.scheduler_address}")
    try:
        assert cluster.scheduler_address.startswith("tcp://")
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_run_sweep_on_scheduler_is_bit_identical(scheduler_address):
    points = [{"m": 50 + i, "scale": 1.0 + i} for i in range(7)]
    serial = run_sweep(_draw, points, seed=123, jobs=1)
    remote = run_sweep(_draw, points, seed=123, scheduler=scheduler_address)
    assert [r["value"] for r in remote] == [r["value"] for r in serial]
    assert [r["spawn_key"] for r in remote] == [[i] for i in range(7)]
    other = run_sweep(_draw, points, seed=124, scheduler=scheduler_address)  # the seed matters
    assert [r["value"] for r in other] != [r["value"] for r in serial]


def test_run_sweep_on_scheduler_used_the_workers(scheduler_address):
    """The tasks really ran on the cluster's workers (not silently in this process)."""
    with distributed.Client(scheduler_address) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        worker_pids = set(client.run(os.getpid).values())
    pids = run_sweep(_pid, [{}] * 6, seed=0, scheduler=scheduler_address)
    assert {r["value"]["pid"] for r in pids} <= worker_pids


def _pid(params: dict, rng: np.random.Generator) -> dict:
    return {"pid": os.getpid()}


def test_simulate_lu2024_on_scheduler_is_bit_identical(scheduler_address):
    args = (10.0, 0.5, 1.0, 0.01, 1e-3, 8)
    serial = simulate_lu2024(*args, reps=4, seed=5)
    remote = simulate_lu2024(*args, reps=4, seed=5, scheduler=scheduler_address)
    assert remote.icl.tobytes() == serial.icl.tobytes()
    assert remote.idg.tobytes() == serial.idg.tobytes()
    assert remote.seeds == serial.seeds
    assert remote.params == serial.params  # the scheduler is not part of the result's identity


def test_cli_simulate_with_scheduler(scheduler_address, capsys):
    argv = ["simulate", "lu2024", "--d", "8", "--alpha", "10", "--kappa", "0.5", "--tau", "2", "--lam", "0",
            "--reps", "3", "--seed", "11", "--json"]
    assert main(argv) == 0
    serial = json.loads(capsys.readouterr().out)
    assert main(argv + ["--scheduler", scheduler_address]) == 0
    remote = json.loads(capsys.readouterr().out)
    assert remote["icl"] == serial["icl"] and remote["idg"] == serial["idg"]
    assert len(remote["icl"]) == 3
