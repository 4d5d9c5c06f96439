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


@pytest.fixture(scope="session")
def session_store(tmp_path_factory) -> str:
    """One result store for the session's quick claim runs, so that a simulation is computed once.

    ``ICLVERIFY_TEST_STORE`` may name a warm store: results are keyed by parameters, seeds and package
    version, so a warm store changes no number, only the time.
    """
    import os

    return os.environ.get("ICLVERIFY_TEST_STORE") or str(tmp_path_factory.mktemp("session_store") / "store.sqlite")


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
