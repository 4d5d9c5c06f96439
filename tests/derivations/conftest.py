"""``derivation_results``: every registered derivation, of every paper, run once per test session.

The sides test (independent construction of the two sides) and the per-paper status tests read the same results, so
each sympy derivation runs once rather than once per test file.  Tests that change a formula (negative controls)
build their own derivation and never read this fixture.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def derivation_results():
    """``{name: DerivationResult}`` of :func:`iclverify.derivations.registry.run_derivation` on every derivation."""
    from iclverify.derivations.registry import derivations, run_derivation

    return {d.name: run_derivation(d) for d in derivations()}
