"""Hypothesis profiles (``ci`` default, ``dev``) come from the installed pytest plugin
:mod:`iclverify.pytest_plugin`, selected by ``ICLVERIFY_HYPOTHESIS_PROFILE``.

``claim_evidence``: one quick run per claim per test session, shared by every test that asks for
it (the registry-wide control test and the per-paper claim tests), so a claim is not re-run --
and its statistical tests not re-counted -- for each test that reads its evidence.
"""

from __future__ import annotations

import pytest

#: Root seed of the shared quick runs (the report's default).
QUICK_SEED = 20240515

#: A memory filesystem for the session's throwaway result store, used when it has this much room (a container's
#: /dev/shm can be as small as 64 MiB; the session store holds a few tens of MB).
_SHM, _SHM_MIN_FREE = "/dev/shm", 1 << 30


@pytest.fixture(scope="session")
def session_store(tmp_path_factory):
    """One result store for the session's quick claim runs, so that a simulation is computed once.

    ``ICLVERIFY_TEST_STORE`` may name a warm store: results are keyed by parameters, seeds and package
    version, so a warm store changes no number, only the time.

    Otherwise the store is a temporary file, on ``/dev/shm`` where that is a writable folder with room: every stored
    repeat is one SQLite commit, and a store deleted at the end of the session needs no disk at all.  Measured on
    the shared 2-core machine before the store kept its connection (one open, fsync'd commit and close per
    record): ``lu2024.mc-ridge-icl`` (4096 stored repeats) took 59.1 s with its store on disk and 49.4 s on
    /dev/shm (identical evidence).  The store now keeps one connection with ``synchronous=NORMAL``
    (benchmarks/bench_store.py), which removes most of that gap; /dev/shm still spares a loaded disk.  The
    store's own tests use their own files on disk.
    """
    import os
    import shutil
    import tempfile

    if os.environ.get("ICLVERIFY_TEST_STORE"):
        yield os.environ["ICLVERIFY_TEST_STORE"]
        return
    if os.path.isdir(_SHM) and os.access(_SHM, os.W_OK) and shutil.disk_usage(_SHM).free >= _SHM_MIN_FREE:
        folder = tempfile.mkdtemp(prefix="iclverify-session-store-", dir=_SHM)
        try:
            yield os.path.join(folder, "store.sqlite")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    yield str(tmp_path_factory.mktemp("session_store") / "store.sqlite")


@pytest.fixture(scope="session")
def claim_evidence(session_store):
    """``claim_evidence(claim_id) -> Evidence`` of one quick run at :data:`QUICK_SEED`, cached for the session."""
    from iclverify.checks.claims import RunConfig, get_claim, run_claim

    cache: dict = {}

    def get(claim_id: str):
        if claim_id not in cache:
            cache[claim_id] = run_claim(get_claim(claim_id),
                                        RunConfig(quick=True, seed=QUICK_SEED, store=session_store))
        return cache[claim_id]

    return get
