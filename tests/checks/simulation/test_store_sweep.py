"""Result store (SQLite) and seeded sweeps: reuse, resume, concurrency, corruption, backends."""

import multiprocessing as mp
import sqlite3

import numpy as np
import pytest

from iclverify.checks.simulation.store import ResultStore, StoreError, default_store_path, key_hash
from iclverify.checks.simulation.sweep import ProgressBar, run_sweep


def draw(params, rng):
    """Top-level (picklable) sweep function."""
    return {"x": rng.standard_normal(3).tolist(), "mu": params["mu"]}


CALLS = []


def counting_draw(params, rng):
    CALLS.append(params["mu"])
    if params.get("crash"):
        raise KeyboardInterrupt("simulated interruption")
    return {"x": float(rng.standard_normal())}


def _writer(path, start, count):
    st = ResultStore(path)
    for i in range(start, start + count):
        st.put({"model": "w", "i": i}, {"v": i})


def test_roundtrip_and_key_hash(tmp_path):
    st = ResultStore(tmp_path / "r.sqlite")
    key = {"model": "m", "params": {"a": 1.0, "k": float("inf")}, "spawn_key": [0]}
    assert st.get(key) is None
    st.put(key, {"icl": np.float64(1.5), "arr": np.arange(3), "inf": float("inf")})
    assert st.get(key) == {"icl": 1.5, "arr": [0, 1, 2], "inf": float("inf")}
    assert key_hash(key) == key_hash({"spawn_key": (0,), "params": {"k": float("inf"), "a": 1.0}, "model": "m"})
    assert key_hash(key) != key_hash(key, version="0.0.0")
    assert len(st) == 1 and st.keys("m")[0]["params"]["a"] == 1.0


def test_default_path_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ICLVERIFY_STORE", str(tmp_path / "x.sqlite"))
    assert default_store_path() == tmp_path / "x.sqlite"
    monkeypatch.delenv("ICLVERIFY_STORE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_store_path() == tmp_path / "iclverify" / "results.sqlite"
    assert ResultStore().path == tmp_path / "iclverify" / "results.sqlite"


def test_corrupt_file_gives_clear_error(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a usable SQLite database"):
        ResultStore(bad)


def test_foreign_database_gives_clear_error(tmp_path):
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="another program"):
        ResultStore(other)


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "c.sqlite")
    ResultStore(path)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, s, 60)) for s in (0, 60)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    st = ResultStore(path)
    assert len(st) == 120
    assert all(st.get({"model": "w", "i": i}) == {"v": i} for i in range(120))


def test_sweep_seeds_are_spawn_keys_and_independent_of_order():
    pts = [{"mu": float(i)} for i in range(5)]
    recs = run_sweep(draw, pts, seed=7)
    for i, r in enumerate(recs):
        rng = np.random.default_rng(np.random.SeedSequence(7, spawn_key=(i,)))
        assert r["value"]["x"] == rng.standard_normal(3).tolist()
        assert r["entropy"] == 7 and r["spawn_key"] == [i] and r["params"] == pts[i] and r["version"]
    # a sub-sweep of point 3 alone, given its child seed, reproduces it
    sub = run_sweep(draw, [pts[3]], seed=np.random.SeedSequence(7, spawn_key=()))
    assert sub[0]["value"] != recs[3]["value"]  # point index, not params, picks the stream
    assert run_sweep(draw, pts[:4], seed=7)[3]["value"] == recs[3]["value"]


def test_sweep_parallel_loky_is_bit_identical_to_serial():
    pts = [{"mu": float(i)} for i in range(6)]
    serial = run_sweep(draw, pts, seed=3, backend="serial")
    par = run_sweep(draw, pts, seed=3, jobs=2, backend="loky")
    assert [r["value"] for r in serial] == [r["value"] for r in par]


