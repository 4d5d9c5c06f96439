"""Result store connection handling: one connection per process and thread, reopened after fork and
in pickled copies, closed on ``close()``/``with``/exit; ``synchronous=NORMAL`` on writable stores."""

import multiprocessing as mp
import os
import pickle
import threading

import pytest

from iclverify.checks.simulation.store import ResultStore


_KEPT = []


def _put_and_exit_without_close(path):
    _KEPT.append(ResultStore(path))  # held to the end, never closed here: exit closes it (atexit, finalizers)
    _KEPT[-1].put({"model": "exit"}, {"v": 1.5})


def _put_in_child(store, start, count):
    for i in range(start, start + count):
        store.put({"model": "child", "i": i}, {"v": i})


def test_one_connection_reused_with_synchronous_normal(tmp_path):
    s = ResultStore(tmp_path / "r.sqlite")
    s.put({"k": 1}, {"v": 1.0})
    con = s._connection()
    for i in range(5):
        s.put({"k": i}, {"v": float(i)})
        assert s.get({"k": i}) == {"v": float(i)}
    assert s._connection() is con and len(s._cons) == 1
    assert con.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_close_and_context_manager_reopen_on_use(tmp_path):
    with ResultStore(tmp_path / "r.sqlite") as s:
        s.put({"k": 1}, {"v": 1.0})
        assert len(s._cons) == 1
    assert s._cons == {}
    assert s.get({"k": 1}) == {"v": 1.0}  # usable after close: reopens
    s.close()
    s.close()  # idempotent
    assert ResultStore(s.path).get({"k": 1}) == {"v": 1.0}


def test_pickled_store_opens_its_own_connection(tmp_path):
    s = ResultStore(tmp_path / "r.sqlite")
    s.put({"k": 1}, {"v": 1.0})
    copy = pickle.loads(pickle.dumps(s))
    assert copy._cons == {} and copy.path == s.path
    assert copy.get({"k": 1}) == {"v": 1.0}
    copy.put({"k": 2}, {"v": 2.0})
    assert s.get({"k": 2}) == {"v": 2.0}


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="no fork on this platform")
def test_forked_child_reopens_and_parent_keeps_working(tmp_path):
    s = ResultStore(tmp_path / "r.sqlite")
    s.put({"model": "parent"}, {"v": 0.0})  # the parent holds an open connection across the fork
    procs = [mp.get_context("fork").Process(target=_put_in_child, args=(s, start, 40)) for start in (0, 40)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert sorted(k["i"] for k in s.keys("child")) == list(range(80))
    s.put({"model": "parent", "after": True}, {"v": 1.0})
    assert s.get({"model": "parent", "after": True}) == {"v": 1.0}
    assert list(s._cons) == [(os.getpid(), threading.get_ident())]


def test_threads_use_their_own_connections(tmp_path):
    s = ResultStore(tmp_path / "r.sqlite")
    errors = []
    alive = threading.Barrier(4)  # all four alive at once: their idents (the connections' keys) differ

    def work(t):
        try:
            alive.wait(30)
            for i in range(30):
                s.put({"t": t, "i": i}, {"v": i})
                assert s.get({"t": t, "i": i}) == {"v": i}
        except BaseException as err:  # reported below: a thread's exception is otherwise lost
            errors.append(err)
        alive.wait(30)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(s) == 120
    assert len(s._cons) == 5  # four threads and this one
    s.close()  # closes the finished threads' connections too
    assert s._cons == {}


def test_exit_checkpoints_so_a_read_only_reader_sees_the_records(tmp_path, monkeypatch):
    path = tmp_path / "r.sqlite"
    p = mp.get_context("spawn").Process(target=_put_and_exit_without_close, args=(str(path),))
    p.start()
    p.join(60)
    assert p.exitcode == 0
    assert not os.path.exists(str(path) + "-wal") or os.path.getsize(str(path) + "-wal") == 0
    monkeypatch.setattr(ResultStore, "_detect_read_only", lambda self: True)
    with pytest.warns(UserWarning, match="read-only"):
        ro = ResultStore(path)
    assert ro.get({"model": "exit"}) == {"v": 1.5}
