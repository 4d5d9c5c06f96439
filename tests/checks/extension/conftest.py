"""Fixtures shared by the extension API's tests."""

from __future__ import annotations

import pytest

from iclverify.api import unregister


@pytest.fixture
def registered():
    """Claim ids registered by a test, removed afterwards (the registries are process-global)."""
    ids = []
    yield ids
    for i in ids:
        unregister(i)