def test_sweep_dask_local_cluster_is_bit_identical_to_serial():
    distributed = pytest.importorskip("distributed")
    pts = [{"mu": float(i)} for i in range(4)]
    serial = run_sweep(draw, pts, seed=5)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        dask = run_sweep(draw, pts, seed=5, jobs=2, backend="dask")
    assert [r["value"] for r in serial] == [r["value"] for r in dask]


def test_rerun_reuses_and_interrupted_sweep_resumes(tmp_path):
    st = ResultStore(tmp_path / "s.sqlite")
    pts = [{"mu": float(i)} for i in range(4)]
    CALLS.clear()
    crashing = pts[:2] + [{"mu": 2.0, "crash": True}] + pts[3:]
    with pytest.raises(KeyboardInterrupt):
        run_sweep(counting_draw, crashing, seed=1, store=st, model="demo")
    assert CALLS == [0.0, 1.0, 2.0]
    CALLS.clear()
    first = run_sweep(counting_draw, pts, seed=1, store=st, model="demo")
    assert CALLS == [2.0, 3.0]                      # resumed: only the unfinished points ran
    assert [r["cached"] for r in first] == [True, True, False, False]
    CALLS.clear()
    again = run_sweep(counting_draw, pts, seed=1, store=st, model="demo")
    assert CALLS == [] and [r["value"] for r in again] == [r["value"] for r in first]
    fresh = run_sweep(counting_draw, pts, seed=1, model="demo")
    assert [r["value"] for r in fresh] == [r["value"] for r in first]


def test_simulation_uses_store(tmp_path):
    from iclverify.checks.simulation.lu2024_sim import simulate_lu2024

    st = ResultStore(tmp_path / "sim.sqlite")
    a = simulate_lu2024(2, 0.5, 0.5, 0.1, 0.0, 6, reps=3, seed=2, store=st)
    b = simulate_lu2024(2, 0.5, 0.5, 0.1, 0.0, 6, reps=4, seed=2, store=st)
    assert [r["cached"] for r in b.records] == [True, True, True, False]
    np.testing.assert_array_equal(a.icl, b.icl[:3])


def test_progress_bar_writes_to_stream():
    import io

    buf = io.StringIO()
    bar = ProgressBar(3, stream=buf, delay=0.0)
    for _ in range(3):
        bar.update()
    bar.close()
    assert "3/3" in buf.getvalue() and buf.getvalue().endswith("\n")


def test_bad_backend_and_jobs():
    with pytest.raises(ValueError, match="backend"):
        run_sweep(draw, [{"mu": 0.0}], seed=0, backend="mpi")
    with pytest.raises(ValueError, match="jobs"):
        run_sweep(draw, [{"mu": 0.0}], seed=0, jobs=0)


def test_one_blas_thread_holds_while_any_threaded_task_runs():
    # Two threaded tasks overlap; when the first ends, the second must still see one BLAS thread
    # (a per-task threadpool_limits restored the old count under it: CI saw a 4e-16 difference).
    import threading

    from threadpoolctl import threadpool_info, threadpool_limits

    from iclverify.checks.simulation import sweep

    a_in, a_out, seen = threading.Event(), threading.Event(), []

    def slow(params, rng):
        a_in.set()
        a_out.wait(10)
        return {}

    def check(params, rng):
        a_in.wait(10)
        a_out.set()
        t.join(10)  # task a has returned
        seen.extend(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")
        return {}

    with threadpool_limits(limits=2):  # a multi-threaded default, as on a CI machine with 2 cores
        t = threading.Thread(target=sweep._call, args=(slow, {}, 1, (0,)))
        t.start()
        sweep._call(check, {}, 1, (1,))
    assert seen and all(n == 1 for n in seen)


def test_a_sweep_restores_the_callers_blas_threads():
    from threadpoolctl import threadpool_info, threadpool_limits

    from iclverify.checks.simulation.sweep import run_sweep

    inside = []

    def f(params, rng):
        inside.extend(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")
        return {"x": 0.0}

    with threadpool_limits(limits=2):
        before = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
        run_sweep(f, [{}], seed=1)
        after = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    assert inside and all(n == 1 for n in inside)
    assert after == before
